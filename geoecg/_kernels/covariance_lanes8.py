"""Numba kernels: the raw-product covariance blocks in explicit ``<8 x double>`` lanes.

The blocks of :func:`geoecg._kernels.covariance_stream._gram_blocked`: a 4 x 4 lower triangle
and a 4 x 2 block of cross products, run span by span over a tile (:func:`_tri8_span`,
:func:`_blk8_span`, the triangle block summing its rows meanwhile) and closed at the tile's end
(:func:`_tri8_finish`, :func:`_blk8_finish`), and :func:`_dot8` for the leads past the last
multiple of 4, written with 8-lane vector intrinsics instead of LLVM's loop vectoriser: each
step covers 8 samples, one 64-byte cache line of each row. Each product is accumulated lane by
lane by a fused multiply-add (``llvm.fma.v8f64``), its 8 lanes summed at the block's end in the
fixed order ``((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7))``, then the samples past the
last multiple of 8 added one by one. Nothing is left to LLVM's reassociation (no
``fastmath``), so the products have the same bits in every block that computes them, on
AVX-512 (``zmm``) and AVX2 machines (LLVM splits each vector into two 4-lane halves) alike,
compiled or run as Python (the intrinsics' twins).

Until session 27 the blocks ran over whole L2-resident tiles (``_tri8`` / ``_blk8``, each also
summing one or two leads' next tile with a software prefetch ``RIDE_PREFETCH`` samples ahead,
called by ``_gram_stream``); with no library caller since, they live in
``tests/_covariance_reference.py``, the tests' bit reference of the spans.

The rows may also be float32 (half the bytes read; registry of ``docs/benchmarks/riemann.md``,
session 23): :func:`load8` widens the 8 values to float64 as it loads them and the samples past
the last multiple of 8 are widened before their products, so every sum is accumulated in
float64 from the exact float64 values of the float32 samples, with the same operations in the
same order as for the float64 array of those values.

No validation here: callers pass C-contiguous float64 or float32 arrays.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .._jit import compiled_as
from .rpeaks import _fma
from .simd_lanes import all_of, binary, lane, llvm_vector, pack_intrinsic, vector_call, vector_type

#: float64 of a float32 or float64 value (numba's ``float()`` keeps a float32 a float32).
_f64 = np.float64

#: Doubles per 64-byte cache line (one software prefetch each).
LINE = 8
#: ``llvm.prefetch`` arguments: read access, keep in all cache levels, data cache.
_PF_READ, _PF_LOCALITY, _PF_DATA = 0, 3, 1


def _prefetch_intrinsic_at(locality):
    """A software prefetch intrinsic of ``arr[idx]`` (1-D array) with the given ``llvm.prefetch``
    locality (3: all cache levels, ``prefetcht0``; 2: L2 and below, ``prefetcht1``)."""

    @intrinsic
    def _prefetch_intrinsic(typingctx, arr, idx):
        """Software prefetch of ``arr[idx]``: ``llvm.prefetch``, no result, no fault."""
        sig = types.void(arr, idx)

        def codegen(context, builder, signature, args):
            aty = signature.args[0]
            ary = context.make_array(aty)(context, builder, args[0])
            ptr = cgutils.get_item_pointer(context, builder, aty, ary, [args[1]], wraparound=False)
            i32, i8p = ir.IntType(32), ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
            fn = cgutils.get_or_insert_function(builder.module, fnty, "llvm.prefetch.p0i8")
            builder.call(
                fn, [builder.bitcast(ptr, i8p), i32(_PF_READ), i32(locality), i32(_PF_DATA)]
            )
            return context.get_dummy_value()

        return sig, codegen

    return _prefetch_intrinsic


@compiled_as(_prefetch_intrinsic_at(_PF_LOCALITY))
def _prefetch(arr, idx):
    """Software prefetch of ``arr[idx]`` in compiled code; nothing in Python (results do not
    depend on it), so kernels also run under ``NUMBA_DISABLE_JIT=1`` and interpreted."""
    return None


#: The numba type of eight float64 lanes (kernel-internal: values never cross into Python).
f64x8 = vector_type(8)

_VEC = llvm_vector(8)
_VEC32 = ir.VectorType(ir.FloatType(), 8)
_is_f64 = all_of(types.float64)
_is_vec = all_of(f64x8)


@compiled_as(pack_intrinsic(f64x8), accepts=_is_f64)
def pack8(a, b, c, d, e, f, g, h):
    """The eight lanes ``(a, ..., h)``."""
    return (a, b, c, d, e, f, g, h)


def _is_row(a):
    return (
        isinstance(a, types.Array)
        and a.dtype in (types.float64, types.float32)
        and a.ndim == 1
        and a.layout == "C"
    )


@intrinsic
def _load8_intrinsic(typingctx, a, i):
    def codegen(context, builder, signature, args):
        arr = context.make_array(signature.args[0])(context, builder, args[0])
        if signature.args[0].dtype == types.float32:  # 8 floats, widened exactly
            ptr = builder.bitcast(builder.gep(arr.data, [args[1]]), _VEC32.as_pointer())
            return builder.fpext(builder.load(ptr, align=4), _VEC)
        ptr = builder.bitcast(builder.gep(arr.data, [args[1]]), _VEC.as_pointer())
        return builder.load(ptr, align=8)

    return f64x8(a, i), codegen


def _index_ok(a, i):
    return _is_row(a) and isinstance(i, types.Integer)


@compiled_as(_load8_intrinsic, accepts=_index_ok)
def load8(a, i):
    """``(a[i], ..., a[i+7])`` as float64 lanes, of a contiguous 1-d float64 or float32 array
    (one unaligned vector load; float32 values widened exactly; the compiled call checks no
    bounds: ``0 <= i <= a.size - 8``)."""
    return tuple(float(a[i + k]) for k in range(8))


@compiled_as(vector_call(f64x8, "fma", 3), accepts=_is_vec)
def fma8(a, b, c):
    """``a * b + c`` lane by lane, rounded once (:func:`geoecg._kernels.rpeaks._fma`)."""
    return tuple(_fma(x, y, z) for x, y, z in zip(a, b, c, strict=True))


add8 = binary(f64x8, "fadd", "add8")
_l0 = lane(f64x8, 0, "_l0", "Lane 0 of ``v``.")
_l1 = lane(f64x8, 1, "_l1", "Lane 1 of ``v``.")
_l2 = lane(f64x8, 2, "_l2", "Lane 2 of ``v``.")
_l3 = lane(f64x8, 3, "_l3", "Lane 3 of ``v``.")
_l4 = lane(f64x8, 4, "_l4", "Lane 4 of ``v``.")
_l5 = lane(f64x8, 5, "_l5", "Lane 5 of ``v``.")
_l6 = lane(f64x8, 6, "_l6", "Lane 6 of ``v``.")
_l7 = lane(f64x8, 7, "_l7", "Lane 7 of ``v``.")


@njit(cache=True, nogil=True)
def hsum8(v):
    """Sum of the 8 lanes of ``v`` in the order ``((l0 + l1) + (l2 + l3)) + ((l4 + l5) +
    (l6 + l7))``."""
    return ((_l0(v) + _l1(v)) + (_l2(v) + _l3(v))) + ((_l4(v) + _l5(v)) + (_l6(v) + _l7(v)))


@njit(cache=True, nogil=True)
def zero8():
    """Eight zero lanes."""
    return pack8(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@njit(cache=True, nogil=True)
def _dot8(a, b, nb):
    """``sum(a[:nb] * b[:nb])`` in 8 lanes (the leads past the last multiple of 4)."""
    p = zero8()
    m = nb - nb % 8
    for u in range(0, m, 8):
        p = fma8(load8(a, u), load8(b, u), p)
    s = hsum8(p)
    for u in range(m, nb):
        s += _f64(a[u]) * _f64(b[u])
    return s


# --- time-blocked spans (session 27, registry of docs/benchmarks/riemann.md) -----------------
# The whole-tile blocks of sessions 18-26 (``_tri8`` / ``_blk8``, now in
# tests/_covariance_reference.py) ran over a whole 1,000-sample tile, L2-resident, re-reading
# each row from the L2 for every block it entered (48 row reads per tile for 12 leads). The
# spans below run the same blocks over SPAN samples of a tile at a time, all blocks of one span
# in turn, so that the 12 rows of a span (6 kB) are read from memory once and re-read from the
# L1; each block's vector accumulators live in a scratch array ``va`` (8 doubles each) between
# spans. Every lane accumulates the same samples in the same order as the whole-tile block, and
# the tile's ``_tri8_finish`` / ``_blk8_finish`` add the same lane sums and tails, so the
# products have the bits of ``_tri8`` / ``_blk8``.


@intrinsic
def _store8_intrinsic(typingctx, a, i, v):
    def codegen(context, builder, signature, args):
        arr = context.make_array(signature.args[0])(context, builder, args[0])
        ptr = builder.bitcast(builder.gep(arr.data, [args[1]]), _VEC.as_pointer())
        builder.store(args[2], ptr, align=8)
        return context.get_dummy_value()

    return types.none(a, i, v), codegen


def _store_ok(a, i, v):
    return (
        isinstance(a, types.Array)
        and a.dtype == types.float64
        and a.ndim == 1
        and a.layout == "C"
        and isinstance(i, types.Integer)
        and v == f64x8
    )


@compiled_as(_store8_intrinsic, accepts=_store_ok)
def store8(a, i, v):
    """``a[i:i+8] = v`` of a contiguous 1-d float64 array (one unaligned vector store; the
    compiled call checks no bounds: ``0 <= i <= a.size - 8``)."""
    for k in range(8):
        a[i + k] = v[k]


@intrinsic
def _load8rc_intrinsic(typingctx, a, r, u):
    def codegen(context, builder, signature, args):
        aty = signature.args[0]
        arr = context.make_array(aty)(context, builder, args[0])
        ncol = cgutils.unpack_tuple(builder, arr.shape, 2)[1]
        rr = context.cast(builder, args[1], signature.args[1], types.intp)
        uu = context.cast(builder, args[2], signature.args[2], types.intp)
        off = builder.add(builder.mul(rr, ncol), uu)
        if aty.dtype == types.float32:  # 8 floats, widened exactly
            ptr = builder.bitcast(builder.gep(arr.data, [off]), _VEC32.as_pointer())
            return builder.fpext(builder.load(ptr, align=4), _VEC)
        ptr = builder.bitcast(builder.gep(arr.data, [off]), _VEC.as_pointer())
        return builder.load(ptr, align=8)

    return f64x8(a, r, u), codegen


def _rc_ok(a, r, u):
    return (
        isinstance(a, types.Array)
        and a.dtype in (types.float64, types.float32)
        and a.ndim == 2
        and a.layout == "C"
        and isinstance(r, types.Integer)
        and isinstance(u, types.Integer)
    )


@compiled_as(_load8rc_intrinsic, accepts=_rc_ok)
def load8rc(a, r, u):
    """``(a[r, u], ..., a[r, u+7])`` as float64 lanes, of a C-contiguous 2-d float64 or float32
    array (no row view; one unaligned vector load; float32 widened exactly; unchecked:
    ``0 <= r < a.shape[0]``, ``0 <= u <= a.shape[1] - 8``)."""
    return tuple(float(a[r, u + k]) for k in range(8))


@njit(cache=True, nogil=True)
def _tri8_span(x, i, u0, u1, va, k, kq):
    """``_tri8``'s products of rows ``i..i+3`` of ``x`` (c, t) over samples ``u0:u1`` (a
    multiple of 8 apart), continuing the 10 accumulators ``va[8k : 8k + 80]``, and the rows'
    8-lane sums continuing ``va[8kq : 8kq + 32]``."""
    b, bq = 8 * k, 8 * kq
    p00, p10, p20, p30 = load8(va, b), load8(va, b + 8), load8(va, b + 16), load8(va, b + 24)
    p11, p21, p31 = load8(va, b + 32), load8(va, b + 40), load8(va, b + 48)
    p22, p32, p33 = load8(va, b + 56), load8(va, b + 64), load8(va, b + 72)
    q0, q1, q2, q3 = load8(va, bq), load8(va, bq + 8), load8(va, bq + 16), load8(va, bq + 24)
    for u in range(u0, u1, 8):
        w0 = load8rc(x, i, u)
        w1 = load8rc(x, i + 1, u)
        w2 = load8rc(x, i + 2, u)
        w3 = load8rc(x, i + 3, u)
        q0 = add8(q0, w0)
        q1 = add8(q1, w1)
        q2 = add8(q2, w2)
        q3 = add8(q3, w3)
        p00 = fma8(w0, w0, p00)
        p10 = fma8(w1, w0, p10)
        p20 = fma8(w2, w0, p20)
        p30 = fma8(w3, w0, p30)
        p11 = fma8(w1, w1, p11)
        p21 = fma8(w2, w1, p21)
        p31 = fma8(w3, w1, p31)
        p22 = fma8(w2, w2, p22)
        p32 = fma8(w3, w2, p32)
        p33 = fma8(w3, w3, p33)
    store8(va, b, p00)
    store8(va, b + 8, p10)
    store8(va, b + 16, p20)
    store8(va, b + 24, p30)
    store8(va, b + 32, p11)
    store8(va, b + 40, p21)
    store8(va, b + 48, p31)
    store8(va, b + 56, p22)
    store8(va, b + 64, p32)
    store8(va, b + 72, p33)
    store8(va, bq, q0)
    store8(va, bq + 8, q1)
    store8(va, bq + 16, q2)
    store8(va, bq + 24, q3)


@njit(cache=True, nogil=True)
def _blk8_span(x, i, j, u0, u1, va, k):
    """``_blk8``'s products of rows ``i..i+3`` by rows ``j, j+1`` of ``x`` over samples
    ``u0:u1``, continuing the 8 accumulators ``va[8k : 8k + 64]``."""
    b = 8 * k
    p00, p10, p20, p30 = load8(va, b), load8(va, b + 8), load8(va, b + 16), load8(va, b + 24)
    p01, p11, p21, p31 = load8(va, b + 32), load8(va, b + 40), load8(va, b + 48), load8(va, b + 56)
    for u in range(u0, u1, 8):
        v0 = load8rc(x, j, u)
        v1 = load8rc(x, j + 1, u)
        w0 = load8rc(x, i, u)
        w1 = load8rc(x, i + 1, u)
        w2 = load8rc(x, i + 2, u)
        w3 = load8rc(x, i + 3, u)
        p00 = fma8(w0, v0, p00)
        p10 = fma8(w1, v0, p10)
        p20 = fma8(w2, v0, p20)
        p30 = fma8(w3, v0, p30)
        p01 = fma8(w0, v1, p01)
        p11 = fma8(w1, v1, p11)
        p21 = fma8(w2, v1, p21)
        p31 = fma8(w3, v1, p31)
    store8(va, b, p00)
    store8(va, b + 8, p10)
    store8(va, b + 16, p20)
    store8(va, b + 24, p30)
    store8(va, b + 32, p01)
    store8(va, b + 40, p11)
    store8(va, b + 48, p21)
    store8(va, b + 56, p31)


@njit(cache=True, nogil=True)
def _sum8_span(x, r, u0, u1, va, kq):
    """Row ``r``'s 8-lane sum over samples ``u0:u1``, continuing ``va[8kq : 8kq + 8]``."""
    q = load8(va, 8 * kq)
    for u in range(u0, u1, 8):
        q = add8(q, load8rc(x, r, u))
    store8(va, 8 * kq, q)


@njit(cache=True, nogil=True)
def _tri8_finish(x, i, s0, m, nb, va, k, acc):
    """End of a tile ``x[:, s0 : s0 + nb]`` (``m`` samples in spans) for the triangle block of
    rows ``i..i+3``: ``_tri8``'s lane sums, tail and ``acc`` additions, same order."""
    a0, a1, a2, a3 = (
        x[i, s0 : s0 + nb],
        x[i + 1, s0 : s0 + nb],
        x[i + 2, s0 : s0 + nb],
        x[i + 3, s0 : s0 + nb],
    )
    b = 8 * k
    s00, s10 = hsum8(load8(va, b)), hsum8(load8(va, b + 8))
    s20, s30 = hsum8(load8(va, b + 16)), hsum8(load8(va, b + 24))
    s11, s21, s31 = hsum8(load8(va, b + 32)), hsum8(load8(va, b + 40)), hsum8(load8(va, b + 48))
    s22, s32, s33 = hsum8(load8(va, b + 56)), hsum8(load8(va, b + 64)), hsum8(load8(va, b + 72))
    for u in range(m, nb):
        w0, w1, w2, w3 = _f64(a0[u]), _f64(a1[u]), _f64(a2[u]), _f64(a3[u])
        s00 += w0 * w0
        s10 += w1 * w0
        s20 += w2 * w0
        s30 += w3 * w0
        s11 += w1 * w1
        s21 += w2 * w1
        s31 += w3 * w1
        s22 += w2 * w2
        s32 += w3 * w2
        s33 += w3 * w3
    acc[i, i] += s00
    acc[i + 1, i] += s10
    acc[i + 2, i] += s20
    acc[i + 3, i] += s30
    acc[i + 1, i + 1] += s11
    acc[i + 2, i + 1] += s21
    acc[i + 3, i + 1] += s31
    acc[i + 2, i + 2] += s22
    acc[i + 3, i + 2] += s32
    acc[i + 3, i + 3] += s33


@njit(cache=True, nogil=True)
def _blk8_finish(x, i, j, s0, m, nb, va, k, acc):
    """End of a tile for the 4 x 2 block of rows ``i..i+3`` by ``j, j+1``: ``_blk8``'s
    lane sums, tail and ``acc`` additions, same order."""
    a0, a1, a2, a3 = (
        x[i, s0 : s0 + nb],
        x[i + 1, s0 : s0 + nb],
        x[i + 2, s0 : s0 + nb],
        x[i + 3, s0 : s0 + nb],
    )
    b0, b1 = x[j, s0 : s0 + nb], x[j + 1, s0 : s0 + nb]
    b = 8 * k
    s00, s10 = hsum8(load8(va, b)), hsum8(load8(va, b + 8))
    s20, s30 = hsum8(load8(va, b + 16)), hsum8(load8(va, b + 24))
    s01, s11 = hsum8(load8(va, b + 32)), hsum8(load8(va, b + 40))
    s21, s31 = hsum8(load8(va, b + 48)), hsum8(load8(va, b + 56))
    for u in range(m, nb):
        v0, v1 = _f64(b0[u]), _f64(b1[u])
        w0, w1, w2, w3 = _f64(a0[u]), _f64(a1[u]), _f64(a2[u]), _f64(a3[u])
        s00 += w0 * v0
        s10 += w1 * v0
        s20 += w2 * v0
        s30 += w3 * v0
        s01 += w0 * v1
        s11 += w1 * v1
        s21 += w2 * v1
        s31 += w3 * v1
    acc[i, j] += s00
    acc[i + 1, j] += s10
    acc[i + 2, j] += s20
    acc[i + 3, j] += s30
    acc[i, j + 1] += s01
    acc[i + 1, j + 1] += s11
    acc[i + 2, j + 1] += s21
    acc[i + 3, j + 1] += s31
