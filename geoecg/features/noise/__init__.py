"""Noise: noise-level estimates of one lead and the window noise detector.

``level``: beat-template SNR and spectral band powers (:func:`noise_level_features`);
``detector``: HRV + signal-quality + noise-level window features and the
:class:`NoiseDetector` classifier. The noise-stress training data (database readers) are in
:mod:`geoecg.datasets.noise_training`, the benchmark protocol in
:mod:`geoecg.evaluation.noise_study`.
"""

from .detector import (
    NOISE_FEATURE_NAMES,
    NOISE_FEATURE_SETS,
    NOISE_MONOTONIC,
    NoiseDetector,
    noise_window_features,
)
from .level import NOISE_LEVEL_NAMES, noise_level_features

__all__ = [
    "NOISE_FEATURE_NAMES",
    "NOISE_FEATURE_SETS",
    "NOISE_LEVEL_NAMES",
    "NOISE_MONOTONIC",
    "NoiseDetector",
    "noise_level_features",
    "noise_window_features",
]
