"""Beat-synchronous averaging of multi-lead records (the input of beat-averaged covariances).

Averaging the beats of a record aligned on their R-peaks keeps the spatial structure of the
P-QRS-T complex (what a vectorcardiogram loop shows) and removes noise, heart-rate changes
and the baseline between beats; its lead covariance is then a description of the average
beat rather than of the whole strip.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["BeatAverages", "beat_averages"]


@dataclass(frozen=True)
class BeatAverages:
    """Beat-averaged signals of a batch of records.

    Attributes
    ----------
    signals : ndarray, shape (n_records, n_leads, n_window)
        Average beat of every record, same units as the input (NaN rows: see ``reason``).
    n_beats : ndarray of int, shape (n_records,)
        Beats averaged (R-peaks whose whole window lies inside the record).
    r_index : int
        Index of the R-peak inside the window (``round(pre_s * fs)``).
    reason : ndarray of str, shape (n_records,)
        ``""`` or why the record has no average beat.
    """

    signals: np.ndarray
    n_beats: np.ndarray
    r_index: int
    reason: np.ndarray


def beat_averages(
    X, fs, *, window_s=(0.25, 0.45), statistic="median", rpeaks=None, min_beats=1
) -> BeatAverages:
    """Average the beats of every record, aligned on R-peaks.

    Parameters
    ----------
    X : array_like, shape (n_records, n_leads, n_samples) or (n_leads, n_samples)
        Signals (mV), usually band-passed first. NaN samples are ignored per sample
        (``nanmedian``/``nanmean`` over beats).
    fs : float
        Sampling frequency, Hz.
    window_s : (float, float), default (0.25, 0.45)
        Seconds before and after the R-peak: the default spans P wave to T-wave end at
        resting heart rates.
    statistic : {"median", "mean"}, default "median"
        Sample-wise statistic over beats; the median ignores ectopic beats and artefacts
        while they are a minority.
    rpeaks : sequence of array_like of int, optional
        R-peak sample indices per record (each strictly increasing, inside the record,
        else a ValueError naming ``rpeaks[k]``); by default
        :func:`geoecg.features.detect_rpeaks` on all leads of the record.
    min_beats : int, default 1
        Records with fewer complete beats get NaN signals with a reason.

    Returns
    -------
    BeatAverages

    Examples
    --------
    >>> import numpy as np
    >>> fs = 100.0
    >>> x = np.zeros((2, 1000))
    >>> for r in range(50, 1000, 80):  # a spike train at 75 bpm on two leads
    ...     x[:, r] = [1.0, -0.5]
    >>> res = beat_averages(x, fs, rpeaks=[np.arange(50, 1000, 80)])
    >>> res.signals.shape, int(res.n_beats[0]), res.r_index
    ((1, 2, 70), 12, 25)
    >>> res.signals[0, :, res.r_index].tolist()
    [1.0, -0.5]
    """
    from .._validation import as_signal, check_fs, check_rpeaks

    X, fs = as_signal(X, "X", ndims=(2, 3)), check_fs(fs)
    if X.ndim == 2:
        X = X[None]
    if isinstance(min_beats, bool) or not isinstance(min_beats, int | np.integer):
        raise TypeError(f"min_beats must be an integer (beats), got {type(min_beats).__name__}")
    try:
        pre_s, post_s = (float(v) for v in window_s)
    except (TypeError, ValueError):
        raise ValueError(
            f"window_s must be (pre, post) seconds around the R-peak, got {window_s!r}"
        ) from None
    if not (pre_s >= 0 and post_s > 0):
        raise ValueError(f"window_s must be (pre >= 0, post > 0) seconds, got {window_s!r}")
    if statistic not in ("median", "mean"):
        raise ValueError(f"statistic must be 'median' or 'mean', got {statistic!r}")
    if rpeaks is not None and len(rpeaks) != X.shape[0]:
        raise ValueError(f"rpeaks has {len(rpeaks)} entries for {X.shape[0]} records")
    pre, post = int(round(pre_s * fs)), int(round(post_s * fs))
    n, c, t = X.shape
    out = np.full((n, c, pre + post), np.nan)
    n_beats = np.zeros(n, dtype=np.int64)
    reason = np.full(n, "", dtype=object)
    agg = np.nanmedian if statistic == "median" else np.nanmean
    for k in range(n):
        if rpeaks is None:
            from ..features import detect_rpeaks

            r = detect_rpeaks(X[k], fs).indices
        else:
            r = check_rpeaks(rpeaks[k], t, f"rpeaks[{k}]")
        r = r[(r >= pre) & (r + post <= t)]
        n_beats[k] = r.size
        if r.size < max(min_beats, 1):
            reason[k] = f"{r.size} complete beat(s), need {max(min_beats, 1)}"
            continue
        seg = X[k][:, r[:, None] + np.arange(-pre, post)[None, :]]  # (c, beats, window)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN sample: stays NaN
            out[k] = agg(seg, axis=1)
    return BeatAverages(out, n_beats, pre, reason.astype(str))
