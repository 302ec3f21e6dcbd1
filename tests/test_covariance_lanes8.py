"""The explicit 8-lane covariance blocks of :mod:`geoecg._kernels.covariance_lanes8`: each
intrinsic's machine code against its Python twin, and the blocks and the raw-product pass
compiled against the same code run as Python, bit for bit (the blocks fix every sum's order)."""

from __future__ import annotations

import _covariance_reference as REF
import numpy as np
import pytest
from _covariance_reference import _gram_stream, _prefetch_heads
from numba import njit
from simd_llvm import lane_kernel, same_bits

from geoecg._kernels import covariance_lanes8 as L8
from geoecg._kernels import simd_lanes as SL
from geoecg._kernels.covariance_lanes8 import add8, fma8, hsum8, load8, pack8, zero8
from geoecg._kernels.covariance_stream import (
    _gram_blocked,
    _gram_tile_length,
    _lane_summed_leads,
)
from geoecg._numba_cache import interpreted

SPECIAL = np.array(
    [0.0, -0.0, 1.0, -1.5, np.inf, -np.inf, np.nan, 5e-324, 1e308, -2.2250738585072014e-308]
)


@pytest.mark.parametrize("op", ["fma", "add"])
def test_f64x8_intrinsics_machine_code_is_the_python_twin(op):
    """``fma8`` (one rounding per lane: ``llvm.fma.v8f64``) and ``add8`` built with llvmlite
    alone give their twins' numbers to the bit, special values included."""
    vt = L8.f64x8
    intr, twin, arity = {
        "fma": (SL.vector_call(vt, "fma", 3), L8.fma8, 3),
        "add": (L8.add8.intrinsic, L8.add8, 2),
    }[op]
    read = [SL.lane(vt, k, f"_r{k}", "test lane").intrinsic for k in range(8)]
    run, _engine = lane_kernel(vt, SL.pack_intrinsic(vt), intr, arity, read)
    rng = np.random.default_rng(8)
    # the fma twin (rpeaks._fma) is exact for products that neither underflow nor overflow
    # its split: no subnormal or huge operands for fma
    special = SPECIAL[: 7 if op == "fma" else None]
    vals = np.concatenate([special, -special, rng.standard_normal(10)])
    for _ in range(200):
        vecs = [rng.choice(vals, 8) for _ in range(arity)]
        with np.errstate(all="ignore"):
            want = twin(*(tuple(float(x) for x in v) for v in vecs))
        assert same_bits(run(*vecs), want), (op, vecs)
    if op == "fma":  # one rounding, not two: (1 + 2^-30)^2 - (1 + 2^-29) is 2^-60, not 0
        a = np.full(8, 1.0 + 2.0**-30)
        assert np.all(run(a, a, np.full(8, -(1.0 + 2.0**-29))) == 2.0**-60)


@njit(cache=False)
def _lanes_kernel(a, i):
    v = fma8(load8(a, i), load8(a, i + 8), zero8())
    return hsum8(add8(v, pack8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])))


def test_load_pack_hsum_kernel_equals_python_twin():
    """Loads at any offset, packing, and the lane sum's fixed order, compiled and as Python."""
    a = np.random.default_rng(1).standard_normal(40) * 10.0 ** np.arange(-20, 20)
    for i in (0, 3, 17, 24):
        want = interpreted(_lanes_kernel)(a, i)
        s = [a[i + k] * a[i + 8 + k] + a[k] for k in range(8)]  # a zero addend: one rounding
        assert want == ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
        assert _lanes_kernel(a, i) == want


def _blocks(kernel, nb, nr, rng):
    rows = rng.standard_normal((9, nb + 200)) + rng.uniform(-3, 3, (9, 1))
    acc, rowsum = np.full((8, 8), 0.25), np.full(4, 0.5)
    kernels = (REF._tri8, REF._blk8, L8._dot8)
    tri, blk, dot = (interpreted(k) if kernel == "python" else k for k in kernels)
    a = [rows[k, :nb] for k in range(4)]
    r0, r1 = rows[6, :nb], rows[7, :nb]
    tri(*a, r0, r1, 2 * nr, nb, acc, 4, rowsum, 0, REF.RIDE_PREFETCH)
    blk(*a, rows[4, :nb], rows[5, :nb], rows[8, :nb], nr, nb, acc, 4, 0, rowsum, 2,
        REF.RIDE_PREFETCH)  # fmt: skip
    d = dot(rows[0, :nb], rows[8, :nb], nb)
    return acc, rowsum, d, rows[:, :nb]


@pytest.mark.parametrize("nb", [0, 5, 8, 61, 1000])
@pytest.mark.parametrize("nr", [0, 1])
def test_blocks_kernel_equals_python_twin_bit_for_bit(nb, nr):
    """``_tri8``, ``_blk8`` and ``_dot8`` compiled give the bits of the same code run as Python
    (any tail length, with and without the ride-along row sums), and the products of NumPy."""
    got = _blocks("compiled", nb, nr, np.random.default_rng(nb))
    want = _blocks("python", nb, nr, np.random.default_rng(nb))
    for g, w in zip(got[:3], want[:3], strict=True):
        assert np.array_equal(g, w), (nb, nr)
    acc, rowsum, d, x = got
    a = x[:4]
    np.testing.assert_allclose(np.tril(acc[4:, 4:]), np.tril(0.25 + a @ a.T), rtol=1e-12)
    assert np.all(np.triu(acc[4:, 4:], 1) == np.triu(np.full((4, 4), 0.25), 1))
    np.testing.assert_allclose(acc[4:, :2], 0.25 + a @ x[4:6].T, rtol=1e-12)
    sums = x[[6, 7, 8]].sum(axis=1) if nr else np.zeros(3)
    np.testing.assert_allclose(rowsum[:3], 0.5 + sums, rtol=1e-12, atol=1e-12)
    assert rowsum[3] == 0.5
    np.testing.assert_allclose(d, x[0] @ x[8], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c,t", [(12, 1100), (13, 300), (8, 2100), (4, 2100), (16, 5000)])
def test_gram_stream_kernel_products_equal_python_twin_bit_for_bit(c, t):
    """The raw-product pass compiled and run as Python: the same cross products to the bit
    (its row sums of whole tiles are LLVM-vectorised with ``reassoc``: to rounding)."""
    rng = np.random.default_rng(c + t)
    x, xn = rng.standard_normal((2, c, t)) + rng.uniform(-2, 2, (2, c, 1))
    out = []
    for run in (_gram_stream, interpreted(_gram_stream)):
        acc, rs, first, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
        assert run(x, xn, True, acc, rs, first, sink, np.inf) == 0
        out.append((np.tril(acc), rs))
    assert np.array_equal(out[0][0], out[1][0])
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-13)
    np.testing.assert_allclose(out[0][0], np.tril(x @ x.T), rtol=1e-12)
    assert _gram_tile_length(t) <= 1024


def test_prefetch_heads_kernel_and_twin_change_no_value():
    """The heads' prefetch into the L2 (session 26) compiled and as Python: no value changes,
    rows past the last one and a count of 0 are skipped, and the pass's bits do not depend
    on it (the raw-product pass above is compared with its Python twin, which prefetches
    nothing)."""
    src = np.random.default_rng(26).standard_normal((5, 1000))
    keep = src.copy()
    for run in (_prefetch_heads, interpreted(_prefetch_heads)):
        for first, count, at, nb in [
            (0, 2, 0, 1000),
            (4, 2, 500, 500),
            (6, 1, 0, 10),
            (1, 0, 0, 8),
        ]:
            assert run(src, first, count, at, nb) is None
    assert np.array_equal(src, keep)


@njit(cache=False)
def _store_load_kernel(a2, out, r, u):
    v = L8.load8rc(a2, r, u)
    L8.store8(out, 3, v)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_load8rc_store8_kernel_equals_python_twin(dtype):
    """``load8rc`` (8 lanes of row ``r`` from column ``u`` of a 2-d array, float32 widened
    exactly) and ``store8`` compiled and as Python: the same values at any row and offset."""
    a2 = (np.random.default_rng(27).standard_normal((5, 37)) * 1e3).astype(dtype)
    for r, u in [(0, 0), (2, 5), (4, 29), (3, 17)]:
        got, want = np.full(12, -1.0), np.full(12, -1.0)
        _store_load_kernel(a2, got, r, u)
        interpreted(_store_load_kernel)(a2, want, r, u)
        assert np.array_equal(got, want)
        assert np.array_equal(got[3:11], a2[r, u : u + 8].astype(np.float64))
        assert np.all(got[:3] == -1.0) and got[11] == -1.0


@pytest.mark.parametrize(
    "c,t",
    [(12, 1100), (12, 2000), (13, 300), (8, 2100), (4, 2100), (17, 1037), (12, 61), (1, 100)],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gram_blocked_kernel_equals_gram_stream_and_python_twin_bit_for_bit(c, t, dtype):
    """The time-blocked pass (session 27) gives the products' bits of the whole-tile pass
    ``_gram_stream`` (every lead count and tile split, float32 too) and its row sums to rounding
    (session 28: every tile's, the first included, from the blocks' 8 lanes); compiled, the bits
    of its Python twin: products, and row sums of the lane-summed leads (the others' whole-tile
    sums are ``reassoc``, to rounding)."""
    rng = np.random.default_rng(c * t)
    x = (rng.standard_normal((c, t)) + rng.uniform(-2, 2, (c, 1))).astype(dtype)
    va = np.full(8 * (c * (c + 1) // 2 + c), np.nan)  # any content: zeroed per tile
    out = []
    for run in (_gram_blocked, interpreted(_gram_blocked)):
        acc, rs, first = np.full((c, c), np.nan), np.full(c, np.nan), np.empty(c)
        assert run(x, acc, rs, first, va, np.inf) == 0
        out.append((np.tril(acc), rs, first))
    acc0, rs0, first0, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
    assert _gram_stream(x, x[::-1].copy(), True, acc0, rs0, first0, sink, np.inf) == 0
    assert np.array_equal(out[0][0], np.tril(acc0))
    np.testing.assert_allclose(out[0][1], rs0, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(out[0][2], first0, rtol=1e-13, atol=1e-12)
    assert np.array_equal(out[0][0], out[1][0])
    R = _lane_summed_leads(c)
    assert np.array_equal(out[0][1][:R], out[1][1][:R])
    assert np.array_equal(out[0][2][:R], out[1][2][:R])
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-13)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(out[0][0], np.tril(x64 @ x64.T), rtol=1e-12)
    np.testing.assert_allclose(out[0][1], x64.sum(axis=1), rtol=1e-12, atol=1e-12)
    T = _gram_tile_length(t)
    np.testing.assert_allclose(out[0][2], x64[:, :T].sum(axis=1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c,t", [(12, 5000), (12, 2100), (13, 1037), (16, 61)])
def test_gram_blocked_kernel_row_sums_are_the_lanes_sums(c, t):
    """Session 28: every tile's row sums of a lane-summed lead, the first tile's included, are
    its 8 lane sums over the tile's multiple of 8 samples added in :func:`hsum8`'s order, then
    the tail one by one (what the Python sketch below computes), not a separate read."""
    rng = np.random.default_rng(28 + c + t)
    x = rng.standard_normal((c, t)) * 3.0 + 0.5
    acc, rs, first = np.empty((c, c)), np.empty(c), np.empty(c)
    va = np.empty(8 * (c * (c + 1) // 2 + c))
    assert _gram_blocked(x, acc, rs, first, va, np.inf) == 0
    T, R = _gram_tile_length(t), _lane_summed_leads(c)
    assert R >= c - c % 4
    want = np.zeros(c)
    for s0 in range(0, t, T):
        nb = min(T, t - s0)
        m = nb - nb % 8
        for r in range(R):
            lanes = [0.0] * 8
            for u in range(s0, s0 + m, 8):
                lanes = [lanes[q] + float(x[r, u + q]) for q in range(8)]
            s = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + (
                (lanes[4] + lanes[5]) + (lanes[6] + lanes[7])
            )
            for u in range(s0 + m, s0 + nb):
                s += float(x[r, u])
            want[r] += s
        if s0 == 0:
            assert np.array_equal(first[:R], want[:R])
    assert np.array_equal(rs[:R], want[:R])
    np.testing.assert_allclose(rs[R:], x[R:].sum(axis=1), rtol=1e-12, atol=1e-12)


def test_gram_blocked_kernel_first_tile_stop_as_gram_stream_twin():
    """With a lead whose mean is large against its spread on the first tile, the time-blocked
    pass stops there (-1) exactly when ``_gram_stream`` does, with its first-tile sums to
    rounding (session 28: from the blocks' lanes) and its first-tile products."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((12, 3000))
    x[7] += 1e3
    c = x.shape[0]
    for limit in (1.0, 1e12):
        acc, rs, first = np.zeros((c, c)), np.zeros(c), np.empty(c)
        va = np.empty(8 * (c * (c + 1) // 2 + c))
        code = _gram_blocked(x, acc, rs, first, va, limit)
        acc0, rs0, first0, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
        assert code == _gram_stream(x, x, False, acc0, rs0, first0, sink, limit)
        assert code == (-1 if limit == 1.0 else 0)
        np.testing.assert_allclose(first, first0, rtol=1e-13, atol=1e-12)
        np.testing.assert_allclose(first, x[:, : _gram_tile_length(3000)].sum(axis=1), rtol=1e-12)
        assert np.array_equal(np.tril(acc), np.tril(acc0))
