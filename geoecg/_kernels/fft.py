"""FFT kernels of the HRV spectra (Welch and Lomb-Scargle).

A radix-2/4 decimation-in-frequency FFT (:func:`_fft_dif`) whose output stays in
bit-reversed order (the callers read the few bins they need through :func:`_bitrev`), its
span-by-span twiddles (:func:`_stage_twiddles`) and the import-time cosine table they and
the Hann window come from (:func:`_twiddles`); for ``3 x 2^j`` points (the Lomb-Scargle
grid) one radix-3 pass in front of it (:func:`_fft3_dif`). Used by
:mod:`geoecg._kernels.hrv_freq`, which re-exports these names.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .hrv_simd import add4, even4, high4, load4, low4, mul4, odd4, pack4, store4, sub4

__all__ = ["COS_TABLE_N", "FFT_MIN", "TW3_N"]


#: Segments of at least this many samples (and a power of two) go through the FFT.
FFT_MIN = 64


#: ``cos(2 pi j / COS_TABLE_N)`` for ``j = 0..COS_TABLE_N / 2``, computed once at import with
#: the C library's ``cos`` (as the kernels' ``np.cos``): the table of every power of two ``n``
#: up to ``COS_TABLE_N`` (Hann window and FFT twiddles of the default 1024-sample Welch
#: segment, and of the 512-point thirds of the 1,536-point Lomb-Scargle grid) is a strided
#: copy of it, the same numbers (``2 pi (j s) / (n s)`` with ``s`` a power of two is the same
#: double as ``2 pi j / n``).
COS_TABLE_N = 2048
_COS = np.array([math.cos(2.0 * math.pi * j / COS_TABLE_N) for j in range(COS_TABLE_N // 4 + 1)])
_COS = np.concatenate([_COS, -_COS[-2::-1]])  # the quarter rule of _twiddles, as it does


@njit(cache=True, nogil=True)
def _twiddles(n):
    """``exp(-2 pi i k / n)`` for ``k < n / 2`` (``n`` a multiple of 4) from a quarter
    table of ``cos(2 pi j / n)``, ``j = 0..n/4`` (``sin(2 pi k / n) = cos(2 pi (n/4 - k) /
    n)``): a strided copy of the import-time table when ``n`` divides ``COS_TABLE_N``,
    otherwise ``n/4 + 1`` cosines. The cosine table, the twiddles and the Hann window of
    :func:`welch_low_bins` come from here (one compiled function, not three)."""
    h = n // 2
    q = n // 4
    c = np.empty(q + 1, dtype=np.float64)
    if COS_TABLE_N % n == 0:
        step = COS_TABLE_N // n
        for j in range(q + 1):
            c[j] = _COS[j * step]
    else:
        for j in range(q + 1):
            c[j] = np.cos(2.0 * np.pi * j / n)
    wr = np.empty(h, dtype=np.float64)
    wi = np.empty(h, dtype=np.float64)
    for k in range(h):  # cos(2 pi k / n) = -cos(2 pi (n/2 - k) / n) above a quarter turn
        wr[k] = c[k] if k <= q else -c[h - k]
        wi[k] = -c[q - k] if k <= q else -c[k - q]
    return wr, wi


def _stage_table(n):
    """Twiddles of every butterfly span of a radix-2 FFT of ``n`` points, span by span:
    ``exp(-i pi k / h)``, ``k < h``, at ``[h - 1, 2 h - 1)`` for ``h = 1, 2, ..., n/2`` (the
    entries ``k n / (2 h)`` of :func:`_twiddles` (n), so the same numbers)."""
    wr, wi = getattr(_twiddles, "py_func", _twiddles)(n)  # plain Python at import (JIT off too)
    tr = np.zeros(n, dtype=np.float64)
    ti = np.zeros(n, dtype=np.float64)
    h = 1
    while h < n:
        step = n // (2 * h)
        tr[h - 1 : 2 * h - 1] = wr[: h * step : step]
        ti[h - 1 : 2 * h - 1] = wi[: h * step : step]
        h *= 2
    return tr, ti


#: Span-by-span twiddles for every FFT of up to ``COS_TABLE_N`` points (a shorter FFT's
#: table is a prefix: the spans do not depend on ``n``), and the ``log2(COS_TABLE_N)``-bit
#: reversal of every index; both built once at import.
_STAGE_R, _STAGE_I = _stage_table(COS_TABLE_N)
COS_TABLE_BITS = COS_TABLE_N.bit_length() - 1
_BITREV = np.array([int(format(i, f"0{COS_TABLE_BITS}b")[::-1], 2) for i in range(COS_TABLE_N)])


@njit(cache=True, nogil=True)
def _stage_twiddles(n):
    """``(tr, ti)`` of :func:`_stage_table` (n) for :func:`_fft_dif`: a view of the
    import-time table when ``n <= COS_TABLE_N``, else built from :func:`_twiddles`."""
    if n <= COS_TABLE_N:
        return _STAGE_R[:n], _STAGE_I[:n]
    wr, wi = _twiddles(n)
    tr = np.zeros(n, dtype=np.float64)
    ti = np.zeros(n, dtype=np.float64)
    h = 1
    while h < n:
        step = n // (2 * h)
        for k in range(h):
            tr[h - 1 + k] = wr[k * step]
            ti[h - 1 + k] = wi[k * step]
        h *= 2
    return tr, ti


@njit(cache=True, nogil=True)
def _bitrev(n):
    """``rev[k]`` = ``k < n`` with its ``log2(n)`` bits reversed (``n`` a power of two): where
    :func:`_fft_dif` leaves ``X_k``. A strided view of the import-time table when ``n <=
    COS_TABLE_N`` (``rev_b(k) = rev_B(k 2^(B - b))``), else built."""
    if n <= COS_TABLE_N:
        return _BITREV[:: COS_TABLE_N // n]
    rev = np.zeros(n, dtype=np.int64)
    bit = n >> 1
    j = 0
    for i in range(1, n):  # j = reversed i, carried as in a bit-reversal permutation
        b = bit
        while j & b:
            j ^= b
            b >>= 1
        j |= b
        rev[i] = j
    return rev


@njit(cache=True, nogil=True)
def _fft_dif(re, im, tr, ti):
    """In-place radix-2 decimation-in-frequency DFT ``X_k = sum_j x_j exp(-2 pi i jk/n)`` of
    ``re + i im`` (``n`` a power of two), natural order in, bit-reversed order out (``X_k``
    at ``_bitrev(n)[k]``: the callers read the few bins they need there, so no
    permutation pass). ``tr, ti`` from :func:`_stage_twiddles` (n). Two spans per pass
    (radix-4 passes) on contiguous slices, so the butterflies vectorise: ~2.2x faster than
    a radix-2 decimation in time with its bit-reversal permutation (2048 points ~49 -> ~22
    us; docs/benchmarks/hrv_noise.md). The spans below 8 run block by block
    (:func:`_fft_tail8` when ``log2 n`` is odd, :func:`_fft_tail4` when it is even): the
    same butterflies in the same order, so the same numbers."""
    n = re.size
    half = n // 2
    while half >= 8:
        q = half // 2
        c1 = tr[half - 1 : 2 * half - 1]
        s1 = ti[half - 1 : 2 * half - 1]
        c2 = tr[q - 1 : 2 * q - 1]
        s2 = ti[q - 1 : 2 * q - 1]
        for s in range(0, n, 2 * half):
            r0 = re[s : s + q]
            r1 = re[s + q : s + half]
            r2 = re[s + half : s + half + q]
            r3 = re[s + half + q : s + 2 * half]
            i0 = im[s : s + q]
            i1 = im[s + q : s + half]
            i2 = im[s + half : s + half + q]
            i3 = im[s + half + q : s + 2 * half]
            for k in range(q):
                # span half: (0, 2) with twiddle k, (1, 3) with twiddle k + q
                ar, ai, br, bi = r0[k], i0[k], r2[k], i2[k]
                x0r, x0i, dr, di = ar + br, ai + bi, ar - br, ai - bi
                c, d = c1[k], s1[k]
                x2r, x2i = c * dr - d * di, c * di + d * dr
                ar, ai, br, bi = r1[k], i1[k], r3[k], i3[k]
                x1r, x1i, dr, di = ar + br, ai + bi, ar - br, ai - bi
                c, d = c1[k + q], s1[k + q]
                x3r, x3i = c * dr - d * di, c * di + d * dr
                # span q: (0, 1) and (2, 3) with twiddle k
                c, d = c2[k], s2[k]
                r0[k], i0[k] = x0r + x1r, x0i + x1i
                dr, di = x0r - x1r, x0i - x1i
                r1[k], i1[k] = c * dr - d * di, c * di + d * dr
                r2[k], i2[k] = x2r + x3r, x2i + x3i
                dr, di = x2r - x3r, x2i - x3i
                r3[k], i3[k] = c * dr - d * di, c * di + d * dr
        half //= 4
    if half == 4:
        _fft_tail8(re, im, tr, ti)
    elif half == 2:
        _fft_tail4(re, im, tr, ti)
    elif half == 1:  # n == 2: the one span, twiddle 1
        a, b = re[0], re[1]
        re[0], re[1] = a + b, a - b
        a, b = im[0], im[1]
        im[0], im[1] = a + b, a - b


@njit(cache=True, nogil=True, inline="always")
def _bfly(ar, ai, br, bi, c, d):
    """``(a + b, (a - b) (c + i d))``: one butterfly of :func:`_fft_dif`, its operations."""
    dr, di = ar - br, ai - bi
    return ar + br, ai + bi, c * dr - d * di, c * di + d * dr


@njit(cache=True, nogil=True, inline="always")
def _fft_tail4(re, im, tr, ti):
    """The last radix-4 pass of :func:`_fft_dif` (spans 2 and 1) block by block of 4 points
    with the twiddles in registers: the operations of the generic pass (``q = 1``) in the
    same order, so the same numbers, without its per-block slices."""
    a0, b0, a1, b1, e0, f0 = tr[1], ti[1], tr[2], ti[2], tr[0], ti[0]
    for s in range(0, re.size, 4):
        x0r, x0i, x2r, x2i = _bfly(re[s], im[s], re[s + 2], im[s + 2], a0, b0)
        x1r, x1i, x3r, x3i = _bfly(re[s + 1], im[s + 1], re[s + 3], im[s + 3], a1, b1)
        re[s], im[s], re[s + 1], im[s + 1] = _bfly(x0r, x0i, x1r, x1i, e0, f0)
        re[s + 2], im[s + 2], re[s + 3], im[s + 3] = _bfly(x2r, x2i, x3r, x3i, e0, f0)


@njit(cache=True, nogil=True, inline="always")
def _transpose4(r0, r1, r2, r3):
    """The 4 x 4 transpose of the rows ``r0..r3`` (four-lane vectors): lane ``k`` of row
    ``l`` becomes lane ``l`` of row ``k`` (eight shuffles, moves only)."""
    t0, t1, t2, t3 = even4(r0, r1), odd4(r0, r1), even4(r2, r3), odd4(r2, r3)
    return low4(t0, t2), low4(t1, t3), high4(t0, t2), high4(t1, t3)


@njit(cache=True, nogil=True, inline="always")
def _bfly4(ar, ai, br, bi, c, d):
    """:func:`_bfly` in four lanes: its operations, lane by lane, in the same order."""
    dr, di = sub4(ar, br), sub4(ai, bi)
    return (
        add4(ar, br),
        add4(ai, bi),
        sub4(mul4(c, dr), mul4(d, di)),
        add4(mul4(c, di), mul4(d, dr)),
    )


@njit(cache=True, nogil=True, inline="always")
def _tail8_lanes(x, s):
    """The 8 points of the blocks ``s, s + 8, s + 16, s + 24`` of ``x`` as eight four-lane
    vectors (vector ``k``: point ``k`` of the four blocks): 8 loads, 16 shuffles."""
    p0, p1, p2, p3 = _transpose4(load4(x, s), load4(x, s + 8), load4(x, s + 16), load4(x, s + 24))
    p4, p5, p6, p7 = _transpose4(
        load4(x, s + 4), load4(x, s + 12), load4(x, s + 20), load4(x, s + 28)
    )
    return p0, p1, p2, p3, p4, p5, p6, p7


@njit(cache=True, nogil=True, inline="always")
def _tail8_store(x, s, q0, q1, q2, q3, q4, q5, q6, q7):
    """Inverse of :func:`_tail8_lanes`: point ``k`` of the four blocks from vector ``k``."""
    o0, o1, o2, o3 = _transpose4(q0, q1, q2, q3)
    store4(x, s, o0)
    store4(x, s + 8, o1)
    store4(x, s + 16, o2)
    store4(x, s + 24, o3)
    o0, o1, o2, o3 = _transpose4(q4, q5, q6, q7)
    store4(x, s + 4, o0)
    store4(x, s + 12, o1)
    store4(x, s + 20, o2)
    store4(x, s + 28, o3)


@njit(cache=True, nogil=True, inline="always")
def _fft_tail8(re, im, tr, ti):
    """The last three spans of :func:`_fft_dif` when ``log2 n`` is odd (the radix-4 pass
    with ``q = 2``, spans 4 and 2, then span 1 with twiddle 1) block by block of 8 points,
    twiddles in registers: the same operations in the same order as the generic passes,
    so the same numbers (2,048 points ~10 % faster: no per-block slices, one pass less).
    Four blocks at a time in the four lanes of :mod:`geoecg._kernels.hrv_simd` vectors
    (loaded and stored through 4 x 4 transposes: each lane gets its block's scalar
    operations, so the same bits; ~1.5x faster tail), the blocks left over one by one."""
    a0, b0, a1, b1, a2, b2, a3, b3 = tr[3], ti[3], tr[4], ti[4], tr[5], ti[5], tr[6], ti[6]
    e0, f0, e1, f1 = tr[1], ti[1], tr[2], ti[2]
    n = re.size
    n4 = n - n % 32
    va0, vb0, va1, vb1 = (
        pack4(a0, a0, a0, a0),
        pack4(b0, b0, b0, b0),
        pack4(a1, a1, a1, a1),
        pack4(b1, b1, b1, b1),
    )
    va2, vb2, va3, vb3 = (
        pack4(a2, a2, a2, a2),
        pack4(b2, b2, b2, b2),
        pack4(a3, a3, a3, a3),
        pack4(b3, b3, b3, b3),
    )
    ve0, vf0, ve1, vf1 = (
        pack4(e0, e0, e0, e0),
        pack4(f0, f0, f0, f0),
        pack4(e1, e1, e1, e1),
        pack4(f1, f1, f1, f1),
    )
    for s in range(0, n4, 32):
        r0, r1, r2, r3, r4, r5, r6, r7 = _tail8_lanes(re, s)
        i0, i1, i2, i3, i4, i5, i6, i7 = _tail8_lanes(im, s)
        x0r, x0i, x2r, x2i = _bfly4(r0, i0, r4, i4, va0, vb0)
        x1r, x1i, x3r, x3i = _bfly4(r2, i2, r6, i6, va2, vb2)
        p0r, p0i, p2r, p2i = _bfly4(x0r, x0i, x1r, x1i, ve0, vf0)
        p4r, p4i, p6r, p6i = _bfly4(x2r, x2i, x3r, x3i, ve0, vf0)
        x0r, x0i, x2r, x2i = _bfly4(r1, i1, r5, i5, va1, vb1)
        x1r, x1i, x3r, x3i = _bfly4(r3, i3, r7, i7, va3, vb3)
        p1r, p1i, p3r, p3i = _bfly4(x0r, x0i, x1r, x1i, ve1, vf1)
        p5r, p5i, p7r, p7i = _bfly4(x2r, x2i, x3r, x3i, ve1, vf1)
        _tail8_store(
            re,
            s,
            add4(p0r, p1r),
            sub4(p0r, p1r),
            add4(p2r, p3r),
            sub4(p2r, p3r),
            add4(p4r, p5r),
            sub4(p4r, p5r),
            add4(p6r, p7r),
            sub4(p6r, p7r),
        )
        _tail8_store(
            im,
            s,
            add4(p0i, p1i),
            sub4(p0i, p1i),
            add4(p2i, p3i),
            sub4(p2i, p3i),
            add4(p4i, p5i),
            sub4(p4i, p5i),
            add4(p6i, p7i),
            sub4(p6i, p7i),
        )
    for s in range(n4, n, 8):
        x0r, x0i, x2r, x2i = _bfly(re[s], im[s], re[s + 4], im[s + 4], a0, b0)
        x1r, x1i, x3r, x3i = _bfly(re[s + 2], im[s + 2], re[s + 6], im[s + 6], a2, b2)
        p0r, p0i, p2r, p2i = _bfly(x0r, x0i, x1r, x1i, e0, f0)
        p4r, p4i, p6r, p6i = _bfly(x2r, x2i, x3r, x3i, e0, f0)
        x0r, x0i, x2r, x2i = _bfly(re[s + 1], im[s + 1], re[s + 5], im[s + 5], a1, b1)
        x1r, x1i, x3r, x3i = _bfly(re[s + 3], im[s + 3], re[s + 7], im[s + 7], a3, b3)
        p1r, p1i, p3r, p3i = _bfly(x0r, x0i, x1r, x1i, e1, f1)
        p5r, p5i, p7r, p7i = _bfly(x2r, x2i, x3r, x3i, e1, f1)
        re[s], re[s + 1], im[s], im[s + 1] = p0r + p1r, p0r - p1r, p0i + p1i, p0i - p1i
        re[s + 2], re[s + 3], im[s + 2], im[s + 3] = p2r + p3r, p2r - p3r, p2i + p3i, p2i - p3i
        re[s + 4], re[s + 5], im[s + 4], im[s + 5] = p4r + p5r, p4r - p5r, p4i + p5i, p4i - p5i
        re[s + 6], re[s + 7], im[s + 6], im[s + 7] = p6r + p7r, p6r - p7r, p6i + p7i, p6i - p7i


#: Points of the ``3 x 2^j`` FFT whose radix-3 twiddles are tabled at import: the
#: Lomb-Scargle grid of the default 400 frequencies (3 x 512).
TW3_N = 1536


def _radix3_table(n):
    """``exp(-2 pi i j / n)`` for ``j < 2 n / 3``: the twiddles of :func:`_fft3_dif`'s radix-3
    pass (``W^(r j)``, ``r = 1, 2``, ``j < n / 3``), with the C library's ``cos`` and ``sin``."""
    m = 2 * (n // 3)
    wr = np.array([math.cos(2.0 * math.pi * j / n) for j in range(m)])
    wi = np.array([-math.sin(2.0 * math.pi * j / n) for j in range(m)])
    return wr, wi


_TW3_R, _TW3_I = _radix3_table(TW3_N)


@njit(cache=True, nogil=True)
def _radix3_twiddles(n):
    """``(wr, wi)`` of :func:`_radix3_table` (n): the import-time table when ``n ==
    TW3_N``, else ``2 n / 3`` cosines and sines."""
    if n == TW3_N:
        return _TW3_R, _TW3_I
    m = 2 * (n // 3)
    wr = np.empty(m, dtype=np.float64)
    wi = np.empty(m, dtype=np.float64)
    for j in range(m):
        a = 2.0 * np.pi * j / n
        wr[j] = np.cos(a)
        wi[j] = -np.sin(a)
    return wr, wi


@njit(cache=True, nogil=True)
def _fft3_dif(re, im, wr, wi):
    """In-place DFT ``X_k = sum_j x_j exp(-2 pi i jk/n)`` of ``re + i im`` for ``n = 3 L``
    (``L`` a power of two): one radix-3 decimation-in-frequency pass (``a_r[j] = W^(r j)
    sum_s x[j + s L] w3^(r s)``, ``W = exp(-2 pi i / n)``, ``w3 = W^L``) into the thirds
    ``r = 0, 1, 2`` of the arrays, then :func:`_fft_dif` of each third. ``X_k`` is left at
    ``(k % 3) L + _bitrev(L)[k // 3]``; ``wr, wi`` from :func:`_radix3_twiddles` (n). The
    same DFT as a power-of-two FFT to rounding (~5e-16 of the largest bin)."""
    n = re.size
    L = n // 3
    c = -0.5  # w3 = c + i s
    s = -0.8660254037844386  # -sin(2 pi / 3), the nearest double
    for j in range(L):
        x0r, x0i = re[j], im[j]
        x1r, x1i = re[j + L], im[j + L]
        x2r, x2i = re[j + 2 * L], im[j + 2 * L]
        pr, pi_ = x1r + x2r, x1i + x2i
        dr, di = x1r - x2r, x1i - x2i
        mr, mi = x0r + c * pr, x0i + c * pi_
        re[j], im[j] = x0r + pr, x0i + pi_
        b1r, b1i = mr - s * di, mi + s * dr  # m + i s d
        b2r, b2i = mr + s * di, mi - s * dr  # m - i s d
        w1r, w1i = wr[j], wi[j]
        re[j + L], im[j + L] = b1r * w1r - b1i * w1i, b1r * w1i + b1i * w1r
        w2r, w2i = wr[2 * j], wi[2 * j]
        re[j + 2 * L], im[j + 2 * L] = b2r * w2r - b2i * w2i, b2r * w2i + b2i * w2r
    tr, ti = _stage_twiddles(L)
    for r in range(3):
        _fft_dif(re[r * L : (r + 1) * L], im[r * L : (r + 1) * L], tr, ti)
