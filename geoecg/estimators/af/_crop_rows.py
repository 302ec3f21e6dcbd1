"""Crop augmentation inside any resampling of whole records (registry item 7, issue 18).

:class:`CropRowsClassifier` wraps a ``CinC2017Classifier`` so that a row-indexing wrapper
(:class:`~geoecg.estimators.PriorShiftClassifier`'s out-of-fold calibration, a CV split)
hands it the crop rows of exactly the records it is fitted on: column 0 of ``X`` is each
record's index into the cohort (``crop_owner``'s numbering), the other columns are its
features. A record that is held out of a fit (a calibration fold, the test part) never has
its crops in that fit, because its index is not in the fitted rows.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from ..._validation import check_sample_indices

__all__ = ["CropRowsClassifier", "check_crop_owner", "with_record_index", "with_crops"]


def check_crop_owner(crop_owner, n_records: int, n_crops: int) -> np.ndarray:
    """``crop_owner`` as int64 row indices of ``X`` (``n_records`` rows), one per crop row.

    Before session 14 a crop row whose owner matched no record of ``X`` was left out of
    every fit without a word (``np.isin`` against the training records).

    Parameters
    ----------
    crop_owner : array_like of int, shape (n_crops,)
        Row of ``X`` each crop row was cut from.
    n_records : int
        Rows of ``X``.
    n_crops : int
        Rows of ``crops``.

    Returns
    -------
    ndarray of int64, shape (n_crops,)

    Raises
    ------
    ValueError
        Owners that are not whole numbers >= 0, a length other than ``n_crops``, or owners
        ``>= n_records`` (their count and the first of them are named).

    Examples
    --------
    >>> check_crop_owner([0, 0, 1], 2, 3).tolist()
    [0, 0, 1]
    >>> check_crop_owner([0, 5], 2, 2)
    Traceback (most recent call last):
    ...
    ValueError: crop_owner: 1 of 2 crop rows name no row of X (owners [5]; ...): ...
    """
    owner = check_sample_indices(crop_owner, "crop_owner")
    if owner.size != n_crops:
        raise ValueError(
            f"crop_owner must name one record per crop row ({n_crops}), got {owner.size}"
        )
    if (bad := owner >= n_records).any():
        raise ValueError(
            f"crop_owner: {int(bad.sum())} of {owner.size} crop rows name no row of X (owners "
            f"{np.unique(owner[bad])[:5].tolist()}; X has {n_records} records, rows "
            f"0..{n_records - 1}): each crop row must name the row of X it was cut from "
            "(they used to be dropped without a word)"
        )
    return owner


def with_record_index(X) -> np.ndarray:
    """``X`` with the record index ``0 .. n-1`` prepended as column 0 (float).

    Examples
    --------
    >>> with_record_index(np.ones((2, 1))).tolist()
    [[0.0, 1.0], [1.0, 1.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_records, n_features), got shape {X.shape}")
    return np.column_stack([np.arange(X.shape[0], dtype=np.float64), X])


def with_crops(adapter, X, crops, crop_owner):
    """``adapter`` (a :class:`~geoecg.estimators.PriorShiftClassifier`) with its estimator
    wrapped in :class:`CropRowsClassifier`, and ``X`` with the record index as column 0.

    Returns
    -------
    adapter : the same object, ``estimator`` replaced
    X : ndarray, shape (n_records, 1 + n_features)
    """
    est = CropRowsClassifier(adapter.estimator, crops, crop_owner)
    return adapter.set_params(estimator=est), with_record_index(X)


class CropRowsClassifier(ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on whole records plus the crops of those records only.

    Parameters
    ----------
    estimator : classifier
        Accepts ``fit(X, y, X_crops=, y_crops=)`` and has ``predict_proba_uncorrected``
        (:class:`~geoecg.estimators.af.CinC2017Classifier`; crop rows weigh its
        ``crop_weight``).
    crops : ndarray, shape (n_crop_rows, n_features)
        Crop features of the cohort (:class:`geoecg.features.af.AFFeatureMatrix` ``crops``,
        same columns as ``X[:, 1:]``).
    crop_owner : ndarray of int, shape (n_crop_rows,)
        Cohort index of the record each crop row comes from.

    Attributes
    ----------
    estimator_ : fitted clone of ``estimator``
    classes_ : ndarray
    crop_rows_ : ndarray of int
        Indices into ``crops`` of the rows the fit used (the crops of the fitted records).

    Notes
    -----
    ``X`` is ``(n_records, 1 + n_features)``: column 0 the cohort index of each record
    (:func:`with_record_index`), which must be a distinct integer per fitted record.
    Predictions use whole records only (no crops).
    """

    def __init__(self, estimator=None, crops=None, crop_owner=None):
        self.estimator = estimator
        self.crops = crops
        self.crop_owner = crop_owner

    def _split(self, X):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] < 2:
            raise ValueError(
                "X must be (n_records, 1 + n_features) with the record index in column 0, "
                f"got shape {X.shape}"
            )
        ids = X[:, 0]
        if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)) or np.any(ids < 0):
            raise ValueError("column 0 of X must hold record indices (integers >= 0)")
        return ids.astype(np.int64), X[:, 1:]

    def fit(self, X, y):
        """Fit on the records of ``X`` (index column + features) and their crops."""
        if self.estimator is None or self.crops is None or self.crop_owner is None:
            raise ValueError("CropRowsClassifier needs estimator, crops and crop_owner")
        ids, F = self._split(X)
        y = np.asarray(y)
        if y.shape != (ids.size,):
            raise ValueError(f"y must have one label per record ({ids.size}), got {y.shape}")
        if np.unique(ids).size != ids.size:
            raise ValueError("column 0 of X must give each fitted record a distinct index")
        crops = np.asarray(self.crops, dtype=np.float64)
        # whole indices >= 0 (NaN / fractional owners were cast to garbage indices)
        owner = check_sample_indices(self.crop_owner, "crop_owner")
        if crops.ndim != 2 or crops.shape != (owner.size, F.shape[1]):
            raise ValueError(
                f"crops must have shape (len(crop_owner)={owner.size}, {F.shape[1]}), "
                f"got {crops.shape}"
            )
        rows = np.flatnonzero(np.isin(owner, ids))
        label = dict(zip(ids.tolist(), y.tolist(), strict=True))
        y_crops = np.array([label[o] for o in owner[rows].tolist()], dtype=y.dtype)
        self.estimator_ = clone(self.estimator).fit(F, y, X_crops=crops[rows], y_crops=y_crops)
        self.classes_ = self.estimator_.classes_
        self.crop_rows_ = rows
        return self

    def predict_proba_uncorrected(self, X) -> np.ndarray:
        """Probabilities of whole records under the training prior."""
        check_is_fitted(self)
        return self.estimator_.predict_proba_uncorrected(self._split(X)[1])

    def predict_proba(self, X) -> np.ndarray:
        """Same as :meth:`predict_proba_uncorrected` (the base model's training prior)."""
        return self.predict_proba_uncorrected(X)

    def predict(self, X) -> np.ndarray:
        """Class of the highest probability for each whole record."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
