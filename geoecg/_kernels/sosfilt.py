"""Zero-phase second-order-sections filtering: ``scipy.signal.sosfilt`` in place (one,
two or more sections) and ``scipy.signal.sosfiltfilt`` with odd extension, the same
operations in the same order as scipy.

Used by the SQI curve-length detector (:mod:`geoecg._kernels.sqi`) and the band-limited
block means (:mod:`geoecg._kernels.band`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["sos_filtfilt"]


@njit(cache=True, nogil=True)
def _sosfilt_inplace(sos, z, y, backward):
    """``scipy.signal.sosfilt`` (direct form II transposed, the same operations in the
    same order as scipy's ``_sosfilt``) of ``y`` in place, state ``z`` (n_sections, 2);
    ``backward`` runs from the last sample to the first (``y[::-1]`` without a view).

    One or two sections (the order-2 low-pass and band-pass) keep the state in local
    scalars (registers instead of a memory round trip per step; the same operations)."""
    ns = sos.shape[0]
    if ns == 1:
        _sos1_inplace(sos, z, y, backward)
        return
    if ns == 2:
        _sos2_inplace(sos, z, y, backward)
        return
    last = y.size - 1
    for k in range(y.size):
        n = last - k if backward else k
        x_cur = y[n]
        for s in range(ns):
            x_new = sos[s, 0] * x_cur + z[s, 0]
            z[s, 0] = sos[s, 1] * x_cur - sos[s, 4] * x_new + z[s, 1]
            z[s, 1] = sos[s, 2] * x_cur - sos[s, 5] * x_new
            x_cur = x_new
        y[n] = x_cur


@njit(cache=True, nogil=True)
def _sos1_inplace(sos, z, y, backward):
    """:func:`_sosfilt_inplace` of one section, state in scalars."""
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    z0, z1 = z[0, 0], z[0, 1]
    last = y.size - 1
    for k in range(y.size):
        n = last - k if backward else k
        x_cur = y[n]
        x_new = b0 * x_cur + z0
        z0 = b1 * x_cur - a1 * x_new + z1
        z1 = b2 * x_cur - a2 * x_new
        y[n] = x_new
    z[0, 0], z[0, 1] = z0, z1


@njit(cache=True, nogil=True)
def _sos2_inplace(sos, z, y, backward):
    """:func:`_sosfilt_inplace` of two sections, state in scalars."""
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    c0, c1, c2, d1, d2 = sos[1, 0], sos[1, 1], sos[1, 2], sos[1, 4], sos[1, 5]
    z0, z1, w0, w1 = z[0, 0], z[0, 1], z[1, 0], z[1, 1]
    last = y.size - 1
    for k in range(y.size):
        n = last - k if backward else k
        x_cur = y[n]
        x_new = b0 * x_cur + z0
        z0 = b1 * x_cur - a1 * x_new + z1
        z1 = b2 * x_cur - a2 * x_new
        x_out = c0 * x_new + w0
        w0 = c1 * x_new - d1 * x_out + w1
        w1 = c2 * x_new - d2 * x_out
        y[n] = x_out
    z[0, 0], z[0, 1], z[1, 0], z[1, 1] = z0, z1, w0, w1


@njit(cache=True, nogil=True)
def _odd_extension(x, padlen):
    """``x`` extended by ``padlen`` samples at both ends by odd reflection about its end
    values (scipy's ``padtype="odd"``); needs ``x.size > padlen``."""
    n = x.size
    ext = np.empty(n + 2 * padlen, dtype=np.float64)
    for i in range(padlen):
        ext[i] = 2.0 * x[0] - x[padlen - i]
        ext[padlen + n + i] = 2.0 * x[n - 1] - x[n - 2 - i]
    for i in range(n):
        ext[padlen + i] = x[i]
    return ext


@njit(cache=True, nogil=True)
def sos_filtfilt(sos, zi, x, padlen, out):
    """Zero-phase SOS filtering of finite ``x`` into ``out``, as ``scipy.signal.sosfiltfilt(
    sos, x, padtype="odd", padlen=padlen)`` with ``zi = scipy.signal.sosfilt_zi(sos)``:
    odd extension by ``padlen`` samples at both ends, forward pass from ``zi * ext[0]``,
    backward pass from ``zi * y[-1]``. Needs ``x.size > padlen``."""
    n = x.size
    ext = _odd_extension(x, padlen)
    m = ext.size
    ns = sos.shape[0]
    z = np.empty((ns, 2), dtype=np.float64)
    for s in range(ns):
        z[s, 0] = zi[s, 0] * ext[0]
        z[s, 1] = zi[s, 1] * ext[0]
    _sosfilt_inplace(sos, z, ext, False)
    last = ext[m - 1]
    for s in range(ns):
        z[s, 0] = zi[s, 0] * last
        z[s, 1] = zi[s, 1] * last
    _sosfilt_inplace(sos, z, ext, True)
    for i in range(n):
        out[i] = ext[padlen + i]
