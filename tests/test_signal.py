"""geoecg.signal: filters, resampling and noise mixing."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from geoecg.datasets import sample_record_path
from geoecg.io import beat_annotations, read_record
from geoecg.signal import (
    bandpass,
    highpass,
    lowpass,
    mix_noise,
    notch,
    remove_baseline,
    resample,
    resample_indices,
    snr_db,
)

FS = 250.0


def _tone(freq, n=5000, fs=FS):
    return np.sin(2 * np.pi * freq * np.arange(n) / fs)


def test_bandpass_equals_scipy_reference(rng):
    x = rng.standard_normal((3, 4000))
    sos = sps.butter(2, [0.5, 40], btype="bandpass", fs=FS, output="sos")
    np.testing.assert_allclose(bandpass(x, FS, 0.5, 40), sps.sosfiltfilt(sos, x, axis=-1))


def test_filters_pass_and_stop_bands():
    low, mid, high = _tone(0.1), _tone(10.0), _tone(100.0)
    core = slice(1000, -1000)
    y = bandpass(low + mid + high, FS, 1.0, 40.0)
    assert np.abs(y[core] - mid[core]).max() < 0.05
    assert np.abs(remove_baseline(low + mid, FS)[core] - mid[core]).max() < 0.05
    assert np.abs(lowpass(mid + high, FS, 40.0)[core] - mid[core]).max() < 0.02
    assert np.abs(highpass(low + mid, FS, 1.0)[core] - mid[core]).max() < 0.05
    mains = _tone(50.0)
    assert np.abs(notch(mid + mains, FS, 50.0)[core] - mid[core]).max() < 0.05
    assert np.abs(notch(mid + _tone(100.0), FS, 50.0, harmonics=2)[core] - mid[core]).max() < 0.05


def test_shapes_3d_and_lists(rng):
    x3 = rng.standard_normal((4, 2, 1000))
    y3 = bandpass(x3, FS)
    assert y3.shape == x3.shape
    np.testing.assert_allclose(y3[2], bandpass(x3[2], FS))
    ragged = [rng.standard_normal((1, 900)), rng.standard_normal((1, 1500))]
    out = bandpass(ragged, FS)
    assert [o.shape for o in out] == [(1, 900), (1, 1500)]
    np.testing.assert_allclose(out[1], bandpass(ragged[1], FS))


def test_nan_gaps_are_kept_and_segments_filtered_separately(rng):
    x = rng.standard_normal(3000)
    x[1000:1100] = np.nan
    x[2990:] = np.nan
    y = bandpass(x, FS)
    assert np.isnan(y[1000:1100]).all()
    assert np.isfinite(y[:1000]).all() and np.isfinite(y[1100:2990]).all()
    np.testing.assert_allclose(y[:1000], bandpass(x[:1000], FS))
    np.testing.assert_allclose(y[1100:2990], bandpass(x[1100:2990], FS))
    tiny = np.array([np.nan, 1.0, 2.0, np.nan])  # too short to filter: NaN, no crash
    assert np.isnan(bandpass(tiny, FS)).all()


def test_degenerate_inputs():
    assert bandpass(np.zeros((2, 0)), FS).shape == (2, 0)
    np.testing.assert_allclose(highpass(np.full(2000, 3.0), FS), 0.0, atol=1e-9)


def test_readonly_and_strided_input(rng):
    x = rng.standard_normal((2, 4000))
    x.setflags(write=False)
    np.testing.assert_allclose(bandpass(x[:, ::2], FS / 2), bandpass(x[:, ::2].copy(), FS / 2))


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: bandpass(np.zeros(100), 0), ValueError, "fs must be positive"),
        (lambda: bandpass(np.zeros(100), "250"), TypeError, "fs must be a number"),
        (lambda: bandpass(np.zeros(100), FS, 40, 1), ValueError, "0 < low < high"),
        (lambda: bandpass(np.zeros(100), FS, 1, 200), ValueError, "fs/2"),
        (lambda: notch(np.zeros(100), FS, 130), ValueError, "notch frequency"),
        (lambda: bandpass(np.zeros((1, 1, 1, 10)), FS), ValueError, "n_records, n_leads"),
        (lambda: bandpass(["a", "b"], FS), TypeError, "numeric array"),
        (lambda: bandpass(np.array([1.0, np.inf]), FS), ValueError, "infinite"),
        # order 0 used to return the input unchanged; 2.5 was truncated to 2
        (lambda: bandpass(np.zeros(100), FS, order=0), ValueError, "order must be a whole"),
        (lambda: bandpass(np.zeros(100), FS, order=-1), ValueError, "order must be a whole"),
        (lambda: bandpass(np.zeros(100), FS, order=2.5), ValueError, "got 2.5"),
        (lambda: highpass(np.zeros(100), FS, order=0), ValueError, "order must be a whole"),
        (lambda: lowpass(np.zeros(100), FS, order=0), ValueError, "order must be a whole"),
        (lambda: bandpass(np.zeros(100), FS, order="2"), TypeError, "order must be a whole"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_resample_matches_resample_poly_and_lengths(rng):
    x = rng.standard_normal((12, 5000))
    np.testing.assert_allclose(resample(x, 500, 100), sps.resample_poly(x, 1, 5, axis=-1))
    assert resample(np.zeros(3600), 360, 250).shape == (2500,)
    assert resample(np.zeros(650000), 360, 128).shape == (231112,)
    np.testing.assert_array_equal(resample(x, 500, 500), x)
    np.testing.assert_array_equal(resample_indices([0, 360, 720], 360, 250), [0, 250, 500])


def test_resample_keeps_a_tone():
    fs_in, fs_out = 360.0, 250.0
    y = resample(_tone(5.0, 3600, fs_in), fs_in, fs_out)
    ref = _tone(5.0, 2500, fs_out)
    assert np.abs(y[100:-100] - ref[100:-100]).max() < 1e-2


def test_resample_nan_gap_stays_nan():
    x = _tone(5.0, 3600, 360.0)
    x[1800:1900] = np.nan
    y = resample(x, 360, 250)
    assert np.isnan(y[1800 * 250 // 360 + 5 : 1900 * 250 // 360 - 5]).all()
    assert np.isfinite(y[:1000]).all()


@pytest.mark.parametrize("target", [24.0, 6.0, 0.0, -6.0])
def test_mix_noise_reaches_target_snr(rng, target):
    s = rng.standard_normal((2, 20000)) * np.array([[1.0], [0.3]])
    n = rng.standard_normal(30000) + 5.0  # offset is removed
    y = mix_noise(s, n, target)
    np.testing.assert_allclose(snr_db(s, y - s), target, atol=1e-9)


def test_mix_noise_qrs_reference_on_real_record():
    rec = read_record(sample_record_path("mitdb_101"))
    x = remove_baseline(rec.signal, rec.fs)
    r = beat_annotations(rec.annotations)["sample"].to_numpy()
    noise = np.random.default_rng(0).standard_normal(x.shape[-1])
    y = mix_noise(x, noise, 6.0, reference="qrs", rpeaks=r, fs=rec.fs)
    got = snr_db(x, y - x, reference="qrs", rpeaks=r, fs=rec.fs)
    np.testing.assert_allclose(got, 6.0, atol=1e-9)
    # p2p^2/8 of a QRS is much larger than the variance of the whole ECG
    assert (snr_db(x, y - x) < got).all()
    with pytest.raises(ValueError, match="needs rpeaks"):
        mix_noise(x, noise, 6.0, reference="qrs")


def test_mix_noise_bad_shapes():
    with pytest.raises(ValueError, match="expected 1 or 2"):
        mix_noise(np.zeros((2, 100)), np.ones((3, 100)), 6.0)
    with pytest.raises(ValueError, match="finite"):
        mix_noise(np.zeros(100), np.ones(100), np.nan)
    flat = mix_noise(np.zeros(100), np.random.default_rng(1).standard_normal(100), 6.0)
    np.testing.assert_array_equal(flat, 0.0)  # flat signal: nothing to scale against
