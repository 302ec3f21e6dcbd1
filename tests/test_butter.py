"""geoecg._butter: order-2 Butterworth designs without scipy.signal, against scipy.signal.butter."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy import signal as sps

from geoecg._butter import butter2_bandpass_sos, butter2_lowpass_sos

RATES = [100.0, 101.3, 120.0, 125.0, 128.0, 180.0, 200.0, 250.0, 360.0, 500.0, 1000.0, 2000.0]


def _bands(fs, rng):
    fixed = [(3.0, 20.0), (0.5, 40.0), (5.0, 15.0), (0.05, 0.45 * fs), (1.0, 0.499 * fs)]
    drawn = [tuple(np.sort(rng.uniform(0.001, 0.499, 2) * fs)) for _ in range(25)]
    return [(lo, hi) for lo, hi in fixed + drawn if 0 < lo < hi < fs / 2]


@pytest.mark.parametrize("fs", RATES)
def test_bandpass_equals_scipy(fs):
    rng = np.random.default_rng(int(fs * 10))
    for lo, hi in _bands(fs, rng):
        want = sps.butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
        got = butter2_bandpass_sos(lo, hi, fs)
        # the same operations in the same order: equal to the bit on scipy 1.17; the
        # issue's bound (1e-12) is what must hold on any scipy version
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
        assert got.shape == (2, 6) and got.dtype == np.float64


@pytest.mark.parametrize("fs", RATES)
def test_lowpass_equals_scipy(fs):
    rng = np.random.default_rng(int(fs))
    for cut in [16.0, 40.0, 0.5, 0.45 * fs, *rng.uniform(0.001, 0.499, 25) * fs]:
        if not 0 < cut < fs / 2:
            continue
        want = sps.butter(2, cut, btype="lowpass", fs=fs, output="sos")
        np.testing.assert_allclose(butter2_lowpass_sos(cut, fs), want, rtol=0, atol=1e-12)


def test_bit_equal_on_the_detector_rates():
    """The R-peak detector's band (3-20 Hz) at its detection rates (100-200 Hz): equal to the
    last bit, so the detector's decisions cannot move with the design."""
    for fs in [100.0, 108.0, 120.0, 125.0, 128.0, 150.0, 180.0, 200.0, 1000.0 / 6]:
        want = sps.butter(2, [3.0, 20.0], btype="bandpass", fs=fs, output="sos")
        np.testing.assert_array_equal(butter2_bandpass_sos(3.0, 20.0, fs), want)


@pytest.mark.parametrize(
    "args", [(0.0, 20.0, 100.0), (3.0, 50.0, 100.0), (-1.0, 20.0, 100.0), (20.0, 3.0, 100.0)]
)
def test_bandpass_bad_edges_raise(args):
    with pytest.raises(ValueError, match="0 < f < fs/2|low < high"):
        butter2_bandpass_sos(*args)


def test_detect_rpeaks_does_not_import_scipy_signal():
    code = (
        "import sys, numpy as np\n"
        "from geoecg.features import detect_rpeaks\n"
        "x = np.sin(np.arange(5000) / 20.0) ** 31\n"
        "detect_rpeaks(np.stack([x, x]), 250.0)\n"
        "print('scipy.signal' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
