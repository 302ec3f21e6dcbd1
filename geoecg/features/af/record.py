"""Record-level features of a short single-lead ECG for N / A / O / ~ classification.

One vector per record (CinC 2017 style, 9-61 s): the AF statistics of
:mod:`geoecg.features.af.windows` on the whole RR series and on its ectopic-cleaned version, the 48
HRV indices, the seven SQIs, and median-beat morphology (P-wave presence and consistency,
QRS width, T-wave and ST level, beat-to-beat agreement). Names in
:data:`AF_RECORD_FEATURE_NAMES`.
"""

from __future__ import annotations

import os

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..._validation import (
    as_signal,
    check_fs,
    check_not_one_signal,
    check_rr,
    check_sample_indices,
)
from ...signal import bandpass
from ..hrv import HRV_FEATURE_NAMES
from ..hrv_batch import hrv_features_batch
from ..rpeaks import detect_rpeaks
from ..rr_cleaning import clean_rr
from ..sqi import SQI_NAMES, sqi_features
from ._cache import cached_rows
from .windows import AF_STAT_NAMES, af_window_stats, rr_windows

__all__ = [
    "AF_RECORD_FEATURE_NAMES",
    "MORPHOLOGY_NAMES",
    "morphology_features",
    "RR_IRREG_NAMES",
    "ATRIAL_NAMES",
    "rr_irregularity_features",
    "atrial_activity_features",
    "af_record_features",
    "af_record_features_batch",
    "AFRecordFeatures",
]

MORPHOLOGY_NAMES = (
    "R_amp",
    "R_sign",
    "QRS_width_ms",
    "P_amp_rel",
    "P_corr",
    "P_energy_ratio",
    "T_amp_rel",
    "ST_rel",
    "beat_corr_mean",
    "beat_corr_p10",
    "beat_resid",
    "signal_std",
    "hf_ratio",
)

# --------------------------------------------------------------------------------------
# RR irregularity robust to ectopy, and atrial activity (issue 5). Not part of
# AF_RECORD_FEATURE_NAMES: adding them did not improve the 5-fold CV on the CinC 2017
# subset (AF F1 84.5-85.3 against 85.2 without them), so they are standalone functions.
# --------------------------------------------------------------------------------------

RR_IRREG_NAMES = (
    "AFEv",
    "IrrEv_frac",
    "Origin_frac",
    "NFEn",
    "RR_n_clusters",
    "RR_top_cluster_frac",
    "dRR_disp_rel",
    "dRR_succ_ratio",
)
ATRIAL_NAMES = (
    "fwave_ratio",
    "fwave_peak_conc",
    "fwave_dom_hz",
    "resid_rel",
    "TQ_rms_rel",
    "P_corr_adj",
    "QRS_corr_adj",
    "R_amp_cv",
)

_WIN_STATS = ("Irr_med", "Irr_frac", "nRMSSD_med", "COSEn_med", "TG_D_med")
_REC = ("duration_s", "n_beats", "beat_rate")
AF_RECORD_FEATURE_NAMES: tuple[str, ...] = (
    _REC
    + AF_STAT_NAMES
    + tuple(n + "_clean" for n in AF_STAT_NAMES)
    + _WIN_STATS
    + HRV_FEATURE_NAMES
    + SQI_NAMES
    + MORPHOLOGY_NAMES
)
#: Version of the feature definitions (part of the cache key).
FEATURE_VERSION = "af-record-2"


def _corr_rows(B: np.ndarray, t: np.ndarray) -> np.ndarray:
    Bc = B - B.mean(axis=1, keepdims=True)
    tc = t - t.mean()
    den = np.sqrt((Bc**2).sum(axis=1) * (tc**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (Bc @ tc) / np.where(den > 0, den, 1.0), np.nan)


def morphology_features(signal, fs: float, rpeaks) -> np.ndarray:
    """Median-beat morphology of one lead (values in the order of :data:`MORPHOLOGY_NAMES`).

    Beats are cut from -300 ms to +450 ms around each R-peak of the 0.5-40 Hz band-passed
    lead; the template is their sample-wise median, its baseline the median of -300 to
    -250 ms. P region: -250 to -80 ms; ST: +80 to +120 ms; T: +150 to +400 ms.

    ``R_amp`` (mV) and ``R_sign`` are the template's R deflection and its sign;
    ``QRS_width_ms`` the time within ±120 ms of R that the template stays above half the R
    deflection (a crude width); ``P_amp_rel`` and ``T_amp_rel`` the peak-to-peak of
    the P and T regions over ``|R_amp|``; ``P_corr`` the median correlation of each beat's P
    region with the template's; ``P_energy_ratio`` the energy of the template's P region
    over the mean energy of the beats' P regions (near 1 for a consistent P wave, small
    for fibrillatory waves that cancel in the median); ``ST_rel`` the ST level over
    ``|R_amp|``; ``beat_corr_*`` the correlation of each beat with the template;
    ``beat_resid`` the mean residual energy over the template energy; ``signal_std`` (mV)
    and ``hf_ratio`` (power above 40 Hz over total) describe the raw lead.

    Fewer than 3 beats with complete windows gives NaN for the template features.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int
        R-peak sample indices (whole numbers; NaN, inf or fractional values raise a
        ``ValueError``; indices outside the signal are ignored).

    Returns
    -------
    ndarray of float64, shape (len(MORPHOLOGY_NAMES),)
        The features in the order of :data:`MORPHOLOGY_NAMES` (all NaN for a lead shorter
        than 1 s or with a non-finite sample).
    """
    x = as_signal(signal, "signal", ndims=(1,))  # inf or a string: an error, not NaN
    r_all = check_sample_indices(rpeaks, "rpeaks", allow_negative=True)  # NaN: an error
    out = np.full(len(MORPHOLOGY_NAMES), np.nan)
    if x.size < int(fs) or not np.all(np.isfinite(x)):
        return out
    out[11] = float(np.std(x))
    dx = np.diff(x)
    tot = float(np.sum(dx**2))
    y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs), 2)
    if tot > 0:
        out[12] = float(np.sum((dx - np.diff(y)) ** 2) / tot)
    pre, post = int(round(0.30 * fs)), int(round(0.45 * fs))
    r = r_all[(r_all >= pre) & (r_all + post < y.size)]
    if r.size < 3:
        return out
    B = y[r[:, None] + np.arange(-pre, post)[None, :]]
    t = np.median(B, axis=0)

    def idx(ms):
        return pre + int(round(ms * 1e-3 * fs))

    base = float(np.median(t[: idx(-250) + 1]))
    t0 = t - base
    rwin = t0[idx(-60) : idx(60) + 1]
    k = int(np.argmax(np.abs(rwin)))
    ramp = float(rwin[k])
    out[0] = abs(ramp)
    out[1] = np.sign(ramp)
    if ramp != 0:
        qrs = t0[idx(-120) : idx(120) + 1] * np.sign(ramp)
        out[2] = float(np.sum(qrs > 0.5 * abs(ramp))) / fs * 1e3
        p = t0[idx(-250) : idx(-80)]
        out[3] = float(np.ptp(p)) / abs(ramp)
        out[6] = float(np.ptp(t0[idx(150) : idx(400)])) / abs(ramp)
        out[7] = float(np.mean(t0[idx(80) : idx(120) + 1])) / abs(ramp)
    Bp = B[:, idx(-250) : idx(-80)]
    tp = t[idx(-250) : idx(-80)]
    c_p, c = _corr_rows(Bp, tp), _corr_rows(B, t)
    import warnings

    with warnings.catch_warnings():  # a flat lead: every correlation NaN -> NaN, no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        out[4] = float(np.nanmedian(c_p))
        out[8] = float(np.nanmean(c))
        out[9] = float(np.nanpercentile(c, 10))
    pe = np.mean(np.sum((Bp - Bp.mean(axis=1, keepdims=True)) ** 2, axis=1))
    if pe > 0:
        out[5] = float(np.sum((tp - tp.mean()) ** 2) / pe)
    te = float(np.sum((t - t.mean()) ** 2))
    if te > 0:
        out[10] = float(np.mean(np.sum((B - t) ** 2, axis=1)) / te)
    return out


def rr_irregularity_features(rr) -> np.ndarray:
    """RR-irregularity measures that tolerate ectopy (order of :data:`RR_IRREG_NAMES`).

    ``rr`` is the RR series in ms (1-D; NaN values are dropped; zero, negative, infinite
    values and RR in seconds are a ``ValueError``).

    * ``AFEv``, ``IrrEv_frac``, ``Origin_frac`` -- after the Lorenz-plot (dRR_i,
      dRR_{i-1}) evidence of Sarkar S, Ritscher D, Mehra R, *A detector for a chronic
      implantable atrial tachyarrhythmia monitor*, IEEE Trans Biomed Eng 55(3):1219-1224
      (2008), in a simplified form: the plane -600..600 ms is cut into 40 ms bins
      (differences clipped to it); ``OriginCount`` is the number of points with both
      ``|dRR|`` < 40 ms (the central 2 x 2 bins), ``IrrEv`` the number of distinct occupied
      bins outside them. ``AFEv = IrrEv - OriginCount`` (the PAC evidence term of the
      paper is left out; dimensionless count); ``IrrEv_frac`` and ``Origin_frac`` divide
      by the number of points. Needs >= 5 RR.
    * ``NFEn`` -- normalised fuzzy entropy of Liu C, Oster J, Reinertsen E, et al., *A
      comparison of entropy approaches for AF discrimination*, Physiol Meas 39:074002
      (2018): FuzzyEn with m = 1, r = 30 ms, membership exp(-(d/r)^2) on the
      baseline-removed templates, plus ln(2r) - ln(mean RR) (r, RR in s; nats). Needs
      >= 8 RR.
    * ``RR_n_clusters``, ``RR_top_cluster_frac`` -- the sorted RR split where two
      neighbours differ by more than 6 % of the median RR; the number of clusters that
      hold >= 10 % of the intervals, and the share of the largest (a few tight
      clusters: sinus rhythm, bigeminy; many small ones: AF). Needs >= 5 RR.
    * ``dRR_disp_rel`` -- Poincare dispersion of successive differences: median
      distance of (dRR_i, dRR_{i-1}) from the origin over the median RR
      (dimensionless; small for sinus rhythm with rare ectopics).
    * ``dRR_succ_ratio`` -- median ``|dRR|`` over mean ``|dRR|`` (dimensionless): near 1 when
      every difference is similar (AF), small when a few ectopic jumps dominate.

    Parameters
    ----------
    rr : array_like, shape (n_intervals,)
        RR intervals, ms.

    Returns
    -------
    ndarray of float64, shape (len(RR_IRREG_NAMES),)
        The measures in the order of :data:`RR_IRREG_NAMES`; NaN where too few intervals.
    """
    out = np.full(len(RR_IRREG_NAMES), np.nan)
    x = check_rr(rr, "rr")
    x = x[np.isfinite(x)]
    if x.size < 5:
        return out
    d = np.diff(x)
    med = float(np.median(x))
    # Lorenz plot evidence (Sarkar et al. 2008, simplified)
    a, b = d[1:], d[:-1]
    n = a.size
    ia = np.clip(np.floor((np.clip(a, -599.999, 599.999) + 600.0) / 40.0), 0, 29).astype(int)
    ib = np.clip(np.floor((np.clip(b, -599.999, 599.999) + 600.0) / 40.0), 0, 29).astype(int)
    origin = (np.abs(a) < 40.0) & (np.abs(b) < 40.0)
    occ = np.unique(ia[~origin] * 30 + ib[~origin]).size
    oc = int(origin.sum())
    out[0] = float(occ - oc)
    out[1] = occ / n
    out[2] = oc / n
    # normalised fuzzy entropy (Liu et al. 2018), m = 1, r = 30 ms
    if x.size >= 8:
        r = 30.0

        def phi(m):
            k = x.size - 1  # same number of templates for m and m + 1
            T = np.stack([x[i : i + k] for i in range(m)], axis=1)
            T = T - T.mean(axis=1, keepdims=True)
            D = np.max(np.abs(T[:, None, :] - T[None, :, :]), axis=2)
            iu = np.triu_indices(k, 1)
            return float(np.mean(np.exp(-((D[iu] / r) ** 2))))

        p1, p2 = phi(1), phi(2)
        if p1 > 0 and p2 > 0:
            out[3] = np.log(p1) - np.log(p2) + np.log(2 * r / 1000.0) - np.log(np.mean(x) / 1000.0)
    # RR clusters
    s = np.sort(x)
    cuts = np.flatnonzero(np.diff(s) > 0.06 * med)
    sizes = np.diff(np.concatenate(([0], cuts + 1, [s.size])))
    out[4] = float(np.sum(sizes >= max(2, 0.1 * s.size)))
    out[5] = float(sizes.max() / s.size)
    if med > 0 and n:
        out[6] = float(np.median(np.hypot(a, b)) / med)
    mad = float(np.mean(np.abs(d)))
    if mad > 0:
        out[7] = float(np.median(np.abs(d)) / mad)
    return out


def atrial_activity_features(signal, fs: float, rpeaks) -> np.ndarray:
    """Atrial activity and beat-to-beat variability (order of :data:`ATRIAL_NAMES`).

    ``signal`` is one lead in mV, ``rpeaks`` the R-peak sample indices. The lead is
    band-passed 0.5-40 Hz.

    * ``fwave_ratio``, ``fwave_peak_conc``, ``fwave_dom_hz`` -- QRS-T cancellation by
      average-beat subtraction (Slocum J, Sahakian A, Swiryn S, *Diagnosis of atrial
      fibrillation from surface electrocardiograms based on computer-detected atrial
      activity*, J Electrocardiol 25(1):1-8, 1992; Rieta JJ et al., *Atrial activity
      extraction for AF analysis using blind source separation*, IEEE TBME 51(7), 2004):
      each beat window (up to 300 ms before R, 450 ms after, at most 35 % / 65 % of the
      neighbouring RR) has the median beat, scaled by least squares, subtracted; the
      residual is linearly interpolated across +-60 ms of each R. Its Welch spectrum (2 s
      Hann segments) gives the power share of the 4-9 Hz f-wave band in 1-40 Hz
      (``fwave_ratio``), the share of 4-12 Hz power within +-1 Hz of the 4-12 Hz peak
      (``fwave_peak_conc``, the organisation index of Everett TH et al., IEEE TBME
      48(9), 2001) and the peak frequency (``fwave_dom_hz``, Hz). Needs >= 4 beats and
      2 s of residual.
    * ``resid_rel`` -- RMS of that residual over ``|R amplitude|`` of the median beat.
    * ``TQ_rms_rel`` -- median, over the RR intervals, of the RMS of the linearly
      detrended TQ segment (from R_i + max(250 ms, 0.6 RR_i) to R_{i+1} - 80 ms; only
      segments of >= 50 ms) over ``|R amplitude|``; fibrillatory waves raise it (after the
      TQ-interval analysis of e.g. Datta S et al.,
      *Identifying normal, AF and other abnormal ECG rhythms using a cascaded binary
      classifier*, CinC 2017).
    * ``P_corr_adj`` -- median correlation of the P region (-250 to -80 ms) of
      consecutive beats (no template, so f-waves give low values; Datta et al. 2017).
    * ``QRS_corr_adj`` -- median correlation of the QRS (-60 to +60 ms) of consecutive
      beats (beat-to-beat morphology variability).
    * ``R_amp_cv`` -- coefficient of variation of the absolute R deflection (band-passed
      signal at each R-peak minus its median, dimensionless).

    Degenerate input (flat lead, too few beats, short record) gives NaN.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int
        R-peak sample indices (whole numbers; NaN, inf or fractional values raise a
        ``ValueError``; indices outside the signal are ignored).

    Returns
    -------
    ndarray of float64, shape (len(ATRIAL_NAMES),)
        The features in the order of :data:`ATRIAL_NAMES`.
    """
    from scipy.signal import welch

    out = np.full(len(ATRIAL_NAMES), np.nan)
    x = as_signal(signal, "signal", ndims=(1,))
    r_all = check_sample_indices(rpeaks, "rpeaks", allow_negative=True)  # NaN: an error
    if x.ndim != 1 or x.size < 2 * fs or not np.all(np.isfinite(x)) or np.ptp(x) == 0:
        return out
    y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs), 2)
    r = np.unique(r_all)
    r = r[(r >= 0) & (r < y.size)]
    if r.size < 4:
        return out
    pre, post = int(round(0.30 * fs)), int(round(0.45 * fs))
    full = r[(r >= pre) & (r + post < y.size)]
    if full.size < 3:
        return out
    B = y[full[:, None] + np.arange(-pre, post)[None, :]]
    t = np.median(B, axis=0)
    t = t - np.median(t[: int(round(0.05 * fs)) + 1])
    q = int(round(0.06 * fs))
    ramp = float(np.max(np.abs(t[pre - q : pre + q + 1])))
    # R amplitude variability
    ra = np.abs(y[r] - np.median(y))
    if np.mean(ra) > 0:
        out[7] = float(np.std(ra) / np.mean(ra))
    # consecutive-beat correlation of P and QRS regions
    p0, p1 = pre - int(round(0.25 * fs)), pre - int(round(0.08 * fs))
    for col, M in ((5, B[:, p0:p1]), (6, B[:, pre - q : pre + q + 1])):
        Mc = M - M.mean(axis=1, keepdims=True)
        num = np.sum(Mc[1:] * Mc[:-1], axis=1)
        den = np.sqrt(np.sum(Mc[1:] ** 2, axis=1) * np.sum(Mc[:-1] ** 2, axis=1))
        ok = den > 0
        if ok.any():
            out[col] = float(np.median(num[ok] / den[ok]))
    if ramp <= 0:
        return out
    # QRS-T cancellation
    res = y.copy()
    keep = np.zeros(y.size, dtype=bool)
    rr = np.diff(r)
    for i, ri in enumerate(r):
        lo = pre if i == 0 else min(pre, int(0.35 * rr[i - 1]))
        hi = post if i == r.size - 1 else min(post, int(0.65 * rr[i]))
        a0, a1 = max(ri - lo, 0), min(ri + hi, y.size)
        seg_t = t[pre - (ri - a0) : pre + (a1 - ri)]
        seg = y[a0:a1]
        den = float(seg_t @ seg_t)
        g = float(seg_t @ seg) / den if den > 0 else 0.0
        g = min(max(g, 0.5), 2.0)
        res[a0:a1] = seg - g * seg_t
        keep[a0:a1] = True
    blank = np.zeros(y.size, dtype=bool)
    for ri in r:
        blank[max(ri - q, 0) : ri + q + 1] = True
    a_start, a_end = max(r[0] - pre, 0), min(r[-1] + post, y.size)
    span = np.arange(a_start, a_end)
    if span.size < 2 * fs:
        return out
    valid = ~blank[span]
    if valid.sum() < 2:
        return out
    z = res[span].copy()
    z[~valid] = np.interp(np.flatnonzero(~valid), np.flatnonzero(valid), z[valid])
    z = z - z.mean()
    if valid.sum() > 0:
        out[3] = float(np.sqrt(np.mean(z[valid] ** 2)) / ramp)
    f, pxx = welch(z, fs=fs, nperseg=int(2 * fs), window="hann")
    band = (f >= 1.0) & (f <= 40.0)
    tot = float(pxx[band].sum())
    if tot > 0:
        out[0] = float(pxx[(f >= 4.0) & (f <= 9.0)].sum() / tot)
        af_b = (f >= 4.0) & (f <= 12.0)
        pa = pxx[af_b]
        if pa.sum() > 0:
            k = int(np.argmax(pa))
            fk = float(f[af_b][k])
            out[1] = float(pa[np.abs(f[af_b] - fk) <= 1.0].sum() / pa.sum())
            out[2] = fk
    # TQ segments
    vals = []
    for i in range(r.size - 1):
        rri = r[i + 1] - r[i]
        s0 = r[i] + max(int(0.25 * fs), int(0.6 * rri))
        s1 = r[i + 1] - int(0.08 * fs)
        if s1 - s0 >= int(0.05 * fs):
            seg = y[s0:s1]
            tt = np.arange(seg.size)
            c = np.polyfit(tt, seg, 1)
            vals.append(float(np.sqrt(np.mean((seg - np.polyval(c, tt)) ** 2))))
    if vals:
        out[4] = float(np.median(vals)) / ramp
    return out


def af_record_features(signal, fs: float) -> np.ndarray:
    """Feature vector of one single-lead record (order of :data:`AF_RECORD_FEATURE_NAMES`).

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (1, n_samples)
        One lead in mV.
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    ndarray of float64, shape (n_features,)
        NaN where a feature is undefined (too few beats, flat lead).

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> from geoecg.io import CinC2017
    >>> db = CinC2017(sample_cinc2017_dir())
    >>> rec = db.read(db.records()[0])
    >>> v = af_record_features(rec.signal[0], rec.fs)
    >>> v.shape == (len(AF_RECORD_FEATURE_NAMES),)
    True
    """
    x = as_signal(signal, "signal", ndims=(1, 2))
    if x.ndim == 2 and x.shape[0] == 1:
        x = x[0]
    if x.ndim != 1:
        raise ValueError(f"signal must be one lead (n_samples,) or (1, n_samples), got {x.shape}")
    fs = check_fs(fs)
    out = np.full(len(AF_RECORD_FEATURE_NAMES), np.nan)
    dur = x.size / fs
    out[0] = dur
    finite = np.isfinite(x)
    if x.size < 2 * fs or finite.sum() < 2 * fs:
        return out  # no information: beat count and rate stay NaN
    if np.ptp(x[finite]) == 0:
        out[1] = 0.0
        out[2] = 0.0
        return out
    xf = np.where(finite, x, 0.0) if not finite.all() else x
    # no rhythm prior: AF features measure the irregularity the tracker would smooth away;
    # detection on the signal with its NaN gaps so that an interval across a gap is NaN
    res = detect_rpeaks(x, fs, track=False)
    peaks = res.indices
    rr = res.rr_ms
    out[1] = peaks.size
    out[2] = peaks.size / dur
    pos = 3
    na = len(AF_STAT_NAMES)
    if rr.size:
        rows = [rr]
        cl = clean_rr(rr, correct="nan").rr_ms if rr.size >= 4 else rr
        rows.append(cl)
        s = af_window_stats(np.vstack(rows))
        out[pos : pos + na] = s[0]
        out[pos + na : pos + 2 * na] = s[1]
    pos += 2 * na
    if rr.size >= 12:
        w = af_window_stats(rr_windows(rr, 12), min_intervals=8)
        irr = w[:, list(AF_STAT_NAMES).index("Irr")]
        with np.errstate(invalid="ignore"):
            out[pos] = np.nanmedian(irr) if np.isfinite(irr).any() else np.nan
            out[pos + 1] = np.nanmean(irr > 0.06) if np.isfinite(irr).any() else np.nan
        for j, name in enumerate(("nRMSSD", "COSEn", "TG_D")):
            col = w[:, list(AF_STAT_NAMES).index(name)]
            out[pos + 2 + j] = np.nanmedian(col) if np.isfinite(col).any() else np.nan
    pos += len(_WIN_STATS)
    if rr.size:
        out[pos : pos + len(HRV_FEATURE_NAMES)] = hrv_features_batch([rr])[0]
    pos += len(HRV_FEATURE_NAMES)
    q = sqi_features(xf, fs, rpeaks=peaks)
    out[pos : pos + len(SQI_NAMES)] = [q[k] for k in SQI_NAMES]
    pos += len(SQI_NAMES)
    out[pos:] = morphology_features(xf, fs, peaks)
    return out


def af_record_features_batch(
    signals,
    fs: float,
    *,
    keys=None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> np.ndarray:
    """:func:`af_record_features` of many records, cached per record.

    Parameters
    ----------
    signals : list of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    keys : list of str, optional
        A key per record that identifies its content (e.g. the name and a digest of
        its files); needed for the cache.
    cache_dir : path-like, optional
        Folder of the per-record cache (one ``.npy`` per record, keyed by
        ``FEATURE_VERSION``, the key and ``fs``).
    progress : bool, default False
        Show a tqdm bar on stderr.

    Returns
    -------
    ndarray, shape (n_records, n_features)

    Raises
    ------
    ValueError
        ``signals`` is one signal (a 1-D array or a list of numbers), not a list of records.

    Examples
    --------
    Two CinC 2017 records (300 Hz, mV); a second call with the same keys reads the cache:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from geoecg.io import CinC2017
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> X, y = CinC2017(sample_cinc2017_dir()).load()
    >>> [x.shape[-1] / 300 for x in X[:2]]  # durations, s
    [30.0, 60.0]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     F = af_record_features_batch(X[:2], 300.0, keys=["A00004", "A00005"], cache_dir=tmp)
    ...     n_cached = len(os.listdir(tmp))
    ...     again = af_record_features_batch(X[:2], 300.0, keys=["A00004", "A00005"], cache_dir=tmp)
    >>> F.shape, n_cached, bool(np.array_equal(F, again, equal_nan=True))
    ((2, 107), 2, True)
    >>> cols = [AF_RECORD_FEATURE_NAMES.index(n) for n in ("duration_s", "n_beats", "MeanRR")]
    >>> F[:, cols].round().tolist()  # s, beats, ms (both records are labelled AF)
    [[30.0, 31.0, 947.0], [60.0, 111.0, 542.0]]
    """
    check_not_one_signal(signals, "af_record_features_batch")
    return cached_rows(
        af_record_features,
        signals,
        fs,
        len(AF_RECORD_FEATURE_NAMES),
        prefix=FEATURE_VERSION,
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
        desc="AF features",
    )


class AFRecordFeatures(TransformerMixin, BaseEstimator):
    """Transformer: single-lead records -> :func:`af_record_features` matrix.

    Parameters
    ----------
    fs : float
        Sampling frequency in Hz of every record.

    Examples
    --------
    >>> from geoecg.io import CinC2017
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> X, y = CinC2017(sample_cinc2017_dir()).load()
    >>> F = AFRecordFeatures(fs=300).fit_transform(X[:2])
    >>> F.shape == (2, len(AF_RECORD_FEATURE_NAMES))
    True
    """

    def __init__(self, fs: float = 300.0):
        self.fs = fs

    def fit(self, X, y=None):
        """Nothing is learned; records the feature names. Returns self."""
        self.n_features_out_ = len(AF_RECORD_FEATURE_NAMES)
        return self

    def transform(self, X) -> np.ndarray:
        """Feature matrix ``(n_records, n_features)`` (NaN where undefined)."""
        check_not_one_signal(X, "AFRecordFeatures")
        return af_record_features_batch(list(X), self.fs)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the record features."""
        return np.asarray(AF_RECORD_FEATURE_NAMES, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
