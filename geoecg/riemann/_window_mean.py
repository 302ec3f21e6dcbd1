"""Riemannian (affine-invariant) mean of a record's window covariances.

Used by :func:`geoecg.riemann.lead_covariances` with ``window_mean="riemann"``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["WINDOW_MEANS", "riemann_window_mean"]

#: How the covariances of a record's windows are averaged (``window_mean``).
WINDOW_MEANS = ("arithmetic", "riemann")


def riemann_window_mean(cw, reg: float):
    """Per-record Riemannian mean of SPD-floored window covariances.

    Parameters
    ----------
    cw : ndarray, shape (n_records, n_windows, n_channels, n_channels)
        Window covariances in mV^2 (NaN for windows without usable samples).
    reg : float
        Relative eigenvalue floor (dimensionless, > 0), as in
        :func:`geoecg.riemann.lead_covariances`.

    Returns
    -------
    mean : ndarray, shape (n_records, n_channels, n_channels)
        Affine-invariant mean (mV^2) of the usable windows (pyRiemann 0.12
        ``mean_riemann``'s iterations, in one batched numba kernel call); records without
        any fall back to the element-wise mean (NaN or flat), which ``lead_covariances`` then flags.
    ridge : ndarray, shape (n_records,)
        Largest ridge (mV^2) added to one of the record's windows (0 when none).
    """
    from .covariances import _ridge_needed  # lazy: covariances imports this module
    from .tangent import riemann_group_means

    nb, nw, c, _ = cw.shape
    flat = cw.reshape(nb * nw, c, c).copy()
    trace = np.trace(flat, axis1=1, axis2=2)
    ok = np.isfinite(flat).all(axis=(1, 2)) & (trace > 0)
    add = np.zeros(nb * nw)
    if ok.any():
        add[ok] = _ridge_needed(flat[ok], reg * trace[ok] / c)
        flat[ok] += add[ok, None, None] * np.eye(c)
    flat, ok, add = flat.reshape(cw.shape), ok.reshape(nb, nw), add.reshape(nb, nw)
    out = np.empty((nb, c, c))
    count = ok.sum(axis=1)
    for i in np.flatnonzero(count < 2):
        if count[i] == 1:
            out[i] = flat[i, ok[i]][0]
        else:  # no usable window: NaN, or the (flat) mean of the finite ones
            fin = np.isfinite(cw[i]).all(axis=(1, 2))
            out[i] = cw[i, fin].mean(axis=0) if fin.any() else np.nan
    many = count >= 2
    if many.any():
        rec = np.broadcast_to(np.arange(nb)[:, None], (nb, nw))
        sel = ok & many[:, None]
        out[many] = riemann_group_means(flat[sel], rec[sel])[1]
    return out, add.max(axis=1)
