"""A label-free per-record prematurity floor on S calls (registry item 32 of the beats page).

An S (supraventricular ectopic) call is kept only when the beat is premature beyond the
record's own rhythm spread: its RR ratio (``dom_rr_pre``, the RR before the beat divided by
the record's sinus reference; dimensionless) must lie below the floor
``median - k * 1.4826 * MAD`` of that record's beats. Otherwise the call becomes N. ``k`` is
chosen among candidates (or off) by the same patient-grouped inner cross-validation that
chooses the self-training threshold of the wrapped
:class:`~geoecg.estimators.record_self_training.RecordSelfTraining`: its out-of-fold calls of
the training patients, floored per patient, scored by the mean F1 of S and V. No label of the
test record is used; the floor never adds an S call and never touches another class.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.utils.validation import check_is_fitted

from .record_prior import _check_int_params, _named_table, _row_groups, _score_labels

__all__ = ["S_FLOOR_CANDIDATES", "RecordPrematurityFloor", "prematurity_floor"]

#: Candidates of the inner choice of ``k`` (None: off, tried first; ties go to the first).
S_FLOOR_CANDIDATES = (None, 1.5, 2.0, 3.0, 4.0)


def prematurity_floor(rr, k, *, min_beats=20):
    """The record's floor ``median - k * 1.4826 * MAD`` of its RR ratios, or NaN and why.

    Parameters
    ----------
    rr : array_like, shape (n_beats,)
        One record's RR ratios (dimensionless, e.g. ``dom_rr_pre``); NaN entries are ignored.
    k : float >= 0
        Number of robust standard deviations below the median.
    min_beats : int >= 1, default 20
        Fewer finite ratios give no floor.

    Returns
    -------
    floor : float
        NaN when there is no floor.
    reason : str or None
        Why there is no floor (None when there is one).
    """
    v = np.asarray(rr, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size < min_beats:
        return float("nan"), f"{v.size} finite RR ratios < min_beats={min_beats}"
    m = float(np.median(v))
    return m - float(k) * 1.4826 * float(np.median(np.abs(v - m))), None


def _fitted_layers(model):
    """``(floor, self_training, adapter)`` of a fitted default beat model; None where absent.

    ``model`` is a fitted :class:`RecordPrematurityFloor`, ``RecordSelfTraining`` or
    ``RecordPriorAdapter`` (the forms of
    :func:`~geoecg.estimators.heartbeat.make_default_beat_model`).
    """
    floor = model if isinstance(model, RecordPrematurityFloor) else None
    st = model.estimator_ if floor is not None else model
    if not hasattr(st, "threshold_"):
        return floor, None, st
    return floor, st, st.estimator_


def _floored(calls, rr, k, s, n, min_beats):
    """``calls`` (class indices of one record) with S calls at or above the floor set to N."""
    if k is None:
        return calls
    f, _ = prematurity_floor(rr, k, min_beats=min_beats)
    if not np.isfinite(f):
        return calls
    out = calls.copy()
    with np.errstate(invalid="ignore"):
        out[(calls == s) & (rr >= f)] = n  # NaN ratio: the call is kept
    return out


class RecordPrematurityFloor(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Keep a record's S calls only where the beat is premature beyond the record's spread.

    ``fit(X, y, groups)`` fits ``estimator`` (a
    :class:`~geoecg.estimators.record_self_training.RecordSelfTraining`, e.g. the default
    model of :func:`~geoecg.estimators.heartbeat.make_default_beat_model`), then chooses ``k``
    among ``floors`` on the wrapped model's out-of-fold calls of the training groups (its
    adapter's ``oof_proba_`` self-trained per group at the chosen threshold), each group
    floored on its own ``rr_column``. ``predict(X, groups)``: the wrapped model's calls, then
    per record S -> N where ``rr_column >= median - k * 1.4826 * MAD`` of that record.

    Parameters
    ----------
    estimator : RecordSelfTraining
    feature_names : sequence of str
        Names of the columns of ``X`` (must hold ``rr_column``).
    floors : sequence of (float >= 0 or None), default :data:`S_FLOOR_CANDIDATES`
        Candidates of ``k``; None is "off". Ties go to the first.
    rr_column : str, default "dom_rr_pre"
    min_beats : int >= 1, default 20
        A record with fewer finite ratios keeps its calls.

    Attributes
    ----------
    estimator_ : fitted RecordSelfTraining (its ``predict`` is the call without the floor)
    classes_ : ndarray
    k_ : float or None
        The inner choice (None: off; also when S or N is not a class or the adapter did not
        calibrate).
    inner_scores_ : dict
        ``k -> mean F1 of the score labels`` (empty when there was no choice).
    """

    def __init__(
        self,
        estimator=None,
        *,
        feature_names=(),
        floors=S_FLOOR_CANDIDATES,
        rr_column="dom_rr_pre",
        min_beats=20,
    ):
        self.estimator = estimator
        self.feature_names = feature_names
        self.floors = floors
        self.rr_column = rr_column
        self.min_beats = min_beats

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "record_reasons"):
            raise TypeError("estimator must be a RecordSelfTraining (the default beat model)")
        names = [str(s) for s in self.feature_names]
        if self.rr_column not in names:
            raise ValueError(f"rr_column {self.rr_column!r} is not in feature_names")
        ks = list(self.floors)
        if not ks or any(k is not None and not float(k) >= 0.0 for k in ks):
            raise ValueError(f"floors must be None or numbers >= 0, got {ks!r}")
        _check_int_params(self, (("min_beats", 1),))
        return [None if k is None else float(k) for k in ks], names.index(self.rr_column)

    def _sn(self):
        c = [str(x) for x in self.classes_]
        return (c.index("S"), c.index("N")) if {"S", "N"} <= set(c) else (None, None)

    def fit(self, X, y, groups=None):
        """Fit the wrapped model, choose ``k`` on its out-of-fold calls of the training groups.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
        groups : array_like, shape (n_samples,)
            Patient (or record) of each training sample; required.

        Returns
        -------
        self
        """
        ks, j = self._check_params()
        X = _named_table(X, self.feature_names)
        self.estimator_ = st = clone(self.estimator).fit(X, y, groups)
        self.classes_ = st.classes_
        self.inner_scores_ = {}
        self.k_ = None
        s, n = self._sn()
        base = st.oof_calls_  # the wrapped model's out-of-fold calls at its chosen threshold
        if len(ks) < 2 or s is None or base is None:
            return self
        y, groups = np.asarray(y), np.asarray(groups)
        labels = _score_labels(st.score_labels, st.classes_, len(ks))
        for k in ks:
            pred = base.copy()
            for g in np.unique(groups):
                m = groups == g
                pred[m] = _floored(base[m], X[m, j], k, s, n, self.min_beats)
            self.inner_scores_[k] = float(
                f1_score(y, st.classes_[pred], labels=labels, average="macro", zero_division=0)
            )
        best = max(self.inner_scores_.values())
        self.k_ = next(k for k in ks if self.inner_scores_[k] == best)
        return self

    def predict(self, X, groups=None):
        """Class of each row: the wrapped model's call, floored per record.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        groups : array_like, shape (n_samples,), optional
            Record of each row (None: all rows are one record).

        Returns
        -------
        ndarray, shape (n_samples,)
            Empty for 0 rows.
        """
        check_is_fitted(self, "estimator_")
        _, j = self._check_params()
        X = np.asarray(X, dtype=np.float64)
        pred = np.asarray(self.estimator_.predict(X, groups))  # 0 rows: empty (no call)
        s, n = self._sn()
        if self.k_ is None or s is None or X.shape[0] == 0:
            return pred
        c = [str(x) for x in self.classes_]
        idx = np.asarray([c.index(str(p)) for p in pred], dtype=np.int64)
        g = _row_groups(groups, X.shape[0])
        for r in np.unique(g):
            m = g == r
            idx[m] = _floored(idx[m], X[m, j], self.k_, s, n, self.min_beats)
        return self.classes_[idx]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
