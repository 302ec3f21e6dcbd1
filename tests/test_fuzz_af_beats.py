"""Fuzz tables for the AF, beat-table, lead and factory helpers (reliability, session 6b).

Same contract as ``tests/test_fuzz_helpers.py``: a bad call raises a ``ValueError`` /
``TypeError`` whose message names the argument; a degenerate but legal call returns NaN,
an empty result or the documented neutral value without a warning (warnings are errors
in the test run, see pyproject). The registry of what is covered where is
``tests/test_api_coverage.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.estimators import AFRecordClassifier, make_af_classifier
from geoecg.estimators.af import (
    EctopyFilteredDetector,
    af_episodes,
    drop_short_runs,
    make_af_feature_pipeline,
    screen_af,
    synthetic_af_ecg,
    synthetic_rr,
)
from geoecg.estimators.heartbeat import make_beat_pipeline, make_default_beat_model
from geoecg.features import (
    BeatFeatures,
    af_beat_labels,
    af_crop_features,
    af_feature_matrix,
    beat_rhythms,
    default_af_templates,
    fit_af_templates,
    rhythm_profile_features_batch,
    rr_windows,
)
from geoecg.features.af import append_crops, crop_bounds
from geoecg.features.beat_context import (
    af_context_features,
    af_gate_threshold,
    rhythm_context_features,
)
from geoecg.features.beat_dominant import (
    beat_feature_set_mask,
    dominant_beat_features,
    dominant_width_ratio,
    record_beat_table,
    record_standardize,
)
from geoecg.features.beat_sinus import sinus_relative_features
from geoecg.features.beats import as_record_signal, as_rpeaks
from geoecg.features.delineation import working_factor
from geoecg.features.ectopy import repair_rr
from geoecg.features.morphology import BeatFeatureTable, patient_relative_mask
from geoecg.io.record import Annotations
from geoecg.leads import amplitude_spread, beat_phase_index, limb_leads, reconstruction_scores
from geoecg.riemann import (
    hankel_covariances,
    hankel_ensemble_classifier,
    hankel_tangent_classifier,
)

_X = np.sin(np.arange(2500) / 10.0)  # 10 s at 250 Hz
_XINF = np.where(np.arange(2500) > 1200, np.inf, _X)
_R = np.arange(75, 2500, 200)  # R-peaks every 0.8 s at 250 Hz
_RR = np.full(60, 800.0)
_T = np.arange(61) * 0.8  # beat times (s) of _RR
_NO_AF = np.zeros(60, bool)
_REC = np.zeros((2, 12, 500))


def _annotations(samples=(), symbols=(), aux=()) -> Annotations:
    n = len(samples)
    return Annotations(
        np.asarray(samples, np.int64), np.asarray(symbols, str), np.asarray(aux, str), np.zeros(n)
    )


def _flat_table():
    """Beat table (record_beat_table + dominant_beat_features) of a flat lead."""
    t = record_beat_table(np.zeros(2500), _R, 250.0)
    d = dominant_beat_features(np.zeros(2500), _R, 250.0)
    return BeatFeatureTable(np.hstack([t.values, d.values]), np.r_[t.names, d.names], _R)


BAD_CALLS = {  # name -> (call, the argument the message must name)
    # AF episodes, synthetic AF data, screening
    "af_episodes NaN time": (
        lambda: af_episodes(np.where(np.arange(61) == 3, np.nan, _T), ~_NO_AF),
        "beat_times_s",
    ),
    "af_episodes unsorted": (lambda: af_episodes(_T[::-1], ~_NO_AF), "beat_times_s"),
    "af_episodes length": (lambda: af_episodes(_T[:-1], ~_NO_AF), "beat_times_s"),
    "af_episodes text af": (lambda: af_episodes(_T, ["yes"] * 60), "af"),
    "af_episodes min_duration": (
        lambda: af_episodes(_T, ~_NO_AF, min_duration_s=-1.0),
        "min_duration_s",
    ),
    "drop_short_runs seconds": (lambda: drop_short_runs(~_NO_AF, _RR / 1000, 30.0), "rr_ms"),
    "drop_short_runs NaN min_s": (lambda: drop_short_runs(~_NO_AF, _RR, np.nan), "min_s"),
    "drop_short_runs shape": (lambda: drop_short_runs(~_NO_AF[:3], _RR, 30.0), "decision"),
    "synthetic_rr n text": (lambda: synthetic_rr("5"), "n"),
    "synthetic_rr mean_rr_ms zero": (lambda: synthetic_rr(10, mean_rr_ms=0.0), "mean_rr_ms"),
    "synthetic_af_ecg fs": (lambda: synthetic_af_ecg(10.0, fs=0.0), "fs"),
    "synthetic_af_ecg duration": (lambda: synthetic_af_ecg(-1.0), "duration_s"),
    "synthetic_af_ecg n_leads": (lambda: synthetic_af_ecg(10.0, n_leads=0), "n_leads"),
    "screen_af lead": (lambda: screen_af(_X, 250.0, EctopyFilteredDetector(), lead=5), "lead"),
    "screen_af inf": (lambda: screen_af(_XINF, 250.0, EctopyFilteredDetector()), "infinite"),
    # AF windows, templates, labels, crops
    "rr_windows seconds": (lambda: rr_windows(_RR / 1000, 3), "rr_ms"),
    "rr_windows inf": (lambda: rr_windows(np.full(5, np.inf), 3), "rr_ms"),
    "rr_windows width": (lambda: rr_windows(_RR, "3"), "width"),
    "default_af_templates cv": (lambda: default_af_templates(-0.2), "cv"),
    "default_af_templates cv NaN": (lambda: default_af_templates(np.nan), "cv"),
    "fit_af_templates y length": (
        lambda: fit_af_templates(np.full((5, 3), 800.0), np.zeros(4, bool)),
        "y",
    ),
    "af_beat_labels annotations": (lambda: af_beat_labels(None, _R), "annotations"),
    "beat_rhythms beat_samples": (
        lambda: beat_rhythms(_annotations(), _R / 2.0),
        "beat_samples",
    ),
    "crop_bounds frac": (lambda: crop_bounds(2500, 250.0, 2, 2.0), "frac"),
    "crop_bounds n_crops": (lambda: crop_bounds(2500, 250.0, -1, 0.7), "n_crops"),
    "af_crop_features fs": (lambda: af_crop_features([_X], 0.0, 1, 0.7), "fs"),
    "af_feature_matrix inf": (lambda: af_feature_matrix([_XINF], 250.0), "infinite"),
    "rhythm_profile_features_batch fs": (
        lambda: rhythm_profile_features_batch([_X], 0.0),
        "fs",
    ),
    "append_crops shape": (
        lambda: append_crops(
            np.zeros((3, 2)), np.zeros(3, int), np.array([0, 1]), np.zeros((2, 3)), [0, 1], 0.5
        ),
        "X_crops",
    ),
    # beat context / dominant / sinus tables
    "af_context_features unsorted": (lambda: af_context_features([5, 1], 250.0), "rpeaks"),
    "af_context_features window": (lambda: af_context_features(_R, 250.0, window=0), "window"),
    "af_gate_threshold length": (
        lambda: af_gate_threshold(np.zeros(5), np.zeros(3, bool)),
        "is_af",
    ),
    "rhythm_context_features fs": (lambda: rhythm_context_features(_R, "250"), "fs"),
    "beat_feature_set_mask set": (lambda: beat_feature_set_mask(["a"], "nope"), "feature_set"),
    "beat_feature_set_mask str": (lambda: beat_feature_set_mask("rr_pre"), "names"),
    "patient_relative_mask str": (lambda: patient_relative_mask("rr_pre"), "names"),
    "patient_relative_mask None": (lambda: patient_relative_mask(None), "names"),
    "record_standardize 1-D": (lambda: record_standardize(np.zeros(5)), "values"),
    "record_standardize text": (lambda: record_standardize("abc"), "values"),
    "dominant_beat_features inf": (
        lambda: dominant_beat_features(_XINF, _R, 250.0),
        "infinite",
    ),
    "record_beat_table unsorted": (lambda: record_beat_table(_X, [500, 100], 250.0), "rpeaks"),
    "dominant_width_ratio array": (lambda: dominant_width_ratio(np.zeros((3, 3))), "table"),
    "sinus_relative_features array": (
        lambda: sinus_relative_features(np.zeros((3, 3))),
        "table",
    ),
    "as_record_signal 3-D": (lambda: as_record_signal(np.zeros((2, 3, 100))), "signal"),
    "as_record_signal text": (lambda: as_record_signal("abc"), "signal"),
    "as_rpeaks unsorted": (lambda: as_rpeaks([5, 1]), "rpeaks"),
    "as_rpeaks outside": (lambda: as_rpeaks([5, 100], 50), "rpeaks"),
    "working_factor zero": (lambda: working_factor(0), "fs"),
    "working_factor text": (lambda: working_factor("250"), "fs"),
    "repair_rr inf": (lambda: repair_rr(np.full(5, np.inf), np.zeros(6, bool)), "rr"),
    "repair_rr negative": (lambda: repair_rr(-_RR, np.zeros(61, bool)), "rr"),
    "repair_rr flags": (lambda: repair_rr(_RR, np.zeros(3, bool)), "ectopic"),
    "repair_rr mode": (lambda: repair_rr(_RR, np.zeros(61, bool), mode="x"), "mode"),
    # leads
    "limb_leads inf": (lambda: limb_leads(np.full(10, np.inf), np.zeros(10)), "lead_i"),
    "limb_leads text": (lambda: limb_leads("a", np.zeros(1)), "lead_i"),
    "limb_leads shape": (lambda: limb_leads(np.zeros(10), np.zeros(9)), "lead_ii"),
    "amplitude_spread shape": (
        lambda: amplitude_spread(_REC, np.zeros((2, 11, 500)), 250.0),
        "X_rec",
    ),
    "amplitude_spread fs": (lambda: amplitude_spread(_REC, _REC, 0.0), "fs"),
    "beat_phase_index edges": (
        lambda: beat_phase_index(np.zeros((1, 2, 500)), 250.0, [0.3, 0.1]),
        "edges_s",
    ),
    "beat_phase_index 2-D": (lambda: beat_phase_index(np.zeros((2, 500)), 250.0, [0.1]), "S"),
    "beat_phase_index fs": (lambda: beat_phase_index(np.zeros((1, 2, 500)), 0, [0.1]), "fs"),
    "reconstruction_scores start": (lambda: reconstruction_scores(_REC, _REC, start=-5), "start"),
    "reconstruction_scores inf": (
        lambda: reconstruction_scores(np.full((2, 12, 50), np.inf), _REC[..., :50]),
        "X_true",
    ),
    # factories and estimators: parameters are checked at construction or at fit
    "make_af_classifier preset": (lambda: make_af_classifier("nope"), "preset"),
    "make_af_feature_pipeline param": (lambda: make_af_feature_pipeline(bogus=1), "bogus"),
    "make_beat_pipeline str names": (lambda: make_beat_pipeline("rr_pre"), "feature_names"),
    "make_default_beat_model str names": (
        lambda: make_default_beat_model("rr_pre"),
        "feature_names",
    ),
    "make_default_beat_model no local column": (
        lambda: make_default_beat_model(["dom_rr_pre"]),
        "LOCAL_BEAT_FEATURES",
    ),
    "AFRecordClassifier fs at fit": (
        lambda: AFRecordClassifier(fs=0.0).fit([_X, _X], ["N", "A"]),
        "fs",
    ),
    "BeatFeatures not pairs": (lambda: BeatFeatures(fs=250.0).fit_transform([_X]), "X[0]"),
    "BeatFeatures fs": (lambda: BeatFeatures(fs=0.0).fit_transform([(_X, _R)]), "fs"),
    "EctopyFilteredDetector mode": (
        lambda: EctopyFilteredDetector(mode="x").fit_series([_RR], [_NO_AF]),
        "mode",
    ),
    "EctopyFilteredDetector seconds": (
        lambda: EctopyFilteredDetector().fit_series([_RR / 1000], [_NO_AF]),
        "rr_ms",
    ),
    "hankel_covariances fs at fit": (
        lambda: hankel_covariances(1.0, fs=0.0).fit_transform(np.zeros((2, 3, 500))),
        "fs",
    ),
    "hankel_ensemble_classifier fs at fit": (
        lambda: hankel_ensemble_classifier(fs=0.0).fit(np.zeros((4, 3, 500)), [0, 1, 0, 1]),
        "fs",
    ),
    "hankel_tangent_classifier NaN X": (
        lambda: hankel_tangent_classifier(covariates=False).fit(
            np.full((4, 3, 3), np.nan), [0, 1, 0, 1]
        ),
        "X",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_call_names_the_argument(name):
    call, what = BAD_CALLS[name]
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert what in str(info.value), str(info.value)


def _all_nan(a) -> bool:
    return bool(np.isnan(np.asarray(a, dtype=float)).all())


DEGENERATE = {  # name -> (call, check of the result); warnings are errors (pyproject)
    "af_episodes no AF": (
        lambda: af_episodes(_T, _NO_AF),
        lambda r: r[0].empty and not r[1].any(),
    ),
    "af_episodes empty": (lambda: af_episodes([0.0], []), lambda r: r[0].empty),
    "drop_short_runs empty": (lambda: drop_short_runs([], [], 30.0), lambda d: d.size == 0),
    "screen_af flat lead": (
        lambda: screen_af(np.zeros(2500), 250.0, EctopyFilteredDetector()),
        lambda s: s.rpeaks.size == 0 and s.episodes.empty,
    ),
    "rr_windows empty": (lambda: rr_windows(np.zeros(0), 3), lambda W: W.shape == (0, 3)),
    "rr_windows all NaN": (lambda: rr_windows(np.full(4, np.nan), 3), _all_nan),
    "fit_af_templates no AF rows": (
        lambda: fit_af_templates(np.full((5, 3), 800.0), np.zeros(5, bool)),
        lambda t: np.array_equal(t.cdf, default_af_templates().cdf),
    ),
    "beat_rhythms no rhythm notes": (
        lambda: beat_rhythms(_annotations([10], ["N"], [""]), _R),
        lambda r: (r == "").all(),
    ),
    "af_beat_labels no rhythm notes": (
        lambda: af_beat_labels(_annotations(), _R),
        lambda y: y.shape == _R.shape and not y.any(),
    ),
    "crop_bounds record too short": (
        lambda: crop_bounds(10, 250.0, 2, 0.7),
        lambda b: b.shape == (0, 2),
    ),
    "af_feature_matrix flat record": (
        lambda: af_feature_matrix([np.zeros(3000)], 300.0),
        lambda m: m.X.shape[0] == 1 and np.isnan(m.X[0, 3:]).all(),
    ),
    "rhythm_profile_features_batch flat": (
        lambda: rhythm_profile_features_batch([np.zeros(3000)], 300.0),
        _all_nan,
    ),
    "af_context_features no beats": (
        lambda: af_context_features([], 250.0),
        lambda t: t.values.shape[0] == 0,
    ),
    "af_context_features one beat": (
        lambda: af_context_features([100], 250.0),
        lambda t: _all_nan(t.values),
    ),
    "af_gate_threshold one class": (
        lambda: af_gate_threshold(np.zeros(5), np.zeros(5, bool)),
        lambda v: v == np.inf,  # documented: no beat gated
    ),
    "rhythm_context_features no beats": (
        lambda: rhythm_context_features([], 250.0),
        lambda t: t.values.shape[0] == 0,
    ),
    "record_standardize all NaN": (
        lambda: record_standardize(np.full((4, 3), np.nan)),
        _all_nan,
    ),
    "record_standardize no beats": (
        lambda: record_standardize(np.zeros((0, 3))),
        lambda v: v.shape == (0, 3),
    ),
    "dominant_beat_features no beats": (
        lambda: dominant_beat_features(_X, [], 250.0),
        lambda t: t.values.shape[0] == 0,
    ),
    "dominant_beat_features flat lead": (
        lambda: dominant_beat_features(np.zeros(2500), _R, 250.0),
        lambda t: t.values.shape[0] == _R.size and not np.isinf(t.values).any(),
    ),
    "repair_rr empty": (lambda: repair_rr(np.zeros(0), [False]), lambda r: r.size == 0),
    "limb_leads empty": (lambda: limb_leads(np.zeros(0), np.zeros(0)), lambda L: L.shape == (6, 0)),
    "amplitude_spread flat records": (
        lambda: amplitude_spread(_REC, _REC, 250.0),
        lambda a: _all_nan(a.signal_var_ratio) and _all_nan(a.corr_with_i_true),
    ),
    "beat_phase_index flat sources": (
        lambda: beat_phase_index(np.zeros((2, 2, 2500)), 250.0, [0.1, 0.3]),
        lambda p: (p == -1).all(),
    ),
    "reconstruction_scores flat": (
        lambda: reconstruction_scores(_REC, _REC),
        lambda s: _all_nan(s.r) and np.all(s.rmse_uv == 0),
    ),
    "af_crop_features flat record": (
        lambda: af_crop_features([np.zeros(30000)], 300.0, 2, 0.7),
        lambda c: c[0].shape[0] == 2 and np.isnan(c[0][:, 3:]).all() and (c[1] == 0).all(),
    ),
    "dominant_width_ratio + sinus_relative_features flat record": (
        lambda: _flat_table(),
        lambda T: (
            _all_nan(dominant_width_ratio(T).values) and _all_nan(sinus_relative_features(T).values)
        ),
    ),
    "BeatFeatures flat record": (
        lambda: BeatFeatures(fs=250.0).fit_transform([(np.zeros(2500), _R)]),
        lambda F: F.shape[0] == _R.size and not np.isinf(F).any(),
    ),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_legal_input_no_crash_no_warning(name):
    call, ok = DEGENERATE[name]
    assert ok(call())


def test_estimator_contracts_before_fit():
    """Clone round trip and NotFittedError before fit for the AF estimators."""
    for est in (AFRecordClassifier(fs=250.0), EctopyFilteredDetector()):
        assert repr(clone(est)) == repr(est)
    with pytest.raises(NotFittedError):
        AFRecordClassifier(fs=250.0).predict([_X])
    with pytest.raises(NotFittedError):
        EctopyFilteredDetector().predict_series(_RR)
