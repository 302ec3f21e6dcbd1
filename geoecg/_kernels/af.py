"""Numba kernels for RR-based atrial-fibrillation statistics.

Each row of the input matrix is one window of RR intervals in ms (NaN = missing, skipped).
:func:`af_row_stats` fills one row of :data:`AF_STAT_NAMES` per window. No validation here:
the public face is :mod:`geoecg.features.af`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

AF_STAT_NAMES = (
    "MeanRR",
    "nRMSSD",
    "nMADdRR",
    "CVRR",
    "pRR6",
    "TPR",
    "ShEn16",
    "COSEn",
    "TG_D",
    "Irr",
    "LorenzOcc",
    "RangeRR",
    "Bigeminy",
    "EctopicFrac",
    "nFinite",
)
N_AF_STATS = len(AF_STAT_NAMES)

# Column positions, for readers of the kernel.
I_MEAN, I_NRMSSD, I_NMAD, I_CV, I_PRR6, I_TPR, I_SHEN = 0, 1, 2, 3, 4, 5, 6
I_COSEN, I_TGD, I_IRR, I_LORENZ, I_RANGE, I_BIGEM, I_ECT, I_N = 7, 8, 9, 10, 11, 12, 13, 14


@njit(cache=True, nogil=True)
def finite_row(row):
    """The finite values of ``row``, in order."""
    n = 0
    for v in row:
        if np.isfinite(v):
            n += 1
    out = np.empty(n, dtype=np.float64)
    j = 0
    for v in row:
        if np.isfinite(v):
            out[j] = v
            j += 1
    return out


@njit(cache=True, nogil=True)
def median_sorted_copy(x):
    """Median of a 1-D array (NaN for an empty one)."""
    if x.size == 0:
        return np.nan
    s = np.sort(x)
    h = s.size // 2
    if s.size % 2 == 1:
        return s[h]
    return 0.5 * (s[h - 1] + s[h])


@njit(cache=True, nogil=True)
def coefficient_sample_entropy(x, r0_ms, r_step_ms, r_max_ms, min_matches):
    """COSEn (Lake & Moorman 2011) of the intervals ``x`` (ms) with m = 1.

    Counts template pairs ``i < j`` over the first ``n - 1`` points: ``B`` pairs with
    ``|x_i - x_j| <= r`` and ``A`` of them with also ``|x_{i+1} - x_{j+1}| <= r``. ``r``
    starts at ``r0_ms`` and grows by ``r_step_ms`` until ``A >= min_matches`` (NaN past
    ``r_max_ms``). COSEn = -ln(A/B) + ln(2 r) - ln(mean(x)).
    """
    n = x.size
    if n < 3:
        return np.nan
    mean = 0.0
    for v in x:
        mean += v
    mean /= n
    r = r0_ms
    while r <= r_max_ms:
        a = 0
        b = 0
        for i in range(n - 1):
            for j in range(i + 1, n - 1):
                if abs(x[i] - x[j]) <= r:
                    b += 1
                    if abs(x[i + 1] - x[j + 1]) <= r:
                        a += 1
        if a >= min_matches and b > 0:
            return -np.log(a / b) + np.log(2.0 * r) - np.log(mean)
        r += r_step_ms
    return np.nan


@njit(cache=True, nogil=True)
def ks_distance(d, mean_rr, tmpl_cdf, grid0, grid_step, bin0, bin_w):
    """One-sample Kolmogorov-Smirnov distance between the values ``d`` (ms) and the
    template CDF row chosen by ``mean_rr`` (ms): row ``clip((mean_rr - bin0) // bin_w)``,
    tabulated on the grid ``grid0 + k * grid_step`` and interpolated linearly."""
    n = d.size
    if n == 0 or not np.isfinite(mean_rr):
        return np.nan
    nb = tmpl_cdf.shape[0]
    ng = tmpl_cdf.shape[1]
    b = int(np.floor((mean_rr - bin0) / bin_w))
    b = min(max(b, 0), nb - 1)
    s = np.sort(d)
    dist = 0.0
    for i in range(n):
        pos = (s[i] - grid0) / grid_step
        if pos <= 0.0:
            f = tmpl_cdf[b, 0]
        elif pos >= ng - 1:
            f = tmpl_cdf[b, ng - 1]
        else:
            k = int(np.floor(pos))
            w = pos - k
            f = (1.0 - w) * tmpl_cdf[b, k] + w * tmpl_cdf[b, k + 1]
        hi = (i + 1) / n - f
        lo = f - i / n
        if hi > dist:
            dist = hi
        if lo > dist:
            dist = lo
    return dist


@njit(cache=True, nogil=True)
def ectopic_mask(x, premature, pause, sum_tol):
    """Premature-beat pairs: ``x[i] < (1 - premature) ref``, ``x[i+1] > (1 + pause) ref``
    and ``|x[i] + x[i+1] - 2 ref| < sum_tol * 2 ref`` (compensatory pause), with ``ref``
    the median of ``x``. Both intervals of a pair are flagged."""
    n = x.size
    m = np.zeros(n, dtype=np.bool_)
    ref = median_sorted_copy(x)
    if n < 2 or not np.isfinite(ref):
        return m
    for i in range(n - 1):
        if (
            x[i] < (1.0 - premature) * ref
            and x[i + 1] > (1.0 + pause) * ref
            and abs(x[i] + x[i + 1] - 2.0 * ref) < sum_tol * 2.0 * ref
        ):
            m[i] = True
            m[i + 1] = True
    return m


@njit(cache=True, nogil=True)
def row_stats(x, out, tmpl_cdf, grid0, grid_step, bin0, bin_w, cosen_r_ms, min_n):
    """Fill ``out`` (length :data:`N_AF_STATS`) from the finite intervals ``x`` (ms)."""
    for k in range(out.size):
        out[k] = np.nan
    n = x.size
    out[I_N] = n
    if n < min_n or n < 3:
        return
    mean = 0.0
    for v in x:
        mean += v
    mean /= n
    med = median_sorted_copy(x)
    var = 0.0
    mn = x[0]
    mx = x[0]
    for v in x:
        var += (v - mean) ** 2
        mn = min(mn, v)
        mx = max(mx, v)
    sd = np.sqrt(var / (n - 1))
    d = np.empty(n - 1, dtype=np.float64)
    ad = np.empty(n - 1, dtype=np.float64)
    ss = 0.0
    big = 0
    for i in range(n - 1):
        d[i] = x[i + 1] - x[i]
        ad[i] = abs(d[i])
        ss += d[i] * d[i]
        if ad[i] > 0.0625 * mean:
            big += 1
    out[I_MEAN] = mean
    out[I_NRMSSD] = np.sqrt(ss / (n - 1)) / mean
    out[I_NMAD] = median_sorted_copy(ad) / med
    out[I_CV] = sd / mean
    out[I_PRR6] = big / (n - 1)
    tp = 0
    for i in range(1, n - 1):
        if (x[i] > x[i - 1] and x[i] > x[i + 1]) or (x[i] < x[i - 1] and x[i] < x[i + 1]):
            tp += 1
    out[I_TPR] = tp / (n - 2)
    # Shannon entropy of a 16-bin histogram over [min, max], in units of log(16)
    if mx > mn:
        counts = np.zeros(16, dtype=np.int64)
        for v in x:
            k = int((v - mn) / (mx - mn) * 16.0)
            counts[min(k, 15)] += 1
        h = 0.0
        for c in counts:
            if c > 0:
                p = c / n
                h -= p * np.log(p)
        out[I_SHEN] = h / np.log(16.0)
    else:
        out[I_SHEN] = 0.0
    out[I_COSEN] = coefficient_sample_entropy(x, cosen_r_ms, 10.0, 500.0, 5)
    out[I_TGD] = ks_distance(d, mean, tmpl_cdf, grid0, grid_step, bin0, bin_w)
    # ectopic filtering, then irregularity with bigeminy/trigeminy suppressed (min of lags 1-3)
    ect = ectopic_mask(x, 0.15, 0.10, 0.10)
    n_ect = 0
    for v in ect:
        if v:
            n_ect += 1
    out[I_ECT] = n_ect / n
    y = np.empty(n - n_ect, dtype=np.float64)
    j = 0
    for i in range(n):
        if not ect[i]:
            y[j] = x[i]
            j += 1
    if y.size >= 4:
        irr = np.empty(y.size - 3, dtype=np.float64)
        for i in range(3, y.size):
            irr[i - 3] = min(abs(y[i] - y[i - 1]), abs(y[i] - y[i - 2]), abs(y[i] - y[i - 3]))
        out[I_IRR] = median_sorted_copy(irr) / median_sorted_copy(y)
    # Lorenz plot of successive differences: occupied 40-ms cells per point (Sarkar 2008)
    if n >= 4:
        m = n - 2
        cx = np.empty(m, dtype=np.int64)
        cy = np.empty(m, dtype=np.int64)
        for i in range(m):
            cx[i] = int(np.floor(d[i + 1] / 40.0))
            cy[i] = int(np.floor(d[i] / 40.0))
        occ = 0
        for i in range(m):
            seen = False
            for k in range(i):
                if cx[k] == cx[i] and cy[k] == cy[i]:
                    seen = True
                    break
            if not seen:
                occ += 1
        out[I_LORENZ] = occ / m
    out[I_RANGE] = (mx - mn) / med
    if n >= 4:
        l2 = np.empty(n - 2, dtype=np.float64)
        for i in range(n - 2):
            l2[i] = abs(x[i + 2] - x[i])
        m1 = median_sorted_copy(ad)
        if m1 > 0:
            out[I_BIGEM] = median_sorted_copy(l2) / m1


@njit(cache=True, nogil=True)
def af_row_stats(W, tmpl_cdf, grid0, grid_step, bin0, bin_w, cosen_r_ms, min_n):
    """Statistics of every row of ``W`` (n_rows, width), NaN skipped:
    array (n_rows, N_AF_STATS)."""
    out = np.empty((W.shape[0], N_AF_STATS), dtype=np.float64)
    for r in range(W.shape[0]):
        x = finite_row(W[r])
        row_stats(x, out[r], tmpl_cdf, grid0, grid_step, bin0, bin_w, cosen_r_ms, min_n)
    return out


@njit(cache=True, nogil=True)
def centered_windows(rr, width):
    """Row ``i`` holds ``rr[i - width // 2 : i - width // 2 + width]`` (NaN past the ends)."""
    n = rr.size
    out = np.full((n, width), np.nan)
    h = width // 2
    for i in range(n):
        for k in range(width):
            j = i - h + k
            if 0 <= j < n:
                out[i, k] = rr[j]
    return out
