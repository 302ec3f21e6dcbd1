"""Registry item 18 (docs/benchmarks/af.md): ``AFPriorShiftModel(decision="inner-weights")``
calls ``argmax_k w_k p_k`` with class weights chosen from a fixed grid by the chosen
candidate's target-weighted out-of-fold mean N/A/O F1; probabilities, fits, priors and the
candidate choice are the default's."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af import AFPriorShiftModel, record_scores
from geoecg.estimators.af._decision import DECISION_WEIGHT_GRID, choose_weights, weighted_call


def _data(seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 40)
    shift = {"N": 0.0, "A": 1.2, "O": 0.6, "~": -1.0}
    X = rng.normal(size=(y.size, 3)) + np.array([shift[c] for c in y])[:, None]
    Xt = rng.normal(size=(200, 3))
    yt = rng.choice(["N", "A", "O", "~"], size=200, p=[0.6, 0.09, 0.28, 0.03])
    Xt += np.array([shift[c] for c in yt])[:, None]
    return X, y, Xt, yt


def _model(decision):
    lr = PriorShiftClassifier(LogisticRegression(), cv=3, n_bootstrap=0, random_state=0)
    return AFPriorShiftModel({"lr": (lr, None)}, decision=decision)


def test_grid_starts_with_argmax_and_weighted_call_checks_shape():
    assert DECISION_WEIGHT_GRID[0] == {"N": 1.0, "A": 1.0, "O": 1.0, "~": 1.0}
    assert len(DECISION_WEIGHT_GRID) == 18
    p = np.array([[0.5, 0.3, 0.2, 0.0], [0.1, 0.45, 0.45, 0.0]])
    classes = np.array(["N", "O", "A", "~"])
    assert weighted_call(p, DECISION_WEIGHT_GRID[0], classes).tolist() == ["N", "O"]
    assert weighted_call(p, {"O": 2.0}, classes).tolist() == ["O", "O"]
    assert weighted_call(p, {"A": 2.0}, classes).tolist() == ["N", "A"]
    with pytest.raises(ValueError, match="proba must be"):
        weighted_call(p[:, :3], {}, classes)


def test_inner_weights_change_only_the_call():
    X, y, Xt, yt = _data()
    base = _model("argmax").fit(X, y).adapt(Xt)
    att = _model("inner-weights").fit(X, y).adapt(Xt)
    assert base.decision_weights_ == {"A": 1.0, "N": 1.0, "O": 1.0, "~": 1.0}
    assert att.decision_weights_ in DECISION_WEIGHT_GRID
    np.testing.assert_array_equal(base.predict_proba(Xt), att.predict_proba(Xt))
    assert base.inner_scores_ == att.inner_scores_ and base.chosen_ == att.chosen_
    # the chosen weights score at least arg-max's inner score (the grid holds arg-max)
    assert att.decision_score_ >= base.inner_scores_["lr"] - 1e-9
    w, s = choose_weights(att.chosen_adapter_)
    assert w == att.decision_weights_ and s == att.decision_score_
    p = att.predict_proba(Xt)
    classes = att.chosen_adapter_.classes_
    np.testing.assert_array_equal(att.predict(Xt), weighted_call(p, w, classes))
    np.testing.assert_array_equal(base.predict(Xt), base.chosen_adapter_.classes_[p.argmax(1)])
    rep, rb = att.report(Xt, yt), base.report(Xt, yt)
    assert rep["rows"]["em"]["f1"] == record_scores(yt, att.predict(Xt))["f1"]
    assert rb["rows"]["em"]["f1"] == record_scores(yt, base.predict(Xt))["f1"]
    assert att.decision_weights_ != DECISION_WEIGHT_GRID[0]  # this cohort: weights do move
    assert rep["rows"]["em"]["f1"] != rb["rows"]["em"]["f1"]
    assert rep["decision_weights"] == w and "decision_weights" not in rb


def test_bad_decision_is_refused():
    X, y, Xt, _ = _data()
    m = _model("f1").fit(X, y)
    with pytest.raises(ValueError, match="decision must be one of"):
        m.adapt(Xt)
