"""R-peak detection kernels, stage 1: band-pass, QRS energy envelope and candidate peaks.

The stages are separate kernels so that each one can be compared against a NumPy twin in
``tests/test_rpeaks_kernels.py``:

0. :func:`block_mean` -- block averages that bring the signal to 100-200 Hz for detection;
   :func:`finite_runs` / :func:`mask_runs` -- the finite stretches that are processed.
1. :func:`bandpass_energy` -- forward-backward (zero-phase) cascade of second-order
   sections, then the squared central difference averaged over a centred moving window (the
   "moving-window integrator" of Pan & Tompkins 1985).
2. :func:`local_maxima` -- strict local maxima of the envelope (first sample of a plateau),
   merged so that no two kept maxima are closer than a refractory distance.

Several leads' envelopes are put on a common scale and combined in
:mod:`geoecg._kernels.rpeaks_combine`.

All kernels work on finite, contiguous float64 input; the public wrapper in
:mod:`geoecg.features.rpeaks` cuts NaN gaps out first.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from .._jit import compiled_as


@intrinsic
def _fma_intrinsic(typingctx, a, b, c):
    """``a * b + c`` rounded once (``llvm.fma.f64``: one instruction on a processor with
    fused multiply-add), for float64 arguments."""
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context, builder, signature, args):
        return builder.fma(*args)

    return sig, codegen


def _float64s(*arg_types):
    return all(t == types.float64 for t in arg_types)


@compiled_as(_fma_intrinsic, accepts=_float64s)
def _fma(a, b, c):
    """``a * b + c`` rounded once, for floats.

    Compiled code calls :func:`_fma_intrinsic` (:func:`geoecg._jit.compiled_as`); plain
    Python (under ``NUMBA_DISABLE_JIT=1``, or a kernel run interpreted by
    :func:`geoecg._numba_cache.interpreted`) runs this function, which gives the same
    correctly rounded value. The product is
    split exactly into ``p + e`` (Dekker's two-product, exact for finite products without
    underflow), then ``p + e + c`` rounded once by :func:`math.fsum`; a non-finite product
    or sum (or a split that overflows) is ``a * b + c``, except that an infinite ``c`` is
    the result when ``a`` and ``b`` are finite (their exact product is finite even where the
    rounded one overflows: ``1e300 * 1e300 + -inf`` is ``-inf``, not NaN); a zero product
    plus a zero is ``a * b + c`` too (exact, with IEEE's sign of the zero sum:
    ``-0.0 * 1.0 + -0.0`` is ``-0.0``, where ``math.fsum`` gives ``+0.0``)."""
    p = a * b
    if not math.isfinite(p):
        if math.isinf(c) and math.isfinite(a) and math.isfinite(b):
            return c
        return p + c
    if p == 0.0 and c == 0.0:
        return p + c
    t = 134217729.0 * a  # 2**27 + 1: Veltkamp's split into 26-bit halves
    ah = t - (t - a)
    al = a - ah
    t = 134217729.0 * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    if not math.isfinite(e):  # the split overflowed (|a| or |b| near the largest float)
        return p + c
    try:
        return math.fsum((p, e, c))
    except (OverflowError, ValueError):  # an infinite or NaN c, or an overflowing sum
        return p + c


_fma_python = _fma  # the name the tests use for the plain-Python value


@njit(cache=True, nogil=True)
def median_sorted(x):
    """``np.median`` of a 1-D float array from one sort (NaN for empty input or a NaN).

    For finite input it returns the number numba's ``np.median`` returns (the same order
    statistic, or the same ``(a + b) / 2`` of the two middle ones); it exists because a
    kernel that calls ``np.median`` makes numba import its linear-algebra module (and SciPy's
    LAPACK bindings) whenever that kernel is loaded from the cache, ~0.26 s CPU in a fresh
    process (``docs/benchmarks/cold_start.md``, session 10).
    """
    n = x.shape[0]
    if n == 0:
        return np.nan
    s = np.sort(x)
    if np.isnan(s[n - 1]):
        return np.nan
    h = n >> 1
    if n & 1:
        return s[h]
    return (s[h - 1] + s[h]) / 2


@njit(cache=True, nogil=True)
def local_maxima(m, min_distance):
    """Indices of the local maxima of ``m``, no two closer than ``min_distance`` samples.

    A local maximum is a sample greater than its left neighbour and not smaller than its
    right neighbour that is followed by a decrease (the first sample of a plateau); edges do
    not count. Scanning left to right, a maximum closer than ``min_distance`` to the last
    kept one replaces it when strictly higher and is dropped otherwise. Only maxima with
    ``m > 0`` are returned.

    Two passes: a branch-free one marks the ends of rises (``m[i] > m[i-1]`` and
    ``m[i+1] <= m[i]``, the only possible maxima), :func:`maxima_at_marks` applies the
    plateau, sign and distance rules to the marked samples.
    """
    n = m.shape[0]
    if n < 3:
        return np.empty(0, dtype=np.int64)
    top = np.empty(n, dtype=np.uint8)
    top[0] = 0
    top[n - 1] = 0
    for i in range(1, n - 1):
        top[i] = (m[i] > m[i - 1]) & (m[i + 1] <= m[i])
    return maxima_at_marks(m=m, top=top, min_distance=min_distance)


@njit(cache=True, nogil=True)
def maxima_at_marks(m, top, min_distance):
    """Second pass of :func:`local_maxima`: the maxima among the samples marked 1 in
    ``top`` (uint8, the ends of rises; 0 at both edges), with the plateau, ``m > 0`` and
    distance rules.

    The marks are first gathered into a list; each listed sample then updates the kept
    maxima with selects instead of branches (noise leaves several marks per beat, whose
    keep/replace/drop outcomes a branch predictor cannot guess).
    """
    n = m.shape[0]
    out = np.empty(n // 2 + 2, dtype=np.int64)  # out[0]: scratch slot; maxima from out[1]
    tops = np.empty(n // 2 + 1, dtype=np.int64)  # ends of rises are at least 2 apart
    nt = 0
    for i in range(n):
        tops[nt] = i
        nt += np.int64(top[i])
    k = 0
    last = -min_distance - 1  # position and value of the last kept maximum: none is close
    last_v = 0.0
    nxt = 1  # first sample not walked over yet
    for t in range(nt):
        i = tops[t]
        if i < nxt:
            continue
        v = m[i]
        j = i
        if m[i + 1] == v:  # a plateau: walk over it
            while j < n - 1 and m[j + 1] == v:
                j += 1
            if not (j < n - 1 and m[j + 1] < v):
                nxt = j + 1
                continue
        nxt = j + 1
        ok = v > 0.0
        close = i - last < min_distance
        take = ok & ((not close) | (v > last_v))  # append, or replace the last kept one
        app = ok & (not close)
        pos = k + app  # out[k] is the last kept one (out[0]: scratch when k == 0)
        out[pos] = i if take else out[pos]
        last = i if take else last
        last_v = v if take else last_v
        k += app
    return out[1 : k + 1].copy()


@njit(cache=True, nogil=True)
def _cascade_inplace(y, sos, reverse):
    """Run the SOS cascade over ``y`` in place, all sections per sample (one memory pass)."""
    n = y.shape[0]
    ns = sos.shape[0]
    z1 = np.zeros(ns)
    z2 = np.zeros(ns)
    for k in range(n):
        i = n - 1 - k if reverse else k
        v = y[i]
        for s in range(ns):
            out = sos[s, 0] * v + z1[s]
            z1[s] = (sos[s, 1] * v + z2[s]) - sos[s, 4] * out  # one add off the recursion
            z2[s] = sos[s, 2] * v - sos[s, 5] * out
            v = out
        y[i] = v


@njit(cache=True, nogil=True)
def _squared_slope_inplace(y):
    """``y[i] = ((y[i+1] - y[i-1]) / 2) ** 2`` (one-sided at the ends), in place."""
    n = y.shape[0]
    prev = y[0]
    v = y[1] - y[0]
    y[0] = v * v
    for i in range(1, n - 1):
        cur = y[i]
        v = 0.5 * (y[i + 1] - prev)
        prev = cur
        y[i] = v * v
    v = y[n - 1] - prev
    y[n - 1] = v * v


@njit(cache=True, nogil=True)
def _two_section_slope(x, sos, y):
    """Zero-phase two-section cascade of ``x - x[0]`` and its squared slope, into ``y``.

    Forward pass from rest; backward pass from rest that writes the squared central
    difference one sample behind the filter (``d[i] = (f[i+1] - f[i-1]) / 2``, one-sided at
    the ends), so the slope needs no pass of its own. Each section runs in the state-space
    form of :func:`_section_coefs`: the recursion from one sample to
    the next is one fused multiply-add per state (the transposed direct form's multiply
    and two adds in sequence took 1.2-1.3x longer; the same filter, another rounding, about
    1e-15 of the signal's scale). The fused paths of
    :mod:`geoecg._kernels.rpeaks_fused` make the same operations. Needs ``n >= 2``.
    """
    n = x.shape[0]
    cf = _section_coefs(sos)
    x0 = x[0]
    p1 = 0.0
    p2 = 0.0
    q1 = 0.0
    q2 = 0.0
    for i in range(n):
        v = x[i] - x0
        w, p1, p2, q1, q2 = _cascade_step(v, cf, p1, p2, q1, q2)
        y[i] = w
    p1 = 0.0
    p2 = 0.0
    q1 = 0.0
    q2 = 0.0
    nxt = 0.0  # filtered value at i + 2 ...
    cur = 0.0  # ... and at i + 1, while sample i is being filtered
    for k in range(n):
        i = n - 1 - k
        v = y[i]
        w, p1, p2, q1, q2 = _cascade_step(v, cf, p1, p2, q1, q2)
        if k == 1:
            d = cur - w  # last sample: one-sided
            y[n - 1] = d * d
        elif k >= 2:
            d = 0.5 * (nxt - w)
            y[i + 1] = d * d
        nxt = cur
        cur = w
    d = nxt - cur  # first sample: one-sided
    y[0] = d * d


@njit(cache=True, nogil=True)
def _section_coefs(sos):
    """Coefficients of the state-space form of a two-section cascade (rows ``b0, b1, b2,
    1, a1, a2``), per section ``b0, c1, c2, -a1, -a2`` with ``c1 = b1 - a1 b0`` and
    ``c2 = b2 - a2 b0``.

    A section's transposed direct form (``u = b0 v + p1``, ``p1 <- b1 v + p2 - a1 u``,
    ``p2 <- b2 v - a2 u``) with ``u`` substituted: ``p1 <- (p2 + c1 v) - a1 p1`` and
    ``p2 <- c2 v - a2 p1``, each a fused multiply-add on the state (``_fma(-a1, p1, ...)``),
    the output ``u = b0 v + p1`` off the recursion. The same filter in exact arithmetic.
    """
    b10, b11, b12, a11, a12 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    b20, b21, b22, a21, a22 = sos[1, 0], sos[1, 1], sos[1, 2], sos[1, 4], sos[1, 5]
    return (
        b10,
        b11 - a11 * b10,
        b12 - a12 * b10,
        -a11,
        -a12,
        b20,
        b21 - a21 * b20,
        b22 - a22 * b20,
        -a21,
        -a22,
    )


@njit(cache=True, nogil=True, inline="always")
def _cascade_step(v, cf, p1, p2, q1, q2):
    """One sample ``v`` through the two-section cascade in the state-space form of
    :func:`_section_coefs` (``cf``, its ten coefficients); ``p1, p2`` and ``q1, q2`` are the
    states of the first and second section. Returns ``(w, p1, p2, q1, q2)``: the output and
    the new states. The one step of every two-section filter loop here and in
    :mod:`geoecg._kernels.rpeaks_fused` (inlined: the same operations in the same order)."""
    b10, c11, c12, n11, n12, b20, c21, c22, n21, n22 = cf
    u = b10 * v + p1
    t = p2 + c11 * v
    p2 = _fma(n12, p1, c12 * v)
    p1 = _fma(n11, p1, t)
    w = b20 * u + q1
    t = q2 + c21 * u
    q2 = _fma(n22, q1, c22 * u)
    q1 = _fma(n21, q1, t)
    return w, p1, p2, q1, q2


@njit(cache=True, nogil=True)
def _slope_energy(x, sos):
    """Squared slope of the zero-phase band-passed ``x - x[0]`` (``n >= 2``)."""
    y = np.empty(x.shape[0])
    _slope_energy_into(x, sos, y)
    return y


@njit(cache=True, nogil=True)
def _slope_energy_into(x, sos, y):
    """:func:`_slope_energy` written into ``y`` (same length as ``x``)."""
    n = x.shape[0]
    if sos.shape[0] == 2:
        _two_section_slope(x, sos, y)
    else:
        x0 = x[0]
        for i in range(n):
            y[i] = x[i] - x0
        _cascade_inplace(y, sos, False)
        _cascade_inplace(y, sos, True)
        _squared_slope_inplace(y)


@njit(cache=True, nogil=True, inline="always")
def _window_count(i, h, n):
    """Samples in the window ``[i - h, i + h]`` clipped to ``[0, n - 1]``."""
    lo = i - h
    if lo < 0:
        lo = 0
    hi = i + h
    if hi > n - 1:
        hi = n - 1
    return hi - lo + 1


@njit(cache=True, nogil=True, inline="always")
def _window_step(y, h, n, i, acc, out):
    """Sample ``i`` of :func:`_window_mean` with the clipping tests (the edges); returns
    the running sum for ``i + 1``."""
    if acc < 0.0:
        acc = 0.0
    out[i] = acc / _window_count(i, h, n)
    if i + h + 1 < n:
        acc += y[i + h + 1]
    if i - h >= 0:
        acc -= y[i - h]
    return acc


@njit(cache=True, nogil=True)
def _window_mean(y, h, out):
    """``out[i]`` = mean of ``y`` over ``[i - h, i + h]`` clipped to the signal (a running
    sum, clipped at 0 against round-off).

    The samples whose window is not clipped (``h <= i < n - h - 1``) run in a loop of their
    own, without the clipping tests (the count ``2 h + 1`` is the float the division
    converts it to, and unsigned indices spare numba's test for a negative index); there the
    sum takes the difference of the entering and the leaving sample, one addition on the
    running sum's chain instead of two (1.8x faster; a different rounding of the same sum).
    Where only one end of the window moves (the clipped edges), that sample is added or
    subtracted."""
    n = y.shape[0]
    acc = 0.0
    for j in range(min(h, n - 1) + 1):
        acc += y[j]
    a_end = min(h, n)
    b_end = max(a_end, n - h - 1)
    for i in range(a_end):
        acc = _window_step(y, h, n, i, acc, out)
    cnt = float(2 * h + 1)
    for i in range(a_end, b_end):
        if acc < 0.0:
            acc = 0.0
        out[np.uint64(i)] = acc / cnt
        acc += y[np.uint64(i + h + 1)] - y[np.uint64(i - h)]
    for i in range(b_end, n):
        acc = _window_step(y, h, n, i, acc, out)


@njit(cache=True, nogil=True)
def bandpass_energy(x, sos, half_width):
    """QRS energy envelope of ``x``: zero-phase band-pass, squared slope, centred mean.

    The forward pass starts from rest with the first sample subtracted (a band-pass filter
    then sees no step at t = 0); the backward pass starts from rest as well. ``sos`` rows are
    ``b0, b1, b2, a0, a1, a2`` with ``a0 == 1`` as returned by :func:`scipy.signal.butter`.
    The slope is ``d[i] = (y[i+1] - y[i-1]) / 2`` (one-sided at the ends) and the output is
    the mean of ``d[j]**2`` over ``j`` in ``[i - half_width, i + half_width]`` clipped to the
    signal; 0 everywhere for fewer than 2 samples. Two sections (order-2 band-pass) take a
    fused path in state-space form (:func:`_two_section_slope`: the same filter, another
    rounding than :func:`_cascade_inplace`).
    """
    n = x.shape[0]
    out = np.zeros(n)
    if n < 2:
        return out
    y = _slope_energy(x, sos)
    _window_mean(y, half_width if half_width > 0 else 0, out)
    return out


@njit(cache=True, nogil=True)
def block_mean(x, k):
    """Means of consecutive blocks of ``k`` samples (a trailing partial block is dropped).

    A block holding a NaN is NaN. ``k == 1`` returns a copy. Each block is summed left to
    right from 0.0 and multiplied by ``1 / k`` (k = 2 and 3, the factors at 200-399 Hz, are
    unrolled with the same arithmetic).
    """
    out = np.empty(x.shape[0] // k)
    _block_mean_into(x, k, out)
    return out


@njit(cache=True, nogil=True)
def _block_mean_into(x, k, out):
    """:func:`block_mean` written into ``out`` (``len(x) // k`` values)."""
    nb = x.shape[0] // k
    inv = 1.0 / k
    if k == 2:
        for b in range(nb):
            out[b] = ((0.0 + x[2 * b]) + x[2 * b + 1]) * inv
    elif k == 3:
        for b in range(nb):
            out[b] = (((0.0 + x[3 * b]) + x[3 * b + 1]) + x[3 * b + 2]) * inv
    else:
        for b in range(nb):
            s = 0.0
            base = b * k
            for j in range(k):
                s += x[base + j]
            out[b] = s * inv


@njit(cache=True, nogil=True)
def finite_runs(x, min_len):
    """``[start, stop)`` of the runs of finite samples of ``x`` at least ``min_len`` long.

    Returns an ``(n_runs, 2)`` int64 array in order: the edges of ``np.isfinite(x)``, kept
    when ``stop - start >= min_len`` (no boolean mask is built).
    """
    n = x.shape[0]
    runs = np.empty((n // 2 + 1, 2), dtype=np.int64)
    k = 0
    i = 0
    while i < n:
        while i < n and not np.isfinite(x[i]):
            i += 1
        a = i
        while i < n and np.isfinite(x[i]):
            i += 1
        if i > a and i - a >= min_len:
            runs[k, 0] = a
            runs[k, 1] = i
            k += 1
    return runs[:k].copy()


@njit(cache=True, nogil=True)
def mask_runs(mask, min_len):
    """``[start, stop)`` of the runs of True in the boolean ``mask`` at least ``min_len``
    long, as an ``(n_runs, 2)`` int64 array (:func:`finite_runs` for a mask)."""
    n = mask.shape[0]
    runs = np.empty((n // 2 + 1, 2), dtype=np.int64)
    k = 0
    i = 0
    while i < n:
        while i < n and not mask[i]:
            i += 1
        a = i
        while i < n and mask[i]:
            i += 1
        if i > a and i - a >= min_len:
            runs[k, 0] = a
            runs[k, 1] = i
            k += 1
    return runs[:k].copy()


@njit(cache=True, nogil=True)
def lead_energies(x, k, sos, half_width, min_len):
    """Stages 0-1 for every lead of ``x`` ``(n_leads, n)`` in one call.

    Per lead: :func:`block_mean` of ``k`` samples (the samples themselves for ``k == 1``),
    its :func:`finite_runs` of at least ``min_len`` samples and :func:`bandpass_energy` of
    each run -- the same operations as lead by lead, hence the same numbers, written in
    place (no per-run arrays). Returns the envelopes ``(n_leads, n // k)`` (0 outside the
    runs), the mask of the processed samples, the runs of the last lead and whether ``x``
    holds an infinite sample (only the samples of a block whose mean is not finite, and of
    the dropped tail, can be infinite, so only those are looked at).
    """
    n_leads = x.shape[0]
    n = x.shape[1]
    nd = n // k
    energy = np.zeros((n_leads, nd))
    used = np.zeros((n_leads, nd), dtype=np.bool_)
    runs = np.empty((0, 2), dtype=np.int64)
    xd = np.empty(nd)
    y = np.empty(nd)
    has_inf = False
    h = half_width if half_width > 0 else 0
    for lead in range(n_leads):
        runs, inf_here = lead_energy_into(x, lead, k, sos, h, min_len, xd, y, energy, used)
        has_inf = has_inf or inf_here
    return energy, used, runs, has_inf


@njit(cache=True, nogil=True)
def lead_energy_into(x, lead, k, sos, h, min_len, xd, y, energy, used):
    """One lead of :func:`lead_energies` (its loop body), written into ``energy[lead]`` and
    ``used[lead]`` (``energy[lead]`` zero on entry; ``xd``, ``y`` work arrays of ``n // k``);
    returns the lead's runs and whether the lead holds an infinite sample."""
    row = x[lead]
    n = row.shape[0]
    nd = xd.shape[0]
    has_inf = False
    if k > 1:
        _block_mean_into(row, k, xd)
    else:
        xd[:] = row
    for b in range(nd):
        if not np.isfinite(xd[b]):
            for i in range(b * k, b * k + k):
                if np.isinf(row[i]):
                    has_inf = True
    for i in range(nd * k, n):
        if np.isinf(row[i]):
            has_inf = True
    runs = finite_runs(xd, min_len)
    for r in range(runs.shape[0]):
        a = runs[r, 0]
        b = runs[r, 1]
        if b - a >= 2:
            _slope_energy_into(xd[a:b], sos, y[a:b])
            _window_mean(y[a:b], h, energy[lead, a:b])
        used[lead, a:b] = True
    return runs, has_inf
