"""PTB-XL small-cohort study: geometric pipelines vs MDM vs HRV/morphology + xgboost.

The methods (:mod:`geoecg.estimators.ptbxl_methods`) run on the same repeated patient-wise
splits; AUC with a patient-bootstrap CI (:mod:`geoecg.evaluation.small_cohort`); a learning
curve on subsampled training folds with the paired effect of geodesic augmentation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ..datasets.ptbxl_tasks import TASKS, load_task, ptbxl_root
from ..estimators import ptbxl_methods as pm
from ..evaluation import small_cohort as sc
from ._versions import package_versions

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        default=None,
        help="PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)",
    )
    p.add_argument("--task", default="NORM-vs-MI", choices=TASKS)
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
    p.add_argument(
        "--curve-methods",
        default="ts-lr,ts-lr-aug",
        help="methods on the learning curve (augmentation effect needs both)",
    )
    for name, default in (("--n-splits", 5), ("--n-repeats", 5), ("--n-boot", 2000), ("--seed", 0)):
        p.add_argument(name, type=int, default=default)
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def run(args) -> int:
    from tqdm import tqdm

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    if bad := [m for m in methods if m not in pm.PTBXL_METHODS]:
        raise ValueError(f"unknown methods {bad}; choose from {pm.PTBXL_METHODS}")
    t_load = time.perf_counter()
    X, y, groups, covs = load_task(ptbxl_root(args.data), args.task)
    F = pm.PTBXLInputs(X, methods)
    strat = y if y.ndim == 1 else y.argmax(axis=1)
    splits = sc.patient_splits(
        strat, groups, n_splits=args.n_splits, n_repeats=args.n_repeats, random_state=args.seed
    )
    kw = {"groups": groups, "n_boot": args.n_boot, "random_state": args.seed}
    res: dict = {
        "task": args.task, "n_records": int(len(y)), "n_patients": int(np.unique(groups).size),
        "n_positive": (int(y.sum()) if y.ndim == 1 else y.sum(axis=0).tolist()),
        "cv": f"{args.n_repeats} x {args.n_splits}-fold StratifiedGroupKFold by patient_id",
        "prep_s": time.perf_counter() - t_load, "methods": {}, "skipped": {}, "learning_curve": {},
        "versions": package_versions("numba", "scikit-learn", "pyriemann", "xgboost"),
    }  # fmt: skip

    def study(ms, subsets, bar, rows):
        oofs = {}
        for m in ms:
            fp = pm.method_fit_predict(m, F, X, y, groups, covs, args.seed)
            oof, fit_s = sc.cross_val_oof(lambda tr, te, fp=fp: fp(subsets(tr), te), len(y),
                                          splits, progress=bar)  # fmt: skip
            rows[m], oofs[m] = sc.summarize(y, oof, fit_s, **kw).summary(), oof
            _write(args, res)
        if "ts-lr" in oofs and "ts-lr-aug" in oofs:
            d = sc.paired_bootstrap_diff(y, oofs["ts-lr-aug"], oofs["ts-lr"], metric=sc.macro_auc,
                                         **kw)  # fmt: skip
            return {"diff": d.estimate, "ci": [d.low, d.high], "excludes_zero": d.excludes_zero()}

    res["skipped"] = {m: w for m in methods if (w := pm.method_unavailable(m, F))}
    run_ms = [m for m in methods if m not in res["skipped"]]
    with tqdm(total=len(run_ms) * args.n_splits * args.n_repeats, file=sys.stderr,
              desc=f"bench ptbxl {args.task}") as bar:  # fmt: skip
        if (eff := study(run_ms, lambda tr: tr, bar, res["methods"])) is not None:
            res["augmentation_effect_all"] = eff
    sizes = [None if t == "all" else int(t) for t in args.n_train.replace(" ", "").split(",") if t]
    cm = [m for m in args.curve_methods.split(",") if m.strip() in run_ms]
    rs = np.random.RandomState(args.seed)
    for size in sizes if cm else []:
        sub = {
            id(tr): tr if size is None else sc.subsample_train(tr, strat, size, rs)
            for rep in splits
            for tr, _ in rep
        }  # identical subsets for every method
        entry = {}
        with tqdm(total=len(cm) * args.n_splits * args.n_repeats, file=sys.stderr,
                  desc=f"learning curve {size or 'all'}") as bar:  # fmt: skip
            eff = study(cm, lambda tr, sub=sub: sub[id(tr)], bar, entry)
        entry = {m: {k: v[k] for k in ("auc", "auc_ci")} for m, v in entry.items()}
        entry["n_train"] = int(np.median([len(v) for v in sub.values()]))
        if eff is not None:
            entry["augmentation_effect"] = eff
        res["learning_curve"]["all" if size is None else str(size)] = entry
    _print(res)
    _write(args, res)
    return 0


def _write(args, res) -> None:
    def clean(o):  # NaN (undefined, e.g. multi-label balanced accuracy) -> null
        if isinstance(o, dict | list):
            return (
                {k: clean(v) for k, v in o.items()} if isinstance(o, dict) else list(map(clean, o))
            )
        return None if isinstance(o, float) and not np.isfinite(o) else o

    if args.json:
        Path(args.json).write_text(json.dumps(clean(res), indent=2))


def _print(res) -> None:
    print(
        f"\nPTB-XL {res['task']}: {res['n_records']} records, {res['n_patients']} patients, "
        f"positives {res['n_positive']}; {res['cv']}"
    )
    print(f"{'method':26s} {'AUC':>6s} {'95% CI':>16s} {'bal.acc':>8s} {'fit s':>7s}")
    for m, r in res["methods"].items():
        print(
            f"{m:26s} {r['auc']:6.3f} [{r['auc_ci'][0]:6.3f}, {r['auc_ci'][1]:6.3f}] "
            f"{r['balanced_accuracy']:8.3f} {r['fit_s']:7.2f}"
        )
    for m, why in res["skipped"].items():
        print(f"{m:26s} skipped: {why}")
    if a := res.get("augmentation_effect_all"):
        print(
            f"augmentation effect (ts-lr-aug - ts-lr), full folds: {a['diff']:+.3f} "
            f"[{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]"
        )
    for i, e in enumerate(res["learning_curve"].values()):
        parts = [
            f"{m} {v['auc']:.3f} [{v['auc_ci'][0]:.3f}, {v['auc_ci'][1]:.3f}]"
            for m, v in e.items()
            if isinstance(v, dict) and "auc" in v
        ]
        a = e.get("augmentation_effect")
        aug = f"; aug effect {a['diff']:+.3f} [{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]" if a else ""
        head = "\nlearning curve (AUC [95% CI]; test folds unchanged)\n" if i == 0 else ""
        print(f"{head}  n_train={e['n_train']:4d}: " + "; ".join(parts) + aug)
