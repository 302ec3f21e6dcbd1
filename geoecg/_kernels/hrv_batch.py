"""The full HRV feature vector of one series, and of many series (threads call
:func:`hrv_rows` on disjoint row ranges; no ``parallel=True``, so no OpenMP pool that would
make a later ``fork()`` abort). :func:`hrv_rows` is the one entry point that Python calls
(single series: one row), so a first call compiles one kernel tree, not one per entry.

``params`` is a float64 array: ``[fs_interp, welch_window_s, ls_df, ls_fmax, entropy_m,
entropy_r, cosen_r_ms]``.

The on-disk cache of ``hrv_rows`` is stamped with this file and every kernel file it
imports (``geoecg._numba_cache``, installed by ``geoecg._kernels``): a change in
``hrv_time``, ``hrv_freq``, ``hrv_nonlinear``, ``entropy`` or ``hrv_sort`` recompiles it
(numba alone would keep the stale code; the former hand-bumped ``CACHE_TAG`` did not cover
the callers in between).
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


@njit(cache=True, nogil=True)
def hrv_rows(rr_flat, t_flat, offsets, start, stop, params, out):
    """Rows ``start:stop`` of ``out``: row ``i`` = features of
    ``rr_flat[offsets[i]:offsets[i+1]]`` (closing-beat times ``t_flat``): time block,
    Welch + Lomb-Scargle block, nonlinear block. Releases the GIL, so Python threads can
    fill disjoint row ranges in parallel (no OpenMP/TBB pool: safe after ``fork()``).

    The finite intervals, their stable argsort, sorted copy and 1/128-s histogram are
    computed once per series and shared by the time-domain and nonlinear blocks. The
    per-series body is written here rather than in a jitted ``hrv_series`` called from
    this loop: numba re-optimises and re-emits the machine code of a function's whole
    callee tree for each jitted function in it, so one level less saves one pass over
    the whole HRV code on the first-ever call."""
    for i in range(start, stop):
        rr = rr_flat[offsets[i] : offsets[i + 1]]
        t = t_flat[offsets[i] : offsets[i + 1]]
        row = out[i]
        x = finite_values(rr)
        order = argsort_stable(x)
        counts = np.zeros(1, dtype=np.float64)
        sdnn = np.nan
        if x.size > 0:
            xs = sorted_values(x, order)
            counts, first = histogram_range(xs, HIST_BIN_MS, xs[0], xs[xs.size - 1])
            hrv_time_core(rr, x, xs, counts, first, row[0:N_TIME])
            sdnn = row[1]  # std(x, 1), shared with the entropies' tolerance
        else:
            row[0:N_TIME] = np.nan
        hrv_freq_block(
            rr, t, params[0], params[1], params[2], params[3], row[N_TIME : N_TIME + N_FREQ]
        )
        hrv_nonlinear_core(
            rr, x, order, counts, sdnn, int(params[4]), params[5], params[6], row[N_TIME + N_FREQ :]
        )
        for j in range(N_FEATURES):
            if not np.isfinite(row[j]):
                row[j] = np.nan  # an index that would be infinite is reported as undefined


def hrv_series(rr, t, params, out):
    """Fill ``out[:N_FEATURES]`` with the features of one series (``hrv_rows`` on one row;
    a Python function, so the kernel tree is compiled once, for ``hrv_rows``)."""
    rr = np.ascontiguousarray(rr, dtype=np.float64)
    row = np.empty((1, N_FEATURES), dtype=np.float64)
    offsets = np.array([0, rr.size], dtype=np.int64)
    hrv_rows(rr, np.ascontiguousarray(t, dtype=np.float64), offsets, 0, 1, params, row)
    out[:N_FEATURES] = row[0]
