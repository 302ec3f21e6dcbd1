"""Numba kernels: batched lead covariance (sample, Ledoit-Wolf, OAS) and delay embedding.

Sample and OAS covariances of finite records take a single pass over memory
(:mod:`geoecg._kernels.covariance_stream`): raw cross products over cache-resident tiles when no
lead's mean is large against its spread (checked on the first tile and again on the result),
otherwise shifted sums over L1-resident tiles; Ledoit-Wolf and records with NaN take the
two-pass path.

No validation here: callers pass C-contiguous float64 arrays, or float64 outputs and float32
records ``X``: read as float32 (half the bytes) and widened exactly, every sum in float64, so the
results equal those of the float64 array of the same values to rounding (see
:func:`geoecg.riemann.lead_covariances`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .covariance_stream import (
    _FIRST_TILE_MARGIN,
    GRAM_MAX_LOSS,
    TILE,
    _gram_blocked,
    _scatter_single_pass,
)

#: Estimator codes understood by :func:`batch_covariance`.
SCM, LWF, OAS = 0, 1, 2


@njit(cache=True, nogil=True)
def _dot(a, b, t):
    """Dot product with 8 independent partial sums (instruction-level parallelism without
    reassociating one long chain, so no ``fastmath`` is needed)."""
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    m = t - t % 8
    for s in range(0, m, 8):
        s0 += a[s] * b[s]
        s1 += a[s + 1] * b[s + 1]
        s2 += a[s + 2] * b[s + 2]
        s3 += a[s + 3] * b[s + 3]
        s4 += a[s + 4] * b[s + 4]
        s5 += a[s + 5] * b[s + 5]
        s6 += a[s + 6] * b[s + 6]
        s7 += a[s + 7] * b[s + 7]
    for s in range(m, t):
        s0 += a[s] * b[s]
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))


@njit(cache=True, nogil=True)
def _shrink_in_place(cov, n_valid):
    """OAS shrinkage of the empirical ``cov`` in place; returns the intensity.

    scikit-learn's ``covariance._oas`` (Chen et al. 2010, eq. 23 in scikit-learn's variant).
    """
    c = cov.shape[0]
    trace = 0.0
    for i in range(c):
        trace += cov[i, i]
    mu = trace / c
    sq = 0.0
    for i in range(c):
        for j in range(c):
            sq += cov[i, j] * cov[i, j]
    alpha = sq / (c * c)
    num = alpha + mu * mu
    den = (n_valid + 1) * (alpha - mu * mu / c)
    shrink = 1.0 if den == 0 else min(num / den, 1.0)
    for i in range(c):
        for j in range(c):
            cov[i, j] *= 1.0 - shrink
        cov[i, i] += shrink * mu
    return shrink


@njit(cache=True, nogil=True)
def _fast_covariance(x, method, cov, acc, sums, shift, buf, va):
    """Single-pass sample/OAS covariance of ``x``; returns the shrinkage, or -1.0 (``cov``
    untouched) when ``x`` holds a non-finite value, so that the caller falls back to the
    NaN-aware two-pass path. ``sums`` (2, c) and ``va`` are scratch (row sums, first-tile row
    sums; the time-blocked pass's accumulators, see :func:`_gram_blocked`). Raw products unless
    a lead's mean is large against its spread (:data:`GRAM_MAX_LOSS`, on the first tile or on
    the result): then the shifted sums of :func:`_scatter_single_pass`."""
    c, t = x.shape
    rowsum = sums[0]
    limit = GRAM_MAX_LOSS / _FIRST_TILE_MARGIN
    shifted = _gram_blocked(x, acc, rowsum, sums[1], va, limit) < 0
    if not shifted:
        for i in range(c):
            if not np.isfinite(rowsum[i]) or not np.isfinite(acc[i, i]):
                return -1.0
            ms, m = acc[i, i] / t, rowsum[i] / t
            if ms > 0.0 and not (ms - m * m > 0.0 and ms <= GRAM_MAX_LOSS * (ms - m * m)):
                shifted = True  # a lead's mean is too large against its spread: cancellation
    if shifted:
        _scatter_single_pass(x, acc, rowsum, shift, buf)
        for i in range(c):
            if not np.isfinite(rowsum[i]) or not np.isfinite(acc[i, i]):
                return -1.0
    for i in range(c):
        mi = rowsum[i] / t
        for j in range(i + 1):
            v = acc[i, j] / t - mi * (rowsum[j] / t)
            cov[i, j] = v
            cov[j, i] = v
    if method == OAS and c > 1:
        return _shrink_in_place(cov, t)
    return 0.0


@njit(cache=True, nogil=True)
def _one_covariance(x, method, cov, work):
    """Covariance of one record ``x`` (c, t) into ``cov`` (c, c); returns (shrinkage, n_valid).

    Time samples where any lead is non-finite are left out. ``work`` is a (c, t) scratch
    buffer that receives the centred data (zero at left-out samples).
    """
    c, t = x.shape
    # fast path: one pass of row sums; a finite sum means the row holds no NaN/inf
    all_ok = t >= 2 and c > 0
    for i in range(c if all_ok else 0):
        m = 0.0
        for s in range(t):
            m += np.float64(x[i, s])  # float64 in Python too (NumPy 2 keeps float32)
        if not np.isfinite(m):
            all_ok = False
            break
        work[i, 0] = m  # stash the sum; overwritten below
    if all_ok:
        n_valid = t
        for i in range(c):
            m = work[i, 0] / t
            for s in range(t):
                work[i, s] = np.float64(x[i, s]) - m
    else:
        bad = np.zeros(t, dtype=np.bool_)
        for i in range(c):
            for s in range(t):
                if not np.isfinite(x[i, s]):
                    bad[s] = True
        n_valid = 0
        for s in range(t):
            if not bad[s]:
                n_valid += 1
        if n_valid < 2 or c == 0:
            for i in range(c):
                for j in range(c):
                    cov[i, j] = np.nan
            return np.nan, n_valid
        # centre each lead on its mean over the valid samples (zero at left-out samples)
        for i in range(c):
            m = 0.0
            for s in range(t):
                if not bad[s]:
                    m += np.float64(x[i, s])
            m /= n_valid
            for s in range(t):
                work[i, s] = 0.0 if bad[s] else np.float64(x[i, s]) - m
    # biased (1/n) cross products, the definition of sklearn/pyRiemann
    for i in range(c):
        for j in range(i + 1):
            v = _dot(work[i], work[j], t) / n_valid
            cov[i, j] = v
            cov[j, i] = v
    if method == SCM or c == 1:
        return 0.0, n_valid
    if method == OAS:
        return _shrink_in_place(cov, n_valid), n_valid
    # sklearn.covariance.ledoit_wolf_shrinkage (Ledoit & Wolf 2004)
    trace = 0.0
    for i in range(c):
        trace += cov[i, i]
    mu = trace / c
    sq = 0.0  # sum of squared entries of the empirical covariance
    for i in range(c):
        for j in range(c):
            sq += cov[i, j] * cov[i, j]
    beta_ = 0.0
    for s in range(t):
        r = 0.0
        for i in range(c):
            r += work[i, s] * work[i, s]
        beta_ += r * r
    delta_ = sq  # sum((X.T X)**2) / n**2
    beta = (beta_ / n_valid - delta_) / (c * n_valid)
    delta = (delta_ - 2.0 * mu * trace + c * mu * mu) / c
    beta = min(beta, delta)
    shrink = 0.0 if beta == 0 else beta / delta
    for i in range(c):
        for j in range(c):
            cov[i, j] *= 1.0 - shrink
        cov[i, i] += shrink * mu
    return shrink, n_valid


@njit(cache=True, nogil=True)
def batch_covariance(X, method, cov, shrinkage, n_valid):
    """Fill ``cov`` (n, c, c), ``shrinkage`` (n,) and ``n_valid`` (n,) from ``X`` (n, c, t).

    Sample and OAS covariances of finite records take one time-blocked pass each
    (:func:`_gram_blocked`); each record's result has the same bits as when it is passed
    alone."""
    n, c, t = X.shape
    work = np.empty((c, t))
    acc = np.empty((c, c))
    sums = np.empty((2, c))
    shift = np.empty(c)
    buf = np.empty((c, TILE))
    va = np.empty(8 * (c * (c + 1) // 2 + c))
    for k in range(n):
        if method != LWF and t >= 2 and c > 0:
            s = _fast_covariance(X[k], method, cov[k], acc, sums, shift, buf, va)
            if s >= 0.0:
                shrinkage[k] = s
                n_valid[k] = t
                continue
        s, nv = _one_covariance(X[k], method, cov[k], work)
        shrinkage[k] = s
        n_valid[k] = nv


@njit(cache=True, nogil=True)
def delay_embed(X, n_lags, delay):
    """Time-delay (Hankel) embedding of ``X`` (n, c, t).

    Returns (n, c * n_lags, t - (n_lags - 1) * delay): block ``k`` (rows ``k*c .. k*c+c-1``)
    holds every lead delayed by ``k * delay`` samples, aligned on the latest sample.
    """
    n, c, t = X.shape
    span = (n_lags - 1) * delay
    m = t - span
    out = np.empty((n, c * n_lags, max(m, 0)))
    for r in range(n):
        for k in range(n_lags):
            off = span - k * delay
            for i in range(c):
                for s in range(m):
                    out[r, k * c + i, s] = X[r, i, off + s]
    return out
