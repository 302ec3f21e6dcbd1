"""Fiducial order of :func:`geoecg.features.delineate` (rule AD, registry items 36-37).

Guarantees, per lead and for the global boundary, among the finite values of a beat::

    P_on <= P_peak <= P_off <= QRS_on, QRS_off <= T_on <= T_peak <= T_off

Before this pass a lead's T peak could lie after its T offset (LUDB tuning half: 481 of 6,359
lead-beats, 354 of them rule N's T offset copied from the global one) and the global T onset or
offset on the wrong side of the global T peak (7 and 9 of 530 beats): the lead had read a later
deflection (median 204 ms after the cardiologist's T peak) while its offset was right.
Clamping the peak into the wave (item 35) hid the violation but scored worse; here a peak
outside its wave is searched again inside it, or reported absent:

1. a P or T whose onset lies after its offset (a copied global T offset before the lead's own
   T onset) loses its onset and peak (the offset is kept);
2. a peak outside [onset, offset] is, per lead, the sample of the P/T-band signal farthest
   from the chord joining the signal at the onset and the offset, strictly inside them (NaN
   where there is none: a window of one or two samples, a straight or NaN stretch); for the
   global boundary, the median of the leads' peaks that lie inside the global window
   (rounded to a sample; NaN where no lead's peak does);
3. a P value after the QRS onset (or any later finite fiducial of the beat) or a T value
   before the QRS offset is set to NaN.

Every value set to NaN gets the reason ``out_of_order``; a re-searched peak keeps its reason.
"""

from __future__ import annotations

import numpy as np

from .._kernels import delineation as _k

_WAVES = ((_k.F_PON, _k.F_PPK, _k.F_POFF), (_k.F_TON, _k.F_TPK, _k.F_TOFF))


def _drop(s, r, mask, col) -> None:
    s[mask, col] = np.nan
    r[mask, col] = _k.R_ORDER


def _chord_peak(y: np.ndarray) -> float:
    """Index in ``y`` farthest from the chord of its ends, strictly inside (NaN: none)."""
    if y.size < 3 or not np.all(np.isfinite(y)):
        return np.nan
    dev = np.abs(y - np.linspace(y[0], y[-1], y.size))[1:-1]
    k = int(np.argmax(dev))
    return float(k + 1) if dev[k] > 0 else np.nan


def _order_waves(s, r, repeak) -> None:
    """Steps 1-3 on positions ``s`` (..., 12) in place; ``repeak(idx, col, on, off)`` -> peak."""
    for on_c, pk_c, off_c in _WAVES:
        on, off = s[..., on_c], s[..., off_c]
        inv = np.isfinite(on) & np.isfinite(off) & (on > off)
        _drop(s, r, inv & np.isfinite(s[..., pk_c]), pk_c)
        _drop(s, r, inv, on_c)
        on, pk = s[..., on_c], s[..., pk_c]
        with np.errstate(invalid="ignore"):
            out = np.isfinite(pk) & ((pk < on) | (pk > off))
        for idx in zip(*np.nonzero(out), strict=True):
            new = np.nan
            if np.isfinite(on[idx]) and np.isfinite(off[idx]):
                new = repeak(idx, pk_c, on[idx], off[idx])
            if np.isfinite(new):
                s[idx + (pk_c,)] = new
            else:
                s[idx + (pk_c,)] = np.nan
                r[idx + (pk_c,)] = _k.R_ORDER
    later = s[..., [_k.F_QON, _k.F_QOFF, _k.F_TON, _k.F_TPK, _k.F_TOFF]]
    with np.errstate(invalid="ignore"):
        first_later = np.where(np.isfinite(later), later, np.inf).min(axis=-1)
        for c in (_k.F_PON, _k.F_PPK, _k.F_POFF):
            _drop(s, r, s[..., c] > first_later, c)
        qrs = s[..., [_k.F_QON, _k.F_QOFF]]
        last_qrs = np.where(np.isfinite(qrs), qrs, -np.inf).max(axis=-1)
        for c in (_k.F_TON, _k.F_TPK, _k.F_TOFF):
            _drop(s, r, s[..., c] < last_qrs, c)


def fiducials_in_order(lead_s, lead_r, g, gr, xw, use) -> None:
    """Put the P and T fiducials of every lead and of the global boundary in order (in place).

    Parameters
    ----------
    lead_s, lead_r : ndarray, shape (n_leads, n_beats, 12)
        Per-lead positions (working-rate samples, calibrated) and reason codes.
    g, gr : ndarray, shape (n_beats, 12)
        Global positions and reason codes.
    xw : ndarray, shape (n_leads, n_samples)
        P/T-band signal at the working rate (NaN in gaps).
    use : ndarray of int
        Leads combined into the global boundary.
    """

    def lead_peak(idx, col, on, off):
        j, _ = idx
        a, b = int(round(on)), int(round(off))
        k = _chord_peak(xw[j, a : b + 1])
        return a + k

    _order_waves(lead_s, lead_r, lead_peak)

    def global_peak(idx, col, on, off):
        p = lead_s[use, idx[0], col]
        p = p[np.isfinite(p) & (p >= on) & (p <= off)]
        return float(np.round(np.median(p))) if p.size else np.nan

    _order_waves(g, gr, global_peak)
