"""RecordSelfTraining: label-free per-record self-training (issue 17, session 5)."""

import numpy as np
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.heartbeat import make_default_beat_model
from geoecg.estimators.record_prior import record_prior_beat_tables
from geoecg.estimators.record_self_training import (
    LOCAL_BEAT_FEATURES,
    SELF_TRAINING_THRESHOLDS,
    RecordSelfTraining,
    self_train_record,
    self_training_beat_tables,
)
from geoecg.features.beat_records import stack_beat_tables


def _two_clusters(rng, n=300, frac=0.3):
    """One record: class 1 (frac) far from class 0 in Z; P confident and right on 80 % of
    the beats, unsure and leaning to the wrong class on the rest."""
    y = (rng.random(n) < frac).astype(int)
    Z = rng.normal(0.0, 1.0, size=(n, 3)) + 6.0 * y[:, None]
    unsure = rng.random(n) < 0.2
    p1 = np.where(y == 1, 0.97, 0.03)
    p1[unsure] = np.where(y[unsure] == 1, 0.45, 0.55)  # the global model's wrong lean
    return np.column_stack([1.0 - p1, p1]), Z, y, unsure


def test_recovers_labels_of_a_two_cluster_record():
    rng = np.random.default_rng(0)
    P, Z, y, unsure = _two_clusters(rng)
    glob = np.argmax(P, axis=1)
    assert (glob[unsure] == y[unsure]).mean() == 0.0
    lab, why = self_train_record(P, Z, tau=0.9)
    assert why is None
    assert (lab[unsure] == y[unsure]).mean() > 0.95
    np.testing.assert_array_equal(lab[~unsure], glob[~unsure])  # confident calls kept
    # off: the global call
    off, why = self_train_record(P, Z, tau=None)
    assert why == "off" and np.array_equal(off, glob)
    # a majority-ectopic record (class 1 is 70 %) is recovered the same way
    P2, Z2, y2, u2 = _two_clusters(np.random.default_rng(1), frac=0.7)
    lab2, _ = self_train_record(P2, Z2, tau=0.9)
    assert (lab2[u2] == y2[u2]).mean() > 0.95


def test_guard_rails_and_nan_rows():
    rng = np.random.default_rng(2)
    P, Z, y, _ = _two_clusters(rng)
    one, why = self_train_record(P[:1], Z[:1], tau=0.9)
    assert one.tolist() == [int(np.argmax(P[0]))] and "min_samples" in why
    n0 = y == 0  # one class only: the global calls
    lab, why = self_train_record(P[n0], Z[n0], tau=0.9)
    assert "class(es)" in why and np.array_equal(lab, np.argmax(P[n0], axis=1))
    Zn = Z.copy()
    Zn[::7] = np.nan  # NaN rows: the record's median, no crash
    Zn[:, 2] = 5.0  # a constant column
    lab, why = self_train_record(P, Zn, tau=0.9)
    assert why is None and lab.shape == y.shape and set(lab) <= {0, 1}


def _grouped(rng, n_groups=6, n=120):
    """Groups whose class-1 beats shift in x0 by a group-specific offset."""
    Xs, ys = [], []
    for _ in range(n_groups):
        y = (rng.random(n) < 0.3).astype(int)
        X = rng.normal(size=(n, 3))
        X[:, 0] += 2.0 * y + rng.normal(0.0, 0.5)
        X[:, 1] += 3.0 * y
        Xs.append(X)
        ys.append(np.where(y == 1, "S", "N"))
    return np.vstack(Xs), np.concatenate(ys), np.repeat(np.arange(n_groups), n)


def _model(**kw):
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)])
    kw = {"feature_names": ["a", "b", "c"], "local_features": ["a", "b"], **kw}
    return RecordSelfTraining(ada, **kw)


def test_fit_predict_clone_and_inner_choice():
    rng = np.random.default_rng(3)
    X, y, g = _grouped(rng)
    clf = _model()
    assert clone(clf).get_params()["local_features"] == ["a", "b"]
    clf.fit(X, y, g)
    assert set(clf.inner_scores_) == set(SELF_TRAINING_THRESHOLDS)
    best = max(clf.inner_scores_.values())
    assert clf.threshold_ == next(
        t for t in SELF_TRAINING_THRESHOLDS if clf.inner_scores_[t] == best
    )
    a = clf.estimator_
    np.testing.assert_allclose(a.oof_proba_.sum(axis=1), 1.0)
    Xt, yt, gt = _grouped(np.random.default_rng(4), n_groups=2)
    pred = clf.predict(Xt, gt)
    assert pred.shape == yt.shape and set(pred) <= {"N", "S"}
    # each record is adapted on its own rows only
    np.testing.assert_array_equal(clf.predict(Xt[gt == 0]), pred[gt == 0])
    # threshold off: the adapter's own calls
    off = clone(clf).set_params(thresholds=[None]).fit(X, y, g)
    np.testing.assert_array_equal(off.predict(Xt, gt), off.estimator_.predict(Xt, gt))
    assert set(clf.record_reasons(Xt, gt)) == {0, 1}


def test_bad_parameters():
    rng = np.random.default_rng(5)
    X, y, g = _grouped(rng, n_groups=3, n=40)
    with pytest.raises(TypeError, match="RecordPriorAdapter"):
        RecordSelfTraining(LogisticRegression(), feature_names=["a", "b", "c"]).fit(X, y, g)
    with pytest.raises(ValueError, match="thresholds"):
        _model(thresholds=[1.5]).fit(X, y, g)
    with pytest.raises(ValueError, match="local_features"):
        _model(local_features=["zz"]).fit(X, y, g)
    with pytest.raises(ValueError, match="min_class"):
        _model(min_class=1).fit(X, y, g)
    with pytest.raises(ValueError, match="columns"):
        _model().fit(X[:, :2], y, g)
    t = {"X": X[:40], "names": np.array(["a", "b", "c"]), "y": y[:40]}
    with pytest.raises(ValueError, match="LOCAL_BEAT_FEATURES"):
        record_prior_beat_tables([t, t], [t], self_training=True)


def _tables(rng, n_rec=6, n=80):
    names = np.array(LOCAL_BEAT_FEATURES)
    out = []
    for _ in range(n_rec):
        y = np.where(rng.random(n) < 0.3, "S", "N")
        X = rng.normal(size=(n, names.size))
        X[:, :3] += 2.0 * (y == "S")[:, None]
        out.append({"X": X, "names": names, "y": y})
    return out


def test_nested_test_labels_never_reach_a_choice():
    """Label-permutation check: shuffling the labels of one outer fold's test records
    changes none of that fold's predictions (A1, R1 or R0)."""
    rng = np.random.default_rng(6)
    tables = _tables(rng)
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
        s_floor=False,  # NE: these tables lack dom_rr_pre
    )
    y, a1, r1, r0, n, folds = self_training_beat_tables(tables, **kw)
    test0 = [int(r[1:]) for r in folds[0]["test"]]
    perm = [dict(t) for t in tables]
    for i in test0:
        perm[i]["y"] = np.random.default_rng(i).permutation(tables[i]["y"])
    y2, a2, r2, q2, _, folds2 = self_training_beat_tables(perm, **kw)
    rows = np.repeat(np.arange(len(n)), n)
    m = np.isin(rows, test0)
    assert m.any() and not np.array_equal(y[m], y2[m])  # the labels did change
    np.testing.assert_array_equal(a1[m], a2[m])
    np.testing.assert_array_equal(r1[m], r2[m])
    np.testing.assert_array_equal(r0[m], q2[m])
    assert folds[0]["threshold"] == folds2[0]["threshold"]
    # the default protocols' path (record_prior_beat_tables) gives the same A1 and R0
    kw.pop("local_features", None)
    _, pa, p0, _, f3 = record_prior_beat_tables(tables, None, self_training=True, **kw)
    np.testing.assert_array_equal(pa, a1)
    np.testing.assert_array_equal(p0, r0)
    assert [f["threshold"] for f in f3] == [f["threshold"] for f in folds]
    _, pr, _, _, _ = record_prior_beat_tables(tables, None, self_training=False, **kw)
    np.testing.assert_array_equal(pr, r1)


def _full_repr(est):
    with sklearn.config_context(print_changed_only=False):
        return repr(est)


def test_beat_tables_fit_the_default_beat_model(monkeypatch):
    """``self_training_beat_tables`` fits ``make_default_beat_model``'s model (all its
    parameters), or with ``local_features`` given, that model's adapter under a
    ``RecordSelfTraining`` on those columns."""
    import geoecg.estimators.record_self_training as rst

    rng = np.random.default_rng(8)
    tables = _tables(rng)
    kw = dict(groups=[f"p{i}" for i in range(4)], n_estimators=3, max_per_class=200)
    fitted = []

    def spy(est, *a, **k):
        fitted.append(est)
        return clone(est, *a, **k)

    monkeypatch.setattr(rst, "clone", spy)
    # these tables lack dom_rr_pre: the protocol's default model is NE, and says so
    with pytest.warns(UserWarning, match="lack the dom_rr_pre column"):
        self_training_beat_tables(tables[:4], tables[4:], random_state=1, **kw)
    names = [str(c) for c in stack_beat_tables(tables[:4], True)[3]]
    with pytest.warns(UserWarning, match="lack the dom_rr_pre column"):
        want = make_default_beat_model(
            names, cv=2, n_estimators=3, max_per_class=200, random_state=1
        )
    assert _full_repr(fitted[0]) == _full_repr(want)
    assert list(fitted[0].local_features) == list(LOCAL_BEAT_FEATURES)

    fitted.clear()
    local = LOCAL_BEAT_FEATURES[:3]
    self_training_beat_tables(tables[:4], tables[4:], local_features=local, random_state=1, **kw)
    base = make_default_beat_model(
        names, self_training=False, cv=2, n_estimators=3, max_per_class=200, random_state=1
    )
    assert isinstance(fitted[0], RecordSelfTraining) and fitted[0].local_features == local
    assert _full_repr(fitted[0].estimator) == _full_repr(base)

    # tables without any LOCAL_BEAT_FEATURES column: an error naming them, unless the
    # per-record columns are given
    X = rng.normal(size=(80, 3))
    y = np.where(rng.random(80) < 0.3, "S", "N")
    X[:, 0] += 2.0 * (y == "S")
    t = {"X": X, "names": np.array(["a", "b", "c"]), "y": y}
    with pytest.raises(ValueError, match="LOCAL_BEAT_FEATURES"):
        self_training_beat_tables([t] * 4, [t], **kw)
    out = self_training_beat_tables([t] * 4, [t], local_features=["a"], feature_set="all", **kw)
    assert out[1].shape == y.shape
