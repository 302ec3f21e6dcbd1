"""InnerChoice (an inner-CV choice among whole pipelines) and registry item 20's candidates."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES, self_training_beat_tables
from geoecg.estimators.reference_choice import (
    InnerChoice,
    reference_candidates,
    reference_choice_beat_tables,
)


def _data(seed=0, n_groups=8, per=60):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_groups * per, 2))
    y = np.where(X[:, 0] > 0.8, "S", "N")
    return X, y, np.repeat(np.arange(n_groups), per)


def test_chooses_the_better_candidate_and_ties_to_the_first():
    X, y, g = _data()
    clf = InnerChoice(
        [("dummy", DummyClassifier()), ("lr", LogisticRegression())], score_labels=["S"]
    )
    clf = clone(clf).fit(X, y, g)
    assert clf.choice_ == "lr" and clf.inner_scores_["lr"] > clf.inner_scores_["dummy"]
    np.testing.assert_array_equal(clf.predict(X), clf.estimators_["lr"].predict(X))
    same = InnerChoice([("a", LogisticRegression()), ("b", LogisticRegression())]).fit(X, y, g)
    assert same.choice_ == "a" and same.inner_scores_["a"] == same.inner_scores_["b"]
    assert set(same.predict_candidates(X)) == {"a", "b"}


def test_a_self_scored_candidate_keeps_its_own_inner_score_and_gets_groups():
    X, y, g = _data(1)
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0), ("map", 1.0)])
    clf = InnerChoice([("ada", ada), ("lr", LogisticRegression())]).fit(X, y, g)
    a = clf.estimators_["ada"]
    assert clf.inner_scores_["ada"] == a.inner_scores_[(a.decision_, a.shrinkage_)]
    rec = np.repeat([0, 1], X.shape[0] // 2)
    np.testing.assert_array_equal(
        clf.predict_candidates(X, rec)["ada"], a.predict(X, rec)
    )  # per-record prior: groups reached the adapter


def test_bad_input():
    X, y, g = _data()
    for cand in ([], [("a", 1)], [("a", LogisticRegression()), ("a", LogisticRegression())]):
        with pytest.raises(ValueError, match="candidates"):
            InnerChoice(cand).fit(X, y, g)
    with pytest.raises(ValueError, match="cv"):
        InnerChoice([("a", LogisticRegression())], cv=1).fit(X, y, g)
    with pytest.raises(ValueError, match="groups"):
        InnerChoice([("a", LogisticRegression())]).fit(X, y)
    with pytest.raises(ValueError, match="groups"):
        InnerChoice([("a", LogisticRegression())], cv=3).fit(X[:120], y[:120], g[:120])
    with pytest.raises(TypeError, match="feature_names"):
        reference_candidates("rr_pre")
    with pytest.raises(ValueError, match="sp_"):
        reference_candidates(_BASE)
    names = [*_BASE, "sp_dom_rr_pre"]
    assert [k for k, _ in reference_candidates(names)] == ["A", "B"]


_BASE = ["rr_pre", "rr_post", "qrs_width_l0", "corr_qrs_l0", "dom_rr_pre", "dom_qrs_corr_l0"]


def _tables(seed=0, n_rec=6, per=100):
    """Per-record tables with majority columns and noisier P/PR twins ``sp_dom_*``."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_rec):
        y = rng.choice(
            ["N", "S", "V"], size=per, p=[0.8 - 0.01 * i, 0.1 + 0.02 * i, 0.1 - 0.01 * i]
        )
        pre = np.where(y == "S", 0.7, 1.0) + 0.08 * rng.standard_normal(per)
        corr = np.where(y == "V", 0.5, 0.97) + 0.05 * rng.standard_normal(per)
        wid = np.where(y == "V", 140.0, 90.0) + 8 * rng.standard_normal(per)
        rr = 800 * pre * (1 + 0.1 * i)
        X = np.column_stack([rr, 800 + 0 * rr, wid, corr, pre, corr])
        sp = X[:, 4:] + 0.2 * rng.standard_normal((per, 2))
        names = np.asarray(_BASE + ["sp_dom_rr_pre", "sp_dom_qrs_corr_l0"])
        out.append({"X": np.hstack([X, sp]), "names": names, "y": y, "fs": 360.0})
    return out


_KW = dict(outer_folds=2, inner_folds=2, seed=0, n_estimators=5, random_state=0)
_RECS = [f"r{i}" for i in range(6)]


@pytest.fixture(scope="module")
def nested():
    tabs = _tables()
    return tabs, reference_choice_beat_tables(tabs, records=_RECS, groups=_RECS, **_KW)


def test_candidate_a_is_the_default_pipeline(nested):
    tabs, (y, yc, ya, yb, n, folds) = nested
    maj = [{**t, "X": t["X"][:, :6], "names": t["names"][:6]} for t in tabs]
    local = [f for f in LOCAL_BEAT_FEATURES if f in _BASE]
    a1 = self_training_beat_tables(maj, records=_RECS, groups=_RECS, local_features=local, **_KW)
    np.testing.assert_array_equal(ya, a1[1])  # A1 of the default protocol, beat for beat
    assert all(f["choice"] in ("A", "B") for f in folds)
    chosen = {"A": ya, "B": yb}
    rows = np.repeat([r in folds[0]["test"] for r in _RECS], n)
    np.testing.assert_array_equal(yc[rows], chosen[folds[0]["choice"]][rows])


def test_test_patients_labels_never_reach_the_choice(nested):
    tabs, (y, yc, ya, yb, n, folds) = nested
    # permute the labels of fold 0's test patients: that fold's choice and calls stay
    rng = np.random.default_rng(1)
    test0 = set(folds[0]["test"])
    perm = [
        {**t, "y": rng.permutation(t["y"])} if r in test0 else t
        for r, t in zip(_RECS, tabs, strict=True)
    ]
    out2 = reference_choice_beat_tables(perm, records=_RECS, groups=_RECS, **_KW)
    f2 = out2[5][0]
    assert f2["test"] == folds[0]["test"] and f2["choice"] == folds[0]["choice"]
    assert f2["inner_scores"] == folds[0]["inner_scores"]
    rows = np.repeat(np.isin(_RECS, list(test0)), n)
    for k in (1, 2, 3):
        np.testing.assert_array_equal(out2[k][rows], (yc, ya, yb)[k - 1][rows])
    # and the labels did reach the other fold (trained on them): the check can fail
    assert out2[5][1]["inner_scores"] != folds[1]["inner_scores"]
