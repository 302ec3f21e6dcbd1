"""Heartbeat classification (AAMI N/S/V/F/Q): record-relative beat features + xgboost.

Protocols (beats classified at the reference annotation positions): ``ds1-cv`` (default on
the shared data) is nested and patient-grouped within MIT-BIH DS1
(:func:`geoecg.evaluation.nested_evaluate`; ``--select``: the registered grid
:data:`geoecg.estimators.heartbeat.BEAT_SELECTION_GRID` chosen per outer fold by an inner
``GroupKFold`` on its training patients); ``ds1-ds2`` trains on DS1 and tests on DS2 (de
Chazal 2004); ``--train-data DIR --test-data DIR`` trains on DS1 and tests on any WFDB beat
database (e.g. SVDB, any sampling rate); ``intra`` is a random beat split that LEAKS
PATIENTS. The pipeline is :func:`geoecg.estimators.heartbeat.make_beat_pipeline` on
:func:`geoecg.features.beat_records.beat_record_table` (cached with ``--cache``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ..evaluation.aami import aami_report, aami_table, per_record_counts, sv_f1_score
from ..features.beat_records import beat_record_table, stack_beat_tables, wfdb_beat_records
from ._versions import package_versions

__all__ = ["add_arguments", "run"]

_ADAPT = {"off": False, "on": True, "both": "both"}
_LABEL = {
    "ds1-ds2": "ds1-ds2 (train DS1, test DS2; inter-patient, de Chazal 2004)",
    "ds1-cv": "ds1-cv (nested, patient-grouped within DS1: outer {outer})",
    "cross-db": "cross-database (train MIT-BIH DS1, test {test_data})",
    "intra": "intra (random beat split: LEAKS PATIENTS, not comparable)",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..estimators.heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET
    from ..features.beat_dominant import BEAT_FEATURE_SETS

    a = p.add_argument
    a("--data", default=None, help="folder with mitdb/ (or the mitdb folder)")
    a(
        "--protocol",
        default=None,
        choices=("ds1-ds2", "ds1-cv", "intra"),
        help="default: ds1-ds2 when all DS1 and DS2 records are present, else ds1-cv",
    )
    a("--train-data", default=None, help="cross-database: MIT-BIH folder (DS1 = training)")
    a("--test-data", default=None, help="cross-database: a WFDB beat database to test on")
    a("--records", default=None, help="comma-separated record subset (quick runs)")
    a(
        "--feature-set",
        default=DEFAULT_FEATURE_SET,
        choices=BEAT_FEATURE_SETS,
        help="named feature set (geoecg.features.beat_dominant.beat_feature_set_mask)",
    )
    a(
        "--adapt",
        default={False: "off", True: "on"}.get(DEFAULT_ADAPT, DEFAULT_ADAPT),
        choices=tuple(_ADAPT),
        help="label-free per-record adaptation: standardised features "
        "(on) or the features and their standardised copies (both)",
    )
    a("--select", action="store_true", help="ds1-cv: inner-CV choice over BEAT_SELECTION_GRID")
    a("--outer-folds", type=int, default=0, help="ds1-cv: outer patient folds (0: LOPO)")
    a("--inner-folds", type=int, default=2, help="ds1-cv --select: inner patient folds")
    a("--n-estimators", type=int, default=150)
    a("--max-per-class", type=int, default=20000, help="training beats per class (0: all)")
    a("--class-weight", default="balanced", choices=("balanced", "sqrt", "none"))
    a("--test-size", type=float, default=0.2, help="intra: test fraction")
    a("--n-jobs", type=int, default=1, help="xgboost threads")
    a("--seed", type=int, default=0)
    a("--cache", default=None, help="folder to keep per-record features (resume)")
    a("--json", default=None, help="write the figures to this JSON file")


def _pipeline(args, names):
    from ..estimators.heartbeat import make_beat_pipeline

    return make_beat_pipeline(
        names,
        feature_set=args.feature_set,
        adapt=_ADAPT[args.adapt],
        n_estimators=args.n_estimators,
        max_per_class=args.max_per_class or None,
        class_weight=None if args.class_weight == "none" else args.class_weight,
        n_jobs=args.n_jobs,
        random_state=args.seed,
    )


def _load(folder, names, cache, desc):
    from tqdm import tqdm

    return [
        beat_record_table(Path(folder) / r, cache) for r in tqdm(names, desc=desc, file=sys.stderr)
    ]


def _fit_predict(args, train, test):
    X, y, _, names = stack_beat_tables(train, args.adapt != "off")
    Xt, yt, nt, _ = stack_beat_tables(test, args.adapt != "off")
    return yt, _pipeline(args, names).fit(X, y).predict(Xt), nt


def _nested(args, tables, wanted):
    from sklearn.model_selection import GroupKFold

    from ..estimators.heartbeat import BEAT_SELECTION_GRID
    from ..evaluation.nested import nested_evaluate
    from ..io import patient_groups

    X, y, n, names = stack_beat_tables(tables, args.adapt != "off" or args.select)
    pid = patient_groups(wanted)
    groups = np.repeat(pid, n)
    outer = (
        GroupKFold(n_splits=args.outer_folds, shuffle=True, random_state=args.seed)
        if args.outer_folds
        else None
    )
    spec = (
        (_pipeline(args, names), list(BEAT_SELECTION_GRID))
        if args.select
        else _pipeline(args, names)
    )
    r = nested_evaluate(
        {"beats": spec},
        X,
        y,
        groups,
        outer_cv=outer,
        inner_cv=args.inner_folds,
        scoring=sv_f1_score,
    )["beats"]
    folds = [
        {
            "test": [w for w, g in zip(wanted, pid, strict=True) if g in set(groups[r.fold == k])],
            "choice": {
                p: v if isinstance(v, bool | int | float) else str(v) for p, v in ch.items()
            },
            "inner_score": None if np.isnan(s) else float(s),
        }
        for k, (ch, s) in enumerate(zip(r.choices, r.inner_scores, strict=True))
    ]
    return y, r.y_pred, n, {"folds": folds}


def run(args) -> int:
    from ..io import mitdb_records
    from ..io.mitdb import DS1, DS2, PACED, mitdb_dir

    t0 = time.perf_counter()
    if (args.train_data is None) != (args.test_data is None):
        raise ValueError("--train-data and --test-data go together")
    data = args.train_data if args.train_data is not None else args.data
    sub = None if data is None else Path(data) / "mitdb"  # a parent of mitdb/ (and nstdb/)
    folder = mitdb_dir(sub if sub is not None and any(sub.glob("*.atr")) else data)
    present = set(mitdb_records(folder))
    subset = [r.strip() for r in (args.records or "").split(",") if r.strip()]
    protocol = (
        "cross-db"
        if args.train_data is not None
        else args.protocol or ("ds1-ds2" if all(r in present for r in DS1 + DS2) else "ds1-cv")
    )
    need = {"cross-db": DS1, "ds1-ds2": DS1 + DS2, "ds1-cv": DS1}.get(protocol, ())
    wanted = (
        subset
        if subset and protocol in ("ds1-cv", "intra")
        else (sorted(r for r in present if r not in PACED) if protocol == "intra" else list(need))
    )
    missing = [r for r in wanted if r not in present]
    if missing:
        alt = "ds1-cv" if all(r in present for r in DS1) else "intra"
        print(
            f"protocol {protocol} needs records missing from {folder}: {', '.join(missing)}."
            f" With the records present, `--protocol {alt}` would run.",
            file=sys.stderr,
        )
        return 2
    extra = {}
    if protocol == "cross-db":
        test_folder = Path(args.test_data)
        wanted = subset or wfdb_beat_records(test_folder)
        te = _load(test_folder, wanted, args.cache, "test features")
        y, pred, n = _fit_predict(args, _load(folder, DS1, args.cache, "train features"), te)
        extra = {
            "train_records": list(DS1),
            "test_data": str(test_folder),
            "test_fs": sorted({float(t["fs"]) for t in te}),
        }
    elif protocol == "ds1-ds2":
        if subset:
            raise ValueError("--records with ds1-ds2 is not supported; use ds1-cv or intra")
        y, pred, n = _fit_predict(
            args,
            _load(folder, DS1, args.cache, "train features"),
            _load(folder, DS2, args.cache, "test features"),
        )
        wanted, extra = list(DS2), {"train_records": list(DS1)}
    elif protocol == "ds1-cv":
        y, pred, n, extra = _nested(args, _load(folder, wanted, args.cache, "features"), wanted)
    else:  # intra: a random beat split (leaks patients)
        from sklearn.model_selection import train_test_split

        X, ya, _, names = stack_beat_tables(
            _load(folder, wanted, args.cache, "features"), args.adapt != "off"
        )
        strat = ya if min(np.unique(ya, return_counts=True)[1]) >= 2 else None
        tr, te = train_test_split(
            np.arange(ya.size), test_size=args.test_size, random_state=args.seed, stratify=strat
        )
        y, pred = ya[te], _pipeline(args, names).fit(X[tr], ya[tr]).predict(X[te])
        wanted, n = ["all"], [te.size]
    settings = {
        k: getattr(args, k)
        for k in (
            "feature_set",
            "adapt",
            "select",
            "outer_folds",
            "inner_folds",
            "n_estimators",
            "class_weight",
            "max_per_class",
            "seed",
        )
    }
    settings["feature_set"] = "registered grid" if args.select else args.feature_set
    result = {
        "protocol": protocol,
        "records": wanted,
        "beats_at": "reference annotation positions",
        **aami_report(y, pred),
        "per_record": per_record_counts(wanted, y, pred, n),
        **extra,
        "settings": settings,
        "elapsed_s": time.perf_counter() - t0,
        "versions": package_versions("numba", "scikit-learn", "xgboost", "PyWavelets"),
    }
    outer = f"{args.outer_folds} patient folds" if args.outer_folds else "leave-one-patient-out"
    print(
        f"geoecg bench beats: {_LABEL[protocol].format(outer=outer, **result)}; "
        f"{len(wanted)} test records; features {settings['feature_set']}, adapt "
        f"{args.adapt}; xgboost {args.n_estimators} rounds, class weight {args.class_weight}"
    )
    for f in result.get("folds", []) if args.select else []:
        print(f"  outer fold {','.join(f['test'])}: the inner patient CV chose {f['choice']}")
    print("\n".join(aami_table(result)))
    print(f"  elapsed {result['elapsed_s']:.1f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0
