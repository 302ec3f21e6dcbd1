"""Nonlinear HRV kernels: Poincaré descriptors, DFA, turning points, and the block that
fills the nonlinear part of the HRV feature vector."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .entropy import entropies_sorted, shannon_counts
from .hrv_sort import argsort_stable
from .hrv_time import (
    HIST_BIN_MS,
    _std_from,
    finite_values,
    histogram_range,
    sorted_values,
    std,
)

NONLINEAR_NAMES = (
    "SD1",
    "SD2",
    "SD1SD2",
    "CSI",
    "CVI",
    "SampEn",
    "ApEn",
    "COSEn",
    "DFA_alpha1",
    "DFA_alpha2",
    "TPR",
    "ShanEn",
)


@njit(cache=True, nogil=True)
def poincare(rr):
    """``(SD1, SD2)`` in ms from pairs of consecutive finite intervals:
    SD1 = std((x_n - x_{n+1})/sqrt 2), SD2 = std((x_n + x_{n+1})/sqrt 2), ddof=1.

    :func:`~geoecg._kernels.hrv_time.std` of both projections in fused passes over ``rr``
    (each value formed again in each pass, the same sums in the same order: the same
    numbers as two arrays and two calls, without the arrays)."""
    r2 = np.sqrt(2.0)
    n = 0
    sa = 0.0
    sb = 0.0
    for i in range(rr.size - 1):
        if np.isfinite(rr[i]) and np.isfinite(rr[i + 1]):
            n += 1
            sa += (rr[i] - rr[i + 1]) / r2
            sb += (rr[i] + rr[i + 1]) / r2
    if n <= 1:
        return np.nan, np.nan
    ma = sa / n
    mb = sb / n
    ca = 0.0
    cb = 0.0
    for i in range(rr.size - 1):
        if np.isfinite(rr[i]) and np.isfinite(rr[i + 1]):
            ca += (rr[i] - rr[i + 1]) / r2 - ma
            cb += (rr[i] + rr[i + 1]) / r2 - mb
    ma += ca / n  # corrected two-pass means, as std
    mb += cb / n
    qa = 0.0
    qb = 0.0
    for i in range(rr.size - 1):
        if np.isfinite(rr[i]) and np.isfinite(rr[i + 1]):
            a = (rr[i] - rr[i + 1]) / r2 - ma
            b = (rr[i] + rr[i + 1]) / r2 - mb
            qa += a * a
            qb += b * b
    return _std_from(qa, ma, n), _std_from(qb, mb, n)


@njit(cache=True, nogil=True)
def dfa_fluctuation(profile, n):
    """DFA fluctuation F(n): RMS residual of least-squares lines fitted to the
    non-overlapping windows of length ``n`` of ``profile`` (from its start). Direct sums,
    three passes per window (the reference for :func:`dfa_fluctuations`)."""
    k = profile.size // n
    tot = 0.0
    xm = (n - 1) / 2.0
    sxx = 0.0
    for i in range(n):
        sxx += (i - xm) * (i - xm)
    for w in range(k):
        s = w * n
        ym = 0.0
        for i in range(n):
            ym += profile[s + i]
        ym /= n
        sxy = 0.0
        for i in range(n):
            sxy += (i - xm) * (profile[s + i] - ym)
        slope = sxy / sxx
        for i in range(n):
            e = profile[s + i] - ym - slope * (i - xm)
            tot += e * e
    return np.sqrt(tot / (k * n))


@njit(cache=True, nogil=True)
def dfa_prefix_sums(profile):
    """Prefix sums of ``y``, ``y**2`` and ``q*y`` (``q`` the index) of ``profile``, of size
    ``N + 1`` from 0, compensated (Knuth's TwoSum), so a window's sum keeps ~1e-16 relative
    accuracy where the plain prefix difference would lose digits. Returns ``P`` of shape
    ``(N + 1, 6)``: columns 0, 2, 4 the rounded sums of ``y``, ``y**2``, ``q*y``, columns
    1, 3, 5 their accumulated rounding errors (one row holds everything a window boundary
    needs: one or two cache lines per window instead of three)."""
    N = profile.size
    P = np.zeros((N + 1, 6), dtype=np.float64)
    for q in range(N):
        y = profile[q]
        _two_sum_step(P, q, 0, y)
        _two_sum_step(P, q, 2, y * y)
        _two_sum_step(P, q, 4, q * y)
    return P


@njit(cache=True, nogil=True, inline="always")
def _two_sum_step(P, q, c, v):
    """``P[q + 1, c:c+2] = P[q, c:c+2] + v`` as (sum, accumulated rounding error)."""
    s = P[q, c]
    t = s + v
    bp = t - s
    P[q + 1, c] = t
    P[q + 1, c + 1] = P[q, c + 1] + ((s - (t - bp)) + (v - bp))


@njit(cache=True, nogil=True)
def dfa_fluctuations(P, n):
    """:func:`dfa_fluctuation` from the prefix sums ``P`` of :func:`dfa_prefix_sums`: per
    window the residual sum of squares of the fitted line is ``Syy - Sy**2/n -
    Sxy**2/Sxx`` (O(1) per window instead of three passes; equal to the direct sums to
    ~1e-12 relative on RR profiles).

    The two quotients are products with ``1/n`` and ``1/Sxx`` formed once per scale (two
    divisions per window were a third of DFA's time, ~1,100 windows per 5-min series; the
    exponents move by rounding, <= 2e-10 relative, docs/benchmarks/hrv_noise.md, session
    14). A window's end sums are the next window's start sums, carried in registers."""
    k = (P.shape[0] - 1) // n
    xm = (n - 1) / 2.0
    sxx = n * (n * n - 1.0) / 12.0  # sum of (i - xm)**2 over i < n
    inv_n = 1.0 / n
    inv_sxx = 1.0 / sxx
    tot = 0.0
    a0 = P[0, 0]
    a1 = P[0, 1]
    a2 = P[0, 2]
    a3 = P[0, 3]
    a4 = P[0, 4]
    a5 = P[0, 5]
    for w in range(k):
        a = w * n
        b = a + n
        b0 = P[b, 0]
        b1 = P[b, 1]
        b2 = P[b, 2]
        b3 = P[b, 3]
        b4 = P[b, 4]
        b5 = P[b, 5]
        sy = (b0 - a0) + (b1 - a1)  # compensated window sums: rounded + error parts
        syy = (b2 - a2) + (b3 - a3)
        sxy = ((b4 - a4) + (b5 - a5)) - (a + xm) * sy
        rss = syy - sy * (sy * inv_n) - sxy * (sxy * inv_sxx)
        tot += max(rss, 0.0)
        a0 = b0
        a1 = b1
        a2 = b2
        a3 = b3
        a4 = b4
        a5 = b5
    return np.sqrt(tot / (k * n))


@njit(cache=True, nogil=True)
def dfa_alpha(x, lo, hi):
    """DFA exponent (Peng et al. 1995): slope of log F(n) on log n for integer scales
    ``lo <= n <= hi`` with at least 4 windows (``n <= N/4``); profile =
    cumsum(x - mean). NaN with fewer than 3 usable scales or any F(n) == 0."""
    return dfa_alpha_from_sums(dfa_profile_sums(x), lo, hi)


@njit(cache=True, nogil=True)
def dfa_profile_sums(x):
    """:func:`dfa_prefix_sums` of the profile ``cumsum(x - mean)``: computed once per
    series and shared by both DFA exponents. The profile's running sum is taken in the
    loop of the prefix sums (the same operations in the same order as the profile array
    then :func:`dfa_prefix_sums`, so the same numbers; its chain of additions overlaps
    theirs, and no profile array)."""
    N = x.size
    mu = 0.0
    for v in x:
        mu += v
    mu /= max(N, 1)
    P = np.zeros((N + 1, 6), dtype=np.float64)
    c = 0.0
    for q in range(N):
        c += x[q] - mu
        _two_sum_step(P, q, 0, c)
        _two_sum_step(P, q, 2, c * c)
        _two_sum_step(P, q, 4, q * c)
    return P


#: ``log(n)`` of the DFA scales ``n < DFA_LOG_N`` (the defaults reach 64), from
#: :func:`math.log`: the C library's ``log``, which compiled ``np.log`` also calls, so the
#: same doubles without a call per scale (tests/test_hrv_speed.py checks them).
DFA_LOG_N = 65
_DFA_LOG = np.array([math.log(k) if k > 0 else -math.inf for k in range(DFA_LOG_N)])


@njit(cache=True, nogil=True)
def dfa_alpha_from_sums(P, lo, hi):
    """:func:`dfa_alpha` from the profile's prefix sums (:func:`dfa_profile_sums`)."""
    N = P.shape[0] - 1
    top = min(hi, N // 4)
    if top - lo + 1 < 3:
        return np.nan
    ns = top - lo + 1
    lx = np.empty(ns, dtype=np.float64)
    ly = np.empty(ns, dtype=np.float64)
    for j in range(ns):
        f = dfa_fluctuations(P, lo + j)
        if not f > 0.0:
            return np.nan
        lx[j] = _DFA_LOG[lo + j] if 0 <= lo + j < DFA_LOG_N else np.log(lo + j)
        ly[j] = np.log(f)
    mx = 0.0
    my = 0.0
    for j in range(ns):
        mx += lx[j]
        my += ly[j]
    mx /= ns
    my /= ns
    sxy = 0.0
    sxx = 0.0
    for j in range(ns):
        sxy += (lx[j] - mx) * (ly[j] - my)
        sxx += (lx[j] - mx) * (lx[j] - mx)
    return sxy / sxx


@njit(cache=True, nogil=True)
def turning_point_ratio(x):
    """Fraction of interior points that are strict local extrema (2/3 for i.i.d. noise);
    NaN for fewer than 3 points."""
    n = x.size
    if n < 3:
        return np.nan
    c = 0
    for i in range(1, n - 1):
        if (x[i] > x[i - 1] and x[i] > x[i + 1]) or (x[i] < x[i - 1] and x[i] < x[i + 1]):
            c += 1
    return c / (n - 2)


@njit(cache=True, nogil=True)
def hrv_nonlinear_block(rr, entropy_m, entropy_r, cosen_r_ms, out):
    """Fill ``out[:12]`` (``NONLINEAR_NAMES``). Entropies, DFA and TPR use the finite
    intervals with NaN gaps closed; SampEn/ApEn tolerance is ``entropy_r * SDNN``."""
    x = finite_values(rr)
    order = argsort_stable(x)
    counts = np.zeros(1, dtype=np.float64)
    if x.size > 0:
        xs = sorted_values(x, order)
        counts, _ = histogram_range(xs, HIST_BIN_MS, xs[0], xs[xs.size - 1])
    sdnn = std(x, 1) if x.size > 0 else np.nan
    hrv_nonlinear_core(rr, x, order, counts, sdnn, entropy_m, entropy_r, cosen_r_ms, out)


@njit(cache=True, nogil=True)
def hrv_nonlinear_core(rr, x, order, counts, sdnn, entropy_m, entropy_r, cosen_r_ms, out):
    """:func:`hrv_nonlinear_block` from shared intermediates: ``x`` the finite intervals,
    ``order`` their stable argsort, ``counts`` their 1/128-s histogram, ``sdnn`` their
    ``std(x, 1)`` (ms; the time block's SDNN, not computed twice)."""
    for i in range(12):
        out[i] = np.nan
    sd1, sd2 = poincare(rr)
    out[0] = sd1
    out[1] = sd2
    if sd2 > 0.0:
        out[2] = sd1 / sd2
    if sd1 > 0.0:
        out[3] = sd2 / sd1
    if sd1 > 0.0 and sd2 > 0.0:
        out[4] = np.log10(16.0 * sd1 * sd2)
    if x.size == 0:
        return
    r = entropy_r * sdnn
    out[5], out[6], out[7] = entropies_sorted(x, entropy_m, r, cosen_r_ms, order)
    P = dfa_profile_sums(x)  # one profile for both exponents
    # np.int64, not literal ints: one compiled signature for both exponents
    out[8] = dfa_alpha_from_sums(P, np.int64(4), np.int64(16))
    out[9] = dfa_alpha_from_sums(P, np.int64(16), np.int64(64))
    out[10] = turning_point_ratio(x)
    out[11] = shannon_counts(counts, x.size)
