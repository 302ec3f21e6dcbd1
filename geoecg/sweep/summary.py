"""Summaries of sweep rows: mean and t confidence interval over seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["summarize"]


def summarize(
    df: pd.DataFrame, metrics=("log_loss_gap", "auroc_gap"), *, level: float = 0.95
) -> pd.DataFrame:
    """Mean and Student-t confidence interval of each metric per (method, shift, n).

    Parameters
    ----------
    df : DataFrame
        Sweep rows (one per cell).
    metrics : sequence of str
        Columns to summarise.
    level : float, default=0.95
        Confidence level of the interval over seeds (NaN with a single seed).

    Returns
    -------
    DataFrame
        One row per (method, shift, n) and metric, columns ``method, shift, n, metric,
        mean, ci_low, ci_high, n_seeds``.

    Examples
    --------
    >>> df = pd.DataFrame({"method": ["a"] * 3, "shift": [0.0] * 3, "n": [10] * 3,
    ...                    "log_loss_gap": [0.1, 0.2, 0.3]})
    >>> s = summarize(df, ["log_loss_gap"])
    >>> float(s["mean"].iloc[0]), int(s["n_seeds"].iloc[0])
    (0.2, 3)
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"df must be a DataFrame of results (load_results), got {type(df).__name__}"
        )
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    missing = [m for m in metrics if m not in df.columns]
    if missing:
        raise ValueError(f"metrics {missing} are not columns of the results")
    out = []
    for (method, shift, n), g in df.groupby(["method", "shift", "n"], sort=True):
        for m in metrics:
            v = g[m].to_numpy(float)
            v = v[np.isfinite(v)]
            k = v.size
            mean = float(v.mean()) if k else float("nan")
            if k > 1:
                half = float(stats.t.ppf(0.5 + level / 2, k - 1) * v.std(ddof=1) / np.sqrt(k))
            else:
                half = float("nan")
            out.append(
                {
                    "method": method,
                    "shift": float(shift),
                    "n": int(n),
                    "metric": m,
                    "mean": mean,
                    "ci_low": mean - half,
                    "ci_high": mean + half,
                    "n_seeds": k,
                }
            )
    return pd.DataFrame(
        out, columns=["method", "shift", "n", "metric", "mean", "ci_low", "ci_high", "n_seeds"]
    )
