"""Linear-algebra helpers of :class:`geoecg.leads.LeadReconstructor`: delay design, batched
OAS covariances, Gaussian conditional-mean weights."""

from __future__ import annotations

import numpy as np

__all__ = ["_lagged", "_oas", "_conditional"]


def _lagged(S: np.ndarray, n_taps: int) -> np.ndarray:
    """Design ``(n, T, n_src * (2 n_taps + 1))``: each source at delays -n_taps..n_taps.

    Edges repeat the first/last sample.
    """
    n, k, T = S.shape
    if n_taps == 0:
        return S.transpose(0, 2, 1)
    P = np.pad(S, ((0, 0), (0, 0), (n_taps, n_taps)), mode="edge")
    cols = [P[:, :, n_taps + d : n_taps + d + T] for d in range(-n_taps, n_taps + 1)]
    return np.concatenate(cols, axis=1).transpose(0, 2, 1)


def _oas(Z: np.ndarray) -> np.ndarray:
    """OAS-shrunk covariances of centred records ``Z`` (n, T, d), shape (n, d, d).

    The closed form of ``sklearn.covariance.oas`` (Chen et al. 2010), batched.
    """
    n, T, d = Z.shape
    emp = np.einsum("ntp,ntq->npq", Z, Z) / T
    mu = np.trace(emp, axis1=1, axis2=2) / d
    alpha = (emp**2).mean(axis=(1, 2))
    num = alpha + mu**2
    den = (T + 1.0) * (alpha - mu**2 / d)
    with np.errstate(invalid="ignore", divide="ignore"):
        shrink = np.where(den > 0, np.minimum(num / np.where(den > 0, den, 1.0), 1.0), 1.0)
    eye = np.eye(d)
    return (1 - shrink)[:, None, None] * emp + (shrink * mu)[:, None, None] * eye


def _conditional(S, p, shrinkage):
    """Weights of the conditional mean of the last block given the first ``p`` variables."""
    S = (1 - shrinkage) * S + shrinkage * np.diag(np.diag(S))
    Sss, Ssm = S[:p, :p], S[:p, p:]
    if np.linalg.cond(Sss) > 1e12:
        return np.linalg.lstsq(Sss, Ssm, rcond=None)[0]
    return np.linalg.solve(Sss, Ssm)
