"""Covariate-adjusted classifiers: model P(Y | X, W) with the causal covariates W as inputs.

In an anticausal diagnosis problem (W -> Y -> X, W -> X) the conditional P(Y | X, W) is
invariant when the covariate distribution P(W) changes, while P(Y | X) is not (Blaas et al.
2024). These estimators take W through scikit-learn metadata routing (``covariates=``).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._rows import columns_checked, validate_table, zero_rows
from ._covariates import CovariateEncoder

__all__ = ["CovariateAdjustedClassifier", "CovariateAdjustedGLM"]


def _zero_row_call(est, X, covariates=None, **_) -> None:
    """A 0-row call is checked as a call with rows is: ``X`` against the fitted columns and
    ``covariates`` against the fitted covariates (required: ``None`` is the same
    ValueError as for rows >= 1)."""
    columns_checked(est, X)
    est.encoder_.transform(covariates, 0)


class CovariateAdjustedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit any classifier on ``[X, encode(W)]``: the X+W model.

    Parameters
    ----------
    estimator : classifier, default=LogisticRegression(max_iter=1000)
        Cloned and fitted on the concatenation of X and the encoded covariates.
    drop_first : bool, default=False
        Drop the first level of each categorical covariate (needed only without penalty).

    Attributes
    ----------
    estimator_ : fitted clone of ``estimator``
    classes_ : ndarray
    covariate_names_ : list of str
        Names of the encoded covariate columns (numeric standardised, categorical one-hot).
    n_features_in_ : int
        Number of X columns (covariates not counted).

    Notes
    -----
    ``covariates`` must be given to ``fit``, ``predict``, ``predict_proba`` and
    ``decision_function``; inside a Pipeline or a search request them with
    ``set_fit_request(covariates=True)``, ``set_predict_proba_request(covariates=True)``,
    etc. (with ``sklearn.set_config(enable_metadata_routing=True)``). Numeric covariates
    are standardised with the training mean and SD; categorical ones (object, string,
    category dtypes) are one-hot encoded with the training levels.

    Scoring in ``cross_validate``/``cross_val_score``/``GridSearchCV``: a scorer named by a
    string (``scoring="roc_auc"``) calls ``predict_proba(X)`` without covariates, so every
    fold fails and scikit-learn records NaN with a warning. Use
    :func:`geoecg.evaluation.covariate_scorer`, which hands each test fold's covariates to
    the prediction methods::

        with sklearn.config_context(enable_metadata_routing=True):
            clf = CovariateAdjustedClassifier().set_fit_request(covariates=True)
            cross_val_score(clf, X, y, scoring=covariate_scorer("roc_auc"),
                            params={"covariates": W})

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(400, Environment(), random_state=0)
    >>> clf = CovariateAdjustedClassifier().fit(s.X, s.y, covariates=s.covariates)
    >>> clf.predict_proba(s.X, covariates=s.covariates).shape
    (400, 2)
    >>> clf.covariate_names_
    ['age', 'sex', 'site[s0]', 'site[s1]']
    """

    def __init__(self, estimator=None, *, drop_first: bool = False):
        self.estimator = estimator
        self.drop_first = drop_first

    def _design(self, X, covariates, reset: bool):
        X = validate_table(self, X, reset=reset)
        if reset:
            self.encoder_ = CovariateEncoder(drop_first=self.drop_first).fit(covariates, X.shape[0])
        Z = self.encoder_.transform(covariates, X.shape[0])
        return np.hstack([X, Z])

    def fit(self, X, y, covariates=None, sample_weight=None):
        """Fit on X and the covariates (required)."""
        if covariates is None:
            CovariateEncoder._frame(None, None)  # raises the explanatory ValueError
        D = self._design(X, covariates, reset=True)
        check_classification_targets(y)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        est = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        self.estimator_ = clone(est)
        if sample_weight is None:
            self.estimator_.fit(D, y)
        else:
            self.estimator_.fit(D, y, sample_weight=sample_weight)
        self.covariate_names_ = self.encoder_.names()
        return self

    @zero_rows("proba", check=_zero_row_call)
    def predict_proba(self, X, covariates=None):
        check_is_fitted(self)
        return self.estimator_.predict_proba(self._design(X, covariates, reset=False))

    @zero_rows("decision", check=_zero_row_call)
    def decision_function(self, X, covariates=None):
        check_is_fitted(self)
        return self.estimator_.decision_function(self._design(X, covariates, reset=False))

    @zero_rows("labels", check=_zero_row_call)
    def predict(self, X, covariates=None):
        check_is_fitted(self)
        return self.estimator_.predict(self._design(X, covariates, reset=False))

    @zero_rows("score", check=_zero_row_call)
    def score(self, X, y, covariates=None, sample_weight=None):
        """Accuracy of ``predict(X, covariates)``."""
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, covariates), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        est = LogisticRegression() if self.estimator is None else self.estimator
        tags.input_tags.sparse = False
        tags.classifier_tags.multi_class = est.__sklearn_tags__().classifier_tags.multi_class
        return tags


class CovariateAdjustedGLM(ClassifierMixin, BaseEstimator):
    """Unpenalised logistic GLM on ``[X, W]`` (statsmodels) reporting odds ratios with CIs.

    Parameters
    ----------
    alpha : float, default=0.05
        The confidence intervals are ``1 - alpha`` Wald intervals.
    maxiter : int, default=100
        IRLS iterations.

    Attributes
    ----------
    result_ : statsmodels GLMResults
    odds_ratios_ : DataFrame
        Index = term (``const``, X names, encoded covariate names); columns ``coef``
        (log-odds), ``odds_ratio``, ``ci_low``, ``ci_high`` (odds-ratio scale), ``p_value``.
        X columns are on their original scale; numeric covariates are per training SD.
    classes_ : ndarray of two labels

    Notes
    -----
    Binary outcomes only. Categorical covariates are dummy-coded with the first level (in
    sorted order) as reference. Complete separation makes statsmodels raise or warn; this
    estimator does not hide it.

    Examples
    --------
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(2000, Environment(), random_state=1)
    >>> glm = CovariateAdjustedGLM().fit(s.X, s.y, covariates=s.covariates)
    >>> list(glm.odds_ratios_.columns)
    ['coef', 'odds_ratio', 'ci_low', 'ci_high', 'p_value']
    >>> bool((glm.odds_ratios_["ci_low"] < glm.odds_ratios_["ci_high"]).all())
    True
    """

    def __init__(self, *, alpha: float = 0.05, maxiter: int = 100):
        self.alpha = alpha
        self.maxiter = maxiter

    def _design(self, X, covariates, reset: bool):
        X = validate_table(self, X, reset=reset)
        if reset:
            self.encoder_ = CovariateEncoder(drop_first=True).fit(covariates, X.shape[0])
        Z = self.encoder_.transform(covariates, X.shape[0])
        return np.hstack([np.ones((X.shape[0], 1)), X, Z])

    def fit(self, X, y, covariates=None):
        """Fit the GLM (covariates required)."""
        import statsmodels.api as sm

        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha}")
        it = self.maxiter  # maxiter=0 returned the starting values as a fit
        if isinstance(it, bool) or not isinstance(it, numbers.Integral) or it < 1:
            raise ValueError(f"maxiter must be an integer >= 1, got {it!r}")
        if covariates is None:
            CovariateEncoder._frame(None, None)
        D = self._design(X, covariates, reset=True)
        check_classification_targets(y)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if self.classes_.size != 2:
            raise ValueError(
                f"Only binary classification is supported. CovariateAdjustedGLM got "
                f"{self.classes_.size} class(es), expected 2"
            )
        yb = (y == self.classes_[1]).astype(float)
        self.result_ = sm.GLM(yb, D, family=sm.families.Binomial()).fit(maxiter=self.maxiter)
        names = getattr(self, "feature_names_in_", None)
        xnames = (
            [str(c) for c in names]
            if names is not None
            else [f"x{i}" for i in range(self.n_features_in_)]
        )
        terms = ["const", *xnames, *self.encoder_.names()]
        coef = np.asarray(self.result_.params)
        ci = np.asarray(self.result_.conf_int(alpha=self.alpha))
        self.coef_ = coef
        self.odds_ratios_ = pd.DataFrame(
            {
                "coef": coef,
                "odds_ratio": np.exp(coef),
                "ci_low": np.exp(ci[:, 0]),
                "ci_high": np.exp(ci[:, 1]),
                "p_value": np.asarray(self.result_.pvalues),
            },
            index=pd.Index(terms, name="term"),
        )
        return self

    @zero_rows("decision", check=_zero_row_call)
    def decision_function(self, X, covariates=None):
        check_is_fitted(self)
        return self._design(X, covariates, reset=False) @ self.coef_

    @zero_rows("proba", check=_zero_row_call)
    def predict_proba(self, X, covariates=None):
        f = self.decision_function(X, covariates)
        p1 = 0.5 * (1.0 + np.tanh(0.5 * f))
        return np.column_stack([1.0 - p1, p1])

    @zero_rows("labels", check=_zero_row_call)
    def predict(self, X, covariates=None):
        check_is_fitted(self)  # before touching classes_: NotFittedError, not AttributeError
        return self.classes_[(self.decision_function(X, covariates) > 0).astype(int)]

    @zero_rows("score", check=_zero_row_call)
    def score(self, X, y, covariates=None, sample_weight=None):
        """Accuracy of ``predict(X, covariates)``."""
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X, covariates), sample_weight=sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = False
        return tags
