"""Beat features relative to the record's own dominant rhythm and dominant beat.

A supraventricular (S) beat is defined by prematurity against the patient's *own* sinus
rhythm and by a P wave that differs from that patient's sinus P wave, not by absolute
morphology, which differs more between patients than between beat classes. The features
here compare each beat with references estimated from the same record without labels:

- the **sinus RR reference**: around each beat, an upper quantile of the RR intervals
  within +-``horizon_s`` that do not touch a beat of non-dominant QRS. Premature beats only
  shorten intervals, so the reference stays the sinus rate when they are half of the
  beats or more (ectopic atrial runs in sinus bradycardia), and pauses are a minority;
- the **dominant QRS template**: the median of the largest group of mutually similar QRS
  complexes (:func:`geoecg.features.ectopy.beat_morphology_match`), not the median beat;
- the **sinus P and T templates**: the median P (-300..-50 ms) and T (100..400 ms) regions
  of the *sinus-like* beats (dominant QRS, not premature against the RR reference).

All windows are in ms, so any sampling rate works (MIT-BIH 360 Hz, SVDB 128 Hz).
:func:`record_standardize` is the label-free per-record adaptation option.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._rows import validate_table
from .._validation import check_flag, check_names, check_table
from ..signal import bandpass
from ..signal._validate import check_fs
from .beats import as_record_signal, as_rpeaks
from .morphology import BeatFeatureTable

__all__ = [
    "BEAT_FEATURE_SETS",
    "DOMINANT_LEAD_NAMES",
    "SelectBeatFeatures",
    "beat_feature_set_mask",
    "DOMINANT_RHYTHM_NAMES",
    "dominant_beat_features",
    "dominant_width_ratio",
    "record_beat_table",
    "record_standardize",
]

#: RR columns of :func:`dominant_beat_features` (all dimensionless).
DOMINANT_RHYTHM_NAMES = (
    "dom_rr_pre", "dom_rr_post", "dom_comp", "dom_rr_pre_rec", "dom_rr_pre_nn",
    "dom_rr_pre_nn3", "dom_run", "dom_sinus_frac",
)  # fmt: skip

#: Per-lead columns of :func:`dominant_beat_features` (suffix ``_l<k>``).
DOMINANT_LEAD_NAMES = (
    "dom_qrs_corr", "dom_qrs_amp", "dom_p_corr", "dom_p_rms", "dom_p_lag", "dom_p_diff",
    "dom_t_corr", "dom_t_diff",
)  # fmt: skip

_QRS_MS = 100.0  # QRS window half-width, ms
_P_MS = (-300.0, -50.0)  # P region relative to the R-peak, ms
_T_MS = (100.0, 400.0)  # T region, ms
_LAG_MS = 60.0  # P-template shifts searched, ms
_SINUS = 0.88  # rr_pre >= this fraction of the reference: not premature


def _nanpct(a, q):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(a, q)


def _sinus_reference(rr, t_mid, ok, horizon_s, quantile):
    """Upper ``quantile`` (%) of the intervals with ``ok`` within +-horizon_s of each one."""
    lo = np.searchsorted(t_mid, t_mid - horizon_s, side="left")
    hi = np.searchsorted(t_mid, t_mid + horizon_s, side="right")
    vals = np.where(ok, rr, np.nan)
    ref = np.full(rr.size, np.nan)
    rec = _nanpct(vals, quantile) if np.isfinite(vals).any() else _nanpct(rr, quantile)
    for j, (a, b) in enumerate(zip(lo, hi, strict=True)):
        w = vals[a:b]
        ref[j] = np.percentile(w[np.isfinite(w)], quantile) if np.isfinite(w).sum() >= 8 else rec
    return ref, float(rec)


def _windows(x, r, lo, hi):
    """Rows ``x[r + lo : r + hi]`` (NaN where off the signal)."""
    idx = r[:, None] + np.arange(lo, hi)[None, :]
    inside = (idx >= 0) & (idx < x.size)
    return np.where(inside, x[np.clip(idx, 0, x.size - 1)], np.nan)


def _corr(B, t):
    """Pearson correlation of each row of ``B`` with ``t`` (NaN for flat or NaN rows)."""
    Bc = B - B.mean(axis=1, keepdims=True)
    tc = t - t.mean()
    den = np.sqrt((Bc**2).sum(axis=1) * (tc**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (Bc @ tc) / np.where(den > 0, den, 1.0), np.nan)


def _rms(B):
    return np.sqrt(np.mean((B - B.mean(axis=1, keepdims=True)) ** 2, axis=1))


def _region(x, r, fs, ms, sinus, lag_ms=0.0):
    """Correlation, RMS ratio, best lag (ms) and RMS difference of one region vs the sinus
    template of that region (median over the sinus-like beats)."""
    m = int(round(lag_ms * fs / 1000.0))
    a = int(round(ms[0] * fs / 1000.0))
    b = max(int(round(ms[1] * fs / 1000.0)), a + 2)
    n = r.size
    nan = np.full(n, np.nan)
    W = _windows(x, r, a - m, b + m)  # region widened by the lag on both sides
    core = W[:, m : W.shape[1] - m] if m else W
    fin = np.all(np.isfinite(core), axis=1)
    use = sinus & fin
    if use.sum() < 5:
        return nan, nan, nan, nan
    tpl = np.median(core[use], axis=0)
    scale = float(np.sqrt(np.mean((tpl - tpl.mean()) ** 2)))
    C = np.where(fin[:, None], 0.0, np.nan)
    core = np.where(fin[:, None], core, 0.0)
    corr0 = _corr(core, tpl)
    best, lag = corr0.copy(), np.zeros(n)
    for s in range(-m, m + 1):
        if s == 0:
            continue
        Ws = W[:, m + s : W.shape[1] - m + s]
        ok = np.all(np.isfinite(Ws), axis=1)
        c = np.where(ok, _corr(np.where(ok[:, None], Ws, 0.0), tpl), -np.inf)
        better = c > np.nan_to_num(best, nan=-np.inf)
        best = np.where(better, c, best)
        lag = np.where(better, s * 1000.0 / fs, lag)
    with np.errstate(invalid="ignore", divide="ignore"):
        rms = _rms(core) / scale if scale > 0 else nan
        diff = (
            np.sqrt(
                np.mean(
                    ((core - core.mean(axis=1, keepdims=True)) - (tpl - tpl.mean())) ** 2, axis=1
                )
            )
            / scale
            if scale > 0
            else nan
        )
    out = [corr0 + C[:, 0], rms + C[:, 0], lag + C[:, 0], diff + C[:, 0]]
    return tuple(np.asarray(v, dtype=np.float64) for v in out)


def dominant_beat_features(
    signal,
    rpeaks,
    fs: float,
    *,
    horizon_s: float = 90.0,
    quantile: float = 70.0,
    prefilter: bool = True,
) -> BeatFeatureTable:
    """Features of each beat relative to its record's dominant rhythm and dominant beat.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        One record, mV.
    rpeaks : array_like of int
        R-peak (or reference beat) sample indices, strictly increasing; every beat.
    fs : float
        Sampling frequency, Hz.
    horizon_s : float, default 90
        Half-width (s) of the window of the local sinus RR reference.
    quantile : float, default 70
        Percentile of the RR intervals (those not touching a non-dominant QRS) taken as the
        sinus RR reference.
    prefilter : bool, default True
        Band-pass 0.5-40 Hz (zero phase) first; False for a filtered signal (a bool).

    Returns
    -------
    BeatFeatureTable
        Columns :data:`DOMINANT_RHYTHM_NAMES`, then :data:`DOMINANT_LEAD_NAMES` per lead
        (``_l<k>``), all dimensionless except ``dom_p_lag`` (ms):

        ``dom_rr_pre``, ``dom_rr_post``
            RR before and after the beat over the local sinus reference (a premature beat:
            below 1; its pause: above 1).
        ``dom_comp``
            Compensatory-pause ratio ``(rr_pre + rr_post) / (2 reference)``: about 1 for a
            full compensatory pause (ventricular), below 1 when the sinus node is reset
            (atrial).
        ``dom_rr_pre_rec``
            ``rr_pre`` over the record-wide sinus reference.
        ``dom_rr_pre_nn``, ``dom_rr_pre_nn3``
            ``rr_pre`` over the last normal-to-normal interval before the beat (both ends
            sinus-like) and over the mean of the last three.
        ``dom_run``
            Number of consecutive premature beats (``dom_rr_pre`` < 0.88) this one closes
            (0 when it is not premature).
        ``dom_sinus_frac``
            Fraction of sinus-like beats within +-``horizon_s`` (low in AF or long runs).
        ``dom_qrs_corr``, ``dom_qrs_amp``
            QRS (+-100 ms) correlation with the local dominant template and peak-to-peak
            amplitude ratio to it.
        ``dom_p_corr``, ``dom_p_rms``, ``dom_p_lag``, ``dom_p_diff``
            P region (-300..-50 ms) correlation with the sinus P template, RMS ratio to it
            (P-wave presence), the shift (ms, +-60) that correlates best, and the RMS of
            the difference over the template's RMS.
        ``dom_t_corr``, ``dom_t_diff``
            The same correlation and difference for the T region (100..400 ms).

    Notes
    -----
    Sinus-like beats: QRS correlation >= 0.9 with the dominant template of the first lead,
    amplitude ratio within 0.6-1.6, and ``dom_rr_pre`` >= 0.88. Quantities that cannot be
    measured (record ends, windows off the signal, fewer than 5 sinus-like beats, a flat
    lead) are NaN; fewer than 3 beats give NaN everywhere.

    Examples
    --------
    >>> fs = 250.0
    >>> t = np.arange(-25, 26) / fs
    >>> qrs = np.exp(-(t / 0.012) ** 2)
    >>> r = np.cumsum(np.r_[250, np.tile([200, 200, 200, 140, 260], 40)])
    >>> x = np.zeros(r[-1] + 300)
    >>> for k in r:
    ...     x[k - 25:k + 26] += qrs
    >>> T = dominant_beat_features(x, r, fs, prefilter=False)
    >>> pre = T.values[:, 0]
    >>> float(np.median(pre[4::5])), float(np.median(pre[2::5])), float(np.median(pre[5::5]))
    (0.7, 1.0, 1.3)
    """
    from .ectopy import beat_morphology_match

    fs = check_fs(fs)
    x = as_record_signal(signal)
    r = as_rpeaks(rpeaks, x.shape[1])
    if not (np.isfinite(horizon_s) and horizon_s > 0):
        raise ValueError(f"horizon_s must be positive (s), got {horizon_s!r}")
    if not (0 < quantile <= 100):
        raise ValueError(f"quantile must be in (0, 100], got {quantile!r}")
    n, n_leads = r.size, x.shape[0]
    names = list(DOMINANT_RHYTHM_NAMES) + [
        f"{c}_l{k}" for k in range(n_leads) for c in DOMINANT_LEAD_NAMES
    ]
    out = np.full((n, len(names)), np.nan)
    if n < 3:
        return BeatFeatureTable(out, np.asarray(names, dtype=object), r)
    if check_flag(prefilter, "prefilter"):
        x = np.ascontiguousarray(bandpass(x, fs, 0.5, min(40.0, 0.45 * fs)))
    x = np.where(np.isfinite(x), x, 0.0)
    morph = [
        beat_morphology_match(x[k], fs, r, half_width_ms=_QRS_MS, band_hz=(0.5, 40.0))
        for k in range(n_leads)
    ]
    c0, a0 = morph[0]
    dominant = np.where(np.isfinite(c0), (c0 >= 0.9) & (a0 > 0.6) & (a0 < 1.6), True)
    rr = np.diff(r) / fs
    t_mid = 0.5 * (r[:-1] + r[1:]) / fs
    ref, rec = _sinus_reference(rr, t_mid, dominant[:-1] & dominant[1:], horizon_s, quantile)
    pre = np.r_[np.nan, rr]
    post = np.r_[rr, np.nan]
    ref_b = np.r_[ref[0], ref]  # reference at each beat: that of its preceding interval
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 0] = pre / ref_b
        out[:, 1] = post / ref_b
        out[:, 2] = (pre + post) / (2.0 * ref_b)
        out[:, 3] = pre / rec
    premature = np.nan_to_num(out[:, 0], nan=1.0) < _SINUS
    sinus = dominant & ~premature
    sinus[0] = dominant[0]
    # last normal-to-normal intervals strictly before rr_pre (interval j joins beats j, j+1)
    nn_ok = sinus[:-1] & sinus[1:]
    nn_idx = np.flatnonzero(nn_ok)
    pos = np.searchsorted(nn_idx, np.arange(n) - 1, side="left")  # NN intervals < i-1
    cs = np.r_[0.0, np.cumsum(rr[nn_idx])]
    has1 = pos >= 1
    last = np.where(
        has1,
        rr[nn_idx[np.clip(pos - 1, 0, max(nn_idx.size - 1, 0))]] if nn_idx.size else np.nan,
        np.nan,
    )
    k3 = np.minimum(pos, 3)
    mean3 = np.where(k3 >= 1, (cs[pos] - cs[pos - k3]) / np.maximum(k3, 1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, 4] = pre / last
        out[:, 5] = pre / mean3
    run = np.zeros(n)
    for i in range(1, n):
        run[i] = run[i - 1] + 1 if premature[i] else 0
    out[:, 6] = run
    tb = r / fs
    lo = np.searchsorted(tb, tb - horizon_s, side="left")
    hi = np.searchsorted(tb, tb + horizon_s, side="right")
    cs_s = np.r_[0.0, np.cumsum(sinus)]
    out[:, 7] = (cs_s[hi] - cs_s[lo]) / np.maximum(hi - lo, 1)
    j = len(DOMINANT_RHYTHM_NAMES)
    for k in range(n_leads):
        pc, prms, plag, pdiff = _region(x[k], r, fs, _P_MS, sinus, _LAG_MS)
        tc, _, _, tdiff = _region(x[k], r, fs, _T_MS, sinus)
        out[:, j : j + 8] = np.column_stack(
            [morph[k][0], morph[k][1], pc, prms, plag, pdiff, tc, tdiff]
        )
        j += 8
    return BeatFeatureTable(out, np.asarray(names, dtype=object), r)


def dominant_width_ratio(table: BeatFeatureTable) -> BeatFeatureTable:
    """QRS width of each beat over that of the record's sinus-like beats (a V-vs-S cue).

    A ventricular beat is wide against the patient's *own* conducted beats; an S beat is
    not. The reference is the median ``qrs_width_l<k>`` over the sinus-like beats (dominant
    QRS and not premature, as in :func:`dominant_beat_features`), not the record median,
    so it holds when ectopic beats are many. Uses no labels.

    Parameters
    ----------
    table : BeatFeatureTable
        One record's beats with the columns ``qrs_width_l<k>`` of
        :func:`~geoecg.features.beat_features` and ``dom_rr_pre``, ``dom_qrs_corr_l0``,
        ``dom_qrs_amp_l0`` of :func:`dominant_beat_features`.

    Returns
    -------
    BeatFeatureTable
        Columns ``dom_qrs_wratio_l<k>`` (dimensionless), one per lead; NaN where the width
        is unknown or the record has fewer than 5 sinus-like beats with a width.

    Examples
    --------
    >>> from geoecg.features.morphology import BeatFeatureTable
    >>> names = ["qrs_width_l0", "dom_rr_pre", "dom_qrs_corr_l0", "dom_qrs_amp_l0"]
    >>> V = np.array([[80.0, 1.0, 0.99, 1.0]] * 6 + [[160.0, 0.7, 0.4, 1.8]])
    >>> dominant_width_ratio(BeatFeatureTable(V, np.array(names), np.arange(7))).values[-2:, 0]
    array([1., 2.])
    """
    check_table(table)
    names = [str(n) for n in table.names]
    V = np.asarray(table.values, dtype=np.float64)
    need = ("dom_rr_pre", "dom_qrs_corr_l0", "dom_qrs_amp_l0")
    missing = [n for n in need if n not in names]
    if missing:
        raise ValueError(f"table lacks the columns {missing} of dominant_beat_features")
    leads = [n for n in names if re.fullmatch(r"qrs_width_l\d+", n)]
    if not leads:
        raise ValueError("table has no qrs_width_l<k> column (geoecg.features.beat_features)")
    corr, amp, pre = (V[:, names.index(n)] for n in need)
    with np.errstate(invalid="ignore"):
        sinus = (corr >= 0.9) & (amp > 0.6) & (amp < 1.6) & (np.nan_to_num(pre, nan=1.0) >= _SINUS)
    out = np.full((V.shape[0], len(leads)), np.nan)
    for j, n in enumerate(leads):
        w = V[:, names.index(n)]
        ref = w[sinus & np.isfinite(w)]
        if ref.size >= 5 and np.median(ref) > 0:
            out[:, j] = w / np.median(ref)
    out_names = np.asarray(
        [f"dom_qrs_wratio_{n[len('qrs_width_') :]}" for n in leads], dtype=object
    )
    return BeatFeatureTable(out, out_names, table.rpeaks)


def record_beat_table(signal, rpeaks, fs: float, *, prefilter: bool = True) -> BeatFeatureTable:
    """Every beat feature of one record, named: :func:`~geoecg.features.beat_features` (all
    blocks), then :func:`dominant_beat_features` (``dom_*``), then the rhythm context of
    :func:`~geoecg.features.beat_context.rhythm_context_features` (``ctx_*``), then
    :func:`dominant_width_ratio` (``dom_qrs_wratio_*``) and
    :func:`~geoecg.features.beat_sinus.sinus_relative_features` (``sin_*``).

    The table that :func:`beat_feature_set_mask` and :class:`SelectBeatFeatures` select
    from; ``signal`` in mV, ``fs`` in Hz, ``rpeaks`` every beat of the record.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        One record, mV.
    rpeaks : array_like of int
        Every beat of the record (R-peak sample indices).
    fs : float
        Sampling frequency, Hz.
    prefilter : bool, default True
        Band-pass 0.5-40 Hz (zero phase) first; False for a filtered signal (a bool).

    Returns
    -------
    BeatFeatureTable
        One row per beat; ``names`` the columns.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record, beat_annotations
    >>> rec = read_record(sample_record_path("mitdb_119"), sampto=3600)
    >>> peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> t = record_beat_table(rec.signal, peaks, rec.fs)
    >>> t.values.shape == (peaks.size, t.names.size), t.names[-1]
    (True, 'sin_p_amp_l1')
    """
    from .beat_context import rhythm_context_features
    from .beat_sinus import sinus_relative_features
    from .morphology import beat_features

    fs = check_fs(fs)
    x = as_record_signal(signal)
    if check_flag(prefilter, "prefilter"):
        x = np.ascontiguousarray(bandpass(x, fs, 0.5, min(40.0, 0.45 * fs)))
    base = beat_features(x, rpeaks, fs, prefilter=False)
    dom = dominant_beat_features(x, base.rpeaks, fs, prefilter=False)
    ctx = rhythm_context_features(base.rpeaks, fs)
    t = BeatFeatureTable(
        np.hstack([base.values, dom.values, ctx.values]),
        np.concatenate([base.names, dom.names, ctx.names]),
        base.rpeaks,
    )
    w = dominant_width_ratio(t)
    t = BeatFeatureTable(
        np.hstack([t.values, w.values]), np.concatenate([t.names, w.names]), base.rpeaks
    )
    s = sinus_relative_features(t)
    return BeatFeatureTable(
        np.hstack([t.values, s.values]), np.concatenate([t.names, s.names]), base.rpeaks
    )


def record_standardize(values, *, center: bool = True, scale: bool = True) -> np.ndarray:
    """Label-free per-record adaptation: robustly standardise one record's beat features.

    Each column is re-centred on the record's own median and divided by its interquartile
    range (columns with a zero or undefined IQR are only re-centred), as
    :class:`geoecg.riemann.RiemannianRecentering` re-centres each domain on its own mean.
    Uses the record's unlabelled beats only.

    Parameters
    ----------
    values : array_like, shape (n_beats, n_features)
        The features of ONE record's beats.
    center, scale : bool, default True
        Subtract the median / divide by the IQR (``True`` or ``False``).

    Returns
    -------
    ndarray, shape (n_beats, n_features)

    Examples
    --------
    >>> record_standardize([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]]).tolist()
    [[-1.0, 0.0], [0.0, 0.0], [1.0, 0.0]]
    """
    try:
        V = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"values must be a numeric (beats x features) array: {exc}") from exc
    if V.ndim != 2:
        raise ValueError(f"values must be 2-D (beats x features), got shape {V.shape}")
    if V.shape[0] == 0:
        return V.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(V, axis=0)
        q1, q3 = np.nanpercentile(V, [25.0, 75.0], axis=0)
    center, scale = check_flag(center, "center"), check_flag(scale, "scale")
    out = V - np.where(np.isfinite(med), med, 0.0) if center else V.copy()
    if scale:
        iqr = q3 - q1
        out = out / np.where(np.isfinite(iqr) & (iqr > 0), iqr, 1.0)
    return out


#: Feature sets of :func:`beat_feature_set_mask` (see there).
BEAT_FEATURE_SETS = ("all", "transfer", "transfer-w", "transfer-s")

_ABS_RR = re.compile(r"^rr_(pre|post|local|record)$")
_RAW_SHAPE = re.compile(r"^(wav_a\d+|(skew|kurt)_(beat|qrs))_l\d+$")
_FIDUCIAL = re.compile(
    r"^(qrs_on|qrs_off|q_pos|s_pos|t_pos|t_end|p_pos|r_amp|qrs_max|qrs_min"
    r"|s_amp|t_amp|p_amp|pr|qt)_l\d+$"
)
_NEW = re.compile(r"^(dom_|ctx_|sin_)")
_WIDTH = re.compile(r"^dom_qrs_wratio_l\d+$")
_SIN = re.compile(r"^sin_")


def beat_feature_set_mask(names, feature_set: str = "transfer") -> np.ndarray:
    """Boolean mask of the columns of a named beat feature set.

    Parameters
    ----------
    names : sequence of str
        Column names: those of :func:`geoecg.features.beat_features`, optionally followed by
        those of :func:`dominant_beat_features` (``dom_*``),
        :func:`geoecg.features.beat_context.rhythm_context_features` (``ctx_*``) and
        :func:`geoecg.features.beat_sinus.sinus_relative_features` (``sin_*``).
    feature_set : {"all", "transfer", "transfer-w", "transfer-s"}
        ``"all"``: every :func:`~geoecg.features.beat_features` column (the former
        default); ``"transfer"``: features relative to the record only (RR ratios,
        template correlations and differences, record-median deviations, QRS width in ms,
        and every ``dom_*``/``ctx_*`` column but ``dom_qrs_wratio_*``), without RR in ms,
        raw wavelet/HOS shape or absolute fiducial positions and amplitudes;
        ``"transfer-w"``: ``"transfer"`` plus the QRS width over the record's sinus-like
        beats (:func:`dominant_width_ratio`); ``"transfer-s"``: ``"transfer"`` plus the
        local-sinus prematurity and sinus-P cues ``sin_*``. Each is a candidate of the
        nested selection (:data:`geoecg.estimators.heartbeat.BEAT_SELECTION_GRID`).

    Returns
    -------
    ndarray of bool, shape (len(names),)
        True for the columns of ``feature_set``.

    Examples
    --------
    >>> beat_feature_set_mask(["rr_pre", "rr_pre_lmed", "r_amp_l0", "dom_rr_pre"]).tolist()
    [False, True, False, True]
    """
    if feature_set not in BEAT_FEATURE_SETS:
        raise ValueError(f"feature_set must be one of {BEAT_FEATURE_SETS}, got {feature_set!r}")
    names = check_names(names)
    new = np.asarray([bool(_NEW.search(n)) for n in names])
    if feature_set == "all":
        return ~new
    keep = np.asarray(
        [not (_ABS_RR.search(n) or _RAW_SHAPE.search(n) or _FIDUCIAL.search(n)) for n in names]
    )
    if feature_set != "transfer-w":
        keep &= np.asarray([not _WIDTH.search(n) for n in names])
    if feature_set != "transfer-s":
        keep &= np.asarray([not _SIN.search(n) for n in names])
    return keep


class SelectBeatFeatures(TransformerMixin, BaseEstimator):
    """Keep the columns of a named beat feature set (a step a grid search can tune).

    Parameters
    ----------
    feature_names : sequence of str
        Names of the input columns. Columns named ``rs_<name>`` are the record-standardised
        copies of ``<name>`` (:func:`record_standardize`).
    feature_set : str, default "transfer"
        One of :data:`BEAT_FEATURE_SETS` (see :func:`beat_feature_set_mask`).
    adapt : bool or "both", default "both"
        Take the record-standardised copies (``rs_*``) of the selected columns; ``"both"``:
        the columns and their copies (the default,
        :data:`geoecg.estimators.heartbeat.DEFAULT_ADAPT`).

    Examples
    --------
    >>> names = ["rr_pre", "dom_rr_pre", "rs_rr_pre", "rs_dom_rr_pre"]
    >>> SelectBeatFeatures(names, adapt=True).fit([[1, 2, 3, 4]]).transform([[1, 2, 3, 4]])
    array([[4.]])
    """

    def __init__(self, feature_names=(), feature_set="transfer", adapt="both"):
        self.feature_names = feature_names
        self.feature_set = feature_set
        self.adapt = adapt

    def fit(self, X, y=None):
        """Resolve the columns; returns self."""
        names = np.asarray(check_names(self.feature_names, "feature_names"), dtype=object)
        X = validate_table(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        if names.size != X.shape[1]:
            raise ValueError(f"feature_names has {names.size} names, X has {X.shape[1]} columns")
        is_rs = np.asarray([n.startswith("rs_") for n in names])
        base = np.asarray([n[3:] if r else n for n, r in zip(names, is_rs, strict=True)])
        if self.adapt not in (False, True, "both"):
            raise ValueError(f"adapt must be False, True or 'both', got {self.adapt!r}")
        if self.adapt and not is_rs.any():
            raise ValueError(
                f"adapt={self.adapt!r} needs the record-standardised copies "
                "rs_<name> among feature_names (stack_beat_tables(adapt=True))"
            )
        mask = beat_feature_set_mask(base, self.feature_set)
        if self.adapt != "both":
            mask &= is_rs == bool(self.adapt)
        if not mask.any():
            raise ValueError(
                f"no column of feature set {self.feature_set!r} "
                f"(adapt={self.adapt}) in feature_names"
            )
        self.columns_ = np.flatnonzero(mask)
        self.feature_names_out_ = names[mask]
        return self

    def transform(self, X):
        """The selected columns (0 rows: an empty table, so a record without beats passes)."""
        check_is_fitted(self, "columns_")
        kw = dict(
            reset=False, ensure_all_finite="allow-nan", dtype=np.float64, ensure_min_samples=0
        )
        X = validate_table(self, X, **kw)
        return X[:, self.columns_]

    def get_feature_names_out(self, input_features=None):
        """Names of the selected columns."""
        check_is_fitted(self, "columns_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
