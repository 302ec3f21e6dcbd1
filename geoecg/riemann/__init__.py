"""Riemannian geometry of lead covariances: SPD estimation, class-mean tangent space,
geodesic augmentation and per-domain re-centering (geometry from pyRiemann).

The pipeline of Alkan, Veldtman & Deligianni (2023) for small 12-lead cohorts is
``LeadCovariances -> [RiemannianRecentering] -> ClassMeanTangentSpace -> linear model``,
with :class:`GeodesicAugmentedClassifier` around the part that follows the covariances.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "GeodesicAugmentedClassifier": "augmentation",
    "GeodesicSamples": "augmentation",
    "geodesic_augment": "augmentation",
    "BeatAverages": "beat_average",
    "beat_averages": "beat_average",
    "ESTIMATORS": "covariances",
    "CovarianceResult": "covariances",
    "LeadCovariances": "covariance_transformer",
    "lead_covariances": "covariances",
    "AppendCovariates": "pipelines",
    "CovariateScaler": "pipelines",
    "InnerGroupSearch": "pipelines",
    "MeanProbabilityClassifier": "pipelines",
    "hankel_covariances": "pipelines",
    "hankel_ensemble_classifier": "pipelines",
    "hankel_tangent_classifier": "pipelines",
    "RiemannianRecentering": "recentering",
    "ClassMeanTangentSpace": "tangent",
    "check_spd_batch": "tangent",
    "tangent_vectors": "tangent",
}

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

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
