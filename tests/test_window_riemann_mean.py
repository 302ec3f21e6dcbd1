"""Riemannian mean of window covariances (``window_mean="riemann"``) and the covariate
re-weighting of the PTB-XL logistic regression (``geoecg.estimators.ptbxl_methods.lr_cv``)."""

from __future__ import annotations

import numpy as np
import pytest
from pyriemann.geometry.mean import mean_riemann
from scipy.linalg import sqrtm

from geoecg.estimators.ptbxl_methods import lr_cv as _lr_cv
from geoecg.riemann import LeadCovariances, lead_covariances


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def _windows_twin(X, window, **kw):
    """Per-window covariances computed independently (one call per window), (n, nw, c, c).

    Windows are cut from the delay-embedded signal, so with ``n_lags`` lags window ``k``
    covers input samples ``[k * window, (k + 1) * window + (n_lags - 1) * delay)``.
    """
    span = window + (kw.get("n_lags", 1) - 1) * kw.get("delay", 1)
    nw = (X.shape[2] - span + window) // window
    return np.stack(
        [
            lead_covariances(X[:, :, k * window : k * window + span], **kw).covariances
            for k in range(nw)
        ],
        axis=1,
    )


@pytest.mark.parametrize("kw", [{"estimator": "oas"}, {"estimator": "scm", "n_lags": 3}])
def test_riemann_window_mean_matches_pyriemann_twin(rng, kw):
    X = rng.standard_normal((3, 4, 500)) * np.array([1.0, 2.0, 0.5, 1.5])[:, None]
    X[:, :, 200:] *= 3.0  # windows of different scale: the two means differ
    res = lead_covariances(X, window=100, window_mean="riemann", **kw)
    twin = _windows_twin(X, 100, **kw)
    expected = np.stack([mean_riemann(w) for w in twin])
    np.testing.assert_allclose(res.covariances, expected, rtol=1e-7, atol=1e-12)
    ari = lead_covariances(X, window=100, **kw).covariances
    assert not np.allclose(res.covariances, ari, rtol=1e-3)
    np.testing.assert_allclose(ari, twin.mean(axis=1), rtol=1e-10)
    assert res.covariances.shape == (3, 4 * kw.get("n_lags", 1), 4 * kw.get("n_lags", 1))
    assert np.all(np.linalg.eigvalsh(res.covariances)[:, 0] > 0)  # SPD
    assert np.all(res.regularization == 0) and np.all(res.reason == "")
    np.testing.assert_array_equal(res.n_valid, lead_covariances(X, window=100, **kw).n_valid)


def test_identical_windows_give_the_arithmetic_mean(rng):
    X = np.tile(rng.standard_normal((2, 3, 80)), (1, 1, 4))  # four identical 80-sample windows
    r = lead_covariances(X, estimator="scm", window=80, window_mean="riemann").covariances
    a = lead_covariances(X, estimator="scm", window=80).covariances
    np.testing.assert_allclose(r, a, rtol=1e-9)


def test_two_windows_give_the_geodesic_midpoint(rng):
    X = rng.standard_normal((1, 3, 400))
    X[:, :, 200:] = np.array([[2.0, 0.3, 0.0], [0.0, 0.5, 0.0], [0.1, 0.0, 1.0]]) @ X[0, :, 200:]
    A, B = _windows_twin(X, 200, estimator="scm")[0]
    ra = np.real(sqrtm(A))
    ria = np.linalg.inv(ra)
    mid = ra @ np.real(sqrtm(ria @ B @ ria)) @ ra
    r = lead_covariances(X, estimator="scm", window=200, window_mean="riemann").covariances
    np.testing.assert_allclose(r[0], mid, rtol=1e-7)
    assert np.all(np.linalg.eigvalsh(r)[:, 0] > 0)


def test_rank_deficient_windows_are_floored_and_reported(rng):
    X = rng.standard_normal((2, 3, 300))
    X[:, 2] = X[:, 0] + X[:, 1]  # singular scm covariances in every window
    res = lead_covariances(X, estimator="scm", window=100, window_mean="riemann")
    assert np.all(np.linalg.eigvalsh(res.covariances)[:, 0] > 0)
    assert np.all(res.regularization > 0) and np.all(np.isfinite(res.covariances))


def test_degenerate_windows(rng):
    X = rng.standard_normal((2, 2, 300))
    X[0, :, :100] = np.nan  # first window unusable: mean of the two others
    X[1] = 0.0  # all flat: flagged like the arithmetic mean
    res = lead_covariances(X, estimator="scm", window=100, window_mean="riemann")
    twin = _windows_twin(X[:1, :, 100:], 100, estimator="scm")[0]
    np.testing.assert_allclose(res.covariances[0], mean_riemann(twin), rtol=1e-7)
    assert res.reason[0] == "" and "flat" in res.reason[1]
    assert np.isnan(res.covariances[1]).all() and np.isnan(res.regularization[1])


@pytest.mark.parametrize(
    "kwargs,msg",
    [
        (
            {"window": 100, "window_mean": "geometric"},
            r"window_mean must be one of \['arithmetic', "
            r"'riemann'\]",
        ),
        ({"window_mean": "median"}, "arithmetic"),
        ({"window": 100, "window_mean": "riemann", "reg": 0.0}, "reg > 0"),
    ],
)
def test_bad_window_mean(rng, kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        lead_covariances(rng.standard_normal((2, 3, 300)), **kwargs)
    if "reg" not in kwargs:
        with pytest.raises(ValueError, match="window_mean must be one of"):
            LeadCovariances(fs=100, window_s=1.0, window_mean=kwargs["window_mean"]).fit(
                rng.standard_normal((2, 3, 300))
            )


def test_transformer_round_trip_with_window_s(rng):
    X = rng.standard_normal((4, 3, 500))
    X[:, :, 250:] *= 2.0
    est = LeadCovariances("oas", fs=100, window_s=1.0, window_mean="riemann", n_lags=2)
    assert est.get_params()["window_mean"] == "riemann"
    C = est.fit_transform(X)
    direct = lead_covariances(X, estimator="oas", n_lags=2, window=100, window_mean="riemann")
    np.testing.assert_array_equal(C, direct.covariances)
    assert C.shape == (4, 6, 6) and np.all(np.linalg.eigvalsh(C)[:, 0] > 0)
    ari = LeadCovariances("oas", fs=100, window_s=1.0, n_lags=2).fit_transform(X)
    assert LeadCovariances().get_params()["window_mean"] == "arithmetic"
    assert not np.allclose(C, ari, rtol=1e-3)
    from sklearn.base import clone

    np.testing.assert_array_equal(clone(est).fit_transform(X), C)


def _lr_data(rng, n=90, p=30):
    groups = np.repeat(np.arange(n // 2), 2)
    F = rng.standard_normal((n, p))
    age = rng.normal(60, 15, n)
    sex = rng.integers(0, 2, n).astype(float)
    y = (F[:, 0] + 0.05 * (age - 60) + 0.5 * sex + rng.standard_normal(n) > 0).astype(int)
    return np.column_stack([F, age, sex]), y, groups


def test_lr_cv_covariate_scale_one_is_the_plain_pipeline(rng):
    F, y, groups = _lr_data(rng)
    tr, te = slice(0, 60), slice(60, None)
    plain = _lr_cv(F[tr], y[tr], groups[tr]).predict_proba(F[te])
    ones = _lr_cv(F[tr], y[tr], groups[tr], n_covariates=2, covariate_scale=1.0)
    np.testing.assert_allclose(ones.predict_proba(F[te]), plain, rtol=1e-8, atol=1e-10)


def test_lr_cv_covariate_scale_equals_scaling_standardised_columns(rng):
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import GroupKFold
    from sklearn.preprocessing import StandardScaler

    F, y, groups = _lr_data(rng)
    tr, te = slice(0, 60), slice(60, None)
    k = 10.0
    got = _lr_cv(F[tr], y[tr], groups[tr], n_covariates=2, covariate_scale=k)
    # twin (as the exploration script): blocks standardised separately, covariates x k
    sf, sa = StandardScaler().fit(F[tr, :-2]), StandardScaler().fit(F[tr, -2:])
    Ztr = np.hstack([sf.transform(F[tr, :-2]), k * sa.transform(F[tr, -2:])])
    Zte = np.hstack([sf.transform(F[te, :-2]), k * sa.transform(F[te, -2:])])
    inner = list(GroupKFold(3).split(Ztr, y[tr], groups[tr]))
    ref = LogisticRegressionCV(
        Cs=np.logspace(-3, 1, 5),
        l1_ratios=(0.0,),
        cv=inner,
        scoring="roc_auc",
        max_iter=5000,
        class_weight="balanced",
        use_legacy_attributes=False,
    ).fit(Ztr, y[tr])
    np.testing.assert_allclose(
        got.decision_function(F[te]), ref.decision_function(Zte), rtol=1e-6, atol=1e-8
    )
    # the re-weighting changes the model (covariates are penalised less)
    plain = _lr_cv(F[tr], y[tr], groups[tr])
    assert not np.allclose(got.decision_function(F[te]), plain.decision_function(F[te]))


@pytest.mark.parametrize("window_mean", ["arithmetic", "riemann"])
def test_all_nan_record_with_windows_is_flagged_without_warning(rng, window_mean):
    import warnings

    X = rng.standard_normal((3, 4, 1000))
    X[1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = lead_covariances(X, estimator="oas", window=200, window_mean=window_mean)
    assert np.isnan(res.covariances[1]).all() and "finite" in res.reason[1]
    assert np.isfinite(res.covariances[[0, 2]]).all() and res.reason[0] == ""
