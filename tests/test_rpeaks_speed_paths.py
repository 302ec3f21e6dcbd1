"""The fast paths of the R-peak kernels give the plain loops' numbers to the bit.

Each twin here is the plain left-to-right loop the kernel replaced (written in Python, whose
float additions and divisions are the same IEEE operations): the moving-window mean without
its interior loop, the backward filter pass with its first two samples inside the loop, and
the refinement with a NaN test on every sample and one peak at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels.rpeaks import _window_mean
from geoecg._kernels.rpeaks_decide import refine_peaks, refine_peaks_leads
from geoecg._kernels.rpeaks_fused import _backward1, _backward2
from geoecg.features.rpeaks import _band_sos


def twin_window_mean(y, h):
    """The running-sum loop with the clipping tests on every sample."""
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
        if i + h + 1 < n:
            acc += y[i + h + 1]
        if i - h >= 0:
            acc -= y[i - h]
    return out


def twin_backward(y, sos):
    """Backward pass writing the squared central difference, the first two samples in
    the loop (as ``_two_section_slope``)."""
    y = y.copy()
    n = len(y)
    (b10, b11, b12, _, a11, a12), (b20, b21, b22, _, a21, a22) = sos
    p1 = p2 = q1 = q2 = nxt = cur = 0.0
    for k in range(n):
        i = n - 1 - k
        v = y[i]
        u = b10 * v + p1
        p1 = (b11 * v + p2) - a11 * u
        p2 = b12 * v - a12 * u
        w = b20 * u + q1
        q1 = (b21 * u + q2) - a21 * w
        q2 = b22 * u - a22 * w
        if k == 1:
            d = cur - w
            y[n - 1] = d * d
        elif k >= 2:
            d = 0.5 * (nxt - w)
            y[i + 1] = d * d
        nxt, cur = cur, w
    d = nxt - cur
    y[0] = d * d
    return y


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


@pytest.mark.parametrize("h", [0, 1, 3, 7, 12])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 15, 16, 25, 26, 27, 400])
def test_window_mean_interior_loop_is_the_clipped_loop(n, h):
    rng = np.random.default_rng(n * 31 + h)
    y = rng.random(n) ** 4
    y[::5] = -1e-17  # round-off-sized negatives: the running sum dips below 0 and is clipped
    got = np.empty(n)
    _window_mean(y, h, got)
    assert np.array_equal(got, twin_window_mean(y, h))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 9, 1000])
@pytest.mark.parametrize("fs_d", [100.0, 120.0, 200.0])
def test_backward_pass_with_peeled_start_is_the_loop(n, fs_d):
    sos = _band_sos(fs_d, 3.0, 20.0)
    rng = np.random.default_rng(n)
    ya, yb = rng.standard_normal(n).cumsum(), rng.standard_normal(n)
    want_a, want_b = twin_backward(ya, sos), twin_backward(yb, sos)
    got = ya.copy()
    _backward1(got, sos)
    assert np.array_equal(got, want_a)
    ga, gb = ya.copy(), yb.copy()
    _backward2(ga, gb, sos)
    assert np.array_equal(ga, want_a) and np.array_equal(gb, want_b)


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
    assert np.array_equal(refine_peaks_leads(x, lead, peaks, radius, base), want)
    if x.shape[0] == 1:
        assert np.array_equal(refine_peaks(x[0], peaks, radius, base), want)


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
