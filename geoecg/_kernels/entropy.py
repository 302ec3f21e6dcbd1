"""Entropy kernels: sample entropy, approximate entropy, COSEn, histogram Shannon entropy.

Template matching uses the Chebyshev distance with ``<= r`` (ties count as matches, which
matters on integer-valued, ADC-quantised series). Inputs are finite 1-D arrays.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def match_counts(x, m, r):
    """Richman & Moorman (2000) counts: ``B`` pairs of length-``m`` templates and ``A``
    pairs of length-``m+1`` templates within ``r``, over the first ``N - m`` templates,
    self-matches excluded, each unordered pair counted once.

    Templates are visited in the order of their first value, so each one is compared
    only with those whose first value lies within ``r`` (exact, not an approximation).
    """
    n = x.size
    nt = n - m
    if nt < 2:
        return 0, 0
    order = np.argsort(x[:nt], kind="mergesort")
    B = 0
    A = 0
    for a in range(nt):
        i = order[a]
        xi = x[i]
        for b in range(a + 1, nt):
            j = order[b]
            if x[j] - xi > r:
                break
            ok = True
            for k in range(1, m):
                if abs(x[i + k] - x[j + k]) > r:
                    ok = False
                    break
            if ok:
                B += 1
                if abs(x[i + m] - x[j + m]) <= r:
                    A += 1
    return A, B


@njit(cache=True, nogil=True)
def sample_entropy(x, m, r):
    """SampEn = -ln(A/B); NaN when ``N <= m + 1`` or ``A == 0`` or ``B == 0``."""
    if x.size <= m + 1:
        return np.nan
    A, B = match_counts(x, m, r)
    if A == 0 or B == 0:
        return np.nan
    return -np.log(A / B)


@njit(cache=True, nogil=True)
def approximate_entropy(x, m, r):
    """ApEn = Phi_m - Phi_{m+1} (Pincus 1991) with self-matches included, where
    ``Phi_k = mean_i ln(C_i^k)`` and ``C_i^k`` is the fraction of the ``N - k + 1``
    length-``k`` templates within ``r`` of template ``i``. NaN when ``N <= m + 1``."""
    n = x.size
    if n <= m + 1:
        return np.nan
    nm = n - m + 1
    cm = np.ones(nm, dtype=np.int64)  # self-matches
    cm1 = np.ones(nm - 1, dtype=np.int64)
    order = np.argsort(x[:nm], kind="mergesort")
    for a in range(nm):
        i = order[a]
        xi = x[i]
        for b in range(a + 1, nm):
            j = order[b]
            if x[j] - xi > r:
                break
            ok = True
            for k in range(1, m):
                if abs(x[i + k] - x[j + k]) > r:
                    ok = False
                    break
            if ok:
                cm[i] += 1
                cm[j] += 1
                if i < nm - 1 and j < nm - 1 and abs(x[i + m] - x[j + m]) <= r:
                    cm1[i] += 1
                    cm1[j] += 1
    p1 = 0.0
    for i in range(nm):
        p1 += np.log(cm[i] / nm)
    p2 = 0.0
    for i in range(nm - 1):
        p2 += np.log(cm1[i] / (nm - 1))
    return p1 / nm - p2 / (nm - 1)


@njit(cache=True, nogil=True)
def cosen(rr_ms, r_ms):
    """Coefficient of sample entropy (Lake & Moorman 2011), RR in s and r in s:
    ``SampEn(m=1, r) + ln(2 r) - ln(mean RR)``. NaN where SampEn is undefined."""
    if rr_ms.size < 3:
        return np.nan
    x = rr_ms / 1000.0
    r = r_ms / 1000.0
    se = sample_entropy(x, 1, r)
    if not np.isfinite(se):
        return np.nan
    mu = 0.0
    for v in x:
        mu += v
    mu /= x.size
    if mu <= 0.0:
        return np.nan
    return se + np.log(2.0 * r) - np.log(mu)


@njit(cache=True, nogil=True)
def shannon_histogram(x, width):
    """Shannon entropy (bits) of the histogram of ``x`` in fixed bins of ``width``."""
    if x.size == 0:
        return np.nan
    lo = np.floor(np.min(x) / width)
    nb = int(np.floor(np.max(x) / width) - lo) + 1
    counts = np.zeros(nb, dtype=np.float64)
    for v in x:
        counts[int(np.floor(v / width) - lo)] += 1.0
    h = 0.0
    for c in counts:
        if c > 0:
            p = c / x.size
            h -= p * np.log2(p)
    return h
