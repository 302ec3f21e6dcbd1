"""HRV for many series at once (parallel over series) and over sliding windows."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from .._kernels.hrv_batch import N_FEATURES, hrv_rows
from .._validation import check_flag, check_number
from .hrv import (
    HRV_FEATURE_NAMES,
    HRVSettings,
    _check_fs,
    check_rpeaks,
    check_rr,
    constant_rows,
    kernel_args,
    rr_times,
    run_rows,
)

__all__ = ["HRVWindows", "hrv_features_batch", "hrv_windowed"]


#: Series handed to a thread at a time (dynamic scheduling: series costs vary ~10x).
_CHUNK = 4


def _threads(n_jobs) -> int:
    if n_jobs is None:
        return numba.config.NUMBA_NUM_THREADS
    if isinstance(n_jobs, (int, np.integer)) and not isinstance(n_jobs, bool):
        threads = numba.config.NUMBA_NUM_THREADS if n_jobs < 0 else int(n_jobs)
        if threads == 0:
            raise ValueError("n_jobs must be a positive integer, -1 or None")
        return min(threads, numba.config.NUMBA_NUM_THREADS)
    raise TypeError(f"n_jobs must be an int or None, got {type(n_jobs).__name__}")


def _run_flat(rr_flat, t_flat, offsets, settings, n_jobs) -> np.ndarray:
    """Features of the series ``rr_flat[offsets[i]:offsets[i+1]]`` (closing-beat times
    ``t_flat``), one numba call over all of them."""
    settings = HRVSettings() if settings is None else settings
    if not isinstance(settings, HRVSettings):
        raise TypeError(f"settings must be an HRVSettings, got {type(settings).__name__}")
    threads = _threads(n_jobs)
    n = offsets.size - 1
    out = np.full((n, N_FEATURES), np.nan)
    if n == 0:
        return out
    args = kernel_args(rr_flat, t_flat, offsets)
    params = settings.as_array()
    first = run_rows(*args, 0, n, params, out)  # n: a first-ever call, done as plain Python
    if first < n and (threads <= 1 or n - first <= _CHUNK):
        hrv_rows(*args, first, n, params, out)  # the one compiled entry point (hrv_features)
    elif first < n:
        # Python threads over chunks of rows (the kernel releases the GIL; dynamic scheduling
        # because series costs vary ~10x). No numba parallel=True: its GNU OpenMP layer makes
        # a later fork() (multiprocessing, joblib) abort the process.
        with ThreadPoolExecutor(max_workers=threads) as ex:
            jobs = [
                ex.submit(hrv_rows, *args, a, min(a + _CHUNK, n), params, out)
                for a in range(first, n, _CHUNK)
            ]
            for j in jobs:
                j.result()
    constant_rows(out)  # once, whichever path filled the rows
    return out


def _run_batch(rrs: list[np.ndarray], ts: list[np.ndarray], settings, n_jobs) -> np.ndarray:
    lengths = np.array([r.size for r in rrs], dtype=np.int64)
    offsets = np.zeros(len(rrs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    rr_flat = np.concatenate(rrs) if rrs else np.empty(0)
    t_flat = np.concatenate(ts) if ts else np.empty(0)
    return _run_flat(rr_flat, t_flat, offsets, settings, n_jobs)


def _flat_rr_from_rpeaks(series, fs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rr_from_rpeaks`` of every series at once: ``(rr_flat, t_flat, offsets)``.

    Validation is vectorised over the concatenation; a series that fails it is passed
    to ``check_rpeaks`` alone, for its error message. Values are bit-identical to
    ``rr_from_rpeaks`` series by series.
    """
    fs = _check_fs(fs)
    arrs = []
    for i, s in enumerate(series):
        a = np.asarray(s)
        if a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
            a = check_rpeaks(a, name=f"series[{i}]")  # raises, or converts float indices
        arrs.append(a.astype(np.int64, copy=False))
    lengths = np.array([a.size for a in arrs], dtype=np.int64)
    starts = np.zeros(len(arrs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    p = np.concatenate(arrs) if arrs else np.empty(0, dtype=np.int64)
    # pairs (j, j + 1) inside one series: all but those that straddle a series start
    keep = np.ones(max(p.size - 1, 0), dtype=bool)
    inner = starts[1:-1]
    keep[inner[(inner > 0) & (inner < p.size)] - 1] = False
    d = np.diff(p)[keep]
    if (p < 0).any() or (d <= 0).any():
        for i, a in enumerate(arrs):
            check_rpeaks(a, name=f"series[{i}]")
    rr = d.astype(np.float64) * (1000.0 / fs)
    t = p[1:][keep].astype(np.float64) / fs
    offsets = np.zeros(len(arrs) + 1, dtype=np.int64)
    np.cumsum(np.maximum(lengths - 1, 0), out=offsets[1:])
    return rr, t, offsets


def hrv_features_batch(
    series: Sequence,
    *,
    kind: str = "rr",
    fs: float | None = None,
    settings: HRVSettings | None = None,
    n_jobs: int | None = 1,
) -> np.ndarray:
    """HRV indices of many series, computed in parallel over series.

    Parameters
    ----------
    series : sequence of 1-D arrays
        RR series in ms (``kind="rr"``) or R-peak sample indices (``kind="rpeaks"``),
        of any lengths.
    kind : {"rr", "rpeaks"}
        What ``series`` holds.
    fs : float, optional
        Sampling frequency (Hz) of the R-peak indices; required for ``kind="rpeaks"``.
    settings : HRVSettings, optional
    n_jobs : int or None, default 1
        numba threads (None or -1: all).

    Returns
    -------
    ndarray, shape (n_series, 48)
        Row ``i`` equals ``hrv_features(series[i])`` in the order of
        :data:`HRV_FEATURE_NAMES`.

    Examples
    --------
    >>> X = hrv_features_batch([[800.0, 810.0, 790.0], [1000.0, 1000.0]])
    >>> X.shape
    (2, 48)
    """
    if kind not in ("rr", "rpeaks"):
        raise ValueError(f"kind must be 'rr' or 'rpeaks', got {kind!r}")
    if isinstance(series, np.ndarray) and series.ndim == 1 and series.dtype != object:
        raise ValueError(
            "series must be a sequence of 1-D arrays (one per series), got one 1-D array"
        )
    if kind == "rpeaks":
        if fs is None:
            raise ValueError("kind='rpeaks' needs fs (Hz)")
        rr_flat, t_flat, offsets = _flat_rr_from_rpeaks(series, fs)
        return _run_flat(rr_flat, t_flat, offsets, settings, n_jobs)
    rrs, ts = [], []
    for i, s in enumerate(series):
        rr = check_rr(s, name=f"series[{i}]")
        rrs.append(rr)
        ts.append(rr_times(rr))
    return _run_batch(rrs, ts, settings, n_jobs)


@dataclass(frozen=True)
class HRVWindows:
    """HRV indices over sliding windows.

    Attributes
    ----------
    start_s, end_s : ndarray, shape (n_windows,)
        Window bounds in s (half-open ``[start, end)``).
    n_intervals : ndarray of int, shape (n_windows,)
        RR intervals used in each window.
    values : ndarray, shape (n_windows, 48)
        Indices in the order of :attr:`names`.
    names : tuple of str
    """

    start_s: np.ndarray
    end_s: np.ndarray
    n_intervals: np.ndarray
    values: np.ndarray
    names: tuple[str, ...]

    def to_frame(self):
        """A DataFrame with ``start_s``, ``end_s``, ``n_intervals`` and one column per index."""
        import pandas as pd

        df = pd.DataFrame(self.values, columns=list(self.names))
        df.insert(0, "n_intervals", self.n_intervals)
        df.insert(0, "end_s", self.end_s)
        df.insert(0, "start_s", self.start_s)
        return df


def window_starts(duration_s: float, window_s: float, step_s: float, partial: bool) -> np.ndarray:
    """Start times (s) of windows of ``window_s`` every ``step_s`` over ``[0, duration_s)``."""
    n_full = (
        int(np.floor((duration_s - window_s) / step_s + 1e-9)) + 1 if duration_s >= window_s else 0
    )
    starts = np.arange(max(n_full, 0)) * step_s
    if partial:
        nxt = n_full * step_s
        extra = np.arange(nxt, duration_s, step_s) if n_full or duration_s > 0 else np.empty(0)
        starts = np.concatenate([starts, extra])
    return starts.astype(np.float64)


def hrv_windowed(
    rpeaks=None,
    fs: float | None = None,
    *,
    rr_ms=None,
    window_s: float = 300.0,
    step_s: float | None = None,
    duration_s: float | None = None,
    partial: bool = False,
    settings: HRVSettings | None = None,
    n_jobs: int | None = 1,
) -> HRVWindows:
    """HRV indices over sliding windows of a long recording.

    An interval belongs to a window when both its beats lie in ``[start, start +
    window_s)``. A window with too few intervals gets NaN indices.

    Parameters
    ----------
    rpeaks : array_like of int, optional
        R-peak sample indices, with ``fs`` (Hz).
    rr_ms : array_like of float, optional
        RR intervals (ms) instead of R-peaks; the first beat is at 0 s.
    window_s : float, default 300
        Window length, s (e.g. 20 s for short-term, 300 s for 5-min HRV).
    step_s : float, optional
        Step between window starts, s (default ``window_s``: adjacent windows).
    duration_s : float, optional
        Recording length, s (default: the last beat's time).
    partial : bool, default False
        Also return the final windows that run past ``duration_s`` (``True`` or ``False``;
        anything else is a ``TypeError``).
    fs : float, optional
        Sampling frequency of ``rpeaks``, Hz (required with ``rpeaks``).
    settings : HRVSettings, optional
        Settings of every index (default: :class:`HRVSettings` defaults).
    n_jobs : int or None, default 1
        numba threads (None or -1: all).

    Returns
    -------
    HRVWindows
        Window bounds (s), intervals used and the 48 indices per window (units of
        :func:`hrv_features`; NaN in a window with too few intervals).

    Raises
    ------
    TypeError
        ``window_s``, ``step_s`` or ``duration_s`` not a real number (``"300"``).
    ValueError
        ``window_s``, ``step_s`` or ``duration_s`` zero, negative, NaN or inf.

    Examples
    --------
    >>> rr = np.full(200, 750.0)
    >>> w = hrv_windowed(rr_ms=rr, window_s=60.0)
    >>> w.values.shape, w.n_intervals.tolist()
    ((2, 48), [79, 79])
    """
    if (rpeaks is None) == (rr_ms is None):
        raise ValueError("give exactly one of rpeaks (with fs) or rr_ms")
    if rpeaks is not None:
        if fs is None:
            raise ValueError("rpeaks needs fs (Hz)")
        fs = _check_fs(fs)
        p = check_rpeaks(rpeaks)
        beats = p.astype(np.float64) / fs
        rr = np.diff(p).astype(np.float64) * (1000.0 / fs)
    else:
        if fs is not None:
            raise ValueError("fs is only used with rpeaks")
        rr = check_rr(rr_ms)
        beats = np.concatenate([[0.0], rr_times(rr)])
    window_s = check_number(window_s, "window_s", minimum=0, unit="s")
    if step_s is not None:
        step_s = check_number(step_s, "step_s", minimum=0, unit="s")
    if duration_s is not None:
        duration_s = check_number(duration_s, "duration_s", minimum=0, unit="s")
    partial = check_flag(partial, "partial")
    step_s = window_s if step_s is None else step_s
    if duration_s is None:
        duration_s = float(beats[-1]) if beats.size else 0.0
    starts = window_starts(duration_s, window_s, step_s, partial)
    a = np.searchsorted(beats, starts, side="left")
    b = np.searchsorted(beats, starts + window_s, side="left")  # beats[a:b] inside
    rrs, ts, counts = [], [], []
    for lo, hi in zip(a, b, strict=True):
        seg = rr[lo : max(hi - 1, lo)]
        rrs.append(np.ascontiguousarray(seg))
        ts.append(np.ascontiguousarray(beats[lo + 1 : lo + 1 + seg.size]))
        counts.append(seg.size)
    values = _run_batch(rrs, ts, settings, n_jobs)
    return HRVWindows(
        start_s=starts,
        end_s=starts + window_s,
        n_intervals=np.asarray(counts, dtype=np.int64),
        values=values,
        names=HRV_FEATURE_NAMES,
    )
