"""Each stage-1 R-peak kernel (:mod:`geoecg._kernels.rpeaks`: block means, finite stretches,
band-pass energy, local maxima) against a slow, obviously-correct NumPy/Python twin; the
decision kernels' twins are in ``tests/test_rpeaks_kernels_decide.py``, the combination's in
``tests/test_rpeaks_kernels_combine.py``."""

from __future__ import annotations

import numpy as np
import pytest
from rpeak_inputs import kernel_leads as _leads
from rpeak_inputs import kernel_signals as _signals
from rpeak_inputs import twin_lead_energies
from scipy import signal as sps

from geoecg._kernels.rpeaks import (
    _cascade_inplace,
    _squared_slope_inplace,
    _two_section_slope,
    bandpass_energy,
    block_mean,
    finite_runs,
    lead_energies,
    local_maxima,
    mask_runs,
)

# ----------------------------------------------------------------------------- twins


def twin_bandpass_energy(x, sos, h):
    x = np.asarray(x, dtype=float)
    n = x.size
    if n == 0:
        return np.zeros(0)
    y = sps.sosfilt(sos, x - x[0])  # forward from rest
    y = sps.sosfilt(sos, y[::-1])[::-1]  # backward from rest
    if n < 2:
        return np.zeros(n)
    d = np.gradient(y)  # central differences inside, one-sided at the ends
    d2 = d**2
    out = np.empty(n)
    for i in range(n):
        lo, hi = max(i - h, 0), min(i + h, n - 1)
        out[i] = d2[lo : hi + 1].mean()
    return out


def twin_local_maxima(m, min_distance):
    m = np.asarray(m, dtype=float)
    n = m.size
    raw = []
    i = 1
    while i < n - 1:
        if m[i] > m[i - 1] and m[i] > 0:
            j = i
            while j < n - 1 and m[j + 1] == m[i]:
                j += 1
            if j < n - 1 and m[j + 1] < m[i]:
                raw.append(i)
            i = j + 1
        else:
            i += 1
    kept = []
    for p in raw:
        if kept and p - kept[-1] < min_distance:
            if m[p] > m[kept[-1]]:
                kept[-1] = p
        else:
            kept.append(p)
    return np.asarray(kept, dtype=np.int64)


# ----------------------------------------------------------------------------- inputs


SIGNALS = _signals()


def _readonly(a):
    b = np.array(a)
    b.setflags(write=False)
    return b


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("h", [0, 3, 15])
def test_bandpass_energy_matches_twin(name, h):
    sos = sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos")
    x = _readonly(SIGNALS[name])
    got = bandpass_energy(np.ascontiguousarray(x, dtype=np.float64), sos, h)
    want = twin_bandpass_energy(x, sos, h)
    scale = max(np.abs(want).max(initial=0.0), 1e-300)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9 * scale)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("dist", [1, 5, 60])
def test_local_maxima_matches_twin(name, dist):
    m = np.abs(SIGNALS[name])
    np.testing.assert_array_equal(
        local_maxima(np.ascontiguousarray(m, dtype=float), dist), twin_local_maxima(m, dist)
    )


def test_local_maxima_plateau_and_edges():
    m = np.array([5.0, 1, 3, 3, 3, 1, 0, 2, 2, 4])
    # the plateau counts once at its first sample; edges never count
    np.testing.assert_array_equal(local_maxima(m, 1), [2])


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_block_mean_matches_twin(name, k):
    x = SIGNALS[name]
    nb = x.size // k
    want = x[: nb * k].reshape(nb, k).mean(axis=1) if nb else np.zeros(0)
    np.testing.assert_allclose(block_mean(np.ascontiguousarray(x, dtype=float), k), want)


def test_block_mean_nan_propagates():
    x = np.arange(12.0)
    x[4] = np.nan
    got = block_mean(x, 3)
    assert np.isnan(got[1]) and np.all(np.isfinite(got[[0, 2, 3]]))


@pytest.mark.parametrize("order", [1, 3])
def test_bandpass_energy_generic_cascade_matches_twin(order):
    # 1 or 3 sections take the generic loop (2 sections take the unrolled one)
    sos = sps.butter(order, [3, 20], btype="bandpass", fs=125, output="sos")
    x = SIGNALS["ecg_like"]
    want = twin_bandpass_energy(x, sos, 5)
    np.testing.assert_allclose(bandpass_energy(x, sos, 5), want, atol=1e-9 * want.max())


def twin_runs(mask, min_len):
    d = np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0])))
    runs = np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1)
    return runs[runs[:, 1] - runs[:, 0] >= min_len].reshape(-1, 2).astype(np.int64)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("min_len", [0, 1, 3, 50])
def test_finite_and_mask_runs_match_twin(seed, min_len):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(300)
    x[rng.random(300) < 0.1 * seed] = np.nan
    x[40:47] = np.inf if seed % 2 else -np.inf
    for arr in (x, x[:0], x[:1], np.full(5, np.nan), np.ones(4)):
        want = twin_runs(np.isfinite(arr), min_len)
        np.testing.assert_array_equal(finite_runs(np.ascontiguousarray(arr), min_len), want)
        np.testing.assert_array_equal(mask_runs(np.isfinite(arr), min_len), want)


@pytest.mark.parametrize("name", ["two", "random", "ecg_like", "adc_ties", "constant"])
def test_two_section_fused_path_is_close_to_the_generic_cascade(name):
    """The fused two-section pass (filter + slope in the backward pass, sections in
    state-space form with fused multiply-adds since session 11) is the generic cascade's
    filter with another rounding: within 1e-12 of the largest value (its bit-exact twin is
    in ``tests/test_rpeaks_speed_paths.py``)."""
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    x = np.ascontiguousarray(SIGNALS[name], dtype=float)
    generic = x - x[0]
    _cascade_inplace(generic, sos, False)
    _cascade_inplace(generic, sos, True)
    _squared_slope_inplace(generic)
    fused = np.empty_like(x)
    _two_section_slope(x, sos, fused)
    scale = max(np.abs(generic).max(initial=0.0), 1e-300)
    np.testing.assert_allclose(fused, generic, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_block_mean_unrolled_sums_left_to_right(k):
    """k = 2, 3 are unrolled: the same left-to-right sum as the generic loop, to the bit."""
    x = np.random.default_rng(k).standard_normal(999) * 1e3
    nb = x.size // k
    want = np.empty(nb)
    for b in range(nb):
        acc = 0.0
        for v in x[b * k : (b + 1) * k]:
            acc += v
        want[b] = acc * (1.0 / k)
    np.testing.assert_array_equal(block_mean(x, k), want)


# ------------------------------------------------- one-call (all leads) kernels vs lead by lead


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_lead_energies_matches_lead_by_lead_twin(seed, k):
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=250 / k, output="sos"))
    x = _leads(seed)
    got = lead_energies(x, k, sos, 7, 20)
    want = twin_lead_energies(x, k, sos, 7, 20)
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)  # the same operations: equal to the bit
    assert got[3] is want[3] is False


@pytest.mark.parametrize("where", [0, 1, 1500, 2999, 3000])
def test_lead_energies_kernel_reports_infinite_samples(where):
    x = _leads(0, n=3001)
    x[1, where] = np.inf if where % 2 else -np.inf
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    assert lead_energies(x, 2, sos, 7, 20)[3] is True  # 3000: in the dropped tail
    x[1, where] = np.nan
    assert lead_energies(x, 2, sos, 7, 20)[3] is False


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 8, 100, 101])
def test_median_sorted_is_numbas_median(n):
    """The sort-based median the detector kernels use is numba's np.median to the bit on
    finite input (ties, odd and even lengths; which zero of +-0 is returned is not promised,
    the detector's inputs are energies and heights); NaN for empty input or a NaN."""
    from numba import njit

    from geoecg._kernels.rpeaks import median_sorted

    numba_median = njit(lambda x: np.median(x))
    rng = np.random.default_rng(n)
    for x in (
        rng.standard_normal(n),
        rng.integers(0, 3, n).astype(float),
        rng.lognormal(0, 3, n),
    ):
        got, want = median_sorted(x), numba_median(x.copy())
        assert got == want
        assert got == np.median(x)
    y = rng.standard_normal(n)
    y[rng.integers(0, n)] = np.nan
    assert np.isnan(median_sorted(y))
    assert np.isnan(median_sorted(np.empty(0)))
