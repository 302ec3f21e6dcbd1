"""The anticausal SCM: reproducibility, interventions, and the invariances it is built for."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from geoecg.simulate import (
    AnticausalSCM,
    Environment,
    shift_covariates,
    shift_mechanism,
    shift_prevalence,
    shift_shortcut,
    shifted_environment,
)
from geoecg.simulate.scm import AGE_CENTER_Y, AGE_SCALE_Y


def test_seeded_reproducible_and_seed_sensitive():
    scm = AnticausalSCM(shortcut=True)
    env = Environment(shortcut=2.0)
    a = scm.sample(300, env, random_state=7)
    b = scm.sample(300, env, random_state=7)
    c = scm.sample(300, env, random_state=8)
    np.testing.assert_array_equal(a.X, b.X)
    pd.testing.assert_frame_equal(a.covariates, b.covariates)
    assert not np.array_equal(a.X, c.X)
    assert a.feature_names == ("x0", "x1", "x2", "x3", "shortcut")
    g = np.random.default_rng(3)
    assert scm.sample(5, env, random_state=g).X.shape == (5, 5)
    assert scm.sample(5, env, random_state=np.random.RandomState(0)).X.shape == (5, 5)


def test_covariate_distributions_follow_the_environment():
    scm = AnticausalSCM(beta_site=(0.0, 0.2, -0.2))
    env = Environment(age_mean=72.0, age_sd=5.0, female_frac=0.8, site_probs=(0.1, 0.3, 0.6))
    W = scm.sample(20000, env, random_state=0).covariates
    assert abs(W["age"].mean() - 72.0) < 0.2
    assert abs(W["age"].std() - 5.0) < 0.2
    assert abs(W["sex"].mean() - 0.8) < 0.02
    freq = W["site"].value_counts(normalize=True).sort_index().to_numpy()
    np.testing.assert_allclose(freq, [0.1, 0.3, 0.6], atol=0.02)


def test_outcome_model_is_the_documented_logistic():
    scm = AnticausalSCM()
    s = scm.sample(40000, Environment(age_sd=15.0), random_state=1)
    W = s.covariates
    a = (W["age"] - AGE_CENTER_Y) / AGE_SCALE_Y
    D = np.column_stack([a, W["sex"], W["site"] == "s1"])
    fit = LogisticRegression(C=1e6, max_iter=1000).fit(D, s.y)
    np.testing.assert_allclose(
        fit.coef_[0], [scm.beta_age, scm.beta_sex, scm.beta_site[1]], atol=0.08
    )
    assert abs(fit.intercept_[0] - scm.intercept) < 0.08


def test_biomarker_mechanism_coefficients():
    scm = AnticausalSCM()
    s = scm.sample(40000, Environment(age_sd=15.0), random_state=2)
    W = s.covariates
    a = (W["age"] - AGE_CENTER_Y) / AGE_SCALE_Y
    D = np.column_stack([s.y, a, W["sex"], W["site"].cat.codes])
    for j in range(4):
        coef = LinearRegression().fit(D, s.X[:, j]).coef_
        np.testing.assert_allclose(
            coef, [scm.effect_y, scm.effect_age[j], scm.effect_sex, scm.effect_site], atol=0.05
        )


def test_p_y_given_x_w_is_invariant_but_p_y_given_x_is_not():
    scm = AnticausalSCM()
    young = scm.sample(30000, Environment(age_mean=50.0), random_state=3)
    old = scm.sample(30000, Environment(age_mean=80.0), random_state=4)

    def xw(s):
        W = s.covariates
        return np.column_stack([s.X, (W["age"] - 60) / 15, W["sex"], W["site"] == "s1"])

    # closed form (Gaussian X | Y, W with covariance noise^2 I, mean shift e = effect_y):
    # logit P(Y | X, W) = eta(W) + e'(X - B W - e / 2) / noise^2, so the X coefficients are
    # e / noise^2 = 1 and the age coefficient is beta_age - e'effect_age / noise^2 = 4.5
    theory = np.array(
        [
            1.0,
            1.0,
            1.0,
            1.0,
            scm.beta_age - np.sum(scm.effect_age),
            scm.beta_sex - 4 * scm.effect_sex,
            scm.beta_site[1] - 4 * scm.effect_site,
        ]
    )
    for s in (young, old):
        f = LogisticRegression(C=1e6, max_iter=2000).fit(xw(s), s.y)
        np.testing.assert_allclose(f.coef_[0], theory, atol=0.25)
    g_young = LogisticRegression(C=1e6, max_iter=2000).fit(young.X, young.y)
    g_old = LogisticRegression(C=1e6, max_iter=2000).fit(old.X, old.y)
    assert abs(g_young.intercept_[0] - g_old.intercept_[0]) > 0.5


def test_interventions():
    env = Environment()
    assert shift_covariates(env, age_mean=70.0, female_frac=0.9).female_frac == 0.9
    assert shift_prevalence(env, 1.5).prevalence_shift == 1.5
    e = shift_mechanism(env, gain=2.0, noise_sd=0.5, misplacement=0.3)
    assert (e.gain, e.noise_sd, e.misplacement) == (2.0, 0.5, 0.3)
    assert shift_shortcut(env, 3.0).shortcut == 3.0
    assert env == Environment()  # frozen, not mutated
    with pytest.raises(dataclasses.FrozenInstanceError):
        env.age_mean = 1.0
    e = shifted_environment(env, 0.5, {"age_mean": 10.0, "prevalence_shift": 2.0})
    assert (e.age_mean, e.prevalence_shift) == (65.0, 1.0)
    with pytest.raises(ValueError, match="cannot shift"):
        shifted_environment(env, 1.0, {"site_probs": 1.0})
    with pytest.raises(ValueError, match="female_frac"):
        shifted_environment(env, 1.0, {"female_frac": 0.8})


def test_prevalence_shift_moves_prevalence_only_through_y():
    scm = AnticausalSCM()
    base = scm.sample(20000, Environment(), random_state=5)
    up = scm.sample(20000, shift_prevalence(Environment(), 1.0), random_state=5)
    assert up.y.mean() > base.y.mean() + 0.1
    pd.testing.assert_frame_equal(base.covariates, up.covariates)  # same W draw


def test_mechanism_shifts():
    scm = AnticausalSCM()
    env = Environment()
    s0 = scm.sample(5000, env, random_state=6)
    s_gain = scm.sample(5000, shift_mechanism(env, gain=2.0), random_state=6)
    np.testing.assert_allclose(s_gain.X, 2.0 * s0.X)
    s_noise = scm.sample(5000, shift_mechanism(env, noise_sd=1.0), random_state=6)
    assert s_noise.X.var(axis=0).mean() > s0.X.var(axis=0).mean() + 0.8
    s_swap = scm.sample(5000, shift_mechanism(env, misplacement=1.0), random_state=6)
    np.testing.assert_array_equal(s_swap.X[:, :2], s0.X[:, 1::-1])
    np.testing.assert_array_equal(s_swap.X[:, 2:], s0.X[:, 2:])


def test_shortcut_correlates_only_where_the_environment_says():
    scm = AnticausalSCM(shortcut=True)
    tr = scm.sample(20000, Environment(shortcut=1.5), random_state=7)
    te = scm.sample(20000, Environment(shortcut=0.0), random_state=8)
    assert np.corrcoef(tr.X[:, -1], tr.y)[0, 1] > 0.5
    assert abs(np.corrcoef(te.X[:, -1], te.y)[0, 1]) < 0.03


def test_linear_gaussian_variant_and_multi_environment_sampling():
    scm = AnticausalSCM(kind="linear-gaussian")
    s = scm.sample(1000, [Environment(age_mean=50.0), Environment(age_mean=70.0)], 0)
    assert s.y.dtype == np.float64 and len(np.unique(s.y)) > 100
    np.testing.assert_array_equal(np.bincount(s.domain), [1000, 1000])
    W = s.covariates
    assert W.loc[s.domain == 1, "age"].mean() - W.loc[s.domain == 0, "age"].mean() > 18


def test_degenerate_and_bad_input():
    scm = AnticausalSCM()
    empty = scm.sample(0, Environment(), random_state=0)
    assert empty.X.shape == (0, 4) and len(empty) == 0
    with pytest.raises(ValueError, match="n must be"):
        scm.sample(-1, Environment())
    with pytest.raises(ValueError, match="n must be"):
        scm.sample(2.5, Environment())
    with pytest.raises(TypeError, match="Environment"):
        scm.sample(5, {"age_mean": 3})
    with pytest.raises(ValueError, match="site probabilities"):
        scm.sample(5, Environment(site_probs=(0.2, 0.3, 0.5)))
    with pytest.raises(ValueError, match="kind"):
        AnticausalSCM(kind="probit")
    with pytest.raises(ValueError, match="effect_y"):
        AnticausalSCM(effect_y=(1.0, 2.0))
    with pytest.raises(ValueError, match="site_probs"):
        Environment(site_probs=(0.5, 0.6))
    with pytest.raises(ValueError, match="age_sd"):
        Environment(age_sd=-1.0)
    with pytest.raises(ValueError, match="misplacement"):
        Environment(misplacement=2.0)
    # a NumPy complex is not a real number (before: its imaginary part was dropped with a
    # ComplexWarning by shift_prevalence/shift_shortcut, while Environment raised)
    for bad in (lambda: shift_prevalence(Environment(), np.complex128(1 + 2j)),
                lambda: shift_shortcut(Environment(), np.complex64(1)),
                lambda: Environment(gain=np.complex128(1))):  # fmt: skip
        with pytest.raises(TypeError, match="must be a real number, got complex"):
            bad()
