"""A stack of the two CinC 2017 feature sets: record features and record + rhythm profile.

:class:`AFFeatureStack` fits one classifier on the first ``n_record_features`` columns (the
107 record features of :data:`geoecg.features.af.record.AF_RECORD_FEATURE_NAMES`) and one on
all columns (+ the 86 rhythm-profile features) and averages their probabilities. Wrapped in
:class:`~geoecg.estimators.PriorShiftClassifier`, the average is calibrated by its
out-of-fold logistic map (a calibrated stack).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted, validate_data

__all__ = ["AFFeatureStack"]

#: Columns of the record features in :func:`geoecg.features.af.af_feature_matrix`.
N_RECORD_FEATURES = 107


class AFFeatureStack(ClassifierMixin, BaseEstimator):
    """Mean probabilities of one classifier on the record features and one on all columns.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default ``CinC2017Classifier()``
        Cloned twice.
    n_record_features : int, default 107
        The first ``n_record_features`` columns are the record features; ``X`` must have
        more columns than that.

    Attributes
    ----------
    classes_ : ndarray
    record_model_, full_model_ : fitted clones of ``estimator``
    train_priors_ : ndarray
        Class frequencies of ``y``.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(60, 5)), np.repeat(["A", "N"], 30)
    >>> X[y == "A", 4] += 2.0
    >>> m = AFFeatureStack(LogisticRegression(), n_record_features=3).fit(X, y)
    >>> m.predict_proba(X).shape, bool(m.score(X, y) > 0.7)
    ((60, 2), True)
    """

    def __init__(self, estimator=None, *, n_record_features: int = N_RECORD_FEATURES):
        self.estimator = estimator
        self.n_record_features = n_record_features

    def fit(self, X, y):
        """Fit both classifiers on ``(X, y)``; returns self."""
        from .cinc2017 import CinC2017Classifier

        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        n = self.n_record_features
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 < n < X.shape[1]:
            raise ValueError(
                f"n_record_features must be an integer in [1, {X.shape[1] - 1}] "
                f"(X has {X.shape[1]} columns), got {n!r}"
            )
        est = CinC2017Classifier() if self.estimator is None else self.estimator
        self.classes_, yi = np.unique(y, return_inverse=True)
        self.train_priors_ = np.bincount(yi, minlength=self.classes_.size) / yi.size
        self.record_model_ = clone(est).fit(X[:, :n], y)
        self.full_model_ = clone(est).fit(X, y)
        return self

    def _mean(self, X, method):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        parts = []
        for m, cols in (
            (self.record_model_, X[:, : self.n_record_features]),
            (self.full_model_, X),
        ):
            f = getattr(m, method, None) or m.predict_proba
            parts.append(np.asarray(f(cols), dtype=np.float64))
        return (parts[0] + parts[1]) / 2.0

    def predict_proba(self, X) -> np.ndarray:
        """Mean of the two classifiers' ``predict_proba``."""
        return self._mean(X, "predict_proba")

    def predict_proba_uncorrected(self, X) -> np.ndarray:
        """Mean of the two classifiers' probabilities under the training prior."""
        return self._mean(X, "predict_proba_uncorrected")

    def predict(self, X) -> np.ndarray:
        """Arg-max of :meth:`predict_proba`."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
