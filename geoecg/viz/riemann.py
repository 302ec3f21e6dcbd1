"""Plots for the Riemannian pipeline: covariance heat maps, tangent-space scatter, AUC curves."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_covariances", "plot_tangent_scatter", "plot_learning_curve"]


def plot_covariances(covs, titles=None, lead_names=None, *, ax=None):
    """Heat maps of a few covariance matrices (mV^2), shared colour scale.

    Parameters
    ----------
    covs : array_like, shape (k, n, n)
        Matrices to draw (e.g. the class means ``ClassMeanTangentSpace.means_``).
    titles : list of str, optional
    lead_names : list of str, optional
        Axis labels (n names; Goldberger leads are drawn as aVR, aVL, aVF).
    ax : array of matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    covs = np.asarray(covs, dtype=float)
    if covs.ndim == 2:
        covs = covs[None]
    k = covs.shape[0]
    if ax is None:
        fig, ax = plt.subplots(1, k, figsize=(3.2 * k, 3.0), squeeze=False)
        ax = ax[0]
    else:
        ax = np.atleast_1d(ax)
        fig = ax[0].figure
    vmax = np.nanmax(np.abs(covs))
    for i in range(k):
        im = ax[i].imshow(covs[i], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        if titles is not None:
            ax[i].set_title(titles[i])
        if lead_names is not None:
            from ._labels import lead_label

            names = [lead_label(n) for n in lead_names]  # aVR/aVL/aVF, not AVR/AVL/AVF
            ax[i].set_xticks(range(len(names)), names, rotation=90, fontsize=7)
            ax[i].set_yticks(range(len(names)), names, fontsize=7)
    fig.colorbar(im, ax=list(ax), shrink=0.8, label="mV$^2$")
    return fig


def plot_tangent_scatter(T, y, *, labels=None, ax=None):
    """First two principal components of tangent vectors, coloured by class.

    Parameters
    ----------
    T : array_like, shape (n_records, n_features)
        Tangent vectors (e.g. from :class:`geoecg.riemann.ClassMeanTangentSpace`).
    y : array_like, shape (n_records,)
        Class of each record.
    labels : mapping or sequence, optional
        Legend name of each class value (``labels[k]``); ``str(k)`` when None.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    T = np.asarray(T, dtype=float)
    y = np.asarray(y)
    Z = T - T.mean(axis=0)
    _, _, Vt = np.linalg.svd(Z, full_matrices=False)
    P = Z @ Vt[:2].T
    if ax is None:
        fig, ax = plt.subplots(figsize=(4.5, 4))
    else:
        fig = ax.figure
    for k in np.unique(y):
        name = labels[k] if labels is not None else str(k)
        ax.scatter(P[y == k, 0], P[y == k, 1], s=12, alpha=0.7, label=name)
    ax.set_xlabel("tangent PC 1")
    ax.set_ylabel("tangent PC 2")
    ax.legend(frameon=False)
    return fig


def plot_learning_curve(sizes, curves, *, ax=None):
    """AUC with 95% CI bands versus training-set size.

    Parameters
    ----------
    sizes : array_like of int
        Training records per fit.
    curves : dict
        Method name -> list of ``(auc, low, high)`` (one per size), or of
        :class:`~geoecg.evaluation.BootstrapCI`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.5))
    else:
        fig = ax.figure
    sizes = np.asarray(sizes)
    for name, pts in curves.items():
        arr = np.array(
            [(p.estimate, p.low, p.high) if hasattr(p, "estimate") else p for p in pts], dtype=float
        )
        ax.plot(sizes, arr[:, 0], marker="o", label=name)
        ax.fill_between(sizes, arr[:, 1], arr[:, 2], alpha=0.2)
    ax.set_xlabel("training records")
    ax.set_ylabel("AUC (95% CI)")
    ax.legend(frameon=False)
    return fig
