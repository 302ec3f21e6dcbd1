"""Kernels against slow, obviously-correct NumPy/Python twins on small inputs.

These complete the twins of the per-topic test files for the kernels (or branches) they
did not reach, so that the kernel-verification step (``.ci/kernels_jit_off.sh``: the
kernels run as Python with ``NUMBA_DISABLE_JIT=1`` under branch coverage) covers every
kernel file. Inputs are small on purpose: with the JIT off each kernel runs as Python.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from geoecg._kernels import entropy as E
from geoecg._kernels import hrv_clean as HC
from geoecg._kernels import sqi as Q

# ----------------------------------------------------------------------------- sqi


def twin_skew_kurt(x):
    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 3:
        return np.nan, np.nan
    d = v - v.mean()
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()
    if not m2 > 0:
        return np.nan, np.nan
    return m3 / m2**1.5, m4 / m2**2


@pytest.mark.parametrize("seed", range(3))
def test_skew_kurt_matches_twin(seed):
    rng = np.random.default_rng(seed)
    x = rng.exponential(size=40)
    x[rng.random(40) < 0.2] = np.nan
    for arr in (x, x[:2], np.full(9, 1.5), np.array([np.nan, 1.0, 2.0, 4.0])):
        got = Q.skew_kurt(np.ascontiguousarray(arr))
        np.testing.assert_allclose(got, twin_skew_kurt(arr), rtol=1e-12, equal_nan=True)


def twin_max_matching(a, b, tol):
    """Largest one-to-one matching with |a_i - b_j| <= tol (DP over sorted points)."""
    na, nb = len(a), len(b)
    best = np.zeros((na + 1, nb + 1), dtype=int)
    for i in range(1, na + 1):
        for j in range(1, nb + 1):
            pair = best[i - 1, j - 1] + (abs(a[i - 1] - b[j - 1]) <= tol)
            best[i, j] = max(best[i - 1, j], best[i, j - 1], pair)
    return int(best[na, nb])


@pytest.mark.parametrize("seed", range(5))
def test_count_matches_is_the_maximum_matching(seed):
    rng = np.random.default_rng(seed)
    a = np.sort(rng.choice(300, size=25, replace=False)).astype(np.int64)
    near = a[rng.random(a.size) < 0.7] + rng.integers(-8, 9)  # some close to a, some not
    b = np.unique(np.concatenate((near, rng.choice(300, size=8)))).astype(np.int64)
    for tol in (0, 3, 10):
        assert Q.count_matches(a, b, tol) == twin_max_matching(a, b, tol)
    assert Q.count_matches(a[:0], b, 5) == 0


@pytest.mark.parametrize(("order", "padlen"), [(1, 6), (2, 12), (4, 30)])
def test_sos_filtfilt_matches_scipy(order, padlen):
    sos = np.ascontiguousarray(sps.butter(order, [0.5, 40], btype="bandpass", fs=250, output="sos"))
    zi = np.ascontiguousarray(sps.sosfilt_zi(sos))
    x = np.random.default_rng(order).standard_normal(200).cumsum()
    out = np.empty_like(x)
    Q.sos_filtfilt(sos, zi, x, padlen, out)
    want = sps.sosfiltfilt(sos, x, padtype="odd", padlen=padlen)
    np.testing.assert_allclose(out, want, rtol=0, atol=1e-10 * np.abs(want).max())


def twin_curve_length(x, w):
    d = np.abs(np.diff(np.asarray(x, dtype=float), prepend=np.nan))
    d[~np.isfinite(d)] = 0.0
    return np.array([d[max(i - w + 1, 0) : i + 1].sum() for i in range(d.size)])


def _spikes(fs, n_s, rr_s, seed):
    rng = np.random.default_rng(seed)
    n = int(n_s * fs)
    t = np.arange(n) / fs
    r = np.arange(0.5, n_s - 0.3, rr_s)
    x = 0.01 * rng.standard_normal(n)
    for c in r:
        x += np.exp(-0.5 * ((t - c) / 0.012) ** 2)
    return x, np.round(r * fs).astype(np.int64)


def test_curve_length_and_length_transform_detector():
    fs = 100.0
    x, ref = _spikes(fs, 12, 0.8, 0)
    x[300] = np.nan
    np.testing.assert_allclose(Q.curve_length(x, 13), twin_curve_length(x, 13), atol=1e-12)
    det = Q.length_transform_detect(x, fs)
    assert det.dtype == np.int64 and np.all(np.diff(det) > 0.25 * fs)
    # every reference beat is found within 50 ms, and nothing else
    assert Q.count_matches(ref, det, int(0.05 * fs)) == ref.size == det.size
    # too short, flat and all-NaN-window inputs: no beat, no error
    assert Q.length_transform_detect(x[:50], fs).size == 0
    assert Q.length_transform_detect(np.zeros(300), fs).size == 0
    y = x.copy()
    y[480:560] = np.nan  # a beat inside a NaN stretch is skipped
    got = Q.length_transform_detect(y, fs)
    assert np.all(np.isfinite(y[got]))


def twin_template_correlation(x, peaks, half):
    beats = [x[p - half : p + half + 1] for p in peaks if p - half >= 0 and p + half < x.size]
    if len(beats) < 2:
        return np.nan
    B = np.asarray(beats)
    tmpl = np.median(B, axis=0)
    rs = []
    for b in B:
        if b.std() > 0 and tmpl.std() > 0:
            rs.append(np.corrcoef(b, tmpl)[0, 1])
        else:
            rs.append(0.0)
    return float(np.mean(rs))


def test_template_correlation_matches_twin():
    x, ref = _spikes(100.0, 10, 0.7, 1)
    peaks = np.concatenate(([2], ref, [x.size - 1])).astype(np.int64)  # two run off the ends
    for half in (5, 20):
        assert Q.template_correlation(x, peaks, half) == pytest.approx(
            twin_template_correlation(x, peaks, half), rel=1e-10
        )
    assert np.isnan(Q.template_correlation(x, peaks[:2], 5))


# ----------------------------------------------------------------------------- entropy


def twin_counts(x, m, r):
    """(A, B): pairs of length-(m+1) / length-m templates within r (Chebyshev), i < j, over
    the first N - m templates (Richman & Moorman 2000)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    A = B = 0
    for i in range(n - m):
        for j in range(i + 1, n - m):
            if np.max(np.abs(x[i : i + m] - x[j : j + m])) <= r:
                B += 1
                if abs(x[i + m] - x[j + m]) <= r:
                    A += 1
    return A, B


def twin_apen(x, m, r):
    x = np.asarray(x, dtype=float)
    n = x.size

    def phi(k):
        t = np.array([x[i : i + k] for i in range(n - k + 1)])
        c = [(np.max(np.abs(t - t[i]), axis=1) <= r).mean() for i in range(len(t))]
        return np.mean(np.log(c))

    return phi(m) - phi(m + 1)


@pytest.mark.parametrize("seed", range(3))
def test_sample_and_approximate_entropy_match_twins(seed):
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal(40) * 3) / 3  # ties
    for m, r in ((1, 0.2), (2, 0.5)):
        A, B = twin_counts(x, m, r)
        want = -np.log(A / B) if A and B else np.nan
        np.testing.assert_allclose(E.sample_entropy(x, m, r), want, rtol=1e-12)
        np.testing.assert_allclose(E.approximate_entropy(x, m, r), twin_apen(x, m, r), rtol=1e-10)
    assert np.isnan(E.sample_entropy(x[:3], 2, 0.2))
    assert np.isnan(E.approximate_entropy(x[:3], 2, 0.2))
    assert np.isnan(E.sample_entropy(np.arange(10.0), 2, 0.1))  # no match: A = B = 0


def test_cosen_matches_twin():
    rr = 800 + np.round(np.random.default_rng(4).standard_normal(60) * 40)
    A, B = twin_counts(rr / 1000.0, 1, 0.03)
    want = -np.log(A / B) + np.log(2 * 0.03) - np.log(np.mean(rr / 1000.0))
    np.testing.assert_allclose(E.cosen(rr, 30.0), want, rtol=1e-10)
    assert np.isnan(E.cosen(rr[:2], 30.0))
    assert np.isnan(E.cosen(np.array([800.0, 900.0, 1000.0, 1100.0]), 1.0))


def test_shannon_histogram_matches_twin():
    x = np.array([812.0, 790.0, 805.0, 1000.0, 640.0, 801.0, 799.0])
    width = 8.0
    lo = np.floor(x.min() / width) * width
    counts, _ = np.histogram(x, bins=np.arange(lo, x.max() + 2 * width, width))
    p = counts[counts > 0] / x.size
    assert E.shannon_histogram(x, width) == pytest.approx(-(p * np.log2(p)).sum(), rel=1e-12)
    assert np.isnan(E.shannon_histogram(x[:0], width))


def _within(x, r):
    """``M[i, j] = |x[i] - x[j]| <= r`` (a boolean matrix, built by row blocks)."""
    M = np.empty((x.size, x.size), dtype=bool)
    for s in range(0, x.size, 512):
        M[s : s + 512] = np.abs(x[s : s + 512, None] - x[None, :]) <= r
    return M


def _template_within(M, k):
    """Length-``k`` templates ``i``, ``j`` within r (Chebyshev): ``M`` on ``k`` diagonals."""
    nk = M.shape[0] - k + 1
    out = M[:nk, :nk].copy()
    for lag in range(1, k):
        out &= M[lag : lag + nk, lag : lag + nk]
    return out


def twin_counts_long(x, m, r):
    """:func:`twin_counts` by whole-matrix NumPy (``x`` of thousands of values)."""
    M = _within(np.asarray(x, dtype=float), r)
    nt = M.shape[0] - m
    B = np.triu(_template_within(M, m)[:nt, :nt], 1).sum()
    A = np.triu(_template_within(M, m + 1), 1).sum()
    return int(A), int(B)


def twin_apen_long(x, m, r):
    """:func:`twin_apen` by whole-matrix NumPy."""
    M = _within(np.asarray(x, dtype=float), r)
    phi = [np.mean(np.log(_template_within(M, k).mean(axis=1))) for k in (m, m + 1)]
    return phi[0] - phi[1]


def test_entropy_pair_scans_above_the_bit_set_size_match_twins():
    """Series longer than ``BITS_MAX_N``: the bit sets of hrv_entropy_bits.py no longer
    apply, so the sorted pair scans of entropy.py count (match_counts for m = 1, 2 and 3,
    the fused SampEn/ApEn/COSEn of entropies_sorted). Integer RR intervals (ms) and an
    integer r, so that ties at exactly r count and the twins see the same doubles."""
    from geoecg._kernels.hrv_entropy_bits import BITS_MAX_N
    from geoecg._kernels.hrv_sort import argsort_stable

    n = BITS_MAX_N + 4
    x = 800.0 + np.round(np.random.default_rng(7).standard_normal(n) * 40)
    r, cosen_r_ms = 1.0, 2.0
    for m in (1, 2, 3):
        A, B = twin_counts_long(x, m, r)
        assert A > 0 and B > A
        assert E.match_counts(x, m, r) == (A, B)
    A, B = twin_counts_long(x, 2, r)
    cA, cB = twin_counts_long(x / 1000.0, 1, cosen_r_ms / 1000.0)
    mu = np.mean(x / 1000.0)
    want_cosen = -np.log(cA / cB) + np.log(2 * cosen_r_ms / 1000.0) - np.log(mu)
    se, ap, co = E.entropies_sorted(x, 2, r, cosen_r_ms, argsort_stable(x))
    np.testing.assert_allclose(se, -np.log(A / B), rtol=1e-12)
    np.testing.assert_allclose(ap, twin_apen_long(x, 2, r), rtol=1e-10)
    np.testing.assert_allclose(co, want_cosen, rtol=1e-10)
    # r = NaN: SampEn and ApEn undefined, COSEn still counted
    se, ap, co2 = E.entropies_sorted(x, 2, np.nan, cosen_r_ms, argsort_stable(x))
    assert np.isnan(se) and np.isnan(ap) and co2 == co


# ----------------------------------------------------------------------------- hrv_clean


def _rolling(x, half, q):
    n = x.size
    return np.array([np.quantile(x[max(0, i - half) : min(n, i + half + 1)], q) for i in range(n)])


def twin_classify_rr(rr, alpha, c1, c2):
    """Lipponen & Tarvainen (2019) decision rules, restated from the kernel's docstring."""
    n = rr.size
    code = np.zeros(n, dtype=np.int64)
    if n < 4:
        return code
    drr = np.concatenate(([0.0], np.diff(rr)))
    th1 = alpha * 0.5 * (_rolling(np.abs(drr), 45, 0.75) - _rolling(np.abs(drr), 45, 0.25))
    med = _rolling(rr, 5, 0.5)
    mrr = rr - med
    th2 = alpha * 0.5 * (_rolling(np.abs(mrr), 45, 0.75) - _rolling(np.abs(mrr), 45, 0.25))
    nd = np.where(th1 > 0, drr / np.where(th1 > 0, th1, 1), 0.0)
    nm = np.where(th2 > 0, mrr / np.where(th2 > 0, th2, 1), 0.0)
    nm = np.where(nm < 0, 2 * nm, nm)
    j = 0
    while j < n:
        s11 = nd[j]
        s12 = 0.0 if j in (0, n - 1) else (max if s11 > 0 else min)(nd[j - 1], nd[j + 1])
        s22 = 0.0 if j >= n - 2 else (min if s11 >= 0 else max)(nd[j + 1], nd[j + 2])
        if (s11 > 1 and s12 < -c1 * s11 - c2) or (s11 < -1 and s12 > -c1 * s11 + c2):
            code[j] = HC.ECTOPIC
            j += 1
            continue
        if abs(nm[j]) > 3 or (s11 > 1 and s22 < -1) or (s11 < -1 and s22 > 1):
            if rr[j] > med[j]:
                code[j] = HC.MISSED if abs(rr[j] / 2 - med[j]) < th2[j] else HC.LONG
            elif j + 1 < n and abs(rr[j] + rr[j + 1] - med[j]) < th2[j]:
                code[j] = HC.EXTRA
            else:
                code[j] = HC.SHORT
        j += 1
    return code


@pytest.mark.parametrize("seed", range(3))
def test_classify_rr_matches_twin(seed):
    rng = np.random.default_rng(seed)
    rr = 800 + 30 * rng.standard_normal(120)
    rr[20] -= 300  # ectopic: short then compensatory long
    rr[21] += 300
    rr[50] *= 2  # missed beat
    rr[80:82] = rr[80] / 2  # extra beat
    rr[100] = 1300  # long
    rr[110] = 450  # short
    got = HC.classify_rr(rr, 5.2, 0.13, 0.17)
    np.testing.assert_array_equal(got, twin_classify_rr(rr, 5.2, 0.13, 0.17))
    assert {HC.ECTOPIC, HC.MISSED} <= set(got.tolist())
    np.testing.assert_array_equal(HC.classify_rr(rr[:3], 5.2, 0.13, 0.17), [0, 0, 0])


# ----------------------------------------------------------------------------- hrv_floor


def test_four_indices_match_numpy():
    from geoecg._kernels.hrv_floor import four_indices

    rng = np.random.default_rng(5)
    series = [800 + 60 * rng.standard_normal(k) for k in (2, 7, 40)]
    offsets = np.concatenate(([0], np.cumsum([s.size for s in series]))).astype(np.int64)
    out = np.empty((len(series), 4))
    four_indices(np.concatenate(series), offsets, out)
    for row, s in zip(out, series, strict=True):
        d = np.diff(s)
        want = [s.mean(), s.std(ddof=1), np.sqrt(np.mean(d**2)), 100 * np.mean(np.abs(d) > 50)]
        np.testing.assert_allclose(row, want, rtol=1e-9)


# ----------------------------------------------------------------------------- rpeaks_floor


@pytest.mark.parametrize("n, h", [(1, 0), (1, 3), (5, 2), (50, 0), (300, 21)])
def test_moving_window_floor_matches_twin(n, h):
    from geoecg._kernels.rpeaks_floor import moving_window_floor

    x = np.random.default_rng(n + h).standard_normal(n)
    padded = np.concatenate((np.zeros(h), x, np.zeros(h)))
    want = np.array([padded[i : i + 2 * h + 1].sum() for i in range(n)]) / (2 * h + 1)
    np.testing.assert_allclose(moving_window_floor(x, h), want, rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- spd


def _spd(rng, n, c):
    a = rng.standard_normal((n, c, c + 3))
    return a @ a.transpose(0, 2, 1) / (c + 3) + 0.1 * np.eye(c)


def _sym(f, a):
    w, v = np.linalg.eigh(a)
    return (v * f(w)) @ v.T


def test_spd_log_vectors_and_geodesics_match_numpy():
    from geoecg._kernels import spd as S

    rng = np.random.default_rng(6)
    c = 4
    X = _spd(rng, 5, c)
    refs = _spd(rng, 2, c)
    W = np.stack([_sym(lambda w: w**-0.5, r) for r in refs])
    p = c * (c + 1) // 2
    out = np.empty((5, 2 * p))
    dist = np.empty((5, 2))
    S.log_vectors(X, W, out, dist)
    iu = np.triu_indices(c)
    coef = np.where(iu[0] == iu[1], 1.0, np.sqrt(2.0))
    for k in range(5):
        for q in range(2):
            lg = _sym(np.log, W[q] @ X[k] @ W[q])
            np.testing.assert_allclose(out[k, q * p : (q + 1) * p], coef * lg[iu], atol=1e-10)
            assert dist[k, q] == pytest.approx(np.linalg.norm(lg), rel=1e-10)
    first = np.array([0, 1, 2], dtype=np.int64)
    second = np.array([1, 2, 0], dtype=np.int64)
    alpha = np.array([0.0, 0.3, 1.0])
    g = np.empty((3, c, c))
    S.geodesic_riemann(X, first, second, alpha, g)
    for j in range(3):
        a, b = X[first[j]], X[second[j]]
        s12, sm12 = _sym(np.sqrt, a), _sym(lambda w: w**-0.5, a)
        want = s12 @ _sym(lambda w, e=alpha[j]: w**e, sm12 @ b @ sm12) @ s12
        np.testing.assert_allclose(g[j], want, atol=1e-10)
    L = np.stack([_sym(np.log, x) for x in X])
    S.geodesic_logeuclid(L, first, second, alpha, g)
    for j in range(3):
        z = (1 - alpha[j]) * L[first[j]] + alpha[j] * L[second[j]]
        np.testing.assert_allclose(g[j], _sym(np.exp, z), atol=1e-10)
