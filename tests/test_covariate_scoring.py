"""Scoring covariate-adjusted models in cross_validate / GridSearchCV (metadata routing)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.metrics import log_loss, roc_auc_score
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_score,
    cross_validate,
)

from geoecg.estimators import CovariateAdjustedClassifier, CovariateAdjustedGLM
from geoecg.evaluation import covariate_scorer
from geoecg.simulate import AnticausalSCM, Environment


@pytest.fixture(scope="module")
def sample():
    return AnticausalSCM().sample(600, Environment(), random_state=0)


def _manual(est, s, cv, metric, method="predict_proba"):
    """The fold scores computed by hand: fit on train rows, predict with test covariates."""
    out = []
    W = s.covariates
    for tr, te in cv.split(s.X):
        m = sklearn.clone(est).fit(s.X[tr], s.y[tr], covariates=W.iloc[tr])
        p = getattr(m, method)(s.X[te], covariates=W.iloc[te])
        out.append(metric(s.y[te], p[:, 1] if p.ndim == 2 and metric is roc_auc_score else p))
    return np.array(out)


@pytest.mark.parametrize("est", [CovariateAdjustedClassifier(), CovariateAdjustedGLM()])
def test_cross_val_score_with_covariate_scorer_equals_manual_folds(est, sample):
    cv = KFold(3, shuffle=True, random_state=1)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = sklearn.clone(est).set_fit_request(covariates=True)
        auc = cross_val_score(
            clf,
            sample.X,
            sample.y,
            cv=cv,
            scoring=covariate_scorer("roc_auc"),
            params={"covariates": sample.covariates},
        )
    assert np.isfinite(auc).all()
    np.testing.assert_allclose(auc, _manual(est, sample, cv, roc_auc_score), rtol=1e-12)


def test_cross_validate_multimetric_and_grid_search(sample):
    cv = KFold(3, shuffle=True, random_state=2)
    scoring = {"auc": covariate_scorer("roc_auc"), "nll": covariate_scorer("neg_log_loss")}
    with sklearn.config_context(enable_metadata_routing=True):
        clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
        res = cross_validate(
            clf,
            sample.X,
            sample.y,
            cv=cv,
            scoring=scoring,
            params={"covariates": sample.covariates},
        )
        np.testing.assert_allclose(-res["test_nll"], _manual(clf, sample, cv, log_loss), rtol=1e-12)
        search = GridSearchCV(
            clf, {"drop_first": [False, True]}, cv=cv, scoring=covariate_scorer("roc_auc")
        )
        search.fit(sample.X, sample.y, covariates=sample.covariates)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert 0.5 < search.best_score_ <= 1.0


def test_plain_string_scorer_explains_itself(sample):
    """scoring="roc_auc" cannot pass covariates: the warning says what to use instead."""
    with (
        sklearn.config_context(enable_metadata_routing=True),
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
        auc = cross_val_score(
            clf,
            sample.X,
            sample.y,
            cv=2,
            scoring="roc_auc",
            params={"covariates": sample.covariates},
        )
    assert np.isnan(auc).all()
    assert any("covariate_scorer('roc_auc')" in str(w.message) for w in caught)


def test_scorer_without_covariates_is_a_clear_error(sample):
    clf = CovariateAdjustedClassifier().fit(sample.X, sample.y, covariates=sample.covariates)
    with pytest.raises(ValueError, match="covariate_scorer got no covariates"):
        covariate_scorer("roc_auc")(clf, sample.X, sample.y)
    with pytest.raises(TypeError, match="scoring must be"):
        covariate_scorer(3)
    s = covariate_scorer("accuracy")
    assert s(clf, sample.X, sample.y, covariates=sample.covariates) == pytest.approx(
        clf.score(sample.X, sample.y, covariates=sample.covariates)
    )
