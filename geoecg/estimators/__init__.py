"""Estimators for distribution-shift robustness (scikit-learn API, metadata routing).

X+W models take the covariates through ``covariates=``; invariant-learning baselines take
environment labels through ``domains=``; importance weighting takes unlabelled target data
through ``target=``. Request them inside pipelines with ``set_fit_request(...)``.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "AF_PRESETS": "af",
    "AFDetector": "af",
    "AFRecordClassifier": "af",
    "CinC2017Classifier": "af",
    "COSEnDetector": "af",
    "LowComplexityAFDetector": "af",
    "TatenoGlassDetector": "af",
    "make_af_classifier": "af",
    "CovariateAdjustedClassifier": "covariate_adjusted",
    "CovariateAdjustedGLM": "covariate_adjusted",
    "HeartbeatClassifier": "heartbeat",
    "class_weights": "heartbeat",
    "make_default_beat_model": "heartbeat",
    "ImportanceWeightedClassifier": "importance",
    "density_ratio_weights": "importance",
    "AnchorClassifier": "invariant",
    "AnchorRegression": "invariant",
    "GroupDROClassifier": "invariant",
    "IRMClassifier": "invariant",
    "VRExClassifier": "invariant",
    "PriorEstimate": "prior_shift",
    "PriorShiftClassifier": "prior_shift",
    "bbse_priors": "prior_shift",
    "em_priors": "prior_shift",
    "prior_correct": "prior_shift",
    "rlls_priors": "prior_shift",
    "RecordPriorAdapter": "record_prior",
    "RecordSelfTraining": "record_self_training",
}

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

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
