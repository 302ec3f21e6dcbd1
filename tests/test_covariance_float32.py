"""float32 records in the covariance pass (``docs/benchmarks/riemann.md``, session 23, helper 6):
the kernels read float32 rows (half the bytes), widen each value exactly and accumulate every sum
in float64, so the covariances of a float32 array equal those of its float64 copy to rounding
(the 8-lane blocks' products to the bit); other dtypes are converted as before, and what is not
an array of real numbers is refused with a clear error."""

from __future__ import annotations

import _covariance_reference as REF
import numpy as np
import pytest
from _covariance_reference import _gram_stream

from geoecg._kernels import covariance_lanes8 as L8
from geoecg._kernels.covariance import LWF, OAS, SCM, batch_covariance
from geoecg._numba_cache import interpreted
from geoecg.riemann import lead_covariances
from geoecg.riemann._throughput import synthetic_bank, synthetic_chunk

#: Pinned tolerance of the float32 path against the float64 array of the same values
#: (relative Frobenius error per record; registered bound 1e-12).
TOL = 1e-12


def _stacks() -> dict[str, np.ndarray]:
    """float32 stacks that reach every path: raw products (12 leads, tails, leads past a
    multiple of 4), the shifted sums (ADC-like offsets), the two-pass path (NaN) and the
    degenerate records (flat lead, zero record, 3 samples)."""
    rng = np.random.default_rng(23)
    bank = synthetic_bank(5000, 500.0, rng)
    out = {"bench": synthetic_chunk(bank, 5, rng)[0]}
    out["odd_11x4999"] = rng.standard_normal((3, 11, 4999)) + rng.uniform(-1, 1, (3, 11, 1))
    out["short_13"] = rng.standard_normal((4, 12, 13))
    for c in (1, 5, 16):
        out[f"scales_{c}x1037"] = rng.standard_normal((6, c, 1037)) * 10.0 ** np.arange(
            -3, 3
        ).reshape(6, 1, 1)
    flat = rng.standard_normal((3, 12, 700))
    flat[0, 4] = 0.7
    flat[1] = 0.0
    out["flat_and_zero"] = flat
    nan = rng.standard_normal((3, 12, 900))
    nan[1, 6, 333] = np.nan
    out["nan_sample"] = nan
    out["three_samples"] = rng.standard_normal((2, 12, 3))
    out["adc_offset"] = 1024.0 + 3.0 * rng.standard_normal((3, 12, 2100))
    return {k: v.astype(np.float32) for k, v in out.items()}


def _run(X, method):
    n, c, _ = X.shape
    cov, sh, nv = np.empty((n, c, c)), np.empty(n), np.zeros(n, dtype=np.int64)
    batch_covariance(X, method, cov, sh, nv)
    return cov, sh, nv


def _rel_err(a, b):
    num = np.linalg.norm(np.nan_to_num(a - b), axis=(1, 2))
    return num / np.maximum(np.linalg.norm(np.nan_to_num(b), axis=(1, 2)), 1e-300)


@pytest.mark.parametrize("method", [SCM, OAS, LWF])
@pytest.mark.parametrize("name", list(_stacks()))
def test_float32_kernel_equals_float64_of_same_values(name, method):
    """``batch_covariance`` of a float32 stack against the same kernel on ``X.astype(float64)``:
    NaN at the same records, the same ``n_valid``, covariances within the pinned tolerance."""
    X = _stacks()[name]
    cov, sh, nv = _run(X, method)
    cov64, sh64, nv64 = _run(X.astype(np.float64), method)
    assert np.array_equal(nv, nv64)
    assert np.array_equal(np.isnan(cov), np.isnan(cov64))
    assert np.array_equal(np.isnan(sh), np.isnan(sh64))
    assert np.all(_rel_err(cov, cov64) <= TOL), (name, _rel_err(cov, cov64).max())
    np.testing.assert_allclose(sh, sh64, rtol=1e-9, atol=1e-15)


def test_float32_kernel_stacking_gives_the_same_bits():
    """A float32 record's covariance has the same bits alone or anywhere in a stack."""
    X = _stacks()["bench"]
    cov, _, _ = _run(X, OAS)
    for k in range(len(X)):
        alone, _, _ = _run(X[k : k + 1].copy(), OAS)
        assert np.array_equal(alone[0], cov[k]), k
    back, _, _ = _run(X[::-1].copy(), OAS)
    assert np.array_equal(back[::-1], cov)


@pytest.mark.parametrize("c,t", [(12, 1100), (13, 300), (8, 2100)])
def test_gram_stream_float32_kernel_equals_python_twin_and_float64(c, t):
    """The raw-product pass on float32 rows, compiled and run as Python: the same products to
    the bit, and the bits of the float64 pass on the same values (the blocks fix the order and
    the float32 values widen exactly); row sums to rounding."""
    rng = np.random.default_rng(c * t)
    x, xn = (rng.standard_normal((2, c, t)) + rng.uniform(-2, 2, (2, c, 1))).astype(np.float32)
    out = []
    for run, dt in ((_gram_stream, np.float32), (interpreted(_gram_stream), np.float32),
                    (_gram_stream, np.float64)):  # fmt: skip
        acc, rs, first, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
        assert run(x.astype(dt), xn.astype(dt), True, acc, rs, first, sink, np.inf) == 0
        out.append((np.tril(acc), rs))
    for k in (1, 2):
        assert np.array_equal(out[0][0], out[k][0]), k
        np.testing.assert_allclose(out[0][1], out[k][1], rtol=1e-13)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(out[0][0], np.tril(x64 @ x64.T), rtol=1e-12)


@pytest.mark.parametrize("nb", [0, 5, 8, 61, 1000])
def test_blocks_float32_kernel_equals_float64_and_twin_bit_for_bit(nb):
    """``_tri8``, ``_blk8`` and ``_dot8`` on float32 rows (compiled and as Python) give the bits of
    the same blocks on the float64 rows of the same values, tails included."""
    rows = (np.random.default_rng(nb).standard_normal((9, nb + 200)) + 1.5).astype(np.float32)
    res = []
    for dt, py in ((np.float32, False), (np.float32, True), (np.float64, False)):
        tri, blk, dot = (interpreted(k) if py else k for k in (REF._tri8, REF._blk8, L8._dot8))
        r = np.ascontiguousarray(rows[:, :nb], dtype=dt)
        acc, rowsum = np.full((8, 8), 0.25), np.full(4, 0.5)
        tri(r[0], r[1], r[2], r[3], r[6], r[7], 2, nb, acc, 4, rowsum, 0, REF.RIDE_PREFETCH)
        blk(r[0], r[1], r[2], r[3], r[4], r[5], r[8], 1, nb, acc, 4, 0, rowsum, 2,
            REF.RIDE_PREFETCH)  # fmt: skip
        res.append((acc, rowsum, dot(r[0], r[8], nb)))
    for k in (1, 2):
        for g, w in zip(res[0], res[k], strict=True):
            assert np.array_equal(g, w), (nb, k)
    a = rows[:4, :nb].astype(np.float64)
    np.testing.assert_allclose(np.tril(res[0][0][4:, 4:]), np.tril(0.25 + a @ a.T), rtol=1e-12)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"estimator": "scm"},
        {"estimator": "lwf"},
        {"leads": [0, 3, 7, 11]},
        {"leads": [2], "n_lags": 3, "delay": 2},
        {"window": 1000},
        {"window": 1000, "window_mean": "riemann"},
    ],
)
def test_lead_covariances_float32_equals_float64_of_same_values(kw):
    """:func:`lead_covariances` on a float32 array (read as it is) against its float64 copy:
    covariances within the pinned tolerance, the same reasons and samples used."""
    X = _stacks()["bench"][:3]
    got = lead_covariances(X, **kw)
    want = lead_covariances(X.astype(np.float64), **kw)
    assert got.covariances.dtype == np.float64
    assert np.all(_rel_err(got.covariances, want.covariances) <= TOL)
    assert np.array_equal(got.reason, want.reason)
    assert np.array_equal(got.n_valid, want.n_valid)
    np.testing.assert_allclose(got.shrinkage, want.shrinkage, rtol=1e-9)


def test_lead_covariances_float32_degenerate_records():
    """Flat, zero, NaN-gapped and 3-sample float32 records: the float64 copy's NaN and reasons,
    never a crash; one 2-D float32 record works as a stack of one."""
    for name in ("flat_and_zero", "nan_sample", "three_samples"):
        X = _stacks()[name]
        got, want = lead_covariances(X), lead_covariances(X.astype(np.float64))
        assert np.array_equal(got.reason, want.reason), name
        assert np.array_equal(np.isnan(got.covariances), np.isnan(want.covariances)), name
        assert np.all(_rel_err(got.covariances, want.covariances) <= TOL), name
    assert any(r for r in lead_covariances(_stacks()["flat_and_zero"]).reason)
    one = _stacks()["bench"][0]
    np.testing.assert_array_equal(
        lead_covariances(one).covariances, lead_covariances(one[None]).covariances
    )


def test_lead_covariances_other_dtypes_converted_or_refused():
    """float16 and int16 are converted to float64 as before (the same result as the caller's
    own conversion); complex and string input are refused with an error naming the dtype;
    float32 input keeps the checks of float64 (infinite values, (n_samples, n_leads) layout,
    number of dimensions)."""
    X = np.round(_stacks()["bench"][:2] * 200.0)
    for dt in (np.float16, np.int16):
        a = X.astype(dt)
        np.testing.assert_array_equal(
            lead_covariances(a).covariances, lead_covariances(a.astype(np.float64)).covariances
        )
    with pytest.raises(TypeError, match="real-valued, got dtype complex64"):
        lead_covariances(X.astype(np.complex64))
    with pytest.raises(TypeError, match="dtype <U"):
        lead_covariances(X.astype(str))
    bad = _stacks()["bench"][:2].copy()
    bad[1, 3, 10] = np.inf
    with np.errstate(invalid="ignore"):  # inf - inf in the kernels run as Python
        with pytest.raises(ValueError, match="infinite values"):
            lead_covariances(bad)
        with pytest.raises(ValueError, match="infinite values"):
            lead_covariances(bad, leads=[3, 4])
    with pytest.raises(ValueError, match="looks like \\(n_samples, n_leads\\)"):
        lead_covariances(np.zeros((5000, 12), dtype=np.float32))
    with pytest.raises(ValueError, match="must have shape"):
        lead_covariances(np.zeros(5000, dtype=np.float32))
