"""Order-2 Butterworth designs as second-order sections, without importing scipy.signal.

``import scipy.signal`` costs about a second of CPU in a fresh process (it imports
``scipy.stats``), which dominated the first :func:`geoecg.features.detect_rpeaks` call of a
24-h Holter. The two designs the detectors need -- an order-2 low-pass and an order-2
band-pass -- follow the steps of :func:`scipy.signal.butter` (analog prototype, pre-warping,
low-pass to low-/band-pass transform, bilinear transform, pole-zero pairing of
``zpk2sos(pairing="nearest")``) with the same NumPy operations in the same order, so the
sections are equal to scipy's to the last bit (tested in ``tests/test_butter.py`` against
scipy 1.17 over many rates and edges, to 1e-12 at worst).
"""

from __future__ import annotations

import numpy as np

__all__ = ["butter2_bandpass_sos", "butter2_lowpass_sos"]

# bilinear transform at the normalised rate scipy uses (fs = 2 after Wn = f / (fs / 2))
_FS_NORM = 2.0


def _prototype() -> np.ndarray:
    """Poles of the order-2 analog Butterworth prototype (``scipy.signal.buttap(2)``)."""
    m = np.arange(-1.0, 2.0, 2.0)  # -N+1 ... N-1 step 2, N = 2
    return -np.exp(1j * np.pi * m / 4.0)


def _warp(f, fs: float) -> np.ndarray:
    """Pre-warped analog frequencies of ``f`` Hz (a list) at ``fs`` Hz, in scipy's
    normalised units (one array operation, as scipy does it)."""
    wn = np.asarray(f, dtype=np.float64) / (fs / 2)
    if np.any(wn <= 0) or np.any(wn >= 1):
        raise ValueError(f"critical frequencies must satisfy 0 < f < fs/2; got {f} at fs={fs}")
    return 2 * _FS_NORM * np.tan(np.pi * wn / _FS_NORM)


def _bilinear(p: np.ndarray, k: float, n_zeros: int) -> tuple[np.ndarray, float]:
    """Digital poles and gain of analog poles ``p`` with ``n_zeros`` zeros at the origin
    (band-pass) or none (low-pass), as ``scipy.signal.bilinear_zpk``."""
    fs2 = 2.0 * _FS_NORM
    z = np.zeros(n_zeros)
    p_z = (fs2 + p) / (fs2 - p)
    return p_z, k * np.real(np.prod(fs2 - z) / np.prod(fs2 - p))


def _conjugate_halves(p: np.ndarray) -> np.ndarray:
    """One pole of each conjugate pair, averaged with its partner (``_cplxreal``); in order
    of increasing real part."""
    p = p[np.lexsort((abs(p.imag), p.real))]
    zp, zn = p[p.imag > 0], p[p.imag < 0]
    if zp.size != zn.size or zp.size * 2 != p.size:
        raise ValueError("order-2 Butterworth design: poles are not complex-conjugate pairs")
    return (zp + zn.conj()) / 2


def _section(zero: float, pole: complex) -> np.ndarray:
    """``[b0, b1, b2, 1, a1, a2]`` of a double real zero and a conjugate pole pair, as
    ``np.poly`` builds them."""
    b = np.convolve(np.convolve([1.0], [1.0, -zero]), [1.0, -zero])
    a = np.convolve(np.convolve([1.0], [1.0, -pole]), [1.0, -np.conj(pole)]).real
    return np.concatenate([b, a])


def butter2_bandpass_sos(low: float, high: float, fs: float) -> np.ndarray:
    """Order-2 Butterworth band-pass ``low``-``high`` Hz at ``fs`` Hz as two sections.

    Equal to ``scipy.signal.butter(2, [low, high], btype="bandpass", fs=fs,
    output="sos")``: rows ``b0, b1, b2, 1, a1, a2``, the gain in the first row, the pole
    pair nearest the unit circle last.

    Examples
    --------
    >>> sos = butter2_bandpass_sos(3.0, 20.0, 100.0)
    >>> sos.shape, float(sos[1, 3])
    ((2, 6), 1.0)
    """
    w0, w1 = _warp([low, high], fs)
    if not w0 < w1:
        raise ValueError(f"need low < high, got low={low}, high={high}")
    bw = float(w1 - w0)
    wo = float(np.sqrt(w0 * w1))
    p_lp = (_prototype() * bw / 2).astype(np.complex128)
    root = np.sqrt(p_lp**2 - wo**2)
    p_bp = np.concatenate((p_lp + root, p_lp - root))
    p_z, k = _bilinear(p_bp, 1.0 * bw**2, n_zeros=2)
    pairs = _conjugate_halves(p_z)  # zeros: two at +1, two at -1
    # zpk2sos "nearest": the pole pair closest to the unit circle goes last, with the zeros
    # nearest to it; the other pair takes the remaining two
    worst = int(np.argmin(np.abs(1 - np.abs(pairs))))
    zero_worst = 1.0 if abs(pairs[worst] - 1.0) < abs(pairs[worst] + 1.0) else -1.0
    sos = np.zeros((2, 6))
    sos[1] = _section(zero_worst, pairs[worst])
    sos[0] = _section(-zero_worst, pairs[1 - worst])
    sos[0][:3] *= k
    return sos


def butter2_lowpass_sos(cutoff: float, fs: float) -> np.ndarray:
    """Order-2 Butterworth low-pass at ``cutoff`` Hz and ``fs`` Hz as one section.

    Equal to ``scipy.signal.butter(2, cutoff, btype="lowpass", fs=fs, output="sos")``.

    Examples
    --------
    >>> butter2_lowpass_sos(16.0, 360.0).shape
    (1, 6)
    """
    wo = float(_warp(cutoff, fs))  # a 0-d array, as scipy's
    p_z, k = _bilinear(wo * _prototype(), 1.0 * wo**2, n_zeros=0)
    sos = _section(-1.0, _conjugate_halves(p_z)[0])[None, :].copy()
    sos[0][:3] *= k
    return sos
