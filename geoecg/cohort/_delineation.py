"""Record-level interval summary of a :class:`geoecg.features.delineation.Delineation`."""

from __future__ import annotations

import warnings

import numpy as np


def interval_summary(d, rec) -> np.ndarray:
    """``[PR, QRS, QT, QTc (Bazett), P fraction, T fraction]`` of the global fiducials.

    PR = QRS onset - P onset, QRS = QRS offset - QRS onset, QT = T offset - QRS onset (ms,
    medians over beats); QTc = QT / sqrt(median RR in s); fractions of beats with a P
    (T) peak. NaN where no beat has the fiducials.
    """
    from ..features.delineation import FIDUCIALS

    f = {n: i for i, n in enumerate(FIDUCIALS)}
    s = np.asarray(d.samples, dtype=np.float64) * (1000.0 / rec.fs)
    out = np.full(6, np.nan)
    if s.shape[0] == 0:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns -> NaN
        pr = np.nanmedian(s[:, f["QRS_on"]] - s[:, f["P_on"]])
        qrs = np.nanmedian(s[:, f["QRS_off"]] - s[:, f["QRS_on"]])
        qt = np.nanmedian(s[:, f["T_off"]] - s[:, f["QRS_on"]])
    rr = np.diff(rec.rpeaks) / rec.fs
    out[:3] = [pr, qrs, qt]
    if rr.size and np.isfinite(qt):
        out[3] = qt / np.sqrt(float(np.median(rr)))
    out[4] = float(np.mean(np.isfinite(s[:, f["P_peak"]])))
    out[5] = float(np.mean(np.isfinite(s[:, f["T_peak"]])))
    return out
