"""HRV frequency domain: the spline resampler, Welch and Lomb-Scargle kernels against SciPy and
against a direct-sum NumPy twin, and band powers of a known sinusoid."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import interpolate, signal

from geoecg._kernels import hrv_freq as HF
from geoecg._kernels import hrv_lomb as LS
from geoecg.features import hrv_features


def test_spline_matches_scipy(rng):
    t = np.cumsum(rng.uniform(0.5, 1.2, 50))
    y = rng.standard_normal(50)
    tq = np.linspace(t[0], t[-1], 400)
    ref = interpolate.CubicSpline(t, y, bc_type="natural")(tq)
    np.testing.assert_allclose(HF.natural_cubic_spline(t, y, tq), ref, atol=1e-10)


@pytest.mark.parametrize("n,nper", [(1200, 1024), (1200, 256), (300, 256), (100, 256)])
def test_welch_matches_scipy(rng, n, nper):
    x = rng.standard_normal(n).cumsum()
    f, p = HF.welch_low_bins(x, 4.0, nper, 0.4)
    nps = min(nper, n)
    fr, pr = signal.welch(x, 4.0, window="hann", nperseg=nps, noverlap=nps // 2)
    np.testing.assert_allclose(f, fr[: f.size])
    np.testing.assert_allclose(p, pr[: f.size], rtol=1e-9, atol=1e-12)


def test_lomb_scargle_matches_scipy(rng):
    t = np.cumsum(rng.uniform(0.6, 1.0, 300))
    y = 800 + 20 * np.sin(2 * np.pi * 0.25 * t) + rng.standard_normal(300)
    f, P = LS.lomb_scargle(t, y, 0.001, 400)
    ref = signal.lombscargle(t, y - y.mean(), 2 * np.pi * f)
    np.testing.assert_allclose(P, ref, rtol=1e-7, atol=1e-7 * ref.max())


def test_frequency_bands_of_a_sinusoid():
    # RR modulated at 0.25 Hz (HF) with amplitude 20 ms: HF power ~ 20^2/2 = 200 ms^2
    t = np.arange(0, 300, 0.8)
    rr = 800 + 20 * np.sin(2 * np.pi * 0.25 * t)
    f = hrv_features(rr)
    for suffix in ("", "_LS"):
        assert f["HF" + suffix] == pytest.approx(200, rel=0.1)
        assert f["HFn" + suffix] > 95
        assert f["LF" + suffix] < 10


def _lomb_scargle_direct(t, y, f):
    """NumPy twin: the classical periodogram summed term by term (Scargle 1982)."""
    yc = y - y.mean()
    w = 2 * np.pi * f[:, None]
    tau = np.arctan2(np.sin(2 * w * t).sum(1), np.cos(2 * w * t).sum(1))[:, None] / (2 * w)
    c, s = np.cos(w * (t - tau)), np.sin(w * (t - tau))
    return 0.5 * ((yc * c).sum(1) ** 2 / (c * c).sum(1) + (yc * s).sum(1) ** 2 / (s * s).sum(1))


@pytest.mark.parametrize(
    "n,df,nf,gap",
    [
        (500, 0.0005, 2000, (0.4, 1.4)),  # 2000 frequencies (grid of 16384)
        (1500, 0.001, 400, (0.6, 1.0)),  # ~20 min: df * T > 1, the phases wrap around
        (4, 0.001, 400, (0.6, 1.0)),  # the fewest intervals hrv_freq_block accepts
        (300, 0.01, 1, (0.6, 1.0)),  # one frequency
    ],
)
def test_lomb_scargle_nufft_equals_direct_sum(rng, n, df, nf, gap):
    t = 3.0 + np.cumsum(rng.uniform(*gap, n))
    y = 800 + 30 * np.sin(2 * np.pi * 0.1 * t) + 5 * rng.standard_normal(n)
    f, P = LS.lomb_scargle(t, y, df, nf)
    np.testing.assert_allclose(f, df * np.arange(1, nf + 1), rtol=1e-15)
    ref = _lomb_scargle_direct(t, y, f)
    np.testing.assert_allclose(P, ref, rtol=1e-9, atol=1e-12 * ref.max())


def _spline_m_thomas(t, y):
    """NumPy twin: second derivatives of the natural spline by one Thomas sweep (the
    kernel's former solver; the kernel now eliminates from both ends at once)."""
    n = len(t)
    m = np.zeros(n)
    if n < 3:
        return m
    h = np.diff(t)
    a, c = h[:-1].copy(), h[1:].copy()
    b = 2 * (h[:-1] + h[1:])
    r = 6 * ((y[2:] - y[1:-1]) / h[1:] - (y[1:-1] - y[:-2]) / h[:-1])
    for i in range(1, n - 2):
        w = a[i] / b[i - 1]
        b[i] -= w * c[i - 1]
        r[i] -= w * r[i - 1]
    m[n - 2] = r[-1] / b[-1]
    for i in range(n - 4, -1, -1):
        m[i + 1] = (r[i] - c[i] * m[i + 2]) / b[i]
    return m


@pytest.mark.parametrize("n", [*range(2, 13), 50, 351, 2000])
def test_spline_second_derivatives_equal_thomas_sweep(rng, n):
    # both-ends elimination: every split of the rows (odd and even counts, the 2x2 meeting)
    t = 10.0 + np.cumsum(rng.uniform(0.3, 1.6, n))
    y = 800 + 40 * rng.standard_normal(n)
    ref = _spline_m_thomas(t, y)
    got = HF.spline_second_derivatives(t, y)
    assert got[0] == 0.0 and got[-1] == 0.0
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-13 * max(np.abs(ref).max(), 1.0))


@pytest.mark.parametrize("frac", [0.0, 0.3, 0.5, 0.77, 0.999])
def test_gauss_spread_equals_gaussian(frac):
    """The spreading's powers (four interleaved chains since session 15, the four lanes of
    one vector since session 16) give the Gaussian
    ``w exp(j delta h / (2 tau) - (j h)^2 / (4 tau))`` at each of the ``2 LS_SPREAD`` grid
    points ``m0 + j`` (1,536-point grid of 400 frequencies), and touch no other point."""
    msp = LS.LS_SPREAD
    n_grid, n_modes = 1536, 801
    ratio = n_grid / n_modes
    tau = np.pi * msp / (n_modes * n_modes * ratio * (ratio - 0.5))
    h = 2.0 * np.pi / n_grid
    delta = frac * h
    e2 = np.exp(delta * h / (2.0 * tau))
    e3 = np.exp(-((np.arange(msp + 1) * h) ** 2) / (4.0 * tau))
    w, m0 = -1.7, 5
    g = np.zeros(m0 + 2 * msp + 4)
    LS._gauss_spread(g, m0, w, e2, 1.0 / e2, e3, e3[::-1].copy())
    j = np.arange(-(msp - 1), msp + 1)
    ref = np.zeros_like(g)
    ref[m0 + msp + j] = w * np.exp(j * delta * h / (2.0 * tau) - (j * h) ** 2 / (4.0 * tau))
    np.testing.assert_allclose(g, ref, rtol=1e-13, atol=0.0)
