"""RecordMorphologyVote: per-record QRS-shape clusters vote on V (beats registry item 22)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
from geoecg.estimators.record_morphology import (
    MORPHOLOGY_VOTE_FEATURES,
    MORPHOLOGY_VOTE_GRID,
    RecordMorphologyVote,
    morphology_clusters,
    morphology_vote_record,
)

NAMES = ["shape", "noise", "rr"]


def test_clusters_separate_two_shapes_and_guard_small_records():
    rng = np.random.default_rng(0)
    Z = np.vstack([rng.normal(0, 1, (200, 2)), rng.normal(12, 1, (60, 2))])
    cl = morphology_clusters(Z, max_clusters=2)
    # the two shapes never share a cluster
    assert set(cl[:200]).isdisjoint(set(cl[200:]))
    assert morphology_clusters(Z[:30], min_size=20).tolist() == [0] * 30  # k < 2: one cluster
    Zn = Z.copy()
    Zn[::9] = np.nan  # NaN rows: the record's median, no crash
    assert morphology_clusters(Zn).shape == (260,)
    assert len(MORPHOLOGY_VOTE_FEATURES) == 12 and MORPHOLOGY_VOTE_GRID[0] is None


def test_vote_pulls_uncertain_beats_of_a_v_cluster_and_clears_v_in_an_n_cluster():
    # classes N=0, S=1, V=2; cluster 0: 10 confident V + 3 uncertain N/S calls;
    # cluster 1: 10 confident N + 2 uncertain V calls (S is their runner-up) + 1 confident V
    D = np.full((26, 3), 0.0)
    lab = np.zeros(26, dtype=int)
    cl = np.r_[np.zeros(13, int), np.ones(13, int)]
    D[:10] = [0.02, 0.02, 0.96]
    lab[:10] = 2
    D[10:13] = [[0.5, 0.1, 0.4], [0.1, 0.5, 0.4], [0.45, 0.1, 0.45]]
    lab[10:13] = [0, 1, 0]
    D[13:23] = [0.97, 0.02, 0.01]
    D[23:25] = [[0.2, 0.3, 0.5], [0.1, 0.35, 0.55]]
    lab[23:25] = 2
    D[25] = [0.01, 0.01, 0.98]
    lab[25] = 2
    out = morphology_vote_record(lab, D, cl, v_index=2, q=0.75, tau=0.9)
    assert out[10:13].tolist() == [2, 2, 2]  # pulled to V
    assert out[23:25].tolist() == [1, 1]  # best non-V class
    assert out[25] == 2  # a confident call is never moved
    np.testing.assert_array_equal(out[:10], lab[:10])
    # off, or too few confident beats: unchanged
    assert np.array_equal(morphology_vote_record(lab, D, cl, v_index=2, q=None, tau=0.9), lab)
    same = morphology_vote_record(lab, D, cl, v_index=2, q=0.75, tau=0.9, min_confident=12)
    assert np.array_equal(same, lab)
    # a mixed cluster (share between 1 - q and q) does not vote
    mixed = morphology_vote_record(lab, D, np.zeros(26, int), v_index=2, q=0.9, tau=0.9)
    assert np.array_equal(mixed, lab)


def _records(rng, n_rec=8, n=150):
    """Records with N, S and V beats; V beats have a record-specific shape offset, so a
    global model is unsure of some V beats that share their record's V shape."""
    X, y, g = [], [], []
    for r in range(n_rec):
        lab = rng.choice(np.array(["N", "S", "V"]), size=n, p=[0.6, 0.2, 0.2])
        shape = rng.normal(0, 1, n) + np.where(lab == "V", 3.0 + rng.normal(0, 1.5), 0.0)
        rr = rng.normal(0, 1, n) - 2.0 * (lab == "S")
        X.append(np.column_stack([shape, rng.normal(0, 1, n), rr]))
        y.append(lab)
        g.append(np.full(n, r))
    return np.vstack(X), np.concatenate(y), np.concatenate(g)


def _model(**kw):
    ada = RecordPriorAdapter(LogisticRegression(max_iter=500), candidates=[("map", 0.0)], cv=2)
    st = RecordSelfTraining(ada, feature_names=NAMES, local_features=["shape", "rr"])
    kw = {"vote_features": ["shape"], **kw}
    return RecordMorphologyVote(st, feature_names=NAMES, **kw)


def test_fit_predict_choice_and_per_record_prediction():
    X, y, g = _records(np.random.default_rng(1))
    m = _model(min_cluster_size=10).fit(X[g < 6], y[g < 6], g[g < 6])
    assert list(m.inner_scores_) == [str(c) for c in MORPHOLOGY_VOTE_GRID]
    assert m.choice_ is None or m.choice_ in MORPHOLOGY_VOTE_GRID
    te = g >= 6
    both = m.predict(X[te], g[te])
    assert both.shape == (te.sum(),) and set(both) <= {"N", "S", "V"}
    # each record is voted on its own rows only
    r6 = g == 6
    np.testing.assert_array_equal(m.predict(X[r6], g[r6]), both[: r6.sum()])
    # "off" alone: the self-training's calls
    off = _model(grid=[None]).fit(X[g < 6], y[g < 6], g[g < 6])
    assert off.choice_ is None
    np.testing.assert_array_equal(off.predict(X[te], g[te]), off.estimator_.predict(X[te], g[te]))


def test_no_leak_test_labels_never_reach_the_choice_or_the_calls():
    """Label permutation: the held-out records' labels do not change anything; the
    training labels do reach the inner choice (the check could fail)."""
    rng = np.random.default_rng(3)
    X, y, g = _records(rng)
    tr, te = g < 6, g >= 6
    m = _model(min_cluster_size=10).fit(X[tr], y[tr], g[tr])
    ref = m.predict(X[te], g[te])
    yp = y.copy()
    yp[te] = rng.permutation(y[te])  # permuted test labels: nothing downstream sees them
    m2 = _model(min_cluster_size=10).fit(X[tr], yp[tr], g[tr])
    np.testing.assert_array_equal(m2.predict(X[te], g[te]), ref)
    assert m2.inner_scores_ == m.inner_scores_
    # permuting the TRAINING labels changes the inner scores
    yq = y.copy()
    yq[tr] = rng.permutation(y[tr])
    m3 = _model(min_cluster_size=10).fit(X[tr], yq[tr], g[tr])
    assert m3.inner_scores_ != m.inner_scores_


def test_no_v_class_keeps_the_self_training_calls():
    X, y, g = _records(np.random.default_rng(4))
    keep = y != "V"
    m = _model(score_labels=("S",)).fit(X[keep], y[keep], g[keep])
    assert m.v_index_ is None and m.choice_ is None and m.inner_scores_ == {}
    np.testing.assert_array_equal(m.predict(X[:50], g[:50]), m.estimator_.predict(X[:50], g[:50]))


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"grid": [(0.4, 0.9)]}, "q in"),
        ({"grid": [(0.8,)]}, "None or"),
        ({"grid": []}, "at least one"),
        ({"vote_features": ["qrs"]}, "missing"),
        ({"min_confident": 0}, "min_confident"),
        ({"max_clusters": 1.5}, "max_clusters"),
    ],
)
def test_bad_parameters_name_what_is_wrong(kw, match):
    X, y, g = _records(np.random.default_rng(5), n_rec=3, n=60)
    with pytest.raises(ValueError, match=match):
        _model(**kw).fit(X, y, g)


def test_bad_estimator_and_groups():
    X, y, g = _records(np.random.default_rng(6), n_rec=4, n=60)
    with pytest.raises(TypeError, match="RecordSelfTraining"):
        RecordMorphologyVote(LogisticRegression(), feature_names=NAMES).fit(X, y, g)
    m = _model(grid=[None, (0.6, 0.8)], min_cluster_size=10).fit(X, y, g)
    with pytest.raises(ValueError, match="one entry per row"):
        m.predict(X[:10], g[:5])
    with pytest.raises(ValueError, match="columns"):
        _model().fit(X[:, :2], y, g)
