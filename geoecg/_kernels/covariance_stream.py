"""Numba kernels: the single-pass cross products of finite records (the hot path of
:func:`geoecg._kernels.covariance.batch_covariance` for the sample and OAS covariances).

Raw cross products over tiles time-blocked in spans read once from memory and re-read from the
L1 (:func:`_gram_blocked`, session 27), or, when a lead's mean is large against its spread,
shifted sums over L1-resident tiles (:func:`_scatter_single_pass`). The raw-product pass of
sessions 18-26, ``_gram_stream`` (whole L2-resident tiles, reading the next tile while the
products run), gives the same products' bits as :func:`_gram_blocked` (the row sums to
rounding: session 28 sums every tile's in the blocks' lanes); with no library caller since
session 27 it lives in ``tests/_covariance_reference.py``, the tests' bit reference. Both
accumulate exactly the lower triangle in 4 x 4 triangle blocks and 4 x 2 blocks
(``c (c + 1) / 2`` products per sample); the raw products' blocks are explicit 8-lane vector
code (:mod:`geoecg._kernels.covariance_lanes8`), the shifted sums' blocks LLVM-vectorised loops.

No validation here: callers pass C-contiguous float64 arrays, or float32 records (``x``;
read as float32 and widened exactly, every sum in float64; the results equal those of the float64
array of the same values to rounding; scratch arrays are float64).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .covariance_lanes8 import (
    LINE,
    _blk8_finish,
    _blk8_span,
    _dot8,
    _f64,
    _prefetch,
    _sum8_span,
    _tri8_finish,
    _tri8_span,
    hsum8,
    load8,
)

#: Time samples per tile of the single-pass kernel: 12 leads x 128 x 8 B = 12 KB, so that the
#: centred tile and the prefetched next one fit in a 32 KB L1 together (256: 6 % slower).
TILE = 128

# ``reassoc``/``contract`` only: lets LLVM vectorise the tile dot products (sums are
# regrouped, results differ from a sequential sum by rounding, ~1e-16 relative); no
# ``nnan``/``ninf``, so non-finite values still propagate and are detected.
_FASTMATH = {"reassoc", "contract"}


@njit(cache=True, nogil=True)
def _prefetch_tile(xr, start, t):
    """Prefetch ``xr[start : start + TILE]`` (one lead's next tile), one line at a time."""
    for u in range(start, min(start + TILE, t), LINE):
        _prefetch(xr, u)


@njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _tile_dot(a, b, n):
    s = 0.0
    for u in range(n):
        s += a[u] * b[u]
    return s


@njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _block42(a0, a1, a2, a3, b0, b1, nb, acc, i, j):
    """``acc[i:i+4, j:j+2] += A B^T`` over ``nb`` samples: rows ``a0..a3``, columns ``b0, b1``
    (8 independent accumulators, 6 loads per 8 products)."""
    p00 = p10 = p20 = p30 = p01 = p11 = p21 = p31 = 0.0
    for u in range(nb):
        v0 = b0[u]
        v1 = b1[u]
        w0 = a0[u]
        w1 = a1[u]
        w2 = a2[u]
        w3 = a3[u]
        p00 += w0 * v0
        p10 += w1 * v0
        p20 += w2 * v0
        p30 += w3 * v0
        p01 += w0 * v1
        p11 += w1 * v1
        p21 += w2 * v1
        p31 += w3 * v1
    acc[i, j] += p00
    acc[i + 1, j] += p10
    acc[i + 2, j] += p20
    acc[i + 3, j] += p30
    acc[i, j + 1] += p01
    acc[i + 1, j + 1] += p11
    acc[i + 2, j + 1] += p21
    acc[i + 3, j + 1] += p31


@njit(cache=True, nogil=True)
def _block42_repeat(rows, reps, acc):
    """``reps`` times :func:`_block42` of ``rows[0:4]`` against ``rows[4:6]`` ((6, nb)) into
    ``acc`` (at least 4 x 2): the register block's rate on cached data, i.e. the FMA count
    floor that ``geoecg bench riemann`` prints (:func:`geoecg.riemann._throughput.fma_floor_s`)."""
    nb = rows.shape[1]
    for _ in range(reps):
        _block42(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], nb, acc, 0, 0)


@njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _triangle4(a0, a1, a2, a3, nb, acc, i):
    """Lower triangle of ``acc[i:i+4, i:i+4] += A A^T`` over ``nb`` samples (10 independent
    accumulators, 4 loads per 10 products)."""
    p00 = p10 = p20 = p30 = p11 = p21 = p31 = p22 = p32 = p33 = 0.0
    for u in range(nb):
        w0 = a0[u]
        w1 = a1[u]
        w2 = a2[u]
        w3 = a3[u]
        p00 += w0 * w0
        p10 += w1 * w0
        p20 += w2 * w0
        p30 += w3 * w0
        p11 += w1 * w1
        p21 += w2 * w1
        p31 += w3 * w1
        p22 += w2 * w2
        p32 += w3 * w2
        p33 += w3 * w3
    acc[i, i] += p00
    acc[i + 1, i] += p10
    acc[i + 2, i] += p20
    acc[i + 3, i] += p30
    acc[i + 1, i + 1] += p11
    acc[i + 2, i + 1] += p21
    acc[i + 3, i + 1] += p31
    acc[i + 2, i + 2] += p22
    acc[i + 3, i + 2] += p32
    acc[i + 3, i + 3] += p33


@njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _scatter_single_pass(x, acc, rowsum, shift, buf):
    """Shifted cross products of ``x`` (c, t) in one pass over memory.

    ``shift[i]`` is the mean of lead ``i`` over the first tile; ``acc`` (lower triangle)
    receives ``sum_s (x_is - k_i)(x_js - k_j)`` and ``rowsum[i]`` ``sum_s (x_is - k_i)``.
    Shifting by a value close to the mean keeps the one-pass formula
    ``cov = acc / n - m m^T`` (``m = rowsum / n``) free of cancellation (the "shifted data"
    algorithm; Chan, Golub & LeVeque 1983). Each tile is centred into ``buf`` (L1-resident)
    and the lower triangle is accumulated from there in groups of 4 leads: a 4 x 4 triangle
    block per group (10 products) and 4 x 2 blocks between groups, i.e. exactly the
    ``c (c + 1) / 2`` products per sample when ``c`` is a multiple of 4 (78 for 12 leads; the
    former 4 x 2 tiling of the triangle computed 96). Meanwhile the next tile of one lead per
    block is prefetched, so that reading memory overlaps the products.
    """
    c, t = x.shape
    nb0 = min(TILE, t)
    for i in range(c):
        m = 0.0
        for u in range(nb0):
            m += np.float64(x[i, u])  # float64 in Python too (NumPy 2 keeps float32)
        shift[i] = m / nb0
        rowsum[i] = 0.0
        for j in range(c):
            acc[i, j] = 0.0
    c4 = c - c % 4
    for s0 in range(0, t, TILE):
        nb = min(TILE, t - s0)
        for i in range(c):
            k = shift[i]
            xi = x[i, s0 : s0 + nb]  # 1-D views: 2x faster than 2-D indexing here
            bi = buf[i]
            r = 0.0
            for u in range(nb):
                v = np.float64(xi[u]) - k
                bi[u] = v
                r += v
            rowsum[i] += r
        nxt = s0 + TILE
        pl = 0  # next lead whose next tile is prefetched
        for i in range(0, c4, 4):
            if pl < c and nxt < t:
                _prefetch_tile(x[pl], nxt, t)
                pl += 1
            a0, a1, a2, a3 = buf[i], buf[i + 1], buf[i + 2], buf[i + 3]
            _triangle4(a0, a1, a2, a3, nb, acc, i)
            for j in range(0, i, 2):
                if pl < c and nxt < t:
                    _prefetch_tile(x[pl], nxt, t)
                    pl += 1
                _block42(a0, a1, a2, a3, buf[j], buf[j + 1], nb, acc, i, j)
        for i in range(c4, c):  # leads past the last multiple of 4: single dot products
            for j in range(i + 1):
                acc[i, j] += _tile_dot(buf[i], buf[j], nb)
        while pl < c and nxt < t:
            _prefetch_tile(x[pl], nxt, t)
            pl += 1


#: Largest tile of the raw-product kernel (12 leads x 1024 x 8 B = 96 KB, L2-resident: the
#: 4 x 4 and 4 x 2 blocks run at ~1.1 cycles per 256-bit FMA from L2 at this length, against
#: ~1.4 at 128 samples, where the horizontal sums after each block weigh more).
GRAM_TILE = 1024
#: Largest accepted ``mean(x_i^2) / var(x_i)`` of a lead for the raw formula
#: ``cov = G / n - m m^T``: the bits it cancels (8 of 53 here, i.e. a relative rounding error of
#: ~2^8 eps sqrt(n), ~1e-12 for 5,000 samples). Above it the record takes the shifted kernel.
GRAM_MAX_LOSS = 256.0
#: Margin on the first-tile estimate of that ratio (a drift can raise it later in the record).
_FIRST_TILE_MARGIN = 4.0


@njit(cache=True, nogil=True, fastmath=_FASTMATH)
def _row_sums(x, rowsum, first, start, nb):
    """``rowsum[i] += sum(x[i, start : start + nb])`` for the leads ``i >= first``."""
    for i in range(first, x.shape[0]):
        xi = x[i, start : start + nb]
        r = 0.0
        for u in range(nb):
            r += np.float64(xi[u])
        rowsum[i] += r


@njit(cache=True, nogil=True)
def _gram_tile_length(t):
    """Equal tiles of at most ``GRAM_TILE`` samples (5,000 -> 5 x 1,000), so that every tile
    but the last has a next tile of its own length."""
    n_tiles = (t + GRAM_TILE - 1) // GRAM_TILE
    return (t + n_tiles - 1) // n_tiles


@njit(cache=True, nogil=True)
def _loss(ms, m):
    """``ms / var`` (``var = ms - m^2``) of a lead: ``inf`` when constant and non-zero, 0 when
    all zero (exact either way), NaN ignored (the result check catches it)."""
    var = ms - m * m
    if ms > 0.0:
        return ms / var if var > 0.0 else np.inf
    return 0.0


#: Samples per span of :func:`_gram_blocked`: 12 leads x 64 x 8 B = 6 kB of a tile read from
#: memory once and re-read from the L1 by every block (registry of
#: ``docs/benchmarks/riemann.md``, session 27: spans of 48-96 samples 1.12-1.18x the
#: whole-tile blocks of ``_gram_stream`` on the pass, 256-512 1.05-1.08x, 32 1.00x).
SPAN = 64


@njit(cache=True, nogil=True)
def _lane_summed_leads(c):
    """How many leads (the first ones) have their tile sums in 8 lanes in :func:`_gram_blocked`
    (the leads of the 4-row blocks from the triangle blocks' loads, then one more per 4 x 2
    block from :func:`geoecg._kernels.covariance_lanes8._sum8_span`: every lead of 12 or 16,
    the split of ``_gram_stream``'s ride-along blocks); the others' come from
    :func:`_row_sums`."""
    ir = 0
    for i in range(0, c - c % 4, 4):
        if ir + 2 <= c:
            ir += 2
        for _ in range(0, i, 2):
            if ir < c:
                ir += 1
    return ir


@njit(cache=True, nogil=True)
def _gram_blocked(x, acc, rowsum, first, va, max_first_loss):
    """``_gram_stream``'s raw cross products (lower triangle) of ``x`` (c, t), with the same
    bits, and its row sums, time-blocked: in each tile (:func:`_gram_tile_length`), spans of
    :data:`SPAN` samples of all leads in turn, every block of the tile's 4-lead grouping run on
    one span before the next (:func:`geoecg._kernels.covariance_lanes8._tri8_span`, ``_blk8_span``:
    the span's rows come from memory once, then from the L1), the blocks' 8-lane accumulators
    kept in ``va`` (float64, at least ``8 (c (c + 1) / 2 + c)``) between spans; at the tile's end
    the lane sums, tails and additions of ``_tri8`` / ``_blk8`` in their order. Row sums: every
    tile's, the first included, in 8 lanes from the triangle blocks' loads for the first
    :func:`_lane_summed_leads` leads (lane sums in the order of :func:`hsum8`, then the tail),
    by :func:`_row_sums` for the others (session 28: no separate read of the first tile; before,
    the first tile and a tile after one of another length were read again by
    :func:`_row_sums`, as in ``_gram_stream``, whose row sums now differ from these by
    rounding). ``first`` receives the first tile's row sums. Returns -1 when
    ``mean(x^2) / var`` of a lead exceeds ``max_first_loss`` on the first tile (the caller
    takes the shifted sums), else 0. A record's sums do not depend on its neighbours in a stack.
    """
    c, t = x.shape
    for i in range(c):
        rowsum[i] = 0.0
        for j in range(c):
            acc[i, j] = 0.0
    T = _gram_tile_length(t)
    c4 = c - c % 4
    R = _lane_summed_leads(c)
    nprod = c4 * (c4 + 1) // 2  # product accumulators; then one row-sum accumulator per lead
    for s0 in range(0, t, T):
        nb = min(T, t - s0)
        m = nb - nb % 8
        for v in range(8 * (nprod + c)):
            va[v] = 0.0
        for u0 in range(s0, s0 + m, SPAN):
            u1 = min(u0 + SPAN, s0 + m)
            k = 0
            for i in range(0, c4, 4):
                _tri8_span(x, i, u0, u1, va, k, nprod + i)
                k += 10
                for j in range(0, i, 2):
                    _blk8_span(x, i, j, u0, u1, va, k)
                    k += 8
            for r in range(c4, R):
                _sum8_span(x, r, u0, u1, va, nprod + r)
        k = 0
        for i in range(0, c4, 4):
            _tri8_finish(x, i, s0, m, nb, va, k, acc)
            k += 10
            for j in range(0, i, 2):
                _blk8_finish(x, i, j, s0, m, nb, va, k, acc)
                k += 8
        for i in range(c4, c):  # leads past the last multiple of 4: single dot products
            for j in range(i + 1):
                acc[i, j] += _dot8(x[i, s0 : s0 + nb], x[j, s0 : s0 + nb], nb)
        for r in range(R):  # the tile's row sums from the lanes, then its tail
            tr = hsum8(load8(va, 8 * (nprod + r)))
            for u in range(m, nb):
                tr += _f64(x[r, s0 + u])
            rowsum[r] += tr
        _row_sums(x, rowsum, R, s0, nb)
        if s0 == 0:  # the first tile's sums, and its check from its own products and sums
            worst = 0.0
            for i in range(c):
                first[i] = rowsum[i]
                worst = max(worst, _loss(acc[i, i] / nb, first[i] / nb))
            if T < t and worst > max_first_loss:
                return -1
    return 0


@njit(cache=True, nogil=True)
def _gram_single_pass(x, acc, rowsum):
    """:func:`_gram_blocked` of one record on its own (no early stop)."""
    c = x.shape[0]
    va = np.empty(8 * (c * (c + 1) // 2 + c))
    _gram_blocked(x, acc, rowsum, np.empty(c), va, np.inf)
