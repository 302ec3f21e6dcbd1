"""The four-lane vector operations of :mod:`geoecg._kernels.hrv_simd` (numba intrinsics,
from the factories of :mod:`geoecg._kernels.simd_lanes`) against their plain-Python twins,
compiled in kernels and built alone with llvmlite, and the vectorised Lomb-Scargle spreading
against the scalar code it replaced, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from simd_llvm import lane_kernel, same_bits

from geoecg._kernels import fft as F
from geoecg._kernels import hrv_lomb as LS
from geoecg._kernels import hrv_simd as H
from geoecg._kernels import simd_lanes as SL
from geoecg._kernels.hrv_simd import (
    add4,
    div4,
    even4,
    high4,
    lane0,
    load4,
    low4,
    mul4,
    odd4,
    pack4,
    select_gt4,
    sqrt4,
    store4,
    sub4,
)

SPECIAL = np.array(
    [0.0, -0.0, 1.0, -1.5, np.inf, -np.inf, np.nan, 5e-324, 1e308, -2.2250738585072014e-308]
)


def _bits(a):
    return np.asarray(a, dtype=np.float64).view(np.int64)


def _ops_twin(a, b, c, out, i):
    u = load4(a, i)
    v = load4(b, i)
    w = pack4(c[0], c[1], c[2], c[3])
    store4(out, i, add4(mul4(u, v), w))
    return lane0(mul4(u, w))


# the same body compiled: the intrinsics become LLVM vector code, the Python run calls the
# twins (njit wraps the function without changing it)
_ops_compiled = njit(cache=False)(_ops_twin)


def _ops2_twin(a, b, out):
    u = load4(a, 0)
    v = load4(b, 0)
    store4(out, 0, sub4(u, v))
    store4(out, 4, div4(u, v))
    store4(out, 8, sqrt4(u))
    store4(out, 12, select_gt4(u, v, sqrt4(v), div4(v, u)))


_ops2_compiled = njit(cache=False)(_ops2_twin)


def test_f64x4_intrinsics_equal_python_twins(rng):
    """``load4``/``store4``/``pack4``/``add4``/``mul4``/``lane0`` compiled (LLVM vector
    code) give the twins' values bit for bit, on random and special values (signed zeros,
    infinities, NaN, subnormals, overflow), at every offset; the store writes exactly four
    elements."""
    vals = np.concatenate([SPECIAL, rng.standard_normal(30) * 10.0 ** rng.integers(-5, 5, 30)])
    for _ in range(20):
        a = rng.choice(vals, 12)
        b = rng.choice(vals, 12)
        c = rng.choice(vals, 4)
        for i in range(0, 9):
            o1 = np.full(12, 7.0)
            o2 = np.full(12, 7.0)
            with np.errstate(all="ignore"):  # numpy scalars warn where LLVM code does not
                r1 = _ops_compiled(a, b, c, o1, i)  # Python too under NUMBA_DISABLE_JIT=1
                r2 = _ops_twin(a, b, c, o2, i)
            assert np.array_equal(_bits(o1), _bits(o2))
            assert _bits(r1) == _bits(r2)
            assert np.all(np.delete(o1, np.arange(i, i + 4)) == 7.0)


def test_f64x4_sub_div_sqrt_select_equal_python_twins(rng):
    """``sub4``/``div4``/``sqrt4``/``select_gt4`` compiled give the twins' values bit for bit,
    signed zeros, infinities, NaN (any NaN), division by zero and square roots of negative
    numbers included; ``select_gt4`` is false where a lane holds NaN."""
    vals = np.concatenate([SPECIAL, -SPECIAL, rng.standard_normal(20)])
    for _ in range(300):
        a = rng.choice(vals, 4)
        b = rng.choice(vals, 4)
        o1 = np.empty(16)
        o2 = np.empty(16)
        with np.errstate(all="ignore"):
            _ops2_compiled(a, b, o1)
            _ops2_twin(a, b, o2)
        same = (_bits(o1) == _bits(o2)) | (np.isnan(o1) & np.isnan(o2))
        assert same.all(), (a, b, o1, o2)
    gt = np.empty(16)  # lanes (u > v): NaN > 0, 1 > NaN, 2 > 1, 0 > -0 -> only lane 2 true
    _ops2_compiled(np.array([np.nan, 1.0, 2.0, 0.0]), np.array([0.0, np.nan, 1.0, -0.0]), gt)
    # the false lanes hold v / u: 0 / NaN, NaN / 1, -0 / 0
    assert np.array_equal(gt[12:], [np.nan, np.nan, 1.0, np.nan], equal_nan=True)


@pytest.mark.parametrize("nf", [400, 401, 403, 3])
def test_lomb_scargle_compiled_equals_python_twin_bit_for_bit(rng, nf):
    """The periodogram compiled (vector spreading, four frequencies per vector in the
    deconvolution, the rest scalar) equals its Python run (the intrinsics' twins) bit for
    bit, for ``nf`` a multiple of 4, with a scalar remainder, and below 4."""
    t = np.cumsum(rng.uniform(0.5, 1.2, 380))
    y = 800.0 + 40.0 * np.sin(2 * np.pi * 0.1 * t) + 10.0 * rng.standard_normal(t.size)
    f1, p1 = LS.lomb_scargle(t, y, 0.001, nf)
    f2, p2 = getattr(LS.lomb_scargle, "py_func", LS.lomb_scargle)(t, y, 0.001, nf)
    assert np.array_equal(_bits(f1), _bits(f2))
    assert np.array_equal(_bits(p1), _bits(p2))
    assert np.all(p1 >= 0.0) and p1.max() > 0.0


def _gauss_spread_scalar(g, m0, w, e2, e2inv, e3):
    """Session 15's scalar spreading (four interleaved chains, one grid point at a time):
    the reference that the vector code must equal bit for bit."""
    msp = LS.LS_SPREAD
    c = m0 + msp
    g[c] += w
    s2 = e2 * e2
    s4 = s2 * s2
    u = [w * e2, w * s2, (w * e2) * s2, w * s4]
    i2 = e2inv * e2inv
    i4 = i2 * i2
    d = [w * e2inv, w * i2, (w * e2inv) * i2, w * i4]
    for q in range((msp - 1) // 4):
        b = 4 * q
        for k in range(4):
            g[c + b + k + 1] += u[k] * e3[b + k + 1]
            g[c - b - k - 1] += d[k] * e3[b + k + 1]
        u = [x * s4 for x in u]
        d = [x * i4 for x in d]
    g[c + msp] += u[0] * e3[msp]


@pytest.mark.parametrize("n_grid", [1536, 2048])
def test_vector_spreading_equals_scalar_twin_bit_for_bit(rng, n_grid):
    """200 samples spread onto one grid (overlapping windows, as the periodogram's
    consecutive samples do) by the compiled vector kernel, by its Python twin
    (``py_func``: the twins of the intrinsics) and by session 15's scalar code give the same
    grid to the bit."""
    msp = LS.LS_SPREAD
    n_modes = 801
    ratio = n_grid / n_modes
    tau = np.pi * msp / (n_modes * n_modes * ratio * (ratio - 0.5))
    h = 2.0 * np.pi / n_grid
    e3 = np.exp(-((np.arange(msp + 1) * h) ** 2) / (4.0 * tau))
    e3r = e3[::-1].copy()
    g1 = np.zeros(n_grid + 2 * msp)
    g2 = g1.copy()
    g3 = g1.copy()
    m0s = np.sort(rng.integers(0, n_grid, 200))
    for m0 in m0s:
        delta = rng.uniform(0.0, h)
        e2 = np.exp(delta * h / (2.0 * tau))
        e2i = np.exp(-delta * h / (2.0 * tau))
        w = rng.standard_normal() * 50.0
        LS._gauss_spread(g1, m0, w, e2, e2i, e3, e3r)
        getattr(LS._gauss_spread, "py_func", LS._gauss_spread)(g2, m0, w, e2, e2i, e3, e3r)
        _gauss_spread_scalar(g3, m0, w, e2, e2i, e3)
    assert np.array_equal(_bits(g1), _bits(g2))
    assert np.array_equal(_bits(g1), _bits(g3))
    assert np.count_nonzero(g1) > n_grid // 2


def _shuffles(a, b, out):
    u = load4(a, 0)
    v = load4(b, 0)
    store4(out, 0, even4(u, v))
    store4(out, 4, odd4(u, v))
    store4(out, 8, low4(u, v))
    store4(out, 12, high4(u, v))


_shuffles_compiled = njit(cache=False)(_shuffles)


def test_f64x4_shuffles_equal_python_twins(rng):
    """``even4``/``odd4``/``low4``/``high4`` compiled (LLVM ``shufflevector``) move the
    lanes their twins name, bits untouched (NaN payloads and signed zeros included)."""
    vals = np.concatenate([SPECIAL, rng.standard_normal(10)])
    for _ in range(50):
        a = rng.choice(vals, 4)
        b = rng.choice(vals, 4)
        o1 = np.empty(16)
        o2 = np.empty(16)
        _shuffles_compiled(a, b, o1)
        _shuffles(a, b, o2)
        assert np.array_equal(_bits(o1), _bits(o2))
        idx = [0, 4, 2, 6, 1, 5, 3, 7, 0, 1, 4, 5, 2, 3, 6, 7]
        assert np.array_equal(_bits(o1), _bits(np.concatenate([a, b])[idx]))


def _tail8_scalar(re, im, tr, ti):
    """Session 15's scalar last three spans of ``_fft_dif``, block by block of 8 points:
    the reference that the four-block vector code must equal bit for bit."""
    bf = getattr(F._bfly, "py_func", F._bfly)
    a = [(tr[3 + k], ti[3 + k]) for k in range(4)]
    e = [(tr[1], ti[1]), (tr[2], ti[2])]
    for s in range(0, re.size, 8):
        p = [None] * 8
        for j in range(2):  # j = 0: points 0, 2, 4, 6; j = 1: points 1, 3, 5, 7
            x0r, x0i, x2r, x2i = bf(re[s + j], im[s + j], re[s + j + 4], im[s + j + 4], *a[j])
            x1r, x1i, x3r, x3i = bf(
                re[s + j + 2], im[s + j + 2], re[s + j + 6], im[s + j + 6], *a[j + 2]
            )
            p[j], p[j + 2] = bf(x0r, x0i, x1r, x1i, *e[j])[:2], bf(x0r, x0i, x1r, x1i, *e[j])[2:]
            p[j + 4], p[j + 6] = (
                bf(x2r, x2i, x3r, x3i, *e[j])[:2],
                bf(x2r, x2i, x3r, x3i, *e[j])[2:],
            )
        for k in range(0, 8, 2):
            (ur, ui), (vr, vi) = p[k], p[k + 1]
            re[s + k], re[s + k + 1], im[s + k], im[s + k + 1] = ur + vr, ur - vr, ui + vi, ui - vi


@pytest.mark.parametrize("n", [8, 32, 40, 96, 512, 2048])
def test_fft_tail8_four_blocks_equal_scalar_twin_bit_for_bit(rng, n):
    """The FFT's last three spans four blocks at a time (vector lanes, 4 x 4 transposes in
    and out; the blocks left over, ``n % 32``, scalar) and session 15's scalar blocks give
    the same numbers to the bit (compiled here; the Python twins in the JIT-off run)."""
    tr, ti = F._stage_twiddles(2048)
    re = rng.standard_normal(n)
    im = rng.standard_normal(n)
    outs = []
    for f in (F._fft_tail8, _tail8_scalar):
        r, i = re.copy(), im.copy()
        f(r, i, tr, ti)
        outs.append(np.concatenate([r, i]))
    assert np.array_equal(_bits(outs[0]), _bits(outs[1]))
    assert not np.array_equal(outs[1][:n], re)


@pytest.mark.parametrize("n", [512, 1536])
def test_fft_with_vector_tail_is_the_dft_twin(rng, n):
    """The whole FFT (``2^9`` points and the Lomb-Scargle grid ``3 x 2^9``, both ending in
    the vector tail) matches ``numpy.fft.fft`` to rounding, compiled and as Python."""
    x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    want = np.fft.fft(x)
    for fft3 in (F._fft3_dif, getattr(F._fft3_dif, "py_func", F._fft3_dif)):
        re, im = x.real.copy(), x.imag.copy()
        if n & (n - 1) == 0:
            tr, ti = F._stage_twiddles(n)
            F._fft_dif(re, im, tr, ti)
            pos = F._bitrev(n)
        else:
            wr, wi = F._radix3_twiddles(n)
            fft3(re, im, wr, wi)
            L = n // 3
            k = np.arange(n)
            pos = (k % 3) * L + F._bitrev(L)[k // 3]
        got = re[pos] + 1j * im[pos]
        assert np.max(np.abs(got - want)) < 1e-12 * np.max(np.abs(want))


# ------------------------------------ the intrinsics' machine code built alone (JIT off too)


def _four_lane_ops():
    """Each vector-to-vector intrinsic of ``hrv_simd`` with its Python twin and arity."""
    return {
        "add": (H.add4.intrinsic, H.add4, 2),
        "sub": (H.sub4.intrinsic, H.sub4, 2),
        "mul": (H.mul4.intrinsic, H.mul4, 2),
        "div": (H.div4.intrinsic, H.div4, 2),
        "sqrt": (H._sqrt4_intrinsic, H.sqrt4, 1),
        "select_gt": (H._select_gt4_intrinsic, H.select_gt4, 4),
        "even": (H._shuffle([0, 4, 2, 6]), H.even4, 2),
        "high": (H._shuffle([2, 3, 6, 7]), H.high4, 2),
    }


def _read_lanes(vt):
    """Lane-read intrinsics of every lane of ``vt`` (the factory's, as ``lane0`` is)."""
    return [SL.lane(vt, k, f"_lane{k}", "test lane").intrinsic for k in range(vt.lanes)]


@pytest.mark.parametrize("op", sorted(_four_lane_ops()))
def test_f64x4_intrinsics_machine_code_is_the_python_twin(op):
    """Each four-lane intrinsic's code generator, built with llvmlite alone (packed by
    ``pack4``'s intrinsic, read back lane by lane, lane 0 by ``lane0``'s), computes its
    Python twin's numbers to the bit (any NaN for a NaN): signed zeros, infinities, NaN,
    subnormals, division by zero, square roots of negative numbers, NaN in comparisons."""
    intr, twin, arity = _four_lane_ops()[op]
    read = [H.lane0.intrinsic] + _read_lanes(H.f64x4)[1:]
    run, _engine = lane_kernel(H.f64x4, H._pack4_intrinsic, intr, arity, read)
    rng = np.random.default_rng(len(op))
    vals = np.concatenate([SPECIAL, -SPECIAL, rng.standard_normal(10)])
    for _ in range(300):
        vecs = [rng.choice(vals, 4) for _ in range(arity)]
        with np.errstate(all="ignore"):  # numpy scalars warn where machine code does not
            want = twin(*(H.pack4(*v) for v in vecs))
        got = run(*vecs)
        assert same_bits(got, want), (op, vecs, got, want)
    if op == "select_gt":  # NaN > 0, 1 > NaN, 2 > 1, 0 > -0: only lane 2 true
        a, b = np.array([np.nan, 1.0, 2.0, 0.0]), np.array([0.0, np.nan, 1.0, -0.0])
        got = run(a, b, np.ones(4), np.zeros(4))
        assert np.array_equal(got, [0.0, 0.0, 1.0, 0.0])


@pytest.mark.parametrize("lanes", [2, 4, 8])
def test_simd_lanes_binary_factory_any_width_machine_code_is_the_twin(lanes):
    """The arithmetic factory of ``simd_lanes`` for 2, 4 and 8 lanes (one factory for the
    R-peak pair and the HRV four lanes): each lane gets its own IEEE operation, to the bit,
    and the lanes stay apart (a NaN in one lane leaves the others their values)."""
    vt = SL.vector_type(lanes)
    assert SL.vector_type(lanes) is vt and vt.name == f"F64x{lanes}"
    pack = SL.pack_intrinsic(vt)
    read = _read_lanes(vt)
    rng = np.random.default_rng(lanes)
    vals = np.concatenate([SPECIAL, -SPECIAL, rng.standard_normal(10)])
    for op in ("fadd", "fsub", "fmul", "fdiv"):
        twin = SL.binary(vt, op, f"t_{op}")
        assert twin.__name__ == f"t_{op}" and "lane by lane" in twin.__doc__
        run, _engine = lane_kernel(vt, pack, twin.intrinsic, 2, read)
        for _ in range(100):
            a, b = rng.choice(vals, lanes), rng.choice(vals, lanes)
            with np.errstate(all="ignore"):
                want = twin(tuple(a), tuple(b))
            assert same_bits(run(a, b), want), (op, a, b)
        a = np.arange(1.0, lanes + 1.0)
        b = a.copy()
        b[0] = np.nan
        got = run(a, b)
        assert np.isnan(got[0]) and not np.isnan(got[1:]).any()


def test_simd_lanes_factory_checks_and_ieee_div_twin():
    """Bad arguments name what was wrong; the IEEE division twin gives the machine's values
    where Python would raise (``x / 0``); the vector type's data model is one LLVM vector;
    the type guards of the vector loads and stores take what the intrinsics handle."""
    from numba import types
    from numba.core.datamodel import default_manager

    for bad in (1, 0, True, 2.0, "4"):
        with pytest.raises(ValueError, match="lanes must be a whole number >= 2"):
            SL.vector_type(bad)
    with pytest.raises(ValueError, match="op must be one of"):
        SL.binary(H.f64x4, "frem", "rem4")
    assert str(default_manager.lookup(H.f64x4).get_value_type()) == "<4 x double>"
    assert str(SL.llvm_vector(2)) == "<2 x double>"
    assert SL.all_of(H.f64x4)(H.f64x4, H.f64x4) and not SL.all_of(H.f64x4)(types.float64)
    assert SL.ieee_div(1.0, 0.0) == np.inf and SL.ieee_div(-1.0, 0.0) == -np.inf
    assert SL.ieee_div(1.0, -0.0) == -np.inf and SL.ieee_div(-2.0, -0.0) == np.inf
    assert np.isnan(SL.ieee_div(0.0, 0.0)) and np.isnan(SL.ieee_div(np.nan, 0.0))
    assert SL.ieee_div(3.0, 2.0) == 1.5 and np.isnan(SL.ieee_div(np.inf, np.inf))
    c_arr = types.Array(types.float64, 1, "C")  # load4/store4 take C-contiguous float64 only
    assert H._index_ok(c_arr, types.int64) and H._index_ok(c_arr, types.uint64)
    assert not H._index_ok(types.Array(types.float64, 1, "A"), types.int64)
    assert not H._index_ok(types.Array(types.float32, 1, "C"), types.int64)
    assert not H._index_ok(c_arr, types.float64)
