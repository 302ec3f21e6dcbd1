"""Power spectral density of an RR series, as used by the frequency-domain HRV indices."""

from __future__ import annotations

import warnings

import numpy as np

from .._kernels.hrv_freq import natural_cubic_spline, welch_low_bins
from .._kernels.hrv_lomb import lomb_scargle
from .hrv import HRVSettings, _prepare

__all__ = ["hrv_psd"]


def hrv_psd(
    rr_ms=None,
    *,
    rpeaks=None,
    fs: float | None = None,
    method: str = "welch",
    settings: HRVSettings | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """PSD (ms^2/Hz) of an RR series up to ``settings.ls_fmax`` Hz.

    ``method="welch"``: cubic-spline resampling at ``fs_interp`` and Welch, exactly as
    for the VLF/LF/HF indices; ``method="lomb"``: the Lomb-Scargle PSD of the uneven series.
    See :class:`~geoecg.features.HRVSettings` for the settings.

    Returns
    -------
    freqs, psd : ndarray
        Frequencies in Hz and PSD in ms^2/Hz. With fewer than 4 finite intervals there is
        no spectrum: the PSD is all NaN on the method's nominal grid (Lomb: ``ls_df`` steps
        up to ``ls_fmax``; Welch: the bins of one full ``welch_window_s`` segment at
        ``fs_interp``), and a ``RuntimeWarning`` gives the reason. A constant series
        (every finite interval equal) has a PSD of exact zeros (as the band powers of
        :func:`~geoecg.features.hrv_features`).

    Warns
    -----
    RuntimeWarning
        Fewer than 4 finite RR intervals (the number is in the message); the PSD is NaN.

    Examples
    --------
    >>> t = np.arange(0, 300, 0.8)
    >>> f, p = hrv_psd(800 + 20 * np.sin(2 * np.pi * 0.25 * t))
    >>> round(float(f[np.argmax(p)]), 2)
    0.25
    """
    if method not in ("welch", "lomb"):
        raise ValueError(f"method must be 'welch' or 'lomb', got {method!r}")
    s = HRVSettings() if settings is None else settings
    rr, t = _prepare(rr_ms, rpeaks, fs)
    ok = np.isfinite(rr)
    rr, t = rr[ok], t[ok]
    if rr.size < 4:
        warnings.warn(
            f"hrv_psd: {rr.size} finite RR interval(s), at least 4 are needed; the PSD is NaN",
            RuntimeWarning,
            stacklevel=2,
        )
        if method == "lomb":
            f = s.ls_df * np.arange(1, int(np.floor(s.ls_fmax / s.ls_df)) + 1)
        else:
            nper = int(round(s.welch_window_s * s.fs_interp))
            f = np.arange(min(int(np.floor(s.ls_fmax * nper / s.fs_interp)), nper // 2) + 1)
            f = f * s.fs_interp / nper
        return f, np.full(f.size, np.nan)
    dur = t[-1] - t[0]
    if method == "lomb":
        nf = int(np.floor(s.ls_fmax / s.ls_df))
        f, p = lomb_scargle(t, rr, s.ls_df, nf)
        p = p * 2.0 * dur / rr.size
    else:
        ng = int(np.floor(dur * s.fs_interp)) + 1
        tq = t[0] + np.arange(ng) / s.fs_interp
        x = natural_cubic_spline(t, rr, tq)
        nper = min(int(round(s.welch_window_s * s.fs_interp)), ng)
        f, p = welch_low_bins(x, s.fs_interp, nper, s.ls_fmax)
    if rr.min() == rr.max():  # constant: no power, not the kernels' ~1e-30 round-off
        p = np.zeros_like(p)
    return f, p
