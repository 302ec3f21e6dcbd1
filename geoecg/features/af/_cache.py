"""The per-record feature cache shared by the AF feature batches (one ``.npy`` per record)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np


def one_lead(x, name: str = "signal") -> np.ndarray:
    """One record as a 1-D float64 lead: ``(n_samples,)`` or ``(1, n_samples)``, else an error.

    The one-lead check of :func:`~geoecg.features.af_record_features` and of the crop and
    rhythm-profile batches (which flattened a ``(n_samples, 2)`` record into one interleaved
    lead before session 21).

    Parameters
    ----------
    x : array_like
        The record, in mV.
    name : str
        Argument name used in error messages (``"signals[3]"``).

    Returns
    -------
    ndarray of float64, shape (n_samples,)
    """
    from ..._validation import as_signal

    a = as_signal(x, name, ndims=(1, 2))
    if a.ndim == 2 and a.shape[0] == 1:
        return a[0]
    if a.ndim != 1:
        raise ValueError(f"{name} must be one lead (n_samples,) or (1, n_samples), got {a.shape}")
    return a


def cache_path(cache_dir: Path, key: str) -> Path:
    """File of one cached feature row: the first 16 hex digits of SHA-1(``key``)."""
    h = hashlib.sha1(key.encode()).hexdigest()[:16]
    return Path(cache_dir) / f"{h}.npy"


def cached_rows(
    func,
    signals,
    fs: float,
    n_features: int,
    *,
    prefix: str,
    keys=None,
    cache_dir=None,
    progress: bool | None = False,
    desc: str = "features",
) -> np.ndarray:
    """``func(signal, fs)`` of every record, each row cached under ``prefix|key|fs``.

    Parameters
    ----------
    func : callable
        ``func(signal, fs) -> ndarray (n_features,)``.
    signals : list of array_like
        One lead per record, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    n_features : int
        Length of each row; a cached file of another shape is recomputed.
    prefix : str
        Version string of the features (part of the cache key, so a new version never
        reads old rows).
    keys : list of str, optional
        A content key per record (e.g. :meth:`geoecg.io.CinC2017.content_keys`: the
        name and a digest of the files); needed for the cache.
    cache_dir : path-like, optional
        Cache folder; rows are written atomically (temporary file + rename), so several
        processes may share it.
    progress : bool or None, default False
        Show a tqdm bar on stderr labelled ``desc`` (None: only when stderr is a terminal).

    Returns
    -------
    ndarray, shape (n_records, n_features)
        Memory is one row per record: the signals are read by the caller, the rows are the
        only thing kept here.
    """
    if cache_dir is not None and keys is None:
        raise ValueError("cache_dir needs keys (one content key per record)")
    if keys is not None and len(keys) != len(signals):
        raise ValueError(f"keys has {len(keys)} entries for {len(signals)} signals")
    cache = Path(cache_dir) if cache_dir is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    from ..._progress import progress_bar

    out = np.full((len(signals), int(n_features)), np.nan)
    for i in progress_bar(range(len(signals)), desc=desc, progress=progress, unit="rec"):
        path = cache_path(cache, f"{prefix}|{keys[i]}|{float(fs)}") if cache is not None else None
        if path is not None and path.is_file():
            v = np.load(path)
            if v.shape == (out.shape[1],):
                out[i] = v
                continue
        out[i] = func(signals[i], fs)
        if path is not None:
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, out[i])
            os.replace(tmp, path)
    return out
