"""Beat-synchronous averaging and beat-averaged lead covariances."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.datasets import sample_ptbxl_dir
from geoecg.io import PTBXL
from geoecg.riemann import LeadCovariances, beat_averages


def _template(fs: float, pre: int, post: int, c: int) -> np.ndarray:
    t = (np.arange(-pre, post)) / fs
    qrs = np.exp(-0.5 * (t / 0.012) ** 2)
    twave = 0.3 * np.exp(-0.5 * ((t - 0.28) / 0.04) ** 2)
    gains = np.linspace(1.0, -0.6, c)
    return gains[:, None] * qrs[None] + np.abs(gains)[:, None] * twave[None]


def test_median_recovers_template_despite_noise_and_an_ectopic_beat(rng):
    fs, pre, post, c = 250.0, 62, 112, 3
    tpl = _template(fs, pre, post, c)
    r = np.arange(200, 5000 - 200, 230)
    x = 0.02 * rng.standard_normal((c, 5000))
    for k in r:
        x[:, k - pre : k + post] += tpl
    x[:, r[3] - pre : r[3] + post] += 2.0 * rng.standard_normal((c, pre + post))  # one artefact
    res = beat_averages(x, fs, window_s=(pre / fs, post / fs), rpeaks=[r])
    assert res.n_beats.tolist() == [r.size] and res.r_index == pre
    assert np.abs(res.signals[0] - tpl).max() < 0.05
    mean = beat_averages(x, fs, window_s=(pre / fs, post / fs), rpeaks=[r], statistic="mean")
    # the artefact beat pulls the mean away, not the median
    assert np.abs(mean.signals[0] - tpl).max() > np.abs(res.signals[0] - tpl).max()


def test_detected_beats_on_real_ptbxl():
    X, _ = PTBXL(sample_ptbxl_dir()).load(fs=100)
    res = beat_averages(X[:5], 100.0)
    # 10-s strips at 40-150 bpm: between 5 and 25 complete beats each
    assert res.signals.shape == (5, 12, 70)
    assert np.all((res.n_beats >= 5) & (res.n_beats <= 25)), res.n_beats
    assert np.all(np.isfinite(res.signals)) and (res.reason == "").all()
    # the R-peak sample is the largest absolute deflection of the average beat in most leads
    peak = np.abs(res.signals).argmax(axis=2)
    assert np.mean(np.abs(peak - res.r_index) <= 3) > 0.6


def test_nan_samples_and_degenerate_records():
    x = np.zeros((2, 2, 300))
    x[:, :, 100] = 1.0
    x[:, :, 200] = 1.0
    x[0, 1, 95:105] = np.nan  # a gap inside one beat: the other beat fills in
    res = beat_averages(x, 100.0, window_s=(0.2, 0.3), rpeaks=[[100, 200], [5, 290]])
    assert res.n_beats.tolist() == [2, 0]
    assert np.all(np.isfinite(res.signals[0]))
    assert res.signals[0, 1, res.r_index] == 1.0
    assert np.isnan(res.signals[1]).all() and "0 complete beat" in res.reason[1]
    C = LeadCovariances(fs=100.0, beat_window_s=(0.2, 0.3)).fit(x).transform(x)
    assert C.shape == (2, 2, 2)  # detection finds no complete beat in either record here


@pytest.mark.parametrize(
    "kwargs,msg",
    [
        ({"window_s": (-0.1, 0.3)}, "window_s"),
        ({"statistic": "mode"}, "statistic"),
        ({"rpeaks": [[1], [2]]}, "rpeaks has 2"),
    ],
)
def test_bad_arguments(kwargs, msg, rng):
    with pytest.raises(ValueError, match=msg):
        beat_averages(rng.standard_normal((1, 2, 100)), 100.0, **kwargs)
    with pytest.raises(ValueError, match="fs"):
        beat_averages(rng.standard_normal((1, 2, 100)), 0.0)


def test_lead_covariances_beat_window():
    X, _ = PTBXL(sample_ptbxl_dir()).load(fs=100)
    lc = LeadCovariances(fs=100, band=(0.5, 40), beat_window_s=(0.25, 0.45), n_lags=2)
    C = lc.fit_transform(X[:6])
    assert C.shape == (6, 24, 24)
    assert np.all(np.linalg.eigvalsh(C) > 0)
    # a strip and its beat average describe different things: the matrices differ
    C_strip = LeadCovariances(fs=100, band=(0.5, 40), n_lags=2).fit_transform(X[:6])
    assert not np.allclose(C, C_strip, rtol=0.05)
    with pytest.raises(ValueError, match="exclusive"):
        LeadCovariances(fs=100, window_s=2.0, beat_window_s=(0.2, 0.4)).fit(X)
    with pytest.raises(ValueError, match="fs must be"):
        LeadCovariances(beat_window_s=(0.2, 0.4)).fit(X)
    with pytest.raises(ValueError, match="beat_window_s"):
        LeadCovariances(fs=100, beat_window_s=(0.2,)).fit(X)
