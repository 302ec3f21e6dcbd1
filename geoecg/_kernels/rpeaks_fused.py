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

A lead processed alone (one lead, or the last of an odd number) runs each of its two filter
passes as two halves in the two lanes (:func:`forward_split`, :func:`backward_split`):
lane 0 is the exact chain up to a junction in the middle, lane 1 starts from rest
:data:`SPLIT_WARM` samples before the junction and runs to the end of the pass. A stable
recursion forgets its initial state, and once lane 1's state equals the exact chain's state
bit for bit every later output is the exact chain's (the same operations on the same
numbers). That is checked, not assumed: the two lanes' states at the junction are compared
(``+0.0`` and ``-0.0`` apart, a NaN never equal), and on any difference the pass is run
again as the one-lane loop. So the numbers are :func:`_forward1`'s and :func:`_backward1`'s
whatever the input; only the time changes (the two chains overlap in the processor).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .rpeaks import _cascade_step, _section_coefs, _window_mean, lead_energy_into
from .rpeaks_pair import (
    _bmean2,
    _cascade_step2,
    _hi,
    _lo,
    _mul,
    _pack,
    _pair_coefs,
    _splat,
    _sub,
    backward_pair,
    forward_pair,
    window_mean_pair,
)
from .rpeaks_track import envelope_noise_weight

__all__ = ["backward_split", "forward_split", "lead_energies_fused", "track_inputs"]

# unsigned indices: numba tests a signed index for a negative value (and wraps it around)
# on every load; the block means never index with a negative value
_U = np.uint64
_1, _2, _3, _4 = _U(1), _U(2), _U(3), _U(4)

#: Samples a split filter pass's second lane runs from rest before the junction
#: (:func:`forward_split`, :func:`backward_split`): the band-pass's largest pole radius is
#: at most ~0.91 at the detection rates (100-200 Hz), so its initial state is forgotten by
#: a factor of ~1e-84 (its state was bit-equal to the exact chain's at every one of 432
#: junctions of MIT-BIH, SVDB and NSTDB leads, against 430 at 1,024 samples).
SPLIT_WARM = 2048


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


@njit(cache=True, nogil=True, inline="always")
def _same(a, b):
    """``a`` and ``b`` the same float64: equal and, for zeros, of the same sign (a NaN is
    never the same: the caller then takes the one-lane loop, the reference)."""
    return a == b and (a != 0.0 or math.copysign(1.0, a) == math.copysign(1.0, b))


@njit(cache=True, nogil=True, inline="always")
def _same_state(p1, p2, q1, q2, h1, h2, h3, h4):
    """Lane 0's state ``(p1, p2, q1, q2)`` (lane pairs) the same as the saved lane-1
    state ``(h1, h2, h3, h4)``, value by value (:func:`_same`)."""
    return _same(_lo(p1), h1) and _same(_lo(p2), h2) and _same(_lo(q1), h3) and _same(_lo(q2), h4)


@njit(cache=True, nogil=True, inline="always")
def _forward_steps(x, xb, k, inv, co, x0, y, off, i0, i1, p1, p2, q1, q2):
    """Steps ``i0`` to ``i1 - 1`` of :func:`forward_split`: block ``i`` of ``x`` (lane 0)
    and of ``xb`` (lane 1, block ``off + i`` of the lead) minus ``x0`` through the cascade,
    the outputs into ``y[i]`` and ``y[off + i]``; returns the states."""
    for i in range(i0, i1):
        v = _sub(_bmean2(x, xb, i, k, inv), x0)
        o, p1, p2, q1, q2 = _cascade_step2(co, v, p1, p2, q1, q2)
        y[_U(i)] = _lo(o)
        y[_U(off + i)] = _hi(o)
    return p1, p2, q1, q2


@njit(cache=True, nogil=True)
def forward_split(x, k, sos, y, warm):
    """:func:`_forward1` (the same ``y`` to the bit, the same return) with the lead's two
    halves in the two lanes of one SIMD register.

    Lane 0 runs blocks ``[0, j)`` from rest (the exact chain), lane 1 blocks
    ``[j - w, nd)`` from rest (``w`` = ``warm``, or ``warm + 1`` so that both lanes take
    the same number of steps); lane 1's first ``w`` outputs are overwritten by lane 0's.
    When lane 1's state after block ``j - 1`` is not lane 0's final state bit for bit, the
    pass is run again by :func:`_forward1`. Leads of fewer than ``4 * warm`` blocks (or
    ``warm < 1``) go to :func:`_forward1` directly. Returns ``(finite, split)``: whether the
    final state is finite (every block mean was) and whether the split result stood.
    """
    nd = y.shape[0]
    if warm < 1 or nd < 4 * warm:
        return _forward1(x, k, sos, y), False
    w = warm + ((nd + warm) & 1)
    j = (nd + w) // 2  # steps of each lane
    off = j - w  # lane 1's first block
    xb = x[off * k :]
    inv1 = 1.0 / k
    inv = _splat(inv1)
    co = _pair_coefs(sos)
    x0s = _bmean(x, 0, k, inv1)
    x0 = _splat(x0s)
    p1 = _pack(0.0, 0.0)
    p2 = p1
    q1 = p1
    q2 = p1
    # lane 1 warms up over lane 0's blocks [off, j), then its state is kept
    p1, p2, q1, q2 = _forward_steps(x, xb, k, inv, co, x0, y, off, 0, w, p1, p2, q1, q2)
    h1, h2, h3, h4 = _hi(p1), _hi(p2), _hi(q1), _hi(q2)  # lane 1 after block j - 1
    p1, p2, q1, q2 = _forward_steps(x, xb, k, inv, co, x0, y, off, w, j, p1, p2, q1, q2)
    if not _same_state(p1, p2, q1, q2, h1, h2, h3, h4):
        return _forward1(x, k, sos, y), False
    fin = (((_hi(p1) + _hi(p2)) + _hi(q1)) + _hi(q2)) + x0s
    return np.isfinite(fin), True


@njit(cache=True, nogil=True, inline="always")
def _slope2(nx, o):
    """The squared central difference ``(0.5 (nx - o))^2`` of both lanes."""
    d = _mul(_splat(0.5), _sub(nx, o))
    return _mul(d, d)


@njit(cache=True, nogil=True, inline="always")
def _backward_steps(y, out, co, n, top, s0, s1, st):
    """Steps ``s0`` to ``s1 - 1`` of :func:`backward_split`: sample ``n - 1 - s`` (lane 0)
    and ``top - s`` (lane 1) through the cascade, each lane's squared slope of the sample
    after it written; ``st`` = ``(p1, p2, q1, q2, nx, cu)`` (states, the two last outputs)
    in and out."""
    p1, p2, q1, q2, nx, cu = st
    for s in range(s0, s1):
        ia = _U(n - 1 - s)
        ib = _U(top - s)
        o, p1, p2, q1, q2 = _cascade_step2(co, _pack(y[ia], y[ib]), p1, p2, q1, q2)
        d = _slope2(nx, o)
        out[ia + _1] = _lo(d)
        out[ib + _1] = _hi(d)
        nx = cu
        cu = o
    return p1, p2, q1, q2, nx, cu


@njit(cache=True, nogil=True)
def backward_split(y, sos, out, warm):
    """The squared slope :func:`_backward1` leaves in ``y``, written into ``out`` (``y``
    unchanged; the same numbers to the bit), with the pass's two halves in the two lanes.

    Lane 0 runs from the last sample down to sample ``j + 1`` from rest (the exact chain),
    lane 1 from sample ``j + w + 1`` (``w`` = ``warm``, or ``warm + 1`` so that both lanes
    take the same number of steps) down to sample 0 from rest; lane 0 writes the slopes of
    samples ``j + 2`` to the end (overwriting lane 1's writes there, which come earlier),
    lane 1 those of samples 0 to ``j + 1``. These are the exact chain's when lane 1's state
    after sample ``j + 3`` is lane 0's state there bit for bit (then lane 1's outputs from
    sample ``j + 2`` down are the exact chain's); otherwise :func:`_backward1` runs on a
    copy of ``y`` in ``out``, as it does for fewer than ``4 * warm`` samples (or
    ``warm < 4``). Returns whether the split result stood.
    """
    n = y.shape[0]
    if warm < 4 or n < 4 * warm:
        out[:] = y
        _backward1(out, sos)
        return False
    w = warm + ((n - 3 - warm) & 1)
    j = (n - 3 - w) // 2
    top = j + w + 1  # lane 1's first sample
    steps = n - 1 - j  # lane 0: samples n - 1 .. j + 1; lane 1: top .. 0 (steps = top + 1)
    co = _pair_coefs(sos)
    p1 = _pack(0.0, 0.0)
    p2 = p1
    q1 = p1
    q2 = p1
    # steps 0 and 1: nothing to write, then the one-sided slope of the last sample
    cu, p1, p2, q1, q2 = _cascade_step2(co, _pack(y[n - 1], y[top]), p1, p2, q1, q2)
    o, p1, p2, q1, q2 = _cascade_step2(co, _pack(y[n - 2], y[top - 1]), p1, p2, q1, q2)
    d = _sub(cu, o)
    d = _mul(d, d)
    out[n - 1] = _lo(d)
    out[top] = _hi(d)  # lane 1's warm-up: overwritten by lane 0
    nx = cu
    cu = o
    st = (p1, p2, q1, q2, nx, cu)
    # lane 1's state after sample j + 3 (its step w - 2) is compared with lane 0's there
    # (its step n - j - 4)
    st = _backward_steps(y, out, co, n, top, 2, w - 1, st)
    h1, h2, h3, h4 = _hi(st[0]), _hi(st[1]), _hi(st[2]), _hi(st[3])
    st = _backward_steps(y, out, co, n, top, w - 1, n - j - 3, st)
    same = _same_state(st[0], st[1], st[2], st[3], h1, h2, h3, h4)
    st = _backward_steps(y, out, co, n, top, n - j - 3, steps, st)
    nx, cu = st[4], st[5]
    if not same:
        out[:] = y
        _backward1(out, sos)
        return False
    d = _sub(nx, cu)
    out[0] = _hi(_mul(d, d))  # lane 1's one-sided slope of sample 0
    return True


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
                oa = forward_split(x[lead], k, sos, ya, SPLIT_WARM)[0]
                if oa:
                    backward_split(ya, sos, yb, SPLIT_WARM)
                    _window_mean(yb, h, energy[lead])
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
