"""Beat kernels: window extraction, NaN-aware template correlation, fiducial search, and
the piecewise-linear resampling used by STAR augmentation.

All take contiguous float64 arrays (NaN marks missing samples) and int64 sample indices;
validation lives in :mod:`geoecg.features.beats`, :mod:`geoecg.features.morphology` and
:mod:`geoecg.features.star`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: Columns of :func:`fiducials` (positions in samples relative to the R-peak, amplitudes in
#: the signal's unit relative to the baseline ``x[qrs_on]``).
FIDUCIAL_COLUMNS = (
    "qrs_on", "qrs_off", "r_amp", "qrs_max", "qrs_min", "q_pos", "s_pos", "s_amp",
    "t_pos", "t_amp", "t_end", "p_pos", "p_amp", "baseline",
)  # fmt: skip


@njit(cache=True, nogil=True)
def extract_windows(x, centers, before, after):
    """Windows ``x[:, c - before : c + after]`` of every centre, NaN outside the signal.

    ``x`` has shape (n_leads, n_samples); the result (n_beats, n_leads, before + after).
    """
    n_leads, n = x.shape
    m = centers.size
    width = before + after
    out = np.full((m, n_leads, width), np.nan)
    for b in range(m):
        start = centers[b] - before
        for j in range(width):
            i = start + j
            if 0 <= i < n:
                for k in range(n_leads):
                    out[b, k, j] = x[k, i]
    return out


@njit(cache=True, nogil=True)
def template_correlation(beats, template, start, stop):
    """Pearson correlation of each row of ``beats`` with ``template`` over ``[start, stop)``,
    using the positions where both are finite; NaN with fewer than 3 such positions or a
    zero variance."""
    m = beats.shape[0]
    out = np.full(m, np.nan)
    for b in range(m):
        n = 0
        sx = 0.0
        sy = 0.0
        for j in range(start, stop):
            u = beats[b, j]
            v = template[j]
            if np.isfinite(u) and np.isfinite(v):
                n += 1
                sx += u
                sy += v
        if n < 3:
            continue
        mx = sx / n
        my = sy / n
        sxx = 0.0
        syy = 0.0
        sxy = 0.0
        for j in range(start, stop):
            u = beats[b, j]
            v = template[j]
            if np.isfinite(u) and np.isfinite(v):
                du = u - mx
                dv = v - my
                sxx += du * du
                syy += dv * dv
                sxy += du * dv
        if sxx > 0.0 and syy > 0.0:
            out[b] = sxy / np.sqrt(sxx * syy)
    return out


@njit(cache=True, nogil=True)
def _argext(x, lo, hi, sign, ref):
    """Index in ``[lo, hi)`` of the largest ``sign * (x - ref)`` (sign 0: largest
    ``|x - ref|``), skipping NaN; -1 when none is finite."""
    best = -1
    bv = -np.inf
    for i in range(lo, hi):
        v = x[i]
        if not np.isfinite(v):
            continue
        d = v - ref
        s = abs(d) if sign == 0 else sign * d
        if s > bv:
            bv = s
            best = i
    return best


@njit(cache=True, nogil=True)
def fiducials(x, rpeaks, rr_pre, rr_post, qrs_half, slope_frac, flat_frac, t_gap, t_max,
              p_max, p_gap):  # fmt: skip
    """Fiducial points of each beat of the 1-D signal ``x`` (see :data:`FIDUCIAL_COLUMNS`).

    Parameters are in samples: ``qrs_half`` the QRS search half-width, ``t_gap`` the gap
    between the QRS offset and the T search, ``t_max`` its farthest reach after R, ``p_max``
    the farthest P search before R and ``p_gap`` the gap before the QRS onset; ``rr_pre``
    and ``rr_post`` (samples, NaN unknown) clip the searches to 45% / 70% / 60% of the RR.
    The QRS onset (offset) is where the absolute first difference falls below
    ``flat_frac`` times the steepest slope, walking outward from the first (last) sample
    whose slope exceeds ``slope_frac`` times it.
    """
    n = x.size
    m = rpeaks.size
    out = np.full((m, 14), np.nan)
    for b in range(m):
        r = rpeaks[b]
        if r < 1 or r >= n - 1 or not np.isfinite(x[r]):
            continue
        half = qrs_half
        if np.isfinite(rr_pre[b]):
            half = min(half, int(0.45 * rr_pre[b]))
        lo = max(r - half, 1)
        half_r = qrs_half
        if np.isfinite(rr_post[b]):
            half_r = min(half_r, int(0.45 * rr_post[b]))
        hi = min(r + half_r, n - 1)
        if hi - lo < 3:
            continue
        smax = 0.0
        for i in range(lo, hi):
            d = x[i + 1] - x[i]
            if np.isfinite(d) and abs(d) > smax:
                smax = abs(d)
        if not smax > 0.0:
            continue
        steep = slope_frac * smax
        flat = flat_frac * smax
        first = -1
        last = -1
        for i in range(lo, hi):
            d = x[i + 1] - x[i]
            if np.isfinite(d) and abs(d) >= steep:
                if first < 0:
                    first = i
                last = i
        on = first
        while on > lo:
            d = x[on] - x[on - 1]
            if not np.isfinite(d) or abs(d) < flat:
                break
            on -= 1
        off = last + 1
        while off < hi:
            d = x[off + 1] - x[off]
            if not np.isfinite(d) or abs(d) < flat:
                break
            off += 1
        on = min(on, r)
        off = max(off, r)
        base = x[on]
        if not np.isfinite(base):
            continue
        out[b, 0] = on - r
        out[b, 1] = off - r
        out[b, 2] = x[r] - base
        imax = _argext(x, on, off + 1, 1, base)
        imin = _argext(x, on, off + 1, -1, base)
        if imax >= 0:
            out[b, 3] = x[imax] - base
        if imin >= 0:
            out[b, 4] = x[imin] - base
        iq = _argext(x, on, r + 1, -1, base)
        if iq >= 0:
            out[b, 5] = iq - r
        is_ = _argext(x, r, off + 1, -1, base)
        if is_ >= 0:
            out[b, 6] = is_ - r
            out[b, 7] = x[is_] - base
        out[b, 13] = base
        # T wave: the largest deflection between the QRS offset and the T limit.
        t_hi = r + t_max
        if np.isfinite(rr_post[b]):
            t_hi = min(t_hi, r + int(0.7 * rr_post[b]))
        t_hi = min(t_hi, n)
        t_lo = off + t_gap
        if t_hi - t_lo >= 3:
            it = _argext(x, t_lo, t_hi, 0, base)
            if it >= 0:
                amp = x[it] - base
                out[b, 8] = it - r
                out[b, 9] = amp
                for i in range(it + 1, t_hi):
                    if np.isfinite(x[i]) and abs(x[i] - base) < 0.2 * abs(amp):
                        out[b, 10] = i - r
                        break
        # P wave: the largest deflection before the QRS onset.
        p_lo = r - p_max
        if np.isfinite(rr_pre[b]):
            p_lo = max(p_lo, r - int(0.6 * rr_pre[b]))
        p_lo = max(p_lo, 0)
        p_hi = on - p_gap
        if p_hi - p_lo >= 3:
            ip = _argext(x, p_lo, p_hi, 0, base)
            if ip >= 0:
                out[b, 11] = ip - r
                out[b, 12] = x[ip] - base
    return out


@njit(cache=True, nogil=True)
def resample_linear(seg, m):
    """Resample ``seg`` (n_leads, L + 1), whose last column is the first sample of what
    follows, to ``m`` samples per lead at positions ``j * L / m`` (linear interpolation)."""
    n_leads, lp1 = seg.shape
    L = lp1 - 1
    out = np.empty((n_leads, m))
    for j in range(m):
        t = j * L / m
        i0 = int(np.floor(t))
        if i0 >= L:
            i0 = L - 1
        if i0 < 0:
            i0 = 0
        f = t - i0
        for k in range(n_leads):
            out[k, j] = (1.0 - f) * seg[k, i0] + f * seg[k, i0 + 1]
    return out
