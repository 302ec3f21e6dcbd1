"""int16 digital samples in the covariance pass (``docs/benchmarks/riemann.md``, session 24,
helper 4): :func:`lead_covariances` with ``gain`` reads an int16 array as it is (every product
and sum of int16 values exact in float64), scales the covariance by the gains
(``G^-1 C G^-1``) and shrinks after; the result equals the float64 path on the physical values
``X / gain`` to rounding. Bad gains, unsigned/bool samples and wfdb's invalid-sample marker are
refused with clear errors; degenerate records give the float64 path's NaN and reasons."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels import covariance_lanes8 as L8
from geoecg._kernels.covariance import OAS, SCM, batch_covariance, scale_covariances
from geoecg._kernels.covariance_stream import _gram_stream
from geoecg._numba_cache import interpreted
from geoecg.riemann import lead_covariances
from geoecg.riemann._throughput import synthetic_bank, synthetic_chunk

#: Registered bound of the int16 path against the float64 path on ``X / gain`` (relative
#: Frobenius error per record).
TOL = 1e-12
GAIN = np.array([1000, 200, 400, 1000, 500, 1000, 200, 1000, 400, 1000, 500, 200], dtype=float)


def _digital(n=4, seed=24):
    rng = np.random.default_rng(seed)
    bank = synthetic_bank(5000, 500.0, rng)
    X = synthetic_chunk(bank, n, rng)[0]
    return np.round(X * GAIN[:, None]).astype(np.int16)


def _stacks() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """int16 stacks with their gains: the bench's records (raw products), baseline offsets
    (shifted sums), odd lengths and lead counts, short records and degenerate ones."""
    rng = np.random.default_rng(240)
    D = _digital()
    out = {"bench": (D, GAIN)}
    base = np.array([1024, -3000, 5000, 0, 0, 0, 2000, 0, 0, 0, 0, -20000])[:, None]
    out["baseline"] = ((D.astype(np.int32) + base).astype(np.int16), GAIN)
    for c in (1, 5, 16):
        g = rng.uniform(50, 2000, c)
        v = rng.standard_normal((3, c, 1037)) * 3.0 * g[:, None] + rng.integers(-99, 99, (3, c, 1))
        out[f"leads_{c}x1037"] = (np.round(v).astype(np.int16), g)
    out["short_13"] = (rng.integers(-500, 500, (3, 12, 13)).astype(np.int16), GAIN)
    out["three_samples"] = (rng.integers(-500, 500, (2, 12, 3)).astype(np.int16), GAIN)
    flat = rng.integers(-800, 800, (4, 12, 700)).astype(np.int16)
    flat[0, 4] = 37  # one flat lead
    flat[1] = 0  # all zero
    flat[2] = 1024  # all leads constant, non-zero (a baseline only)
    out["flat"] = (flat, GAIN)
    return out


def _rel_err(a, b):
    num = np.linalg.norm(np.nan_to_num(a - b), axis=(1, 2))
    return num / np.maximum(np.linalg.norm(np.nan_to_num(b), axis=(1, 2)), 1e-300)


@pytest.mark.parametrize("estimator", ["scm", "oas", "lwf"])
@pytest.mark.parametrize("name", list(_stacks()))
def test_int16_equals_float64_physical(name, estimator):
    """The int16 path against the float64 path on ``D / gain``: the same NaN, reasons and
    samples used, covariances within 1e-12 relative, shrinkage to rounding."""
    D, g = _stacks()[name]
    got = lead_covariances(D, gain=g, estimator=estimator)
    want = lead_covariances(D / g[:, None], estimator=estimator)
    assert np.array_equal(got.reason, want.reason), name
    assert np.array_equal(got.n_valid, want.n_valid)
    assert np.array_equal(np.isnan(got.covariances), np.isnan(want.covariances))
    assert np.all(_rel_err(got.covariances, want.covariances) <= TOL), name
    np.testing.assert_allclose(got.shrinkage, want.shrinkage, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize(
    "kw",
    [{"leads": [0, 3, 7, 11]}, {"leads": [2], "n_lags": 3, "delay": 2}, {"window": 1000}],
)
def test_int16_options_equal_float64_physical(kw):
    """Lead subsets (native read, the subset's gains) and the converted cases (delay
    embedding, windows) against the float64 path on ``D / gain``."""
    D = _digital(2)
    got = lead_covariances(D, gain=GAIN, **kw)
    want = lead_covariances(D / GAIN[:, None], **kw)
    assert np.all(_rel_err(got.covariances, want.covariances) <= TOL)
    assert np.array_equal(got.n_valid, want.n_valid)


def test_int16_unequal_gains_shrink_after_scaling():
    """With unequal gains OAS must shrink the mV^2 matrix: shrinking the digital matrix and
    scaling after would give another result (the test can fail)."""
    D = _digital(2)
    got = lead_covariances(D, gain=GAIN).covariances
    dig = lead_covariances(D, gain=1.0).covariances / np.outer(GAIN, GAIN)
    assert np.all(_rel_err(dig, got) > 1e-6)
    one = lead_covariances(D, gain=200.0).covariances
    np.testing.assert_allclose(one, lead_covariances(D / 200.0).covariances, rtol=1e-12)


def test_int16_one_record_and_other_integer_widths():
    """A 2-D int16 record is a stack of one; int8/int32/int64 samples are converted to
    ``X / gain`` in float64 (the same result as the caller's conversion)."""
    D = _digital(2)
    np.testing.assert_array_equal(
        lead_covariances(D[0], gain=GAIN).covariances,
        lead_covariances(D[:1], gain=GAIN).covariances,
    )
    for dt in (np.int32, np.int64):
        np.testing.assert_array_equal(
            lead_covariances(D.astype(dt), gain=GAIN).covariances,
            lead_covariances(D.astype(np.float64) / GAIN[:, None]).covariances,
        )
    small = (D // 300).astype(np.int8)
    np.testing.assert_array_equal(
        lead_covariances(small, gain=2.0).covariances,
        lead_covariances(small.astype(np.float64) / 2.0).covariances,
    )


def test_int16_bad_input_named():
    """Missing, zero, negative, non-finite, misshapen gains; gain with float X; unsigned and
    bool samples; wfdb's invalid-sample marker; the (n_samples, n_leads) layout."""
    D = _digital(1)
    with pytest.raises(ValueError, match="integer X .* needs gain"):
        lead_covariances(D)
    for g in (0.0, -200.0, np.nan, np.inf, np.r_[GAIN[:11], 0.0]):
        with pytest.raises(ValueError, match="gain must be finite and > 0"):
            lead_covariances(D, gain=g)
    for g in (GAIN[:11], np.ones((2, 12)), []):
        with pytest.raises(ValueError, match="one value per lead \\(12\\)"):
            lead_covariances(D, gain=g)
    with pytest.raises(ValueError, match="ADC units per mV"):
        lead_covariances(D, gain="x")
    with pytest.raises(ValueError, match="gain is for integer"):
        lead_covariances(D / GAIN[:, None], gain=GAIN)
    for dt in (np.uint16, np.bool_):
        with pytest.raises(TypeError, match=f"dtype {np.dtype(dt)} is not accepted"):
            lead_covariances(D.astype(dt), gain=GAIN)
    for dt in (np.int16, np.int32, np.int64):
        bad = D.astype(dt)
        bad[0, 5, 100] = -32768
        with pytest.raises(ValueError, match="-32768, wfdb's invalid-sample marker"):
            lead_covariances(bad, gain=GAIN)
    with pytest.raises(ValueError, match="looks like \\(n_samples, n_leads\\)"):
        lead_covariances(np.zeros((5000, 12), dtype=np.int16), gain=1.0)
    with pytest.raises(ValueError, match="must have shape"):
        lead_covariances(np.zeros(5000, dtype=np.int16), gain=1.0)


def test_int16_degenerate_records():
    """Flat lead, all-zero, constant (baseline only), 3-sample and 1-sample records: the float64
    path's NaN and reasons on ``D / gain``, never a crash."""
    D, g = _stacks()["flat"]
    got = lead_covariances(D, gain=g)
    want = lead_covariances(D / g[:, None])
    assert list(got.reason) == list(want.reason)
    assert got.reason[1] and got.reason[2] and not got.reason[0]
    one = lead_covariances(D[:, :, :1], gain=g)
    assert np.all(np.isnan(one.covariances)) and np.all(one.reason != "")


@pytest.mark.parametrize("c,t", [(12, 1100), (13, 300), (8, 2100)])
def test_gram_stream_int16_kernel_equals_python_twin_exactly(c, t):
    """The raw-product pass on int16 rows, compiled and as Python: the exact integer sums
    (the int64 Gram matrix) and row sums, bit for bit."""
    rng = np.random.default_rng(c * t)
    x, xn = rng.integers(-32767, 32768, (2, c, t)).astype(np.int16)
    exact = np.tril(x.astype(np.int64) @ x.astype(np.int64).T).astype(np.float64)
    for run in (_gram_stream, interpreted(_gram_stream)):
        acc, rs, first, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
        assert run(x, xn, True, acc, rs, first, sink, np.inf) == 0
        assert np.array_equal(np.tril(acc), exact)
        assert np.array_equal(rs, x.astype(np.int64).sum(axis=1).astype(np.float64))


@pytest.mark.parametrize("nb", [0, 5, 8, 61, 1000])
def test_blocks_int16_kernel_equals_float64_and_twin_bit_for_bit(nb):
    """``_tri8``, ``_blk8``, ``_dot8`` on int16 rows (compiled and as Python) give the bits of the
    same blocks on the float64 rows of the same values, tails included."""
    rows = np.random.default_rng(nb).integers(-32767, 32768, (9, nb + 200)).astype(np.int16)
    res = []
    for dt, py in ((np.int16, False), (np.int16, True), (np.float64, False)):
        tri, blk, dot = (interpreted(k) if py else k for k in (L8._tri8, L8._blk8, L8._dot8))
        r = np.ascontiguousarray(rows[:, :nb], dtype=dt)
        acc, rowsum = np.full((8, 8), 0.25), np.full(4, 0.5)
        tri(r[0], r[1], r[2], r[3], r[6], r[7], 2, nb, acc, 4, rowsum, 0, L8.RIDE_PREFETCH)
        blk(r[0], r[1], r[2], r[3], r[4], r[5], r[8], 1, nb, acc, 4, 0, rowsum, 2,
            L8.RIDE_PREFETCH)  # fmt: skip
        res.append((acc, rowsum, dot(r[0], r[8], nb)))
    for k in (1, 2):
        for g, w in zip(res[0], res[k], strict=True):
            assert np.array_equal(g, w), (nb, k)


def test_scale_covariances_kernel_twin_and_single_pass():
    """``scale_covariances`` compiled and as Python: the same bits; with OAS the shrinkage of
    the float64 path; NaN records left NaN (their shrinkage untouched)."""
    D = np.ascontiguousarray(_digital(2)[:, :, :1500])
    n, c, t = D.shape
    out = []
    for run in (scale_covariances, interpreted(scale_covariances)):
        cov, sh, nv = np.empty((n + 1, c, c)), np.empty(n + 1), np.zeros(n + 1, dtype=np.int64)
        batch_covariance(D, SCM, cov[:n], sh[:n], nv[:n])
        cov[n], sh[n], nv[n] = np.nan, np.nan, 1
        run(cov, 1.0 / GAIN, OAS, sh, nv)
        out.append((cov, sh))
    assert np.array_equal(out[0][0], out[1][0], equal_nan=True)
    assert np.array_equal(out[0][1], out[1][1], equal_nan=True)
    want = np.empty((n, c, c)), np.empty(n), np.zeros(n, dtype=np.int64)
    batch_covariance(D / GAIN[:, None], OAS, *want)
    assert np.all(_rel_err(out[0][0][:n], want[0]) <= TOL)
    assert np.isnan(out[0][1][n])
