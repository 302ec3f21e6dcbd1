"""A lead's filter passes split into two halves in two SIMD lanes give the one-lane passes'
numbers to the bit (``geoecg._kernels.rpeaks_fused.forward_split`` / ``backward_split``).

Lane 1 starts from rest ``warm`` samples before the junction; its state is compared with the
exact chain's there, and on any difference the one-lane loop runs again. So the outputs equal
``_forward1`` / ``_backward1`` whether the split stands (a long warm-up) or not (a short one,
a NaN or an infinite sample, a flat or zero stretch, values near the underflow).
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels.rpeaks import _window_mean
from geoecg._kernels.rpeaks_fused import (
    SPLIT_WARM,
    _backward1,
    _forward1,
    backward_split,
    forward_split,
    lead_energies_fused,
)
from geoecg.features.rpeaks import _band_sos


def _bits(a):
    return np.ascontiguousarray(a).view(np.int64)


def _signal(kind, n, rng):
    x = rng.standard_normal(n).cumsum() * 0.05 + np.sin(np.arange(n) / 7.0)
    if kind == "flat":
        x[:] = 1.5
    elif kind == "nan":
        x[int(rng.integers(0, n))] = np.nan
    elif kind == "inf":
        x[int(rng.integers(0, n))] = np.inf
    elif kind == "tiny":
        x *= 1e-305
    elif kind == "zero_half":
        x[n // 2 :] = 0.0
    elif kind == "huge":
        x *= 1e300
    return x


def _check(x, k, sos, warm):
    """Both split passes against the one-lane passes, bit for bit; returns the two flags."""
    nd = x.shape[0] // k
    with np.errstate(all="ignore"):  # inf - inf and overflow, as in the one-lane passes
        want, got = np.empty(nd), np.empty(nd)
        fin = _forward1(x, k, sos, want)
        fin_s, held_f = forward_split(x, k, sos, got, warm)
        assert fin_s == fin
        assert np.array_equal(_bits(got), _bits(want))
        slope = want.copy()
        _backward1(slope, sos)
        y = want.copy()
        out = np.full(nd, -7.0)
        held_b = backward_split(y, sos, out, warm)
        assert np.array_equal(_bits(out), _bits(slope))
        assert np.array_equal(_bits(y), _bits(want))  # the input is left as it was
    return held_f, held_b


@pytest.mark.parametrize("kind", ["walk", "flat", "nan", "inf", "tiny", "zero_half", "huge"])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("nd,warm", [(3, 1), (17, 4), (40, 5), (41, 8), (200, 4), (333, 16)])
def test_split_passes_equal_the_one_lane_kernel_twin(kind, k, nd, warm):
    """Short warm-ups (the split mostly falls back), every odd and even length, non-finite
    and degenerate leads: the one-lane passes' numbers and finiteness flag."""
    rng = np.random.default_rng(nd * 10 + k)
    x = _signal(kind, nd * k + k - 1, rng)
    _check(x, k, _band_sos(100.0 + 10 * k, 3.0, 20.0), warm)


@pytest.mark.parametrize("fs_d", [100.0, 128.0, 200.0])
def test_split_passes_stand_after_a_long_warm_up_kernel_twin(fs_d):
    """With a warm-up long enough for the recursion to forget its initial state the split
    results stand (the fast path is taken), and they are the one-lane numbers."""
    rng = np.random.default_rng(int(fs_d))
    x = _signal("walk", 2 * 4 * 1100, rng)
    held = _check(x, 2, _band_sos(fs_d, 3.0, 20.0), 1100)
    assert held == (True, True)
    # a warm-up of 4 samples cannot reach the exact state: the one-lane loop ran
    assert _check(x, 2, _band_sos(fs_d, 3.0, 20.0), 4) == (False, False)


def test_split_falls_back_on_a_nan_after_the_junction_kernel_twin():
    """A NaN in lane 1's half: its state is NaN at the end (not finite, as the one-lane
    pass says), and a NaN before the junction makes the states differ (fallback)."""
    rng = np.random.default_rng(5)
    sos = _band_sos(120.0, 3.0, 20.0)
    x = _signal("walk", 3 * 3200, rng)
    late, early = x.copy(), x.copy()
    late[-40] = np.nan
    early[3 * 1000] = np.nan
    _check(late, 3, sos, 700)
    assert _check(early, 3, sos, 700)[0] is False


def test_one_lead_energy_is_the_one_lane_passes():
    """``lead_energies_fused`` on one lead and on three (the third runs alone) gives the
    envelope of ``_forward1``, ``_backward1`` and ``_window_mean``, on leads long enough
    for the split with the shipped warm-up (the split stands on them)."""
    rng = np.random.default_rng(11)
    k, nd, h = 3, 4 * SPLIT_WARM + 999, 7
    sos = _band_sos(120.0, 3.0, 20.0)
    x = np.stack([_signal("walk", nd * k + 2, rng) for _ in range(3)])
    for leads in (x[:1], x):
        energy, used, runs, has_inf = lead_energies_fused(
            x=np.ascontiguousarray(leads), k=k, sos=sos, half_width=h, min_len=20
        )
        y, want = np.empty(nd), np.empty(nd)
        assert _forward1(leads[-1], k, sos, y)
        _backward1(y, sos)
        _window_mean(y, h, want)
        assert np.array_equal(_bits(energy[-1]), _bits(want))
        assert used.all() and not has_inf
    held = _check(x[0], k, sos, SPLIT_WARM)
    assert held == (True, True)
