"""Beat plots: median templates per class, and a STAR-augmented strip over the original."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_beat_templates", "plot_star_strip"]


#: AAMI beat classes in words (legend labels).
_AAMI_WORDS = {
    "N": "normal",
    "S": "supraventricular ectopic",
    "V": "ventricular ectopic",
    "F": "fusion",
    "Q": "unclassifiable",
}


def _amplitude_label(lead: int, lead_name) -> str:
    from ._labels import lead_label

    return f"lead {lead} (mV)" if lead_name is None else f"lead {lead_label(lead_name)} (mV)"


def plot_beat_templates(
    segments, labels, *, lead: int = 0, max_beats: int = 40, ax=None, lead_name=None
):
    """Overlay beats of each class (thin) and their median template (thick).

    Parameters
    ----------
    segments : BeatSegments
        From :func:`geoecg.features.segment_beats`.
    labels : array_like of str, shape (n_beats,)
        Class of each beat (e.g. AAMI N/S/V/F/Q).
    lead : int, default 0
    max_beats : int, default 40
        Beats drawn per class (the first ones); the template uses all of them.
    ax : matplotlib Axes, optional
    lead_name : str, optional
        Name of lead ``lead`` (``"MLII"``, ``"V1"``...), shown on the amplitude axis.

    Returns
    -------
    matplotlib Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.features import segment_beats
    >>> from geoecg.io import beat_annotations, read_record
    >>> rec = read_record(sample_record_path("mitdb_119"))
    >>> beats = beat_annotations(rec.annotations)
    >>> segments = segment_beats(rec.signal, beats["sample"].to_numpy(), rec.fs)
    >>> fig = plot_beat_templates(segments, beats["aami"].to_numpy(), lead_name="MLII")
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['N normal (n=246)', 'V ventricular ectopic (n=80)']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    from ..features.beats import median_template

    if not (hasattr(segments, "beats") and hasattr(segments, "times_ms")):
        raise TypeError(
            "segments must be a BeatSegments (from geoecg.features.segment_beats), got "
            f"{type(segments).__name__}"
        )
    n_leads = segments.beats.shape[1]
    if isinstance(lead, bool) or not isinstance(lead, int | np.integer) or not 0 <= lead < n_leads:
        raise ValueError(f"lead must be a lead index in [0, {n_leads}), got {lead!r}")
    labels = np.asarray(labels)
    if labels.shape != (len(segments),):
        raise ValueError(f"labels must have shape ({len(segments)},), got {labels.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4))
    else:
        fig = ax.figure
    t = segments.times_ms
    colors = {"N": "tab:blue", "S": "tab:orange", "V": "tab:red", "F": "tab:purple"}
    for i, c in enumerate(dict.fromkeys(labels.tolist())):
        b = segments.beats[labels == c, lead, :]
        color = colors.get(c, f"C{i + 4}")
        for row in b[:max_beats]:
            ax.plot(t, row, color=color, alpha=0.15, lw=0.6)
        words = _AAMI_WORDS.get(c, "")
        ax.plot(
            t,
            median_template(b),
            color=color,
            lw=2.2,
            label=f"{c}{' ' + words if words else ''} (n={len(b)})",
        )
    ax.axvline(0.0, color="0.6", lw=0.8, ls=":")
    ax.set_xlabel("time from R-peak (ms)")
    ax.set_ylabel(_amplitude_label(lead, lead_name))
    ax.set_title(f"beats and median templates per class (window {segments.size_ms:.0f} ms)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def plot_star_strip(signal, result, fs: float, rpeaks, *, lead: int = 0, ax=None, lead_name=None):
    """Original signal and its STAR augmentation, with both sets of R-peaks.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        The input of :func:`geoecg.features.star_augment`, mV.
    result : STARResult
        Its output.
    fs : float
        Sampling frequency in Hz.
    rpeaks : array_like of int
        The input R-peaks.
    lead : int, default 0
    ax : matplotlib Axes, optional
    lead_name : str, optional
        Name of lead ``lead``, shown on the amplitude axis.

    Returns
    -------
    matplotlib Figure

    Notes
    -----
    STAR (Nemati 2025) stretches each R-R segment in time and scales it in amplitude by a
    smooth factor around 1; the legend names the original trace and its R-peaks (grey,
    downward triangles) and the augmented trace and its moved R-peaks (green, upward
    triangles).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.features import star_augment
    >>> from geoecg.io import beat_annotations, read_record
    >>> rec = read_record(sample_record_path("mitdb_101"))
    >>> x = rec.signal[:, :3600]  # the first 10 s
    >>> rpeaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> rpeaks = rpeaks[rpeaks < 3600]
    >>> fig = plot_star_strip(x, star_augment(x, rpeaks, random_state=0), rec.fs, rpeaks,
    ...                       lead_name="MLII")
    >>> len(fig.axes[0].get_legend_handles_labels()[1])  # both traces, both sets of R-peaks
    4
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    from .._validation import as_signal, check_fs, check_rpeaks

    if not hasattr(result, "signal"):
        raise TypeError(
            f"result must be the STARResult of star_augment, got {type(result).__name__}"
        )
    x = np.atleast_2d(as_signal(signal, "signal", ndims=(1, 2)))
    fs = check_fs(fs)
    check_rpeaks(rpeaks, x.shape[-1])
    if ax is None:
        fig, ax = plt.subplots(figsize=(10, 3.5))
    else:
        fig = ax.figure
    t = np.arange(x.shape[1]) / fs
    r = np.asarray(rpeaks, dtype=np.int64)
    ax.plot(t, x[lead], color="0.45", lw=0.8, label="original ECG")
    ax.plot(
        t,
        result.signal[lead],
        color="tab:green",
        lw=0.9,
        label="STAR-augmented ECG (each R-R segment stretched and scaled)",
    )
    ax.plot(r / fs, x[lead, r], "v", color="0.3", ms=7, label="original R-peaks")
    ax.plot(
        result.rpeaks / fs,
        result.signal[lead, result.rpeaks],
        "^",
        color="tab:green",
        ms=7,
        label="R-peaks after STAR",
    )
    ax.set_xlabel("time (s)")
    ax.set_ylabel(_amplitude_label(lead, lead_name))
    c = result.coefficients
    ax.set_title(
        f"STAR augmentation: {c.size} R-R segments stretched and scaled by factors "
        f"{c.min():.2f}-{c.max():.2f} (mean 1)"
        if c.size
        else "STAR: fewer than 2 R-peaks, signal unchanged"
    )
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
