"""Atrial-fibrillation features, in one place.

Submodules:

- :mod:`~geoecg.features.af.windows`: AF statistics of RR windows (ms), AF templates,
  beat-level rhythm labels from WFDB rhythm annotations;
- :mod:`~geoecg.features.af.record`: the 107 record features of a short single-lead ECG
  (CinC 2017 style) and their cached batch;
- :mod:`~geoecg.features.af.rr_irregularity`: RR-irregularity measures that tolerate
  ectopy (standalone, not in the record features);
- :mod:`~geoecg.features.af.atrial`: atrial activity (f-waves after QRS-T cancellation, TQ
  segments) and beat-to-beat variability (standalone, not in the record features);
- :mod:`~geoecg.features.af.rhythm_profile`: the 86 rhythm-profile features (windowed RR
  irregularity, ectopy-free NN irregularity, P-wave presence);
- :mod:`~geoecg.features.af.crops`: random sub-crops of training records (augmentation);
- :mod:`~geoecg.features.af.matrix`: the feature matrix of a cohort (record features,
  optionally rhythm profile and crops), cached per record.

Every name of ``__all__`` is importable from here (``from geoecg.features.af import
af_record_features``). Until the next release the modules ``geoecg.features.af_record``,
``af_rhythm_profile`` and ``af_crops`` still import, with a ``DeprecationWarning``.
"""

from .atrial import ATRIAL_NAMES, atrial_activity_features
from .crops import af_crop_features, append_crops, crop_bounds
from .matrix import AFFeatureMatrix, af_feature_matrix
from .record import (
    AF_RECORD_FEATURE_NAMES,
    MORPHOLOGY_NAMES,
    AFRecordFeatures,
    af_record_features,
    af_record_features_batch,
    morphology_features,
)
from .rhythm_profile import (
    RHYTHM_PROFILE_NAMES,
    rhythm_profile_features,
    rhythm_profile_features_batch,
)
from .rr_irregularity import RR_IRREG_NAMES, rr_irregularity_features
from .windows import (
    AF_STAT_NAMES,
    AFTemplates,
    af_beat_labels,
    af_window_stats,
    beat_rhythms,
    default_af_templates,
    fit_af_templates,
    rr_windows,
)

__all__ = [
    "AF_STAT_NAMES",
    "AFTemplates",
    "default_af_templates",
    "fit_af_templates",
    "rr_windows",
    "af_window_stats",
    "beat_rhythms",
    "af_beat_labels",
    "AF_RECORD_FEATURE_NAMES",
    "MORPHOLOGY_NAMES",
    "RR_IRREG_NAMES",
    "ATRIAL_NAMES",
    "morphology_features",
    "rr_irregularity_features",
    "atrial_activity_features",
    "af_record_features",
    "af_record_features_batch",
    "AFRecordFeatures",
    "RHYTHM_PROFILE_NAMES",
    "rhythm_profile_features",
    "rhythm_profile_features_batch",
    "crop_bounds",
    "af_crop_features",
    "append_crops",
    "AFFeatureMatrix",
    "af_feature_matrix",
]
