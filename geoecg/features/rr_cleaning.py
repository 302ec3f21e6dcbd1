"""RR artefact detection and correction (Lipponen & Tarvainen 2019)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels.hrv_clean import classify_rr
from .hrv import check_rr

__all__ = ["RRCleaning", "clean_rr", "ARTEFACT_KINDS"]

#: Label of each artefact code returned in :attr:`RRCleaning.kind`.
ARTEFACT_KINDS = ("normal", "ectopic", "long", "short", "missed", "extra")


@dataclass(frozen=True)
class RRCleaning:
    """Result of :func:`clean_rr`.

    Attributes
    ----------
    rr_ms : ndarray of float64, shape (n,)
        Corrected series (same length and alignment as the input).
    changed : ndarray of bool, shape (n,)
        True where the interval was flagged and replaced.
    kind : ndarray of str, shape (n,)
        One of :data:`~geoecg.features.rr_cleaning.ARTEFACT_KINDS` per interval
        (``"normal"`` for NaN input values).
    """

    rr_ms: np.ndarray
    changed: np.ndarray
    kind: np.ndarray

    @property
    def n_changed(self) -> int:
        return int(self.changed.sum())


def clean_rr(
    rr_ms,
    *,
    correct: str = "interpolate",
    alpha: float = 5.2,
    c1: float = 0.13,
    c2: float = 0.17,
) -> RRCleaning:
    """Detect ectopic, long, short, missed and extra beats in an RR series and correct them.

    Parameters
    ----------
    rr_ms : array_like of float, shape (n,)
        RR intervals in ms; NaN values are left as they are and ignored by the detector.
    correct : {"interpolate", "nan"}
        Replace each flagged interval by linear interpolation (in beat index) between its
        unflagged neighbours, or by NaN.
    alpha : float, default 5.2
        Threshold multiplier of the quartile deviation (Lipponen & Tarvainen 2019).
    c1, c2 : float, default 0.13, 0.17
        Slope and offset of the ectopic decision lines.

    Returns
    -------
    RRCleaning

    Notes
    -----
    Method: Lipponen JA, Tarvainen MP (2019), *A robust algorithm for heart rate
    variability time series artefact correction using novel beat classification*, J Med
    Eng Technol 43(3):173-181. Successive differences dRR and deviations from an 11-beat
    median mRR are normalised by time-varying thresholds ``alpha * QD`` over 91 beats
    (QD = quartile deviation); the pair (dRR_j, dRR_{j+-1}) separates ectopic beats, and
    ``|mRR|`` and the next two dRR separate long/short intervals, which are classed as missed
    (RR/2 close to the median) or extra (RR_j + RR_{j+1} close to the median) beats.
    Unlike Kubios, missed and extra beats are interpolated rather than split or merged,
    so that the output keeps one value per input interval (beat alignment is kept; the
    summed duration of a corrected missed/extra beat is not).

    Examples
    --------
    >>> rr = np.full(60, 800.0) + 10 * np.sin(np.arange(60))
    >>> rr[30], rr[31] = 500.0, 1100.0          # a premature beat and its pause
    >>> res = clean_rr(rr)
    >>> res.kind[30:32].tolist(), res.changed[28:34].tolist()
    (['short', 'ectopic'], [False, False, True, True, False, False])
    >>> bool(np.all(np.abs(res.rr_ms[30:32] - 800) < 20))
    True
    """
    rr = check_rr(rr_ms)
    if correct not in ("interpolate", "nan"):
        raise ValueError(f"correct must be 'interpolate' or 'nan', got {correct!r}")
    for name, v in (("alpha", alpha), ("c1", c1), ("c2", c2)):
        if not (np.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be a non-negative number, got {v}")
    fin = np.flatnonzero(np.isfinite(rr))
    codes = np.zeros(rr.size, dtype=np.int64)
    codes[fin] = classify_rr(np.ascontiguousarray(rr[fin]), float(alpha), float(c1), float(c2))
    changed = codes > 0
    out = rr.copy()
    if changed.any():
        if correct == "nan":
            out[changed] = np.nan
        else:
            good = np.flatnonzero(np.isfinite(rr) & ~changed)
            if good.size >= 1:
                idx = np.flatnonzero(changed)
                out[idx] = np.interp(idx, good, rr[good])
            else:
                out[changed] = np.nan
    kind = np.asarray(ARTEFACT_KINDS, dtype=object)[codes].astype(str)
    for a in (out, changed, kind):
        a.setflags(write=False)
    return RRCleaning(rr_ms=out, changed=changed, kind=kind)
