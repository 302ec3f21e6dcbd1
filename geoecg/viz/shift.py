"""Plots of distribution-shift sweeps: a metric against shift strength, one line per method."""

from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["plot_shift_sweep"]


def plot_shift_sweep(summary, metrics=None, *, axes=None, title=None, xlabel=None):
    """Draw mean and confidence band of each metric against shift strength per method.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`geoecg.sweep.summarize` (columns ``method, shift, n, metric,
        mean, ci_low, ci_high``). With several ``n`` the largest is drawn.
    metrics : list of str, optional
        Metrics to draw, one panel each (default: all in ``summary``).
    axes : sequence of matplotlib Axes, optional
    title : str, optional
    xlabel : str or dict, optional
        Label of the shift axis, or a sweep config's ``[shift]`` table (e.g.
        ``{"age_mean": 10.0}``) from which the label is written (default "shift strength s").

    Notes
    -----
    Metrics and methods are labelled in words (``log_loss_gap`` is drawn as "log-loss
    transfer gap (nats; > 0 = worse)", ``x_plus_w`` as "X + covariates W (logistic)").

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"method": ["a", "a"], "shift": [0.0, 1.0], "n": [10, 10],
    ...                   "metric": ["log_loss_gap"] * 2, "mean": [0.0, 0.1],
    ...                   "ci_low": [-0.01, 0.05], "ci_high": [0.01, 0.15]})
    >>> fig = plot_shift_sweep(s)
    >>> len(fig.axes)
    1
    """
    import matplotlib.pyplot as plt

    if not hasattr(summary, "columns"):
        raise TypeError(
            f"summary must be a DataFrame (sweep.summarize), got {type(summary).__name__}"
        )
    if summary.empty:
        raise ValueError("summary is empty: nothing to plot")
    metrics = list(dict.fromkeys(summary["metric"])) if metrics is None else list(metrics)
    unknown = [m for m in metrics if m not in set(summary["metric"])]
    if unknown:
        raise ValueError(f"metrics {unknown} are not in the summary")
    s = summary[summary["n"] == summary["n"].max()]
    if axes is None:
        fig, axes = plt.subplots(1, len(metrics), figsize=(5.0 * len(metrics), 3.8), squeeze=False)
        axes = axes[0]
    else:
        axes = np.atleast_1d(axes)
        fig = axes[0].figure
    from ._labels import method_label, metric_label, shift_label

    if xlabel is None or isinstance(xlabel, dict):
        xlabel = shift_label(xlabel)
    for ax, metric in zip(axes, metrics, strict=False):
        d = s[s["metric"] == metric]
        for method, g in d.groupby("method", sort=True):
            g = g.sort_values("shift")
            (line,) = ax.plot(g["shift"], g["mean"], marker="o", ms=4, label=method_label(method))
            ax.fill_between(
                g["shift"],
                g["ci_low"],
                g["ci_high"],
                alpha=0.2,
                color=line.get_color(),
                linewidth=0,
            )
        ax.axhline(0.0, color="0.5", lw=0.8, ls=":")
        ax.set_xlabel(_balanced_fill(xlabel, 55))  # a long label stays inside the figure
        ax.set_ylabel(metric_label(metric))
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, frameon=False)
    n = int(s["n"].iloc[0])
    fig.suptitle(title or f"transfer under shift (n = {n} per training environment; 95% CI)")
    fig.tight_layout()
    return fig


def _balanced_fill(text: str, width: int) -> str:
    """``text`` on as few lines of at most ``width`` characters as :func:`textwrap.fill`
    needs, with the words spread evenly: "... per unit of" / "s" becomes two halves."""
    lines = len(textwrap.wrap(text, width)) or 1
    for w in range(-(-len(text) // lines), width + 1):
        filled = textwrap.wrap(text, w)
        if len(filled) <= lines:
            return "\n".join(filled)
    return textwrap.fill(text, width)
