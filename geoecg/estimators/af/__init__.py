"""Atrial-fibrillation estimators, in one place.

Submodules:

- :mod:`~geoecg.estimators.af.detectors`: window-level AF detectors on RR series
  (Tateno-Glass, COSEn, low-complexity, xgboost);
- :mod:`~geoecg.estimators.af.ectopy`: ectopy-filtered detection and the minimum-episode rule;
- :mod:`~geoecg.estimators.af.screening`: end-to-end screening of long recordings, synthetic
  RR series and ECGs;
- :mod:`~geoecg.estimators.af.cinc2017`: the whole-record N / A / O / ~ classifier;
- :mod:`~geoecg.estimators.af.pipeline`: the record pipeline on raw signals, presets, and
  the feature-matrix pipeline of the nested CinC CV;
- :mod:`~geoecg.estimators.af.protocols`: the CinC evaluation protocols of
  ``geoecg bench af`` (plain CV, nested CV, prior-shift split, prior adaptation report);
- :mod:`~geoecg.estimators.af.prior_shift_model`: the prior-shift protocol's pipeline as
  one object (:class:`AFPriorShiftModel`), and the held-out route of ``geoecg bench af
  --train-data A --test-data B`` (:func:`heldout_prior_shift`).

Prior-shift adaptation is not AF-specific and stays in :mod:`geoecg.estimators`
(:class:`~geoecg.estimators.PriorShiftClassifier`, :func:`~geoecg.estimators.prior_correct`).
Until the next release the modules ``geoecg.estimators.af_ectopy``, ``af_pipeline``,
``af_screening`` and ``cinc2017`` still import, with a ``DeprecationWarning``.
"""

import warnings as _warnings

from .cinc2017 import CinC2017Classifier
from .detectors import (
    AFDetector,
    COSEnDetector,
    LowComplexityAFDetector,
    TatenoGlassDetector,
)
from .ectopy import EctopyFilteredDetector, drop_short_runs
from .pipeline import (
    AF_NESTED_GRID,
    AF_PRESETS,
    AFFeatureBlocks,
    AFRecordClassifier,
    make_af_classifier,
    make_af_feature_pipeline,
)
from .prior_shift_model import AFPriorShiftModel, heldout_prior_shift
from .protocols import (
    DEFAULT_TARGET_PRIORS,
    adaptation_report,
    af_beat_detectors,
    af_patient_folds,
    beat_level_cv,
    cinc_cv_proba,
    nested_cinc_cv,
    prior_shift_candidates,
    prior_shift_protocol,
    record_scores,
    simulate_prior_shift,
    time_screening,
)
from .screening import AFScreening, af_episodes, screen_af, synthetic_af_ecg, synthetic_rr

__all__ = [
    "TatenoGlassDetector",
    "COSEnDetector",
    "LowComplexityAFDetector",
    "AFDetector",
    "EctopyFilteredDetector",
    "drop_short_runs",
    "AFScreening",
    "af_episodes",
    "screen_af",
    "synthetic_rr",
    "synthetic_af_ecg",
    "CinC2017Classifier",
    "AFRecordClassifier",
    "AFFeatureBlocks",
    "make_af_classifier",
    "make_af_feature_pipeline",
    "AF_PRESETS",
    "AF_NESTED_GRID",
    "DEFAULT_TARGET_PRIORS",
    "record_scores",
    "cinc_cv_proba",
    "simulate_prior_shift",
    "adaptation_report",
    "prior_shift_protocol",
    "prior_shift_candidates",
    "AFPriorShiftModel",
    "heldout_prior_shift",
    "nested_cinc_cv",
    "af_beat_detectors",
    "af_patient_folds",
    "beat_level_cv",
    "time_screening",
]


def __getattr__(name):
    if name == "prior_correct":  # old path, kept for one release
        from ..prior_estimation import prior_correct

        _warnings.warn(
            "geoecg.estimators.af.prior_correct moved to "
            "geoecg.estimators.prior_correct; the old name is removed in the "
            "next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return prior_correct
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
