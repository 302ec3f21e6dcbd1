"""Build the SIMD intrinsics of :mod:`geoecg._kernels.simd_lanes` (as the two-lane R-peak
and four-lane HRV kernels use them) into small native functions with llvmlite alone, so
their machine code can be compared with their Python twins; no numba compilation, so this
also runs with ``NUMBA_DISABLE_JIT=1`` (shared by tests/test_hrv_simd.py and
tests/test_rpeaks_speed_paths.py)."""

from __future__ import annotations

import ctypes

import numpy as np


def lane_kernel(vt, pack, op, arity, read):
    """``op`` (a numba intrinsic on ``arity`` vectors of ``vt``, returning one) built into
    ``f(double *in, double *out)``: the vectors ``in[n*i : n*i + n]`` packed by the
    intrinsic ``pack``, ``op`` applied, the lanes read back by the intrinsics ``read``
    (one per lane) into ``out``. Returns ``(run, engine)``: ``run(*vectors)`` takes
    ``arity`` arrays of ``n`` float64 and returns the ``n`` output lanes (keep ``engine``
    alive while calling ``run``)."""
    from llvmlite import binding as llvm
    from llvmlite import ir
    from numba import types

    n = vt.lanes
    f64 = ir.DoubleType()
    mod = ir.Module(name="lanes")
    mod.triple = llvm.get_process_triple()
    fn = ir.Function(mod, ir.FunctionType(ir.VoidType(), [f64.as_pointer()] * 2), name="f")
    b = ir.IRBuilder(fn.append_basic_block())
    src, dst = fn.args

    def load(i):
        return b.load(b.gep(src, [ir.Constant(ir.IntType(64), i)]))

    sig_pack, gen_pack = pack._defn(None, *([types.float64] * n))
    assert sig_pack.return_type == vt
    vecs = [gen_pack(None, b, sig_pack, [load(n * i + k) for k in range(n)]) for i in range(arity)]
    sig, gen = op._defn(None, *([vt] * arity))
    assert sig.return_type == vt and all(a == vt for a in sig.args)
    res = gen(None, b, sig, vecs)
    for k, lane in enumerate(read):
        sig_l, gen_l = lane._defn(None, vt)
        assert sig_l.return_type == types.float64
        b.store(gen_l(None, b, sig_l, [res]), b.gep(dst, [ir.Constant(ir.IntType(64), k)]))
    b.ret_void()
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(str(mod)), target)
    engine.finalize_object()
    ptr = ctypes.POINTER(ctypes.c_double)
    call = ctypes.CFUNCTYPE(None, ptr, ptr)(engine.get_function_address("f"))

    def run(*vectors):
        inp = np.ascontiguousarray(np.concatenate(vectors), dtype=np.float64)
        out = np.empty(len(read))
        call(inp.ctypes.data_as(ptr), out.ctypes.data_as(ptr))
        return out

    return run, engine


def same_bits(got, want) -> bool:
    """Equal to the bit, except that any NaN equals any NaN (a twin's NaN is Python's,
    the machine's keeps an operand's payload or the default NaN); the sign of zeros
    counts."""
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    nan = np.isnan(got)
    return np.array_equal(nan, np.isnan(want)) and got[~nan].tobytes() == want[~nan].tobytes()
