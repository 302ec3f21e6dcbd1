"""R-peak detection kernels: whole stages of one record in one call (fewer dispatches).

On a short record (a 10-s 12-lead ECG) the detector's fixed costs -- a numba dispatch and
the NumPy glue around each of its ~8 kernels -- weigh more than the work itself. The two
kernels here run the same kernels of :mod:`geoecg._kernels.rpeaks`,
:mod:`geoecg._kernels.rpeaks_fused` and :mod:`geoecg._kernels.rpeaks_decide` (the same
operations in the same order, hence the same numbers) from one call:

* :func:`record_energy` -- stages 1-3: the energy envelope of every lead, a copy of one
  lead's envelope (for its single-lead detection), the scaled leads' geometric mean;
* :func:`run_beats` -- stages 4-8 on an envelope processed as one stretch (no gap): the
  candidates, the adaptive-threshold decision, the noise check of beat-sequence tracking,
  the pruning and the refinement on the raw signal. Where the envelope is noisy and
  tracking is on, it stops after the noise check and the caller runs the tracking steps
  (their logarithms run in NumPy, whose ``log`` is not always the C library's).

The scalar options travel in two arrays (``ints``, ``floats``) laid out by the index
constants below (``I_*``, ``F_*``), filled once per option set by
:func:`geoecg.features.rpeaks._make_plan`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import combine_lead_energies, local_maxima, mask_runs
from .rpeaks_decide import decide_beats, finish_peaks, initial_levels, prune_split_beats
from .rpeaks_fused import lead_energies_fused, track_inputs

__all__ = ["record_energy", "run_beats"]

# layout of ``ints`` (int64)
I_K, I_REFR, I_INIT, I_INIT_RANK, I_TWAVE, I_BLOCK, I_NSUB, I_CHUNK, I_ERODE = range(9)
I_RADIUS, I_BASE_RADIUS, I_PRUNE = 9, 10, 11
N_INTS = 12
# layout of ``floats`` (float64)
F_TWAVE_FRAC, F_SEARCHBACK, F_SB_FRAC, F_FRAC, F_RR0, F_FRAC_NOISY = range(6)
F_RATIO_LO, F_RATIO_HI, F_LO, F_HI, F_PRUNE_RR, F_PRUNE_H, F_REFR_FULL = range(6, 13)
N_FLOATS = 13
# what run_beats did
DONE, EMPTY, NOISY = 0, 1, 2


@njit(cache=True, nogil=True)
def record_energy(x, k, sos, half_width, min_len, block, floor, keep):
    """Stages 1-3 of one record ``x`` ``(n_leads, n)`` in one call.

    :func:`lead_energies_fused` (``k``, ``sos``, ``half_width``, ``min_len``), then a copy
    of lead ``keep``'s envelope and mask (empty when ``keep < 0``) and its processed
    stretches (:func:`mask_runs`), then for several leads :func:`combine_lead_energies`
    (``block``, ``floor``), which rescales ``energy`` in place. Returns ``(energy, used,
    combined, runs, has_inf, kept_energy, kept_used, kept_runs)``: ``combined`` is the
    envelope the decision runs on (lead 0's own for one lead) and ``runs`` its processed
    stretches.
    """
    energy, used, runs, has_inf = lead_energies_fused(
        x=x, k=k, sos=sos, half_width=half_width, min_len=min_len
    )
    if keep >= 0:
        kept_e = energy[keep].copy()
        kept_u = used[keep].copy()
        kept_runs = mask_runs(mask=kept_u, min_len=min_len)
    else:
        kept_e = np.empty(0)
        kept_u = np.empty(0, dtype=np.bool_)
        kept_runs = np.empty((0, 2), dtype=np.int64)
    if x.shape[0] > 1:
        combined, runs = combine_lead_energies(
            energy=energy, used=used, block=block, floor=floor, min_len=min_len
        )
    else:
        combined = energy[0]
    return energy, used, combined, runs, has_inf, kept_e, kept_u, kept_runs


@njit(cache=True, nogil=True)
def _lead_of_peaks(energy, used, peaks_d):
    """``np.argmax(energy[:, peaks_d] * used[:, peaks_d], axis=0)``: the first lead of the
    largest product (the first NaN when there is one), per peak."""
    n_leads = energy.shape[0]
    m = peaks_d.shape[0]
    lead = np.zeros(m, dtype=np.int64)
    for j in range(m):
        p = peaks_d[j]
        best = 0
        bv = energy[0, p] * (1.0 if used[0, p] else 0.0)
        if bv == bv:
            for ld in range(1, n_leads):
                v = energy[ld, p] * (1.0 if used[ld, p] else 0.0)
                if v != v:
                    best = ld
                    break
                if v > bv:
                    best = ld
                    bv = v
        lead[j] = best
    return lead


@njit(cache=True, nogil=True)
def run_beats(m, x, energy, used, ints, floats, track):
    """Stages 4-8 on the envelope ``m`` processed as one stretch ``[0, len(m))``.

    ``x`` ``(n_leads, n)`` is the raw signal, ``energy``/``used`` the (scaled) lead
    envelopes and their masks (for the lead each beat is refined on), ``ints``/``floats``
    the options (layout: the ``I_*``/``F_*`` constants), ``track`` whether beat-sequence
    tracking is on. The steps and their arguments are those of
    ``geoecg.features.rpeaks._beats_in_run`` and ``_refine``.

    Returns ``(status, peaks, confidence, cand, heights, idx, thr, thr_c, is_beat, w)``:
    ``status`` is :data:`DONE` (``peaks``/``confidence`` final), :data:`EMPTY` (no
    candidate) or :data:`NOISY` (tracking is needed: ``cand``, ``heights``, ``idx``, ``thr``
    are the candidates, their heights, the beats' candidate indices and thresholds after
    the decision, ``thr_c``, ``is_beat``, ``w`` the other outputs of
    :func:`track_inputs`; the caller goes on from there).
    """
    nd = m.shape[0]
    refr = ints[I_REFR]
    cand = local_maxima(m=m, min_distance=refr)
    nc = cand.shape[0]
    h = np.empty(nc)
    for i in range(nc):
        h[i] = np.sqrt(m[cand[i]])
    none_i = np.empty(0, dtype=np.int64)
    none_f = np.empty(0)
    none_b = np.empty(0, dtype=np.bool_)
    if nc == 0:
        return EMPTY, none_i, none_f, cand, h, none_i, none_f, none_f, none_b, none_f
    spk0, npk0 = initial_levels(
        heights=h, positions=cand, init=ints[I_INIT], init_rank=ints[I_INIT_RANK]
    )
    idx, thr = decide_beats(
        heights=h,
        positions=cand,
        n=nd,
        refractory=refr,
        twave=ints[I_TWAVE],
        twave_frac=floats[F_TWAVE_FRAC],
        searchback=floats[F_SEARCHBACK],
        sb_frac=floats[F_SB_FRAC],
        frac=floats[F_FRAC],
        rr0=floats[F_RR0],
        spk0=spk0,
        npk0=npk0,
        frac_noisy=floats[F_FRAC_NOISY],
        ratio_lo=floats[F_RATIO_LO],
        ratio_hi=floats[F_RATIO_HI],
    )
    if track and idx.shape[0] > 2:
        thr_c, is_beat, w, noisy = track_inputs(
            m=m,
            heights=h,
            cand=cand,
            idx=idx,
            thr=thr,
            block=ints[I_BLOCK],
            n_sub=ints[I_NSUB],
            chunk=ints[I_CHUNK],
            lo=floats[F_LO],
            hi=floats[F_HI],
            erode=ints[I_ERODE],
        )
        if noisy:
            return NOISY, none_i, none_f, cand, h, idx, thr, thr_c, is_beat, w
    nb = idx.shape[0]
    pos = np.empty(nb, dtype=np.int64)
    hb = np.empty(nb)
    for q in range(nb):
        pos[q] = cand[idx[q]]
        hb[q] = h[idx[q]]
    if ints[I_PRUNE] != 0:
        keep = prune_split_beats(
            positions=pos,
            heights=hb,
            rr0=floats[F_RR0],
            rr_frac=floats[F_PRUNE_RR],
            h_frac=floats[F_PRUNE_H],
        )
        pos = pos[keep]
        hb = hb[keep]
        thr = thr[keep]
    k = ints[I_K]
    radius = ints[I_RADIUS]
    nb = pos.shape[0]
    conf = np.empty(nb)
    peaks = np.empty(nb, dtype=np.int64)
    for q in range(nb):
        conf[q] = hb[q] / (hb[q] + thr[q])
        peaks[q] = pos[q] * k + k // 2
    if x.shape[0] == 1 or radius == 0:
        lead = np.zeros(nb, dtype=np.int64)
    else:
        lead = _lead_of_peaks(energy, used, pos)
    p, c = finish_peaks(
        x=x,
        lead=lead,
        peaks=peaks,
        confidence=conf,
        radius=radius,
        base_radius=ints[I_BASE_RADIUS],
        refractory=floats[F_REFR_FULL],
    )
    return DONE, p, c, cand, h, idx, thr, none_f, none_b, none_f
