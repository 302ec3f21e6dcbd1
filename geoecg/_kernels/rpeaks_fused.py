"""R-peak detection kernels, stages 0-1 fused: block means, band-pass and energy in fewer passes.

:func:`lead_energies_fused` returns exactly what :func:`geoecg._kernels.rpeaks.lead_energies`
returns (the same operations in the same order on every lead, hence the same numbers) with
less memory traffic and more work per cycle:

* a lead whose block means are all finite (the usual case) takes a fused path: the block
  mean of each sample is computed inside the forward filter pass (the pass is bound by the
  latency of the filter recursion, so the additions of the block mean come for free), the
  backward pass writes the squared slope, then the moving-window mean runs;
* leads are processed two at a time, in the two lanes of SIMD registers
  (:mod:`geoecg._kernels.rpeaks_pair`: one vector operation for both leads' scalar ones,
  so each lead still sees exactly its own operations in its own order);
* a lead holding a non-finite block mean (a NaN gap, an infinite sample) or shorter than
  ``max(min_len, 2)`` blocks, and any band-pass that is not two second-order sections, goes
  through the generic per-run code of :mod:`geoecg._kernels.rpeaks`.

Whether a lead is finite is read from the filter state at the end of the forward pass: a
non-finite input makes the recursion non-finite from there on, so a finite final state means
every block mean was finite (and a non-finite state with finite input, an overflow, sends
the lead to the generic path, which is the reference).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import _cascade_step, _section_coefs, _window_mean, lead_energy_into
from .rpeaks_pair import backward_pair, forward_pair, window_mean_pair
from .rpeaks_track import envelope_noise_weight

__all__ = ["lead_energies_fused", "track_inputs"]

# unsigned indices: numba tests a signed index for a negative value (and wraps it around)
# on every load; the block means never index with a negative value
_U = np.uint64
_1, _2, _3, _4 = _U(1), _U(2), _U(3), _U(4)


@njit(cache=True, nogil=True, inline="always")
def _bmean(x, b, k, inv):
    """Block mean ``b`` of ``k`` samples of ``x``, the arithmetic of ``_block_mean_into``
    (``x[b]`` itself for ``k == 1``, as ``lead_energies`` copies the samples)."""
    if k == 1:
        return x[_U(b)]
    base = _U(b * k)  # unsigned: no negative-index test per load
    # the factors of 200-599 Hz written out (the same additions in the same order)
    if k == 5:
        return (
            (((0.0 + x[base]) + x[base + _1]) + x[base + _2]) + x[base + _3] + x[base + _4]
        ) * inv
    if k == 2:
        return ((0.0 + x[base]) + x[base + _1]) * inv
    if k == 3:
        return (((0.0 + x[base]) + x[base + _1]) + x[base + _2]) * inv
    if k == 4:
        return ((((0.0 + x[base]) + x[base + _1]) + x[base + _2]) + x[base + _3]) * inv
    s = 0.0
    for j in range(k):
        s += x[base + _U(j)]
    return s * inv


@njit(cache=True, nogil=True)
def _forward1(x, k, sos, y):
    """Forward pass of the two-section cascade (the state-space form of
    ``_two_section_slope``, the same operations) over the block means of ``x`` minus the
    first one, into ``y``; True when the final state is finite (every block mean was)."""
    nd = y.shape[0]
    inv = 1.0 / k
    cf = _section_coefs(sos)
    x0 = _bmean(x, 0, k, inv)
    p1 = 0.0
    p2 = 0.0
    q1 = 0.0
    q2 = 0.0
    for i in range(nd):
        v = _bmean(x, i, k, inv) - x0
        w, p1, p2, q1, q2 = _cascade_step(v, cf, p1, p2, q1, q2)
        y[i] = w
    return np.isfinite(p1 + p2 + q1 + q2 + x0)


@njit(cache=True, nogil=True)
def _backward1(y, sos):
    """Backward pass of the cascade over ``y`` (from rest) writing the squared central
    difference in place, one sample behind: the second loop of ``_two_section_slope``
    (its first two samples, which write nothing and the one-sided last slope, before the
    loop; unsigned indices). Needs ``len(y) >= 2``."""
    n = y.shape[0]
    cf = _section_coefs(sos)
    p1 = 0.0
    p2 = 0.0
    q1 = 0.0
    q2 = 0.0
    nxt = 0.0
    cur = 0.0
    for k in range(2):
        v = y[n - 1 - k]
        w, p1, p2, q1, q2 = _cascade_step(v, cf, p1, p2, q1, q2)
        if k == 1:
            d = cur - w
            y[n - 1] = d * d
        nxt = cur
        cur = w
    for k in range(2, n):
        i = _U(n - 1 - k)
        v = y[i]
        w, p1, p2, q1, q2 = _cascade_step(v, cf, p1, p2, q1, q2)
        d = 0.5 * (nxt - w)
        y[i + _1] = d * d
        nxt = cur
        cur = w
    d = nxt - cur
    y[0] = d * d


@njit(cache=True, nogil=True)
def _tail_has_inf(row, start):
    for i in range(start, row.shape[0]):
        if np.isinf(row[i]):
            return True
    return False


@njit(cache=True, nogil=True)
def lead_energies_fused(x, k, sos, half_width, min_len):
    """:func:`geoecg._kernels.rpeaks.lead_energies` (same arguments, same returns, the same
    numbers) with the fused two-lead path of this module for finite leads."""
    n_leads = x.shape[0]
    n = x.shape[1]
    nd = n // k
    energy = np.empty((n_leads, nd))
    used = np.empty((n_leads, nd), dtype=np.bool_)
    xd = np.empty(nd)
    ya = np.empty(nd)
    yb = np.empty(nd)
    h = half_width if half_width > 0 else 0
    has_inf = False
    fast = sos.shape[0] == 2 and nd >= 2 and nd >= min_len
    ok = np.zeros(n_leads, dtype=np.bool_)
    if fast:
        lead = 0
        while lead < n_leads:
            if lead + 1 < n_leads:
                oa, ob = forward_pair(x[lead], x[lead + 1], k, sos, ya, yb)
                if oa and ob:
                    backward_pair(ya, yb, sos)
                    window_mean_pair(ya, yb, h, energy[lead], energy[lead + 1])
                elif oa:
                    _backward1(ya, sos)
                    _window_mean(ya, h, energy[lead])
                elif ob:
                    _backward1(yb, sos)
                    _window_mean(yb, h, energy[lead + 1])
                ok[lead] = oa
                ok[lead + 1] = ob
                lead += 2
            else:
                oa = _forward1(x[lead], k, sos, ya)
                if oa:
                    _backward1(ya, sos)
                    _window_mean(ya, h, energy[lead])
                ok[lead] = oa
                lead += 1
    runs = np.empty((0, 2), dtype=np.int64)
    for lead in range(n_leads):
        if ok[lead]:
            used[lead, :] = True
            if _tail_has_inf(x[lead], nd * k):
                has_inf = True
            if lead == n_leads - 1:
                runs = np.empty((1, 2), dtype=np.int64)
                runs[0, 0] = 0
                runs[0, 1] = nd
        else:
            energy[lead, :] = 0.0
            used[lead, :] = False
            r, hi = lead_energy_into(x, lead, k, sos, h, min_len, xd, ya, energy, used)
            has_inf = has_inf or hi
            if lead == n_leads - 1:
                runs = r
    return energy, used, runs, has_inf


@njit(cache=True, nogil=True)
def track_inputs(m, heights, cand, idx, thr, block, n_sub, chunk, lo, hi, erode):
    """The inputs of beat-sequence tracking in one call (the NumPy steps of
    ``geoecg.features.rpeaks._track`` before :func:`track_beats`, same values).

    ``cand`` are the increasing candidate positions, ``heights`` their heights, ``idx`` the
    increasing candidate indices of the beats and ``thr`` their thresholds. Returns
    ``(thr_c, is_beat, w, noisy)``: the threshold each candidate sees (that of the last beat
    at or before it, the first beat's before any, its own for a beat), the beat mask, each
    candidate's noise weight (:func:`envelope_noise_weight` of its block) and whether any
    beat has a positive weight.
    """
    nc = cand.shape[0]
    nbeat = idx.shape[0]
    pos = np.empty(nbeat, dtype=np.int64)
    beat_h = np.empty(nbeat)
    for q in range(nbeat):
        pos[q] = cand[idx[q]]
        beat_h[q] = heights[idx[q]]
    thr_c = np.empty(nc)
    is_beat = np.zeros(nc, dtype=np.bool_)
    p = 0  # beats at or before cand[c]: np.searchsorted(pos, cand, side="right")
    for c in range(nc):
        while p < nbeat and pos[p] <= cand[c]:
            p += 1
        thr_c[c] = thr[p - 1 if p > 1 else 0]
    for q in range(nbeat):
        thr_c[idx[q]] = thr[q]
        is_beat[idx[q]] = True
    wb = envelope_noise_weight(m, pos, beat_h, block, n_sub, chunk, lo, hi, erode)
    w = np.empty(nc)
    last = wb.shape[0] - 1
    b = 0  # min(cand[c] // block, last) for increasing cand, without a division each
    for c in range(nc):
        while b < last and (b + 1) * block <= cand[c]:
            b += 1
        w[c] = wb[b]
    noisy = False
    for q in range(nbeat):
        if w[idx[q]] > 0:
            noisy = True
            break
    return thr_c, is_beat, w, noisy
