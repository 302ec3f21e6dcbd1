"""Numba kernels: functions of stacks of small SPD matrices (tangent space, exponential map,
Riemannian mean) with one symmetric eigendecomposition per matrix (:func:`eigh_small`:
Householder tridiagonalisation + implicit QL in place, no allocation; LAPACK ``syevd`` as the
fallback).

The formulas are those of pyRiemann 0.12 (``geometry.base._matrix_operator``:
``f(C) = V diag(f(w)) V^T``; ``tangentspace.log_map_riemann`` + ``upper``;
``geodesic.geodesic_riemann``; ``mean.mean_riemann``) fused per matrix, so that no stack of
temporaries is written to memory. Congruences ``W X W`` compute one triangle and mirror it,
so every result is exactly symmetric. :func:`spd_status` classifies a stack of covariances for
the SPD guarantee of :func:`geoecg.riemann.lead_covariances` (one pass, no allocation).

No validation here: callers pass C-contiguous float64 arrays (see :mod:`geoecg.riemann.tangent`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .ql import MAX_QL_ITER, _tridiagonal_ql, _tridiagonal_ql2  # noqa: F401 (re-exported)
from .tangent_lanes import LANES, congruence_lanes, tridiagonalise_lanes

#: Scalar functions applied to eigenvalues by :func:`sym_function`.
LOG, EXP, SQRT, INVSQRT, POWER = 0, 1, 2, 3, 4

SQRT2 = np.sqrt(2.0)
_FLOAT_MAX = np.finfo(np.float64).max


@njit(cache=True, nogil=True, inline="always")
def _combine_rows(p, u, m, nr, nc):
    """``p[:nc] = sum_{r < nr} u[r] * m[r, :nc]``, rows added in order (contiguous row reads).
    Inlined in :func:`_tridiagonalise` (``A u`` over the leading block, then ``u^T Q^T``)."""
    for j in range(nc):
        p[j] = 0.0
    for r in range(nr):
        ur = u[r]
        mr = m[r]
        for j in range(nc):
            p[j] += ur * mr[j]


@njit(cache=True, nogil=True)
def _tridiagonalise(a, d, e, zt):
    """Householder reduction of the symmetric ``a`` (c, c, both triangles filled) to tridiagonal
    form: diagonal ``d``, sub-diagonal ``e[1:]``, and ``zt`` (c, c) = ``Q^T`` with
    ``A = Q T Q^T``; ``a`` is overwritten (its rows keep the Householder vectors).

    EISPACK ``tred2``'s reflections (row-scaled, as in Numerical Recipes), computed as in LAPACK
    ``dsytd2``: full symmetric storage, ``p = A u / h`` and the rank-2 update row by row
    (contiguous), ``Q^T`` built from the right directly into the rows the QL rotates. The
    scratch vector is ``e[:i]`` during the reduction (not yet written) and the row ``a[0]``
    while ``Q^T`` is built (``d[0]`` saved).
    """
    n = a.shape[0]
    for i in range(n - 1, 0, -1):
        d[i] = a[i, i]
        ai = a[i]
        scale = 0.0
        for k in range(i):
            scale += abs(ai[k])
        if i == 1 or scale == 0.0:
            e[i] = ai[i - 1]
            ai[i] = 0.0  # h = 0: no reflection
            continue
        sigma = 0.0
        for k in range(i):
            ai[k] /= scale
            sigma += ai[k] * ai[k]
        f = ai[i - 1]
        g = -np.sqrt(sigma) if f >= 0.0 else np.sqrt(sigma)
        e[i] = scale * g
        h = sigma - f * g
        ai[i - 1] = f - g
        ai[i] = h
        p = e  # p[:i] = A u / h over the leading i x i block, then minus K u
        _combine_rows(p, ai, a, i, i)
        kk = 0.0
        for j in range(i):
            p[j] /= h
            kk += ai[j] * p[j]
        kk /= h + h
        for j in range(i):
            p[j] -= kk * ai[j]
        for r in range(i):  # A -= u p^T + p u^T
            ur = ai[r]
            qr = p[r]
            ar = a[r]
            for j in range(i):
                ar[j] -= ur * p[j] + qr * ai[j]
    d[0] = a[0, 0]
    e[0] = 0.0
    for r in range(n):
        for j in range(n):
            zt[r, j] = 0.0
        zt[r, r] = 1.0
    p = a[0]
    for i in range(n - 1, 1, -1):  # zt = H_2 ... H_{n-1} = Q^T, each applied from the left
        ai = a[i]
        h = ai[i]
        if h == 0.0:
            continue
        _combine_rows(p, ai, zt, i, n)
        for r in range(i):
            ur = ai[r] / h
            zr = zt[r]
            for j in range(n):
                zr[j] -= ur * p[j]


@njit(cache=True, nogil=True)
def eigh_small(a, w, v, zt, e):
    """Eigenvalues ``w`` (c,) and eigenvectors ``v`` (c, c, as columns) of the symmetric ``a``
    (c, c; lower triangle read), with scratch ``zt`` (c, c) and ``e`` (c,): no allocation.

    Householder tridiagonalisation then implicit QL (EISPACK ``tred2`` + ``tql2``, the
    reduction in LAPACK ``dsytd2``'s row-wise form), 2-3x faster than LAPACK ``syevd`` for
    12 x 12 (call overhead, workspace). The eigenvalues are
    NOT sorted. Falls back to ``np.linalg.eigh`` (sorted) if QL does not converge.
    """
    c = a.shape[0]
    if c == 0:
        return
    for i in range(c):
        for j in range(i + 1):
            v[i, j] = a[i, j]
            v[j, i] = a[i, j]
    _tridiagonalise(v, w, e, zt)
    if _tridiagonal_ql(w, e, zt):
        for i in range(c):
            for j in range(c):
                v[i, j] = zt[j, i]
        return
    w2, v2 = np.linalg.eigh(a)
    w[:] = w2
    v[:] = v2


@njit(cache=True, nogil=True)
def eigh_stack(A, w, v):
    """:func:`eigh_small` of every matrix of ``A`` (n, c, c) into ``w`` (n, c) and ``v``
    (n, c, c): the decomposition of the tangent step alone (``geoecg bench riemann``)."""
    c = A.shape[1]
    zt, e = np.empty((c, c)), np.empty(c)
    for k in range(A.shape[0]):
        eigh_small(A[k], w[k], v[k], zt, e)


@njit(cache=True, nogil=True)
def _apply(w, code, power):
    for m in range(w.size):
        x = w[m]
        if code == LOG:
            w[m] = np.log(x)
        elif code == EXP:
            w[m] = np.exp(x)
        elif code == SQRT:
            w[m] = np.sqrt(x)
        elif code == INVSQRT:
            w[m] = 1.0 / np.sqrt(x)
        else:
            w[m] = x**power


@njit(cache=True, nogil=True)
def _recompose(v, f, out):
    """``out = V diag(f) V^T`` (upper triangle computed, mirrored)."""
    c = v.shape[0]
    for i in range(c):
        for j in range(i, c):
            s = 0.0
            for m in range(c):
                s += v[i, m] * f[m] * v[j, m]
            out[i, j] = s
            out[j, i] = s


@njit(cache=True, nogil=True)
def _congruence(w, x, tmp, out):
    """``out = W X W`` for symmetric ``W`` (upper triangle computed, mirrored)."""
    c = x.shape[0]
    for i in range(c):
        for j in range(c):
            tmp[i, j] = 0.0
        for m in range(c):
            a = w[i, m]
            for j in range(c):
                tmp[i, j] += a * x[m, j]
    for i in range(c):
        for j in range(i, c):
            s = 0.0
            for m in range(c):
                s += tmp[i, m] * w[j, m]
            out[i, j] = s
            out[j, i] = s


@njit(cache=True, nogil=True)
def sym_function(a, code, power, out):
    """``out = f(a)`` for a symmetric ``a`` (c, c); ``f`` by ``code`` (``POWER``: x**power)."""
    c = a.shape[0]
    w, e = np.empty(c), np.empty(c)
    v, zt = np.empty((c, c)), np.empty((c, c))
    eigh_small(a, w, v, zt, e)
    _apply(w, code, power)
    _recompose(v, w, out)


@njit(cache=True, nogil=True)
def _log_upper(k, q, zt, w, out, dist, row):
    """``out[k, q*p:(q+1)*p] = upper(V diag(log w) V^T)`` (off-diagonal times sqrt(2)) and
    ``dist[k, q]`` from the eigenvalues ``w`` (overwritten by their logarithms) and the
    eigenvectors as the rows of ``zt``; ``V diag(log w) V^T`` summed row-wise over those rows
    (the same operations in the same order as the dot-product form)."""
    c = w.shape[0]
    d2 = 0.0
    for m in range(c):
        w[m] = np.log(w[m])
        d2 += w[m] * w[m]
    dist[k, q] = np.sqrt(d2)
    o = q * (c * (c + 1) // 2)
    for i in range(c):
        for j in range(c):
            row[j] = 0.0
        for m in range(c):
            zm = zt[m]
            a = zm[i] * w[m]
            for j in range(c):
                row[j] += a * zm[j]
        out[k, o] = row[i]
        for j in range(i + 1, c):
            out[k, o + j - i] = SQRT2 * row[j]
        o += c - i


@njit(cache=True, nogil=True)
def _eigh_fallback(w_ref, x, tmp, z, w, zt):
    """LAPACK ``syevd`` of ``W X W`` (recomputed) into ``w`` and the rows of ``zt``, as in
    :func:`eigh_small` when the QL does not converge."""
    _congruence(w_ref, x, tmp, z)
    w2, v2 = np.linalg.eigh(z)
    w[:] = w2
    zt[:] = v2.T


@njit(cache=True, nogil=True)
def log_vectors(X, W, out, dist):
    """Tangent vectors of ``X`` (n, c, c) at several references given by their inverse square
    roots ``W`` (r, c, c).

    ``out[k, q*p:(q+1)*p] = upper(log(W[q] X[k] W[q]))`` with ``p = c(c+1)/2``, row-major upper
    triangle, off-diagonal entries times sqrt(2); ``dist[k, q]`` is the Frobenius norm of the
    logarithm, i.e. the affine-invariant distance of ``X[k]`` to reference ``q``.

    The eigendecomposition is :func:`eigh_small`'s, run on the congruence in place (it is
    exactly symmetric) with the eigenvectors kept as rows. The congruence and the
    tridiagonalisation run on :data:`~geoecg._kernels.tangent_lanes.LANES` matrices side by
    side (:mod:`geoecg._kernels.tangent_lanes`: each lane the one-matrix operations in their
    order, so the output has the same bits), the QL on two matrices at a time
    (:func:`_tridiagonal_ql2`, interleaved, same bits), then the logarithm one matrix at a time.
    """
    n, c, _ = X.shape
    tmp, z, zt = np.empty((c, c)), np.empty((c, c)), np.empty((c, c))
    w, e, row = np.empty(c), np.empty(c), np.empty(c)
    tl = np.empty((c, c, LANES))
    zl, ztl = np.empty((c, c, LANES)), np.empty((LANES, c, c))
    dl, el, pl = np.empty((LANES, c)), np.empty((LANES, c)), np.empty((c, LANES))
    for k0 in range(0, n, LANES):
        for q in range(W.shape[0]):
            congruence_lanes(W[q], X, k0, tl, zl)
            lanes = tridiagonalise_lanes(zl, dl, el, ztl, pl)
            cnt = min(LANES, n - k0)
            if lanes:  # the QL of lane pairs interleaved (same bits), then the logarithms
                for l0 in range(0, cnt, 2):
                    if l0 + 1 < cnt:
                        ok = _tridiagonal_ql2(
                            dl[l0], el[l0], ztl[l0], dl[l0 + 1], el[l0 + 1], ztl[l0 + 1]
                        )
                    else:
                        ok = 1 if _tridiagonal_ql(dl[l0], el[l0], ztl[l0]) else 0
                    for lane in range(l0, min(l0 + 2, cnt)):
                        k = k0 + lane
                        wk, zk = dl[lane], ztl[lane]
                        if not (ok >> (lane - l0)) & 1:  # LAPACK fallback, as in eigh_small
                            _eigh_fallback(W[q], X[k], tmp, z, wk, zk)
                        _log_upper(k, q, zk, wk, out, dist, row)
                continue
            for lane in range(cnt):  # a row with no reflection: the one-matrix reduction
                k = k0 + lane
                _congruence(W[q], X[k], tmp, z)
                _tridiagonalise(z, w, e, zt)
                if not _tridiagonal_ql(w, e, zt):  # LAPACK fallback, as in eigh_small
                    _eigh_fallback(W[q], X[k], tmp, z, w, zt)
                _log_upper(k, q, zt, w, out, dist, row)


@njit(cache=True, nogil=True)
def geodesic_riemann(X, first, second, alpha, out):
    """``out[j] = A^1/2 (A^-1/2 B A^-1/2)^alpha[j] A^1/2`` with ``A = X[first[j]]``,
    ``B = X[second[j]]`` (affine-invariant geodesic, i.e. the exponential map at ``A`` of
    ``alpha`` times the logarithm of ``B``)."""
    c = X.shape[1]
    s12 = np.empty((c, c))
    sm12 = np.empty((c, c))
    tmp = np.empty((c, c))
    z = np.empty((c, c))
    f = np.empty(c)
    w, e = np.empty(c), np.empty(c)
    v = np.empty((c, c))
    for j in range(first.size):
        eigh_small(X[first[j]], w, v, tmp, e)
        for m in range(c):
            f[m] = np.sqrt(w[m])
        _recompose(v, f, s12)
        for m in range(c):
            f[m] = 1.0 / f[m]
        _recompose(v, f, sm12)
        _congruence(sm12, X[second[j]], tmp, z)
        sym_function(z, POWER, alpha[j], z)
        _congruence(s12, z, tmp, out[j])


@njit(cache=True, nogil=True)
def geodesic_logeuclid(L, first, second, alpha, out):
    """``out[j] = expm((1 - alpha[j]) L[first[j]] + alpha[j] L[second[j]])`` with ``L`` the
    matrix logarithms (log-Euclidean geodesic)."""
    c = L.shape[1]
    z = np.empty((c, c))
    for j in range(first.size):
        a = alpha[j]
        for i in range(c):
            for m in range(c):
                z[i, m] = (1.0 - a) * L[first[j], i, m] + a * L[second[j], i, m]
        sym_function(z, EXP, 1.0, out[j])


@njit(cache=True, nogil=True)
def riemann_mean(X, tol, maxiter, out):
    """Affine-invariant mean of ``X`` (n, c, c) into ``out`` (c, c); returns the number of
    iterations, or -1 when ``maxiter`` iterations did not converge.

    pyRiemann 0.12 ``mean_riemann`` (Congedo et al. 2015 stopping rule): start at the
    arithmetic mean, ``J = mean_k log(M^-1/2 X_k M^-1/2)``, ``M <- M^1/2 exp(nu J) M^1/2``, step
    ``nu`` times 0.95 while ``nu ||J||_F`` decreases and halved otherwise; stop when
    ``||J||_F <= tol`` or ``nu <= tol``.
    """
    n, c, _ = X.shape
    M = np.zeros((c, c))
    for k in range(n):
        for i in range(c):
            for j in range(c):
                M[i, j] += X[k, i, j]
    for i in range(c):
        for j in range(c):
            M[i, j] /= n
    s12 = np.empty((c, c))
    sm12 = np.empty((c, c))
    tmp = np.empty((c, c))
    z = np.empty((c, c))
    lg = np.empty((c, c))
    J = np.empty((c, c))
    f = np.empty(c)
    w, e = np.empty(c), np.empty(c)
    v = np.empty((c, c))
    nu = 1.0
    tau = _FLOAT_MAX
    for it in range(maxiter):
        eigh_small(M, w, v, tmp, e)
        for m in range(c):
            f[m] = np.sqrt(w[m])
        _recompose(v, f, s12)
        for m in range(c):
            f[m] = 1.0 / f[m]
        _recompose(v, f, sm12)
        J[:] = 0.0
        for k in range(n):
            _congruence(sm12, X[k], tmp, z)
            sym_function(z, LOG, 1.0, lg)
            for i in range(c):
                for j in range(c):
                    J[i, j] += lg[i, j] / n
        crit = 0.0
        for i in range(c):
            for j in range(c):
                crit += J[i, j] * J[i, j]
                z[i, j] = nu * J[i, j]
        crit = np.sqrt(crit)
        sym_function(z, EXP, 1.0, lg)
        _congruence(s12, lg, tmp, M)
        h = nu * crit
        if h < tau:
            nu = 0.95 * nu
            tau = h
        else:
            nu = 0.5 * nu
        if crit <= tol or nu <= tol:
            out[:] = M
            return it + 1
    out[:] = M
    return -1


@njit(cache=True, nogil=True)
def riemann_means(X, offsets, tol, maxiter, out, n_iter):
    """:func:`riemann_mean` of each segment ``X[offsets[g]:offsets[g + 1]]`` into ``out[g]``."""
    for g in range(offsets.size - 1):
        n_iter[g] = riemann_mean(X[offsets[g] : offsets[g + 1]], tol, maxiter, out[g])


#: Codes written by :func:`spd_status`.
SPD_OK, SPD_NONFINITE, SPD_FLAT, SPD_BELOW_FLOOR = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def spd_status(cov, reg, trace, status):
    """Classify each matrix of ``cov`` (n, c, c) for the SPD guarantee, without allocating
    per matrix: ``trace[k]`` receives its trace and ``status[k]`` ``SPD_NONFINITE`` (an entry is
    not finite), ``SPD_FLAT`` (trace <= 0), ``SPD_OK`` (the Cholesky factorisation of
    ``cov[k] - floor I``, ``floor = reg * trace / c``, succeeds: the smallest eigenvalue is above
    the floor) or ``SPD_BELOW_FLOOR`` (it fails: the caller computes the ridge from the
    eigenvalues)."""
    n, c, _ = cov.shape
    low = np.empty((c, c))
    for k in range(n):
        a = cov[k]
        finite = True
        tr = 0.0
        for i in range(c):
            tr += a[i, i]
            for j in range(c):
                if not np.isfinite(a[i, j]):
                    finite = False
        trace[k] = tr
        if not finite:
            status[k] = SPD_NONFINITE
            continue
        if tr <= 0.0:
            status[k] = SPD_FLAT
            continue
        floor = reg * tr / c
        status[k] = SPD_OK
        for j in range(c):  # Cholesky-Banachiewicz on the lower triangle of a - floor I
            d = a[j, j] - floor
            for m in range(j):
                d -= low[j, m] * low[j, m]
            if not d > 0.0:
                status[k] = SPD_BELOW_FLOOR
                break
            d = np.sqrt(d)
            low[j, j] = d
            for i in range(j + 1, c):
                s = a[i, j]
                for m in range(j):
                    s -= low[i, m] * low[j, m]
                low[i, j] = s / d


#: Codes returned by :func:`symmetric_status`.
SYM_OK, SYM_NONFINITE, SYM_ASYMMETRIC = 0, 1, 2
_TINY = np.finfo(np.float64).tiny


@njit(cache=True, nogil=True)
def symmetric_status(X, rtol):
    """One pass over the stack ``X`` (n, c, c), no temporaries: ``SYM_NONFINITE`` when an entry
    is not finite, else ``SYM_ASYMMETRIC`` when ``|X[k, i, j] - X[k, j, i]|`` exceeds
    ``rtol * (max |X[k]| + tiny)`` for some matrix, else ``SYM_OK``."""
    n, c, _ = X.shape
    asym = False
    for k in range(n):
        a = X[k]
        scale = 0.0
        for i in range(c):
            for j in range(c):
                v = a[i, j]
                if not np.isfinite(v):
                    return SYM_NONFINITE
                scale = max(scale, abs(v))
        if not asym:
            tol = rtol * (scale + _TINY)
            for i in range(c):
                for j in range(i):
                    if abs(a[i, j] - a[j, i]) > tol:
                        asym = True
    return SYM_ASYMMETRIC if asym else SYM_OK
