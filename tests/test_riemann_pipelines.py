"""Library objects behind the PTB-XL pipeline hankel-ens-cmts-lr+cov10."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn
from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.riemann import (
    AppendCovariates,
    CovariateScaler,
    InnerGroupSearch,
    MeanProbabilityClassifier,
    hankel_covariances,
    hankel_ensemble_classifier,
    hankel_tangent_classifier,
)


@parametrize_with_checks([CovariateScaler(n_covariates=1, scale=3.0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_covariate_scaler_equals_standard_scaler_then_weights():
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    F = rng.standard_normal((40, 5))
    cov = np.column_stack([rng.uniform(20, 90, 40), rng.integers(0, 2, 40)])
    cov[3, 0] = np.nan
    med = np.nanmedian(cov, axis=0)
    ref = StandardScaler().fit_transform(np.hstack([F, np.where(np.isnan(cov), med, cov)]))
    ref[:, -2:] *= 10.0
    got = CovariateScaler(n_covariates=2, scale=10.0).fit_transform(np.hstack([F, cov]))
    np.testing.assert_allclose(got, ref, atol=1e-12)
    with pytest.raises(ValueError, match="inf"):
        CovariateScaler().fit(np.hstack([np.full((3, 1), np.inf), np.ones((3, 2))]))
    with pytest.raises(ValueError, match="scale"):
        CovariateScaler(scale=0).fit(np.ones((3, 3)))
    with pytest.raises(ValueError, match="n_covariates"):
        CovariateScaler(n_covariates=4).fit(np.ones((3, 3)))


def test_append_covariates():
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match="covariates are required"):
        AppendCovariates().fit(X)
    a = AppendCovariates().fit(X, covariates=np.ones((4, 2)))
    assert a.transform(X, covariates=np.ones((4, 2))).shape == (4, 4)
    with pytest.raises(ValueError, match="columns"):
        a.transform(X, covariates=np.ones((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        a.transform(X, covariates=np.ones((3, 2)))


def test_mean_probability_needs_routing_for_metadata():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), np.repeat([0, 1], 15)
    clf = MeanProbabilityClassifier([LogisticRegression(), LogisticRegression(C=0.1)]).fit(X, y)
    p = clf.predict_proba(X)
    a = LogisticRegression().fit(X, y).predict_proba(X)
    b = LogisticRegression(C=0.1).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(p, (a + b) / 2)
    assert set(clf.predict(X)) <= {0, 1}
    with pytest.raises(ValueError, match="enable metadata routing"):
        clf.fit(X, y, groups=np.arange(30))
    with pytest.raises(ValueError, match="non-empty"):
        MeanProbabilityClassifier([]).fit(X, y)


def test_ensemble_on_signals_equals_precomputed_members(ptbxl_dir):
    """The factory on raw signals = the bench's composition on precomputed covariances."""
    from geoecg.datasets.ptbxl_tasks import load_task

    X, y, groups, covs = load_task(ptbxl_dir, "NORM-vs-MI")
    rng = np.random.default_rng(0)
    idx = np.r_[
        rng.choice(np.flatnonzero(y == 0), 24, replace=False),
        rng.choice(np.flatnonzero(y == 1), 24, replace=False),
    ]
    X, y, groups, covs = X[idx], y[idx], groups[idx], covs[idx]
    te = np.arange(48) % 4 == 0
    tr = ~te
    with sklearn.config_context(enable_metadata_routing=True):
        ens = hankel_ensemble_classifier(window_s=5.0).fit(
            X[tr], y[tr], covariates=covs[tr], groups=groups[tr]
        )
        p = ens.predict_proba(X[te], covariates=covs[te])[:, 1]
        parts = []
        for w in (None, 5.0):  # 5-s windows: 2 per record (fast)
            C = hankel_covariances(w).fit_transform(X)
            clf = hankel_tangent_classifier(covariate_scale=(1.0, 3.0, 10.0, 30.0)).fit(
                C[tr], y[tr], covariates=covs[tr], groups=groups[tr]
            )
            parts.append(clf.predict_proba(C[te], covariates=covs[te])[:, 1])
    assert p.shape == (int(te.sum()),)
    np.testing.assert_allclose(p, np.mean(parts, axis=0), atol=1e-10)
    assert C.shape[1:] == (36, 36)


def test_inner_group_search_chooses_on_training_patients():
    rng = np.random.default_rng(1)
    n = 60
    y = np.repeat([0, 1], n // 2)
    A = rng.standard_normal((n, 3, 40))
    A[y == 1, 0] *= 1.5
    C = A @ A.transpose(0, 2, 1) / 40
    covs = np.column_stack([rng.uniform(30, 80, n) + 10 * y, rng.integers(0, 2, n)])
    groups = np.arange(n) // 2
    clf = hankel_tangent_classifier(covariate_scale=[1.0, 10.0])
    assert isinstance(clf, InnerGroupSearch)
    with pytest.raises(ValueError, match="groups"):
        clf.fit(C, y, covariates=covs)
    clf.fit(C, y, groups=groups, covariates=covs)
    assert clf.best_params_["covariatescaler__scale"] in (1.0, 10.0)
    assert clf.cv_scores_.shape == (2,) and np.all((clf.cv_scores_ >= 0) & (clf.cv_scores_ <= 1))
    assert clf.predict_proba(C[:5], covariates=covs[:5]).shape == (5, 2)
    sel = np.r_[0:20, 30:50]
    fit = hankel_tangent_classifier(covariate_scale=[1.0, 10.0]).fit(
        C[sel], y[sel], groups=groups[sel], covariates=covs[sel]
    )
    # control: flipping some training labels does change the inner scores
    y3 = y[sel].copy()
    y3[[0, 1, 2, 20, 21, 22]] = 1 - y3[[0, 1, 2, 20, 21, 22]]
    fit3 = hankel_tangent_classifier(covariate_scale=[1.0, 10.0]).fit(
        C[sel], y3, groups=groups[sel], covariates=covs[sel]
    )
    assert not np.allclose(fit.cv_scores_, fit3.cv_scores_)
