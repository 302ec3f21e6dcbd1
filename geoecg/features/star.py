"""STAR: beat-wise time-and-amplitude rescaling that keeps the P-QRS-T order (Nemati 2025).

Use it to enlarge a *training* fold only: augmented copies of a test record (or of a
record of a test patient) must never reach a classifier's training set.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.utils import check_random_state

from .._kernels import beats as _k
from .._validation import check_count, check_number
from .beats import as_record_signal, as_rpeaks

__all__ = ["STARResult", "star_augment", "star_coefficients"]


@dataclass(frozen=True)
class STARResult:
    """Output of :func:`star_augment`.

    Attributes
    ----------
    signal : ndarray, shape (n_leads, n_samples)
        Augmented signal, same shape as the input.
    rpeaks : ndarray of int64
        R-peak positions in the augmented signal (the input peaks moved with the segments;
        a peak pushed past the end is dropped).
    coefficients : ndarray, shape (K,)
        Scale factor ``c_k`` of each R-R segment (mean 1).
    raw_coefficients : ndarray, shape (K,)
        The factors before renormalisation to mean 1 (within ``[a_low, a_high]``).
    lengths : ndarray of int64, shape (K,)
        Length ``round(L_bar * c_k)`` of each output segment, samples.
    mean_length : float
        ``L_bar``, the mean R-R segment length of the input, samples.
    """

    signal: np.ndarray
    rpeaks: np.ndarray
    coefficients: np.ndarray
    raw_coefficients: np.ndarray
    lengths: np.ndarray
    mean_length: float


def _check_bounds(a_low, a_high):
    for name, v in (("a_low", a_low), ("a_high", a_high)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be a positive finite number, got {v!r}")
    if not a_low < a_high:
        raise ValueError(f"need a_low < a_high, got a_low={a_low}, a_high={a_high}")


def star_coefficients(n_segments: int, a_low: float = 0.8, a_high: float = 1.3, phase: float = 5.0):
    """STAR scale factors of ``n_segments`` R-R segments.

    ``x_k = phase + 2k/K`` (k = 1..K), ``y_k = sin(x_k)``,
    ``c_k = a_low + (a_high - a_low) (y_k - min y) / (max y - min y)``, then ``c / mean(c)``.

    Parameters
    ----------
    n_segments : int
        Number K of R-R segments (a whole number >= 0; ``1.5`` or ``"5"`` is an error).
    a_low, a_high : float, default 0.8, 1.3
        Smallest and largest scale factor before renormalisation (dimensionless).
    phase : float, default 5.0
        Phase of the sine, radians (finite).

    Returns
    -------
    raw, c : ndarray
        The factors before (within ``[a_low, a_high]``) and after renormalisation to mean
        1. With one segment (or a constant ``y``) both are 1.

    Examples
    --------
    >>> raw, c = star_coefficients(4)
    >>> raw.round(3).tolist(), round(float(c.mean()), 12)
    ([0.8, 0.956, 1.138, 1.3], 1.0)
    """
    _check_bounds(a_low, a_high)
    K = check_count(n_segments, "n_segments")
    phase = check_number(phase, "phase", unit="radians")
    k = np.arange(1, K + 1, dtype=np.float64)
    y = np.sin(phase + 2.0 * k / max(K, 1))
    span = y.max() - y.min() if K else 0.0
    if K < 2 or not span > 0:
        return np.ones(K), np.ones(K)
    raw = a_low + (a_high - a_low) * (y - y.min()) / span
    return raw, raw / raw.mean()


def star_augment(
    signal,
    rpeaks,
    *,
    a_low: float = 0.8,
    a_high: float = 1.3,
    variant: str = "fixed",
    random_state=None,
) -> STARResult:
    """STAR-augment one record: stretch and scale each R-R segment by a smooth factor.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        One record, mV, preferably baseline-free (the amplitude scaling multiplies the
        signal itself, so a DC offset would be scaled too).
    rpeaks : array_like of int or RPeakResult
        R-peak sample indices (strictly increasing); the same peaks serve every lead.
    a_low, a_high : float, default 0.8, 1.3
        Range of the factors before renormalisation.
    variant : {"fixed", "random"}, default "fixed"
        ``"fixed"`` is the published ramp ``x_k = 5 + 2k/K``; ``"random"`` (a geoecg
        extension) draws the phase uniformly in ``[0, 2 pi)``, ``x_k = phase + 2k/K``, so
        that repeated augmentations of one record differ.
    random_state : int, RandomState or None
        Seed of the random phase (``variant="random"`` only).

    Returns
    -------
    STARResult

    Notes
    -----
    With K+1 R-peaks ``r_0 < ... < r_K`` there are K segments ``[r_k, r_{k+1})`` of mean
    length ``L_bar``. Following Nemati (2025), each segment is first resampled to
    ``round(L_bar)`` samples, then to ``round(L_bar c_k)`` samples and multiplied by
    ``c_k``; the head before ``r_0`` is kept as is, and the tail from ``r_K`` is kept
    (unscaled) and linearly resampled, end points kept, to the length that keeps the
    total unchanged (it is untouched when the segment lengths add up exactly). Resampling is linear
    interpolation at positions ``j L / m`` with the next segment's first sample as the
    right end, so every R-peak lands exactly on a sample. If the rescaled segments
    overrun the record (possible only with a tail shorter than the rounding excess) they
    are cut at the end. Fewer than 2 R-peaks: the signal is returned unchanged.

    Examples
    --------
    >>> x = np.sin(np.linspace(0, 60, 3000))
    >>> out = star_augment(x, np.arange(100, 2900, 250))
    >>> out.signal.shape, bool(np.array_equal(out.signal[0, :100], x[:100]))
    ((1, 3000), True)
    """
    x = as_record_signal(signal)
    n_leads, n = x.shape
    r = as_rpeaks(rpeaks, n)
    _check_bounds(a_low, a_high)
    if variant == "fixed":
        phase = 5.0
    elif variant == "random":
        phase = float(check_random_state(random_state).uniform(0.0, 2.0 * np.pi))
    else:
        raise ValueError(f"variant must be 'fixed' or 'random', got {variant!r}")
    K = max(r.size - 1, 0)
    if K == 0:
        return STARResult(x.copy(), r.copy(), np.ones(0), np.ones(0), np.zeros(0, np.int64), np.nan)
    raw, c = star_coefficients(K, a_low, a_high, phase)
    lbar = float(np.mean(np.diff(r)))
    l0 = max(int(round(lbar)), 1)
    lengths = np.maximum(np.round(lbar * c).astype(np.int64), 1)
    parts = [x[:, : r[0]]]
    for k in range(K):
        seg = np.ascontiguousarray(x[:, r[k] : r[k + 1] + 1])
        s1 = _k.resample_linear(seg, l0)
        s1 = np.ascontiguousarray(np.concatenate([s1, x[:, r[k + 1], None]], axis=1))
        parts.append(_k.resample_linear(s1, int(lengths[k])) * c[k])
    body = np.concatenate(parts, axis=1)
    room = n - body.shape[1]
    tail = x[:, r[-1] :]
    if room >= 1:
        if room == tail.shape[1]:
            tail_out = tail
        else:
            # end points kept: the last R-peak and the record's last sample
            t = np.linspace(0.0, tail.shape[1] - 1.0, room)
            src = np.arange(tail.shape[1], dtype=np.float64)
            tail_out = np.stack([np.interp(t, src, lead) for lead in tail])
        out = np.concatenate([body, tail_out], axis=1)
    else:
        out = body[:, :n]
    new_peaks = r[0] + np.concatenate([[0], np.cumsum(lengths)])
    new_peaks = new_peaks[new_peaks < n].astype(np.int64)
    return STARResult(np.ascontiguousarray(out), new_peaks, c, raw, lengths, lbar)
