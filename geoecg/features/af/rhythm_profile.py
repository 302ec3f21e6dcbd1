"""Rhythm-profile record features for AF classification (opt-in block of 86 features).

Three groups, computed from one lead and its R-peaks:

* **W (60)**: irregularity over sliding 8-, 16- and 32-beat windows (step a quarter of the
  window): per window the normalised RMSSD (RMSSD / mean RR), the normalised median
  absolute successive difference (/ median RR) and a bigeminy-robust irregularity (median
  over beats of the smallest absolute difference to the RR 1, 2 or 3 intervals back,
  / median RR); for each, the 10/25/50/75/90th percentiles over windows and the fraction of
  windows above 0.10, 0.06 and 0.04; then COSEn (Lake & Moorman 2011) on 16-beat windows:
  the same percentiles and the fraction above -1.4. AF is irregular in every window,
  ectopy only in a few.
* **M (16)**: irregularity of normal-to-normal intervals after removing ectopic beats by
  morphology (QRS correlation with the median beat >= 0.9 and peak-to-peak amplitude within
  0.6-1.6 of the median, +-100 ms, 0.5-40 Hz) and, in a second version, also by prematurity
  (interval < 0.82 x the median of the 9 around it): ectopic and premature fractions, the
  median and 5th percentile of the beat correlations, and for each version the normalised
  RMSSD, normalised median absolute difference, fraction of differences above 6 % of the
  median RR, coefficient of variation, 75th percentile of the absolute differences (/ median
  RR) and the fraction of intervals kept.
* **P (10)**: P-wave presence per beat (window -250..-80 ms before R, linear trend removed):
  fractions of beats whose P segment correlates with the median beat's above 0.5 and 0.8,
  the mean correlation (all beats, and beats after an RR > 600 ms), median and coefficient of
  variation of the P peak-to-peak over the R amplitude, P-template SNR (energy of the median
  P over the mean residual energy), the spread of the P peak time (ms), and the median
  correlation with the local (7-beat) P template and the fraction above 0.6. AF has no
  consistent P wave.

Units: ratios are dimensionless, times in ms. Too few beats (W: fewer intervals than the
window; M: < 6 beats; P: < 5 beats) or a flat lead give NaN for that group.
"""

from __future__ import annotations

import warnings

import numpy as np

from .record import _corr_rows

__all__ = ["RHYTHM_PROFILE_NAMES", "rhythm_profile_features", "rhythm_profile_features_batch"]

#: Version of the rhythm-profile definitions (part of the cache key).
RHYTHM_PROFILE_VERSION = 1

_PCT = (10, 25, 50, 75, 90)
_W_SIZES = (8, 16, 32)
_W_STATS = (("nRMSSD", 0.10), ("nMAD", 0.06), ("LagIrr", 0.04))


def _names() -> tuple[str, ...]:
    w = []
    for size in _W_SIZES:
        for stat, _ in _W_STATS:
            w += [f"W{size}_{stat}_p{p}" for p in _PCT]
        w += [f"W{size}_{stat}_frac>{thr:g}" for stat, thr in _W_STATS]
    w += [f"W16_COSEn_p{p}" for p in _PCT] + ["W16_COSEn_frac>-1.4"]
    m = ["EctopicFracMorph", "PrematureFrac", "BeatCorrMedian", "BeatCorrP5"]
    for v in ("NNm", "NNmr"):
        m += [
            f"{v}_nRMSSD",
            f"{v}_nMAD",
            f"{v}_FracAbsdRR>6%",
            f"{v}_CV",
            f"{v}_P75AbsdRR",
            f"{v}_FracKept",
        ]
    p = [
        "PCorrFrac>0.5",
        "PCorrFrac>0.8",
        "PCorrMean",
        "PCorrMeanLongRR",
        "PAmpMedian",
        "PAmpCV",
        "PTemplateSNR",
        "PPeakTimeSD_ms",
        "PLocalCorrMedian",
        "PLocalCorrFrac>0.6",
    ]
    return tuple(w + m + p)


#: Column names of :func:`rhythm_profile_features` (60 W, 16 M, 10 P).
RHYTHM_PROFILE_NAMES: tuple[str, ...] = _names()


def _window_stats(rr: np.ndarray, w: int, step: int):
    idx = np.arange(0, rr.size - w + 1, step)
    W = np.stack([rr[i : i + w] for i in idx])
    d = np.diff(W, axis=1)
    nrmssd = np.sqrt(np.mean(d**2, axis=1)) / W.mean(axis=1)
    nmad = np.median(np.abs(d), axis=1) / np.median(W, axis=1)
    lags = np.minimum(
        np.minimum(np.abs(W[:, 3:] - W[:, 2:-1]), np.abs(W[:, 3:] - W[:, 1:-2])),
        np.abs(W[:, 3:] - W[:, :-3]),
    )
    irr = np.median(lags, axis=1) / np.median(W, axis=1)
    return nrmssd, nmad, irr


def _group_w(rr: np.ndarray) -> list[float]:
    from .windows import AF_STAT_NAMES, af_window_stats

    out: list[float] = []
    for w in _W_SIZES:
        if rr.size < w:
            out += [np.nan] * (3 * len(_PCT) + 3)
            continue
        stats = _window_stats(rr, w, max(1, w // 4))
        for v in stats:
            out += list(np.percentile(v, _PCT))
        out += [float(np.mean(v > thr)) for v, (_, thr) in zip(stats, _W_STATS, strict=True)]
    c = np.empty(0)
    if rr.size >= 16:
        W = np.stack([rr[i : i + 16] for i in range(0, rr.size - 15, 4)])
        c = af_window_stats(W, min_intervals=12)[:, AF_STAT_NAMES.index("COSEn")]
        c = c[np.isfinite(c)]
    out += list(np.percentile(c, _PCT)) + [float(np.mean(c > -1.4))] if c.size else [np.nan] * 6
    return out


def _beats(y, r, pre, post):
    r = r[(r >= pre) & (r + post < y.size)]
    return r, y[r[:, None] + np.arange(-pre, post)[None, :]]


def _group_m(y: np.ndarray, r: np.ndarray, fs: float) -> list[float]:
    out = [np.nan] * 16
    if r.size < 6:
        return out
    q = int(round(0.1 * fs))
    rr = np.diff(r) * 1000.0 / fs
    rk, B = _beats(y, r, q, q)
    if rk.size < 4:
        return out
    c = _corr_rows(B, np.median(B, axis=0))
    amp = np.ptp(B, axis=1)
    ramp = np.median(amp)
    normal = np.zeros(r.size, dtype=bool)
    normal[np.searchsorted(r, rk)] = (c > 0.9) & (amp > 0.6 * ramp) & (amp < 1.6 * ramp)
    med = np.array([np.median(rr[max(0, i - 4) : i + 5]) for i in range(rr.size)])
    premature = rr < 0.82 * med
    normal_rr = normal.copy()
    normal_rr[1:][premature] = False
    out[:4] = [1.0 - normal.mean(), premature.mean(), np.nanmedian(c), np.nanpercentile(c, 5)]
    for k, nm in enumerate((normal, normal_rr)):
        nn = np.where(nm[:-1] & nm[1:], rr, np.nan)
        d = nn[1:] - nn[:-1]
        d = d[np.isfinite(d)]
        v = nn[np.isfinite(nn)]
        if d.size >= 4:
            mean, mdn = np.mean(v), np.median(v)
            b = 4 + 6 * k
            out[b : b + 6] = [
                np.sqrt(np.mean(d**2)) / mean,
                np.median(np.abs(d)) / mdn,
                np.mean(np.abs(d) > 0.06 * mdn),
                np.std(v) / mean,
                np.percentile(np.abs(d), 75) / mdn,
                d.size / max(1, rr.size - 1),
            ]
    return out


def _group_p(y: np.ndarray, r: np.ndarray, fs: float) -> list[float]:
    out = [np.nan] * 10
    if r.size < 5:
        return out
    pre, post = int(round(0.3 * fs)), int(round(0.1 * fs))
    rk, B = _beats(y, r, pre, post)
    if rk.size < 4:
        return out
    rr_prev = np.r_[np.nan, np.diff(r)][np.searchsorted(r, rk)] / fs
    t = np.median(B, axis=0)
    base = np.median(t[: max(1, int(0.05 * fs))])
    a0, a1 = pre - int(round(0.25 * fs)), pre - int(round(0.08 * fs))
    P, tp = B[:, a0:a1], t[a0:a1]
    if P.shape[1] < 3:
        return out
    cp = _corr_rows(P, tp)
    h = int(round(0.06 * fs))
    ramp = np.max(np.abs(t[pre - h : pre + h] - base))
    long_rr = rr_prev > 0.6
    tt = np.arange(P.shape[1])
    Pd = P - np.polyval(np.polyfit(tt, P.T, 1), tt[:, None]).T
    pamp = np.ptp(Pd, axis=1) / max(ramp, 1e-9)
    tpd = tp - np.polyval(np.polyfit(tt, tp, 1), tt)
    res = Pd - np.median(Pd, axis=0)
    out[:8] = [
        np.nanmean(cp > 0.5),
        np.nanmean(cp > 0.8),
        np.nanmean(cp),
        np.nanmean(cp[long_rr]) if long_rr.sum() >= 3 else np.nan,
        np.median(pamp),
        np.std(pamp) / max(np.mean(pamp), 1e-9),
        np.sum(tpd**2) / max(np.mean(np.sum(res**2, axis=1)), 1e-12),
        np.std(np.argmax(np.abs(Pd), axis=1) / fs * 1000.0),
    ]
    if P.shape[0] >= 7:
        loc = np.array(
            [
                _corr_rows(P[i : i + 1], np.median(P[max(0, i - 3) : i + 4], axis=0))[0]
                for i in range(P.shape[0])
            ]
        )
        out[8:] = [np.nanmedian(loc), np.nanmean(loc > 0.6)]
    return out


def rhythm_profile_features(signal, fs: float, rpeaks=None) -> np.ndarray:
    """The 86 rhythm-profile features of one single-lead record.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV, real numbers (non-finite samples are set to 0; complex, text or
        object arrays are a TypeError).
    fs : float
        Sampling frequency, Hz (>= 100 Hz for the P group to make sense).
    rpeaks : array_like of int, optional
        R-peak sample indices; by default :func:`geoecg.features.detect_rpeaks` with
        ``track=False`` (no rhythm prior, which would hide the irregularity measured here).
        Given ones must be strictly increasing whole indices inside the signal (else a
        ValueError naming ``rpeaks``).

    Returns
    -------
    ndarray, shape (86,)
        In the order of :data:`RHYTHM_PROFILE_NAMES`; NaN where a group is undefined.

    Examples
    --------
    >>> rr = np.r_[np.full(40, 800.0), 800 + np.random.default_rng(0).normal(0, 150, 40)]
    >>> r = np.r_[0, np.cumsum(rr)].astype(int) * 3 // 10 + 150   # 300 Hz
    >>> f = rhythm_profile_features(np.zeros(r[-1] + 300), 300.0, rpeaks=r)
    >>> i = RHYTHM_PROFILE_NAMES.index("W8_nRMSSD_p90")
    >>> bool(f[i] > 0.1), f.shape
    (True, (86,))
    """
    from ..._validation import _to_float, check_rpeaks
    from ...signal import bandpass
    from ..hrv import _check_fs
    from ..rpeaks import detect_rpeaks

    fs = _check_fs(fs)
    x = _to_float(signal, "signal")
    if x.ndim != 1:
        raise ValueError(f"signal must be 1-D (one lead, mV), got shape {x.shape}")
    x = np.where(np.isfinite(x), x, 0.0)
    if rpeaks is None:
        flat = x.size < 2 * fs or np.ptp(x) == 0
        rpeaks = np.empty(0, np.int64) if flat else detect_rpeaks(x, fs, track=False).indices
    r = check_rpeaks(rpeaks, x.size)
    rr = np.diff(r) * 1000.0 / fs
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        w = _group_w(rr)
        if x.size > 30 and np.ptp(x) > 0 and r.size >= 5:
            y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs), order=2)
            m, p = _group_m(y, r, fs), _group_p(y, r, fs)
        else:
            m, p = [np.nan] * 16, [np.nan] * 10
    return np.asarray(w + m + p, dtype=np.float64)


def rhythm_profile_features_batch(
    signals, fs: float, *, keys=None, cache_dir=None, progress: bool | None = False
) -> np.ndarray:
    """:func:`rhythm_profile_features` of many records, cached per record.

    Parameters
    ----------
    signals : list of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    keys : list of str, optional
        A content key per record (e.g. :meth:`geoecg.io.CinC2017.content_keys`: the
        name and a digest of the files); needed for the cache.
    cache_dir : path-like, optional
        Folder of the per-record cache (one ``.npy`` per record, keyed by
        ``RHYTHM_PROFILE_VERSION``, the key and ``fs``; it can be the folder of
        :func:`~geoecg.features.af_record_features_batch`, the keys differ).
    progress : bool or None, default False
        Show a tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    ndarray, shape (n_records, 86)

    Examples
    --------
    >>> rhythm_profile_features_batch([np.zeros(3000)], 300.0).shape
    (1, 86)
    """
    from ..._validation import check_not_one_signal
    from ._cache import cached_rows, one_lead
    from .record import FEATURE_VERSION

    check_not_one_signal(signals, "rhythm_profile_features_batch")

    def one(x, fs):
        return rhythm_profile_features(one_lead(x), fs)

    return cached_rows(
        one,
        signals,
        fs,
        len(RHYTHM_PROFILE_NAMES),
        prefix=f"{FEATURE_VERSION}|rhythm_profile|v{RHYTHM_PROFILE_VERSION}",
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
        desc="rhythm profile",
    )
