"""Atrial activity and beat-to-beat variability of one lead (issue 5).

f-wave power after QRS-T cancellation, TQ-segment activity and consecutive-beat correlation
of the P and QRS regions; names in :data:`ATRIAL_NAMES`. Not part of
:data:`~geoecg.features.af.record.AF_RECORD_FEATURE_NAMES`: adding them did not improve the
5-fold CV on the CinC 2017 subset (AF F1 84.5-85.3 against 85.2 without them), so they are
a standalone function. Also importable from :mod:`geoecg.features.af` and
:mod:`geoecg.features.af.record`.
"""

from __future__ import annotations

import numpy as np

from ..._validation import as_signal, check_sample_indices
from ...signal import bandpass

__all__ = ["ATRIAL_NAMES", "atrial_activity_features"]

#: Names of :func:`atrial_activity_features`, in order.
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
