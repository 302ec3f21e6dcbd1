"""AF screening plots: episode timeline with P(AF) and heart rate."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_af_timeline"]


def plot_af_timeline(screening, *, truth=None, ax=None, hours: bool | None = None):
    """Timeline of a :class:`geoecg.estimators.af.screening.AFScreening`.

    Top: heart rate (bpm, from the RR intervals) and P(AF) per beat; bottom: detected AF
    episodes as bars, and reference episodes (``truth``) when given.

    Parameters
    ----------
    screening : AFScreening
    truth : DataFrame or list of (start_s, end_s), optional
        Reference AF episodes (a DataFrame with ``start_s``/``end_s`` columns, or pairs).
    ax : pair of matplotlib Axes, optional
    hours : bool, optional
        Time axis in hours (default: when the recording is longer than 2 h).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(
            2, 1, figsize=(11, 4), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
        )
    else:
        fig = ax[0].figure
    hours = screening.duration_s > 7200 if hours is None else hours
    scale = 3600.0 if hours else 1.0
    unit = "h" if hours else "s"
    t = screening.rpeaks[1:] / screening.fs / scale
    if t.size:
        hr = 60000.0 / screening.rr_ms
        ax[0].plot(t, hr, ".", ms=3, color="0.25", alpha=0.8, label="heart rate per beat")
        ax[0].set_ylim(np.nanpercentile(hr, 0.5) * 0.8, np.nanpercentile(hr, 99.5) * 1.2)
        twin = ax[0].twinx()
        twin.plot(t, screening.p_af, lw=1.0, color="tab:red", alpha=0.8, label="P(AF) per beat")
        twin.set_ylim(-0.05, 1.05)
        twin.set_ylabel("P(AF)", color="tab:red")
        handles = ax[0].get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
        ax[0].legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.8)
    ax[0].set_ylabel("heart rate (bpm)")
    rows = [("detected AF", screening.episodes[["start_s", "end_s"]].to_numpy(), "tab:red")]
    if truth is not None:
        tr = truth[["start_s", "end_s"]].to_numpy() if hasattr(truth, "columns") else truth
        rows.append(("reference AF", np.asarray(tr, dtype=float).reshape(-1, 2), "k"))
    for k, (_name, eps, color) in enumerate(rows):
        spans = [(a / scale, (b - a) / scale) for a, b in eps]
        ax[1].broken_barh(spans, (k - 0.35, 0.7), color=color)
    ax[1].set_yticks(range(len(rows)), [r[0] for r in rows])
    ax[1].set_ylim(-0.6, len(rows) - 0.4)
    ax[1].set_xlim(0, screening.duration_s / scale)
    ax[1].set_xlabel(f"time ({unit})")
    ax[0].set_title(
        f"AF screening: {len(screening.episodes)} episode(s), burden "
        f"{100 * screening.af_burden:.1f} %"
    )
    fig.tight_layout()
    return fig
