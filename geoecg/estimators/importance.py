"""Importance weighting for covariate shift (Shimodaira 2000) with a domain classifier."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._rows import validate_table, zero_rows
from ._covariates import CovariateEncoder

__all__ = ["ImportanceWeightedClassifier", "density_ratio_weights"]


def density_ratio_weights(source, target, *, domain_estimator=None, clip: float = 20.0):
    """Weights ``p_target(z) / p_source(z)`` at the source points, by probabilistic classification.

    A classifier is trained to tell target (label 1) from source (label 0); by Bayes' rule
    ``p_t(z) / p_s(z) = (n_s / n_t) * P(1 | z) / P(0 | z)``.

    Parameters
    ----------
    source, target : array-like, shape (n_s, d), (n_t, d)
        Numeric features (e.g. encoded covariates) of both samples.
    domain_estimator : classifier, default=LogisticRegression(max_iter=1000)
    clip : float, default=20.0
        Upper bound on the weights (after normalising them to mean 1), to bound variance.

    Returns
    -------
    ndarray, shape (n_s,)
        Weights with mean 1 over the source sample.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> w = density_ratio_weights(rng.normal(0, 1, (4000, 1)), rng.normal(1, 1, (4000, 1)))
    >>> bool(abs(np.mean(w) - 1) < 1e-9)
    True
    """
    S = np.asarray(source, dtype=float)
    T = np.asarray(target, dtype=float)
    if S.ndim != 2 or T.ndim != 2 or S.shape[1] != T.shape[1]:
        raise ValueError(
            f"source and target must be 2-D with the same number of columns, got {S.shape} "
            f"and {T.shape}"
        )
    if S.shape[0] == 0 or T.shape[0] == 0:
        raise ValueError("source and target must each hold at least one sample")
    for name, a in (("source", S), ("target", T)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must be finite: drop or impute its NaN/inf rows")
    if isinstance(clip, bool) or not isinstance(clip, numbers.Real) or not clip > 0:
        raise ValueError(f"clip must be a number > 0, got {clip!r}")
    est = LogisticRegression(max_iter=1000) if domain_estimator is None else domain_estimator
    clf = clone(est).fit(np.vstack([S, T]), np.r_[np.zeros(len(S)), np.ones(len(T))])
    p = np.clip(clf.predict_proba(S)[:, 1], 1e-12, 1 - 1e-12)
    w = (len(S) / len(T)) * p / (1.0 - p)
    w = w / w.mean()
    w = np.minimum(w, clip)
    return w / w.mean()


class ImportanceWeightedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit a classifier on X with importance weights ``p_target / p_source``.

    Parameters
    ----------
    estimator : classifier accepting ``sample_weight``, default=LogisticRegression(max_iter=1000)
    weight_on : {"covariates", "X"}, default="covariates"
        Which variables the density ratio is estimated on. ``"covariates"``: W (the right
        choice when the shift is in P(W) and P(X, Y | W) is stable); ``fit`` then needs
        ``covariates=`` and ``target=`` (target-environment covariates, unlabelled).
        ``"X"``: ``target=`` holds unlabelled target-environment X.
    domain_estimator : classifier, default=LogisticRegression(max_iter=1000)
    clip : float, default=20.0
        Upper bound on the normalised weights.

    Attributes
    ----------
    estimator_ : fitted clone of ``estimator`` (predicts from X only)
    weights_ : ndarray, the importance weights of the training samples (mean 1)
    classes_ : ndarray

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> scm = AnticausalSCM()
    >>> src = scm.sample(500, Environment(age_mean=55.0), random_state=0)
    >>> tgt = scm.sample(500, Environment(age_mean=70.0), random_state=1)
    >>> clf = ImportanceWeightedClassifier().fit(
    ...     src.X, src.y, covariates=src.covariates, target=tgt.covariates)
    >>> bool(clf.weights_[src.covariates["age"] > 70].mean() > 1)
    True
    """

    def __init__(
        self,
        estimator=None,
        *,
        weight_on: str = "covariates",
        domain_estimator=None,
        clip: float = 20.0,
    ):
        self.estimator = estimator
        self.weight_on = weight_on
        self.domain_estimator = domain_estimator
        self.clip = clip

    def fit(self, X, y, covariates=None, target=None):
        """Fit with weights estimated from (covariates, target) or (X, target)."""
        if self.weight_on not in ("covariates", "X"):
            raise ValueError(f"weight_on must be 'covariates' or 'X', got {self.weight_on!r}")
        X = validate_table(self, X)
        check_classification_targets(y)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if target is None:
            raise ValueError(
                "target is required: unlabelled target-environment samples of the weighting "
                f"variables ({self.weight_on}), e.g. fit(X, y, covariates=W, target=W_test)"
            )
        if self.weight_on == "covariates":
            enc = CovariateEncoder(drop_first=False).fit(covariates, X.shape[0])
            S, T = enc.transform(covariates, X.shape[0]), enc.transform(target)
        else:
            S, T = X, validate_table(self, target, reset=False, name="target")
        self.weights_ = density_ratio_weights(
            S, T, domain_estimator=self.domain_estimator, clip=self.clip
        )
        est = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        self.estimator_ = clone(est).fit(X, y, sample_weight=self.weights_)
        return self

    @zero_rows("proba")
    def predict_proba(self, X):
        check_is_fitted(self)
        return self.estimator_.predict_proba(validate_table(self, X, reset=False))

    @zero_rows("decision")
    def decision_function(self, X):
        check_is_fitted(self)
        return self.estimator_.decision_function(validate_table(self, X, reset=False))

    @zero_rows("labels")
    def predict(self, X):
        check_is_fitted(self)
        return self.estimator_.predict(validate_table(self, X, reset=False))

    score = zero_rows("score")(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags
