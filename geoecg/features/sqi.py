"""Signal-quality indices (SQI) of ECG windows.

============  ==================================================================  =====
name          definition                                                          range
============  ==================================================================  =====
bSQI          beats matched within 150 ms by two detectors of different           0-1
              principle / (N1 + N2 - matched) (Li, Mark & Clifford 2008):
              :func:`geoecg.features.detect_rpeaks` (Pan-Tompkins energy) and
              a curve-length-transform detector (after Zong 2003), see
              :func:`length_transform_rpeaks`
kSQI          Pearson kurtosis of the window (3 for Gaussian noise; clean ECG >5)  >= 1
sSQI          skewness of the window                                               real
pSQI          power 5-15 Hz / power 5-40 Hz (periodogram, Hann window)            0-1
basSQI        1 - power 0-1 Hz / power 0-40 Hz                                    0-1
flatFrac      fraction of samples in flat runs (|step| <= 1 uV) of >= 50 ms       0-1
clipFrac      fraction of samples in runs >= 20 ms within 1 uV of the window's    0-1
              maximum or minimum (saturation)
tSQI          mean Pearson correlation of each beat (+-100 ms around the R-peak)  -1-1
              with the median beat (template consistency; Orphanidou 2015)
============  ==================================================================  =====

A window that is too short or flat gives NaN for the indices it cannot define (bSQI with
no beat from either detector is NaN; with beats from only one it is 0).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .._kernels.sqi import (
    clip_fraction,
    count_matches,
    flat_fraction,
    hann_detrended,
    length_transform_detect,
    skew_kurt,
    sos_filtfilt,
    sqi_row_finite,
    sqi_rows_finite,
    template_correlation,
)
from .._validation import check_number, check_rpeaks, check_windows_layout
from .hrv import _check_fs

__all__ = ["SQI_NAMES", "bsqi", "length_transform_rpeaks", "sqi_features", "sqi_windows"]

#: Names of :func:`sqi_features`, in order.
SQI_NAMES: tuple[str, ...] = (
    "bSQI",
    "kSQI",
    "sSQI",
    "pSQI",
    "basSQI",
    "flatFrac",
    "clipFrac",
    "tSQI",
)

_FLAT_TOL_MV = 1e-3
_CLIP_TOL_MV = 1e-3


def _as_1d(x, name="signal") -> np.ndarray:
    a = np.asarray(x)
    if a.dtype == object or not np.issubdtype(a.dtype, np.number) or np.iscomplexobj(a):
        raise TypeError(f"{name} must be a real numeric array (mV), got {a.dtype}")
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one lead, mV), got shape {a.shape}")
    return np.ascontiguousarray(a, dtype=np.float64)


def length_transform_rpeaks(signal, fs: float) -> np.ndarray:
    """R-peaks (int64 sample indices) by the curve-length-transform detector.

    The signal (mV) is low-passed at 16 Hz (zero-phase, as in Zong et al. 2003) and
    passed to :func:`geoecg._kernels.sqi.length_transform_detect`. It is a deliberately
    simple second opinion for :func:`bsqi`, not a replacement for
    :func:`geoecg.features.detect_rpeaks`.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    ndarray of int64, shape (n_peaks,)
        R-peak sample indices, increasing (empty for fewer than 16 samples).

    Raises
    ------
    TypeError
        ``signal`` is not a real numeric array, or ``fs`` is not a number.
    ValueError
        ``signal`` is not 1-D, or ``fs`` is not positive and finite.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_101"), sampto=3600)  # 10 s at 360 Hz
    >>> p = length_transform_rpeaks(rec.signal[0], rec.fs)
    >>> 8 <= p.size <= 16
    True
    """
    return _length_transform(_as_1d(signal), _check_fs(fs))


def _length_transform(x: np.ndarray, fs: float, finite: bool | None = None) -> np.ndarray:
    """:func:`length_transform_rpeaks` of a validated ``x`` (1-D contiguous float64);
    ``finite`` tells whether every sample is finite (None: not known, checked here)."""
    if x.size < 16:
        return np.empty(0, dtype=np.int64)
    y = _lowpass(x, fs, min(_LT_CUTOFF_HZ, 0.45 * fs), finite) if x.size > 30 else x
    return length_transform_detect(np.ascontiguousarray(y, dtype=np.float64), fs)


#: Low-pass cutoff (Hz) and Butterworth order before the curve-length transform.
_LT_CUTOFF_HZ = 16.0
_LT_ORDER = 2


@lru_cache(maxsize=64)
def _lowpass_sos(fs: float, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """Second-order sections of the zero-phase low-pass and their ``sosfilt_zi``."""
    from scipy import signal as sps

    sos = sps.butter(_LT_ORDER, cutoff, btype="lowpass", fs=fs, output="sos")
    return sos, sps.sosfilt_zi(sos)


def _lowpass(x: np.ndarray, fs: float, cutoff: float, finite: bool | None = None) -> np.ndarray:
    """``geoecg.signal.lowpass(x, fs, cutoff, order=2)``: the numba kernel on a finite
    signal (same operations as ``scipy.signal.sosfiltfilt``, without recomputing
    ``sosfilt_zi`` on every call); NaN gaps go through ``geoecg.signal`` run by run.
    ``finite``: whether every sample is finite (None: checked here)."""
    sos, zi = _lowpass_sos(fs, cutoff)
    padlen = 3 * (2 * sos.shape[0] + 1)  # as geoecg.signal.apply_sos
    if finite is None:
        finite = bool(np.isfinite(x).all())
    if x.size <= padlen or not finite:
        from ..signal import lowpass

        return lowpass(x, fs, cutoff=cutoff, order=_LT_ORDER)
    out = np.empty_like(x)
    sos_filtfilt(sos=sos, zi=zi, x=x, padlen=padlen, out=out)
    return out


def bsqi(peaks_a, peaks_b, fs: float, tol_s: float = 0.15) -> float:
    """Agreement of two beat lists: matched / (n_a + n_b - matched), NaN if both empty.

    Parameters
    ----------
    peaks_a, peaks_b : array_like of int
        Strictly increasing sample indices of two detectors on the same signal.
    fs : float
        Sampling frequency, Hz.
    tol_s : float, default 0.15
        Matching tolerance, s.

    Returns
    -------
    float
        Fraction in [0, 1]; NaN when both lists are empty.

    Raises
    ------
    ValueError
        If a list is not strictly increasing (the message names it), ``fs`` is not a
        positive finite number of Hz, or ``tol_s`` is negative, NaN or inf.
    TypeError
        If ``tol_s`` is not a real number.

    Examples
    --------
    >>> bsqi([100, 460, 820], [102, 830, 1200], fs=360)
    0.5
    """
    fs = _check_fs(fs)
    a = check_rpeaks(peaks_a, name="peaks_a")
    b = check_rpeaks(peaks_b, name="peaks_b")
    tol_s = check_number(tol_s, "tol_s", minimum=0, strict=False, unit="s")
    return _bsqi_sorted(a, b, int(round(tol_s * fs)))


def _bsqi_sorted(a: np.ndarray, b: np.ndarray, tol: int) -> float:
    """:func:`bsqi` of two sorted int64 beat lists, ``tol`` in samples."""
    if a.size + b.size == 0:
        return float("nan")
    m = count_matches(a=a, b=b, tol=tol)
    return m / (a.size + b.size - m)


@lru_cache(maxsize=32)
def _hanning(n: int) -> np.ndarray:
    """``np.hanning(n)``, computed once per length (read-only)."""
    w = np.hanning(n)
    w.flags.writeable = False
    return w


def _hann_periodogram(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies in Hz, power) of the mean-removed, Hann-windowed ``x`` (finite)."""
    y = (x - x.mean()) * _hanning(x.size)
    return np.fft.rfftfreq(x.size, 1.0 / fs), np.abs(np.fft.rfft(y)) ** 2


@lru_cache(maxsize=32)
def _band_slices(n: int, fs: float) -> dict[tuple[float, float], slice]:
    """Periodogram bins ``lo <= f < hi`` of the bands of :func:`_band_powers` as slices
    (``rfftfreq`` is increasing, so each band is one run of bins; a slice sums the same
    elements in the same order as the boolean mask it replaces)."""
    f = np.fft.rfftfreq(n, 1.0 / fs)
    return {
        (lo, hi): slice(*np.searchsorted(f, [lo, hi], side="left"))
        for lo, hi in ((5, 40), (0, 40), (5, 15), (0, 1))
    }


def _band_powers(x: np.ndarray, fs: float, finite: bool | None = None) -> tuple[float, float]:
    """(pSQI, basSQI) from a Hann-windowed periodogram of ``x`` (NaN replaced by the mean);
    ``finite``: whether every sample is finite (None: checked here)."""
    if finite is None:
        finite = bool(np.isfinite(x).all())
    if finite:
        if x.size < 8:
            return float("nan"), float("nan")
    else:
        fin = np.isfinite(x)
        n_fin = int(fin.sum())
        if n_fin < 8:
            return float("nan"), float("nan")
        x = np.where(fin, x, np.mean(x[fin]))
    # the power of _hann_periodogram with fewer temporaries, up to the last bin of a band
    # (same operations, same bits)
    y = np.empty(x.size)
    hann_detrended(x=x, w=_hanning(x.size), out=y)
    bins = _band_slices(x.size, float(fs))
    p = np.abs(np.fft.rfft(y)[: max(b.stop for b in bins.values())])
    p *= p

    def band(lo, hi):
        return float(p[bins[lo, hi]].sum())

    p5_40 = band(5, 40)
    p0_40 = band(0, 40)
    psqi = band(5, 15) / p5_40 if p5_40 > 0 else float("nan")
    bas = 1.0 - band(0, 1) / p0_40 if p0_40 > 0 else float("nan")
    return psqi, bas


def sqi_features(signal, fs: float, *, rpeaks=None) -> dict[str, float]:
    """The eight SQIs of one single-lead window.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead in mV.
    fs : float
        Sampling frequency in Hz.
    rpeaks : array_like of int, optional
        Beats from :func:`geoecg.features.detect_rpeaks` if already computed on this
        window (whole, strictly increasing indices inside the window); otherwise it is run
        here.

    Returns
    -------
    dict
        ``SQI_NAMES`` -> value.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_101"), sampto=3600)
    >>> q = sqi_features(rec.signal[0], rec.fs)
    >>> q["bSQI"] > 0.9, q["kSQI"] > 5, q["flatFrac"] == 0.0
    (True, True, True)
    """
    from .rpeaks import detect_rpeaks

    fs = _check_fs(fs)
    x = _as_1d(signal)
    if rpeaks is None:
        rpeaks = detect_rpeaks(x, fs, track=False).indices
    else:
        rpeaks = check_rpeaks(rpeaks, x.size, "rpeaks")
    return dict(zip(SQI_NAMES, _sqi_row(x, fs, rpeaks).tolist(), strict=True))


def _row_params(fs: float) -> dict:
    """The scalar settings of the SQI row kernels at ``fs`` (Hz), in samples and mV: beat
    match tolerance 150 ms, flat runs of 50 ms within 1 uV, clipped runs of 20 ms, and the
    template half-width 100 ms."""
    return {
        "match_tol": int(round(0.15 * fs)),
        "flat_tol": _FLAT_TOL_MV,
        "flat_len": max(2, int(round(0.05 * fs))),
        "clip_tol": _CLIP_TOL_MV,
        "clip_len": max(2, int(round(0.02 * fs))),
        "half": max(1, int(round(0.1 * fs))),
    }


def _sqi_row(x: np.ndarray, fs: float, rpeaks: np.ndarray) -> np.ndarray:
    """:func:`sqi_features` as a float64 array in the order of :data:`SQI_NAMES`, without
    validation: for callers that validated once (the cohort feature sets).

    Parameters
    ----------
    x : ndarray, shape (n_samples,)
        One lead in mV, C-contiguous float64.
    fs : float
        Hz, positive.
    rpeaks : ndarray of int64
        Strictly increasing sample indices inside ``x`` (as :func:`detect_rpeaks` gives).
    """
    finite = bool(np.isfinite(x).all())  # one scan, shared by the filter and the spectrum
    sos, zi = _lowpass_sos(fs, min(_LT_CUTOFF_HZ, 0.45 * fs))
    padlen = 3 * (2 * sos.shape[0] + 1)  # as _lowpass
    if finite and x.size > max(30, padlen) and sos.shape[0] == 1:
        # the common case in one kernel call, the same values as the per-index path below
        # (bit for bit: tests/test_sqi_fused.py)
        out = np.empty(len(SQI_NAMES))
        sqi_row_finite(
            x=x,
            rpeaks=rpeaks,
            sos=sos,
            zi=zi,
            padlen=padlen,
            fs=fs,
            **_row_params(fs),
            out=out,
        )
        out[3], out[4] = _band_powers(x, fs, True)
        return out
    second = _length_transform(x, fs, finite)
    s, k = skew_kurt(x)
    psqi, bas = _band_powers(x, fs, finite)
    # no finite sample: the flat and clipped fractions are unknown, not 0
    known = 1.0 if finite or np.isfinite(x).any() else float("nan")
    out = np.empty(len(SQI_NAMES))
    par = _row_params(fs)
    out[0] = _bsqi_sorted(rpeaks, second, par["match_tol"])
    out[1] = k
    out[2] = s
    out[3] = psqi
    out[4] = bas
    out[5] = known * float(flat_fraction(x, par["flat_tol"], par["flat_len"]))
    out[6] = known * float(clip_fraction(x, par["clip_tol"], par["clip_len"]))
    out[7] = template_correlation(x, rpeaks, par["half"])
    return out


def _sqi_rows(xs: list[np.ndarray], fs: float, rpeaks: list[np.ndarray]) -> np.ndarray:
    """:func:`_sqi_row` of many windows of one ``fs`` (each 1-D contiguous float64, with
    its R-peaks as :func:`_sqi_row` takes them): array (n_windows, 8), row ``i`` equal bit
    for bit to ``_sqi_row(xs[i], fs, rpeaks[i])`` whatever the other windows are.

    Windows of one length that take the fused path of :func:`_sqi_row` go through one
    :func:`geoecg._kernels.sqi.sqi_rows_finite` call (time-domain indices and the
    Hann-windowed, mean-removed rows) and one 2-D ``np.fft.rfft`` (row by row the same
    transform as the 1-D call, and ``abs``, ``**2`` and the band sums along a row are the
    same NumPy loops); the others (a sample not finite, short windows) take
    :func:`_sqi_row`."""
    out = np.empty((len(xs), len(SQI_NAMES)))
    sos, zi = _lowpass_sos(fs, min(_LT_CUTOFF_HZ, 0.45 * fs))
    padlen = 3 * (2 * sos.shape[0] + 1)  # as _lowpass
    groups: dict[int, list[int]] = {}
    for i, x in enumerate(xs):
        groups.setdefault(x.size, []).append(i)
    for n, idx in groups.items():
        if not (n > max(30, padlen) and sos.shape[0] == 1):
            for i in idx:
                out[i] = _sqi_row(xs[i], fs, rpeaks[i])
            continue
        X = np.stack([xs[i] for i in idx]) if len(idx) > 1 else xs[idx[0]].reshape(1, n)
        peaks = [rpeaks[i] for i in idx]
        offsets = np.zeros(len(idx) + 1, dtype=np.int64)
        np.cumsum([p.size for p in peaks], out=offsets[1:])
        rows = np.empty((len(idx), len(SQI_NAMES)))
        Y = np.empty((len(idx), n))
        ok = sqi_rows_finite(
            X=X,
            peaks=np.concatenate(peaks).astype(np.int64, copy=False),
            offsets=offsets,
            sos=sos,
            zi=zi,
            padlen=padlen,
            fs=fs,
            **_row_params(fs),
            w=_hanning(n),
            out=rows,
            Y=Y,
        )
        if ok.any():
            _band_ratios(Y if ok.all() else Y[ok], fs, rows, ok)
        for j, i in enumerate(idx):
            out[i] = rows[j] if ok[j] else _sqi_row(xs[i], fs, rpeaks[i])
    return out


def _band_ratios(Y: np.ndarray, fs: float, rows: np.ndarray, ok: np.ndarray) -> None:
    """pSQI and basSQI (columns 3 and 4 of ``rows[ok]``) of the Hann-windowed,
    mean-removed rows ``Y``: :func:`_band_powers` of each row (the same NumPy operations
    along each row)."""
    n = Y.shape[1]
    bins = _band_slices(n, float(fs))
    p = np.abs(np.fft.rfft(Y, axis=1)[:, : max(b.stop for b in bins.values())])
    p *= p
    band = {key: p[:, sl].sum(axis=1) for key, sl in bins.items()}
    with np.errstate(divide="ignore", invalid="ignore"):
        psqi = np.where(band[5, 40] > 0, band[5, 15] / band[5, 40], np.nan)
        bas = np.where(band[0, 40] > 0, 1.0 - band[0, 1] / band[0, 40], np.nan)
    rows[ok, 3] = psqi
    rows[ok, 4] = bas


def sqi_windows(windows, fs: float) -> np.ndarray:
    """Signal quality indices of many single-lead windows.

    Parameters
    ----------
    windows : ndarray, shape (n_windows, n_samples), or list of 1-D ndarray
        Single-lead windows, mV (a list may hold windows of different lengths).
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    ndarray of float64, shape (n_windows, 8)
        The indices of :func:`sqi_features` in the order of :data:`SQI_NAMES`.

    Raises
    ------
    ValueError
        ``windows`` is an array that is not 2-D, or one of its windows is not 1-D (the
        message names ``windows`` or ``windows[i]``).
    TypeError
        ``windows`` is None, text or not a collection of windows.

    Examples
    --------
    Three 10-s windows of MIT-BIH record 101 (360 Hz, mV) and a flat one: beats agree
    (bSQI 1), the flat window has no beat to score (NaN) and is all flat (flatFrac 1).

    >>> import numpy as np
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_101"), sampto=10800)
    >>> windows = list(rec.signal[0].reshape(3, 3600)) + [np.zeros(3600)]
    >>> Q = sqi_windows(windows, rec.fs)
    >>> Q.shape  # (windows, len(SQI_NAMES))
    (4, 8)
    >>> SQI_NAMES[0], SQI_NAMES[5]
    ('bSQI', 'flatFrac')
    >>> Q[:, [0, 5]].tolist()
    [[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [nan, 1.0]]
    """
    if windows is None or isinstance(windows, str | bytes) or not hasattr(windows, "__iter__"):
        raise TypeError(
            f"windows must be a 2-D array (n_windows, n_samples) or a list of 1-D arrays, "
            f"got {type(windows).__name__}"
        )
    if isinstance(windows, np.ndarray) and windows.ndim != 2:
        raise ValueError(
            f"windows must be 2-D (n_windows, n_samples) or a list of 1-D arrays, got shape "
            f"{windows.shape} (one window: pass [window] or use sqi_features)"
        )
    check_windows_layout(windows)
    rows = []
    for i, w in enumerate(windows):
        if np.ndim(w) != 1:
            raise ValueError(f"windows[{i}] must be 1-D (one lead, mV), got shape {np.shape(w)}")
        q = sqi_features(w, fs)
        rows.append([q[k] for k in SQI_NAMES])
    return np.array(rows, dtype=np.float64).reshape(-1, len(SQI_NAMES))
