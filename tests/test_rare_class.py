"""RareClassStep: a rare class (AAMI F) called only above an inner-CV threshold (issue 17)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
from geoecg.estimators.rare_class import (
    RARE_CLASS_THRESHOLDS,
    RareClassStep,
    rare_class_beat_tables,
    rare_class_step,
)
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES


def test_step_moves_only_weak_rare_calls():
    D = np.array([[0.2, 0.3, 0.5], [0.05, 0.05, 0.9], [0.6, 0.1, 0.3], [0.1, 0.45, 0.45]])
    lab = np.argmax(D, axis=1)
    np.testing.assert_array_equal(rare_class_step(lab, D, 2, None), lab)
    assert rare_class_step(lab, D, 2, 0.8).tolist() == [1, 2, 0, 1]
    assert rare_class_step(lab, D, 2, np.inf).tolist() == [1, 0, 0, 1]  # first of ties
    assert rare_class_step(lab[:0], D[:0], 2, 0.5).shape == (0,)  # no rows


def _records(rng, n_groups=8, n=150):
    """N / V / F records in 2-D; F sits between N and V."""
    Xs, ys = [], []
    centre = {"N": (0.0, 0.0), "V": (4.0, 0.0), "F": (2.0, 0.0)}
    for _ in range(n_groups):
        u = rng.random(n)
        y = np.where(u < 0.6, "N", np.where(u < 0.95, "V", "F"))
        Xs.append(np.array([centre[c] for c in y]) + rng.normal(0.0, 0.6, size=(n, 2)))
        ys.append(y)
    return np.vstack(Xs), np.concatenate(ys), np.repeat(np.arange(n_groups), n)


def _model(**kw):
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 1.0)])
    st = RecordSelfTraining(ada, feature_names=["a", "b"], local_features=["a", "b"])
    return RareClassStep(st, **{"score_labels": ["V"], **kw})


def test_fit_predict_clone_and_inner_choice():
    X, y, g = _records(np.random.default_rng(0))
    clf = _model()
    assert clone(clf).get_params()["rare_class"] == "F"
    clf.fit(X, y, g)
    assert set(clf.inner_scores_) == set(RARE_CLASS_THRESHOLDS)
    best = max(clf.inner_scores_.values())
    assert clf.threshold_ == next(t for t in RARE_CLASS_THRESHOLDS if clf.inner_scores_[t] == best)
    Xt, _, gt = _records(np.random.default_rng(1), n_groups=2)
    pred = clf.predict(Xt, gt)
    base = clf.estimator_.predict(Xt, gt)
    assert pred.shape == base.shape
    changed = pred != base
    assert np.all(base[changed] == "F") and not np.any(pred[changed] == "F")
    # as now: the self-training's own calls, exactly
    now = clone(clf).set_params(thresholds=[None]).fit(X, y, g)
    np.testing.assert_array_equal(now.predict(Xt, gt), now.estimator_.predict(Xt, gt))


class _ScoresAreX(RecordSelfTraining):
    """Stand-in whose decision scores are the rows of X (to pose F over-calling exactly)."""

    def fit(self, X, y, groups=None):
        self.classes_ = np.unique(y)
        self.estimator_, self.threshold_ = None, None
        self.oof_scores_ = np.asarray(X, dtype=np.float64)
        return self

    def _run(self, X, groups):
        D = np.asarray(X, dtype=np.float64)
        return self.classes_[np.argmax(D, axis=1)], {}, D


def _over_called(rng, n=600):
    """Scores (columns F, N, V) where a third of the V beats lean F (0.45-0.75) while true
    F beats are sure (>= 0.9): F is over-called on V beats."""
    y = rng.choice(np.array(["N", "V", "F"]), size=n, p=[0.6, 0.35, 0.05])
    D = np.zeros((n, 3))
    D[y == "F"] = [0.92, 0.03, 0.05]
    D[y == "N"] = [0.02, 0.95, 0.03]
    D[y == "V"] = [0.05, 0.05, 0.9]
    lean = (y == "V") & (rng.random(n) < 0.33)
    f = rng.uniform(0.45, 0.75, lean.sum())
    D[lean] = np.column_stack([f, 0.05 * np.ones_like(f), 0.95 - f])
    return D, y


def test_corrects_v_beats_called_f():
    """Over-calling of F on V beats in the training patients: the inner choice keeps only
    the sure F calls and gives the leaning V beats back on new records."""
    D, y = _over_called(np.random.default_rng(2))
    clf = RareClassStep(_ScoresAreX(), score_labels=["V"]).fit(D, y, np.arange(y.size) % 4)
    assert clf.threshold_ == 0.8  # first of the best (0.8 and 0.95 tie), never: F lost to V
    assert clf.inner_scores_[0.8] > clf.inner_scores_[None]
    assert clf.inner_scores_[0.8] > clf.inner_scores_[float("inf")]
    Dt, yt = _over_called(np.random.default_rng(3))
    base, fixed = clf.estimator_.predict(Dt), clf.predict(Dt)
    v = yt == "V"
    assert (base[v] == "F").mean() > 0.2
    assert (fixed[v] == "V").all()
    np.testing.assert_array_equal(fixed[yt == "F"], "F")  # the sure F calls are kept


def test_degenerate_and_bad_input():
    X, y, g = _records(np.random.default_rng(4), n_groups=4, n=60)
    no_f = np.where(y == "F", "N", y)
    clf = _model().fit(X, no_f, g)  # rare class absent: nothing chosen, the calls as now
    assert clf.threshold_ is None and "not in the training labels" in clf.reason_
    np.testing.assert_array_equal(
        clf.predict(X[:60], g[:60]), clf.estimator_.predict(X[:60], g[:60])
    )
    one = _model().fit(X[:60], y[:60], g[:60])  # one group: the adapter does not calibrate
    assert one.threshold_ is None and one.reason_ is not None
    assert one.predict(X[:5]).shape == (5,)
    with pytest.raises(TypeError, match="RecordSelfTraining"):
        RareClassStep(LogisticRegression()).fit(X, y, g)
    with pytest.raises(ValueError, match="thresholds"):
        _model(thresholds=[0.0]).fit(X, y, g)


def _tables(rng, n_rec=6, n=80):
    names = np.array(LOCAL_BEAT_FEATURES)
    out = []
    for _ in range(n_rec):
        u = rng.random(n)
        y = np.where(u < 0.6, "N", np.where(u < 0.9, "V", "F"))
        X = rng.normal(size=(n, names.size))
        X[:, :3] += 2.0 * (y == "V")[:, None] + 1.0 * (y == "F")[:, None]
        out.append({"X": X, "names": names, "y": y})
    return out


def test_nested_test_labels_never_reach_a_choice():
    """Label-permutation check: shuffling the labels of one outer fold's test records
    changes none of that fold's predictions or its F threshold."""
    tables = _tables(np.random.default_rng(5))
    kw = dict(
        records=[f"r{i}" for i in range(6)],
        groups=[f"p{i}" for i in range(6)],
        outer_folds=2,
        seed=0,
        feature_set="all",
        adapt="both",
        n_estimators=3,
        max_per_class=200,
        random_state=0,
    )
    y, f1, a1, n, folds = rare_class_beat_tables(tables, **kw)
    test0 = [int(r[1:]) for r in folds[0]["test"]]
    perm = [dict(t) for t in tables]
    for i in test0:
        perm[i]["y"] = np.random.default_rng(i).permutation(tables[i]["y"])
    y2, f2, a2, _, folds2 = rare_class_beat_tables(perm, **kw)
    m = np.isin(np.repeat(np.arange(len(n)), n), test0)
    assert m.any() and not np.array_equal(y[m], y2[m])
    np.testing.assert_array_equal(f1[m], f2[m])
    np.testing.assert_array_equal(a1[m], a2[m])
    assert folds[0]["f_threshold"] == folds2[0]["f_threshold"]
    assert folds[0]["f_inner_scores"] == folds2[0]["f_inner_scores"]
