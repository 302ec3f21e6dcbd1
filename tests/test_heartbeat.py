"""HeartbeatClassifier, class weights and the AAMI report of ``geoecg bench beats``."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.estimators import HeartbeatClassifier
from geoecg.estimators.heartbeat import class_weights
from geoecg.evaluation.aami import aami_report


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


def test_predict_is_the_most_probable_class(rng):
    X, y = _toy(rng)
    clf = HeartbeatClassifier(n_estimators=20, random_state=0).fit(X, y)
    P = clf.predict_proba(X)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(P, axis=1)])
    assert "decision_scale" not in clf.get_params()  # removed: no nested evidence


def test_max_per_class_caps_each_class_and_is_seeded(monkeypatch):
    import xgboost

    seen = []
    orig = xgboost.XGBClassifier.fit

    def spy(self, X, y, sample_weight=None, **kw):
        seen.append((np.bincount(y), sample_weight.copy()))
        return orig(self, X, y, sample_weight=sample_weight, **kw)

    monkeypatch.setattr(xgboost.XGBClassifier, "fit", spy)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    y = np.array(["N"] * 250 + ["S"] * 30 + ["V"] * 20)
    clf = HeartbeatClassifier(n_estimators=3, max_per_class=40, random_state=1).fit(X, y)
    counts, w = seen[-1]
    assert counts.tolist() == [40, 30, 20]
    # balanced weights of the kept beats: every class weighs the same in total
    yk = np.repeat([0, 1, 2], counts)
    assert np.allclose([w[yk == k].sum() for k in range(3)], 30.0)
    P1 = clf.predict_proba(X)
    P2 = clone(clf).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(P1, P2)
    with pytest.raises(ValueError, match="max_per_class"):
        HeartbeatClassifier(max_per_class=0).fit(X, y)


def test_make_beat_pipeline_selects_then_classifies():
    from geoecg.estimators.heartbeat import BEAT_SELECTION_GRID, make_beat_pipeline

    rng = np.random.default_rng(2)
    names = ["rr_pre", "dom_rr_pre", "rs_rr_pre", "rs_dom_rr_pre"]
    pre = np.r_[rng.normal(1.0, 0.05, 100), rng.normal(0.6, 0.05, 20)]
    X = np.column_stack([pre * 800, pre, pre - 1.0, pre - 1.0])
    y = np.array(["N"] * 100 + ["S"] * 20)
    pipe = make_beat_pipeline(names, adapt=False, n_estimators=10, random_state=0).fit(X, y)
    assert pipe[0].get_feature_names_out().tolist() == ["dom_rr_pre"]
    assert (pipe.predict(X) == y).mean() > 0.95
    pipe.set_params(select__adapt=True).fit(X, y)
    assert pipe[0].get_feature_names_out().tolist() == ["rs_dom_rr_pre"]
    pipe.set_params(select__adapt="both").fit(X, y)
    assert pipe[0].get_feature_names_out().tolist() == ["dom_rr_pre", "rs_dom_rr_pre"]
    keys = {k for g in BEAT_SELECTION_GRID for k in g}
    assert keys <= set(pipe.get_params())
    with pytest.raises(ValueError, match="rs_"):  # adaptation without the copies
        make_beat_pipeline(names[:2], adapt="both", n_estimators=2).fit(X[:, :2], y)
