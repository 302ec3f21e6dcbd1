"""Scoring wave delineation against reference boundaries (CSE-style Se, +P, mean +/- SD error).

A leaf module: arrays in, figures out (no database reader, no delineator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .matching import match_beats

__all__ = ["FiducialScore", "pool_scores", "score_fiducial"]


@dataclass(frozen=True)
class FiducialScore:
    """Matching of one fiducial type (e.g. QRS onset) in one or many strips.

    Attributes
    ----------
    tp, fp, fn : int
        Matched reference marks, unmatched detections, unmatched reference marks.
    errors_ms : ndarray of float64
        ``detected - reference`` of every matched pair, ms.
    """

    tp: int
    fp: int
    fn: int
    errors_ms: np.ndarray

    @property
    def se(self) -> float:
        """Sensitivity, percent."""
        d = self.tp + self.fn
        return 100.0 * self.tp / d if d else float("nan")

    @property
    def ppv(self) -> float:
        """Positive predictivity, percent."""
        d = self.tp + self.fp
        return 100.0 * self.tp / d if d else float("nan")

    @property
    def mean_ms(self) -> float:
        """Mean error (bias), ms."""
        return float(np.mean(self.errors_ms)) if self.errors_ms.size else float("nan")

    @property
    def sd_ms(self) -> float:
        """Standard deviation of the error (ddof=1), ms."""
        return float(np.std(self.errors_ms, ddof=1)) if self.errors_ms.size > 1 else float("nan")

    def as_dict(self) -> dict:
        """Figures for tables and JSON (without the error array)."""
        return {
            "se": self.se, "ppv": self.ppv, "mean_ms": self.mean_ms, "sd_ms": self.sd_ms,
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }  # fmt: skip


def score_fiducial(reference, detected, fs, *, tolerance_ms=150.0, window=None) -> FiducialScore:
    """Match detected to reference marks of one fiducial type one-to-one.

    Parameters
    ----------
    reference : array_like of int
        Reference sample indices (e.g. the cardiologists' QRS onsets of one lead).
    detected : array_like of float
        Detected sample indices; NaN entries (absent waves) are dropped.
    fs : float
        Sampling rate, Hz.
    tolerance_ms : float, default 150
        Largest ``|detected - reference|`` of a match.
    window : (int, int), optional
        Score only ``[start, stop)`` (the annotated span), as in :func:`match_beats`.

    Examples
    --------
    >>> s = score_fiducial([100, 600], [105.0, float("nan"), 900.0], fs=500, window=(0, 1000))
    >>> s.tp, s.fp, s.fn, s.errors_ms.tolist()
    (1, 1, 1, [10.0])
    """
    det = np.asarray(detected, dtype=np.float64)
    det = np.round(det[np.isfinite(det)]).astype(np.int64)
    ref = np.asarray(reference, dtype=np.int64)
    m = match_beats(ref, det, fs, tolerance_ms, window=window)
    err = (m.pairs[:, 1] - m.pairs[:, 0]).astype(np.float64) * 1000.0 / fs
    return FiducialScore(tp=m.tp, fp=m.fp, fn=m.fn, errors_ms=err)


def pool_scores(scores) -> FiducialScore:
    """Pool several :class:`FiducialScore` (counts summed, errors concatenated)."""
    scores = list(scores)
    if not scores:
        return FiducialScore(0, 0, 0, np.zeros(0))
    return FiducialScore(
        tp=sum(s.tp for s in scores),
        fp=sum(s.fp for s in scores),
        fn=sum(s.fn for s in scores),
        errors_ms=np.concatenate([s.errors_ms for s in scores]),
    )
