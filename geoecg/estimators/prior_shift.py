"""Prevalence (label) shift: estimate a target population's class prior without its labels.

Under prior shift ``p_t(x | y) = p_s(x | y)`` while ``p_t(y) != p_s(y)``. A calibrated
source model then needs only the target prior, ``p_t(y | x) ∝ p_s(y | x) p_t(y) / p_s(y)``
(:func:`prior_correct`), and that prior can be estimated from unlabelled target records:

* ``"em"``: the EM procedure of Saerens, Latinne & Decaestecker (2002), Neural Computation
  14(1):21-41 (:func:`em_priors`). Needs calibrated probabilities.
* ``"bbse"``: black-box shift estimation, Lipton, Wang & Smola (2018), ICML: solve
  ``C w = mu`` with the joint confusion matrix ``C`` of held-out source predictions and the
  mean target prediction ``mu`` (:func:`bbse_priors`).
* ``"rlls"``: regularised learning under label shift, Azizzadenesheli, Liu, Yang &
  Anandkumar (2019), ICLR: ``min ||C theta - b|| + delta ||theta||`` over ``theta = w - 1``
  (:func:`rlls_priors`); shrinks towards "no shift" when the target sample is small.
* ``"known"`` (the oracle or a prior the user knows) and ``"none"`` (no adaptation).

:class:`PriorShiftClassifier` wraps any probabilistic classifier: it gets out-of-fold
probabilities of the training data, fits a calibration map on them, fits the base model on
all training data, and :meth:`~PriorShiftClassifier.adapt` estimates the prior of a target
sample given explicitly (with bootstrap confidence intervals).
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    check_random_state,
    column_or_1d,
)

from .._rows import columns_checked, zero_rows
from ._prior_shift_rows import _aligned_proba, _as_rows
from .prior_estimation import bbse_priors, em_priors, prior_correct, rlls_priors

__all__ = [
    "PriorEstimate",
    "PriorShiftClassifier",
    "bbse_priors",
    "em_priors",
    "prior_correct",
    "rlls_priors",
]

METHODS = ("em", "bbse", "rlls", "known", "none")
_ESTIMATORS = ("em", "bbse", "rlls")
_EPS = 1e-12
#: Fewest training records per class below which ``fit`` warns that the calibration map and
#: the out-of-fold confusion matrix (BBSE / RLLS) are fitted on too few held-out records: with
#: 5 folds that is under 2 held-out records per class and fold, while the logistic map has
#: ``n_classes + 1`` parameters per class. The same number as
#: ``geoecg.estimators.af.prior_shift_model.MIN_CLASS_RECORDS``; a rule of thumb, not tuned
#: on any score.
MIN_RECORDS_PER_CLASS = 10


@dataclass(frozen=True)
class PriorEstimate:
    """Estimated class priors of a target sample.

    Attributes
    ----------
    classes : ndarray
    priors : ndarray, shape (n_classes,)
        Point estimate (sums to 1).
    ci_low, ci_high : ndarray, shape (n_classes,)
        Percentile bootstrap interval: the target records resampled, and for BBSE / RLLS
        also the out-of-fold source records (confusion matrix); the fitted model and its
        calibration map are held fixed, so the interval is too narrow when the source
        sample is small (it misses the source-side bias). NaN without bootstrap.
    method : str
    n_target : int
    confidence : float
    n_bootstrap : int
    """

    classes: np.ndarray
    priors: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    method: str
    n_target: int
    confidence: float
    n_bootstrap: int

    def as_dict(self) -> dict:
        """``{label: {"prior", "ci_low", "ci_high"}}`` (JSON-friendly floats)."""
        return {
            str(c): {"prior": float(p), "ci_low": float(lo), "ci_high": float(hi)}
            for c, p, lo, hi in zip(
                self.classes, self.priors, self.ci_low, self.ci_high, strict=True
            )
        }


class _Calibrator:
    """Calibration map fitted on out-of-fold probabilities (picklable, no sklearn params)."""

    def __init__(self, method, n_classes):
        self.method, self.k = method, n_classes

    def fit(self, P, yi):
        if self.method == "logistic":
            Z = np.log(np.clip(P, 1e-6, 1.0))
            self.model_ = LogisticRegression(C=1.0, max_iter=2000).fit(Z, yi)
        elif self.method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            self.model_ = [
                IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(
                    P[:, j], (yi == j).astype(float)
                )
                for j in range(self.k)
            ]
        return self

    def __call__(self, P):
        P = np.asarray(P, dtype=np.float64)
        if self.method is None:
            Q = np.clip(P, 0.0, None)
        elif self.method == "logistic":
            Q = self.model_.predict_proba(np.log(np.clip(P, 1e-6, 1.0)))
        else:
            Q = np.column_stack([m.predict(P[:, j]) for j, m in enumerate(self.model_)])
        tot = Q.sum(axis=1, keepdims=True)
        return np.divide(Q, tot, out=np.full_like(Q, 1.0 / self.k), where=tot > _EPS)


def _zero_row_columns(model, X, **arguments) -> bool:
    """The 0-row check of :class:`PriorShiftClassifier`: sparse input is refused as with rows,
    an array or DataFrame must pass the base model's fitted column checks (a ValueError
    naming this class and the shapes otherwise); a list, or a base model without a column
    count, gives the empty answer unchecked."""
    X = _as_rows(X)
    if hasattr(X, "shape"):
        columns_checked(model.estimator_, X, owner=model)
    return True


class PriorShiftClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Adapt a probabilistic classifier to the class prior of an unlabelled target sample.

    ``fit(X, y)`` gets out-of-fold probabilities of the training records (``cv``), fits a
    calibration map on them (``calibration``), the confusion matrix of the calibrated
    out-of-fold predictions (for BBSE / RLLS) and the base model on all records.
    ``adapt(X_target)`` estimates the target prior (``method``) with a bootstrap interval;
    ``predict_proba`` / ``predict`` then use the calibrated probabilities corrected from the
    training prior to that prior (:func:`prior_correct`).

    Parameters
    ----------
    estimator : classifier with ``predict_proba``, default LogisticRegression(max_iter=1000)
        Any input it accepts works (arrays, lists of signals): X is only indexed by rows.
    method : {"em", "bbse", "rlls", "known", "none"}, default "em"
        Prior estimator used by ``adapt`` and ``predict``; ``"known"`` uses
        ``target_priors``; ``"none"`` keeps the training prior (calibrated probabilities).
    target_priors : dict or array_like, optional
        ``{label: prior}`` or priors aligned with ``classes_``; required by ``"known"``,
        ignored by every other method (``target_priors_reason_`` says so).
    calibration : {"logistic", "isotonic", None}, default "logistic"
        Map from out-of-fold probabilities to calibrated ones: a multinomial logistic
        regression on the log-probabilities ("matrix scaling", Guo et al. 2017), one
        isotonic regression per class (renormalised), or none (trust the base model).
    cv : int or CV splitter, default 5
        Folds of the out-of-fold probabilities. An int gives ``StratifiedKFold``, or
        ``StratifiedGroupKFold`` when ``fit`` gets ``groups`` (a group's records never
        straddle folds); a splitter is used as given, with ``groups`` passed to it.
    confusion : {"soft", "hard"}, default "soft"
        BBSE / RLLS on mean probabilities (soft) or on one-hot arg-max calls (hard, the
        original papers' form).
    rlls_alpha : float >= 0, default 1.0
        RLLS strength: ``delta = rlls_alpha / sqrt(n_train)``.
    n_bootstrap : int >= 0, default 200
        Bootstrap resamples of the target records for the interval (0: none, NaN bounds).
    confidence : float in (0, 1), default 0.95
    em_max_iter : int, default 1000
        EM iterations.
    em_tol : float, default 1e-8
        EM tolerance on the priors.
    random_state : int, RandomState or None
        Folds (when ``cv`` is an int) and bootstrap draws.

    Attributes
    ----------
    classes_ : ndarray
    estimator_ : fitted clone of ``estimator`` (all training records)
    source_priors_ : ndarray
        Class frequencies of the training labels.
    oof_proba_ : ndarray, shape (n_train, n_classes)
        Calibrated out-of-fold probabilities of the training records.
    confusion_ : ndarray, shape (n_classes, n_classes)
        ``C[i, j] = P(prediction i, label j)`` of the out-of-fold predictions.
    target_priors_ : ndarray
        Prior used by ``predict_proba`` (training prior before ``adapt`` unless ``"known"``).
    prior_estimate_ : PriorEstimate or None
        Set by ``adapt``.
    target_priors_reason_ : str
        Where ``target_priors_`` comes from (given, training, estimated by ``adapt``), and
        whether a given ``target_priors`` was ignored (it is used by ``"known"`` only).

    Raises
    ------
    ValueError
        In ``fit``: ``method`` or ``confusion`` is unknown, ``n_bootstrap`` is negative,
        ``confidence`` is not in (0, 1), ``rlls_alpha`` is negative, ``em_max_iter`` is not
        an integer >= 1, ``em_tol`` is negative, an int ``cv`` is below 2, ``X`` and ``y``
        (or ``groups``) have different numbers of rows, ``groups`` hold fewer distinct
        groups than an int ``cv``, or a ``target_priors`` dict names a label that is not
        a class of ``y``.

    Warns
    -----
    UserWarning
        In ``fit`` when a class has fewer than ``MIN_RECORDS_PER_CLASS`` (10) training
        records and ``calibration`` is not None or ``method`` is ``"bbse"`` / ``"rlls"``
        (else at the first BBSE / RLLS estimate): the message names the class counts. On so
        few records the calibration map can be wrong, up to swapping two classes.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(-1, 1, (500, 1)), rng.normal(1, 1, (500, 1))]
    >>> y = np.repeat([0, 1], 500)
    >>> Xt = np.r_[rng.normal(-1, 1, (1600, 1)), rng.normal(1, 1, (400, 1))]  # prior 0.8/0.2
    >>> clf = PriorShiftClassifier(random_state=0, n_bootstrap=50).fit(X, y).adapt(Xt)
    >>> bool(abs(clf.target_priors_[1] - 0.2) < 0.03)
    True
    """

    def __init__(
        self,
        estimator=None,
        *,
        method="em",
        target_priors=None,
        calibration="logistic",
        cv=5,
        confusion="soft",
        rlls_alpha=1.0,
        n_bootstrap=200,
        confidence=0.95,
        em_max_iter=1000,
        em_tol=1e-8,
        random_state=None,
    ):
        self.estimator = estimator
        self.method = method
        self.target_priors = target_priors
        self.calibration = calibration
        self.cv = cv
        self.confusion = confusion
        self.rlls_alpha = rlls_alpha
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self.em_max_iter = em_max_iter
        self.em_tol = em_tol
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def _check_params(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        if self.calibration not in ("logistic", "isotonic", None):
            raise ValueError(
                f"calibration must be 'logistic', 'isotonic' or None, got {self.calibration!r}"
            )
        if self.confusion not in ("soft", "hard"):
            raise ValueError(f"confusion must be 'soft' or 'hard', got {self.confusion!r}")
        nb = self.n_bootstrap
        if isinstance(nb, bool) or not isinstance(nb, numbers.Integral) or nb < 0:
            raise ValueError(f"n_bootstrap must be an integer >= 0, got {nb!r}")
        if not (isinstance(self.confidence, numbers.Real) and 0 < self.confidence < 1):
            raise ValueError(f"confidence must be in (0, 1), got {self.confidence!r}")
        if not (isinstance(self.rlls_alpha, numbers.Real) and self.rlls_alpha >= 0):
            raise ValueError(f"rlls_alpha must be a number >= 0, got {self.rlls_alpha!r}")
        it = self.em_max_iter  # checked at fit: a bad one used to surface only in adapt
        if isinstance(it, bool) or not isinstance(it, numbers.Integral) or it < 1:
            raise ValueError(f"em_max_iter must be an integer >= 1, got {it!r}")
        if not (isinstance(self.em_tol, numbers.Real) and 0 <= self.em_tol < np.inf):
            raise ValueError(f"em_tol must be a finite number >= 0, got {self.em_tol!r}")
        cv = self.cv
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool) and cv < 2:
            raise ValueError(f"cv must be an integer >= 2 (folds) or a CV splitter, got {cv!r}")

    def fit(self, X, y, groups=None, target=None):
        """Fit the base model, its calibration map and its out-of-fold confusion matrix.

        Parameters
        ----------
        X : array_like or list, n_train rows
        y : array_like, shape (n_train,)
        groups : array_like, shape (n_train,), optional
            Group (patient) labels. With an int ``cv`` the folds are
            ``StratifiedGroupKFold``; a ``cv`` splitter gets them as given.
        target : array_like or list, optional
            Unlabelled target records; when given, ``adapt(target)`` is called.

        Returns
        -------
        self
        """
        self._check_params()
        X = _as_rows(X)
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None"
            )
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True)
        check_classification_targets(y)
        n = _num_samples(X)
        if n != y.shape[0]:
            raise ValueError(f"X has {n} rows but y has {y.shape[0]}")
        self.classes_, yi = np.unique(y, return_inverse=True)
        k = self.classes_.size
        if k < 2:
            raise ValueError(f"y must hold at least 2 classes, got 1 class: {self.classes_[0]}")
        self.source_priors_ = np.bincount(yi, minlength=k) / yi.size
        est = LogisticRegression(max_iter=1000) if self.estimator is None else self.estimator
        if not hasattr(est, "predict_proba"):
            raise TypeError(f"estimator must have predict_proba, got {type(est).__name__}")
        rng = check_random_state(self.random_state)
        cv = self.cv
        if groups is not None:
            groups = column_or_1d(check_array(groups, ensure_2d=False, dtype=None))
            if groups.shape[0] != n:
                raise ValueError(f"groups must have one label per row ({n}), got {groups.size}")
        if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
            from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

            if np.bincount(yi).min() < cv:
                raise ValueError(
                    f"every class needs at least cv={cv} training records, "
                    f"got counts {np.bincount(yi).tolist()}"
                )
            seed = int(rng.randint(np.iinfo(np.int32).max))
            if groups is None:
                cv = StratifiedKFold(int(cv), shuffle=True, random_state=seed)
            else:  # a patient's records never straddle folds
                n_groups = np.unique(groups).size
                if n_groups < cv:
                    raise ValueError(
                        f"groups hold {n_groups} distinct group(s), fewer than cv={cv} "
                        f"folds: pass a smaller cv or more groups"
                    )
                cv = StratifiedGroupKFold(int(cv), shuffle=True, random_state=seed)
        cv = check_cv(cv, y, classifier=True)
        raw = np.full((n, k), np.nan)
        for tr, te in cv.split(np.zeros((n, 1)), y, groups):
            m = clone(est).fit(_safe_indexing(X, tr), y[tr])
            raw[te] = _aligned_proba(m, _safe_indexing(X, te), self.classes_)
        if np.isnan(raw).any():
            raise ValueError("cv must give every training record one held-out prediction")
        self._few_records = self._few_records_message(yi)
        if self._few_records and (self.calibration is not None or self.method in ("bbse", "rlls")):
            warnings.warn(self._few_records, UserWarning, stacklevel=2)
            self._few_records = ""  # said once
        self.calibrator_ = _Calibrator(self.calibration, k).fit(raw, yi)
        self.oof_proba_ = self.calibrator_(raw)
        self.oof_labels_ = yi
        self.confusion_ = self._joint(self.oof_proba_, yi)
        self.estimator_ = clone(est).fit(X, y)
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        self.n_train_ = n
        self.prior_estimate_ = None
        self.target_priors_ = (
            self._known_priors() if self.method == "known" else self.source_priors_.copy()
        )
        self.target_priors_reason_ = self._priors_reason(
            "the given target_priors" if self.method == "known" else "the training priors"
        )
        if target is not None:
            self.adapt(target)
        return self

    def _few_records_message(self, yi):
        """Why the out-of-fold pieces are unreliable ("" when every class is large enough)."""
        counts = np.bincount(yi, minlength=self.classes_.size)
        if counts.min() >= MIN_RECORDS_PER_CLASS:
            return ""
        named = {str(c): int(n) for c, n in zip(self.classes_, counts, strict=True)}
        return (
            f"{type(self).__name__}: training class counts {named}; fewer than "
            f"{MIN_RECORDS_PER_CLASS} records in a class, so the calibration map "
            f"(calibration={self.calibration!r}) and the out-of-fold confusion matrix used by "
            "BBSE / RLLS are fitted on a few held-out predictions and can be wrong (on 5 "
            "records per class the logistic map can even swap two classes); use more "
            "training records or calibration=None"
        )

    def target_weighted_oof(self):
        """The training records' out-of-fold predictions as if drawn from the target.

        Returns
        -------
        y_true, y_pred : ndarray of labels, shape (n_train,)
            Labels and predictions of the calibrated out-of-fold probabilities corrected
            to ``target_priors_``.
        sample_weight : ndarray, shape (n_train,)
            ``target_priors_ / source_priors_`` of each record's class: weighted scores
            (``f1_score(..., sample_weight=w)``) estimate the target population's scores
            from training labels only (an inner-CV score for choices made per target).
        """
        check_is_fitted(self)
        P = prior_correct(self.oof_proba_, self.source_priors_, self.target_priors_)
        yi = self.oof_labels_
        w = (self.target_priors_ / np.maximum(self.source_priors_, _EPS))[yi]
        return self.classes_[yi], self.classes_[np.argmax(P, axis=1)], w

    def _joint(self, Q, yi):
        P = self._pred(Q)
        C = np.zeros((self.classes_.size,) * 2)
        for j in range(self.classes_.size):
            C[:, j] = P[yi == j].sum(axis=0)
        return C / yi.size

    def _pred(self, Q):
        if self.confusion == "soft":
            return Q
        return np.eye(Q.shape[1])[np.argmax(Q, axis=1)]

    def _known_priors(self):
        tp = self.target_priors
        if tp is None:
            raise ValueError("method='known' needs target_priors ({label: prior} or an array)")
        if isinstance(tp, dict):
            missing = [c for c in self.classes_.tolist() if c not in tp]
            if missing:
                raise ValueError(f"target_priors lacks classes {missing}")
            extra = [c for c in tp if c not in set(self.classes_.tolist())]
            if extra:  # their prior mass used to be dropped silently by the renormalisation
                raise ValueError(
                    f"target_priors names labels {extra} that are not classes of y "
                    f"{self.classes_.tolist()}"
                )
            t = np.array([float(tp[c]) for c in self.classes_.tolist()])
        else:
            t = np.asarray(tp, dtype=np.float64)
        if t.shape != self.classes_.shape or np.any(t < 0) or not 0 < t.sum() < np.inf:
            raise ValueError(
                f"target_priors must be {self.classes_.size} non-negative numbers "
                f"(classes {self.classes_.tolist()}), got {tp!r}"
            )
        return t / t.sum()

    # ---------------------------------------------------------------- adapt
    def __sklearn_is_fitted__(self):
        return hasattr(self, "estimator_")

    @zero_rows("proba", check=_zero_row_columns)
    def calibrated_proba(self, X) -> np.ndarray:
        """Calibrated probabilities under the training prior (no adaptation).

        0 rows give an empty ``(0, n_classes)`` matrix without calling the base model (a
        0-row array whose columns differ from the fitted ones is a ValueError).
        """
        check_is_fitted(self)
        X = _as_rows(X)
        return self.calibrator_(_aligned_proba(self.estimator_, X, self.classes_))

    def estimate_priors(self, X_target, method=None) -> PriorEstimate:
        """Estimate the class prior of unlabelled target records (the model is not changed).

        Parameters
        ----------
        X_target : array_like or list
            Unlabelled target records (at least 1).
        method : {"em", "bbse", "rlls"}, optional
            Defaults to ``self.method``.

        Returns
        -------
        PriorEstimate

        Raises
        ------
        ValueError
            For 0 target records, naming this class (``adapt`` would otherwise set NaN
            priors and every later prediction would be NaN; the functions
            :func:`em_priors`, :func:`bbse_priors` and :func:`rlls_priors` return NaN
            priors with a RuntimeWarning instead).
        """
        check_is_fitted(self)
        method = self.method if method is None else method
        if method not in _ESTIMATORS:
            raise ValueError(f"estimate_priors needs method in {_ESTIMATORS}, got {method!r}")
        X_target = _as_rows(X_target)
        if _num_samples(X_target) == 0:
            raise ValueError(
                f"{type(self).__name__}.estimate_priors: X_target must hold at least one "
                "record (the prior of an empty sample is undefined; predict of 0 rows needs "
                "no adapt)"
            )
        Q = self.calibrated_proba(X_target)
        return self._estimate_from_proba(Q, method)

    def _estimate_from_proba(self, Q, method) -> PriorEstimate:
        n = Q.shape[0]
        if n == 0:
            raise ValueError("X_target must hold at least one record")
        if method in ("bbse", "rlls") and getattr(self, "_few_records", ""):
            warnings.warn(self._few_records, UserWarning, stacklevel=3)
            self._few_records = ""  # said once (fit did not, for calibration=None)
        est = self._point(Q, method)
        nb = int(self.n_bootstrap)
        lo = hi = np.full_like(est, np.nan)
        if nb > 0:
            rng = check_random_state(self.random_state)
            boot = np.array([self._boot(Q, method, rng) for _ in range(nb)])
            a = (1.0 - self.confidence) / 2.0
            lo, hi = np.quantile(boot, [a, 1.0 - a], axis=0)
        return PriorEstimate(
            classes=self.classes_.copy(),
            priors=est,
            ci_low=lo,
            ci_high=hi,
            method=method,
            n_target=int(n),
            confidence=float(self.confidence),
            n_bootstrap=nb,
        )

    def _boot(self, Q, method, rng):
        """One bootstrap replicate: target rows resampled; for BBSE / RLLS also the
        out-of-fold source rows (confusion matrix and source prior)."""
        Qb = Q[rng.randint(0, Q.shape[0], Q.shape[0])]
        if method == "em":
            return self._point(Qb, method)
        n = self.oof_proba_.shape[0]
        i = rng.randint(0, n, n)
        yi = self.oof_labels_[i]
        s = np.bincount(yi, minlength=self.classes_.size) / n
        if np.any(s == 0):
            return self._point(Qb, method)
        return self._point(Qb, method, self._joint(self.oof_proba_[i], yi), s)

    def _point(self, Q, method, confusion=None, source=None):
        s = self.source_priors_ if source is None else source
        C = self.confusion_ if confusion is None else confusion
        if method == "em":
            return em_priors(Q, s, max_iter=self.em_max_iter, tol=self.em_tol)[0]
        P = self._pred(Q)
        if method == "bbse":
            return bbse_priors(P, C, s)
        return rlls_priors(P, C, s, delta=float(self.rlls_alpha) / np.sqrt(self.n_train_))

    def adapt(self, X_target):
        """Estimate the target prior with ``method`` and use it in ``predict_proba``.

        ``"known"`` and ``"none"`` ignore ``X_target`` (their prior is set in ``fit``).

        Returns
        -------
        self
        """
        check_is_fitted(self)
        if self.method in _ESTIMATORS:
            self.prior_estimate_ = self.estimate_priors(X_target)
            self.target_priors_ = self.prior_estimate_.priors
            self.target_priors_reason_ = self._priors_reason("estimated by adapt")
        return self

    def _priors_reason(self, what):
        out = f"{what} (method={self.method!r})"
        if self.target_priors is not None and self.method != "known":
            out += "; target_priors is ignored: only method='known' uses it"
        return out

    # -------------------------------------------------------------- predict
    def predict_proba(self, X) -> np.ndarray:
        """Calibrated probabilities corrected to ``target_priors_`` (0 rows: an empty
        ``(0, n_classes)`` matrix)."""
        Q = self.calibrated_proba(X)
        return prior_correct(Q, self.source_priors_, self.target_priors_)

    def predict(self, X) -> np.ndarray:
        """Arg-max of :meth:`predict_proba` (0 rows: an empty array of labels)."""
        p = self.predict_proba(X)
        return self.classes_[np.argmax(p, axis=1)]

    #: Mean accuracy (scikit-learn's); 0 rows: NaN with a RuntimeWarning.
    score = zero_rows("score", check=_zero_row_columns)(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        est = LogisticRegression() if self.estimator is None else self.estimator
        try:
            sub = est.__sklearn_tags__()
            tags.input_tags.allow_nan = sub.input_tags.allow_nan
        except AttributeError:  # pragma: no cover - estimators without tags
            pass
        return tags
