"""Estimators for distribution-shift robustness (scikit-learn API, metadata routing).

X+W models take the covariates through ``covariates=``; invariant-learning baselines take
environment labels through ``domains=``; importance weighting takes unlabelled target data
through ``target=``. Request them inside pipelines with ``set_fit_request(...)``.
"""

from .af import (  # noqa: F401
    AF_PRESETS,
    AFDetector,
    AFRecordClassifier,
    CinC2017Classifier,
    COSEnDetector,
    LowComplexityAFDetector,
    TatenoGlassDetector,
    make_af_classifier,
)
from .covariate_adjusted import CovariateAdjustedClassifier, CovariateAdjustedGLM
from .heartbeat import HeartbeatClassifier, class_weights  # noqa: F401
from .importance import ImportanceWeightedClassifier, density_ratio_weights
from .invariant import (
    AnchorClassifier,
    AnchorRegression,
    GroupDROClassifier,
    IRMClassifier,
    VRExClassifier,
)
from .prior_shift import (
    PriorEstimate,
    PriorShiftClassifier,
    bbse_priors,
    em_priors,
    prior_correct,
    rlls_priors,
)
from .record_prior import RecordPriorAdapter
from .record_self_training import RecordSelfTraining

__all__ = [
    "CovariateAdjustedClassifier",
    "CovariateAdjustedGLM",
    "ImportanceWeightedClassifier",
    "density_ratio_weights",
    "PriorShiftClassifier",
    "RecordPriorAdapter",
    "RecordSelfTraining",
    "AFRecordClassifier",
    "make_af_classifier",
    "PriorEstimate",
    "em_priors",
    "bbse_priors",
    "rlls_priors",
    "prior_correct",
    "IRMClassifier",
    "VRExClassifier",
    "GroupDROClassifier",
    "AnchorClassifier",
    "AnchorRegression",
]
