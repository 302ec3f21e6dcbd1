"""Sweep throughput: cells per second of a sweep config on joblib (and optionally dask).

Runs the config (default: the packaged ``anticausal_covariate_shift``, 1,000 cells) from
scratch for each backend, side by side in one process (:func:`geoecg.sweep.timing.time_sweep`:
wall time, CPU time of the whole process tree, load average; the machine may be shared).
Exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from ._versions import package_versions

__all__ = ["add_arguments", "run"]

#: Packaged config timed by default (``geoecg sweep --list`` names them all).
DEFAULT_CONFIG = "anticausal_covariate_shift"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--config",
        default=DEFAULT_CONFIG,
        help=f"packaged config name or sweep TOML file (default {DEFAULT_CONFIG})",
    )
    p.add_argument("-j", "--n-jobs", type=int, default=2, help="workers (default 2)")
    p.add_argument(
        "--backends",
        nargs="+",
        choices=("joblib", "dask"),
        default=["joblib"],
        help="backends to time (dask: a loopback LocalCluster of processes)",
    )
    p.add_argument("--json", default=None, help="write the figures to this JSON file")
    p.add_argument(
        "--keep", default=None, help="keep the results in KEEP/<backend> (must not exist yet)"
    )


def run(args) -> int:
    if "dask" in args.backends:
        from .._optional import require

        require("dask", "distributed", purpose="geoecg bench sweep --backends dask")
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
    tab = pd.DataFrame(rows)
    print(
        f"\nsweep {cfg.name!r}: {cfg.n_cells} cells, n_jobs={args.n_jobs}, "
        f"{os.cpu_count()} CPUs visible"
    )
    print(tab.to_string(index=False))
    if same is not None:
        print(f"joblib and dask tables identical: {same}")
    result = {
        "config": str(args.config),
        "n_cells": cfg.n_cells,
        "n_jobs": args.n_jobs,
        "cpu_count": os.cpu_count(),
        "runs": rows,
        "backends_identical": same,
        "versions": package_versions(
            "scikit-learn", "joblib", *(("dask", "distributed") if "dask" in args.backends else ())
        ),
    }
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"  written {args.json}")
    return 0
