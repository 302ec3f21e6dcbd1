"""Input checks shared by the signal functions."""

from __future__ import annotations

import numbers

import numpy as np


def check_fs(fs) -> float:
    """Return ``fs`` as a positive finite float or raise a clear error."""
    if isinstance(fs, bool) or not isinstance(fs, numbers.Real):
        raise TypeError(f"fs must be a number in Hz, got {type(fs).__name__}")
    fs = float(fs)
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"fs must be positive and finite (Hz), got {fs}")
    return fs


def as_signal_array(x, name: str = "signal") -> np.ndarray:
    """Return ``x`` as a float64 array (1-D, 2-D or 3-D, samples on the last axis)."""
    if isinstance(x, list | tuple) and len(x) and isinstance(x[0], np.ndarray) and (
        len({np.shape(a) for a in x}) > 1
    ):
        raise TypeError(
            f"{name} is a list of arrays of different shapes; pass one array at a time or use "
            "the list-aware helpers"
        )
    try:
        a = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}") from exc
    if a.ndim not in (1, 2, 3):
        raise ValueError(
            f"{name} must have shape (n_samples,), (n_leads, n_samples) or "
            f"(n_records, n_leads, n_samples); got shape {a.shape}"
        )
    if np.isinf(a).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing samples")
    return a
