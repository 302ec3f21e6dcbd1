"""The raw-product covariance pass of sessions 18-26, kept as the tests' bit reference.

Until session 27, :mod:`geoecg._kernels.covariance_stream` computed the raw cross products of a
record with :func:`_gram_stream`: whole L2-resident tiles, in 4 x 4 triangle blocks (:func:`_tri8`)
and 4 x 2 blocks (:func:`_blk8`) of explicit 8-lane vector code, each block also summing one or two
leads' next tile with a software prefetch :data:`RIDE_PREFETCH` samples ahead in it, and the heads
of the rows the following block sums prefetched into the L2 (:func:`_prefetch_heads`). Session 27
(helper 4, registry of ``docs/benchmarks/riemann.md``) replaced it with the time-blocked pass
:func:`geoecg._kernels.covariance_stream._gram_blocked`, which gives the same bits (since session
28, helper 3, the products only: its row sums, every tile's from the blocks' 8 lanes, differ by
rounding); the library no longer calls this code, so it lives here, moved unchanged from
``geoecg/_kernels/covariance_lanes8.py`` and ``covariance_stream.py`` (commit 0f1a4e2) except that
numba does not cache it on disk (``cache=False``: numba stamps a cache with its own file only, so a
change to a library kernel called from here would leave a stale copy; see
:mod:`geoecg._numba_cache`). Compiled, it calls the library's lane intrinsics, blocks and row sums,
so the tests compare the new pass's products with the old one's bit for bit (the row sums to 1e-13
relative); under ``NUMBA_DISABLE_JIT=1`` and through :func:`geoecg._numba_cache.interpreted` it runs
as Python (the prefetch intrinsics' twins do nothing).

No validation here: callers pass C-contiguous float64 or float32 arrays.
"""

from __future__ import annotations

from numba import njit

from geoecg._jit import compiled_as
from geoecg._kernels.covariance_lanes8 import (
    LINE,
    _dot8,
    _f64,
    _prefetch,
    _prefetch_intrinsic_at,
    add8,
    fma8,
    hsum8,
    load8,
    zero8,
)
from geoecg._kernels.covariance_stream import _gram_tile_length, _loss, _row_sums

#: ``llvm.prefetch`` locality of :func:`_prefetch_l2`: into the L2, not the L1 (``prefetcht1``).
_PF_LOCALITY_L2 = 2


@compiled_as(_prefetch_intrinsic_at(_PF_LOCALITY_L2))
def _prefetch_l2(arr, idx):
    """Software prefetch of ``arr[idx]`` into the L2 only (``prefetcht1``) in compiled code;
    nothing in Python, as :func:`_prefetch`."""
    return None


#: Prefetch distance of the ride-along rows in the blocks, samples (16 cache lines: session 18,
#: 1.116x on covariance + tangent space against no explicit blocks, where no prefetch gave
#: 0.959x). The triangle block prefetches both its ride-along rows (session 26, registry of
#: ``docs/benchmarks/riemann.md``).
RIDE_PREFETCH = 16 * LINE


@njit(cache=False, nogil=True)
def _tri8(a0, a1, a2, a3, r0, r1, nr, nb, acc, i, rowsum, ir, pf):
    """Lower triangle of ``acc[i:i+4, i:i+4] += A A^T`` over ``nb`` samples (rows ``a0..a3``;
    10 vector accumulators), and with ``nr`` (0 or 2) ``rowsum[ir] += sum(r0)``,
    ``rowsum[ir + 1] += sum(r1)``, prefetching ``r0`` and ``r1`` ``pf`` samples ahead
    (``pf > 0``)."""
    p00 = p10 = p20 = p30 = p11 = p21 = p31 = p22 = p32 = p33 = zero8()
    q0 = q1 = zero8()
    m = nb - nb % 8
    for u in range(0, m, 8):
        w0 = load8(a0, u)
        w1 = load8(a1, u)
        w2 = load8(a2, u)
        w3 = load8(a3, u)
        if nr:
            if pf:
                _prefetch(r0, u + pf)
                _prefetch(r1, u + pf)
            q0 = add8(q0, load8(r0, u))
            q1 = add8(q1, load8(r1, u))
        p00 = fma8(w0, w0, p00)
        p10 = fma8(w1, w0, p10)
        p20 = fma8(w2, w0, p20)
        p30 = fma8(w3, w0, p30)
        p11 = fma8(w1, w1, p11)
        p21 = fma8(w2, w1, p21)
        p31 = fma8(w3, w1, p31)
        p22 = fma8(w2, w2, p22)
        p32 = fma8(w3, w2, p32)
        p33 = fma8(w3, w3, p33)
    s00, s10, s20, s30 = hsum8(p00), hsum8(p10), hsum8(p20), hsum8(p30)
    s11, s21, s31 = hsum8(p11), hsum8(p21), hsum8(p31)
    s22, s32, s33 = hsum8(p22), hsum8(p32), hsum8(p33)
    for u in range(m, nb):
        w0, w1, w2, w3 = _f64(a0[u]), _f64(a1[u]), _f64(a2[u]), _f64(a3[u])
        s00 += w0 * w0
        s10 += w1 * w0
        s20 += w2 * w0
        s30 += w3 * w0
        s11 += w1 * w1
        s21 += w2 * w1
        s31 += w3 * w1
        s22 += w2 * w2
        s32 += w3 * w2
        s33 += w3 * w3
    acc[i, i] += s00
    acc[i + 1, i] += s10
    acc[i + 2, i] += s20
    acc[i + 3, i] += s30
    acc[i + 1, i + 1] += s11
    acc[i + 2, i + 1] += s21
    acc[i + 3, i + 1] += s31
    acc[i + 2, i + 2] += s22
    acc[i + 3, i + 2] += s32
    acc[i + 3, i + 3] += s33
    if nr:
        t0, t1 = hsum8(q0), hsum8(q1)
        for u in range(m, nb):
            t0 += _f64(r0[u])
            t1 += _f64(r1[u])
        rowsum[ir] += t0
        rowsum[ir + 1] += t1


@njit(cache=False, nogil=True)
def _blk8(a0, a1, a2, a3, b0, b1, r0, nr, nb, acc, i, j, rowsum, ir, pf):
    """``acc[i:i+4, j:j+2] += A B^T`` over ``nb`` samples (rows ``a0..a3``, columns ``b0, b1``;
    8 vector accumulators), and with ``nr`` (0 or 1) ``rowsum[ir] += sum(r0)``, prefetching
    ``r0`` ``pf`` samples ahead (``pf > 0``)."""
    p00 = p10 = p20 = p30 = p01 = p11 = p21 = p31 = zero8()
    q0 = zero8()
    m = nb - nb % 8
    for u in range(0, m, 8):
        v0 = load8(b0, u)
        v1 = load8(b1, u)
        w0 = load8(a0, u)
        w1 = load8(a1, u)
        w2 = load8(a2, u)
        w3 = load8(a3, u)
        if nr:
            if pf:
                _prefetch(r0, u + pf)
            q0 = add8(q0, load8(r0, u))
        p00 = fma8(w0, v0, p00)
        p10 = fma8(w1, v0, p10)
        p20 = fma8(w2, v0, p20)
        p30 = fma8(w3, v0, p30)
        p01 = fma8(w0, v1, p01)
        p11 = fma8(w1, v1, p11)
        p21 = fma8(w2, v1, p21)
        p31 = fma8(w3, v1, p31)
    s00, s10, s20, s30 = hsum8(p00), hsum8(p10), hsum8(p20), hsum8(p30)
    s01, s11, s21, s31 = hsum8(p01), hsum8(p11), hsum8(p21), hsum8(p31)
    for u in range(m, nb):
        v0, v1 = _f64(b0[u]), _f64(b1[u])
        w0, w1, w2, w3 = _f64(a0[u]), _f64(a1[u]), _f64(a2[u]), _f64(a3[u])
        s00 += w0 * v0
        s10 += w1 * v0
        s20 += w2 * v0
        s30 += w3 * v0
        s01 += w0 * v1
        s11 += w1 * v1
        s21 += w2 * v1
        s31 += w3 * v1
    acc[i, j] += s00
    acc[i + 1, j] += s10
    acc[i + 2, j] += s20
    acc[i + 3, j] += s30
    acc[i, j + 1] += s01
    acc[i + 1, j + 1] += s11
    acc[i + 2, j + 1] += s21
    acc[i + 3, j + 1] += s31
    if nr:
        t0 = hsum8(q0)
        for u in range(m, nb):
            t0 += _f64(r0[u])
        rowsum[ir] += t0


@njit(cache=False, nogil=True)
def _prefetch_span(xr, start, stop):
    """Prefetch ``xr[start:stop]`` (1-D), one cache line at a time."""
    for u in range(start, stop, LINE):
        _prefetch(xr, u)


@njit(cache=False, nogil=True)
def _prefetch_heads(src, first, count, at, nb):
    """Prefetch into the L2 the first :data:`RIDE_PREFETCH` samples of ``src[first : first +
    count, at : at + nb]`` (the rows the next block sums while its products run: their heads,
    which that block's own prefetch, ``RIDE_PREFETCH`` samples ahead, does not cover)."""
    stop = at + min(RIDE_PREFETCH, nb)
    for r in range(first, min(first + count, src.shape[0])):
        _prefetch_span_l2(src[r], at, stop)


@njit(cache=False, nogil=True)
def _prefetch_span_l2(xr, start, stop):
    """Prefetch ``xr[start:stop]`` (1-D) into the L2, one cache line at a time."""
    for u in range(start, stop, LINE):
        _prefetch_l2(xr, u)


@njit(cache=False, nogil=True)
def _gram_stream(x, xn, has_next, acc, rowsum, first, sink, max_first_loss):
    """Raw cross products ``acc[i, j] = sum_s x_is x_js`` (lower triangle) and row sums of
    ``x`` (c, t) in one pass over memory, with no centred copy; returns -1 when the pass stopped
    after the first tile because ``mean(x^2) / var`` of a lead exceeded ``max_first_loss`` there
    (raw products would cancel: the caller takes the shifted sums), else 0.

    Tiles of ``_gram_tile_length(t)`` samples (:mod:`geoecg._kernels.covariance_stream`); in
    each, the lower triangle in groups of 4 leads in explicit 8-lane blocks (:func:`_tri8` and
    :func:`_blk8`: ``c (c + 1) / 2`` products per sample), and each block also sums one or two
    leads' NEXT tile, prefetching :data:`RIDE_PREFETCH` samples ahead in it, so that reading
    memory overlaps the products; before each block the heads of the rows the following block
    sums are prefetched into the L2 (:func:`_prefetch_heads`). The last tile's blocks read the
    first tile of ``xn`` (same shape: the next record with ``has_next``, else ``x`` itself) the
    same way, into ``sink`` (c,), whose values are not used: a stack streams without a pass that
    only reads, and nothing of the next record enters this one's sums (``has_next`` only decides
    the prefetch of the leads no block read). The blocks fix every sum's order (no
    ``fastmath``), and every record's first-tile row sums come from the library's ``_row_sums``
    (``first`` keeps them), so a record's covariance has the same bits alone or anywhere in any
    stack. The caller checks the cancellation of ``acc / t - m m^T`` (``GRAM_MAX_LOSS``).
    """
    c, t = x.shape
    for i in range(c):
        rowsum[i] = 0.0
        for j in range(c):
            acc[i, j] = 0.0
    T = _gram_tile_length(t)
    nb0 = min(T, t)
    _row_sums(x, rowsum, 0, 0, nb0)
    for i in range(c):
        first[i] = rowsum[i]
    c4 = c - c % 4
    for s0 in range(0, t, T):
        nb = min(T, t - s0)
        n1 = s0 + T
        # the last tile reads a first tile into the sink: the next record's, or (no next
        # record: the caller passes xn = x) this record's own again
        stream = n1 >= t
        src, dst, at = (xn, sink, 0) if stream else (x, rowsum, n1)
        fuse = stream or n1 + nb <= t  # the tile read meanwhile is as long as this one
        ir = 0  # next lead whose next-tile sum rides along with a block
        for i in range(0, c4, 4):
            a0 = x[i, s0 : s0 + nb]
            a1 = x[i + 1, s0 : s0 + nb]
            a2 = x[i + 2, s0 : s0 + nb]
            a3 = x[i + 3, s0 : s0 + nb]
            nr = 2 if fuse and ir + 2 <= c else 0  # rows summed meanwhile (0: none)
            r0 = src[ir if nr else 0, at : at + nb]
            r1 = src[ir + 1 if nr else 0, at : at + nb]
            if fuse:  # the next block: a 4 x 2 block (1 row), the next triangle (2), or none
                _prefetch_heads(src, ir + nr, 1 if i > 0 else (2 if i + 4 < c4 else 0), at, nb)
            _tri8(a0, a1, a2, a3, r0, r1, nr, nb, acc, i, dst, ir, RIDE_PREFETCH)
            ir += nr
            for j in range(0, i, 2):
                b0, b1 = x[j, s0 : s0 + nb], x[j + 1, s0 : s0 + nb]
                nr = 1 if fuse and ir < c else 0
                r0 = src[ir if nr else 0, at : at + nb]
                if fuse:
                    nn = 1 if j + 2 < i else (2 if i + 4 < c4 else 0)
                    _prefetch_heads(src, ir + nr, nn, at, nb)
                _blk8(a0, a1, a2, a3, b0, b1, r0, nr, nb, acc, i, j, dst, ir, RIDE_PREFETCH)
                ir += nr
        for i in range(c4, c):  # leads past the last multiple of 4: single dot products
            for j in range(i + 1):
                acc[i, j] += _dot8(x[i, s0 : s0 + nb], x[j, s0 : s0 + nb], nb)
        if s0 == 0 and n1 < t:  # the first tile's check, from its own products and sums
            worst = 0.0
            for i in range(c):
                worst = max(worst, _loss(acc[i, i] / nb, first[i] / nb))
            if worst > max_first_loss:
                return -1
        if stream and has_next:  # the next record's leads no block read: prefetched
            for i in range(ir, c):
                _prefetch_span(xn[i], 0, nb0)
        elif n1 < t:  # the next tile's leads no block summed
            _row_sums(x, rowsum, ir if fuse else 0, n1, min(T, t - n1))
    return 0
