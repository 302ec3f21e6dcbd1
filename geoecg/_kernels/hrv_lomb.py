"""Lomb-Scargle periodogram of an uneven series by a non-uniform FFT (Gaussian gridding,
Greengard & Lee 2004): each sample is spread onto an even grid (``2^j`` or ``3 x 2^j``
points), one FFT gives every frequency's trigonometric sums, and Press & Rybicki's closed
form gives ``tau`` (no trigonometric call per frequency).

Split from :mod:`geoecg._kernels.hrv_freq` (session 16), which holds the spline, Welch and
band kernels and re-exports :func:`lomb_scargle`.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .fft import _bitrev, _fft3_dif, _fft_dif, _radix3_twiddles, _stage_twiddles
from .hrv_simd import add4, div4, lane0, load4, mul4, pack4, select_gt4, sqrt4, store4, sub4

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
def _gauss_spread(g, m0, w, e2, e2inv, e3, e3r):
    """Add ``w E2^j e3[|j|]`` to grid point ``m0 + j``, ``j = -(LS_SPREAD - 1)..LS_SPREAD``
    (``g`` padded by ``LS_SPREAD`` on each side): the Gaussian ``exp(-(x - (m0 + j) h)^2 /
    (4 tau))`` of a sample at ``x = m0 h + delta`` factored as ``E1 E2^j E3_j`` with ``E1 =
    exp(-delta^2 / (4 tau))`` (in ``w``), ``E2 = exp(delta h / (2 tau))`` and ``e3[l] =
    exp(-(l h)^2 / (4 tau))`` (Greengard & Lee 2004); ``e2inv = 1 / E2``; ``e3r[l] =
    e3[LS_SPREAD - l]``.

    The powers ``w E2^j`` come from four interleaved chains (``w E2^1..4``, each times
    ``E2^4``; the same for ``E2^-j``): at most 6 dependent products instead of 13
    (session 15, docs/benchmarks/hrv_noise.md; rounding only). The four chains are the
    four lanes of one ``<4 x double>`` vector (:mod:`geoecg._kernels.hrv_simd`, session
    16): each group of four grid points is one vector load, product, sum and store, with
    each lane's arithmetic that of the scalar code (the same numbers to the bit). Requires
    ``LS_SPREAD - 1`` divisible by 4 (13: three rounds, then ``j = 13``)."""
    c = m0 + LS_SPREAD
    g[c] += w
    s2 = e2 * e2
    s4 = s2 * s2
    u1 = w * e2
    u2 = w * s2
    u4 = w * s4
    i2 = e2inv * e2inv
    i4 = i2 * i2
    d1 = w * e2inv
    d2 = w * i2
    d4 = w * i4
    up = pack4(u1, u2, u1 * s2, u4)  # lanes j = 4q + 1..4q + 4 at grid c + j
    down = pack4(d4, d1 * i2, d2, d1)  # lanes j = 4q + 4..4q + 1 at grid c - j
    s4v = pack4(s4, s4, s4, s4)
    i4v = pack4(i4, i4, i4, i4)
    for q in range((LS_SPREAD - 1) // 4):
        b = 4 * q
        k = c + b + 1
        store4(g, k, add4(load4(g, k), mul4(up, load4(e3, b + 1))))
        k = c - b - 4
        store4(g, k, add4(load4(g, k), mul4(down, load4(e3r, LS_SPREAD - b - 4))))
        up = mul4(up, s4v)
        down = mul4(down, i4v)
    g[c + LS_SPREAD] += lane0(up) * e3[LS_SPREAD]  # j = LS_SPREAD: w E2^13 after the rounds


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
    e3r = e3[::-1].copy()  # e3r[l] = e3[msp - l]: the down side's lanes, farthest first
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
        _gauss_spread(gr, M[0, i], W[0, i], W[1, i], W[2, i], e3, e3r)
        _gauss_spread(gi, M[1, i], W[3, i], W[4, i], W[5, i], e3, e3r)
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
    # four frequencies per pass in <4 x double> lanes (session 16): lane by lane the scalar
    # loop's operations below, in its order (the same numbers to the bit); the rest scalar
    nf4 = nf - nf % 4
    half = pack4(0.5, 0.5, 0.5, 0.5)
    mhalf = pack4(-0.5, -0.5, -0.5, -0.5)
    two = pack4(2.0, 2.0, 2.0, 2.0)
    zero = pack4(0.0, 0.0, 0.0, 0.0)
    nv = pack4(float(n), float(n), float(n), float(n))
    tinyv = pack4(tiny, tiny, tiny, tiny)
    quarter = pack4(0.25, 0.25, 0.25, 0.25)
    for k in range(0, nf4, 4):
        dv = load4(P, k)
        a0, a1, a2, a3 = ia[k], ia[k + 1], ia[k + 2], ia[k + 3]
        b0, b1, b2, b3 = ib[k], ib[k + 1], ib[k + 2], ib[k + 3]
        zr = pack4(re[a0], re[a1], re[a2], re[a3])
        zi = pack4(im[a0], im[a1], im[a2], im[a3])
        vr = pack4(re[b0], re[b1], re[b2], re[b3])
        vi = pack4(im[b0], im[b1], im[b2], im[b3])
        yc = mul4(mul4(half, add4(zr, vr)), dv)
        ys = mul4(mul4(mhalf, sub4(zi, vi)), dv)
        cv = mul4(mul4(half, add4(zi, vi)), dv)
        sv = mul4(mul4(half, sub4(zr, vr)), dv)
        R = sqrt4(add4(mul4(cv, cv), mul4(sv, sv)))
        ycc = mul4(yc, yc)
        yss = mul4(ys, ys)
        dq = sub4(ycc, yss)
        num = add4(mul4(dq, cv), mul4(mul4(mul4(two, yc), ys), sv))
        q = select_gt4(R, zero, div4(num, R), dq)
        S = add4(ycc, yss)
        cc = mul4(half, add4(nv, R))
        ss = sub4(nv, cc)
        sp = add4(S, q)
        sm = sub4(S, q)
        pc = select_gt4(cc, tinyv, div4(select_gt4(zero, sp, zero, sp), cc), zero)
        ps = select_gt4(ss, tinyv, div4(select_gt4(zero, sm, zero, sm), ss), zero)
        store4(P, k, mul4(quarter, add4(pc, ps)))
    for k in range(nf4, nf):
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
