"""Frequency-domain HRV kernels: cubic-spline resampling, Welch PSD (radix-2 FFT, or a
direct DFT of the bins below ``fmax`` for other segment lengths), band powers, and the
block that fills the 14 frequency indices with Welch and Lomb-Scargle
(:func:`geoecg._kernels.hrv_lomb.lomb_scargle`, re-exported here).

numba has no FFT: :func:`_fft_dif` is a radix-2/4 one. HRV needs only the bins below 0.5 Hz,
so a Welch segment whose length is no power of two evaluates those DFT bins directly with a
complex rotation recurrence (``O(n_bins * nperseg)``, exact to rounding). The Lomb-Scargle
kernel (:mod:`geoecg._kernels.hrv_lomb`, split from this file in session 16) computes its
trigonometric sums for every frequency with one FFT of the samples spread onto an even grid.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .fft import (  # noqa: F401  -- re-exported: the FFT lived here until session 7
    _BITREV,
    _COS,
    _STAGE_I,
    _STAGE_R,
    COS_TABLE_BITS,
    COS_TABLE_N,
    FFT_MIN,
    _bitrev,
    _fft3_dif,
    _fft_dif,
    _radix3_twiddles,
    _stage_table,
    _stage_twiddles,
    _twiddles,
)
from .hrv_lomb import lomb_scargle  # also re-exported: it lived here until session 16

#: Band edges (Hz), Task Force (1996): VLF [0.0033, 0.04), LF [0.04, 0.15), HF [0.15, 0.4).
BANDS = ((0.0033, 0.04), (0.04, 0.15), (0.15, 0.4))
#: Shortest series (s) on which each band's power is reported (VLF, LF, HF). Task Force
#: (1996): ~1 min for HF, ~2 min for LF; VLF is reported from 4 min on (the Task Force
#: advises against interpreting VLF from recordings of 5 min or less).
BAND_MIN_DURATION_S = (240.0, 120.0, 60.0)

FREQ_NAMES = ("VLF", "LF", "HF", "TP", "LFHF", "LFn", "HFn")


@njit(cache=True, nogil=True)
def spline_second_derivatives(t, y):
    """Second derivatives ``m`` of the natural cubic spline through ``(t, y)`` (``t``
    strictly increasing; ``m[0] = m[n-1] = 0``): the tridiagonal system ``h[i] m[i] + 2
    (h[i] + h[i+1]) m[i+1] + h[i+1] m[i+2] = 6 (s[i+1] - s[i])`` (``h`` the knot spacings,
    ``s`` the chord slopes), rows ``i = 0..n-3``.

    Eliminated from both ends at once ("burn at both ends"): the downward elimination of
    the upper half and the upward one of the lower half are two independent chains of
    dependent divisions, which the processor overlaps, and they meet at two middle rows
    solved as a 2x2 system; the two back-substitutions run together the same way. About
    half the latency of one Thomas sweep (the spline of a 5-min series ~11.6 -> 6.4 us,
    docs/benchmarks/hrv_noise.md); the same system, so the same solution to rounding
    (~4e-16 of ``max |m|`` on the bench's series)."""
    n = t.size
    m = np.zeros(n, dtype=np.float64)
    if n < 3:
        return m
    k = n - 2
    h = np.empty(n - 1, dtype=np.float64)
    for i in range(n - 1):
        h[i] = t[i + 1] - t[i]
    b = np.empty(k, dtype=np.float64)  # diagonal, then the pivots of the elimination
    r = np.empty(k, dtype=np.float64)  # right-hand side, then eliminated
    s0 = (y[1] - y[0]) / h[0]
    for i in range(k):
        s1 = (y[i + 2] - y[i + 1]) / h[i + 1]
        r[i] = 6.0 * (s1 - s0)
        s0 = s1
        b[i] = 2.0 * (h[i] + h[i + 1])
    if k == 1:
        m[1] = r[0] / b[0]
        return m
    p = (k - 1) // 2  # rows 0..p eliminated downwards, rows k-1..p+1 upwards
    lo = 1
    hi = k - 2
    while lo <= p or hi > p:
        if lo <= p:  # row lo -= (h[lo] / b[lo-1]) row lo-1
            w = h[lo] / b[lo - 1]
            b[lo] -= w * h[lo]
            r[lo] -= w * r[lo - 1]
            lo += 1
        if hi > p:  # row hi -= (h[hi+1] / b[hi+1]) row hi+1
            w = h[hi + 1] / b[hi + 1]
            b[hi] -= w * h[hi + 1]
            r[hi] -= w * r[hi + 1]
            hi -= 1
    # rows p and p+1 now read b[p] m[p+1] + c m[p+2] = r[p], c m[p+1] + b[p+1] m[p+2] = r[p+1]
    c = h[p + 1]
    det = b[p] * b[p + 1] - c * c  # > 0: the eliminated system stays diagonally dominant
    m[p + 1] = (r[p] * b[p + 1] - c * r[p + 1]) / det
    m[p + 2] = (b[p] * r[p + 1] - c * r[p]) / det
    lo = p - 1
    hi = p + 2
    while lo >= 0 or hi < k:
        if lo >= 0:
            m[lo + 1] = (r[lo] - h[lo + 1] * m[lo + 2]) / b[lo]
            lo -= 1
        if hi < k:
            m[hi + 1] = (r[hi] - h[hi] * m[hi]) / b[hi]
            hi += 1
    return m


@njit(cache=True, nogil=True)
def natural_cubic_spline(t, y, tq):
    """Natural cubic spline through ``(t, y)`` (``t`` strictly increasing) evaluated at
    sorted ``tq`` inside ``[t[0], t[-1]]``. Two points give the straight line."""
    n = t.size
    out = np.empty(tq.size, dtype=np.float64)
    m = spline_second_derivatives(t, y)
    # one division per interval rather than three per query point (~3 points per interval
    # at 4 Hz; the values change by rounding only, ~1e-16 relative)
    j = 0
    hj = t[1] - t[0] if n >= 2 else 1.0
    inv = 1.0 / hj
    c6 = hj * hj / 6.0
    for q in range(tq.size):
        x = tq[q]
        if j < n - 2 and x > t[j + 1]:
            while j < n - 2 and x > t[j + 1]:
                j += 1
            hj = t[j + 1] - t[j]
            inv = 1.0 / hj
            c6 = hj * hj / 6.0
        A = (t[j + 1] - x) * inv
        B = (x - t[j]) * inv
        out[q] = (
            A * y[j] + B * y[j + 1] + ((A * A * A - A) * m[j] + (B * B * B - B) * m[j + 1]) * c6
        )
    return out


@njit(cache=True, nogil=True)
def _hann(nperseg):
    """``(w, sum(w**2), wr, wi)``: the periodic Hann window ``0.5 - 0.5 cos(2 pi i / n)`` of
    :func:`welch_low_bins`, its power, and the twiddles of :func:`_twiddles` (``n`` a
    multiple of 4, whose quarter table gives the cosines, ``cos(pi) = -1`` at ``i = n/2``;
    other ``n``: direct cosines and empty twiddles)."""
    w = np.empty(nperseg, dtype=np.float64)
    h = nperseg // 2
    wr = np.empty(0, dtype=np.float64)
    wi = np.empty(0, dtype=np.float64)
    if nperseg % 4 == 0:
        wr, wi = _twiddles(nperseg)
        for i in range(nperseg):
            j = i if 2 * i <= nperseg else nperseg - i
            w[i] = 0.5 - 0.5 * (wr[j] if j < h else -1.0)
    else:
        for i in range(nperseg):
            w[i] = 0.5 - 0.5 * np.cos(2.0 * np.pi * i / nperseg)
    s2 = 0.0
    for i in range(nperseg):
        s2 += w[i] * w[i]
    return w, s2, wr, wi


#: Welch segment (samples) whose window is tabled at import: 256 s at 4 Hz, the default
#: (``HRVSettings``); the table is :func:`_hann` run as Python, so the same numbers.
HANN_TABLE_N = 1024
_HANN_W, _HANN_S2, _HANN_WR, _HANN_WI = getattr(_hann, "py_func", _hann)(HANN_TABLE_N)


@njit(cache=True, nogil=True, inline="always")
def _windowed_segment(seg, x, start, w):
    """Write ``x[start : start + seg.size]`` demeaned and times the window ``w`` into ``seg``
    (one Welch segment; inlined in both paths of :func:`welch_low_bins`)."""
    nperseg = seg.size
    mu = 0.0
    for i in range(nperseg):
        mu += x[start + i]
    mu /= nperseg
    for i in range(nperseg):
        seg[i] = (x[start + i] - mu) * w[i]


@njit(cache=True, nogil=True)
def welch_low_bins(x, fs, nperseg, fmax):
    """One-sided Welch PSD of ``x`` for DFT bins ``k*fs/nperseg <= fmax``.

    Hann window (periodic, as ``scipy.signal.get_window("hann", nperseg)``), 50 % overlap,
    constant detrend per segment, density scaling ``|X|^2 / (fs * sum(w^2))`` doubled for
    ``k > 0``; segments averaged by the mean. Same as ``scipy.signal.welch(x, fs,
    nperseg=nperseg, noverlap=nperseg // 2)`` on those bins. ``x.size < nperseg`` uses one
    segment of ``x.size``. Returns ``(freqs, psd)``. A power-of-two ``nperseg`` (>=
    ``FFT_MIN``; the default 256 s at 4 Hz is 1024) goes through a radix-2 FFT, other
    lengths through the DFT of the low bins (both agree to rounding, ~1e-15 relative); the
    FFT of a real segment is one complex FFT of half its length.
    """
    n = x.size
    if nperseg > n:
        nperseg = n
    nb = int(np.floor(fmax * nperseg / fs)) + 1
    if nb > nperseg // 2 + 1:
        nb = nperseg // 2 + 1
    freqs = np.empty(nb, dtype=np.float64)
    psd = np.zeros(nb, dtype=np.float64)
    for k in range(nb):
        freqs[k] = k * fs / nperseg
    if nperseg < 2:
        psd[:] = np.nan
        return freqs, psd
    if nperseg == HANN_TABLE_N:  # the default segment: import-time table, same numbers
        w, s2, wr, wi = _HANN_W, _HANN_S2, _HANN_WR, _HANN_WI
    else:
        w, s2, wr, wi = _hann(nperseg)
    h = nperseg // 2
    step = nperseg - nperseg // 2
    nseg = (n - nperseg) // step + 1
    seg = np.empty(nperseg, dtype=np.float64)
    if nperseg >= FFT_MIN and (nperseg & (nperseg - 1)) == 0:  # a power of two: FFT
        # real input: even samples as the real part, odd as the imaginary part of one
        # half-length complex FFT Z; then X_k = E_k + W^k O_k with E_k = (Z_k + conj
        # Z_{h-k}) / 2, O_k = (Z_k - conj Z_{h-k}) / 2i, W = exp(-2 pi i / nperseg)
        hr, hi = _stage_twiddles(h)
        rev = _bitrev(h)
        zr = np.empty(h, dtype=np.float64)
        zi = np.empty(h, dtype=np.float64)
        for s in range(nseg):
            _windowed_segment(seg, x, s * step, w)
            for j in range(h):
                zr[j] = seg[2 * j]
                zi[j] = seg[2 * j + 1]
            _fft_dif(zr, zi, hr, hi)
            for k in range(nb):
                a = rev[k % h]  # bins k and h - k (mod h) of the bit-reversed output
                b = rev[(h - k) % h]
                er = 0.5 * (zr[a] + zr[b])
                ei = 0.5 * (zi[a] - zi[b])
                o_r = 0.5 * (zi[a] + zi[b])
                o_i = -0.5 * (zr[a] - zr[b])
                c = wr[k] if k < h else -1.0
                d = wi[k] if k < h else 0.0
                xr = er + c * o_r - d * o_i
                xi = ei + c * o_i + d * o_r
                p = (xr * xr + xi * xi) / (fs * s2)
                if k > 0 and k != h:
                    p *= 2.0
                psd[k] += p
        for k in range(nb):
            psd[k] /= nseg
        return freqs, psd
    # All bins advance together (``k`` innermost): each bin's rotation and sums are the
    # same operations in the same order as bin by bin, but independent across ``k``, so
    # they pipeline and vectorise.
    dr = np.empty(nb, dtype=np.float64)
    di = np.empty(nb, dtype=np.float64)
    for k in range(nb):
        dr[k] = np.cos(2.0 * np.pi * k / nperseg)
        di[k] = -np.sin(2.0 * np.pi * k / nperseg)
    cr = np.empty(nb, dtype=np.float64)
    ci = np.empty(nb, dtype=np.float64)
    re = np.empty(nb, dtype=np.float64)
    im = np.empty(nb, dtype=np.float64)
    for s in range(nseg):
        _windowed_segment(seg, x, s * step, w)
        for k in range(nb):
            cr[k] = 1.0
            ci[k] = 0.0
            re[k] = 0.0
            im[k] = 0.0
        for i in range(nperseg):
            v = seg[i]
            if (i & 63) == 63:  # re-anchor the recurrence to bound rounding drift
                for k in range(nb):
                    re[k] += v * cr[k]
                    im[k] += v * ci[k]
                    ang = -2.0 * np.pi * k * (i + 1) / nperseg
                    cr[k] = np.cos(ang)
                    ci[k] = np.sin(ang)
            else:
                for k in range(nb):
                    a = cr[k]
                    b = ci[k]
                    re[k] += v * a
                    im[k] += v * b
                    cr[k] = a * dr[k] - b * di[k]
                    ci[k] = a * di[k] + b * dr[k]
        for k in range(nb):
            p = (re[k] * re[k] + im[k] * im[k]) / (fs * s2)
            if k > 0 and not (nperseg % 2 == 0 and k == nperseg // 2):
                p *= 2.0
            psd[k] += p
    for k in range(nb):
        psd[k] /= nseg
    return freqs, psd


@njit(cache=True, nogil=True)
def band_block(freqs, psd, df, duration_s, out):
    """Fill ``out[:7]`` (``FREQ_NAMES``) from a one-sided PSD (ms^2/Hz) on an even grid.

    Band power = ``sum(psd[f in band]) * df`` (ms^2). TP = VLF + LF + HF. LF/HF, and
    LFn = 100 LF/(LF+HF), HFn = 100 HF/(LF+HF) in normalised units (Task Force 1996).
    A band is NaN when the series is shorter than ``BAND_MIN_DURATION_S``.
    """
    for i in range(7):
        out[i] = np.nan
    for b in range(3):
        if duration_s < BAND_MIN_DURATION_S[b]:
            continue
        lo, hi = BANDS[b]
        s = 0.0
        for k in range(freqs.size):
            if freqs[k] >= lo and freqs[k] < hi:
                s += psd[k]
        out[b] = s * df
    out[3] = out[0] + out[1] + out[2]
    lf = out[1]
    hf = out[2]
    if np.isfinite(lf) and np.isfinite(hf):
        if hf > 0.0:
            out[4] = lf / hf
        if lf + hf > 0.0:
            out[5] = 100.0 * lf / (lf + hf)
            out[6] = 100.0 * hf / (lf + hf)


@njit(cache=True, nogil=True)
def hrv_freq_block(rr, t, fs_interp, welch_window_s, ls_df, ls_fmax, out):
    """Fill ``out[:14]``: Welch bands (7) then Lomb-Scargle bands (7).

    ``rr`` in ms, ``t`` the time (s) of each interval's closing beat. Finite pairs only.
    Welch: natural cubic spline of RR(t) sampled at ``fs_interp`` Hz from the first to the
    last finite beat, segments of ``welch_window_s`` s. Lomb-Scargle PSD in ms^2/Hz is
    ``2 * P * T / n`` (T duration, n intervals), so that a sinusoid's power integrates to
    its variance as for an evenly sampled periodogram.
    """
    for i in range(14):
        out[i] = np.nan
    n = 0
    for i in range(rr.size):
        if np.isfinite(rr[i]) and np.isfinite(t[i]):
            n += 1
    if n < 4:
        return
    tt = np.empty(n, dtype=np.float64)
    yy = np.empty(n, dtype=np.float64)
    j = 0
    for i in range(rr.size):
        if np.isfinite(rr[i]) and np.isfinite(t[i]):
            tt[j] = t[i]
            yy[j] = rr[i]
            j += 1
    for i in range(1, n):
        if tt[i] <= tt[i - 1]:
            return  # times must increase; caller validated, keep the kernel total
    dur = tt[n - 1] - tt[0]
    ng = int(np.floor(dur * fs_interp)) + 1
    if ng >= 8:
        nper = int(round(welch_window_s * fs_interp))
        if nper > ng:
            nper = ng
        used = ng  # the samples that Welch's segments cover (5 min at 4 Hz: 1024 of 1200)
        if nper >= 2:
            step = nper - nper // 2
            used = ((ng - nper) // step) * step + nper
        tq = np.empty(used, dtype=np.float64)
        for i in range(used):
            tq[i] = tt[0] + i / fs_interp
        xs = natural_cubic_spline(tt, yy, tq)  # the spline itself still uses every knot
        f, p = welch_low_bins(xs, fs_interp, nper, 0.4)
        band_block(f, p, fs_interp / nper, dur, out[0:7])
    nf = int(np.floor(ls_fmax / ls_df))
    if dur > 0.0 and nf >= 1:
        f2, P = lomb_scargle(tt, yy, ls_df, nf)
        scale = 2.0 * dur / n
        for k in range(nf):
            P[k] *= scale
        band_block(f2, P, ls_df, dur, out[7:14])
