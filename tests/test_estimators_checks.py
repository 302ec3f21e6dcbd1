"""scikit-learn estimator checks for the 2-D estimators of geoecg.estimators."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.estimators import (
    AnchorClassifier,
    AnchorRegression,
    GroupDROClassifier,
    HeartbeatClassifier,
    IRMClassifier,
    VRExClassifier,
)
from geoecg.features import NoiseDetector

ESTIMATORS = [
    IRMClassifier(max_iter=50),
    VRExClassifier(max_iter=50),
    GroupDROClassifier(max_iter=50),
    AnchorClassifier(max_iter=50),
    AnchorRegression(),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _expected_failures(estimator) -> dict[str, str]:
    if isinstance(estimator, HeartbeatClassifier):
        return {
            "check_sample_weight_equivalence_on_dense_data": (
                "by design: row/column subsampling (subsample, colsample_bytree < 1) draws "
                "repeated rows independently and xgboost computes in float32; with both at "
                "1.0 weights equal repeats to 1e-5 (tests/test_input_validation.py)"
            )
        }
    return {}


# issue 19: the two feature-space classifiers outside geoecg.estimators' invariant family.
# CovariateAdjustedGLM is not here by design: fit needs covariates= (most checks call
# fit(X, y)); its predict-before-fit NotFittedError is tested in test_input_validation.py.
@parametrize_with_checks(
    [
        HeartbeatClassifier(n_estimators=8, max_depth=3),
        NoiseDetector(precomputed=True, max_iter=8),
    ],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible_classifiers(estimator, check):
    check(estimator)
