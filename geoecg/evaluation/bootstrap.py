"""Patient (cluster) bootstrap: AUC helpers and percentile intervals that resample patients.

Records of one patient are never independent evidence: every interval here resamples whole
patients (cluster bootstrap) when ``groups`` is given. Re-exported by
:mod:`geoecg.evaluation.small_cohort` and :mod:`geoecg.evaluation`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.utils import check_random_state

from .._validation import _to_float

__all__ = [
    "BootstrapCI",
    "auc_score",
    "bootstrap_ci",
    "macro_auc",
    "paired_bootstrap_diff",
    "weighted_auc",
]


@dataclass(frozen=True)
class BootstrapCI:
    """A point estimate with a percentile bootstrap interval.

    Attributes
    ----------
    estimate : float
        Metric on the full data (mean over repeats when several score sets are given).
    low, high : float
        Percentile interval bounds (NaN when no bootstrap sample was usable).
    level : float
        Coverage, e.g. 0.95.
    n_boot : int
        Bootstrap samples where the metric was defined.
    """

    estimate: float
    low: float
    high: float
    level: float
    n_boot: int

    def excludes_zero(self) -> bool:
        """True when the whole interval lies on one side of 0."""
        return bool(self.low > 0 or self.high < 0)

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"


def auc_score(y_true, score) -> float:
    """Area under the ROC curve of binary labels (``sklearn.metrics.roc_auc_score``).

    Returns NaN when ``y_true`` holds a single class (undefined, not an error); labels are
    read as booleans (nonzero / True is the positive class).

    Parameters
    ----------
    y_true : array_like, shape (n_records,)
        Binary labels.
    score : array_like, shape (n_records,)
        Scores, higher for the positive class (probabilities or decision values).

    Returns
    -------
    float
        The AUC, a fraction in [0, 1], or NaN.

    Examples
    --------
    >>> auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = np.asarray(y_true).astype(bool)
    s = _to_float(score, "score")
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError(f"y_true and score must be 1-D of equal length, got {y.shape}, {s.shape}")
    n1 = int(y.sum())
    if n1 == 0 or n1 == y.size:
        return float("nan")
    if not np.isfinite(s).all():
        raise ValueError("score holds NaN or inf; drop those records or impute their scores")
    return float(roc_auc_score(y, s))


def macro_auc(Y, S) -> float:
    """Mean of the per-column AUCs of a multi-label problem (columns with one class skipped).

    Parameters
    ----------
    Y : array_like, shape (n_records, n_labels) or (n_records,)
        Binary labels, one column per label.
    S : array_like, same shape as ``Y``
        Scores, one column per label.

    Returns
    -------
    float
        The mean AUC (a fraction), NaN when no column has both classes.

    Examples
    --------
    >>> macro_auc([[0, 1], [1, 0], [1, 1]], [[0.2, 0.9], [0.8, 0.1], [0.7, 0.6]])
    1.0
    """
    Y = np.asarray(Y)
    S = _to_float(S, "S")
    if Y.shape != S.shape:
        raise ValueError(f"Y and S must have the same shape, got {Y.shape} and {S.shape}")
    if Y.ndim == 1:
        return auc_score(Y, S)
    vals = [auc_score(Y[:, j], S[:, j]) for j in range(Y.shape[1])]
    vals = [v for v in vals if np.isfinite(v)]
    return float(np.mean(vals)) if vals else float("nan")


def _cluster_index(groups, n: int):
    if groups is None:
        return np.arange(n), n
    g = np.asarray(groups)
    if g.shape != (n,):
        raise ValueError(f"groups must have one entry per record ({n}), got shape {g.shape}")
    _, inv = np.unique(g, return_inverse=True)
    return inv, (int(inv.max()) + 1 if n else 0)


def _no_records(level) -> BootstrapCI:
    """The answer for 0 records: every number NaN, ``n_boot`` 0 (the metric is not called)."""
    return BootstrapCI(float("nan"), float("nan"), float("nan"), level, 0)


def _check_boot(n_boot, level) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise ValueError(f"n_boot must be an int >= 0 (bootstrap resamples), got {n_boot!r}")
    if isinstance(level, bool) or not isinstance(level, int | float | np.floating):
        raise TypeError(f"level must be a number in (0, 1), got {type(level).__name__}")
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1) (coverage of the interval), got {level!r}")


def _boot_weights(inv, n_clusters, n_boot, rs) -> np.ndarray:
    """(n_boot, n_records) multiplicities of a cluster bootstrap (patients drawn with
    replacement; a drawn patient brings all its records)."""
    counts = rs.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=n_boot)
    return counts[:, inv].astype(float)


def weighted_auc(y_true, score, weights) -> np.ndarray:
    """AUC for each row of ``weights`` (n_boot, n): a weighted Mann-Whitney statistic.

    Equals :func:`~geoecg.evaluation.auc_score` on the data with record ``i`` repeated
    ``weights[b, i]`` times; NaN where one class has zero weight.

    Parameters
    ----------
    y_true : array_like of bool, shape (n,)
        Binary labels.
    score : array_like, shape (n,)
        Scores.
    weights : ndarray, shape (n_boot, n)
        Non-negative record weights (bootstrap counts), one row per resample.

    Returns
    -------
    ndarray, shape (n_boot,)
        The AUC of each row (fractions).
    """
    y = np.asarray(y_true).astype(bool)
    s = np.asarray(score, dtype=float)
    W = np.atleast_2d(np.asarray(weights, dtype=float))
    order = np.argsort(s, kind="stable")
    s, y, W = s[order], y[order], W[:, order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    grp = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1
    neg_w = np.add.reduceat(W * ~y, starts, axis=1)  # negative weight per tie group
    below = np.cumsum(neg_w, axis=1) - neg_w  # negatives strictly below each group
    credit = below + 0.5 * neg_w
    w_pos = W * y
    num = np.sum(w_pos * credit[:, grp], axis=1)
    p, q = w_pos.sum(axis=1), (W * ~y).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / (p * q)
    out[(p == 0) | (q == 0)] = np.nan
    return out


def _boot_metric(metric, y, S, W) -> np.ndarray:
    """Metric averaged over repeats, for each bootstrap weight row: (n_boot,)."""
    if metric is auc_score or metric is macro_auc:
        Y = y if y.ndim == 2 else y[:, None]
        vals = []
        for s in S:
            s2 = s if s.ndim == 2 else s[:, None]
            cols = [weighted_auc(Y[:, j], s2[:, j], W) for j in range(Y.shape[1])]
            with np.errstate(all="ignore"):
                vals.append(np.nanmean(np.stack(cols), axis=0) if len(cols) > 1 else cols[0])
        return np.mean(vals, axis=0)
    out = np.empty(W.shape[0])
    for b, w in enumerate(W):
        rows = np.repeat(np.arange(w.size), w.astype(int))
        out[b] = np.mean([metric(y[rows], s[rows]) for s in S])
    return out


def _metric_over_repeats(metric, y, S, rows):
    vals = [metric(y[rows], s[rows]) for s in S]
    return float(np.mean(vals))


def bootstrap_ci(
    y_true,
    scores,
    *,
    metric: Callable = auc_score,
    groups=None,
    n_boot: int = 2000,
    level: float = 0.95,
    random_state=None,
) -> BootstrapCI:
    """Percentile bootstrap CI of ``metric(y_true, scores)``, resampling patients.

    Parameters
    ----------
    y_true : array_like, shape (n_records,) or (n_records, n_labels)
    scores : array_like, shape (n_records, ...) or (n_repeats, n_records, ...)
        Out-of-fold scores; with several repeats the metric is averaged over them (the same
        bootstrap rows for every repeat).
    metric : callable, default :func:`~geoecg.evaluation.auc_score`
    groups : array_like, optional
        Patient per record; whole patients are resampled (cluster bootstrap).
    n_boot : int, default 2000
        Bootstrap resamples.
    level : float, default 0.95
        Coverage of the interval.
    random_state : int, RandomState or None
        Seed of the bootstrap.

    Returns
    -------
    BootstrapCI
        ``estimate`` (on all records), ``low``, ``high``, ``level`` and the number of finite
        resamples. For 0 records every number is NaN and ``n_boot`` is 0 (as
        :func:`~geoecg.evaluation.auc_score` is NaN where it is undefined); ``metric`` is
        not called.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat([0, 1], 50)
    >>> ci = bootstrap_ci(y, y + rng.normal(0, 1, 100), random_state=0)
    >>> ci.low < ci.estimate < ci.high
    True
    """
    _check_boot(n_boot, level)
    y = np.asarray(y_true)
    S = _as_repeats(scores, y)
    rs = check_random_state(random_state)
    inv, nc = _cluster_index(groups, y.shape[0])
    if nc == 0:
        return _no_records(level)
    est = _metric_over_repeats(metric, y, S, slice(None))
    vals = _boot_metric(metric, y, S, _boot_weights(inv, nc, n_boot, rs))
    return _ci(est, vals[np.isfinite(vals)], level)


def _as_repeats(scores, y):
    S = _to_float(scores, "scores")
    if S.shape == y.shape or (y.ndim == 1 and S.ndim == 1):
        S = S[None]
    if S.ndim < 2 or y.ndim == 0 or S.shape[1] != y.shape[0]:
        raise ValueError(
            f"scores must have {y.shape[0]} records on their first (or second, with "
            f"repeats) axis, got shape {np.shape(scores)}"
        )
    return S


def _ci(est, vals, level) -> BootstrapCI:
    if len(vals) == 0:
        return BootstrapCI(est, float("nan"), float("nan"), level, 0)
    a = (1 - level) / 2
    lo, hi = np.quantile(vals, [a, 1 - a])
    return BootstrapCI(float(est), float(lo), float(hi), level, len(vals))


def paired_bootstrap_diff(
    y_true,
    scores_a,
    scores_b,
    *,
    metric: Callable = auc_score,
    groups=None,
    n_boot: int = 2000,
    level: float = 0.95,
    random_state=None,
) -> BootstrapCI:
    """CI of ``metric(a) - metric(b)`` on the same records and bootstrap rows (paired).

    Parameters
    ----------
    y_true : array_like, shape (n_records,) or (n_records, n_labels)
        Labels.
    scores_a, scores_b : array_like, shape (n_records, ...) or (n_repeats, n_records, ...)
        Out-of-fold scores of the two methods on the same records.
    metric : callable, default :func:`~geoecg.evaluation.auc_score`
        ``metric(y_true, scores) -> float``.
    groups : array_like, optional
        Patient per record; whole patients are resampled (cluster bootstrap).
    n_boot : int, default 2000
        Bootstrap resamples.
    level : float, default 0.95
        Coverage of the interval.
    random_state : int, RandomState or None
        Seed of the bootstrap.

    Returns
    -------
    BootstrapCI
        The difference a - b on all records and its percentile interval; for 0 records
        every number is NaN and ``n_boot`` is 0 (``metric`` is not called).

    Examples
    --------
    >>> y = np.repeat([0, 1], 30)
    >>> a = y + np.random.default_rng(0).normal(0, 0.5, 60)
    >>> d = paired_bootstrap_diff(y, a, np.zeros(60) + np.arange(60) % 2, random_state=0)
    >>> d.estimate > 0
    True
    """
    _check_boot(n_boot, level)
    y = np.asarray(y_true)
    A = _as_repeats(scores_a, y)
    B = _as_repeats(scores_b, y)
    rs = check_random_state(random_state)
    inv, nc = _cluster_index(groups, y.shape[0])
    if nc == 0:
        return _no_records(level)
    est = _metric_over_repeats(metric, y, A, slice(None)) - _metric_over_repeats(
        metric, y, B, slice(None)
    )
    W = _boot_weights(inv, nc, n_boot, rs)
    vals = _boot_metric(metric, y, A, W) - _boot_metric(metric, y, B, W)
    return _ci(est, vals[np.isfinite(vals)], level)
