"""Timing a sweep from scratch: wall time, CPU time of the process tree, load average."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

__all__ = ["RESULT_COLUMNS", "process_cpu_seconds", "same_results", "time_sweep"]

#: Columns compared by :func:`same_results` (the figures of a cell, not its timing).
RESULT_COLUMNS = ("cell_id", "auroc", "log_loss", "brier", "ece", "auroc_gap", "log_loss_gap")


def process_cpu_seconds() -> float:
    """CPU seconds of this process, its reaped children and its live descendants.

    Live descendants (joblib's reusable workers) are counted only where psutil is installed
    (it comes with the ``dask`` extra).

    Returns
    -------
    float
        User + system CPU time, s.

    Examples
    --------
    >>> process_cpu_seconds() > 0
    True
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    try:
        import psutil
    except ImportError:
        return total
    for c in psutil.Process().children(recursive=True):
        try:
            t = c.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def time_sweep(config, *, backend: str = "joblib", n_jobs: int = 1, keep=None):
    """Run a sweep from scratch and time it.

    Parameters
    ----------
    config : SweepConfig
        From :func:`geoecg.sweep.load_config`.
    backend : {"joblib", "dask"}
    n_jobs : int
        Workers.
    keep : path-like, optional
        Folder for the results (must not exist yet); default a temporary folder.

    Returns
    -------
    row : dict
        ``backend``, ``cells``, ``wall_s``, ``cpu_s`` (process tree), ``cells_per_s``,
        ``cpu_s_per_cell``, ``load_avg_1min_start``/``_end`` (the machine may be shared) and
        ``errors`` (cells whose ``error`` column is not empty).
    table : pandas.DataFrame
        The sweep's results.
    """
    from .runner import run_sweep

    if keep is not None and Path(keep).exists():
        raise ValueError(f"keep={str(keep)!r} exists; the benchmark times a sweep from scratch")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(keep) if keep is not None else Path(tmp)
        load0 = os.getloadavg()[0]
        cpu0, t0 = process_cpu_seconds(), time.perf_counter()
        df = run_sweep(config, folder, backend=backend, n_jobs=n_jobs, progress=None)
        wall = time.perf_counter() - t0
        cpu = process_cpu_seconds() - cpu0
        load1 = os.getloadavg()[0]
    n = len(df)
    row = {
        "backend": backend,
        "cells": n,
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "cells_per_s": round(n / wall, 2) if wall > 0 else float("nan"),
        "cpu_s_per_cell": round(cpu / n, 4) if n else float("nan"),
        "load_avg_1min_start": round(load0, 2),
        "load_avg_1min_end": round(load1, 2),
        "errors": int((df["error"] != "").sum()) if n else 0,
    }
    return row, df


def same_results(a, b) -> bool:
    """True when two sweep tables hold the same figures cell by cell (order ignored).

    Parameters
    ----------
    a, b : pandas.DataFrame
        Sweep result tables (the columns of ``RESULT_COLUMNS``, ``cell_id`` among them).

    Returns
    -------
    bool
        Whether the result columns are equal after sorting both by ``cell_id``.
    """
    cols = list(RESULT_COLUMNS)
    x, y = (t[cols].sort_values("cell_id").reset_index(drop=True) for t in (a, b))
    return bool(x.equals(y))
