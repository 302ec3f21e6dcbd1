"""Riemannian geometry of lead covariances: SPD estimation, class-mean tangent space,
geodesic augmentation and per-domain re-centering (geometry from pyRiemann).

The pipeline of Alkan, Veldtman & Deligianni (2023) for small 12-lead cohorts is
``LeadCovariances -> [RiemannianRecentering] -> ClassMeanTangentSpace -> linear model``,
with :class:`GeodesicAugmentedClassifier` around the part that follows the covariances.
"""

from .augmentation import GeodesicAugmentedClassifier, GeodesicSamples, geodesic_augment
from .beat_average import BeatAverages, beat_averages
from .covariances import ESTIMATORS, CovarianceResult, LeadCovariances, lead_covariances
from .pipelines import (
    AppendCovariates,
    CovariateScaler,
    InnerGroupSearch,
    MeanProbabilityClassifier,
    hankel_covariances,
    hankel_ensemble_classifier,
    hankel_tangent_classifier,
)
from .recentering import RiemannianRecentering
from .tangent import ClassMeanTangentSpace, check_spd_batch, tangent_vectors

__all__ = [
    "ESTIMATORS",
    "CovarianceResult",
    "lead_covariances",
    "LeadCovariances",
    "ClassMeanTangentSpace",
    "check_spd_batch",
    "tangent_vectors",
    "GeodesicSamples",
    "geodesic_augment",
    "GeodesicAugmentedClassifier",
    "RiemannianRecentering",
    "BeatAverages",
    "beat_averages",
    "AppendCovariates",
    "CovariateScaler",
    "MeanProbabilityClassifier",
    "InnerGroupSearch",
    "hankel_covariances",
    "hankel_tangent_classifier",
    "hankel_ensemble_classifier",
]
