"""Plot a record with its beat annotations."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_record"]


def plot_record(record, *, start_s: float = 0.0, duration_s: float = 10.0, leads=None, ax=None):
    """Plot an :class:`~geoecg.io.ECGRecord` segment with its beat annotations.

    Parameters
    ----------
    record : ECGRecord
        The record to draw.
    start_s, duration_s : float
        Window to draw, in seconds.
    leads : list of str, optional
        Leads to draw (default: all, one axis each); each must be one of
        ``record.lead_names`` (a ValueError lists them otherwise).
    ax : matplotlib Axes or array of Axes, optional
        Where to draw; created if omitted.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> fig = plot_record(read_record(sample_record_path("mitdb_119")), duration_s=5.0)
    >>> [ax.get_ylabel() for ax in fig.axes]  # one axis per lead, beat symbols above the trace
    ['lead MLII (mV)', 'lead V1 (mV)']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    from ..io.mitdb import BEAT_SYMBOLS
    from ._labels import lead_label

    if not all(hasattr(record, a) for a in ("signal", "fs", "lead_names", "annotations")):
        raise TypeError(
            f"record must be an ECGRecord (geoecg.io.read_record), got {type(record).__name__}"
        )
    names = list(record.lead_names) if leads is None else list(leads)
    unknown = [n for n in names if n not in list(record.lead_names)]
    if unknown:
        raise ValueError(
            f"leads {unknown} not in the record; its leads are {list(record.lead_names)}"
        )
    a = int(max(0, round(start_s * record.fs)))
    b = int(min(record.n_samples, a + round(duration_s * record.fs)))
    if ax is None:
        fig, axes = plt.subplots(len(names), 1, sharex=True, figsize=(12, 2.2 * len(names)))
    else:
        axes = ax
        fig = np.atleast_1d(axes)[0].figure
    axes = np.atleast_1d(axes)
    t = np.arange(a, b) / record.fs
    ann = record.annotations
    sel = (ann.sample >= a) & (ann.sample < b)
    for axi, name in zip(axes, names, strict=True):
        x = record.lead(name)[a:b]
        axi.plot(t, x, lw=0.8, color="k")
        axi.set_ylabel(f"lead {lead_label(name)} (mV)")
        lo, hi = axi.get_ylim()
        axi.set_ylim(lo, hi + 0.2 * (hi - lo))  # headroom: beat labels sit above the trace
        top = ("data", "axes fraction")
        for s, sym, aux in zip(ann.sample[sel], ann.symbol[sel], ann.aux_note[sel], strict=True):
            if sym in BEAT_SYMBOLS:
                color = "tab:blue" if sym == "N" else "tab:red"
                axi.annotate(
                    sym,
                    (s / record.fs, 0.97),
                    xycoords=top,
                    color=color,
                    fontsize=9,
                    ha="center",
                    va="top",
                    fontweight="bold",
                )
            elif aux:
                axi.axvline(s / record.fs, color="tab:green", lw=0.8, ls="--")
                axi.annotate(
                    f" rhythm: {aux.lstrip('(')}",
                    (s / record.fs, 0.03),
                    xycoords=top,
                    color="tab:green",
                    fontsize=8,
                    va="bottom",
                )
    axes[-1].set_xlabel("time (s)")
    axes[0].set_title(
        f"record {record.name}  ({record.fs:g} Hz; beat labels: reference "
        "annotations, N normal, others in red)"
    )
    fig.tight_layout()
    return fig
