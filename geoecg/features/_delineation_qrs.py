"""QRS onset walked on the derivative of the unfiltered signal (rule AB, registry items 33, 34).

Private helper of :func:`geoecg.features.delineate`. The per-lead QRS onset found on the
QRS-band signal (0.5-40 Hz) is replaced, after every other wave has been placed from it, by
the same threshold walk on the derivative of the unfiltered signal (span :data:`RAW_SPAN_S`
each side), kept within :data:`RAW_CLAMP_S` of the band-pass onset; the global QRS onset is
then the mean of the new lead onsets and the global P offset is kept at or before it. Only
the QRS-onset column moves (and a P offset that would lie after the new onset).

Item 34: a lead-beat keeps its band-pass onset where the derivative's part above the QRS band
(unfiltered minus QRS-band derivative) is large just before the onset: its median magnitude
over the :data:`RAW_NOISE_S` before the earliest allowed onset above :data:`RAW_NOISE_MAX`
times the walk's stopping level (``qrs_on_lo`` times the beat's steepest unfiltered slope).
White noise or mains hum of 0.05 mV would otherwise carry the walk earlier.
"""

from __future__ import annotations

import numpy as np

from .._kernels import delineation as _k

#: Half-span of the central difference on the unfiltered signal, s (3 samples at 500 Hz).
RAW_SPAN_S = 0.006
#: Largest move of a lead's QRS onset from its band-pass value, s (3 samples at 500 Hz).
RAW_CLAMP_S = 0.006
#: Stretch before the earliest allowed onset where the noise above the QRS band is read, s.
RAW_NOISE_S = 0.02
#: Largest median of that noise, in units of the walk's stopping level (item 34, chosen by a
#: nested choice on LUDB `tune` among 1, 1.5, 2, 3, 4).
RAW_NOISE_MAX = 1.5


def raw_qrs_onsets(filled, bad, dq, lead_s, g, rpw, par, lo_min, shift, use, wfs) -> None:
    """Replace the lead and global QRS onsets by rule AB's (in place).

    Parameters
    ----------
    filled, bad : ndarray, shape (n_leads, n_samples)
        The signal at the working rate with gaps filled (mV), and the mask of gap samples.
    dq : ndarray, shape (n_leads, n_samples)
        Derivative of the QRS-band signal, mV per working-rate sample (NaN in gaps).
    lead_s : ndarray, shape (n_leads, n_beats, 12)
        Per-lead positions (working-rate samples, calibration shift applied).
    g : ndarray, shape (n_beats, 12)
        Global positions, same units.
    rpw : ndarray of int64
        R-peaks at the working rate.
    par, lo_min : ndarray
        The kernel's settings array and the beats' earliest QRS search starts.
    shift : ndarray, shape (12,)
        Calibration per fiducial, ms.
    use : ndarray of int
        Leads combined into the global boundary.
    wfs : float
        Working rate, Hz.
    """
    k = max(1, round(RAW_SPAN_S * wfs))
    clamp = float(max(1, round(RAW_CLAMP_S * wfs)))
    n = filled.shape[1]
    if n <= 2 * k:
        return
    raw = np.where(bad, np.nan, filled) if bad.any() else filled
    dr = np.zeros_like(raw)
    dr[:, k:-k] = (raw[:, 2 * k :] - raw[:, : -2 * k]) / (2.0 * k)
    hf = dr - dq
    nwin = max(2, round(RAW_NOISE_S * wfs))
    sh = float(np.round(shift[_k.F_QON] * wfs / 1000.0))
    out = np.empty(lead_s.shape[1])
    for j in range(lead_s.shape[0]):
        on_in = np.ascontiguousarray(lead_s[j, :, _k.F_QON] - sh)
        _k.raw_qrs_onsets(dr[j], hf[j], rpw, par, lo_min, on_in, clamp, nwin, RAW_NOISE_MAX, out)
        lead_s[j, :, _k.F_QON] = np.clip(out + sh, 0, n - 1)
    with np.errstate(invalid="ignore"):
        lead_s[:, :, _k.F_POFF] = np.fmin(lead_s[:, :, _k.F_POFF], np.where(
            np.isfinite(lead_s[:, :, _k.F_POFF]), lead_s[:, :, _k.F_QON], np.nan))  # fmt: skip
    has = np.isfinite(g[:, _k.F_QON])
    col = np.ascontiguousarray(lead_s[use][:, :, _k.F_QON : _k.F_QON + 1])
    new = _k.combine_leads(lead_s=col, q=np.zeros(1), use_mean=np.ones(1, dtype=np.bool_))
    g[has, _k.F_QON] = new[has, 0]
    with np.errstate(invalid="ignore"):
        g[:, _k.F_POFF] = np.fmin(g[:, _k.F_POFF], np.where(
            np.isfinite(g[:, _k.F_POFF]), g[:, _k.F_QON], np.nan))  # fmt: skip
