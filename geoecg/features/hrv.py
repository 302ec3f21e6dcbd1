"""Heart-rate variability: 48 time-domain, frequency-domain and nonlinear indices.

Index definitions (RR intervals ``x`` in ms, ``d`` successive differences of consecutive
finite intervals; "n >= k" is the minimum number of finite intervals, below which the
index is NaN):

Time domain
    ===========  ==================================================  =========  ========
    name         formula                                             unit       minimum
    ===========  ==================================================  =========  ========
    MeanNN       mean(x)                                             ms         n >= 1
    SDNN         std(x, ddof=1)                                      ms         n >= 2
    RMSSD        sqrt(mean(d**2))                                    ms         n >= 2
    SDSD         std(d, ddof=1)                                      ms         n >= 3
    CVNN         SDNN / MeanNN                                       --         n >= 2
    CVSD         RMSSD / MeanNN                                      --         n >= 2
    MedianNN     median(x)                                           ms         n >= 1
    MadNN        1.4826 * median(|x - median(x)|)                    ms         n >= 1
    MCVNN        MadNN / MedianNN                                    --         n >= 1
    IQRNN        P75(x) - P25(x) (linear interpolation)              ms         n >= 1
    Prc20NN      P20(x)                                              ms         n >= 1
    Prc80NN      P80(x)                                              ms         n >= 1
    MinNN        min(x)                                              ms         n >= 1
    MaxNN        max(x)                                              ms         n >= 1
    pNN20        100 * #(|d| > 20 ms) / #d                           %          n >= 2
    pNN50        100 * #(|d| > 50 ms) / #d                           %          n >= 2
    HRMean       mean(60000 / x)                                     bpm        n >= 1
    HRStd        std(60000 / x, ddof=1)                              bpm        n >= 2
    HRMin        60000 / max(x)                                      bpm        n >= 1
    HRMax        60000 / min(x)                                      bpm        n >= 1
    HTI          n / (count of the modal 1/128-s histogram bin)      --         n >= 1
    TINN         M - N of the least-squares triangle on the          ms         n >= 3
                 1/128-s histogram (Task Force 1996)
    ===========  ==================================================  =========  ========

Frequency domain (bands VLF 0.0033-0.04, LF 0.04-0.15, HF 0.15-0.4 Hz; a band is NaN
on a series shorter than 240 s (VLF), 120 s (LF) or 60 s (HF))
    Welch: VLF, LF, HF, TP (= VLF + LF + HF) in ms^2; LFHF = LF / HF; LFn, HFn =
    100 LF/(LF+HF), 100 HF/(LF+HF) in normalised units. RR(t) is resampled at
    ``fs_interp`` Hz (default 4) by a natural cubic spline through the closing-beat times;
    Welch with Hann windows of ``welch_window_s`` s (default 256 s, the whole series if
    shorter), 50 % overlap, mean removed per segment, density scaling; band power =
    sum of the PSD bins in [lo, hi) times the bin width.
    Lomb-Scargle: the same seven indices with suffix ``_LS`` from the classical
    periodogram of the uneven series on the grid ``k * ls_df`` (default 0.001 Hz) up to
    ``ls_fmax`` (0.4 Hz), PSD = 2 P T / n ms^2/Hz (T duration, n intervals).
    Both need n >= 4 intervals.

Nonlinear
    ===========  ==================================================  =========  ========
    SD1          std((x_i - x_{i+1}) / sqrt 2, ddof=1)               ms         n >= 3
    SD2          std((x_i + x_{i+1}) / sqrt 2, ddof=1)               ms         n >= 3
    SD1SD2       SD1 / SD2                                           --         n >= 3
    CSI          SD2 / SD1 (= L/T, Toichi 1997)                      --         n >= 3
    CVI          log10(16 SD1 SD2) (= log10(L T), Toichi 1997)        --         n >= 3
    SampEn       -ln(A/B), m = 2, r = 0.2 SDNN (Richman 2000)        nats       n >= 4
    ApEn         Phi_2 - Phi_3, r = 0.2 SDNN (Pincus 1991)           nats       n >= 4
    COSEn        SampEn(m=1, r=30 ms) + ln(2r) - ln(MeanNN), r and   --         n >= 3
                 MeanNN in s (Lake & Moorman 2011)
    DFA_alpha1   DFA slope over scales 4-16 beats (Peng 1995)        --         n >= 24
    DFA_alpha2   DFA slope over scales 16-64 beats                   --         n >= 72
    TPR          strict turning points / (n - 2)                    --         n >= 3
    ShanEn       Shannon entropy of the 1/128-s RR histogram         bits       n >= 1
    ===========  ==================================================  =========  ========

Any index that would be infinite (SampEn with no match, LF/HF with HF = 0, CVI of a
constant series) is NaN. A constant series (SDNN exactly 0) has band powers 0.0 and
LF/HF, LFn, HFn NaN (0/0) with both spectral methods (until session 17 the powers were
round-off of ~1e-30 ms^2 and the ratios numbers made of it, e.g. LFn 10.3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels.hrv_batch import N_FEATURES, hrv_rows
from .._kernels.hrv_freq import FREQ_NAMES
from .._kernels.hrv_nonlinear import NONLINEAR_NAMES
from .._kernels.hrv_time import TIME_NAMES
from .._numba_cache import FirstCall
from .._validation import check_fs
from .._validation import check_rpeaks as _check_rpeaks
from .._validation import check_rr as _check_rr

__all__ = [
    "HRV_FEATURE_NAMES",
    "HRV_BLOCKS",
    "HRVSettings",
    "hrv_features",
    "rr_from_rpeaks",
]

#: Every index, in the order of the feature vector.
HRV_FEATURE_NAMES: tuple[str, ...] = (
    TIME_NAMES + FREQ_NAMES + tuple(n + "_LS" for n in FREQ_NAMES) + NONLINEAR_NAMES
)
#: Names per block: ``"time"``, ``"frequency"``, ``"nonlinear"``.
HRV_BLOCKS: dict[str, tuple[str, ...]] = {
    "time": TIME_NAMES,
    "frequency": FREQ_NAMES + tuple(n + "_LS" for n in FREQ_NAMES),
    "nonlinear": NONLINEAR_NAMES,
}
assert len(HRV_FEATURE_NAMES) == N_FEATURES

#: The first-ever HRV call (no machine code in the on-disk cache) runs the kernels as plain
#: Python while numba compiles them in a background thread (~40 s of CPU, once).
_FIRST_CALL = FirstCall(
    hrv_rows,
    "geoecg: compiling the HRV kernels in the background (once; cached on disk, so later "
    "runs start fast); meanwhile HRV runs as plain Python (~0.2 s per series)",
)
#: Most rows a call computes with the plain-Python kernels (~0.2-0.5 s CPU each); a
#: larger call waits for the compilation instead (plain Python would slow it down).
FIRST_CALL_MAX_ROWS = 8


_POWER = [
    HRV_FEATURE_NAMES.index(n + sfx) for n in ("VLF", "LF", "HF", "TP") for sfx in ("", "_LS")
]
_RATIO = [HRV_FEATURE_NAMES.index(n + sfx) for n in ("LFHF", "LFn", "HFn") for sfx in ("", "_LS")]
_SDNN = HRV_FEATURE_NAMES.index("SDNN")


def constant_rows(out: np.ndarray) -> np.ndarray:
    """Set the spectra of constant series (SDNN exactly 0) to what they are, in place.

    A constant RR series has no power: the kernels return round-off (~1e-30 ms^2) that
    the ratios LF/HF, LFn and HFn turned into numbers (LFn 10.3 for 600 intervals of
    800 ms; NaN at 1000 ms, where the round-off is exactly 0). Band powers that were
    computed become 0.0 and the six ratios NaN (0/0), as documented. Returns the rows.
    """
    const = out[:, _SDNN] == 0.0
    if const.any():
        rows = out[const]
        p = rows[:, _POWER]
        rows[:, _POWER] = np.where(np.isfinite(p), 0.0, p)
        rows[:, _RATIO] = np.nan
        out[const] = rows
    return const


def kernel_args(rr_flat, t_flat, offsets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The series as the kernels take them: C-contiguous, writable float64 intervals (ms) and
    closing-beat times (s), int64 offsets.

    numba compiles separate machine code for a read-only array (e.g. ``CleanRR.rr_ms``, an
    array from ``np.frombuffer`` or a memory map), so one read-only call beside writable ones
    would compile the whole HRV kernel tree twice (~40 s of CPU); a read-only input is copied.
    """

    def _writable(a, dtype):
        a = np.ascontiguousarray(a, dtype=dtype)
        return a if a.flags.writeable else a.copy()

    return (
        _writable(rr_flat, np.float64),
        _writable(t_flat, np.float64),
        _writable(offsets, np.int64),
    )


def run_rows(rr_flat, t_flat, offsets, start, stop, params, out) -> int:
    """Rows ``start:stop`` of ``out`` without waiting for numba, while ``hrv_rows`` has no
    machine code yet (see ``_FIRST_CALL``): returns the first row it did NOT fill, which the
    caller computes with ``hrv_rows`` (``start`` when the kernel is compiled or cached)."""
    args = (rr_flat, t_flat, offsets)
    i = start
    cold = False
    while i < stop and _FIRST_CALL.state(*args, i, stop, params, out) == "interpreted":
        cold = True
        if stop - start > FIRST_CALL_MAX_ROWS:
            break
        _FIRST_CALL.python(*args, i, i + 1, params, out)
        i += 1
    if cold:  # started after the interpreted rows: they need not share the GIL with numba
        _FIRST_CALL.compile_in_background(*args, start, stop, params, out)
        if i < stop:
            _FIRST_CALL.wait()
    return i


@dataclass(frozen=True)
class HRVSettings:
    """Settings of the frequency and entropy estimators (see the module docstring).

    Attributes
    ----------
    fs_interp : float
        Resampling rate of RR(t) for Welch, Hz.
    welch_window_s : float
        Welch segment length, s.
    ls_df, ls_fmax : float
        Lomb-Scargle frequency step and highest frequency, Hz.
    entropy_m : int
        Embedding dimension of SampEn and ApEn.
    entropy_r : float
        Tolerance of SampEn and ApEn as a fraction of SDNN.
    cosen_r_ms : float
        COSEn tolerance, ms.
    """

    fs_interp: float = 4.0
    welch_window_s: float = 256.0
    ls_df: float = 0.001
    ls_fmax: float = 0.4
    entropy_m: int = 2
    entropy_r: float = 0.2
    cosen_r_ms: float = 30.0

    def __post_init__(self):
        for name in ("fs_interp", "welch_window_s", "ls_df", "ls_fmax", "entropy_r", "cosen_r_ms"):
            v = getattr(self, name)
            if not (
                isinstance(v, (int, float, np.floating, np.integer)) and np.isfinite(v) and v > 0
            ):
                raise ValueError(f"{name} must be a positive number, got {v!r}")
        if not (isinstance(self.entropy_m, (int, np.integer)) and self.entropy_m >= 1):
            raise ValueError(f"entropy_m must be a positive integer, got {self.entropy_m!r}")
        if self.ls_fmax < self.ls_df:
            raise ValueError(f"ls_fmax ({self.ls_fmax}) must be >= ls_df ({self.ls_df})")

    def as_array(self) -> np.ndarray:
        return np.array(
            [
                self.fs_interp,
                self.welch_window_s,
                self.ls_df,
                self.ls_fmax,
                self.entropy_m,
                self.entropy_r,
                self.cosen_r_ms,
            ],
            dtype=np.float64,
        )


def _check_fs(fs) -> float:
    return check_fs(fs)


def check_rr(rr_ms, name: str = "rr_ms") -> np.ndarray:
    """Validate one RR series: 1-D, real, positive or NaN (missing), ms (not seconds)."""
    return _check_rr(rr_ms, name)


def check_rpeaks(rpeaks, name: str = "rpeaks", n_samples: int | None = None) -> np.ndarray:
    """Validate R-peak sample indices: 1-D, whole, non-negative, strictly increasing."""
    return _check_rpeaks(rpeaks, n_samples, name)


def rr_from_rpeaks(rpeaks, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """RR intervals (ms) and the times (s) of their closing beats from R-peak indices.

    Parameters
    ----------
    rpeaks : array_like of int
        R-peak sample indices, increasing.
    fs : float
        Sampling frequency of the indices, Hz.

    Returns
    -------
    rr_ms : ndarray of float64, shape (n_peaks - 1,)
        RR intervals, ms.
    t_s : ndarray of float64, shape (n_peaks - 1,)
        Time of the beat that closes each interval, s from sample 0.

    Examples
    --------
    >>> rr, t = rr_from_rpeaks([0, 360, 720, 1098], fs=360)
    >>> rr.tolist(), t.tolist()
    ([1000.0, 1000.0, 1050.0], [1.0, 2.0, 3.05])
    """
    fs = _check_fs(fs)
    p = check_rpeaks(rpeaks)
    rr = np.diff(p).astype(np.float64) * (1000.0 / fs)
    return rr, p[1:].astype(np.float64) / fs


def rr_times(rr: np.ndarray) -> np.ndarray:
    """Closing-beat times (s) of ``rr`` (ms) from the first beat at 0; a NaN interval
    counts as the median finite interval (its true length is unknown)."""
    fin = np.isfinite(rr)
    fill = float(np.median(rr[fin])) if fin.any() else 1.0
    return np.cumsum(np.where(fin, rr, fill)) / 1000.0


def _prepare(rr_ms, rpeaks, fs) -> tuple[np.ndarray, np.ndarray]:
    if (rr_ms is None) == (rpeaks is None):
        raise ValueError("give exactly one of rr_ms (RR intervals, ms) or rpeaks (with fs)")
    if rpeaks is not None:
        if hasattr(rpeaks, "rr_ms") and hasattr(rpeaks, "indices"):  # an RPeakResult
            if fs is not None and check_fs(fs) != rpeaks.fs:
                raise ValueError(f"fs ({fs} Hz) disagrees with the RPeakResult's ({rpeaks.fs} Hz)")
            # intervals across the detector's gaps are NaN
            return rpeaks.rr_ms, rpeaks.indices[1:].astype(np.float64) / rpeaks.fs
        if fs is None:
            raise ValueError("rpeaks needs fs (Hz)")
        return rr_from_rpeaks(rpeaks, fs)
    if fs is not None:
        raise ValueError("fs is only used with rpeaks; RR intervals are already in ms")
    rr = check_rr(rr_ms)
    return rr, rr_times(rr)


def hrv_features(
    rr_ms=None, *, rpeaks=None, fs: float | None = None, settings: HRVSettings | None = None
) -> dict[str, float]:
    """All 48 HRV indices of one RR series (see the module docstring for definitions).

    Parameters
    ----------
    rr_ms : array_like of float, shape (n_intervals,), optional
        RR intervals in ms; NaN marks a missing or rejected interval.
    rpeaks : array_like of int or RPeakResult, optional
        R-peak sample indices (instead of ``rr_ms``), with ``fs``. Pass the
        :class:`~geoecg.features.RPeakResult` itself (or its ``rr_ms``) to keep intervals
        across NaN gaps out of the indices: bare indices carry no gap information.
    fs : float, optional
        Sampling frequency of ``rpeaks`` in Hz.
    settings : HRVSettings, optional
        Frequency and entropy settings (defaults documented in :class:`HRVSettings`).

    Returns
    -------
    dict
        Index name -> value (units in the module docstring); NaN where undefined.

    Raises
    ------
    ValueError
        If not exactly one of ``rr_ms`` and ``rpeaks`` is given, ``rpeaks`` comes
        without ``fs`` (Hz), or ``rr_ms`` is not 1-D or holds a value <= 0 ms. A series
        too short for an index is not an error: that index is NaN.
    TypeError
        If ``settings`` is not an :class:`HRVSettings`, or ``fs`` is not a number.

    Notes
    -----
    Differences from NeuroKit2 0.2.13 ``hrv_time``/``hrv_nonlinear``/``hrv_frequency``:

    - pNN20/pNN50 divide by the number of successive differences (Task Force 1996); NK2
      divides by the number of intervals (``len(diff) + 1``).
    - TINN: NK2 scans feet on bin edges from 0 ms with a nested search; here the two
      feet are chosen independently (the squared error separates), on the edges around
      the data.
    - DFA: non-overlapping windows and scales 4-16 / 16-64 (Peng 1995, Kubios); NK2 uses
      50 %-overlapping windows and scales 4-11 / 12-(n/10).
    - Frequency: NK2 interpolates at 100 Hz with a monotone cubic and picks its own
      Welch window; bands here follow the settings above, so absolute band powers differ.
    - HRMean is the mean instantaneous rate, not ``60000 / MeanNN``.
    - NaN intervals: distribution statistics skip them, successive differences and
      Poincaré pairs never span them, entropies/DFA/TPR close the gap.

    Examples
    --------
    >>> f = hrv_features([800.0, 810.0, 790.0, 830.0, 800.0])
    >>> round(f["MeanNN"], 1), round(f["RMSSD"], 2), f["pNN20"]
    (806.0, 27.39, 50.0)
    >>> bool(np.isnan(hrv_features([800.0, 800.0])["SDSD"]))
    True
    """
    settings = HRVSettings() if settings is None else settings
    if not isinstance(settings, HRVSettings):
        raise TypeError(f"settings must be an HRVSettings, got {type(settings).__name__}")
    rr, t = _prepare(rr_ms, rpeaks, fs)
    out = np.full((1, N_FEATURES), np.nan)
    # the batch kernel on one row: one compiled entry point for single and batch calls
    args = kernel_args(rr, t, np.array([0, rr.size], dtype=np.int64))
    params = settings.as_array()
    if run_rows(*args, 0, 1, params, out) == 0:  # 1: done as plain Python (first-ever call)
        hrv_rows(*args, 0, 1, params, out)
    constant_rows(out)
    return dict(zip(HRV_FEATURE_NAMES, out[0].tolist(), strict=True))
