"""Numba kernels: the front end of the tangent step for :data:`LANES` matrices at a time (the
congruence ``W X W`` and the Householder tridiagonalisation of
:func:`geoecg._kernels.spd.log_vectors`), with the matrices side by side in the last axis.

Each lane runs exactly the scalar operations of :func:`geoecg._kernels.spd._congruence` and
:func:`geoecg._kernels.spd._tridiagonalise`, in the same order and without ``fastmath``, so every
lane's result has the same bits as the one-matrix kernels; the lanes only give the CPU
:data:`LANES` independent chains to overlap (the one-matrix reduction waits on its dot products
and divisions). Values travel as tuples of :data:`LANES` floats through inlined helpers.

No validation here: callers pass C-contiguous float64 arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Matrices processed side by side.
LANES = 4
_ZERO = (0.0, 0.0, 0.0, 0.0)
_ONE = (1.0, 1.0, 1.0, 1.0)


@njit(cache=True, nogil=True, inline="always")
def _ld(a, i, j):
    """The lanes of ``a[i, j]`` (``a`` of shape (.., .., LANES)) as a tuple."""
    return (a[i, j, 0], a[i, j, 1], a[i, j, 2], a[i, j, 3])


@njit(cache=True, nogil=True, inline="always")
def _ld2(a, i):
    """The lanes of ``a[i]`` (``a`` of shape (.., LANES)) as a tuple."""
    return (a[i, 0], a[i, 1], a[i, 2], a[i, 3])


@njit(cache=True, nogil=True, inline="always")
def _ldm(a, i, j):
    """``a[:, i, j]`` (``a`` of shape (LANES, .., ..): one matrix per lane) as a tuple."""
    return (a[0, i, j], a[1, i, j], a[2, i, j], a[3, i, j])


@njit(cache=True, nogil=True, inline="always")
def _stm(a, i, j, v):
    """``a[:, i, j] = v``."""
    a[0, i, j] = v[0]
    a[1, i, j] = v[1]
    a[2, i, j] = v[2]
    a[3, i, j] = v[3]


@njit(cache=True, nogil=True, inline="always")
def _stv(a, i, v):
    """``a[:, i] = v`` (``a`` of shape (LANES, ..))."""
    a[0, i] = v[0]
    a[1, i] = v[1]
    a[2, i] = v[2]
    a[3, i] = v[3]


@njit(cache=True, nogil=True, inline="always")
def _st(a, i, j, v):
    """``a[i, j, :] = v``."""
    a[i, j, 0] = v[0]
    a[i, j, 1] = v[1]
    a[i, j, 2] = v[2]
    a[i, j, 3] = v[3]


@njit(cache=True, nogil=True, inline="always")
def _st2(a, i, v):
    """``a[i, :] = v``."""
    a[i, 0] = v[0]
    a[i, 1] = v[1]
    a[i, 2] = v[2]
    a[i, 3] = v[3]


@njit(cache=True, nogil=True, inline="always")
def _addmul(s, x, y):
    """``s + x * y`` lane by lane (the product rounded, then the sum: no fused multiply-add)."""
    return (s[0] + x[0] * y[0], s[1] + x[1] * y[1], s[2] + x[2] * y[2], s[3] + x[3] * y[3])


@njit(cache=True, nogil=True, inline="always")
def _div(x, y):
    """``x / y`` lane by lane."""
    return (x[0] / y[0], x[1] / y[1], x[2] / y[2], x[3] / y[3])


@njit(cache=True, nogil=True, inline="always")
def _splat(a):
    """``a`` in every lane."""
    return (a, a, a, a)


@njit(cache=True, nogil=True)
def congruence_lanes(w, X, k0, tmp, z):
    """``z[..., l] = W X[k0 + l] W`` for symmetric ``w`` (c, c) and the matrices of ``X`` (n, c,
    c) from ``k0`` on (lanes past the end repeat the last matrix; their results are not used):
    per lane the operations of :func:`geoecg._kernels.spd._congruence` (``W X``, then its upper
    triangle times ``W``, mirrored), in their order; ``tmp`` (c, c, LANES) scratch."""
    n, c = X.shape[0], w.shape[0]
    x0, x1 = X[min(k0, n - 1)], X[min(k0 + 1, n - 1)]
    x2, x3 = X[min(k0 + 2, n - 1)], X[min(k0 + 3, n - 1)]
    for i in range(c):
        for j in range(c):
            s = _ZERO
            for m in range(c):
                s = _addmul(s, _splat(w[i, m]), (x0[m, j], x1[m, j], x2[m, j], x3[m, j]))
            _st(tmp, i, j, s)
    for i in range(c):
        for j in range(i, c):
            s = _ZERO
            for m in range(c):
                s = _addmul(s, _ld(tmp, i, m), _splat(w[j, m]))
            _st(z, i, j, s)
            _st(z, j, i, s)


@njit(cache=True, nogil=True)
def tridiagonalise_lanes(a, d, e, zt, p):
    """:func:`geoecg._kernels.spd._tridiagonalise` of the lanes of ``a`` (c, c, LANES, both
    triangles filled; overwritten) into ``d``, ``e`` (LANES, c) and ``zt`` (LANES, c, c: one
    matrix per lane, ready for the QL), with scratch ``p`` (c, LANES); per lane the same
    operations in the same order.

    Returns False, with the outputs incomplete, when a lane's row to reduce is exactly zero
    (no reflection: the caller takes the one-matrix kernel for every lane of the group).
    """
    n = a.shape[0]
    for i in range(n - 1, 0, -1):
        _stv(d, i, _ld(a, i, i))
        if i == 1:
            _stv(e, 1, _ld(a, 1, 0))
            _st(a, 1, 1, _ZERO)
            continue
        sc = _ZERO
        for k in range(i):
            v = _ld(a, i, k)
            sc = (sc[0] + abs(v[0]), sc[1] + abs(v[1]), sc[2] + abs(v[2]), sc[3] + abs(v[3]))
        if sc[0] == 0.0 or sc[1] == 0.0 or sc[2] == 0.0 or sc[3] == 0.0:
            return False
        sigma = _ZERO
        for k in range(i):
            v = _div(_ld(a, i, k), sc)
            _st(a, i, k, v)
            sigma = _addmul(sigma, v, v)
        for lane in range(LANES):
            f = a[i, i - 1, lane]
            sg = sigma[lane]
            g = -np.sqrt(sg) if f >= 0.0 else np.sqrt(sg)
            e[lane, i] = sc[lane] * g
            a[i, i - 1, lane] = f - g
            a[i, i, lane] = sg - f * g
        h = _ld(a, i, i)
        for j in range(i):  # p = A u / h over the leading i x i block
            s = _ZERO
            for k in range(i):
                s = _addmul(s, _ld(a, i, k), _ld(a, k, j))
            _st2(p, j, _div(s, h))
        kk = _ZERO
        for j in range(i):
            kk = _addmul(kk, _ld(a, i, j), _ld2(p, j))
        kk = _div(kk, (h[0] + h[0], h[1] + h[1], h[2] + h[2], h[3] + h[3]))
        for j in range(i):  # p -= K u
            u, q = _ld(a, i, j), _ld2(p, j)
            _st2(
                p,
                j,
                (
                    q[0] - kk[0] * u[0],
                    q[1] - kk[1] * u[1],
                    q[2] - kk[2] * u[2],
                    q[3] - kk[3] * u[3],
                ),
            )
        for r in range(i):  # A -= u p^T + p u^T
            ur, qr = _ld(a, i, r), _ld2(p, r)
            for j in range(i):
                pj, uj, ar = _ld2(p, j), _ld(a, i, j), _ld(a, r, j)
                _st(
                    a,
                    r,
                    j,
                    (
                        ar[0] - (ur[0] * pj[0] + qr[0] * uj[0]),
                        ar[1] - (ur[1] * pj[1] + qr[1] * uj[1]),
                        ar[2] - (ur[2] * pj[2] + qr[2] * uj[2]),
                        ar[3] - (ur[3] * pj[3] + qr[3] * uj[3]),
                    ),
                )
    _stv(d, 0, _ld(a, 0, 0))
    _stv(e, 0, _ZERO)
    for r in range(n):
        for j in range(n):
            _stm(zt, r, j, _ZERO)
        _stm(zt, r, r, _ONE)
    for i in range(n - 1, 1, -1):  # zt = H_2 ... H_{n-1} = Q^T (every h > 0 here)
        h = _ld(a, i, i)
        for j in range(n):
            s = _ZERO
            for r in range(i):
                s = _addmul(s, _ld(a, i, r), _ldm(zt, r, j))
            _st2(p, j, s)
        for r in range(i):
            u = _div(_ld(a, i, r), h)
            for j in range(n):
                z, q = _ldm(zt, r, j), _ld2(p, j)
                _stm(
                    zt,
                    r,
                    j,
                    (
                        z[0] - u[0] * q[0],
                        z[1] - u[1] * q[1],
                        z[2] - u[2] * q[2],
                        z[3] - u[3] * q[3],
                    ),
                )
    return True
