"""Wave delineation kernels: per-lead P, QRS and T boundaries around known R-peaks.

Inputs are contiguous float64 arrays already filtered by :mod:`geoecg.features.delineation`:
``xq``/``dq`` the QRS-band signal and its derivative, ``xw``/``dw`` the low-passed (P and T
band) signal and its derivative; ``rpeaks`` int64. Every length or time is in samples, all
settings travel in one float64 array ``par`` indexed by the ``P_*`` constants below (so the
kernel signature stays short). Output positions are float64 sample indices, NaN where a wave
is absent or not measurable, with an int8 reason code (``R_*``).
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Output columns, in order.
FIDUCIALS = (
    "P_on", "P_peak", "P_off", "QRS_on", "Q_peak", "R_peak", "S_peak", "QRS_off", "J",
    "T_on", "T_peak", "T_off",
)  # fmt: skip
(F_PON, F_PPK, F_POFF, F_QON, F_Q, F_R, F_S, F_QOFF, F_J, F_TON, F_TPK, F_TOFF) = range(12)

#: Reason codes (``REASONS[code]`` is the text); 0 = measured. ``t_offset_from_global`` marks
#: a value that is present but not the lead's own: a per-lead T offset taken from the
#: multi-lead one. ``atrial_flutter_waves``: every P of a record read as atrial flutter
#: (rule R). ``out_of_order``: a P or T value that lay outside the documented fiducial order
#: and could not be searched again inside its wave (rule AD, registry item 36). New codes are
#: appended: a code's number never changes.
REASONS = (
    "", "flat_lead", "edge", "no_p_wave", "no_q_wave", "no_r_wave", "no_s_wave", "no_t_wave",
    "nan_in_window", "short_rr", "t_offset_from_global", "atrial_flutter_waves", "out_of_order",
)  # fmt: skip
(
    R_OK, R_FLAT, R_EDGE, R_NOP, R_NOQ, R_NOR, R_NOS, R_NOT, R_NAN, R_SHORT, R_TGLOBAL,
    R_FLUTTER, R_ORDER,
) = range(13)  # fmt: skip

# Indices into ``par`` (all in samples unless a fraction).
(
    P_QRS_PRE, P_QRS_POST, P_SLOPE_WIN, P_ON_HI, P_ON_LO, P_OFF_HI, P_OFF_LO,
    P_T_GAP, P_T_A, P_T_B, P_T_RR, P_T_SPAN, P_T_MIN,
    P_P_PRE, P_P_GAP, P_P_SPAN, P_P_MIN, P_P_NOISE, P_P_DOM, P_P_SEP, P_RR1, P_P_CHORD,
    P_P_OFF_SPAN, P_NPAR,
) = range(24)  # fmt: skip


@njit(cache=True, nogil=True)
def slope_boundary(d, start, stop, thr):
    """Walk from ``start`` towards ``stop`` (either direction) while ``|d| > thr``.

    Returns the first index whose ``|d|`` is at most ``thr``, or ``stop`` if none is.
    """
    step = 1 if stop >= start else -1
    i = start
    while i != stop:
        if abs(d[i]) <= thr:
            return i
        i += step
    return stop


@njit(cache=True, nogil=True)
def trapezium_point(x, tm, tr, polarity):
    """Wave end by the trapezium-area method (Vazquez-Seisdedos et al. 2011).

    ``tm`` is the point of steepest slope of the limb, ``tr`` a point past the wave's end
    (``tr > tm`` for an offset, ``tr < tm`` for an onset), ``polarity`` +1 for a wave above
    the baseline, -1 below. Returns the ``t`` between ``tm`` and ``tr`` (inclusive) that
    maximises ``polarity * (x[tm] - x[t]) * (|tr - t| + |tr - tm|) / 2``.
    """
    step = 1 if tr >= tm else -1
    best = tm
    best_a = -np.inf
    t = tm
    while True:
        a = polarity * (x[tm] - x[t]) * (abs(tr - t) + abs(tr - tm)) * 0.5
        if a > best_a:
            best_a = a
            best = t
        if t == tr:
            break
        t += step
    return best


@njit(cache=True, nogil=True)
def _argext(x, lo, hi, sign, ref):
    """Index in ``[lo, hi]`` of the largest ``sign * (x - ref)``."""
    best = lo
    bv = -np.inf
    for i in range(lo, hi + 1):
        v = sign * (x[i] - ref)
        if v > bv:
            bv = v
            best = i
    return best


@njit(cache=True, nogil=True)
def _finite(x, lo, hi):
    for i in range(lo, hi + 1):
        if not np.isfinite(x[i]):
            return False
    return True


@njit(cache=True, nogil=True)
def _set(out, reason, b, cols, code):
    for c in cols:
        out[b, c] = np.nan
        reason[b, c] = code


@njit(cache=True, nogil=True)
def _qrs_window(rpeaks, b, pre, post, lo_min):
    """Beat ``b``'s QRS search window ``(lo, hi)`` in samples: ``pre`` before and ``post``
    after its R-peak, cut at the midpoints to the neighbouring R-peaks and at ``lo_min[b]``
    (a pacing spike's end, -1: none). Shared by :func:`delineate_lead` and
    :func:`raw_qrs_onsets`, which must search the same window."""
    r = rpeaks[b]
    nb = rpeaks.shape[0]
    lo = r - pre
    hi = r + post
    if b > 0:
        lo = max(lo, (rpeaks[b - 1] + r) // 2)
    if b + 1 < nb:
        hi = min(hi, (r + rpeaks[b + 1]) // 2)
    return max(lo, lo_min[b]), hi


@njit(cache=True, nogil=True)
def _steepest(d, r, lo, hi, w):
    """Sample ``m`` and value ``dmax`` of the largest ``|d|`` within ``w`` samples of ``r``
    inside ``[lo, hi]`` (the first one on ties; ``(r, 0.0)`` where all are 0)."""
    m = r
    dmax = 0.0
    for i in range(max(lo, r - w), min(hi, r + w) + 1):
        if abs(d[i]) > dmax:
            dmax = abs(d[i])
            m = i
    return m, dmax


@njit(cache=True, nogil=True)
def _onset_walk(d, m, lo, dmax, par):
    """QRS onset: the first sample from ``lo`` with ``|d| >= qrs_on_hi * dmax``, walked back
    towards ``lo`` while ``|d| >= qrs_on_lo * dmax`` (:func:`slope_boundary`)."""
    s1 = m
    for i in range(lo, m + 1):
        if abs(d[i]) >= par[P_ON_HI] * dmax:
            s1 = i
            break
    return slope_boundary(d, s1, lo, par[P_ON_LO] * dmax)


@njit(cache=True, nogil=True)
def _qrs(xq, dq, r, lo, hi, par, out, reason, b):
    """QRS onset/offset and Q, R, S peaks of one beat; returns the QRS amplitude (0: flat)."""
    m, dmax = _steepest(dq, r, lo, hi, int(par[P_SLOPE_WIN]))
    if not dmax > 1e-12:
        return 0.0
    on = _onset_walk(dq, m, lo, dmax, par)
    s2 = m
    for i in range(hi, m - 1, -1):
        if abs(dq[i]) >= par[P_OFF_HI] * dmax:
            s2 = i
            break
    off = slope_boundary(dq, s2, hi, par[P_OFF_LO] * dmax)
    out[b, 3] = on
    out[b, 7] = off
    out[b, 8] = off
    iso = xq[on]
    amp = 0.0
    ipk = _argext(xq, on, off, 1.0, iso)
    imn = _argext(xq, on, off, -1.0, iso)
    amp = xq[ipk] - xq[imn]
    small = 0.03 * amp
    if xq[ipk] - iso > small:
        out[b, 5] = ipk
        iq = _argext(xq, on, ipk, -1.0, iso)
        if iso - xq[iq] > small and iq < ipk:
            out[b, 4] = iq
        else:
            reason[b, 4] = 4
            out[b, 4] = np.nan
        js = _argext(xq, ipk, off, -1.0, iso)
        if iso - xq[js] > small and js > ipk:
            out[b, 6] = js
        else:
            reason[b, 6] = 6
            out[b, 6] = np.nan
    else:  # QS complex: no R wave, the single negative deflection is reported as S
        out[b, 5] = np.nan
        reason[b, 5] = 5
        out[b, 4] = np.nan
        reason[b, 4] = 4
        out[b, 6] = imn
    return amp


@njit(cache=True, nogil=True)
def _t_wave(xw, dw, on, off, ts, te, qamp, par, out, reason, b):
    """T onset, peak and offset in ``[ts, te]``; returns the T offset (or -1)."""
    iso = xw[on]
    ipos = _argext(xw, ts, te, 1.0, iso)
    ineg = _argext(xw, ts, te, -1.0, iso)
    apos = xw[ipos] - iso
    aneg = iso - xw[ineg]
    amain = max(apos, aneg)
    if amain < par[P_T_MIN] * qamp:
        _set(out, reason, b, (9, 10, 11), 7)
        return -1
    # the larger lobe is the T (an inverted T has polarity -1; a biphasic T is measured on
    # its larger lobe)
    main, smain = (ipos, 1.0) if apos >= aneg else (ineg, -1.0)
    out[b, 10] = main
    span = int(par[P_T_SPAN])
    # offset: steepest return to the baseline after the peak
    tm = _argext(dw, main, te, -smain, 0.0)
    tr = min(te, tm + span)
    toff = trapezium_point(xw, tm, tr, smain)
    # onset: steepest rise into the peak
    tm1 = _argext(dw, ts, main, smain, 0.0)
    tr1 = max(ts, tm1 - span)
    ton = trapezium_point(xw, tm1, tr1, smain)
    out[b, 9] = ton
    out[b, 11] = toff
    return toff


@njit(cache=True, nogil=True)
def _p_wave(xq, xw, dw, on, ps, pe, qamp, par, out, reason, b):
    """P onset, peak and offset in ``[ps, pe]`` (absent P: NaN with reason ``no_p_wave``).

    The deflection is measured against the level at ``pe`` or, where ``par[P_P_CHORD]`` is
    set (the second searches inside a P window), against the chord joining ``ps`` and ``pe``.
    """
    base = xw[pe]
    slope = (xw[pe] - xw[ps]) / (pe - ps) if par[P_P_CHORD] > 0 else 0.0
    pk = ps
    pk2 = ps
    a1 = -np.inf
    a2 = -np.inf
    for i in range(ps, pe + 1):
        v = xw[i] - (base + slope * (i - pe))
        if v > a1:
            a1 = v
            pk = i
        if -v > a2:
            a2 = -v
            pk2 = i
    if a2 > a1:
        pk, sgn, amp = pk2, -1.0, a2
    else:
        sgn, amp = 1.0, a1
    # high-frequency noise in the window: RMS of the QRS-band minus the P-band signal
    s = 0.0
    for i in range(ps, pe + 1):
        s += (xq[i] - xw[i]) ** 2
    noise = np.sqrt(s / (pe - ps + 1))
    # dominance: the largest deflection of the same polarity away from the peak
    sep = int(par[P_P_SEP])
    a_other = 0.0
    for i in range(ps, pe + 1):
        if abs(i - pk) > sep:
            v = sgn * (xw[i] - (base + slope * (i - pe)))
            if v > a_other:
                a_other = v
    ok = (
        amp >= par[P_P_MIN] * qamp
        and amp >= par[P_P_NOISE] * noise
        and a_other < par[P_P_DOM] * amp
        and pk > ps
        and pk < pe
    )
    if not ok:
        _set(out, reason, b, (0, 1, 2), 3)
        return
    span = int(par[P_P_SPAN])
    # the offset's trapezium reference: its own span where ``par[P_P_OFF_SPAN]`` is set
    span_off = int(par[P_P_OFF_SPAN]) if par[P_P_OFF_SPAN] > 0 else span
    tm = _argext(dw, pk, pe, -sgn, 0.0)
    poff = trapezium_point(xw, tm, min(on, tm + span_off), sgn)
    tm1 = _argext(dw, ps, pk, sgn, 0.0)
    pon = trapezium_point(xw, tm1, max(ps, tm1 - span), sgn)
    out[b, 0] = pon
    out[b, 1] = pk
    out[b, 2] = poff


@njit(cache=True, nogil=True)
def p_in_window(xq, xw, dw, qon, qoff, ps, pe, par, out, reason):
    """Search one lead's P again inside given windows (beats with ``ps[b] < 0`` are skipped).

    ``qon``/``qoff`` are the lead's QRS onset and offset per beat (samples, unshifted),
    ``ps``/``pe`` the window (int64); ``out``/``reason`` (n_beats, 12) receive the P columns
    where a P passes the presence tests of ``par`` (the other columns are not touched).
    """
    n = xq.shape[0]
    for b in range(ps.shape[0]):
        s0, e0 = ps[b], pe[b]
        if s0 < 1 or e0 > n - 2 or e0 - s0 < 4:
            continue
        on = int(qon[b])
        off = int(qoff[b])
        if not (_finite(xw, s0, on) and _finite(dw, s0, on) and _finite(xq, s0, off)):
            continue
        qamp = xq[_argext(xq, on, off, 1.0, 0.0)] - xq[_argext(xq, on, off, -1.0, 0.0)]
        _p_wave(xq, xw, dw, on, s0, e0, qamp, par, out, reason, b)


@njit(cache=True, nogil=True)
def delineate_lead(xq, dq, xw, dw, rpeaks, par, out, reason, lo_min):
    """Delineate every beat of one lead in place.

    ``out`` (n_beats, 12) float64 receives the sample positions of :data:`FIDUCIALS` (NaN
    where absent), ``reason`` (n_beats, 12) int8 the reason codes; both are overwritten.
    ``lo_min`` (n_beats,) int64: the earliest start of each beat's QRS search window (-1:
    none; see :func:`spike_starts`).
    """
    n = xq.shape[0]
    nb = rpeaks.shape[0]
    out[:, :] = np.nan
    reason[:, :] = 0
    pre = int(par[P_QRS_PRE])
    post = int(par[P_QRS_POST])
    prev_toff = -1
    for b in range(nb):
        r = rpeaks[b]
        rr = rpeaks[b + 1] - r if b + 1 < nb else (r - rpeaks[b - 1] if b > 0 else -1)
        lo, hi = _qrs_window(rpeaks, b, pre, post, lo_min)
        if lo < 1 or hi > n - 2 or hi - lo < 4:
            _set(out, reason, b, range(12), 2)
            prev_toff = -1
            continue
        if not (_finite(xq, lo, hi) and _finite(dq, lo, hi)):
            _set(out, reason, b, range(12), 8)
            prev_toff = -1
            continue
        qamp = _qrs(xq, dq, r, lo, hi, par, out, reason, b)
        if qamp <= 0.0:
            _set(out, reason, b, range(12), 1)
            prev_toff = -1
            continue
        on = int(out[b, 3])
        off = int(out[b, 7])
        # ---------------------------------------------------------------- T wave
        toff = -1
        if rr <= 0:  # a single beat: assume RR = par[P_RR1] (1 s)
            rr = int(par[P_RR1])
        te = r + int(min(par[P_T_RR] * rr, par[P_T_A] + par[P_T_B] * rr))
        if b + 1 < nb:
            te = min(te, rpeaks[b + 1] - pre // 2)
        ts = off + int(par[P_T_GAP])
        if te > n - 2:
            _set(out, reason, b, (9, 10, 11), 2)
        elif te - ts < 4:
            _set(out, reason, b, (9, 10, 11), 9)
        elif not (_finite(xw, ts, te) and _finite(dw, ts, te)):
            _set(out, reason, b, (9, 10, 11), 8)
        else:
            toff = _t_wave(xw, dw, on, off, ts, te, qamp, par, out, reason, b)
        # ---------------------------------------------------------------- P wave
        pe = on - int(par[P_P_GAP])
        ps = on - int(par[P_P_PRE])
        if b > 0:
            ps = max(ps, rpeaks[b - 1] + post)
            if prev_toff > 0:
                ps = max(ps, prev_toff)
        if ps < 1:
            _set(out, reason, b, (0, 1, 2), 2)
        elif pe - ps < 4:
            _set(out, reason, b, (0, 1, 2), 9)
        elif not (_finite(xw, ps, on) and _finite(dw, ps, on) and _finite(xq, ps, on)):
            _set(out, reason, b, (0, 1, 2), 8)
        else:
            _p_wave(xq, xw, dw, on, ps, pe, qamp, par, out, reason, b)
        prev_toff = toff
    return out


@njit(cache=True, nogil=True)
def raw_qrs_onsets(dr, hf, rpeaks, par, lo_min, on_in, clamp, nwin, nmax, out):
    """QRS onset of every beat of one lead walked on ``dr`` (rule AB, registry items 33, 34).

    ``dr`` is the derivative of the lead's unfiltered signal (NaN in gaps), ``hf`` its part
    above the QRS band (``dr`` minus the QRS-band derivative; NaN in gaps), ``on_in``
    (n_beats,) the lead's QRS onsets from :func:`delineate_lead` without the calibration
    shift (NaN: no QRS), ``out`` (n_beats,) float64 receives the new onsets. The beat's QRS
    search window, the steepest-slope search and the ``qrs_on_hi`` / ``qrs_on_lo`` walk are
    those of :func:`delineate_lead`, on ``dr`` instead of the QRS-band derivative; the result
    is kept within ``clamp`` samples of ``on_in`` (noise in the unfiltered signal can move
    the walk far; the clamp bounds what it can do). A beat keeps ``on_in`` where ``dr`` is not
    finite in the window or flat, and (item 34) where the median ``|hf|`` over the ``nwin``
    samples before ``on_in - clamp`` (inside the window; at least ``nwin // 2`` of them, else
    the beat keeps ``on_in``) exceeds ``nmax * qrs_on_lo * dmax``: there, noise above the QRS
    band would carry the walk past the onset.
    """
    n = dr.shape[0]
    nb = rpeaks.shape[0]
    pre = int(par[P_QRS_PRE])
    post = int(par[P_QRS_POST])
    w = int(par[P_SLOPE_WIN])
    for b in range(nb):
        out[b] = on_in[b]
        if not np.isfinite(on_in[b]):
            continue
        lo, hi = _qrs_window(rpeaks, b, pre, post, lo_min)
        if lo < 1 or hi > n - 2 or hi - lo < 4 or not _finite(dr, lo, hi):
            continue
        m, dmax = _steepest(dr, rpeaks[b], lo, hi, w)
        if not dmax > 1e-12:
            continue
        e = min(int(np.floor(on_in[b] - clamp)), hi)
        a = max(lo, e - nwin)
        if e - a < max(2, nwin // 2):
            continue
        if not np.median(np.abs(hf[a:e])) <= nmax * par[P_ON_LO] * dmax:
            continue  # NaN (a gap) also keeps on_in
        on = _onset_walk(dr, m, lo, dmax, par)
        out[b] = min(max(on, on_in[b] - clamp), on_in[b] + clamp)
    return out


@njit(cache=True, nogil=True)
def spike_starts(d2, rpeaks, a0, a1, q0, q1, xs, k, lo_min):
    """QRS search-window starts after pacing spikes (rule T), in place into ``lo_min``.

    ``d2`` (n,) float64: per sample, the largest absolute second difference over the leads
    (``d2[i]`` centred on sample ``i + 1``). For each R-peak ``r``: ``a`` = the largest
    ``d2`` centred on ``r - a0 + 1`` ... ``r - a1``, at sample ``p``, and ``q`` = the largest
    centred on ``r - q0 + 1`` ... ``r + q1``; where ``a >= k * q`` and ``p + xs < r - a1``,
    ``lo_min[b] = p + xs``, else -1 (also where a window leaves ``d2``). All in samples.
    """
    n = d2.shape[0]
    for b in range(rpeaks.shape[0]):
        lo_min[b] = -1
        r = rpeaks[b]
        s, e = r - a0, r - a1
        if s < 2 or r + q1 > n or e <= s:
            continue
        best = s
        for i in range(s + 1, e):
            if d2[i] > d2[best]:
                best = i
        q = 1e-12
        for i in range(r - q0, r + q1):
            q = max(q, d2[i])
        p = best + 1
        if d2[best] >= k * q and p + xs < r - a1:
            lo_min[b] = p + xs
    return lo_min


@njit(cache=True, nogil=True)
def stimulus_decay_starts(dq, rpeaks, spk, xs, q, rel, out):
    """QRS search-window starts where a pacing stimulus's ringing has decayed (rule AF).

    ``dq`` (n_leads, n) float64: the QRS-band derivative of the combined leads (NaN in
    gaps). ``spk`` (n_beats,) int64: rule T's window starts (:func:`spike_starts`: the
    stimulus sample + ``xs``; -1: none). For each beat with a stimulus at ``p = spk[b] - xs``:
    ``out[b]`` is the first sample ``i`` in ``p + 1 ... spk[b]`` where, in every lead with a
    nonzero slope near the R-peak, ``|dq[i]|`` is below ``rel`` times that lead's largest
    ``|dq|`` within ``q`` samples of the R-peak (a NaN counts as not decayed); ``spk[b]``
    where there is none, -1 where ``spk[b]`` is -1. So ``out[b] <= spk[b]``. All in samples.
    """
    n_leads, n = dq.shape
    dm = np.empty(n_leads)
    for b in range(rpeaks.shape[0]):
        out[b] = spk[b]
        if spk[b] < 0:
            continue
        r = rpeaks[b]
        a, e = max(0, r - q), min(n - 1, r + q)
        for j in range(n_leads):
            m = 0.0
            for i in range(a, e + 1):
                v = abs(dq[j, i])
                if v > m:  # NaN never is
                    m = v
            dm[j] = m
        for i in range(max(0, spk[b] - xs + 1), spk[b]):
            ok = True
            for j in range(n_leads):
                if dm[j] > 1e-12 and not abs(dq[j, i]) < rel * dm[j]:
                    ok = False
                    break
            if ok:
                out[b] = i
                break
    return out


@njit(cache=True, nogil=True)
def combine_leads(lead_s, q, use_mean):
    """Per beat and column, one value from the finite lead values: their mean rounded to a
    whole sample (``floor(mean + 0.5)``) where ``use_mean[c]``, else the ``q[c]`` quantile
    (nearest rank, ``floor(q (k-1) + 0.5)`` of the ``k`` finite values sorted); NaN where no
    lead has one.

    ``lead_s`` is (n_leads, n_beats, n_cols), ``q`` (n_cols,) float64, ``use_mean``
    (n_cols,) bool; returns (n_beats, n_cols).
    """
    n_leads, nb, nc = lead_s.shape
    out = np.full((nb, nc), np.nan)
    buf = np.empty(n_leads)
    for b in range(nb):
        for c in range(nc):
            k = 0
            for j in range(n_leads):
                v = lead_s[j, b, c]
                if np.isfinite(v):
                    buf[k] = v
                    k += 1
            if k == 0:
                continue
            if use_mean[c]:
                tot = 0.0
                for j in range(k):
                    tot += buf[j]
                out[b, c] = np.floor(tot / k + 0.5)
            else:
                s = np.sort(buf[:k])
                out[b, c] = s[int(np.floor(q[c] * (k - 1) + 0.5))]
    return out
