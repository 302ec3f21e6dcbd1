"""Rhythm context of each beat: irregularity of its neighbourhood and long-horizon prematurity.

A supraventricular (S) beat is premature with a normal QRS; in atrial fibrillation every
beat is "premature" by chance and is labelled N. These features describe the rhythm
*around* a beat (its own RR intervals left out) so that a classifier can learn that
prematurity within an irregular rhythm is not S, and they measure the RR against a
long-horizon median so that a run of supraventricular tachycardia, whose beats are
regular among themselves, still stands out against the patient's usual rate.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..signal._validate import check_fs
from .beats import as_rpeaks
from .morphology import BeatFeatureTable

__all__ = [
    "AF_CONTEXT_FEATURE_NAMES",
    "AF_CONTEXT_STATS",
    "CONTEXT_FEATURE_NAMES",
    "af_context_features",
    "af_gate_threshold",
    "rhythm_context_features",
]

#: Column names of :func:`rhythm_context_features`.
CONTEXT_FEATURE_NAMES = (
    "ctx_rcv", "ctx_dmed", "ctx_prem_frac", "ctx_alt",
    "ctx_pre_hmed", "ctx_post_hmed", "ctx_loc_hmed", "ctx_run",
)  # fmt: skip

#: Statistics of :func:`~geoecg.features.af_window_stats` used by :func:`af_context_features`.
AF_CONTEXT_STATS = (
    "COSEn", "Irr", "TG_D", "Bigeminy", "EctopicFrac", "ShEn16", "pRR6", "LorenzOcc",
)  # fmt: skip

#: Column names of :func:`af_context_features`.
AF_CONTEXT_FEATURE_NAMES = tuple(f"ctx_af_{n}" for n in AF_CONTEXT_STATS)


def _check_pos_int(v, name):
    if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def _check_pos_real(v, name):
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (0 < v < np.inf):
        raise ValueError(f"{name} must be a positive finite number, got {v!r}")
    return float(v)


def _nn_rr(rr_s, ectopic, n):
    """RR series (s) with the ectopic beats moved to evenly spaced times between the normal
    beats around them (:func:`geoecg.features.ectopy.repair_rr`, ``"interpolate"``), or the
    series itself when ``ectopic`` is None."""
    if ectopic is None:
        return rr_s
    from .ectopy import repair_rr

    e = np.asarray(ectopic)
    if e.dtype != bool or e.shape != (n,):
        raise ValueError(
            f"ectopic must be a boolean array with one flag per beat ({n}), "
            f"got dtype {e.dtype}, shape {e.shape}"
        )
    return repair_rr(rr_s, e)


def _horizon_median(rr, t_mid, horizon_s):
    """Median of the RR intervals whose midpoints lie within +-horizon_s of each midpoint."""
    lo = np.searchsorted(t_mid, t_mid - horizon_s, side="left")
    hi = np.searchsorted(t_mid, t_mid + horizon_s, side="right")
    return np.asarray([np.median(rr[a:b]) for a, b in zip(lo, hi, strict=True)])


def _run_length(flag):
    """Length of the run of consecutive True values holding each element (0 where False)."""
    n = flag.size
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    f = flag.astype(np.int8)
    edges = np.diff(np.concatenate([[0], f, [0]]))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    for a, b in zip(starts, stops, strict=True):
        out[a:b] = b - a
    return out


def rhythm_context_features(
    rpeaks,
    fs: float,
    *,
    window_beats: int = 16,
    horizon_s: float = 150.0,
    premature: float = 0.85,
    ectopic=None,
) -> BeatFeatureTable:
    """Rhythm context of each beat (irregularity around it, long-horizon prematurity).

    Parameters
    ----------
    rpeaks : array_like of int
        R-peak sample indices of one record (every beat).
    fs : float
        Sampling frequency in Hz.
    window_beats : int, default 16
        RR intervals taken on each side of the beat for the neighbourhood statistics;
        the beat's own two intervals (``rr_pre`` and ``rr_post``) are left out.
    horizon_s : float, default 150
        Half-width (s) of the long-horizon window of the median RR (+-2.5 min).
    premature : float, default 0.85
        An interval is premature when shorter than this fraction of the reference median.
    ectopic : array_like of bool, shape (n_beats,), optional
        Ectopic flag of each beat, e.g. from the QRS morphology
        (:func:`geoecg.features.ectopy.ectopic_beats`; no labels needed). When given, the
        *neighbourhood* statistics (``ctx_rcv``, ``ctx_dmed``, ``ctx_prem_frac``,
        ``ctx_alt``) and the long-horizon median are computed on the normal-to-normal
        rhythm: the RR series with each run of ectopic beats moved to evenly spaced times
        between the normal beats around it (:func:`~geoecg.features.ectopy.repair_rr`), so
        that ventricular bigeminy around a beat does not look irregular or premature. The
        beat's own intervals (``rr_pre``, ``rr_post``, the 4 of ``ctx_loc_hmed`` and those
        of ``ctx_run``) stay the measured ones. None (default): every beat counts.

    Returns
    -------
    BeatFeatureTable
        Columns :data:`CONTEXT_FEATURE_NAMES` (all dimensionless):

        ``ctx_rcv``
            Robust coefficient of variation of the neighbourhood RR: median absolute
            deviation over the median (high in atrial fibrillation).
        ``ctx_dmed``
            Median absolute successive difference of the neighbourhood RR over its median.
        ``ctx_prem_frac``
            Fraction of neighbourhood intervals shorter than ``premature`` times their
            median (isolated ectopics: small; atrial fibrillation: large).
        ``ctx_alt``
            Fraction of sign changes between successive RR differences in the neighbourhood
            (about 2/3 for a random sequence, 1 for bigeminy).
        ``ctx_pre_hmed``, ``ctx_post_hmed``
            ``rr_pre`` and ``rr_post`` over the median RR within +-``horizon_s``.
        ``ctx_loc_hmed``
            Mean of the 4 intervals around the beat (2 before, 2 after) over the same
            long-horizon median (below 1 inside a tachycardia run).
        ``ctx_run``
            Number of consecutive beats, this one included, whose ``rr_pre`` is premature
            against the long-horizon median (0 when this beat's is not).

    Notes
    -----
    NaN where a quantity is undefined: at the record ends (no ``rr_pre`` or ``rr_post``),
    with fewer than 3 finite neighbourhood intervals, or with fewer than 2 beats.

    Examples
    --------
    >>> peaks = np.arange(0, 360 * 60, 288)  # regular 800 ms rhythm
    >>> t = rhythm_context_features(peaks, 360)
    >>> t.values[30].round(3).tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0]
    """
    fs = check_fs(fs)
    r = as_rpeaks(rpeaks)
    w = _check_pos_int(window_beats, "window_beats")
    horizon_s = _check_pos_real(horizon_s, "horizon_s")
    premature = _check_pos_real(premature, "premature")
    n = r.size
    if ectopic is not None and np.shape(ectopic) != (n,):
        raise ValueError(f"ectopic needs one flag per beat ({n}), got shape {np.shape(ectopic)}")
    out = np.full((n, len(CONTEXT_FEATURE_NAMES)), np.nan)
    if n < 2:
        return BeatFeatureTable(out, np.asarray(CONTEXT_FEATURE_NAMES, dtype=object), r)
    rr = np.diff(r) / fs  # s; interval j joins beats j and j+1
    rr_nb = _nn_rr(rr, ectopic, n)  # neighbourhood series (normal-to-normal with ectopic)
    pre = np.concatenate([[np.nan], rr])
    post = np.concatenate([rr, [np.nan]])
    # Neighbourhood: intervals i-1-w .. i+w of beat i, without i-1 (pre) and i (post).
    pad = np.concatenate([np.full(w + 1, np.nan), rr_nb, np.full(w + 1, np.nan)])
    W = np.lib.stride_tricks.sliding_window_view(pad, 2 * w + 2)[:n].copy()
    W[:, w] = np.nan
    W[:, w + 1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows -> NaN, documented
        cnt = np.isfinite(W).sum(axis=1)
        med = np.nanmedian(W, axis=1)
        rcv = np.nanmedian(np.abs(W - med[:, None]), axis=1) / med
        d = np.diff(W, axis=1)  # NaN across the gap left by the beat's own intervals
        dmed = np.nanmedian(np.abs(d), axis=1) / med
        fin = np.isfinite(W)
        prem = np.where(fin, W < premature * med[:, None], False).sum(axis=1) / cnt
        sgn = np.sign(d)
        pair = np.isfinite(sgn[:, 1:]) & np.isfinite(sgn[:, :-1])
        change = np.where(pair, sgn[:, 1:] * sgn[:, :-1] < 0, False).sum(axis=1)
        n_pair = pair.sum(axis=1)
        alt = np.where(n_pair > 0, change / np.maximum(n_pair, 1), np.nan)
    ok = cnt >= 3
    out[:, 0] = np.where(ok, rcv, np.nan)
    out[:, 1] = np.where(ok, dmed, np.nan)
    out[:, 2] = np.where(ok, prem, np.nan)
    out[:, 3] = np.where(ok, alt, np.nan)
    # Long-horizon median RR at each interval, then at each beat (mean of its two).
    t_mid = (r[:-1] + r[1:]) / (2.0 * fs)
    hm = _horizon_median(rr_nb, t_mid, horizon_s)
    h_pre = np.concatenate([[hm[0]], hm])
    h_post = np.concatenate([hm, [hm[-1]]])
    out[:, 4] = pre / h_pre
    out[:, 5] = post / h_post
    c = np.concatenate([[0.0], np.cumsum(rr)])
    lo = np.clip(np.arange(n) - 2, 0, rr.size)
    hi = np.clip(np.arange(n) + 2, 0, rr.size)
    out[:, 6] = (c[hi] - c[lo]) / np.maximum(hi - lo, 1) / (0.5 * (h_pre + h_post))
    flag = np.nan_to_num(out[:, 4], nan=np.inf) < premature
    out[:, 7] = _run_length(flag)
    return BeatFeatureTable(out, np.asarray(CONTEXT_FEATURE_NAMES, dtype=object), r)


def af_context_features(rpeaks, fs: float, *, window: int = 32, ectopic=None) -> BeatFeatureTable:
    """Atrial-fibrillation likeness of the rhythm around each beat.

    The AF window statistics of :func:`~geoecg.features.af_window_stats` (coefficient of
    sample entropy, ectopy-filtered irregularity, Tateno-Glass distance, bigeminy index,
    ectopic fraction, Shannon entropy, pRR6 and Lorenz-plot occupancy; all
    dimensionless) over the ``window`` RR intervals centred on the beat's preceding
    interval. Unlike a plain RR dispersion, the ectopy-filtered ones stay low for a
    regular rhythm with frequent premature beats and are high in atrial fibrillation,
    where prematurity does not make a beat supraventricular.

    Parameters
    ----------
    rpeaks : array_like of int
        R-peak sample indices of one record (every beat).
    fs : float
        Sampling frequency in Hz.
    window : int, default 32
        RR intervals per window (>= 4).
    ectopic : array_like of bool, shape (n_beats,), optional
        Ectopic flag of each beat (e.g. :func:`geoecg.features.ectopy.ectopic_beats`).
        When given, the windows are taken from the normal-to-normal rhythm: the RR series
        with the ectopic beats moved to evenly spaced times between the normal beats
        around them (:func:`~geoecg.features.ectopy.repair_rr`), so that ventricular
        ectopy does not look like atrial fibrillation. None (default): the measured RR.

    Returns
    -------
    BeatFeatureTable
        Columns :data:`AF_CONTEXT_FEATURE_NAMES`; NaN with fewer than 4 finite intervals
        in the window (every column NaN with fewer than 2 beats).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> af = np.cumsum(rng.uniform(0.4, 1.2, 200)) * 360
    >>> sr = np.cumsum(0.8 + 0.01 * rng.standard_normal(200)) * 360
    >>> irr = AF_CONTEXT_FEATURE_NAMES.index("ctx_af_Irr")
    >>> a = af_context_features(af.astype(int), 360).values[100, irr]
    >>> b = af_context_features(sr.astype(int), 360).values[100, irr]
    >>> bool(a > 5 * b)
    True
    """
    from .af import AF_STAT_NAMES, af_window_stats, rr_windows

    fs = check_fs(fs)
    r = as_rpeaks(rpeaks)
    w = _check_pos_int(window, "window")
    if w < 4:
        raise ValueError(f"window must be >= 4 intervals, got {w}")
    n = r.size
    if ectopic is not None and np.shape(ectopic) != (n,):
        raise ValueError(f"ectopic needs one flag per beat ({n}), got shape {np.shape(ectopic)}")
    out = np.full((n, len(AF_CONTEXT_STATS)), np.nan)
    if n >= 2:
        rr = _nn_rr(np.diff(r) * (1000.0 / fs), ectopic, n)
        stats = af_window_stats(rr_windows(rr, w))
        cols = [list(AF_STAT_NAMES).index(c) for c in AF_CONTEXT_STATS]
        rows = np.clip(np.arange(n) - 1, 0, rr.size - 1)
        out[:] = stats[rows][:, cols]
    return BeatFeatureTable(out, np.asarray(AF_CONTEXT_FEATURE_NAMES, dtype=object), r)


def af_gate_threshold(stat, is_af) -> float:
    """Threshold on an AF-likeness statistic (higher = more AF-like) that maximises
    sensitivity + specificity - 1 (Youden's J) for per-beat AF labels.

    Parameters
    ----------
    stat : array_like of float
        Statistic of each beat, e.g. ``ctx_af_COSEn`` of :func:`af_context_features`
        (dimensionless); NaN values are left out.
    is_af : array_like of bool
        Whether each beat lies in an atrial fibrillation or flutter episode (reference
        rhythm annotations of *training* records only).

    Returns
    -------
    float
        Midpoint between the lowest statistic called AF and the next lower value; ``inf``
        (no beat gated) without finite statistics of both AF and non-AF beats.

    Examples
    --------
    >>> af_gate_threshold([-2.0, -1.8, -0.5, -0.2, np.nan], [False, False, True, True, True])
    -1.15
    """
    s = np.asarray(stat, dtype=np.float64)
    t = np.asarray(is_af, dtype=bool)
    if s.shape != t.shape or s.ndim != 1:
        raise ValueError(f"stat and is_af must be 1-D of one length, got {s.shape}, {t.shape}")
    ok = np.isfinite(s)
    s, t = s[ok], t[ok]
    if s.size == 0 or t.all() or not t.any():
        return float("inf")
    order = np.argsort(-s, kind="stable")
    s, t = s[order], t[order]
    j = np.cumsum(t) / t.sum() - np.cumsum(~t) / (~t).sum()
    j = np.where(np.r_[s[1:] != s[:-1], True], j, -np.inf)
    i = int(np.argmax(j))
    nxt = s[i + 1] if i + 1 < s.size else s[i] - 1.0
    return float(0.5 * (s[i] + nxt))
