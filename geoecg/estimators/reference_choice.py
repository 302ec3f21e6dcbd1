"""An inner-CV choice among whole beat pipelines, and the sinus-reference candidates.

:class:`InnerChoice` fits every candidate pipeline on the training patients and keeps the
one whose out-of-fold predictions of those same patients score best (an inner,
patient-grouped CV; test labels never reach it). A candidate that already runs its own inner
CV (:class:`~geoecg.estimators.RecordPriorAdapter`,
:class:`~geoecg.estimators.record_self_training.RecordSelfTraining`) is scored by its own
out-of-fold predictions; any other by ``GroupKFold(cv)`` out-of-fold predictions.

:func:`reference_candidates` are registry item 20 of the beats benchmark page: ``A``, the
default (majority sinus reference, record prior and self-training), and ``B``, the base
pipeline on the P/PR sinus reference's columns
(:class:`~geoecg.features.beat_reference.BeatReferenceColumns`), without adaptation.
:func:`reference_choice_beat_tables` runs the choice on per-record beat tables.
"""

from __future__ import annotations

import inspect
import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.utils.validation import check_is_fitted

__all__ = ["InnerChoice", "reference_candidates", "reference_choice_beat_tables"]


def _self_scored(est) -> bool:
    """Candidates that run their own inner CV and expose its score."""
    return hasattr(est, "record_priors") or hasattr(est, "local_features")


def _own_score(m) -> float:
    """Inner score of a fitted self-scored candidate at the choice it made (NaN: none)."""
    if hasattr(m, "threshold_"):  # RecordSelfTraining
        return float(m.inner_scores_.get(m.threshold_, np.nan))
    return float(m.inner_scores_.get((m.decision_, m.shrinkage_), np.nan))


def _predict(m, X, groups):
    if "groups" in inspect.signature(m.predict).parameters:
        return m.predict(X, groups)
    return m.predict(X)


class InnerChoice(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Choose one of several registered pipelines by an inner patient-grouped CV.

    ``fit(X, y, groups)`` fits every candidate on all training samples and scores it on
    out-of-fold predictions of the same training groups: a candidate with its own inner CV
    (a :class:`~geoecg.estimators.RecordPriorAdapter` or
    :class:`~geoecg.estimators.record_self_training.RecordSelfTraining`, whose ``cv``
    should equal ``cv`` here so that the folds are the same) by the inner score of the
    choice it made (optimistic: the best of its own inner candidates); any other by the
    mean F1 of ``score_labels`` over ``GroupKFold(cv)`` out-of-fold predictions. The best
    score wins; ties (and NaN scores) go to the first candidate.

    Parameters
    ----------
    candidates : sequence of (str, estimator)
        Named candidate pipelines, in tie-break order.
    cv : int >= 2, default 2
        Group folds of the out-of-fold predictions.
    score_labels : sequence or None, default ("S", "V")
        Classes whose mean F1 is the inner score (None: all classes).

    Attributes
    ----------
    estimators_ : dict
        ``name -> fitted candidate`` (all candidates, fitted on all training samples).
    inner_scores_ : dict
        ``name -> inner score``.
    choice_ : str
        The chosen candidate.
    best_estimator_ : estimator
        ``estimators_[choice_]``.
    classes_ : ndarray

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 2)); y = np.where(X[:, 0] > 1.0, "S", "N")
    >>> g = np.repeat(np.arange(8), 50)
    >>> clf = InnerChoice([("dummy", DummyClassifier()), ("lr", LogisticRegression())],
    ...                   score_labels=["S"]).fit(X, y, g)
    >>> clf.choice_, clf.predict(X[:3]).shape
    ('lr', (3,))
    """

    def __init__(self, candidates=(), *, cv=2, score_labels=("S", "V")):
        self.candidates = candidates
        self.cv = cv
        self.score_labels = score_labels

    def _check_params(self):
        cand = list(self.candidates)
        ok = cand and all(
            isinstance(c, tuple | list)
            and len(c) == 2
            and isinstance(c[0], str)
            and hasattr(c[1], "fit")
            and hasattr(c[1], "predict")
            for c in cand
        )
        if not ok or len({c[0] for c in cand}) != len(cand):
            raise ValueError(
                "candidates must be a non-empty sequence of (unique name, estimator) pairs, "
                f"got {self.candidates!r}"
            )
        v = self.cv
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 2:
            raise ValueError(f"cv must be an integer >= 2, got {v!r}")
        return cand

    def fit(self, X, y, groups=None):
        """Fit every candidate, score it on the training groups' out-of-fold predictions.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
        groups : array_like, shape (n_samples,)
            Patient of each training sample; required (no group on both sides of a fold).

        Returns
        -------
        self
        """
        cand = self._check_params()
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if groups is None:
            raise ValueError("groups (the patient or record of each sample) is required")
        groups = np.asarray(groups)
        if X.ndim != 2 or y.shape != (X.shape[0],) or groups.shape != y.shape:
            raise ValueError(
                f"X (2-D), y and groups must have the same rows, got {X.shape}, {y.shape}, "
                f"{groups.shape}"
            )
        if np.unique(groups).size < self.cv:
            raise ValueError(f"groups must hold at least cv={self.cv} groups")
        labels = None if self.score_labels is None else list(self.score_labels)
        folds = list(GroupKFold(n_splits=int(self.cv)).split(X, y, groups))
        self.estimators_, self.inner_scores_ = {}, {}
        for name, est in cand:
            if _self_scored(est):
                m = clone(est).fit(X, y, groups)
                score = _own_score(m)
            else:
                oof = np.empty(y.shape[0], dtype=y.dtype)
                for tr, te in folds:
                    oof[te] = clone(est).fit(X[tr], y[tr]).predict(X[te])
                score = float(f1_score(y, oof, labels=labels, average="macro", zero_division=0))
                m = clone(est).fit(X, y)
            self.estimators_[name], self.inner_scores_[name] = m, score
        finite = {k: v for k, v in self.inner_scores_.items() if np.isfinite(v)}
        best = max(finite.values()) if finite else None
        self.choice_ = next((k for k, v in finite.items() if v == best), cand[0][0])
        self.best_estimator_ = self.estimators_[self.choice_]
        self.classes_ = np.unique(y)
        return self

    def predict(self, X, groups=None):
        """The chosen candidate's classes (``groups`` reaches it if its ``predict`` takes it).

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row, for per-record candidates.
        """
        check_is_fitted(self, "best_estimator_")
        return _predict(self.best_estimator_, np.asarray(X, dtype=np.float64), groups)

    def predict_candidates(self, X, groups=None) -> dict:
        """Every candidate's classes (``name -> predictions``), e.g. to report the comparator."""
        check_is_fitted(self, "estimators_")
        X = np.asarray(X, dtype=np.float64)
        return {k: _predict(m, X, groups) for k, m in self.estimators_.items()}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def reference_candidates(feature_names, *, inner_folds=2, **classifier_params):
    """Registry item 20's candidates on a table with both sinus references.

    Parameters
    ----------
    feature_names : sequence of str
        Columns of the stacked tables of
        :func:`~geoecg.features.beat_dominant.record_beat_table` with ``reference="both"``
        (majority columns and ``sp_`` twins, with their ``rs_`` copies).
    inner_folds : int, default 2
        ``cv`` of the record-prior adapter.
    **classifier_params
        Parameters of :class:`~geoecg.estimators.HeartbeatClassifier`.

    Returns
    -------
    list of (str, estimator)
        ``("A", RecordSelfTraining(RecordPriorAdapter(majority columns -> beat pipeline)))``,
        the default, and ``("B", sinus-p columns -> beat pipeline)``, no adaptation; both on
        the default feature set (transfer, both).
    """
    from sklearn.pipeline import Pipeline

    from .._validation import check_names
    from ..features.beat_reference import BeatReferenceColumns
    from .heartbeat import make_beat_pipeline
    from .record_prior import RecordPriorAdapter
    from .record_self_training import LOCAL_BEAT_FEATURES, RecordSelfTraining

    names = check_names(feature_names, "feature_names")
    if not any(n.startswith("sp_") for n in names):
        raise ValueError(
            "feature_names has no sp_<name> column: stack tables of "
            "record_beat_table(reference='both')"
        )

    def pipe(ref):
        cols = BeatReferenceColumns(names, ref)
        base = [n for n in names if not n.startswith(("sp_", "rs_sp_"))]
        return Pipeline([("ref", cols), ("beats", make_beat_pipeline(base, **classifier_params))])

    local = [f for f in LOCAL_BEAT_FEATURES if f in names]
    a = RecordSelfTraining(
        RecordPriorAdapter(pipe("majority"), cv=inner_folds),
        feature_names=names,
        local_features=local,
    )
    return [("A", a), ("B", pipe("sinus-p"))]


def reference_choice_beat_tables(
    train,
    test=None,
    *,
    records=None,
    groups=None,
    outer_folds=7,
    inner_folds=2,
    seed=0,
    **classifier_params,
):
    """Registry item 20 on beat tables: the inner choice (``I1``) and both candidates.

    Parameters
    ----------
    train : sequence of dict
        Per-record tables of :func:`~geoecg.features.beat_records.beat_record_table` with
        ``reference="both"``.
    test : sequence of dict or None
        Records to classify after fitting on all of ``train``; None: nested patient-grouped
        CV within ``train`` (the outer folds of
        :func:`~geoecg.estimators.record_prior.record_prior_beat_tables`).
    records, groups, outer_folds, inner_folds, seed
        As in :func:`~geoecg.estimators.record_self_training.self_training_beat_tables`.
    **classifier_params
        Parameters of :class:`~geoecg.estimators.HeartbeatClassifier`.

    Returns
    -------
    y_true, y_choice, y_a, y_b : ndarray of str
        Reference, chosen, ``A``'s and ``B``'s class of every (test) beat (the same fits).
    n : ndarray of int
        Beats per (test) record.
    folds : list of dict
        Per fitted model: ``test`` records, ``choice``, ``inner_scores``, ``A``'s threshold.
    """
    from ..features.beat_records import stack_beat_tables
    from .record_prior import _outer_splitter, _patients

    X, y, n, names = stack_beat_tables(train, True)
    pid, records = _patients(len(train), records, groups)
    g = np.repeat(pid, n)
    model = InnerChoice(
        reference_candidates(names, inner_folds=inner_folds, **classifier_params), cv=inner_folds
    )

    def info(m):
        return {
            "choice": m.choice_,
            "inner_scores": dict(m.inner_scores_),
            "threshold": m.estimators_["A"].threshold_,
        }

    if test is not None:
        Xt, yt, nt, _ = stack_beat_tables(test, True)
        m = clone(model).fit(X, y, g)
        rec = np.repeat(np.arange(len(nt)), nt)
        p = m.predict_candidates(Xt, rec)
        return yt, p[m.choice_], p["A"], p["B"], nt, [info(m)]
    rec = np.repeat(np.arange(len(n)), n)
    out = [np.empty(y.shape[0], dtype=y.dtype) for _ in range(3)]
    folds = []
    for tr, te in _outer_splitter(outer_folds, seed).split(X, y, g):
        m = clone(model).fit(X[tr], y[tr], g[tr])
        p = m.predict_candidates(X[te], rec[te])
        out[0][te], out[1][te], out[2][te] = p[m.choice_], p["A"], p["B"]
        test_ids = set(g[te])
        folds.append(
            {"test": [w for w, q in zip(records, pid, strict=True) if q in test_ids], **info(m)}
        )
    return y, *out, n, folds
