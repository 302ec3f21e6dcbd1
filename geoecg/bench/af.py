"""``geoecg bench af``: CinC 2017 N/A/O/~ F1, MIT-BIH beat-level Se/Sp, 24-h screening.

``--data CINC_DIR``: nested CV (default), ``--protocol cv`` (plain CV of ``--preset``) or
``--protocol prior-shift`` (per seed a balanced training part and a test part at
``--target-priors``, scored uncorrected, with the ORACLE prior and with EM / BBSE / RLLS
priors estimated without labels); ``--train-data A --test-data B``: fit on any CinC-layout
folder, score on another (same adaptation rows); ``--data MITDB_DIR --beat-level``;
``--screen-24h``. Protocols: :mod:`geoecg.estimators.af.protocols`; features:
:func:`geoecg.features.af.af_feature_matrix`, one record read at a time, cached per record
(``--cache``). F1, Se, +P, Sp in percent; times in s.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import json
import time
from pathlib import Path

import numpy as np

from ._versions import package_versions

DEFAULT_PRIORS = "N=0.595,A=0.089,O=0.283,~=0.033"


def add_arguments(p) -> None:
    a = p.add_argument
    a("--data", help="CinC 2017 folder, or MIT-BIH folder with --beat-level")
    a("--train-data", help="CinC-layout folder to fit on")
    a("--test-data", help="CinC-layout folder to score on")
    a("--beat-level", action="store_true", help="MIT-BIH per-beat evaluation")
    a("--screen-24h", action="store_true", help="time a synthetic 24-h screening")
    a(
        "--protocol",
        choices=("nested", "cv", "prior-shift"),
        default="nested",
        help="with --data: nested CV over geoecg.estimators.af.AF_NESTED_GRID (default), "
        "plain CV of --preset, or the prior-shift split",
    )
    a(
        "--preset",
        choices=("default", "rhythm", "rhythm-crops"),
        default="default",
        help="cv, prior-shift (no crops) and --train-data: geoecg.estimators.af.AF_PRESETS",
    )
    a("--folds", type=int, default=5, help="CV folds (default 5)")
    a("--inner-folds", type=int, default=3, help="nested: inner CV folds (default 3)")
    a("--seed", type=int, default=0, help="random seed (default 0)")
    a("--seeds", default="0,1,2", help="nested / prior-shift seeds (default 0,1,2)")
    a("--n-estimators", type=int, default=200, help="xgboost trees (default 200)")
    a("--target-priors", default=DEFAULT_PRIORS, help=f"default {DEFAULT_PRIORS}")
    a("--test-size", type=int, default=340, help="prior-shift: test records (default 340)")
    a(
        "--rpeaks",
        choices=("reference", "detected"),
        default="reference",
        help="beat-level: annotated beats or detected R-peaks",
    )
    a("--cache", help="per-record feature cache folder")
    a("--json", help="write the figures to this JSON file")


def _matrix(folder, args, rhythm_profile=False, n_crops=0, crop_frac=0.7):
    from ..features.af import af_feature_matrix
    from ..io import CinC2017

    t0, db = time.perf_counter(), CinC2017(folder)
    labels = db.labels()
    names = [n for n in db.records() if n in labels.index]
    keys, t1 = db.content_keys(names), time.perf_counter()
    m = af_feature_matrix(
        db.signals(names),
        float(db.fs),
        rhythm_profile=rhythm_profile,
        n_crops=n_crops,
        crop_frac=crop_frac,
        keys=keys,
        cache_dir=args.cache,
        progress=True,
    )
    y = labels.loc[names].to_numpy().astype(str)
    return m, y, {"read": t1 - t0, "features": time.perf_counter() - t1}


def _clf(args, seed, crop_weight=0.5):
    from ..estimators.af import CinC2017Classifier

    return CinC2017Classifier(
        n_estimators=args.n_estimators,
        random_state=seed,
        n_jobs=1,
        binary_class="A",
        binary_weight=0.0,
        crop_weight=crop_weight,
    )


def _adapter(args, seed):
    from ..estimators import PriorShiftClassifier

    return PriorShiftClassifier(_clf(args, seed), cv=5, n_bootstrap=200, random_state=seed)


def _run_cinc(args) -> dict:
    from ..estimators.af import AF_PRESETS
    from ..estimators.af import protocols as P

    try:
        target = {
            k.strip(): float(v) for k, v in (t.split("=") for t in args.target_priors.split(","))
        }
    except ValueError:
        raise ValueError(f"--target-priors must look like {DEFAULT_PRIORS}") from None
    seeds = [int(s) for s in str(args.seeds).split(",")]
    pre = {
        "rhythm_profile": False,
        "n_crops": 0,
        "crop_frac": 0.7,
        "crop_weight": 0.5,
        **AF_PRESETS[args.preset],
    }
    w = pre.pop("crop_weight")
    t0 = time.perf_counter()
    if args.data and args.protocol == "nested":
        m, y, times = _matrix(args.data, args, rhythm_profile=True)
        out = P.nested_cinc_cv(
            m.X,
            y,
            seeds=seeds,
            folds=args.folds,
            inner_folds=args.inner_folds,
            n_estimators=args.n_estimators,
        )
        out["mode"] = f"nested {args.folds}-fold CV (inner {args.inner_folds}), seeds {seeds}"
    elif args.data and args.protocol == "prior-shift":
        if pre["n_crops"]:
            raise ValueError("--protocol prior-shift takes no crops (--preset rhythm-crops)")
        m, y, times = _matrix(args.data, args, pre["rhythm_profile"])
        out = P.prior_shift_protocol(
            lambda s: _adapter(args, s), m.X, y, target, test_size=args.test_size, seeds=seeds
        )
        out["mode"] = (
            f"prior-shift, {args.test_size} test records at {args.target_priors}, {args.preset}"
        )
    elif args.data:
        m, y, times = _matrix(args.data, args, **pre)
        classes, proba, prior = P.cinc_cv_proba(
            _clf(args, args.seed, w),
            m.X,
            y,
            folds=args.folds,
            seed=args.seed,
            crops=m.crops,
            crop_owner=m.crop_owner,
        )
        out = {"mode": f"{args.folds}-fold stratified CV, preset {args.preset}"}
    else:
        m, ya, times = _matrix(args.train_data, args, **pre)
        mb, y, tb = _matrix(args.test_data, args, pre["rhythm_profile"])
        times = {k: v + tb[k] for k, v in times.items()}
        kw = {} if m.crops is None else {"X_crops": m.crops, "y_crops": ya[m.crop_owner]}
        fit = _clf(args, args.seed, w).fit(m.X, ya, **kw)
        classes, proba, prior = fit.classes_, fit.predict_proba_uncorrected(mb.X), fit.train_priors_
        out = {
            "mode": f"fit on {args.train_data}, test on {args.test_data}, {args.preset}",
            "prior_adaptation": P.adaptation_report(
                _adapter(args, args.seed).fit(m.X, ya), mb.X, y
            ),
        }
    if "per_seed" not in out:
        pred = classes[np.argmax(proba, axis=1)]
        out.update(P.record_scores(y, pred), y_true=y.tolist(), y_pred=pred.tolist())
        out["prevalence_shift_simulation"] = P.simulate_prior_shift(
            y, proba, prior, classes, target, random_state=args.seed
        )
        if m.crops is not None:
            out["crop_augment"] = {**AF_PRESETS[args.preset], "n_crop_rows": len(m.crop_owner)}
    out["times_s"] = {**times, "fit_predict": time.perf_counter() - t0 - sum(times.values())}
    return out


def _rows(rows, priors=None):
    print(
        f"{'setting':<26}{'F1 N':>6}{'F1 A':>6}{'F1 O':>6}{'F1 ~':>6}{'mean NAO':>9}"
        f"{'AF Se':>7}{'AF +P':>7}{'AF Sp':>7}  prior N A O ~ / notes"
    )
    for name, r in rows.items():
        f, pr = r["f1"], priors or {}
        p = pr.get(name) or pr.get("true" if "ORACLE" in name else "train", {})
        note = " ".join(
            f"{v['prior'] if isinstance(v, dict) else v:.3f}"
            for v in (p[c] for c in ("N", "A", "O", "~") if c in p)
        )
        print(
            f"{name:<26}{f['N']:>6.1f}{f['A']:>6.1f}{f['O']:>6.1f}{f['~']:>6.1f}"
            f"{r['f1_mean_NAO']:>9.1f}{r['af_sensitivity']:>7.1f}{r['af_ppv']:>7.1f}"
            f"{r['af_specificity']:>7.1f}  {note or r.get('note', '')}"
        )


def _print_cinc(out) -> None:
    from ..evaluation.tables import class_table

    print(f"AF / CinC 2017 ({out['mode']})")
    for r in out.get("per_seed", []):
        if "rows" in r:
            print(f"-- seed {r['seed']}: {r['n_train']} training, {r['n_test']} test records")
            _rows(r["rows"], r["priors"])
        else:
            rp = [int(bool(c.get("blocks__rhythm_profile"))) for c in r["choices"]]
            _rows({f"nested, seed {r['seed']}": {**r, "note": f"rhythm profile chosen {rp}"}})
    for name, d in out.get("summary", {}).items():
        print(f"  {name:<20} " + "  ".join(f"{k} {v:.3f}" for k, v in d.items()))
    if "y_pred" in out:
        print(class_table(out["y_true"], out["y_pred"], labels=("N", "A", "O", "~")).format())
        sim = out["prevalence_shift_simulation"]
        _rows(
            {
                "held-out, as sampled": out,
                "SIMULATED, uncorrected": sim["uncorrected"],
                "SIMULATED, prior-corrected": sim["corrected"],
            }
        )
        if "prior_adaptation" in out:
            pa = out["prior_adaptation"]
            print(f"prior adaptation on the {pa['n_test']} test records (ORACLE uses labels):")
            _rows(pa["rows"], pa["priors"])
    print("times: " + ", ".join(f"{k} {v:.1f} s" for k, v in out["times_s"].items()))


def _run_beats(args) -> dict:
    from ..estimators.af import af_beat_detectors, af_patient_folds, beat_level_cv
    from ..evaluation.tables import count_table
    from ..features import detect_rpeaks
    from ..features.af import beat_rhythms
    from ..features.ectopy import ectopic_beats
    from ..io import beat_annotations, mitdb_records, read_mitdb

    data = {}
    for r in mitdb_records(args.data, "non-paced"):
        rec = read_mitdb(r, args.data)
        b = beat_annotations(rec.annotations)["sample"].to_numpy().astype(np.int64)
        if args.rpeaks == "detected":
            b = np.asarray(detect_rpeaks(rec.signal[0], rec.fs, track=False).indices, np.int64)
        data[r] = (
            np.diff(b) * 1000.0 / rec.fs,
            beat_rhythms(rec.annotations, b)[1:] == "AFIB",
            ectopic_beats(rec.signal[0], rec.fs, b),
        )
    folds = af_patient_folds(data)
    det = beat_level_cv(
        data, af_beat_detectors(n_estimators=args.n_estimators, random_state=args.seed), folds
    )
    print(f"AF beat-level on {args.data} ({args.rpeaks} beats), one fold per AF patient:")
    print(
        count_table(
            {
                k: {c: sum(p[c] for p in v["per_record"].values()) for c in ("tp", "fp", "fn")}
                for k, v in det.items()
            }
        ).format(index_name="detector")
    )
    print("  Sp %: " + ", ".join(f"{k} {v['sp']:.1f}" for k, v in det.items()))
    return {"mode": f"beat-level ({args.rpeaks} beats)", "folds": folds, "detectors": det}


def run(args) -> int:
    if args.screen_24h:
        from ..estimators.af import time_screening

        out = time_screening(random_state=args.seed)
        print(
            f"AF screening: {out['mode']}: median {out['time_s_median']:.2f} s, "
            f"{out['n_beats']} beats, beat Se {out['beat_se']:.1f} %, Sp {out['beat_sp']:.1f} %"
        )
    elif args.beat_level and args.data:
        out = _run_beats(args)
    elif bool(args.data) != bool(args.train_data and args.test_data) and not (
        args.data and (args.train_data or args.test_data)
    ):
        out = _run_cinc(args)
        _print_cinc(out)
    else:
        raise ValueError(
            "give --data DIR (with --beat-level for MIT-BIH), or --train-data DIR "
            "--test-data DIR, or --screen-24h"
        )
    out["versions"] = package_versions("scikit-learn", "xgboost", "numba")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2, default=float))
        print(f"wrote {args.json}")
    return 0
