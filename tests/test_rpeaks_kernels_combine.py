"""The one-pass combination of two leads' envelopes against the reference kernel.

:func:`geoecg._kernels.rpeaks_combine.combine_leads` must give
:func:`geoecg._kernels.rpeaks_combine.combine_lead_energies`' numbers to the bit (combined envelope,
runs, the in-place rescaled envelopes and cleared masks) on every input: two finite leads
(the shortcut), gaps, a flat lead, NaN, values where the reference renormalises through
logarithms, short and empty records, and one or three leads (the reference itself).
"""

from __future__ import annotations

import numpy as np
import pytest
from rpeak_inputs import kernel_leads as _leads
from rpeak_inputs import kernel_signals as _signals
from scipy import signal as sps

from geoecg._kernels.rpeaks import lead_energies, mask_runs
from geoecg._kernels.rpeaks_combine import (
    _block_max_median4,
    block_max_median,
    combine_lead_energies,
    combine_leads,
    geometric_mean_leads,
)


def _energies(seed, n_leads=2, n=3000):
    rng = np.random.default_rng(seed)
    e = rng.random((n_leads, n)) ** 6  # many values below the floor, a few large ones
    return e, np.ones((n_leads, n), dtype=bool)


def _case(name):
    e, u = _energies(sum(map(ord, name)))
    if name == "gap":
        u[1, 700:900] = False
        e[1, 700:900] = 0.0
    elif name == "gap_both":
        u[:, 100:160] = False
        e[:, 100:160] = 0.0
    elif name == "flat":
        e[0] = 0.0
    elif name == "nan":
        e[1, 1234] = np.nan
    elif name == "nan_first":
        e[0, 0] = np.nan  # a block's first value: its maximum is NaN in the reference
    elif name == "tiny":
        e[0, 50:60] = 1e-250  # below the floor: the floor counts (1e-6)
        e[0, 60:70] = 1e250  # a product above 1e200: through logarithms
        e[1, 60:65] = 1e-150
    elif name == "short":
        e, u = e[:, :15], u[:, :15]
    elif name == "one":
        e, u = e[:1], u[:1]
    elif name == "three":
        e, u = _energies(5, n_leads=3)
    elif name == "empty":
        e, u = e[:, :0], u[:, :0]
    return np.ascontiguousarray(e), np.ascontiguousarray(u)


CASES = ["plain", "gap", "gap_both", "flat", "nan", "nan_first", "tiny", "short", "one"]
CASES += ["three", "empty"]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("floor", [1e-6, 1e-300])
def test_combine_leads_kernel_is_the_reference_to_the_bit(name, floor):
    e, u = _case(name)
    e1, u1, e2, u2 = e.copy(), u.copy(), e.copy(), u.copy()
    want = combine_lead_energies(e1, u1, 250, floor, 20)
    got = combine_leads(e2, u2, 250, floor, 20)
    np.testing.assert_array_equal(got[0], want[0])  # NaN where the reference has NaN
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(e2, e1)  # rescaled in place the same way
    np.testing.assert_array_equal(u2, u1)


def test_combine_leads_kernel_takes_the_one_pass_on_finite_leads():
    """The shortcut's result is not the reference's by accident: on two finite leads it is
    the per-sample formula written out (divide, floor, product, square root)."""
    e, u = _case("plain")
    s = [block_max_median(e[i], 250) for i in range(2)]
    a, b = np.maximum(e[0] / s[0], 1e-6), np.maximum(e[1] / s[1], 1e-6)
    combined, runs = combine_leads(e, u, 250, 1e-6, 20)
    np.testing.assert_array_equal(combined, np.sqrt(a * b))
    np.testing.assert_array_equal(runs, [[0, 3000]])
    assert combine_leads(*_case("short"), 250, 1e-6, 20)[1].shape == (0, 2)


@pytest.mark.parametrize("block", [1, 2, 3, 4, 5, 7, 8, 250, 251, 3000, 5000])
@pytest.mark.parametrize("nan_at", [None, 0, 3, 1001])
def test_block_max_median4_kernel_is_the_reference(block, nan_at):
    m = np.random.default_rng(block).random(2999) ** 3
    if nan_at is not None:
        m[nan_at] = np.nan
    want, got = block_max_median(m, block), _block_max_median4(m, block)
    assert got == want or (np.isnan(got) and np.isnan(want))
    assert _block_max_median4(m[:0], block) == 0.0


#  the reference kernels against their twins (moved from test_rpeaks_kernels.py)


def twin_block_max_median(m, block):
    n = len(m)
    if n == 0:
        return 0.0
    maxima = [m[a : a + block].max() for a in range(0, n, block)]
    if n % block and (n % block) < (block + 1) // 2 and n >= block:
        maxima = maxima[:-1]
    return float(np.median(maxima))


def twin_geometric_mean(energy, valid, floor):
    out = np.zeros(energy.shape[1])
    for i in range(energy.shape[1]):
        v = energy[valid[:, i], i]
        if v.size:
            out[i] = np.exp(np.mean(np.log(np.maximum(v, floor))))
    return out


SIGNALS = _signals()


@pytest.mark.parametrize("name", ["empty", "one", "constant", "random", "adc_ties"])
@pytest.mark.parametrize("block", [1, 7, 250])
def test_block_max_median_matches_twin(name, block):
    m = np.abs(SIGNALS[name])
    assert block_max_median(np.ascontiguousarray(m, dtype=float), block) == pytest.approx(
        twin_block_max_median(m, block)
    )


@pytest.mark.parametrize("seed", range(3))
def test_geometric_mean_matches_twin(seed):
    rng = np.random.default_rng(seed)
    e = rng.exponential(size=(3, 400))
    e[1, :50] = 0.0  # silent stretch: floored
    valid = rng.random((3, 400)) > 0.2
    valid[:, :10] = False  # no lead: 0
    np.testing.assert_allclose(
        geometric_mean_leads(e, valid, 1e-6), twin_geometric_mean(e, valid, 1e-6), rtol=1e-12
    )


def test_geometric_mean_extreme_values_take_the_log_path():
    e = np.array([[1e-150, 2.0], [1e-150, 8.0], [1e-150, 0.5]])
    valid = np.ones_like(e, dtype=bool)
    np.testing.assert_allclose(
        geometric_mean_leads(e, valid, 1e-300), twin_geometric_mean(e, valid, 1e-300)
    )


@pytest.mark.parametrize("seed", range(6))
def test_combine_lead_energies_matches_python_twin(seed):
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    energy, used, _, _ = lead_energies(_leads(seed, n_leads=4), 2, sos, 7, 20)
    e, u = energy.copy(), used.copy()
    for lead in range(e.shape[0]):
        scale = block_max_median(e[lead], 250)
        if scale > 0:
            e[lead] /= scale
        else:
            u[lead] = False
    want = geometric_mean_leads(e, u, 1e-6), mask_runs(u.any(axis=0), 20)
    got = combine_lead_energies(energy, used, 250, 1e-6, 20)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(energy, e)  # scaled in place
    np.testing.assert_array_equal(used, u)
