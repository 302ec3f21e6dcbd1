"""Lead combination and the P-wave steps of :func:`geoecg.features.delineate` (private).

The per-lead kernel output is combined into the global boundary (:func:`combine`), and the
P waves go through the record-level steps the module docstring of
:mod:`geoecg.features.delineation` describes: the lead rhythm test (:func:`p_rhythm`), the
atrial-rhythm test (:func:`p_atrial_rhythm`, rule C), the record P window
(:func:`p_record_window`, rule M2) and the per-lead search inside the global P window
(:func:`p_in_global_window`, rule L). Every function works in place on the working-rate
arrays of :func:`~geoecg.features.delineate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._kernels import delineation as _k

if TYPE_CHECKING:
    from .delineation import DelineationSettings

__all__ = [
    "combine", "p_atrial_rhythm", "p_in_global_window", "p_record_window", "p_rhythm",
]  # fmt: skip

_ONSETS = (_k.F_PON, _k.F_QON, _k.F_TON)
_OFFSETS = (_k.F_POFF, _k.F_QOFF, _k.F_J, _k.F_TOFF)
_P_COLS = (_k.F_PON, _k.F_PPK, _k.F_POFF)
_MIN_RHYTHM_BEATS = 8  # fewest beats for the atrial-rhythm test
_MEDIAN = np.full(len(_k.FIDUCIALS), 0.5)  # peaks: the median of the lead values


def p_rhythm(lead_s: np.ndarray, lead_r: np.ndarray, fs: float, st: DelineationSettings):
    """Drop P waves whose PR time disagrees with the lead's median (in place)."""
    tol = st.p_pr_tol_ms * fs / 1000.0
    for j in range(lead_s.shape[0]):
        pr = lead_s[j, :, _k.F_QON] - lead_s[j, :, _k.F_PPK]
        has = np.isfinite(pr)
        if has.sum() < 3:
            if np.isfinite(lead_s[j, :, _k.F_QON]).sum() >= 5:
                bad = has  # one or two P waves in five or more beats: no rhythm to confirm
            else:
                continue
        else:
            bad = has & (np.abs(pr - np.median(pr[has])) > tol)
        if (has & ~bad).sum() < st.p_consistent * has.sum():
            bad = has
        for c in _P_COLS:
            lead_s[j, bad, c] = np.nan
            lead_r[j, bad, c] = _k.R_NOP


def combine(lead_s: np.ndarray, lead_r: np.ndarray, st: DelineationSettings):
    """Global boundary per beat (mean of the lead onsets / offsets, median of the peaks) with
    reason codes, the P-offset <= QRS-onset <= ... order, and the global P vote."""
    n_leads, nb, nf = lead_s.shape
    reason = np.zeros((nb, nf), dtype=np.int8)
    use_mean = np.zeros(nf, dtype=np.bool_)
    use_mean[list(_ONSETS + _OFFSETS)] = True
    out = _k.combine_leads(lead_s=np.ascontiguousarray(lead_s), q=_MEDIAN, use_mean=use_mean)
    for b, c in zip(*np.nonzero(~np.isfinite(out)), strict=True):
        # where no lead measured it: the most common lead reason
        codes = lead_r[:, b, c]
        codes = codes[codes > 0]
        reason[b, c] = np.bincount(codes).argmax() if codes.size else _k.R_NAN
    # one order per beat: P_off <= QRS_on <= ... <= J <= T_on
    with np.errstate(invalid="ignore"):
        out[:, _k.F_POFF] = np.fmin(
            out[:, _k.F_POFF], np.where(np.isfinite(out[:, _k.F_POFF]), out[:, _k.F_QON], np.nan)
        )
        out[:, _k.F_TON] = np.fmax(out[:, _k.F_TON], np.where(
            np.isfinite(out[:, _k.F_TON]), out[:, _k.F_J], np.nan))  # fmt: skip
    # P: present globally only with enough leads voting for it
    usable = np.isfinite(lead_s[:, :, _k.F_QON])
    n_use = np.maximum(usable.sum(axis=0), 1)
    share = np.isfinite(lead_s[:, :, _k.F_PPK]).sum(axis=0) / n_use
    nop = share < st.global_p_vote
    for c in _P_COLS:
        newly = nop & np.isfinite(out[:, c])
        out[newly, c] = np.nan
        reason[newly, c] = _k.R_NOP
    return out, reason


def p_atrial_rhythm(g, gr, lead_s, lead_r, rp, st: DelineationSettings) -> None:
    """Remove every P when the RR is irregular and P is in too few beats (in place)."""
    has_q = np.isfinite(g[:, _k.F_QON])
    if rp.shape[0] < _MIN_RHYTHM_BEATS or not has_q.any():
        return
    rr = np.diff(rp).astype(np.float64)
    irr = np.median(np.abs(np.diff(rr))) / np.median(rr)
    share = np.isfinite(g[has_q, _k.F_PPK]).mean()
    if irr < st.p_af_irr or share >= st.p_af_share:
        return
    for c in _P_COLS:
        gr[np.isfinite(g[:, c]), c] = _k.R_NOP
        g[:, c] = np.nan
        lead_r[np.isfinite(lead_s[:, :, c]), c] = _k.R_NOP
        lead_s[:, :, c] = np.nan


def p_record_window(lead_s, lead_r, g, gr, sig, par, shift, use, rp, st, wfs) -> None:
    """Beats with no global P: search the leads again inside the record's own P window."""
    xq, xw, dw = sig
    sh = np.round(shift * wfs / 1000.0)
    gu = g - sh
    has = np.isfinite(gu[:, _k.F_PON]) & np.isfinite(gu[:, _k.F_QON])
    if has.sum() < 3:
        return
    a = np.median(gu[has, _k.F_QON] - gu[has, _k.F_PON])
    b = max(np.median(gu[has, _k.F_QON] - gu[has, _k.F_POFF]), par[_k.P_P_GAP])
    rr = np.diff(rp).astype(np.float64)
    early = np.concatenate([[True], rr < st.p_rec_rr * np.median(rr)])
    beats = (gr[:, _k.F_PPK] == _k.R_NOP) & np.isfinite(g[:, _k.F_QON]) & ~early
    if not beats.any():
        return
    new = np.full((lead_s.shape[0], lead_s.shape[1], len(_k.FIDUCIALS)), np.nan)
    for j in range(lead_s.shape[0]):
        qon = lead_s[j, :, _k.F_QON] - sh[_k.F_QON]
        qoff = lead_s[j, :, _k.F_QOFF] - sh[_k.F_QOFF]
        miss = beats & np.isfinite(qon) & np.isfinite(qoff) & (lead_r[j, :, _k.F_PPK] == _k.R_NOP)
        if not miss.any():
            continue
        ps = np.where(miss, np.round(qon - a), -1).astype(np.int64)
        pe = np.where(miss, np.round(qon - b), -1).astype(np.int64)
        reason = np.zeros(new.shape[1:], dtype=np.int8)
        _k.p_in_window(
            xq=xq[j], xw=xw[j], dw=dw[j], qon=np.nan_to_num(qon), qoff=np.nan_to_num(qoff),
            ps=ps, pe=pe, par=par, out=new[j], reason=reason,
        )  # fmt: skip
        for c in _P_COLS:
            new[j, ~miss, c] = np.nan
            new[j, :, c] += sh[c]
    usable = np.isfinite(lead_s[use][:, :, _k.F_QON])
    share = np.isfinite(new[use][:, :, _k.F_PPK]).sum(axis=0) / np.maximum(usable.sum(axis=0), 1)
    ok = beats & (share >= st.global_p_vote) & (share > 0)
    if not ok.any():
        return
    use_mean = np.zeros(len(_k.FIDUCIALS), dtype=np.bool_)
    use_mean[list(_ONSETS + _OFFSETS)] = True
    comb = _k.combine_leads(lead_s=np.ascontiguousarray(new[use]), q=_MEDIAN, use_mean=use_mean)
    for c in _P_COLS:
        found = np.isfinite(new[:, :, c]) & ok[None, :]
        lead_s[:, :, c] = np.where(found, new[:, :, c], lead_s[:, :, c])
        lead_r[found, c] = _k.R_OK
        g[ok, c] = comb[ok, c]
        gr[ok, c] = _k.R_OK
    g[ok, _k.F_POFF] = np.fmin(g[ok, _k.F_POFF], g[ok, _k.F_QON])


def p_in_global_window(lead_s, lead_r, g, sig, par, shift, st: DelineationSettings, wfs) -> None:
    """Search again, inside the global P window, each lead without a P of a beat with one."""
    xq, xw, dw = sig
    sh = np.round(shift * wfs / 1000.0)
    par = par.copy()
    par[_k.P_P_MIN] *= st.p_lead_rel
    par[_k.P_P_NOISE] *= st.p_lead_rel
    par[_k.P_P_CHORD] = 1.0  # deflection against the chord of the window (rule P)
    gon = g[:, _k.F_PON] - sh[_k.F_PON]
    goff = g[:, _k.F_POFF] - sh[_k.F_POFF]
    for j in range(lead_s.shape[0]):
        qon = lead_s[j, :, _k.F_QON] - sh[_k.F_QON]
        qoff = lead_s[j, :, _k.F_QOFF] - sh[_k.F_QOFF]
        miss = (
            np.isfinite(gon) & np.isfinite(goff) & np.isfinite(qon) & np.isfinite(qoff)
            & (lead_r[j, :, _k.F_PPK] == _k.R_NOP)
        )  # fmt: skip
        if not miss.any():
            continue
        pe = np.fmin(goff, qon - par[_k.P_P_GAP])
        ps = np.where(miss, gon, -1).astype(np.int64)
        pe = np.where(miss, pe, -1).astype(np.int64)
        out = np.full((lead_s.shape[1], len(_k.FIDUCIALS)), np.nan)
        reason = np.zeros(out.shape, dtype=np.int8)
        _k.p_in_window(
            xq=xq[j], xw=xw[j], dw=dw[j], qon=np.nan_to_num(qon), qoff=np.nan_to_num(qoff),
            ps=ps, pe=pe, par=par, out=out, reason=reason,
        )  # fmt: skip
        found = miss & np.isfinite(out[:, _k.F_PPK])
        for c in _P_COLS:
            lead_s[j, found, c] = out[found, c] + sh[c]
            lead_r[j, found, c] = _k.R_OK
