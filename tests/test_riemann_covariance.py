"""Lead covariance kernels and LeadCovariances against slow NumPy twins and scikit-learn."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from _covariance_reference import _gram_stream
from sklearn.base import clone
from sklearn.covariance import empirical_covariance, ledoit_wolf, oas
from sklearn.exceptions import NotFittedError

from geoecg._kernels.covariance import OAS, SCM, batch_covariance
from geoecg._kernels.covariance_stream import (
    GRAM_MAX_LOSS,
    GRAM_TILE,
    TILE,
    _block42_repeat,
    _gram_single_pass,
    _gram_tile_length,
)
from geoecg._kernels.spd import SPD_BELOW_FLOOR, SPD_FLAT, SPD_NONFINITE, SPD_OK, spd_status
from geoecg.riemann import LeadCovariances, lead_covariances


# ---------------------------------------------------------------- slow NumPy twins
def twin_covariance(x: np.ndarray, estimator: str) -> tuple[np.ndarray, float]:
    """One record (c, t): drop samples where any lead is non-finite, then textbook formulas."""
    x = np.asarray(x, dtype=float)
    keep = np.isfinite(x).all(axis=0)
    z = x[:, keep]
    c, n = z.shape
    if n < 2:
        return np.full((c, c), np.nan), np.nan
    z = z - z.mean(axis=1, keepdims=True)
    S = np.zeros((c, c))
    for s in range(n):  # sum of outer products, divided by n (biased, as sklearn)
        S += np.outer(z[:, s], z[:, s])
    S /= n
    if estimator == "scm" or c == 1:
        return S, 0.0
    mu = np.trace(S) / c
    if estimator == "oas":
        # Chen et al. (2010) as written in sklearn 1.9 sklearn/covariance/_shrunk_covariance._oas
        alpha = np.mean(S**2)
        den = (n + 1) * (alpha - mu**2 / c)
        rho = 1.0 if den == 0 else min((alpha + mu**2) / den, 1.0)
    else:
        # Ledoit & Wolf (2004): pi-hat / gamma-hat with sklearn's clipping
        pi_hat = sum(np.sum((np.outer(z[:, s], z[:, s]) - S) ** 2) for s in range(n)) / n
        gamma = np.sum((S - mu * np.eye(c)) ** 2)
        b2 = min(pi_hat / n, gamma)
        rho = 0.0 if b2 == 0 else b2 / gamma
    return (1 - rho) * S + rho * mu * np.eye(c), rho


def first_tile_loss_twin(x: np.ndarray, nb: int) -> float:
    """Largest ``mean(x_i^2) / var(x_i)`` over the leads on the first ``nb`` samples."""
    ms, m = (x[:, :nb] ** 2).mean(axis=1), x[:, :nb].mean(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = np.where(ms > 0, np.where(ms - m * m > 0, ms / (ms - m * m), np.inf), 0.0)
    return float(loss.max())


def _batch_twin(X, estimator):
    out = [twin_covariance(x, estimator) for x in X]
    return np.stack([o[0] for o in out]), np.array([o[1] for o in out])


ESTS = ["scm", "lwf", "oas"]


@pytest.mark.parametrize("estimator", ESTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kernel_matches_twin(estimator, seed):
    rng = np.random.default_rng(seed)
    c = int(rng.integers(1, 8))
    X = rng.standard_normal((5, c, 60)) * rng.uniform(0.1, 3, (1, c, 1))
    res = lead_covariances(X, estimator=estimator, reg=0)
    C, rho = _batch_twin(X, estimator)
    np.testing.assert_allclose(res.covariances, C, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.shrinkage, rho, rtol=1e-9, atol=1e-12)
    assert np.all(res.regularization == 0)


@pytest.mark.parametrize("estimator", ESTS)
@pytest.mark.parametrize("c", [1, 3, 5, 8, 12, 13])
def test_single_pass_tiles_and_large_offsets(estimator, c, rng):
    # several tiles with a ragged last one, lead counts off the 4-row blocking (4 x 4 triangle
    # blocks, 4 x 2 blocks between groups, single dot products for the rest) and offsets
    # 1e4 x the spread plus a drift: the one-pass shifted formula must not cancel
    t = 3 * TILE + 77
    X = rng.standard_normal((3, c, t)) * rng.uniform(0.5, 2.0, (1, c, 1))
    X += 1e4 * rng.uniform(-1, 1, (3, c, 1)) + np.linspace(0, 5, t)
    res = lead_covariances(X, estimator=estimator, reg=0)
    C, rho = _batch_twin(X, estimator)
    np.testing.assert_allclose(res.covariances, C, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(res.shrinkage, rho, rtol=1e-8, atol=1e-12)
    # a NaN in a late tile sends the record to the NaN-aware two-pass path
    X[1, c - 1, 2 * TILE + 10] = np.nan
    res = lead_covariances(X, estimator=estimator, reg=0)
    np.testing.assert_allclose(res.covariances, _batch_twin(X, estimator)[0], rtol=1e-8, atol=1e-9)
    assert res.n_valid.tolist() == [t, t - 1, t]


@pytest.mark.parametrize("offset", [1e4, 1e6, 1e8])
@pytest.mark.parametrize("t", [461, 5000])
def test_shifted_sums_accurate_on_large_offsets(offset, t):
    """Leads whose offset is up to 1e8 x their spread (and drifts) take the shifted sums: every
    covariance entry within 1e-13 of a long-double two-pass reference relative to
    ``sqrt(C_ii C_jj)`` (measured 4.9e-16 to 2.5e-15 in session 19; the raw formula
    ``G / n - m m^T`` in NumPy gives 3.5e-8 to 5.2 here). Not in the JIT-off job: its 8-lane
    twins would take minutes on these records."""
    rng = np.random.default_rng(int(np.log10(offset)) + t)
    X = rng.standard_normal((3, 12, t)) * rng.uniform(0.5, 2.0, (3, 12, 1))
    X += offset * rng.uniform(0.5, 1.0, (3, 12, 1)) + np.linspace(0, 5, t)
    cov, shrink, nv = np.empty((3, 12, 12)), np.empty(3), np.empty(3, dtype=np.int64)
    batch_covariance(X, SCM, cov, shrink, nv)
    L = X.astype(np.longdouble)
    Y = L - L.mean(axis=2, keepdims=True)
    ref = np.einsum("nis,njs->nij", Y, Y) / t
    d = np.sqrt(np.einsum("nii->ni", ref))
    err = np.abs(cov - ref) / (d[:, :, None] * d[:, None, :])
    assert nv.tolist() == [t] * 3
    assert float(err.max()) < 1e-13


@pytest.mark.parametrize("nb", [1, 7, 64])
def test_block42_repeat_kernel_twin(nb, rng):
    # the bench's FMA-floor timing block: reps x (rows 0-3 against rows 4-5) added into acc
    rows, acc = rng.standard_normal((6, nb)), np.full((4, 2), 0.5)
    _block42_repeat(rows=rows, reps=3, acc=acc)
    np.testing.assert_allclose(acc, 0.5 + 3 * rows[:4] @ rows[4:].T, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("c", [1, 3, 8, 12, 13, 16])
@pytest.mark.parametrize("t", [5, 2 * GRAM_TILE, 3 * GRAM_TILE + 77])
def test_gram_single_pass_matches_twin(c, t, rng):
    # equal tiles with a ragged last one; 12 and 16 leads sum every next tile inside the blocks,
    # 8 leads only some of them (the rest by the plain row sums), 1/3/13 off the 4-row blocking
    x = rng.standard_normal((c, t)) + rng.uniform(-2, 2, (c, 1))
    acc, rowsum = np.full((c, c), np.nan), np.full(c, np.nan)
    _gram_single_pass(x=x, acc=acc, rowsum=rowsum)
    np.testing.assert_allclose(np.tril(acc), np.tril(x @ x.T), rtol=1e-12)
    np.testing.assert_allclose(rowsum, x.sum(axis=1), rtol=1e-12, atol=1e-12)
    T = _gram_tile_length(t)
    assert T <= GRAM_TILE and -(-t // T) == -(-t // GRAM_TILE)  # as few tiles, near-equal
    # the streamed pass: same sums whatever the next record; it stops after the first tile
    # (-1) exactly when that tile's loss exceeds the limit
    nxt = rng.standard_normal((c, t)) + 1e6
    loss = first_tile_loss_twin(x, T)
    for limit, stops in ((loss * 0.99, T < t), (loss * 1.01, False)):
        acc2, rs2, first, sink = (np.full((c, c), np.nan), *np.full((3, c), np.nan))
        code = _gram_stream(x=x, xn=nxt, has_next=True, acc=acc2, rowsum=rs2, first=first,
                            sink=sink, max_first_loss=limit)  # fmt: skip
        assert code == (-1 if stops else 0)
        np.testing.assert_allclose(first, x[:, :T].sum(axis=1), rtol=1e-12, atol=1e-12)
        if not stops:  # bit for bit: the last tile's products come from the same block
            # kernels whether it reads a next record or its own first tile (session 17: before,
            # _triangle4 and _triangle4_sum rounded differently, up to 32 ulp on AVX-512); the
            # row sums to rounding (session 28: _gram_single_pass sums every tile in 8 lanes)
            np.testing.assert_array_equal(np.tril(acc2), np.tril(acc))
            np.testing.assert_allclose(rs2, rowsum, rtol=1e-13, atol=1e-12)


def _stack_pool(c: int, t: int, rng) -> np.ndarray:
    """Records that take every path of the fast kernel: raw products, an offset seen on the
    first tile (stops there), one seen on the result only, a flat lead, a NaN (two-pass path)."""
    X = rng.standard_normal((6, c, t)) * rng.uniform(0.5, 2.0, (6, c, 1))
    X[1] += 3.0
    X[2] += 1e4
    first = _gram_tile_length(t)
    X[3] = 7.0 + 0.01 * X[3]
    X[3, :, :first] += rng.standard_normal((c, first))
    X[4, c // 2] = 7.0
    X[5, c - 1, t // 2] = np.nan
    return X


@pytest.mark.parametrize("c,t", [(12, GRAM_TILE + 77), (8, GRAM_TILE + 300), (13, 700)])
@pytest.mark.parametrize("method", [SCM, OAS])
def test_kernel_stream_record_bits_independent_of_stack(c, t, method, rng):
    # a stack streams record to record (the last tile reads the next record's first tile), but
    # a record's covariance must have the same BITS alone, first, in the middle or last of
    # stacks of any size and any neighbours (a resumed cohort run equals an uninterrupted one)
    pool = _stack_pool(c, t, rng)

    def run(X):
        X = np.ascontiguousarray(X)
        n = X.shape[0]
        cov, shrink, nv = np.empty((n, c, c)), np.empty(n), np.empty(n, dtype=np.int64)
        batch_covariance(X=X, method=method, cov=cov, shrinkage=shrink, n_valid=nv)
        return cov, shrink, nv

    alone = [run(pool[k : k + 1]) for k in range(len(pool))]
    stacks = [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [2, 0], [3, 5, 1]]
    for order in stacks:
        got = run(pool[order])
        for pos, k in enumerate(order):
            for a, b in zip(alone[k], got, strict=True):
                assert np.array_equal(a[0], b[pos], equal_nan=True), (order, pos, k)
    cov, _, nv = run(pool)
    assert nv.tolist() == [t] * 5 + [t - 1]
    np.testing.assert_allclose(cov, _batch_twin(pool, "scm" if method == SCM else "oas")[0],
                               rtol=1e-9, atol=1e-10)  # fmt: skip


def test_kernel_nan_found_by_the_shifted_sums(rng):
    # an offset stops the raw pass after the first tile; the shifted sums then meet a NaN in
    # the last tile: the record goes to the NaN-aware two-pass path
    t = GRAM_TILE + 77
    X = rng.standard_normal((2, 4, t)) + 1e4
    X[0, 1, t - 1] = np.nan
    res = lead_covariances(X, estimator="oas", reg=0)
    assert res.n_valid.tolist() == [t - 1, t]
    np.testing.assert_allclose(res.covariances, _batch_twin(X, "oas")[0], rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("kind", ["raw", "offset", "late", "flat"])
def test_kernel_falls_back_when_raw_products_would_cancel(kind, rng):
    # raw cross products only while mean(x^2) / var(x) <= GRAM_MAX_LOSS for every lead; an
    # offset seen on the first tile, one seen only on the whole record (a large artefact on the
    # first tile hides it there) or a constant lead send the record to the shifted sums. All
    # must match the textbook formula.
    t = 8 * GRAM_TILE
    X = rng.standard_normal((2, 12, t))
    first = _gram_tile_length(t)
    if kind == "raw":
        X += 3.0  # mean(x^2) / var = 10: raw products
    elif kind == "offset":
        X += 1e4
    elif kind == "late":  # 1 + 49 / 1 on the first tile, ~1 + 49 * 8 on the record
        X = 7.0 + 0.01 * X
        X[:, :, :first] += rng.standard_normal((2, 12, first))
    else:
        X[:, 5] = 7.0
    with np.errstate(divide="ignore"):
        loss = (X**2).mean(axis=2) / X.var(axis=2)
    first_loss = max(first_tile_loss_twin(x, first) for x in X)
    if kind == "raw":
        assert loss.max() < GRAM_MAX_LOSS / 16
    elif kind == "late":
        assert first_loss < GRAM_MAX_LOSS / 4 < GRAM_MAX_LOSS < loss.min()
    else:
        assert first_loss > GRAM_MAX_LOSS
    res = lead_covariances(X, estimator="oas", reg=0)
    C, rho = _batch_twin(X, "oas")
    np.testing.assert_allclose(res.covariances, C, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.shrinkage, rho, rtol=1e-9)


@pytest.mark.parametrize(
    "estimator,ref",
    [
        ("scm", lambda z: empirical_covariance(z)),
        ("lwf", lambda z: ledoit_wolf(z)[0]),
        ("oas", lambda z: oas(z)[0]),
    ],
)
def test_matches_sklearn(estimator, ref, rng):
    # sklearn 1.9: empirical_covariance / ledoit_wolf / oas on (n_samples, n_features)
    X = rng.standard_normal((3, 12, 300)) @ rng.standard_normal((300, 300)) / 20
    res = lead_covariances(X, estimator=estimator, reg=0)
    for k in range(3):
        np.testing.assert_allclose(res.covariances[k], ref(X[k].T), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("estimator", ESTS)
def test_nan_gaps_left_out(estimator, rng):
    X = rng.standard_normal((2, 4, 200))
    X[0, 1, 50:80] = np.nan
    X[1, 3, 10] = np.nan
    res = lead_covariances(X, estimator=estimator, reg=0)
    C, _ = _batch_twin(X, estimator)
    np.testing.assert_allclose(res.covariances, C, rtol=1e-10)
    assert res.n_valid.tolist() == [170, 199]
    X[1, 3, 10] = np.inf  # input policy (docs/user_guide/input_validation.md): NaN, never inf
    with pytest.raises(ValueError, match="infinite values; use NaN"):
        lead_covariances(X, estimator=estimator, reg=0)


def test_integer_ties_strided_readonly(rng):
    base = rng.integers(-3, 4, size=(3, 6, 400))  # ADC-like integers with many ties
    strided = base[:, ::2, ::2]
    ro = strided.copy()
    ro.setflags(write=False)
    for X in (strided, ro):
        res = lead_covariances(X, estimator="oas", reg=0)
        C, _ = _batch_twin(np.asarray(X, float), "oas")
        np.testing.assert_allclose(res.covariances, C, rtol=1e-10)
    assert not ro.flags.writeable  # input untouched


def test_degenerate_records_are_nan_with_reason(rng):
    X = rng.standard_normal((4, 3, 50))
    X[1] = 2.0  # every lead flat
    X[2, :, 1:] = np.nan  # a single usable sample
    X[3, 0] = 5.0  # one flat lead: singular -> ridge reported
    res = lead_covariances(X, estimator="scm")
    assert np.isnan(res.covariances[1]).all() and "flat" in res.reason[1]
    assert np.isnan(res.covariances[2]).all() and "fewer than 2" in res.reason[2]
    assert res.reason[0] == "" and res.reason[3] == ""
    assert res.regularization[3] > 0 and res.regularization[0] == 0
    assert np.linalg.eigvalsh(res.covariances[3])[0] > 0


def twin_spd_status(cov, reg):
    """NumPy twin of the ``spd_status`` kernel: trace, then the code of each matrix from
    ``np.isfinite`` and ``np.linalg.cholesky`` of ``cov - reg * trace / c * I``."""
    c = cov.shape[-1]
    trace = np.trace(cov, axis1=1, axis2=2)
    status = []
    for a, tr in zip(cov, trace, strict=True):
        if not np.isfinite(a).all():
            status.append(SPD_NONFINITE)
        elif tr <= 0:
            status.append(SPD_FLAT)
        else:
            try:
                np.linalg.cholesky(a - reg * tr / c * np.eye(c))
                status.append(SPD_OK)
            except np.linalg.LinAlgError:
                status.append(SPD_BELOW_FLOOR)
    return trace, np.array(status)


@pytest.mark.parametrize("c", [1, 3, 12])
def test_spd_status_matches_twin(c, rng):
    A = rng.standard_normal((8, c, 3 * c))
    cov = A @ A.transpose(0, 2, 1) / (3 * c)
    cov[1] = np.nan
    cov[2, 0, c - 1] = np.inf
    cov[3] = 0.0  # flat
    cov[4] = -np.eye(c)  # negative trace: flat
    w, v = np.linalg.eigh(cov[5])
    w[0] = 1e-9 * w.sum()  # smallest eigenvalue under the 1e-6 floor
    cov[5] = (v * w) @ v.T
    cov[6] = np.outer(A[6, :, 0], A[6, :, 0])  # rank one
    trace, status = np.empty(8), np.empty(8, dtype=np.int8)
    spd_status(cov=cov, reg=1e-6, trace=trace, status=status)
    t_ref, s_ref = twin_spd_status(cov, 1e-6)
    assert status.tolist() == s_ref.tolist()
    np.testing.assert_allclose(trace[status != SPD_NONFINITE], t_ref[s_ref != SPD_NONFINITE])
    if c > 1:
        assert status[5] == status[6] == SPD_BELOW_FLOOR and status[0] == SPD_OK


def test_empty_inputs():
    res = lead_covariances(np.zeros((0, 3, 100)))
    assert res.covariances.shape == (0, 3, 3)
    res = lead_covariances(np.zeros((2, 3, 0)))
    assert np.isnan(res.covariances).all()


def test_delay_embedding_matches_twin(rng):
    X = rng.standard_normal((2, 2, 100))
    res = lead_covariances(X, estimator="scm", n_lags=3, delay=2, reg=0)
    # twin: rows = [x(t), x(t-2), x(t-4)] for each lead, aligned on the latest sample
    emb = np.stack([np.concatenate([x[:, 4 - 2 * k : 100 - 2 * k] for k in range(3)]) for x in X])
    C, _ = _batch_twin(emb, "scm")
    np.testing.assert_allclose(res.covariances, C, rtol=1e-10)


def test_single_lead_hankel_is_spd(rng):
    x = np.sin(np.linspace(0, 20, 500))[None, None] + 0.01 * rng.standard_normal((1, 1, 500))
    C = LeadCovariances("scm", n_lags=4, delay=3).fit_transform(x)
    assert C.shape == (1, 4, 4) and np.linalg.eigvalsh(C)[0, 0] > 0


def test_windowed_average(rng):
    X = rng.standard_normal((2, 3, 400))
    res = lead_covariances(X, estimator="scm", window=100, reg=0)
    twin = np.mean([_batch_twin(X[:, :, k * 100 : (k + 1) * 100], "scm")[0] for k in range(4)], 0)
    np.testing.assert_allclose(res.covariances, twin, rtol=1e-10)


def test_n_jobs_and_chunks_agree(rng):
    X = rng.standard_normal((11, 4, 80))
    a = lead_covariances(X, chunk_size=3, n_jobs=2).covariances
    b = lead_covariances(X, chunk_size=512, n_jobs=1).covariances
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "kwargs,msg",
    [
        ({"estimator": "ledoit"}, "estimator must be"),
        ({"n_lags": 0}, "n_lags"),
        ({"reg": -1.0}, "reg"),
        ({"leads": [5]}, "out of range"),
        ({"window": 1}, "window"),
    ],
)
def test_bad_parameters(kwargs, msg, rng):
    with pytest.raises(ValueError, match=msg):
        lead_covariances(rng.standard_normal((2, 3, 50)), **kwargs)


def test_bad_input_types():
    with pytest.raises(ValueError, match="n_records, n_leads, n_samples"):
        lead_covariances(np.zeros(5))
    with pytest.raises(TypeError, match="real numbers"):
        lead_covariances(np.array([["a", "b"]]))


def test_transformer_contract(rng):
    X = rng.standard_normal((6, 4, 300))
    X0 = X.copy()
    est = LeadCovariances("lwf", fs=100, band=(0.5, 40), leads=[0, 2, 3])
    with pytest.raises(NotFittedError):
        est.transform(X)
    a = est.fit_transform(X)
    assert a.shape == (6, 3, 3)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(clone(est).fit(X).transform(X), a)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(est)).transform(X), a)
    np.testing.assert_array_equal(est.fit(X).transform(X), a)
    np.testing.assert_array_equal(
        LeadCovariances("lwf", fs=100, band=(0.5, 40), leads=[0, 2, 3], n_jobs=2)
        .fit(X)
        .transform(X),
        a,
    )
    with pytest.raises(ValueError, match="leads"):
        est.transform(X[:, :2])
    with pytest.raises(ValueError, match="fs must be"):
        LeadCovariances(band=(0.5, 40)).fit(X)


def test_transformer_accepts_lists(rng):
    recs = [rng.standard_normal((3, n)) for n in (100, 250)]
    C = LeadCovariances("oas").fit(recs).transform(recs)
    np.testing.assert_allclose(C[1], lead_covariances(recs[1]).covariances[0])
