"""Per-domain Riemannian re-centering (site, device, subject) of SPD matrices.

Zanini et al. (2018, IEEE TBME 65(5):1107) re-centre each domain's covariances at the
identity by the congruence ``M_d^-1/2 C M_d^-1/2`` with ``M_d`` the domain's mean, which
removes a domain-wide congruence (a different electrode gain or placement) exactly.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._three_d_input import ThreeDInputMixin
from .tangent import _check_positive_definite, _invsqrtm, check_spd_batch, riemann_group_means


def _mean(X, metric: str) -> np.ndarray:
    if metric == "riemann":  # batched numba kernel (pyRiemann 0.12 mean_riemann)
        return riemann_group_means(X, np.zeros(X.shape[0], dtype=np.int64))[1][0]
    return _gmean(X, metric)


def _gmean(X, metric: str) -> np.ndarray:
    """pyRiemann's ``gmean``, imported on first use (pyRiemann imports torch, ~10 s CPU)."""
    from .._optional import import_pyriemann  # pyRiemann without torch

    return import_pyriemann("pyriemann.geometry.mean").gmean(X, metric=metric)


__all__ = ["RiemannianRecentering"]


def _domains(domains, n: int) -> np.ndarray:
    if domains is None:
        return np.zeros(n, dtype=np.int64)
    d = np.asarray(domains)
    if d.shape != (n,):
        raise ValueError(f"domains must have shape ({n},) aligned with X, got {d.shape}")
    return d


class RiemannianRecentering(ThreeDInputMixin, TransformerMixin, BaseEstimator):
    """Re-centre the matrices of each domain at the identity.

    Domains (site, device, subject) come through scikit-learn metadata routing: request
    them with ``set_fit_request(domains=True).set_transform_request(domains=True)`` and
    pass ``domains=`` to the pipeline's ``fit``/``predict``.

    Parameters
    ----------
    metric : {"riemann", "logeuclid", "euclid"}, default "riemann"
        Metric of the domain means.
    unseen : {"batch", "global", "error"}, default "batch"
        What ``transform`` does with a domain absent from ``fit``: re-centre it on the mean
        of its own matrices in the batch (unsupervised, uses no labels), on the mean of all
        training matrices, or raise ``ValueError``.

    Attributes
    ----------
    domain_means_ : dict
        Domain -> mean matrix.
    global_mean_ : ndarray, shape (n, n)

    Notes
    -----
    With ``domains=None`` all matrices form one domain (plain re-centering).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.random.default_rng(0).standard_normal((8, 3, 40))
    >>> C = A @ A.transpose(0, 2, 1) / 40
    >>> site = np.repeat(["a", "b"], 4)
    >>> Z = RiemannianRecentering().fit_transform(C, domains=site)
    >>> Z.shape
    (8, 3, 3)
    """

    def __init__(self, metric="riemann", unseen="batch"):
        self.metric = metric
        self.unseen = unseen

    def fit(self, X, y=None, domains=None):
        """Compute the mean of each domain; returns self."""
        if self.metric not in ("riemann", "logeuclid", "euclid"):
            raise ValueError(
                f"metric must be 'riemann', 'logeuclid' or 'euclid', got {self.metric!r}"
            )
        if self.unseen not in ("batch", "global", "error"):
            raise ValueError(f"unseen must be 'batch', 'global' or 'error', got {self.unseen!r}")
        X = check_spd_batch(X)
        if X.shape[0] == 0:
            raise ValueError("X must hold at least one matrix to fit the means")
        _check_positive_definite(X)
        d = _domains(domains, X.shape[0])
        if self.metric == "riemann":
            keys, means = riemann_group_means(X, d)
            self.domain_means_ = dict(zip(keys.tolist(), means, strict=True))
        else:
            self.domain_means_ = {k: _gmean(X[d == k], self.metric) for k in np.unique(d).tolist()}
        self.global_mean_ = _mean(X, self.metric)
        self.n_channels_ = X.shape[1]
        return self

    def transform(self, X, domains=None):
        """Re-centred matrices, same shape as X."""
        check_is_fitted(self, "domain_means_")
        X = check_spd_batch(X)
        if X.shape[1] != self.n_channels_:
            raise ValueError(f"X has {X.shape[1]} channels, fit saw {self.n_channels_}")
        _check_positive_definite(X)
        d = _domains(domains, X.shape[0])
        out = np.empty_like(X)
        for k in np.unique(d).tolist():
            sel = d == k
            M = self.domain_means_.get(k)
            if M is None:
                if self.unseen == "error":
                    raise ValueError(f"domain {k!r} was not seen in fit")
                M = _mean(X[sel], self.metric) if self.unseen == "batch" else (self.global_mean_)
            W = _invsqrtm(M)
            Z = W @ X[sel] @ W
            out[sel] = (Z + Z.transpose(0, 2, 1)) / 2
        return out

    def fit_transform(self, X, y=None, domains=None):
        """``fit(X, y, domains).transform(X, domains)``."""
        return self.fit(X, y, domains=domains).transform(X, domains=domains)
