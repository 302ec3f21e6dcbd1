"""PriorShiftClassifier(raw_prior_classes=): the listed classes' target priors from EM on the
base model's uncalibrated probabilities, the others in the calibrated estimate's proportions."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af.protocols import prior_shift_candidates
from geoecg.estimators.prior_estimation import em_priors


def _data(seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    y = np.repeat(np.array(["a", "b", "~"]), 120)
    X = centres[np.searchsorted(["a", "b", "~"], y)] + rng.normal(0, 1.0, (y.size, 2))
    yt = rng.choice(["a", "b", "~"], 300, p=[0.6, 0.35, 0.05])
    Xt = centres[np.searchsorted(["a", "b", "~"], yt)] + rng.normal(0, 1.0, (yt.size, 2))
    return X, y, Xt


def _model(**kw):
    return PriorShiftClassifier(
        LogisticRegression(C=0.05, max_iter=1000), n_bootstrap=0, random_state=0, **kw
    )


def test_listed_class_prior_from_uncalibrated_em_and_the_rest_in_proportion():
    X, y, Xt = _data()
    plain = _model().fit(X, y).adapt(Xt)
    mixed = _model(raw_prior_classes=["~"]).fit(X, y).adapt(Xt)
    raw = mixed.estimator_.predict_proba(Xt)
    want = em_priors(raw / raw.sum(1, keepdims=True), mixed.source_priors_)[0]
    t, t0 = mixed.target_priors_, plain.target_priors_
    assert t[2] == pytest.approx(want[2], abs=1e-9)
    assert t.sum() == pytest.approx(1.0)
    assert t[0] / t[1] == pytest.approx(t0[0] / t0[1], rel=1e-9)
    assert t[2] != pytest.approx(t0[2], abs=1e-4)  # the strong map (C=0.05) moves the prior
    np.testing.assert_array_equal(mixed.prior_estimate_.priors, plain.prior_estimate_.priors)
    # calls between the other classes are unchanged: only moves to or from the listed class
    p, p0 = mixed.predict(Xt), plain.predict(Xt)
    same = (p != "~") & (p0 != "~")
    np.testing.assert_array_equal(p[same], p0[same])
    assert "raw_prior_classes" in mixed.target_priors_reason_


def test_without_a_map_the_mix_is_the_plain_estimate():
    X, y, Xt = _data(1)
    a = _model(calibration=None).fit(X, y).adapt(Xt)
    b = _model(calibration=None, raw_prior_classes=["~"]).fit(X, y).adapt(Xt)
    np.testing.assert_allclose(b.target_priors_, a.target_priors_, atol=1e-12)


def test_set_after_fit_equals_fitted_with_it_and_none_is_the_default():
    X, y, Xt = _data(2)
    fitted = _model(raw_prior_classes=["~"]).fit(X, y).adapt(Xt)
    later = _model().fit(X, y)
    before = clone(later).fit(X, y).adapt(Xt).target_priors_
    np.testing.assert_array_equal(later.adapt(Xt).target_priors_, before)
    later.set_params(raw_prior_classes=["~"]).adapt(Xt)
    np.testing.assert_array_equal(later.target_priors_, fitted.target_priors_)
    assert PriorShiftClassifier().raw_prior_classes is None
    for adapter, _ in prior_shift_candidates(n_estimators=5).values():
        assert adapter.raw_prior_classes is None
    for adapter, _ in prior_shift_candidates(n_estimators=5, raw_prior_classes=["~"]).values():
        assert adapter.raw_prior_classes == ["~"]


@pytest.mark.parametrize("bad", [["x"], []])
def test_unknown_or_empty_class_list_is_refused(bad):
    X, y, Xt = _data(3)
    m = _model(raw_prior_classes=bad).fit(X, y)
    with pytest.raises(ValueError, match="raw_prior_classes must name classes"):
        m.adapt(Xt)
