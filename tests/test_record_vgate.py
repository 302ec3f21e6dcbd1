"""VBeatGate: a V-vs-rest gate on absolute columns over the default beat model, its
threshold chosen on V-stratified patient folds (issue 17, registry item 27)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
from geoecg.estimators.record_self_training import (
    LOCAL_BEAT_FEATURES,
    self_train_record,
    self_training_beat_tables,
)
from geoecg.estimators.record_vgate import (
    VBeatGate,
    gate_decision,
    v_strata_folds,
    vgate_beat_tables,
)


def _tables(rng, n_rec=6, n=150):
    """Records with N, S and V beats: S premature (``rr_pre_local``, a ``transfer``
    column), V with a larger R amplitude (``r_amp_l0``, absolute: in ``all`` only) and a
    record-specific width offset."""
    names = np.array(LOCAL_BEAT_FEATURES)
    rr, amp, width = (list(names).index(c) for c in ("rr_pre_local", "r_amp_l0", "qrs_width_l0"))
    out = []
    for _ in range(n_rec):
        y = rng.choice(np.array(["N", "S", "V"]), n, p=[0.7, 0.15, 0.15])
        X = rng.normal(size=(n, names.size))
        X[:, rr] -= 2.5 * (y == "S") + 1.0 * (y == "V")
        X[:, amp] += 3.0 * (y == "V")
        X[:, width] += 0.7 * (y == "V") + rng.normal(0.0, 1.0)
        out.append({"X": X, "names": names, "y": y})
    return out


KW = dict(
    records=[f"r{i}" for i in range(6)],
    groups=[f"p{i}" for i in range(6)],
    outer_folds=2,
    seed=0,
    feature_set="transfer",
    adapt="both",
    n_estimators=5,
    max_per_class=200,
    random_state=0,
)


def test_gate_decision():
    S = np.array([[0.1, 0.2, 0.7], [0.6, 0.1, 0.3], [0.2, 0.3, 0.5]])
    pv = np.array([0.2, 0.95, np.nan])
    assert gate_decision(S, pv, None, 2).tolist() == [2, 0, 2]
    # V only where pv >= t; the base's V calls below t go to its best other class
    assert gate_decision(S, pv, 0.9, 2).tolist() == [1, 2, 1]
    assert gate_decision(S, pv, 0.99, 2).tolist() == [1, 0, 1]


def test_decision_scores_argmax_is_predict():
    rng = np.random.default_rng(0)
    t = _tables(rng)
    X = np.vstack([d["X"] for d in t])
    y = np.concatenate([d["y"] for d in t])
    g = np.repeat(np.arange(6), 150)
    ada = RecordPriorAdapter(LogisticRegression(max_iter=500), candidates=[("map", 0.0)])
    st = RecordSelfTraining(ada, feature_names=list(LOCAL_BEAT_FEATURES), thresholds=(0.8,))
    st.fit(X[g < 4], y[g < 4], g[g < 4])
    S = st.decision_scores(X[g >= 4], g[g >= 4])
    assert S.shape == (300, st.classes_.size)
    np.testing.assert_array_equal(st.classes_[np.argmax(S, 1)], st.predict(X[g >= 4], g[g >= 4]))
    # one record at a time: self_train_record on the adapter's probabilities
    a = st.estimator_
    for r in (4, 5):
        m = g == r
        lab, _ = self_train_record(
            a.predict_proba(X[m], g[m]), X[m], tau=0.8, decision=a.decision_,
            prior=a.source_priors_,
        )  # fmt: skip
        np.testing.assert_array_equal(np.argmax(S[g[g >= 4] == r], 1), lab)


def test_v_strata_folds():
    # patients 0..6 with 0, 50, 5, 40, 0, 3, 10 V beats and 20 N beats each
    nv = [0, 50, 5, 40, 0, 3, 10]
    y = np.concatenate([["V"] * k + ["N"] * 20 for k in nv])
    g = np.concatenate([[p] * (k + 20) for p, k in enumerate(nv)])
    for seed in range(5):
        folds = v_strata_folds(y, g, 2, random_state=seed)
        assert len(folds) == 2
        rows = np.concatenate([te for _, te in folds])
        np.testing.assert_array_equal(np.sort(rows), np.arange(y.size))
        side = [set(g[te]) for _, te in folds]
        for tr, te in folds:
            assert not set(g[tr]) & set(g[te])
        # ranked 1, 3 | 6, 2 | 5, 0 | 4: one of each pair on each side
        for pair in ((1, 3), (6, 2), (5, 0)):
            assert [len(set(pair) & s) for s in side] == [1, 1]
    a = v_strata_folds(y, g, 2, random_state=3)
    b = v_strata_folds(y, g, 2, random_state=3)
    assert all(np.array_equal(u[1], w[1]) for u, w in zip(a, b, strict=True))
    with pytest.raises(ValueError, match="n_splits"):
        v_strata_folds(y, g, 8)
    with pytest.raises(ValueError, match="one length"):
        v_strata_folds(y, g[:-1])


def test_gate_off_reproduces_a1_exactly():
    tables = _tables(np.random.default_rng(1))
    y, vg, a1, n, folds = vgate_beat_tables(tables, thresholds=(None,), **KW)
    np.testing.assert_array_equal(vg, a1)
    assert all(f["threshold"] is None for f in folds)
    # A1 inside the gate is the default model fitted alone (self_training_beat_tables)
    y2, a1_alone, _, _, n2, f2 = self_training_beat_tables(tables, **KW)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(a1, a1_alone)
    assert [f["st_threshold"] for f in folds] == [f["threshold"] for f in f2]
    # with the gate on (the registered grid), A1 is the same
    _, vg3, a13, _, folds3 = vgate_beat_tables(tables, **KW)
    np.testing.assert_array_equal(a13, a1)
    assert all(len(f["inner_scores"]) == 4 for f in folds3)
    # every inner test side holds V beats (V-stratified folds)
    assert all(len(f["inner_v"]) == 2 and min(f["inner_v"]) > 0 for f in folds3)


def test_gate_adds_v_from_absolute_columns():
    """A1 on ``transfer`` columns cannot see the V amplitude; the gate can, and the inner
    CV turns it on."""
    tables = _tables(np.random.default_rng(2))
    kw = {**KW, "n_estimators": 20}
    y, vg, a1, n, folds = vgate_beat_tables(tables, **kw)

    def f1v(p):
        tp = np.sum((p == "V") & (y == "V"))
        return 2 * tp / (np.sum(p == "V") + np.sum(y == "V"))

    assert all(f["threshold"] is not None for f in folds)
    assert f1v(vg) > f1v(a1) + 0.05
    assert not np.array_equal(vg, a1)


def test_test_patient_labels_never_reach_the_threshold():
    """Label permutation of one outer fold's test patients: that fold's threshold, inner
    scores and calls are unchanged."""
    tables = _tables(np.random.default_rng(3))
    y, vg, a1, n, folds = vgate_beat_tables(tables, **KW)
    test0 = [int(r[1:]) for r in folds[0]["test"]]
    perm = [dict(t) for t in tables]
    for i in test0:
        perm[i]["y"] = np.random.default_rng(i).permutation(tables[i]["y"])
    y2, vg2, a12, _, folds2 = vgate_beat_tables(perm, **KW)
    m = np.isin(np.repeat(np.arange(len(n)), n), test0)
    assert m.any() and not np.array_equal(y[m], y2[m])
    np.testing.assert_array_equal(vg[m], vg2[m])
    np.testing.assert_array_equal(a1[m], a12[m])
    assert folds[0]["threshold"] == folds2[0]["threshold"]
    assert folds[0]["inner_scores"] == folds2[0]["inner_scores"]
    # ... while the other fold, which trains on them, sees the change
    assert folds[1]["inner_scores"] != folds2[1]["inner_scores"]


def test_train_test_and_degenerate_inputs():
    tables = _tables(np.random.default_rng(4))
    yt, vg, a1, nt, f = vgate_beat_tables(
        tables[:4], tables[4:], **{**KW, "groups": None, "records": None}
    )
    assert vg.shape == yt.shape == a1.shape and len(f) == 1
    # no V in training: the gate is off, with a reason
    names = list(LOCAL_BEAT_FEATURES)
    X = np.vstack([t["X"] for t in tables])
    y = np.concatenate([t["y"] for t in tables])
    y = np.where(y == "V", "N", y)
    g = np.repeat(np.arange(6), 150)
    ada = RecordPriorAdapter(LogisticRegression(max_iter=500), candidates=[("map", 0.0)])
    base = RecordSelfTraining(ada, feature_names=names)
    m = VBeatGate(base, LogisticRegression()).fit(X, y, g)
    assert m.threshold_ is None and "no 'V'" in m.off_reason_ and m.gate_ is None
    np.testing.assert_array_equal(m.predict(X, g), m.estimator_.predict(X, g))


def test_bad_parameters():
    X = np.zeros((10, 2))
    y = np.array(["N", "V"] * 5)
    g = np.arange(10)
    base = RecordSelfTraining(
        RecordPriorAdapter(LogisticRegression()), feature_names=["a", "b"], local_features=["a"]
    )
    with pytest.raises(TypeError, match="RecordSelfTraining"):
        VBeatGate(LogisticRegression(), LogisticRegression()).fit(X, y, g)
    with pytest.raises(TypeError, match="gate"):
        VBeatGate(base, None).fit(X, y, g)
    with pytest.raises(ValueError, match="thresholds"):
        VBeatGate(base, LogisticRegression(), thresholds=(1.5,)).fit(X, y, g)
    with pytest.raises(ValueError, match="max_per_class"):
        VBeatGate(base, LogisticRegression(), max_per_class=0).fit(X, y, g)
    with pytest.raises(ValueError, match="groups"):
        VBeatGate(base, LogisticRegression()).fit(X, y)
