"""Plot detected R-peaks against the reference beats of a record."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_rpeaks"]


def _amplitude_label(lead) -> str:
    from ._labels import lead_label

    return "amplitude (mV)" if lead is None else f"lead {lead_label(lead)} (mV)"


def plot_rpeaks(
    signal, fs, detected, reference=None, *, start_s=0.0, duration_s=10.0, ax=None, lead=None
):
    """Draw one lead with detected R-peaks (and reference beats, if given).

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency in Hz.
    detected : array_like of int or RPeakResult
        Detected R-peak sample indices (e.g. ``detect_rpeaks(...).indices``).
    reference : array_like of int, optional
        Reference beat sample indices, drawn as ticks under the trace.
    start_s, duration_s : float
        Window to draw, seconds.
    ax : matplotlib Axes, optional
        Where to draw; created if omitted.
    lead : str, optional
        Name of the lead drawn (``"MLII"``, ``"aVR"``...), shown on the amplitude axis.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.features import detect_rpeaks
    >>> from geoecg.io import beat_annotations, read_record
    >>> rec = read_record(sample_record_path("mitdb_119"))
    >>> reference = beat_annotations(rec.annotations)["sample"]
    >>> fig = plot_rpeaks(rec.signal[0], rec.fs, detect_rpeaks(rec.signal[0], rec.fs), reference,
    ...                   lead="MLII")
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['detected R-peak', 'reference beat (annotation)']
    >>> plt.close(fig)
    """
    import matplotlib.pyplot as plt

    from .._validation import as_signal, check_fs, check_sample_indices

    x = as_signal(signal, "signal", ndims=(1,))
    fs = check_fs(fs)
    det = check_sample_indices(getattr(detected, "indices", detected), "detected")
    a = int(max(0, round(start_s * fs)))
    b = int(min(x.size, a + round(duration_s * fs)))
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 2.6))
    else:
        fig = ax.figure
    t = np.arange(a, b) / fs
    ax.plot(t, x[a:b], lw=0.8, color="k")
    d = det[(det >= a) & (det < b)]
    ax.plot(d / fs, x[d], "o", ms=7, mfc="none", mew=1.5, color="tab:red", label="detected R-peak")
    if reference is not None:
        ref = check_sample_indices(reference, "reference")
        r = ref[(ref >= a) & (ref < b)]
        lo = np.nanmin(x[a:b]) if b > a else 0.0
        ax.plot(
            r / fs,
            np.full(r.size, lo),
            "|",
            ms=14,
            mew=2,
            color="tab:blue",
            label="reference beat (annotation)",
        )
    ax.set_xlabel("time (s)")
    ax.set_ylabel(_amplitude_label(lead))
    # above the axes, so that it never hides a peak (inside it covered the last beats)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
