"""Beat phase of every sample: its signed distance (s) to the nearest R-peak, binned.

Used by :class:`geoecg.leads.LeadReconstructor` (``phase_edges_s=``) to fit one linear map
per beat phase (P wave, QRS onset, R, QRS end, ST, T ...): a piecewise-linear model in time
whose pieces follow the heart beat (Zhu et al. 2018 fit such pieces per patient).
"""

from __future__ import annotations

import numpy as np

__all__ = ["BEAT_PHASE_EDGES_S", "beat_phase_index"]

#: Default bin edges (s) of the signed distance to the nearest R-peak: 10 phases from
#: "before the P wave" to "after the T wave"; negative = before the R-peak.
BEAT_PHASE_EDGES_S = (-0.25, -0.12, -0.05, -0.02, 0.02, 0.05, 0.12, 0.25, 0.45)
#: Phase index of the samples of a record without any detected beat (pooled weights).
NO_BEAT = -1


def beat_phase_index(S, fs, edges_s, rpeaks=None) -> np.ndarray:
    """Phase bin of every sample of every record, from R-peaks detected on the sources.

    Parameters
    ----------
    S : ndarray, shape (n_records, n_source, n_samples)
        Source leads (mV), finite.
    fs : float
        Sampling frequency, Hz.
    edges_s : sequence of float
        Increasing bin edges (s) of the signed distance to the nearest R-peak.
    rpeaks : list of int arrays, optional
        R-peaks per record (sample indices), when already detected on ``S``: one strictly
        increasing array per record, inside it (else a ValueError naming ``rpeaks``).

    Returns
    -------
    ndarray of int, shape (n_records, n_samples)
        ``0 .. len(edges_s)`` (``numpy.digitize`` of the distance); ``-1`` for every sample
        of a record in which :func:`geoecg.features.detect_rpeaks` finds no beat.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(1000) / 100.0
    >>> x = np.exp(-((t[None, None] % 1.0 - 0.5) ** 2) / 2e-4)  # one spike a second
    >>> p = beat_phase_index(x, 100.0, BEAT_PHASE_EDGES_S)
    >>> int(p[0, 150]), int(p[0, 440]), int(p[0, 500])  # R-peaks at 0.5 s + k s
    (4, 2, 9)
    """
    from .._validation import as_signal, check_fs, check_rpeaks
    from ..features import detect_rpeaks

    S, fs = as_signal(S, "S", ndims=(3,)), check_fs(fs)
    if rpeaks is not None and len(rpeaks) != S.shape[0]:
        raise ValueError(f"rpeaks must hold one array per record ({S.shape[0]}), got {len(rpeaks)}")
    edges = as_signal(edges_s, "edges_s", ndims=(1,))
    if np.isnan(edges).any() or (np.diff(edges) <= 0).any():
        raise ValueError(f"edges_s must be finite and strictly increasing (s), got {edges_s}")
    n, _, T = S.shape
    out = np.full((n, T), NO_BEAT, dtype=np.int64)
    t = np.arange(T)
    for k in range(n):
        if rpeaks is None:
            r = detect_rpeaks(S[k], fs).indices
        else:
            r = check_rpeaks(rpeaks[k], T, f"rpeaks[{k}]")
        if r.size == 0:
            continue
        j = np.searchsorted(r, t)
        prev = r[np.clip(j - 1, 0, r.size - 1)]
        nxt = r[np.clip(j, 0, r.size - 1)]
        d_prev = np.where(j > 0, t - prev, np.iinfo(np.int64).max)
        d_next = np.where(j < r.size, nxt - t, np.iinfo(np.int64).max)
        signed = np.where(d_prev <= d_next, d_prev, -d_next) / fs
        out[k] = np.digitize(signed, edges)
    return out
