"""HRV plots: tachogram, Poincaré plot and RR power spectral density."""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["plot_tachogram", "plot_poincare", "plot_hrv_psd"]


def _rr(a, name: str = "rr_ms") -> np.ndarray:
    """A 1-D float series (NaN allowed) or a TypeError/ValueError naming ``name``."""
    from .._validation import _to_float

    a = _to_float(a, name)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one series), got shape {a.shape}")
    return a


_BANDS = (
    ("VLF", 0.0033, 0.04, "#dddddd"),
    ("LF", 0.04, 0.15, "#c6dbef"),
    ("HF", 0.15, 0.4, "#fdd0a2"),
)


def _ax(ax, figsize=(7, 3)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_tachogram(rr_ms, *, times_s=None, changed=None, ax=None):
    """RR intervals (ms) against time (s); ``changed`` (bool mask) marks corrected beats.

    Parameters
    ----------
    rr_ms : array_like, shape (n_intervals,)
        RR intervals in ms; NaN (a rejected beat) leaves a gap. With no finite interval
        (empty or all NaN) the axes are empty and say so.
    times_s : array_like, shape (n_intervals,), optional
        Time of each interval in s; by default the cumulative sum of ``rr_ms``.
    changed : array_like of bool, shape (n_intervals,), optional
        Intervals to mark (e.g. corrected by :func:`geoecg.features.clean_rr`).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from geoecg.features import clean_rr
    >>> rr = 800 + 40 * np.sin(np.arange(300) / 5)
    >>> rr[100] = 1600  # a missed beat
    >>> cleaned = clean_rr(rr)
    >>> fig = plot_tachogram(cleaned.rr_ms, changed=cleaned.changed)
    >>> fig.axes[0].get_ylabel(), fig.axes[0].get_legend_handles_labels()[1]
    ('RR (ms)', ['corrected'])
    >>> plt.close(fig)
    """
    rr = _rr(rr_ms)
    finite = np.isfinite(rr).any()  # all NaN: an empty trace (nanmedian warned)
    t = (
        np.cumsum(np.nan_to_num(rr, nan=np.nanmedian(rr) if finite else 0.0)) / 1000.0
        if times_s is None
        else _rr(times_s, "times_s")
    )
    for name, v in (("times_s", times_s), ("changed", changed)):
        if v is not None and np.shape(v) != rr.shape:
            raise ValueError(
                f"{name} must have one entry per interval {rr.shape}, got {np.shape(v)}"
            )
    ax = _ax(ax)
    ax.plot(t, rr, lw=0.8, color="k")
    if changed is not None and np.any(changed):
        c = np.asarray(changed, bool)
        ax.plot(t[c], rr[c], "o", ms=4, color="tab:red", label="corrected")
        # above the axes, right (as plot_rpeaks): inside, it covered the trace's top right
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if not finite:  # say why the axes are empty
        ax.text(0.5, 0.5, "no finite RR interval", transform=ax.transAxes, ha="center")
    ax.set(xlabel="time (s)", ylabel="RR (ms)", title="Tachogram")
    return ax.figure


def plot_poincare(rr_ms, *, ax=None):
    """Poincaré plot RR_{n+1} against RR_n (ms) with the SD1/SD2 ellipse.

    Parameters
    ----------
    rr_ms : array_like, shape (n_intervals,)
        RR intervals in ms.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> rr = 800 + 40 * np.random.default_rng(0).standard_normal(300)
    >>> fig = plot_poincare(rr)
    >>> fig.axes[0].get_legend_handles_labels()[1]  # the SD1/SD2 ellipse
    ['SD1 40 ms, SD2 41 ms']
    >>> plt.close(fig)
    """
    from ..features import hrv_features

    rr = _rr(rr_ms)
    ax = _ax(ax, figsize=(4, 4))
    ax.plot(rr[:-1], rr[1:], ".", ms=3, alpha=0.6)
    f = hrv_features(rr)
    if np.isfinite(f["SD1"]) and np.isfinite(f["SD2"]):
        m = f["MeanNN"]
        a = np.linspace(0, 2 * np.pi, 200)
        u = f["SD2"] * np.cos(a)
        v = f["SD1"] * np.sin(a)
        ax.plot(
            m + (u - v) / np.sqrt(2),
            m + (u + v) / np.sqrt(2),
            color="tab:red",
            lw=1.2,
            label=f"SD1 {f['SD1']:.0f} ms, SD2 {f['SD2']:.0f} ms",
        )
        ax.legend(loc="upper left", fontsize=8)
    ax.set(xlabel="RR$_n$ (ms)", ylabel="RR$_{n+1}$ (ms)", title="Poincaré plot")
    ax.set_aspect("equal", adjustable="datalim")
    return ax.figure


def plot_hrv_psd(rr_ms, *, ax=None, settings=None):
    """Welch and Lomb-Scargle PSD of an RR series (ms^2/Hz) with the VLF/LF/HF bands.

    Parameters
    ----------
    rr_ms : array_like, shape (n_intervals,)
        RR intervals in ms.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure when None.
    settings : geoecg.features.HRVSettings, optional
        PSD settings (Welch segment, Lomb-Scargle grid); the defaults when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure of ``ax``.

    Warns
    -----
    RuntimeWarning
        Once (not once per method) when :func:`geoecg.features.hrv_psd` warns, e.g. fewer
        than 4 finite intervals; the axes then show the reason instead of a spectrum.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> rr = 800 + 40 * np.sin(2 * np.pi * 0.25 * np.arange(300) * 0.8)  # 0.25 Hz breathing
    >>> fig = plot_hrv_psd(rr)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['welch', 'lomb']
    >>> plt.close(fig)
    """
    from ..features.hrv_psd import hrv_psd

    ax = _ax(ax)
    for name, lo, hi, col in _BANDS:
        ax.axvspan(lo, hi, color=col, alpha=0.6, lw=0)
        ax.text(
            (lo + hi) / 2,
            1.0,
            name,
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=8,
        )
    seen = {}  # each warning of hrv_psd once, not once per method
    for method, style in (("welch", "-"), ("lomb", "--")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            f, p = hrv_psd(rr_ms, method=method, settings=settings)
        for w in caught:
            seen.setdefault((w.category, str(w.message)), w)
        ax.plot(f, p, style, lw=1, label=method)
    for (category, message), _ in seen.items():
        warnings.warn(message, category, stacklevel=2)
    if not np.isfinite(p).any():  # too few intervals: say why on the axes
        reason = next(iter(seen))[1] if seen else "no finite PSD"
        ax.text(
            0.5,
            0.5,
            f"no PSD: {reason}",
            transform=ax.transAxes,
            ha="center",
            va="center",
            wrap=True,
            fontsize=8,
        )
    ax.set(
        xlabel="frequency (Hz)", ylabel="PSD (ms$^2$/Hz)", title="RR power spectrum", xlim=(0, 0.4)
    )
    ax.legend(loc="upper right")
    return ax.figure
