"""Compare estimators (classical and neural) on identical patient-wise splits, with CIs."""

from __future__ import annotations

import inspect
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.preprocessing import label_binarize

from .._progress import progress_bar

__all__ = ["METRICS", "compare", "make_splits", "oof_predict"]


def _onehot(y, classes) -> np.ndarray:
    Y = label_binarize(y, classes=classes)
    return np.hstack([1 - Y, Y]) if len(classes) == 2 else Y


def _auroc(y, p, classes, multilabel):
    if multilabel:
        return roc_auc_score(y, p, average="macro")
    if len(classes) == 2:
        return roc_auc_score(y == classes[1], p[:, 1])
    return roc_auc_score(_onehot(y, classes), p, average="macro")


def _auprc(y, p, classes, multilabel):
    if multilabel:
        return average_precision_score(y, p, average="macro")
    if len(classes) == 2:
        return average_precision_score(y == classes[1], p[:, 1])
    return average_precision_score(_onehot(y, classes), p, average="macro")


def _labels(p, classes, multilabel):
    return (p >= 0.5).astype(int) if multilabel else np.asarray(classes)[np.argmax(p, axis=1)]


#: Metric name -> function(y_true, proba, classes, multilabel). AUROC/AUPRC are fractions;
#: accuracy-type metrics are percentages, as in every geoecg bench.
METRICS: dict[str, Callable] = {
    "auroc": _auroc,
    "auprc": _auprc,
    "balanced_accuracy": lambda y, p, c, m: (
        100 * balanced_accuracy_score(y, _labels(p, c, m)) if not m else np.nan
    ),
    "accuracy": lambda y, p, c, m: 100 * accuracy_score(y, _labels(p, c, m)),
    "f1_macro": lambda y, p, c, m: 100 * f1_score(y, _labels(p, c, m), average="macro"),
}


def _take(X, idx):
    if isinstance(X, pd.DataFrame | pd.Series):
        return X.iloc[idx]
    if isinstance(X, list | tuple):
        return [X[i] for i in idx]
    return np.asarray(X)[idx]


def make_splits(y, groups=None, cv=5, random_state=0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Patient-wise stratified splits, computed once and shared by every method.

    Parameters
    ----------
    y : array-like (n,) or (n, n_labels)
        Labels; multi-label rows are stratified on their label combination.
    groups : array-like (n,), optional
        Patient identifiers: all records of a patient fall in the same fold.
    cv : int or CV splitter
        Number of folds (``StratifiedGroupKFold``/``StratifiedKFold``, shuffled) or a
        splitter with ``split(X, y, groups)``.
    random_state : int, default 0
        Seed of the shuffled folds (with an int ``cv``).

    Returns
    -------
    list of (ndarray, ndarray)
        One (train, test) index pair per fold.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0, 1] * 10)
    >>> patients = np.repeat(np.arange(10), 2)  # two records per patient
    >>> splits = make_splits(y, groups=patients, cv=5)
    >>> [len(test) for _, test in splits]
    [4, 4, 4, 4, 4]
    >>> any(set(patients[train]) & set(patients[test]) for train, test in splits)
    False
    """
    y = np.asarray(y)
    if isinstance(cv, bool) or (isinstance(cv, int | np.integer) and cv < 2):
        raise ValueError(f"cv must be a number of folds >= 2 or a splitter, got {cv!r}")
    if groups is not None and np.shape(groups) != (len(y),):
        raise ValueError(
            f"groups must have one entry per record of y ({len(y)}), got shape {np.shape(groups)}"
        )
    strat = y if y.ndim == 1 else np.array(["".join(map(str, r)) for r in y.astype(int)])
    n_splits = cv if isinstance(cv, int) else getattr(cv, "n_splits", 2)
    if y.ndim == 2:
        # label combinations rarer than the number of folds share one stratum
        values, counts = np.unique(strat, return_counts=True)
        strat = np.where(np.isin(strat, values[counts < n_splits]), "rare", strat)
    X_dummy = np.zeros((len(y), 1))
    if isinstance(cv, int):
        if groups is not None:
            cv = StratifiedGroupKFold(n_splits=cv, shuffle=True, random_state=random_state)
        else:
            cv = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    with warnings.catch_warnings():
        # a class rarer than n_splits is legal: it just cannot appear in every fold
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X_dummy, strat, groups)]


def _accepts(method, name: str) -> bool:
    params = inspect.signature(method).parameters
    if name in params:
        return True
    has_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    return has_kwargs and sklearn.get_config().get("enable_metadata_routing", False)


def oof_predict(estimator, X, y, splits, covariates=None):
    """Out-of-fold probabilities of ``estimator`` over ``splits``.

    Parameters
    ----------
    estimator : classifier
        Cloned and fitted on each training fold only (with ``covariates=`` when its ``fit``
        takes them).
    X : array_like or list
        Anything indexable by integer arrays (signals, covariances, feature tables).
    y : array_like, shape (n,) or (n, n_labels)
        Labels (multi-label: one column per label).
    splits : list of (ndarray, ndarray)
        (train, test) index pairs, e.g. from :func:`make_splits`.
    covariates : DataFrame or array_like, optional
        Covariates aligned with ``X``, passed to ``fit``/``predict_proba`` that accept them.

    Returns
    -------
    proba : ndarray (n, n_classes)
    classes : ndarray
    times : dict
        ``fit_s`` and ``predict_s`` summed over folds (seconds).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import roc_auc_score
    >>> from geoecg.simulate import AnticausalSCM, Environment
    >>> s = AnticausalSCM().sample(300, Environment(), random_state=0)
    >>> proba, classes, times = oof_predict(LogisticRegression(), s.X, s.y, make_splits(s.y, cv=3))
    >>> proba.shape, classes.tolist(), sorted(times)
    ((300, 2), [0, 1], ['fit_s', 'predict_s'])
    >>> round(float(roc_auc_score(s.y, proba[:, 1])), 2)  # no row scored by a model fit on it
    0.83
    """
    y = np.asarray(y)
    _check_aligned(X, y, covariates, splits)
    multilabel = y.ndim == 2 and y.shape[1] > 1
    classes = np.arange(y.shape[1]) if multilabel else np.unique(y)
    proba = np.full((len(y), len(classes)), np.nan)
    fit_s = predict_s = 0.0
    for tr, te in splits:
        est = clone(estimator)
        fit_kw = {}
        pred_kw = {}
        if covariates is not None and _accepts(est.fit, "covariates"):
            fit_kw["covariates"] = _take(covariates, tr)
            if _accepts(est.predict_proba, "covariates"):
                pred_kw["covariates"] = _take(covariates, te)
        t0 = time.perf_counter()
        est.fit(_take(X, tr), y[tr], **fit_kw)
        t1 = time.perf_counter()
        p = np.asarray(est.predict_proba(_take(X, te), **pred_kw))
        predict_s += time.perf_counter() - t1
        fit_s += t1 - t0
        if multilabel:
            proba[te] = p
        else:
            cols = np.searchsorted(classes, est.classes_)
            proba[np.ix_(te, cols)] = p
            proba[te] = np.nan_to_num(proba[te], nan=0.0)
    return proba, classes, {"fit_s": fit_s, "predict_s": predict_s}


def _check_aligned(X, y, covariates, splits) -> None:
    """X, y and covariates: one row per record; every split index a record of y."""
    if y.ndim == 0:
        raise ValueError(f"y must be an array of labels, one per record, got {y!r}")
    n = len(y)
    for name, a in (("X", X), ("covariates", covariates)):
        if a is not None and hasattr(a, "__len__") and len(a) != n:
            raise ValueError(f"{name} has {len(a)} records, y has {n}: they must be aligned")
    for k, split in enumerate(splits):
        for part, idx in zip(("train", "test"), split, strict=True):
            idx = np.asarray(idx)
            if idx.size and (idx.dtype.kind not in "iu" or idx.min() < -n or idx.max() >= n):
                raise ValueError(
                    f"splits[{k}] {part} indices must be integer record indices in [0, {n})"
                )


def _nan_stat(fn, values) -> float:
    values = np.asarray(values, dtype=float)
    return float(fn(values)) if np.isfinite(values).any() else np.nan


def _safe(metric, y, p, classes, multilabel) -> float:
    """Metric value, or NaN where it is undefined (e.g. one class only in a resample)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        try:
            return float(metric(y, p, classes, multilabel))
        except ValueError:
            return np.nan


def _bootstrap(metric, y, p, classes, multilabel, groups, n_boot, rng):
    """Percentile CI from resampling patients (groups) with replacement."""
    ids = np.arange(len(y)) if groups is None else np.asarray(groups)
    uniq, inv = np.unique(ids, return_inverse=True)
    members = [np.flatnonzero(inv == k) for k in range(len(uniq))]
    vals = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(uniq), len(uniq))
        idx = np.concatenate([members[k] for k in pick])
        v = _safe(metric, y[idx], p[idx], classes, multilabel)
        if np.isfinite(v):
            vals.append(v)
    if len(vals) < max(20, n_boot // 10):
        return np.nan, np.nan
    return float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))


def compare(
    estimators: dict,
    X,
    y,
    *,
    groups=None,
    cv=5,
    metrics=("auroc", "balanced_accuracy", "f1_macro"),
    covariates=None,
    n_bootstrap: int = 1000,
    random_state=0,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Fit every estimator on the same patient-wise folds and tabulate metrics with CIs.

    Parameters
    ----------
    estimators : dict of str -> estimator
        Methods to compare; each needs ``fit`` and ``predict_proba``.
    X : ndarray, DataFrame or list
        Inputs in the form the estimators expect (signals, feature matrices, ...).
    y : array-like (n,) or (n, n_labels)
        Labels, or a 0/1 indicator matrix for multi-label tasks (macro-averaged metrics).
    groups : array-like (n,), optional
        Patient identifiers; folds and bootstrap resampling are patient-wise.
    cv : int or splitter, default 5
    metrics : sequence of str
        Names from :data:`METRICS`.
    covariates : DataFrame or array, optional
        Passed as ``covariates=`` to ``fit``/``predict_proba`` of estimators that take it.
    n_bootstrap : int, default 1000
        Patient-level bootstrap resamples of the pooled out-of-fold predictions.
    random_state : int
        Seeds the folds and the bootstrap.
    progress : bool or None, default None
        A tqdm bar of the methods on stderr (None: only when stderr is a terminal; it was
        always shown before session 19).

    Returns
    -------
    DataFrame
        One row per (method, metric): ``value`` (pooled out-of-fold), ``ci_low``,
        ``ci_high`` (bootstrap 95%), ``fold_mean``, ``fold_std``, ``fit_s`` and
        ``predict_s`` (summed over folds, seconds), ``n``. ``df.attrs["splits"]`` holds
        the folds as lists of (train, test) record indices.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.dummy import DummyClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((120, 3)); y = (X[:, 0] > 0).astype(int)
    >>> df = compare({"lr": LogisticRegression(), "dummy": DummyClassifier()}, X, y,
    ...              groups=np.arange(120) // 2, metrics=["auroc"], n_bootstrap=200,
    ...              progress=False)
    >>> bool(df.set_index("method").loc["lr", "value"] > 0.95)
    True
    """
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metrics {unknown}; available: {sorted(METRICS)}")
    if not estimators:
        raise ValueError("estimators is empty; pass a dict name -> estimator")
    y = np.asarray(y)
    n = len(y)
    if groups is not None and len(groups) != n:
        raise ValueError(f"groups has {len(groups)} entries, y has {n}")
    multilabel = y.ndim == 2 and y.shape[1] > 1
    splits = make_splits(y, groups, cv, random_state)
    rows = []
    for name, est in progress_bar(estimators.items(), desc="methods", progress=progress):
        proba, classes, times = oof_predict(est, X, y, splits, covariates)
        rng = np.random.default_rng(random_state)
        for m in metrics:
            fn = METRICS[m]
            value = _safe(fn, y, proba, classes, multilabel)
            folds = [_safe(fn, y[te], proba[te], classes, multilabel) for _, te in splits]
            lo, hi = _bootstrap(fn, y, proba, classes, multilabel, groups, n_bootstrap, rng)
            rows.append(
                {
                    "method": name,
                    "metric": m,
                    "value": float(value),
                    "ci_low": lo,
                    "ci_high": hi,
                    "fold_mean": _nan_stat(np.nanmean, folds),
                    "fold_std": _nan_stat(np.nanstd, folds),
                    "fit_s": times["fit_s"],
                    "predict_s": times["predict_s"],
                    "n": n,
                }
            )
    df = pd.DataFrame(rows)
    df.attrs["splits"] = [(tr.tolist(), te.tolist()) for tr, te in splits]
    return df
