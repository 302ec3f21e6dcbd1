"""Four float64 lanes in one SIMD register (``<4 x double>``, one AVX ``ymm`` register) for
the HRV kernels: loads and stores of four consecutive array elements, and lane-by-lane
products and sums.

The Lomb-Scargle gridding (:func:`geoecg._kernels.hrv_lomb._gauss_spread`) adds
``w E2^j e3[|j|]`` to 26 consecutive grid points per sample; its four interleaved power
chains are the four lanes of one vector, so each group of four grid points is one vector
load, product, sum and store instead of four scalar ones. Each lane gets exactly the scalar
operation on its own values (IEEE 754 arithmetic is lane by lane; a product and a sum stay
two roundings, nothing is fused or reassociated), so the results are those of the scalar
code to the bit.

The vector type and its operations are numba intrinsics with plain-Python twins
(:func:`geoecg._jit.compiled_as`) that hold the four lanes in a tuple, so the kernels also
run as Python (``NUMBA_DISABLE_JIT=1``), as :mod:`geoecg._kernels.rpeaks_pair` does for
two lanes; the type, the packing, lane 0, arithmetic and the square root come from the
factories of :mod:`geoecg._kernels.simd_lanes` that both modules share.
"""

from __future__ import annotations

import math

from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from .._jit import compiled_as
from .simd_lanes import all_of, binary, lane, llvm_vector, pack_intrinsic, vector_call, vector_type

#: The numba type of four lanes (kernel-internal: values never cross into Python).
f64x4 = vector_type(4)

_VEC = llvm_vector(4)
_is_f64 = all_of(types.float64)
_is_vec = all_of(f64x4)
_pack4_intrinsic = pack_intrinsic(f64x4)
_sqrt4_intrinsic = vector_call(f64x4, "sqrt", 1)


def _is_f64_array(a):
    return (
        isinstance(a, types.Array) and a.dtype == types.float64 and a.ndim == 1 and a.layout == "C"
    )


@compiled_as(_pack4_intrinsic, accepts=_is_f64)
def pack4(a, b, c, d):
    """The four lanes ``(a, b, c, d)``."""
    return (a, b, c, d)


lane0 = lane(f64x4, 0, "lane0", "Lane 0 of ``v``.")


def _element_pointer(context, builder, aryty, ary, index):
    """Pointer to ``ary[index]`` (C-contiguous 1-d float64 array; no bounds check), cast
    to ``<4 x double>*``."""
    arr = context.make_array(aryty)(context, builder, ary)
    ptr = builder.gep(arr.data, [index])
    return builder.bitcast(ptr, _VEC.as_pointer())


def _index_ok(aryty, index):
    return _is_f64_array(aryty) and isinstance(index, types.Integer)


@intrinsic
def _load4_intrinsic(typingctx, a, i):
    def codegen(context, builder, signature, args):
        ptr = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        return builder.load(ptr, align=8)

    return f64x4(a, i), codegen


@compiled_as(_load4_intrinsic, accepts=_index_ok)
def load4(a, i):
    """``(a[i], a[i+1], a[i+2], a[i+3])`` of a contiguous float64 array (one unaligned
    vector load; the compiled call checks no bounds: ``0 <= i <= a.size - 4``)."""
    return (a[i], a[i + 1], a[i + 2], a[i + 3])


@intrinsic
def _store4_intrinsic(typingctx, a, i, v):
    def codegen(context, builder, signature, args):
        ptr = _element_pointer(context, builder, signature.args[0], args[0], args[1])
        builder.store(args[2], ptr, align=8)
        return context.get_dummy_value()

    return types.none(a, i, v), codegen


@compiled_as(_store4_intrinsic, accepts=lambda a, i, v: _index_ok(a, i) and v == f64x4)
def store4(a, i, v):
    """``a[i:i+4] = v`` (one unaligned vector store; unchecked as :func:`load4`)."""
    a[i] = v[0]
    a[i + 1] = v[1]
    a[i + 2] = v[2]
    a[i + 3] = v[3]


add4 = binary(f64x4, "fadd", "add4")
mul4 = binary(f64x4, "fmul", "mul4")
sub4 = binary(f64x4, "fsub", "sub4")
div4 = binary(f64x4, "fdiv", "div4")


@compiled_as(_sqrt4_intrinsic, accepts=_is_vec)
def sqrt4(v):
    """``sqrt(v)`` lane by lane, correctly rounded (NaN below 0)."""
    return tuple(math.sqrt(x) if x >= 0.0 else float("nan") for x in v)


@intrinsic
def _select_gt4_intrinsic(typingctx, a, b, x, y):
    def codegen(context, builder, signature, args):
        gt = builder.fcmp_ordered(">", args[0], args[1])
        return builder.select(gt, args[2], args[3])

    return f64x4(f64x4, f64x4, f64x4, f64x4), codegen


@compiled_as(_select_gt4_intrinsic, accepts=_is_vec)
def select_gt4(a, b, x, y):
    """Lane by lane ``x if a > b else y`` (false where either of ``a``, ``b`` is NaN)."""
    return tuple(xi if ai > bi else yi for ai, bi, xi, yi in zip(a, b, x, y, strict=True))


def _shuffle(mask):
    """numba intrinsic ``(a, b) ->`` the lanes ``mask`` of ``a ++ b`` (0-3 from ``a``, 4-7
    from ``b``): one LLVM ``shufflevector``, moves only, no arithmetic."""
    lanes = ir.Constant(ir.VectorType(ir.IntType(32), 4), mask)

    @intrinsic
    def _shuffle_intrinsic(typingctx, a, b):
        def codegen(context, builder, signature, args):
            return builder.shuffle_vector(args[0], args[1], lanes)

        return f64x4(f64x4, f64x4), codegen

    return _shuffle_intrinsic


@compiled_as(_shuffle([0, 4, 2, 6]), accepts=_is_vec)
def even4(a, b):
    """``(a0, b0, a2, b2)``: the even lanes of ``a`` and ``b`` interleaved."""
    return (a[0], b[0], a[2], b[2])


@compiled_as(_shuffle([1, 5, 3, 7]), accepts=_is_vec)
def odd4(a, b):
    """``(a1, b1, a3, b3)``: the odd lanes of ``a`` and ``b`` interleaved."""
    return (a[1], b[1], a[3], b[3])


@compiled_as(_shuffle([0, 1, 4, 5]), accepts=_is_vec)
def low4(a, b):
    """``(a0, a1, b0, b1)``: the low halves of ``a`` and ``b``."""
    return (a[0], a[1], b[0], b[1])


@compiled_as(_shuffle([2, 3, 6, 7]), accepts=_is_vec)
def high4(a, b):
    """``(a2, a3, b2, b3)``: the high halves of ``a`` and ``b``."""
    return (a[2], a[3], b[2], b[3])
