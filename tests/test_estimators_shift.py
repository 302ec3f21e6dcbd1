"""Behaviour of the covariate-adjusted, invariant-learning and importance-weighted estimators."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from scipy.optimize import check_grad
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from geoecg.estimators import (
    AnchorClassifier,
    AnchorRegression,
    CovariateAdjustedClassifier,
    CovariateAdjustedGLM,
    GroupDROClassifier,
    ImportanceWeightedClassifier,
    IRMClassifier,
    VRExClassifier,
    density_ratio_weights,
)
from geoecg.estimators.invariant import _anchor_projector, _standardise
from geoecg.simulate import AnticausalSCM, Environment


@pytest.fixture(scope="module")
def two_envs():
    scm = AnticausalSCM()
    envs = [
        Environment(age_mean=50.0, site_probs=(0.8, 0.2)),
        Environment(age_mean=70.0, site_probs=(0.2, 0.8)),
    ]
    return scm.sample(600, envs, random_state=3)


# ----------------------------------------------------------------- gradients
@pytest.mark.parametrize(
    "est",
    [
        IRMClassifier(penalty=7.0, alpha=0.01),
        VRExClassifier(penalty=5.0, alpha=0.01),
        GroupDROClassifier(eta=3.0, alpha=0.01),
        AnchorClassifier(gamma=4.0, alpha=0.01),
    ],
    ids=lambda e: type(e).__name__,
)
def test_objective_gradient_matches_finite_differences(est, two_envs):
    Z, _, _ = _standardise(two_envs.X)
    y = two_envs.y.astype(float)
    groups = [np.flatnonzero(two_envs.domain == k) for k in (0, 1)]
    if isinstance(est, AnchorClassifier):
        est._Q = _anchor_projector(None, two_envs.domain, len(y))
        groups = [np.arange(len(y))]
    rng = np.random.default_rng(0)
    for _ in range(3):
        theta = rng.normal(scale=0.5, size=Z.shape[1] + 1)
        err = check_grad(
            lambda t: est._objective(t, Z, y, groups)[0],
            lambda t: est._objective(t, Z, y, groups)[1],
            theta,
        )
        assert err < 1e-5 * max(1.0, np.linalg.norm(est._objective(theta, Z, y, groups)[1]))


# ----------------------------------------------------------------- reductions to ERM
def test_zero_penalties_reduce_to_erm(two_envs):
    X, y, d = two_envs.X, two_envs.y, two_envs.domain
    alpha = 1e-3
    # reference: sklearn 1.9 LogisticRegression with C = 1 / (alpha * n) on standardised X
    Z, mu, sd = _standardise(X)
    ref = LogisticRegression(C=1.0 / (alpha * len(y)), tol=1e-10, max_iter=10000).fit(Z, y)
    ref_coef = ref.coef_[0] / sd
    for est in (
        IRMClassifier(penalty=0.0, alpha=alpha),
        VRExClassifier(penalty=0.0, alpha=alpha),
        AnchorClassifier(gamma=1.0, alpha=alpha),
    ):
        est.fit(X, y, domains=d)
        np.testing.assert_allclose(est.coef_[0], ref_coef, rtol=1e-3, atol=1e-4)


def test_single_domain_groupdro_is_erm(two_envs):
    X, y = two_envs.X, two_envs.y
    a = GroupDROClassifier(alpha=1e-3).fit(X, y)
    b = VRExClassifier(penalty=0.0, alpha=1e-3).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-4, atol=1e-6)


def _env_risks(est, s):
    p = np.clip(est.predict_proba(s.X)[:, 1], 1e-12, 1 - 1e-12)
    ll = -(s.y * np.log(p) + (1 - s.y) * np.log1p(-p))
    return np.array([ll[s.domain == k].mean() for k in (0, 1)])


def test_vrex_and_groupdro_move_the_risks_as_designed(two_envs):
    erm = VRExClassifier(penalty=0.0).fit(two_envs.X, two_envs.y, domains=two_envs.domain)
    vrex = VRExClassifier(penalty=100.0).fit(two_envs.X, two_envs.y, domains=two_envs.domain)
    dro = GroupDROClassifier(eta=50.0).fit(two_envs.X, two_envs.y, domains=two_envs.domain)
    r_erm, r_vrex, r_dro = (_env_risks(e, two_envs) for e in (erm, vrex, dro))
    assert np.ptp(r_vrex) < 0.5 * np.ptp(r_erm)
    assert r_dro.max() < r_erm.max()
    # the price: average risk does not go down
    assert r_vrex.mean() >= r_erm.mean() - 1e-9


def test_irm_penalty_lowers_its_invariance_penalty(two_envs):
    def penalty(est):
        f = est.decision_function(two_envs.X)
        p = 1 / (1 + np.exp(-f))
        return sum(((p - two_envs.y) * f)[two_envs.domain == k].mean() ** 2 for k in (0, 1))

    erm = IRMClassifier(penalty=0.0).fit(two_envs.X, two_envs.y, domains=two_envs.domain)
    irm = IRMClassifier(penalty=1000.0).fit(two_envs.X, two_envs.y, domains=two_envs.domain)
    assert penalty(irm) < 0.3 * penalty(erm)


# ----------------------------------------------------------------- anchor regression
def test_anchor_regression_limits():
    rng = np.random.default_rng(1)
    n = 3000
    A = rng.normal(size=(n, 1))
    H = rng.normal(size=n)
    X = (A[:, 0] + H + rng.normal(size=n))[:, None]
    y = 2.0 * X[:, 0] + 2.0 * H + 0.1 * rng.normal(size=n)
    # gamma = 1: ordinary least squares (sklearn LinearRegression)
    ols = LinearRegression().fit(X, y)
    ar1 = AnchorRegression(gamma=1.0).fit(X, y, anchors=A)
    np.testing.assert_allclose(ar1.coef_, ols.coef_, rtol=1e-10)
    np.testing.assert_allclose(ar1.intercept_, ols.intercept_, atol=1e-10)
    # gamma -> inf: just-identified IV estimate cov(A, y) / cov(A, X)
    iv = np.cov(A[:, 0], y)[0, 1] / np.cov(A[:, 0], X[:, 0])[0, 1]
    ar = AnchorRegression(gamma=1e8).fit(X, y, anchors=A)
    np.testing.assert_allclose(ar.coef_[0], iv, rtol=1e-5)
    assert abs(ar.coef_[0] - 2.0) < abs(ols.coef_[0] - 2.0)
    # gamma = 0: partialling the anchors out
    resid = X[:, 0] - np.polyval(np.polyfit(A[:, 0], X[:, 0], 1), A[:, 0])
    ry = y - np.polyval(np.polyfit(A[:, 0], y, 1), A[:, 0])
    b0 = (resid @ ry) / (resid @ resid)
    np.testing.assert_allclose(
        AnchorRegression(gamma=0.0).fit(X, y, anchors=A).coef_[0], b0, rtol=1e-8
    )


def test_anchor_bad_params():
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="gamma"):
        AnchorRegression(gamma=-1).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="gamma"):
        AnchorClassifier(gamma=np.nan).fit(X, y)
    with pytest.raises(ValueError, match="one row per sample"):
        AnchorRegression().fit(X, X[:, 0], anchors=np.ones((5, 1)))
    with pytest.raises(ValueError, match="domains"):
        IRMClassifier().fit(X, y, domains=np.zeros(3))
    with pytest.raises(ValueError, match="alpha"):
        IRMClassifier(alpha=-1.0).fit(X, y)


# ----------------------------------------------------------------- covariate adjustment
def test_covariate_adjusted_matches_manual_design(two_envs):
    s = two_envs
    clf = CovariateAdjustedClassifier(LogisticRegression(C=10.0, max_iter=1000))
    clf.fit(s.X, s.y, covariates=s.covariates)
    W = s.covariates
    age = (W["age"] - W["age"].mean()) / W["age"].std(ddof=0)
    D = np.column_stack([s.X, age, W["sex"], W["site"] == "s0", W["site"] == "s1"])
    ref = LogisticRegression(C=10.0, max_iter=1000).fit(D, s.y)
    np.testing.assert_allclose(
        clf.predict_proba(s.X, covariates=W), ref.predict_proba(D), atol=1e-6
    )
    assert clf.covariate_names_ == ["age", "sex", "site[s0]", "site[s1]"]


def test_covariate_adjusted_contract(two_envs):
    s = two_envs
    clf = CovariateAdjustedClassifier()
    with pytest.raises(NotFittedError):
        clf.predict(s.X, covariates=s.covariates)
    with pytest.raises(ValueError, match="covariates are required"):
        clf.fit(s.X, s.y)
    with pytest.raises(ValueError, match="rows"):
        clf.fit(s.X, s.y, covariates=s.covariates.iloc[:10])
    W = s.covariates.copy()
    X = s.X.copy()
    clf.fit(X, s.y, covariates=W)
    pd.testing.assert_frame_equal(W, s.covariates)  # not mutated
    np.testing.assert_array_equal(X, s.X)
    p1 = clf.predict_proba(s.X, covariates=W)
    p2 = clone(clf).fit(s.X, s.y, covariates=W).predict_proba(s.X, covariates=W)
    np.testing.assert_array_equal(p1, p2)
    p3 = pickle.loads(pickle.dumps(clf)).predict_proba(s.X, covariates=W)
    np.testing.assert_array_equal(p1, p3)
    with pytest.raises(ValueError, match="lack the columns"):
        clf.predict_proba(s.X, covariates=W.drop(columns="sex"))
    # an unseen site level encodes as all-zero indicators, not a crash
    W2 = W.copy()
    W2["site"] = pd.Categorical(["s9"] * len(W2))
    assert np.isfinite(clf.predict_proba(s.X, covariates=W2)).all()


def test_metadata_routing_through_pipeline(two_envs):
    s = two_envs
    with sklearn.config_context(enable_metadata_routing=True):
        clf = CovariateAdjustedClassifier()
        clf.set_fit_request(covariates=True).set_predict_proba_request(covariates=True)
        pipe = make_pipeline(StandardScaler(), clf)
        pipe.fit(s.X, s.y, covariates=s.covariates)
        p = pipe.predict_proba(s.X, covariates=s.covariates)
        irm = IRMClassifier().set_fit_request(domains=True)
        pipe2 = make_pipeline(StandardScaler(), irm).fit(s.X, s.y, domains=s.domain)
    Z = StandardScaler().fit_transform(s.X)
    direct = CovariateAdjustedClassifier().fit(Z, s.y, covariates=s.covariates)
    np.testing.assert_allclose(p, direct.predict_proba(Z, covariates=s.covariates), atol=1e-8)
    assert pipe2[-1].n_domains_ == 2


def test_glm_odds_ratios_match_statsmodels_logit():
    import statsmodels.api as sm

    s = AnticausalSCM(n_features=2, effect_age=(-1.5, 0.5), effect_y=1.0, effect_sex=0.5).sample(
        3000, Environment(), random_state=5
    )
    glm = CovariateAdjustedGLM(alpha=0.1).fit(s.X, s.y, covariates=s.covariates)
    W = s.covariates
    age = (W["age"] - W["age"].mean()) / W["age"].std(ddof=0)
    D = sm.add_constant(np.column_stack([s.X, age, W["sex"], (W["site"] == "s1").astype(float)]))
    # statsmodels 0.14 sm.Logit(y, D).fit(disp=0): the same likelihood as the Binomial GLM
    ref = sm.Logit(s.y, D).fit(disp=0)
    np.testing.assert_allclose(glm.odds_ratios_["odds_ratio"], np.exp(ref.params), rtol=1e-6)
    np.testing.assert_allclose(
        glm.odds_ratios_[["ci_low", "ci_high"]], np.exp(ref.conf_int(alpha=0.1)), rtol=1e-6
    )
    assert list(glm.odds_ratios_.index) == ["const", "x0", "x1", "age", "sex", "site[s1]"]
    # the disease raises x0, so its odds ratio is > 1 with a CI excluding 1
    assert glm.odds_ratios_.loc["x0", "ci_low"] > 1
    with pytest.raises(ValueError, match="binary"):
        CovariateAdjustedGLM().fit(s.X, np.arange(len(s.y)) % 3, covariates=W)


# ----------------------------------------------------------------- importance weighting
def test_density_ratio_weights_recover_gaussian_ratio():
    rng = np.random.default_rng(0)
    S = rng.normal(0, 1, size=(20000, 1))
    T = rng.normal(0.5, 1, size=(20000, 1))
    w = density_ratio_weights(S, T, clip=1e6)
    # exact ratio N(0.5, 1) / N(0, 1) = exp(0.5 x - 0.125), normalised to mean 1
    true = np.exp(0.5 * S[:, 0] - 0.125)
    true /= true.mean()
    assert np.corrcoef(w, true)[0, 1] > 0.999
    np.testing.assert_allclose(np.median(w / true), 1.0, atol=0.05)
    with pytest.raises(ValueError, match="same number of columns"):
        density_ratio_weights(S, np.ones((3, 2)))
    with pytest.raises(ValueError, match="at least one"):
        density_ratio_weights(S[:0], T)


def test_importance_weighting_closes_covariate_shift_gap():
    from sklearn.metrics import log_loss

    scm = AnticausalSCM()
    src = scm.sample(4000, Environment(age_mean=55.0), random_state=0)
    tgt = scm.sample(4000, Environment(age_mean=75.0), random_state=1)
    test = scm.sample(20000, Environment(age_mean=75.0), random_state=2)
    plain = LogisticRegression(max_iter=1000).fit(src.X, src.y)
    iw = ImportanceWeightedClassifier().fit(
        src.X, src.y, covariates=src.covariates, target=tgt.covariates
    )
    oracle = LogisticRegression(max_iter=1000).fit(tgt.X, tgt.y)
    ll = {
        k: log_loss(test.y, m.predict_proba(test.X))
        for k, m in [("plain", plain), ("iw", iw), ("oracle", oracle)]
    }
    assert ll["iw"] - ll["oracle"] < 0.3 * (ll["plain"] - ll["oracle"])
    with pytest.raises(ValueError, match="target is required"):
        ImportanceWeightedClassifier().fit(src.X, src.y, covariates=src.covariates)
    with pytest.raises(ValueError, match="weight_on"):
        ImportanceWeightedClassifier(weight_on="Y").fit(src.X, src.y, target=tgt.X)
    xw = ImportanceWeightedClassifier(weight_on="X").fit(src.X, src.y, target=tgt.X)
    assert xw.weights_.shape == (len(src.y),)


def test_x_plus_w_is_invariant_and_x_only_is_not():
    """The core claim of Blaas et al. (2024) on the default SCM, at a large age shift."""
    from sklearn.metrics import log_loss

    scm = AnticausalSCM()
    tr = scm.sample(5000, Environment(age_mean=60.0), random_state=10)
    te = scm.sample(20000, Environment(age_mean=80.0), random_state=11)
    ref = scm.sample(20000, Environment(age_mean=80.0), random_state=12)
    xw_tr = CovariateAdjustedClassifier().fit(tr.X, tr.y, covariates=tr.covariates)
    xw_ref = CovariateAdjustedClassifier().fit(ref.X, ref.y, covariates=ref.covariates)
    x_tr = LogisticRegression().fit(tr.X, tr.y)
    x_ref = LogisticRegression().fit(ref.X, ref.y)
    gap_xw = log_loss(te.y, xw_tr.predict_proba(te.X, covariates=te.covariates)) - log_loss(
        te.y, xw_ref.predict_proba(te.X, covariates=te.covariates)
    )
    gap_x = log_loss(te.y, x_tr.predict_proba(te.X)) - log_loss(te.y, x_ref.predict_proba(te.X))
    assert abs(gap_xw) < 0.01
    assert gap_x > 0.05
