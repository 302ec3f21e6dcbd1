"""Global QRS onset drawn halfway to the record's aligned median (rule AG, registry items 40, 41).

Private helper of :func:`geoecg.features.delineate`. After rule AB (the global QRS onset is the
mean of the leads' onsets on the unfiltered derivative), each beat is aligned to the median
beat of its block of consecutive beats: the lag (within :data:`ALIGN_LAG_S`) that maximises
the Pearson correlation of the beat's QRS-band segment (:data:`ALIGN_HALF_S` each side of the
R-peak, all combined leads, each lead's mean removed) with the block's median segment gives
the beat's anchor, R-peak plus lag. Among the beats whose correlation is at least
:data:`ALIGN_MIN_R` (same morphology; a premature ventricular beat or a flat strip is left
alone), the global QRS onset moves :data:`ALIGN_WEIGHT` of the way to the anchor plus the
median over those beats of onset minus anchor, when at least :data:`ALIGN_MIN_BEATS` beats
qualify; beats with a pacing stimulus (rule T) keep theirs. Only the global QRS-onset column
moves, and a global P offset that would lie after it is cut to it, as in rule AB.

On LUDB `tune` (session 28) the detector's onset varies from beat to beat of a record about
its aligned position (within-record SD 3.7 ms) partly independently of the cardiologists'
(record-grouped nested choice of the weight among 0, 0.25, 0.5, 0.75: 0.5 in 75 of 105
folds).
"""

from __future__ import annotations

import numpy as np

from .._kernels import delineation as _k

#: Half-length of the aligned QRS segment about the R-peak, s.
ALIGN_HALF_S = 0.08
#: Largest shift searched for a beat's alignment, s.
ALIGN_LAG_S = 0.02
#: Smallest correlation with the median beat for a beat to be aligned.
ALIGN_MIN_R = 0.9
#: Share of the way from the beat's own onset to the record's aligned onset.
ALIGN_WEIGHT = 0.5
#: Fewest aligned beats for the rule to act (in a block).
ALIGN_MIN_BEATS = 3
#: Most beats in one block (a template and a median offset each); longer records are split
#: into nearly equal blocks of consecutive beats.
ALIGN_BLOCK = 64


def _anchors(x, rpw, half, lag):
    """Anchor (R-peak plus best lag) and its correlation per beat of ``rpw`` (NaN: none).

    Item 41: the template is zero-mean per lead, so the numerator needs no centring of the
    beat's windows, and each window's sum of squares about its mean comes from cumulative
    sums (item 40 centred every lag's window: the same anchors, 2 ms of a 9-ms record).
    """
    nb = rpw.shape[0]
    anc = np.full(nb, np.nan)
    cor = np.full(nb, np.nan)
    n = x.shape[1]
    ok = (rpw - half - lag >= 0) & (rpw + half + lag < n)
    if not ok.any():
        return anc, cor
    idx = np.flatnonzero(ok)
    span = np.arange(-half - lag, half + lag)
    seg = x[:, rpw[idx][:, None] + span[None, :]]  # (n_leads, k, 2 (half + lag))
    fin = np.isfinite(seg).all(axis=(0, 2))
    idx, seg = idx[fin], seg[:, fin]
    if idx.size == 0:
        return anc, cor
    w = 2 * half
    tpl = np.median(seg[:, :, lag : lag + w], axis=1)  # (n_leads, 2 half)
    tpl = tpl - tpl.mean(axis=1, keepdims=True)
    tn = np.sqrt(np.sum(tpl * tpl))
    win = np.lib.stride_tricks.sliding_window_view(seg, w, axis=2)  # (L, k, 2 lag + 1, 2 half)
    num = np.einsum("lkjs,ls->kj", win, tpl)
    c1 = np.zeros(seg.shape[:2] + (seg.shape[2] + 1,))
    c2 = np.zeros_like(c1)
    np.cumsum(seg, axis=2, out=c1[:, :, 1:])
    np.cumsum(seg * seg, axis=2, out=c2[:, :, 1:])
    s1 = c1[:, :, w:] - c1[:, :, :-w]
    s2 = c2[:, :, w:] - c2[:, :, :-w]
    den = np.sqrt(np.maximum(s2 - s1 * s1 / w, 0.0).sum(axis=0)) * tn
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(den > 0, num / den, np.nan)
    good = np.isfinite(c).any(axis=1)
    best = np.argmax(np.where(np.isfinite(c), c, -np.inf), axis=1)
    anc[idx[good]] = rpw[idx[good]] + best[good] - lag
    cor[idx[good]] = c[good, best[good]]
    return anc, cor


def align_qrs_onsets(xq, g, rpw, spk, use, wfs) -> None:
    """Move each global QRS onset halfway to its block's aligned onset (rule AG; in place).

    Parameters
    ----------
    xq : ndarray, shape (n_leads, n_samples)
        QRS-band signal at the working rate (mV; NaN in gaps).
    g : ndarray, shape (n_beats, 12)
        Global positions (working-rate samples, calibration shift applied).
    rpw : ndarray of int64
        R-peaks at the working rate.
    spk : ndarray of int64, shape (n_beats,)
        Rule T's window starts (>= 0 where a pacing stimulus was found).
    use : ndarray of int
        Leads combined into the global boundary.
    wfs : float
        Working rate, Hz.
    """
    nb = rpw.shape[0]
    if nb < ALIGN_MIN_BEATS:
        return
    half = max(2, round(ALIGN_HALF_S * wfs))
    lag = max(1, round(ALIGN_LAG_S * wfs))
    x = xq[use]
    for blk in np.array_split(np.arange(nb), -(-nb // ALIGN_BLOCK)):
        anc, cor = _anchors(x, rpw[blk], half, lag)
        on = g[blk, _k.F_QON]
        sel = np.isfinite(on) & np.isfinite(anc) & (cor >= ALIGN_MIN_R) & (spk[blk] < 0)
        if sel.sum() < ALIGN_MIN_BEATS:
            continue
        med = np.median(on[sel] - anc[sel])
        new = on[sel] + ALIGN_WEIGHT * (anc[sel] + med - on[sel])
        g[blk[sel], _k.F_QON] = new
    with np.errstate(invalid="ignore"):
        g[:, _k.F_POFF] = np.fmin(g[:, _k.F_POFF], np.where(
            np.isfinite(g[:, _k.F_POFF]), g[:, _k.F_QON], np.nan))  # fmt: skip
