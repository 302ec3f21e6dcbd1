"""Frequency-domain HRV kernels: cubic-spline resampling, Welch PSD (radix-2 FFT, or a
direct DFT of the bins below ``fmax`` for other segment lengths), and the Lomb-Scargle
periodogram of the uneven series by a non-uniform FFT.

numba has no FFT: :func:`_fft_dif` is a radix-2/4 one. HRV needs only the bins below 0.5 Hz,
so a Welch segment whose length is no power of two evaluates those DFT bins directly with a
complex rotation recurrence (``O(n_bins * nperseg)``, exact to rounding). The Lomb-Scargle
kernel computes its trigonometric sums for every frequency with one FFT of the samples
spread onto an even grid (Gaussian gridding; ``2^j`` or ``3 x 2^j`` points), and uses
Press & Rybicki's closed form for ``tau`` (no trigonometric call per frequency).
"""

from __future__ import annotations

import math

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


#: Lomb-Scargle by non-uniform FFT (Greengard & Lee 2004, "Accelerating the nonuniform
#: fast Fourier transform", SIAM Rev. 46: Gaussian gridding): each sample is spread onto
#: ``2 * LS_SPREAD`` points of an even grid of ``N >= LS_OVERSAMPLE * (2 nf + 1)`` points (the
#: smallest ``2^j`` or ``3 x 2^j``: 1,536 for the default 400 frequencies), one FFT gives
#: every frequency's sums. With 13 points a side and oversampling >= 1.9 the sums are exact
#: to ~5e-13 of ``sum |y|`` (until session 13: 12 a side, 2,048 points, oversampling 2.5,
#: ~6e-14; docs/benchmarks/hrv_noise.md).
LS_SPREAD = 13
assert (LS_SPREAD - 1) % 4 == 0  # :func:`_gauss_spread` runs the powers in fours
LS_OVERSAMPLE = 1.9


#: Degree of the Taylor polynomial of ``exp`` in the gridding (see :func:`_exp_small`): 11
#: (15 until session 10; the periodogram moved by <= 1e-12 relative, docs/benchmarks/hrv_noise.md).
LS_EXP_DEGREE = 11
_EXP_TAYLOR = np.array([1.0 / math.factorial(k) for k in range(LS_EXP_DEGREE + 1)])


@njit(cache=True, nogil=True, inline="always")
def _exp_small(a):
    """``exp(a)`` for ``|a| <= 2 pi / LS_SPREAD`` (the gridding's arguments: ``0 <= a < h^2 /
    (2 tau) = 2 pi (1 - 1 / (2 R)) / LS_SPREAD`` and ``-h^2 / (4 tau) < a <= 0`` for a grid
    ``R >= LS_OVERSAMPLE`` times the modes; 0.36 on the default 1,536-point grid) by its
    Taylor polynomial of degree ``LS_EXP_DEGREE``, Horner: remainder ``|a|**12 / 12! *
    e**|a|`` < 1e-13 relative at 0.36 (< 1.6e-12 at ``2 pi / LS_SPREAD``), far below the
    gridding's own ~1e-13 of ``sum |y|``; no library call, so the loop over the samples
    vectorises."""
    p = _EXP_TAYLOR[LS_EXP_DEGREE]
    for k in range(LS_EXP_DEGREE - 1, -1, -1):
        p = p * a + _EXP_TAYLOR[k]
    return p


@njit(cache=True, nogil=True, inline="always")
def _exp_pair(a):
    """``(exp(a), exp(-a))`` for ``|a| <= 2 pi / LS_SPREAD`` from one evaluation of the
    Taylor polynomial of :func:`_exp_small` split into its even and odd parts (Horner in
    ``a**2``): ``E + O`` and ``E - O``, ~half the work of two calls, each with the error
    bound of :func:`_exp_small`."""
    a2 = a * a
    e = _EXP_TAYLOR[LS_EXP_DEGREE - 1]  # LS_EXP_DEGREE is odd: the last term is odd
    o = _EXP_TAYLOR[LS_EXP_DEGREE]
    for k in range(LS_EXP_DEGREE - 3, -1, -2):
        e = e * a2 + _EXP_TAYLOR[k]
        o = o * a2 + _EXP_TAYLOR[k + 1]
    o *= a
    return e + o, e - o


@njit(cache=True, nogil=True, inline="always")
def _gauss_spread(g, m0, w, e2, e2inv, e3):
    """Add ``w E2^j e3[|j|]`` to grid point ``m0 + j``, ``j = -(LS_SPREAD - 1)..LS_SPREAD``
    (``g`` padded by ``LS_SPREAD`` on each side): the Gaussian ``exp(-(x - (m0 + j) h)^2 /
    (4 tau))`` of a sample at ``x = m0 h + delta`` factored as ``E1 E2^j E3_j`` with ``E1 =
    exp(-delta^2 / (4 tau))`` (in ``w``), ``E2 = exp(delta h / (2 tau))`` and ``e3[l] =
    exp(-(l h)^2 / (4 tau))`` (Greengard & Lee 2004); ``e2inv = 1 / E2``.

    The powers ``w E2^j`` come from four interleaved chains (``w E2^1..4``, each times
    ``E2^4``; the same for ``E2^-j``): at most 6 dependent products instead of 13
    (session 15, docs/benchmarks/hrv_noise.md; rounding only). Requires ``LS_SPREAD - 1``
    divisible by 4 (13: three rounds, then ``j = 13``)."""
    c = m0 + LS_SPREAD
    g[c] += w
    s2 = e2 * e2
    s4 = s2 * s2
    u1 = w * e2
    u2 = w * s2
    u3 = u1 * s2
    u4 = w * s4
    i2 = e2inv * e2inv
    i4 = i2 * i2
    d1 = w * e2inv
    d2 = w * i2
    d3 = d1 * i2
    d4 = w * i4
    for q in range((LS_SPREAD - 1) // 4):  # j = 4q + 1 .. 4q + 4
        b = 4 * q
        g[c + b + 1] += u1 * e3[b + 1]
        g[c + b + 2] += u2 * e3[b + 2]
        g[c + b + 3] += u3 * e3[b + 3]
        g[c + b + 4] += u4 * e3[b + 4]
        g[c - b - 1] += d1 * e3[b + 1]
        g[c - b - 2] += d2 * e3[b + 2]
        g[c - b - 3] += d3 * e3[b + 3]
        g[c - b - 4] += d4 * e3[b + 4]
        u1 *= s4
        u2 *= s4
        u3 *= s4
        u4 *= s4
        d1 *= i4
        d2 *= i4
        d3 *= i4
        d4 *= i4
    g[c + LS_SPREAD] += u1 * e3[LS_SPREAD]  # j = LS_SPREAD: u1 = w E2^13 after the rounds


@njit(cache=True, nogil=True)
def lomb_scargle(t, y, df, nf):
    """Classical Lomb-Scargle periodogram of mean-removed ``y`` at ``f_k = k*df``,
    ``k = 1..nf``: ``P = 1/2 [(sum y cos w(t-tau))^2 / sum cos^2 w(t-tau) + (same with
    sin)]`` (Scargle 1982), equal to ``scipy.signal.lombscargle(t, y - y.mean(),
    2*pi*f)`` to ~1e-13 of the peak. Returns ``(freqs, P)``.

    The sums ``sum y e^{-i w t}`` (``k = 1..nf``) and ``sum e^{-2 i w t}`` are one type-1
    non-uniform FFT: phases ``x = 2 pi df t`` and ``2 x`` (mod ``2 pi``) spread onto the real
    and imaginary parts of one grid (``LS_SPREAD``, ``LS_OVERSAMPLE``), one complex FFT,
    the two real transforms separated by symmetry and divided by the Gaussian's transform.
    ``O(n LS_SPREAD + N log N)`` instead of ``O(n nf)``."""
    n = t.size
    freqs = np.empty(nf, dtype=np.float64)
    P = np.zeros(nf, dtype=np.float64)
    for k in range(nf):
        freqs[k] = (k + 1) * df
    if n == 0 or nf < 1:
        return freqs, P
    ym = 0.0
    for i in range(n):
        ym += y[i]
    ym /= n
    n_modes = 2 * nf + 1
    n_grid = 64
    while n_grid < LS_OVERSAMPLE * n_modes:
        n_grid *= 2
    if 3 * (n_grid // 4) >= LS_OVERSAMPLE * n_modes:
        n_grid = 3 * (n_grid // 4)  # 3 x 2^j points: one radix-3 pass, ~0.75 of the FFT
    msp = LS_SPREAD
    ratio = n_grid / n_modes
    tau = np.pi * msp / (n_modes * n_modes * ratio * (ratio - 0.5))
    h = 2.0 * np.pi / n_grid
    e3 = np.empty(msp + 1, dtype=np.float64)
    for l in range(msp + 1):
        e3[l] = np.exp(-(l * h) * (l * h) / (4.0 * tau))
    gr = np.zeros(n_grid + 2 * msp, dtype=np.float64)
    gi = np.zeros(n_grid + 2 * msp, dtype=np.float64)
    two_pi = 2.0 * np.pi
    t0 = t[0]
    # each sample's grid point and Gaussian factors first, in a loop without library calls
    # (it vectorises): grid r gets y - ym at the phase x, grid i gets 1 at 2x (mod 2 pi)
    c1 = h / (2.0 * tau)
    c2 = 1.0 / (4.0 * tau)
    # the 2x grid's factors when 2d >= h (offset 2d - h): exp(-h^2 c2), exp(-+h c1)
    ehh = np.exp(-h * h * c2)
    ech = np.exp(-h * c1)
    echi = np.exp(h * c1)
    M = np.empty((2, n), dtype=np.int64)
    W = np.empty((6, n), dtype=np.float64)
    for i in range(n):
        x = two_pi * df * (t[i] - t0)
        x -= two_pi * np.floor(x / two_pi)
        m = np.floor(x / h)
        d = x - m * h
        mi = np.int64(m)
        mi = mi if mi < n_grid else mi - n_grid  # m = N when x / h rounds up
        M[0, i] = mi
        e1 = _exp_small(-d * d * c2)
        e2, e2i = _exp_pair(d * c1)
        W[0, i] = (y[i] - ym) * e1
        W[1, i] = e2
        W[2, i] = e2i
        # 2x = 2m h + 2d (mod 2 pi): grid point 2m, offset 2d (2d < h), or 2m + 1, offset
        # 2d - h (exact); its factors exp(-(2d)^2 c2) = e1^4, exp(2d c1) = e2^2, times
        # exp(4 d h c2 - h^2 c2) = e2^2 ehh and exp(-+h c1) in the second case (session 15)
        e1s = e1 * e1
        e1q = e1s * e1s
        e2s = e2 * e2
        e2is = e2i * e2i
        m2 = 2 * mi
        if d + d >= h:
            m2 += 1
            e1q = e1q * e2s * ehh
            e2s = e2s * ech
            e2is = e2is * echi
        M[1, i] = m2 if m2 < n_grid else m2 - n_grid
        W[3, i] = e1q
        W[4, i] = e2s
        W[5, i] = e2is
    for i in range(n):
        _gauss_spread(gr, M[0, i], W[0, i], W[1, i], W[2, i], e3)
        _gauss_spread(gi, M[1, i], W[3, i], W[4, i], W[5, i], e3)
    re = gr[msp : msp + n_grid]  # views: the padding is folded in place, no copy
    im = gi[msp : msp + n_grid]
    for j in range(msp):  # fold the padding (the grid is periodic)
        re[n_grid - msp + j] += gr[j]
        im[n_grid - msp + j] += gi[j]
        re[j] += gr[n_grid + msp + j]
        im[j] += gi[n_grid + msp + j]
    ia = np.empty(nf, dtype=np.int64)  # where the FFT left bins k and N - k, k = 1..nf
    ib = np.empty(nf, dtype=np.int64)
    if n_grid & (n_grid - 1) == 0:
        tr, ti = _stage_twiddles(n_grid)
        _fft_dif(re, im, tr, ti)
        rev = _bitrev(n_grid)
        for k in range(nf):
            ia[k] = rev[k + 1]
            ib[k] = rev[n_grid - k - 1]
    else:
        wr, wi = _radix3_twiddles(n_grid)
        _fft3_dif(re, im, wr, wi)
        L = n_grid // 3
        rev = _bitrev(L)
        for k in range(nf):
            kk = n_grid - k - 1
            ia[k] = ((k + 1) % 3) * L + rev[(k + 1) // 3]
            ib[k] = (kk % 3) * L + rev[kk // 3]
    # deconvolution h exp(k^2 tau) / sqrt(4 pi tau), exp(k^2 tau) by products: a
    # sequential loop leaves the factors in P, then the loop below is independent across k
    # (no branch, no half angle: it vectorises; ~2x faster, P changes by rounding only)
    d = h / np.sqrt(4.0 * np.pi * tau)
    g1 = np.exp(tau)  # exp((k^2 - (k-1)^2) tau) = exp((2k - 1) tau), k = 1
    g2 = np.exp(2.0 * tau)
    for k in range(nf):
        d *= g1
        g1 *= g2
        P[k] = d
    tiny = 1e-12 * n
    for k in range(nf):
        d = P[k]
        # z = a + i b: A(k) = (Z(k) + conj Z(N-k)) / 2, B(k) = (Z(k) - conj Z(N-k)) / 2i;
        # the FFT's e^{-i w t}: sum cos = Re, sum sin = -Im
        a = ia[k]  # bins k + 1 and N - k - 1 of the FFT's output
        b = ib[k]
        zr, zi, vr, vi = re[a], im[a], re[b], im[b]
        yc_ = 0.5 * (zr + vr) * d  # sum y cos(w t)
        ys_ = -0.5 * (zi - vi) * d  # sum y sin(w t)
        c2 = 0.5 * (zi + vi) * d  # sum cos(2 w t)
        s2 = 0.5 * (zr - vr) * d  # sum sin(2 w t)
        # theta = 2 w tau: cos theta = c2 / R, sin theta = s2 / R (R = hypot(c2, s2); theta
        # = 0 when R = 0). With ct, st the cosine and sine of theta / 2, the numerators
        # (yc ct + ys st)^2 and (ys ct - yc st)^2 are (S +- q) / 2, S = yc^2 + ys^2, q =
        # (yc^2 - ys^2) cos theta + 2 yc ys sin theta (half-angle identities): no
        # trigonometric call and no half angle; equal to the arctan2/cos/sin form to rounding
        R = np.sqrt(c2 * c2 + s2 * s2)  # no overflow here: |c2|, |s2| <= n
        ycc = yc_ * yc_
        yss = ys_ * ys_
        dq = ycc - yss
        q = (dq * c2 + 2.0 * yc_ * ys_ * s2) / R if R > 0.0 else dq
        S = ycc + yss
        # sum cos^2(w t - w tau) = (n + c2 cos th + s2 sin th) / 2 = (n + R) / 2
        cc = 0.5 * (n + R)
        ss = n - cc
        pc = max(S + q, 0.0) / cc if cc > tiny else 0.0  # max: a square, rounding aside
        ps = max(S - q, 0.0) / ss if ss > tiny else 0.0
        P[k] = 0.25 * (pc + ps)
    return freqs, P


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
