"""Forest plot of a comparison table (metric with bootstrap CIs per method)."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_comparison"]


def plot_comparison(table, metric: str = "auroc", ax=None):
    """Draw each method's pooled out-of-fold metric with its 95% CI.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`geoecg.evaluation.compare`.
    metric : str
        Which metric to draw.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> table = pd.DataFrame({"method": ["tangent + LR", "MDM"], "metric": ["auroc"] * 2,
    ...                       "value": [0.88, 0.83], "ci_low": [0.85, 0.79],
    ...                       "ci_high": [0.91, 0.87]})  # the columns evaluation.compare returns
    >>> fig = plot_comparison(table, "auroc")
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]  # sorted by value
    ['MDM', 'tangent + LR']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    need = {"method", "metric", "value", "ci_low", "ci_high"}
    if not hasattr(table, "columns"):
        raise TypeError(
            f"table must be a DataFrame (evaluation.compare's output), got {type(table).__name__}"
        )
    if not need <= set(table.columns):
        raise ValueError(f"table lacks the columns {sorted(need - set(table.columns))}")
    rows = table[table["metric"] == metric].sort_values("value")
    if rows.empty:
        raise ValueError(f"no rows for metric {metric!r}; metrics: {sorted(set(table['metric']))}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 1.2))
    y = np.arange(len(rows))
    err = np.vstack([rows["value"] - rows["ci_low"], rows["ci_high"] - rows["value"]])
    ax.errorbar(rows["value"], y, xerr=np.nan_to_num(err), fmt="o", color="k", capsize=3)
    ax.set_yticks(y, rows["method"])
    ax.set_xlabel(f"{metric} (pooled out-of-fold, 95% patient bootstrap CI)")
    ax.grid(axis="x", alpha=0.3)
    ax.figure.tight_layout()
    return ax.figure
