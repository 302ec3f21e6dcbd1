"""Run a distribution-shift sweep from a TOML config (resumable, joblib or dask).

Each cell (method x shift x seed x n) becomes one row of OUT/results/part-*.parquet,
written as soon as its task finishes; re-running the same command skips stored cells.
"""

from __future__ import annotations

import argparse
import time

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "name",
        nargs="?",
        default=None,
        metavar="CONFIG",
        help="a packaged config name (see --list) or a sweep TOML file",
    )
    p.add_argument("--config", default=None, help="same as CONFIG (kept for old scripts)")
    p.add_argument("--list", action="store_true", help="name the packaged sweep configs and exit")
    p.add_argument("--out", default=None, help="output folder (results/ and config.json)")
    p.add_argument(
        "--backend", choices=("joblib", "dask"), default="joblib", help="executor (default joblib)"
    )
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler (default: a loopback LocalCluster)",
    )
    p.add_argument(
        "-j",
        "--n-jobs",
        type=int,
        default=2,
        help="joblib workers or LocalCluster workers (default 2)",
    )
    p.add_argument(
        "--limit",
        type=int,
        default=None,
        help="stop after this many pending tasks (resume later); a task is one shift x seed x n "
        "with every method of the config, so it stores one cell per method",
    )
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def _list() -> int:
    from ..sweep import list_configs, load_config

    for name in list_configs():
        cfg = load_config(name)
        print(f"{name:<28} {cfg.n_cells:>6} cells  simulator {cfg.simulator}")
    print("run one: geoecg sweep NAME --out DIR")
    return 0


def run(args) -> int:
    if args.list:
        return _list()
    source = args.name or args.config
    if source is None:
        raise ValueError("give a sweep config: a packaged name (geoecg sweep --list) or a file")
    if args.name and args.config and args.name != args.config:
        raise ValueError(f"two configs given: {args.name!r} and --config {args.config!r}")
    if args.out is None:
        raise ValueError("--out is required: the folder where results are stored")
    if args.scheduler is not None and args.backend != "dask":
        raise ValueError("--scheduler needs --backend dask")
    if args.backend == "dask":
        from .._optional import require

        require("dask", "distributed", purpose="geoecg sweep --backend dask")
    from ..sweep import load_config, run_sweep, summarize

    cfg = load_config(source)
    print(
        f"sweep {cfg.name!r}: {cfg.n_cells} cells ({len(cfg.shifts)} shifts x "
        f"{len(cfg.methods)} methods x {len(cfg.seeds)} seeds x {len(cfg.ns)} n), "
        f"backend {args.backend}"
    )
    t0 = time.perf_counter()
    df = run_sweep(
        cfg,
        args.out,
        backend=args.backend,
        n_jobs=args.n_jobs,
        scheduler=args.scheduler,
        limit=args.limit,
        progress=False if args.no_progress else None,
    )
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
