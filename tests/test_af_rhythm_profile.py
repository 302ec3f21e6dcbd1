"""Rhythm-profile AF features: window statistics against a loop twin, ectopy removal and
P-wave presence on synthetic ECG, degenerate input."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.af.rhythm_profile import RHYTHM_PROFILE_NAMES, rhythm_profile_features

FS = 300.0
IDX = {n: i for i, n in enumerate(RHYTHM_PROFILE_NAMES)}


def _ecg(rr_ms, kinds, *, p_wave=True, noise=0.0, seed=0):
    """Synthetic single lead (mV) at 300 Hz: 'n' = narrow QRS with a P wave, 'v' = wide
    opposite QRS without P. Returns (signal, R-peak indices)."""
    r = np.r_[0.6, 0.6 + np.cumsum(np.asarray(rr_ms) / 1000.0)]
    t = np.arange(int((r[-1] + 0.8) * FS)) / FS
    x = np.zeros_like(t)
    for c, k in zip(r, kinds, strict=True):
        if k == "n":
            if p_wave:
                x += 0.15 * np.exp(-(((t - c + 0.16) / 0.02) ** 2))
            x += 1.0 * np.exp(-(((t - c) / 0.01) ** 2))
        else:
            x -= 1.2 * np.exp(-(((t - c) / 0.04) ** 2))
        x += 0.25 * np.exp(-(((t - c - 0.3) / 0.05) ** 2))
    x += noise * np.random.default_rng(seed).standard_normal(t.size)
    return x, np.round(r * FS).astype(np.int64)


def _window_twin(rr, w, step):
    """Loop version of the per-window nRMSSD, nMAD and lag irregularity."""
    out = []
    for i in range(0, len(rr) - w + 1, step):
        s = np.asarray(rr[i : i + w], dtype=float)
        d = np.diff(s)
        lag = [
            min(abs(s[j] - s[j - 1]), abs(s[j] - s[j - 2]), abs(s[j] - s[j - 3]))
            for j in range(3, w)
        ]
        out.append(
            (
                np.sqrt(np.mean(d**2)) / s.mean(),
                np.median(np.abs(d)) / np.median(s),
                np.median(lag) / np.median(s),
            )
        )
    return np.array(out)


def test_names():
    assert len(RHYTHM_PROFILE_NAMES) == 86 == len(set(RHYTHM_PROFILE_NAMES))


def test_window_block_matches_loop_twin():
    rr = 800 + np.random.default_rng(1).normal(0, 120, 70)
    r = np.r_[150, 150 + np.cumsum(np.round(rr * FS / 1000))].astype(np.int64)
    f = rhythm_profile_features(np.zeros(r[-1] + 300), FS, rpeaks=r)
    rr_s = np.diff(r) * 1000.0 / FS
    for w in (8, 16, 32):
        tw = _window_twin(rr_s, w, w // 4)
        for k, stat in enumerate(("nRMSSD", "nMAD", "LagIrr")):
            got = [f[IDX[f"W{w}_{stat}_p{p}"]] for p in (10, 25, 50, 75, 90)]
            np.testing.assert_allclose(got, np.percentile(tw[:, k], [10, 25, 50, 75, 90]))
    # a flat signal carries no morphology: the M and P groups are NaN
    assert np.isnan(f[IDX["EctopicFracMorph"]]) and np.isnan(f[IDX["PCorrMean"]])


def test_bigeminy_is_regular_for_the_lag_measure_not_for_rmssd():
    rr = np.tile([600.0, 1000.0], 30)
    r = np.r_[150, 150 + np.cumsum(rr * FS / 1000)].astype(np.int64)
    f = rhythm_profile_features(np.zeros(r[-1] + 300), FS, rpeaks=r)
    assert f[IDX["W16_nRMSSD_p50"]] > 0.4
    assert f[IDX["W16_LagIrr_p50"]] < 1e-9


def test_ectopy_removed_leaves_the_sinus_rhythm_regular():
    kinds, rr = ["n"], []  # rr[i]: interval ending at beat i + 1
    for k in range(60):  # sinus 800 ms; a premature wide couplet every 10 beats, then a pause
        if k % 10 == 5:
            kinds += ["v", "v", "n"]
            rr += [480.0, 500.0, 1220.0]
        else:
            kinds += ["n"]
            rr += [800.0]
    x, r = _ecg(rr, kinds, noise=0.01)
    f = rhythm_profile_features(x, FS, rpeaks=r)
    frac_v = kinds.count("v") / len(kinds)
    assert abs(f[IDX["EctopicFracMorph"]] - frac_v) < 0.03
    assert f[IDX["W8_nRMSSD_p90"]] > 0.2  # raw RR: irregular windows around every couplet
    assert f[IDX["NNm_nRMSSD"]] < 0.02  # normal-to-normal: regular
    assert f[IDX["PCorrFrac>0.5"]] > 0.7  # sinus beats have their P wave


def test_af_like_record_has_no_p_and_irregular_nn():
    rr = 700 + np.random.default_rng(3).normal(0, 140, 50)
    x, r = _ecg(rr, ["n"] * 51, p_wave=False, noise=0.03, seed=3)
    xs, rs = _ecg(np.full(50, 800.0), ["n"] * 51, noise=0.03, seed=3)
    af = rhythm_profile_features(x, FS, rpeaks=r)
    sinus = rhythm_profile_features(xs, FS, rpeaks=rs)
    assert af[IDX["NNm_nRMSSD"]] > 0.1 > sinus[IDX["NNm_nRMSSD"]]
    assert af[IDX["PCorrFrac>0.5"]] < sinus[IDX["PCorrFrac>0.5"]]
    assert af[IDX["PTemplateSNR"]] < sinus[IDX["PTemplateSNR"]]


def test_detects_peaks_by_default_and_degenerate_input():
    x, r = _ecg(np.full(30, 800.0), ["n"] * 31)
    f = rhythm_profile_features(x, FS)
    assert np.isfinite(f[IDX["W8_nRMSSD_p50"]]) and f[IDX["EctopicFracMorph"]] < 0.05
    for sig in (np.zeros(0), np.zeros(3000), np.full(3000, np.nan), x[:200]):
        g = rhythm_profile_features(sig, FS)
        assert g.shape == (86,) and np.isnan(g).all()
    three = rhythm_profile_features(x, FS, rpeaks=r[:3])
    assert np.isnan(three).all()
    with pytest.raises(ValueError, match="1-D"):
        rhythm_profile_features(np.zeros((2, 100)), FS)
    with pytest.raises(ValueError):
        rhythm_profile_features(x, 0.0)
