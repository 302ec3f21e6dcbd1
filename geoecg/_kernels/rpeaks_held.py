"""R-peak decision kernels: the chain of held search-back picks of
:func:`geoecg._kernels.rpeaks_decide.decide_beats` (session 23).

A search-back pick is held until the picks form a regular run; these two helpers build the
chain of positions and test its last intervals.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _regular_run(pts, npts, k, band):
    """True when the last ``k`` intervals of ``pts[:npts]`` (positions, increasing) are all
    positive and the longest is at most ``band`` times the shortest."""
    if npts < k + 1:
        return False
    lo = np.inf
    hi = 0.0
    for i in range(npts - k, npts):
        d = float(pts[i] - pts[i - 1])
        lo = min(lo, d)
        hi = max(hi, d)
    return lo > 0.0 and hi <= band * lo


@njit(cache=True, nogil=True)
def _chain(positions, pend, n_pend, last_b, anchored, extra, pts):
    """Fill ``pts`` with the held chain: the last confirmed beat ``last_b`` when
    ``anchored`` (and there is one), the held picks, then ``extra`` (a candidate index, or
    -1 for none); return the number of points."""
    npts = 0
    if anchored and last_b >= 0:
        pts[0] = positions[last_b]
        npts = 1
    for i in range(n_pend):
        pts[npts] = positions[pend[i]]
        npts += 1
    if extra >= 0:
        pts[npts] = positions[extra]
        npts += 1
    return npts


@njit(cache=True, nogil=True)
def _close_start(pts, npts, heights, pend, n_pend, h_c, band, h_ratio):
    """First held pick kept when a beat of height ``h_c`` at ``pts[npts - 1]`` closes a
    chain of held picks ``pend[:n_pend]`` (their positions ``pts[:n_pend]``, no confirmed
    beat before them): the picks of the longest suffix whose intervals up to the beat
    (at least two) have their longest at most ``band`` times the shortest, every pick
    within a factor ``h_ratio`` of ``h_c``; ``n_pend`` (none kept) otherwise."""
    lo = np.inf
    hi = 0.0
    first = n_pend
    for i in range(n_pend - 1, -1, -1):
        d = float(pts[i + 1] - pts[i])
        lo = min(lo, d)
        hi = max(hi, d)
        hp = heights[pend[i]]
        if not (lo > 0.0 and hi <= band * lo and hp * h_ratio >= h_c and hp <= h_ratio * h_c):
            break
        first = i
    return first if n_pend - first >= 2 else n_pend
