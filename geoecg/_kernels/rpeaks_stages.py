"""R-peak detection kernels: whole stages of one record in one call (fewer dispatches).

On a short record (a 10-s 12-lead ECG) the detector's fixed costs -- a numba dispatch and
the NumPy glue around each of its ~8 kernels -- weigh more than the work itself. The two
kernels here run the same kernels of :mod:`geoecg._kernels.rpeaks`,
:mod:`geoecg._kernels.rpeaks_fused` and :mod:`geoecg._kernels.rpeaks_decide` (the same
operations in the same order, hence the same numbers) from one call:

* :func:`record_energy` -- stages 1-3: the energy envelope of every lead, a copy of one
  lead's envelope (for its single-lead detection), the scaled leads' geometric mean;
* :func:`run_beats` -- stages 4-8 on the processed stretches of an envelope (one stretch
  for a record without NaN gaps): per stretch the candidates, the adaptive-threshold
  decision and the noise check of beat-sequence tracking, then :func:`finish_runs`: the
  pruning per stretch and one refinement on the raw signal. Where a stretch is noisy and
  tracking is on, it stops after the noise checks and the caller runs the tracking steps
  of the noisy stretches (their logarithms run in NumPy, whose ``log`` is not always the C
  library's), then :func:`finish_runs`.

The scalar options travel in two arrays (``ints``, ``floats``) laid out by the index
constants below (``I_*``, ``F_*``), filled once per option set by
:func:`geoecg.features.rpeaks._make_plan`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .rpeaks import local_maxima, mask_runs
from .rpeaks_combine import combine_leads
from .rpeaks_decide import decide_beats, finish_peaks, initial_levels, prune_split_beats
from .rpeaks_fused import lead_energies_fused, track_inputs

__all__ = ["finish_runs", "record_energy", "run_beats", "unpack"]

# layout of ``ints`` (int64)
I_K, I_REFR, I_INIT, I_INIT_RANK, I_TWAVE, I_BLOCK, I_NSUB, I_CHUNK, I_ERODE = range(9)
I_RADIUS, I_BASE_RADIUS, I_PRUNE = 9, 10, 11
N_INTS = 12
# layout of ``floats`` (float64)
F_TWAVE_FRAC, F_SEARCHBACK, F_SB_FRAC, F_FRAC, F_RR0, F_FRAC_NOISY = range(6)
F_RATIO_LO, F_RATIO_HI, F_LO, F_HI, F_PRUNE_RR, F_PRUNE_H, F_REFR_FULL = range(6, 13)
N_FLOATS = 13
# what run_beats did
DONE, EMPTY, NOISY = 0, 1, 2


@njit(cache=True, nogil=True)
def record_energy(x, k, sos, half_width, min_len, block, floor, keep):
    """Stages 1-3 of one record ``x`` ``(n_leads, n)`` in one call.

    :func:`lead_energies_fused` (``k``, ``sos``, ``half_width``, ``min_len``), then a copy
    of lead ``keep``'s envelope and mask (empty when ``keep < 0``) and its processed
    stretches (:func:`mask_runs`), then for several leads :func:`combine_leads`
    (``block``, ``floor``), which rescales ``energy`` in place. Returns ``(energy, used,
    combined, runs, has_inf, kept_energy, kept_used, kept_runs)``: ``combined`` is the
    envelope the decision runs on (lead 0's own for one lead) and ``runs`` its processed
    stretches.
    """
    energy, used, runs, has_inf = lead_energies_fused(
        x=x, k=k, sos=sos, half_width=half_width, min_len=min_len
    )
    if keep >= 0:
        kept_e = energy[keep].copy()
        kept_u = used[keep].copy()
        kept_runs = mask_runs(mask=kept_u, min_len=min_len)
    else:
        kept_e = np.empty(0)
        kept_u = np.empty(0, dtype=np.bool_)
        kept_runs = np.empty((0, 2), dtype=np.int64)
    if x.shape[0] > 1:
        combined, runs = combine_leads(
            energy=energy, used=used, block=block, floor=floor, min_len=min_len
        )
    else:
        combined = energy[0]
    return energy, used, combined, runs, has_inf, kept_e, kept_u, kept_runs


@njit(cache=True, nogil=True)
def _lead_of_peaks(energy, used, peaks_d):
    """``np.argmax(energy[:, peaks_d] * used[:, peaks_d], axis=0)``: the first lead of the
    largest product (the first NaN when there is one), per peak."""
    n_leads = energy.shape[0]
    m = peaks_d.shape[0]
    lead = np.zeros(m, dtype=np.int64)
    for j in range(m):
        p = peaks_d[j]
        best = 0
        bv = energy[0, p] * (1.0 if used[0, p] else 0.0)
        if bv == bv:
            for ld in range(1, n_leads):
                v = energy[ld, p] * (1.0 if used[ld, p] else 0.0)
                if v != v:
                    best = ld
                    break
                if v > bv:
                    best = ld
                    bv = v
        lead[j] = best
    return lead


@njit(cache=True, nogil=True)
def _decide_stretch(m, ints, floats, track):
    """Stages 4-5 and the noise check of stage 6 on one processed stretch ``m``.

    Returns ``(cand, h, idx, thr, thr_c, is_beat, w, noisy)``: the candidate maxima at least
    ``refr`` apart (:func:`local_maxima`, positions in the stretch) and their heights (the
    square root of the envelope), the beats (candidate indices) and their thresholds after
    :func:`initial_levels` and :func:`decide_beats`, then, when ``track`` and more than two
    beats, :func:`track_inputs` (``thr_c``, ``is_beat``, ``w`` empty otherwise) and whether
    the stretch is noisy (tracking needed).
    """
    refr = ints[I_REFR]
    cand = local_maxima(m=m, min_distance=refr)
    nc = cand.shape[0]
    h = np.empty(nc)
    for i in range(nc):
        h[i] = np.sqrt(m[cand[i]])
    none_f = np.empty(0)
    none_b = np.empty(0, dtype=np.bool_)
    if nc == 0:
        return cand, h, np.empty(0, dtype=np.int64), none_f, none_f, none_b, none_f, False
    spk0, npk0 = initial_levels(
        heights=h, positions=cand, init=ints[I_INIT], init_rank=ints[I_INIT_RANK]
    )
    idx, thr = decide_beats(
        heights=h,
        positions=cand,
        n=m.shape[0],
        refractory=refr,
        twave=ints[I_TWAVE],
        twave_frac=floats[F_TWAVE_FRAC],
        searchback=floats[F_SEARCHBACK],
        sb_frac=floats[F_SB_FRAC],
        frac=floats[F_FRAC],
        rr0=floats[F_RR0],
        spk0=spk0,
        npk0=npk0,
        frac_noisy=floats[F_FRAC_NOISY],
        ratio_lo=floats[F_RATIO_LO],
        ratio_hi=floats[F_RATIO_HI],
    )
    if track and idx.shape[0] > 2:
        thr_c, is_beat, w, noisy = track_inputs(
            m=m,
            heights=h,
            cand=cand,
            idx=idx,
            thr=thr,
            block=ints[I_BLOCK],
            n_sub=ints[I_NSUB],
            chunk=ints[I_CHUNK],
            lo=floats[F_LO],
            hi=floats[F_HI],
            erode=ints[I_ERODE],
        )
        return cand, h, idx, thr, thr_c, is_beat, w, noisy
    return cand, h, idx, thr, none_f, none_b, none_f, False


@njit(cache=True, nogil=True)
def _offsets(sizes):
    """``[0, cumsum(sizes)]`` as int64."""
    off = np.zeros(len(sizes) + 1, dtype=np.int64)
    for r in range(len(sizes)):
        off[r + 1] = off[r] + sizes[r]
    return off


@njit(cache=True, nogil=True)
def finish_runs(x, energy, used, runs, cand, h, coff, idx, thr, boff, ints, floats):
    """Stages 7-8 of every stretch: pruning and confidence per stretch, then one refinement.

    ``runs`` are the processed stretches; stretch ``r``'s candidates (positions in the
    stretch) and heights are ``cand[coff[r]:coff[r+1]]`` and ``h[...]``, its beats (indices
    into its candidates) and their thresholds ``idx[boff[r]:boff[r+1]]`` and ``thr[...]``.
    Per stretch: :func:`prune_split_beats` (when ``ints[I_PRUNE]``), the confidence
    ``h / (h + thr)``; then over the whole record: the detection-rate position to the full
    rate (``pos * k + k // 2``), the refinement lead of each beat (:func:`_lead_of_peaks`, lead
    0 for one lead or no refinement) and :func:`finish_peaks`. Returns (peaks, confidence).
    """
    nb_all = idx.shape[0]
    pos = np.empty(nb_all, dtype=np.int64)  # detection-rate positions in the record
    conf = np.empty(nb_all)
    t = 0
    for r in range(runs.shape[0]):
        b0, b1, c0, a = boff[r], boff[r + 1], coff[r], runs[r, 0]
        nb = b1 - b0
        p = np.empty(nb, dtype=np.int64)
        hb = np.empty(nb)
        for q in range(nb):
            p[q] = cand[c0 + idx[b0 + q]]
            hb[q] = h[c0 + idx[b0 + q]]
        tb = thr[b0:b1]
        if ints[I_PRUNE] != 0:
            keep = prune_split_beats(
                positions=p,
                heights=hb,
                rr0=floats[F_RR0],
                rr_frac=floats[F_PRUNE_RR],
                h_frac=floats[F_PRUNE_H],
            )
            p = p[keep]
            hb = hb[keep]
            tb = tb[keep]
        for q in range(p.shape[0]):
            pos[t] = p[q] + a
            conf[t] = hb[q] / (hb[q] + tb[q])
            t += 1
    pos = pos[:t]
    conf = conf[:t]
    k = ints[I_K]
    peaks = np.empty(t, dtype=np.int64)
    for q in range(t):
        peaks[q] = pos[q] * k + k // 2
    radius = ints[I_RADIUS]
    if x.shape[0] == 1 or radius == 0:
        lead = np.zeros(t, dtype=np.int64)
    else:
        lead = _lead_of_peaks(energy, used, pos)
    return finish_peaks(
        x=x,
        lead=lead,
        peaks=peaks,
        confidence=conf,
        radius=radius,
        base_radius=ints[I_BASE_RADIUS],
        refractory=floats[F_REFR_FULL],
    )


@njit(cache=True, nogil=True)
def _concat(parts, total, out):
    """The arrays ``parts`` one after the other in ``out`` (``total`` elements)."""
    t = 0
    for a in parts:
        for i in range(a.shape[0]):
            out[t] = a[i]
            t += 1
    return out[:total]


@njit(cache=True, nogil=True)
def _pack(coff, boff, noisy, cand, idx, h, thr, thr_c, w):
    """The hand-back of a noisy record in two arrays (each array a kernel returns costs
    about a microsecond to box): ``ibuf`` = ``coff, boff, noisy, cand, idx`` and ``fbuf`` =
    ``h, thr, thr_c, w``, end to end (:func:`unpack` reads them)."""
    nr = noisy.shape[0]
    nc, nb = cand.shape[0], idx.shape[0]
    ibuf = np.empty(3 * nr + 2 + nc + nb, dtype=np.int64)
    o = 0
    for a in (coff, boff):
        for i in range(a.shape[0]):
            ibuf[o + i] = a[i]
        o += a.shape[0]
    for i in range(nr):
        ibuf[o + i] = 1 if noisy[i] else 0
    o += nr
    for a in (cand, idx):
        for i in range(a.shape[0]):
            ibuf[o + i] = a[i]
        o += a.shape[0]
    fbuf = np.empty(3 * nc + nb)
    o = 0
    for a in (h, thr, thr_c, w):
        for i in range(a.shape[0]):
            fbuf[o + i] = a[i]
        o += a.shape[0]
    return ibuf, fbuf


def unpack(ibuf, fbuf, n_runs):
    """``(cand, h, coff, idx, thr, boff, thr_c, w, noisy)`` from the hand-back of
    :func:`run_beats` (views; ``noisy`` boolean) for ``n_runs`` stretches."""
    r = n_runs
    coff, boff = ibuf[: r + 1], ibuf[r + 1 : 2 * r + 2]
    noisy = ibuf[2 * r + 2 : 3 * r + 2] != 0
    nc, nb = int(coff[-1]), int(boff[-1])
    o = 3 * r + 2
    cand, idx = ibuf[o : o + nc], ibuf[o + nc : o + nc + nb]
    h, thr = fbuf[:nc], fbuf[nc : nc + nb]
    thr_c, w = fbuf[nc + nb : 2 * nc + nb], fbuf[2 * nc + nb :]
    return cand, h, coff, idx, thr, boff, thr_c, w, noisy


@njit(cache=True, nogil=True)
def run_beats(m, x, energy, used, runs, ints, floats, track):
    """Stages 4-8 on the processed stretches ``runs`` (``(n_runs, 2)``) of the envelope ``m``.

    Each stretch ``m[a:b]`` is decided on its own (:func:`_decide_stretch`: its own levels,
    RR intervals and noise weights, positions in the stretch); then :func:`finish_runs`
    prunes each stretch and refines all beats in one pass. ``x`` ``(n_leads, n)`` is the raw
    signal, ``energy``/``used`` the (scaled) lead envelopes and their masks (for the lead
    each beat is refined on), ``ints``/``floats`` the options (layout: the ``I_*``/``F_*``
    constants), ``track`` whether beat-sequence tracking is on.

    Returns ``(status, peaks, confidence, ibuf, fbuf)``: ``status`` is :data:`DONE`
    (``peaks``/``confidence`` final), :data:`EMPTY` (no candidate in any stretch) or
    :data:`NOISY`: some stretch needs tracking; then :func:`unpack` of ``ibuf``, ``fbuf``
    gives the arguments of :func:`finish_runs` after the decision (``cand``, ``h``,
    ``coff``, ``idx``, ``thr``, ``boff``), the outputs ``thr_c`` and ``w`` of
    :func:`track_inputs` aligned with ``cand`` (filled for the noisy stretches) and a flag
    per stretch; the caller replaces the beats of the noisy stretches and calls
    :func:`finish_runs`. Outside :data:`NOISY`, ``ibuf`` and ``fbuf`` are empty.
    """
    none_i = np.empty(0, dtype=np.int64)
    none_f = np.empty(0)
    if runs.shape[0] != 1:
        return _run_beats_stretches(m, x, energy, used, runs, ints, floats, track)
    # one stretch (a record without gaps): no per-stretch lists
    cand, h, idx, thr, thr_c, _, w, nz = _decide_stretch(
        m[runs[0, 0] : runs[0, 1]], ints, floats, track
    )
    coff = np.zeros(2, dtype=np.int64)
    coff[1] = cand.shape[0]
    boff = np.zeros(2, dtype=np.int64)
    boff[1] = idx.shape[0]
    if cand.shape[0] == 0:
        return EMPTY, none_i, none_f, none_i, none_f
    if nz:
        noisy = np.ones(1, dtype=np.bool_)
        ibuf, fbuf = _pack(coff, boff, noisy, cand, idx, h, thr, thr_c, w)
        return NOISY, none_i, none_f, ibuf, fbuf
    p, c = finish_runs(x, energy, used, runs, cand, h, coff, idx, thr, boff, ints, floats)
    return DONE, p, c, none_i, none_f


@njit(cache=True, nogil=True)
def _run_beats_stretches(m, x, energy, used, runs, ints, floats, track):
    """:func:`run_beats` over any number of stretches (per-stretch outputs gathered in
    lists, then laid end to end)."""
    nr = runs.shape[0]
    cands = []
    hs = []
    idxs = []
    thrs = []
    thr_cs = []
    ws = []
    noisy = np.zeros(nr, dtype=np.bool_)
    csize = np.zeros(nr, dtype=np.int64)
    bsize = np.zeros(nr, dtype=np.int64)
    any_cand = False
    any_noisy = False
    for r in range(nr):
        cand, h, idx, thr, thr_c, _, w, nz = _decide_stretch(
            m[runs[r, 0] : runs[r, 1]], ints, floats, track
        )
        cands.append(cand)
        hs.append(h)
        idxs.append(idx)
        thrs.append(thr)
        thr_cs.append(thr_c)
        ws.append(w)
        noisy[r] = nz
        csize[r] = cand.shape[0]
        bsize[r] = idx.shape[0]
        any_cand = any_cand or cand.shape[0] > 0
        any_noisy = any_noisy or nz
    none_i = np.empty(0, dtype=np.int64)
    none_f = np.empty(0)
    if not any_cand:
        return EMPTY, none_i, none_f, none_i, none_f
    coff = _offsets(csize)
    boff = _offsets(bsize)
    nc, nb = coff[nr], boff[nr]
    cand = _concat(cands, nc, np.empty(nc, dtype=np.int64))
    h = _concat(hs, nc, np.empty(nc))
    idx = _concat(idxs, nb, np.empty(nb, dtype=np.int64))
    thr = _concat(thrs, nb, np.empty(nb))
    if any_noisy:
        thr_c = np.zeros(nc)
        w = np.zeros(nc)
        for r in range(nr):
            if noisy[r]:
                thr_c[coff[r] : coff[r + 1]] = thr_cs[r]
                w[coff[r] : coff[r + 1]] = ws[r]
        ibuf, fbuf = _pack(coff, boff, noisy, cand, idx, h, thr, thr_c, w)
        return NOISY, none_i, none_f, ibuf, fbuf
    p, c = finish_runs(x, energy, used, runs, cand, h, coff, idx, thr, boff, ints, floats)
    return DONE, p, c, none_i, none_f
