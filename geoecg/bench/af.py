"""``geoecg bench af``: CinC 2017 N/A/O/~ F1, MIT-BIH beat-level Se/Sp, 24-h screening.

``--data CINC_DIR``: nested CV (default), ``--protocol cv`` (plain CV of ``--preset``) or
``--protocol prior-shift`` (per seed a balanced training part and a test part at
``--target-priors``; every fit also on 2 crops of 70 % of its own training records at weight
0.5; base model chosen on the training part's OOF score weighted to the EM-estimated test prior;
scored uncorrected, ORACLE, EM / BBSE / RLLS priors estimated without labels); ``--train-data A
--test-data B``: the same pipeline (``AFPriorShiftModel``) fitted on A, adapted to B without
B's labels, scored on B; ``--data MITDB_DIR --beat-level`` (per-fold ``--json``/``--resume``);
``--screen-24h``. Protocols: :mod:`geoecg.estimators.af.protocols`; features cached per record
(``--cache``); seeds go to ``--json`` (``--resume`` refuses other settings' seeds). F1 etc. in %.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import time

import numpy as np

from ..commands.bench_io import FoldLog, add_common, parse_list

DEFAULT_PRIORS = "N=0.595,A=0.089,O=0.283,~=0.033"
PROTOCOLS = ("nested", "cv", "prior-shift")


def add_arguments(p) -> None:
    add_common(p, data="CinC 2017 folder, or MIT-BIH folder with --beat-level", seed=0, resume=True)
    a = p.add_argument
    a("--seeds", default="0,1,2", help="nested / prior-shift seeds (default 0,1,2)")
    a("--train-data", help="CinC-layout folder to fit on")
    a("--test-data", help="CinC-layout folder to score on")
    a("--beat-level", action="store_true", help="MIT-BIH per-beat evaluation")
    a("--screen-24h", action="store_true", help="time a synthetic 24-h screening")
    a("--protocol", choices=PROTOCOLS, default="nested", help="with --data (default nested)")
    a(
        "--preset",
        choices=("default", "rhythm", "rhythm-crops"),
        help="--protocol cv only (default 'default'): geoecg.estimators.af.AF_PRESETS",
    )
    a("--folds", type=int, default=5, help="CV folds (default 5)")
    a("--inner-folds", type=int, default=3, help="nested: inner CV folds (default 3)")
    a("--n-estimators", type=int, default=200, help="xgboost trees (default 200)")
    a("--target-priors", default=DEFAULT_PRIORS, help=f"default {DEFAULT_PRIORS}")
    a("--test-size", type=int, default=340, help="prior-shift: test records, ±1 per class (340)")
    a("--rpeaks", choices=("reference", "detected"), default="reference", help="beat level")
    a("--cache", help="per-record feature cache folder")


def _run_cinc(args, saved) -> dict:
    from ..estimators.af import AF_PRESETS, CinC2017Classifier, heldout_prior_shift
    from ..estimators.af import protocols as P

    target = P.parse_priors(args.target_priors)
    if args.data:  # before any feature is read or any model fitted
        P.check_cinc_folds(args.data, args.protocol, args.folds, args.inner_folds)
    seeds = parse_list(args.seeds, name="--seeds", type=int)
    if args.preset and not (args.data and args.protocol == "cv"):
        raise ValueError("--preset applies to --protocol cv only (the other routes fit their own)")
    preset = args.preset or "default"
    pre = {"n_crops": 0, "crop_frac": 0.7, "crop_weight": 0.5, **AF_PRESETS[preset]}
    w = pre.pop("crop_weight")
    ntree, t0 = args.n_estimators, time.perf_counter()

    def clf(seed):
        return CinC2017Classifier(n_estimators=ntree, random_state=seed, n_jobs=1, crop_weight=w)

    def cands(seed):
        return P.prior_shift_candidates(n_estimators=ntree, random_state=seed)

    def load(folder, **kw):
        return P.load_cinc_matrix(folder, cache_dir=args.cache, **kw)

    if args.data and args.protocol != "cv":
        m, y, times = load(args.data, **P.AF_PROTOCOL_MATRIX[args.protocol])
        if args.protocol == "nested":
            kw = {"folds": args.folds, "inner_folds": args.inner_folds, "n_estimators": ntree}
            out = P.nested_cinc_cv(m.X, y, seeds=seeds, **kw, **saved.hooks)
            out["mode"] = f"nested {args.folds}-fold CV (inner {args.inner_folds}), seeds {seeds}"
        else:
            kw = {"test_size": args.test_size, "seeds": seeds, **saved.hooks}
            out = P.prior_shift_protocol(cands, m, y, target, **kw)
            out["mode"] = f"prior-shift, --test-size {args.test_size} at {args.target_priors}"
    elif args.data:
        m, y, times = load(args.data, **pre)
        kw = {"folds": args.folds, "seed": args.seed, "crops": m.crops, "crop_owner": m.crop_owner}
        classes, proba, prior = P.cinc_cv_proba(clf(args.seed), m.X, y, **kw)
        out = {"mode": f"{args.folds}-fold stratified CV, preset {preset}"}
    else:
        out, classes, proba, prior, y, times = heldout_prior_shift(
            args.train_data,
            args.test_data,
            cache_dir=args.cache,
            n_estimators=ntree,
            random_state=args.seed,
        )
        out["mode"] = f"fit on {args.train_data}, adapted to and scored on {args.test_data}"
    if "per_seed" not in out:
        pred = classes[np.argmax(proba, axis=1)]
        out.update(P.record_scores(y, pred), y_true=y.tolist(), y_pred=pred.tolist())
        out["prevalence_shift_simulation"] = P.simulate_prior_shift(
            y, proba, prior, classes, target, random_state=args.seed
        )
        if args.data and m.crops is not None:
            out["crop_augment"] = {**AF_PRESETS[preset], "n_crop_rows": len(m.crop_owner)}
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
        vals = (p[c] for c in ("N", "A", "O", "~") if c in p)
        note = " ".join(f"{v['prior'] if isinstance(v, dict) else v:.3f}" for v in vals)
        print(
            f"{name:<26}{f['N']:>6.1f}{f['A']:>6.1f}{f['O']:>6.1f}{f['~']:>6.1f}"
            f"{r['f1_mean_NAO']:>9.1f}{r['af_sensitivity']:>7.1f}{r['af_ppv']:>7.1f}"
            f"{r['af_specificity']:>7.1f}  {note or r.get('note', '')}"
        )


def _print_cinc(out) -> None:
    from ..evaluation.tables import _cinc_header_lines, _seed_summary_lines, class_table

    print("\n".join(_cinc_header_lines(out)))
    for r in out.get("per_seed", []):
        if "rows" in r:
            inner = " ".join(f"{k} {v:.1f}" for k, v in r["inner_scores"].items())
            print(f"-- seed {r['seed']}: {r['n_train']} training, {r['n_test']} test records;")
            print(f"   chosen: {r['chosen']} (training-part OOF mean N/A/O F1: {inner})")
            _rows(r["rows"], r["priors"])
        else:
            rp = [int(bool(c.get("blocks__rhythm_profile"))) for c in r["choices"]]
            _rows({f"nested, seed {r['seed']}": {**r, "note": f"rhythm profile chosen {rp}"}})
    for line in _seed_summary_lines(out.get("summary", {}), len(out.get("per_seed", []))):
        print(line)
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
            inner = ", ".join(f"{k} {v:.2f}" for k, v in pa["inner_scores"].items())
            print(f"chosen {pa['chosen']} ({inner}); {pa['n_test']} test records (ORACLE: labels):")
            _rows(pa["rows"], pa["priors"])
    print("times: " + ", ".join(f"{k} {v:.1f} s" for k, v in out["times_s"].items()))


def _run_beats(args, saved) -> dict:
    from ..estimators.af import af_beat_detectors, af_patient_folds, beat_level_cv
    from ..estimators.af.protocols import mitdb_af_series
    from ..evaluation.tables import count_table

    data = mitdb_af_series(args.data, rpeaks=args.rpeaks)
    folds = af_patient_folds(data)
    dets = af_beat_detectors(n_estimators=args.n_estimators, random_state=args.seed)
    det = beat_level_cv(data, dets, folds, **saved.hooks)
    print(f"AF beat-level on {args.data} ({args.rpeaks} beats), one fold per AF patient:")
    n = {}
    for k, v in det.items():
        n[k] = {c: sum(p[c] for p in v["per_record"].values()) for c in ("tp", "fp", "fn")}
    print(count_table(n).format(index_name="detector"))
    print("  Sp %: " + ", ".join(f"{k} {v['sp']:.1f}" for k, v in det.items()))
    return {"mode": f"beat-level ({args.rpeaks} beats)", "folds": folds, "detectors": det}


def run(args) -> int:
    saved = FoldLog(args, "scikit-learn", "xgboost", "numba")
    if args.screen_24h:
        from ..estimators.af import time_screening

        out = time_screening(random_state=args.seed)
        print(
            f"AF screening: {out['mode']}: median {out['time_s_median']:.2f} s, "
            f"{out['n_beats']} beats, beat Se {out['beat_se']:.1f} %, Sp {out['beat_sp']:.1f} %"
        )
    elif args.beat_level and args.data:
        out = _run_beats(args, saved)
    elif bool(args.data) != bool(args.train_data and args.test_data) and not (
        args.data and (args.train_data or args.test_data)
    ):
        out = _run_cinc(args, saved)
        _print_cinc(out)
    else:
        raise ValueError(
            "give --data DIR (with --beat-level for MIT-BIH), or --train-data DIR "
            "--test-data DIR, or --screen-24h"
        )
    saved.finish(out)
    return 0
