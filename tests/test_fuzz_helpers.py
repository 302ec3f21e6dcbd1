"""Fuzz tables for the small public helpers (reliability, session 6).

Two tables: bad calls must raise a ``ValueError``/``TypeError`` naming the argument;
degenerate but legal calls must return NaN or an empty result without a warning (warnings
are errors in the test run, see pyproject). Strict xfails name the owner of a known bug.
The larger entry points are fuzzed in ``tests/test_fuzz_api.py``; the registry of what is
covered where is ``tests/test_api_coverage.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import density_ratio_weights
from geoecg.estimators.af import AFFeatureBlocks
from geoecg.features import (
    AFRecordFeatures,
    HRVFeatures,
    af_record_features_batch,
    beat_window_size,
    bsqi,
    cornell_criterion,
    hrv_psd,
    median_template,
    qtc,
    rhythm_profile_features,
    rr_features,
    rr_from_rpeaks,
    sqi_windows,
    star_coefficients,
    template_correlation,
)
from geoecg.features.af import atrial_activity_features, morphology_features
from geoecg.features.beat_dominant import SelectBeatFeatures
from geoecg.features.ectopy import beat_morphology_match, ectopic_beats
from geoecg.riemann import (
    ClassMeanTangentSpace,
    GeodesicAugmentedClassifier,
    RiemannianRecentering,
    check_spd_batch,
    geodesic_augment,
    tangent_vectors,
)
from geoecg.signal import apply_sos, mix_noise, resample_indices, snr_db

# ---- small entry points: one table of bad calls, one of degenerate legal calls ----------

_rng = np.random.default_rng(0)
_X = np.sin(np.arange(2500) / 10.0)


def _spd(n: int = 6, c: int = 3) -> np.ndarray:
    A = np.random.default_rng(n * c).standard_normal((n, c, 50))
    return np.einsum("nct,ndt->ncd", A, A) / 50


_XINF = np.where(np.arange(2500) > 1200, np.inf, _X)  # a lead with +inf samples
_R = np.arange(75, 2500, 200)  # R-peaks every 0.8 s at 250 Hz

BAD_CALLS = {  # name -> (call, the argument the message must name)
    "mix_noise snr str": (lambda: mix_noise(_X, _X, "6"), "snr_db"),
    "mix_noise snr nan": (lambda: mix_noise(_X, _X, float("nan")), "snr_db"),
    "mix_noise noise inf": (lambda: mix_noise(_X, np.full(10, np.inf), 6.0), "noise"),
    "snr_db transposed": (lambda: snr_db(np.zeros((2500, 2)), np.zeros((2500, 2))), ".T"),
    "apply_sos bad sos": (lambda: apply_sos(_X, np.ones((2, 3))), "sos"),
    "resample_indices negative": (lambda: resample_indices([-1, 5], 250, 100), "indices"),
    "resample_indices fractional": (lambda: resample_indices([1.5], 250, 100), "indices"),
    "resample_indices fs": (lambda: resample_indices([1], 0, 100), "fs"),
    "rr_from_rpeaks unsorted": (lambda: rr_from_rpeaks([5, 1], 250.0), "rpeaks"),
    "hrv_psd seconds": (lambda: hrv_psd(np.full(50, 0.8)), "rr_ms"),
    "qtc rr zero": (lambda: qtc(400.0, 0.0), "rr_ms"),
    "qtc rr seconds": (lambda: qtc(400.0, 0.8), "rr_ms"),
    "qtc negative": (lambda: qtc(-400.0, 800.0), "qt_ms"),
    "qtc str": (lambda: qtc("400", 800.0), "qt_ms"),
    "rr_features fs": (lambda: rr_features([100, 300], 0), "fs"),
    "sqi_windows inf": (lambda: sqi_windows([np.full(100, np.inf)], 250.0), "infinite"),
    "median_template 1-D": (lambda: median_template(np.zeros(50)), "beats"),
    "template_correlation shape": (
        lambda: template_correlation(np.zeros((3, 50)), np.zeros(40)),
        "template",
    ),
    "star_coefficients negative": (lambda: star_coefficients(-1), "n_segments"),
    "HRVFeatures rpeaks without fs": (
        lambda: HRVFeatures(kind="rpeaks").fit_transform([np.array([1, 300, 600])]),
        "fs",
    ),
    "AFRecordFeatures fs": (lambda: AFRecordFeatures(fs=0).fit_transform([_X]), "fs"),
    "check_spd_batch asymmetric": (lambda: check_spd_batch(_rng.random((3, 3, 3))), "X"),
    "check_spd_batch NaN": (lambda: check_spd_batch(np.full((2, 3, 3), np.nan)), "X"),
    "check_spd_batch 2-D": (lambda: check_spd_batch(np.eye(3)), "X"),
    "tangent_vectors size": (lambda: tangent_vectors(_spd(), _spd(1, 4)), "references"),
    "ClassMeanTangentSpace one class": (
        lambda: ClassMeanTangentSpace().fit(_spd(), np.zeros(6)),
        "class",
    ),
    "ClassMeanTangentSpace NaN": (
        lambda: ClassMeanTangentSpace().fit(np.full((6, 3, 3), np.nan), np.arange(6) % 2),
        "X",
    ),
    "RiemannianRecentering NaN": (
        lambda: RiemannianRecentering().fit(np.full((6, 3, 3), np.nan)),
        "X",
    ),
    "geodesic_augment ratio": (
        lambda: geodesic_augment(_spd(), np.arange(6) % 2, ratio=-1),
        "ratio",
    ),
    "geodesic_augment y": (lambda: geodesic_augment(_spd(), np.arange(3) % 2), "y"),
    "density_ratio_weights columns": (
        lambda: density_ratio_weights(np.zeros((5, 2)), np.zeros((5, 3))),
        "columns",
    ),
    "density_ratio_weights empty": (
        lambda: density_ratio_weights(np.zeros((0, 2)), np.zeros((5, 2))),
        "sample",
    ),
    "morphology_features inf": (lambda: morphology_features(_XINF, 250.0, _R), "infinite"),
    "atrial_activity_features inf": (
        lambda: atrial_activity_features(_XINF, 250.0, _R),
        "infinite",
    ),
    "ectopic_beats inf": (lambda: ectopic_beats(_XINF, 250.0, _R), "infinite"),
    "beat_morphology_match 2-D": (
        lambda: beat_morphology_match(np.zeros((2500, 2)), 250.0, _R),
        "signal",
    ),
    # need a named feature table, so sklearn's check_estimator cannot feed them (every
    # check fails on this message); the message itself is the contract
    "AFFeatureBlocks columns": (lambda: AFFeatureBlocks().fit(np.zeros((5, 3))), "columns"),
    "SelectBeatFeatures names": (
        lambda: SelectBeatFeatures().fit(np.zeros((5, 3))),
        "feature_names",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_call_names_the_argument(name):
    call, what = BAD_CALLS[name]
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert what in str(info.value), str(info.value)


DEGENERATE = {  # name -> (call, check of the result); warnings are errors (pyproject)
    "mix_noise empty signal": (lambda: mix_noise(np.zeros(0), _X, 6.0), lambda y: y.size == 0),
    "snr_db all-NaN signal": (
        lambda: snr_db(np.full(100, np.nan), np.ones(100)),
        lambda v: np.isnan(v),
    ),
    "resample_indices empty": (lambda: resample_indices([], 250, 100), lambda r: r.size == 0),
    "rr_from_rpeaks empty": (lambda: rr_from_rpeaks([], 250.0), lambda t: t[1].size == 0),
    "qtc NaN": (lambda: qtc(np.nan, 800.0), np.isnan),
    "cornell_criterion sex unknown": (lambda: cornell_criterion(3.0, None), np.isnan),
    "bsqi empty": (lambda: bsqi([], [], 250.0), np.isnan),
    "sqi_windows flat": (lambda: sqi_windows([np.zeros(2500)], 250.0), lambda q: q.shape[0] == 1),
    "rr_features one beat": (lambda: rr_features([100], 250.0), lambda t: np.isnan(t.values).all()),
    "beat_window_size one beat": (lambda: beat_window_size([10], 250.0), np.isnan),
    "median_template no beats": (
        lambda: median_template(np.zeros((0, 50))),
        lambda m: np.isnan(m).all(),
    ),
    "template_correlation flat": (
        lambda: template_correlation(np.zeros((3, 50)), np.zeros(50)),
        lambda c: np.isnan(c).all(),
    ),
    "HRVFeatures empty series": (
        lambda: HRVFeatures().fit_transform([np.zeros(0)]),
        lambda F: np.isnan(F).all(),
    ),
    "af_record_features_batch flat + NaN": (
        lambda: af_record_features_batch([np.zeros(3000), np.full(300, np.nan)], 300.0),
        lambda F: F.shape[0] == 2 and not np.isinf(F).any(),
    ),
    "rhythm_profile_features empty": (
        lambda: rhythm_profile_features(np.zeros(0), 300.0),
        lambda v: np.isnan(v).all(),
    ),
    "morphology_features flat lead": (
        lambda: morphology_features(np.zeros(2500), 250.0, _R),
        lambda v: np.isnan(v[[4, 8, 9]]).all(),
    ),
    "ectopic_beats flat lead": (
        lambda: ectopic_beats(np.zeros(2500), 250.0, _R),
        lambda e: e.shape == _R.shape and not e.any(),
    ),
    "RiemannianRecentering one matrix": (
        lambda: RiemannianRecentering().fit_transform(_spd(1)),
        lambda Y: np.allclose(Y[0], np.eye(3)),
    ),
}


@pytest.mark.parametrize("name", sorted(DEGENERATE))
def test_degenerate_legal_input_no_crash_no_warning(name):
    call, ok = DEGENERATE[name]
    assert ok(call())


def test_class_mean_tangent_space_non_spd_named():
    with pytest.raises(ValueError, match="X"):
        ClassMeanTangentSpace().fit(-_spd(), np.arange(6) % 2)


def test_bsqi_unsorted_peaks_named():
    with pytest.raises(ValueError, match="peaks"):
        bsqi([5, 1], [1], 250.0)


def test_geodesic_augmented_classifier_contract():
    """Clone round trip, NotFittedError, fit returns self, probabilities sum to one; a NaN
    covariance stack is a ValueError naming X (drop degenerate records first)."""
    from sklearn.pipeline import make_pipeline

    y = np.arange(12) % 2
    est = GeodesicAugmentedClassifier(
        make_pipeline(ClassMeanTangentSpace(), LogisticRegression()), random_state=0
    )
    assert repr(clone(est)) == repr(est)
    with pytest.raises(NotFittedError):
        clone(est).predict(_spd(12))
    assert est.fit(_spd(12), y) is est
    assert np.allclose(est.predict_proba(_spd(12)).sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="X"):
        clone(est).fit(np.full((12, 3, 3), np.nan), y)
