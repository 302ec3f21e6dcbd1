"""Contract sweep of geoecg.estimators and geoecg.riemann (session 17), second part:
scikit-learn conventions (clone, no work in __init__, NotFittedError, n_features_in_,
Pipeline, seeds) and degenerate but legal input. Split out of
tests/test_robust_estimators.py (the bad-input tables) in session 20, unchanged; the seeded inputs
are the same arrays as there, from tests/_factories.py (session 21)."""

from __future__ import annotations

import numpy as np
import pytest
from _factories import estimator_inputs
from _factories import prior_shift as _psc
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from geoecg import estimators as ge  # ge.<name>: the estimators under test
from geoecg import riemann as gr  # gr.<name>: the Riemannian estimators and helpers

# the seeded arrays of test_robust_estimators.py (tests/_factories.py)
_X, _Y, _W, _C, _YC = estimator_inputs()


# ---- scikit-learn conventions --------------------------------------------------------


def _groups():
    return np.repeat(np.arange(8), 5)


def _owned(which):
    from geoecg.estimators import CinC2017Classifier, HeartbeatClassifier

    if which == "hb":
        return HeartbeatClassifier(n_estimators=5, max_depth=2, random_state=0)
    return CinC2017Classifier(n_estimators=5, random_state=0)


# name: (estimator, fit keywords, predict keywords, X, y, output method)
def _conventions() -> dict:
    dom = {"domains": np.repeat([0, 1], 20)}
    cov = {"covariates": _W}
    tangent = make_pipeline(gr.ClassMeanTangentSpace(), LogisticRegression())
    return {
        "PriorShiftClassifier": (_psc(), {}, {}, _X, _Y, "predict_proba"),
        "ImportanceWeightedClassifier": (
            ge.ImportanceWeightedClassifier(),
            {"covariates": _W, "target": _W[::2]},
            {},
            _X,
            _Y,
            "predict_proba",
        ),
        "CovariateAdjustedClassifier": (
            ge.CovariateAdjustedClassifier(),
            cov,
            cov,
            _X,
            _Y,
            "predict_proba",
        ),
        "CovariateAdjustedGLM": (ge.CovariateAdjustedGLM(), cov, cov, _X, _Y, "predict_proba"),
        "IRMClassifier": (ge.IRMClassifier(max_iter=20), dom, {}, _X, _Y, "predict_proba"),
        "VRExClassifier": (ge.VRExClassifier(max_iter=20), dom, {}, _X, _Y, "predict_proba"),
        "GroupDROClassifier": (
            ge.GroupDROClassifier(max_iter=20),
            dom,
            {},
            _X,
            _Y,
            "predict_proba",
        ),
        "AnchorClassifier": (ge.AnchorClassifier(max_iter=20), dom, {}, _X, _Y, "predict_proba"),
        "AnchorRegression": (ge.AnchorRegression(), dom, {}, _X, _X[:, 0] + _Y, "predict"),
        "RecordPriorAdapter": (
            ge.RecordPriorAdapter(LogisticRegression(), score_labels=None),
            {"groups": _groups()},
            {"groups": _groups()},
            _X,
            _Y,
            "predict_proba",
        ),
        "HeartbeatClassifier": (_owned("hb"), {}, {}, _X, _Y, "predict_proba"),
        "CinC2017Classifier": (_owned("cinc"), {}, {}, _X, _Y, "predict_proba"),
        "ClassMeanTangentSpace": (gr.ClassMeanTangentSpace(), {}, {}, _C, _YC, "transform"),
        "RiemannianRecentering": (gr.RiemannianRecentering(), {}, {}, _C, _YC, "transform"),
        "GeodesicAugmentedClassifier": (
            gr.GeodesicAugmentedClassifier(tangent, random_state=0),
            {},
            {},
            _C,
            _YC,
            "predict_proba",
        ),
    }


CONVENTION_IDS = sorted(_conventions())


@pytest.mark.parametrize("name", CONVENTION_IDS)
def test_sklearn_conventions(name):
    """clone and set_params round trip, __init__ only stores its arguments, NotFittedError
    before fit, fit returns self, the same output from a clone fitted with the same seed,
    and (2-D inputs) a ValueError naming X for a wrong feature count at predict."""
    est, fit_kw, pred_kw, X, y, method = _conventions()[name]
    params = est.get_params(deep=False)
    assert set(vars(est)) == set(params), "__init__ must only store its arguments"
    assert repr(clone(est)) == repr(est)
    assert repr(clone(est).set_params(**params)) == repr(est)
    with pytest.raises(NotFittedError):
        getattr(clone(est), method)(X, **pred_kw)
    fitted = clone(est)
    assert fitted.fit(X, y, **fit_kw) is fitted
    out = getattr(fitted, method)(X, **pred_kw)
    assert np.all(np.isfinite(out))
    again = getattr(clone(est).fit(X, y, **fit_kw), method)(X, **pred_kw)
    np.testing.assert_allclose(again, out, rtol=1e-10, atol=1e-12)  # reproducible
    assert repr(fitted.get_params(deep=False)) == repr(params)  # fit changes no parameter
    if X.ndim == 2:
        with pytest.raises(ValueError, match=r"X has 2 features|2 features"):
            getattr(fitted, method)(X[:, :2], **pred_kw)


@pytest.mark.parametrize(
    "name",
    ["PriorShiftClassifier", "IRMClassifier", "AnchorRegression", "GeodesicAugmentedClassifier"],
)
def test_inside_a_pipeline(name):
    """The estimator as the last step of a Pipeline gives what it gives alone (after the
    same preceding step)."""
    est, fit_kw, pred_kw, X, y, method = _conventions()[name]
    if X.ndim == 3:
        pre, step_kw = gr.RiemannianRecentering(), {}
    else:
        pre, step_kw = StandardScaler(), {}
    pipe = make_pipeline(clone(pre), clone(est))
    key = f"{type(est).__name__.lower()}__"
    pipe.fit(X, y, **{key + k: v for k, v in fit_kw.items()}, **step_kw)
    alone = clone(est).fit(clone(pre).fit_transform(X), y, **fit_kw)
    np.testing.assert_allclose(
        getattr(pipe, method)(X), getattr(alone, method)(pre.fit(X).transform(X)), atol=1e-10
    )


def test_seeded_augmentation_differs_between_seeds():
    """random_state is used: two seeds draw different geodesic samples, one seed the same."""
    a = gr.geodesic_augment(_C, _YC, random_state=0)
    b = gr.geodesic_augment(_C, _YC, random_state=0)
    c = gr.geodesic_augment(_C, _YC, random_state=1)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.allclose(a.X, c.X)


# ---- degenerate but legal input ------------------------------------------------------


def test_one_matrix_per_class():
    """One matrix per class: the class mean is that matrix (its tangent block is 0), and
    geodesic augmentation adds nothing (documented: single-member classes are skipped)."""
    C, y = _C[:2], np.array([0, 1])
    m = gr.ClassMeanTangentSpace().fit(C, y)
    np.testing.assert_allclose(m.means_, C, atol=1e-12)
    T = m.transform(C)
    p = T.shape[1] // 2
    assert np.abs(T[0, :p]).max() < 1e-10 and np.abs(T[1, p:]).max() < 1e-10
    assert np.abs(T[0, p:]).max() > 1e-3  # the other class's block is not
    g = gr.GeodesicAugmentedClassifier(
        make_pipeline(gr.ClassMeanTangentSpace(), LogisticRegression()), random_state=0
    ).fit(C, y)
    assert g.n_augmented_ == 0 and g.predict(C).tolist() == [0, 1]
    Z = gr.RiemannianRecentering().fit_transform(C, domains=[0, 1])
    np.testing.assert_allclose(Z, np.broadcast_to(np.eye(3), Z.shape), atol=1e-8)


def test_flat_lead_and_empty_record_covariances():
    """A flat lead still gives a finite SPD covariance (the eigenvalue floor / shrinkage),
    with no reason; an all-NaN record gives a NaN matrix and a reason."""
    x = np.random.default_rng(1).standard_normal((2, 3, 500))
    x[0, 1] = 0.0  # flat lead
    x[1] = np.nan  # no sample
    for est in ("scm", "oas"):
        r = gr.lead_covariances(x, estimator=est)
        assert np.linalg.eigvalsh(r.covariances[0])[0] > 0
        assert r.reason[0] == "" and r.reason[1] != ""
        assert np.isnan(r.covariances[1]).all()


def test_constant_feature_is_harmless():
    """A constant column: zero coefficient in the invariant models, finite probabilities
    in the prior-shift model, importance weights of 1 when source and target agree."""
    X = _X.copy()
    X[:, 1] = 5.0
    dom = np.repeat([0, 1], 20)
    for est in (ge.IRMClassifier(max_iter=20), ge.VRExClassifier(max_iter=20)):
        coef = est.fit(X, _Y, domains=dom).coef_
        assert coef[0, 1] == 0.0 and np.isfinite(coef).all()
    p = _psc().fit(X, _Y).predict_proba(X)
    assert np.isfinite(p).all() and np.allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(ge.density_ratio_weights(np.ones((5, 2)), np.ones((3, 2))), 1.0)


def test_probabilities_at_rounding_are_accepted():
    """Calibrated maps sum in floating point: 1 + 1e-12 and -1e-12 are probabilities."""
    P = np.array([[1.0 + 1e-12, -1e-12], [0.3, 0.7]])
    out = ge.prior_correct(P, [0.5, 0.5], [0.2, 0.8])
    assert np.isfinite(out).all() and np.allclose(out.sum(axis=1), 1.0)
    assert ge.em_priors(P, [0.5, 0.5])[2]
