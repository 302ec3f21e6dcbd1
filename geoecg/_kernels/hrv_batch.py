"""The full HRV feature vector of one series, and of many series (threads call
:func:`hrv_rows` on disjoint row ranges; no ``parallel=True``, so no OpenMP pool that would
make a later ``fork()`` abort). :func:`hrv_rows` is the one entry point that Python calls
(single series: one row), so a first call compiles one kernel tree, not one per entry.

``params`` is a float64 array: ``[fs_interp, welch_window_s, ls_df, ls_fmax, entropy_m,
entropy_r, cosen_r_ms]``.

numba (0.68) keys the on-disk cache of ``hrv_series``/``hrv_rows`` on a hash of THIS file's
text only, not on the kernels they compile in (``hrv_time``, ``hrv_freq``, ``hrv_nonlinear``,
``entropy``, ``hrv_sort``): after changing one of those, change :data:`CACHE_TAG` (touching
the file is not enough) so that the cached batch code is rebuilt.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .hrv_freq import FREQ_NAMES, hrv_freq_block
from .hrv_nonlinear import NONLINEAR_NAMES, hrv_nonlinear_core
from .hrv_sort import argsort_stable
from .hrv_time import (
    HIST_BIN_MS,
    TIME_NAMES,
    finite_values,
    histogram_range,
    hrv_time_core,
    sorted_values,
)

N_TIME = len(TIME_NAMES)
N_FREQ = 2 * len(FREQ_NAMES)
N_NONLINEAR = len(NONLINEAR_NAMES)
N_FEATURES = N_TIME + N_FREQ + N_NONLINEAR
#: Revision of the kernels compiled into this file's functions (see the module docstring).
CACHE_TAG = "2026-12-04 shared-sort welch-fft windowed-segment"


@njit(cache=True, nogil=True)
def hrv_series(rr, t, params, out):
    """Fill ``out[:N_FEATURES]``: time block, Welch + Lomb-Scargle block, nonlinear block.

    The finite intervals, their stable argsort, sorted copy and 1/128-s histogram are
    computed once and shared by the time-domain and nonlinear blocks."""
    x = finite_values(rr)
    order = argsort_stable(x)
    counts = np.zeros(1, dtype=np.float64)
    if x.size > 0:
        xs = sorted_values(x, order)
        counts, first = histogram_range(xs, HIST_BIN_MS, xs[0], xs[xs.size - 1])
        hrv_time_core(rr, x, xs, counts, first, out[0:22])
    else:
        for i in range(22):
            out[i] = np.nan
    hrv_freq_block(rr, t, params[0], params[1], params[2], params[3], out[22:36])
    hrv_nonlinear_core(rr, x, order, counts, int(params[4]), params[5], params[6], out[36:48])
    for i in range(48):
        if not np.isfinite(out[i]):
            out[i] = np.nan  # an index that would be infinite is reported as undefined


@njit(cache=True, nogil=True)
def hrv_rows(rr_flat, t_flat, offsets, start, stop, params, out):
    """Rows ``start:stop`` of ``out``: row ``i`` = features of
    ``rr_flat[offsets[i]:offsets[i+1]]``. Releases the GIL, so Python threads can fill
    disjoint row ranges in parallel (no OpenMP/TBB pool: safe after ``fork()``)."""
    for i in range(start, stop):
        a = offsets[i]
        b = offsets[i + 1]
        hrv_series(rr_flat[a:b], t_flat[a:b], params, out[i])
