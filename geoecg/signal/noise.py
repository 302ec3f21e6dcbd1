"""Mix a noise record into a signal at a target signal-to-noise ratio."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._validate import as_signal_array, check_fs

__all__ = ["mix_noise", "snr_db"]


def _nanvar(x: np.ndarray) -> np.ndarray:
    """Per-lead variance over finite samples; NaN (no warning) for an all-NaN or empty lead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanvar(x, axis=-1)


def _signal_power(x: np.ndarray, reference: str, rpeaks, fs) -> np.ndarray:
    """Per-lead signal power (mV^2) of ``x`` (n_leads, n_samples)."""
    if reference == "power":
        return _nanvar(x)
    if reference == "qrs":
        if rpeaks is None or fs is None:
            raise ValueError("reference='qrs' needs rpeaks (sample indices) and fs (Hz)")
        fs = check_fs(fs)
        r = np.asarray(rpeaks, dtype=np.int64)
        half = max(1, int(round(0.05 * fs)))  # +-50 ms around each R-peak
        r = r[(r - half >= 0) & (r + half < x.shape[-1])]
        if r.size == 0:
            raise ValueError("no R-peak lies at least 50 ms inside the signal")
        win = r[:, None] + np.arange(-half, half + 1)[None, :]
        seg = x[:, win]  # (n_leads, n_beats, width)
        p2p = np.nanmax(seg, axis=-1) - np.nanmin(seg, axis=-1)
        # MIT-BIH nst convention: a sine of peak-to-peak amplitude A has power A^2 / 8.
        return np.nanmedian(p2p, axis=-1) ** 2 / 8.0
    raise ValueError(f"reference must be 'power' or 'qrs', got {reference!r}")


def snr_db(signal, noise, *, reference: str = "power", rpeaks=None, fs=None) -> np.ndarray:
    """Signal-to-noise ratio in dB, per lead.

    Parameters
    ----------
    signal, noise : array_like, shape (n_samples,) or (n_leads, n_samples)
        Clean signal and additive noise, mV.
    reference : {"power", "qrs"}
        ``"power"``: signal variance over noise variance. ``"qrs"``: the MIT-BIH Noise
        Stress Test convention, signal power = (median QRS peak-to-peak amplitude)^2 / 8,
        which needs ``rpeaks`` and ``fs``.
    rpeaks : array_like of int, optional
        R-peak sample indices of ``signal`` (``reference="qrs"`` only).
    fs : float, optional
        Sampling frequency in Hz (``reference="qrs"`` only).

    Returns
    -------
    ndarray
        SNR in dB for each lead (a 0-d array for 1-D input): ``-inf`` for a lead whose
        signal power is 0 (flat), ``+inf`` for a lead whose noise is flat, NaN when both are
        (the ratio is undefined), all without a numpy warning.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.sin(np.linspace(0, 100, 5000))
    >>> n = 0.1 * np.random.default_rng(0).standard_normal(5000)
    >>> round(float(snr_db(s, n)), 2)
    17.05
    >>> snr_db(np.vstack([s, 2 * s]), np.vstack([n, n])).round(2)  # per lead: +6 dB for 2x
    array([17.05, 23.07])
    """
    s = as_signal_array(signal, "signal")
    n = as_signal_array(noise, "noise")
    one_d = s.ndim == 1
    s2, n2 = np.atleast_2d(s), np.atleast_2d(n)
    if n2.shape[0] not in (1, s2.shape[0]):
        raise ValueError(
            f"noise has {n2.shape[0]} leads; expected 1 or {s2.shape[0]} (as the signal)"
        )
    ps = _signal_power(s2, reference, rpeaks, fs)
    pn = _nanvar(n2)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0: NaN (see Returns)
        out = 10 * np.log10(ps / pn)
    return out[0] if one_d else out


def mix_noise(
    signal,
    noise,
    snr_db: float,
    *,
    reference: str = "power",
    rpeaks=None,
    fs: float | None = None,
    offset: int = 0,
):
    """Add ``noise`` to ``signal`` scaled so that the result has the target SNR.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        Clean signal in mV.
    noise : array_like, shape (n_noise,) or (n_noise_leads, n_noise)
        Noise record in mV (for example the MIT-BIH NSTDB ``bw``, ``ma`` or ``em`` record).
        Its mean is removed. A 1-D noise or a single noise lead is applied to every signal
        lead; otherwise noise lead ``i`` goes to signal lead ``i``. If shorter than the
        signal it is tiled.
    snr_db : float
        Target SNR in dB (per lead).
    reference : {"power", "qrs"}, default "power"
        How signal power is measured; see :func:`snr_db`.
    rpeaks : array_like of int, optional
        R-peak sample indices, needed for ``reference="qrs"``.
    fs : float, optional
        Sampling frequency in Hz, needed for ``reference="qrs"``.
    offset : int, default 0
        First noise sample to use.

    Returns
    -------
    ndarray
        ``signal + gain * noise`` with the shape of ``signal``; the gain per lead is
        ``sqrt(P_signal / (P_noise * 10**(snr_db / 10)))``. A lead whose signal or noise
        is flat (power 0) gets no noise (gain 0): no gain reaches the target SNR there.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> s = np.sin(np.linspace(0, 100, 5000))
    >>> n = rng.standard_normal(5000)
    >>> y = mix_noise(s, n, 6.0)
    >>> round(float(snr_db(s, y - s)), 6)
    6.0
    """
    s = as_signal_array(signal, "signal")
    nz = as_signal_array(noise, "noise")
    if s.ndim > 2 or nz.ndim > 2:
        raise ValueError("mix_noise takes one record: signal and noise must be 1-D or 2-D")
    if isinstance(snr_db, bool) or not isinstance(snr_db, numbers.Real):
        raise TypeError(f"snr_db must be a number in dB, got {type(snr_db).__name__}")
    if not np.isfinite(snr_db):
        raise ValueError(f"snr_db must be finite, got {snr_db}")
    one_d = s.ndim == 1
    s2 = np.atleast_2d(s)
    n2 = np.atleast_2d(nz)
    if n2.shape[0] not in (1, s2.shape[0]):
        raise ValueError(
            f"noise has {n2.shape[0]} leads; expected 1 or {s2.shape[0]} (as the signal)"
        )
    if n2.shape[-1] == 0:
        raise ValueError("noise is empty")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    n_samples = s2.shape[-1]
    if n_samples == 0:  # nothing to mix into
        return s.copy()
    idx = (np.arange(n_samples) + offset) % n2.shape[-1]
    n2 = n2[:, idx]
    n2 = n2 - np.nanmean(n2, axis=-1, keepdims=True)
    if n2.shape[0] == 1 and s2.shape[0] > 1:
        n2 = np.repeat(n2, s2.shape[0], axis=0)
    ps = _signal_power(s2, reference, rpeaks, fs)
    pn = _nanvar(n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = np.sqrt(ps / (pn * 10 ** (snr_db / 10)))
    gain = np.where(np.isfinite(gain), gain, 0.0)  # flat noise or flat signal: add nothing
    out = s2 + gain[:, None] * n2
    return out[0] if one_d else out
