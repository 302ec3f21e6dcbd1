"""The cached band-pass design of delineate gives the same bits as designing per call.

Session 19 (issue 24, registered speed change on the delineation benchmark page): ``_filter``
takes its Butterworth sections and ``sosfilt_zi`` from a cache and runs the steps of
``scipy.signal.sosfiltfilt`` itself. These tests pin that every filtered sample, and every
fiducial and reason code of ``delineate``, equals the per-call design: on random rows at four
rates, on the ECGSYN grid of ``bench delineate --synthetic`` (3 T shapes) and on every shared
LUDB record.
"""

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

import geoecg.features.delineation as D
from geoecg.features import delineate
from geoecg.features._delineation_filter import band_filter


def _filter_per_call(x, fs, band):
    """The pre-session-19 ``_filter``: design and ``sosfiltfilt`` on every call."""
    lo, hi = float(band[0]), min(float(band[1]), 0.45 * fs)
    if not 0 < lo < hi:
        raise ValueError(f"band must satisfy 0 < low < high (< 0.45 fs), got {band}")
    sos = butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
    padlen = min(x.shape[1] - 1, 3 * (2 * sos.shape[0] + 1))
    return sosfiltfilt(sos, x, axis=1, padlen=padlen)


def _same(a, b):
    for name in ("lead_samples", "lead_reasons", "samples", "reasons", "rpeaks"):
        u, v = getattr(a, name), getattr(b, name)
        assert u.shape == v.shape, name
        np.testing.assert_array_equal(u, v, err_msg=name)  # NaN == NaN here


def _both(monkeypatch, x, fs, rp=None, leads=None):
    new = delineate(x, fs, rp, leads)
    with monkeypatch.context() as m:
        m.setattr(D, "_filter", _filter_per_call)
        old = delineate(x, fs, rp, leads)
    return new, old


@pytest.mark.parametrize("fs", [100.0, 250.0, 360.0, 500.0, 1000.0])
@pytest.mark.parametrize("n", [2, 3, 16, 17, 5000])
def test_band_filter_bits_equal_scipy(fs, n, rng):
    x = rng.normal(size=(3, n)).cumsum(axis=1) + 5.0
    for band in ((0.5, 40.0), (0.5, 15.0), (0.5, 400.0)):
        np.testing.assert_array_equal(band_filter(x, fs, band), _filter_per_call(x, fs, band))
    # a second call (cached design) gives the same bits again
    again = band_filter(x, fs, (0.5, 40.0))
    np.testing.assert_array_equal(again, _filter_per_call(x, fs, (0.5, 40.0)))


def test_band_filter_cache_is_read_only_and_checks_band():
    from geoecg.features._delineation_filter import _design

    sos, zi = _design(500.0, 0.5, 40.0)
    assert not sos.flags.writeable and not zi.flags.writeable
    with pytest.raises(ValueError, match="0 < low < high"):
        band_filter(np.zeros((1, 100)), 500.0, (40.0, 0.5))
    with pytest.raises(ValueError, match="0 < low < high"):
        band_filter(np.zeros((1, 100)), 100.0, (50.0, 60.0))  # above 0.45 fs after the cap


def test_delineate_identical_on_ecgsyn_grid(monkeypatch):
    from geoecg.simulate import synthesize_ecg

    n = 0
    for pol in ("upright", "inverted", "biphasic"):
        for w in (1.0, 1.5):
            for nz in (0.0, 0.02):
                for hr in (40, 60, 90, 120, 150, 180):
                    kw = {"fs": 500.0, "duration_s": 10.0, "hr_bpm": hr, "qrs_width": w}
                    x = synthesize_ecg(**kw, t_polarity=pol, noise_mv=nz, hrv_lf=0.0,
                                       hrv_hf=0.0, random_state=0)  # fmt: skip
                    new, old = _both(monkeypatch, x, 500.0)
                    _same(new, old)
                    n += int(np.isfinite(new.samples).sum())
    assert n > 10_000  # the grid was delineated, not skipped


def test_delineate_identical_upsampled_and_with_gaps(monkeypatch):
    from geoecg.simulate import synthesize_ecg

    for fs in (100.0, 250.0):
        x = synthesize_ecg(fs=fs, duration_s=10.0, hr_bpm=70, random_state=1)
        x = np.array(x, dtype=float)
        x[..., 400:430] = np.nan
        new, old = _both(monkeypatch, x, fs)
        _same(new, old)
        assert np.isfinite(new.samples).any()


def test_delineate_identical_on_every_shared_ludb_record(monkeypatch, ludb_dir):
    from geoecg.features import detect_rpeaks
    from geoecg.io import LUDB

    db = LUDB(ludb_dir)
    names = db.records()
    assert len(names) >= 1
    for name in names:
        rec = db.read(name)
        rp = detect_rpeaks(rec.signal, rec.fs).indices
        new, old = _both(monkeypatch, rec.signal, rec.fs, rp, list(rec.lead_names))
        _same(new, old)
