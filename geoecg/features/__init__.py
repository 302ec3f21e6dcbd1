"""Validated feature functions and scikit-learn transformers built on :mod:`geoecg._kernels`."""

from .beats import (  # noqa: E402,F401
    BeatSegments,
    beat_window_size,
    median_template,
    segment_beats,
    template_correlation,
)
from .clinical import (  # noqa: E402,F401
    CLINICAL_NAMES,
    ClinicalFeatures,
    ClinicalMeasurements,
    clinical_measurements,
    cornell_criterion,
    qtc,
)
from .delineation import Delineation, DelineationSettings, delineate  # noqa: E402,F401
from .hrv import HRV_BLOCKS, HRV_FEATURE_NAMES, HRVSettings, hrv_features, rr_from_rpeaks  # noqa: E402,F401
from .hrv_batch import HRVWindows, hrv_features_batch, hrv_windowed  # noqa: E402,F401
from .hrv_psd import hrv_psd  # noqa: E402,F401
from .hrv_transformer import HRVFeatures  # noqa: E402,F401
from .morphology import (  # noqa: E402,F401
    BEAT_FEATURE_BLOCKS,
    BeatFeatures,
    BeatFeatureTable,
    beat_features,
    rr_features,
)
from .noise_detector import (  # noqa: E402,F401
    NOISE_FEATURE_NAMES,
    NOISE_FEATURE_SETS,
    NOISE_MONOTONIC,
    NoiseDetector,
    noise_window_features,
)
from .noise_level import NOISE_LEVEL_NAMES, noise_level_features  # noqa: E402,F401
from .rpeaks import RPeakResult, detect_rpeaks  # noqa: E402,F401
from .rpeaks_transformer import RPeakDetector  # noqa: E402,F401
from .rr_cleaning import RRCleaning, clean_rr  # noqa: E402,F401
from .sqi import SQI_NAMES, bsqi, length_transform_rpeaks, sqi_features, sqi_windows  # noqa: E402,F401
from .star import STARResult, star_augment, star_coefficients  # noqa: E402,F401
