"""Rare classes held at their training priors in the record EM (beats registry item 25)."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.prior_estimation import em_priors
from geoecg.estimators.record_prior import _held_em_priors
from geoecg.estimators.record_self_training import RecordSelfTraining


def _loglik(p, s, t):
    """Log-likelihood of the record under prior t (up to a constant)."""
    return float(np.log((p * (t / s)).sum(axis=1)).sum())


def test_held_em_is_the_constrained_maximum():
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1.0, 1.0, 0.3], size=400)
    s = np.array([0.7, 0.25, 0.05])
    plain = em_priors(p, s)[0]
    none = np.zeros(3, dtype=bool)
    np.testing.assert_allclose(_held_em_priors(p, s, none, 1000, 1e-8), plain)
    assert abs(plain[2] - 0.05) > 0.02  # the free EM moves class 2
    held = np.array([False, False, True])
    t = _held_em_priors(p, s, held, 1000, 1e-8)
    assert t.sum() == pytest.approx(1.0) and t[2] == 0.05
    best = _loglik(p, s, t)
    for _ in range(300):  # no prior with class 2 at 0.05 has a higher likelihood
        q = rng.dirichlet([1.0, 1.0])
        q = np.append(q * 0.95, 0.05)
        assert _loglik(p, s, q) <= best + 1e-9


def _record(rng, n, p_v, p_f, v_mean=(4.0, 0.0)):
    """2-D beats: N ~ N((0, 0), I), V ~ N(v_mean, I), F ~ N((2, 3), I)."""
    u = rng.random(n)
    y = np.where(u < p_v, "V", np.where(u < p_v + p_f, "F", "N"))
    mu = np.zeros((n, 2))
    mu[y == "V"] = v_mean
    mu[y == "F"] = (2.0, 3.0)
    return rng.normal(mu, 1.0), y


def _train(rng, n_groups=8, n=300):
    """F in the first two patients only (3 %: 0.75 % of the beats), V 10 % everywhere."""
    parts = [_record(rng, n, 0.1, 0.03 if i < 2 else 0.0) for i in range(n_groups)]
    X = np.vstack([a for a, _ in parts])
    y = np.concatenate([b for _, b in parts])
    return X, y, np.repeat(np.arange(n_groups), n)


def test_adapter_holds_a_rare_class_where_the_free_em_raises_it():
    rng = np.random.default_rng(2)
    X, y, g = _train(rng)
    kw = dict(candidates=[("map", 1.0)], score_labels=("V",))
    free = RecordPriorAdapter(LogisticRegression(), **kw).fit(X, y, g)
    held = RecordPriorAdapter(LogisticRegression(), hold_below=0.01, **kw).fit(X, y, g)
    assert held.source_priors_[list(held.classes_).index("F")] < 0.01  # F only is rare
    Xt, _ = _record(rng, 2000, 0.45, 0.0, v_mean=(3.0, 1.5))  # V beats half-way to F
    iF = list(free.classes_).index("F")
    pf, ph = free.record_priors(Xt)[0][0], held.record_priors(Xt)[0][0]
    s = held.source_priors_
    assert pf[iF] > 2.0 * s[iF]  # the free EM raises F far above its training share
    assert ph[iF] == pytest.approx(s[iF], rel=1e-12) and ph.sum() == pytest.approx(1.0)
    iV = list(free.classes_).index("V")
    assert ph[iV] > pf[iV]  # F's excess goes back to the other classes

    def called_f(m):
        return int((m.predict(Xt) == "F").sum())

    assert called_f(held) < called_f(free)
    # a share no class is below: the adapter as with no held class, bit for bit
    absent = RecordPriorAdapter(LogisticRegression(), hold_below=0.005, **kw)
    absent = absent.fit(X, y, g)
    np.testing.assert_array_equal(absent.record_priors(Xt)[0], free.record_priors(Xt)[0])
    np.testing.assert_array_equal(absent.predict(Xt), free.predict(Xt))


def test_full_grid_and_self_training_with_rare_classes_held():
    rng = np.random.default_rng(3)
    X, y, g = _train(rng)
    clf = RecordPriorAdapter(LogisticRegression(), hold_below=0.01).fit(X, y, g)
    assert len(clf.inner_scores_) == 6 and clf.oof_proba_.shape == (y.size, 3)
    # with shrinkage 0 holding F changes nothing: the same inner scores as the free adapter
    free = RecordPriorAdapter(LogisticRegression()).fit(X, y, g)
    for key in (("balanced", 0.0), ("map", 0.0)):
        assert clf.inner_scores_[key] == free.inner_scores_[key]
    st = RecordSelfTraining(clf, feature_names=["a", "b"], local_features=["a"]).fit(X, y, g)
    assert st.estimator_.hold_below == 0.01
    assert st.threshold_ in st.inner_scores_ and len(st.inner_scores_) >= 2
    Xt, _ = _record(rng, 500, 0.3, 0.0)
    assert set(st.predict(Xt, np.zeros(500))) <= {"F", "N", "V"}


@pytest.mark.parametrize("bad", [-0.1, 1.0, 2, "0.01", True, None, float("nan")])
def test_hold_below_must_be_a_share(bad):
    X, y, g = _train(np.random.default_rng(1), n_groups=4, n=60)
    with pytest.raises(ValueError, match=r"hold_below must be a training share in \[0, 1\)"):
        RecordPriorAdapter(LogisticRegression(), hold_below=bad).fit(X, y, g)
