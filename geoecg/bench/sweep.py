"""Sweep throughput: cells per second of a sweep config on joblib (and optionally dask).

Runs the config (default: the packaged ``anticausal_covariate_shift``, 1,000 cells) from
scratch for each backend, side by side in one process (:func:`geoecg.sweep.timing.time_sweep`:
wall time, CPU time of the whole process tree, load average; the machine may be shared).
Exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..commands.bench_io import add_common, write_json

__all__ = ["add_arguments", "run"]

#: Packaged config timed by default (``geoecg sweep --list`` names them all).
DEFAULT_CONFIG = "anticausal_covariate_shift"
BACKENDS = "backends to time (dask: a loopback LocalCluster of processes)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    a = p.add_argument
    a("--config", default=DEFAULT_CONFIG, help="packaged config name or sweep TOML file")
    a("-j", "--n-jobs", type=int, default=2, help="workers (default 2)")
    a("--backends", nargs="+", choices=("joblib", "dask"), default=["joblib"], help=BACKENDS)
    add_common(p, data=None)
    a("--keep", default=None, help="keep the results in KEEP/<backend> (must not exist yet)")


def run(args) -> int:
    dask = ("dask", "distributed") if "dask" in args.backends else ()
    if dask:
        from .._optional import require

        require(*dask, purpose="geoecg bench sweep --backends dask")
    import pandas as pd

    from ..sweep import load_config
    from ..sweep.timing import same_results, time_sweep

    cfg = load_config(args.config)
    rows, tables = [], {}
    for backend in args.backends:
        keep = Path(args.keep) / backend if args.keep else None
        row, tables[backend] = time_sweep(cfg, backend=backend, n_jobs=args.n_jobs, keep=keep)
        rows.append(row)
    same = same_results(*tables.values()) if len(tables) == 2 else None
    head = f"{cfg.n_cells} cells, n_jobs={args.n_jobs}, {os.cpu_count()} CPUs visible"
    print(f"\nsweep {cfg.name!r}: {head}\n{pd.DataFrame(rows).to_string(index=False)}")
    if same is not None:
        print(f"joblib and dask tables identical: {same}")
    result = {"config": str(args.config), "n_cells": cfg.n_cells, "n_jobs": args.n_jobs}
    result.update(cpu_count=os.cpu_count(), runs=rows, backends_identical=same)
    write_json(args.json, result, "scikit-learn", "joblib", *dask)
    return 0
