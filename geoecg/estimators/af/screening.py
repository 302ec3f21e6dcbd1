"""Screening long recordings for AF episodes, and synthetic RR / ECG with AF episodes.

:func:`screen_af` runs R-peak detection on one lead, a fitted window-level detector of
:mod:`geoecg.estimators.af` on the RR series, and merges AF beats into episodes.
:func:`synthetic_rr` and :func:`synthetic_af_ecg` make labelled data for fitting,
demos and timing (a 24-h Holter in seconds).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_random_state

from ..._validation import as_signal, check_fs

__all__ = ["AFScreening", "af_episodes", "screen_af", "synthetic_rr", "synthetic_af_ecg"]

MIN_MEAN_RR_MS = 100.0  # a mean RR below this is RR in seconds (or 600+ bpm): refused


@dataclass(frozen=True)
class AFScreening:
    """Result of :func:`screen_af`.

    Attributes
    ----------
    rpeaks : ndarray of int64
        R-peak samples.
    rr_ms : ndarray of float64
        RR intervals (ms), ``len(rpeaks) - 1``; interval ``i`` ends at beat ``i + 1``.
    p_af : ndarray of float64
        P(AF) per interval (NaN where the window had too few intervals).
    af : ndarray of bool
        AF decision per interval after merging into episodes of ``min_duration_s``.
    episodes : DataFrame
        ``start_s``, ``end_s``, ``duration_s``, ``n_beats`` of each AF episode.
    fs : float
    duration_s : float
    """

    rpeaks: np.ndarray
    rr_ms: np.ndarray
    p_af: np.ndarray
    af: np.ndarray
    episodes: pd.DataFrame
    fs: float
    duration_s: float

    @property
    def af_burden(self) -> float:
        """Fraction of the recording's time in AF episodes (0-1)."""
        if self.duration_s <= 0:
            return float("nan")
        return float(self.episodes["duration_s"].sum() / self.duration_s)


def af_episodes(
    beat_times_s, af, *, min_duration_s: float = 30.0, max_gap_s: float = 10.0
) -> tuple[pd.DataFrame, np.ndarray]:
    """Merge per-interval AF decisions into episodes.

    Parameters
    ----------
    beat_times_s : array_like, shape (n + 1,)
        Beat times in s; interval ``i`` spans ``beat_times_s[i]`` to ``beat_times_s[i+1]``.
    af : array_like of bool, shape (n,)
        AF decision per interval.
    min_duration_s : float, default 30
        Runs shorter than this are dropped (the usual 30-s definition of an AF episode).
    max_gap_s : float, default 10
        Non-AF gaps shorter than this between two AF runs are filled first.

    Returns
    -------
    episodes : DataFrame
        ``start_s``, ``end_s``, ``duration_s``, ``n_beats``.
    af_kept : ndarray of bool
        The per-interval decision after gap filling and with the short runs removed.

    Examples
    --------
    >>> t = np.arange(0, 101.0)
    >>> af = ((t[1:] > 20) & (t[1:] <= 70)) & ~((t[1:] > 40) & (t[1:] <= 45))
    >>> ep, kept = af_episodes(t, af)
    >>> ep[["start_s", "end_s", "n_beats"]].values.tolist()
    [[20.0, 70.0, 50.0]]
    """
    t = as_signal(beat_times_s, "beat_times_s", ndims=(1,))
    a = np.asarray(af)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"af must be an array of bool (AF per interval), got dtype {a.dtype}")
    a = a.astype(bool)
    if t.shape != (a.size + 1,):
        raise ValueError(f"beat_times_s must have len(af) + 1 = {a.size + 1} values, got {t.size}")
    if np.isnan(t).any() or (np.diff(t) < 0).any():
        raise ValueError("beat_times_s must be finite and non-decreasing (beat times in s)")
    for name, v in (("min_duration_s", min_duration_s), ("max_gap_s", max_gap_s)):
        if not np.isfinite(float(v)) or v < 0:
            raise ValueError(f"{name} must be a finite number of seconds >= 0, got {v}")

    def runs(mask):
        edges = np.diff(np.r_[0, mask.astype(np.int8), 0])
        return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)

    s, e = runs(a)
    for k in range(len(s) - 1):  # fill short gaps between AF runs
        if t[s[k + 1]] - t[e[k]] < max_gap_s:
            a[e[k] : s[k + 1]] = True
    kept = np.zeros_like(a)
    rows = []
    for s0, e0 in zip(*runs(a), strict=True):
        t0, t1 = t[s0], t[e0]
        if t1 - t0 >= min_duration_s:
            kept[s0:e0] = True
            rows.append((t0, t1, t1 - t0, e0 - s0))
    ep = pd.DataFrame(rows, columns=["start_s", "end_s", "duration_s", "n_beats"]).astype(float)
    return ep, kept


def screen_af(
    signal,
    fs: float,
    detector,
    *,
    lead: int = 0,
    min_duration_s: float = 30.0,
    max_gap_s: float = 10.0,
):
    """Screen a long recording for AF episodes.

    Parameters
    ----------
    signal : array_like, shape (n_leads, n_samples) or (n_samples,)
        ECG in mV.
    fs : float
        Sampling frequency in Hz.
    detector : fitted window-level detector from :mod:`geoecg.estimators.af`
        Anything with ``predict_proba_series(rr_ms)``. A fitted
        :class:`geoecg.estimators.af.ectopy.EctopyFilteredDetector` is given the ectopic
        flags of the detected beats (:func:`geoecg.features.ectopy.ectopic_beats` on the
        same lead), so ventricular ectopy is taken out before the AF decision.
    lead : int, default 0
        Lead used for R-peak detection.
    min_duration_s : float, default 30
        Shortest AF episode kept, s.
    max_gap_s : float, default 10
        Shorter non-AF gaps between AF runs are filled (see :func:`af_episodes`).

    Returns
    -------
    AFScreening

    Examples
    --------
    >>> from geoecg.estimators.af import COSEnDetector
    >>> rr, y = synthetic_rr(3000, af_fraction=0.5, random_state=0)
    >>> det = COSEnDetector().fit_series(rr, y)
    >>> x, fs, truth = synthetic_af_ecg(600, fs=200, af_intervals=[(200, 400)], random_state=1)
    >>> res = screen_af(x, fs, det)
    >>> len(res.episodes), bool(abs(res.episodes["start_s"].iloc[0] - 200) < 15)
    (1, True)
    """
    from ...features import detect_rpeaks
    from ...features.ectopy import ectopic_beats
    from .ectopy import EctopyFilteredDetector

    x = np.asarray(signal, dtype=np.float64)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2:
        raise ValueError(f"signal must be (n_leads, n_samples) in mV, got shape {x.shape}")
    if not 0 <= lead < x.shape[0]:
        raise ValueError(f"lead must be in [0, {x.shape[0]}), got {lead}")
    if not hasattr(detector, "predict_proba_series"):
        raise TypeError("detector must be a fitted AF detector with predict_proba_series")
    peaks = detect_rpeaks(x[lead], fs, track=False).indices  # no rhythm prior for AF
    rr = np.diff(peaks) * (1000.0 / fs)
    if not rr.size:
        p = np.empty(0)
    elif isinstance(detector, EctopyFilteredDetector):
        p = detector.predict_proba_series(rr, ectopic_beats(x[lead], fs, peaks))
    else:
        p = detector.predict_proba_series(rr)
    if peaks.size < 2:  # flat or beat-free lead: nothing to screen
        peaks = peaks[:0]
        rr, p = np.empty(0), np.empty(0)
    ep, kept = af_episodes(
        np.zeros(1) if peaks.size == 0 else peaks / fs,
        np.nan_to_num(p, nan=0.0) >= 0.5,
        min_duration_s=min_duration_s,
        max_gap_s=max_gap_s,
    )
    return AFScreening(
        rpeaks=peaks,
        rr_ms=rr,
        p_af=p,
        af=kept,
        episodes=ep,
        fs=float(fs),
        duration_s=x.shape[1] / float(fs),
    )


def synthetic_rr(
    n: int,
    *,
    af_fraction: float = 0.3,
    mean_rr_ms: float = 800.0,
    ectopic_rate: float = 0.02,
    episode_beats: int = 300,
    random_state=None,
):
    """A labelled RR series alternating sinus rhythm and AF episodes.

    Sinus: ``mean_rr_ms`` with slow (0.01 Hz) and respiratory (0.25 Hz) modulation plus
    2 % noise, and premature beats (70 % of the RR, then a compensatory pause) at
    ``ectopic_rate``. AF: independent intervals with mean 0.85 ``mean_rr_ms`` and a
    coefficient of variation of 0.2 (gamma). Episodes of ``episode_beats`` beats, each AF
    with probability ``af_fraction``.

    Returns
    -------
    rr_ms : ndarray, shape (n,)
    y : ndarray of bool, shape (n,)
        True in AF.
    """
    rng = check_random_state(random_state)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be a whole number of intervals, got {type(n).__name__}")
    if n < 1 or not 0 <= af_fraction <= 1:
        raise ValueError("n must be >= 1 and af_fraction in [0, 1]")
    if not np.isfinite(mean_rr_ms) or mean_rr_ms < MIN_MEAN_RR_MS:
        raise ValueError(f"mean_rr_ms must be an RR interval in ms (>= 100), got {mean_rr_ms}")
    y = np.zeros(n, dtype=bool)
    for s in range(0, n, episode_beats):
        y[s : s + episode_beats] = rng.uniform() < af_fraction
    i = np.arange(n)
    t = np.cumsum(np.full(n, mean_rr_ms)) / 1000.0
    sinus = mean_rr_ms * (
        1
        + 0.05 * np.sin(2 * np.pi * 0.01 * t)
        + 0.03 * np.sin(2 * np.pi * 0.25 * t)
        + 0.02 * rng.standard_normal(n)
    )
    ect = (rng.uniform(size=n) < ectopic_rate) & (i < n - 1)
    sinus[ect] *= 0.7
    sinus[np.flatnonzero(ect) + 1] *= 1.3
    k = 25.0  # gamma shape -> CV 0.2
    af = rng.gamma(k, 0.85 * mean_rr_ms / k, size=n)
    return np.where(y, af, sinus), y


def synthetic_af_ecg(
    duration_s: float,
    *,
    fs: float = 200.0,
    n_leads: int = 2,
    af_intervals=(),
    mean_rr_ms: float = 800.0,
    noise_mv: float = 0.02,
    random_state=None,
):
    """A synthetic multi-lead ECG (mV) with AF during ``af_intervals`` [(start_s, end_s)].

    Beats are Gaussian P, QRS and T waves placed at the beat times by FFT convolution;
    in AF the P wave is dropped, 6-Hz fibrillatory waves (0.05 mV) are added and the RR
    intervals are drawn as in :func:`synthetic_rr`.

    Returns
    -------
    signal : ndarray, shape (n_leads, n_samples)
    fs : float
    truth : DataFrame
        ``beat_s`` (beat times, s) and ``af`` (bool) per beat.
    """
    from scipy.signal import oaconvolve

    rng = check_random_state(random_state)
    fs = check_fs(fs)
    if not np.isfinite(duration_s) or duration_s <= 0:
        raise ValueError(f"duration_s must be a positive number of seconds, got {duration_s}")
    if isinstance(n_leads, bool) or not isinstance(n_leads, numbers.Integral) or n_leads < 1:
        raise ValueError(f"n_leads must be a whole number >= 1, got {n_leads!r}")
    n = int(round(duration_s * fs))
    n_beats = int(duration_s * 1000.0 / (0.7 * mean_rr_ms)) + 10
    rr, _ = synthetic_rr(n_beats, af_fraction=0.0, mean_rr_ms=mean_rr_ms, random_state=rng)
    af_rr = rng.gamma(25.0, 0.85 * mean_rr_ms / 25.0, size=n_beats)
    ivs = np.asarray(list(af_intervals), dtype=np.float64).reshape(-1, 2)
    beats = np.empty(n_beats)
    in_af = np.zeros(n_beats, dtype=bool)
    now = 0.0
    for i in range(n_beats):  # walk in time so that the rhythm follows the clock
        in_af[i] = bool(np.any((now >= ivs[:, 0]) & (now < ivs[:, 1])))
        now += (af_rr[i] if in_af[i] else rr[i]) / 1000.0
        beats[i] = now
    keep = beats < (n - 1) / fs - 0.5
    beats, in_af = beats[keep], in_af[keep]
    idx = np.round(beats * fs).astype(np.int64)
    tt = np.arange(-int(0.3 * fs), int(0.5 * fs)) / fs

    def g(mu, sd, amp):
        return amp * np.exp(-0.5 * ((tt - mu) / sd) ** 2)

    qrst = g(0.0, 0.012, 1.2) + g(-0.025, 0.01, -0.15) + g(0.03, 0.012, -0.25) + g(0.28, 0.05, 0.3)
    pwave = g(-0.17, 0.025, 0.15)
    imp = np.zeros(n)
    imp_p = np.zeros(n)
    imp[idx] = 1.0
    imp_p[idx[~in_af]] = 1.0
    off = int(0.3 * fs)
    base = oaconvolve(imp, qrst)[off : off + n] + oaconvolve(imp_p, pwave)[off : off + n]
    t = np.arange(n) / fs
    fwave = np.zeros(n)
    for a, b in af_intervals:
        m = (t >= a) & (t < b)
        fwave[m] = 0.05 * np.sin(2 * np.pi * 6.0 * t[m] + 2 * np.pi * 0.3 * np.sin(0.5 * t[m]))
    gains = np.linspace(1.0, 0.6, n_leads)
    sig = np.empty((n_leads, n))
    for k in range(n_leads):
        wander = 0.1 * np.sin(2 * np.pi * 0.2 * t + k)
        sig[k] = gains[k] * (base + fwave) + wander + noise_mv * rng.standard_normal(n)
    truth = pd.DataFrame({"beat_s": idx / fs, "af": in_af})
    return sig, float(fs), truth
