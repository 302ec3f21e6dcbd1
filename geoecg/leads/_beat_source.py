"""The source lead as the maps read it: each beat pulled towards the record's median beat.

Within a beat window, a single source lead is the record's recurring beat plus what differs
from beat to beat (noise, residual wander, alignment jitter; about 7 % of the energy in the
windows of PTB-XL folds 1-8 at 100 Hz, median over records). A linear map passes that
residual on to every reconstructed lead, where nothing in the true leads matches it.
:class:`geoecg.leads.LeadReconstructor` with ``source_beats=w`` (population method, one
source lead) replaces, at every sample within -0.25 .. +0.45 s of its nearest R-peak, the
centred source by ``(1 - w) s + w g_j b``: ``b`` the record's median source beat
(:func:`geoecg.leads._templates.median_beats`), ``g_j`` its least-squares gain on beat ``j``
(so the beat-to-beat amplitude, e.g. with respiration, is kept). A beat whose samples
correlate with ``b`` below :data:`MIN_BEAT_R` (an ectopic beat, an artefact) is left as it
is, and so is every record with fewer than :data:`MIN_FULL_BEATS` whole beats (no median
beat to trust: beat-free or very short records are read as they are). The same source is
used to fit the maps (population and neighbour maps) and to apply them.
"""

from __future__ import annotations

import numpy as np

from ._templates import _offsets, _window

__all__ = ["MIN_BEAT_R", "MIN_FULL_BEATS", "beat_synchronous_source"]

#: Correlation (Pearson r) of a beat's samples with the median beat below which the beat is
#: left as recorded.
MIN_BEAT_R = 0.8
#: Whole beats (window inside the record) a record needs for its median beat to be used.
MIN_FULL_BEATS = 3


def beat_synchronous_source(S, beats, peaks, fs, weight):
    """Pull every beat of a single source lead towards the record's median beat.

    Parameters
    ----------
    S : ndarray, shape (n_records, 1, n_samples)
        Source lead (mV).
    beats : ndarray, shape (n_records, n_window)
        Median source beat per record (mV, of the centred record; NaN without one), R-peak at
        sample ``round(0.25 fs)`` of the window (:func:`geoecg.leads._templates.median_beats`).
    peaks : list of ndarray of int
        R-peaks per record (sample indices), those the median beats were taken at.
    fs : float
        Sampling frequency, Hz.
    weight : float
        Weight ``w`` of the gained median beat, in [0, 1]; 0 returns ``S`` unchanged.

    Returns
    -------
    ndarray, shape (n_records, 1, n_samples)
        A new array: each record centred, with its beats pulled towards the median beat; the
        records without ``MIN_FULL_BEATS`` whole beats (or without a median beat) are
        returned as given (not centred: the maps centre every record themselves).
    """
    S = np.asarray(S, dtype=float)
    out = S.copy()
    if weight == 0:
        return out
    pre, post = _window(fs)
    n, _, T = S.shape
    for i in range(n):
        r = np.asarray(peaks[i], dtype=np.int64)
        b = beats[i]
        if not np.isfinite(b).all() or ((r >= pre) & (r < T - post)).sum() < MIN_FULL_BEATS:
            continue
        s = S[i, 0] - S[i, 0].mean()
        off = _offsets(r, T)
        inw = np.flatnonzero((off >= -pre) & (off < post))
        if inw.size == 0:
            continue
        tb = b[off[inw] + pre]
        # the beat of every in-window sample: index of its nearest R-peak
        beat = np.searchsorted(r, inw - off[inw])
        sb, tt, ss = (
            np.bincount(beat, v, minlength=r.size) for v in (s[inw] * tb, tb * tb, s[inw] ** 2)
        )
        cnt = np.bincount(beat, minlength=r.size)
        sum_s = np.bincount(beat, s[inw], minlength=r.size)
        sum_t = np.bincount(beat, tb, minlength=r.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = sb - sum_s * sum_t / cnt
            vs = ss - sum_s**2 / cnt
            vt = tt - sum_t**2 / cnt
            corr = cov / np.sqrt(vs * vt)
            gain = sb / tt
        use = np.isfinite(corr) & (corr >= MIN_BEAT_R) & np.isfinite(gain) & (cnt >= 3)
        sel = use[beat]
        new = s.copy()
        k = inw[sel]
        new[k] = (1.0 - weight) * s[k] + weight * gain[beat[sel]] * tb[sel]
        out[i, 0] = new
    return out
