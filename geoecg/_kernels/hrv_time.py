"""Time-domain HRV kernels on one RR series (ms), NaN-aware.

Conventions shared by every HRV kernel: ``rr`` is float64 in ms, NaN marks a missing or
rejected interval. Distribution statistics use the finite values; successive differences
use only pairs of consecutive finite intervals. Results that are undefined (too few
values, division by zero) are NaN.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .hrv_sort import argsort_stable, sorted_abs_dev

#: Histogram bin width (ms) of the HRV triangular index, TINN and the RR Shannon entropy:
#: 1/128 s, the Task Force (1996) recommendation.
HIST_BIN_MS = 1000.0 / 128.0


@njit(cache=True, nogil=True)
def finite_values(x):
    """Finite elements of ``x`` in their original order."""
    n = 0
    for i in range(x.size):
        if np.isfinite(x[i]):
            n += 1
    out = np.empty(n, dtype=np.float64)
    j = 0
    for i in range(x.size):
        if np.isfinite(x[i]):
            out[j] = x[i]
            j += 1
    return out


@njit(cache=True, nogil=True)
def successive_diffs(x):
    """``x[i+1] - x[i]`` for every pair of consecutive finite values."""
    n = 0
    for i in range(x.size - 1):
        if np.isfinite(x[i]) and np.isfinite(x[i + 1]):
            n += 1
    out = np.empty(n, dtype=np.float64)
    j = 0
    for i in range(x.size - 1):
        if np.isfinite(x[i]) and np.isfinite(x[i + 1]):
            out[j] = x[i + 1] - x[i]
            j += 1
    return out


@njit(cache=True, nogil=True)
def mean(x):
    if x.size == 0:
        return np.nan
    s = 0.0
    for v in x:
        s += v
    return s / x.size


@njit(cache=True, nogil=True)
def std(x, ddof):
    """Standard deviation with ``ddof`` (two-pass); NaN when ``x.size <= ddof``; exactly 0
    when the variance is below the rounding error of the mean."""
    n = x.size
    if n <= ddof:
        return np.nan
    m = mean(x)
    c = 0.0
    for v in x:
        c += v - m
    m += c / n  # corrected two-pass mean
    s = 0.0
    for v in x:
        s += (v - m) * (v - m)
    var = s / (n - ddof)
    if var <= (4.0 * 2.220446049250313e-16 * m) ** 2:
        return 0.0  # a constant series: the residue is rounding of the mean
    return np.sqrt(var)


@njit(cache=True, nogil=True)
def percentile_sorted(xs, q):
    """Percentile ``q`` (0-100) of sorted ``xs``, linear interpolation (NumPy default)."""
    return percentile_head(xs, xs.size, q)


@njit(cache=True, nogil=True)
def percentile_head(xs, n, q):
    """:func:`percentile_sorted` of a sorted sequence of ``n`` values of which ``xs`` holds
    the first ones (at least ``floor((n - 1) q / 100) + 2``, or all ``n``)."""
    if n == 0:
        return np.nan
    pos = (n - 1) * q / 100.0
    lo = int(np.floor(pos))
    hi = min(lo + 1, n - 1)
    frac = pos - lo
    return xs[lo] + (xs[hi] - xs[lo]) * frac


@njit(cache=True, nogil=True)
def histogram_fixed(x, width):
    """Counts of ``x`` in bins ``[k*width, (k+1)*width)`` from the bin holding ``min(x)``.

    Returns ``(counts, first_edge)``; ``x`` must be finite and non-empty.
    """
    xmin = x[0]
    xmax = x[0]
    for v in x:
        xmin = min(xmin, v)
        xmax = max(xmax, v)
    return histogram_range(x, width, xmin, xmax)


@njit(cache=True, nogil=True)
def histogram_range(x, width, xmin, xmax):
    """:func:`histogram_fixed` with ``min(x)`` and ``max(x)`` already known."""
    lo = np.floor(xmin / width)
    hi = np.floor(xmax / width)
    nb = int(hi - lo) + 1
    counts = np.zeros(nb, dtype=np.float64)
    for v in x:
        k = int(np.floor(v / width) - lo)
        if k >= nb:
            k = nb - 1
        counts[k] += 1.0
    return counts, lo * width


@njit(cache=True, nogil=True)
def tinn(counts, first_edge, width):
    """Triangular interpolation of the NN histogram (Task Force 1996), ms.

    The triangle has its apex at the left edge ``X`` of the modal bin with height
    ``Y = max(counts)`` and feet ``N <= X <= M`` on bin edges; ``q`` is zero outside
    ``[N, M]`` and linear inside. ``N`` and ``M`` minimise ``sum_j (D_j - q(t_j))**2`` over
    the left bin edges ``t_j``. The two halves are independent, so each foot is chosen
    on its own. Returns ``M - N``.

    Each candidate foot's error is first written in closed form from prefix sums of the
    counts (``O(1)`` per candidate, :func:`_tinn_shortlist`); only the candidates within
    a rounding margin of the smallest are then scored by the direct sum
    (:func:`_foot_errors_left` / ``_right``), which decides. The direct sums of the
    other candidates exceed that margin, so they could not win: the result is the
    exhaustive search's, bit for bit (O(nb) instead of ~O(nb**2) terms).
    """
    nb = counts.size
    if nb < 1:
        return np.nan
    mode = np.int64(0)  # not a literal 0: numba would compile the callees for it too
    for j in range(nb):
        if counts[j] > counts[mode]:
            mode = j
    y = counts[mode]
    x_apex = first_edge + mode * width
    keep_l, keep_r = _tinn_shortlist(counts, mode)
    best_n = _foot_left(counts, first_edge, width, mode, y, x_apex, keep_l)
    best_m = _foot_right(counts, first_edge, width, mode, y, x_apex, keep_r)
    return best_m - best_n


#: Relative margin of :func:`_tinn_shortlist` per histogram bin (the closed forms and the
#: direct sums differ by rounding, ~1e-16 per term: 1e-12 leaves a factor ~1000).
TINN_MARGIN = 1e-12


@njit(cache=True, nogil=True)
def _tinn_shortlist(counts, mode):
    """Candidate feet whose error may be the smallest: ``(keep_l, keep_r)``, boolean
    arrays over the left candidates ``k = -1 .. mode-1`` and the right ones ``k = mode+1
    .. nb+1`` (bin indices of the foot). The error of a foot at ``k`` with ``D = |mode -
    k|`` is ``sum_zero c_j**2 + sum_J (c_j - y u_j / D)**2`` (``u_j`` the distance of bin
    ``j`` from the foot, ``J`` the bins strictly between foot and apex), expanded into
    prefix sums of ``c``, ``c j`` and ``c**2``; a candidate is kept when its error minus
    its margin is at most the smallest error plus margin."""
    nb = counts.size
    p0 = np.zeros(nb + 1, dtype=np.float64)  # prefix sums of c, c j, c**2
    p1 = np.zeros(nb + 1, dtype=np.float64)
    p2 = np.zeros(nb + 1, dtype=np.float64)
    for j in range(nb):
        c = counts[j]
        p0[j + 1] = p0[j] + c
        p1[j + 1] = p1[j] + c * j
        p2[j + 1] = p2[j] + c * c
    y = counts[mode]
    rel = TINN_MARGIN * (nb + 2)
    nl = mode + 1
    el = np.empty(nl, dtype=np.float64)
    sl = np.empty(nl, dtype=np.float64)
    for i in range(nl):  # foot k = i - 1; J = k+1 .. mode-1, u = j - k; zero: 0 .. k
        k = i - 1
        d = mode - k
        a = k + 1
        c2 = p2[mode]
        scu = (p1[mode] - p1[a]) - k * (p0[mode] - p0[a])
        u2 = (d - 1.0) * d * (2.0 * d - 1.0) / 6.0
        g = y / d
        el[i] = c2 - 2.0 * g * scu + g * g * u2
        sl[i] = rel * (c2 + 2.0 * g * abs(scu) + g * g * u2 + y * y + 1.0)
    nr = nb + 1 - mode
    er = np.empty(nr, dtype=np.float64)
    sr = np.empty(nr, dtype=np.float64)
    for i in range(nr):  # foot k = mode+1+i; J = mode+1 .. e-1 (e = min(k, nb)), u = k - j
        k = mode + 1 + i
        d = k - mode
        e = min(k, nb)
        c2 = p2[nb] - p2[mode + 1]
        scu = k * (p0[e] - p0[mode + 1]) - (p1[e] - p1[mode + 1])
        lo = k - e  # u runs from k - e + 1 to d - 1
        u2 = ((d - 1.0) * d * (2.0 * d - 1.0) - lo * (lo + 1.0) * (2.0 * lo + 1.0)) / 6.0
        g = y / d
        er[i] = c2 - 2.0 * g * scu + g * g * u2
        sr[i] = rel * (c2 + 2.0 * g * abs(scu) + g * g * u2 + y * y + 1.0)
    return _within_margin(el, sl), _within_margin(er, sr)


@njit(cache=True, nogil=True)
def _within_margin(e, s):
    """``e - s <= min(e + s)`` elementwise (all ``True`` when a value is not finite: the
    direct sums then decide alone)."""
    top = np.inf
    ok = True
    for i in range(e.size):
        if not (np.isfinite(e[i]) and np.isfinite(s[i])):
            ok = False
        top = min(top, e[i] + s[i])
    keep = np.empty(e.size, dtype=np.bool_)
    for i in range(e.size):
        keep[i] = (not ok) or e[i] - s[i] <= top
    return keep


@njit(cache=True, nogil=True)
def _foot_left(counts, first_edge, width, mode, y, x_apex, keep):
    """Left foot of :func:`tinn` among the candidates ``k = i - 1`` with ``keep[i]``, by
    the direct sum in ascending ``k`` (the first smallest error wins). Each candidate's
    error is a running sum of non-negative terms, and rounded addition of a non-negative
    term never decreases it: once it reaches the best error so far, the candidate cannot
    win (``<``), so its loop stops early."""
    best_l = np.inf
    best_n = x_apex
    for k in range(-1, mode):
        if not keep[k + 1]:
            continue
        n_pos = first_edge + k * width
        err = 0.0
        for j in range(mode):
            t = first_edge + j * width
            q = 0.0
            if t > n_pos:
                q = y * (t - n_pos) / (x_apex - n_pos)
            err += (counts[j] - q) ** 2
            if err >= best_l:
                break
        if err < best_l:
            best_l = err
            best_n = n_pos
    return best_n


@njit(cache=True, nogil=True)
def _foot_right(counts, first_edge, width, mode, y, x_apex, keep):
    """Right foot of :func:`tinn` (``k = mode + 1 + i`` with ``keep[i]``), as
    :func:`_foot_left`."""
    nb = counts.size
    best_r = np.inf
    best_m = x_apex
    for k in range(mode + 1, nb + 2):
        if not keep[k - mode - 1]:
            continue
        m_pos = first_edge + k * width
        err = 0.0
        for j in range(mode + 1, nb):
            t = first_edge + j * width
            q = 0.0
            if t < m_pos:
                q = y * (m_pos - t) / (m_pos - x_apex)
            err += (counts[j] - q) ** 2
            if err >= best_r:
                break
        if err < best_r:
            best_r = err
            best_m = m_pos
    return best_m


#: Names of the time-domain block, in kernel order.
TIME_NAMES = (
    "MeanNN",
    "SDNN",
    "RMSSD",
    "SDSD",
    "CVNN",
    "CVSD",
    "MedianNN",
    "MadNN",
    "MCVNN",
    "IQRNN",
    "Prc20NN",
    "Prc80NN",
    "MinNN",
    "MaxNN",
    "pNN20",
    "pNN50",
    "HRMean",
    "HRStd",
    "HRMin",
    "HRMax",
    "HTI",
    "TINN",
)


@njit(cache=True, nogil=True)
def sorted_values(x, order):
    """``x[order]`` (a loop: no fancy-indexing machinery to compile)."""
    xs = np.empty(order.size, dtype=np.float64)
    for i in range(order.size):
        xs[i] = x[order[i]]
    return xs


@njit(cache=True, nogil=True, inline="always")
def _std_from(q, m, n):
    """The last step of :func:`std` (ddof 1) from the sum of squared deviations ``q``
    about the corrected mean ``m`` of ``n > 1`` values (also Poincaré's, in
    :mod:`geoecg._kernels.hrv_nonlinear`)."""
    var = q / (n - 1)
    if var <= (4.0 * 2.220446049250313e-16 * m) ** 2:
        return 0.0
    return np.sqrt(var)


@njit(cache=True, nogil=True)
def _time_moments(x, d, hr):
    """``(mean(x), std(x, 1), mean(d), std(d, 1), sum(d**2), mean(hr), std(hr, 1))`` with
    every sum of :func:`mean` and :func:`std` (and RMSSD's ``sum(d**2)``) taken in the same
    order, so the same numbers, but the sums of the three arrays side by side in three
    fused passes (sum, mean correction, squared deviations) instead of twelve separate ones:
    each sum is a chain of dependent additions, and independent chains in one loop overlap
    (~5 us less per 5-min series). ``x`` non-empty; ``hr`` empty or of ``x``'s size; a
    mean or std that :func:`mean` / :func:`std` would not define is NaN."""
    n = x.size
    nd = d.size
    nh = hr.size
    k = min(n, nd)
    sx = 0.0
    sd_ = 0.0
    sdd = 0.0
    sh = 0.0
    for i in range(k):
        sx += x[i]
        v = d[i]
        sd_ += v
        sdd += v * v
        sh += hr[i] if i < nh else 0.0
    for i in range(k, n):
        sx += x[i]
        sh += hr[i] if i < nh else 0.0
    for i in range(k, nd):
        v = d[i]
        sd_ += v
        sdd += v * v
    mx = sx / n
    md = sd_ / nd if nd > 0 else np.nan
    mh = sh / n if nh > 0 else np.nan
    cx = 0.0
    cd = 0.0
    ch = 0.0
    for i in range(k):
        cx += x[i] - mx
        cd += d[i] - md
        ch += hr[i] - mh if i < nh else 0.0
    for i in range(k, n):
        cx += x[i] - mx
        ch += hr[i] - mh if i < nh else 0.0
    for i in range(k, nd):
        cd += d[i] - md
    ax = mx + cx / n  # corrected two-pass means, as in std
    ad = md + cd / nd if nd > 0 else np.nan
    ah = mh + ch / n if nh > 0 else np.nan
    qx = 0.0
    qd = 0.0
    qh = 0.0
    for i in range(k):
        qx += (x[i] - ax) * (x[i] - ax)
        qd += (d[i] - ad) * (d[i] - ad)
        qh += (hr[i] - ah) * (hr[i] - ah) if i < nh else 0.0
    for i in range(k, n):
        qx += (x[i] - ax) * (x[i] - ax)
        qh += (hr[i] - ah) * (hr[i] - ah) if i < nh else 0.0
    for i in range(k, nd):
        qd += (d[i] - ad) * (d[i] - ad)
    sdx = _std_from(qx, ax, n) if n > 1 else np.nan
    sdd_ = _std_from(qd, ad, nd) if nd > 1 else np.nan
    sdh = _std_from(qh, ah, n) if nh > 1 else np.nan
    return mx, sdx, md, sdd_, sdd, mh, sdh


@njit(cache=True, nogil=True)
def hrv_time_block(rr, out):
    """Fill ``out[:22]`` with the time-domain indices of ``rr`` (ms), see ``TIME_NAMES``."""
    x = finite_values(rr)
    xs = sorted_values(x, argsort_stable(x))
    if x.size == 0:
        for i in range(22):
            out[i] = np.nan
        return
    counts, first = histogram_range(xs, HIST_BIN_MS, xs[0], xs[xs.size - 1])
    hrv_time_core(rr, x, xs, counts, first, out)


@njit(cache=True, nogil=True)
def hrv_time_core(rr, x, xs, counts, first, out):
    """:func:`hrv_time_block` from shared intermediates: ``x`` the finite intervals, ``xs``
    their sorted copy, ``(counts, first)`` their 1/128-s histogram (``x`` non-empty)."""
    for i in range(22):
        out[i] = np.nan
    d = successive_diffs(rr)
    n = x.size
    nd = d.size
    hr_ok = xs[0] > 0.0
    hr = np.empty(n if hr_ok else 0, dtype=np.float64)  # one division per interval
    for i in range(hr.size):
        hr[i] = 60000.0 / x[i]
    m, sd, dm, dsd, sdd, hm, hsd = _time_moments(x, d, hr)
    out[0] = m
    out[1] = sd
    if nd >= 1:
        out[2] = np.sqrt(sdd / nd)
    out[3] = dsd
    if m != 0.0:
        out[4] = sd / m
        out[5] = out[2] / m
    med = percentile_sorted(xs, 50.0)
    out[6] = med
    # the median deviation needs only the smallest n // 2 + 2 of the sorted deviations
    out[7] = 1.4826 * percentile_head(sorted_abs_dev(xs, med, n // 2 + 2), n, 50.0)
    if med != 0.0:
        out[8] = out[7] / med
    out[9] = percentile_sorted(xs, 75.0) - percentile_sorted(xs, 25.0)
    out[10] = percentile_sorted(xs, 20.0)
    out[11] = percentile_sorted(xs, 80.0)
    out[12] = xs[0]
    out[13] = xs[n - 1]
    if d.size >= 1:
        c20 = 0
        c50 = 0
        for v in d:
            if abs(v) > 20.0:
                c20 += 1
            if abs(v) > 50.0:
                c50 += 1
        out[14] = 100.0 * c20 / d.size
        out[15] = 100.0 * c50 / d.size
    if hr_ok:
        out[16] = hm
        out[17] = hsd
        out[18] = 60000.0 / xs[n - 1]
        out[19] = 60000.0 / xs[0]
    cmax = 0.0
    for c in counts:
        cmax = max(cmax, c)
    out[20] = n / cmax
    if n >= 3:
        out[21] = tinn(counts, first, HIST_BIN_MS)
