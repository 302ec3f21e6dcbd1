"""R-peak detection kernels, stages 0-1 for two leads in the two lanes of one SIMD register.

The filter passes of :mod:`geoecg._kernels.rpeaks_fused` are bound by the number of
floating-point operations (about 19 per sample and lead), not by the latency of the
recursion, so running two leads' scalar recursions side by side costs twice one lead. Here
the two leads' values travel together in a ``<2 x double>`` vector (:data:`f64x2`): every
operation of the scalar code becomes one vector operation on both leads (``vfmadd..pd``
instead of two ``vfmadd..sd``). Each lane gets exactly the scalar operation on its own
lead's values (IEEE 754 arithmetic is lane by lane; a fused multiply-add stays fused,
nothing is reassociated), so each lead's numbers are those of :func:`_forward1` /
:func:`_backward1` / ``_window_mean`` to the bit.

The vector type and its operations are numba intrinsics with plain-Python twins
(:func:`geoecg._jit.compiled_as`) that hold the two lanes in a tuple, so the kernels also
run as Python (``NUMBA_DISABLE_JIT=1``); the type, the packing, lane reads, arithmetic
and the fused multiply-add come from the factories of :mod:`geoecg._kernels.simd_lanes`
(shared with the four-lane :mod:`geoecg._kernels.hrv_simd`).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from .._jit import compiled_as
from .rpeaks import _fma, _section_coefs, _window_count
from .simd_lanes import all_of, binary, lane, llvm_vector, pack_intrinsic, vector_call, vector_type

__all__ = ["backward_pair", "forward_pair", "window_mean_pair"]

# unsigned indices, as in rpeaks_fused: no negative-index test per load
_U = np.uint64
_1, _2, _3, _4 = _U(1), _U(2), _U(3), _U(4)

#: The numba type of a lane pair (kernel-internal: values never cross into Python).
f64x2 = vector_type(2)

_VEC = llvm_vector(2)
_pairs = all_of(f64x2)
_is_f64 = all_of(types.float64)
_pack_intrinsic = pack_intrinsic(f64x2)
_fma2_intrinsic = vector_call(f64x2, "fma", 3)


@compiled_as(_pack_intrinsic, accepts=_is_f64)
def _pack(a, b):
    """The lane pair ``(a, b)``."""
    return (a, b)


_lo = lane(f64x2, 0, "_lo", "Lane 0 (the first lead) of ``v``.")
_hi = lane(f64x2, 1, "_hi", "Lane 1 (the second lead) of ``v``.")
_add = binary(f64x2, "fadd", "_add")
_sub = binary(f64x2, "fsub", "_sub")
_mul = binary(f64x2, "fmul", "_mul")
_div = binary(f64x2, "fdiv", "_div")


@compiled_as(_fma2_intrinsic, accepts=_pairs)
def _fma2(a, b, c):
    """``a * b + c`` rounded once, lane by lane (:func:`geoecg._kernels.rpeaks._fma`)."""
    return (_fma(a[0], b[0], c[0]), _fma(a[1], b[1], c[1]))


@intrinsic
def _clip0_intrinsic(typingctx, v):
    def codegen(context, builder, signature, args):
        zero = ir.Constant(_VEC, [0.0, 0.0])
        neg = builder.fcmp_ordered("<", args[0], zero)
        return builder.select(neg, zero, args[0])

    return f64x2(f64x2), codegen


@compiled_as(_clip0_intrinsic, accepts=_pairs)
def _clip0(v):
    """``0.0`` in a lane below 0, the lane unchanged otherwise (NaN and -0.0 kept)."""
    return (0.0 if v[0] < 0.0 else v[0], 0.0 if v[1] < 0.0 else v[1])


@njit(cache=True, nogil=True, inline="always")
def _splat(a):
    return _pack(a, a)


@njit(cache=True, nogil=True, inline="always")
def _at(xa, xb, i):
    """The pair ``(xa[i], xb[i])`` (``i`` unsigned)."""
    return _pack(xa[i], xb[i])


@njit(cache=True, nogil=True, inline="always")
def _bmean2(xa, xb, b, k, inv):
    """``_bmean`` (``rpeaks_fused``) of block ``b`` of both leads: the same additions in
    the same order, the factors of 200-599 Hz written out."""
    if k == 1:
        return _at(xa, xb, _U(b))
    base = _U(b * k)
    s = _add(_pack(0.0, 0.0), _at(xa, xb, base))
    if k == 2:
        return _mul(_add(s, _at(xa, xb, base + _1)), inv)
    if k == 3:
        s = _add(s, _at(xa, xb, base + _1))
        return _mul(_add(s, _at(xa, xb, base + _2)), inv)
    if k == 4:
        s = _add(_add(s, _at(xa, xb, base + _1)), _at(xa, xb, base + _2))
        return _mul(_add(s, _at(xa, xb, base + _3)), inv)
    if k == 5:
        s = _add(_add(s, _at(xa, xb, base + _1)), _at(xa, xb, base + _2))
        s = _add(_add(s, _at(xa, xb, base + _3)), _at(xa, xb, base + _4))
        return _mul(s, inv)
    for j in range(1, k):
        s = _add(s, _at(xa, xb, base + _U(j)))
    return _mul(s, inv)


@njit(cache=True, nogil=True, inline="always")
def _pair_coefs(sos):
    """The two sections' state-space coefficients (``_section_coefs``), each in both lanes."""
    b10, c11, c12, n11, n12, b20, c21, c22, n21, n22 = _section_coefs(sos)
    return (
        _splat(b10),
        _splat(c11),
        _splat(c12),
        _splat(n11),
        _splat(n12),
        _splat(b20),
        _splat(c21),
        _splat(c22),
        _splat(n21),
        _splat(n22),
    )


@njit(cache=True, nogil=True, inline="always")
def _cascade_step2(co, v, p1, p2, q1, q2):
    """One sample ``v`` through both sections in both lanes (the fused kernels' update,
    the same operations in the same order); returns the output and the new states."""
    B10, C11, C12, N11, N12, B20, C21, C22, N21, N22 = co
    u = _add(_mul(B10, v), p1)
    t = _add(p2, _mul(C11, v))
    p2 = _fma2(N12, p1, _mul(C12, v))
    p1 = _fma2(N11, p1, t)
    w = _add(_mul(B20, u), q1)
    t = _add(q2, _mul(C21, u))
    q2 = _fma2(N22, q1, _mul(C22, u))
    q1 = _fma2(N21, q1, t)
    return w, p1, p2, q1, q2


@njit(cache=True, nogil=True)
def forward_pair(xa, xb, k, sos, ya, yb):
    """``_forward1`` of two leads (``rpeaks_fused``) in the two lanes: the block means of
    ``xa`` and ``xb`` minus their first ones through the forward cascade, into ``ya`` and
    ``yb``; returns whether each lead's final state is finite."""
    nd = ya.shape[0]
    inv = _splat(1.0 / k)
    co = _pair_coefs(sos)
    x0 = _bmean2(xa, xb, 0, k, inv)
    p1 = _pack(0.0, 0.0)
    p2 = p1
    q1 = p1
    q2 = p1
    for i in range(nd):
        v = _sub(_bmean2(xa, xb, i, k, inv), x0)
        w, p1, p2, q1, q2 = _cascade_step2(co, v, p1, p2, q1, q2)
        ya[i] = _lo(w)
        yb[i] = _hi(w)
    s = _add(_add(_add(_add(p1, p2), q1), q2), x0)
    return np.isfinite(_lo(s)), np.isfinite(_hi(s))


@njit(cache=True, nogil=True)
def backward_pair(ya, yb, sos):
    """``_backward1`` of two leads of equal length (``rpeaks_fused``) in the two lanes:
    the backward cascade from rest, writing the squared central difference in place."""
    n = ya.shape[0]
    co = _pair_coefs(sos)
    half = _splat(0.5)
    p1 = _pack(0.0, 0.0)
    p2 = p1
    q1 = p1
    q2 = p1
    nx = p1
    cu = p1
    for k in range(n):
        i = _U(n - 1 - k)
        v = _at(ya, yb, i)
        w, p1, p2, q1, q2 = _cascade_step2(co, v, p1, p2, q1, q2)
        if k >= 2:
            d = _mul(half, _sub(nx, w))
            d = _mul(d, d)
            ya[i + _1] = _lo(d)
            yb[i + _1] = _hi(d)
        elif k == 1:
            d = _sub(cu, w)
            d = _mul(d, d)
            ya[n - 1] = _lo(d)
            yb[n - 1] = _hi(d)
        nx = cu
        cu = w
    d = _sub(nx, cu)
    d = _mul(d, d)
    ya[0] = _lo(d)
    yb[0] = _hi(d)


@njit(cache=True, nogil=True, inline="always")
def _window_step2(ya, yb, h, n, i, acc, oa, ob):
    """Sample ``i`` of :func:`window_mean_pair` with the clipping tests (the edges);
    returns the running sums for ``i + 1``."""
    acc = _clip0(acc)
    o = _div(acc, _splat(float(_window_count(i, h, n))))
    oa[i] = _lo(o)
    ob[i] = _hi(o)
    if i + h + 1 < n:
        acc = _add(acc, _at(ya, yb, i + h + 1))
    if i - h >= 0:
        acc = _sub(acc, _at(ya, yb, i - h))
    return acc


@njit(cache=True, nogil=True)
def window_mean_pair(ya, yb, h, oa, ob):
    """``_window_mean`` (``rpeaks``) of two leads of equal length in the two lanes: the
    same running sums (the difference of the entering and leaving samples where the window
    is not clipped, the one moving end's sample at the edges), clipped at 0, divided by the
    window's sample count."""
    n = ya.shape[0]
    acc = _pack(0.0, 0.0)
    for j in range(min(h, n - 1) + 1):
        acc = _add(acc, _at(ya, yb, j))
    a_end = min(h, n)
    b_end = max(a_end, n - h - 1)
    for i in range(a_end):
        acc = _window_step2(ya, yb, h, n, i, acc, oa, ob)
    cnt = _splat(float(2 * h + 1))
    for i in range(a_end, b_end):
        acc = _clip0(acc)
        o = _div(acc, cnt)
        oa[_U(i)] = _lo(o)
        ob[_U(i)] = _hi(o)
        acc = _add(acc, _sub(_at(ya, yb, _U(i + h + 1)), _at(ya, yb, _U(i - h))))
    for i in range(b_end, n):
        acc = _window_step2(ya, yb, h, n, i, acc, oa, ob)
