"""Entropy kernels: sample entropy, approximate entropy, COSEn, histogram Shannon entropy.

Template matching uses the Chebyshev distance with ``<= r`` (ties count as matches, which
matters on integer-valued, ADC-quantised series). Inputs are finite 1-D arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .hrv_entropy_bits import (
    BITS_MAX_N,
    bits_eligible,
    coordinate_sets,
    counts_in_sorted_space,
    rank_space,
    template_counts_bits,
    within_r_runs,
)
from .hrv_sort import argsort_stable, prefix_order


@njit(cache=True, nogil=True, inline="always")
def _window_end(v0, a, e, n, r):
    """The sorted scan's window end for template ``a``: the first ``b > a`` (at most ``n``)
    whose first value ``v0[b]`` exceeds ``v0[a] + r``, searched from the previous end ``e``
    (non-decreasing in ``a``, so the scan is linear overall). Inlined in the three scans."""
    if e < a + 1:
        e = a + 1
    v0a = v0[a]
    while e < n and not (v0[e] - v0a > r):
        e += 1
    return e


@njit(cache=True, nogil=True, inline="always")
def _middle_mask(mka, V, a, e, m, r):
    """Fill ``mka[j]`` (int64, ``j < e - a - 1``) with 1 where template ``a + 1 + j`` is within
    ``r`` of template ``a`` at every middle coordinate ``k = 1..m-2``, else 0 (used for
    ``m > 2``; the first coordinate is the window's, the last ones are tested in the fused
    count loop). Inlined in both pair scans."""
    nb = mka.size
    for j in range(nb):
        mka[j] = 1
    for k in range(1, m - 1):
        row = V[k, a + 1 : e]
        vka = V[k, a]
        for j in range(nb):
            if abs(vka - row[j]) > r:
                mka[j] = 0


@njit(cache=True, nogil=True)
def sorted_templates(x, m, nt):
    """The first ``nt`` templates of ``x`` in the (stable) order of their first value.

    Returns ``(order, V)``: ``V[k, a] = x[order[a] + k]`` for ``k = 0..m``, NaN where
    ``order[a] + k`` runs past the end of ``x`` (a NaN never matches, as ``|NaN - v| <= r``
    is false). The columns are contiguous, so the scans below read memory in order.
    """
    return templates_in_order(x, m, argsort_stable(x[:nt]))


@njit(cache=True, nogil=True)
def templates_in_order(x, m, order):
    """``V`` of :func:`sorted_templates` for a given stable order of the first values;
    returns ``(order, V)``."""
    n = x.size
    nt = order.size
    V = np.empty((m + 1, nt), dtype=np.float64)
    for a in range(nt):
        i = order[a]
        for k in range(m + 1):
            V[k, a] = x[i + k] if i + k < n else np.nan
    return order, V


@njit(cache=True, nogil=True)
def template_matches(x, m, r):
    """Template matches of ``x`` with the Chebyshev distance ``<= r``, in one pass.

    Over the ``N - m + 1`` length-``m`` templates, each unordered pair is visited once,
    in the order of the templates' first values: as those are sorted, template ``a`` is
    compared only with the following ones whose first value is within ``r`` (exact, not
    an approximation).

    Returns ``(A, B, cm, cm1)``:

    - ``B``, ``A``: Richman & Moorman (2000) counts over the first ``N - m`` templates,
      pairs matching at length ``m`` and at length ``m + 1`` (self-matches excluded);
    - ``cm[i]``: templates of length ``m`` (of ``N - m + 1``) within ``r`` of template
      ``i``, itself included; ``cm1[i]``: the same at length ``m + 1`` (of ``N - m``).
    """
    return template_matches_sorted(x, m, r, argsort_stable(x))


@njit(cache=True, nogil=True)
def template_matches_sorted(x, m, r, order_x):
    """:func:`template_matches` given ``order_x``, a stable argsort of ``x`` (shared with
    other kernels); any order that sorts the first values gives the same counts.

    One fused pass per sorted template ``a`` over the following templates ``b`` whose
    first value is within ``r``: values ``1..m-2`` (none for ``m <= 2``) set a 0/1 mask,
    value ``m - 1`` and value ``m`` are tested in the same branch-free loop that adds to
    the counts, on contiguous slices (so it vectorises; 2-3x faster than a separate mask
    pass, the same counts). The per-template counts at ``m`` and ``m + 1`` share one int64
    (low and high 32 bits; ``x.size < 2**31``), so a pair costs one store, not two."""
    nm = x.size - m + 1
    if nm < 1:
        return 0, 0, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if bits_eligible(x.size, m, r):  # the same counts from bit sets, no pair scan
        return template_counts_bits(x, order_x, m, r)
    order, V = templates_in_order(x, m, prefix_order(order_x, nm))
    return template_matches_templates(order, V, m, r)


@njit(cache=True, nogil=True)
def template_matches_templates(order, V, m, r):
    """:func:`template_matches_sorted` from the templates ``(order, V)`` of
    :func:`templates_in_order` (``nm >= 1`` of them): the scan itself."""
    nm = order.size
    if nm >= 2**31:
        raise ValueError("template_matches: at most 2**31 - 1 templates (32-bit counts)")
    # each template's two counts in one int64 (length m in the low 32 bits, length m + 1
    # in the high ones; counts < 2**31, no carry): one load and store per pair, not two
    cs = np.empty(nm, dtype=np.int64)  # self-matches, in sorted positions
    mk = np.empty(nm, dtype=np.int64)
    both = np.int64(1) | (np.int64(1) << 32)
    for a in range(nm):  # loops rather than np.ones: one numba overload less to compile
        cs[a] = both
        mk[a] = 1
    pairs = 0
    A = 0
    e = 0
    v0 = V[0]
    vl = V[m - 1]  # for m == 1 this is v0 again: within r by the sorted scan, no harm
    vm = V[m]  # NaN for the last template, which has no (m+1)-th value
    for a in range(nm):
        e = _window_end(v0, a, e, nm, r)
        nb = e - a - 1
        mka = mk[:nb]
        if m > 2:
            _middle_mask(mka, V, a, e, m, r)
        vlb = vl[a + 1 : e]
        vmb = vm[a + 1 : e]
        csb = cs[a + 1 : e]
        vla = vl[a]
        vma = vm[a]
        ca = 0
        for j in range(nb):  # branch-free on contiguous slices, so it vectorises
            c = mka[j] & np.int64(abs(vla - vlb[j]) <= r)
            c |= (c & np.int64(abs(vma - vmb[j]) <= r)) << 32  # 0 with the last template
            ca += c
            csb[j] += c
        cs[a] += ca
        pairs += ca & 0xFFFFFFFF
        A += ca >> 32
    cm = np.empty(nm, dtype=np.int64)
    cm1 = np.empty(nm, dtype=np.int64)
    for a in range(nm):
        cm[order[a]] = cs[a] & 0xFFFFFFFF
        cm1[order[a]] = cs[a] >> 32
    last = cm[nm - 1] - 1  # pairs with the last template, which SampEn leaves out
    return A, pairs - last, cm, cm1[: nm - 1]


@njit(cache=True, nogil=True)
def match_counts(x, m, r):
    """Richman & Moorman (2000) counts: ``B`` pairs of length-``m`` templates and ``A``
    pairs of length-``m+1`` templates within ``r``, over the first ``N - m`` templates,
    self-matches excluded, each unordered pair counted once.

    The sorted scan of ``template_matches``; the per-template counts are dropped.
    """
    return match_counts_sorted(x, m, r, argsort_stable(x))


@njit(cache=True, nogil=True)
def match_counts_sorted(x, m, r, order_x):
    """:func:`match_counts` given a stable argsort ``order_x`` of ``x`` (or of any array
    whose order is also a non-decreasing order of ``x``). The fused scan of
    :func:`template_matches_sorted` over the first ``N - m`` templates, counts only."""
    nt = x.size - m
    if nt < 2:
        return 0, 0
    if bits_eligible(x.size, m, r):  # the same counts from bit sets, no pair scan
        A, B, _, _ = template_counts_bits(x, order_x, m, r)
        return A, B
    _, V = templates_in_order(x, m, prefix_order(order_x, nt))
    v0 = V[0]
    vl = V[m - 1]
    vm = V[m]
    if m == 1:
        return _match_counts_m1(v0, vm, r)
    mk = np.empty(nt, dtype=np.int64)
    for j in range(nt):
        mk[j] = 1
    B = 0
    A = 0
    e = 0
    for a in range(nt):
        e = _window_end(v0, a, e, nt, r)
        nb = e - a - 1
        mka = mk[:nb]
        if m > 2:
            _middle_mask(mka, V, a, e, m, r)
        vlb = vl[a + 1 : e]
        vmb = vm[a + 1 : e]
        vla = vl[a]
        vma = vm[a]
        for j in range(nb):  # branch-free on contiguous slices, so it vectorises
            c = mka[j] & np.int64(abs(vla - vlb[j]) <= r)
            B += c
            A += c & np.int64(abs(vma - vmb[j]) <= r)
    return A, B


@njit(cache=True, nogil=True)
def _match_counts_m1(v0, v1, r):
    """``(A, B)`` of :func:`match_counts_sorted` for ``m = 1`` from the templates' sorted
    first values ``v0`` and their next values ``v1``. The length-1 test is the sorted scan
    itself: for ``b`` in the window ``v0[b] - v0[a] <= r`` with ``v0[b] >= v0[a]``, and
    ``|v0[a] - v0[b]|`` is that same rounded difference, so ``B`` adds the window's size
    and only the second values are compared (the same counts, half the work: COSEn)."""
    nt = v0.size
    B = 0
    A = 0
    e = 0
    for a in range(nt):
        e = _window_end(v0, a, e, nt, r)
        B += e - a - 1
        vmb = v1[a + 1 : e]
        vma = v1[a]
        ca = 0
        for j in range(vmb.size):  # branch-free on a contiguous slice, so it vectorises
            ca += np.int64(abs(vma - vmb[j]) <= r)
        A += ca
    return A, B


#: Counts multiplied together before one log: 32 counts below 2**31 stay below 2**992, so
#: the product never overflows, and sum(log c) costs N/32 logs instead of N.
LOG_PRODUCT_CHUNK = 32


@njit(cache=True, nogil=True)
def _apen_from_counts(cm, cm1):
    """``Phi_m - Phi_{m+1}`` with ``Phi = mean(log(c / n_c))`` written as
    ``mean(log c) - log(n_c)``, the log sum taken over products of LOG_PRODUCT_CHUNK
    counts (each product rounds at most once per factor: ~1e-15 relative)."""
    p = np.zeros(2)
    for q in range(2):
        c = cm if q == 0 else cm1
        acc = 0.0
        for s in range(0, c.size, LOG_PRODUCT_CHUNK):
            prod = 1.0
            for i in range(s, min(s + LOG_PRODUCT_CHUNK, c.size)):
                prod *= c[i]
            acc += np.log(prod)
        p[q] = acc / c.size - np.log(c.size)
    return p[0] - p[1]


@njit(cache=True, nogil=True)
def sample_entropy(x, m, r):
    """SampEn = -ln(A/B); NaN when ``N <= m + 1`` or ``A == 0`` or ``B == 0``."""
    if x.size <= m + 1:
        return np.nan
    A, B = match_counts(x, m, r)
    return -np.log(A / B) if A > 0 and B > 0 else np.nan


@njit(cache=True, nogil=True)
def approximate_entropy(x, m, r):
    """ApEn = Phi_m - Phi_{m+1} (Pincus 1991) with self-matches included, where
    ``Phi_k = mean_i ln(C_i^k)`` and ``C_i^k`` is the fraction of the ``N - k + 1``
    length-``k`` templates within ``r`` of template ``i``. NaN when ``N <= m + 1``."""
    if x.size <= m + 1:
        return np.nan
    _, _, cm, cm1 = template_matches(x, m, r)
    return _apen_from_counts(cm, cm1)


@njit(cache=True, nogil=True)
def sample_and_approximate_entropy(x, m, r):
    """``(sample_entropy(x, m, r), approximate_entropy(x, m, r))`` from one scan."""
    return sample_and_approximate_entropy_sorted(x, m, r, argsort_stable(x))


@njit(cache=True, nogil=True)
def sample_and_approximate_entropy_sorted(x, m, r, order_x):
    """:func:`sample_and_approximate_entropy` given a stable argsort ``order_x`` of ``x``."""
    if x.size <= m + 1:
        return np.nan, np.nan
    A, B, cm, cm1 = template_matches_sorted(x, m, r, order_x)
    return -np.log(A / B) if A > 0 and B > 0 else np.nan, _apen_from_counts(cm, cm1)


@njit(cache=True, nogil=True)
def cosen(rr_ms, r_ms):
    """Coefficient of sample entropy (Lake & Moorman 2011), RR in s and r in s:
    ``SampEn(m=1, r) + ln(2 r) - ln(mean RR)``. NaN where SampEn is undefined."""
    return cosen_sorted(rr_ms, r_ms, argsort_stable(rr_ms))


@njit(cache=True, nogil=True)
def cosen_sorted(rr_ms, r_ms, order_rr):
    """:func:`cosen` given a stable argsort ``order_rr`` of ``rr_ms``. Dividing by 1000 is
    monotone, so that order also sorts the intervals in s (ties that the division makes
    may come in another order, which leaves the pair counts unchanged)."""
    if rr_ms.size < 3:
        return np.nan
    x = rr_ms / 1000.0
    r = r_ms / 1000.0
    A, B = match_counts_sorted(x, np.int64(1), r, order_rr)
    return _cosen_from_counts(rr_ms, r, A, B)


@njit(cache=True, nogil=True)
def _cosen_from_counts(rr_ms, r, A, B):
    """COSEn of ``rr_ms`` (ms) from its ``m = 1`` counts ``A, B`` at ``r`` (s)."""
    if A == 0 or B == 0:
        return np.nan
    se = -np.log(A / B)
    mu = 0.0
    for v in rr_ms:  # the sum of rr_ms / 1000.0, in the same order
        mu += v / 1000.0
    mu /= rr_ms.size
    if mu <= 0.0:
        return np.nan
    return se + np.log(2.0 * r) - np.log(mu)


@njit(cache=True, nogil=True)
def entropies_sorted(x, m, r, cosen_r_ms, order_x):
    """``(SampEn, ApEn, COSEn)`` of the intervals ``x`` (ms) given their stable argsort:
    :func:`sample_and_approximate_entropy_sorted` (x, m, r, order_x) (NaN, NaN when ``r``
    is not finite) and :func:`cosen_sorted` (x, cosen_r_ms, order_x). With ``m = 2`` both
    scan the first ``N - 1`` templates in the same order, and COSEn's two values per
    template (in s) are SampEn's first two divided by 1000 (the same doubles as
    gathering from ``x / 1000``): one prefix order and one template table, not two."""
    n = x.size
    se = np.nan
    ap = np.nan
    if m != 2 or n <= m + 1:
        if np.isfinite(r):
            se, ap = sample_and_approximate_entropy_sorted(x, m, r, order_x)
        return se, ap, cosen_sorted(x, cosen_r_ms, order_x)
    if n <= BITS_MAX_N:
        return _entropies_bits(x, r, cosen_r_ms, order_x)
    # constants as np.int64, not literals: numba compiles a kernel once more for each
    # literal integer argument (Literal[int]) beside its int64 callers' signature
    order, V = templates_in_order(x, np.int64(2), prefix_order(order_x, n - 1))
    if np.isfinite(r):
        A, B, cm, cm1 = template_matches_templates(order, V, np.int64(2), r)
        se = -np.log(A / B) if A > 0 and B > 0 else np.nan
        ap = _apen_from_counts(cm, cm1)
    v0 = np.empty(n - 1, dtype=np.float64)
    v1 = np.empty(n - 1, dtype=np.float64)
    for a in range(n - 1):
        v0[a] = V[0, a] / 1000.0
        v1[a] = V[1, a] / 1000.0
    rs = cosen_r_ms / 1000.0
    A, B = _match_counts_m1(v0, v1, rs)
    return se, ap, _cosen_from_counts(x, rs, A, B)


@njit(cache=True, nogil=True)
def _entropies_bits(x, r, cosen_r_ms, order_x):
    """:func:`entropies_sorted` for ``m = 2`` and ``3 < N <= BITS_MAX_N`` from the bit sets
    of :mod:`~geoecg._kernels.hrv_entropy_bits`: one rank space and one table of
    coordinate sets serve SampEn/ApEn (``r``, ms) and COSEn (``cosen_r_ms / 1000``, s). The
    intervals in s are ``x / 1000``, one distinct value for each distinct value of ``x``
    unless the division rounds two of them together (then COSEn takes its own rank space);
    the counts, hence the values, are those of the pair scans."""
    se = np.nan
    ap = np.nan
    rank, u, K, start, inv = rank_space(x, order_x)
    # np.int64 constants: one compiled signature per kernel (see entropies_sorted)
    C = coordinate_sets(rank, order_x, start, inv, K, np.int64(2))
    if np.isfinite(r):
        if r >= 0.0:
            lo, hi = within_r_runs(u, K, r)
            A, B, cm, cm1 = counts_in_sorted_space(rank, start, C, K, lo, hi, np.int64(2))
        else:  # a negative r: the pair scan (its counts keep each template itself)
            A, B, cm, cm1 = template_matches_sorted(x, np.int64(2), r, order_x)
        se = -np.log(A / B) if A > 0 and B > 0 else np.nan
        ap = _apen_from_counts(cm, cm1)
    rs = cosen_r_ms / 1000.0
    us = np.empty(K, dtype=np.float64)
    distinct = True
    for k in range(K):
        us[k] = u[k] / 1000.0
        if k > 0 and not us[k] > us[k - 1]:
            distinct = False
    if distinct and rs >= 0.0:
        lo, hi = within_r_runs(us, K, rs)
        A, B, _, _ = counts_in_sorted_space(rank, start, C, K, lo, hi, np.int64(1))
    else:
        A, B = match_counts_sorted(x / 1000.0, np.int64(1), rs, order_x)
    return se, ap, _cosen_from_counts(x, rs, A, B)


@njit(cache=True, nogil=True)
def shannon_histogram(x, width):
    """Shannon entropy (bits) of the histogram of ``x`` in fixed bins of ``width``."""
    if x.size == 0:
        return np.nan
    xmin = x[0]
    xmax = x[0]
    for v in x:
        xmin = min(xmin, v)
        xmax = max(xmax, v)
    lo = np.floor(xmin / width)
    nb = int(np.floor(xmax / width) - lo) + 1
    counts = np.zeros(nb, dtype=np.float64)
    for v in x:
        counts[int(np.floor(v / width) - lo)] += 1.0
    return shannon_counts(counts, x.size)


@njit(cache=True, nogil=True)
def shannon_counts(counts, n):
    """Shannon entropy (bits) of a histogram ``counts`` of ``n`` values."""
    h = 0.0
    for c in counts:
        if c > 0:
            p = c / n
            h -= p * np.log2(p)
    return h
