"""scikit-learn estimator checks for the 2-D estimators of geoecg.estimators."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.estimators import (
    AnchorClassifier,
    AnchorRegression,
    GroupDROClassifier,
    IRMClassifier,
    VRExClassifier,
)

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
