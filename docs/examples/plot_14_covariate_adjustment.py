"""
Covariates beside the ECG: adjusted models, odds ratios and cross-validation
============================================================================

Age, sex and recording site act on both the disease and the ECG. The estimators of
:mod:`geoecg.estimators` take them as a DataFrame ``covariates=`` beside ``X``, never inside
``X`` or ``y``. This example fits :class:`~geoecg.estimators.CovariateAdjustedGLM` for odds
ratios with confidence intervals, cross-validates
:class:`~geoecg.estimators.CovariateAdjustedClassifier` with the covariates routed to each
fold, and scores both it and a model of X alone on a population 20 years older.

Simulated subjects of :class:`~geoecg.simulate.AnticausalSCM` (environment -> age, sex,
site -> disease Y -> biomarkers X, and age -> X). Every setting was fixed before the first
run; these are figures of a simulator, not of patients: the sweep over shift strengths is
:doc:`plot_08_shift_sweep`, the study on :doc:`/benchmarks/sweeps`.
"""

# %%
# 4,000 training subjects; X holds the biomarkers, ``covariates`` age (years), sex and site.
import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import cross_validate

from geoecg.estimators import CovariateAdjustedClassifier, CovariateAdjustedGLM
from geoecg.evaluation import covariate_scorer
from geoecg.simulate import AnticausalSCM, Environment, shift_covariates

scm = AnticausalSCM()
train = scm.sample(4000, Environment(), random_state=0)
print(train.X.shape, list(train.covariates.columns))
print(train.covariates.head(3))

# %%
# Odds ratios of the disease, adjusted for the covariates (unpenalised logistic GLM, 95 %
# Wald intervals): per unit of each biomarker, per training SD of age, and against the
# reference level of sex and site.
glm = CovariateAdjustedGLM().fit(train.X, train.y, covariates=train.covariates)
odds = glm.odds_ratios_.drop(index="const")
print(odds[["odds_ratio", "ci_low", "ci_high"]].round(2))

fig, ax = plt.subplots(figsize=(5.5, 3.5))
rows = np.arange(len(odds))[::-1]
ax.errorbar(
    odds["odds_ratio"],
    rows,
    xerr=[odds["odds_ratio"] - odds["ci_low"], odds["ci_high"] - odds["odds_ratio"]],
    fmt="o",
    capsize=3,
)
ax.axvline(1.0, color="0.5", ls="--", lw=1)
ax.set_xscale("log")
# sex is coded 0 male, 1 female (as in PTB-XL); site s0 is the reference level
names = {"age": "age (per SD)", "sex": "sex (female vs male)", "site[s1]": "site s1 vs s0"}
ax.set_yticks(rows, [names.get(t, f"{t} (per unit)") for t in odds.index])
ax.set(xlabel="odds ratio of the disease (95 % CI, log scale)", title="Adjusted odds ratios")
plt.tight_layout()
plt.show()

# %%
# What to look for: no interval crosses 1 (the dashed line). Each biomarker raises the odds
# of the disease (2.60 to 2.95 per unit), age most (32.69 per SD); female sex and site s1
# lower them (0.06, 0.47). These are effects adjusted for the other terms, in a simulator.

# %%
# Cross-validation with the covariates: with metadata routing on, the estimator requests
# ``covariates`` in ``fit`` and :func:`~geoecg.evaluation.covariate_scorer` passes each test
# fold its own rows (a plain ``scoring="neg_log_loss"`` could not, and would score NaN).
with sklearn.config_context(enable_metadata_routing=True):
    clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
    cv = cross_validate(
        clf,
        train.X,
        train.y,
        cv=5,
        scoring=covariate_scorer("neg_log_loss"),
        params={"covariates": train.covariates},
    )
print(f"5-fold log-loss within the training population: {-cv['test_score'].mean():.3f} nats")

# %%
# The same models on a population 20 years older (mean age 80): the model of X alone sees
# an older ECG without knowing the age; the adjusted one is given the age. The reference is
# the same model class fitted on another sample of the older population (the transfer gap
# of the sweep example).
test = scm.sample(4000, shift_covariates(Environment(), age_mean=80.0), random_state=1)
refit = scm.sample(4000, shift_covariates(Environment(), age_mean=80.0), random_state=2)
for name, model, use_w in [
    ("X only", LogisticRegression(max_iter=1000), False),
    ("X + W", CovariateAdjustedClassifier(), True),
]:
    scores = []
    for sample in (train, refit):
        fitted = sklearn.clone(model)
        if use_w:
            fitted.fit(sample.X, sample.y, covariates=sample.covariates)
            p = fitted.predict_proba(test.X, covariates=test.covariates)
        else:
            p = fitted.fit(sample.X, sample.y).predict_proba(test.X)
        scores.append(log_loss(test.y, p))
    print(f"{name:7s}: log-loss {scores[0]:.3f} nats, transfer gap {scores[0] - scores[1]:+.3f}")
