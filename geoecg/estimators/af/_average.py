"""One prior-shift model from several fitted ones: the mean of their calibrated probabilities.

Issue 18, registry item 6 (docs/benchmarks/af.md): the "default" (107 columns) and
"rhythm" (193 columns) adapters of :func:`~geoecg.estimators.af.prior_shift_candidates`,
each a fitted :class:`~geoecg.estimators.PriorShiftClassifier` with its own out-of-fold
calibration map, averaged into one model (no per-seed choice between them); EM, BBSE and
RLLS then run on the averaged probabilities (BBSE / RLLS on the averaged out-of-fold ones).
"""

from __future__ import annotations

import numpy as np

from ..prior_shift import PriorShiftClassifier


def _cols(X, n_columns):
    return X if n_columns is None else X[:, :n_columns]


class _MeanRaw:
    """The members' uncalibrated probabilities, averaged (the "uncorrected" row)."""

    def __init__(self, members, classes):
        self.members, self.classes_ = members, classes

    def predict_proba(self, X):
        out = []
        for m, n in self.members:
            est = m.estimator_
            f = getattr(est, "predict_proba_uncorrected", est.predict_proba)
            out.append(np.asarray(f(_cols(X, n)), dtype=np.float64))
        return np.mean(out, axis=0)

    predict_proba_uncorrected = predict_proba


class AveragedPriorShift(PriorShiftClassifier):
    """Fitted adapters averaged: calibrated probabilities (and out-of-fold ones) are the
    members' means; the prior estimate, the correction and ``target_weighted_oof`` are
    :class:`~geoecg.estimators.PriorShiftClassifier`'s on those means.

    Built by :meth:`from_fitted`, never fitted itself. X holds all columns; each member
    reads its first ``n_columns`` (None: all).
    """

    @classmethod
    def from_fitted(cls, members):
        """``members``: list of ``(fitted PriorShiftClassifier, n_columns)`` fitted on the
        same training records in the same order (same labels, same folds)."""
        if len(members) < 2:
            raise ValueError(f"need at least 2 fitted members, got {len(members)}")
        first = members[0][0]
        for m, _ in members[1:]:
            if not (
                np.array_equal(m.classes_, first.classes_)
                and np.array_equal(m.oof_labels_, first.oof_labels_)
            ):
                raise ValueError("members must be fitted on the same training labels")
        self = cls(**first.get_params(deep=False))
        self.members_ = list(members)
        self.classes_ = first.classes_
        self.source_priors_ = first.source_priors_
        self.oof_labels_ = first.oof_labels_
        self.oof_proba_ = np.mean([m.oof_proba_ for m, _ in members], axis=0)
        self.confusion_ = self._joint(self.oof_proba_, self.oof_labels_)
        self.n_train_ = first.n_train_
        self.estimator_ = _MeanRaw(self.members_, self.classes_)
        self.prior_estimate_ = None
        self.target_priors_ = self.source_priors_.copy()
        return self

    def fit(self, X, y, groups=None, target=None):
        raise TypeError("AveragedPriorShift is built from fitted adapters (from_fitted)")

    def calibrated_proba(self, X) -> np.ndarray:
        """Mean of the members' calibrated probabilities (training prior)."""
        X = np.asarray(X)
        return np.mean([m.calibrated_proba(_cols(X, n)) for m, n in self.members_], axis=0)
