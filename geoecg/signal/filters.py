"""Zero-phase SOS filters: band-pass, baseline-wander removal, power-line notch.

All filters work along the last axis of 1-D ``(n_samples,)``, 2-D ``(n_leads, n_samples)`` or
3-D ``(n_records, n_leads, n_samples)`` arrays, and on lists of such arrays (records of
different lengths). NaN gaps are respected: each finite run of samples is filtered on its
own, gaps stay NaN, and a run too short to filter (shorter than the filter's padding) becomes
NaN rather than raising.
"""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np
from scipy import signal as sps

from ._validate import as_signal_array, check_fs, is_record_list

__all__ = ["bandpass", "highpass", "lowpass", "remove_baseline", "notch", "apply_sos"]


def _check_order(order) -> int:
    """``order`` as an int >= 1, or a clear error (order 0 would return the input unfiltered)."""
    if isinstance(order, bool) or not isinstance(order, numbers.Real):
        raise TypeError(f"order must be a whole number >= 1, got {type(order).__name__}")
    if not (np.isfinite(order) and float(order).is_integer() and order >= 1):
        raise ValueError(f"order must be a whole number >= 1 (Butterworth order), got {order}")
    return int(order)


@lru_cache(maxsize=256)
def _butter(order: int, cutoff: tuple[float, ...], btype: str, fs: float) -> np.ndarray:
    wn = cutoff[0] if len(cutoff) == 1 else list(cutoff)
    return sps.butter(order, wn, btype=btype, fs=fs, output="sos")


def _finite_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start/stop indices of the runs of True in a 1-D boolean mask."""
    if mask.all():
        return [(0, mask.size)]
    d = np.diff(np.concatenate(([0], mask.view(np.int8), [0])))
    starts = np.flatnonzero(d == 1)
    stops = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def _sosfiltfilt_1d(sos: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    padlen = 3 * (2 * len(sos) + 1)
    finite = np.isfinite(x)
    out[:] = np.nan
    for a, b in _finite_runs(finite):
        seg = x[a:b]
        if seg.size <= padlen:
            continue  # too short to filter: stays NaN
        out[a:b] = sps.sosfiltfilt(sos, seg, padlen=padlen)


def apply_sos(x, sos: np.ndarray):
    """Apply an SOS filter forward and backward (zero phase) along the last axis.

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s), samples on the last axis. NaN marks missing samples.
    sos : ndarray, shape (n_sections, 6)
        Second-order sections, e.g. from :func:`scipy.signal.butter`.

    Returns
    -------
    ndarray or list of ndarray
        Filtered signal(s), same shape(s) as ``x``, float64.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.signal as sps
    >>> sos = sps.butter(2, [0.5, 40.0], btype="bandpass", fs=250, output="sos")
    >>> x = np.sin(2 * np.pi * 10 * np.arange(2500) / 250)
    >>> x[1000:1010] = np.nan  # a gap: each finite run is filtered on its own
    >>> y = apply_sos(x, sos)
    >>> y.shape, int(np.isnan(y).sum())
    ((2500,), 10)
    """
    if is_record_list(x):
        return [apply_sos(xi, sos) for xi in x]
    a = as_signal_array(x)
    if a.shape[-1] == 0:
        return a.copy()
    flat = a.reshape(-1, a.shape[-1])
    if np.isfinite(flat).all():
        padlen = 3 * (2 * len(sos) + 1)
        if flat.shape[-1] > padlen:
            return sps.sosfiltfilt(sos, a, axis=-1, padlen=padlen)
    out = np.empty_like(flat)
    for i in range(flat.shape[0]):
        _sosfiltfilt_1d(sos, flat[i], out[i])
    return out.reshape(a.shape)


def _one_cutoff(x, fs, cutoff, order: int, btype: str):
    """:func:`apply_sos` of a Butterworth ``btype`` ("highpass" or "lowpass") filter with one
    cutoff in Hz, after the checks of ``fs``, ``cutoff`` (in (0, fs/2)) and ``order``."""
    fs = check_fs(fs)
    if not 0 < cutoff < fs / 2:
        raise ValueError(f"cutoff must be in (0, fs/2 = {fs / 2:g}) Hz, got {cutoff}")
    return apply_sos(x, _butter(_check_order(order), (float(cutoff),), btype, fs))


def bandpass(x, fs: float, low: float = 0.5, high: float = 40.0, order: int = 2):
    """Zero-phase Butterworth band-pass filter.

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s) in mV, samples on the last axis.
    fs : float
        Sampling frequency in Hz.
    low, high : float
        Pass band edges in Hz (``0 < low < high < fs / 2``).
    order : int, default 2
        Butterworth order of each pass; the zero-phase result has twice this order.

    Returns
    -------
    ndarray or list of ndarray
        Filtered signal(s), float64, same shape as ``x``.

    Raises
    ------
    ValueError
        If ``fs`` is not a positive finite number of Hz, the band edges do not satisfy
        0 < ``low`` < ``high`` < ``fs``/2 (Hz), or ``order`` is not a whole number >= 1.
    TypeError
        If ``fs`` or ``order`` is not a number (e.g. the string ``"360"``).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 250)
    >>> x = np.sin(2 * np.pi * 0.05 * t) + np.sin(2 * np.pi * 10 * t)
    >>> y = bandpass(x, 250, 1, 40)
    >>> bool(abs(y[500:-500] - np.sin(2 * np.pi * 10 * t)[500:-500]).max() < 0.05)
    True
    """
    fs = check_fs(fs)
    nyq = fs / 2
    if not (0 < low < high < nyq):
        raise ValueError(
            f"band edges must satisfy 0 < low < high < fs/2 = {nyq:g} Hz; got low={low}, "
            f"high={high}"
        )
    return apply_sos(x, _butter(_check_order(order), (float(low), float(high)), "bandpass", fs))


def highpass(x, fs: float, cutoff: float = 0.5, order: int = 2):
    """Zero-phase Butterworth high-pass filter (cutoff in Hz).

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s) in mV, shape ``(n_samples,)`` or ``(n_leads, n_samples)``.
    fs : float
        Sampling frequency in Hz.
    cutoff : float, default 0.5
        -3 dB cutoff in Hz of each pass, in ``(0, fs / 2)``.
    order : int, default 2
        Butterworth order of each pass (forward and backward).

    Returns
    -------
    ndarray or list of ndarray
        The filtered signal(s), float64, same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 250)
    >>> x = np.sin(2 * np.pi * 0.1 * t) + np.sin(2 * np.pi * 10 * t)  # 0.1 Hz drift + 10 Hz
    >>> y = highpass(x, 250, cutoff=1.0)
    >>> bool(abs(y[500:-500] - np.sin(2 * np.pi * 10 * t)[500:-500]).max() < 0.01)
    True
    """
    return _one_cutoff(x, fs, cutoff, order, "highpass")


def lowpass(x, fs: float, cutoff: float = 40.0, order: int = 4):
    """Zero-phase Butterworth low-pass filter (cutoff in Hz).

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s) in mV, shape ``(n_samples,)`` or ``(n_leads, n_samples)``.
    fs : float
        Sampling frequency in Hz.
    cutoff : float, default 40.0
        -3 dB cutoff in Hz of each pass, in ``(0, fs / 2)``.
    order : int, default 4
        Butterworth order of each pass (forward and backward).

    Returns
    -------
    ndarray or list of ndarray
        The filtered signal(s), float64, same shape as ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 250)
    >>> x = np.sin(2 * np.pi * 5 * t) + np.sin(2 * np.pi * 100 * t)  # 5 Hz + 100 Hz
    >>> y = lowpass(x, 250, cutoff=40.0)
    >>> bool(abs(y[500:-500] - np.sin(2 * np.pi * 5 * t)[500:-500]).max() < 0.01)
    True
    """
    return _one_cutoff(x, fs, cutoff, order, "lowpass")


def remove_baseline(x, fs: float, cutoff: float = 0.5, order: int = 2):
    """Remove baseline wander with a zero-phase high-pass filter.

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s) in mV.
    fs : float
        Sampling frequency in Hz.
    cutoff : float, default 0.5
        -3 dB cutoff in Hz of each pass. 0.5 Hz keeps ST segments at ordinary heart rates
        (AHA recommends <= 0.67 Hz for zero-phase filters).
    order : int, default 2
        Butterworth order of each pass.

    Returns
    -------
    ndarray or list of ndarray
        Signal(s) without the slow baseline, float64.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 250)
    >>> x = np.sin(2 * np.pi * 0.1 * t) + np.sin(2 * np.pi * 10 * t)  # 0.1 Hz wander + 10 Hz
    >>> y = remove_baseline(x, 250)
    >>> bool(abs(y[500:-500] - np.sin(2 * np.pi * 10 * t)[500:-500]).max() < 0.01)
    True
    """
    return highpass(x, fs, cutoff=cutoff, order=order)


def notch(x, fs: float, freq: float = 50.0, quality: float = 30.0, harmonics: int = 1):
    """Zero-phase power-line notch filter.

    Parameters
    ----------
    x : array_like or list of array_like
        Signal(s) in mV.
    fs : float
        Sampling frequency in Hz.
    freq : float, default 50.0
        Mains frequency in Hz (50 in Europe, 60 in the Americas).
    quality : float, default 30.0
        Quality factor of each notch (bandwidth = freq / quality).
    harmonics : int, default 1
        Number of harmonics to remove (1 = the fundamental only); harmonics at or above
        fs/2 are skipped.

    Returns
    -------
    ndarray or list of ndarray
        Filtered signal(s), float64.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 10, 1 / 250)
    >>> x = np.sin(2 * np.pi * 5 * t) + 0.5 * np.sin(2 * np.pi * 50 * t)  # 50 Hz mains
    >>> y = notch(x, 250, freq=50.0)
    >>> bool(abs(y[500:-500] - np.sin(2 * np.pi * 5 * t)[500:-500]).max() < 0.01)
    True
    """
    fs = check_fs(fs)
    if not 0 < freq < fs / 2:
        raise ValueError(f"notch frequency must be in (0, fs/2 = {fs / 2:g}) Hz, got {freq}")
    if quality <= 0:
        raise ValueError(f"quality must be positive, got {quality}")
    if isinstance(harmonics, bool) or not float(harmonics).is_integer() or harmonics < 1:
        raise ValueError(
            f"harmonics must be a whole number >= 1 (1: the fundamental), got {harmonics!r}"
        )
    sections = []
    for k in range(1, int(harmonics) + 1):
        f = k * freq
        if f >= fs / 2:
            break
        b, a = sps.iirnotch(f, quality, fs=fs)
        sections.append(sps.tf2sos(b, a))
    return apply_sos(x, np.vstack(sections))
