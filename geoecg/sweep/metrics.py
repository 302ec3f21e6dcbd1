"""Probabilistic classification metrics and transfer gaps."""

from __future__ import annotations

import numpy as np

from .._validation import _to_float
from ..evaluation.small_cohort import auc_score

__all__ = ["expected_calibration_error", "binary_metrics", "transfer_gaps"]

_EPS = 1e-15
_METRIC_KEYS = ("auroc", "log_loss", "brier", "ece")


def _check_yp(y, p) -> tuple[np.ndarray, np.ndarray]:
    """(y, p) as flat float arrays: labels in {0, 1}, probabilities in [0, 1], one per label."""
    y, p = _to_float(y, "y").ravel(), _to_float(p, "p").ravel()
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same length, got {y.size} and {p.size}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold binary labels 0/1 (False/True)")
    if not (np.isfinite(p).all() and (p >= -1e-9).all() and (p <= 1 + 1e-9).all()):
        raise ValueError("p must hold predicted probabilities in [0, 1] (no NaN/inf)")
    return y, np.clip(p, 0.0, 1.0)


def expected_calibration_error(y, p, n_bins: int = 15) -> float:
    """Expected calibration error with equal-width bins (L1, weighted by bin size).

    Parameters
    ----------
    y : array-like of {0, 1}
    p : array-like of float in [0, 1]
        Predicted P(Y = 1).
    n_bins : int, default=15

    Returns
    -------
    float
        ``sum_b (n_b / n) |mean(y in b) - mean(p in b)|``; NaN for empty input.

    Notes
    -----
    This is the binary "positive-class" ECE; some tools (e.g. the multiclass ECE of Guo
    et al. 2017) bin the top-label confidence instead, which gives different numbers. Bins
    are ``[0, 1/B), ..., [(B-1)/B, 1]`` (the last bin is closed).

    Examples
    --------
    >>> expected_calibration_error([0, 1, 1, 0], [0.0, 1.0, 1.0, 0.0])
    0.0
    >>> round(expected_calibration_error([0, 0, 1, 1], [0.5, 0.5, 0.5, 0.5]), 3)
    0.0
    >>> round(expected_calibration_error([1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5]), 3)
    0.5
    """
    y, p = _check_yp(y, p)
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer):
        raise TypeError(f"n_bins must be an int >= 1, got {type(n_bins).__name__}")
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    if y.size == 0:
        return float("nan")
    b = np.minimum((p * n_bins).astype(np.int64), n_bins - 1)
    sy = np.bincount(b, weights=y, minlength=n_bins)
    sp = np.bincount(b, weights=p, minlength=n_bins)
    return float(np.abs(sy - sp).sum() / y.size)


def binary_metrics(y, p) -> dict:
    """AUROC, log-loss (nats), Brier score and ECE of predicted probabilities ``p``.

    AUROC is NaN when ``y`` holds one class only (documented degenerate case).

    Parameters
    ----------
    y : array_like of {0, 1}
        Labels.
    p : array_like
        Predicted P(y = 1), clipped away from 0 and 1.

    Returns
    -------
    dict
        ``auroc`` (fraction), ``log_loss`` (nats), ``brier`` and ``ece``.

    Examples
    --------
    >>> m = binary_metrics([0, 1, 0, 1], [0.2, 0.8, 0.3, 0.6])
    >>> m["auroc"], round(m["brier"], 4)
    (1.0, 0.0825)
    """
    y, p = _check_yp(y, p)
    p = np.clip(p, _EPS, 1 - _EPS)
    ll = float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p))) if y.size else float("nan")
    return {
        "auroc": auc_score(y == 1, p),
        "log_loss": ll,
        "brier": float(np.mean((p - y) ** 2)) if y.size else float("nan"),
        "ece": expected_calibration_error(y, p),
    }


def transfer_gaps(shifted: dict, reference: dict) -> dict:
    """Transfer gaps: metric of the shifted model minus that of the test-environment model.

    Both dicts come from :func:`binary_metrics` on the same test-environment sample:
    ``shifted`` for the model fitted in the training environment(s), ``reference`` for the
    same model class fitted on a fresh test-environment sample. A positive
    ``log_loss_gap`` (nats) and a negative ``auroc_gap`` mean the transfer cost something.

    Parameters
    ----------
    shifted, reference : dict
        Output of :func:`binary_metrics` for the transferred and the reference model.

    Returns
    -------
    dict
        ``auroc_gap``, ``log_loss_gap``, ``brier_gap`` and ``ece_gap``.

    Examples
    --------
    >>> transfer_gaps({"auroc": 0.8, "log_loss": 0.5, "brier": 0.2, "ece": 0.05},
    ...               {"auroc": 0.82, "log_loss": 0.45, "brier": 0.18, "ece": 0.01})["log_loss_gap"]
    0.05...
    """
    for name, d in (("shifted", shifted), ("reference", reference)):
        if not isinstance(d, dict):
            raise TypeError(f"{name} must be a dict from binary_metrics, got {type(d).__name__}")
        missing = [k for k in _METRIC_KEYS if k not in d]
        if missing:
            raise ValueError(f"{name} lacks {missing}; pass the dict binary_metrics returns")
    return {f"{k}_gap": shifted[k] - reference[k] for k in _METRIC_KEYS}


def __getattr__(name):
    if name == "auroc":
        import warnings

        warnings.warn(
            "geoecg.sweep.auroc is deprecated; use geoecg.evaluation.auc_score (scikit-learn's "
            "roc_auc_score, NaN for one class); removed in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return auc_score
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
