"""Label-free per-record QRS-morphology vote on V calls (registry item 22 of the beats page).

A patient's ectopic ventricular beats share a QRS shape that differs from that patient's own
dominant beat; patient-adaptive V detectors exploit it by giving the beats of one
morphology class of one record one label. :class:`RecordMorphologyVote` does it without
labels, after :class:`~geoecg.estimators.RecordSelfTraining`: per record, the beats are
clustered by k-means on record-standardised QRS-shape columns, and a cluster whose confident
calls are mostly V pulls its uncertain beats to V (one mostly not V pulls its uncertain V
calls to their best other class). The record id is passed explicitly at predict time
(``groups``); test labels are never used. The purity ``q`` and the confidence ``tau`` are
chosen on the training patients' out-of-fold calls (an inner CV); "off" is a candidate.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.utils.validation import check_is_fitted

from .record_prior import _score_labels
from .record_self_training import _scores, _standardize

__all__ = [
    "MORPHOLOGY_VOTE_FEATURES",
    "MORPHOLOGY_VOTE_GRID",
    "RecordMorphologyVote",
    "morphology_clusters",
    "morphology_vote_record",
]

#: QRS-shape columns of :func:`geoecg.features.beat_records.beat_record_table` the clusters
#: are built on (each standardised on the record's own beats): QRS width, R and QRS minimum
#: amplitude, correlation to the record's template and to its dominant beat, and QRS width
#: over the dominant beat's, both leads.
MORPHOLOGY_VOTE_FEATURES = tuple(
    f"{base}_l{lead}"
    for lead in (0, 1)
    for base in ("qrs_width", "r_amp", "qrs_min", "corr_qrs", "dom_qrs_corr", "dom_qrs_wratio")
)

#: Candidates ``(q, tau)`` of the inner choice (None: no vote), in tie-break order.
MORPHOLOGY_VOTE_GRID = (
    None,
    (0.6, 0.8),
    (0.6, 0.95),
    (0.75, 0.8),
    (0.75, 0.95),
    (0.9, 0.8),
    (0.9, 0.95),
)


def morphology_clusters(Z, *, max_clusters=8, min_size=20, random_state=0):
    """Cluster one record's beats by shape: k-means on its standardised columns.

    Parameters
    ----------
    Z : array_like, shape (n_beats, n_columns)
        The record's shape columns (raw; median / IQR standardised here on its own rows,
        NaN -> the median).
    max_clusters : int >= 1, default 8
    min_size : int >= 1, default 20
        ``k = min(max_clusters, n_beats // min_size)``; ``k < 2``: one cluster.
    random_state : int, default 0

    Returns
    -------
    ndarray of int, shape (n_beats,)
        Cluster of each beat.
    """
    from sklearn.cluster import KMeans

    Zs = _standardize(np.asarray(Z, dtype=np.float64))
    n = Zs.shape[0]
    k = min(int(max_clusters), n // int(min_size))
    if k < 2:
        return np.zeros(n, dtype=np.int64)
    km = KMeans(n_clusters=k, n_init=3, random_state=random_state)
    return km.fit_predict(Zs).astype(np.int64)


def morphology_vote_record(labels, D, clusters, *, v_index, q, tau, min_confident=5):
    """Vote V vs not V inside each cluster of one record.

    Parameters
    ----------
    labels : ndarray of int, shape (n_beats,)
        Class index of each beat before the vote.
    D : ndarray, shape (n_beats, n_classes)
        Decision scores (rows sum to 1); a beat is confident when its largest is >= ``tau``.
    clusters : ndarray of int, shape (n_beats,)
    v_index : int
        Column of the V class.
    q : float in (0.5, 1] or None
        Purity: a cluster whose confident calls are V with share >= ``q`` calls its uncertain
        beats V; one with share <= 1 - ``q`` gives its uncertain V calls their best non-V
        class. None: no vote.
    tau : float in (0, 1]
    min_confident : int, default 5
        A cluster with fewer confident beats does not vote.

    Returns
    -------
    ndarray of int, shape (n_beats,)
    """
    out = np.array(labels, dtype=np.int64, copy=True)
    if q is None:
        return out
    conf = D.max(axis=1) >= tau
    for c in np.unique(clusters):
        m = clusters == c
        mc = m & conf
        if mc.sum() < min_confident:
            continue
        share = float(np.mean(labels[mc] == v_index))
        unc = m & ~conf
        if share >= q:
            out[unc] = v_index
        elif share <= 1.0 - q:
            w = unc & (labels == v_index)
            if w.any():
                Dn = D[w].copy()
                Dn[:, v_index] = -np.inf
                out[w] = np.argmax(Dn, axis=1)
    return out


class RecordMorphologyVote(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Per-record QRS-shape clusters vote on V after the self-training.

    ``fit(X, y, groups)`` fits ``estimator`` (a :class:`~geoecg.estimators.RecordSelfTraining`)
    and chooses ``(q, tau)`` among ``grid`` on its training groups' out-of-fold self-trained
    calls (:func:`morphology_vote_record` per group on its own rows), scoring the mean F1 of
    ``score_labels``. ``predict(X, groups)``: per record, the self-trained calls, then the
    vote with the chosen knobs.

    Parameters
    ----------
    estimator : RecordSelfTraining
    feature_names : sequence of str
        Names of the columns of ``X``.
    vote_features : sequence of str, default :data:`MORPHOLOGY_VOTE_FEATURES`
        Columns the clusters are built on (all must be in ``feature_names``).
    grid : sequence of (None or (q, tau)), default :data:`MORPHOLOGY_VOTE_GRID`
        Candidates of the inner choice; ties go to the first.
    v_label : str, default "V"
    max_clusters, min_cluster_size : int >= 1, default 8, 20
        As ``max_clusters`` / ``min_size`` of :func:`morphology_clusters`.
    min_confident : int >= 1, default 5
    score_labels : sequence or None, default ("S", "V")

    Attributes
    ----------
    estimator_ : fitted RecordSelfTraining (its ``predict`` is the call without the vote)
    classes_ : ndarray
    choice_ : tuple or None
        The inner choice ``(q, tau)`` (None: off).
    inner_scores_ : dict
        ``str(candidate) -> score`` (empty when nothing was chosen).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = np.where(X[:, 0] > 0.5, "V", "N")
    >>> g = np.repeat(np.arange(6), 100)
    >>> ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)],
    ...                          score_labels=None)
    >>> st = RecordSelfTraining(ada, feature_names=["a", "b"], local_features=["a"],
    ...                         score_labels=None)
    >>> clf = RecordMorphologyVote(st, feature_names=["a", "b"], vote_features=["a"],
    ...                            score_labels=None).fit(X, y, g)
    >>> clf.predict(X[:100], np.zeros(100)).shape
    (100,)
    """

    def __init__(
        self,
        estimator=None,
        *,
        feature_names=(),
        vote_features=MORPHOLOGY_VOTE_FEATURES,
        grid=MORPHOLOGY_VOTE_GRID,
        v_label="V",
        max_clusters=8,
        min_cluster_size=20,
        min_confident=5,
        score_labels=("S", "V"),
    ):
        self.estimator = estimator
        self.feature_names = feature_names
        self.vote_features = vote_features
        self.grid = grid
        self.v_label = v_label
        self.max_clusters = max_clusters
        self.min_cluster_size = min_cluster_size
        self.min_confident = min_confident
        self.score_labels = score_labels

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "local_features"):
            raise TypeError("estimator must be a RecordSelfTraining")
        for name in ("max_clusters", "min_cluster_size", "min_confident"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
        grid = []
        for c in self.grid:
            if c is None:
                grid.append(None)
                continue
            try:
                q, tau = (float(v) for v in c)
            except (TypeError, ValueError):
                raise ValueError(f"grid entries must be None or (q, tau), got {c!r}") from None
            if not (0.5 < q <= 1.0 and 0.0 < tau <= 1.0):
                raise ValueError(f"grid needs q in (0.5, 1] and tau in (0, 1], got {c!r}")
            grid.append((q, tau))
        if not grid:
            raise ValueError("grid must hold at least one candidate (None: no vote)")
        names = [str(s) for s in self.feature_names]
        missing = [f for f in self.vote_features if f not in names]
        if not list(self.vote_features) or missing:
            raise ValueError(
                f"vote_features must be non-empty names of feature_names; missing {missing}"
            )
        return grid, np.asarray([names.index(f) for f in self.vote_features])

    def _votes(self, labels, P, Zv, choices):
        """The record's calls after the vote, one array per entry of ``choices``."""
        if self.v_index_ is None or all(c is None for c in choices):
            return [labels for _ in choices]
        a = self.estimator_.estimator_
        D = _scores(P, a.source_priors_, a.decision_)
        cl = morphology_clusters(Zv, max_clusters=self.max_clusters, min_size=self.min_cluster_size)
        return [
            labels
            if c is None
            else morphology_vote_record(
                labels,
                D,
                cl,
                v_index=self.v_index_,
                q=c[0],
                tau=c[1],
                min_confident=self.min_confident,
            )
            for c in choices
        ]

    def fit(self, X, y, groups=None):
        """Fit the self-training, choose ``(q, tau)`` on its out-of-fold calls.

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
        grid, vcols = self._check_params()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != len(self.feature_names):
            raise ValueError(
                f"X must have {len(self.feature_names)} columns (feature_names), "
                f"got shape {X.shape}"
            )
        self.estimator_ = st = clone(self.estimator).fit(X, y, groups)
        a = st.estimator_
        self.classes_ = st.classes_
        hit = np.flatnonzero(self.classes_ == self.v_label)
        self.v_index_ = int(hit[0]) if hit.size else None
        self.inner_scores_ = {}
        self.choice_ = None
        if a.oof_proba_ is None or a.decision_ is None or self.v_index_ is None:
            return self
        _, cols = st._check_params()
        y, groups = np.asarray(y), np.asarray(groups)
        labels = _score_labels(self.score_labels, self.classes_, len(grid))
        preds = {i: np.empty(y.shape[0], dtype=np.int64) for i in range(len(grid))}
        for g in np.unique(groups):
            m = groups == g
            P = a.oof_proba_[m]
            base = st._one(P, X[m][:, cols], st.threshold_)[0]
            for i, lab in enumerate(self._votes(base, P, X[m][:, vcols], grid)):
                preds[i][m] = lab
        for i, c in enumerate(grid):
            self.inner_scores_[str(c)] = float(
                f1_score(
                    y, self.classes_[preds[i]], labels=labels, average="macro", zero_division=0
                )
            )
        best = max(self.inner_scores_.values())
        self.choice_ = next(c for c in grid if self.inner_scores_[str(c)] == best)
        return self

    def predict(self, X, groups=None):
        """Class of each row after its record's self-training and morphology vote.

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row; each record is clustered on its own rows only (None: all
            rows are one record).
        """
        check_is_fitted(self, "estimator_")
        _, vcols = self._check_params()
        st = self.estimator_
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
        if g.shape != (n,):
            raise ValueError(f"groups must have one entry per row of X ({n}), got {g.shape}")
        if self.choice_ is None:
            return st.predict(X, g)
        _, cols = st._check_params()
        P = st.estimator_.predict_proba(X, g)
        out = np.empty(n, dtype=np.int64)
        for r in np.unique(g):
            m = g == r
            base = st._one(P[m], X[m][:, cols], st.threshold_)[0]
            out[m] = self._votes(base, P[m], X[m][:, vcols], [self.choice_])[0]
        return self.classes_[out]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
