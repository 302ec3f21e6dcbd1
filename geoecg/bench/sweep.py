"""Sweep throughput: cells per second of a sweep config on joblib (and optionally dask).

Runs the config (default: the packaged ``anticausal_covariate_shift``, 1,000 cells) from
scratch in a temporary folder for each backend, side by side in one process, and reports
wall time, CPU time of the whole process tree and the load average during the run (the
machine may be shared). Exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

__all__ = ["add_arguments", "run"]

#: Packaged config timed by default (``geoecg sweep --list`` names them all).
DEFAULT_CONFIG = "anticausal_covariate_shift"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=DEFAULT_CONFIG,
                   help=f"packaged config name or sweep TOML file (default {DEFAULT_CONFIG})")
    p.add_argument("-j", "--n-jobs", type=int, default=2, help="workers (default 2)")
    p.add_argument("--backends", nargs="+", choices=("joblib", "dask"), default=["joblib"],
                   help="backends to time (dask: a loopback LocalCluster of processes)")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")
    p.add_argument("--keep", default=None,
                   help="keep the results in KEEP/<backend> (must not exist yet)")


def _cpu_s() -> float:
    """CPU seconds of this process, its reaped children and its live descendants.

    Live descendants (joblib's reusable workers) are counted only where psutil is installed
    (it comes with the ``dask`` extra).
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = 0.0
    try:
        import psutil
    except ImportError:
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    for c in psutil.Process().children(recursive=True):
        try:
            t = c.cpu_times()
            live += t.user + t.system
        except psutil.Error:
            pass
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + live


def _dask_versions(backends) -> dict:
    if "dask" not in backends:
        return {}
    import dask
    import distributed

    return {"dask": dask.__version__, "distributed": distributed.__version__}


def run(args) -> int:
    if "dask" in args.backends:
        from .._optional import require

        require("dask", "distributed", purpose="geoecg bench sweep --backends dask")
    import joblib
    import numpy as np
    import pandas as pd
    import sklearn

    from .. import __version__
    from ..sweep import load_config, run_sweep

    cfg = load_config(args.config)
    rows = []
    tables = {}
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as tmp:
            if args.keep:
                tmp = Path(args.keep) / backend
                if tmp.exists():
                    raise ValueError(f"{tmp} exists; the benchmark times a sweep from scratch")
            load0 = os.getloadavg()[0]
            cpu0, t0 = _cpu_s(), time.perf_counter()
            df = run_sweep(cfg, tmp, backend=backend, n_jobs=args.n_jobs, progress=True)
            wall = time.perf_counter() - t0
            cpu = _cpu_s() - cpu0
            load1 = os.getloadavg()[0]
        tables[backend] = df
        rows.append({"backend": backend, "cells": len(df), "wall_s": round(wall, 1),
                     "cpu_s": round(cpu, 1), "cells_per_s": round(len(df) / wall, 2),
                     "cpu_s_per_cell": round(cpu / len(df), 4),
                     "load_avg_1min_start": round(load0, 2), "load_avg_1min_end": round(load1, 2),
                     "errors": int((df["error"] != "").sum())})
    same = None
    if len(tables) == 2:
        cols = ["cell_id", "auroc", "log_loss", "brier", "ece", "auroc_gap", "log_loss_gap"]
        a, b = (t[cols].sort_values("cell_id").reset_index(drop=True) for t in tables.values())
        same = bool(a.equals(b))
    tab = pd.DataFrame(rows)
    print(f"\nsweep {cfg.name!r}: {cfg.n_cells} cells, n_jobs={args.n_jobs}, "
          f"{os.cpu_count()} CPUs visible")
    print(tab.to_string(index=False))
    if same is not None:
        print(f"joblib and dask tables identical: {same}")
    result = {
        "config": str(args.config), "n_cells": cfg.n_cells, "n_jobs": args.n_jobs,
        "cpu_count": os.cpu_count(), "runs": rows, "backends_identical": same,
        "versions": {"geoecg": __version__, "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__, "joblib": joblib.__version__,
                     **_dask_versions(args.backends)},
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"  written {args.json}")
    return 0
