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

Registry item 35 (``MF``; off by default in this class, on in the library's default beat
model since session 26): before the floor, an S call whose QRS differs from the record's
dominant template on any lead (``dom_qrs_corr_l<k>`` below ``median - k_m * 1.4826 * MAD``
of that record's beats) becomes V; ``k_m`` among :data:`S_MORPH_CANDIDATES` chosen by the
same inner CV after the floor's ``k``.
"""

from __future__ import annotations

import numbers
import re

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.utils.validation import check_is_fitted

from .._rows import require_rows
from .._validation_scalars import check_count
from .record_prior import _check_int_params, _named_table, _row_groups, _score_labels

__all__ = [
    "S_FLOOR_CANDIDATES",
    "S_MORPH_CANDIDATES",
    "MIN_QRS_CORR_SD",
    "RecordPrematurityFloor",
    "prematurity_floor",
]

#: Candidates of the inner choice of ``k`` (None: off, tried first; ties go to the first).
S_FLOOR_CANDIDATES = (None, 1.5, 2.0, 3.0, 4.0)

#: Candidates of the QRS-morphology veto's ``k_m`` (registry item 35; None: off, tried
#: first; ties go to the first). Pass as ``morph_floors``; this class's default ``(None,)``
#: is off; :func:`~geoecg.estimators.heartbeat.make_default_beat_model` passes these (the
#: default ``MF`` since session 26).
S_MORPH_CANDIDATES = (None, 5.0, 10.0, 20.0, 40.0)

_QRS_CORR = re.compile(r"^dom_qrs_corr_l\d+$")

#: Smallest robust SD (``1.4826 * MAD``, correlation units) the QRS veto uses for a record's
#: ``dom_qrs_corr_l<k>`` column. A noise-free record (simulated, or digitally clean) has a
#: spread near 1e-7, so that any S beat whose window differs by 1e-5 from the template was
#: vetoed; a difference below ``k_m * 5e-4`` in correlation is not a QRS-morphology
#: difference. Every MIT-BIH DS1 and SVDB column has a spread of at least 1.36e-3 (session 26
#: review), so the guard changes no call on those records.
MIN_QRS_CORR_SD = 5e-4


def _qrs_corr_columns(names):
    """Indices of the ``dom_qrs_corr_l<k>`` columns among ``names``."""
    return [i for i, n in enumerate(names) if _QRS_CORR.match(str(n))]


def prematurity_floor(rr, k, *, min_beats=20, min_sd=0.0):
    """The record's floor ``median - k * 1.4826 * MAD`` of its RR ratios, or NaN and why.

    Parameters
    ----------
    rr : array_like, shape (n_beats,)
        One record's RR ratios (dimensionless, e.g. ``dom_rr_pre``); NaN entries are ignored.
    k : float >= 0
        Number of robust standard deviations below the median (a finite real number; NaN,
        inf, a negative number, ``bool`` or text is a ValueError naming ``k``).
    min_beats : int >= 1, default 20
        Fewer finite ratios give no floor (a whole number; ``bool``, text, NaN or 0 is an
        error naming ``min_beats``).
    min_sd : float >= 0, default 0.0
        Smallest robust SD (``1.4826 * MAD``, in the units of ``rr``) used for the floor;
        the QRS veto passes :data:`MIN_QRS_CORR_SD`.

    Returns
    -------
    floor : float
        NaN when there is no floor.
    reason : str or None
        Why there is no floor (None when there is one).
    """
    for name, value in (("k", k), ("min_sd", min_sd)):
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not (0.0 <= float(value) < np.inf)
        ):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    min_beats = check_count(min_beats, "min_beats", minimum=1)
    v = np.asarray(rr, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size < min_beats:
        return float("nan"), f"{v.size} finite RR ratios < min_beats={min_beats}"
    m = float(np.median(v))
    mad = float(np.median(np.abs(v - m)))
    if 1.4826 * mad < float(min_sd):
        return m - float(k) * float(min_sd), None
    return m - float(k) * 1.4826 * mad, None  # the registered expression, bit for bit


def _candidates(name, values) -> list:
    """``values`` (a sequence of None or finite numbers >= 0) as floats; ValueError naming
    ``name`` otherwise, a ``bool`` included (an infinite ``k`` gave a floor of -inf, or NaN on
    a record without spread, and :func:`prematurity_floor` refuses it)."""
    ks = list(values)
    out = []
    for k in ks:
        if isinstance(k, (bool, np.bool_)):  # refused as by prematurity_floor (not a count of SDs)
            k = float("nan")
        try:
            out.append(None if k is None else float(k))
        except (TypeError, ValueError):
            out.append(float("nan"))
    if not out or any(k is not None and not 0.0 <= k < np.inf for k in out):
        raise ValueError(f"{name} must be None or finite numbers >= 0, got {ks!r}")
    return out


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


def _vetoed(calls, corr, k, s, v, min_beats):
    """``calls`` of one record with S calls set to V where the beat's QRS correlation with the
    record's dominant template (``corr``, one column per lead) lies below that column's
    ``median - k * 1.4826 * MAD`` on any lead (the robust SD at least
    :data:`MIN_QRS_CORR_SD`); a column without a floor, or a NaN value, vetoes nothing."""
    if k is None or v is None:
        return calls
    corr = np.asarray(corr, dtype=np.float64).reshape(calls.size, -1)
    bad = np.zeros(calls.size, dtype=bool)
    for c in corr.T:
        f, _ = prematurity_floor(c, k, min_beats=min_beats, min_sd=MIN_QRS_CORR_SD)
        if np.isfinite(f):
            with np.errstate(invalid="ignore"):
                bad |= c < f  # NaN: False
    out = calls.copy()
    out[(calls == s) & bad] = v
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
    morph_floors : sequence of (float >= 0 or None), default (None,)
        Candidates of ``k_m`` of the QRS-morphology veto (registry item 35; the library's
        default beat model passes :data:`S_MORPH_CANDIDATES` since session 26): before
        the floor, an S call becomes V where the beat's ``dom_qrs_corr_l<k>`` (correlation
        with the record's dominant QRS template, dimensionless) lies below
        ``median - k_m * 1.4826 * MAD`` of that record's beats on any lead. Chosen by the
        inner CV after ``k`` (with ``k`` fixed); ties go to the first; ``(None,)``: off,
        the calls are those without the veto bit for bit. :data:`S_MORPH_CANDIDATES` is
        the item's grid.

    Attributes
    ----------
    estimator_ : fitted RecordSelfTraining (its ``predict`` is the call without the floor)
    classes_ : ndarray
    k_ : float or None
        The inner choice (None: off; also when S or N is not a class or the adapter did not
        calibrate).
    inner_scores_ : dict
        ``k -> mean F1 of the score labels`` (empty when there was no choice).
    km_ : float or None
        The inner choice of the veto's ``k_m`` (None: off; also when V is not a class).
    morph_scores_ : dict
        ``k_m -> mean F1 of the score labels`` with the floor at ``k_`` (empty when there
        was no choice).
    """

    def __init__(
        self,
        estimator=None,
        *,
        feature_names=(),
        floors=S_FLOOR_CANDIDATES,
        rr_column="dom_rr_pre",
        min_beats=20,
        morph_floors=(None,),
    ):
        self.estimator = estimator
        self.feature_names = feature_names
        self.floors = floors
        self.rr_column = rr_column
        self.min_beats = min_beats
        self.morph_floors = morph_floors

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "record_reasons"):
            raise TypeError("estimator must be a RecordSelfTraining (the default beat model)")
        names = [str(s) for s in self.feature_names]
        if self.rr_column not in names:
            raise ValueError(f"rr_column {self.rr_column!r} is not in feature_names")
        ks = _candidates("floors", self.floors)
        _check_int_params(self, (("min_beats", 1),))
        return ks, names.index(self.rr_column)

    def _check_morph(self):
        """``(k_m candidates, column indices of dom_qrs_corr_l<k>)``."""
        kms = _candidates("morph_floors", self.morph_floors)
        cols = _qrs_corr_columns(self.feature_names)
        if not cols and any(k is not None for k in kms):
            raise ValueError(
                "morph_floors needs dom_qrs_corr_l<k> columns in feature_names (the QRS "
                "correlations of record_beat_table's tables); pass morph_floors=(None,) for "
                "the floor alone (FL)"
            )
        return kms, cols

    def _sn(self):
        c = [str(x) for x in self.classes_]
        return (c.index("S"), c.index("N")) if {"S", "N"} <= set(c) else (None, None)

    def _v(self):
        c = [str(x) for x in self.classes_]
        return c.index("V") if "V" in c else None

    def _calls(self, calls, X, j, cols, k, km):
        """One record's calls: the veto at ``km``, then the floor at ``k``."""
        s, n = self._sn()
        out = _vetoed(calls, X[:, cols], km, s, self._v(), self.min_beats)
        return _floored(out, X[:, j], k, s, n, self.min_beats)

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
        kms, cols = self._check_morph()
        require_rows(X, self)  # named here, not by the wrapped RecordSelfTraining
        X = _named_table(X, self.feature_names)
        self.estimator_ = st = clone(self.estimator).fit(X, y, groups)
        self.classes_ = st.classes_
        self.inner_scores_, self.morph_scores_ = {}, {}
        self.k_ = self.km_ = None
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
        if len(kms) < 2 or self._v() is None:
            return self
        for km in kms:  # the veto's k_m, the floor's k fixed at its choice
            pred = base.copy()
            for g in np.unique(groups):
                m = groups == g
                pred[m] = self._calls(base[m], X[m], j, cols, self.k_, km)
            self.morph_scores_[km] = float(
                f1_score(y, st.classes_[pred], labels=labels, average="macro", zero_division=0)
            )
        best = max(self.morph_scores_.values())
        self.km_ = next(k for k in kms if self.morph_scores_[k] == best)
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
        _, cols = self._check_morph()
        X = np.asarray(X, dtype=np.float64)
        pred = np.asarray(self.estimator_.predict(X, groups))  # 0 rows: empty (no call)
        s, n = self._sn()
        km = getattr(self, "km_", None)
        if (self.k_ is None and km is None) or s is None or X.shape[0] == 0:
            return pred
        c = [str(x) for x in self.classes_]
        idx = np.asarray([c.index(str(p)) for p in pred], dtype=np.int64)
        g = _row_groups(groups, X.shape[0])
        for r in np.unique(g):
            m = g == r
            idx[m] = self._calls(idx[m], X[m], j, cols, self.k_, km)
        return self.classes_[idx]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
