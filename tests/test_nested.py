"""Nested, patient-grouped evaluation (:func:`geoecg.evaluation.nested.nested_evaluate`)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import GroupKFold
from sklearn.tree import DecisionTreeClassifier

from geoecg.evaluation.nested import nested_evaluate


def _data(seed=0, n_groups=12, per=30):
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(n_groups), per)
    # patient-specific offsets: what a model can over-fit to
    X = rng.normal(size=(g.size, 4)) + rng.normal(scale=0.5, size=(n_groups, 4))[g]
    y = np.where(X[:, 0] + 0.5 * X[:, 1] + rng.normal(scale=0.7, size=g.size) > 0.3, "S", "N")
    return X, y, g


PIPES = {
    "tree": (DecisionTreeClassifier(random_state=0), {"max_depth": [1, 3, 8]}),
    "lr": (LogisticRegression(), {"C": [0.001, 0.1, 10.0]}),
    "plain": DecisionTreeClassifier(max_depth=2, random_state=0),
}
SCORING = make_scorer(f1_score, pos_label="S")


def test_test_patients_labels_reach_no_choice_and_no_prediction():
    X, y, g = _data()
    outer = GroupKFold(n_splits=4)
    base = nested_evaluate(PIPES, X, y, g, outer_cv=outer, inner_cv=3, scoring=SCORING)
    rng = np.random.default_rng(1)
    for k in (0, 3):
        test = base["tree"].fold == k
        y2 = y.copy()
        y2[test] = rng.permutation(y[test])  # shuffle the test patients' labels ...
        y2[np.flatnonzero(test)[::3]] = "S"  # ... and change their class balance too
        assert (y2[test] != y[test]).any()
        res = nested_evaluate(PIPES, X, y2, g, outer_cv=outer, inner_cv=3, scoring=SCORING)
        for name in PIPES:
            assert res[name].choices[k] == base[name].choices[k], name
            np.testing.assert_equal(res[name].inner_scores[k], base[name].inner_scores[k])
            np.testing.assert_array_equal(res[name].y_pred[test], base[name].y_pred[test])


def test_training_labels_do_change_choices():
    """Control for the test above: the same perturbation on TRAINING patients is seen."""
    X, y, g = _data()
    outer = GroupKFold(n_splits=4)
    base = nested_evaluate({"tree": PIPES["tree"]}, X, y, g, outer_cv=outer, scoring=SCORING)
    train0 = base["tree"].fold != 0
    y2 = y.copy()
    y2[train0] = np.random.default_rng(2).permutation(y[train0])
    res = nested_evaluate({"tree": PIPES["tree"]}, X, y2, g, outer_cv=outer, scoring=SCORING)
    t0 = base["tree"].fold == 0
    changed = (
        res["tree"].choices[0] != base["tree"].choices[0]
        or (res["tree"].y_pred[t0] != base["tree"].y_pred[t0]).any()
    )
    assert changed


def test_inner_splits_never_mix_patients(monkeypatch):
    X, y, g = _data(n_groups=8)
    seen = []

    class Spy(GroupKFold):
        def split(self, X, y=None, groups=None):
            assert groups is not None, "groups were not routed to the inner CV"
            for tr, te in super().split(X, y, groups):
                seen.append((set(groups[tr]), set(groups[te])))
                yield tr, te

    res = nested_evaluate(
        {"tree": PIPES["tree"]}, X, y, g, outer_cv=4, inner_cv=Spy(n_splits=3), scoring=SCORING
    )
    assert seen and all(not (a & b) for a, b in seen)
    # every sample predicted once, by the fold that held its patient out
    assert (res["tree"].fold >= 0).all()
    for k in range(4):
        assert np.unique(g[res["tree"].fold == k]).size == 2


def test_leave_one_patient_out_default_and_plain_pipeline():
    X, y, g = _data(n_groups=5, per=20)
    res = nested_evaluate({"plain": PIPES["plain"]}, X, y, g)
    r = res["plain"]
    assert len(r.choices) == 5 and r.choices[0] == {} and np.isnan(r.inner_scores[0])
    assert set(np.unique(r.fold)) == set(range(5))


@pytest.mark.parametrize(
    ("kwargs", "err"),
    [
        ({"pipelines": {}}, "non-empty"),
        ({"groups": np.zeros(3)}, "one entry per sample"),
        ({"outer_cv": 1}, "outer_cv"),
        ({"inner_cv": "x"}, "inner_cv"),
    ],
)
def test_bad_input(kwargs, err):
    X, y, g = _data(n_groups=4, per=5)
    args = {"pipelines": {"plain": PIPES["plain"]}, "X": X, "y": y, "groups": g}
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=err):
        nested_evaluate(
            args.pop("pipelines"), args.pop("X"), args.pop("y"), args.pop("groups"), **args
        )
