"""Patient-relative beat features: rhythm-normalised prematurity and record-relative
morphology (``rr_pre_past``, ``rr_pre_lmed``, ``rr_post_lmed``, ``rr_pre_rmed`` and the
``relative`` block)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features import beat_features, rr_features
from geoecg.features.morphology import BEAT_FEATURE_BLOCKS, RR_FEATURE_NAMES

FS = 360.0


def _premature_peaks(n=40, rr=300, early=6, at=20):
    """Steady RR of ``rr`` samples; beat ``at`` comes ``early`` samples early, so it is
    premature and followed by a compensatory pause."""
    peaks = np.arange(n) * rr + 200
    peaks[at] -= early
    return peaks


def _col(table, name):
    return table.values[:, list(table.names).index(name)]


@pytest.mark.parametrize("name", ["rr_pre_past", "rr_pre_lmed", "rr_pre_rmed", "rr_pre_local"])
def test_premature_beat_is_below_one_and_normal_beats_near_one(name):
    peaks = _premature_peaks(early=90)  # 30 % premature
    t = rr_features(peaks, FS)
    v = _col(t, name)
    assert v[20] < 0.8
    normal = np.r_[2:19, 23:38]
    np.testing.assert_allclose(v[normal], 1.0, atol=0.05)


def test_compensatory_pause_and_robust_local_median():
    peaks = _premature_peaks(early=90)
    t = rr_features(peaks, FS)
    post = _col(t, "rr_post_lmed")
    assert post[20] > 1.2  # the pause after the premature beat
    # the median ignores the premature interval: exactly 1 for the beats around it
    lmed_pre = _col(t, "rr_pre_lmed")
    assert lmed_pre[18] == pytest.approx(1.0)
    assert lmed_pre[20] == pytest.approx(210 / 300)
    assert _col(t, "rr_pre_rmed")[20] == pytest.approx(210 / 300)
    # causal mean: the beat after the pause is judged against the 10 intervals before it
    past = _col(t, "rr_pre_past")
    assert past[20] == pytest.approx(210 / 300)
    assert np.isnan(past[0]) and np.isnan(past[1])  # no interval before rr_pre


def test_new_rr_features_degenerate():
    assert np.isnan(rr_features([10], FS).values).all()
    t = rr_features([10, 400], FS)
    assert t.values.shape == (2, len(RR_FEATURE_NAMES))
    assert np.isnan(_col(t, "rr_pre_past")).all()
    assert _col(t, "rr_pre_rmed")[1] == pytest.approx(1.0)
    assert _col(t, "rr_pre_lmed")[1] == pytest.approx(1.0)


def _synthetic_record(peaks, n, amp=None):
    x = np.zeros(n)
    t = np.arange(-40, 41)
    qrs = np.exp(-0.5 * (t / 6.0) ** 2)
    tw = np.arange(-60, 61)
    twave = 0.3 * np.exp(-0.5 * (tw / 25.0) ** 2)
    pw = np.arange(-20, 21)
    pwave = 0.15 * np.exp(-0.5 * (pw / 8.0) ** 2)
    for i, p in enumerate(peaks):
        a = 1.0 if amp is None else amp[i]
        x[p - 40 : p + 41] += a * qrs
        x[p + 80 : p + 201] += twave
        x[p - 70 : p - 29] += pwave
    return x


def test_relative_block_is_zero_for_identical_beats():
    peaks = np.arange(300, 300 * 40, 300)
    x = _synthetic_record(peaks, 300 * 41)
    t = beat_features(x, peaks, FS, prefilter=False)
    names = [f"{n}_l0" for n in BEAT_FEATURE_BLOCKS["relative"]]
    inner = slice(2, -2)  # windows inside the record
    for name in names:
        np.testing.assert_allclose(_col(t, name)[inner], 0.0, atol=1e-9, err_msg=name)


def test_relative_block_flags_an_odd_beat():
    peaks = np.arange(300, 300 * 40, 300)
    amp = np.ones(peaks.size)
    amp[20] = 2.5
    x = _synthetic_record(peaks, 300 * 41, amp)
    t = beat_features(x, peaks, FS, prefilter=False)
    qrs = _col(t, "qrs_diff_l0")
    assert qrs[20] > 0.5 and np.nanmax(np.abs(np.delete(qrs, 20)[2:-2])) < 1e-9
    assert abs(_col(t, "wav_a8_dev_l0")[20]) > 0  # wavelet deviation from the record


def test_relative_block_alone_and_degenerate():
    peaks = np.arange(300, 300 * 10, 300)
    t = beat_features(np.zeros(300 * 11), peaks, FS, blocks=("relative",))
    assert t.values.shape == (peaks.size, len(BEAT_FEATURE_BLOCKS["relative"]))
    assert np.isnan(_col(t, "qrs_diff_l0")).all()  # flat lead: no template scale
    x = _synthetic_record(peaks, 300 * 11)
    x[1000:1400] = np.nan
    t = beat_features(x, peaks, FS, prefilter=False, blocks=("relative", "rr"))
    assert t.values.shape == (peaks.size, len(t.names))
    empty = beat_features(np.zeros(3000), [], FS, blocks=("relative",))
    assert empty.values.shape == (0, len(empty.names))
