"""RR irregularity on stretches of a stable dominant beat (issue 18, session-9 attempt).

A block of 6 record features, opt-in (``af_feature_matrix(stable_nn=True)``): the RR
irregularity of a record measured only inside runs of consecutive beats that all have the
record's own dominant QRS (correlation with the median beat >= 0.9 and peak-to-peak within
0.6-1.6 of the median, +-100 ms of each R-peak, 0.5-40 Hz: the rule of the rhythm-profile
M group). Ectopic beats break a run instead of being joined over, so a premature beat and
its compensatory pause never enter a window. AF keeps its (normal) QRS and stays irregular
inside every run; sinus rhythm with PVCs is regular between them. Windows are the 12
intervals of 13 consecutive dominant beats, step 3 beats (COSEn needs 12 intervals here;
with the rhythm profile's 16, 39 % of the 1,200 shared CinC records had no window, with 12
27 % of every sixth record: a label-free choice made before any score); per window COSEn
(Lake & Moorman 2011, :func:`~geoecg.features.af.af_window_stats`) and the normalised
RMSSD (RMSSD / mean RR).

Columns (:data:`STABLE_NN_NAMES`): ``SNN_cover`` (share of the record's RR intervals inside
runs long enough for a window), the median and 90th percentile of window COSEn, the share
of windows with COSEn > -1.4, the median window nRMSSD and the share of windows with
nRMSSD > 0.10. No window (short record, ectopy everywhere, flat lead): ``SNN_cover`` is 0
(or NaN without 6 beats) and the rest NaN. The thresholds -1.4 and 0.10 and the dominant-beat
rule are those of the rhythm profile; nothing here was tuned on labels.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["STABLE_NN_NAMES", "stable_nn_features"]

#: Version of the block's definitions (part of the cache key).
STABLE_NN_VERSION = 2

#: Column names of :func:`stable_nn_features`.
STABLE_NN_NAMES: tuple[str, ...] = (
    "SNN_cover",
    "SNN_COSEn_p50",
    "SNN_COSEn_p90",
    "SNN_COSEn_frac>-1.4",
    "SNN_nRMSSD_p50",
    "SNN_nRMSSD_frac>0.1",
)

_W, _STEP = 12, 3


def _dominant(y: np.ndarray, r: np.ndarray, fs: float) -> np.ndarray:
    """Per R-peak: True where the beat has the record's dominant QRS (M-group rule)."""
    from .record import _corr_rows
    from .rhythm_profile import _beats

    q = int(round(0.1 * fs))
    rk, B = _beats(y, r, q, q)
    dom = np.zeros(r.size, dtype=bool)
    if rk.size < 4:
        return dom
    c = _corr_rows(B, np.median(B, axis=0))
    amp = np.ptp(B, axis=1)
    ramp = np.median(amp)
    dom[np.searchsorted(r, rk)] = (c > 0.9) & (amp > 0.6 * ramp) & (amp < 1.6 * ramp)
    return dom


def _stable_windows(rr: np.ndarray, dom: np.ndarray) -> tuple[np.ndarray, int]:
    """Windows of ``_W`` intervals inside runs of dominant beats, and the intervals covered."""
    ok = dom[:-1] & dom[1:]  # interval i joins beats i and i+1, both dominant
    wins, covered = [], 0
    edges = np.flatnonzero(np.diff(np.r_[0, ok.astype(np.int8), 0]))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a >= _W:
            covered += b - a
            wins += [rr[i : i + _W] for i in range(a, b - _W + 1, _STEP)]
    return (np.stack(wins) if wins else np.empty((0, _W))), covered


def stable_nn_features(signal, fs: float, rpeaks=None) -> np.ndarray:
    """The 6 stable-dominant-beat irregularity features of one single-lead record.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV (non-finite samples are set to 0).
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int, optional
        R-peak sample indices; by default :func:`geoecg.features.detect_rpeaks` with
        ``track=False`` (as the rhythm profile).

    Returns
    -------
    ndarray, shape (6,)
        In the order of :data:`STABLE_NN_NAMES`; NaN where undefined.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> rr = rng.uniform(500, 1000, 60)                      # irregular, ms
    >>> r = (np.r_[0, np.cumsum(rr)] * 0.3).astype(int) + 150  # 300 Hz
    >>> x = np.zeros(r[-1] + 300)
    >>> for k in r:
    ...     x[k - 6 : k + 7] += np.hanning(13)                  # one QRS shape
    >>> f = stable_nn_features(x, 300.0, rpeaks=r)
    >>> float(f[0]), bool(f[3] > 0.5)
    (1.0, True)
    """
    from ...signal import bandpass
    from ..hrv import _check_fs
    from ..rpeaks import detect_rpeaks
    from .windows import AF_STAT_NAMES, af_window_stats

    fs = _check_fs(fs)
    x = np.asarray(signal, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"signal must be 1-D (one lead, mV), got shape {x.shape}")
    x = np.where(np.isfinite(x), x, 0.0)
    out = np.full(len(STABLE_NN_NAMES), np.nan)
    flat = x.size < 2 * fs or np.ptp(x) == 0
    if rpeaks is None:
        rpeaks = np.empty(0, np.int64) if flat else detect_rpeaks(x, fs, track=False).indices
    r = np.unique(np.asarray(rpeaks, dtype=np.int64))
    r = r[(r >= 0) & (r < x.size)]
    if flat or r.size < 6:
        return out
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs), order=2)
        rr = np.diff(r) * 1000.0 / fs
        W, covered = _stable_windows(rr, _dominant(y, r, fs))
        out[0] = covered / rr.size
        if W.shape[0] == 0:
            return out
        c = af_window_stats(W, min_intervals=12)[:, AF_STAT_NAMES.index("COSEn")]
        c = c[np.isfinite(c)]
        if c.size:
            out[1:4] = [np.median(c), np.percentile(c, 90), np.mean(c > -1.4)]
        nr = np.sqrt(np.mean(np.diff(W, axis=1) ** 2, axis=1)) / W.mean(axis=1)
        out[4:6] = [np.median(nr), np.mean(nr > 0.10)]
    return out


def _stable_nn_batch(signals, fs: float, *, keys=None, cache_dir=None, progress=False):
    """:func:`stable_nn_features` of many records, cached per record (shape (n, 6))."""
    from ._cache import cached_rows
    from .record import FEATURE_VERSION

    def one(x, fs):
        return stable_nn_features(np.ravel(np.asarray(x, dtype=np.float64)), fs)

    return cached_rows(
        one,
        signals,
        fs,
        len(STABLE_NN_NAMES),
        prefix=f"{FEATURE_VERSION}|stable_nn|v{STABLE_NN_VERSION}",
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
        desc="stable NN",
    )
