"""Numba kernels: the implicit QL iteration of a symmetric tridiagonal matrix with Wilkinson
shifts (EISPACK ``tql2``), in place and without allocation, for one matrix
(:func:`_tridiagonal_ql`) and for two matrices with their rotation chains interleaved
(:func:`_tridiagonal_ql2`, the same bits as two calls of the one-matrix form: the rotations of
one matrix fill the latency of the other's dependent chain). Used by :mod:`geoecg._kernels.spd`
(:func:`~geoecg._kernels.spd.eigh_small`, :func:`~geoecg._kernels.spd.log_vectors`).

No validation here: callers pass C-contiguous float64 arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_EPS = np.finfo(np.float64).eps
#: QL sweeps allowed per eigenvalue before :func:`eigh_small` falls back to LAPACK (EISPACK
#: ``tql2`` allows 30).
MAX_QL_ITER = 60
#: ``sqrt(f*f + g*g)`` is used for |(f, g)| between these bounds (no overflow/underflow of the
#: squares), ``np.hypot`` outside them.
_HYPOT_LO, _HYPOT_HI = 1e-150, 1e150


@njit(cache=True, nogil=True)
def _norm2(f, g):
    r = np.sqrt(f * f + g * g)
    if _HYPOT_LO < r < _HYPOT_HI:
        return r
    return np.hypot(f, g)


@njit(cache=True, nogil=True)
def _tridiagonal_ql(d, e, zt):
    """Eigenvalues (into ``d``) of the tridiagonal (``d``, ``e[1:]``) by the implicit QL method
    with Wilkinson shifts (EISPACK ``tql2``); the rotations are applied to the ROWS of ``zt``
    (``Q^T`` on entry, eigenvectors as rows on exit, contiguous updates). Returns False when
    an eigenvalue needed more than :data:`MAX_QL_ITER` sweeps (or the input is not finite).

    One flat loop over sweeps (eigenvalue ``lo`` done when its ``e`` is negligible; an
    underflow inside a sweep deflates and restarts it): the same operations as ``tql2``'s
    nested loops, about 7 % faster on 12 x 12 (fewer branches around the rotation chain).
    """
    n = d.shape[0]
    for i in range(1, n):
        e[i - 1] = e[i]
    e[n - 1] = 0.0
    lo = 0
    it = 0
    while lo < n:
        m = lo
        while m < n - 1:
            if abs(e[m]) <= _EPS * (abs(d[m]) + abs(d[m + 1])):
                break
            m += 1
        if m == lo:
            lo += 1
            it = 0
            continue
        it += 1
        if it > MAX_QL_ITER:
            return False
        g = (d[lo + 1] - d[lo]) / (2.0 * e[lo])
        r = _norm2(g, 1.0)
        g = d[m] - d[lo] + e[lo] / (g + (r if g >= 0.0 else -r))
        s = c = 1.0
        p = 0.0
        i = m - 1
        while i >= lo:
            f = s * e[i]
            b = c * e[i]
            r = _norm2(f, g)
            e[i + 1] = r
            if r == 0.0:  # underflow: deflate and restart this eigenvalue
                d[i + 1] -= p
                e[m] = 0.0
                break
            s = f / r
            c = g / r
            g = d[i + 1] - p
            r = (d[i] - g) * s + 2.0 * c * b
            p = s * r
            d[i + 1] = g + p
            g = c * r - b
            for k in range(n):
                f = zt[i + 1, k]
                zt[i + 1, k] = s * zt[i, k] + c * f
                zt[i, k] = c * zt[i, k] - s * f
            i -= 1
        if i < lo:  # the sweep ran through
            d[lo] -= p
            e[lo] = g
            e[m] = 0.0
    return True


@njit(cache=True, nogil=True, inline="always")
def _ql_block(d, e, lo):
    """The next block of :func:`_tridiagonal_ql`: ``lo`` moved past converged eigenvalues and
    the first ``m >= lo`` with a negligible ``e[m]``; ``(n, n)`` when every eigenvalue is done."""
    n = d.shape[0]
    while lo < n:
        m = lo
        while m < n - 1:
            if abs(e[m]) <= _EPS * (abs(d[m]) + abs(d[m + 1])):
                break
            m += 1
        if m != lo:
            return lo, m
        lo += 1
    return n, n


@njit(cache=True, nogil=True, inline="always")
def _ql_shift(d, e, lo, m):
    """The Wilkinson-shifted start ``g`` of a :func:`_tridiagonal_ql` sweep over ``lo..m``."""
    g = (d[lo + 1] - d[lo]) / (2.0 * e[lo])
    r = _norm2(g, 1.0)
    return d[m] - d[lo] + e[lo] / (g + (r if g >= 0.0 else -r))


@njit(cache=True, nogil=True, inline="always")
def _ql_rotation(d, e, zt, i, m, s, c, p, g):
    """One rotation (row ``i``) of a :func:`_tridiagonal_ql` sweep ending at ``m``: the same
    operations in the same order; returns ``(s, c, p, g, ok)``, ``ok`` False on an underflow
    (the eigenvalue deflated, the sweep to restart)."""
    f = s * e[i]
    b = c * e[i]
    r = _norm2(f, g)
    e[i + 1] = r
    if r == 0.0:
        d[i + 1] -= p
        e[m] = 0.0
        return s, c, p, g, False
    s = f / r
    c = g / r
    g = d[i + 1] - p
    r = (d[i] - g) * s + 2.0 * c * b
    p = s * r
    d[i + 1] = g + p
    g = c * r - b
    for k in range(zt.shape[1]):
        f = zt[i + 1, k]
        zt[i + 1, k] = s * zt[i, k] + c * f
        zt[i, k] = c * zt[i, k] - s * f
    return s, c, p, g, True


@njit(cache=True, nogil=True)
def _tridiagonal_ql2(da, ea, za, db, eb, zb):
    """:func:`_tridiagonal_ql` of two tridiagonals side by side (``a`` and ``b``), their
    sweeps interleaved rotation by rotation so that the CPU overlaps the two latency-bound
    chains (square root, divisions); each one runs exactly the operations of
    :func:`_tridiagonal_ql` in their order, so the results have the same bits. Returns
    ``ok_a + 2 * ok_b`` (``ok`` as :func:`_tridiagonal_ql`'s return value)."""
    n = da.shape[0]
    for i in range(1, n):
        ea[i - 1] = ea[i]
        eb[i - 1] = eb[i]
    ea[n - 1] = 0.0
    eb[n - 1] = 0.0
    loa = lob = 0
    ita = itb = 0
    oka = okb = True
    ma = mb = ia = ib = 0
    sa = ca = pa = ga = sb = cb = pb = gb = 0.0
    while True:
        runa = runb = False
        if oka and loa < n:
            lo, ma = _ql_block(da, ea, loa)
            if lo != loa:
                ita = 0
            loa = lo
            if loa < n:
                ita += 1
                if ita > MAX_QL_ITER:
                    oka = False
                else:
                    ga = _ql_shift(da, ea, loa, ma)
                    sa = ca = 1.0
                    pa = 0.0
                    ia = ma - 1
                    runa = True
        if okb and lob < n:
            lo, mb = _ql_block(db, eb, lob)
            if lo != lob:
                itb = 0
            lob = lo
            if lob < n:
                itb += 1
                if itb > MAX_QL_ITER:
                    okb = False
                else:
                    gb = _ql_shift(db, eb, lob, mb)
                    sb = cb = 1.0
                    pb = 0.0
                    ib = mb - 1
                    runb = True
        if not (runa or runb):
            break
        while runa or runb:
            if runa:
                sa, ca, pa, ga, fine = _ql_rotation(da, ea, za, ia, ma, sa, ca, pa, ga)
                if not fine:
                    runa = False
                else:
                    ia -= 1
                    if ia < loa:  # the sweep ran through
                        da[loa] -= pa
                        ea[loa] = ga
                        ea[ma] = 0.0
                        runa = False
            if runb:
                sb, cb, pb, gb, fine = _ql_rotation(db, eb, zb, ib, mb, sb, cb, pb, gb)
                if not fine:
                    runb = False
                else:
                    ib -= 1
                    if ib < lob:
                        db[lob] -= pb
                        eb[lob] = gb
                        eb[mb] = 0.0
                        runb = False
    return (1 if oka else 0) + (2 if okb else 0)
