"""A prediction-time step for a class few training patients hold (AAMI F, fusion beats).

AAMI F beats (fusions of a ventricular and a normal beat) are rare and come mostly from one
MIT-BIH DS1 patient, so a model trained on other patients either never saw them or learnt
that one patient's fusions; a per-record prior adapter can then give a record a large F
prior and call its V beats F. :class:`RareClassStep` keeps a call of the rare class only
when its final decision score is at least a threshold ``t`` (else the arg-max over the other
classes); ``t`` is chosen among :data:`RARE_CLASS_THRESHOLDS` on the training patients'
out-of-fold, per-patient adapted and self-trained scores (an inner CV; "as now" is a
candidate). Label-free at predict time: the record ids are passed explicitly, labels never.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.utils.validation import check_is_fitted

__all__ = ["RARE_CLASS_THRESHOLDS", "RareClassStep", "rare_class_beat_tables", "rare_class_step"]

#: Candidates of the inner choice, in tie-break order: None (the rare class called as now, by
#: the arg-max), 0.5, 0.8, 0.95 and ``inf`` (never called).
RARE_CLASS_THRESHOLDS = (None, 0.5, 0.8, 0.95, float("inf"))


def rare_class_step(labels, scores, k, t):
    """Re-label the calls of class index ``k`` whose score is below ``t``.

    Parameters
    ----------
    labels : ndarray of int, shape (n,)
        Class index of each row (the arg-max of ``scores`` where it is ``k``).
    scores : ndarray, shape (n, n_classes)
        Decision scores (rows sum to 1).
    k : int
        Column of the rare class.
    t : float or None
        Threshold; None: ``labels`` unchanged; ``inf``: class ``k`` never called.

    Returns
    -------
    ndarray of int, shape (n,)
        ``labels`` where kept, else the arg-max of ``scores`` over the other classes.

    Examples
    --------
    >>> D = np.array([[0.1, 0.3, 0.6], [0.0, 0.1, 0.9]])
    >>> rare_class_step(np.array([2, 2]), D, 2, 0.8).tolist()
    [1, 2]
    """
    out = np.asarray(labels).copy()
    if t is None:
        return out
    drop = (out == k) & ~(scores[:, k] >= t)
    if drop.any():
        other = np.array(scores[drop], dtype=np.float64)
        other[:, k] = -np.inf
        out[drop] = np.argmax(other, axis=1)
    return out


class RareClassStep(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Call a rare class only above a score threshold chosen on the training patients.

    ``fit(X, y, groups)`` fits ``estimator`` (a
    :class:`~geoecg.estimators.record_self_training.RecordSelfTraining`) and chooses the
    threshold among ``thresholds`` on its ``oof_scores_`` (the training groups' out-of-fold,
    per-group adapted and self-trained decision scores), scoring the mean F1 of
    ``score_labels``. ``predict(X, groups)``: ``estimator``'s calls per record, the calls of
    ``rare_class`` below the threshold moved to the next class (:func:`rare_class_step`).

    Parameters
    ----------
    estimator : RecordSelfTraining
    rare_class : label, default "F"
    thresholds : sequence of (float > 0 or None), default :data:`RARE_CLASS_THRESHOLDS`
        Candidates; ties go to the first.
    score_labels : sequence or None, default ("S", "V")

    Attributes
    ----------
    estimator_ : fitted RecordSelfTraining (its ``predict`` is the call without the step)
    classes_ : ndarray
    threshold_ : float or None
        The inner choice (None: as now).
    inner_scores_ : dict
        ``threshold -> score`` (empty when nothing was chosen).
    reason_ : str or None
        Why no threshold was chosen (rare class absent from training, no out-of-fold scores).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from geoecg.estimators import RecordPriorAdapter, RecordSelfTraining
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = np.where(X[:, 0] > 1.0, "F", "N")
    >>> g = np.repeat(np.arange(6), 100)
    >>> ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)])
    >>> st = RecordSelfTraining(ada, feature_names=["a", "b"], local_features=["a"])
    >>> clf = RareClassStep(st, score_labels=["F"]).fit(X, y, g)
    >>> clf.predict(X[:100], np.zeros(100)).shape
    (100,)
    """

    def __init__(
        self,
        estimator=None,
        *,
        rare_class="F",
        thresholds=RARE_CLASS_THRESHOLDS,
        score_labels=("S", "V"),
    ):
        self.estimator = estimator
        self.rare_class = rare_class
        self.thresholds = thresholds
        self.score_labels = score_labels

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "decision_scores"):
            raise TypeError("estimator must be a RecordSelfTraining (per-record decision_scores)")
        th = list(self.thresholds)
        if not th or any(t is not None and not float(t) > 0.0 for t in th):
            raise ValueError(f"thresholds must be None or numbers > 0, got {th!r}")
        return [None if t is None else float(t) for t in th]

    def fit(self, X, y, groups=None):
        """Fit ``estimator``, choose the threshold on its out-of-fold scores.

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
        th = self._check_params()
        self.estimator_ = clone(self.estimator).fit(X, y, groups)
        st = self.estimator_
        self.classes_ = st.classes_
        self.inner_scores_, self.threshold_, self.reason_ = {}, None, None
        if self.rare_class not in set(self.classes_.tolist()):
            self.reason_ = f"rare_class {self.rare_class!r} not in the training labels"
            return self
        D = getattr(st, "oof_scores_", None)
        if D is None:
            self.reason_ = "no out-of-fold scores (the adapter did not calibrate)"
            return self
        y = np.asarray(y)
        k = self._k()
        lab = np.argmax(D, axis=1)
        labels = None if self.score_labels is None else list(self.score_labels)
        for t in th:
            pred = self.classes_[rare_class_step(lab, D, k, t)]
            self.inner_scores_[t] = float(
                f1_score(y, pred, labels=labels, average="macro", zero_division=0)
            )
        best = max(self.inner_scores_.values())
        self.threshold_ = next(t for t in th if self.inner_scores_[t] == best)
        return self

    def _k(self):
        return int(np.flatnonzero(self.classes_ == self.rare_class)[0])

    def predict(self, X, groups=None):
        """Class of each row: ``estimator_``'s call, rare calls below the threshold moved.

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row (None: all rows are one record).
        """
        check_is_fitted(self, "estimator_")
        st = self.estimator_
        if self.threshold_ is None:
            return st.predict(X, groups)
        pred, _, D = st._run(X, groups)
        if D is None:  # pragma: no cover - fit sets no threshold then
            return pred
        k = self._k()
        lab = np.searchsorted(self.classes_, pred)
        return self.classes_[rare_class_step(lab, D, k, self.threshold_)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def rare_class_beat_tables(
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
    **classifier_params,
):
    """Beat classes with the F step (``F1``) and without (``A1``, the default), same models.

    Parameters
    ----------
    train, test, records, groups, outer_folds, inner_folds, seed, feature_set, adapt
        As in :func:`~geoecg.estimators.record_self_training.self_training_beat_tables`
        (the same folds and fitted models).
    **classifier_params
        As in :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`.

    Returns
    -------
    y_true, y_f1, y_a1 : ndarray of str
        Reference, with the F step, and the default's (self-trained) class of every beat.
    n : ndarray of int
        Beats per (test) record.
    folds : list of dict
        Per fitted model: ``test`` records, the self-training ``threshold``, the F step's
        ``f_threshold`` and its ``f_inner_scores``.
    """
    from ..features.beat_records import stack_beat_tables
    from .heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET, make_beat_pipeline
    from .record_prior import RecordPriorAdapter, _outer_splitter, _patients
    from .record_self_training import LOCAL_BEAT_FEATURES, RecordSelfTraining

    fs = DEFAULT_FEATURE_SET if feature_set is None else feature_set
    ad = DEFAULT_ADAPT if adapt is None else adapt
    X, y, n, names = stack_beat_tables(train, bool(ad))
    pid, records = _patients(len(train), records, groups)
    g = np.repeat(pid, n)
    ada = RecordPriorAdapter(
        make_beat_pipeline(names, feature_set=fs, adapt=ad, **classifier_params), cv=inner_folds
    )
    local = [f for f in LOCAL_BEAT_FEATURES if f in names]
    model = RareClassStep(RecordSelfTraining(ada, feature_names=names, local_features=local))

    def info(m):
        return {
            "threshold": m.estimator_.threshold_,
            "f_threshold": m.threshold_,
            "f_inner_scores": {str(k): v for k, v in m.inner_scores_.items()},
            "f_reason": m.reason_,
        }

    if test is not None:
        Xt, yt, nt, _ = stack_beat_tables(test, bool(ad))
        m = clone(model).fit(X, y, g)
        rec = np.repeat(np.arange(len(nt)), nt)
        return yt, m.predict(Xt, rec), m.estimator_.predict(Xt, rec), nt, [info(m)]
    rec = np.repeat(np.arange(len(n)), n)
    pf, pa = np.empty(y.shape[0], dtype=y.dtype), np.empty(y.shape[0], dtype=y.dtype)
    folds = []
    for tr, te in _outer_splitter(outer_folds, seed).split(X, y, g):
        m = clone(model).fit(X[tr], y[tr], g[tr])
        pf[te], pa[te] = m.predict(X[te], rec[te]), m.estimator_.predict(X[te], rec[te])
        test_ids = set(g[te])
        folds.append(
            {"test": [w for w, p in zip(records, pid, strict=True) if p in test_ids], **info(m)}
        )
    return y, pf, pa, n, folds
