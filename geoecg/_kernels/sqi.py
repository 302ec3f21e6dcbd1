"""Signal-quality kernels: moments, flat-line and clipping fractions, beat matching, and
a second R-peak detector of a different principle (curve-length transform) for bSQI.

All take finite-or-NaN float64 arrays; NaN samples are skipped by the moments and break
runs in the flat-line/clipping scans.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .cohort import pairwise_sum
from .sosfilt import _odd_extension, _sosfilt_inplace, sos_filtfilt  # noqa: F401 - the old import path


@njit(cache=True, nogil=True)
def skew_kurt(x):
    """Sample skewness and Pearson kurtosis (3 for a Gaussian), biased moment estimators
    ``m3 / m2**1.5`` and ``m4 / m2**2`` over the finite samples; NaN when fewer than 3
    finite samples or zero variance."""
    n = 0
    s = 0.0
    for v in x:
        if np.isfinite(v):
            n += 1
            s += v
    if n < 3:
        return np.nan, np.nan
    mu = s / n
    m2 = 0.0
    m3 = 0.0
    m4 = 0.0
    for v in x:
        if np.isfinite(v):
            d = v - mu
            d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
    m2 /= n
    m3 /= n
    m4 /= n
    if not m2 > 0.0:
        return np.nan, np.nan
    return m3 / m2**1.5, m4 / (m2 * m2)


@njit(cache=True, nogil=True)
def flat_fraction(x, tol, min_len):
    """Fraction of samples in runs of at least ``min_len`` samples whose successive
    absolute differences are all ``<= tol`` (mV). NaN for an empty input."""
    n = x.size
    if n == 0:
        return np.nan
    flat = 0
    run = 1  # samples in the current flat run
    for i in range(1, n + 1):
        cont = i < n and np.isfinite(x[i]) and np.isfinite(x[i - 1]) and abs(x[i] - x[i - 1]) <= tol
        if cont:
            run += 1
        else:
            if run >= min_len and np.isfinite(x[i - 1]):
                flat += run
            run = 1
    return flat / n


@njit(cache=True, nogil=True)
def clip_fraction(x, tol, min_len):
    """Fraction of samples in runs of at least ``min_len`` consecutive samples within
    ``tol`` (mV) of the window's maximum or of its minimum (saturation plateaus)."""
    n = x.size
    if n == 0:
        return np.nan
    hi = -np.inf
    lo = np.inf
    for v in x:
        if np.isfinite(v):
            hi = max(hi, v)
            lo = min(lo, v)
    if not np.isfinite(hi) or hi - lo <= tol:
        return np.nan if not np.isfinite(hi) else 0.0
    clipped = 0
    for side in range(2):
        run = 0
        for i in range(n + 1):
            at = False
            if i < n and np.isfinite(x[i]):
                at = (x[i] >= hi - tol) if side == 0 else (x[i] <= lo + tol)
            if at:
                run += 1
            else:
                if run >= min_len:
                    clipped += run
                run = 0
    return clipped / n


@njit(cache=True, nogil=True)
def count_matches(a, b, tol):
    """Number of one-to-one matches between sorted sample indices ``a`` and ``b`` with
    ``|a_i - b_j| <= tol`` (greedy in time order; optimal for sorted 1-D points)."""
    i = 0
    j = 0
    m = 0
    while i < a.size and j < b.size:
        d = a[i] - b[j]
        if abs(d) <= tol:
            m += 1
            i += 1
            j += 1
        elif d < 0:
            i += 1
        else:
            j += 1
    return m


#: Old name of :func:`count_matches` (one name per concept: ``match_beats`` is
#: :func:`geoecg.evaluation.match_beats`); removed in the next release.
match_beats = count_matches


@njit(cache=True, nogil=True)
def curve_length(x, w):
    """Curve-length transform: ``L[i] = sum_{k=i-w+1..i} |x[k] - x[k-1]|`` (NaN steps
    count as 0)."""
    n = x.size
    d = np.zeros(n, dtype=np.float64)
    for i in range(1, n):
        v = abs(x[i] - x[i - 1])
        d[i] = v if np.isfinite(v) else 0.0
    out = np.empty(n, dtype=np.float64)
    s = 0.0
    for i in range(n):
        s += d[i]
        if i >= w:
            s -= d[i - w]
        out[i] = s
    return out


#: :func:`order_statistic` reads its threshold from every 32nd value.
_OS_STRIDE = 32


@njit(cache=True, nogil=True)
def order_statistic(a, q):
    """``np.partition(a, q)[q]`` (the value at ``q`` of ``np.sort(a)``, ``0 <= q < a.size``)
    for a high quantile, without partitioning all of ``a``: a threshold ``t`` is read from
    the sorted sample ``a[::32]`` so that about twice the ``a.size - q`` values wanted lie
    at or above it; one branch-free scan gathers the values ``>= t`` and those few are
    partitioned. Every value below ``t`` sorts before every gathered one, so the value is
    the same (for an ``a`` without negative zeros, which could come out as ``+0.0``). When
    fewer than ``a.size - q`` values were gathered, with a NaN, or for a short ``a``, it is
    ``np.partition(a, q)[q]`` itself."""
    n = a.size
    m = n - q
    if n < 32 * _OS_STRIDE:
        return np.partition(a, q)[q]
    ns = (n + _OS_STRIDE - 1) // _OS_STRIDE
    sample = np.empty(ns, dtype=np.float64)
    for i in range(ns):
        sample[i] = a[i * _OS_STRIDE]
    sample.sort()
    t = sample[max(0, ns - 1 - 2 * (m // _OS_STRIDE) - 4)]
    buf = np.empty(n, dtype=np.float64)
    cnt = 0
    for v in a:
        if v != v:
            return np.partition(a, q)[q]
        buf[cnt] = v
        cnt += v >= t
    if cnt < m:
        return np.partition(a, q)[q]
    return np.partition(buf[:cnt], cnt - m)[cnt - m]


@njit(cache=True, nogil=True)
def length_transform_detect(x, fs):
    """Second QRS detector for bSQI: curve-length transform (after Zong et al. 2003,
    "wqrs") of a low-passed signal ``x`` (mV), 130 ms window.

    A beat starts where the length crosses an adaptive threshold (initially a third of
    the 98th-percentile length over the first 8 s, then a third of the running mean of the
    last 8 beat heights, floored at a tenth of the initial one); the R-peak is the largest
    absolute deviation from the local median-free baseline within the next 150 ms;
    refractory period 250 ms.
    """
    n = x.size
    out = np.empty(0, dtype=np.int64)
    if n < int(fs):
        return out
    w = max(2, int(round(0.13 * fs)))
    L = curve_length(x, w)
    head = L[: min(n, int(8 * fs))]
    q98 = int(0.98 * (head.size - 1))
    init = order_statistic(head, q98)  # np.partition(head, q98)[q98]
    if not init > 0:
        return out
    thr = init / 3.0
    floor = init / 10.0
    heights = np.full(8, init, dtype=np.float64)
    peaks = np.empty(n // max(1, int(0.25 * fs)) + 1, dtype=np.int64)
    k = 0
    refr = int(round(0.25 * fs))
    look = int(round(0.15 * fs))
    half = w
    i = 1
    last = -refr - 1
    while i < n:
        if L[i] > thr and L[i - 1] <= thr and i - last > refr:
            a = i - half if i - half > 0 else 0
            b = min(n, i + look)
            # baseline: mean of the window, peak: largest absolute deviation
            mu = 0.0
            c = 0
            for j in range(a, b):
                if np.isfinite(x[j]):
                    mu += x[j]
                    c += 1
            if c == 0:
                i += 1
                continue
            mu /= c
            best = a
            bv = -1.0
            for j in range(a, b):
                if np.isfinite(x[j]) and abs(x[j] - mu) > bv:
                    bv = abs(x[j] - mu)
                    best = j
            hmax = 0.0
            for j in range(i, b):
                if L[j] > hmax:
                    hmax = L[j]
            if best - last > refr:
                peaks[k] = best
                k += 1
                last = best
                for q in range(7):
                    heights[q] = heights[q + 1]
                heights[7] = hmax
                thr = max(np.mean(heights) / 3.0, floor)
            i = b
            continue
        i += 1
    return peaks[:k].copy()


@njit(cache=True, nogil=True)
def _beat_matrix(x, peaks, half):
    """The beats ``x[p - half : p + half + 1]`` that lie inside ``x``, one per row
    (``(0, 2 * half + 1)`` when there are fewer than 2)."""
    n = x.size
    w = 2 * half + 1
    nb = 0
    for p in peaks:
        if p - half >= 0 and p + half < n:
            nb += 1
    if nb < 2:
        return np.empty((0, w), dtype=np.float64)
    B = np.empty((nb, w), dtype=np.float64)
    k = 0
    for p in peaks:
        if p - half >= 0 and p + half < n:
            for j in range(w):
                B[k, j] = x[p - half + j]
            k += 1
    return B


@njit(cache=True, nogil=True)
def _mean_correlation(B, tmpl):
    """Mean Pearson correlation of the rows of ``B`` with ``tmpl`` (a row or template
    with zero variance counts as 0; NaN when the mean is not finite)."""
    nb, w = B.shape
    tm = tmpl.mean()
    tv = 0.0
    for j in range(w):
        tv += (tmpl[j] - tm) ** 2
    tot = 0.0
    for i in range(nb):
        bm = 0.0
        for j in range(w):
            bm += B[i, j]
        bm /= w
        sxy = 0.0
        sbb = 0.0
        for j in range(w):
            sxy += (B[i, j] - bm) * (tmpl[j] - tm)
            sbb += (B[i, j] - bm) ** 2
        if sbb > 0 and tv > 0:
            tot += sxy / np.sqrt(sbb * tv)
    r = tot / nb
    return r if np.isfinite(r) else np.nan


@njit(cache=True, nogil=True)
def template_correlation(x, peaks, half):
    """Mean Pearson correlation of each beat ``x[p - half : p + half + 1]`` with the
    sample-wise median of all beats (beats running off either end are skipped). NaN with
    fewer than 2 beats; a beat with zero variance counts as correlation 0."""
    B = _beat_matrix(x, peaks, half)
    nb, w = B.shape
    if nb < 2:
        return np.nan
    tmpl = np.empty(w, dtype=np.float64)
    col = np.empty(nb, dtype=np.float64)
    for j in range(w):
        for i in range(nb):
            col[i] = B[i, j]
        tmpl[j] = np.median(col)
    return _mean_correlation(B, tmpl)


@njit(cache=True, nogil=True)
def sqi_row_finite(
    x, rpeaks, sos, zi, padlen, fs, match_tol, flat_tol, flat_len, clip_tol, clip_len, half, out
):
    """The time-domain SQIs of a finite window ``x`` (``x.size > padlen``, more than 30
    samples) in one call, written to ``out`` in the order of ``geoecg.features.SQI_NAMES``
    (entries 3 and 4, the periodogram ratios, are left as they are).

    The same values, bit for bit, as the per-index kernels with the same arguments (the
    twin in ``tests/test_sqi_fused.py``): bSQI = :func:`count_matches` of ``rpeaks`` with
    :func:`length_transform_detect` of ``x`` low-passed by :func:`sos_filtfilt`
    (tolerance ``match_tol`` samples); :func:`skew_kurt`; :func:`flat_fraction`
    (``flat_tol`` mV, ``flat_len`` samples); :func:`clip_fraction` (``clip_tol`` mV,
    ``clip_len`` samples); :func:`template_correlation` (``half`` samples).

    The low-pass is two latency-bound recursions (forward, backward); the sums and run
    scans of the other indices ride along in those loops (each accumulator keeps its own
    order: the sums run over ``x`` from the first sample while the backward pass runs from
    the last), so they cost almost nothing."""
    n = x.size
    ext = _odd_extension(x, padlen)
    m = ext.size
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    # forward pass (one section, zi * first sample) + sum, extremes and flat runs of x
    z0 = zi[0, 0] * ext[0]
    z1 = zi[0, 1] * ext[0]
    tot = 0.0
    hi = -np.inf
    lo = np.inf
    flat = 0
    run = 1
    for k in range(m):
        v = ext[k]
        t = b0 * v + z0
        z0 = b1 * v - a1 * t + z1
        z1 = b2 * v - a2 * t
        ext[k] = t
        if k < n:
            u = x[k]
            tot += u
            hi = max(hi, u)
            lo = min(lo, u)
        if 1 <= k <= n:  # flat_fraction's step i = k (x is finite)
            if k < n and abs(x[k] - x[k - 1]) <= flat_tol:
                run += 1
            else:
                if run >= flat_len:
                    flat += run
                run = 1
    # backward pass (zi * last output) + central moments and clipped runs of x
    last = ext[m - 1]
    z0 = zi[0, 0] * last
    z1 = zi[0, 1] * last
    mu = tot / n
    m2 = 0.0
    m3 = 0.0
    m4 = 0.0
    scan = hi - lo > clip_tol  # clip_fraction: a window within clip_tol is 0
    top = hi - clip_tol
    bottom = lo + clip_tol
    clipped = 0
    run_hi = 0
    run_lo = 0
    for k in range(m):
        j = m - 1 - k
        v = ext[j]
        t = b0 * v + z0
        z0 = b1 * v - a1 * t + z1
        z1 = b2 * v - a2 * t
        ext[j] = t
        if k < n:
            d = x[k] - mu
            d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
        if scan and k <= n:
            if k < n and x[k] >= top:
                run_hi += 1
            else:
                if run_hi >= clip_len:
                    clipped += run_hi
                run_hi = 0
            if k < n and x[k] <= bottom:
                run_lo += 1
            else:
                if run_lo >= clip_len:
                    clipped += run_lo
                run_lo = 0
    y = ext[padlen : padlen + n]
    second = length_transform_detect(y, fs)
    nb = rpeaks.size + second.size
    if nb == 0:
        out[0] = np.nan
    else:
        c = count_matches(rpeaks, second, match_tol)
        out[0] = c / (nb - c)
    m2 /= n
    m3 /= n
    m4 /= n
    if n < 3 or not m2 > 0.0:
        out[1] = np.nan
        out[2] = np.nan
    else:
        out[1] = m4 / (m2 * m2)
        out[2] = m3 / m2**1.5
    out[5] = flat / n
    out[6] = clipped / n
    out[7] = _template_correlation_finite(x, rpeaks, half)


@njit(cache=True, nogil=True)
def _template_correlation_finite(x, peaks, half):
    """:func:`template_correlation` of a finite ``x``, the column medians by insertion sort
    (the middle value, or the two middle values' sum / 2, as ``np.median``), without a
    copy per column."""
    B = _beat_matrix(x, peaks, half)
    nb, w = B.shape
    if nb < 2:
        return np.nan
    tmpl = np.empty(w, dtype=np.float64)
    col = np.empty(nb, dtype=np.float64)
    h = nb >> 1
    for j in range(w):
        for i in range(nb):
            v = B[i, j]
            q = i
            while q > 0 and col[q - 1] > v:
                col[q] = col[q - 1]
                q -= 1
            col[q] = v
        tmpl[j] = col[h] if nb & 1 else (col[h - 1] + col[h]) / 2
    return _mean_correlation(B, tmpl)


@njit(cache=True, nogil=True)
def hann_detrended(x, w, out):
    """``(x - x.mean()) * w`` into ``out`` (finite ``x``, window ``w``), the mean summed in
    NumPy's pairwise order, so the same bits as the NumPy expression."""
    n = x.size
    mu = (0.0 + pairwise_sum(x, 0, n)) / n
    for i in range(n):
        out[i] = (x[i] - mu) * w[i]


@njit(cache=True, nogil=True)
def sqi_rows_finite(
    X,
    peaks,
    offsets,
    sos,
    zi,
    padlen,
    fs,
    match_tol,
    flat_tol,
    flat_len,
    clip_tol,
    clip_len,
    half,
    w,
    out,
    Y,
):
    """:func:`sqi_row_finite` and :func:`hann_detrended` of every row of ``X`` (n_rows, n)
    in one call: row ``r`` with beats ``peaks[offsets[r] : offsets[r + 1]]`` gets its
    time-domain SQIs in ``out[r]`` and ``(X[r] - mean) * w`` in ``Y[r]`` (the input of the
    periodogram). Returns a boolean array: False for a row with a sample that is not finite
    (that row of ``out`` and ``Y`` untouched; the caller takes its NaN-aware path).

    Each row goes through the same operations as one call of the two kernels, so a row's
    values do not depend on the other rows (the twin in ``tests/test_sqi_fused.py``)."""
    n_rows = X.shape[0]
    ok = np.zeros(n_rows, dtype=np.bool_)
    for r in range(n_rows):
        x = X[r]
        bad = 0
        for i in range(x.size):
            v = x[i]
            bad |= not (abs(v) < np.inf)  # False for an infinite or NaN v (no warning)
        if bad:
            continue
        ok[r] = True
        sqi_row_finite(
            x,
            peaks[offsets[r] : offsets[r + 1]],
            sos,
            zi,
            padlen,
            fs,
            match_tol,
            flat_tol,
            flat_len,
            clip_tol,
            clip_len,
            half,
            out[r],
        )
        hann_detrended(x, w, Y[r])
    return ok
