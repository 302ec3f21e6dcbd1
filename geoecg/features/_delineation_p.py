"""Lead combination and the P-wave steps of :func:`geoecg.features.delineate` (private).

The per-lead kernel output is combined into the global boundary (:func:`combine`), and the
P waves go through the record-level steps the module docstring of
:mod:`geoecg.features.delineation` describes: the lead rhythm test (:func:`p_rhythm`), the
atrial-rhythm test (:func:`p_atrial_rhythm`, rule C), the record P window
(:func:`p_record_window`, rule M2) and the per-lead search inside the global P window
(:func:`p_in_global_window`, rule L), after the atrial-flutter test of the record
(:func:`p_flutter`, rule R). Every function works in place on the working-rate arrays of
:func:`~geoecg.features.delineate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .._kernels import delineation as _k

if TYPE_CHECKING:
    from .delineation import DelineationSettings

__all__ = [
    "combine", "p_atrial_rhythm", "p_flutter", "p_in_global_window", "p_record_window",
    "p_rhythm",
]  # fmt: skip

_ONSETS = (_k.F_PON, _k.F_QON, _k.F_TON)
_OFFSETS = (_k.F_POFF, _k.F_QOFF, _k.F_J, _k.F_TOFF)
_P_COLS = (_k.F_PON, _k.F_PPK, _k.F_POFF)
_MIN_RHYTHM_BEATS = 8  # fewest beats for the atrial-rhythm test
_MEDIAN = np.full(len(_k.FIDUCIALS), 0.5)  # peaks: the median of the lead values
# rule R (registry item 20): atrial cycles looked for, the RMS-ratio band of a matching beat,
# the fewest matching beats of a record read as flutter
_FLUTTER_LAG_MS = (150.0, 350.0)
_FLUTTER_RATIO = (0.5, 2.0)
_FLUTTER_MIN_MATCH = 3


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


def p_flutter(g, gr, lead_s, lead_r, xw, shift, st: DelineationSettings, wfs) -> bool:
    """Remove every P of a record whose P windows repeat one atrial cycle earlier (in place).

    Rule R of the delineation benchmark page (registry item 20): in atrial flutter the wave
    read as a P is one of a train of identical atrial waves, so the same wave appears one
    atrial cycle earlier, in the TP segment, where a sinus P has only the flat baseline.

    Parameters
    ----------
    g, gr : ndarray, shape (n_beats, 12)
        Global fiducials (working-rate samples, with the ``shift`` calibration) and their
        reason codes.
    lead_s, lead_r : ndarray, shape (n_leads, n_beats, 12)
        Per-lead fiducials and reason codes, as ``g`` and ``gr``.
    xw : ndarray, shape (n_use, n_samples)
        P/T-band signal of the leads that form the global boundary (working rate; NaN in gaps).
    shift : ndarray, shape (12,)
        ``settings.shift_ms`` (ms), taken out of ``g`` before the windows are cut.
    st : DelineationSettings
        ``p_flutter_r`` is the correlation a beat must reach.
    wfs : float
        Working rate (Hz).

    Returns
    -------
    bool
        True when the record was read as atrial flutter (every P removed, reason
        ``atrial_flutter_waves``).

    Notes
    -----
    Per beat with a global P and a previous beat with a global T offset: the leads' segments
    of ``xw`` in the global P window (P onset to P offset), each minus its mean, concatenated,
    are correlated with the same window moved ``L`` earlier, ``L`` from 150 to 350 ms (atrial
    rates of 170-400/min) as long as the earlier window starts at or after the previous T
    offset. The beat matches when, at the ``L`` of the largest Pearson correlation ``r``,
    ``r >= p_flutter_r`` and the RMS ratio (earlier over candidate) is in 0.5-2. A record of
    at least 8 beats with at least 3 matching beats, and matches in at least half of its
    beats with a global P, is read as atrial flutter.
    """
    nb = g.shape[0]
    if nb < _MIN_RHYTHM_BEATS:
        return False
    sh = np.round(shift * wfs / 1000.0)
    on_all = g[:, _k.F_PON] - sh[_k.F_PON]
    off_all = g[:, _k.F_POFF] - sh[_k.F_POFF]
    toff_all = g[:, _k.F_TOFF] - sh[_k.F_TOFF]
    has_p = np.isfinite(on_all) & np.isfinite(off_all)
    n_p = int(has_p.sum())
    if n_p < _FLUTTER_MIN_MATCH:
        return False
    lo, hi = (round(v * wfs / 1000.0) for v in _FLUTTER_LAG_MS)
    need = max(_FLUTTER_MIN_MATCH, 0.5 * n_p)
    beats = np.nonzero(has_p[1:] & np.isfinite(toff_all[:-1]))[0] + 1
    n_match = 0
    for k, b in enumerate(beats):
        if n_match + beats.size - k < need:
            return False  # too few beats left to read the record as flutter
        on, off, toff = int(on_all[b]), int(off_all[b]), int(toff_all[b - 1])
        top = min(hi, on - toff)  # the earlier window starts at or after the previous T offset
        a = xw[:, on : off + 1]
        if a.shape[1] < 3 or top < lo or not np.isfinite(a).all():
            continue
        a = a - a.mean(axis=1, keepdims=True)
        aa = np.dot(a.ravel(), a.ravel())
        if aa <= 0:
            continue
        # earlier windows, one per lag lo..top: sums from running sums, products from strided
        # views (start order, reversed to lag order at the end)
        w = a.shape[1]
        seg = xw[:, on - top : off + 1 - lo]
        cs = np.zeros((seg.shape[0], seg.shape[1] + 1))
        np.cumsum(seg, axis=1, out=cs[:, 1:])
        cs2 = np.zeros_like(cs)
        np.cumsum(seg * seg, axis=1, out=cs2[:, 1:])
        s1 = cs[:, w:] - cs[:, :-w]  # (n_leads, n_lags): each window's sum
        win = np.lib.stride_tricks.as_strided(
            seg, (seg.shape[0], s1.shape[1], w), (seg.strides[0], seg.strides[1], seg.strides[1])
        )  # win[j, i] = seg[j, i : i + w], a view
        bb = ((cs2[:, w:] - cs2[:, :-w]) - s1 * s1 / w).sum(axis=0)[::-1]
        ab = (np.einsum("jlw,jw->l", win, a) - a.sum(axis=1) @ s1 / w)[::-1]
        ok = np.isfinite(bb) & (bb > 0)
        if not ok.any():
            continue
        r = np.full(bb.shape, -np.inf)
        r[ok] = ab[ok] / np.sqrt(aa * bb[ok])
        i = int(np.argmax(r))
        ratio = np.sqrt(bb[i] / aa)
        n_match += bool(r[i] >= st.p_flutter_r and _FLUTTER_RATIO[0] <= ratio <= _FLUTTER_RATIO[1])
    if n_match < _FLUTTER_MIN_MATCH or n_match < 0.5 * n_p:
        return False
    for c in _P_COLS:
        gr[np.isfinite(g[:, c]) | (gr[:, c] == _k.R_NOP), c] = _k.R_FLUTTER
        g[:, c] = np.nan
        lead_r[np.isfinite(lead_s[:, :, c]) | (lead_r[:, :, c] == _k.R_NOP), c] = _k.R_FLUTTER
        lead_s[:, :, c] = np.nan
    return True


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
