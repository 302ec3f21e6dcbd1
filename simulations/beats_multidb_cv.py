"""Patient-grouped CV over one beat database, with other databases added to training or not.

The mirror of ``geoecg bench beats --protocol ds1-cv --train-data OTHER`` for a database that
is not MIT-BIH (issue 17, registry item 13 (b) in ``docs/benchmarks/beats_history.md``): outer
``GroupKFold(outer_folds)`` shuffled by the seed over the records of ``--test-data`` (each
record one patient unless the folder is MIT-BIH), the library's default beat pipeline, and
each ``--train-data`` database added to every outer fold's training set (never scored).
Nothing is chosen: the pipeline is fixed. Figures are pooled over the outer folds.

    python simulations/beats_multidb_cv.py --test-data $GEOECG_DATA/svdb \
        --train-data $GEOECG_DATA/mitdb --seed 0 --cache /tmp/beats_cache --json out.json
"""

from __future__ import annotations

import argparse
import time

from geoecg.commands.bench_io import dump_json, output_file
from geoecg.estimators.beat_protocols import load_beat_databases, nested_beat_tables
from geoecg.evaluation.aami import aami_report, aami_table


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--test-data", required=True, help="the database cross-validated over")
    p.add_argument("--train-data", default="", help="comma-separated databases added to training")
    p.add_argument("--seed", type=int, default=0, help="shuffles the outer folds; model seed")
    p.add_argument("--outer-folds", type=int, default=7, help="outer GroupKFold folds (default 7)")
    p.add_argument("--n-estimators", type=int, default=40, help="xgboost trees (default 40)")
    p.add_argument(
        "--max-per-class",
        type=int,
        default=4000,
        help="at most this many training beats per class in each fit (default 4000)",
    )
    p.add_argument("--cache", default=None, help="beat-table cache folder (reused across runs)")
    p.add_argument(
        "--json", default=None, type=output_file, help="write the AAMI report and settings here"
    )
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    print(f"beat tables of {args.test_data} {args.train_data}".rstrip(), flush=True)
    test = load_beat_databases([args.test_data], args.cache)
    train = [f for f in args.train_data.split(",") if f.strip()]
    extra = load_beat_databases(train, args.cache) if train else None
    print(f"{len(test.records)} records; {args.outer_folds} outer folds", flush=True)
    y, pred, n, folds = nested_beat_tables(
        test.tables,
        list(test.records),
        groups=test.groups,
        extra=extra,
        outer_folds=args.outer_folds,
        seed=args.seed,
        n_estimators=args.n_estimators,
        max_per_class=args.max_per_class,
        class_weight="balanced",
        random_state=args.seed,
        progress=None,  # a bar of the outer folds on stderr when it is a terminal
    )
    res = {
        "protocol": f"cv over {args.test_data}"
        + (f" + training {args.train_data}" if train else ""),
        **aami_report(y, pred),
        "folds": folds,
        "settings": vars(args),
        "elapsed_s": time.perf_counter() - t0,
    }
    print(res["protocol"], f"seed {args.seed}")
    print("\n".join(aami_table(res)))
    if args.json:
        dump_json(args.json, res, indent=1, default=lambda o: None)  # atomic, folder created
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
