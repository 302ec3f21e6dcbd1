"""A ceiling on a class's record prior (beats registry item 23, issue 17, session 14)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.prior_estimation import em_priors
from geoecg.estimators.record_ceiling import ceiling_em_priors
from geoecg.estimators.record_self_training import RecordSelfTraining


def _loglik(p, s, t):
    """Log-likelihood of the record under prior t (up to a constant)."""
    return float(np.log((p * (t / s)).sum(axis=1)).sum())


def test_none_is_the_plain_em_and_the_ceiling_holds():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1.0, 1.0, 0.3], size=400)
    s = np.array([0.7, 0.25, 0.05])
    plain = em_priors(p, s)[0]
    np.testing.assert_array_equal(ceiling_em_priors(p, s, None, [False, False, True]), plain)
    np.testing.assert_array_equal(ceiling_em_priors(p, s, 2.0, [False, False, False]), plain)
    assert plain[2] > 0.1  # the plain EM raises class 2 far above 2 x 0.05
    t = ceiling_em_priors(p, s, 2.0, [False, False, True])
    assert t.sum() == pytest.approx(1.0) and t[2] == pytest.approx(0.1)
    # the constrained maximum: no feasible prior has a higher likelihood
    best = _loglik(p, s, t)
    for _ in range(300):
        q = rng.dirichlet([1.0, 1.0, 1.0])
        q[2] = min(q[2], 0.1)
        q[:2] *= (1.0 - q[2]) / q[:2].sum()
        assert _loglik(p, s, q) <= best + 1e-9
    # a ceiling that does not bind leaves the EM where it was
    np.testing.assert_allclose(ceiling_em_priors(p, s, 100.0, [False, False, True]), plain)


def test_bad_ceilings_raise():
    p = np.full((10, 2), 0.5)
    with pytest.raises(ValueError, match="ceiling must be"):
        ceiling_em_priors(p, [0.5, 0.5], -1.0, [False, True])
    with pytest.raises(ValueError, match="one entry per class"):
        ceiling_em_priors(p, [0.5, 0.5], 1.0, [True])
    with pytest.raises(ValueError, match="no prior meets them"):
        ceiling_em_priors(p, [0.5, 0.5], 0.5, [True, True])
    # every class capped but feasible: the plain EM's answer when nothing binds
    np.testing.assert_allclose(ceiling_em_priors(p, [0.5, 0.5], 2.0, [True, True]), [0.5, 0.5])
    with pytest.raises(ValueError, match="finite"):
        ceiling_em_priors(np.full((10, 2), np.nan), [0.5, 0.5], 1.0, [False, True])
    X, y, g = _train(np.random.default_rng(1), n_groups=4, n=60)
    with pytest.raises(ValueError, match="ceilings must be"):
        RecordPriorAdapter(LogisticRegression(), ceilings=[0.0]).fit(X, y, g)
    with pytest.raises(ValueError, match="ceilings must be"):
        RecordPriorAdapter(LogisticRegression(), ceilings=[]).fit(X, y, g)
    with pytest.raises(ValueError, match="ceiling_classes"):
        RecordPriorAdapter(LogisticRegression(), ceilings=[1.0, None]).fit(X, y, g)


def _record(rng, n, p_v, p_f, v_mean=(4.0, 0.0)):
    """2-D beats: N ~ N((0, 0), I), V ~ N(v_mean, I), F ~ N((2, 3), I)."""
    u = rng.random(n)
    y = np.where(u < p_v, "V", np.where(u < p_v + p_f, "F", "N"))
    mu = np.zeros((n, 2))
    mu[y == "V"] = v_mean
    mu[y == "F"] = (2.0, 3.0)
    return rng.normal(mu, 1.0), y


def _train(rng, n_groups=8, n=300):
    """F in the first two patients only (3 %), V 10 % everywhere."""
    parts = [_record(rng, n, 0.1, 0.03 if i < 2 else 0.0) for i in range(n_groups)]
    X = np.vstack([a for a, _ in parts])
    y = np.concatenate([b for _, b in parts])
    return X, y, np.repeat(np.arange(n_groups), n)


def test_adapter_ceiling_caps_the_record_prior_and_default_is_unchanged():
    rng = np.random.default_rng(2)
    X, y, g = _train(rng)
    kw = dict(candidates=[("map", 1.0)], score_labels=("V",))
    free = RecordPriorAdapter(LogisticRegression(), **kw).fit(X, y, g)
    capped = RecordPriorAdapter(
        LogisticRegression(), ceilings=[1.0], ceiling_classes=["F", "absent"], **kw
    ).fit(X, y, g)
    assert free.ceiling_ is None and capped.ceiling_ == 1.0
    assert list(capped.inner_scores_) == [("map", 1.0, 1.0)]
    Xt, yt = _record(rng, 2000, 0.45, 0.0, v_mean=(3.0, 1.5))  # V beats half-way to F
    iF = list(free.classes_).index("F")
    pf, pc = free.record_priors(Xt)[0][0], capped.record_priors(Xt)[0][0]
    s = capped.source_priors_
    assert pf[iF] > 2.0 * s[iF]  # the free EM raises F far above its training share
    assert pc[iF] <= s[iF] * (1.0 + 1e-9)
    called_f = lambda m: int((m.predict(Xt) == "F").sum())  # noqa: E731
    assert called_f(capped) < called_f(free)
    # the default grid (None,) is the adapter as before: same keys, same calls
    again = RecordPriorAdapter(LogisticRegression(), ceilings=(None,), **kw).fit(X, y, g)
    assert list(again.inner_scores_) == [("map", 1.0)]
    np.testing.assert_array_equal(again.predict(Xt), free.predict(Xt))


def test_joint_choice_ties_go_to_the_first_triple():
    rng = np.random.default_rng(3)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(
        LogisticRegression(), ceilings=(1.0, None), ceiling_classes=("F",)
    ).fit(X, y, g)
    keys = list(clf.inner_scores_)
    assert len(keys) == 12 and keys[:2] == [("balanced", 0.0, 1.0), ("balanced", 0.0, None)]
    # with shrinkage 0 the ceiling changes nothing: exact ties
    assert clf.inner_scores_[keys[0]] == clf.inner_scores_[keys[1]]
    best = max(clf.inner_scores_.values())
    first = next(k for k in keys if clf.inner_scores_[k] == best)
    assert (clf.decision_, clf.shrinkage_, clf.ceiling_) == first
    st = RecordSelfTraining(clf, feature_names=["a", "b"], local_features=["a"]).fit(X, y, g)
    assert st.estimator_.ceiling_ == clf.ceiling_


def _nested(X, y, g, model):
    pred = np.empty(y.shape[0], dtype=object)
    fits = []
    for tr, te in GroupKFold(n_splits=2).split(X, y, g):
        m = clone(model).fit(X[tr], y[tr], g[tr])
        pred[te] = m.predict(X[te], g[te])
        fits.append(((m.decision_, m.shrinkage_, m.ceiling_), m.inner_scores_, te))
    return pred, fits


def test_nested_test_labels_never_reach_the_ceiling_choice():
    """Label permutation: shuffling one outer fold's test labels changes none of that
    fold's calls or choices; the other fold, which trains on those patients, sees the
    change (the could-fail counterpart)."""
    rng = np.random.default_rng(4)
    X, y, g = _train(rng, n_groups=8, n=200)
    model = RecordPriorAdapter(LogisticRegression(), ceilings=(1.0, None), ceiling_classes=("F",))
    pred, fits = _nested(X, y, g, model)
    te0 = fits[0][2]
    y2 = y.copy()
    for r in np.unique(g[te0]):
        m = g == r
        y2[m] = np.random.default_rng(int(r)).permutation(y[m])
    assert not np.array_equal(y[te0], y2[te0])
    pred2, fits2 = _nested(X, y2, g, model)
    np.testing.assert_array_equal(pred2[te0], pred[te0])
    assert fits2[0][:2] == fits[0][:2]
    assert fits2[1][1] != fits[1][1]  # fold 1 trains on fold 0's test patients
