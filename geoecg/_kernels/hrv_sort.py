"""Stable sorting for the HRV kernels, written out so that it compiles in ~1 s.

``np.sort`` and ``np.argsort`` under numba bring in a generic quick/merge sort whose first
compilation costs 3-5 s of CPU each; the HRV path needs only the stable argsort of one
float64 series (shared by the time-domain block and the entropy scans), so a plain
bottom-up merge sort does the job. A stable sort is unique, so :func:`argsort_stable`
returns exactly ``np.argsort(x, kind="stable")`` (NaN-free input).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Runs of this many elements are sorted by insertion before merging.
_RUN = 16


@njit(cache=True, nogil=True)
def argsort_stable(x):
    """Stable argsort of a finite 1-D float64 array (equal values keep their order).

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
def sorted_abs_dev(xs, c):
    """``sort(|xs - c|)`` for sorted ``xs`` in O(n): the deviations fall to the left of
    ``c`` and rise to its right, so the two runs are merged (same values as sorting)."""
    n = xs.size
    out = np.empty(n, dtype=np.float64)
    j = 0
    while j < n and xs[j] < c:
        j += 1
    i = j - 1  # left run: i, i-1, ... (deviation c - xs[i], rising as i falls)
    k = 0
    while i >= 0 and j < n:
        a = abs(xs[i] - c)
        b = abs(xs[j] - c)
        if a < b:
            out[k] = a
            i -= 1
        else:
            out[k] = b
            j += 1
        k += 1
    while i >= 0:
        out[k] = abs(xs[i] - c)
        i -= 1
        k += 1
    while j < n:
        out[k] = abs(xs[j] - c)
        j += 1
        k += 1
    return out
