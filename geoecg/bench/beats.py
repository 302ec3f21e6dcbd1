"""Heartbeat classification (AAMI N/S/V/F/Q): record-relative beat features + xgboost.

Protocols (beats are classified at the reference annotation positions):

- ``ds1-cv`` (the default on the shared data): nested, patient-grouped evaluation within
  MIT-BIH DS1 (:func:`geoecg.evaluation.nested_evaluate`): outer folds leave one patient
  out (``--outer-folds K``: K patient groups); with ``--select`` the registered grid
  :data:`geoecg.estimators.heartbeat.BEAT_SELECTION_GRID` is chosen per outer fold by an
  inner ``GroupKFold`` on that fold's training patients only.
- ``ds1-ds2`` (de Chazal et al. 2004; when all 44 records are present): train on DS1, test
  on DS2, paced records excluded.
- ``--train-data DIR --test-data DIR``: cross-database; train on the DS1 records of the
  MIT-BIH folder, test on every record of another WFDB beat database with AAMI-mappable
  labels (e.g. the MIT-BIH Supraventricular Arrhythmia Database), at any sampling rate.
- ``intra``: a random beat split of all non-paced records present; it LEAKS PATIENTS and is
  shown only for comparison with intra-patient papers.

The pipeline is :func:`geoecg.estimators.heartbeat.make_beat_pipeline` on the features of
:func:`geoecg.features.beat_dominant.record_beat_table` (cached per record with
``--cache``); ``--adapt on`` standardises each record's features on its own beats
(``both``: adds the standardised copies to the features).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ..evaluation.aami import AAMI_REPORT_CLASSES as CLASSES
from ..evaluation.aami import aami_report, aami_table, sv_f1_score
from ._versions import package_versions

__all__ = ["CLASSES", "add_arguments", "aami_report", "run"]

_CACHE_VERSION = "v2"  # bump when record_beat_table changes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder with mitdb/ (or the mitdb folder)")
    p.add_argument("--protocol", default=None, choices=("ds1-ds2", "ds1-cv", "intra"),
                   help="default: ds1-ds2 when all DS1 and DS2 records are present, else ds1-cv")
    p.add_argument("--train-data", default=None, help="cross-database: MIT-BIH folder (DS1 "
                   "records are the training set)")
    p.add_argument("--test-data", default=None, help="cross-database: another WFDB beat "
                   "database (every record with .atr beat labels is a test record)")
    p.add_argument("--records", default=None, help="comma-separated record subset (quick runs)")
    p.add_argument("--feature-set", default="transfer",
                   choices=("transfer", "transfer-abs", "relative", "all"),
                   help="named feature set (geoecg.features.beat_dominant.beat_feature_set_mask)")
    p.add_argument("--adapt", default="off", choices=("off", "on", "both"),
                   help="label-free per-record adaptation: standardise each record's features on "
                   "its own beats (on), or add the standardised copies to the features (both)")
    p.add_argument("--select", action="store_true", help="ds1-cv: choose among the registered "
                   "grid BEAT_SELECTION_GRID by an inner CV on each outer fold's training "
                   "patients (--feature-set/--adapt are then ignored)")
    p.add_argument("--outer-folds", type=int, default=0,
                   help="ds1-cv: outer patient folds (0: leave one patient out)")
    p.add_argument("--inner-folds", type=int, default=3, help="ds1-cv --select: inner folds")
    p.add_argument("--n-estimators", type=int, default=150)
    p.add_argument("--max-per-class", type=int, default=20000,
                   help="train on at most this many random beats per class (0: all)")
    p.add_argument("--class-weight", default="balanced", choices=("balanced", "sqrt", "none"))
    p.add_argument("--test-size", type=float, default=0.2, help="intra: test fraction")
    p.add_argument("--n-jobs", type=int, default=1, help="xgboost threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default=None, help="folder to keep per-record features (resume)")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _lead_order(rec) -> list[int]:
    names = [str(n).upper() for n in rec.lead_names]
    first = names.index("MLII") if "MLII" in names else 0
    return [first] + [i for i in range(len(names)) if i != first]


def _record_table(path: Path, cache) -> dict:
    """Features (all of record_beat_table) and AAMI labels of one record; cached as npz."""
    from ..features.beat_dominant import record_beat_table
    from ..io import beat_annotations, read_record

    stem = f"beats_{_CACHE_VERSION}_{path.parent.name}_{path.name}.npz"
    f = None if cache is None else Path(cache) / stem
    if f is not None and f.exists():
        z = np.load(f, allow_pickle=False)
        return {k: z[k] for k in z.files}
    rec = read_record(path)
    ba = beat_annotations(rec.annotations)
    peaks = ba["sample"].to_numpy()
    labels = ba["aami"].to_numpy().astype("<U1")
    keep = (peaks >= 0) & (peaks < rec.signal.shape[1])
    t = record_beat_table(rec.signal[_lead_order(rec)], peaks[keep], rec.fs)
    out = {"X": t.values, "names": t.names.astype(str), "y": labels[keep], "fs": rec.fs}
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez(f, **out)
    return out


_ADAPT = {"off": False, "on": True, "both": "both"}


def _matrix(tables, adapt: bool):
    """Stacked features of the records' classified beats (AAMI N/S/V/F/Q), with their
    record-standardised copies ``rs_*`` when ``adapt``; labels and the row count per record."""
    from ..features.beat_dominant import record_standardize

    Xs, ys, n = [], [], []
    for t in tables:
        X = np.hstack([t["X"], record_standardize(t["X"])]) if adapt else t["X"]
        ok = np.isin(t["y"], CLASSES)
        Xs.append(X[ok])
        ys.append(t["y"][ok])
        n.append(int(ok.sum()))
    names = [str(s) for s in tables[0]["names"]]
    names = names + [f"rs_{s}" for s in names] if adapt else names
    return np.vstack(Xs), np.concatenate(ys), np.asarray(n), names


def _pipeline(args, names, feature_set=None, adapt=None):
    from ..estimators.heartbeat import make_beat_pipeline

    return make_beat_pipeline(
        names,
        feature_set=args.feature_set if feature_set is None else feature_set,
        adapt=_ADAPT[args.adapt] if adapt is None else adapt,
        n_estimators=args.n_estimators,
        class_weight=None if args.class_weight == "none" else args.class_weight,
        max_per_class=args.max_per_class or None,
        n_jobs=args.n_jobs,
        random_state=args.seed,
    )


def _mitdb_folder(data):
    from ..io.mitdb import mitdb_dir

    # A parent folder holding mitdb/ is matched first (nstdb/ beside it holds .atr too).
    sub = None if data is None else Path(data) / "mitdb"
    return mitdb_dir(sub if sub is not None and any(sub.glob("*.atr")) else data)


def _wfdb_records(folder: Path) -> list[str]:
    from ..io.paths import list_records

    recs = [r for r in list_records(folder, recursive=False) if (folder / f"{r}.atr").is_file()]
    if not recs:
        raise FileNotFoundError(f"no WFDB record with .atr beat annotations in {folder}")
    return recs


def _load(folder, names, cache, desc):
    from tqdm import tqdm

    return {r: _record_table(Path(folder) / r, cache)
            for r in tqdm(names, desc=desc, file=sys.stderr)}


def _train_test(args, train_tables, test_tables) -> tuple[np.ndarray, np.ndarray, list]:
    adapt = args.adapt != "off"
    X, y, _, names = _matrix(train_tables, adapt)
    Xt, yt, nt, _ = _matrix(test_tables, adapt)
    pred = _pipeline(args, names).fit(X, y).predict(Xt)
    per = np.split(np.arange(yt.size), np.cumsum(nt)[:-1])
    return yt, pred, per


def _per_record(names, y, pred, rows) -> dict:
    return {r: {c: [int((y[i] == c).sum()), int((pred[i] == c).sum()),
                    int(((y[i] == c) & (pred[i] == c)).sum())] for c in ("S", "V")}
            for r, i in zip(names, rows, strict=True)}


def _missing_message(protocol, missing, present) -> str:
    from ..io.mitdb import DS1

    alt = "ds1-cv" if all(r in present for r in DS1) else "intra"
    return (
        f"protocol {protocol} needs records missing from the data folder: "
        f"{', '.join(missing)}. With the records present, `--protocol {alt}` would run."
    )


def _nested(args, tables, wanted) -> tuple[np.ndarray, np.ndarray, list, dict]:
    from sklearn.model_selection import GroupKFold

    from ..estimators.heartbeat import BEAT_SELECTION_GRID
    from ..evaluation.nested import nested_evaluate
    from ..io import patient_groups

    adapt = args.adapt != "off" or args.select
    X, y, n, names = _matrix([tables[r] for r in wanted], adapt)
    groups = np.repeat(patient_groups(wanted), n)
    outer = (GroupKFold(n_splits=args.outer_folds, shuffle=True, random_state=args.seed)
             if args.outer_folds else None)
    spec = ((_pipeline(args, names), list(BEAT_SELECTION_GRID)) if args.select
            else _pipeline(args, names))
    res = nested_evaluate({"beats": spec}, X, y, groups, outer_cv=outer,
                          inner_cv=args.inner_folds, scoring=sv_f1_score)["beats"]
    folds = [{"test": sorted({r for r, g in zip(wanted, patient_groups(wanted), strict=True)
                              if g in set(groups[res.fold == k])}),
              "choice": {k_: (v if isinstance(v, bool | int | float) else str(v))
                         for k_, v in res.choices[k].items()},
              "inner_score": None if np.isnan(res.inner_scores[k]) else res.inner_scores[k]}
             for k in range(len(res.choices))]
    rows = np.split(np.arange(y.size), np.cumsum(n)[:-1])
    return y, res.y_pred, rows, {"folds": folds}


def run(args) -> int:
    from ..io import mitdb_records
    from ..io.mitdb import DS1, DS2, PACED

    t_start = time.perf_counter()
    if (args.train_data is None) != (args.test_data is None):
        raise ValueError("--train-data and --test-data go together")
    extra = {}
    if args.train_data is not None:
        protocol = "cross-db"
        train_folder = _mitdb_folder(args.train_data)
        present = set(mitdb_records(train_folder))
        train = [r for r in DS1 if r in present]
        if len(train) < len(DS1):
            print(_missing_message("cross-db (train DS1)", sorted(set(DS1) - present), present),
                  file=sys.stderr)
            return 2
        test_folder = Path(args.test_data)
        test = _wfdb_records(test_folder)
        if args.records:
            test = [r.strip() for r in args.records.split(",") if r.strip()]
        tr = _load(train_folder, train, args.cache, "train features")
        te = _load(test_folder, test, args.cache, "test features")
        y, pred, rows = _train_test(args, list(tr.values()), list(te.values()))
        wanted = test
        extra = {"train_records": train, "train_data": str(train_folder),
                 "test_data": str(test_folder),
                 "test_fs": sorted({float(t["fs"]) for t in te.values()})}
    else:
        folder = _mitdb_folder(args.data)
        present = set(mitdb_records(folder))
        protocol = args.protocol
        if protocol is None:
            protocol = "ds1-ds2" if all(r in present for r in DS1 + DS2) else "ds1-cv"
            if protocol == "ds1-cv":
                print("note: DS2 records missing, so ds1-ds2 cannot run; running ds1-cv "
                      "(nested, leave-one-patient-out within DS1).", file=sys.stderr)
        if args.records:
            wanted = [r.strip() for r in args.records.split(",") if r.strip()]
            missing = [r for r in wanted if r not in present]
            if missing:
                raise FileNotFoundError(f"records not in {folder}: {', '.join(missing)}")
        else:
            wanted = {"ds1-ds2": list(DS1 + DS2), "ds1-cv": list(DS1),
                      "intra": sorted(r for r in present if r not in PACED)}[protocol]
            missing = [r for r in wanted if r not in present]
            if missing and protocol != "intra":
                print(_missing_message(protocol, missing, present), file=sys.stderr)
                return 2
        tables = _load(folder, wanted, args.cache, "beat features")
        if protocol == "ds1-ds2":
            if args.records:
                raise ValueError("--records with ds1-ds2 is not supported; use ds1-cv or intra")
            train, test = [r for r in wanted if r in DS1], [r for r in wanted if r in DS2]
            y, pred, rows = _train_test(args, [tables[r] for r in train],
                                        [tables[r] for r in test])
            wanted = test
            extra = {"train_records": train}
        elif protocol == "ds1-cv":
            y, pred, rows, extra = _nested(args, tables, wanted)
        else:  # intra: a random beat split (leaks patients)
            from sklearn.model_selection import train_test_split

            X, y_all, _, names = _matrix([tables[r] for r in wanted], args.adapt != "off")
            strat = y_all if min(np.unique(y_all, return_counts=True)[1]) >= 2 else None
            tr, te = train_test_split(np.arange(y_all.size), test_size=args.test_size,
                                      random_state=args.seed, stratify=strat)
            pred = _pipeline(args, names).fit(X[tr], y_all[tr]).predict(X[te])
            y, rows, wanted = y_all[te], [np.arange(te.size)], ["all"]
    rep = aami_report(y, pred)
    result = {
        "protocol": protocol,
        "records": wanted,
        "beats_at": "reference annotation positions",
        **rep,
        "per_record": _per_record(wanted, y, pred, rows),
        **extra,
        "settings": {
            "feature_set": "registered grid" if getattr(args, "select", False)
            else args.feature_set,
            "adapt": args.adapt, "select": args.select,
            "outer_folds": args.outer_folds if protocol == "ds1-cv" else None,
            "inner_folds": args.inner_folds if args.select else None,
            "n_estimators": args.n_estimators, "class_weight": args.class_weight,
            "max_per_class": args.max_per_class, "seed": args.seed,
            "test_size": args.test_size if protocol == "intra" else None,
        },
        "elapsed_s": time.perf_counter() - t_start,
        "versions": package_versions("numba", "scikit-learn", "xgboost", "PyWavelets"),
    }
    _print(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


def _print(result) -> None:
    s = result["settings"]
    label = {
        "ds1-ds2": "ds1-ds2 (train DS1, test DS2; inter-patient, de Chazal 2004)",
        "ds1-cv": "ds1-cv (nested, patient-grouped within DS1: outer "
                  + (f"{s['outer_folds']} patient folds" if s.get("outer_folds")
                     else "leave-one-patient-out") + ")",
        "cross-db": f"cross-database (train MIT-BIH DS1, test {result.get('test_data')})",
        "intra": "intra (random beat split: LEAKS PATIENTS, not comparable with inter-patient)",
    }[result["protocol"]]
    print(f"geoecg bench beats: {label}")
    print(f"  {len(result['records'])} test records; beats at the {result['beats_at']}; "
          f"features {s['feature_set']}"
          f"{'' if s['adapt'] == 'off' else ' + per-record adaptation (' + s['adapt'] + ')'}; "
          f"xgboost {s['n_estimators']} rounds, class weight {s['class_weight']}, at most "
          f"{s['max_per_class'] or 'all'} training beats per class")
    if s.get("select"):
        ch = [f["choice"] for f in result.get("folds", [])]
        print(f"  chosen per outer fold by a {s['inner_folds']}-fold inner patient CV on the "
              "training patients: " + "; ".join(
                  f"{c.get('select__feature_set')}, adapt {c.get('select__adapt')}"
                  for c in ch))
    print("\n".join(aami_table(result)))
    print(f"  elapsed {result['elapsed_s']:.1f} s")
