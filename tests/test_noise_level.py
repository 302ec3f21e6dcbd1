"""Beat-template SNR estimates and spectral shape (noise_level_features); monotonic
NoiseDetector."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features import (
    NOISE_FEATURE_NAMES,
    NOISE_LEVEL_NAMES,
    NOISE_MONOTONIC,
    NoiseDetector,
    noise_level_features,
)
from geoecg.signal import mix_noise

FS = 360.0


def _beat_train(fs=FS, rr_s=0.8, duration_s=10.0):
    """Identical synthetic beats (P, QRS, T as Gaussians, mV) and their R-peak indices."""
    t = np.arange(int(duration_s * fs)) / fs
    r = np.arange(0.5, duration_s - 0.5, rr_s)
    x = np.zeros_like(t)
    for c in r:
        x += 0.15 * np.exp(-(((t - c + 0.18) / 0.025) ** 2))
        x += 1.2 * np.exp(-(((t - c) / 0.012) ** 2)) - 0.3 * np.exp(-(((t - c - 0.03) / 0.01) ** 2))
        x += 0.3 * np.exp(-(((t - c - 0.3) / 0.05) ** 2))
    return x, np.round(r * fs).astype(np.int64)


def _template_twin(x, fs, rpeaks):
    """Slow loop version of the template block: (SNRtemplate, SNRbeat, SNRwindow, ResidualFrac)."""
    pre, post, h = round(0.25 * fs), round(0.4 * fs), round(0.05 * fs)
    beats = [x[r - pre : r + post] for r in rpeaks if r - pre >= 0 and r + post < len(x)]
    beats = np.array(beats)
    tmpl = np.array([np.median(beats[:, j]) for j in range(beats.shape[1])])
    qrs = range(pre - h, pre + h + 1)
    p2p_t = max(tmpl[j] for j in qrs) - min(tmpl[j] for j in qrs)
    p2p_b = np.median([max(b[j] for j in qrs) - min(b[j] for j in qrs) for b in beats])
    res = (beats - tmpl).ravel()
    v_res = np.mean((res - res.mean()) ** 2)
    v_b = np.mean((beats.ravel() - beats.mean()) ** 2)
    v_x = np.mean((x - x.mean()) ** 2)
    return (
        10 * np.log10(p2p_t**2 / 8 / v_res),
        10 * np.log10(p2p_b**2 / 8 / v_res),
        10 * np.log10(p2p_b**2 / 8 / v_x),
        v_res / v_b,
    )


def test_template_block_matches_slow_twin():
    x, r = _beat_train()
    y = mix_noise(
        x, np.random.default_rng(1).standard_normal(x.size), 8.0, reference="qrs", rpeaks=r, fs=FS
    )
    f = noise_level_features(y, FS, rpeaks=r)
    np.testing.assert_allclose(
        [f["SNRtemplate"], f["SNRbeat"], f["SNRwindow"], f["ResidualFrac"]],
        _template_twin(y, FS, r),
        rtol=1e-10,
    )


@pytest.mark.parametrize(
    ("snr", "lo", "hi"), [(18.0, -0.5, 1.0), (12.0, -0.5, 1.0), (6.0, -0.5, 1.0), (0.0, 0.5, 3.0)]
)
def test_template_snr_recovers_the_mixing_snr(snr, lo, hi):
    """White noise mixed at a known SNR (Noise Stress Test convention) is read back by
    SNRtemplate within 1 dB down to 6 dB; at 0 dB the noise left in the 12-beat median
    template inflates its QRS peak-to-peak and the estimate reads high by 0.5-3 dB."""
    x, r = _beat_train()
    errs = []
    for seed in range(9):
        noise = np.random.default_rng(seed).standard_normal(x.size)
        y = mix_noise(x, noise, snr, reference="qrs", rpeaks=r, fs=FS)
        errs.append(noise_level_features(y, FS, rpeaks=r)["SNRtemplate"] - snr)
    assert lo < np.median(errs) < hi, errs


def test_estimates_fall_as_noise_grows_and_cap_without_noise():
    x, r = _beat_train()
    clean = noise_level_features(x, FS, rpeaks=r)
    assert clean["SNRtemplate"] == clean["SNRbeat"] == 80.0  # identical beats: capped
    assert clean["ResidualFrac"] < 1e-12
    noise = np.random.default_rng(0).standard_normal(x.size)
    prev = clean
    for snr in (20.0, 10.0, 0.0, -6.0):
        f = noise_level_features(mix_noise(x, noise, snr, reference="qrs", rpeaks=r, fs=FS), FS)
        for k in ("SNRtemplate", "SNRbeat", "SNRwindow"):
            assert f[k] < prev[k], (k, snr)
        assert f["ResidualFrac"] > prev["ResidualFrac"]
        prev = f


def test_spectral_block():
    x, r = _beat_train()
    t = np.arange(x.size) / FS
    wander = noise_level_features(x + 2.0 * np.sin(2 * np.pi * 0.3 * t), FS, rpeaks=r)
    muscle = noise_level_features(x + np.random.default_rng(0).normal(0, 0.3, x.size), FS, rpeaks=r)
    plain = noise_level_features(x, FS, rpeaks=r)
    assert wander["LogPow0_0.5"] > plain["LogPow0_0.5"] + 1
    assert muscle["LogPow40_100"] > plain["LogPow40_100"] + 1
    assert muscle["SpecEntropy"] > plain["SpecEntropy"]
    bands = [k for k in NOISE_LEVEL_NAMES if k.startswith("LogPow")]
    for f in (wander, muscle, plain):
        assert sum(10 ** f[k] for k in bands) <= 1 + 1e-9
        assert 0 <= f["SpecEntropy"] <= 1


def test_degenerate_windows_give_nan_not_errors():
    x, r = _beat_train()
    flat = noise_level_features(np.zeros(3600), FS, rpeaks=r)
    assert all(np.isnan(flat[k]) for k in NOISE_LEVEL_NAMES)
    empty = noise_level_features(np.full(3600, np.nan), FS)
    assert all(np.isnan(v) for v in empty.values())
    one_beat = noise_level_features(x, FS, rpeaks=r[:1])
    assert np.isnan(one_beat["SNRtemplate"]) and np.isfinite(one_beat["LogPow1_5"])
    low_fs = noise_level_features(x[::5], FS / 5, rpeaks=r // 5)  # 72 Hz: no 40-100 Hz band
    assert np.isnan(low_fs["LogPow40_100"]) and np.isfinite(low_fs["SNRbeat"])
    gappy = x.copy()
    gappy[1000:1300] = np.nan
    assert np.isfinite(noise_level_features(gappy, FS, rpeaks=r)["SNRbeat"])
    assert set(noise_level_features(x[:5], FS)) == set(NOISE_LEVEL_NAMES)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="1-D"):
        noise_level_features(np.zeros((2, 100)), FS)
    with pytest.raises(TypeError, match="numeric"):
        noise_level_features(np.array(["a", "b"]), FS)
    with pytest.raises(ValueError):
        noise_level_features(np.zeros(100), -1.0)


def test_monotonic_constraint_holds_against_the_data():
    """Labels that rise with SNRbeat contradict the physical sign (-1): the constrained model
    must not follow them, the unconstrained one does."""
    rng = np.random.default_rng(0)
    n = 400
    F = rng.standard_normal((n, len(NOISE_FEATURE_NAMES)))
    j = NOISE_FEATURE_NAMES.index("SNRbeat")
    y = (F[:, j] + 0.3 * rng.standard_normal(n) > 0).astype(int)
    grid = np.repeat(F[:1], 41, axis=0)
    grid[:, j] = np.linspace(-3, 3, 41)
    kw = {"precomputed": True, "max_iter": 50, "random_state": 0}
    mono = NoiseDetector(**kw).fit(F, y)
    assert mono.monotonic_cst_[list(mono.kept_features_).index(j)] == NOISE_MONOTONIC["SNRbeat"]
    assert np.all(np.diff(mono.predict_proba(grid)[:, 1]) <= 1e-12)
    free = NoiseDetector(monotonic=False, **kw).fit(F, y)
    assert free.monotonic_cst_ is None
    p = free.predict_proba(grid)[:, 1]
    assert p[-1] > p[0] + 0.5
    # another column layout: fitted unconstrained
    other = NoiseDetector(**kw).fit(F[:, :5], y)
    assert other.monotonic_cst_ is None


def test_noisiest_window_mask():
    from geoecg.evaluation.noise_study import noisiest_window_mask

    scores = np.array([0.2, 0.7, 0.4, 0.9, 0.1, 0.3, 0.5, 0.5])
    y = np.array([1, 1, 1, 0, 0, 1, 1, 1])
    rec = np.array(["a", "a", "a", "b", "b", "c", "d", "d"])
    keep = noisiest_window_mask(scores, y, rec)
    # clean record b kept whole; one window per noisy record (its highest score; first on ties)
    np.testing.assert_array_equal(keep, [False, True, False, True, True, True, True, False])
    assert keep[y == 0].all() and keep[y == 1].sum() == np.unique(rec[y == 1]).size
    assert noisiest_window_mask(scores[3:5], y[3:5], rec[3:5]).all()  # no noisy record
    with pytest.raises(ValueError, match="one length"):
        noisiest_window_mask(scores[:3], y, rec)
    with pytest.raises(ValueError, match="NaN"):
        noisiest_window_mask(np.r_[np.nan, scores[1:]], y, rec)
