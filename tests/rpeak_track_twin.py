"""NumPy twin of the tracking of noisy stretches: the library's code until session 23
(``geoecg.features._rpeaks_run._track_noisy`` / ``_track_select``), which two kernels around
NumPy's logarithm replaced in session 24 (``tests/test_rpeaks_track_noisy.py``)."""

from __future__ import annotations

import numpy as np

from geoecg._kernels.rpeaks_track import track_beats
from geoecg.features import rpeaks as R


def twin_track_select(cand, h, idx, thr_c, is_beat, w, plan):
    """Stage 6 in one noisy stretch after its inputs, in NumPy (the library's
    ``_track_select`` until session 23); new (beat indices, thresholds)."""
    sel = np.flatnonzero(is_beat | (h > R._TRACK_MIN_FRAC * thr_c))
    lg = np.log(h[sel] / np.maximum(thr_c[sel], R._TINY))
    ev = np.where(is_beat[sel], np.maximum(lg, R._TRACK_GMIN), np.minimum(lg, 0.0) - R._TRACK_PEN)
    keep = track_beats(
        positions=cand[sel],
        evidence=ev,
        weight=w[sel],
        refractory=plan.refr,
        max_gap=R._TRACK_MAX_GAP_S * plan.fs_d,
        rr0=float(np.median(np.diff(cand[idx]))),
        beta=R._TRACK_BETA,
        dead=R._TRACK_DEAD,
    )
    out = sel[keep]
    return out, thr_c[out]


def twin_track_noisy(cand, h, coff, idx, thr, boff, thr_c, w, noisy, plan):
    """``_track_noisy`` as it was until session 23: each noisy stretch by
    :func:`twin_track_select`, the parts concatenated."""
    idx_parts, thr_parts = [], []
    for r in range(noisy.shape[0]):
        c, b = slice(coff[r], coff[r + 1]), slice(boff[r], boff[r + 1])
        i, t = idx[b], thr[b]
        if noisy[r]:
            is_beat = np.zeros(coff[r + 1] - coff[r], dtype=bool)
            is_beat[i] = True
            i, t = twin_track_select(cand[c], h[c], i, thr_c[c], is_beat, w[c], plan)
        idx_parts.append(i)
        thr_parts.append(t)
    sizes = [0] + [p.shape[0] for p in idx_parts]
    return np.concatenate(idx_parts), np.concatenate(thr_parts), np.cumsum(sizes)
