"""AF window statistics: numba kernels against slow NumPy twins, and input handling."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from geoecg._kernels.af import AF_STAT_NAMES
from geoecg.features.af import (
    AFTemplates,
    af_window_stats,
    default_af_templates,
    fit_af_templates,
    rr_windows,
)

NAMES = list(AF_STAT_NAMES)


def twin_cosen(x, r0=30.0):
    n = len(x)
    if n < 3:
        return np.nan
    r = r0
    while r <= 500.0:
        b = sum(abs(x[i] - x[j]) <= r for i in range(n - 1) for j in range(i + 1, n - 1))
        a = sum(
            abs(x[i] - x[j]) <= r and abs(x[i + 1] - x[j + 1]) <= r
            for i in range(n - 1)
            for j in range(i + 1, n - 1)
        )
        if a >= 5 and b > 0:
            return -np.log(a / b) + np.log(2 * r) - np.log(np.mean(x))
        r += 10.0
    return np.nan


def twin_stats(row, templates: AFTemplates, min_n=4):
    """Slow, direct version of every statistic of :data:`AF_STAT_NAMES`."""
    x = np.asarray(row, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    out = dict.fromkeys(NAMES, np.nan)
    out["nFinite"] = n
    if n < max(min_n, 3):
        return np.array([out[k] for k in NAMES])
    d = np.diff(x)
    m, med = x.mean(), np.median(x)
    out["MeanRR"] = m
    out["nRMSSD"] = np.sqrt(np.mean(d**2)) / m
    out["nMADdRR"] = np.median(np.abs(d)) / med
    out["CVRR"] = np.std(x, ddof=1) / m
    out["pRR6"] = np.mean(np.abs(d) > 0.0625 * m)
    tp = [(x[i] - x[i - 1]) * (x[i] - x[i + 1]) > 0 for i in range(1, n - 1)]
    out["TPR"] = np.mean(tp)
    if x.max() > x.min():
        k = np.minimum(((x - x.min()) / (x.max() - x.min()) * 16).astype(int), 15)
        p = np.bincount(k, minlength=16) / n
        p = p[p > 0]
        out["ShEn16"] = -(p * np.log(p)).sum() / np.log(16)
    else:
        out["ShEn16"] = 0.0
    out["COSEn"] = twin_cosen(list(x))
    # KS distance with scipy's one-sample test against the interpolated template CDF
    nb = templates.cdf.shape[0]
    b = int(np.clip(np.floor((m - templates.bin0) / templates.bin_w), 0, nb - 1))
    g = templates.grid
    out["TG_D"] = stats.kstest(d, lambda v: np.interp(v, g, templates.cdf[b])).statistic
    ect = np.zeros(n, bool)
    for i in range(n - 1):
        if (
            x[i] < 0.85 * med
            and x[i + 1] > 1.10 * med
            and abs(x[i] + x[i + 1] - 2 * med) < 0.2 * med
        ):
            ect[i] = ect[i + 1] = True
    out["EctopicFrac"] = ect.mean()
    y = x[~ect]
    if y.size >= 4:
        irr = [min(abs(y[i] - y[i - k]) for k in (1, 2, 3)) for i in range(3, y.size)]
        out["Irr"] = np.median(irr) / np.median(y)
    if n >= 4:
        cells = {(int(np.floor(d[i + 1] / 40)), int(np.floor(d[i] / 40))) for i in range(n - 2)}
        out["LorenzOcc"] = len(cells) / (n - 2)
        l1 = np.median(np.abs(d))
        if l1 > 0:
            out["Bigeminy"] = np.median(np.abs(x[2:] - x[:-2])) / l1
    out["RangeRR"] = (x.max() - x.min()) / med
    return np.array([out[k] for k in NAMES])


def _cases():
    rng = np.random.default_rng(42)
    cases = {}
    for seed in range(4):
        r = np.random.default_rng(seed)
        cases[f"sinus{seed}"] = 800 + 20 * r.standard_normal(30)
        cases[f"af{seed}"] = r.uniform(400, 1100, 40)
    cases["constant"] = np.full(20, 750.0)
    cases["ties_int"] = rng.integers(700, 704, 25).astype(float)  # ADC-like ties
    gaps = rng.uniform(500, 1000, 30)
    gaps[[3, 4, 17]] = np.nan
    cases["nan_gaps"] = gaps
    cases["bigeminy"] = np.tile([550.0, 1050.0], 12) + rng.standard_normal(24)
    cases["ectopic"] = np.r_[np.full(10, 800.0), 600.0, 1000.0, np.full(10, 800.0)]
    cases["three"] = np.array([800.0, 900.0, 700.0])
    cases["all_nan"] = np.full(10, np.nan)
    cases["fast_af"] = rng.uniform(250, 500, 20)
    cases["slow"] = 1400 + 30 * rng.standard_normal(20)
    return cases


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_matches_twin(name):
    t = default_af_templates()
    row = CASES[name]
    got = af_window_stats(row[None, :], templates=t)[0]
    want = twin_stats(row, t)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True)


def test_kernel_matches_twin_fitted_templates():
    rng = np.random.default_rng(5)
    W = np.vstack([rng.uniform(400, 1000, (50, 20)), 800 + 10 * rng.standard_normal((50, 20))])
    y = np.r_[np.ones(50, bool), np.zeros(50, bool)]
    t = fit_af_templates(W, y, min_count=100)
    got = af_window_stats(W[:5], templates=t)
    want = np.vstack([twin_stats(r, t) for r in W[:5]])
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True)


def test_strided_readonly_and_empty():
    W = np.random.default_rng(1).uniform(500, 1000, (6, 40))
    ref = af_window_stats(W[:, ::2].copy())
    view = W[:, ::2]
    view.setflags(write=False)
    np.testing.assert_array_equal(af_window_stats(view), ref)
    assert af_window_stats(np.empty((0, 10))).shape == (0, len(NAMES))
    ints = np.full((2, 10), 800, dtype=np.int64)
    assert af_window_stats(ints)[0, NAMES.index("nRMSSD")] == 0.0


def test_rr_windows_matches_numpy():
    rr = np.arange(1.0, 8.0) * 100
    for width in (2, 3, 4, 9):
        got = rr_windows(rr, width)
        pad = np.r_[np.full(width, np.nan), rr, np.full(width, np.nan)]
        want = np.array(
            [pad[width + i - width // 2 : width + i - width // 2 + width] for i in range(rr.size)]
        )
        np.testing.assert_array_equal(got, want)
    assert rr_windows(np.empty(0), 5).shape == (0, 5)


@pytest.mark.parametrize(
    "bad, exc",
    [
        (np.array([[800.0, -1.0]]), ValueError),
        (np.array([[800.0, np.inf]]), ValueError),
        (np.zeros((2, 2, 2)), ValueError),
        (np.array([["a", "b"]]), TypeError),
    ],
)
def test_bad_windows(bad, exc):
    with pytest.raises(exc):
        af_window_stats(bad)


def test_bad_args():
    with pytest.raises(ValueError, match="width"):
        rr_windows([800.0, 900.0], 1)
    with pytest.raises(ValueError, match="1-D"):
        rr_windows(np.ones((2, 2)), 3)
    with pytest.raises(TypeError, match="AFTemplates"):
        af_window_stats(np.ones((1, 5)) * 800, templates="x")
    with pytest.raises(ValueError, match="cosen_r_ms"):
        af_window_stats(np.ones((1, 5)) * 800, cosen_r_ms=0)


def test_templates_are_cdfs():
    t = default_af_templates()
    assert np.all(np.diff(t.cdf, axis=1) >= 0)
    # provenance: Normal CDF at 0 is 0.5 and at +1 sd is 0.8413 (scipy.stats.norm.cdf(1))
    sd = np.sqrt(2) * 0.2 * 375.0
    assert t.cdf[0, 200] == pytest.approx(0.5)
    assert np.interp(sd, t.grid, t.cdf[0]) == pytest.approx(0.8413, abs=2e-3)
    # fitting on AF windows alone moves the template towards their empirical CDF
    rng = np.random.default_rng(0)
    W = 625 + rng.uniform(-100, 100, (400, 21))
    f = fit_af_templates(W, np.ones(400, bool))
    b = 5  # mean-RR bin [600, 650) ms
    in_bin = np.floor((W.mean(axis=1) - 350.0) / 50.0) == b
    d = np.diff(W[in_bin], axis=1).ravel()
    emp = np.searchsorted(np.sort(d), f.grid, side="right") / d.size
    np.testing.assert_allclose(f.cdf[b], emp, atol=1e-12)
    assert fit_af_templates(W, np.zeros(400, bool)).cdf[b].tolist() == t.cdf[b].tolist()
