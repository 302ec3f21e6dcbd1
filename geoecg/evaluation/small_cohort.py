"""Small-cohort evaluation: patient-wise repeated stratified CV, bootstrap CIs, learning curves.

The unit of resampling is the patient everywhere: folds never split a patient, and the
bootstrap resamples patients (cluster bootstrap), so records of one patient never count as
independent evidence.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.utils import check_random_state

from .bootstrap import (
    BootstrapCI,
    auc_score,
    bootstrap_ci,
    macro_auc,
    paired_bootstrap_diff,
    weighted_auc,  # noqa: F401 - still importable from here
)

__all__ = [
    "BootstrapCI",
    "CohortResult",
    "LearningCurve",
    "auc_score",
    "macro_auc",
    "patient_splits",
    "bootstrap_ci",
    "paired_bootstrap_diff",
    "cross_val_oof",
    "evaluate_cohort",
    "learning_curve",
    "subsample_train",
    "summarize",
]


def patient_splits(
    y, groups, *, n_splits: int = 5, n_repeats: int = 5, random_state=None
) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Repeated stratified group K-fold: ``n_repeats`` lists of ``n_splits`` (train, test).

    Parameters
    ----------
    y : array_like, shape (n_records,)
        Labels to stratify on (for multi-label tasks pass one column or a combined code).
    groups : array_like, shape (n_records,)
        Patient identifiers; a patient's records always fall in the same fold.
    n_splits, n_repeats : int
        Folds per repeat and repeats.
    random_state : int, RandomState or None
        Seed of the fold draws.

    Returns
    -------
    list of list of (ndarray, ndarray)
        ``n_repeats`` lists of ``n_splits`` (train, test) index arrays.

    Examples
    --------
    >>> y = [0, 1] * 10
    >>> g = [i // 2 * 2 + j for i in range(10) for j in range(2)]
    >>> splits = patient_splits(y, g, n_splits=2, n_repeats=3, random_state=0)
    >>> len(splits), len(splits[0])
    (3, 2)
    """
    y = np.asarray(y)
    groups = np.asarray(groups)
    if y.ndim != 1 or groups.shape != y.shape:
        raise ValueError(f"y and groups must be 1-D and aligned, got {y.shape} and {groups.shape}")
    if n_splits < 2 or n_repeats < 1:
        raise ValueError(f"need n_splits >= 2 and n_repeats >= 1, got {n_splits}, {n_repeats}")
    rs = check_random_state(random_state)
    out = []
    for _ in range(n_repeats):
        cv = StratifiedGroupKFold(n_splits, shuffle=True, random_state=rs.randint(2**31 - 1))
        out.append(list(cv.split(np.zeros(y.size), y, groups)))
    return out


@dataclass(frozen=True)
class CohortResult:
    """Out-of-fold scores of one method over repeated patient-wise CV.

    Attributes
    ----------
    oof : ndarray, shape (n_repeats, n_records[, n_labels])
        Score of each record when it was in the test fold, per repeat (NaN if never tested).
    fit_s : ndarray, shape (n_repeats, n_splits)
        Wall time of each fit + predict, in s.
    auc : BootstrapCI
        AUC (macro AUC for multi-label) averaged over repeats, with its patient-bootstrap CI.
    balanced_accuracy : float
        Mean over repeats (binary: threshold 0.5 on probabilities, 0 on decision values).
    extra : dict
        Free-form additions of a caller (empty from :func:`evaluate_cohort`).
    """

    oof: np.ndarray
    fit_s: np.ndarray
    auc: BootstrapCI
    balanced_accuracy: float = float("nan")
    extra: dict = field(default_factory=dict)

    def summary(self) -> dict:
        """``auc``, ``auc_ci`` ([low, high]), ``balanced_accuracy`` and ``fit_s`` (median
        over folds) as plain floats, for a ``--json`` file."""
        return {
            "auc": self.auc.estimate,
            "auc_ci": [self.auc.low, self.auc.high],
            "balanced_accuracy": self.balanced_accuracy,
            "fit_s": float(np.median(self.fit_s)),
        }


def _scores(est, X):
    if hasattr(est, "predict_proba"):
        p = est.predict_proba(X)
        return p[:, 1] if p.ndim == 2 and p.shape[1] == 2 else p
    return est.decision_function(X)


def cross_val_oof(
    fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray],
    n_records: int,
    splits: Sequence[Sequence[tuple[np.ndarray, np.ndarray]]],
    *,
    progress=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Run ``fit_predict(train_idx, test_idx) -> scores of test`` on every split.

    ``fit_predict`` must only fit on ``train_idx``: this helper never shows it the test
    labels.

    Parameters
    ----------
    fit_predict : callable
        ``fit_predict(train_idx, test_idx) -> scores`` of the test records.
    n_records : int
        Records in the cohort.
    splits : list of list of (ndarray, ndarray)
        Repeats of (train, test) index pairs (:func:`~geoecg.evaluation.patient_splits`).
    progress : object with an ``update(n)`` method, optional
        A progress bar (e.g. tqdm), advanced by one after each fold.

    Returns
    -------
    oof : ndarray, shape (n_repeats, n_records[, n_labels])
        Out-of-fold scores (NaN for a record never tested).
    fit_s : ndarray, shape (n_repeats, n_splits)
        Wall time of each ``fit_predict`` call, in s.
    """
    oof = None
    fit_s = np.zeros((len(splits), len(splits[0])))
    for r, rep in enumerate(splits):
        for f, (tr, te) in enumerate(rep):
            t0 = time.perf_counter()
            s = np.asarray(fit_predict(np.asarray(tr), np.asarray(te)), dtype=float)
            fit_s[r, f] = time.perf_counter() - t0
            if oof is None:
                oof = np.full((len(splits), n_records) + s.shape[1:], np.nan)
            oof[r, te] = s
            if progress is not None:
                progress.update(1)
    return oof, fit_s


def _balanced_accuracy(y, s, threshold):
    y = np.asarray(y).astype(bool)
    pred = s >= threshold
    return float((np.mean(pred[y]) + np.mean(~pred[~y])) / 2)


def evaluate_cohort(
    estimator,
    X,
    y,
    *,
    groups,
    splits=None,
    n_splits: int = 5,
    n_repeats: int = 5,
    n_boot: int = 2000,
    random_state=None,
) -> CohortResult:
    """Repeated patient-wise CV of a binary classifier with a patient-bootstrap AUC CI.

    Parameters
    ----------
    estimator : classifier
        Cloned and fitted on each training fold only.
    X : array_like
        Anything indexable by integer arrays (signals, covariances, feature tables).
    y : array_like of {0, 1}, shape (n_records,)
    groups : array_like, shape (n_records,)
        Patient per record.
    splits : list, optional
        Output of :func:`~geoecg.evaluation.patient_splits` (so several methods share
        identical splits).
    n_splits, n_repeats : int, default 5, 5
        Folds per repeat and repeats, when ``splits`` is None.
    n_boot : int, default 2000
        Patient-bootstrap resamples of the AUC.
    random_state : int, RandomState or None
        Seed of the fold draws and of the bootstrap.

    Returns
    -------
    CohortResult
        Out-of-fold scores, the AUC with its CI and the fit times.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 40)
    >>> X = y[:, None] + rng.normal(0, 1, (80, 2))
    >>> res = evaluate_cohort(LogisticRegression(), X, y, groups=np.arange(80) // 2,
    ...                       n_repeats=2, n_boot=200, random_state=0)
    >>> res.oof.shape, 0.6 < res.auc.estimate < 1.0
    ((2, 80), True)
    """
    y = np.asarray(y)
    if hasattr(X, "__len__") and y.ndim == 1 and len(X) != y.size:
        raise ValueError(f"X has {len(X)} records, y has {y.size}: they must be aligned")
    if splits is None:
        splits = patient_splits(
            y, groups, n_splits=n_splits, n_repeats=n_repeats, random_state=random_state
        )

    def fp(tr, te):
        est = clone(estimator).fit(X[tr], y[tr])
        return _scores(est, X[te])

    oof, fit_s = cross_val_oof(fp, y.shape[0], splits)
    return summarize(y, oof, fit_s, groups=groups, n_boot=n_boot, random_state=random_state)


def summarize(y, oof, fit_s, *, groups=None, n_boot=2000, random_state=None) -> CohortResult:
    """Build a :class:`CohortResult` from out-of-fold scores (probabilities or decisions).

    Parameters
    ----------
    y : array_like, shape (n_records,) or (n_records, n_labels)
        Labels.
    oof : ndarray, shape (n_repeats, n_records[, n_labels])
        Out-of-fold scores (:func:`cross_val_oof`).
    fit_s : ndarray, shape (n_repeats, n_splits)
        Fit times in s.
    groups : array_like, optional
        Patient per record, for the patient bootstrap.
    n_boot : int, default 2000
        Bootstrap resamples of the AUC.
    random_state : int, RandomState or None
        Seed of the bootstrap.

    Returns
    -------
    CohortResult
        The AUC (macro AUC for multi-label) with its CI and the balanced accuracy.
    """
    y = np.asarray(y)
    metric = macro_auc if y.ndim == 2 else auc_score
    ci = bootstrap_ci(
        y, oof, metric=metric, groups=groups, n_boot=n_boot, random_state=random_state
    )
    bacc = float("nan")
    if y.ndim == 1:
        thr = 0.5 if np.nanmin(oof) >= 0 and np.nanmax(oof) <= 1 else 0.0
        bacc = float(np.mean([_balanced_accuracy(y, s, thr) for s in oof]))
    return CohortResult(oof, fit_s, ci, bacc)


@dataclass(frozen=True)
class LearningCurve:
    """AUC versus training-set size.

    Attributes
    ----------
    train_sizes : ndarray of int
        Training records per fit (the full fold size for ``"all"``).
    results : list of CohortResult
        One per size, on the same outer test folds.
    """

    train_sizes: np.ndarray
    results: list


def subsample_train(train_idx, y, size, rs) -> np.ndarray:
    """Stratified random subset of ``size`` training records (both classes kept).

    Parameters
    ----------
    train_idx : array_like of int
        Indices of the training records.
    y : array_like
        Labels of all records (multi-label: the first column is stratified on).
    size : int
        Records wanted (at least 2 per class are kept).
    rs : numpy.random.RandomState
        Random state of the draw.

    Returns
    -------
    ndarray of int
        Sorted subset of ``train_idx`` (all of it when ``size`` is not smaller).
    """
    train_idx = np.asarray(train_idx)
    if size >= train_idx.size:
        return train_idx
    yt = np.asarray(y)[train_idx]
    if yt.ndim > 1:
        yt = yt[:, 0]
    classes, inv = np.unique(yt, return_inverse=True)
    take = []
    # proportional allocation with at least 2 per class
    alloc = np.maximum(np.round(size * np.bincount(inv) / inv.size).astype(int), 2)
    for k in range(classes.size):
        members = train_idx[inv == k]
        take.append(rs.choice(members, size=min(alloc[k], members.size), replace=False))
    return np.sort(np.concatenate(take))


def learning_curve(
    estimator,
    X,
    y,
    *,
    groups,
    train_sizes: Sequence[int | None],
    splits=None,
    n_splits: int = 5,
    n_repeats: int = 5,
    n_boot: int = 1000,
    random_state=None,
) -> LearningCurve:
    """AUC with patient-bootstrap CIs when training on subsets of each training fold.

    The test folds are the full outer folds for every size, so the curve compares sizes on
    identical test records. ``None`` in ``train_sizes`` means the whole training fold.

    Parameters
    ----------
    estimator : classifier
        Cloned and fitted on each training subset only.
    X : array_like
        Anything indexable by integer arrays (signals, covariances, feature tables).
    y : array_like of {0, 1}, shape (n_records,)
        Labels.
    groups : array_like, shape (n_records,)
        Patient per record.
    train_sizes : sequence of int or None
        Training records per fit (at least 4); None: the whole training fold. A size
        above the smallest training fold is capped at it, with a UserWarning naming both,
        and the capped size is the one reported in ``LearningCurve.train_sizes``.
    splits : list, optional
        Output of :func:`~geoecg.evaluation.patient_splits`.
    n_splits, n_repeats : int, default 5, 5
        Folds per repeat and repeats, when ``splits`` is None.
    n_boot : int, default 1000
        Patient-bootstrap resamples of each AUC.
    random_state : int, RandomState or None
        Seed of the fold draws and of the bootstrap.

    Returns
    -------
    LearningCurve
        The effective training sizes (capped at the smallest training fold) and one
        result per size.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 40)
    >>> X = y[:, None] + rng.normal(0, 1, (80, 2))
    >>> lc = learning_curve(LogisticRegression(), X, y, groups=np.arange(80),
    ...                     train_sizes=[10, None], n_repeats=1, n_boot=100, random_state=0)
    >>> lc.train_sizes.tolist()
    [10, 64]
    """
    y = np.asarray(y)
    rs = check_random_state(random_state)
    if splits is None:
        splits = patient_splits(y, groups, n_splits=n_splits, n_repeats=n_repeats, random_state=rs)
    n_train = min(len(tr) for rep in splits for tr, _ in rep)
    sizes, results = [], []
    for size in train_sizes:
        if size is not None and (
            isinstance(size, bool | str | bytes) or not isinstance(size, int | np.integer)
        ):
            raise TypeError(f"train_sizes must hold ints (records) or None, got {size!r}")
        size_eff = n_train if size is None else int(size)
        if size_eff < 4:
            raise ValueError(f"train sizes must be >= 4 records, got {size}")
        if size_eff > n_train:
            warnings.warn(
                f"train_sizes: {size_eff} records is more than the smallest training fold "
                f"holds; capped at {n_train}, the largest possible",
                UserWarning,
                stacklevel=2,
            )

        def fp(tr, te, size_eff=size_eff):
            sub = subsample_train(tr, y, size_eff, rs)
            est = clone(estimator).fit(X[sub], y[sub])
            return _scores(est, X[te])

        oof, fit_s = cross_val_oof(fp, y.shape[0], splits)
        sizes.append(min(size_eff, n_train))
        results.append(
            summarize(y, oof, fit_s, groups=groups, n_boot=n_boot, random_state=random_state)
        )
    return LearningCurve(np.asarray(sizes), results)
