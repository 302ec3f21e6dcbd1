"""AF detection: CinC 2017 N/A/O/~ F1 (CV or train/test), MIT-BIH beat-level Se/Sp, 24-h screening.

Modes:

  geoecg bench af --data CINC_DIR               nested CV within one folder (options chosen
                                                by an inner CV on training records only)
  geoecg bench af --data CINC_DIR --protocol cv plain stratified CV of the flags' options
  geoecg bench af --train-data A --test-data B  fit on A, score on B (held-out records),
                                                also with the test prior estimated from the
                                                unlabelled B (EM, BBSE, RLLS) and the oracle
  geoecg bench af --data CINC_DIR --protocol prior-shift
                                                per seed, a balanced training part and a test
                                                part at --target-priors, scored like the above
  geoecg bench af --data MITDB_DIR --beat-level per-beat Se/Sp of each detector against
                                                the rhythm annotations (AFIB positive)
  geoecg bench af --screen-24h                  time end-to-end screening of a synthetic
                                                24-h, 2-lead, 200-Hz Holter

The CinC modes also report a prevalence-shift SIMULATION: the held-out predictions are
resampled (with replacement) to the full training set's priors (default N 0.60, A 0.09,
O 0.28, ~ 0.03) and scored with and without prior correction. F1, Se and Sp are
percentages; times in s.

``--crop-augment K,FRAC[,W]`` adds, to each training fold only, the features of K random
sub-crops (FRAC of the record length, at least 9 s) of every training record, labelled
like the record and weighted W (default 0.5); held-out records are scored whole
(:mod:`geoecg.features.af.crops`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ._af_beats import print_beats, print_screen, run_beats, run_screen
from ._versions import package_versions

CLASSES = ("N", "A", "O", "~")
#: Class prior of the full CinC 2017 training set (N 5,076, A 758, O 2,415, ~ 279 of 8,528).
DEFAULT_PRIORS = "N=0.595,A=0.089,O=0.283,~=0.033"


def add_arguments(p) -> None:
    p.add_argument("--data", help="CinC 2017 folder (CV), or MIT-BIH folder with --beat-level")
    p.add_argument("--train-data", help="CinC 2017 folder to fit on")
    p.add_argument("--test-data", help="CinC 2017 folder to score on")
    p.add_argument("--beat-level", action="store_true", help="MIT-BIH per-beat evaluation")
    p.add_argument("--screen-24h", action="store_true", help="time a synthetic 24-h screening")
    p.add_argument("--folds", type=int, default=5, help="CV folds (default 5)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--n-estimators", type=int, default=200, help="xgboost trees (default 200)")
    p.add_argument("--inner-cv", type=int, default=None,
                   help="choose the tree count (up to --n-estimators) by an inner CV of "
                        "this many folds on the training data (default: off)")
    p.add_argument("--target-priors", default=DEFAULT_PRIORS,
                   help=f"priors of the simulated target population (default {DEFAULT_PRIORS})")
    p.add_argument("--n-resamples", type=int, default=200,
                   help="resamples of the prevalence-shift simulation (default 200)")
    p.add_argument("--cache", help="per-record feature cache folder")
    p.add_argument("--rhythm-profile", action="store_true",
                   help="add the 86 rhythm-profile features (windowed RR irregularity, "
                        "ectopy-free NN irregularity, P-wave presence) to the 107 record features")
    p.add_argument("--af-binary", type=float, default=0.0, metavar="W",
                   help="blend weight (0-1) of a dedicated AF-vs-rest xgboost model in the AF "
                        "probability (default 0: multi-class model only)")
    p.add_argument("--crop-augment", metavar="K,FRAC[,W]", default=None,
                   help="add K random sub-crops (FRAC of the length, >= 9 s) of each training "
                        "record to its training fold, sample weight W (default 0.5); "
                        "e.g. 2,0.7 (default: off)")
    p.add_argument("--rpeaks", choices=("reference", "detected"), default="reference",
                   help="beat-level mode: annotated beats or detected R-peaks")
    p.add_argument("--protocol", choices=("nested", "cv", "prior-shift"), default="nested",
                   help="with --data: nested CV (default: the options of "
                        "geoecg.estimators.af.pipeline.AF_NESTED_GRID chosen by an inner CV "
                        "on each outer fold's training records, over --seeds), cv: plain "
                        "stratified CV of the options given as flags, or prior-shift: per seed a "
                        "balanced training part and a test part at --target-priors, scored "
                        "uncorrected, with the true prior (oracle) and with priors estimated "
                        "by EM / BBSE / RLLS from the unlabelled test part")
    p.add_argument("--test-size", type=int, default=340,
                   help="prior-shift protocol: test records per seed (default 340)")
    p.add_argument("--seeds", default="0,1,2",
                   help="nested / prior-shift protocols: comma-separated seeds (default 0,1,2)")
    p.add_argument("--inner-folds", type=int, default=3,
                   help="nested protocol: inner CV folds (default 3)")
    p.add_argument("--adapt-folds", type=int, default=5,
                   help="folds of the out-of-fold probabilities behind calibration and the "
                        "BBSE/RLLS confusion matrix (default 5)")
    p.add_argument("--adapt-bootstrap", type=int, default=200,
                   help="bootstrap resamples of the prior intervals (default 200)")
    p.add_argument("--json", help="write the figures to this JSON file")


def _versions() -> dict:
    return package_versions("scikit-learn", "xgboost", "numba")


def _parse_priors(text: str) -> dict:
    out = {}
    for part in text.split(","):
        k, _, v = part.partition("=")
        if not _:
            raise ValueError(f"--target-priors must look like {DEFAULT_PRIORS}, got {text!r}")
        out[k.strip()] = float(v)
    return out


def _parse_crops(text):
    """``"K,FRAC[,W]"`` -> ``(K, FRAC, W)``; ``None`` -> ``None``."""
    if text is None:
        return None
    parts = [t.strip() for t in str(text).split(",")]
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        k, frac = int(parts[0]), float(parts[1])
        w = float(parts[2]) if len(parts) == 3 else 0.5
    except ValueError:
        msg = f"--crop-augment must look like 2,0.7 or 2,0.7,0.5, got {text!r}"
        raise ValueError(msg) from None
    if k < 1 or not 0.0 < frac < 1.0 or not w > 0:
        raise ValueError(f"--crop-augment needs K >= 1, 0 < FRAC < 1 and W > 0, got {text!r}")
    return k, frac, w


def _f1_table(y_true, y_pred) -> dict:
    from sklearn.metrics import f1_score

    f = f1_score(y_true, y_pred, labels=list(CLASSES), average=None, zero_division=0.0)
    d = {c: 100.0 * float(v) for c, v in zip(CLASSES, f, strict=True)}
    yt, yp = np.asarray(y_true) == "A", np.asarray(y_pred) == "A"
    return {
        "f1": d,
        "f1_mean_NAO": float(np.mean([d["N"], d["A"], d["O"]])),
        "af_sensitivity": 100.0 * float((yt & yp).sum() / max(yt.sum(), 1)),
        "af_specificity": 100.0 * float((~yt & ~yp).sum() / max((~yt).sum(), 1)),
        "n_records": int(len(y_true)),
    }


def _features(folder, cache, progress=True, rhythm_profile=False, crops=None):
    """Record features of a CinC folder; with ``crops=(K, FRAC, W)`` also the crop
    features ``(F, owner)`` as a sixth element (else ``None``)."""
    from ..features.af.record import af_record_features_batch
    from ..io import CinC2017

    db = CinC2017(folder)
    labels = db.labels()
    names = [n for n in db.records() if n in labels.index]
    t0 = time.perf_counter()
    sigs, keys = [], []
    for n in names:
        rec = db.read(n)
        sigs.append(rec.signal[0])
        st = (Path(db.root) / f"{n}.mat").stat() if (Path(db.root) / f"{n}.mat").exists() else None
        keys.append(f"{Path(db.root).resolve()}/{n}|{st.st_size if st else 0}|"
                    f"{st.st_mtime_ns if st else 0}")
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    X = af_record_features_batch(sigs, float(db.fs), keys=keys,
                                 cache_dir=cache, progress=progress)
    if rhythm_profile:
        from ..features.af.rhythm_profile import rhythm_profile_features_batch

        extra = rhythm_profile_features_batch(sigs, float(db.fs), keys=keys, cache_dir=cache,
                                              progress=progress)
        X = np.hstack([X, extra])
    C = None
    if crops is not None:
        from ..features.af.crops import af_crop_features

        C = af_crop_features(sigs, float(db.fs), crops[0], crops[1], keys=keys,
                             cache_dir=cache, rhythm_profile=rhythm_profile, progress=progress)
    t_feat = time.perf_counter() - t0
    y = labels.loc[names].to_numpy().astype(str)
    return X, y, names, t_read, t_feat, C


def _crop_kwargs(C, y, train_idx) -> dict:
    """``fit`` keyword arguments with the crops of the training records ``train_idx`` only."""
    if C is None:
        return {}
    F, owner = C
    m = np.isin(owner, train_idx)
    return {"X_crops": F[m], "y_crops": y[owner[m]]}


def _cv_proba(args, X, y, C=None):
    """Out-of-fold probabilities (training priors) and per-record training priors."""
    from sklearn.model_selection import StratifiedKFold
    from tqdm.auto import tqdm

    classes = np.unique(y)
    proba = np.zeros((len(y), classes.size))
    priors = np.zeros((len(y), classes.size))
    skf = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed)
    for tr, te in tqdm(list(skf.split(X, y)), desc="folds", file=sys.stderr):
        m = _clf(args).fit(X[tr], y[tr], **_crop_kwargs(C, y, tr))
        proba[te] = m.predict_proba_uncorrected(X[te])  # held-out: whole records only
        priors[te] = m.train_priors_
    return classes, proba, priors


def _simulate_shift(y, proba_raw, train_priors, classes, target, n_resamples, rng) -> dict:
    """Resample held-out predictions to the target priors; F1 without/with correction."""
    from ..estimators import prior_correct

    t = np.array([target.get(c, 0.0) for c in classes])
    t = t / t.sum()
    idx_by = {c: np.flatnonzero(y == c) for c in classes}
    n = len(y)
    corrected = prior_correct(proba_raw, train_priors, t)
    res = {"uncorrected": [], "corrected": []}
    for _ in range(n_resamples):
        counts = rng.multinomial(n, t)
        idx = np.concatenate([
            rng.choice(idx_by[c], size=k, replace=True)
            for c, k in zip(classes, counts, strict=True)
            if k and idx_by[c].size
        ])
        for name, p in (("uncorrected", proba_raw), ("corrected", corrected)):
            pred = classes[np.argmax(p[idx], axis=1)]
            res[name].append(_f1_table(y[idx], pred))
    out = {}
    for name, rows in res.items():
        out[name] = {
            "f1": {c: float(np.median([r["f1"][c] for r in rows])) for c in CLASSES},
            "f1_mean_NAO": float(np.median([r["f1_mean_NAO"] for r in rows])),
            "af_sensitivity": float(np.median([r["af_sensitivity"] for r in rows])),
            "af_specificity": float(np.median([r["af_specificity"] for r in rows])),
        }
    out["target_priors"] = {c: float(v) for c, v in zip(classes, t, strict=True)}
    out["n_resamples"] = int(n_resamples)
    out["note"] = "SIMULATION: held-out predictions resampled to the target priors"
    return out


def _clf(args, seed=None):
    from ..estimators.af import CinC2017Classifier

    seed = args.seed if seed is None else seed
    return CinC2017Classifier(n_estimators=args.n_estimators, random_state=seed, n_jobs=1,
                              inner_cv=getattr(args, "inner_cv", None),
                              binary_class="A", binary_weight=getattr(args, "af_binary", 0.0),
                              crop_weight=_crop_weight(args))


def _crop_weight(args) -> float:
    c = _parse_crops(getattr(args, "crop_augment", None))
    return 0.5 if c is None else c[2]


def _run_cinc(args) -> dict:
    target = _parse_priors(args.target_priors)
    crops = _parse_crops(getattr(args, "crop_augment", None))
    rng = np.random.default_rng(args.seed)
    rp = getattr(args, "rhythm_profile", False)
    if args.data and getattr(args, "protocol", "cv") == "prior-shift":
        from ._af_prior import run_prior_shift_protocol

        if crops is not None:
            raise ValueError("--protocol prior-shift does not take --crop-augment")
        X, y, names, t_read, t_feat, _ = _features(args.data, args.cache, rhythm_profile=rp)
        t0 = time.perf_counter()
        out = run_prior_shift_protocol(args, X, y)
        out["mode"] = (f"prior-shift protocol on {args.data}: per seed a balanced training "
                       f"part and {args.test_size} test records at {args.target_priors}")
        out["times_s"] = {"read": t_read, "features": t_feat,
                          "fit_predict": time.perf_counter() - t0}
        return out
    if args.data and getattr(args, "protocol", "cv") == "nested":
        from ._af_nested import run_nested

        if crops is not None or args.af_binary:
            raise ValueError("--protocol nested chooses among its registered grid; "
                             "--crop-augment / --af-binary need --protocol cv")
        X, y, names, t_read, t_feat, _ = _features(args.data, args.cache, rhythm_profile=True)
        t0 = time.perf_counter()
        out = run_nested(args, X, y)
        out["mode"] = (f"nested {args.folds}-fold CV (inner {args.inner_folds}) on {args.data}, "
                       f"{len(y)} records, seeds {args.seeds}")
        out["times_s"] = {"read": t_read, "features": t_feat,
                          "fit_predict": time.perf_counter() - t0}
        return out
    if args.data:
        X, y, names, t_read, t_feat, C = _features(args.data, args.cache, rhythm_profile=rp,
                                                   crops=crops)
        t0 = time.perf_counter()
        classes, proba, priors = _cv_proba(args, X, y, C)
        t_fit = time.perf_counter() - t0
        mode = f"{args.folds}-fold stratified CV on {args.data}"
        train_priors = priors.mean(axis=0)
        y_eval = y
    else:
        Xa, ya, _, ra, fa, C = _features(args.train_data, args.cache, rhythm_profile=rp,
                                         crops=crops)
        Xb, yb, names, rb, fb, _ = _features(args.test_data, args.cache, rhythm_profile=rp)
        t_read, t_feat = ra + rb, fa + fb
        t0 = time.perf_counter()
        m = _clf(args).fit(Xa, ya, **_crop_kwargs(C, ya, np.arange(len(ya))))
        classes = m.classes_
        proba = m.predict_proba_uncorrected(Xb)
        t_fit = time.perf_counter() - t0
        train_priors = m.train_priors_
        mode = f"fit on {args.train_data}, test on {args.test_data}"
        from ._af_prior import adaptation_report, adapter

        prior_adaptation = adaptation_report(adapter(args, args.seed).fit(Xa, ya), Xb, yb)
        t_fit = time.perf_counter() - t0
        y_eval = yb
    pred = classes[np.argmax(proba, axis=1)]
    out = _f1_table(y_eval, pred)
    out["mode"] = mode
    if crops is not None:
        out["mode"] += (f", + {crops[0]} crops of {crops[1]:g} x length per training record, "
                        f"weight {crops[2]:g}")
        out["crop_augment"] = {"n_crops": crops[0], "frac": crops[1], "weight": crops[2],
                               "n_crop_rows": int(len(C[1]))}
    if not args.data:
        out["prior_adaptation"] = prior_adaptation
    out["prevalence_shift_simulation"] = _simulate_shift(
        y_eval, proba, train_priors, classes, target, args.n_resamples, rng)
    out["times_s"] = {"read": t_read, "features": t_feat, "fit_predict": t_fit}
    return out


def _print_cinc(out) -> None:
    if "grid" in out:
        from ._af_nested import print_nested

        print_nested(out)
        return
    if "per_seed" in out:
        from ._af_prior import print_summary

        print(f"AF / CinC 2017 ({out['mode']})")
        print_summary(out)
        return
    print(f"AF / CinC 2017 record classification ({out['mode']}, {out['n_records']} records)")
    print(f"{'setting':<34}{'F1 N':>7}{'F1 A':>7}{'F1 O':>7}{'F1 ~':>7}{'mean NAO':>10}"
          f"{'AF Se':>8}{'AF Sp':>8}")

    def row(name, r):
        f = r["f1"]
        print(f"{name:<34}{f['N']:>7.1f}{f['A']:>7.1f}{f['O']:>7.1f}{f['~']:>7.1f}"
              f"{r['f1_mean_NAO']:>10.1f}{r['af_sensitivity']:>8.1f}{r['af_specificity']:>8.1f}")

    row("held-out, as sampled", out)
    sim = out["prevalence_shift_simulation"]
    pri = ", ".join(f"{k} {v:.2f}" for k, v in sim["target_priors"].items())
    row("SIMULATED priors, uncorrected", sim["uncorrected"])
    row("SIMULATED priors, prior-corrected", sim["corrected"])
    print(f"(simulation: held-out predictions resampled {sim['n_resamples']}x to priors {pri};"
          " medians)")
    if "prior_adaptation" in out:
        from ._af_prior import print_report

        print_report(out["prior_adaptation"], "prior adaptation on the test records "
                     "(PriorShiftClassifier, calibrated out-of-fold, no crops):")
    t = out["times_s"]
    print(f"times: read {t['read']:.1f} s, features {t['features']:.1f} s, "
          f"fit+predict {t['fit_predict']:.1f} s")


def run(args) -> int:
    if args.screen_24h:
        out = run_screen(args)
        print_screen(out)
    elif args.beat_level:
        if not args.data:
            raise ValueError("--beat-level needs --data MITDB_DIR")
        out = run_beats(args)
        print_beats(out)
    elif args.data or (args.train_data and args.test_data):
        if args.data and (args.train_data or args.test_data):
            raise ValueError("give --data or --train-data/--test-data, not both")
        out = _run_cinc(args)
        _print_cinc(out)
    else:
        raise ValueError("give --data DIR, --train-data DIR --test-data DIR, or --screen-24h")
    out["versions"] = _versions()
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(out, indent=2, default=float))
        print(f"wrote {args.json}")
    return 0
