"""Template-match counts of the HRV entropies from position bit sets (no pair scan).

Whether two templates match at coordinate ``c`` depends only on which of the series'
distinct values sit there: ``|u_p - u_q| <= r`` for the sorted distinct values ``u``. For
each distinct value ``u_k`` the values within ``r`` are a contiguous run ``lo_k..hi_k`` of
``u`` (a rounded difference ``u_j - u_k`` never decreases with ``j``), so the positions
holding them are one bit set per value (``N`` bits in ``ceil(N / 64)`` words), the XOR of
two prefix sets. Template ``i`` of length ``m`` then matches exactly the templates ``j``
whose bits are set in ``AND_c (set of x[i + c]) >> c``, and its count is a popcount:
``N / 64`` words per template and coordinate instead of a scan over the candidates within
``r`` of its first value. The comparisons are the float comparisons of the pair scan
(:func:`geoecg._kernels.entropy.template_matches_templates`), so the integer counts, and
every entropy computed from them, are the same (docs/benchmarks/hrv_noise.md, session 12).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from .._jit import compiled_as

#: The bit sets are used for series of at most this many values (``64`` words per set; the
#: tables hold ``m (K + 1) 65`` words, ``K`` the number of distinct values); longer series
#: keep the sorted pair scan, whose cost grows with the candidates, not with ``N**2``.
BITS_MAX_N = 4096
#: Largest template length of the bit sets (``m`` tables of ``(K + 1) (N / 64 + 1)`` words).
BITS_MAX_M = 4


@intrinsic
def _popcount_intrinsic(typingctx, v):
    """Set bits of a uint64 (``llvm.ctpop.i64``: one instruction), as int64."""
    sig = types.int64(types.uint64)

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return sig, codegen


@compiled_as(_popcount_intrinsic, accepts=lambda v: v == types.uint64)
def _popcount(v):
    """Set bits of a uint64. Compiled code calls :func:`_popcount_intrinsic`
    (:func:`geoecg._jit.compiled_as`); plain Python (``NUMBA_DISABLE_JIT=1``, and the
    interpreted first call of :class:`geoecg._numba_cache.FirstCall`, which runs each
    kernel's Python source) runs this body."""
    return bin(int(v)).count("1")


_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True, nogil=True)
def bits_eligible(n, m, r):
    """Whether :func:`template_counts_bits` applies: ``r >= 0`` (not NaN: a negative or NaN
    tolerance leaves every template without even itself), ``1 <= m <= BITS_MAX_M`` and
    ``m <= n <= BITS_MAX_N``."""
    return r >= 0.0 and 1 <= m <= BITS_MAX_M and m <= n <= BITS_MAX_N


@njit(cache=True, nogil=True)
def rank_space(y, order):
    """Ranks of the distinct values of ``y`` along its non-decreasing order ``order``.

    Returns ``(rank, u, K, start, inv)``: ``rank[i]`` the index of ``y[i]`` among the
    ``K`` sorted distinct values ``u[:K]`` (equal values, ``-0.0 == 0.0`` included, share
    a rank), with ``rank[N] = K`` (no value); ``start[k]`` the first sorted position of
    rank ``k`` (``start[K] = N``); ``inv`` the inverse of ``order`` (``order[inv[i]] =
    i``)."""
    n = y.size
    rank = np.empty(n + 1, dtype=np.int64)
    inv = np.empty(n, dtype=np.int64)
    u = np.empty(max(n, 1), dtype=np.float64)
    start = np.empty(n + 1, dtype=np.int64)
    K = 0
    prev = 0.0
    for a in range(n):
        i = order[a]
        v = y[i]
        if a == 0 or v != prev:
            u[K] = v
            start[K] = a
            K += 1
            prev = v
        rank[i] = K - 1
        inv[i] = a
    rank[n] = K
    start[K] = n
    return rank, u, K, start, inv


@njit(cache=True, nogil=True)
def coordinate_sets(rank, order, start, inv, K, m):
    """Prefix bit sets in sorted-position space, one table per coordinate ``c = 1..m``:
    row ``k`` of table ``c`` holds bit ``a`` when the template at sorted position ``a``
    (``j = order[a]``) has ``rank[j + c] < k``; rows of ``S = ceil(N / 64) + 1`` words, one
    flat uint64 array (table ``c`` at ``(c - 1) (K + 1) S``). A template whose ``j + c``
    runs past the end is in no row (it has no ``c``-th value)."""
    n = order.size
    S = ((n + 63) >> 6) + 1
    K1 = K + 1
    C = np.zeros(m * K1 * S, dtype=np.uint64)
    for c in range(1, m + 1):
        base = (c - 1) * K1 * S
        for t in range(n):  # the bits of rank k into row k + 1 ...
            i = order[t]
            j = i - c  # the template whose c-th value is x[i]
            if j >= 0:
                a = inv[j]
                b1 = base + (rank[i] + 1) * S
                C[b1 + (a >> 6)] |= np.uint64(1) << np.uint64(a & 63)
        for k in range(K):  # ... then the prefix ORs (no load of a word just or-ed)
            b0 = base + k * S
            for w in range(S):
                C[b0 + S + w] |= C[b0 + w]
    return C


@njit(cache=True, nogil=True)
def within_r_runs(u, K, r):
    """``(lo, hi)``: the distinct values within ``r`` of ``u[k]`` are ``u[lo[k]..hi[k]]``.
    Tested as the pair scan does, larger minus smaller value ``<= r`` (two pointers: the
    rounded difference never decreases as the other value moves away). Entry ``K`` (no
    value) is the empty run ``0..-1``."""
    lo = np.empty(K + 1, dtype=np.int64)
    hi = np.empty(K + 1, dtype=np.int64)
    a = 0
    b = 0
    for k in range(K):
        uk = u[k]
        while uk - u[a] > r:
            a += 1
        if b < k:
            b = k
        while b + 1 < K and not (u[b + 1] - uk > r):
            b += 1
        lo[k] = a
        hi[k] = b
    lo[K] = 0
    hi[K] = -1
    return lo, hi


#: ``LOW_BITS[t]``: the ``t`` lowest bits set (``t = 0..64``).
LOW_BITS = np.array([(1 << t) - 1 for t in range(65)], dtype=np.uint64)


@njit(cache=True, nogil=True, inline="always")
def _run_mask(L, R, w):
    """Bits of word ``w`` inside positions ``L..R``: two table reads and clamps (no branch
    on the data, which would be mispredicted about every other template)."""
    a = min(max(L - 64 * w, 0), 64)
    b = min(max(R + 1 - 64 * w, 0), 64)
    return LOW_BITS[b] & ~LOW_BITS[a]


@njit(cache=True, nogil=True, inline="always")
def _word_counts(C, v, w, words, m, h1, l1, h2, l2):
    """Popcounts of word ``w`` of a template's run (its bits ``v``) for ``m <= 2``:
    ``(length m, length m + 1)``, with the rows ``h1, l1`` (coordinate 1) and ``h2, l2``
    (coordinate 2, ``m == 2`` only) of :func:`coordinate_sets`."""
    wi = min(w, words)  # past the last word: the zero word of the row (v is 0 there)
    c1 = C[h1 + wi] ^ C[l1 + wi]
    if m == 1:
        return _popcount(v), _popcount(v & c1)
    v &= c1
    return _popcount(v), _popcount(v & (C[h2 + wi] ^ C[l2 + wi]))


@njit(cache=True, nogil=True)
def counts_in_sorted_space(rank, start, C, K, lo, hi, m):
    """``(A, B, cm, cm1)`` of :func:`template_counts_bits` from :func:`rank_space`,
    :func:`coordinate_sets` (at least ``m`` tables) and :func:`within_r_runs`.

    The templates within ``r`` of template ``i`` on its first value sit at the sorted
    positions ``start[lo[k]] .. start[hi[k] + 1] - 1`` (``k = rank[i]``): one run of bits,
    one to three words on RR series, whose bits are set out once per distinct value. Only
    those words are read (the same number for every template, so no branch mispredicted):
    each ANDed with the sets of coordinates ``1..m-1`` (``C[hi + 1] XOR C[lo]`` of the ranks
    of ``x[i + c]``) gives ``cm[i]`` by popcount, and with coordinate ``m`` too,
    ``cm1[i]``. The pair counts are the sums less the self-matches, halved; ``B`` leaves out
    the pairs with the last length-``m`` template."""
    n = rank.size - 1
    nm = n - m + 1
    K1 = K + 1
    S = ((n + 63) >> 6) + 1
    words = S - 1  # word S - 1 of every row is zero
    nw = 1  # words spanned by the widest run
    for k in range(K):
        nw = max(nw, ((start[hi[k] + 1] - 1) >> 6) - (start[lo[k]] >> 6) + 1)
    wl_of = np.empty(K, dtype=np.int64)  # per distinct value: the run's first word ...
    mask_of = np.empty(K * nw, dtype=np.uint64)  # ... and its nw words of bits
    for k in range(K):
        L = start[lo[k]]
        R = start[hi[k] + 1] - 1  # last position of the run
        wl_of[k] = L >> 6
        for q in range(nw):
            mask_of[k * nw + q] = _run_mask(L, R, (L >> 6) + q)
    cm = np.empty(nm, dtype=np.int64)
    cm1 = np.empty(nm, dtype=np.int64)
    rows_hi = np.empty(m + 1, dtype=np.int64)
    rows_lo = np.empty(m + 1, dtype=np.int64)
    tot = 0
    tot1 = 0
    for i in range(nm):
        k0 = rank[i]
        wl = wl_of[k0]
        mk = k0 * nw
        s0 = 0
        s1 = 0
        if m <= 2:
            k1 = rank[i + 1]  # K (the empty run) past the end
            h1 = (hi[k1] + 1) * S
            l1 = lo[k1] * S
            if m == 2:
                k2 = rank[i + 2]
                h2 = K1 * S + (hi[k2] + 1) * S
                l2 = K1 * S + lo[k2] * S
            else:
                h2 = 0
                l2 = 0
            # words written out one by one: a loop over so few words would be vectorised,
            # and its set-up costs more than the words
            s0, s1 = _word_counts(C, mask_of[mk], wl, words, m, h1, l1, h2, l2)
            if nw > 1:
                p0, p1 = _word_counts(C, mask_of[mk + 1], wl + 1, words, m, h1, l1, h2, l2)
                s0 += p0
                s1 += p1
            if nw > 2:
                p0, p1 = _word_counts(C, mask_of[mk + 2], wl + 2, words, m, h1, l1, h2, l2)
                s0 += p0
                s1 += p1
            for q in range(3, nw):
                p0, p1 = _word_counts(C, mask_of[mk + q], wl + q, words, m, h1, l1, h2, l2)
                s0 += p0
                s1 += p1
        else:
            for c in range(1, m + 1):
                kc = rank[min(i + c, n)]
                rows_hi[c] = (c - 1) * K1 * S + (hi[kc] + 1) * S
                rows_lo[c] = (c - 1) * K1 * S + lo[kc] * S
            for q in range(nw):
                wi = min(wl + q, words)
                v = mask_of[mk + q]
                for c in range(1, m):
                    v &= C[rows_hi[c] + wi] ^ C[rows_lo[c] + wi]
                s0 += _popcount(v)
                s1 += _popcount(v & (C[rows_hi[m] + wi] ^ C[rows_lo[m] + wi]))
        cm[i] = s0
        cm1[i] = s1  # 0 for the last template: its (m + 1)-th value is rank K
        tot += s0
        tot1 += s1
    pairs = (tot - nm) // 2
    A = (tot1 - (nm - 1)) // 2
    return A, pairs - (cm[nm - 1] - 1), cm, cm1[: nm - 1]


@njit(cache=True, nogil=True)
def template_counts_bits(y, order, m, r):
    """:func:`geoecg._kernels.entropy.template_matches_sorted` ``(y, m, r, order)`` from
    bit sets: the same ``(A, B, cm, cm1)`` (``order`` a non-decreasing order of ``y``;
    requires :func:`bits_eligible`)."""
    rank, u, K, start, inv = rank_space(y, order)
    C = coordinate_sets(rank, order, start, inv, K, m)
    lo, hi = within_r_runs(u, K, r)
    return counts_in_sorted_space(rank, start, C, K, lo, hi, m)
