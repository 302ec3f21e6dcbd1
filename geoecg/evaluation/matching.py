"""One-to-one beat matching (ANSI/AAMI EC57 style): TP, FP, FN, Se, +P, F1."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .._validation import check_sample_indices

__all__ = ["BeatMatch", "match_beats"]


@dataclass(frozen=True)
class BeatMatch:
    """Result of :func:`match_beats`.

    Attributes
    ----------
    tp, fp, fn : int
        Matched reference beats, unmatched detections, unmatched reference beats.
    se, ppv, f1 : float
        Sensitivity ``tp / (tp + fn)``, positive predictivity ``tp / (tp + fp)`` and
        ``F1 = 2 tp / (2 tp + fp + fn)``, in percent; NaN when the denominator is 0.
    pairs : ndarray of int64, shape (tp, 2)
        Sample positions ``(reference, detected)`` of each matched pair, in time order.
    """

    tp: int
    fp: int
    fn: int
    se: float
    ppv: float
    f1: float
    pairs: np.ndarray

    def as_dict(self) -> dict:
        """Counts and percentages (without the pairs), for tables and JSON."""
        return {k: getattr(self, k) for k in ("se", "ppv", "f1", "tp", "fp", "fn")}


def _pct(num: int, den: int) -> float:
    return 100.0 * num / den if den > 0 else float("nan")


def _as_positions(a, name: str) -> np.ndarray:
    """Sorted int64 sample indices (any order and repeats accepted, as are negative ones);
    the shared element check: NaN/inf/text raise a SampleIndexError (a ValueError and a
    TypeError), a fractional index a FractionalIndexError."""
    return np.sort(check_sample_indices(a, name, allow_negative=True), kind="stable")


def _greedy_match(ref: np.ndarray, det: np.ndarray, tol: int) -> tuple[np.ndarray, np.ndarray]:
    """Maximum one-to-one matching of sorted ``ref`` and ``det`` with ``|r - d| <= tol``."""
    ri = []
    di = []
    j = 0
    nd = det.shape[0]
    for i, r in enumerate(ref.tolist()):
        while j < nd and det[j] < r - tol:
            j += 1
        if j < nd and det[j] <= r + tol:
            ri.append(i)
            di.append(j)
            j += 1
    return np.asarray(ri, dtype=np.int64), np.asarray(di, dtype=np.int64)


def match_beats(reference, detected, fs, tolerance_ms: float = 150.0, *, window=None) -> BeatMatch:
    """Match detected beats to reference beats one-to-one within a tolerance.

    Parameters
    ----------
    reference, detected : array_like of int
        Sample indices of the reference (annotated) and detected beats; any order.
    fs : float
        Sampling frequency in Hz.
    tolerance_ms : float, default 150
        Largest ``|reference - detected|`` of a match, ms (EC57 uses 150 ms).
    window : (int, int) or None
        Count only the samples in ``[start, stop)``: a pair or an unmatched reference beat
        counts when the reference lies in the window, an unmatched detection when it lies
        in the window. Matching itself uses every beat, so a beat just outside the window
        still matches one just inside. EC57 ``bxb`` starts scoring 5 minutes in.

    Returns
    -------
    BeatMatch
        TP, FP, FN, Se, +P and F1 (percent) and the matched pairs.

    Notes
    -----
    Among all one-to-one matchings the one with the most pairs is returned: reference beats
    are taken in time order and each is paired with the earliest unmatched detection within
    the tolerance (optimal because every window has the same width). EC57's ``bxb`` pairs
    each reference with the closest detection instead; the two differ only where two beats of
    one sequence fall within one tolerance window of the other sequence's beat.

    Examples
    --------
    >>> m = match_beats([100, 400, 700], [102, 390, 500, 1000], fs=360)
    >>> m.tp, m.fp, m.fn
    (2, 2, 1)
    >>> round(m.f1, 2)
    57.14
    """
    if isinstance(fs, bool) or not isinstance(fs, numbers.Real) or not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"fs must be a positive number in Hz, got {fs!r}")
    if (
        isinstance(tolerance_ms, bool)
        or not isinstance(tolerance_ms, numbers.Real)
        or not tolerance_ms >= 0
    ):
        raise ValueError(f"tolerance_ms must be a number >= 0 (ms), got {tolerance_ms!r}")
    ref = _as_positions(reference, "reference")
    det = _as_positions(detected, "detected")
    tol = int(np.floor(tolerance_ms * float(fs) / 1000.0 + 1e-9))
    ri, di = _greedy_match(ref, det, tol)
    ref_matched = np.zeros(ref.shape[0], dtype=bool)
    ref_matched[ri] = True
    det_matched = np.zeros(det.shape[0], dtype=bool)
    det_matched[di] = True
    if window is None:
        in_ref = np.ones(ref.shape[0], dtype=bool)
        in_det = np.ones(det.shape[0], dtype=bool)
    else:
        start, stop = (int(v) for v in window)
        in_ref = (ref >= start) & (ref < stop)
        in_det = (det >= start) & (det < stop)
    keep_pair = in_ref[ri]
    pairs = np.stack([ref[ri][keep_pair], det[di][keep_pair]], axis=1).reshape(-1, 2)
    tp = int(keep_pair.sum())
    fn = int((~ref_matched & in_ref).sum())
    fp = int((~det_matched & in_det).sum())
    return BeatMatch(
        tp=tp,
        fp=fp,
        fn=fn,
        se=_pct(tp, tp + fn),
        ppv=_pct(tp, tp + fp),
        f1=_pct(2 * tp, 2 * tp + fp + fn),
        pairs=pairs.astype(np.int64),
    )
