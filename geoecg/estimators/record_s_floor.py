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

Registry item 36 (``KI``; off by default, an opt-in under test in session 28): after the veto
and the floor, a per-record vote of the record's own S calls: an N call becomes S where at
least ``t`` of its :data:`S_VOTE_K` nearest beats of the same record (the beat itself
excluded) are S calls, in a per-record robust-z space of :data:`S_VOTE_COLUMNS`, repeated
until no call changes (at most :data:`S_VOTE_MAX_ROUNDS` rounds); ``t`` among
:data:`S_VOTE_CANDIDATES` chosen by the same inner CV after ``k`` and ``k_m``.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Mapping

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
    "S_VOTE_CANDIDATES",
    "S_VOTE_COLUMNS",
    "S_VOTE_K",
    "S_VOTE_MAX_ROUNDS",
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

#: Candidates of the S-call vote's threshold ``t`` (registry item 36, ``KI``; the fraction
#: of a beat's :data:`S_VOTE_K` nearest beats of its record that must be S calls, between 0
#: and 1; None: off, tried first; ties go to the first). Pass as ``votes``; this class's
#: default ``(None,)`` is off.
S_VOTE_CANDIDATES = (None, 0.5, 0.6, 0.7)

#: Columns of the vote's space (each a per-record robust z, median and 1.4826 MAD, clipped
#: to +-30, NaN as 0, then ``sign(z) * log(1 + |z|)``): RR ratios before and after the beat,
#: P-wave and QRS correlations on two leads, the compensatory-pause ratio and the RR before
#: the beat over the +-150 s median RR (all dimensionless).
S_VOTE_COLUMNS = (
    "dom_rr_pre",
    "dom_rr_post",
    "corr_p_l0",
    "corr_p_l1",
    "dom_qrs_corr_l0",
    "dom_qrs_corr_l1",
    "sin_comp",
    "ctx_pre_hmed",
)

#: Number of nearest beats (of the same record, the beat itself excluded) in the vote; a
#: record with fewer than ``S_VOTE_K + 1`` beats is not voted on.
S_VOTE_K = 31

#: Most rounds of the vote (each round's new S calls vote in the next; it stops earlier when
#: no call changes).
S_VOTE_MAX_ROUNDS = 20

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
    a record without spread, and :func:`prematurity_floor` refuses it). ``values`` that is not
    a sequence (a str, whose characters were read as candidates, a mapping, a set, a number,
    None) is a ``TypeError`` naming ``name`` (session 28)."""
    if isinstance(values, (str, bytes, Mapping, set, frozenset)) or not isinstance(
        values, Iterable
    ):
        off = " ((None,) turns it off)" if values is None else ""
        raise TypeError(
            f"{name} must be a sequence (list or tuple) of None or finite numbers >= 0, got "
            f"{type(values).__name__} {values!r}{off}"
        )
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


def _vote_space(Z):
    """The vote's coordinates of one record's rows: per column the robust z (median, 1.4826
    MAD; a column without spread uses its SD + 1e-9), NaN -> 0, clipped to +-30, squashed by
    ``sign(z) * log(1 + |z|)``."""
    Z = np.asarray(Z, dtype=np.float64)
    out = np.zeros_like(Z)
    for j in range(Z.shape[1]):
        v = Z[:, j]
        ok = np.isfinite(v)
        if not ok.any():
            continue
        med = float(np.median(v[ok]))
        mad = 1.4826 * float(np.median(np.abs(v[ok] - med)))
        if not mad > 1e-9:
            mad = float(np.std(v[ok])) + 1e-9
        z = np.zeros(v.size)
        z[ok] = np.clip((v[ok] - med) / mad, -30.0, 30.0)
        out[:, j] = z
    return np.sign(out) * np.log1p(np.abs(out))


def _vote_neighbours(Z, k=S_VOTE_K):
    """Indices of each row's ``k`` nearest other rows in the vote space (the row itself
    excluded exactly), or None when the record has fewer than ``k + 1`` rows."""
    from sklearn.neighbors import NearestNeighbors

    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape[0] < k + 1:
        return None
    # kneighbors() without a query excludes each indexed point from its own neighbours
    return NearestNeighbors(n_neighbors=k).fit(_vote_space(Z)).kneighbors(return_distance=False)


def _voted(calls, nbrs, t, s, n, max_rounds=S_VOTE_MAX_ROUNDS):
    """One record's ``calls`` with N calls set to S where at least ``t`` of their neighbours
    (``nbrs`` of :func:`_vote_neighbours`) are S calls, repeated until nothing changes."""
    if t is None or nbrs is None or s is None or n is None:
        return calls
    out = calls.copy()
    for _ in range(int(max_rounds)):
        new = (out == n) & ((out[nbrs] == s).mean(axis=1) >= t)
        if not new.any():
            break
        out[new] = s
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
    votes : sequence of (float in (0, 1] or None), default (None,)
        Candidates of the S-call vote's ``t`` (registry item 36, ``KI``, under test): after
        the veto and the floor, per record, an N call becomes S where at least ``t`` of its
        :data:`S_VOTE_K` nearest beats of the record (in the robust-z space of
        :data:`S_VOTE_COLUMNS`, which ``feature_names`` must hold) are S calls, repeated
        until no call changes. Chosen by the inner CV after ``k`` and ``k_m``; ``(None,)``:
        off, the calls without the vote bit for bit. :data:`S_VOTE_CANDIDATES` is the
        item's grid.

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
    vote_t_ : float or None
        The inner choice of the vote's ``t`` (None: off).
    vote_scores_ : dict
        ``t -> mean F1 of the score labels`` with the floor at ``k_`` and the veto at
        ``km_`` (empty when there was no choice).
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
        votes=(None,),
    ):
        self.estimator = estimator
        self.feature_names = feature_names
        self.floors = floors
        self.rr_column = rr_column
        self.min_beats = min_beats
        self.morph_floors = morph_floors
        self.votes = votes

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

    def _check_votes(self):
        """``(t candidates, column indices of S_VOTE_COLUMNS or None)``."""
        ts = _candidates("votes", self.votes)
        if any(t is not None and not 0.0 < t <= 1.0 for t in ts):
            raise ValueError(f"votes must be None or numbers in (0, 1], got {list(self.votes)!r}")
        if all(t is None for t in ts):
            return ts, None
        names = [str(c) for c in self.feature_names]
        miss = [c for c in S_VOTE_COLUMNS if c not in names]
        if miss:
            raise ValueError(f"votes needs the columns {miss} in feature_names")
        return ts, [names.index(c) for c in S_VOTE_COLUMNS]

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
        ts, vcols = self._check_votes()
        require_rows(X, self)  # named here, not by the wrapped RecordSelfTraining
        X = _named_table(X, self.feature_names)
        self.estimator_ = st = clone(self.estimator).fit(X, y, groups)
        self.classes_ = st.classes_
        self.inner_scores_, self.morph_scores_, self.vote_scores_ = {}, {}, {}
        self.k_ = self.km_ = self.vote_t_ = None
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
        if len(kms) >= 2 and self._v() is not None:
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
        self._choose_vote(ts, vcols, base, X, y, groups, j, cols, labels)
        return self

    def _choose_vote(self, ts, vcols, base, X, y, groups, j, cols, labels):
        """The vote's ``t`` on the out-of-fold calls, ``k_`` and ``km_`` fixed."""
        if len(ts) < 2 or vcols is None:
            return
        s, n = self._sn()
        st = self.estimator_
        fixed, nbrs = base.copy(), {}
        for g in np.unique(groups):
            m = groups == g
            fixed[m] = self._calls(base[m], X[m], j, cols, self.k_, self.km_)
            nbrs[g] = _vote_neighbours(X[m][:, vcols])
        for t in ts:
            pred = fixed.copy()
            for g in np.unique(groups):
                m = groups == g
                pred[m] = _voted(fixed[m], nbrs[g], t, s, n)
            self.vote_scores_[t] = float(
                f1_score(y, st.classes_[pred], labels=labels, average="macro", zero_division=0)
            )
        best = max(self.vote_scores_.values())
        self.vote_t_ = next(t for t in ts if self.vote_scores_[t] == best)

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
        _, vcols = self._check_votes()
        X = np.asarray(X, dtype=np.float64)
        pred = np.asarray(self.estimator_.predict(X, groups))  # 0 rows: empty (no call)
        s, n = self._sn()
        km = getattr(self, "km_", None)
        vt = getattr(self, "vote_t_", None)
        if (self.k_ is None and km is None and vt is None) or s is None or X.shape[0] == 0:
            return pred
        c = [str(x) for x in self.classes_]
        idx = np.asarray([c.index(str(p)) for p in pred], dtype=np.int64)
        g = _row_groups(groups, X.shape[0])
        for r in np.unique(g):
            m = g == r
            idx[m] = self._calls(idx[m], X[m], j, cols, self.k_, km)
            if vt is not None:
                idx[m] = _voted(idx[m], _vote_neighbours(X[m][:, vcols]), vt, s, n)
        return self.classes_[idx]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
