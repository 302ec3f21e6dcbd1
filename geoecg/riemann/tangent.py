"""Tangent-space features at the Riemannian mean of every class (Alkan et al. 2023)."""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._kernels.spd import (
    INVSQRT,
    SYM_ASYMMETRIC,
    SYM_NONFINITE,
    log_vectors,
    riemann_means,
    sym_function,
    symmetric_status,
)
from .._optional import import_pyriemann  # pyRiemann without torch, on first use
from .._three_d_input import ThreeDInputMixin

__all__ = ["ClassMeanTangentSpace", "check_spd_batch", "tangent_vectors"]

_METRICS = ("riemann", "logeuclid", "euclid")
#: pyRiemann 0.12 ``mean_riemann`` defaults (``tol=10e-9``, ``maxiter=50``).
MEAN_TOL, MEAN_MAXITER = 1e-8, 50
#: Relative tolerance of the symmetry check (of the largest entry of each matrix).
SYMMETRY_RTOL = 1e-8
#: Fewest matrices per thread worth a thread of its own.
_MIN_ROWS_PER_THREAD = 64


def check_spd_batch(X, name: str = "X") -> np.ndarray:
    """Validate a stack of symmetric matrices ``(n_matrices, n, n)``; returns float64.

    Positive definiteness is not checked here: the geometry itself checks it.

    Parameters
    ----------
    X : array_like, shape (n_matrices, n, n)
        Symmetric matrices (covariances, mV^2).
    name : str, default "X"
        Name used in the error messages.

    Returns
    -------
    ndarray of float64, shape (n_matrices, n, n)
        ``X`` as float64.

    Raises
    ------
    TypeError
        ``X`` does not hold real numbers.
    ValueError
        For a wrong shape, non-finite entries or asymmetric matrices (relative
        tolerance 1e-8).

    Examples
    --------
    >>> import numpy as np
    >>> X = check_spd_batch([np.eye(2), [[2, 1], [1, 2]]])  # two 2 x 2 covariances, mV^2
    >>> X.dtype, X.shape
    (dtype('float64'), (2, 2, 2))
    >>> check_spd_batch([[[1.0, 2.0], [2.0, 1.0]]]).shape  # symmetric, not definite: passes
    (1, 2, 2)
    >>> check_spd_batch(np.array([[[1.0, 0.5], [0.0, 1.0]]]), name="C")
    Traceback (most recent call last):
        ...
    ValueError: C must hold symmetric matrices
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)
    if X.ndim != 3 or X.shape[1] != X.shape[2] or X.shape[1] == 0:
        raise ValueError(
            f"{name} must be a stack of square matrices (n_matrices, n, n), got shape {X.shape}"
        )
    X = np.ascontiguousarray(X)
    status = symmetric_status(X=X, rtol=SYMMETRY_RTOL)  # one pass, no temporaries
    if status == SYM_NONFINITE:
        raise ValueError(
            f"{name} holds NaN or inf: drop the degenerate records (see "
            "CovarianceResult.reason) before the tangent space"
        )
    if status == SYM_ASYMMETRIC:
        raise ValueError(f"{name} must hold symmetric matrices")
    return X


def check_labels(y, n: int) -> np.ndarray:
    """Class labels aligned with ``n`` matrices: 1-D, one per matrix, discrete, no NaN
    (a NaN label used to become a class of its own, with its own mean)."""
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), got {y.shape}")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError(f"y holds {int(np.isnan(y).sum())} NaN label(s); expected class labels")
    check_classification_targets(y)
    return y


def _check_positive_definite(X, name: str = "X") -> None:
    """Raise a ``ValueError`` naming ``name`` if a matrix of the stack is not positive definite
    (a batched Cholesky; used where a mean is fitted, not on the transform path)."""
    try:
        np.linalg.cholesky(X)
    except np.linalg.LinAlgError:
        bad = [i for i in range(X.shape[0]) if np.linalg.eigvalsh(X[i])[0] <= 0]
        raise ValueError(
            f"{name} must hold symmetric positive-definite matrices; matrices {bad[:5]} are not "
            "(drop degenerate records, or regularise the covariance estimator)"
        ) from None


def _invsqrtm(M) -> np.ndarray:
    """``M^-1/2`` of one SPD matrix (the whitener of a reference, computed once per call)."""
    out = np.empty(M.shape)
    sym_function(a=np.ascontiguousarray(M, dtype=np.float64), code=INVSQRT, power=1.0, out=out)
    return out


def _n_threads(n_jobs) -> int:
    if n_jobs is None or n_jobs == 1:
        return 1
    if not isinstance(n_jobs, (int, np.integer)) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive integer or -1 (all cores), got {n_jobs!r}")
    return (os.cpu_count() or 1) if n_jobs == -1 else int(n_jobs)


def _log_vectors(X, references, n_jobs=1):
    """Tangent vectors (n, r * p) of a validated stack at references (r, c, c), and the
    distances (n, r); rows split over threads (the kernel releases the GIL)."""
    W = np.stack([_invsqrtm(M) for M in references])
    n, c = X.shape[0], X.shape[1]
    X = np.ascontiguousarray(X)
    T = np.empty((n, W.shape[0] * (c * (c + 1) // 2)))
    d = np.empty((n, W.shape[0]))
    k = max(1, min(_n_threads(n_jobs), n // _MIN_ROWS_PER_THREAD))
    if k == 1:
        log_vectors(X=X, W=W, out=T, dist=d)
        return T, d
    cuts = np.linspace(0, n, k + 1).astype(int)

    def work(i):
        sl = slice(cuts[i], cuts[i + 1])
        log_vectors(X=X[sl], W=W, out=T[sl], dist=d[sl])

    with ThreadPoolExecutor(k) as ex:
        list(ex.map(work, range(k)))
    return T, d


def tangent_vectors(X, references, *, n_jobs=1) -> np.ndarray:
    """Affine-invariant tangent vectors of a stack of SPD matrices at one or more references.

    ``upper(log(M^-1/2 X M^-1/2))`` for each reference ``M`` (pyRiemann's
    ``tangent_space(X, M, metric="riemann")``, concatenated over references), computed by a
    fused numba kernel: each reference's inverse square root once, then per matrix one
    congruence, one symmetric eigendecomposition and the weighted upper triangle.

    Parameters
    ----------
    X : array_like, shape (n_matrices, n, n)
        SPD matrices.
    references : array_like, shape (n, n) or (n_references, n, n)
        SPD reference point(s).
    n_jobs : int, default 1
        Threads (-1: all cores).

    Returns
    -------
    T : ndarray, shape (n_matrices, n_references * n(n+1)/2)
        Off-diagonal entries weighted by sqrt(2) (Euclidean norm = Riemannian distance to the
        reference). A matrix of ``X`` that is not positive definite gives a row of NaN
        (``X`` is not factorised here, to keep the transform path fast).

    Raises
    ------
    ValueError
        For a wrong shape, NaN or inf, asymmetric matrices, no reference, references of
        another size than ``X``, or a reference that is not positive definite.

    Examples
    --------
    >>> import numpy as np
    >>> from pyriemann.geometry.tangentspace import tangent_space
    >>> A = np.random.default_rng(0).standard_normal((5, 3, 40))
    >>> C = A @ A.transpose(0, 2, 1) / 40
    >>> bool(np.allclose(tangent_vectors(C, C[0]), tangent_space(C, C[0]), atol=1e-12))
    True
    """
    X = check_spd_batch(X)
    R = check_spd_batch(
        np.asarray(references)[None] if np.ndim(references) == 2 else references, "references"
    )
    if R.shape[0] == 0:
        raise ValueError("references must hold at least one matrix, got shape (0, n, n)")
    if R.shape[1] != X.shape[1]:
        raise ValueError(
            f"references are {R.shape[1]} x {R.shape[1]}, X holds "
            f"{X.shape[1]} x {X.shape[1]} matrices"
        )
    _check_positive_definite(R, "references")
    return _log_vectors(X, R, n_jobs)[0]


def riemann_group_means(X, groups) -> tuple[np.ndarray, np.ndarray]:
    """Affine-invariant mean of each group of a validated stack (pyRiemann ``mean_riemann``).

    Returns the sorted unique groups and their means (n_groups, n, n); warns when a mean did
    not converge in ``MEAN_MAXITER`` iterations.
    """
    uniq, inv = np.unique(np.asarray(groups), return_inverse=True)
    order = np.argsort(inv, kind="stable")
    offsets = np.concatenate([[0], np.cumsum(np.bincount(inv, minlength=uniq.size))])
    out = np.empty((uniq.size, X.shape[1], X.shape[2]))
    n_iter = np.empty(uniq.size, dtype=np.int64)
    riemann_means(
        X=np.ascontiguousarray(X[order]),
        offsets=offsets.astype(np.int64),
        tol=MEAN_TOL,
        maxiter=MEAN_MAXITER,
        out=out,
        n_iter=n_iter,
    )
    if (n_iter < 0).any():
        warnings.warn(
            f"Riemannian mean did not converge in {MEAN_MAXITER} iterations for "
            f"{int((n_iter < 0).sum())} group(s)",
            RuntimeWarning,
            stacklevel=3,
        )
    return uniq, out


class ClassMeanTangentSpace(ThreeDInputMixin, TransformerMixin, BaseEstimator):
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

    Raises
    ------
    ValueError
        In ``fit``: ``metric`` or ``mode`` is unknown, ``y`` does not have one label per
        matrix or holds fewer than 2 classes, or ``X`` is not a stack of symmetric
        positive-definite matrices (NaN, inf or a degenerate record); in ``transform``:
        the same on ``X``, or matrices of another size than in ``fit``.

    Notes
    -----
    ``transform`` never reads labels: at test time a matrix's class is unknown, so it is
    described relative to all class means. Vectors use pyRiemann's ``upper`` convention
    (off-diagonal entries weighted by sqrt(2), so the Euclidean norm of a vector equals the
    Riemannian norm at its reference point). With ``metric="riemann"`` the class means,
    tangent vectors and distances come from the numba kernels of :mod:`geoecg._kernels.spd`
    (pyRiemann 0.12's formulas, agreement to 1e-10 tested); other metrics call pyRiemann.

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
        tags.target_tags.required = True  # fit needs the classes
        return tags

    def fit(self, X, y):
        """Compute the mean of each class; returns self."""
        if self.metric not in _METRICS:
            raise ValueError(f"metric must be one of {_METRICS}, got {self.metric!r}")
        if self.mode not in ("concat", "nearest"):
            raise ValueError(f"mode must be 'concat' or 'nearest', got {self.mode!r}")
        X = check_spd_batch(X)
        y = check_labels(y, X.shape[0])
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            raise ValueError(f"need at least 2 classes, got {self.classes_.tolist()}")
        _check_positive_definite(X)
        if self.metric == "riemann":
            self.means_ = riemann_group_means(X, y)[1]
        else:
            gmean = import_pyriemann("pyriemann.geometry.mean").gmean
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
        if self.metric == "riemann":
            return _log_vectors(X, self.means_)[1]
        distance = import_pyriemann("pyriemann.geometry.distance").distance

        return np.column_stack([distance(X, M, metric=self.metric)[:, 0] for M in self.means_])

    def _check(self, X):
        X = check_spd_batch(X)
        if X.shape[1] != self.n_channels_:
            raise ValueError(
                f"X has {X.shape[1]} x {X.shape[1]} matrices, fit saw "
                f"{self.n_channels_} x {self.n_channels_}"
            )
        return X

    def transform(self, X):
        """Tangent-space features, shape (n_matrices, n_features_out_)."""
        check_is_fitted(self, "means_")
        X = self._check(X)
        p = self.n_channels_ * (self.n_channels_ + 1) // 2
        if self.metric == "riemann":  # one fused kernel: vectors and distances at all means
            T, d = _log_vectors(X, self.means_)
            if self.mode == "concat":
                return T
            near = np.argmin(d, axis=1)
            T = T.reshape(X.shape[0], len(self.means_), p)[np.arange(X.shape[0]), near]
            return np.hstack([T, d])
        tangent_space = import_pyriemann("pyriemann.geometry.tangentspace").tangent_space

        if self.mode == "concat":
            return np.hstack([tangent_space(X, M, metric=self.metric) for M in self.means_])
        d = self.distances(X)
        near = np.argmin(d, axis=1)
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
