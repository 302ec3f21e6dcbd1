"""The fast paths of the R-peak kernels give the plain loops' numbers to the bit.

Each twin here is the plain left-to-right loop the kernel replaced (written in Python, whose
float additions and divisions are the same IEEE operations, and whose fused multiply-add is
computed exactly with fractions and rounded once): the moving-window mean without its
interior loop, the filter passes in state-space form with their first two samples inside the
loop, and the refinement with a NaN test on every sample and one peak at a time.

The energy stage's realisation changed in session 11 (state-space sections with fused
multiply-adds, the window sum updated by differences): the same filter in exact arithmetic,
another rounding. Against the transposed direct form it replaced (and against SciPy's
``sosfilt``) it agrees to 1e-12 of the envelope's largest value, and the R-peaks of real
records are the same.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from geoecg._kernels.rpeaks import _window_mean, bandpass_energy
from geoecg._kernels.rpeaks_decide import refine_peaks, refine_peaks_leads
from geoecg._kernels.rpeaks_fused import _backward1, _forward1
from geoecg._kernels.rpeaks_pair import backward_pair, forward_pair, window_mean_pair
from geoecg.features._rpeaks_run import LeadEnergy, _plan_of, detect_from_lead_energy
from geoecg.features.rpeaks import _band_sos, detect_rpeaks


def fma(a, b, c):
    """``a * b + c`` rounded once."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def twin_window_mean(y, h):
    """The running-sum loop with the clipping tests on every sample (the entering minus the
    leaving sample added where both exist)."""
    n = len(y)
    out = np.empty(n)
    acc = 0.0
    for j in range(min(h, n - 1) + 1):
        acc += y[j]
    for i in range(n):
        lo, hi = max(i - h, 0), min(i + h, n - 1)
        if acc < 0.0:
            acc = 0.0
        out[i] = acc / (hi - lo + 1)
        if i + h + 1 < n and i - h >= 0:
            acc += y[i + h + 1] - y[i - h]
        elif i + h + 1 < n:
            acc += y[i + h + 1]
        elif i - h >= 0:
            acc -= y[i - h]
    return out


def twin_window_mean_two_adds(y, h):
    """The window mean before session 11: the entering sample added, then the leaving one
    subtracted."""
    n = len(y)
    out = np.empty(n)
    acc = 0.0
    for j in range(min(h, n - 1) + 1):
        acc += y[j]
    for i in range(n):
        lo, hi = max(i - h, 0), min(i + h, n - 1)
        acc = max(acc, 0.0)
        out[i] = acc / (hi - lo + 1)
        if i + h + 1 < n:
            acc += y[i + h + 1]
        if i - h >= 0:
            acc -= y[i - h]
    return out


def _coefs(sos):
    (b10, b11, b12, _, a11, a12), (b20, b21, b22, _, a21, a22) = sos
    return (
        (b10, b11 - a11 * b10, b12 - a12 * b10, -a11, -a12),
        (b20, b21 - a21 * b20, b22 - a22 * b20, -a21, -a22),
    )


def twin_pass(y, sos):
    """One pass of the two-section cascade from rest in state-space form (``p1 <- (p2 +
    c1 v) - a1 p1`` and ``p2 <- c2 v - a2 p1`` each one fused multiply-add)."""
    (b10, c11, c12, n11, n12), (b20, c21, c22, n21, n22) = _coefs(sos)
    out = np.empty(len(y))
    p1 = p2 = q1 = q2 = 0.0
    for i, v in enumerate(y):
        u = b10 * v + p1
        t = p2 + c11 * v
        p1, p2 = fma(n11, p1, t), fma(n12, p1, c12 * v)
        w = b20 * u + q1
        t = q2 + c21 * u
        q1, q2 = fma(n21, q1, t), fma(n22, q1, c22 * u)
        out[i] = w
    return out


def twin_pass_direct(y, sos):
    """One pass in the transposed direct form used before session 11."""
    (b10, b11, b12, _, a11, a12), (b20, b21, b22, _, a21, a22) = sos
    out = np.empty(len(y))
    p1 = p2 = q1 = q2 = 0.0
    for i, v in enumerate(y):
        u = b10 * v + p1
        p1, p2 = (b11 * v + p2) - a11 * u, b12 * v - a12 * u
        w = b20 * u + q1
        q1, q2 = (b21 * u + q2) - a21 * w, b22 * u - a22 * w
        out[i] = w
    return out


def twin_slope(f):
    """Squared central difference, one-sided at the ends."""
    d = np.empty(len(f))
    d[0], d[-1] = f[1] - f[0], f[-1] - f[-2]
    d[1:-1] = 0.5 * (f[2:] - f[:-2])
    return d * d


def twin_backward(y, sos):
    """Backward pass writing the squared central difference (as ``_two_section_slope``)."""
    return twin_slope(twin_pass(np.asarray(y)[::-1], sos)[::-1])


def twin_refine_one(x, p, radius, base_radius):
    """Local mean with a NaN test per sample, left to right; first largest deviation."""
    n = len(x)
    s, cnt = 0.0, 0
    for i in range(max(p - base_radius, 0), min(p + base_radius + 1, n)):
        if not np.isnan(x[i]):
            s += float(x[i])
            cnt += 1
    if cnt == 0:
        return -1
    mu = s / cnt
    best, best_v = -1, -1.0
    for i in range(max(p - radius, 0), min(p + radius + 1, n)):
        v = abs(float(x[i]) - mu)
        if v > best_v:
            best, best_v = i, v
    return best


def test_fma_is_rounded_once():
    """The kernels' fused multiply-add (compiled, and its Python version for
    NUMBA_DISABLE_JIT=1) is ``a * b + c`` rounded once, where two roundings often differ;
    non-finite values propagate."""
    from numba import njit

    from geoecg._kernels.rpeaks import _fma, _fma_python

    jit_fma = njit(lambda a, b, c: _fma(a, b, c))
    rng = np.random.default_rng(11)
    a, b = rng.uniform(-2, 2, 3000), rng.uniform(-2, 2, 3000) * 10.0 ** rng.integers(-8, 8, 3000)
    c = -a * b * (1 + rng.uniform(-1e-9, 1e-9, 3000))  # cancellation: the rounding shows
    want = [fma(*t) for t in zip(a, b, c, strict=True)]
    assert [jit_fma(*t) for t in zip(a, b, c, strict=True)] == want
    assert [_fma_python(*t) for t in zip(a, b, c, strict=True)] == want
    assert sum(w != x * y + z for w, x, y, z in zip(want, a, b, c, strict=True)) > 1000
    for f in (jit_fma, _fma_python):
        assert f(np.inf, 2.0, 1.0) == np.inf and np.isnan(f(np.nan, 1.0, 1.0))
        assert f(1e308, 1.0, 1e308) == np.inf and f(1.0, 1.0, -np.inf) == -np.inf
        # the exact product of finite factors is finite: an infinite addend wins, no NaN
        assert f(1e300, 1e300, -np.inf) == -np.inf and f(-1e300, 1e300, np.inf) == np.inf
        # an exact zero sum has IEEE's sign: -0 only when both terms are -0
        assert np.signbit(f(-0.0, 1.0, -0.0)) and not np.signbit(f(-0.0, 1.0, 0.0))
        assert not np.signbit(f(2.0, 3.0, -6.0))


def test_filter_kernels_run_interpreted_give_the_compiled_numbers():
    """A kernel run as plain Python by ``geoecg._numba_cache.interpreted`` (what
    ``FirstCall`` serves while numba compiles) calls the Python ``_fma`` (the intrinsic
    cannot run in Python), the same correctly rounded value: equal to the compiled kernel's
    output to the last bit."""
    from geoecg._kernels.rpeaks import _two_section_slope
    from geoecg._numba_cache import interpreted

    sos = _plan_of(360.0, {}).sos
    x = np.cumsum(np.random.default_rng(5).standard_normal(1500))
    want, got = np.empty_like(x), np.empty_like(x)
    _two_section_slope(x, sos, want)
    interpreted(_two_section_slope)(x, sos, got)
    np.testing.assert_array_equal(got, want)
    ya, yb = np.empty(300), np.empty(300)
    za, zb = np.empty(300), np.empty(300)
    assert forward_pair(x, x[::-1].copy(), 5, sos, ya, yb) == interpreted(forward_pair)(
        x, x[::-1].copy(), 5, sos, za, zb
    )
    np.testing.assert_array_equal(za, ya)
    np.testing.assert_array_equal(zb, yb)
    backward_pair(ya, yb, sos)
    interpreted(backward_pair)(za, zb, sos)
    np.testing.assert_array_equal(za, ya)
    np.testing.assert_array_equal(zb, yb)
    oa, ob, pa, pb = (np.empty(300) for _ in range(4))
    window_mean_pair(ya, yb, 7, oa, ob)
    interpreted(window_mean_pair)(za, zb, 7, pa, pb)
    np.testing.assert_array_equal(pa, oa)
    np.testing.assert_array_equal(pb, ob)


@pytest.mark.parametrize("h", [0, 1, 3, 7, 12])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 15, 16, 25, 26, 27, 400])
def test_window_mean_interior_loop_is_the_clipped_loop(n, h):
    rng = np.random.default_rng(n * 31 + h)
    y = rng.random(n) ** 4
    y[::5] = -1e-17  # round-off-sized negatives: the running sum dips below 0 and is clipped
    got = np.empty(n)
    _window_mean(y, h, got)
    assert np.array_equal(got, twin_window_mean(y, h))
    # two leads in the two lanes: each lane the one-lead loop's numbers
    y2 = rng.standard_normal(n) ** 2
    y2[1::3] = -1e-17
    ga, gb = np.empty(n), np.empty(n)
    window_mean_pair(y, y2, h, ga, gb)
    assert np.array_equal(ga, got) and np.array_equal(gb, twin_window_mean(y2, h))
    # the sum updated by differences: within 1e-12 of the largest value of the two-add loop
    old = twin_window_mean_two_adds(y, h)
    assert np.max(np.abs(got - old)) <= 1e-12 * max(np.max(np.abs(y)), 1e-300)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 9, 1000])
@pytest.mark.parametrize("fs_d", [100.0, 120.0, 200.0])
def test_filter_passes_are_the_state_space_loop(n, fs_d):
    sos = _band_sos(fs_d, 3.0, 20.0)
    rng = np.random.default_rng(n)
    ya, yb = rng.standard_normal(n).cumsum(), rng.standard_normal(n)
    want_a, want_b = twin_backward(ya, sos), twin_backward(yb, sos)
    got = ya.copy()
    _backward1(got, sos)
    assert np.array_equal(got, want_a)
    ga, gb = ya.copy(), yb.copy()
    backward_pair(ga, gb, sos)
    assert np.array_equal(ga, want_a) and np.array_equal(gb, want_b)
    for k in (1, 2, 3, 4, 5, 7):
        xa, xb = rng.standard_normal(n * k + 1), rng.standard_normal(n * k + 2) + 1.0
        # block means as the kernel sums them: left to right from 0.0, times 1 / k
        ma, mb = (
            np.array([sum(x[b * k : b * k + k], 0.0) * (1.0 / k) for b in range(n)])
            for x in (xa, xb)
        )
        if k == 1:
            ma, mb = xa[:n], xb[:n]
        fa, fb = np.empty(n), np.empty(n)
        assert _forward1(xa, k, sos, fa)
        assert np.array_equal(fa, twin_pass(ma - ma[0], sos))
        assert forward_pair(xa, xb, k, sos, fa, fb) == (True, True)
        assert np.array_equal(fa, twin_pass(ma - ma[0], sos))
        assert np.array_equal(fb, twin_pass(mb - mb[0], sos))


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e300])
def test_pair_kernels_keep_the_lanes_apart(bad):
    """A non-finite or overflowing lead in one lane leaves the other lane's numbers those
    of the one-lead kernels, and the finiteness flags are per lead."""
    # run as Python (NUMBA_DISABLE_JIT=1) the lanes are NumPy scalars: inf - inf warns there
    with np.errstate(invalid="ignore", over="ignore"):
        sos = _band_sos(180.0, 3.0, 20.0)
        rng = np.random.default_rng(3)
        xa, xb = rng.standard_normal(2001).cumsum(), rng.standard_normal(2001)
        xa[700] = bad
        fa, fb, one = np.empty(1000), np.empty(1000), np.empty(1000)
        assert forward_pair(xa, xb, 2, sos, fa, fb) == (bad == 1e300, True)
        assert _forward1(xb, 2, sos, one) and np.array_equal(fb, one)
        assert not _forward1(xa, 2, sos, one) or bad == 1e300
        np.testing.assert_array_equal(fa, one)  # NaN where the one-lead pass has NaN
        ga, gb = fa.copy(), fb.copy()
        backward_pair(ga, gb, sos)
        _backward1(one, sos)
        _backward1(fb, sos)
        np.testing.assert_array_equal(ga, one)
        assert np.array_equal(gb, fb)
        oa, ob, w = np.empty(1000), np.empty(1000), np.empty(1000)
        window_mean_pair(ga, gb, 9, oa, ob)
        _window_mean(gb, 9, w)
        assert np.array_equal(ob, w)
        _window_mean(ga, 9, w)
        np.testing.assert_array_equal(oa, w)


@pytest.mark.parametrize("fs_d", [100.0, 120.0, 200.0])
def test_energy_within_1e12_of_the_direct_form(fs_d):
    """The whole energy stage against the transposed direct form it replaced (and SciPy's
    ``sosfilt``, a third rounding): the largest difference is below 1e-12 of the envelope's
    largest value (about 1e-14 is seen)."""
    from scipy.signal import sosfilt

    sos = np.array(_band_sos(fs_d, 3.0, 20.0))  # writable, for sosfilt
    rng = np.random.default_rng(int(fs_d))
    n, h = 3000, int(0.06 * fs_d)
    t = np.arange(n) / fs_d
    x = np.sin(2 * np.pi * 1.2 * t) ** 63 * 2.0 + 0.05 * rng.standard_normal(n) + 0.3 * t
    got = bandpass_energy(x, sos, h)
    v = x - x[0]
    direct = twin_window_mean_two_adds(
        twin_slope(twin_pass_direct(twin_pass_direct(v, sos)[::-1], sos)[::-1]), h
    )
    scipy_f = sosfilt(sos, sosfilt(sos, v)[::-1])[::-1]
    counts = np.convolve(np.ones(n), np.ones(2 * h + 1), "same")
    scipy_e = np.convolve(twin_slope(scipy_f), np.ones(2 * h + 1), "same") / counts
    for ref in (direct, scipy_e):
        assert np.max(np.abs(got - ref)) <= 1e-12 * np.max(ref)
    assert not np.array_equal(got, direct)  # another rounding indeed


def _energy_scipy(x, plan):
    """One lead's envelope by SciPy and NumPy (block means, ``sosfilt`` forward and
    backward, central difference, window sums by ``np.convolve``): the detector's energy
    with a third rounding."""
    from scipy.signal import sosfilt

    nd = x.shape[0] // plan.k
    xd = x[: nd * plan.k].reshape(nd, plan.k).mean(axis=1)
    sos = np.array(plan.sos)  # writable, for sosfilt
    f = sosfilt(sos, sosfilt(sos, xd - xd[0])[::-1])[::-1]
    ones = np.ones(2 * plan.half + 1)
    return np.convolve(twin_slope(f), ones, "same") / np.convolve(np.ones(nd), ones, "same")


@pytest.mark.parametrize("record", ["101", "119", "208"])
def test_real_record_peaks_do_not_depend_on_the_rounding(mitdb_dir, record):
    """MIT-BIH lead 0, tracking on: the beats found from an envelope computed with another
    rounding (SciPy's transposed direct form) are the detector's, confidence within 1e-9."""
    from geoecg.io import read_record

    rec = read_record(str(mitdb_dir / record))
    x = np.ascontiguousarray(rec.signal[0], dtype=np.float64)
    plan = _plan_of(rec.fs, {})
    e = _energy_scipy(x, plan)
    saved = LeadEnergy(0, e, np.ones(e.shape[0], dtype=bool), plan, x.shape[0], None)
    ref = detect_from_lead_energy(x, saved, track=True)
    got = detect_rpeaks(x, rec.fs)
    assert len(got.indices) > 1000
    assert np.array_equal(got.indices, ref.indices)
    assert np.array_equal(got.gaps, ref.gaps)
    assert np.max(np.abs(got.confidence - ref.confidence)) <= 1e-9


def _refine_case(seed):
    rng = np.random.default_rng(seed)
    n, n_leads = int(rng.integers(40, 2500)), int(rng.integers(1, 4))
    x = rng.standard_normal((n_leads, n)) + 5.0
    kind = seed % 5
    if kind == 1:  # scattered NaN: some windows hold one, the sums are redone
        x[rng.random(x.shape) < 0.01] = np.nan
    elif kind == 2:  # an infinite sample (inf - inf on the way is NaN: redone as well)
        x[0, int(rng.integers(0, n))] = np.inf
        x[-1, int(rng.integers(0, n))] = -np.inf
    elif kind == 3:  # a NaN stretch: whole windows NaN (-1)
        x[:, n // 3 : n // 3 + 120] = np.nan
    m = int(rng.integers(0, 60))
    peaks = rng.integers(0, n, m).astype(np.int64)
    if seed % 4:  # sorted (the detector's order: groups of four) or not
        peaks = np.sort(peaks)
    lead = rng.integers(0, n_leads, m).astype(np.int64)
    radius = int(rng.integers(0, 30))
    return x, lead, peaks, radius, max(radius, int(rng.integers(0, 90)))


@pytest.mark.parametrize("seed", range(60))
def test_refinement_in_groups_of_four_is_the_one_peak_loop(seed):
    x, lead, peaks, radius, base = _refine_case(seed)
    want = np.array(
        [twin_refine_one(x[ld], p, radius, base) for ld, p in zip(lead, peaks, strict=True)],
        dtype=np.int64,
    )
    # an infinite sample makes a window's mean inf and its deviations inf - inf (NaN, never
    # the extremum, by design): NumPy scalars warn on it under NUMBA_DISABLE_JIT=1
    with np.errstate(invalid="ignore"):
        got = refine_peaks_leads(x, lead, peaks, radius, base)
        one = refine_peaks(x[0], peaks, radius, base) if x.shape[0] == 1 else want
    assert np.array_equal(got, want)
    assert np.array_equal(one, want)


def test_refinement_nan_in_one_of_four_windows():
    """Four unclipped beats, a NaN in the window of the third only: that sum is redone with
    the NaN left out (its mean moves), the other three are not."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1, 1200)) + 3.0
    peaks = np.array([200, 400, 600, 800], dtype=np.int64)
    x[0, 600 - 70] = np.nan
    lead = np.zeros(4, dtype=np.int64)
    want = [twin_refine_one(x[0], p, 29, 72) for p in peaks]
    assert refine_peaks_leads(x, lead, peaks, 29, 72).tolist() == want


# ------------------------------------------- the two-lane intrinsics' machine code (JIT off too)


def _lane_ops():
    """Each intrinsic of ``rpeaks_pair`` with its plain-Python twin and arity."""
    from geoecg._kernels import rpeaks_pair as P

    return {
        "add": (P._add.intrinsic, P._add, 2),
        "sub": (P._sub.intrinsic, P._sub, 2),
        "mul": (P._mul.intrinsic, P._mul, 2),
        "div": (P._div.intrinsic, P._div, 2),
        "fma": (P._fma2_intrinsic, P._fma2, 3),
        "clip0": (P._clip0_intrinsic, P._clip0, 1),
    }


def _lane_kernel(op):
    """``op`` built from the intrinsics' own code generators into a small native function
    with llvmlite alone (:func:`simd_llvm.lane_kernel`: no numba compilation, so this also
    runs with ``NUMBA_DISABLE_JIT=1``): the lane pairs packed by ``_pack_intrinsic``, ``op``
    applied, the two lanes read back by the intrinsics of ``_lo`` and ``_hi``. Returns
    ``(run, engine)``."""
    from simd_llvm import lane_kernel

    from geoecg._kernels import rpeaks_pair as P

    intr, _, arity = _lane_ops()[op]
    return lane_kernel(P.f64x2, P._pack_intrinsic, intr, arity, [P._lo.intrinsic, P._hi.intrinsic])


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "fma", "clip0"])
def test_pair_intrinsics_machine_code_is_the_python_twin(op):
    """Each two-lane intrinsic's code generator (as compiled kernels use it) computes its
    Python twin's numbers lane by lane, to the bit: signed zeros, infinities, NaN, a fused
    multiply-add that differs from the product-then-sum (rounded once), and the lanes kept
    apart (a NaN in one lane leaves the other its own value)."""
    from geoecg._kernels import rpeaks_pair as P

    _, twin, arity = _lane_ops()[op]
    run, _engine = _lane_kernel(op)
    eps = np.finfo(float).eps
    special = [0.0, -0.0, 1.0, -2.5, 1e300, -1e-300, np.inf, -np.inf, np.nan, 1 + eps, 3.0]
    rng = np.random.default_rng(len(op))
    cases = [tuple(rng.choice(special, (arity, 2))) for _ in range(300)]
    # the fused multiply-add's single rounding: (1 + eps) * (1 - eps) - 1 is -eps^2, not 0
    cases.append(
        (np.array([1 + eps, 2.0]), np.array([1 - eps, 3.0]), np.array([-1.0, 1.0]))[:arity]
    )
    with np.errstate(all="ignore"):  # as Python the lanes are NumPy scalars: inf - inf warns
        for pairs in cases:
            got = run(*pairs)
            want = np.array(twin(*(P._pack(*np.asarray(p, np.float64)) for p in pairs)))
            assert got.tobytes() == want.tobytes() or (
                np.array_equal(np.isnan(got), np.isnan(want))
                and np.array_equal(got[~np.isnan(got)], want[~np.isnan(want)])
                and np.signbit(got[~np.isnan(got)]).tolist()
                == np.signbit(want[~np.isnan(want)]).tolist()
            ), (op, pairs, got, want)
    if op == "fma":
        assert run(*cases[-1])[0] == -(eps**2)
        # the Python twin's other branches: a factor whose split overflows (exact product),
        # a sum that overflows
        for pairs in (([1.7e308, 1.3e154], [1.0, 1.3e154], [-1e308, 1.7e308]),):
            pairs = tuple(np.array(p) for p in pairs)
            with np.errstate(all="ignore"):
                want = np.array(twin(*(P._pack(*p) for p in pairs)))
            assert run(*pairs).tobytes() == want.tobytes()
            assert want[1] == np.inf


def test_fma_kernel_machine_code_is_the_python_twin():
    """The scalar fused multiply-add's code generator (``_fma_intrinsic``, built with
    llvmlite alone) and its Python twin ``_fma`` give the same numbers, the type guard takes
    float64 arguments only."""
    import ctypes

    from llvmlite import binding as llvm
    from llvmlite import ir
    from numba import types

    from geoecg._kernels.rpeaks import _float64s, _fma, _fma_intrinsic

    assert _float64s(types.float64, types.float64) and not _float64s(types.float32)
    f64 = ir.DoubleType()
    mod = ir.Module(name="fma1")
    mod.triple = llvm.get_process_triple()
    fn = ir.Function(mod, ir.FunctionType(f64, [f64] * 3), name="f")
    b = ir.IRBuilder(fn.append_basic_block())
    sig, gen = _fma_intrinsic._defn(None, types.float64, types.float64, types.float64)
    assert sig.return_type == types.float64
    b.ret(gen(None, b, sig, list(fn.args)))
    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple().create_target_machine()
    engine = llvm.create_mcjit_compiler(llvm.parse_assembly(str(mod)), target)
    engine.finalize_object()
    d = ctypes.c_double
    call = ctypes.CFUNCTYPE(d, d, d, d)(engine.get_function_address("f"))
    rng = np.random.default_rng(7)
    a, c = rng.uniform(-2, 2, 500), rng.uniform(-2, 2, 500)
    bb = -c / a * (1 + rng.uniform(-1e-12, 1e-12, 500))  # cancellation: one rounding shows
    for t in zip(a, bb, c, strict=True):
        assert np.float64(call(*t)).tobytes() == np.float64(_fma(*t)).tobytes()


def test_pair_kernel_type_guards_and_model():
    """The compiled calls' type guards take lane pairs only, and the lane pair's numba data
    model is one ``<2 x double>`` LLVM vector."""
    from numba import types
    from numba.core.datamodel import default_manager

    from geoecg._kernels import rpeaks_pair as P
    from geoecg._kernels.hrv_simd import f64x4

    assert P._pairs(P.f64x2, P.f64x2) and not P._pairs(P.f64x2, types.float64)
    assert not P._pairs(P.f64x2, f64x4)  # the four-lane type of the same factory
    assert P._is_f64(types.float64, types.float64) and not P._is_f64(types.float64, P.f64x2)
    assert str(default_manager.lookup(P.f64x2).get_value_type()) == "<2 x double>"


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6, 8])
def test_pair_kernel_block_means_every_k_twin(k):
    """The forward pair pass for every written-out block size and the generic loop: each lane
    the one-lead pass over its own block means (a short record: also run as Python)."""
    sos = _band_sos(120.0, 3.0, 20.0)
    rng = np.random.default_rng(k)
    n = 7
    xa, xb = rng.standard_normal(n * k + k - 1), rng.standard_normal(n * k) * 1e3
    fa, fb, one = np.empty(n), np.empty(n), np.empty(n)
    assert forward_pair(xa, xb, k, sos, fa, fb) == (True, True)
    assert _forward1(xa, k, sos, one) and np.array_equal(fa, one)
    assert _forward1(xb, k, sos, one) and np.array_equal(fb, one)
    means = np.array([sum(xa[b * k : b * k + k], 0.0) * (1.0 / k) for b in range(n)])
    if k == 1:
        means = xa[:n]
    assert np.array_equal(fa, twin_pass(means - means[0], sos))
