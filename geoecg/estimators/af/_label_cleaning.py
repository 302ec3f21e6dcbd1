"""Training-label cleaning inside every fit (registry item 13, issue 18).

:class:`LabelCleaningClassifier` wraps a classifier: on the records it is fitted on, a cheaper
copy of the classifier gives each record an out-of-fold probability of its own label, the
records below ``threshold`` are dropped (confident-learning style: a label the rest of the
training data does not support), and the classifier is refitted on the rest. Inside a
:class:`~geoecg.estimators.PriorShiftClassifier` every calibration fold cleans its own
training rows only, so the out-of-fold predictions, the calibration and the target-weighted
inner score are of every training record under its given label: a cleaned candidate and
the uncleaned one are compared on the same labels.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

__all__ = ["LabelCleaningClassifier"]


class LabelCleaningClassifier(ClassifierMixin, BaseEstimator):
    """Drop the training records whose out-of-fold probability of their label is low, refit.

    Parameters
    ----------
    estimator : classifier
        Has ``fit(X, y)`` and ``predict_proba``; any row-indexable ``X`` (e.g. a
        :class:`~geoecg.estimators.af._crop_rows.CropRowsClassifier`, whose column 0 is the
        record index, so that a dropped record's crops are dropped with it).
    threshold : float in (0, 1)
        A record is dropped when the out-of-fold probability of its own label (flagging
        model, training class frequencies, no calibration) is below it.
    cv : int, default 3
        Stratified folds of the flagging model.
    flag_params : dict or None
        ``set_params`` arguments that make the flagging copy of ``estimator`` cheaper, e.g.
        ``{"estimator__n_estimators": 50}``; None: the copy as given.
    min_per_class : int, default 5
        A class keeps all its records when cleaning would leave it fewer than this (or
        fewer than ``cv``); ``flag_reason_`` says so.
    random_state : int or None
        Seed of the flagging folds.

    Attributes
    ----------
    estimator_ : fitted clone of ``estimator`` (on the kept records)
    classes_ : ndarray
    own_proba_ : ndarray, shape (n_records,)
        Out-of-fold probability of each record's own label.
    dropped_ : ndarray of int
        Rows of the fitted ``X`` left out of ``estimator_``.
    flag_reason_ : str
        ``""``, or why a class kept its flagged records.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(3, 1, (40, 2))]
    >>> y = np.repeat(["N", "A"], 40)
    >>> y[:3] = "A"  # three N records labelled A
    >>> m = LabelCleaningClassifier(LogisticRegression(), 0.2, random_state=0).fit(X, y)
    >>> sorted(m.dropped_.tolist())
    [0, 1, 2]
    """

    def __init__(
        self,
        estimator=None,
        threshold=0.1,
        *,
        cv=3,
        flag_params=None,
        min_per_class=5,
        random_state=None,
    ):
        self.estimator = estimator
        self.threshold = threshold
        self.cv = cv
        self.flag_params = flag_params
        self.min_per_class = min_per_class
        self.random_state = random_state

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "predict_proba"):
            raise TypeError("estimator must be a classifier with predict_proba")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, numbers.Real) or not 0.0 < t < 1.0:
            raise ValueError(f"threshold must be a number in (0, 1), got {t!r}")
        for name in ("cv", "min_per_class"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 2:
                raise ValueError(f"{name} must be an integer >= 2, got {v!r}")
        if self.flag_params is not None and not isinstance(self.flag_params, dict):
            raise TypeError(f"flag_params must be a dict or None, got {self.flag_params!r}")

    def fit(self, X, y):
        """Flag out of fold, drop the flagged records, fit ``estimator`` on the rest.

        Parameters
        ----------
        X : array_like, shape (n_records, n_features)
        y : array_like, shape (n_records,)
        """
        self._check_params()
        X, y = np.asarray(X), np.asarray(y)
        if y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise ValueError(f"X must have one row per label in y, got X {X.shape}, y {y.shape}")
        classes, yi = np.unique(y, return_inverse=True)
        counts = np.bincount(yi, minlength=classes.size)
        if classes.size < 2 or counts.min() < self.cv:
            raise ValueError(
                f"every class needs at least cv={self.cv} records and y at least 2 classes, "
                f"got counts {dict(zip(classes.tolist(), counts.tolist(), strict=True))}"
            )
        flag = clone(self.estimator)
        if self.flag_params:
            flag.set_params(**self.flag_params)
        rng = check_random_state(self.random_state)
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=rng.randint(2**31 - 1))
        own = np.full(y.size, np.nan)
        for tr, te in folds.split(np.zeros((y.size, 1)), yi):
            m = clone(flag).fit(X[tr], y[tr])
            col = {c: j for j, c in enumerate(m.classes_.tolist())}
            P = m.predict_proba(X[te])
            own[te] = [P[r, col[c]] if c in col else 0.0 for r, c in enumerate(y[te].tolist())]
        drop = own < self.threshold
        kept_class = []
        for k, c in enumerate(classes.tolist()):
            if counts[k] - np.sum(drop & (yi == k)) < max(self.min_per_class, self.cv):
                drop[yi == k] = False
                kept_class.append(c)
        self.flag_reason_ = (
            f"class(es) {kept_class} kept all records: cleaning would leave fewer than "
            f"{max(self.min_per_class, self.cv)}"
            if kept_class
            else ""
        )
        self.own_proba_, self.dropped_ = own, np.flatnonzero(drop)
        keep = ~drop
        self.estimator_ = clone(self.estimator).fit(X[keep], y[keep])
        self.classes_ = self.estimator_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the model fitted on the kept records."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """Class of the highest probability."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
