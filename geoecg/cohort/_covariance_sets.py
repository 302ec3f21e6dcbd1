"""The Riemannian cohort feature sets: ``covariance`` (:class:`CovarianceSet`, lead
covariances of the band-passed leads) and ``tangent`` (:class:`TangentSet`, their tangent
vectors at a fixed reference); public path :mod:`geoecg.cohort.feature_sets`."""

from __future__ import annotations

import numpy as np

from ..riemann.covariances import ESTIMATORS, lead_covariances
from ._feature_set_base import FeatureSet

__all__ = ["CovarianceSet", "TangentSet"]


_COV_BATCH = 128  # records per lead_covariances call (the stacked copy: 12 MB at 12 x 1000)


def _pairs(leads):
    n = len(leads)
    return [(i, j) for i in range(n) for j in range(i, n)]


class CovarianceSet(FeatureSet):
    """Lead covariance (upper triangle with the diagonal, prefix ``cov_``, mV^2) of the
    0.5-40 Hz band of the leads, :func:`geoecg.riemann.lead_covariances` with
    ``estimator`` (default OAS) and eigenvalue floor ``reg``.

    The band is taken at about 100 Hz (block means of ``floor(fs / 100)`` samples, then
    the band-pass; see :attr:`RecordData.band_decimated`): a 0.5-40 Hz signal has the same
    covariance at 100 Hz as at 500 Hz, at a fifth of the cost.

    Parameters
    ----------
    estimator : {"oas", "lwf", "scm"}, default "oas"
        Covariance estimator (see :func:`geoecg.riemann.lead_covariances`).
    reg : float, default 1e-6
        Eigenvalue floor relative to ``trace / n_channels`` (dimensionless), as in
        :func:`geoecg.riemann.lead_covariances`.

    Examples
    --------
    >>> s = CovarianceSet(estimator="oas")
    >>> s.columns(("I", "II", "V1"))  # the upper triangle with the diagonal
    [('cov_I_I', 'mV^2'), ('cov_I_II', 'mV^2'), ('cov_I_V1', 'mV^2'), ('cov_II_II', 'mV^2'),
     ('cov_II_V1', 'mV^2'), ('cov_V1_V1', 'mV^2')]
    """

    name = "covariance"
    uses = ("band_decimated",)

    def __init__(self, estimator: str = "oas", reg: float = 1e-6):
        if estimator not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {sorted(ESTIMATORS)}, got {estimator!r}")
        if isinstance(reg, bool) or not isinstance(reg, int | float | np.number):
            raise TypeError(f"reg must be a number >= 0 (relative floor), got {reg!r}")
        if not (np.isfinite(reg) and reg >= 0):
            raise ValueError(f"reg must be a finite number >= 0 (relative floor), got {reg!r}")
        self.estimator = estimator
        self.reg = reg

    def params(self):
        return {"estimator": self.estimator, "reg": self.reg}

    def columns(self, leads):
        return [(f"cov_{leads[i]}_{leads[j]}", "mV^2") for i, j in _pairs(leads)]

    def prepare(self, rec):
        rec.band_decimated  # noqa: B018 - computes the cache
        return True

    def matrices(self, recs) -> np.ndarray:
        """Covariance matrices ``(n_records, n_leads, n_leads)`` (records grouped by shape
        for one batched call each)."""
        n = len(recs)
        if n == 0:
            return np.empty((0, 0, 0))
        c = len(recs[0].leads)
        out = np.full((n, c, c), np.nan)
        groups: dict[tuple, list[int]] = {}
        for k, r in enumerate(recs):
            groups.setdefault(r.band_decimated[0].shape, []).append(k)
        for ks in groups.values():
            for start in range(0, len(ks), _COV_BATCH):
                kb = ks[start : start + _COV_BATCH]
                X = np.stack([recs[k].band_decimated[0] for k in kb])
                out[kb] = lead_covariances(X, estimator=self.estimator, reg=self.reg).covariances
        return out

    def compute(self, recs):
        C = self.matrices(recs)
        if not recs:
            return np.empty((0, 0))
        iu = np.triu_indices(C.shape[1])
        return C[:, iu[0], iu[1]]

    def compute_one(self, rec):
        return self.compute([rec])[0]


class TangentSet(FeatureSet):
    """Tangent vector (prefix ``tan_``, dimensionless) of the lead covariance at a fixed
    reference SPD matrix: ``upper(logm(R^-1/2 C R^-1/2))`` with off-diagonal entries
    weighted by sqrt(2) (``pyriemann.geometry.tangentspace.tangent_space``, metric
    ``"riemann"``).

    Parameters
    ----------
    reference : array_like, shape (n_leads, n_leads), optional
        The reference point (mV^2), for example the Riemannian mean of the covariances
        of a first run or of a training cohort. Default: the identity (mV^2), which makes
        the vector the matrix logarithm of the covariance (log-Euclidean coordinates).
        The reference is fixed for the whole run, so every chunk maps to the same space.
    covariance : CovarianceSet, optional

    Examples
    --------
    >>> s = TangentSet()
    >>> s
    TangentSet(reference=None, covariance={'estimator': 'oas', 'reg': 1e-06})
    >>> [c for c, _ in s.columns(("I", "II"))]
    ['tan_I_I', 'tan_I_II', 'tan_II_II']
    """

    name = "tangent"
    uses = ("band_decimated",)

    def __init__(self, reference=None, covariance: CovarianceSet | None = None):
        self.reference = None if reference is None else np.asarray(reference, dtype=np.float64)
        self.covariance = CovarianceSet() if covariance is None else covariance
        if self.reference is not None:
            R = self.reference
            if R.ndim != 2 or R.shape[0] != R.shape[1] or not np.allclose(R, R.T):
                raise ValueError(f"reference must be a symmetric square matrix, got {R.shape}")
            if np.linalg.eigvalsh(R).min() <= 0:
                raise ValueError("reference must be positive definite (SPD)")

    def params(self):
        ref = None if self.reference is None else self.reference.round(12).tolist()
        return {"reference": ref, "covariance": self.covariance.params()}

    def columns(self, leads):
        if self.reference is not None and self.reference.shape[0] != len(leads):
            raise ValueError(
                f"reference is {self.reference.shape[0]}x{self.reference.shape[0]} but the "
                f"records have {len(leads)} leads"
            )
        return [(f"tan_{leads[i]}_{leads[j]}", "1") for i, j in _pairs(leads)]

    def prepare(self, rec):
        return self.covariance.prepare(rec)

    def compute(self, recs):
        from .._optional import import_pyriemann  # pyRiemann without torch

        tangent_space = import_pyriemann("pyriemann.geometry.tangentspace").tangent_space
        C = self.covariance.matrices(recs)
        if not recs:
            return np.empty((0, 0))
        ref = np.eye(C.shape[1]) if self.reference is None else self.reference
        out = np.full((len(recs), C.shape[1] * (C.shape[1] + 1) // 2), np.nan)
        ok = np.isfinite(C).all(axis=(1, 2))
        if ok.any():
            out[ok] = tangent_space(C[ok], ref, metric="riemann")
        return out

    def compute_one(self, rec):
        return self.compute([rec])[0]
