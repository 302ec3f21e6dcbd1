"""Validated feature functions and scikit-learn transformers built on :mod:`geoecg._kernels`.

Every name below loads on first use (a module ``__getattr__``, as in SciPy), so
``import geoecg.features`` imports no numerical library; ``from geoecg.features import X``
works for every name of ``__all__``. To export a new name, add it to :data:`_EXPORTS`
(name -> submodule).
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it.
_EXPORTS = {
    "AF_STAT_NAMES": "af",
    "AFTemplates": "af",
    "default_af_templates": "af",
    "fit_af_templates": "af",
    "rr_windows": "af",
    "af_window_stats": "af",
    "beat_rhythms": "af",
    "af_beat_labels": "af",
    "AF_RECORD_FEATURE_NAMES": "af",
    "AFRecordFeatures": "af",
    "af_record_features": "af",
    "af_record_features_batch": "af",
    "RHYTHM_PROFILE_NAMES": "af",
    "rhythm_profile_features": "af",
    "rhythm_profile_features_batch": "af",
    "af_crop_features": "af",
    "AFFeatureMatrix": "af",
    "af_feature_matrix": "af",
    "BeatSegments": "beats",
    "beat_window_size": "beats",
    "median_template": "beats",
    "segment_beats": "beats",
    "template_correlation": "beats",
    "CLINICAL_NAMES": "clinical",
    "ClinicalFeatures": "clinical",
    "ClinicalMeasurements": "clinical",
    "clinical_measurements": "clinical",
    "cornell_criterion": "clinical",
    "qtc": "clinical",
    "Delineation": "delineation",
    "DelineationSettings": "delineation",
    "delineate": "delineation",
    "HRV_BLOCKS": "hrv",
    "HRV_FEATURE_NAMES": "hrv",
    "HRVSettings": "hrv",
    "hrv_features": "hrv",
    "rr_from_rpeaks": "hrv",
    "HRVWindows": "hrv_batch",
    "hrv_features_batch": "hrv_batch",
    "hrv_windowed": "hrv_batch",
    "hrv_psd": "hrv_psd",
    "HRVFeatures": "hrv_transformer",
    "BEAT_FEATURE_BLOCKS": "morphology",
    "BeatFeatures": "morphology",
    "BeatFeatureTable": "morphology",
    "beat_features": "morphology",
    "rr_features": "morphology",
    "NOISE_FEATURE_NAMES": "noise",
    "NOISE_FEATURE_SETS": "noise",
    "NOISE_MONOTONIC": "noise",
    "NoiseDetector": "noise",
    "noise_window_features": "noise",
    "NOISE_LEVEL_NAMES": "noise",
    "noise_level_features": "noise",
    "RPeakResult": "rpeaks",
    "detect_rpeaks": "rpeaks",
    "RPeakDetector": "rpeaks_transformer",
    "RRCleaning": "rr_cleaning",
    "clean_rr": "rr_cleaning",
    "SQI_NAMES": "sqi",
    "bsqi": "sqi",
    "length_transform_rpeaks": "sqi",
    "sqi_features": "sqi",
    "sqi_windows": "sqi",
    "STARResult": "star",
    "star_augment": "star",
    "star_coefficients": "star",
}

__all__ = list(_EXPORTS)


__getattr__, __dir__ = _attach(__name__, _EXPORTS)
