"""Contract sweep of geoecg.features and geoecg.leads (session 17): bad input gives a
ValueError/TypeError naming the argument; legal degenerate input gives NaN (with a reason)
or a documented empty result, without a warning. Same table format as
tests/test_robust_subpackages.py.

The cases in ``FIXED`` failed on the code before session 17 (a crash, a numpy/Python
message that named nothing, or a silent result); the cases in ``HELD`` already passed and
are kept because each asserts a message that a change could lose.
"""

from __future__ import annotations

import numpy as np
import pytest

FS = 250.0


@pytest.fixture(scope="module")
def data():
    from geoecg.features import detect_rpeaks
    from geoecg.simulate import synthesize_ecg

    x12 = synthesize_ecg(fs=FS, duration_s=10, random_state=0)
    xs = synthesize_ecg(fs=FS, duration_s=10, hr_bpm=np.array([60, 70, 80]), random_state=0)
    r = np.asarray(detect_rpeaks(x12[1], FS).indices)
    return {"x12": x12, "x": x12[1], "r": r, "xs": xs}


def _cases(d) -> dict:
    from geoecg import features as F
    from geoecg import leads as L
    from geoecg.features.beat_dominant import dominant_beat_features, record_standardize
    from geoecg.features.ectopy import beat_morphology_match as bmm

    x, r, x12, xs = d["x"], d["r"], d["x12"], d["xs"]
    rnd = np.random.default_rng(0)
    beats, tmpl = rnd.random((3, 100)), rnd.random(100)
    pair = [(x, r)]
    lr = L.LeadReconstructor().fit(xs)

    def LR(**kw):
        return lambda: L.LeadReconstructor(**kw).fit(xs)

    fixed = {
        # HRV
        "hrv_windowed window_s text": (lambda: F.hrv_windowed(r, FS, window_s="5"), "window_s"),
        "hrv_windowed partial text": (
            lambda: F.hrv_windowed(r, FS, window_s=5, partial="yes"),
            "partial",
        ),
        # beats
        "segment_beats window_s 0": (lambda: F.segment_beats(x, r, FS, window_s=0), "window_s"),
        "segment_beats window_s -1": (lambda: F.segment_beats(x, r, FS, window_s=-1), "window_s"),
        "beat_window_size fence NaN": (lambda: F.beat_window_size(r, FS, fence=np.nan), "fence"),
        "beat_window_size fence -1": (lambda: F.beat_window_size(r, FS, fence=-1), "fence"),
        "beat_window_size window_s text": (
            lambda: F.beat_window_size(r, FS, window_s="10"),
            "window_s",
        ),
        "template_correlation start 1.5": (
            lambda: F.template_correlation(beats, tmpl, 1.5, 20),
            "start",
        ),
        "template_correlation stop text": (
            lambda: F.template_correlation(beats, tmpl, 0, "a"),
            "stop",
        ),
        "beat_features prefilter text": (
            lambda: F.beat_features(x, r, FS, prefilter="no"),
            "prefilter",
        ),
        "BeatFeatures blocks unknown": (
            lambda: F.BeatFeatures(fs=FS, blocks=("nope",)).fit(pair),
            "blocks",
        ),
        "BeatFeatures prefilter text": (
            lambda: F.BeatFeatures(fs=FS, prefilter="x").fit(pair),
            "prefilter",
        ),
        # clinical
        "qtc lengths differ": (lambda: F.qtc([400, 410], [800, 810, 820]), "qt_ms and rr_ms"),
        "cornell_criterion inf": (lambda: F.cornell_criterion(np.inf, "M"), "cornell_mv"),
        # sqi
        "bsqi tol_s -1": (lambda: F.bsqi(r, r, FS, tol_s=-1), "tol_s"),
        "bsqi tol_s NaN": (lambda: F.bsqi(r, r, FS, tol_s=np.nan), "tol_s"),
        "bsqi tol_s text": (lambda: F.bsqi(r, r, FS, tol_s="a"), "tol_s"),
        "sqi_windows 1-D": (lambda: F.sqi_windows(x, FS), "windows"),
        "sqi_windows 3-D": (lambda: F.sqi_windows(x12[None], FS), "windows"),
        "sqi_windows None": (lambda: F.sqi_windows(None, FS), "windows"),
        "sqi_windows list of 2-D": (lambda: F.sqi_windows([x12], FS), r"windows\[0\]"),
        # STAR
        "star_coefficients 1.5": (lambda: F.star_coefficients(1.5), "n_segments"),
        "star_coefficients text": (lambda: F.star_coefficients("5"), "n_segments"),
        "star_coefficients phase NaN": (lambda: F.star_coefficients(5, phase=np.nan), "phase"),
        # ectopy, dominant beat
        "beat_morphology_match half_width_ms text": (
            lambda: bmm(x, FS, r, half_width_ms="a"),
            "half_width_ms",
        ),
        "beat_morphology_match min_corr 2": (lambda: bmm(x, FS, r, min_corr=2), "min_corr"),
        "beat_morphology_match amp_range reversed": (
            lambda: bmm(x, FS, r, amp_range=(2, 1)),
            "amp_range",
        ),
        "beat_morphology_match band_hz reversed": (
            lambda: bmm(x, FS, r, band_hz=(40, 0.5)),
            "band_hz",
        ),
        "beat_morphology_match max_template_beats 0": (
            lambda: bmm(x, FS, r, max_template_beats=0),
            "max_template_beats",
        ),
        "beat_morphology_match rpeaks NaN": (lambda: bmm(x, FS, [100, np.nan, 900]), "rpeaks"),
        "beat_morphology_match rpeaks fractional": (lambda: bmm(x, FS, r + 0.5), "rpeaks"),
        "dominant_beat_features prefilter text": (
            lambda: dominant_beat_features(x, r, FS, prefilter="no"),
            "prefilter",
        ),
        "record_standardize center text": (
            lambda: record_standardize(np.ones((5, 2)), center="no"),
            "center",
        ),
        # leads
        "lead_indices bool": (lambda: L.lead_indices([True]), "leads"),
        "LeadReconstructor alpha text": (LR(alpha="a"), "alpha"),
        "LeadReconstructor shrinkage text": (LR(method="gaussian", shrinkage="a"), "shrinkage"),
        "LeadReconstructor fs 0": (LR(fs=0), r"\bfs\b"),
        "LeadReconstructor fs text": (LR(fs="250"), r"\bfs\b"),
        "LeadReconstructor rectified text": (LR(rectified="x"), "rectified"),
        "LeadReconstructor limb_relations text": (LR(limb_relations="x"), "limb_relations"),
        "LeadReconstructor calibration_s text": (
            LR(method="patient", fs=FS, calibration_s="2"),
            "calibration_s",
        ),
        "LeadReconstructor score 3 leads": (lambda: lr.score(xs[:, :3]), r"\bX\b.*12 leads"),
    }
    held = {
        "detect_rpeaks band_hz reversed": (
            lambda: F.detect_rpeaks(x, FS, band_hz=(20, 3)),
            "band_hz",
        ),
        "detect_rpeaks threshold 2": (lambda: F.detect_rpeaks(x, FS, threshold=2), "threshold"),
        "detect_rpeaks track text": (lambda: F.detect_rpeaks(x, FS, track="yes"), "track"),
        "RPeakDetector lead 5 of 2": (
            lambda: F.RPeakDetector(fs=FS, lead=5).fit_transform(x12[None, :2]),
            "lead",
        ),
        "hrv_features rr and rpeaks": (
            lambda: F.hrv_features([800.0] * 5, rpeaks=r, fs=FS),
            "one of",
        ),
        "HRVSettings entropy_m 1.5": (lambda: F.HRVSettings(entropy_m=1.5), "entropy_m"),
        "hrv_features_batch one array": (lambda: F.hrv_features_batch(np.full(9, 800.0)), "series"),
        "hrv_psd method unknown": (lambda: F.hrv_psd(np.full(9, 800.0), method="x"), "method"),
        "HRVFeatures blocks unknown": (
            lambda: F.HRVFeatures(blocks=("x",)).fit([np.full(9, 800.0)]),
            "blocks",
        ),
        "clean_rr correct unknown": (lambda: F.clean_rr([800.0] * 5, correct="x"), "correct"),
        "rr_windows width 1.5": (lambda: F.rr_windows(np.full(9, 800.0), 1.5), "width"),
        "segment_beats r_fraction 2": (
            lambda: F.segment_beats(x, r, FS, r_fraction=2),
            "r_fraction",
        ),
        "rr_features local_beats 1.5": (
            lambda: F.rr_features(r, FS, local_beats=1.5),
            "local_beats",
        ),
        "BeatFeatures feature_set unknown": (
            lambda: F.BeatFeatures(fs=FS, feature_set="x").fit(pair),
            "feature_set",
        ),
        "qtc formula unknown": (lambda: F.qtc(400, 800, formula="x"), "formula"),
        "clinical_measurements leads repeated": (
            lambda: F.clinical_measurements(x12[:2], FS, leads=("I", "I")),
            "leads",
        ),
        "delineate combine_leads unknown": (
            lambda: F.delineate(x12, FS, combine_leads=["nope"]),
            "combine_leads",
        ),
        "delineate settings dict": (lambda: F.delineate(x, FS, settings={}), "settings"),
        "bsqi peaks_a unsorted": (lambda: F.bsqi(r[::-1], r, FS), "peaks_a"),
        "noise_window_features 1-D": (lambda: F.noise_window_features(x, FS), "windows"),
        "star_augment variant unknown": (lambda: F.star_augment(x, r, variant="x"), "variant"),
        "parse_leads repeated": (lambda: L.parse_leads(["II", "ii"]), "repeated lead"),
        "canonical_order one str": (lambda: L.canonical_order("I"), "names"),
        "limb_leads shapes differ": (lambda: L.limb_leads(np.zeros(10), np.zeros(12)), "lead_i"),
        "LeadReconstructor source all 12": (LR(source=L.STANDARD_LEADS), "source"),
        "LeadReconstructor n_taps too long": (LR(n_taps=5000), "n_taps"),
        "reconstruction_scores start 1.5": (
            lambda: L.reconstruction_scores(xs, xs, start=1.5),
            "start",
        ),
        "r_amplitudes reference 13": (lambda: L.r_amplitudes(xs, FS, reference=13), "reference"),
        "beat_phase_index edges unsorted": (
            lambda: L.beat_phase_index(xs, FS, [0.2, 0.1]),
            "edges_s",
        ),
        "amplitude_spread shapes differ": (
            lambda: L.amplitude_spread(xs, xs[:, :, :100], FS),
            "X_true and X_rec",
        ),
    }
    return {"fixed": fixed, "held": held}


FIXED = sorted(
    [
        "hrv_windowed window_s text", "hrv_windowed partial text", "segment_beats window_s 0",
        "segment_beats window_s -1", "beat_window_size fence NaN", "beat_window_size fence -1",
        "beat_window_size window_s text", "template_correlation start 1.5",
        "template_correlation stop text", "beat_features prefilter text",
        "BeatFeatures blocks unknown", "BeatFeatures prefilter text", "qtc lengths differ",
        "cornell_criterion inf", "bsqi tol_s -1", "bsqi tol_s NaN", "bsqi tol_s text",
        "sqi_windows 1-D", "sqi_windows 3-D", "sqi_windows None", "sqi_windows list of 2-D",
        "star_coefficients 1.5", "star_coefficients text", "star_coefficients phase NaN",
        "beat_morphology_match half_width_ms text", "beat_morphology_match min_corr 2",
        "beat_morphology_match amp_range reversed", "beat_morphology_match band_hz reversed",
        "beat_morphology_match max_template_beats 0", "beat_morphology_match rpeaks NaN",
        "beat_morphology_match rpeaks fractional", "dominant_beat_features prefilter text",
        "record_standardize center text",
        "lead_indices bool", "LeadReconstructor alpha text", "LeadReconstructor shrinkage text",
        "LeadReconstructor fs 0", "LeadReconstructor fs text", "LeadReconstructor rectified text",
        "LeadReconstructor limb_relations text", "LeadReconstructor calibration_s text",
        "LeadReconstructor score 3 leads",
    ]
)  # fmt: skip
HELD = sorted(
    [
        "detect_rpeaks band_hz reversed", "detect_rpeaks threshold 2", "detect_rpeaks track text",
        "RPeakDetector lead 5 of 2", "hrv_features rr and rpeaks", "HRVSettings entropy_m 1.5",
        "hrv_features_batch one array", "hrv_psd method unknown", "HRVFeatures blocks unknown",
        "clean_rr correct unknown", "rr_windows width 1.5", "segment_beats r_fraction 2",
        "rr_features local_beats 1.5", "BeatFeatures feature_set unknown", "qtc formula unknown",
        "clinical_measurements leads repeated", "delineate combine_leads unknown",
        "delineate settings dict", "bsqi peaks_a unsorted", "noise_window_features 1-D",
        "star_augment variant unknown", "parse_leads repeated", "canonical_order one str",
        "limb_leads shapes differ", "LeadReconstructor source all 12",
        "LeadReconstructor n_taps too long", "reconstruction_scores start 1.5",
        "r_amplitudes reference 13", "beat_phase_index edges unsorted",
        "amplitude_spread shapes differ",
    ]
)  # fmt: skip


@pytest.mark.parametrize("group, case", [("fixed", c) for c in FIXED] + [("held", c) for c in HELD])
def test_bad_input_is_named(data, group, case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    cases = _cases(data)[group]
    assert set(cases) == set(FIXED if group == "fixed" else HELD)
    func, named = cases[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_constant_rr_has_no_spectrum():
    """A constant RR series: band powers 0 and LF/HF, LFn, HFn NaN in every HRV entry point
    (session 17: 600 intervals of 800 ms gave LFn 10.3, HFn 89.7 from ~1e-32 round-off)."""
    from geoecg.features import (
        HRV_FEATURE_NAMES,
        hrv_features,
        hrv_features_batch,
        hrv_psd,
        hrv_windowed,
    )

    ratios = [n + s for n in ("LFHF", "LFn", "HFn") for s in ("", "_LS")]
    powers = [n + s for n in ("VLF", "LF", "HF", "TP") for s in ("", "_LS")]
    for v in (800.0, 1000.0):
        f = hrv_features(np.full(600, v))
        assert all(np.isnan(f[k]) for k in ratios), {k: f[k] for k in ratios}
        assert all(f[k] == 0.0 for k in powers), {k: f[k] for k in powers}
    wave = 800 + 20 * np.sin(np.arange(600))
    B = hrv_features_batch([np.full(600, 800.0), wave], n_jobs=1)
    i = [HRV_FEATURE_NAMES.index(k) for k in ratios]
    assert np.isnan(B[0, i]).all() and np.isfinite(B[1, i]).all()  # only the constant row
    w = hrv_windowed(rr_ms=np.full(600, 800.0), window_s=60.0)
    assert np.isnan(w.values[:, i]).all()
    for method in ("welch", "lomb"):
        _, p = hrv_psd(np.full(100, 800.0), method=method)
        assert p.size and (p == 0.0).all()
        _, p = hrv_psd(wave, method=method)
        assert (p > 0).any()


def test_degenerate_input_gives_nan_or_empty(data):
    """Legal degenerate input: NaN (with a reason where the result has one) or an empty
    result, never a crash or a warning (warnings are errors in the test run)."""
    from geoecg import features as F
    from geoecg import leads as L

    x, r, xs = data["x"], data["r"], data["xs"]
    flat, nan = np.zeros(2500), np.full(2500, np.nan)
    assert F.detect_rpeaks(nan, FS).indices.size == 0
    assert F.detect_rpeaks(x[:250], FS).indices.size <= 2  # a 1-s record
    assert np.isnan(F.hrv_features(np.full(10, np.nan))["RMSSD"])
    assert F.hrv_windowed(r, FS, window_s=5, duration_s=1).values.shape == (0, 48)
    assert F.clean_rr([]).rr_ms.size == 0
    assert F.segment_beats(x, [], FS).beats.shape[0] == 0
    assert F.beat_features(x, [], FS).values.shape[0] == 0
    assert np.isnan(F.beat_window_size(r[:1], FS))
    assert np.isnan(F.median_template(np.zeros((0, 100)))).all()
    assert np.isnan(F.template_correlation(np.ones((3, 100)), np.zeros(100))).all()
    assert np.isnan(F.bsqi([], [], FS))
    assert all(np.isnan(v) for v in F.sqi_features(nan, FS).values())
    assert np.isnan(F.noise_level_features(flat, FS)["SNRtemplate"])
    m = F.clinical_measurements(np.zeros((12, 2500)), FS)
    assert np.isnan(m.values["qrs_dur_ms"]) and m.reasons["qrs_dur_ms"] == "fewer than 2 beats"
    assert np.isnan(F.cornell_criterion(2.5, None))
    assert F.delineate(flat, FS).samples.shape[0] == 0
    assert np.isnan(F.rhythm_profile_features(np.zeros(3600), 300.0)).all()
    rec = L.LeadReconstructor(on_invalid="nan").fit(xs)
    bad = np.concatenate([xs[:1], np.full((1, 12, 2500), np.nan)])
    out = rec.transform(bad)
    assert rec.invalid_records_.tolist() == [1] and np.isnan(out[1, 2]).all()
    assert np.isfinite(out[0]).all()
    z = np.zeros((1, 12, 100))
    assert np.isnan(L.reconstruction_scores(z, z).r).all()
    assert (L.beat_phase_index(xs, FS, [0.1], rpeaks=[[], [], []]) == -1).all()
