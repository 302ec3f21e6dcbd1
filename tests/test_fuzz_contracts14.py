"""Session 14 contract sweep of geoecg.signal and geoecg.leads: the inputs that reached a
numpy/python internal message or a numpy warning now get a clear error or a documented
non-finite value (docs/benchmarks/robustness.md, "Session 14 sweep")."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from geoecg.leads import STANDARD_LEADS, r_amplitudes
from geoecg.signal import notch, snr_db


@pytest.mark.parametrize("harmonics", [0, -1, 2.5, True])
def test_notch_refuses_harmonics_that_are_not_a_whole_number_from_1(harmonics):
    # before: 0 / -1 gave numpy's "need at least one array to concatenate", 2.5 ran as 2
    with pytest.raises(ValueError, match="harmonics must be a whole number >= 1"):
        notch(np.zeros(1000), 250.0, harmonics=harmonics)


def test_notch_whole_float_harmonics_equal_the_int():
    x = np.random.default_rng(0).standard_normal(2000)
    np.testing.assert_array_equal(notch(x, 500.0, harmonics=2.0), notch(x, 500.0, harmonics=2))


def _x3(n_leads=12, n=2500, fs=250.0):
    t = np.arange(n) / fs
    beat = np.sin(2 * np.pi * 1.2 * t) ** 15
    return np.stack([beat * (k + 1) / n_leads for k in range(n_leads)])[None]


@pytest.mark.parametrize("reference", ["V9", 0, "ii"])
def test_r_amplitudes_names_a_bad_reference(reference):
    # before: "tuple.index(x): x not in tuple"
    with pytest.raises(ValueError, match="reference must be one of"):
        r_amplitudes(_x3(), 250.0, reference=reference)


def test_r_amplitudes_without_rpeaks_needs_the_12_leads():
    # before: 3 leads with reference "V3" was an IndexError; with "II" it measured lead 1
    with pytest.raises(ValueError, match="X has 3 leads: without rpeaks"):
        r_amplitudes(_x3(3), 250.0, reference="II")
    rp = [np.arange(50, 2450, 208)]
    assert r_amplitudes(_x3(3), 250.0, rpeaks=rp).shape == (1, 3)  # rpeaks given: any leads
    with pytest.raises(ValueError, match=r"one array per record \(1\), got 2"):
        r_amplitudes(_x3(3), 250.0, rpeaks=rp * 2)  # before: extra arrays were ignored
    assert r_amplitudes(_x3(), 250.0).shape == (1, len(STANDARD_LEADS))


def test_snr_db_flat_signal_and_noise_give_documented_values_without_a_warning():
    s = np.sin(np.linspace(0, 100, 2000))
    flat = np.zeros(2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # before: "invalid value encountered in divide"
        out = [float(snr_db(a, b)) for a, b in ((flat, s), (s, flat), (flat, flat))]
    assert out[0] == -np.inf and out[1] == np.inf and np.isnan(out[2])
