"""Compare classical and neural pipelines on identical patient-wise splits, with CIs.

Tasks: ptbxl-superdiagnostic (multi-label, macro AUROC), ptbxl-norm-vs-mi, cinc2017-af
(N/A/O/~), mitdb-beats. Every method sees the same records and the same folds; metrics are
pooled out-of-fold values with patient-level bootstrap 95% CIs; fit and predict times are
summed over folds.
"""

from __future__ import annotations

import argparse
import time

from .._versions import package_versions
from .bench_io import data_dir, dump_json

__all__ = ["TASKS", "add_arguments", "run"]

#: the comparisons ``--task`` names (built in :mod:`geoecg.commands.compare_tasks`)
TASKS = ("ptbxl-superdiagnostic", "ptbxl-norm-vs-mi", "cinc2017-af", "mitdb-beats")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--task", required=True, choices=TASKS, help="the comparison to run")
    p.add_argument(
        "--data",
        default=None,
        help="database folder for the task (default: its folder under $GEOECG_DATA: ptbxl/, "
        "cinc2017/ or mitdb/)",
    )
    p.add_argument("--folds", type=int, default=5, help="patient-wise CV folds (default 5)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    p.add_argument("--max-records", type=int, default=None, help="use at most N records")
    p.add_argument("--methods", nargs="*", help="only these methods (names as printed)")
    p.add_argument("--quick", action="store_true", help="tiny neural models (smoke test)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the run (default 0)")
    p.add_argument("--json", metavar="PATH", help="write the table and versions as JSON")
    p.add_argument("--plot", metavar="PNG", help="write a forest plot of the first metric")


def _versions() -> dict:
    return package_versions("scikit-learn", "torch", "pyriemann", "xgboost")


def _check_torch(args) -> dict:
    """Say before any work which neural methods are skipped (torch missing); name -> reason."""
    from .._optional import install_hint, missing, require
    from .compare_tasks import neural_method_names

    if not missing("torch"):
        return {}
    nets = neural_method_names(args.task, args.quick)
    asked = [m for m in (args.methods or []) if m in nets]
    if asked:
        require("torch", purpose=f"geoecg compare --methods {' '.join(map(repr, asked))}")
    if args.methods:  # only classical methods asked for: nothing is skipped
        return {}
    print(
        f"skipping the neural methods {', '.join(nets)}: they need torch, which is not "
        f"installed ({install_hint('torch')})",
        flush=True,
    )
    return {m: "torch not installed" for m in nets}


#: task prefix -> (database under ``$GEOECG_DATA``, file that marks its folder)
_TASK_DATABASE = {
    "ptbxl": ("ptbxl", "ptbxl_database.csv"),
    "cinc2017": ("cinc2017", "A*.hea"),
    "mitdb": ("mitdb", "*.atr"),
}


def _task_data(task: str, data):
    """``--data`` as given, or the task's database folder under ``$GEOECG_DATA``."""
    if data is not None:
        return data
    database, marker = _TASK_DATABASE[task.split("-", 1)[0]]
    return data_dir(None, database, marker=marker)


def run(args) -> int:
    from ..evaluation import compare
    from .compare_tasks import load_task, summary_table

    if args.folds < 2:  # checked before the task is loaded (was "cv must be ..." after it)
        raise ValueError(f"--folds must be >= 2 (patient-wise CV folds), got {args.folds}")
    data = _task_data(args.task, args.data)
    skipped = _check_torch(args)
    t0 = time.perf_counter()
    task = load_task(
        args.task, data, quick=args.quick, max_records=args.max_records, random_state=args.seed
    )
    est = task.estimators
    if args.methods:
        missing = [m for m in args.methods if m not in est]
        if missing:
            raise ValueError(f"unknown methods {missing}; available: {list(est)}")
        est = {m: est[m] for m in args.methods}
    n = len(task.y)
    print(f"task {task.name}: {n} records, {len(set(task.groups))} patients; {task.notes}")
    df = compare(
        est,
        task.X,
        task.y,
        groups=task.groups,
        cv=args.folds,
        metrics=task.metrics,
        n_bootstrap=args.bootstrap,
        random_state=args.seed,
    )
    print(summary_table(df))
    if skipped:
        print(f"skipped (torch not installed): {', '.join(skipped)}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    if args.json:
        out = {
            "task": task.name,
            "n_records": n,
            "folds": args.folds,
            "notes": task.notes,
            "results": df.to_dict(orient="records"),
            "skipped": skipped,
            "versions": _versions(),
        }
        dump_json(args.json, out, default=float)
    if args.plot:
        from ..viz import plot_comparison

        plot_comparison(df, task.metrics[0]).savefig(args.plot, dpi=110)
    return 0
