"""Polyphase resampling between sampling rates."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy import signal as sps

from .._validation import check_sample_indices
from ._validate import as_signal_array, check_fs, is_record_list

__all__ = ["resample", "resample_indices"]


def _ratio(fs_in: float, fs_out: float, max_denominator: int = 10_000) -> tuple[int, int]:
    frac = Fraction(fs_out / fs_in).limit_denominator(max_denominator)
    return frac.numerator, frac.denominator


def resample(x, fs_in: float, fs_out: float):
    """Resample along the last axis with a polyphase anti-aliasing filter.

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s), samples on the last axis.
    fs_in, fs_out : float
        Original and target sampling frequencies in Hz. Their ratio is approximated by a
        fraction with denominator <= 10000 (exact for all usual ECG rates).

    Returns
    -------
    ndarray or list of ndarray
        Resampled signal(s), ``ceil(n * up / down)`` samples, float64. NaN samples make the
        output NaN within the filter's reach of the gap.

    Examples
    --------
    >>> import numpy as np
    >>> resample(np.zeros((12, 5000)), 500, 100).shape
    (12, 1000)
    >>> resample(np.zeros(3600), 360, 250).shape
    (2500,)
    """
    fs_in, fs_out = check_fs(fs_in), check_fs(fs_out)
    if is_record_list(x):
        return [resample(xi, fs_in, fs_out) for xi in x]
    a = as_signal_array(x)
    if fs_in == fs_out:
        return a.copy()
    up, down = _ratio(fs_in, fs_out)
    if a.shape[-1] == 0:
        return np.zeros(a.shape[:-1] + (0,))
    nan = np.isnan(a)
    if nan.any():
        filled = np.where(nan, 0.0, a)
        y = sps.resample_poly(filled, up, down, axis=-1)
        # mark output samples whose neighbourhood held a gap
        gap = sps.resample_poly(nan.astype(float), up, down, axis=-1)
        y[np.abs(gap) > 1e-3] = np.nan
        return y
    return sps.resample_poly(a, up, down, axis=-1)


def resample_indices(indices, fs_in: float, fs_out: float) -> np.ndarray:
    """Map sample indices (e.g. R-peaks) from ``fs_in`` to ``fs_out`` (rounded, int64).

    Parameters
    ----------
    indices : array_like of int
        Non-negative sample indices at ``fs_in``, any shape and order (checked by
        :func:`geoecg._validation.check_sample_indices`: NaN, inf or text raise a
        ``SampleIndexError``, both a ``ValueError`` and a ``TypeError``).
    fs_in, fs_out : float
        Sampling frequencies in Hz of the indices and of the result.

    Returns
    -------
    ndarray of int64
        ``round(indices * fs_out / fs_in)``.

    Examples
    --------
    >>> resample_indices([360, 720, 1080], 360, 250)
    array([250, 500, 750])
    """
    fs_in, fs_out = check_fs(fs_in), check_fs(fs_out)
    idx = check_sample_indices(indices, "indices", any_shape=True)
    return np.round(idx * (fs_out / fs_in)).astype(np.int64)
