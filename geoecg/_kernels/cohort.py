"""Cohort-extraction kernels: a record's shared intermediates in one call, and the R-peak
summary of every record of a chunk in one call.

:func:`record_intermediates` runs, for one record, the kernels the properties of
``geoecg.cohort._record.RecordData`` call one by one (the multi-lead R-peaks, the primary
lead's own R-peaks from its kept energy, the ~100-Hz band, a copy of the primary lead), with
the same arguments in the same order, so each output is the same array; the record's
Python glue between those calls (validation, result objects, four dispatches) is gone.

The sums of :func:`rpeak_summaries` follow NumPy's order (:func:`pairwise_sum` is the
pairwise summation of NumPy's ``add.reduce`` on a contiguous float64 array), so the values
equal, bit for bit, the NumPy expressions they replace (``rr.mean()``,
``np.std(rr, ddof=1)``, ``c.sum() / c.size``, ``np.median``); twins in
``tests/test_cohort_summary.py``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .band import block_mean_sosfilt
from .rpeaks_stages import NOISY, record_energy, run_beats

#: Flags of :func:`record_intermediates`: which outputs it computed (``NOISY_RPEAKS``:
#: the multi-lead R-peaks handed back for the tracking steps that run in NumPy).
HAS_RPEAKS, HAS_LEAD, HAS_BAND, NOISY_RPEAKS = 1, 2, 4, 8

#: NumPy's pairwise-summation block (``PW_BLOCKSIZE`` of numpy/_core/src/umath/loops_utils.h).
_PW_BLOCK = 128
_PW_UNROLL = 8


@njit(cache=True, nogil=True)
def _pw_block(a, lo, n):
    """NumPy's pairwise sum of a block of at most 128 values: a plain loop below 8, else 8
    running sums combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then
    the rest one by one."""
    if n < _PW_UNROLL:
        res = 0.0
        for i in range(n):
            res += a[lo + i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = _PW_UNROLL
    while i < n - (n % _PW_UNROLL):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += _PW_UNROLL
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True, nogil=True)
def pairwise_sum(a, lo, n):
    """Sum of ``a[lo : lo + n]`` in the order of NumPy's pairwise summation: blocks of at
    most 128 values (:func:`_pw_block`), a longer run split in halves (at a multiple of 8)
    whose sums are added, recursively. ``0.0 + pairwise_sum(a, 0, a.size)`` is
    ``np.sum(a)``. The recursion runs on an explicit stack (numba's on-disk cache does not
    hold self-recursive functions safely)."""
    if n <= _PW_BLOCK:
        return _pw_block(a, lo, n)
    depth = 64  # halving from n <= 2**63 reaches a block in fewer levels
    s_lo = np.empty(depth, dtype=np.int64)
    s_n = np.empty(depth, dtype=np.int64)
    s_stage = np.empty(depth, dtype=np.int64)
    vals = np.empty(depth + 1, dtype=np.float64)
    sp = 0
    vp = 0
    s_lo[0], s_n[0], s_stage[0] = lo, n, 0
    sp = 1
    while sp > 0:
        f = sp - 1
        fn = s_n[f]
        if fn <= _PW_BLOCK:
            vals[vp] = _pw_block(a, s_lo[f], fn)
            vp += 1
            sp -= 1
            continue
        n2 = fn // 2
        n2 -= n2 % _PW_UNROLL
        if s_stage[f] == 0:  # the left half first
            s_stage[f] = 1
            s_lo[sp], s_n[sp], s_stage[sp] = s_lo[f], n2, 0
            sp += 1
        elif s_stage[f] == 1:  # then the right half
            s_stage[f] = 2
            s_lo[sp], s_n[sp], s_stage[sp] = s_lo[f] + n2, fn - n2, 0
            sp += 1
        else:  # left + right
            vals[vp - 2] = vals[vp - 2] + vals[vp - 1]
            vp -= 1
            sp -= 1
    return vals[0]


@njit(cache=True, nogil=True)
def rpeak_summaries(peaks, confidence, offsets, n_samples, fs, out):
    """R-peak summary rows of many records (``RPeaksSet``'s 9 columns) into ``out``.

    Record ``i`` has the sorted int64 R-peaks ``peaks[offsets[i]:offsets[i + 1]]`` (and
    their ``confidence``), ``n_samples[i]`` samples at ``fs[i]`` Hz. Row: beat count, heart
    rate 60000 / median RR, mean RR, median RR, RR std (ddof=1), min RR, max RR (RR in ms),
    mean confidence, duration (s); NaN where undefined (no beat, one RR)."""
    for i in range(offsets.size - 1):
        lo, hi = offsets[i], offsets[i + 1]
        nb = hi - lo
        row = out[i]
        row[:] = np.nan
        row[0] = nb
        row[8] = n_samples[i] / fs[i]
        if nb:
            row[7] = (0.0 + pairwise_sum(confidence, lo, nb)) / nb
        m = nb - 1
        if m < 1:
            continue
        scale = 1000.0 / fs[i]
        rr = np.empty(m, dtype=np.float64)
        for j in range(m):
            rr[j] = (peaks[lo + j + 1] - peaks[lo + j]) * scale
        srt = np.sort(rr)
        h = m // 2
        med = srt[h] if m % 2 else (srt[h - 1] + srt[h]) / 2
        mean = (0.0 + pairwise_sum(rr, 0, m)) / m
        row[1] = 60000.0 / med
        row[2] = mean
        row[3] = med
        row[5] = srt[0]
        row[6] = srt[m - 1]
        if m > 1:
            for j in range(m):
                d = rr[j] - mean
                rr[j] = d * d
            row[4] = np.sqrt((0.0 + pairwise_sum(rr, 0, m)) / (m - 1))


@njit(cache=True, nogil=True)
def record_intermediates(
    x, want_rpeaks, k, sos, half_width, min_len, block, floor, keep, ints, floats, track,
    want_lead, band_k, band_sos, band_zi, band, lead
):  # fmt: skip
    """The shared intermediates of one record ``x`` (n_leads, n) float64, C-contiguous.

    The detector's options come from its plan (``k``, ``sos``, ``half_width``, ``min_len``,
    ``ints``, ``floats``, ``track``; ``block`` and ``floor`` as
    ``geoecg.features._rpeaks_run.run_stages`` passes them), ``keep`` is the primary lead.

    - When ``want_rpeaks``, the multi-lead R-peaks: :func:`record_energy` then
      :func:`run_beats` on the processed stretches with tracking ``track``, as
      ``run_stages``; computed when the record has no infinite sample and no stretch needs
      the tracking steps that run in NumPy. When a stretch needs them (flag
      :data:`NOISY_RPEAKS`), ``peaks`` and ``confidence`` are :func:`run_beats`' hand-back
      ``ibuf`` and ``fbuf``, for ``geoecg.features._rpeaks_run._finish_noisy`` with the
      returned ``energy``, ``used``, ``runs``.
    - When ``want_rpeaks`` and ``want_lead`` (and no infinite sample): the primary lead's
      R-peaks without tracking from the energy kept by :func:`record_energy`, as
      ``detect_from_lead_energy``; and ``lead[:] = x[keep]``.
    - When ``band`` has columns: :func:`block_mean_sosfilt` (``band_k``, ``band_sos``,
      ``band_zi``) into ``band`` when every sample is finite.

    Returns ``(flags, peaks, confidence, lead_peaks, energy, used, runs)``: ``flags`` the
    sum of :data:`HAS_RPEAKS`, :data:`HAS_LEAD`, :data:`HAS_BAND`, :data:`NOISY_RPEAKS`
    for the outputs computed (the caller computes the others its usual way); an output not
    computed is empty or unspecified; ``energy``, ``used``, ``runs`` those of
    :func:`record_energy` after :func:`run_beats` (empty without R-peaks).
    """
    none_i = np.empty(0, dtype=np.int64)
    none_f = np.empty(0)
    flags = 0
    peaks, confidence, lead_peaks = none_i, none_f, none_i
    energy = np.empty((0, 0))
    used = np.empty((0, 0), dtype=np.bool_)
    runs = np.empty((0, 2), dtype=np.int64)
    if want_rpeaks:
        energy, used, combined, runs, has_inf, kept_e, kept_u, kept_runs = record_energy(
            x, k, sos, half_width, min_len, block, floor, keep
        )
        if has_inf:
            return flags, peaks, confidence, lead_peaks, energy, used, runs
        out = run_beats(combined, x, energy, used, runs, ints, floats, track)
        if out[0] != NOISY:
            peaks, confidence = out[1], out[2]
            flags += HAS_RPEAKS
        else:
            peaks, confidence = out[3], out[4]
            flags += NOISY_RPEAKS
        if want_lead:
            out = run_beats(
                kept_e,
                x[keep : keep + 1],
                kept_e.reshape(1, -1),
                kept_u.reshape(1, -1),
                kept_runs,
                ints,
                floats,
                False,
            )
            lead_peaks = out[1]
            lead[:] = x[keep]
            flags += HAS_LEAD
    if band.shape[1] > 0 and block_mean_sosfilt(x, band_k, band_sos, band_zi, band):
        flags += HAS_BAND
    return flags, peaks, confidence, lead_peaks, energy, used, runs


@njit(cache=True, nogil=True)
def flat_leads(x, threshold, out):
    """``out[c] = not (nanmax(x[c]) - nanmin(x[c]) > threshold)`` for every lead of ``x``
    (n_leads, n): whether the lead is flat or empty (all NaN), in one pass.

    The decision of ``geoecg.cohort._chunk._check``'s NumPy expression (``max - min`` per
    lead, ``nanmax - nanmin`` when a span is not finite): NaN samples are skipped (a
    comparison with NaN is false), an all-NaN lead has span ``-inf - inf`` (flat, as NaN is),
    infinite samples count as values (``inf - inf`` is NaN: flat)."""
    for c in range(x.shape[0]):
        hi = -np.inf
        lo = np.inf
        for i in range(x.shape[1]):
            v = x[c, i]
            hi = v if v > hi else hi
            lo = v if v < lo else lo
        out[c] = not (hi - lo > threshold)
