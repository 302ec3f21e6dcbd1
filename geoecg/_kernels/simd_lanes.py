"""float64 SIMD vectors for numba kernels: the vector type and the intrinsic factories that
:mod:`geoecg._kernels.rpeaks_pair` (two lanes, ``<2 x double>``) and
:mod:`geoecg._kernels.hrv_simd` (four lanes, ``<4 x double>``) share.

A vector of ``n`` float64 lanes is the numba type :func:`vector_type` ``(n)``, held in one
LLVM ``<n x double>`` value (a register of the machine's SIMD unit: SSE2 for two lanes, AVX
for four). :func:`lane` and :func:`binary` return the operation for one vector type as a
numba intrinsic (LLVM code) registered with its plain-Python twin
(:func:`geoecg._jit.compiled_as`), which holds the lanes in a tuple, so kernels also run as
Python (``NUMBA_DISABLE_JIT=1``); the intrinsic is the twin's ``intrinsic`` attribute (the
tests build it with llvmlite alone and compare it with the twin bit for bit).
:func:`pack_intrinsic` and :func:`vector_call` return the intrinsic only: the module that
uses it writes the twin (a twin takes a fixed number of named parameters; the lane
operation of an LLVM intrinsic differs per intrinsic).

Every operation is IEEE 754 arithmetic lane by lane: each lane gets exactly the scalar
operation on its own values (a multiply-add is fused only where the scalar code fuses it,
``llvm.fma``; nothing is reassociated), so vector code gives the numbers of the scalar code
it replaces to the bit.
"""

from __future__ import annotations

import inspect
import math
import operator

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, models, register_model

from .._jit import compiled_as

__all__ = [
    "all_of",
    "binary",
    "ieee_div",
    "lane",
    "llvm_vector",
    "pack_intrinsic",
    "vector_call",
    "vector_type",
]


class _F64Vec(types.Type):
    """numba type of ``lanes`` float64 lanes held in one ``<lanes x double>`` LLVM vector."""

    def __init__(self, lanes):
        self.lanes = lanes
        super().__init__(name=f"F64x{lanes}")


@register_model(_F64Vec)
class _F64VecModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, llvm_vector(fe_type.lanes))


def llvm_vector(lanes: int) -> ir.VectorType:
    """The LLVM type ``<lanes x double>``."""
    return ir.VectorType(ir.DoubleType(), lanes)


def _lane_index(k: int) -> ir.Constant:
    return ir.Constant(ir.IntType(32), k)


def vector_type(lanes: int) -> types.Type:
    """The numba type of ``lanes`` float64 lanes in one LLVM vector (kernel-internal:
    values never cross into Python).

    Parameters
    ----------
    lanes : int
        Number of lanes, 2 or more (``<lanes x double>``; 2 and 4 fill an SSE2 and an AVX
        register).

    Returns
    -------
    numba type
        The same object for the same ``lanes`` (numba interns types by name,
        ``"F64x<lanes>"``).

    Raises
    ------
    ValueError
        If ``lanes`` is not a whole number >= 2.
    """
    if isinstance(lanes, bool) or not isinstance(lanes, int) or lanes < 2:
        raise ValueError(f"vector_type: lanes must be a whole number >= 2, got {lanes!r}")
    return _F64Vec(lanes)


def all_of(vt):
    """Type guard for :func:`geoecg._jit.compiled_as`: true when every argument type is
    ``vt``."""

    def accepts(*t):
        return all(a == vt for a in t)

    return accepts


def ieee_div(x, y):
    """IEEE ``x / y`` of two floats, as Python floats (Python raises on a zero divisor;
    ``x / 0`` is ``+-inf``, ``0 / 0`` and NaN operands give NaN)."""
    x, y = float(x), float(y)
    if y == 0.0:
        if x == 0.0 or x != x:
            return math.nan
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return x / y


def _with_arity(typer, arity):
    """``typer(typingctx, *xs)`` with the signature ``(typingctx, x0, ..., x{arity-1})``:
    numba lowers an intrinsic's arguments by its typing function's signature, which must
    name each one (a ``*xs`` parameter is taken for a tuple)."""
    p = inspect.Parameter
    params = [
        p(n, p.POSITIONAL_OR_KEYWORD) for n in ["typingctx", *map("x{}".format, range(arity))]
    ]
    typer.__signature__ = inspect.Signature(params)
    return intrinsic(typer)


def _named(func, name, doc, intr):
    func.__name__ = func.__qualname__ = name
    func.__doc__ = doc
    func.intrinsic = intr
    return func


def pack_intrinsic(vt):
    """numba intrinsic ``(x0, ..., x{n-1}) ->`` the vector of ``vt`` with those lanes (float64
    arguments; one LLVM ``insertelement`` per lane into an undefined vector). Its twin,
    ``return (x0, ..., x{n-1})``, is written where it is used (a twin takes a fixed number
    of named parameters)."""
    vec = llvm_vector(vt.lanes)

    def _pack_intrinsic(typingctx, *xs):
        def codegen(context, builder, signature, args):
            v = ir.Constant(vec, ir.Undefined)
            for k, x in enumerate(args):
                v = builder.insert_element(v, x, _lane_index(k))
            return v

        return vt(*([types.float64] * vt.lanes)), codegen

    return _with_arity(_pack_intrinsic, vt.lanes)


def lane(vt, index: int, name: str, doc: str):
    """Lane ``index`` of a vector of ``vt`` (one LLVM ``extractelement``), with its twin
    ``v[index]``, named ``name`` with docstring ``doc``."""
    k = _lane_index(index)

    @intrinsic
    def _lane_intrinsic(typingctx, v):
        def codegen(context, builder, signature, args):
            return builder.extract_element(args[0], k)

        return types.float64(vt), codegen

    def twin(v):
        return v[index]

    return compiled_as(_lane_intrinsic, accepts=all_of(vt))(
        _named(twin, name, doc, _lane_intrinsic)
    )


_BINARY = {
    "fadd": (operator.add, "``a + b``"),
    "fsub": (operator.sub, "``a - b``"),
    "fmul": (operator.mul, "``a * b``"),
    "fdiv": (ieee_div, "``a / b`` (IEEE: ``x / 0`` is ``+-inf`` or NaN, no error)"),
}


def binary(vt, op: str, name: str):
    """The lane-by-lane arithmetic ``op`` of two vectors of ``vt`` (one LLVM ``fadd``,
    ``fsub``, ``fmul`` or ``fdiv``), with its twin (the same operation on each pair of
    lanes), named ``name``.

    Raises
    ------
    ValueError
        If ``op`` is not one of ``"fadd"``, ``"fsub"``, ``"fmul"``, ``"fdiv"``.
    """
    if op not in _BINARY:
        raise ValueError(f"binary: op must be one of {sorted(_BINARY)}, got {op!r}")
    fn, what = _BINARY[op]

    @intrinsic
    def _op_intrinsic(typingctx, a, b):
        def codegen(context, builder, signature, args):
            return getattr(builder, op)(*args)

        return vt(vt, vt), codegen

    def twin(a, b):
        return tuple(fn(x, y) for x, y in zip(a, b, strict=True))

    return compiled_as(_op_intrinsic, accepts=all_of(vt))(
        _named(twin, name, f"{what} lane by lane.", _op_intrinsic)
    )


def vector_call(vt, llvm_name: str, arity: int):
    """numba intrinsic: the LLVM intrinsic ``llvm.<llvm_name>.v<n>f64`` (``"sqrt"``,
    ``"fma"``: lane by lane, correctly rounded) of ``arity`` vectors of ``vt``. Its twin is
    written where it is used (the lane operation differs per intrinsic)."""
    vec = llvm_vector(vt.lanes)
    symbol = f"llvm.{llvm_name}.v{vt.lanes}f64"

    def _call_intrinsic(typingctx, *vs):
        def codegen(context, builder, signature, args):
            fnty = ir.FunctionType(vec, [vec] * arity)
            fn = cgutils.get_or_insert_function(builder.module, fnty, symbol)
            return builder.call(fn, args)

        return vt(*([vt] * arity)), codegen

    return _with_arity(_call_intrinsic, arity)
