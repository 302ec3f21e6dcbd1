"""Geodesic augmentation of SPD matrices between same-class pairs (Alkan et al. 2023).

Augmentation is a meta-estimator, :class:`GeodesicAugmentedClassifier`: it adds synthetic
matrices to the data given to ``fit`` only, so inside ``cross_validate`` or a grid search
the test folds are never augmented (``predict``/``predict_proba`` pass their input through
unchanged). We chose a meta-estimator over an imbalanced-learn resampler so that no extra
dependency is needed and the guarantee holds in any scikit-learn pipeline.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .._kernels.spd import geodesic_logeuclid, geodesic_riemann
from .._rows import zero_rows
from .._three_d_input import ThreeDInputMixin
from .tangent import _check_positive_definite, check_labels, check_spd_batch


def _inner_has(method):
    def check(self):
        return hasattr(getattr(self, "estimator_", self.estimator), method)

    return check


__all__ = ["GeodesicSamples", "geodesic_augment", "GeodesicAugmentedClassifier"]

_METRICS = ("riemann", "logeuclid")


@dataclass(frozen=True)
class GeodesicSamples:
    """New matrices on geodesics between same-class pairs.

    Attributes
    ----------
    X : ndarray, shape (n_new, n, n)
        The synthetic SPD matrices.
    y : ndarray, shape (n_new,)
        Their class (that of both end points).
    first, second : ndarray of int, shape (n_new,)
        Indices of the end points in the input (so covariates can be interpolated alike).
    alpha : ndarray, shape (n_new,)
        Position on the geodesic, ``X = gamma(first -> second)(alpha)``.
    """

    X: np.ndarray
    y: np.ndarray
    first: np.ndarray
    second: np.ndarray
    alpha: np.ndarray


def geodesic_augment(
    X, y, *, ratio: float = 1.0, metric: str = "riemann", random_state=None
) -> GeodesicSamples:
    """Draw ``round(ratio * n)`` new SPD matrices on geodesics between same-class pairs.

    Each new matrix picks a class in proportion to the class sizes (classes with a single
    member are skipped), two distinct members ``A``, ``B`` of it at random and
    ``alpha ~ U(0, 1)``, and returns the point of the geodesic from ``A`` to ``B`` at
    ``alpha``: ``A^1/2 (A^-1/2 B A^-1/2)^alpha A^1/2`` for the affine-invariant metric,
    ``expm((1 - alpha) logm A + alpha logm B)`` for log-Euclidean (pyRiemann 0.12
    ``geodesic``'s formulas, in a batched numba kernel: one or two symmetric
    eigendecompositions per new matrix, no stack of temporaries).

    Parameters
    ----------
    X : array_like, shape (n_matrices, n, n)
        SPD matrices.
    y : array_like, shape (n_matrices,)
        Class labels.
    ratio : float, default 1.0
        Number of new matrices relative to ``n_matrices``.
    metric : {"riemann", "logeuclid"}, default "riemann"
    random_state : int, Generator, RandomState or None

    Returns
    -------
    GeodesicSamples

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(0).standard_normal((6, 2, 20))
    >>> C = A @ A.transpose(0, 2, 1) / 20
    >>> s = geodesic_augment(C, [0, 0, 0, 1, 1, 1], ratio=2, random_state=0)
    >>> s.X.shape
    (12, 2, 2)
    >>> bool(np.all(np.array([0, 0, 0, 1, 1, 1])[s.first] == s.y))
    True
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}")
    if isinstance(ratio, bool) or not isinstance(ratio, numbers.Real):
        raise TypeError(f"ratio must be a number >= 0, got {type(ratio).__name__}")
    if not np.isfinite(ratio) or ratio < 0:
        raise ValueError(f"ratio must be a finite number >= 0, got {ratio!r}")
    X = check_spd_batch(X)
    _check_positive_definite(X)
    y = check_labels(y, X.shape[0])
    rs = check_random_state(random_state)
    n_new = int(round(ratio * X.shape[0]))
    classes, inverse = np.unique(y, return_inverse=True)
    members = [np.flatnonzero(inverse == k) for k in range(classes.size)]
    usable = [k for k, m in enumerate(members) if m.size >= 2]
    n = X.shape[1]
    if n_new == 0 or not usable:
        empty = np.empty(0, dtype=np.int64)
        return GeodesicSamples(np.empty((0, n, n)), y[:0], empty, empty, np.empty(0))
    sizes = np.array([members[k].size for k in usable], dtype=float)
    cls = np.asarray(usable)[rs.choice(len(usable), size=n_new, p=sizes / sizes.sum())]
    first = np.empty(n_new, dtype=np.int64)
    second = np.empty(n_new, dtype=np.int64)
    for j, k in enumerate(cls):
        a, b = rs.choice(members[k].size, size=2, replace=False)
        first[j], second[j] = members[k][a], members[k][b]
    alpha = rs.uniform(0.0, 1.0, size=n_new)
    Xn = np.empty((n_new, n, n))  # exactly symmetric: the kernels mirror one triangle
    if metric == "riemann":
        geodesic_riemann(X=np.ascontiguousarray(X), first=first, second=second, alpha=alpha, out=Xn)
    else:
        from .._optional import import_pyriemann  # pyRiemann without torch, on first use

        logm = import_pyriemann("pyriemann.geometry.base").logm

        L = np.ascontiguousarray(logm(X))
        geodesic_logeuclid(
            L=(L + L.transpose(0, 2, 1)) / 2, first=first, second=second, alpha=alpha, out=Xn
        )
    return GeodesicSamples(Xn, y[first], first, second, alpha)


def _check_empty_spd(clf, X, **_) -> None:
    """A 0-matrix ``X`` is a stack of the fitted matrix size (ValueError otherwise)."""
    X = check_spd_batch(X)
    n = getattr(clf, "n_channels_", X.shape[1])
    if X.shape[1] != n:
        raise ValueError(f"X has {X.shape[1]} x {X.shape[2]} matrices, fit saw {n} x {n}")


class GeodesicAugmentedClassifier(ThreeDInputMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on the training matrices plus geodesic same-class interpolations.

    Parameters
    ----------
    estimator : classifier
        Any classifier taking SPD matrices (e.g. a pipeline ending in a tangent space and a
        logistic regression, or pyRiemann ``MDM``).
    ratio : float, default 1.0
        New matrices per training matrix.
    metric : {"riemann", "logeuclid"}, default "riemann"
    random_state : int, RandomState, Generator or None

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone.
    classes_ : ndarray
    n_augmented_ : int
        Matrices added in ``fit``.

    Notes
    -----
    Only ``fit`` augments; ``predict``, ``predict_proba`` and ``decision_function`` forward
    their input unchanged, so test folds are never augmented.

    Examples
    --------
    >>> import numpy as np
    >>> from pyriemann.classification import MDM
    >>> A = np.random.default_rng(0).standard_normal((20, 3, 40))
    >>> C = A @ A.transpose(0, 2, 1) / 40
    >>> y = np.repeat([0, 1], 10)
    >>> clf = GeodesicAugmentedClassifier(MDM(), random_state=0).fit(C, y)
    >>> clf.n_augmented_, clf.predict(C).shape
    (20, (20,))
    """

    def __init__(self, estimator, *, ratio=1.0, metric="riemann", random_state=None):
        self.estimator = estimator
        self.ratio = ratio
        self.metric = metric
        self.random_state = random_state

    def fit(self, X, y):
        """Augment (X, y) and fit a clone of ``estimator``; returns self."""
        X = check_spd_batch(X)
        y = check_labels(y, X.shape[0])
        s = geodesic_augment(
            X, y, ratio=self.ratio, metric=self.metric, random_state=self.random_state
        )
        self.estimator_ = clone(self.estimator).fit(
            np.concatenate([X, s.X]), np.concatenate([y, s.y])
        )
        self.classes_ = self.estimator_.classes_
        self.n_augmented_ = int(s.X.shape[0])
        self.n_channels_ = int(X.shape[1])
        return self

    @zero_rows("labels", check=_check_empty_spd)
    def predict(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict(X)

    score = zero_rows("score", check=_check_empty_spd)(ClassifierMixin.score)

    @available_if(_inner_has("predict_proba"))
    @zero_rows("proba", check=_check_empty_spd)
    def predict_proba(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    @available_if(_inner_has("decision_function"))
    @zero_rows("decision", check=_check_empty_spd)
    def decision_function(self, X):
        check_is_fitted(self, "estimator_")
        return self.estimator_.decision_function(X)
