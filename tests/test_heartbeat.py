"""HeartbeatClassifier, class weights and the AAMI report of ``geoecg bench beats``."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.bench.beats import aami_report
from geoecg.estimators import HeartbeatClassifier
from geoecg.estimators.heartbeat import class_weights


def _toy(rng, n=300):
    X = rng.normal(size=(n, 4))
    y = np.full(n, "N", dtype="<U1")
    y[X[:, 0] > 1.0] = "V"
    y[X[:, 1] > 1.3] = "S"
    X[rng.random(n) < 0.05, 2] = np.nan  # missing features are legal
    return X, y


def test_fit_predict_learns_and_is_reproducible(rng):
    X, y = _toy(rng)
    clf = HeartbeatClassifier(n_estimators=30, random_state=0)
    assert clf.fit(X, y) is clf
    assert clf.classes_.tolist() == ["N", "S", "V"]
    P = clf.predict_proba(X)
    assert P.shape == (len(y), 3)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-5)
    assert np.mean(clf.predict(X) == y) > 0.95
    again = clone(clf).fit(X, y)
    np.testing.assert_array_equal(again.predict_proba(X), P)


def test_class_weights_rules():
    y = np.array(["N"] * 8 + ["S"] * 2)
    bal = class_weights(y, "balanced")
    assert bal[0] == pytest.approx(10 / (2 * 8)) and bal[-1] == pytest.approx(10 / (2 * 2))
    np.testing.assert_allclose(class_weights(y, "sqrt"), np.sqrt(bal))
    assert class_weights(y, None).tolist() == [1.0] * 10
    assert class_weights(y, {"S": 3.0}).tolist() == [1.0] * 8 + [3.0] * 2
    with pytest.raises(ValueError, match="class_weight"):
        class_weights(y, "bogus")


def test_balanced_weights_raise_minority_sensitivity(rng):
    X = rng.normal(size=(600, 3))
    y = np.where(X[:, 0] + 0.8 * rng.normal(size=600) > 2.0, "S", "N")
    kw = dict(n_estimators=20, max_depth=2, random_state=0)
    plain = HeartbeatClassifier(class_weight=None, **kw).fit(X, y).predict(X)
    bal = HeartbeatClassifier(class_weight="balanced", **kw).fit(X, y).predict(X)
    se = lambda p: np.mean(p[y == "S"] == "S")  # noqa: E731
    assert se(bal) > se(plain)


def test_single_class_and_errors(rng):
    X = rng.normal(size=(20, 2))
    clf = HeartbeatClassifier(n_estimators=5).fit(X, np.full(20, "N"))
    assert clf.predict(X).tolist() == ["N"] * 20
    with pytest.raises(NotFittedError):
        HeartbeatClassifier().predict(X)
    with pytest.raises(ValueError, match="features"):
        clf.predict(rng.normal(size=(3, 5)))
    with pytest.raises(ValueError, match="n_estimators"):
        HeartbeatClassifier(n_estimators=0).fit(X, np.r_[["N"] * 10, ["S"] * 10])


def test_sklearn_estimator_checks():
    from sklearn.utils.estimator_checks import check_estimator

    expected = {
        # xgboost's weighted quantile sketch (histogram bin edges) differs from the sketch
        # of repeated rows, so weights 2 and a duplicated row give slightly different trees
        "check_sample_weight_equivalence_on_dense_data": "xgboost weighted quantile sketch",
    }
    check_estimator(
        HeartbeatClassifier(n_estimators=5, subsample=1.0, colsample_bytree=1.0, random_state=0),
        expected_failed_checks=expected,
        on_fail="raise",
        on_skip=None,
    )


def test_aami_report_hand_computed():
    # reference N N N S S V V F, predicted N N S S N V N F
    y = list("NNNSSVVF")
    p = list("NNSSNVNF")
    rep = aami_report(y, p)
    s = rep["classes"]["S"]
    assert s["se"] == pytest.approx(50.0) and s["ppv"] == pytest.approx(50.0)
    v = rep["classes"]["V"]
    assert v["se"] == pytest.approx(50.0) and v["ppv"] == pytest.approx(100.0)
    assert rep["accuracy"] == pytest.approx(500 / 8)
    # kappa by hand: po = 5/8; row sums N3 S2 V2 F1, column sums N4 S2 V1 F1
    pe = (3 * 4 + 2 * 2 + 2 * 1 + 1 * 1) / 64
    assert rep["kappa"] == pytest.approx((5 / 8 - pe) / (1 - pe))
    assert rep["j_index"] == pytest.approx(0.5 + 0.5 + 0.5 + 1.0)
    assert rep["jkappa"] == pytest.approx(rep["kappa"] / 2 + rep["j_index"] / 8)
    assert rep["confusion"][0] == [2, 1, 0, 0, 0]
    assert np.isnan(rep["classes"]["Q"]["se"])


def test_decision_scale_shifts_predictions_toward_a_class(rng):
    X, y = _toy(rng)
    clf = HeartbeatClassifier(n_estimators=20, random_state=0).fit(X, y)
    base = clf.predict(X)
    more_s = clf.set_params(decision_scale={"S": 1e6}).predict(X)
    assert (more_s == "S").sum() >= (base == "S").sum()
    assert (more_s == "S").mean() > 0.9  # every beat with any S probability
    np.testing.assert_array_equal(clf.set_params(decision_scale={"S": 1.0}).predict(X), base)
    np.testing.assert_array_equal(clf.set_params(decision_scale={"Z": 5.0}).predict(X), base)
    with pytest.raises(ValueError, match="decision_scale"):
        clf.set_params(decision_scale={"S": -1.0}).predict(X)
    with pytest.raises(TypeError, match="decision_scale"):
        clf.set_params(decision_scale=[2.0]).predict(X)
