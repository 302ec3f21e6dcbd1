"""Run a distribution-shift sweep from a TOML config (resumable, joblib or dask).

Each cell (method x shift x seed x n) becomes one row of OUT/results/part-*.parquet,
written as soon as its task finishes; re-running the same command skips stored cells.
"""

from __future__ import annotations

import argparse
import time

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", required=True, help="sweep TOML file (see simulations/)")
    p.add_argument("--out", required=True, help="output folder (results/ and config.json)")
    p.add_argument("--backend", choices=("joblib", "dask"), default="joblib")
    p.add_argument("--scheduler", default=None,
                   help="address of a running Dask scheduler (default: a loopback LocalCluster)")
    p.add_argument("-j", "--n-jobs", type=int, default=2,
                   help="joblib workers or LocalCluster workers (default 2)")
    p.add_argument("--limit", type=int, default=None,
                   help="stop after this many pending tasks (resume later)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run(args) -> int:
    from ..sweep import load_config, run_sweep, summarize

    cfg = load_config(args.config)
    if args.scheduler is not None and args.backend != "dask":
        raise ValueError("--scheduler needs --backend dask")
    print(f"sweep {cfg.name!r}: {cfg.n_cells} cells ({len(cfg.shifts)} shifts x "
          f"{len(cfg.methods)} methods x {len(cfg.seeds)} seeds x {len(cfg.ns)} n), "
          f"backend {args.backend}")
    t0 = time.perf_counter()
    df = run_sweep(cfg, args.out, backend=args.backend, n_jobs=args.n_jobs,
                   scheduler=args.scheduler, limit=args.limit, progress=not args.no_progress)
    wall = time.perf_counter() - t0
    print(f"{len(df)} of {cfg.n_cells} cells stored in {args.out} ({wall:.1f} s this run)")
    errors = df[df["error"].astype(str) != ""] if "error" in df else df.iloc[:0]
    if len(errors):
        print(f"{len(errors)} cells failed; first: {errors['error'].iloc[0]}")
    if len(df):
        s = summarize(df, ["log_loss_gap", "auroc_gap"])
        tab = s.pivot_table(index=["metric", "method"], columns="shift", values="mean")
        print(tab.round(4).to_string())
    return 0
