"""RR-pattern features: periodic ectopy patterns and R-peak detection errors (9 features).

Out-of-fold diagnostics of the prior-shift protocol (issue 18, registry item 10) found the
"other rhythm" records called AF to be mostly of two kinds: a *periodic* irregularity
(bigeminy, trigeminy, group beating: each interval is close to the one 2, 3 or 4 back,
though not to the previous one) and *detection errors* (an interval about 2 or 3 times the
median where beats were missed; two short intervals summing to one median where a beat was
split). AF is irregular at every lag and its long intervals are not multiples of the median.
This block measures both, from the record's RR intervals alone:

* ``acf1``: lag-1 autocorrelation of the RR intervals (bigeminy: close to -1).
* ``acf_best``: the largest autocorrelation over lags 2-4 (a repeating pattern: close to 1;
  AF: close to 0).
* ``irr_lag1``: median absolute difference between successive intervals / median RR.
* ``irr_best``: the smallest, over lags 2-4, median absolute difference between an interval
  and the one ``k`` back / median RR.
* ``lag_ratio``: ``irr_best / irr_lag1`` (a pattern: well below 1; AF: about 1).
* ``miss_frac``: fraction of intervals within 1.75-2.25 or 2.65-3.35 times the median
  (missed beats).
* ``split_frac``: fraction of intervals in a pair of successive intervals, each below 0.65
  times the median, that together are 0.8-1.2 times the median (a split beat).
* ``irr_fixed``: ``irr_lag1`` after merging split pairs and dividing each missed-beat interval
  into 2 or 3 equal ones.
* ``irr_best_fixed``: ``irr_best`` of the same corrected intervals.

Ratios and fractions are dimensionless. Fewer than 8 finite intervals give NaN.
"""

from __future__ import annotations

import os

import numpy as np

from ..._validation import as_signal, check_fs, check_not_one_signal, check_rr

__all__ = [
    "RR_PATTERN_NAMES",
    "rr_pattern_features",
    "rr_pattern_record_features",
    "rr_pattern_features_batch",
]

RR_PATTERN_NAMES: tuple[str, ...] = (
    "acf1",
    "acf_best",
    "irr_lag1",
    "irr_best",
    "lag_ratio",
    "miss_frac",
    "split_frac",
    "irr_fixed",
    "irr_best_fixed",
)
#: Version of the definitions (part of the cache key).
RR_PATTERN_VERSION = 1
_LAGS = (2, 3, 4)
_MIN_RR = 8


def _acf(r: np.ndarray, k: int) -> float:
    a, b = r[k:], r[:-k]
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 4:
        return np.nan
    a, b = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else np.nan


def _lag_irr(r: np.ndarray, k: int, med: float) -> float:
    d = np.abs(r[k:] - r[:-k])
    d = d[np.isfinite(d)]
    return float(np.median(d) / med) if d.size >= 4 else np.nan


def _irr(r: np.ndarray, med: float) -> tuple[float, float]:
    lag1 = _lag_irr(r, 1, med)
    best = [_lag_irr(r, k, med) for k in _LAGS if r.size > k + 3]
    best = [v for v in best if np.isfinite(v)]
    return lag1, (min(best) if best else np.nan)


def _fixed(r: np.ndarray, med: float) -> np.ndarray:
    """Split pairs merged and missed-beat intervals divided, NaN gaps kept in place."""
    out, i = [], 0
    while i < r.size:
        v = r[i]
        if (
            i + 1 < r.size
            and v < 0.65 * med
            and r[i + 1] < 0.65 * med
            and 0.8 * med <= v + r[i + 1] <= 1.2 * med
        ):
            out.append(v + r[i + 1])
            i += 2
            continue
        q = v / med
        n = 2 if 1.75 <= q <= 2.25 else 3 if 2.65 <= q <= 3.35 else 1
        out.extend([v / n] * n)
        i += 1
    return np.asarray(out, dtype=np.float64)


def rr_pattern_features(rr) -> np.ndarray:
    """The 9 RR-pattern features (order of :data:`RR_PATTERN_NAMES`) of one RR series.

    Parameters
    ----------
    rr : array_like, shape (n_intervals,)
        RR intervals in ms, in time order; NaN marks an interval across a gap (pairs that
        include it are skipped).

    Returns
    -------
    ndarray of float64, shape (9,)
        Dimensionless; all NaN with fewer than 8 finite intervals or a zero median.

    Examples
    --------
    >>> rr = np.tile([600.0, 1000.0], 20)  # bigeminy: alternate short and long
    >>> f = dict(zip(RR_PATTERN_NAMES, rr_pattern_features(rr)))
    >>> round(f["acf1"], 2), round(f["acf_best"], 2), f["irr_best"], round(f["irr_lag1"], 2)
    (-1.0, 1.0, 0.0, 0.5)
    """
    r = check_rr(rr, "rr") if np.size(rr) else np.zeros(0)
    out = np.full(len(RR_PATTERN_NAMES), np.nan)
    fin = r[np.isfinite(r)]
    if fin.size < _MIN_RR:
        return out
    med = float(np.median(fin))
    if med <= 0:
        return out
    out[0] = _acf(r, 1)
    acfs = [_acf(r, k) for k in _LAGS if r.size > k + 3]
    acfs = [v for v in acfs if np.isfinite(v)]
    out[1] = max(acfs) if acfs else np.nan
    out[2], out[3] = _irr(r, med)
    if np.isfinite(out[2]) and out[2] > 0 and np.isfinite(out[3]):
        out[4] = out[3] / out[2]
    q = fin / med
    out[5] = float(np.mean(((q >= 1.75) & (q <= 2.25)) | ((q >= 2.65) & (q <= 3.35))))
    s = (r[:-1] < 0.65 * med) & (r[1:] < 0.65 * med)
    s &= (r[:-1] + r[1:] >= 0.8 * med) & (r[:-1] + r[1:] <= 1.2 * med)
    in_pair = np.zeros(r.size, dtype=bool)
    in_pair[:-1] |= s
    in_pair[1:] |= s
    out[6] = float(in_pair.sum() / fin.size)
    f = _fixed(r, med)
    ff = f[np.isfinite(f)]
    if ff.size >= _MIN_RR:
        out[7], out[8] = _irr(f, float(np.median(ff)))
    return out


def rr_pattern_record_features(signal, fs: float) -> np.ndarray:
    """:func:`rr_pattern_features` of one record's R-peaks (the detector of the record
    features, no rhythm prior).

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (1, n_samples)
        One lead in mV.
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    ndarray of float64, shape (9,)
        NaN with fewer than 8 intervals (short, flat or empty lead).

    Examples
    --------
    >>> rr_pattern_record_features(np.zeros(3000), 300.0).shape
    (9,)
    """
    from ..rpeaks import detect_rpeaks

    x = as_signal(signal, "signal", ndims=(1, 2))
    if x.ndim == 2 and x.shape[0] == 1:
        x = x[0]
    if x.ndim != 1:
        raise ValueError(f"signal must be one lead (n_samples,) or (1, n_samples), got {x.shape}")
    fs = check_fs(fs)
    finite = np.isfinite(x)
    if finite.sum() < 2 * fs or np.ptp(x[finite]) == 0:
        return np.full(len(RR_PATTERN_NAMES), np.nan)
    return rr_pattern_features(detect_rpeaks(x, fs, track=False).rr_ms)


def rr_pattern_features_batch(
    signals,
    fs: float,
    *,
    keys=None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> np.ndarray:
    """:func:`rr_pattern_record_features` of many records, cached per record.

    Parameters
    ----------
    signals : list of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    keys : list of str, optional
        A content key per record; needed for the cache.
    cache_dir : path-like, optional
        Folder of the per-record cache.
    progress : bool, default False
        Show a tqdm bar on stderr.

    Returns
    -------
    ndarray, shape (n_records, 9)

    Examples
    --------
    >>> rr_pattern_features_batch([np.zeros(3000)], 300.0).shape
    (1, 9)
    """
    from ._cache import cached_rows
    from .record import FEATURE_VERSION

    check_not_one_signal(signals, "rr_pattern_features_batch")
    return cached_rows(
        rr_pattern_record_features,
        signals,
        fs,
        len(RR_PATTERN_NAMES),
        prefix=f"{FEATURE_VERSION}|rr_pattern|v{RR_PATTERN_VERSION}",
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
        desc="RR pattern",
    )
