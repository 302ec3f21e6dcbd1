"""Beat templates: the other leads' median beats of the nearest training records.

One limb lead does not determine the frontal axis or the chest leads linearly, but the shape
of its beat says much about them (a deep S in lead I, a notched R ...).
:class:`geoecg.leads.LeadReconstructor` with ``template_neighbors=k`` finds, for a record,
the ``k`` training records whose median source beat (aligned on the R-peaks detected on the
source leads, -0.25 .. +0.45 s) is nearest in Euclidean distance, averages their median beats
of the missing leads, and blends that template with the linear prediction at every sample
within the window of its nearest R-peak (a nonparametric beat-template regression).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TEMPLATE_WINDOW_S", "median_beats", "blend_templates"]

#: Window (s) of the median beat around each R-peak: before, after.
TEMPLATE_WINDOW_S = (0.25, 0.45)


def _window(fs: float) -> tuple[int, int]:
    return int(round(TEMPLATE_WINDOW_S[0] * fs)), int(round(TEMPLATE_WINDOW_S[1] * fs))


def median_beats(X, src_idx, fs):
    """Median beat of every lead around the R-peaks detected on the source leads.

    Parameters
    ----------
    X : ndarray, shape (n_records, n_leads, n_samples)
        Signals (mV); each record is centred per lead first.
    src_idx : sequence of int
        Leads on which R-peaks are detected (:func:`geoecg.features.detect_rpeaks`).
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    beats : ndarray, shape (n_records, n_leads, n_window)
        Median over the beats whose whole window lies in the record; NaN without one.
    peaks : list of ndarray of int
        All detected R-peaks per record (sample indices).
    """
    from ..features import detect_rpeaks

    pre, post = _window(fs)
    n, L, T = X.shape
    beats = np.full((n, L, pre + post), np.nan)
    peaks = []
    for k in range(n):
        x = X[k] - X[k].mean(axis=-1, keepdims=True)
        r = np.asarray(detect_rpeaks(x[list(src_idx)], fs).indices, dtype=np.int64)
        peaks.append(r)
        full = r[(r >= pre) & (r < T - post)]
        if full.size:
            beats[k] = np.median(x[:, full[:, None] + np.arange(-pre, post)], axis=1)
    return beats, peaks


def _offsets(r, T):
    """Signed offset (samples) of every sample from its nearest R-peak."""
    t = np.arange(T)
    j = np.searchsorted(r, t)
    prev = r[np.clip(j - 1, 0, r.size - 1)]
    nxt = r[np.clip(j, 0, r.size - 1)]
    big = np.iinfo(np.int64).max
    d_prev = np.where(j > 0, t - prev, big)
    d_next = np.where(j < r.size, nxt - t, big)
    return np.where(d_prev <= d_next, d_prev, -d_next)


def blend_templates(pred, keys, peaks, bank_keys, bank_beats, k, weight, fs, exclude=None):
    """Blend the nearest-neighbour template into the linear prediction, in place.

    Parameters
    ----------
    pred : ndarray, shape (n_records, n_target, n_samples)
        Linear prediction of the missing leads (modified).
    keys : ndarray, shape (n_records, n_key)
        Median source beats, flattened (NaN rows: no template, prediction kept).
    peaks : list of ndarray
        R-peaks per record (from :func:`median_beats`).
    bank_keys, bank_beats : ndarray, shapes (n_bank, n_key), (n_bank, n_target, n_window)
        Training records' median source beats and median beats of the missing leads.
    k : int
        Neighbours averaged (at most ``n_bank``).
    weight : float
        Weight of the template, ``(1 - weight)`` of the linear prediction.
    fs : float
        Sampling frequency, Hz.
    exclude : ndarray of int, optional
        Bank row to leave out per record (the record itself when predicting training
        records; -1 for none).

    Returns
    -------
    ndarray
        ``pred``.
    """
    pre, post = _window(fs)
    T = pred.shape[-1]
    for i in np.flatnonzero(np.isfinite(keys).all(axis=1)):
        d = ((bank_keys - keys[i]) ** 2).sum(axis=1)
        if exclude is not None and exclude[i] >= 0:
            d[exclude[i]] = np.inf
        kk = min(int(k), int(np.isfinite(d).sum()))
        if kk < 1 or peaks[i].size == 0:
            continue
        tmpl = bank_beats[np.argpartition(d, kk - 1)[:kk]].mean(axis=0)
        off = _offsets(peaks[i], T)
        ok = (off >= -pre) & (off < post)
        pred[i][:, ok] = (1.0 - weight) * pred[i][:, ok] + weight * tmpl[:, off[ok] + pre]
    return pred
