"""Estimators for distribution-shift robustness (scikit-learn API, metadata routing).

X+W models take the covariates through ``covariates=``; invariant-learning baselines take
environment labels through ``domains=``; importance weighting takes unlabelled target data
through ``target=``. Request them inside pipelines with ``set_fit_request(...)``.
"""

from .af import AFDetector, CinC2017Classifier, COSEnDetector, LowComplexityAFDetector, TatenoGlassDetector  # noqa: E501,F401,I001
from .af import AF_PRESETS, AFRecordClassifier, make_af_classifier  # noqa: F401
from .covariate_adjusted import CovariateAdjustedClassifier, CovariateAdjustedGLM
from .heartbeat import HeartbeatClassifier, class_weights  # noqa: F401
from .importance import ImportanceWeightedClassifier, density_ratio_weights
from .prior_shift import (
    PriorEstimate,
    PriorShiftClassifier,
    bbse_priors,
    em_priors,
    prior_correct,
    rlls_priors,
)
from .invariant import (
    AnchorClassifier,
    AnchorRegression,
    GroupDROClassifier,
    IRMClassifier,
    VRExClassifier,
)

__all__ = [
    "CovariateAdjustedClassifier",
    "CovariateAdjustedGLM",
    "ImportanceWeightedClassifier",
    "density_ratio_weights",
    "PriorShiftClassifier",
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
