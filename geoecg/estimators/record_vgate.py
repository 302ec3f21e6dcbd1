"""A V gate from absolute QRS morphology on the default beat model, chosen on V-stratified
patient folds (registry item 27, the second try of item 26's gate).

Record-relative features (the default beat model ``A1``,
:func:`~geoecg.estimators.heartbeat.make_default_beat_model`) carry supraventricular
(S) beats to new patients; absolute QRS morphology (width, energy, wavelets) carries
ventricular (V) beats (the former default on all 176 absolute columns reached V F1 96.2 on
the held-out MIT-BIH DS2 patients). :class:`VBeatGate` fits both on the same training beats:
``A1``, and a class-weighted V-vs-rest :class:`~geoecg.estimators.HeartbeatClassifier` on the
absolute columns (``feature_set="all"``). A beat is called V when the gate's V probability
is >= ``t``; otherwise it gets ``A1``'s decision restricted to the non-V classes (the gate
decides V alone: it adds V calls and removes ``A1``'s). ``t`` is chosen among ``thresholds``
(``None``: off, ``A1`` unchanged) on training patients only, by patient folds that put the
V-richest patients on different sides (:func:`v_strata_folds`): on each fold ``A1`` and the
gate are refitted on one side and called on the other.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .record_prior import _check_int_params, _row_groups, _score_labels

__all__ = [
    "VGATE_THRESHOLDS",
    "VBeatGate",
    "make_vgate_beat_model",
    "v_strata_folds",
    "vgate_beat_tables",
]

#: Thresholds on the gate's V probability registered for the inner choice (registry items
#: 26 and 27), in tie-break order; None: no gate (``A1``).
VGATE_THRESHOLDS = (None, 0.5, 0.7, 0.9)


def gate_decision(S, pv, t, v_index):
    """Class index of each row: V where ``pv >= t``, else the arg-max of ``S`` over the
    other classes; ``t`` None: the arg-max of ``S``.

    Parameters
    ----------
    S : ndarray, shape (n, n_classes)
        Decision scores of the base model (arg-max: its call).
    pv : ndarray, shape (n,)
        The gate's V probability (NaN: never V by the gate).
    t : float or None
    v_index : int
        Column of V in ``S``.

    Returns
    -------
    ndarray of int, shape (n,)
    """
    if t is None:
        return np.argmax(S, axis=1)
    R = np.array(S, dtype=np.float64, copy=True)
    R[:, v_index] = -np.inf
    lab = np.argmax(R, axis=1)
    lab[np.nan_to_num(pv, nan=-1.0) >= t] = v_index
    return lab


def v_strata_folds(y, groups, n_splits=2, *, v_label="V", random_state=None):
    """Patient folds with the V-richest patients on different sides.

    The patients (``groups``) are ranked by their number of ``v_label`` rows (most first;
    ties in the order of :func:`numpy.unique`) and taken ``n_splits`` at a time: each block
    sends one patient to each fold, in a random order (seeded). So the ``n_splits``
    V-richest patients are all in different folds, and so on down the ranking.

    Parameters
    ----------
    y : array_like, shape (n_samples,)
        Class of each row.
    groups : array_like, shape (n_samples,)
        Patient of each row.
    n_splits : int >= 2, default 2
    v_label : str, default "V"
    random_state : int, RandomState or None
        Seed of the order within each block.

    Returns
    -------
    list of (ndarray, ndarray)
        ``(train_rows, test_rows)`` per fold, row indices in increasing order.

    Raises
    ------
    ValueError
        ``y`` and ``groups`` differ in length, or there are fewer patients than
        ``n_splits``.
    """
    y, groups = np.asarray(y), np.asarray(groups)
    if y.ndim != 1 or groups.shape != y.shape:
        raise ValueError(f"y and groups must be 1-D of one length, got {y.shape}, {groups.shape}")
    k = int(n_splits)
    pats, inv = np.unique(groups, return_inverse=True)
    if k < 2 or pats.size < k:
        raise ValueError(f"n_splits must be >= 2 and <= the {pats.size} patients, got {n_splits}")
    nv = np.bincount(inv, weights=(y == v_label).astype(np.float64), minlength=pats.size)
    order = np.lexsort((np.arange(pats.size), -nv))
    rs = check_random_state(random_state)
    fold = np.empty(pats.size, dtype=np.int64)
    for i in range(0, pats.size, k):
        block = order[i : i + k]
        fold[block] = rs.permutation(k)[: block.size]
    rows = fold[inv]
    return [(np.flatnonzero(rows != f), np.flatnonzero(rows == f)) for f in range(k)]


class VBeatGate(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """The default beat model with its V calls made by a V-vs-rest model of other columns.

    ``fit(X, y, groups)``: fits ``estimator`` (a
    :class:`~geoecg.estimators.record_self_training.RecordSelfTraining`) and ``gate`` (a
    binary classifier with ``predict_proba``, fitted on ``y == v_label``) on the same rows.
    The threshold is chosen on :func:`v_strata_folds` of the training patients (``cv`` folds,
    the V-richest patients on different sides): on each fold a clone of ``estimator`` and of
    the gate are fitted on the other folds' patients and called on the fold's patients
    (:meth:`~geoecg.estimators.record_self_training.RecordSelfTraining.decision_scores`, each
    patient one record); every candidate of ``thresholds`` combines these out-of-fold
    scores (:func:`gate_decision`), and the one with the highest mean F1 of
    ``score_labels`` is kept (ties to the first). ``predict(X, groups)``: the estimator's
    per-record decision scores and the gate's V probability.

    Parameters
    ----------
    estimator : RecordSelfTraining
        The base model (``A1``: :func:`~geoecg.estimators.heartbeat.make_default_beat_model`).
    gate : classifier with ``predict_proba``
        Fitted on the labels ``y == v_label`` (e.g.
        :func:`~geoecg.estimators.heartbeat.make_beat_pipeline` with ``feature_set="all"``,
        ``adapt=False``).
    thresholds : sequence of (float in (0, 1] or None), default :data:`VGATE_THRESHOLDS`
        Candidates of the inner choice; None: no gate. Ties go to the first.
    v_label : str, default "V"
    cv : int >= 2, default 2
        Patient folds of the threshold choice (:func:`v_strata_folds`).
    max_per_class : int or None, default None
        At most this many training rows of each class of ``y`` (not of the binary label)
        are drawn at random for the gate (seeded by ``random_state``), so that every
        non-V class keeps its rows; None: all rows.
    random_state : int, RandomState or None
        Seed of that draw and of the order within the blocks of :func:`v_strata_folds`.
    score_labels : sequence or None, default ("S", "V")
        Classes whose mean F1 the threshold choice maximises (None: all).

    Attributes
    ----------
    estimator_ : fitted RecordSelfTraining (its ``predict`` is ``A1``'s call)
    gate_ : fitted gate, or None when ``y`` holds no ``v_label`` row or no other
    classes_ : ndarray
    threshold_ : float or None
        The inner choice (None: off).
    inner_scores_ : dict
        ``threshold -> score`` of every candidate (empty when nothing was chosen).
    inner_v_ : list of int
        ``v_label`` rows on the test side of each inner fold (empty when nothing was
        chosen).
    off_reason_ : str or None
        Why no threshold was chosen (no V, too few patients, or an inner training side with
        one class), else None.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
    >>> rng = np.random.default_rng(0)
    >>> y = rng.choice(["N", "S", "V"], 900, p=[0.7, 0.15, 0.15])
    >>> X = rng.normal(size=(900, 2)) + np.c_[y == "S", y == "V"] * 3.0
    >>> g = np.repeat(np.arange(6), 150)
    >>> ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)])
    >>> base = RecordSelfTraining(ada, feature_names=["a", "b"], local_features=["a"])
    >>> clf = VBeatGate(base, LogisticRegression(), thresholds=(None, 0.5)).fit(X, y, g)
    >>> clf.predict(X[:150], np.zeros(150)).shape
    (150,)
    """

    def __init__(
        self,
        estimator=None,
        gate=None,
        *,
        thresholds=VGATE_THRESHOLDS,
        v_label="V",
        cv=2,
        max_per_class=None,
        random_state=None,
        score_labels=("S", "V"),
    ):
        self.estimator = estimator
        self.gate = gate
        self.thresholds = thresholds
        self.v_label = v_label
        self.cv = cv
        self.max_per_class = max_per_class
        self.random_state = random_state
        self.score_labels = score_labels

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "decision_scores"):
            raise TypeError("estimator must be a RecordSelfTraining (per-record decision_scores)")
        if self.gate is None or not hasattr(self.gate, "predict_proba"):
            raise TypeError("gate must be a classifier with predict_proba")
        _check_int_params(self, (("cv", 2),))
        cap = self.max_per_class
        if cap is not None and (
            isinstance(cap, bool) or not isinstance(cap, numbers.Integral) or cap < 1
        ):
            raise ValueError(f"max_per_class must be a positive integer or None, got {cap!r}")
        th = list(self.thresholds)
        if not th or any(t is not None and not 0.0 < float(t) <= 1.0 for t in th):
            raise ValueError(f"thresholds must be None or numbers in (0, 1], got {th!r}")
        return [None if t is None else float(t) for t in th]

    def _gate_rows(self, y, rs):
        """Rows the gate trains on: at most ``max_per_class`` of each class of ``y``."""
        if self.max_per_class is None:
            return np.arange(y.shape[0])
        keep = []
        for c in np.unique(y):
            idx = np.flatnonzero(y == c)
            cap = int(self.max_per_class)
            keep.append(idx if idx.size <= cap else rs.choice(idx, cap, replace=False))
        return np.sort(np.concatenate(keep))

    def _fit_gate(self, X, y, rows, rs):
        sub = rows[self._gate_rows(y[rows], rs)]
        yb = (y[sub] == self.v_label).astype(np.int64)
        return clone(self.gate).fit(X[sub], yb)

    @staticmethod
    def _pv(gate, X):
        P = gate.predict_proba(X)
        return np.asarray(P, dtype=np.float64)[:, list(gate.classes_).index(1)]

    def fit(self, X, y, groups=None):
        """Fit the base model and the gate; choose the threshold on training patients.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
        groups : array_like, shape (n_samples,)
            Patient of each training row; required.

        Returns
        -------
        self
        """
        th = self._check_params()
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if groups is None:
            raise ValueError("groups (the patient or record of each sample) is required")
        groups = np.asarray(groups)
        if X.ndim != 2 or y.shape != (X.shape[0],) or groups.shape != y.shape:
            raise ValueError(
                f"X (2-D), y and groups must have as many rows; got {X.shape}, {y.shape}, "
                f"{groups.shape}"
            )
        self.estimator_ = clone(self.estimator).fit(X, y, groups)
        self.classes_ = self.estimator_.classes_
        self.inner_scores_, self.threshold_, self.gate_, self.inner_v_ = {}, None, None, []
        rs = check_random_state(self.random_state)
        is_v = y == self.v_label
        if not is_v.any() or is_v.all():
            self.off_reason_ = f"y holds {'no' if not is_v.any() else 'only'} {self.v_label!r}"
            return self
        self.gate_ = self._fit_gate(X, y, np.arange(y.shape[0]), rs)
        if np.unique(groups).size < self.cv:
            self.off_reason_ = f"fewer than cv={self.cv} patients"
            return self
        folds = v_strata_folds(y, groups, int(self.cv), v_label=self.v_label, random_state=rs)
        if any(np.unique(y[tr]).size < 2 for tr, _ in folds):
            self.off_reason_ = "an inner training side holds one class"
            return self
        S = np.full((y.shape[0], self.classes_.size), -np.inf)
        pv = np.full(y.shape[0], np.nan)
        for tr, te in folds:
            inner = clone(self.estimator).fit(X[tr], y[tr], groups[tr])
            cols = [list(self.classes_).index(c) for c in inner.classes_]
            S[np.ix_(te, cols)] = inner.decision_scores(X[te], groups[te])
            self.inner_v_.append(int(is_v[te].sum()))
            if is_v[tr].any() and not is_v[tr].all():  # else never V by the gate there
                pv[te] = self._pv(self._fit_gate(X, y, tr, rs), X[te])
        labels = _score_labels(self.score_labels, self.classes_, len(th))
        v = list(self.classes_).index(self.v_label)
        for t in th:
            pred = self.classes_[gate_decision(S, pv, t, v)]
            self.inner_scores_[t] = float(
                f1_score(y, pred, labels=labels, average="macro", zero_division=0)
            )
        best = max(self.inner_scores_.values())
        self.threshold_ = next(t for t in th if self.inner_scores_[t] == best)
        self.off_reason_ = None
        return self

    def predict(self, X, groups=None):
        """Class of each row: the gate's V, else the base model's non-V decision.

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row (None: all rows are one record).
        """
        check_is_fitted(self, "estimator_")
        X = np.asarray(X, dtype=np.float64)
        g = _row_groups(groups, X.shape[0])
        if self.threshold_ is None:
            return self.estimator_.predict(X, g)
        S = self.estimator_.decision_scores(X, g)
        v = list(self.classes_).index(self.v_label)
        return self.classes_[gate_decision(S, self._pv(self.gate_, X), self.threshold_, v)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def make_vgate_beat_model(
    feature_names, *, gate_feature_set="all", thresholds=VGATE_THRESHOLDS, cv=2, **kw
):
    """``VG``: :func:`~geoecg.estimators.heartbeat.make_default_beat_model` (``A1``) with a
    V-vs-rest gate on the absolute beat columns.

    Parameters
    ----------
    feature_names : sequence of str
        Names of the columns of ``X`` (with the ``rs_*`` copies when ``adapt`` is used).
    gate_feature_set : str, default "all"
        Feature set of the gate's :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`
        (without the record-standardised copies).
    thresholds : sequence, default :data:`VGATE_THRESHOLDS`
    cv : int, default 2
        Patient-grouped inner folds of the adapter (``GroupKFold``) and of the threshold
        choice (:func:`v_strata_folds`).
    **kw
        ``feature_set``, ``adapt`` of the base model and the parameters of
        :class:`~geoecg.estimators.HeartbeatClassifier` (shared by the gate; its
        ``max_per_class`` applies to the five classes, not to V vs rest).

    Returns
    -------
    VBeatGate
        Unfitted.
    """
    from .heartbeat import make_beat_pipeline, make_default_beat_model

    base = make_default_beat_model(feature_names, self_training=True, cv=cv, **kw)
    clf = {k: v for k, v in kw.items() if k not in ("feature_set", "adapt", "max_per_class")}
    gate = make_beat_pipeline(feature_names, feature_set=gate_feature_set, adapt=False, **clf)
    return VBeatGate(
        base,
        gate,
        thresholds=thresholds,
        cv=cv,
        max_per_class=kw.get("max_per_class"),
        random_state=kw.get("random_state"),
    )


def vgate_beat_tables(
    train,
    test=None,
    *,
    records=None,
    groups=None,
    outer_folds=7,
    inner_folds=2,
    seed=0,
    feature_set=None,
    adapt=None,
    thresholds=VGATE_THRESHOLDS,
    **classifier_params,
):
    """Beat classes of ``VG`` and of ``A1`` from the same fitted models.

    Parameters
    ----------
    train, test, records, groups, outer_folds, inner_folds, seed, feature_set, adapt
        As in :func:`~geoecg.estimators.record_self_training.self_training_beat_tables`
        (the same outer folds).
    thresholds : sequence, default :data:`VGATE_THRESHOLDS`
    **classifier_params
        Parameters of :class:`~geoecg.estimators.HeartbeatClassifier`.

    Returns
    -------
    y_true, y_vg, y_a1 : ndarray of str
        Reference, gated and base (``A1``) class of every beat.
    n : ndarray of int
        Beats per (test) record.
    folds : list of dict
        Per fitted model: ``test`` records, the gate's ``threshold``, ``inner_scores``,
        ``inner_v`` (V beats on each inner test side) and ``off_reason``, ``A1``'s adapter
        ``choice`` and self-training ``st_threshold``.
    """
    from ..features.beat_records import stack_beat_tables
    from .heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET
    from .record_prior import _outer_splitter, _patients

    fs = DEFAULT_FEATURE_SET if feature_set is None else feature_set
    ad = DEFAULT_ADAPT if adapt is None else adapt
    X, y, n, names = stack_beat_tables(train, bool(ad))
    pid, records = _patients(len(train), records, groups)
    g = np.repeat(pid, n)
    model = make_vgate_beat_model(
        names, feature_set=fs, adapt=ad, thresholds=thresholds, cv=inner_folds, **classifier_params
    )

    def info(m):
        a = m.estimator_.estimator_
        return {
            "threshold": m.threshold_,
            "inner_scores": {str(k): v for k, v in m.inner_scores_.items()},
            "choice": {"decision": a.decision_, "shrinkage": a.shrinkage_},
            "st_threshold": m.estimator_.threshold_,
            "inner_v": list(m.inner_v_),
            "off_reason": m.off_reason_,
        }

    if test is not None:
        Xt, yt, nt, _ = stack_beat_tables(test, bool(ad))
        m = clone(model).fit(X, y, g)
        rec = np.repeat(np.arange(len(nt)), nt)
        return yt, m.predict(Xt, rec), m.estimator_.predict(Xt, rec), nt, [info(m)]
    rec = np.repeat(np.arange(len(n)), n)
    pv, pa = (np.empty(y.shape[0], dtype=y.dtype) for _ in range(2))
    folds = []
    for tr, te in _outer_splitter(outer_folds, seed).split(X, y, g):
        m = clone(model).fit(X[tr], y[tr], g[tr])
        pv[te], pa[te] = m.predict(X[te], rec[te]), m.estimator_.predict(X[te], rec[te])
        test_ids = set(g[te])
        folds.append(
            {"test": [w for w, p in zip(records, pid, strict=True) if p in test_ids], **info(m)}
        )
    return y, pv, pa, n, folds
