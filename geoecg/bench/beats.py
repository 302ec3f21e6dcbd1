"""Heartbeat classification (AAMI N/S/V/F/Q): record-relative beat features + xgboost.

Protocols (beats classified at the reference annotation positions): ``ds1-cv`` (the default,
also on a full MIT-BIH folder) is nested and patient-grouped within MIT-BIH DS1
(:func:`geoecg.estimators.beat_protocols.nested_beat_tables`; ``--select``: the registered
grid :data:`geoecg.estimators.heartbeat.BEAT_SELECTION_GRID` chosen per outer fold by an
inner ``GroupKFold`` on its training patients); ``--protocol ds1-ds2`` trains on DS1 and
tests on DS2 (de Chazal 2004; it runs only when named, never chosen for the user);
``--train-data A,B`` databases (a MIT-BIH folder gives DS1) join every training set, or with
``--test-data DIR`` are the training set of a test on any other WFDB beat database (e.g.
SVDB, any sampling rate); ``intra`` is a random beat split that LEAKS PATIENTS. The pipeline
is :func:`geoecg.estimators.heartbeat.make_beat_pipeline` on
:func:`geoecg.features.beat_records.beat_record_table` (cached with ``--cache``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..commands.bench_io import FoldLog, add_common, parse_list
from ..evaluation.aami import aami_report, aami_table, per_record_counts
from ..features.beat_records import check_beat_columns, wfdb_beat_records

__all__ = ["add_arguments", "run"]

_SETTINGS = "feature_set adapt select outer_folds inner_folds n_estimators class_weight".split()
_SETTINGS.append("record_prior")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..estimators._beat_run import ADAPT_CHOICES, RECORD_PRIOR_HELP
    from ..estimators.heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET
    from ..features.beat_dominant import BEAT_FEATURE_SETS

    add_common(p, data="folder with mitdb/ (or the mitdb folder)", seed=0, resume=True)
    a = p.add_argument
    a(
        "--protocol",
        default=None,
        choices=("ds1-ds2", "ds1-cv", "intra"),
        help="default: ds1-cv (nested, patient-grouped within DS1), whatever records are "
        "present; ds1-ds2 (train DS1, test DS2) runs only when named",
    )
    a("--train-data", default=None, help="comma-separated WFDB beat folders to train on too")
    a("--test-data", default=None, help="a WFDB beat database to test on (needs --train-data)")
    a("--records", default=None, help="comma-separated record subset (quick runs)")
    a("--feature-set", default=DEFAULT_FEATURE_SET, choices=BEAT_FEATURE_SETS,
      help="beat feature set (without --select)")  # fmt: skip
    a(
        "--adapt",
        default={False: "off", True: "on"}.get(DEFAULT_ADAPT, DEFAULT_ADAPT),
        choices=tuple(ADAPT_CHOICES),
        help="label-free per-record adaptation: standardised features "
        "(on) or the features and their standardised copies (both)",
    )
    a("--record-prior", default="on", choices=("on", "off"), help=RECORD_PRIOR_HELP)
    a("--select", action="store_true", help="ds1-cv: inner-CV choice over BEAT_SELECTION_GRID")
    a("--outer-folds", type=int, default=0, help="ds1-cv: outer patient folds (0: LOPO)")
    a("--inner-folds", type=int, default=2, help="ds1-cv --select: inner patient folds")
    a("--n-estimators", type=int, default=150, help="xgboost boosting rounds")
    a("--max-per-class", type=int, default=20000, help="training beats per class (0: all)")
    a("--class-weight", default="balanced", choices=("balanced", "sqrt", "none"),
      help="training class weights: inverse frequency, its square root, or none")  # fmt: skip
    a("--test-size", type=float, default=0.2, help="intra: test fraction")
    a("--n-jobs", type=int, default=1, help="xgboost threads")
    a("--cache", default=None, help="folder to keep per-record features (resume)")


def _stage(text: str) -> None:
    """One progress line on stderr (the long steps of a run)."""
    print(f"  ... {text}", file=sys.stderr, flush=True)


def _load(folders, names, cache, test=None):
    from ..estimators.beat_protocols import load_beat_databases as load

    return load(folders if names is None else [folders], cache, records=names, test=test)


def run(args) -> int:
    from ..estimators import _beat_run as plan_
    from ..estimators.beat_protocols import nested_beat_tables, transfer_beat_tables
    from ..io import mitdb_records
    from ..io.mitdb import DS1, DS2, mitdb_dir

    t0, saved = time.perf_counter(), FoldLog(args, "numba", "scikit-learn", "xgboost", "PyWavelets")
    train = parse_list(args.train_data or "", name="--train-data")
    plan_.check_beat_sources(train, args.test_data, args.protocol)
    folder = Path(args.test_data) if args.test_data else mitdb_dir(args.data)
    present = wfdb_beat_records(folder) if args.test_data else mitdb_records(folder)
    plan = plan_.plan_beat_run(args.protocol, args.records, present, folder,
                               cross_db=args.test_data is not None)  # fmt: skip
    protocol, wanted = plan.protocol, plan.wanted
    if plan.hint:  # issue 17: nested by default
        print(plan.hint, file=sys.stderr)
    if plan.missing:
        print(plan.missing, file=sys.stderr)
        return 2
    rp = {"record_prior": args.record_prior == "on" and not args.select}
    pipeline = plan_.beat_pipeline_text(protocol, rp["record_prior"], args.select)
    header = plan_.beat_run_header(args, plan, train, folder, pipeline)
    print(header, flush=True)  # first, before minutes of work (h8 findings 10, 11)
    extra, p = (
        _load(train, None, args.cache, folder) if train else None,
        plan_.beat_model_params(args),
    )
    if protocol in ("cross-db", "ds1-ds2"):
        ds1 = None if args.test_data else _load(folder, DS1, args.cache)
        tr = ds1 + extra if ds1 and extra else ds1 or extra
        te = _load(folder, wanted if args.test_data else DS2, args.cache)
        te_tables = te.tables if ds1 else (tr + te).tables[len(tr.tables) :]
        check_beat_columns([*tr.tables, *te_tables], [*tr.records, *te.records])
        _stage(f"fitting on {len(tr.tables)} training records, classifying {len(te_tables)}")
        y, pred, n, fit = transfer_beat_tables(tr.tables, te_tables, tr.groups, **rp, **p)
        wanted = wanted if args.test_data else list(DS2)
        extra = dict(fit=fit, train_records=[*tr.records], train_data=",".join(train) or None)
        if protocol == "cross-db":
            fs = sorted({float(t["fs"]) for t in te.tables})
            extra.update(test_data=str(folder), test_fs=fs)
    elif protocol == "ds1-cv":
        t = _load(folder, wanted, args.cache)
        o = {k: getattr(args, k) for k in ("select", "outer_folds", "inner_folds")} | saved.hooks
        _stage(f"nested evaluation of {len(wanted)} records (one model per outer fold)")
        y, pred, n, folds = nested_beat_tables(  # o: a bar of the outer folds on a terminal
            t.tables, wanted, groups=t.groups, extra=extra, seed=args.seed, **o, **rp, **p
        )
        extra = {"folds": folds, "train_data": ",".join(train) or None}
    else:
        tables = _load(folder, wanted, args.cache).tables
        _stage(f"fitting and classifying a random beat split of {len(wanted)} records")
        y, pred, n = plan_.intra_split_predict(tables, p, test_size=args.test_size, seed=args.seed)
        wanted = ["all"]
    settings = {k: getattr(args, k) for k in [*_SETTINGS, "max_per_class", "seed"]}
    settings["feature_set"] = "registered grid" if args.select else args.feature_set
    settings["pipeline"] = pipeline
    result = {
        "protocol": protocol,
        "records": wanted,
        "beats_at": "reference annotation positions",
        **aami_report(y, pred),
        "per_record": per_record_counts(wanted, y, pred, n),
        **(extra or {}),
        "settings": settings,
        "elapsed_s": time.perf_counter() - t0,
    }
    for f in result.get("folds", []) if args.select else []:
        print(f"  outer fold {','.join(f['test'])}: the inner patient CV chose {f['choice']}")
    print("\n".join(aami_table(result)))
    print(f"  elapsed {result['elapsed_s']:.1f} s")
    saved.finish(result, quiet=True)
    return 0
