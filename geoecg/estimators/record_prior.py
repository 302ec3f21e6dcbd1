"""Label-free per-record class-prior adaptation of a probabilistic (beat) classifier.

Arrhythmic beat classes are very unevenly spread over patients: most records hold no
supraventricular (S) beat, a few hold hundreds. A classifier trained on a pooled prior calls
S in records that have none. :class:`RecordPriorAdapter` estimates the class prior of EACH
test record from its own unlabelled beats (the EM of Saerens, Latinne & Decaestecker 2002,
Neural Computation 14(1):21-41, :func:`~geoecg.estimators.prior_estimation.em_priors`) on
probabilities calibrated on out-of-fold predictions of the training patients, and classifies
every beat under its record's prior. The record id is passed explicitly at predict time
(``groups``); labels of test records are never used.

:func:`record_prior_beat_tables` runs it on per-record beat tables (nested ds1-cv or
train/test), reporting the adapted and the unadapted predictions of the same fitted models.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_is_fitted, column_or_1d

from .._rows import columns_checked, require_rows
from ._record_prior_tables import record_prior_beat_tables
from .prior_estimation import em_priors, prior_correct
from .prior_shift import _aligned_proba, _Calibrator

__all__ = [
    "CALIBRATED_MAP_CANDIDATES",
    "RECORD_PRIOR_CANDIDATES",
    "RecordPriorAdapter",
    "record_prior_beat_tables",
]

#: (decision, shrinkage) pairs registered for the inner choice of :class:`RecordPriorAdapter`,
#: in tie-break order. ``"balanced"``: arg-max of the record-corrected posterior divided by
#: the training prior (the class-balanced rule moved to the record's prior); ``"map"``: its
#: plain arg-max. Shrinkage ``lam``: ``pi_r = (1 - lam) pi_train + lam pi_EM`` (0: no
#: adaptation).
RECORD_PRIOR_CANDIDATES = (
    ("balanced", 0.0),
    ("balanced", 0.5),
    ("balanced", 1.0),
    ("map", 0.0),
    ("map", 0.5),
    ("map", 1.0),
)
#: The single candidate of registry item 28 of the beats benchmark (``NE``): the calibrated
#: arg-max at the pooled training prior, no per-record EM (shrinkage 0). Under it the
#: adapter is a calibration step; its predictions do not depend on how rows are grouped.
#: The adapter of :func:`~geoecg.estimators.heartbeat.make_default_beat_model` since session
#: 19 of issue 17: the registered rule held (3-seed mean nested ds1-cv V F1 80.27 -> 82.28,
#: S F1 63.78 -> 63.83 against the same run's ``A1``, which used the six pairs above).
CALIBRATED_MAP_CANDIDATES = (("map", 0.0),)
_DECISIONS = ("balanced", "map")


def _check_int_params(est, specs) -> None:
    """ValueError unless each ``getattr(est, name)`` is an integer (not bool) >= ``lo``,
    for ``(name, lo)`` in ``specs``."""
    for name, lo in specs:
        v = getattr(est, name)
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < lo:
            raise ValueError(f"{name} must be an integer >= {lo}, got {v!r}")


def _named_table(X, feature_names) -> np.ndarray:
    """``X`` as float64 (n_samples, n_features), one column per name, else a ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(feature_names):
        raise ValueError(
            f"X must have {len(feature_names)} columns (feature_names), got shape {X.shape}"
        )
    return X


def _row_groups(groups, n: int) -> np.ndarray:
    """``groups`` as an array of one record id per row of X (None: all rows one record,
    id 0); ValueError naming the expected length otherwise."""
    g = np.zeros(n, dtype=np.int64) if groups is None else np.asarray(groups)
    if g.shape != (n,):
        raise ValueError(f"groups must have one entry per row of X ({n}), got {g.shape}")
    return g


def _score_labels(score_labels, classes, n_candidates: int) -> list | None:
    """``score_labels`` as a list (None: all classes) for an inner choice among
    ``n_candidates``; ValueError when there is a choice (2 or more candidates) and it names
    no class of ``classes``: every candidate would score 0.0 and the "choice" would silently
    be the first candidate. Labels absent from one training set are allowed (they score 0
    for every candidate) as long as one of them is a class."""
    if score_labels is None:
        return None
    labels, present = list(score_labels), set(np.asarray(classes).tolist())
    if n_candidates > 1 and not any(lab in present for lab in labels):
        raise ValueError(
            f"score_labels {tuple(labels)!r} names no class of y {sorted(present, key=str)}: "
            "the inner choice would score every candidate 0; pass score_labels=None (all "
            "classes) or the labels of y whose F1 the choice should maximise"
        )
    return labels


class RecordPriorAdapter(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classify each record's samples under that record's own class prior, estimated by EM.

    ``fit(X, y, groups)``: out-of-fold probabilities of ``estimator`` from ``GroupKFold(cv)``
    over the training groups (patients); a multinomial logistic calibration map on their
    logs ("matrix scaling"); the (decision, shrinkage) pair of ``candidates`` that maximises
    the mean F1 of ``score_labels`` over the training samples, adapting each training group
    on its out-of-fold probabilities (an inner CV on training data only); ``estimator``
    refit on all training samples. ``predict(X, groups)``: per record (``groups``) the EM
    prior of its calibrated probabilities, with the guards below, then the chosen decision.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        E.g. :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`.
    cv : int >= 2, default 2
        Group folds of the out-of-fold probabilities (calibration and inner choice).
    min_samples : int >= 1, default 100
        A record with fewer samples (rows with finite probabilities) keeps the training prior.
    prior_floor : float in [0, 1], default 0.01
        The EM prior of a class is at least ``prior_floor`` times its training prior.
    candidates : sequence of (str, float), default :data:`.RECORD_PRIOR_CANDIDATES`
        (decision in {"balanced", "map"}, shrinkage in [0, 1]) pairs; ties go to the first.
        The default beat model (:func:`~geoecg.estimators.heartbeat.make_default_beat_model`)
        passes :data:`.CALIBRATED_MAP_CANDIDATES` instead since session 19 (registry item
        28): the calibrated arg-max at the training prior, no per-record EM.
    score_labels : sequence or None, default ("S", "V")
        Classes whose mean F1 the inner choice maximises (None: all classes); when there
        is a choice (two or more candidates, adapted), at least one must be a class of
        ``y``, else ``fit`` raises ValueError (never a silent pick of the first candidate).
    em_max_iter : int >= 1, default 1000
        Iteration cap of the EM prior estimate of each record.
    em_tol : float >= 0, default 1e-8
        EM stops when the largest prior change is below ``em_tol``.

    Attributes
    ----------
    classes_ : ndarray
    source_priors_ : ndarray
        Class frequencies of the training labels.
    estimator_ : fitted clone of ``estimator`` (all training samples): its own ``predict``
        is the unadapted prediction.
    decision_, shrinkage_ : str, float
        The inner choice (None, 0.0 when there were fewer than ``cv`` training groups or a
        training fold held one class only: then nothing is calibrated or adapted and ``predict``
        is the base model's).
    unadapted_reason_ : str or None
        Why the adapter did not adapt (fewer than ``cv`` training groups, or a training
        fold of the group folds with one class only), else None.
    inner_scores_ : dict
        ``(decision, shrinkage) -> score`` of every candidate.
    oof_proba_ : ndarray, shape (n_samples, n_classes) or None
        Out-of-fold calibrated probabilities of the training samples, each group corrected
        to its own adapted prior under the chosen shrinkage (what :meth:`predict_proba`
        gives a new record); None when nothing was calibrated. Used by
        :class:`~geoecg.estimators.record_self_training.RecordSelfTraining`'s inner choice.

    Raises
    ------
    TypeError
        ``estimator`` is not a classifier with ``predict_proba``.
    ValueError
        In ``fit``: ``groups`` is missing or does not have one entry per row, ``y`` holds
        fewer than 2 classes, ``score_labels`` names no class of ``y`` while there is a choice
        to make (both are named),
        ``prior_floor`` is not in [0, 1], ``em_max_iter`` is not an integer >= 1 or
        ``em_tol`` is not a finite number >= 0. In ``predict``, ``predict_proba`` and
        ``record_priors``: a table with other columns than the fitted base model's (also with
        0 rows).

    Notes
    -----
    A table of 0 rows (a record without beats) gives an empty prediction of the classes'
    dtype, a (0, n_classes) ``predict_proba`` and ``record_priors``, whatever the base model:
    the table is checked against the base model's fitted columns (``n_features_in_``,
    ``feature_names_in_``) and the base model, which may reject 0 samples (most
    scikit-learn classifiers do), is not called; a base model without ``n_features_in_``
    is called as usual.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> def rec(n, p):  # one record: class 1 with probability p
    ...     y = (rng.random(n) < p).astype(int)
    ...     return rng.normal(2.0 * y, 1.0)[:, None], y
    >>> parts = [rec(400, 0.2) for _ in range(6)]
    >>> X = np.vstack([a for a, _ in parts]); y = np.concatenate([b for _, b in parts])
    >>> g = np.repeat(np.arange(6), 400)
    >>> clf = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 1.0)])
    >>> clf = clf.fit(X, y, g)
    >>> Xt, yt = rec(2000, 0.05)
    >>> bool(abs(clf.record_priors(Xt)[0][0, 1] - 0.05) < 0.03)
    True
    """

    def __init__(
        self,
        estimator=None,
        *,
        cv=2,
        min_samples=100,
        prior_floor=0.01,
        candidates=RECORD_PRIOR_CANDIDATES,
        score_labels=("S", "V"),
        em_max_iter=1000,
        em_tol=1e-8,
    ):
        self.estimator = estimator
        self.cv = cv
        self.min_samples = min_samples
        self.prior_floor = prior_floor
        self.candidates = candidates
        self.score_labels = score_labels
        self.em_max_iter = em_max_iter
        self.em_tol = em_tol

    def _check_params(self):
        if self.estimator is None or not hasattr(self.estimator, "predict_proba"):
            raise TypeError("estimator must be a classifier with predict_proba")
        _check_int_params(self, (("cv", 2), ("min_samples", 1), ("em_max_iter", 1)))
        if not (isinstance(self.em_tol, numbers.Real) and 0 <= self.em_tol < np.inf):
            raise ValueError(f"em_tol must be a finite number >= 0, got {self.em_tol!r}")
        f = self.prior_floor
        if not (isinstance(f, numbers.Real) and 0.0 <= f <= 1.0):
            raise ValueError(f"prior_floor must be a number in [0, 1], got {f!r}")
        cand = list(self.candidates)
        if not cand or any(
            len(c) != 2 or c[0] not in _DECISIONS or not 0.0 <= float(c[1]) <= 1.0 for c in cand
        ):
            raise ValueError(
                f"candidates must be (decision in {_DECISIONS}, shrinkage in [0, 1]) pairs, "
                f"got {self.candidates!r}"
            )
        return [(str(d), float(s)) for d, s in cand]

    def fit(self, X, y, groups=None):
        """Calibrate on out-of-fold probabilities, choose (decision, shrinkage), refit.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
        groups : array_like, shape (n_samples,)
            Patient (or record) of each training sample; required. The folds never split
            a group, and the inner choice adapts each group to its own prior.

        Returns
        -------
        self
        """
        cand = self._check_params()
        require_rows(X, self)  # was scikit-learn's 'Found array with 0 sample(s)' about y
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"))
        check_classification_targets(y)
        if groups is None:
            raise ValueError("groups (the patient or record of each sample) is required")
        groups = np.asarray(groups)
        n = y.shape[0]
        if groups.shape != (n,) or _safe_len(X) != n:
            raise ValueError(f"X, y and groups must have {n} rows each")
        self.classes_, yi = np.unique(y, return_inverse=True)
        k = self.classes_.size
        if k < 2:
            raise ValueError(f"y must hold at least 2 classes, got {self.classes_.tolist()}")
        self.source_priors_ = np.bincount(yi, minlength=k) / n
        self.unadapted_reason_ = None
        if np.unique(groups).size < self.cv:
            return self._unadapted(
                X, y, f"{np.unique(groups).size} training groups, fewer than cv={self.cv}"
            )
        folds = list(GroupKFold(n_splits=int(self.cv)).split(np.zeros((n, 1)), y, groups))
        for tr, _ in folds:
            if np.unique(yi[tr]).size < 2:  # no classifier can be fitted on that fold
                return self._unadapted(
                    X,
                    y,
                    f"a training fold of cv={self.cv} holds only class "
                    f"{self.classes_[yi[tr[0]]].item()!r}",
                )
        raw = np.full((n, k), np.nan)
        for tr, te in folds:
            m = clone(self.estimator).fit(_safe_indexing(X, tr), y[tr])
            raw[te] = _aligned_proba(m, _safe_indexing(X, te), self.classes_)
        ok = np.all(np.isfinite(raw), axis=1)
        self.calibrator_ = _Calibrator("logistic", k).fit(raw[ok], yi[ok])
        Q = self._calibrate(raw)
        labels = _score_labels(self.score_labels, self.classes_, len(cand))
        priors = {g: self._em(Q[groups == g]) for g in np.unique(groups)}
        self.inner_scores_ = {}
        for dec, lam in cand:
            pred = np.empty(n, dtype=np.int64)
            for g, pem in priors.items():
                m = groups == g
                pred[m] = self._decide(Q[m], self._shrink(pem, lam), dec)
            self.inner_scores_[(dec, lam)] = float(
                f1_score(
                    self.classes_[yi],
                    self.classes_[pred],
                    labels=labels,
                    average="macro",
                    zero_division=0,
                )
            )
        best = max(self.inner_scores_.values())
        self.decision_, self.shrinkage_ = next(c for c in cand if self.inner_scores_[c] == best)
        self.oof_proba_ = np.empty_like(Q)
        for g, pem in priors.items():
            m = groups == g
            self.oof_proba_[m] = prior_correct(
                Q[m], self.source_priors_, self._shrink(pem, self.shrinkage_)
            )
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    # ------------------------------------------------------------------ helpers
    def _unadapted(self, X, y, why):
        """Fit the base model alone: nothing calibrated, nothing adapted (``why``)."""
        self.unadapted_reason_ = f"{why}: no calibration, no adaptation"
        self.calibrator_, self.decision_, self.shrinkage_ = None, None, 0.0
        self.inner_scores_, self.oof_proba_ = {}, None
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    def _calibrate(self, raw):
        """Calibrated probabilities; rows without finite probabilities get the prior."""
        raw = np.asarray(raw, dtype=np.float64)
        ok = np.all(np.isfinite(raw), axis=1)
        Q = np.tile(self.source_priors_, (raw.shape[0], 1))
        if ok.any():
            Q[ok] = self.calibrator_(raw[ok])
        return Q

    def _em(self, Q):
        """EM prior of one record's calibrated probabilities, with the guards."""
        s = self.source_priors_
        if Q.shape[0] < self.min_samples or self.calibrator_ is None:
            return s.copy()
        p = em_priors(Q, s, max_iter=self.em_max_iter, tol=self.em_tol)[0]
        p = np.maximum(p, float(self.prior_floor) * s)
        return p / p.sum()

    def _shrink(self, pem, lam):
        return (1.0 - lam) * self.source_priors_ + lam * pem

    def _decide(self, Q, prior, decision):
        P = prior_correct(Q, self.source_priors_, prior)
        if decision == "balanced":
            P = P / self.source_priors_
        return np.argmax(P, axis=1)

    def _records(self, X, groups):
        check_is_fitted(self, "estimator_")
        n = _safe_len(X)
        g = _row_groups(groups, n)
        if n == 0 and columns_checked(self.estimator_, X):
            return np.zeros((0, self.classes_.size)), g
        P = _aligned_proba(self.estimator_, X, self.classes_)
        return (P if self.calibrator_ is None else self._calibrate(P)), g

    # ------------------------------------------------------------------ public
    def record_priors(self, X, groups=None):
        """Adapted class prior of each record (after the guards and the chosen shrinkage).

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row (None: all rows are one record).

        Returns
        -------
        priors : ndarray, shape (n_records, n_classes)
        records : ndarray
            The record ids, in the order of ``priors`` (sorted).
        """
        Q, g = self._records(X, groups)
        recs = np.unique(g)
        P = [self._shrink(self._em(Q[g == r]), self.shrinkage_) for r in recs]
        return np.asarray(P).reshape(recs.size, self.classes_.size), recs

    def predict_proba(self, X, groups=None):
        """Calibrated probabilities corrected to each record's adapted prior."""
        Q, g = self._records(X, groups)
        out = np.empty_like(Q)
        for r in np.unique(g):
            m = g == r
            out[m] = prior_correct(
                Q[m], self.source_priors_, self._shrink(self._em(Q[m]), self.shrinkage_)
            )
        return out

    def predict(self, X, groups=None):
        """Class of each row under its record's adapted prior (``decision_``).

        Parameters
        ----------
        X : array_like
        groups : array_like, shape (n_samples,), optional
            Record of each row; each record is adapted on its own rows only. None: all
            rows are one record.
        """
        Q, g = self._records(X, groups)
        if Q.shape[0] == 0:  # a record without samples: no call (columns checked)
            return self.classes_[:0]
        if self.decision_ is None:
            return self.estimator_.predict(X)
        out = np.empty(Q.shape[0], dtype=np.int64)
        for r in np.unique(g):
            m = g == r
            prior = self._shrink(self._em(Q[m]), self.shrinkage_)
            out[m] = self._decide(Q[m], prior, self.decision_)
        return self.classes_[out]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            tags.input_tags.allow_nan = self.estimator.__sklearn_tags__().input_tags.allow_nan
        except AttributeError:  # pragma: no cover - estimators without tags
            pass
        return tags


def _safe_len(X):
    return X.shape[0] if hasattr(X, "shape") else len(X)
