"""The HRV speed work (issue 24): shared sorted intermediates give the same numbers as
each block on its own, the hand-written sort equals NumPy's stable sort, the floor kernel
equals its NumPy twin, and the NeuroKit2 equal-work helpers return every index they
promise. The spectral kernels (SOS filter, FFTs, Welch, Lomb-Scargle) are checked in
tests/test_hrv_speed_spectral.py."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_hrv_brute_force import _template_counts  # O(N**2): every pair, every coordinate

from geoecg._kernels import entropy as E
from geoecg._kernels import hrv_batch as B
from geoecg._kernels import hrv_entropy_bits as H
from geoecg._kernels import hrv_floor as FL
from geoecg._kernels import hrv_freq as F
from geoecg._kernels import hrv_lomb as L
from geoecg._kernels import hrv_nonlinear as N
from geoecg._kernels import hrv_sort as S
from geoecg._kernels import hrv_time as T
from geoecg.features import HRV_FEATURE_NAMES, hrv_features, hrv_features_batch
from geoecg.features import hrv_peers as hp
from geoecg.features.hrv import constant_rows, rr_times


def _series(seed: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 400))
    if kind == "quantised":  # ADC-like: many ties
        return np.round(800 + 40 * rng.standard_normal(n) / 7.8) * 7.8125
    if kind == "gaps":
        rr = 800 + 40 * rng.standard_normal(n)
        rr[rng.random(n) < 0.1] = np.nan
        return rr
    if kind == "constant":
        return np.full(n, 800.0)
    return 800 + 40 * rng.standard_normal(n)


KINDS = ("normal", "quantised", "gaps", "constant")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(6))
def test_argsort_stable_equals_numpy(seed, kind):
    x = _series(seed, kind)
    x = x[np.isfinite(x)]
    assert np.array_equal(S.argsort_stable(x), np.argsort(x, kind="stable"))
    nt = max(x.size - 2, 0)
    order = np.argsort(x, kind="stable")
    assert np.array_equal(S.prefix_order(order, nt), np.argsort(x[:nt], kind="stable"))
    if x.size:
        xs = np.sort(x)
        c = float(np.median(x))
        assert np.array_equal(S.sorted_abs_dev(xs, c), np.sort(np.abs(xs - c)))
        for k in (0, 1, xs.size // 2 + 2, xs.size + 3):  # the merge stopped after k values
            assert np.array_equal(S.sorted_abs_dev(xs, c, k), np.sort(np.abs(xs - c))[:k])
            if 0 < xs.size <= 2 * k - 4 or k > xs.size:  # enough of them for the median
                got = T.percentile_head(S.sorted_abs_dev(xs, c, k), xs.size, 50.0)
                assert got == T.percentile_sorted(np.sort(np.abs(xs - c)), 50.0)  # as before


def test_argsort_stable_edges_equal_numpy():
    """Bucket sort edge cases against NumPy's stable argsort: tiny inputs, one outlier that
    bunches every other value in bucket 0 (merge-sorted when > BUCKET_INSERTION_MAX, or
    skipped when already in order), a span that overflows, a span of one subnormal."""
    rng = np.random.default_rng(7)
    q = np.round(800 + 5 * rng.standard_normal(300))
    cases = (
        np.empty(0),
        np.array([3.0]),
        np.array([2.0, 1.0]),
        np.arange(100.0)[::-1].copy(),
        np.r_[q, 5000.0, 1.0],
        np.r_[np.full(100, 800.0), 1e6],
        np.r_[np.full(40, 3.0), 2.0],
        np.array([1e308, -1e308, 0.0, 1e308]),
        np.array([5e-324, 0.0, 5e-324, 0.0]),
    )
    for x in cases:
        assert np.array_equal(S.argsort_stable(x), np.argsort(x, kind="stable"))
        assert np.array_equal(S.merge_argsort(x), np.argsort(x, kind="stable"))


EPS = np.finfo(float).eps


def _taylor_exp_rtol(a):
    """Remainder bound of the degree-``LS_EXP_DEGREE`` Taylor ``exp`` at ``|a|`` (relative),
    plus 4 ulp of rounding."""
    d = L.LS_EXP_DEGREE
    return np.abs(a) ** (d + 1) / math.factorial(d + 1) * np.exp(np.abs(a)) + 4 * EPS


def test_exp_small_equals_numpy():
    """The gridding's Taylor ``exp`` on its whole argument range (|a| <= 2 pi / LS_SPREAD
    bounds h^2 / (2 tau)) within its remainder bound of ``np.exp`` (< 1.6e-12; < 1e-13 on
    the default grid's 0.42), and within 4 ulp where that bound is below rounding."""
    bound = 2 * np.pi / L.LS_SPREAD
    a = np.linspace(-bound, bound, 2001)
    got = np.array([L._exp_small(v) for v in a])
    err = np.abs(got - np.exp(a)) / np.exp(a)
    assert np.all(err <= _taylor_exp_rtol(a))
    assert _taylor_exp_rtol(bound) < 1.6e-12 and _taylor_exp_rtol(0.42) < 1e-13
    small = np.abs(a) < 0.05
    assert np.all(err[small] <= 4 * EPS)


def test_exp_pair_equals_numpy():
    """exp(a) and exp(-a) from the even and odd parts of the same Taylor polynomial, on the
    whole argument range, within the bound of :func:`test_exp_small_equals_numpy`; an odd
    degree (the split needs it)."""
    assert L.LS_EXP_DEGREE % 2 == 1
    bound = 2 * np.pi / L.LS_SPREAD
    a = np.linspace(-bound, bound, 2001)
    got = np.array([L._exp_pair(v) for v in a])
    for col, sign in ((0, 1.0), (1, -1.0)):
        ref = np.exp(sign * a)
        assert np.all(np.abs(got[:, col] - ref) / ref <= _taylor_exp_rtol(a))


def _blocks_alone(rr, t, params):
    """The feature vector from each block on its own (each sorts its own copy)."""
    out = np.full(48, np.nan)
    T.hrv_time_block(rr, out[0:22])
    F.hrv_freq_block(rr, t, params[0], params[1], params[2], params[3], out[22:36])
    N.hrv_nonlinear_block(rr, int(params[4]), params[5], params[6], out[36:48])
    out[~np.isfinite(out)] = np.nan
    return out


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(5))
def test_shared_intermediates_equal_blocks_alone(seed, kind):
    """hrv_series shares one argsort, sorted copy and histogram; each block alone
    computes its own: the numbers are the same to the last bit."""
    rr = _series(seed, kind)
    t = rr_times(rr)  # as hrv_features: a NaN interval counts as the median one
    params = np.array([4.0, 256.0, 0.001, 0.4, 2, 0.2, 30.0])
    out = np.full(48, np.nan)
    B.hrv_series(rr, t, params, out)
    np.testing.assert_array_equal(out, _blocks_alone(rr, t, params))
    constant_rows(out[None])  # hrv_features: a constant series has 0 power and NaN ratios
    np.testing.assert_array_equal(np.array(list(hrv_features(rr).values())), out)


@pytest.mark.parametrize(
    ("n", "nd", "with_hr"),
    [
        (1, 0, True),
        (2, 1, True),
        (2, 0, False),
        (3, 1, True),
        (5, 4, False),
        (300, 299, True),
        (300, 250, True),
        (40, 39, False),
        (7, 9, True),
    ],
)
def test_time_moments_equal_mean_std_twin(n, nd, with_hr):
    """The fused passes of ``_time_moments`` give the numbers of ``mean`` / ``std`` and
    RMSSD's sum of squares to the last bit (the same sums in the same order), whatever the
    lengths of the intervals, their differences (NaN gaps: fewer) and the heart rates."""
    rng = np.random.default_rng(n * 31 + nd)
    x = rng.normal(800.0, 60.0, n).round(1)
    d = rng.normal(0.0, 40.0, nd)
    hr = 60000.0 / x if with_hr else np.empty(0)
    got = T._time_moments(x, d, hr)
    nan = float("nan")
    want = (
        T.mean(x),
        T.std(x, 1),
        T.mean(d) if nd else nan,
        T.std(d, 1),
        float(sum(v * v for v in d)),
        T.mean(hr) if with_hr else nan,
        T.std(hr, 1) if with_hr else nan,
    )
    np.testing.assert_array_equal(np.array(got), np.array(want))
    c = np.full(n, 812.5)  # constant: the std's rounding guard gives exactly 0
    sd_const = T._time_moments(c, np.zeros(max(n - 1, 0)), 60000.0 / c)[1]
    np.testing.assert_array_equal(sd_const, 0.0 if n > 1 else nan)


@pytest.mark.parametrize("seed", range(4))
def test_entropy_with_shared_order_equals_own_sort(seed):
    x = _series(seed, "quantised")
    order = S.argsort_stable(x)
    r = 0.2 * np.std(x, ddof=1)
    np.testing.assert_array_equal(
        E.sample_and_approximate_entropy_sorted(x, 2, r, order),
        [E.sample_entropy(x, 2, r), E.approximate_entropy(x, 2, r)],
    )
    # COSEn: the order of the intervals in ms also sorts them in s
    np.testing.assert_array_equal(E.cosen_sorted(x, 30.0, order), E.cosen(x, 30.0))
    A, Bc = E.match_counts(x / 1000.0, 1, 0.03)
    assert E.match_counts_sorted(x / 1000.0, 1, 0.03, order) == (A, Bc)


@pytest.mark.parametrize("seed", range(3))
def test_entropies_sorted_shared_templates_equal_separate_scans(seed):
    """entropies_sorted (m = 2: SampEn/ApEn's template table also serves COSEn) gives the
    bits of the separate kernels, for every m, short series and a non-finite r."""
    full = _series(seed, "quantised")
    for n in (2, 3, 4, 5, 40, full.size):
        x = full[:n]
        order = S.argsort_stable(x)
        for m in (1, 2, 3):
            for r in (0.2 * np.std(x), np.nan, 0.0):
                se, ap = (np.nan, np.nan)
                if np.isfinite(r):
                    se, ap = E.sample_and_approximate_entropy_sorted(x, m, r, order)
                want = [se, ap, E.cosen_sorted(x, 30.0, order) if n >= 3 else np.nan]
                got = E.entropies_sorted(x, m, r, 30.0, order)
                np.testing.assert_array_equal(got, want, err_msg=f"n={n} m={m} r={r}")


def _match_counts_m1_numpy(x, r):
    """NumPy twin of ``match_counts(x, 1, r)``: pairs ``i < j < N - 1`` with ``|x_i - x_j| <=
    r`` (``B``) and, of those, with ``|x_{i+1} - x_{j+1}| <= r`` too (``A``)."""
    nt = x.size - 1
    d0 = np.abs(np.subtract.outer(x[:nt], x[:nt])) <= r
    d1 = np.abs(np.subtract.outer(x[1:], x[1:])) <= r
    up = np.triu(np.ones((nt, nt), dtype=bool), 1)
    return int((d0 & d1 & up).sum()), int((d0 & up).sum())


@pytest.mark.parametrize("kind", (*KINDS, "ints"))
def test_match_counts_m1_equals_numpy_twin(kind):
    """The m = 1 scan (COSEn: only the second values compared) gives the brute-force counts,
    ties at ``r`` included (integer values, r = 1; ADC-quantised intervals)."""
    for seed in range(3):
        if kind == "ints":
            x = np.random.default_rng(seed).integers(0, 5, 60).astype(float)
            radii = (0.0, 1.0, 2.0)
        else:
            x = _series(seed, kind)
            x = x[np.isfinite(x)][:120] / 1000.0  # 120: the JIT-off run stays within seconds
            radii = (0.0, 0.0078125, 0.03, 0.2 * np.std(x))
        for r in radii:
            assert E.match_counts(x, 1, r) == _match_counts_m1_numpy(x, r), (seed, r)
            order = S.argsort_stable(x)
            assert E.match_counts_sorted(x, 1, r, order) == _match_counts_m1_numpy(x, r)


def _bit_series(seed):
    """Few distinct values (ties at r), ADC-quantised intervals, continuous values, and
    two distinct intervals that are one value once divided by 1000."""
    rng = np.random.default_rng(seed)
    yield rng.integers(0, 5, 70).astype(float)
    yield np.round((800 + 40 * rng.standard_normal(130)) / (1000 / 360)) * (1000 / 360)
    yield 800 + 40 * rng.standard_normal(90)
    v = 502.7385001701481  # v / 1000 == nextafter(v, inf) / 1000
    yield rng.choice([v, np.nextafter(v, np.inf), v + 20.0, v - 20.0], 60)


@pytest.mark.parametrize("seed", range(2))
def test_bit_set_counts_equal_pair_scan_and_numpy_twin(seed):
    """The bit-set counts (hrv_entropy_bits) equal the sorted pair scan and the plain
    O(N**2) count, exactly: per template (ApEn) and per pair (SampEn, COSEn), m = 1, 2, 3,
    r = 0, ties at r, r wider than the values' span; entropies_sorted's shared rank space
    equals the separate kernels (also where x / 1000 merges two values)."""
    for x in _bit_series(seed):
        order = S.argsort_stable(x)
        sd = np.std(x, ddof=1)
        for m in (1, 2, 3):
            for r in (0.0, 1.0, 0.2 * sd, 30.0, 1e4):
                want = _template_counts(x, m, r)
                got = H.template_counts_bits(x, order, m, r)
                nm = x.size - m + 1
                o, V = E.templates_in_order(x, m, S.prefix_order(order, nm))
                scan = E.template_matches_templates(o, V, m, r)
                for g in (got, scan):
                    assert g[:2] == want[:2], (m, r)
                    np.testing.assert_array_equal(g[2], want[2])
                    np.testing.assert_array_equal(g[3], want[3])
        y = x / 1000.0
        _, V = E.templates_in_order(y, 1, S.prefix_order(order, y.size - 1))
        for rs in (0.0, 0.001, 0.03):
            want = _match_counts_m1_numpy(y, rs)
            assert E._match_counts_m1(V[0], V[1], rs) == want
            assert E.match_counts_sorted(y, 1, rs, order) == want
            if rs == 0.0:  # COSEn's log(2 r) is -inf (a warning in plain Python)
                continue
            se, ap = E.sample_and_approximate_entropy_sorted(x, 2, 0.2 * sd, order)
            got = E.entropies_sorted(x, 2, 0.2 * sd, rs * 1000.0, order)
            np.testing.assert_array_equal(got, [se, ap, E.cosen_sorted(x, rs * 1000.0, order)])


def test_bit_sets_leave_negative_nan_and_long_inputs_to_the_pair_scan():
    """A negative or NaN r, m beyond BITS_MAX_M and N beyond BITS_MAX_N keep the pair scan
    (its counts keep each template itself at a negative r); a long series gives the same
    entropies either way."""
    assert not H.bits_eligible(100, 2, -1.0) and not H.bits_eligible(100, 2, np.nan)
    assert not H.bits_eligible(100, H.BITS_MAX_M + 1, 1.0)
    assert not H.bits_eligible(H.BITS_MAX_N + 1, 2, 1.0) and H.bits_eligible(H.BITS_MAX_N, 2, 1.0)
    x = np.random.default_rng(5).integers(0, 6, 40).astype(float)
    A, B, cm, cm1 = E.template_matches(x, 2, -1.0)
    assert (A, B) == (0, 0) and (cm == 1).all() and (cm1 == 1).all()
    order = S.argsort_stable(x)
    got = E.entropies_sorted(x, 2, -1.0, -5.0, order)
    assert np.isnan(got[0]) and got[1] == E._apen_from_counts(cm, cm1) and np.isnan(got[2])
    rng = np.random.default_rng(6)
    x = np.round((800 + 40 * rng.standard_normal(H.BITS_MAX_N + 300)) / 2.5) * 2.5
    r = 0.2 * np.std(x, ddof=1)
    for n in (H.BITS_MAX_N, x.size):  # bit sets, then the pair scans
        order = S.argsort_stable(x[:n])
        o, V = E.templates_in_order(x[:n], 2, S.prefix_order(order, n - 1))
        A, B, cm, cm1 = E.template_matches_templates(o, V, 2, r)
        got = E.entropies_sorted(x[:n], 2, r, 30.0, order)
        assert got[0] == -np.log(A / B) and got[1] == E._apen_from_counts(cm, cm1)
        assert got[2] == E.cosen_sorted(x[:n], 30.0, order)


def test_floor_kernel_equals_numpy_twin():
    rng = np.random.default_rng(0)
    series = [800 + 40 * rng.standard_normal(int(rng.integers(2, 300))) for _ in range(20)]
    offsets = np.concatenate([[0], np.cumsum([s.size for s in series])]).astype(np.int64)
    out = np.empty((len(series), 4))
    FL.four_indices(rr_flat=np.concatenate(series), offsets=offsets, out=out)
    for row, s in zip(out, series, strict=True):
        d = np.diff(s)
        twin = [s.mean(), s.std(ddof=1), np.sqrt(np.mean(d**2)), 100 * np.mean(np.abs(d) > 50)]
        np.testing.assert_allclose(row, twin, rtol=1e-9)


def test_floor_indices_shape_and_batch_rows():
    peaks = [np.cumsum(np.full(50, 300)), np.cumsum(np.r_[np.full(30, 280), np.full(30, 320)])]
    F4 = hp.floor_indices(peaks, 360.0)
    X = hrv_features_batch(peaks, kind="rpeaks", fs=360.0)
    assert F4.shape == (2, 4)
    np.testing.assert_allclose(F4[:, 0], X[:, HRV_FEATURE_NAMES.index("MeanNN")], rtol=1e-12)


def test_neurokit2_equal_work_covers_the_map():
    pytest.importorskip("neurokit2")
    rng = np.random.default_rng(1)
    peaks = np.cumsum(np.round(288 + 15 * rng.standard_normal(380))).astype(np.int64)
    nk = hp.neurokit2_equal_work(peaks, 360.0)
    missing = [k for k, (name, _, _) in hp.NK_MAP.items() if "HRV_" + name not in nk]
    assert missing == []
    X = hrv_features_batch([peaks], kind="rpeaks", fs=360.0)
    agree = hp.neurokit2_agreement(X, HRV_FEATURE_NAMES, [nk])
    for name in ("MeanNN", "SDNN", "RMSSD", "SD1", "SD2", "SampEn"):
        assert agree[name]["median_rel_diff"] < 1e-6, name


def _dfa_fluctuation_twin(profile, n):
    """NumPy twin: ``np.polyfit`` line per non-overlapping window, RMS of the residuals."""
    k = profile.size // n
    i = np.arange(n)
    res = [w - np.polyval(np.polyfit(i, w, 1), i) for w in profile[: k * n].reshape(k, n)]
    return np.sqrt(np.mean(np.concatenate(res) ** 2))


@pytest.mark.parametrize("kind", ["normal", "quantised", "gaps"])
@pytest.mark.parametrize("seed", range(4))
def test_dfa_prefix_sums_equal_direct_and_numpy(seed, kind):
    x = _series(seed, kind)
    x = x[np.isfinite(x)]
    prof = np.cumsum(x - x.mean())
    P = N.dfa_prefix_sums(prof)
    for n in range(4, min(65, x.size // 4 + 1)):
        got = N.dfa_fluctuations(P=P, n=n)
        assert got == pytest.approx(N.dfa_fluctuation(profile=prof, n=n), rel=1e-9)
        assert got == pytest.approx(_dfa_fluctuation_twin(prof, n), rel=1e-9)


def test_dfa_log_table_equals_compiled_log():
    """The scales' ``log(n)`` table (``math.log``) holds the doubles that compiled
    ``np.log`` gives, so the table changes no exponent; scales past the table fall back to
    ``np.log`` and the exponent is the same as from a plain slope fit."""
    from numba import njit

    log_c = njit(lambda k: np.log(k))
    for k in range(1, N.DFA_LOG_N):
        assert N._DFA_LOG[k] == log_c(k), k
    x = 800 + 40 * np.random.default_rng(7).standard_normal(500)
    prof = np.cumsum(x - x.mean())
    lo, hi = 40, 90  # straddles the table's end (65)
    ns = np.arange(lo, hi + 1)
    f = np.array([N.dfa_fluctuation(prof, n) for n in ns])
    ref = np.polyfit(np.log(ns), np.log(f), 1)[0]
    assert N.dfa_alpha(x, lo, hi) == pytest.approx(ref, rel=1e-9)


def test_sample_and_approximate_entropy_equal_neurokit2():
    """Values of NeuroKit2 0.3.0 ``entropy_sample`` / ``entropy_approximate`` (delay 1,
    dimension 2; KD-tree counts with ``<= r``), computed in the test, on plain and
    1/128-s quantised series, with r = 0.2 SD and r equal to the quantisation step (ties
    exactly at r)."""
    nk = pytest.importorskip("neurokit2")
    for seed in range(3):
        rng = np.random.default_rng(seed)
        x = 800 + 40 * rng.standard_normal(int(rng.integers(60, 400)))
        for xq in (x, np.round(x / 7.8125) * 7.8125):
            for r in (0.2 * xq.std(ddof=1), 7.8125):
                se, ap = E.sample_and_approximate_entropy(xq, 2, r)
                ref_se = nk.entropy_sample(xq, delay=1, dimension=2, tolerance=r)[0]
                ref_ap = nk.entropy_approximate(xq, delay=1, dimension=2, tolerance=r)[0]
                assert se == pytest.approx(ref_se, rel=1e-12)
                assert ap == pytest.approx(ref_ap, rel=1e-12)
