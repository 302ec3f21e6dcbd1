"""RecordPriorAdapter: per-record EM prior adaptation (issue 17, session 4)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

from geoecg.estimators.heartbeat import HeartbeatClassifier
from geoecg.estimators.record_prior import (
    RECORD_PRIOR_CANDIDATES,
    RecordPriorAdapter,
    record_prior_beat_tables,
)


def _record(rng, n, p):
    """One record: class 1 with probability p, x ~ N(2 y, 1)."""
    y = (rng.random(n) < p).astype(int)
    return rng.normal(2.0 * y, 1.0)[:, None], y


def _train(rng, n_groups=8, n=400, p=0.2):
    parts = [_record(rng, n, p) for _ in range(n_groups)]
    X = np.vstack([a for a, _ in parts])
    y = np.concatenate([b for _, b in parts])
    return X, y, np.repeat(np.arange(n_groups), n)


def test_em_recovers_each_records_prior():
    rng = np.random.default_rng(1)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 1.0)]).fit(X, y, g)
    parts = [_record(rng, 1500, p) for p in (0.02, 0.2, 0.5)]
    Xt = np.vstack([a for a, _ in parts])
    rec = np.repeat(["a", "b", "c"], 1500)
    priors, recs = clf.record_priors(Xt, rec)
    assert recs.tolist() == ["a", "b", "c"]
    truth = np.array([b.mean() for _, b in parts])
    np.testing.assert_allclose(priors[:, 1], truth, atol=0.03)
    # each record is adapted on its own rows: alone it gets the same prior
    alone, _ = clf.record_priors(Xt[:1500])
    np.testing.assert_allclose(alone[0], priors[0])
    # a record with few positives predicts fewer of them than the unadapted model
    lo = clf.predict(Xt[:1500], rec[:1500])
    assert (lo == 1).sum() < (clf.estimator_.predict(Xt[:1500]) == 1).sum()


def test_inner_choice_is_the_best_training_score_and_ties_go_first():
    rng = np.random.default_rng(2)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(LogisticRegression(), score_labels=None).fit(X, y, g)
    best = max(clf.inner_scores_.values())
    first = next(c for c in RECORD_PRIOR_CANDIDATES if clf.inner_scores_[c] == best)
    assert (clf.decision_, clf.shrinkage_) == first
    assert set(clf.inner_scores_) == set(RECORD_PRIOR_CANDIDATES)


def test_degenerate_records():
    rng = np.random.default_rng(3)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 1.0)]).fit(X, y, g)
    # one beat (< min_samples): the training prior
    p1, _ = clf.record_priors(X[:1])
    np.testing.assert_allclose(p1[0], clf.source_priors_)
    # a record of one class only: finite, sums to 1, floored at 0.01 x the training prior
    # (then renormalised, so the floor holds up to the renormalisation factor)
    x0 = rng.normal(0.0, 1.0, (800, 1))
    p0, _ = clf.record_priors(x0)
    assert np.isfinite(p0).all() and np.isclose(p0.sum(), 1.0)
    assert p0[0, 1] >= 0.01 * clf.source_priors_[1] / 1.01
    assert p0[0, 1] < 0.05
    # NaN rows reach a NaN-tolerant base model and are classified, nothing crashes
    Xn = np.c_[X, rng.normal(size=X.shape[0])]
    base = HeartbeatClassifier(n_estimators=5, random_state=0)
    clf2 = RecordPriorAdapter(base, score_labels=None).fit(Xn, y, g)
    Xt = Xn[:300].copy()
    Xt[::7] = np.nan
    pred = clf2.predict(Xt, np.repeat([0, 1, 2], 100))
    assert pred.shape == (300,) and set(pred.tolist()) <= {0, 1}
    P = clf2.predict_proba(Xt, np.repeat([0, 1, 2], 100))
    assert np.isfinite(P).all() and np.allclose(P.sum(axis=1), 1.0)


class _NaNProba(LogisticRegression):
    """A base model whose probabilities are NaN for rows with a NaN feature."""

    def fit(self, X, y):
        X = np.asarray(X, float)
        ok = np.isfinite(X).all(axis=1)
        return super().fit(X[ok], np.asarray(y)[ok])

    def predict_proba(self, X):
        X = np.asarray(X, float)
        out = np.full((X.shape[0], self.classes_.size), np.nan)
        ok = np.isfinite(X).all(axis=1)
        if ok.any():
            out[ok] = super().predict_proba(X[ok])
        return out


def test_rows_without_probabilities_get_the_prior():
    rng = np.random.default_rng(4)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(_NaNProba(), candidates=[("map", 1.0)]).fit(X, y, g)
    Xt, _ = _record(rng, 500, 0.2)
    Xt[:50] = np.nan
    P = clf.predict_proba(Xt)
    assert np.isfinite(P).all()
    ref, _ = clf.record_priors(Xt)
    np.testing.assert_allclose(P[:50], np.tile(ref[0], (50, 1)), atol=1e-9)


def test_parameters_and_errors():
    est = RecordPriorAdapter(LogisticRegression(), cv=3, prior_floor=0.05)
    c = clone(est)
    assert c.get_params()["cv"] == 3 and c.get_params()["prior_floor"] == 0.05
    X, y, g = _train(np.random.default_rng(5), n_groups=4, n=50)
    with pytest.raises(ValueError, match="groups"):
        RecordPriorAdapter(LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="candidates"):
        RecordPriorAdapter(LogisticRegression(), candidates=[("vote", 0.5)]).fit(X, y, g)
    with pytest.raises(ValueError, match="prior_floor"):
        RecordPriorAdapter(LogisticRegression(), prior_floor=2.0).fit(X, y, g)
    few = RecordPriorAdapter(LogisticRegression(), cv=5).fit(X, y, g)
    assert few.decision_ is None and "fewer than cv=5" in few.unadapted_reason_
    np.testing.assert_array_equal(few.predict(X, g), few.estimator_.predict(X))
    with pytest.raises(TypeError, match="predict_proba"):
        RecordPriorAdapter(None).fit(X, y, g)
    clf = RecordPriorAdapter(LogisticRegression(), score_labels=None).fit(X, y, g)
    with pytest.raises(ValueError, match="groups"):
        clf.predict(X, groups=g[:3])


def _tables(rng):
    """Synthetic per-record beat tables (MIT-BIH names, columns of the transfer set)."""
    names = ["101", "106", "108", "109", "112", "114", "115", "116", "201", "202"]
    out = []
    for k, _ in enumerate(names):
        n = 150
        ps = 0.3 if k % 3 == 0 else 0.01
        y = np.where(rng.random(n) < ps, "S", np.where(rng.random(n) < 0.15, "V", "N"))
        dom = np.where(y == "S", 0.7, 1.0) + rng.normal(0, 0.1, n)
        wid = np.where(y == "V", 1.6, 1.0) + rng.normal(0, 0.1, n)
        corr = 1.0 - 0.3 * np.abs(wid - 1.0)  # QRS like the dominant one but for V (no draw)
        X = np.c_[800 * dom, dom, wid, corr]  # dom_qrs_corr_l0: the default MF's veto column
        names_ = ["rr_pre", "dom_rr_pre", "dom_qrs_amp_l0", "dom_qrs_corr_l0"]
        out.append({"X": X, "y": y, "names": np.array(names_)})
    return names, out


def test_test_patients_labels_never_reach_their_fold():
    """Permuting the labels of one outer fold's test records changes none of its predictions
    nor its choice (label-permutation check)."""
    rng = np.random.default_rng(6)
    names, tables = _tables(rng)
    kw = dict(records=names, outer_folds=4, inner_folds=2, seed=0, n_estimators=5,
              max_per_class=None, random_state=0)  # fmt: skip
    y, pa, p0, n, folds = record_prior_beat_tables(tables, None, **kw)
    test = set(folds[0]["test"])
    perm = []
    for name, t in zip(names, tables, strict=True):
        t = dict(t)
        if name in test:
            t["y"] = rng.permutation(
                np.where(t["y"] == "N", "V", np.where(t["y"] == "V", "S", "N"))
            )
        perm.append(t)
    y2, pa2, p02, _, folds2 = record_prior_beat_tables(perm, None, **kw)
    rows = np.repeat([w in test for w in names], n)
    assert rows.any() and not np.array_equal(y[rows], y2[rows])
    np.testing.assert_array_equal(pa[rows], pa2[rows])
    np.testing.assert_array_equal(p0[rows], p02[rows])
    assert folds2[0] == folds[0]


def test_beat_protocols_delegate_to_the_adapter():
    from geoecg.estimators import beat_protocols as bp

    rng = np.random.default_rng(7)
    names, tables = _tables(rng)
    kw = dict(n_estimators=5, max_per_class=None, random_state=0)
    y, pred, n = bp.fit_predict_beat_tables(tables[:6], tables[6:], record_prior=True, **kw)
    y2, pa, _, n2, folds = record_prior_beat_tables(tables[:6], tables[6:], **kw)
    np.testing.assert_array_equal(pred, pa)
    assert n.tolist() == n2.tolist() and y.size == n.sum()
    # transfer_beat_tables: the same calls and what the one fit chose (the fold's record)
    y3, pred3, n3, fit = bp.transfer_beat_tables(tables[:6], tables[6:], record_prior=True, **kw)
    np.testing.assert_array_equal(pred3, pred)
    assert n3.tolist() == n.tolist() and fit == folds[0] and "choice" in fit
    *_, none = bp.transfer_beat_tables(tables[:6], tables[6:], record_prior=False, **kw)
    assert none == {}  # a plain pipeline chooses nothing
    with pytest.raises(ValueError, match="select"):
        bp.nested_beat_tables(tables, names, select=True, record_prior=True, **kw)


def test_bench_default_follows_the_library_default():
    import argparse

    from geoecg.bench.beats import add_arguments
    from geoecg.estimators.heartbeat import DEFAULT_RECORD_PRIOR

    p = argparse.ArgumentParser()
    add_arguments(p)
    assert p.parse_args([]).record_prior == ("off", "on")[DEFAULT_RECORD_PRIOR]
