"""R-peak detection kernels, stage 3: beat-sequence tracking over the candidate maxima.

:func:`track_beats` picks, among the candidate maxima of the QRS energy envelope, the
sequence of beats that maximises the sum of per-beat evidence minus an RR-irregularity cost
(dynamic programming over candidates, Viterbi-like):

* evidence of a candidate of height ``h`` under the adaptive threshold ``thr``:
  ``log(h / thr)`` (positive above the threshold);
* cost of going from beat ``i`` to beat ``j`` (interval ``d``):
  ``w_j * beta * max(0, min(|log(d / r1)|, |log(d / r2)|) - dead)`` where ``r1`` and ``r2``
  are the last two RR intervals of the best path ending at ``i`` (``rr0`` at the start of a
  path; the second one makes a bigeminal rhythm regular) and ``w_j`` in [0, 1] the local
  noise weight (:func:`envelope_noise_weight`), so the rhythm only matters where the
  envelope is noisy;
* beats are at least ``refractory`` samples apart; a path may jump over a gap longer than
  ``max_gap`` samples at no cost (a pause or a stretch without candidates).

A noise peak between two regular beats splits one RR interval in two and pays the cost
twice, so in a noisy stretch it is kept only if it stands far above the threshold.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import median_sorted
from .rpeaks_decide import _median_buf


@njit(cache=True, nogil=True)
def track_beats(positions, evidence, weight, refractory, max_gap, rr0, beta, dead):
    """Best beat sequence over the candidates; returns a boolean mask over the candidates.

    ``positions`` are increasing sample indices, ``evidence`` the score of each candidate as
    a beat and ``weight`` the noise weights.
    """
    n = positions.shape[0]
    keep = np.zeros(n, dtype=np.bool_)
    if n == 0:
        return keep
    score = np.empty(n)
    rr1 = np.empty(n)
    rr2 = np.empty(n)
    back = np.full(n, -1, dtype=np.int64)
    pref_best = -1  # best-scoring candidate among those older than max_gap
    lo = 0  # first candidate within max_gap of the current one
    best_end = -1
    for j in range(n):
        pj = positions[j]
        while lo < j and pj - positions[lo] > max_gap:
            if pref_best < 0 or score[lo] > score[pref_best]:
                pref_best = lo
            lo += 1
        base = 0.0
        arg = -1
        r1 = rr0
        r2 = rr0
        if pref_best >= 0 and score[pref_best] > 0.0:
            base = score[pref_best]
            arg = pref_best
        bw = beta * weight[j]
        for i in range(lo, j):
            s = score[i]
            if s <= base:
                continue  # the cost is >= 0: this predecessor cannot win (exact shortcut)
            d = pj - positions[i]
            if d < refractory:
                continue
            if bw != 0.0:  # a clean block (weight 0) costs nothing: no logarithms
                c1 = np.abs(np.log(d / rr1[i]))
                c2 = np.abs(np.log(d / rr2[i]))
                c = (c1 if c1 < c2 else c2) - dead
                if c > 0.0:
                    s = s - bw * c
            if s > base:
                base = s
                arg = i
                r1 = d
                r2 = rr1[i]
        score[j] = base + evidence[j]
        back[j] = arg
        rr1[j] = r1
        rr2[j] = r2
        if best_end < 0 or score[j] > score[best_end]:
            best_end = j
    j = best_end
    while j >= 0:
        keep[j] = True
        j = back[j]
    return keep


@njit(cache=True, nogil=True, inline="always")
def _stable_rank(v, i, k):
    """Place of ``v[i]`` in a stable ascending sort of ``v[:k]`` (no NaN): the values
    before it that are not larger, the values after it that are smaller (branch-free
    counts)."""
    x = v[i]
    r = 0
    for j in range(i):
        r += np.int64(v[j] <= x)
    for j in range(i + 1, k):
        r += np.int64(v[j] < x)
    return r


@njit(cache=True, nogil=True, inline="always")
def _ranked_middle(v, k):
    """The values at places ``(k - 1) // 2`` and ``k // 2`` of a stable ascending sort of
    ``v[:k]`` (``k >= 1``, no NaN), found by their ranks."""
    hi = k // 2
    lo = (k - 1) // 2
    a = 0.0
    b = 0.0
    left = 2
    for i in range(k):
        r = _stable_rank(v, i, k)
        if r == lo:
            a = v[i]
            left -= 1
        if r == hi:
            b = v[i]
            left -= 1
        if left == 0:
            break
    return a, b


@njit(cache=True, nogil=True)
def _median_ranked(buf, count, scratch):
    """:func:`~geoecg._kernels.rpeaks_decide._median_buf` (the median of the first
    ``min(count, len(buf))`` values, the same number) by ranks instead of a sort.

    The insertion sort of ``_median_buf`` is stable, so its middle values are those whose
    stable rank is the middle place; counting ranks has no data-dependent branch (about 15
    values: the sort's mispredicted branches cost more than the ~k^2 / 2 comparisons). With
    a NaN among the values (which the insertion sort leaves where it met it) it is
    ``_median_buf`` itself."""
    k = count if count < buf.shape[0] else buf.shape[0]
    if k == 0:
        return 0.0
    for i in range(k):
        if np.isnan(buf[i]):
            return _median_buf(buf, count, scratch)
    a, b = _ranked_middle(buf, k)
    if k % 2 == 1:
        return b
    return 0.5 * (a + b)


@njit(cache=True, nogil=True)
def _median_few(x):
    """:func:`~geoecg._kernels.rpeaks.median_sorted` of ``x`` (the same number), by ranks
    for up to 64 values that hold no NaN and no zero.

    Without NaN and zeros, two values that compare equal have the same bits, so any
    ascending order of ``x`` is the same sequence of numbers as the one ``np.sort`` gives,
    and its middle values (found by :func:`_ranked_middle`) are the same; with a NaN or a
    zero (``+0.0`` and ``-0.0`` compare equal), or more values, it is ``median_sorted``
    itself."""
    n = x.shape[0]
    if n == 0 or n > 64:
        return median_sorted(x)
    for i in range(n):
        if np.isnan(x[i]) or x[i] == 0.0:
            return median_sorted(x)
    a, b = _ranked_middle(x, n)
    if n & 1:
        return b
    return (a + b) / 2


@njit(cache=True, nogil=True)
def envelope_noise_weight(m, beat_pos, beat_h, block, n_sub, chunk, lo, hi, erode):
    """Noise weight of each ``block``-sample block of the energy envelope ``m``.

    ``q = sqrt(median(m_block)) / ref`` where the median runs over ``n_sub`` evenly spaced
    samples of the block (the envelope is smooth, so a subsample will do) and ``ref`` is the
    median height of the beats (``beat_pos``, ``beat_h``, increasing positions) in the
    ``chunk``-sample stretch holding the block centre (of all beats where it holds none):
    between QRS complexes a clean envelope is near zero while broadband noise lifts it. The
    weight is ``(q - lo) / (hi - lo)`` clipped to [0, 1]; 0 when there is no beat. A
    trailing partial block joins the previous one. Finally each weight becomes the minimum
    over the ``erode`` blocks on either side, so a short burst of a high envelope (a run of
    fast wide beats) does not count as noise.
    """
    n = m.shape[0]
    nb = n // block if n >= block else 1
    w = np.zeros(nb)
    nbeat = beat_pos.shape[0]
    if nbeat == 0 or n == 0 or block < 1:
        return w
    chunk = max(chunk, 1)
    nch = (n + chunk - 1) // chunk
    ref = np.empty(nch)
    glob = np.nan  # the median of all beats, computed the first time a chunk has none
    have_glob = False
    i0 = 0
    for c in range(nch):
        i1 = i0
        while i1 < nbeat and beat_pos[i1] < (c + 1) * chunk:
            i1 += 1
        if i1 > i0:
            ref[c] = _median_few(beat_h[i0:i1])
        else:
            if not have_glob:
                glob = median_sorted(beat_h)
                have_glob = True
            ref[c] = glob
        i0 = i1
    n_sub = max(n_sub, 1)
    buf = np.empty(n_sub)
    scratch = np.empty(n_sub)
    # the subsample offsets of a whole block, computed once (no division per sample)
    k_full = n_sub if n_sub < block else block
    off = np.empty(k_full, dtype=np.int64)
    for i in range(k_full):
        off[i] = (i * block) // k_full
    for b in range(nb):
        a = b * block
        e = n if b == nb - 1 else a + block
        k = n_sub if n_sub < e - a else e - a
        if e - a == block:
            for i in range(k):
                buf[i] = m[a + off[i]]
        else:
            for i in range(k):
                buf[i] = m[a + (i * (e - a)) // k]
        med = np.sqrt(_median_ranked(buf, k, scratch))
        r = ref[((a + e) // 2) // chunk]
        if r > 0.0:
            v = (med / r - lo) / (hi - lo)
            w[b] = 0.0 if v < 0.0 else (1.0 if v > 1.0 else v)
    if erode > 0 and nb > 1:
        out = np.empty(nb)
        for b in range(nb):
            v = w[b]
            for j in range(max(b - erode, 0), min(b + erode + 1, nb)):
                if w[j] < v:
                    v = w[j]
            out[b] = v
        return out
    return w


@njit(cache=True, nogil=True)
def track_candidates(cand, h, coff, idx, boff, thr_c, noisy, min_frac, tiny):
    """The candidates beat-sequence tracking weighs in each noisy stretch, before the
    logarithms (the first step of ``geoecg.features._rpeaks_run._track_noisy``).

    Stretch ``r`` holds the candidates ``coff[r]:coff[r + 1]`` (positions ``cand``,
    heights ``h``, the threshold each sees ``thr_c``) and the beats ``boff[r]:boff[r + 1]``
    of ``idx`` (candidate indices within the stretch). In each stretch with ``noisy[r]``,
    a candidate is weighed when it is a beat or ``h > min_frac * thr_c``. Returns
    ``(sel, ratio, sel_beat, soff)``: the weighed candidates' indices within their stretch
    (increasing; stretch ``r``'s at ``soff[r]:soff[r + 1]``, none for a stretch that is not
    noisy), ``h / max(thr_c, tiny)`` of each (NaN when ``thr_c`` is NaN, as
    ``np.maximum``), and whether each is a beat. The same numbers as the NumPy steps
    ``np.flatnonzero``, ``h[sel] / np.maximum(thr_c[sel], tiny)``: one IEEE product,
    comparison and division each.
    """
    nr = noisy.shape[0]
    nc = cand.shape[0]
    sel = np.empty(nc, dtype=np.int64)
    ratio = np.empty(nc)
    sel_beat = np.empty(nc, dtype=np.bool_)
    soff = np.zeros(nr + 1, dtype=np.int64)
    is_beat = np.zeros(nc, dtype=np.bool_)
    ns = 0
    for r in range(nr):
        if noisy[r]:
            c0 = coff[r]
            for q in range(boff[r], boff[r + 1]):
                is_beat[c0 + idx[q]] = True
            for c in range(c0, coff[r + 1]):
                t = thr_c[c]
                if is_beat[c] or h[c] > min_frac * t:
                    sel[ns] = c - c0
                    g = t if (t >= tiny or t != t) else tiny
                    ratio[ns] = h[c] / g
                    sel_beat[ns] = is_beat[c]
                    ns += 1
        soff[r + 1] = ns
    return sel[:ns], ratio[:ns], sel_beat[:ns], soff


@njit(cache=True, nogil=True)
def _median_diff(cand, idx, b0, b1):
    """``float(np.median(np.diff(cand[idx[b0:b1]])))``: :func:`median_sorted` of the
    intervals between the increasing positions (integers, exact in float64); NaN for fewer
    than 2 positions, as ``np.median`` of no interval (the caller never passes them: a
    stretch is tracked only with more than 2 beats)."""
    nd = max(b1 - b0 - 1, 0)
    d = np.empty(nd, dtype=np.float64)
    for q in range(nd):
        d[q] = cand[idx[b0 + q + 1]] - cand[idx[b0 + q]]
    return median_sorted(d)


@njit(cache=True, nogil=True)
def track_runs(
    cand, coff, idx, thr, boff, thr_c, w, noisy, sel, lg, sel_beat, soff,
    refractory, max_gap, beta, dead, gmin, pen,
):  # fmt: skip
    """The beats of each noisy stretch re-selected by :func:`track_beats` (the second step
    of ``geoecg.features._rpeaks_run._track_noisy``); returns the new ``(idx, thr, boff)``
    in the layout of :func:`geoecg._kernels.rpeaks_stages.finish_runs`.

    ``sel``, ``sel_beat`` and ``soff`` are :func:`track_candidates`' and ``lg`` the
    natural logarithm of its ``ratio`` (taken in NumPy by the caller). In a noisy stretch
    a beat's evidence is ``max(lg, gmin)`` and another candidate's ``min(lg, 0) - pen``
    (NaN propagated, as ``np.maximum`` / ``np.minimum``); the first RR interval is the
    median beat interval of the stretch (:func:`_median_diff`); :func:`track_beats` keeps
    a subset of ``sel``, whose thresholds are ``thr_c``. A stretch that is not noisy keeps
    its beats and thresholds.
    """
    nr = noisy.shape[0]
    nb = boff[nr]
    ns = soff[nr]
    new_idx = np.empty(nb + ns, dtype=np.int64)
    new_thr = np.empty(nb + ns)
    new_boff = np.zeros(nr + 1, dtype=np.int64)
    o = 0
    for r in range(nr):
        if not noisy[r]:
            for q in range(boff[r], boff[r + 1]):
                new_idx[o] = idx[q]
                new_thr[o] = thr[q]
                o += 1
            new_boff[r + 1] = o
            continue
        s0, s1 = soff[r], soff[r + 1]
        c0 = coff[r]
        k = s1 - s0
        pos = np.empty(k, dtype=np.int64)
        ev = np.empty(k)
        wt = np.empty(k)
        for j in range(k):
            c = c0 + sel[s0 + j]
            pos[j] = cand[c]
            wt[j] = w[c]
            v = lg[s0 + j]
            if sel_beat[s0 + j]:
                ev[j] = v if (v >= gmin or v != v) else gmin
            else:
                ev[j] = (v if (v <= 0.0 or v != v) else 0.0) - pen
        keep = track_beats(
            pos, ev, wt, refractory, max_gap, _median_diff(cand[c0:], idx, boff[r], boff[r + 1]),
            beta, dead,
        )  # fmt: skip
        for j in range(k):
            if keep[j]:
                t = sel[s0 + j]
                new_idx[o] = t
                new_thr[o] = thr_c[c0 + t]
                o += 1
        new_boff[r + 1] = o
    return new_idx[:o], new_thr[:o], new_boff
