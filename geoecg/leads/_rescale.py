"""Quantile mapping of per-record amplitudes: undo the shrinkage of a conditional mean.

A population reconstruction predicts the conditional mean of the missing leads, so the
spread of their amplitudes across records shrinks toward the population (regression to
the mean). :class:`geoecg.leads.LeadReconstructor` with ``amplitude="quantile"`` rescales
each reconstructed lead of each record by one positive factor, so that the distribution of
per-record standard deviations of the reconstructed lead matches that of the true lead in
the training records. One positive factor per record and lead leaves that record's Pearson
r unchanged; the RMSE pays for it (reported beside the variance ratio).
"""

from __future__ import annotations

import numpy as np

__all__ = ["AMPLITUDE_MAPS", "N_QUANTILES", "fit_quantile_map", "apply_quantile_map"]

#: ``amplitude=`` choices of :class:`geoecg.leads.LeadReconstructor`.
AMPLITUDE_MAPS = ("conditional", "quantile")
#: Quantiles (0 .. 1, evenly spaced) stored per lead.
N_QUANTILES = 51
#: Below this per-record SD (mV) a reconstructed lead is left as it is (factor 1).
MIN_SD_MV = 1e-6


def _log_sd(Y: np.ndarray) -> np.ndarray:
    sd = Y.std(axis=-1)
    with np.errstate(divide="ignore"):
        return np.where(sd > MIN_SD_MV, np.log(np.maximum(sd, MIN_SD_MV)), np.nan)


def fit_quantile_map(Y_true, Y_rec, n_quantiles=N_QUANTILES):
    """Quantiles of log per-record SD, true and reconstructed, per lead.

    Parameters
    ----------
    Y_true, Y_rec : ndarray, shape (n_records, n_leads, n_samples)
        True and reconstructed training leads (mV).
    n_quantiles : int
        Number of evenly spaced quantiles.

    Returns
    -------
    ndarray, shape (2, n_quantiles, n_leads)
        ``[0]`` quantiles of log SD of the reconstructed leads, ``[1]`` of the true leads
        (log mV).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> Y = rng.standard_normal((200, 1, 50)) * rng.uniform(0.5, 2, (200, 1, 1))
    >>> q = fit_quantile_map(Y, 0.5 * Y)
    >>> bool(np.allclose(q[1] - q[0], np.log(2)))
    True
    """
    q = np.linspace(0.0, 1.0, int(n_quantiles))
    return np.stack(
        [np.nanquantile(_log_sd(Y_rec), q, axis=0), np.nanquantile(_log_sd(Y_true), q, axis=0)]
    )


def apply_quantile_map(Y_rec, table):
    """Rescale each record's reconstructed leads about their mean by one positive factor.

    The factor maps the record's reconstructed SD to the true-SD quantile of the same
    rank (linear interpolation in log SD; beyond the training range the end ratio holds).

    Parameters
    ----------
    Y_rec : ndarray, shape (n_records, n_leads, n_samples)
        Reconstructed leads (mV); NaN records stay NaN.
    table : ndarray, shape (2, n_quantiles, n_leads)
        From :func:`fit_quantile_map`.

    Returns
    -------
    ndarray, same shape as ``Y_rec``
    """
    ls = _log_sd(Y_rec)
    fac = np.ones(ls.shape)
    for j in range(ls.shape[1]):
        qr, qt = table[0, :, j], table[1, :, j]
        ok = np.isfinite(ls[:, j])
        fac[ok, j] = np.exp(np.interp(ls[ok, j], qr, qt - qr))
    mu = Y_rec.mean(axis=-1, keepdims=True)
    return mu + fac[..., None] * (Y_rec - mu)
