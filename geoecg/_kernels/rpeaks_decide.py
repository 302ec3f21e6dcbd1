"""R-peak detection kernels, stage 2: adaptive-threshold decision and peak refinement.

:func:`decide_beats` follows the decision rules of Pan & Tompkins (1985) and Hamilton &
Tompkins (1986) on the candidate maxima of the QRS energy envelope:

* threshold ``thr = npk + f * (spk - npk)`` where ``spk`` and ``npk`` are the medians of
  the last 8 accepted QRS heights and of the last 8 rejected (noise) heights, and ``f``
  rises from ``frac`` to ``frac_noisy`` as ``npk / spk`` grows (noisy stretches);
* a refractory distance: no beat closer than ``refractory`` samples to the previous one;
* T-wave rule: a candidate within ``twave`` samples of the previous beat whose height is below
  ``twave_frac`` times that beat's height is noise;
* search-back: when no beat was found for ``searchback`` times the median of the last 8 RR
  intervals, the highest candidate in the gap is taken if it exceeds ``sb_frac * thr``.

The initial levels come from the first ``init`` samples (the candidate of rank
``init_rank`` from the top sets ``spk``; the median of the candidates under half of it sets
``npk``), so the decision does not depend on a warm-up of the causal averages.

:func:`prune_split_beats` then drops weak beats that split one RR interval in two, and
:func:`refine_peaks` moves each detected beat to the extremum of the raw signal, largest
deviation from a local mean, whichever its polarity.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import median_sorted

_NBUF = 8


@njit(cache=True, nogil=True)
def _median_buf(buf, count, scratch):
    """Median of the first ``min(count, len(buf))`` values (insertion sort in ``scratch``)."""
    k = count if count < buf.shape[0] else buf.shape[0]
    if k == 0:
        return 0.0
    for i in range(k):
        v = buf[i]
        j = i - 1
        while j >= 0 and scratch[j] > v:
            scratch[j + 1] = scratch[j]
            j -= 1
        scratch[j + 1] = v
    if k % 2 == 1:
        return scratch[k // 2]
    return 0.5 * (scratch[k // 2 - 1] + scratch[k // 2])


@njit(cache=True, nogil=True, inline="always")
def _push_median(buf, srt, count, v, dirty):
    """Add ``v`` as value number ``count`` of the ring buffer ``buf`` and return
    ``(median, dirty)``: the median :func:`_median_buf` gives of the ring after the push,
    from ``srt``, the ring's values kept sorted from one push to the next (remove the value
    that leaves, insert the new one: a few moves instead of a sort).

    A sorted list of the same values is the list the insertion sort of :func:`_median_buf`
    builds, so the median is the same number. Where that may not hold -- a NaN (which the
    insertion sort leaves where it met it) or a zero (+0.0 and -0.0 compare equal but are
    two numbers) in the ring -- ``srt`` is rebuilt by :func:`_median_buf` itself until that
    value has left the ring: ``dirty`` is the last push index that must rebuild (-1 at first).
    """
    size = buf.shape[0]
    slot = count % size
    if not (v == v and v != 0.0):
        dirty = count + size
    if count <= dirty:
        buf[slot] = v
        return _median_buf(buf, count + 1, srt), dirty
    k = count if count < size else size
    # fixed-length loops with selects instead of data-dependent branches (the moves depend on
    # the values: a branch predictor cannot guess them)
    p = 0  # the insertion sort puts v after the values <= v
    if count >= size:  # remove the value that leaves: the first equal one
        old = buf[slot]
        r = k
        # p counted in the same loop, before the moves (the old list less the value that
        # leaves, which is <= v or not): a count after the moves reads the values just
        # stored, which the compiler does with wide masked loads that wait for the stores
        for j in range(k - 1, -1, -1):
            s = srt[j]
            r = j if s == old else r
            p += np.int64(s <= v)
        p -= np.int64(old <= v)
        for j in range(k - 1):
            srt[j] = srt[j + 1] if j >= r else srt[j]
        k -= 1
    else:
        for j in range(k):
            p += np.int64(srt[j] <= v)
    buf[slot] = v
    for j in range(k, 0, -1):
        srt[j] = srt[j - 1] if j > p else srt[j]
    srt[p] = v
    k += 1
    if k % 2 == 1:
        return srt[k // 2], dirty
    return 0.5 * (srt[k // 2 - 1] + srt[k // 2]), dirty


@njit(cache=True, nogil=True)
def _threshold(spk, npk, frac, frac_noisy, ratio_lo, ratio_hi):
    f = frac
    if spk > 0.0 and ratio_hi > ratio_lo:
        w = (npk / spk - ratio_lo) / (ratio_hi - ratio_lo)
        if w > 1.0:
            w = 1.0
        if w > 0.0:
            f = frac + w * (frac_noisy - frac)
    return npk + f * (spk - npk)


@njit(cache=True, nogil=True)
def initial_levels(heights, positions, init, init_rank):
    """Initial QRS (``spk``) and noise (``npk``) levels from the candidates before ``init``."""
    k = 0
    while k < positions.shape[0] and positions[k] < init:
        k += 1
    if k == 0:
        k = positions.shape[0]
    if k == 0:
        return 0.0, 0.0
    h = np.sort(heights[:k])[::-1]
    r = init_rank if init_rank < k else k - 1
    spk = h[r]
    cnt = 0
    acc = np.empty(k)
    for i in range(k):
        if h[i] < 0.5 * spk:
            acc[cnt] = h[i]
            cnt += 1
    npk = median_sorted(acc[:cnt]) if cnt > 0 else 0.0
    return spk, npk


@njit(cache=True, nogil=True)
def decide_beats(
    heights,
    positions,
    n,
    refractory,
    twave,
    twave_frac,
    searchback,
    sb_frac,
    frac,
    rr0,
    spk0,
    npk0,
    frac_noisy,
    ratio_lo,
    ratio_hi,
):
    """Accept or reject each candidate; return (candidate indices of beats, thresholds).

    ``heights`` and ``positions`` describe the candidate maxima in time order; ``n`` is the
    signal length (a final search-back runs up to it); distances are in samples; ``rr0`` is
    the RR interval assumed before two beats were seen.
    """
    nc = positions.shape[0]
    is_beat = np.zeros(nc, dtype=np.bool_)
    thr_at = np.zeros(nc)
    spk_buf = np.empty(_NBUF)
    npk_buf = np.empty(_NBUF)
    rr_buf = np.empty(_NBUF)
    spk_srt = np.empty(_NBUF)
    npk_srt = np.empty(_NBUF)
    rr_srt = np.empty(_NBUF)
    spk_dirty = -1
    npk_dirty = -1
    rr_dirty = -1
    n_spk = 0
    n_npk = 0
    n_rr = 0
    spk = spk0
    npk = npk0
    rr_med = rr0  # median of the last 8 RR intervals, updated when one is added
    last_c = -1  # candidate index of the last beat
    for c in range(nc + 1):
        t = positions[c] if c < nc else n
        # search-back over the gap since the last beat
        while True:
            start_t = positions[last_c] if last_c >= 0 else 0
            if t - start_t <= searchback * rr_med:
                break
            thr = _threshold(
                spk=spk,
                npk=npk,
                frac=frac,
                frac_noisy=frac_noisy,
                ratio_lo=ratio_lo,
                ratio_hi=ratio_hi,
            )
            best = -1
            best_h = 0.0
            for j in range(last_c + 1, c):
                if last_c >= 0:
                    dtj = positions[j] - positions[last_c]
                    if dtj < refractory:
                        continue
                    if dtj < twave and heights[j] < twave_frac * heights[last_c]:
                        continue
                if heights[j] > best_h:
                    best_h = heights[j]
                    best = j
            if best < 0 or best_h <= sb_frac * thr:
                break
            is_beat[best] = True
            thr_at[best] = thr
            if last_c >= 0:
                rr = float(positions[best] - positions[last_c])
                rr_med, rr_dirty = _push_median(rr_buf, rr_srt, n_rr, rr, rr_dirty)
                n_rr += 1
            spk, spk_dirty = _push_median(spk_buf, spk_srt, n_spk, best_h, spk_dirty)
            n_spk += 1
            last_c = best
        if c == nc:
            break
        h = heights[c]
        thr = _threshold(
            spk=spk, npk=npk, frac=frac, frac_noisy=frac_noisy, ratio_lo=ratio_lo, ratio_hi=ratio_hi
        )
        thr_at[c] = thr
        accept = h > thr
        if accept and last_c >= 0:
            dt = t - positions[last_c]
            if dt < refractory:
                accept = False
            elif dt < twave and h < twave_frac * heights[last_c]:
                accept = False
        if accept:
            is_beat[c] = True
            if last_c >= 0:
                rr = float(t - positions[last_c])
                rr_med, rr_dirty = _push_median(rr_buf, rr_srt, n_rr, rr, rr_dirty)
                n_rr += 1
            spk, spk_dirty = _push_median(spk_buf, spk_srt, n_spk, h, spk_dirty)
            n_spk += 1
            last_c = c
        else:
            npk, npk_dirty = _push_median(npk_buf, npk_srt, n_npk, h, npk_dirty)
            n_npk += 1
    k = 0
    for c in range(nc):
        if is_beat[c]:
            k += 1
    idx = np.empty(k, dtype=np.int64)
    thr_out = np.empty(k)
    k = 0
    for c in range(nc):
        if is_beat[c]:
            idx[k] = c
            thr_out[k] = thr_at[c]
            k += 1
    return idx, thr_out


@njit(cache=True, nogil=True)
def refine_peaks(x, peaks, radius, base_radius):
    """Move each peak to the sample of ``x`` farthest from its local mean.

    For each peak ``p``, the local mean is the mean of the finite samples of ``x`` in
    ``[p - base_radius, p + base_radius]``; the refined peak is the sample in
    ``[p - radius, p + radius]`` (clipped to the signal) with the largest absolute deviation
    from that mean (the first one on ties). NaN samples are never chosen; a peak whose whole
    window is NaN is returned as -1. Output keeps the input order (duplicates possible).
    """
    out = np.empty(peaks.shape[0], dtype=np.int64)
    for k in range(peaks.shape[0]):
        out[k] = _refine_one(x, peaks[k], radius, base_radius)
    return out


@njit(cache=True, nogil=True)
def refine_peaks_leads(x, lead, peaks, radius, base_radius):
    """:func:`refine_peaks` of each peak on its own lead: ``peaks[k]`` is refined on
    ``x[lead[k]]`` (``x`` is ``(n_leads, n)``); one call for every lead.

    The local means of four (else two) consecutive peaks whose windows are not clipped are
    summed in one loop: each sum adds its own samples in its own order (the same values as
    :func:`_refine_one`), but the addition chains overlap in the processor. These sums
    skip the NaN test per sample: a window holding a NaN has a NaN sum, and only such a
    window is summed again with the tests (:func:`_local_sum`); without a NaN both loops
    make the same additions."""
    m = peaks.shape[0]
    out = np.empty(m, dtype=np.int64)
    n = x.shape[1]
    w = 2 * base_radius + 1
    k = 0
    while k < m:
        pa = peaks[k]
        if k + 3 < m and pa - base_radius >= 0 and peaks[k + 3] + base_radius < n:
            if _sorted4(peaks, k):
                _refine4(x, lead, peaks, k, radius, base_radius, out)
                k += 4
                continue
        if k + 1 < m and pa - base_radius >= 0 and peaks[k + 1] + base_radius < n:
            pb = peaks[k + 1]
            if pb - base_radius >= 0 and pa + base_radius < n:
                xa = x[lead[k]]
                xb = x[lead[k + 1]]
                a0 = pa - base_radius
                b0 = pb - base_radius
                # the sums without the NaN tests first: a NaN in a window makes its
                # sum NaN (so does inf - inf), and only then is it summed again with the
                # tests; without a NaN the additions are those of the tested loop
                sa = 0.0
                sb = 0.0
                for i in range(w):
                    sa += xa[np.uint64(a0 + i)]  # unsigned: no negative-index test
                    sb += xb[np.uint64(b0 + i)]
                ca = w
                cb = w
                if np.isnan(sa):
                    sa, ca = _local_sum(xa, a0, a0 + w)
                if np.isnan(sb):
                    sb, cb = _local_sum(xb, b0, b0 + w)
                out[k] = _extremum(xa, pa, radius, sa, ca)
                out[k + 1] = _extremum(xb, pb, radius, sb, cb)
                k += 2
                continue
        out[k] = _refine_one(x[lead[k]], pa, radius, base_radius)
        k += 1
    return out


@njit(cache=True, nogil=True, inline="always")
def _sorted4(peaks, k):
    """Peaks ``k`` to ``k + 3`` in non-decreasing order (so that the windows of the
    first and last unclipped imply the others are)."""
    a, b, c, d = peaks[k], peaks[k + 1], peaks[k + 2], peaks[k + 3]
    return a <= b and b <= c and c <= d


@njit(cache=True, nogil=True)
def _refine4(x, lead, peaks, k, radius, base_radius, out):
    """Peaks ``k`` to ``k + 3`` of :func:`refine_peaks_leads`, windows unclipped: four
    local sums in one loop (four independent addition chains), each tested for NaN after."""
    w = 2 * base_radius + 1
    x0 = x[lead[k]]
    x1 = x[lead[k + 1]]
    x2 = x[lead[k + 2]]
    x3 = x[lead[k + 3]]
    a0 = peaks[k] - base_radius
    a1 = peaks[k + 1] - base_radius
    a2 = peaks[k + 2] - base_radius
    a3 = peaks[k + 3] - base_radius
    s0 = s1 = s2 = s3 = 0.0
    for i in range(w):
        s0 += x0[np.uint64(a0 + i)]
        s1 += x1[np.uint64(a1 + i)]
        s2 += x2[np.uint64(a2 + i)]
        s3 += x3[np.uint64(a3 + i)]
    c0 = c1 = c2 = c3 = w
    if np.isnan(s0):
        s0, c0 = _local_sum(x0, a0, a0 + w)
    if np.isnan(s1):
        s1, c1 = _local_sum(x1, a1, a1 + w)
    if np.isnan(s2):
        s2, c2 = _local_sum(x2, a2, a2 + w)
    if np.isnan(s3):
        s3, c3 = _local_sum(x3, a3, a3 + w)
    out[k] = _extremum(x0, peaks[k], radius, s0, c0)
    out[k + 1] = _extremum(x1, peaks[k + 1], radius, s1, c1)
    out[k + 2] = _extremum(x2, peaks[k + 2], radius, s2, c2)
    out[k + 3] = _extremum(x3, peaks[k + 3], radius, s3, c3)


@njit(cache=True, nogil=True)
def _extremum(x, p, radius, s, cnt):
    """Second half of ``_refine_one``: the sample of ``[p - radius, p + radius]`` farthest
    from the mean ``s / cnt`` (-1 when ``cnt == 0``)."""
    best = -1
    if cnt > 0:
        n = x.shape[0]
        mu = s / cnt
        best_v = -1.0
        a = max(p - radius, 0)
        b = min(p + radius + 1, n)
        for i in range(a, b):
            v = abs(x[np.uint64(i)] - mu)  # unsigned: no negative-index test
            if v > best_v:  # False for NaN
                best_v = v
                best = i
    return best


@njit(cache=True, nogil=True)
def _refine_one(x, p, radius, base_radius):
    """Refined position of one peak ``p`` (see :func:`refine_peaks`); -1 when its window
    is all NaN."""
    n = x.shape[0]
    s, cnt = _local_sum(x, max(p - base_radius, 0), min(p + base_radius + 1, n))
    return _extremum(x, p, radius, s, cnt)


@njit(cache=True, nogil=True)
def _local_sum(x, a, b):
    """Sum and count of the samples of ``x[a:b]`` that are not NaN, left to right."""
    s = 0.0
    cnt = 0
    for i in range(a, b):
        if not np.isnan(x[i]):
            s += x[i]
            cnt += 1
    return s, cnt


@njit(cache=True, nogil=True)
def prune_split_beats(positions, heights, rr0, rr_frac, h_frac):
    """Drop weak beats that split one RR interval in two; return a boolean keep mask.

    Beats are visited left to right. Beat ``k`` (not the first or last) is dropped when the
    interval from the previous kept beat to the next beat is shorter than ``rr_frac`` times
    the median of the last 8 kept RR intervals (``rr0`` before any) *and* its height is
    below ``h_frac`` times the median height of the last 8 kept beats. A noise spike between
    two normal beats meets both conditions; a premature beat is followed by a (near)
    compensatory pause and is usually not weak, so it meets neither.
    """
    n = positions.shape[0]
    keep = np.ones(n, dtype=np.bool_)
    if n < 3:
        return keep
    rr_buf = np.empty(_NBUF)
    rr_srt = np.empty(_NBUF)
    h_buf = np.empty(_NBUF)
    h_srt = np.empty(_NBUF)
    rr_dirty = -1
    n_rr = 0
    rr_ref = rr0  # the two medians change only when a beat is kept
    h_ref, h_dirty = _push_median(h_buf, h_srt, 0, heights[0], -1)  # heights[0]
    n_h = 1
    prev = 0
    for k in range(1, n):
        if k < n - 1:
            span = positions[k + 1] - positions[prev]
            if span < rr_frac * rr_ref and heights[k] < h_frac * h_ref:
                keep[k] = False
                continue
        rr = float(positions[k] - positions[prev])
        rr_ref, rr_dirty = _push_median(rr_buf, rr_srt, n_rr, rr, rr_dirty)
        n_rr += 1
        h_ref, h_dirty = _push_median(h_buf, h_srt, n_h, heights[k], h_dirty)
        n_h += 1
        prev = k
    return keep


@njit(cache=True, nogil=True)
def finish_peaks(x, lead, peaks, confidence, radius, base_radius, refractory):
    """The last steps of the detector in one call; returns (peaks, confidence).

    1. when ``radius > 0``: each peak refined on its lead (:func:`refine_peaks_leads`),
       peaks whose window is all NaN dropped, then sorted (stable) keeping the first of
       equal positions;
    2. peaks on a sample that is NaN in every lead of ``x`` ``(n_leads, n)`` dropped;
    3. of two peaks closer than ``refractory`` samples (scanning left to right), the less
       confident one dropped (the later one on a tie).
    """
    n_leads = x.shape[0]
    p = peaks.copy()
    c = confidence.copy()
    m = p.shape[0]
    if radius > 0 and m > 0:
        r = refine_peaks_leads(x, lead, p, radius, base_radius)
        k = 0
        for i in range(m):
            if r[i] >= 0:
                p[k] = r[i]
                c[k] = c[i]
                k += 1
        m = k
        ordered = True
        for i in range(1, m):
            if p[i] <= p[i - 1]:
                ordered = False
        if not ordered:
            order = np.argsort(p[:m], kind="mergesort")
            ps = p[:m][order]
            cs = c[:m][order]
            k = 0
            for i in range(m):
                if i == 0 or ps[i] > ps[i - 1]:
                    p[k] = ps[i]
                    c[k] = cs[i]
                    k += 1
            m = k
    # on data: a finite sample in some lead; then the refractory rule
    k = 0
    for i in range(m):
        on = False
        for ld in range(n_leads):
            if np.isfinite(x[ld, p[i]]):
                on = True
                break
        if not on:
            continue
        if k > 0 and p[i] - p[k - 1] < refractory:
            if c[k - 1] < c[i]:
                p[k - 1] = p[i]
                c[k - 1] = c[i]
            continue
        p[k] = p[i]
        c[k] = c[i]
        k += 1
    return p[:k].copy(), c[:k].copy()
