"""Zero-phase band-pass filtering of :func:`geoecg.features.delineate`, designed once per band.

:func:`band_filter` gives the same numbers, bit for bit, as
``scipy.signal.sosfiltfilt(butter(2, band, btype="bandpass", fs=fs, output="sos"), x, axis=1,
padlen=padlen)``: it runs the same steps (odd extension by ``padlen``, forward ``sosfilt``
from ``zi * x[:, 0]``, backward from ``zi * y[:, -1]``, trim) on the same arrays, but takes
the second-order sections and the initial state ``sosfilt_zi(sos)`` from a cache keyed by
(rate, band) instead of designing them on every call: the design was 1.1 of 6.8 ms per
12-lead 10-s LUDB record at 500 Hz (delineation benchmark page, session 19).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.signal import butter, sosfilt, sosfilt_zi


@lru_cache(maxsize=32)
def _design(fs: float, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Order-2 Butterworth band-pass sections and their filtfilt initial state (read-only).

    A band too narrow for the rate (``fs`` of the order of 1e9 Hz for a 0.5-15 Hz band) has no
    float64 design: a ``ValueError`` naming ``fs`` and the band (was numpy's "Singular
    matrix")."""
    try:
        with np.errstate(all="ignore"):  # numpy's floating-point warnings of that case
            sos = butter(2, [lo, hi], btype="bandpass", fs=fs, output="sos")
            zi = sosfilt_zi(sos)
        ok = np.isfinite(sos).all() and np.isfinite(zi).all()
    except np.linalg.LinAlgError:
        ok = False
    if not ok:
        raise ValueError(
            f"fs={fs:g} Hz is too high for the {lo:g}-{hi:g} Hz band filter of delineation "
            "(no float64 design at that rate): fs must be the signal's sampling rate in Hz "
            "(delineation is tested at 100 and 500 Hz; resample a faster signal)"
        )
    sos.setflags(write=False)
    zi.setflags(write=False)
    return sos, zi


def _odd_ext(x: np.ndarray, n: int) -> np.ndarray:
    """Odd extension of the rows of ``x`` by ``n`` samples at each end (scipy's ``odd_ext``)."""
    if n < 1:
        return x
    left = 2 * x[:, 0:1] - x[:, n:0:-1]
    right = 2 * x[:, -1:] - x[:, -2 : -(n + 2) : -1]
    return np.concatenate((left, x, right), axis=1)


def band_filter(x: np.ndarray, fs: float, band) -> np.ndarray:
    """Zero-phase order-2 Butterworth band-pass of each row of ``x``.

    Parameters
    ----------
    x : ndarray, shape (n_leads, n_samples)
        Finite samples, float64 (any amplitude unit), at least 2 samples per row.
    fs : float
        Sampling rate, Hz.
    band : (float, float)
        Pass band, Hz; the upper edge is capped at 0.45 ``fs``.

    Returns
    -------
    ndarray, shape (n_leads, n_samples)
        The filtered rows (padding of ``min(n_samples - 1, 15)`` samples, odd extension).

    Raises
    ------
    ValueError
        If the band (after the cap) does not satisfy 0 < low < high.
    """
    lo, hi = float(band[0]), min(float(band[1]), 0.45 * fs)
    if not 0 < lo < hi:
        raise ValueError(f"band must satisfy 0 < low < high (< 0.45 fs), got {band}")
    sos, zi = _design(float(fs), lo, hi)
    sos = sos.copy()  # scipy's sosfilt takes a writeable buffer; the cached one is read-only
    padlen = min(x.shape[1] - 1, 3 * (2 * sos.shape[0] + 1))
    ext = _odd_ext(x, padlen)
    zi = zi.reshape(sos.shape[0], 1, 2)
    y, _ = sosfilt(sos, ext, axis=1, zi=zi * ext[:, 0:1])
    y, _ = sosfilt(sos, y[:, ::-1], axis=1, zi=zi * y[:, -1:])
    y = y[:, ::-1]
    if padlen > 0:
        y = y[:, padlen:-padlen]
    return y
