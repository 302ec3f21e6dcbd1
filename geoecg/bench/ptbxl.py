"""PTB-XL small-cohort study: geometric pipelines vs MDM vs HRV/morphology + xgboost.

The protocol is :func:`geoecg.estimators.ptbxl_protocol.ptbxl_study`: the methods of
:mod:`geoecg.estimators.ptbxl_methods` on the same repeated patient-wise splits, AUC with a
patient-bootstrap CI, and a learning curve on subsampled training folds with the paired
effect of geodesic augmentation.
"""

from __future__ import annotations

import argparse
import time

from ..commands.bench_io import JsonSink, add_common, data_dir, parse_list
from ..datasets.ptbxl_tasks import TASKS, load_task  # load_task: used by bench.reconstruct
from ..estimators import ptbxl_methods as pm

__all__ = ["add_arguments", "run"]

PACKAGES = ("numba", "scikit-learn", "pyriemann", "xgboost")


def add_arguments(p: argparse.ArgumentParser) -> None:
    data = "PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)"
    add_common(p, data=data, seed=0, resume=True)
    p.add_argument("--task", default="NORM-vs-MI", choices=TASKS, help="task (default NORM-vs-MI)")
    p.add_argument(
        "--methods",
        default=",".join(pm.DEFAULT_PTBXL_METHODS),
        help="comma-separated subset of: " + ", ".join(pm.PTBXL_METHODS),
    )
    p.add_argument(
        "--n-train",
        default="50,100,150,all",
        help="learning-curve training sizes ('all' = full fold; empty: no curve)",
    )
    p.add_argument("--curve-methods", default="ts-lr,ts-lr-aug",
                   help="methods on the learning curve (augmentation needs both)")  # fmt: skip
    for name, default, what in (("--n-splits", 5, "outer CV folds"),
                                ("--n-repeats", 5, "outer CV repeats"),
                                ("--n-boot", 2000, "AUC bootstrap resamples")):  # fmt: skip
        p.add_argument(name, type=int, default=default, help=f"{what} (default {default})")


def run(args) -> int:
    from ..estimators.ptbxl_protocol import format_ptbxl_study, ptbxl_study

    methods = parse_list(args.methods, name="--methods", choices=pm.PTBXL_METHODS)
    sizes = [None if t == "all" else int(t) for t in parse_list(args.n_train, name="--n-train")]
    sink = JsonSink(args.json, *PACKAGES, run=args)  # "complete": false until the table is out
    with sink:  # each method kept as it finishes; --resume reads those, fits the others
        t0 = time.perf_counter()
        root = data_dir(args.data, "ptbxl", marker="ptbxl_database.csv")
        X, y, groups, covs = load_task(root, args.task)
        load_s = time.perf_counter() - t0
        kw = {k: getattr(args, k) for k in ("task", "n_splits", "n_repeats", "n_boot", "seed")}
        kw.update(curve_methods=parse_list(args.curve_methods, name="--curve-methods"))
        res = sink.results = ptbxl_study(  # the whole result: written at the end
            X, y, groups, covs, methods, n_train=sizes, **kw,
            on_update=sink.snapshot, on_fold=sink.keep, done_folds=sink.done,
        )  # fmt: skip
        res["prep_s"] += load_s
        print(format_ptbxl_study(res))
    return 0
