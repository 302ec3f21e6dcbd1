"""Stable sorting for the HRV kernels, written out so that it compiles in ~1 s.

``np.sort`` and ``np.argsort`` under numba bring in a generic quick/merge sort whose first
compilation costs 3-5 s of CPU each; the HRV path needs only the stable argsort of one
float64 series (shared by the time-domain block and the entropy scans), so a plain
bucket sort (a merge sort where the buckets do not split the values) does the job. A
stable sort is unique, so :func:`argsort_stable` returns exactly ``np.argsort(x,
kind="stable")`` (NaN-free input).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Runs of this many elements are sorted by insertion before merging.
_RUN = 16


#: Buckets of :func:`argsort_stable` with at most this many values are sorted by insertion,
#: larger ones (values bunched by an outlier far away) by :func:`merge_argsort`.
BUCKET_INSERTION_MAX = 32
#: Half-spans below this go to the merge sort (``(n - 1) / half`` would overflow).
BUCKET_MIN_HALF_SPAN = 1e-290


@njit(cache=True, nogil=True)
def argsort_stable(x):
    """Stable argsort of a finite 1-D float64 array (equal values keep their order): a
    stable counting sort of ``n`` equal-width buckets between ``min(x)`` and ``max(x)``,
    then each bucket sorted by value (insertion, or :func:`merge_argsort` beyond
    ``BUCKET_INSERTION_MAX`` values). The bucket ``floor((v/2 - min/2) (n - 1) / (max/2 -
    min/2))`` (halves: no overflow) never decreases with ``v`` (rounded subtraction and
    product are monotone), so this is the stable order; RR intervals (quantised by the
    sampling rate, ~n distinct values at most) leave ~one distinct value per bucket: ~3x
    faster than the merge sort on the bench's series (docs/benchmarks/hrv_noise.md)."""
    n = x.size
    idx = np.empty(n, dtype=np.int64)
    if n < 2:
        for i in range(n):
            idx[i] = i
        return idx
    lo = x[0]
    hi = x[0]
    for v in x:
        lo = min(lo, v)
        hi = max(hi, v)
    half = 0.5 * hi - 0.5 * lo  # half the span: no overflow for any finite values
    if not half > BUCKET_MIN_HALF_SPAN:
        return merge_argsort(x)  # constant (stable: the identity), or ~subnormal spread
    scale = (n - 1) / half
    lo2 = 0.5 * lo
    key = np.empty(n, dtype=np.int64)
    start = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        k = np.int64((0.5 * x[i] - lo2) * scale)  # >= 0: truncation is floor
        key[i] = k if k < n else n - 1
    for i in range(n):
        start[key[i] + 1] += 1
    for k in range(n):
        start[k + 1] += start[k]
    pos = start[:n].copy()
    val = np.empty(n, dtype=np.float64)
    for i in range(n):  # stable placement
        p = pos[key[i]]
        idx[p] = i
        val[p] = x[i]
        pos[key[i]] = p + 1
    for k in range(n):
        a = start[k]
        b = start[k + 1]
        if b - a <= 1:
            continue
        if b - a <= BUCKET_INSERTION_MAX:
            for i in range(a + 1, b):  # insertion (stable: strict <)
                v = val[i]
                ii = idx[i]
                j = i - 1
                while j >= a and v < val[j]:
                    val[j + 1] = val[j]
                    idx[j + 1] = idx[j]
                    j -= 1
                val[j + 1] = v
                idx[j + 1] = ii
        else:
            ordered = True
            for i in range(a + 1, b):
                if val[i] < val[i - 1]:
                    ordered = False
                    break
            if ordered:  # e.g. one repeated value
                continue
            o = merge_argsort(val[a:b])
            seg = idx[a:b].copy()
            for i in range(b - a):
                idx[a + i] = seg[o[i]]
    return idx


@njit(cache=True, nogil=True)
def merge_argsort(x):
    """Stable argsort of a finite 1-D float64 array by a bottom-up merge sort.

    The values travel with the indices (comparisons read contiguous memory instead of
    ``x[idx[j]]``), and the merge step picks its side without a branch (the RR series of
    R-peaks at a sampling rate are full of ties, which a branch predicts badly)."""
    n = x.size
    idx = np.empty(n, dtype=np.int64)
    val = np.empty(n, dtype=np.float64)
    for lo in range(0, n, _RUN):  # insertion sort of short runs (stable: strict <)
        hi = min(lo + _RUN, n)
        for i in range(lo, hi):
            v = x[i]
            j = i - 1
            while j >= lo and v < val[j]:
                val[j + 1] = val[j]
                idx[j + 1] = idx[j]
                j -= 1
            val[j + 1] = v
            idx[j + 1] = i
    tmp = np.empty(n, dtype=np.int64)
    tval = np.empty(n, dtype=np.float64)
    w = _RUN
    while w < n:
        for lo in range(0, n, 2 * w):
            mid = min(lo + w, n)
            hi = min(lo + 2 * w, n)
            i = lo
            j = mid
            k = lo
            while i < mid and j < hi:
                a = val[i]
                b = val[j]
                right = b < a  # take the right one only when strictly smaller
                tval[k] = b if right else a
                tmp[k] = idx[j] if right else idx[i]
                j += right
                i += 1 - right
                k += 1
            while i < mid:
                tmp[k] = idx[i]
                tval[k] = val[i]
                i += 1
                k += 1
            while j < hi:
                tmp[k] = idx[j]
                tval[k] = val[j]
                j += 1
                k += 1
        idx, tmp = tmp, idx
        val, tval = tval, val
        w *= 2
    return idx


@njit(cache=True, nogil=True)
def prefix_order(order, nt):
    """The stable argsort of ``x[:nt]`` from the stable argsort ``order`` of ``x``."""
    out = np.empty(nt, dtype=np.int64)
    j = 0
    for i in range(order.size):
        if order[i] < nt:
            out[j] = order[i]
            j += 1
    return out


@njit(cache=True, nogil=True)
def sorted_abs_dev(xs, c, count=-1):
    """``sort(|xs - c|)`` for sorted ``xs`` in O(n): the deviations fall to the left of
    ``c`` and rise to its right, so the two runs are merged (same values as sorting).
    ``count >= 0``: only the ``min(count, n)`` smallest (the merge stops there)."""
    n = xs.size
    nout = count if 0 <= count < n else n
    out = np.empty(nout, dtype=np.float64)
    j = 0
    while j < n and xs[j] < c:
        j += 1
    i = j - 1  # left run: i, i-1, ... (deviation c - xs[i], rising as i falls)
    k = 0
    while i >= 0 and j < n and k < nout:
        a = abs(xs[i] - c)
        b = abs(xs[j] - c)
        if a < b:
            out[k] = a
            i -= 1
        else:
            out[k] = b
            j += 1
        k += 1
    while i >= 0 and k < nout:
        out[k] = abs(xs[i] - c)
        i -= 1
        k += 1
    while j < n and k < nout:
        out[k] = abs(xs[j] - c)
        j += 1
        k += 1
    return out
