"""Tangent-space features at the Riemannian mean of every class (Alkan et al. 2023)."""

from __future__ import annotations

import numpy as np
from pyriemann.geometry.distance import distance
from pyriemann.geometry.mean import gmean
from pyriemann.geometry.tangentspace import tangent_space
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

__all__ = ["ClassMeanTangentSpace", "check_spd_batch"]

_METRICS = ("riemann", "logeuclid", "euclid")


def check_spd_batch(X, name: str = "X") -> np.ndarray:
    """Validate a stack of symmetric matrices ``(n_matrices, n, n)``; returns float64.

    Raises ``ValueError`` for a wrong shape, non-finite entries or asymmetric matrices
    (relative tolerance 1e-8). Positive definiteness is checked by the geometry itself.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if X.ndim != 3 or X.shape[1] != X.shape[2] or X.shape[1] == 0:
        raise ValueError(
            f"{name} must be a stack of square matrices (n_matrices, n, n), got shape {X.shape}"
        )
    if not np.isfinite(X).all():
        raise ValueError(
            f"{name} holds NaN or inf: drop the degenerate records (see "
            "CovarianceResult.reason) before the tangent space"
        )
    scale = np.abs(X).max(axis=(1, 2), keepdims=True) + np.finfo(float).tiny
    if np.any(np.abs(X - X.transpose(0, 2, 1)) > 1e-8 * scale):
        raise ValueError(f"{name} must hold symmetric matrices")
    return X


class ClassMeanTangentSpace(TransformerMixin, BaseEstimator):
    """Tangent vectors at the Riemannian mean of each class.

    Parameters
    ----------
    metric : {"riemann", "logeuclid", "euclid"}, default "riemann"
        Metric of the class means and of the logarithmic map.
    mode : {"concat", "nearest"}, default "concat"
        ``"concat"``: tangent vectors at every class mean, concatenated (n_classes * n(n+1)/2
        features). ``"nearest"``: the tangent vector at the class mean nearest to the matrix
        (n(n+1)/2 features) followed by the distances to every class mean.

    Attributes
    ----------
    classes_ : ndarray
        Class labels seen in ``fit``.
    means_ : ndarray, shape (n_classes, n, n)
        Class means.
    n_features_out_ : int
        Output dimension.

    Notes
    -----
    ``transform`` never reads labels: at test time a matrix's class is unknown, so it is
    described relative to all class means. Vectors use pyRiemann's ``upper`` convention
    (off-diagonal entries weighted by sqrt(2), so the Euclidean norm of a vector equals the
    Riemannian norm at its reference point).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((30, 3, 50))
    >>> C = A @ A.transpose(0, 2, 1) / 50
    >>> y = np.repeat([0, 1], 15)
    >>> ClassMeanTangentSpace().fit(C, y).transform(C).shape
    (30, 12)
    >>> ClassMeanTangentSpace(mode="nearest").fit(C, y).transform(C).shape
    (30, 8)
    """

    def __init__(self, metric="riemann", mode="concat"):
        self.metric = metric
        self.mode = mode

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.required = True
        return tags

    def fit(self, X, y):
        """Compute the mean of each class; returns self."""
        if self.metric not in _METRICS:
            raise ValueError(f"metric must be one of {_METRICS}, got {self.metric!r}")
        if self.mode not in ("concat", "nearest"):
            raise ValueError(f"mode must be 'concat' or 'nearest', got {self.mode!r}")
        X = check_spd_batch(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValueError(f"need at least 2 classes, got {self.classes_.tolist()}")
        self.means_ = np.stack([gmean(X[y == k], metric=self.metric) for k in self.classes_])
        self.n_channels_ = X.shape[1]
        p = self.n_channels_ * (self.n_channels_ + 1) // 2
        k = self.classes_.size
        self.n_features_out_ = k * p if self.mode == "concat" else p + k
        return self

    def distances(self, X) -> np.ndarray:
        """Distance of every matrix to every class mean, shape (n_matrices, n_classes)."""
        check_is_fitted(self, "means_")
        X = self._check(X)
        return np.column_stack(
            [distance(X, M, metric=self.metric)[:, 0] for M in self.means_]
        )

    def _check(self, X):
        X = check_spd_batch(X)
        if X.shape[1] != self.n_channels_:
            raise ValueError(f"X has {X.shape[1]} x {X.shape[1]} matrices, fit saw "
                             f"{self.n_channels_} x {self.n_channels_}")
        return X

    def transform(self, X):
        """Tangent-space features, shape (n_matrices, n_features_out_)."""
        check_is_fitted(self, "means_")
        X = self._check(X)
        if self.mode == "concat":
            return np.hstack([tangent_space(X, M, metric=self.metric) for M in self.means_])
        d = self.distances(X)
        near = np.argmin(d, axis=1)
        p = self.n_channels_ * (self.n_channels_ + 1) // 2
        T = np.empty((X.shape[0], p))
        for k, M in enumerate(self.means_):
            sel = near == k
            if sel.any():
                T[sel] = tangent_space(X[sel], M, metric=self.metric)
        return np.hstack([T, d])

    def get_feature_names_out(self, input_features=None):
        """Names ``class<k>_t<i>`` (concat) or ``t<i>`` + ``dist_<k>`` (nearest)."""
        check_is_fitted(self, "means_")
        p = self.n_channels_ * (self.n_channels_ + 1) // 2
        if self.mode == "concat":
            names = [f"class{k}_t{i}" for k in self.classes_ for i in range(p)]
        else:
            names = [f"t{i}" for i in range(p)] + [f"dist_{k}" for k in self.classes_]
        return np.asarray(names, dtype=object)
