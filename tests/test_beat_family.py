"""The beat classifier's model family (issue 17, session 5): HeartbeatClassifier(model=),
ModelFamilyAdapter and family_beat_tables."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score

from geoecg.estimators.beat_family import ModelFamilyAdapter, family_beat_tables
from geoecg.estimators.heartbeat import BEAT_MODELS, HeartbeatClassifier
from geoecg.estimators.record_prior import RecordPriorAdapter


def _table(rng, n=600):
    """Three classes, linearly separable up to noise, 5 % NaN, one heavy-tailed column."""
    X = rng.normal(size=(n, 4))
    y = np.where(X[:, 0] > 0.8, "S", np.where(X[:, 1] < -0.8, "V", "N"))
    X[:, 3] = rng.standard_cauchy(n)  # outliers: the robust scaling and clip must cope
    X[rng.random(X.shape) < 0.05] = np.nan
    return X, y


def test_linear_family_fits_and_predicts():
    rng = np.random.default_rng(0)
    X, y = _table(rng)
    lin = HeartbeatClassifier(model="linear", random_state=0).fit(X, y)
    assert lin.booster_ is None and lin.linear_ is not None
    P = lin.predict_proba(X)
    assert P.shape == (X.shape[0], 3) and np.allclose(P.sum(axis=1), 1.0)
    assert balanced_accuracy_score(y, lin.predict(X)) > 0.8
    Xt, yt = _table(rng)
    assert balanced_accuracy_score(yt, lin.predict(Xt)) > 0.8  # new rows, not memorised
    avg = HeartbeatClassifier(model="average", n_estimators=10, random_state=0).fit(X, y)
    fam = avg.family_proba(X)
    assert sorted(fam) == sorted(BEAT_MODELS)
    np.testing.assert_allclose(fam["average"], 0.5 * (fam["xgboost"] + fam["linear"]))
    np.testing.assert_allclose(avg.predict_proba(X), fam["average"])
    np.testing.assert_allclose(fam["linear"], P)  # same rows and weights as model="linear"
    # the trees of "average" are those of model="xgboost" (same seed, same rows)
    xgb = HeartbeatClassifier(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_array_equal(fam["xgboost"], xgb.predict_proba(X))
    assert clone(lin).get_params()["model"] == "linear"


def test_bad_model_values_name_the_argument():
    X, y = _table(np.random.default_rng(1), n=60)
    with pytest.raises(ValueError, match="model must be one of"):
        HeartbeatClassifier(model="lda").fit(X, y)
    g = np.repeat(np.arange(6), 10)
    base = HeartbeatClassifier(n_estimators=3)
    with pytest.raises(ValueError, match="models must be"):
        ModelFamilyAdapter(base, models=("xgboost", "lda")).fit(X, y, g)
    with pytest.raises(TypeError, match="HeartbeatClassifier"):
        ModelFamilyAdapter(LogisticRegression()).fit(X, y, g)


def _groups(rng, n_groups=6, n=150):
    parts = [_table(rng, n) for _ in range(n_groups)]
    X = np.vstack([a for a, _ in parts])
    y = np.concatenate([b for _, b in parts])
    return X, y, np.repeat(np.arange(n_groups), n)


def test_choice_is_the_best_family_and_xgboost_alone_is_the_record_prior_adapter():
    rng = np.random.default_rng(2)
    X, y, g = _groups(rng)
    base = HeartbeatClassifier(n_estimators=5, random_state=0)
    kw = dict(candidates=[("map", 0.0), ("balanced", 0.0)], score_labels=None)
    fam = ModelFamilyAdapter(base, **kw).fit(X, y, g)
    assert fam.family_scores_[fam.model_] == max(fam.family_scores_.values())
    assert fam.estimator_.model == fam.model_
    assert fam.inner_scores_[(fam.decision_, fam.shrinkage_)] == fam.family_scores_[fam.model_]
    Xt, _ = _table(rng, 200)
    rec = np.repeat([0, 1], 100)
    only = ModelFamilyAdapter(base, models=("xgboost",), **kw).fit(X, y, g)
    ref = RecordPriorAdapter(base, **kw).fit(X, y, g)
    np.testing.assert_array_equal(only.predict(Xt, rec), ref.predict(Xt, rec))
    assert only.inner_scores_ == ref.inner_scores_
    lin = ModelFamilyAdapter(base, models="linear", **kw).fit(X, y, g)
    assert lin.model_ == "linear" and lin.estimator_.booster_ is None


def _tables(rng):
    """Synthetic per-record beat tables (MIT-BIH names, columns of the transfer set)."""
    names = ["101", "106", "108", "109", "201", "202"]
    out = []
    for k, _ in enumerate(names):
        n = 100
        ps = 0.3 if k % 3 == 0 else 0.01
        y = np.where(rng.random(n) < ps, "S", np.where(rng.random(n) < 0.15, "V", "N"))
        dom = np.where(y == "S", 0.7, 1.0) + rng.normal(0, 0.1, n)
        wid = np.where(y == "V", 1.6, 1.0) + rng.normal(0, 0.1, n)
        X = np.c_[800 * dom, dom, wid]
        out.append({"X": X, "y": y, "names": np.array(["rr_pre", "dom_rr_pre", "dom_qrs_amp_l0"])})
    return names, out


def test_test_patients_labels_never_reach_their_fold():
    """Permuting the labels of one outer fold's test records changes none of its predictions,
    nor the family and decision chosen for it (label-permutation check)."""
    rng = np.random.default_rng(6)
    names, tables = _tables(rng)
    kw = dict(records=names, outer_folds=2, inner_folds=2, seed=0, n_estimators=5,
              max_per_class=None, random_state=0)  # fmt: skip
    y, pred, n, folds = family_beat_tables(tables, None, **kw)
    assert {f["choice"]["model"] for f in folds} <= set(BEAT_MODELS)
    test = set(folds[0]["test"])
    perm = []
    for name, t in zip(names, tables, strict=True):
        t = dict(t)
        if name in test:
            t["y"] = rng.permutation(
                np.where(t["y"] == "N", "V", np.where(t["y"] == "V", "S", "N"))
            )
        perm.append(t)
    y2, pred2, _, folds2 = family_beat_tables(perm, None, **kw)
    rows = np.repeat([w in test for w in names], n)
    assert rows.any() and not np.array_equal(y[rows], y2[rows])
    np.testing.assert_array_equal(pred[rows], pred2[rows])
    assert folds2[0] == folds[0]
    # train/test: fitted on some records, applied to others
    yt, pt, nt, f = family_beat_tables(tables[:4], tables[4:], n_estimators=5, random_state=0)
    assert yt.size == pt.size == nt.sum() and f[0]["choice"]["model"] in BEAT_MODELS
