"""Issue-5 record features: RR irregularity robust to ectopy and atrial activity."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.af import CinC2017Classifier
from geoecg.features.af.record import (
    AF_RECORD_FEATURE_NAMES,
    ATRIAL_NAMES,
    RR_IRREG_NAMES,
    af_record_features,
    atrial_activity_features,
    morphology_features,
    rr_irregularity_features,
)

FS = 300.0
RI = {n: i for i, n in enumerate(RR_IRREG_NAMES)}
AI = {n: i for i, n in enumerate(ATRIAL_NAMES)}


def regular_with_ectopics(n=60, seed=0):
    rng = np.random.default_rng(seed)
    rr = 800.0 + rng.normal(0, 8, n)
    for k in (12, 30, 47):  # premature beat + compensatory pause
        rr[k] = 520.0
        rr[k + 1] = 1080.0
    return rr


def uniform_random(n=60, seed=0):
    return np.random.default_rng(seed).uniform(400.0, 1100.0, n)


def synth_ecg(rr_ms, fs=FS, fwave_hz=None, p_waves=True, seed=0):
    """Gaussian-bump ECG (P, QRS, T) at the given RR; optional sinusoidal f-waves."""
    rng = np.random.default_rng(seed)
    r = np.cumsum(np.concatenate(([600.0], rr_ms))) * 1e-3
    dur = r[-1] + 0.8
    t = np.arange(0, dur, 1 / fs)
    x = np.zeros_like(t)
    for ri in r:
        x += 1.0 * np.exp(-0.5 * ((t - ri) / 0.012) ** 2)
        x -= 0.15 * np.exp(-0.5 * ((t - ri - 0.03) / 0.01) ** 2)
        x += 0.25 * np.exp(-0.5 * ((t - ri - 0.3) / 0.05) ** 2)
        if p_waves:
            x += 0.12 * np.exp(-0.5 * ((t - ri + 0.16) / 0.025) ** 2)
    if fwave_hz is not None:
        phase = 2 * np.pi * np.cumsum(fwave_hz + 0.3 * rng.standard_normal(t.size) / fs * 50) / fs
        x += 0.08 * np.sin(phase)
    x += 0.005 * rng.standard_normal(t.size)
    return x, np.round(r * fs).astype(np.int64)


def test_names_are_distinct_and_not_in_default_vector():
    names = RR_IRREG_NAMES + ATRIAL_NAMES
    assert len(set(names)) == len(names)
    assert not set(names) & set(AF_RECORD_FEATURE_NAMES)


def test_afev_higher_for_random_rr_than_ectopic_regular():
    for seed in range(5):
        a = rr_irregularity_features(uniform_random(seed=seed))
        b = rr_irregularity_features(regular_with_ectopics(seed=seed))
        assert a[RI["AFEv"]] > b[RI["AFEv"]] + 10
        assert a[RI["Origin_frac"]] < b[RI["Origin_frac"]]
        assert a[RI["NFEn"]] > b[RI["NFEn"]]
        assert a[RI["dRR_succ_ratio"]] > b[RI["dRR_succ_ratio"]]
        assert a[RI["dRR_disp_rel"]] > b[RI["dRR_disp_rel"]]


def test_rr_clusters_bigeminy():
    rr = np.tile([600.0, 1000.0], 20)
    v = rr_irregularity_features(rr)
    assert v[RI["RR_n_clusters"]] == 2
    assert v[RI["RR_top_cluster_frac"]] == pytest.approx(0.5)


@pytest.mark.parametrize("rr", [[], [800.0], [800.0, 810.0, 790.0, 805.0], [np.nan] * 10])
def test_rr_degenerate_gives_nan(rr):
    v = rr_irregularity_features(rr)
    assert v.shape == (len(RR_IRREG_NAMES),)
    assert np.isnan(v).all()


def test_fwave_feature_higher_with_6hz_fibrillatory_waves():
    rr = np.random.default_rng(1).uniform(500.0, 1000.0, 40)
    clean, r = synth_ecg(rr, p_waves=False)
    fib, r2 = synth_ecg(rr, p_waves=False, fwave_hz=6.0)
    assert np.array_equal(r, r2)
    a = atrial_activity_features(fib, FS, r)
    b = atrial_activity_features(clean, FS, r)
    assert a[AI["fwave_ratio"]] > b[AI["fwave_ratio"]] + 0.1
    assert 5.0 <= a[AI["fwave_dom_hz"]] <= 7.0
    assert a[AI["TQ_rms_rel"]] > 2 * b[AI["TQ_rms_rel"]]
    assert a[AI["resid_rel"]] > b[AI["resid_rel"]]


def test_p_wave_beats_correlate_more_than_fwaves():
    rr = np.full(40, 800.0)
    sinus, r = synth_ecg(rr, p_waves=True)
    fib, _ = synth_ecg(rr, p_waves=False, fwave_hz=5.6)  # 4.48 cycles per beat: not phase-locked
    a = atrial_activity_features(sinus, FS, r)
    b = atrial_activity_features(fib, FS, r)
    assert a[AI["P_corr_adj"]] > 0.8
    assert b[AI["P_corr_adj"]] < a[AI["P_corr_adj"]] - 0.3
    assert a[AI["QRS_corr_adj"]] > 0.95


@pytest.mark.parametrize(
    "x, r",
    [
        (np.zeros(3000), np.array([100, 400, 700, 1000, 1300])),  # flat
        (np.random.default_rng(0).standard_normal(200), np.array([50, 100])),  # short
        (np.random.default_rng(0).standard_normal(3000), np.array([], dtype=int)),  # no beats
        (np.random.default_rng(0).standard_normal(3000), np.array([500, 1000])),  # few beats
        (np.full(3000, np.nan), np.array([100, 400, 700, 1000, 1300])),  # NaN
    ],
)
def test_atrial_degenerate_gives_nan(x, r):
    v = atrial_activity_features(x, FS, r)
    assert v.shape == (len(ATRIAL_NAMES),)
    assert np.isnan(v).all()


def test_features_finite_on_synthetic_af_with_detected_peaks():
    from geoecg.features.rpeaks import detect_rpeaks

    rr = np.random.default_rng(3).uniform(450.0, 1000.0, 45)
    x, _ = synth_ecg(rr, p_waves=False, fwave_hz=6.0)
    peaks = detect_rpeaks(x, FS).indices
    assert np.isfinite(atrial_activity_features(x, FS, peaks)).all()
    assert np.isfinite(rr_irregularity_features(np.diff(peaks) * 1000.0 / FS)).all()
    assert af_record_features(x, FS).shape == (len(AF_RECORD_FEATURE_NAMES),)


def test_inner_cv_tree_count_uses_training_data_only():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((150, 5))
    y = np.repeat(["A", "N", "O"], 50)
    X[y == "A", 0] += 2
    clf = CinC2017Classifier(n_estimators=60, inner_cv=3, random_state=0).fit(X, y)
    assert 1 <= clf.n_estimators_ <= 60
    assert clf.model_.n_estimators == clf.n_estimators_
    assert CinC2017Classifier(n_estimators=7).fit(X, y).n_estimators_ == 7


@pytest.mark.parametrize("bad", [1, 0, 2.5, True, "3"])
def test_inner_cv_rejects_bad_fold_counts(bad):
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((60, 3)), np.repeat(["A", "N"], 30)
    with pytest.raises(ValueError, match="inner_cv"):
        CinC2017Classifier(n_estimators=5, inner_cv=bad).fit(X, y)


@pytest.mark.parametrize(
    "bad", [[100.0, np.nan, 700.0], [100.0, np.inf], [100.5, 400.0], ["a", "b"]]
)
@pytest.mark.parametrize("func", [atrial_activity_features, morphology_features])
def test_af_beat_features_refuse_non_integer_rpeaks(func, bad):
    """NaN rpeaks used to be cast to a huge negative index and silently dropped."""
    x = np.random.default_rng(1).standard_normal(3000)
    with pytest.raises(ValueError, match="rpeaks"):
        func(x, FS, np.array(bad, dtype=object if isinstance(bad[0], str) else float))
