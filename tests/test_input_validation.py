"""One regression test per item of issue 19 (each failed before the fix), and the shared
validation helpers of :mod:`geoecg._validation`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from geoecg import _validation as V
from geoecg.features import (
    NOISE_FEATURE_NAMES,
    NoiseDetector,
    RPeakDetector,
    beat_features,
    detect_rpeaks,
    hrv_features,
    hrv_features_batch,
    hrv_windowed,
    noise_window_features,
    segment_beats,
    sqi_features,
    star_augment,
)
from geoecg.features.af import af_window_stats, rr_windows
from geoecg.features.af.record import (
    AF_RECORD_FEATURE_NAMES,
    af_record_features,
    rr_irregularity_features,
)
from geoecg.riemann import LeadCovariances, lead_covariances
from geoecg.signal import bandpass, highpass, lowpass, notch, remove_baseline, resample

FS = 250.0


def _ecg(seconds=10.0, fs=FS, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fs)) / fs
    x = np.zeros_like(t)
    for c in np.arange(0.4, seconds, 0.8):
        x += np.exp(-0.5 * ((t - c) / 0.01) ** 2)
    return x + 0.01 * rng.standard_normal(t.size)


ECG = _ecg()
SIG2 = np.vstack([ECG, 0.5 * ECG])  # (2, 2500)
PEAKS = np.arange(100, 2500, 200)

LAYOUT_CALLS = {
    "detect_rpeaks": lambda x: detect_rpeaks(x, FS),
    "RPeakDetector": lambda x: RPeakDetector(fs=FS).fit_transform(x[None]),
    "bandpass": lambda x: bandpass(x, FS),
    "highpass": lambda x: highpass(x, FS),
    "lowpass": lambda x: lowpass(x, FS),
    "notch": lambda x: notch(x, FS),
    "remove_baseline": lambda x: remove_baseline(x, FS),
    "resample": lambda x: resample(x, FS, 125.0),
    "segment_beats": lambda x: segment_beats(x, [100, 300], FS),
    "beat_features": lambda x: beat_features(x, [100, 300, 500], FS),
    "star_augment": lambda x: star_augment(x, [100, 300, 500]),
    "lead_covariances": lambda x: lead_covariances(x[None]),
    "LeadCovariances": lambda x: LeadCovariances().fit_transform(x[None]),
}


@pytest.mark.parametrize("name", sorted(LAYOUT_CALLS))
def test_transposed_layout_rejected_with_a_hint(name):
    # wfdb.rdrecord(...).p_signal is (n_samples, n_leads); before: accepted silently
    with pytest.raises(ValueError, match=r"looks like \(n_samples, n_leads\).*\.T"):
        LAYOUT_CALLS[name](SIG2.T)
    LAYOUT_CALLS[name](SIG2)  # the right layout still works


@pytest.mark.parametrize("func", [bandpass, lambda x, fs: resample(x, fs, 125.0)])
def test_lists_are_accepted_like_arrays(func):
    # before: "got shape ()" for a list of numbers
    np.testing.assert_allclose(func(list(ECG), FS), func(ECG, FS))
    out = func([ECG, ECG[:1000]], FS)  # a list of records stays a list of records
    assert isinstance(out, list) and len(out) == 2


def test_rr_in_seconds_rejected():
    rr_s = (800.0 + 30.0 * np.random.default_rng(1).standard_normal(60)) / 1000.0
    for call in (
        lambda: hrv_features(rr_s),
        lambda: hrv_features_batch([rr_s]),
        lambda: af_window_stats(rr_windows(rr_s, 30)),
        lambda: hrv_windowed(rr_ms=rr_s, window_s=30.0),
        lambda: rr_irregularity_features(rr_s),
    ):
        with pytest.raises(ValueError, match="must be RR intervals in ms.*seconds"):
            call()


@pytest.mark.parametrize(
    "rr",
    [[800.0] * 9 + [-5.0], [800.0] * 9 + [0.0], [800.0] * 9 + [np.inf], np.full((6, 10), 800.0)],
)
def test_rr_irregularity_rejects_what_other_rr_functions_reject(rr):
    with pytest.raises(ValueError, match="rr"):
        rr_irregularity_features(rr)


def _gapped():
    x = np.tile(ECG, 3)  # 30 s
    g = x.copy()
    g[3000:3750] = np.nan  # a 10 % gap
    return x, g


def test_rr_across_a_nan_gap_is_nan():
    x, g = _gapped()
    res = detect_rpeaks(g, FS)
    idx = res.indices
    span = (idx[:-1] < 3000) & (idx[1:] >= 3750)
    assert span.sum() == 1
    assert np.isnan(res.rr_ms[span]).all()
    assert np.isfinite(res.rr_ms[~span]).all()
    assert res.gaps.shape[1] == 2 and ((res.gaps[:, 0] <= 3000) & (res.gaps[:, 1] >= 3750)).any()
    # HRV from the result (or its rr_ms) keeps the gap out: RMSSD near the gap-free value
    # (137 ms here: the tiled strip has two 1200-ms joins), not the 839 ms that the
    # interval across the gap gives (the 767.7 vs 62.6)
    clean = hrv_features(detect_rpeaks(x, FS).rr_ms)["RMSSD"]
    naive = hrv_features(np.diff(idx) * 1000.0 / FS)["RMSSD"]
    assert naive > 4 * clean
    for f in (hrv_features(res.rr_ms), hrv_features(rpeaks=res)):
        assert abs(f["RMSSD"] - clean) < 0.15 * clean


def test_detect_rpeaks_on_mostly_nan_keeps_its_invariants():
    # before: beats 156 ms apart (below the 200-ms refractory period) on a 90 %-NaN signal
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x = np.tile(ECG, 6) + 0.3 * rng.standard_normal(15000)
        keep = np.zeros(x.size, bool)
        pos = 0
        while pos < x.size:
            n = int(rng.integers(110, 400))
            keep[pos : pos + n] = True
            pos += n + int(rng.integers(10, 2500))
        x[~keep] = np.nan
        res = detect_rpeaks(x, FS)
        if len(res) > 1:
            assert np.diff(res.indices).min() * 1000.0 / FS >= 200.0
        assert np.isfinite(x[res.indices]).all()


def test_all_nan_gives_nan_not_zero():
    nan = np.full(2500, np.nan)
    q = sqi_features(nan, FS)
    assert np.isnan(q["flatFrac"]) and np.isnan(q["clipFrac"])
    F = noise_window_features([nan], FS)[0]
    names = list(NOISE_FEATURE_NAMES)
    assert np.isnan(F[names.index("flatFrac")]) and np.isnan(F[names.index("BeatRate")])
    v = af_record_features(nan, 300.0)
    assert np.isnan(v[list(AF_RECORD_FEATURE_NAMES).index("beat_rate")])


def test_constant_lead_has_no_morphology():
    r = detect_rpeaks(ECG, FS).indices
    const = beat_features(np.vstack([ECG, np.full(ECG.size, 0.7)]), r, FS).values
    zero = beat_features(np.vstack([ECG, np.zeros(ECG.size)]), r, FS).values
    np.testing.assert_array_equal(np.isnan(const), np.isnan(zero))


def test_constant_leads_with_band_are_flat_not_spd():
    x = np.vstack([np.full(2500, 0.3), np.full(2500, -0.2)])[None]
    C = LeadCovariances(fs=FS, band=(1.0, 40.0)).fit_transform(x)
    assert np.isnan(C).all()  # before: eigenvalues ~1e-30 presented as SPD


@pytest.mark.parametrize("bad", [[100, 5000], [-1, 100], [300, 100], [100, 100, 300], [100.5, 300]])
def test_sqi_checks_rpeaks(bad):
    with pytest.raises((ValueError, TypeError), match="rpeaks"):
        sqi_features(ECG, FS, rpeaks=bad)


def test_noise_detector_y_none_and_n_iter():
    X = np.random.default_rng(0).random((40, len(NOISE_FEATURE_NAMES)))
    with pytest.raises(ValueError, match="requires y to be passed"):
        NoiseDetector(precomputed=True).fit(X, None)  # before: IndexError
    det = NoiseDetector(precomputed=True, max_iter=7).fit(X, (X[:, 0] > 0.5).astype(int))
    assert det.n_iter_ == 7


def test_glm_predict_before_fit_is_not_fitted_error():
    from geoecg.estimators import CovariateAdjustedGLM

    with pytest.raises(NotFittedError):
        CovariateAdjustedGLM().predict(np.zeros((3, 2)))  # before: AttributeError


@pytest.mark.parametrize(
    "call",
    [
        lambda: af_record_features(ECG, "250"),
        lambda: LeadCovariances(fs="250", band=(1, 40)).fit_transform(SIG2[None]),
        lambda: detect_rpeaks(ECG, "250"),
        lambda: hrv_features(rpeaks=PEAKS, fs="250"),
    ],
)
def test_string_fs_is_named(call):
    with pytest.raises(TypeError, match="fs must be a number in Hz"):
        call()


@pytest.mark.parametrize("delta", [1, -1])
def test_wfdb_header_signal_count_mismatch(tmp_path, delta):
    from geoecg.datasets import sample_record_path
    from geoecg.io import read_record

    src = sample_record_path("mitdb_119")
    for f in src.parent.glob(src.name + ".*"):
        shutil.copy(f, tmp_path / f.name)
    hea = tmp_path / (src.name + ".hea")
    lines = hea.read_text().splitlines()
    head = lines[0].split()
    head[1] = str(int(head[1]) + delta)
    hea.write_text("\n".join([" ".join(head), *lines[1:]]) + "\n")
    with pytest.raises(ValueError, match="declares .* signals but 2 signal line.*disagree"):
        read_record(tmp_path / src.name)  # before: 'list index out of range'


def _sweep_raw(**patch):
    raw = {
        "sweep": {"name": "t", "simulator": "anticausal", "seed": 1},
        "grid": {"shift": [0.0], "method": ["x_only", "irm"], "seed": 1, "n": [50]},
        "train_env": [{}],
        "test_env": {},
        "shift": {"age_mean": 5.0},
        "evaluation": {"n_test": 100, "n_reference": 100},
    }
    for section, table in patch.items():
        if isinstance(raw.get(section), dict) and isinstance(table, dict):
            raw[section] = {**raw[section], **table}
        else:
            raw[section] = table
    return raw


@pytest.mark.parametrize(
    ("patch", "key", "close"),
    [
        ({"sweep": {"seeed": 3}}, "seeed", "seed"),
        ({"evaluation": {"n_tset": 10}}, "n_tset", "n_test"),
        ({"simulator": {"n_featres": 3}}, "n_featres", "n_features"),
        ({"train_env": [{"age_maen": 50.0}]}, "age_maen", "age_mean"),
        ({"shift": {"gian": 0.1}}, "gian", "gain"),
        ({"methods": {"irm": {"penalti": 1.0}}}, "penalti", "penalty"),
    ],
)
def test_sweep_config_typos_named_before_anything_is_written(tmp_path, patch, key, close):
    from geoecg.sweep import load_config, run_sweep

    with pytest.raises(ValueError, match=f"unknown key '{key}'.*did you mean '{close}'"):
        load_config(_sweep_raw(**patch))
    out = tmp_path / "out"
    with pytest.raises(ValueError, match=key):
        run_sweep(_sweep_raw(**patch), out)
    assert not (out / "config.json").exists()


def test_fork_after_parallel_hrv_does_not_abort():
    # before: "fork() called from a process already using GNU OpenMP, this is unsafe" in
    # every child, and the pool never returned
    code = textwrap.dedent(
        """
        import multiprocessing as mp
        import numpy as np
        from geoecg.features import hrv_features_batch
        rr = [800 + 20 * np.random.default_rng(i).standard_normal(300) for i in range(16)]
        hrv_features_batch(rr, n_jobs=2)
        def f(i):
            return float(hrv_features_batch([rr[i]], n_jobs=2)[0, 0])
        with mp.get_context("fork").Pool(2) as pool:
            print(len(pool.map(f, range(4))))
        """
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "4"
    assert "fork() called" not in p.stderr


def test_hrv_batch_threads_equal_serial():
    rng = np.random.default_rng(3)
    rr = [800 + 30 * rng.standard_normal(int(rng.integers(3, 200))) for _ in range(23)]
    np.testing.assert_array_equal(
        hrv_features_batch(rr, n_jobs=1), hrv_features_batch(rr, n_jobs=2)
    )


def test_class_weights_count_sample_weights_like_repeats():
    from geoecg.estimators import class_weights

    y = np.array(["N", "N", "N", "S", "V"])
    sw = np.array([1.0, 2.0, 1.0, 3.0, 1.0])
    rep = np.repeat(y, sw.astype(int))
    w = class_weights(y, "balanced", sample_weight=sw)
    w_rep = class_weights(rep, "balanced")
    for c in "NSV":
        assert w[y == c][0] == pytest.approx(w_rep[rep == c][0])


def test_heartbeat_sample_weight_equivalence_without_subsampling():
    # sklearn's check_sample_weight_equivalence_on_dense_data, at float32 tolerance: the
    # row/column subsampling of the defaults (subsample=0.8, colsample_bytree=0.8) and
    # xgboost's float32 arithmetic are by design (see test_estimators_checks)
    from geoecg.estimators import HeartbeatClassifier

    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 4))
    y = np.where(X[:, 0] + 0.5 * rng.standard_normal(60) > 0, "N", "V")
    sw = rng.integers(0, 3, 60).astype(float)
    kw = dict(n_estimators=15, subsample=1.0, colsample_bytree=1.0, random_state=0)
    a = HeartbeatClassifier(**kw).fit(X, y, sample_weight=sw).predict_proba(X)
    rep = np.repeat(np.arange(60), sw.astype(int))
    b = HeartbeatClassifier(**kw).fit(X[rep], y[rep]).predict_proba(X)
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_validation_helpers():
    assert V.check_fs(np.float32(360.0)) == 360.0
    with pytest.raises(ValueError, match="positive"):
        V.check_fs(0)
    with pytest.raises(TypeError, match="fs must be a number in Hz"):
        V.check_fs("250")
    V.check_layout(np.zeros((12, 10)))  # 12 leads x 10 samples: short, not transposed
    V.check_layout(np.zeros((500, 1000)))  # a 2-D cohort of short records
    with pytest.raises(ValueError, match=r"\.T"):
        V.check_layout(np.zeros((3, 5000, 12)))
    with pytest.raises(V.FractionalIndexError):
        V.check_rpeaks([1.5])
    assert V.check_rpeaks(detect_rpeaks(ECG, FS)).dtype == np.int64
    with pytest.raises(ValueError, match="requires y"):
        V.check_y(None)
    assert V.flat_leads(np.array([[1.0, 1.0], [np.nan, np.nan], [0.0, 1.0]])).tolist() == [
        True,
        True,
        False,
    ]
