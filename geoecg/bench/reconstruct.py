"""PTB-XL lead reconstruction: 12 leads from fewer, and NORM-vs-MI from a lead subset.

Protocol (patient-wise; PTB-XL's ``strat_fold`` keeps a patient in one fold):

1. Reconstruction: :class:`geoecg.leads.LeadReconstructor` fitted on the records of folds
   1-8 (0.5-40 Hz band-pass, 100 Hz), scored on folds 9-10: per-lead mean Pearson r and
   RMSE (µV) over records, for every source set and method. Settings are chosen by an inner
   patient-grouped 5-fold CV on folds 1-8 only: ``n_taps`` in {0, 2, 4} (population);
   ``n_taps`` in {0, 4} x ``prior_strength`` in {0.1, 1} (patient; calibration on the first
   3 s of each record, scored on the other 7 s). Amplitude spread
   (:func:`geoecg.leads.amplitude_spread`) on the test folds.
2. Downstream NORM vs MI (all NORM/MI records, 5-fold patient-grouped CV, seed ``--seed``):
   the Hankel tangent-space pipeline with age and sex
   (``hankel_covariances() -> hankel_tangent_classifier(covariate_scale=10)``) on (a) the
   12 real leads, (b) the source leads alone (the marginal block of the lead covariance:
   trainable from 12-lead records), (c) trained on the 12 real leads and applied to 12 leads
   reconstructed from the sources (population reconstructor fitted on the training fold).
   AUC with patient-bootstrap 95% CIs and paired CIs of (b) - (a) and (c) - (a).
3. ``--curve``: the AUC of (b) and (c) against the number of source leads.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ._versions import package_versions

DEFAULT_SOURCES = ("I", "I,II", "I,II,V2", "I,II,V3", "II,V1,V5", "II")
CURVE_SETS = ("II", "I,II", "I,II,V2", "I,II,V2,V4", "I,II,V1,V2,V4", "I,II,V1,V2,V4,V6",
              "I,II,V1,V2,V3,V4,V5,V6")
FS = 100.0
CALIBRATION_S = 3.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None,
                   help="PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)")
    p.add_argument("--sources", nargs="+", default=list(DEFAULT_SOURCES),
                   help="source lead sets, each comma-separated (e.g. I,II,V3)")
    p.add_argument("--methods", default="population,patient",
                   help="comma-separated subset of population, gaussian, patient")
    p.add_argument("--downstream", default="I,II,V3",
                   help="source set of the NORM-vs-MI comparison ('' to skip)")
    p.add_argument("--curve", action="store_true", help="AUC against the number of leads")
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _root(data) -> Path:
    import os

    base = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    return base if (base / "ptbxl_database.csv").is_file() else base / "ptbxl"


GRIDS = {
    "population": {"n_taps": [0, 2, 4]},
    "gaussian": {"n_taps": [0, 2, 4]},
    "patient": {"n_taps": [0, 4], "prior_strength": [0.1, 1.0]},
}


def fit_reconstructor(src, method, X, groups):
    """A LeadReconstructor with its settings chosen by an inner patient-grouped CV."""
    from sklearn.model_selection import GridSearchCV, GroupKFold

    from ..leads import LeadReconstructor

    kw = {"fs": FS, "calibration_s": CALIBRATION_S} if method == "patient" else {}
    gs = GridSearchCV(LeadReconstructor(src, method, **kw), GRIDS[method], cv=GroupKFold(5))
    gs.fit(X, groups=groups)
    return gs.best_estimator_, gs.best_params_


def reconstruction_table(Xb, meta, sources, methods):
    from ..leads import amplitude_spread, parse_leads

    tr = meta["strat_fold"].to_numpy() <= 8
    g = meta["patient_id"].to_numpy()
    out = {}
    for s in sources:
        src = parse_leads(s)
        for m in methods:
            t0 = time.perf_counter()
            rec, chosen = fit_reconstructor(src, m, Xb[tr], g[tr])
            R = rec.transform(Xb[~tr])
            df = rec.score_leads(Xb[~tr], reconstructed=R).to_frame()
            start = rec.calibration_samples()
            amp = amplitude_spread(Xb[~tr][..., start:], R[..., start:], FS).to_frame()
            out[f"{','.join(src)}|{m}"] = {
                "sources": list(src), "method": m, "chosen": chosen,
                "mean_r": float(df["r_mean"].mean()), "min_lead_r": float(df["r_mean"].min()),
                "mean_rmse_uv": float(df["rmse_uv"].mean()),
                "per_lead": df.round(4).to_dict(orient="index"),
                "amplitude": amp.round(4).to_dict(orient="index"),
                "n_train": int(tr.sum()), "n_test": int((~tr).sum()),
                "seconds": time.perf_counter() - t0,
            }
            print(f"  {','.join(src):12s} {m:10s} mean r {df['r_mean'].mean():.3f} "
                  f"(min {df['r_mean'].min():.3f}) RMSE {df['rmse_uv'].mean():.0f} µV "
                  f"{chosen}", file=sys.stderr)
    return out


def downstream(X, y, groups, covs, subsets, *, seed, n_boot):
    """AUCs of (a) real 12, (b) subset, (c) real-12 model on reconstructed 12 per subset."""
    import sklearn

    from ..evaluation.small_cohort import (
        auc_score,
        cross_val_oof,
        paired_bootstrap_diff,
        patient_splits,
        summarize,
    )
    from ..leads import LeadReconstructor, lead_indices, parse_leads
    from ..riemann import hankel_covariances, hankel_tangent_classifier
    from ..signal import bandpass

    Xb = bandpass(X, FS, 0.5, 40.0, order=2)
    splits = patient_splits(y, groups, n_splits=5, n_repeats=1, random_state=seed)
    cov_cache = {}

    def covs_of(key, data, leads=None):
        if key not in cov_cache:
            cov_cache[key] = hankel_covariances(None, leads=leads).fit_transform(data)
        return cov_cache[key]

    def fit_pred(Ctr, ytr, gtr, wtr, Cte, wte):
        with sklearn.config_context(enable_metadata_routing=True):
            clf = hankel_tangent_classifier().fit(Ctr, ytr, covariates=wtr, groups=gtr)
            return clf.predict_proba(Cte, covariates=wte)[:, 1]

    C12 = covs_of("12", X)

    def real(tr, te):
        return fit_pred(C12[tr], y[tr], groups[tr], covs[tr], C12[te], covs[te])

    res = {}
    oof_a, _ = cross_val_oof(real, len(y), splits)
    ra = summarize(y, oof_a, np.zeros((1, 5)), groups=groups, n_boot=n_boot, random_state=seed)
    res["real12"] = {"auc": ra.auc.estimate, "auc_ci": [ra.auc.low, ra.auc.high]}
    for s in subsets:
        src = parse_leads(s)
        idx = [int(i) for i in lead_indices(src)]
        Cs = covs_of(",".join(src), X, idx)

        def sub(tr, te, Cs=Cs):
            return fit_pred(Cs[tr], y[tr], groups[tr], covs[tr], Cs[te], covs[te])

        def recon(tr, te, src=src):
            rec = LeadReconstructor(src, n_taps=2).fit(Xb[tr])
            Cte = hankel_covariances(None, band=None).fit_transform(rec.transform(Xb[te]))
            return fit_pred(C12[tr], y[tr], groups[tr], covs[tr], Cte, covs[te])

        entry = {"n_leads": len(src)}
        for name, fp in (("subset", sub), ("reconstructed12", recon)):
            oof, _ = cross_val_oof(fp, len(y), splits)
            r = summarize(y, oof, np.zeros((1, 5)), groups=groups, n_boot=n_boot,
                          random_state=seed)
            d = paired_bootstrap_diff(y, oof, oof_a, groups=groups, metric=auc_score,
                                      n_boot=n_boot, random_state=seed)
            entry[name] = {"auc": r.auc.estimate, "auc_ci": [r.auc.low, r.auc.high],
                           "diff_vs_real12": d.estimate, "diff_ci": [d.low, d.high]}
        res[",".join(src)] = entry
        print(f"  NORM-vs-MI {','.join(src)}: subset {entry['subset']['auc']:.3f}, "
              f"reconstructed {entry['reconstructed12']['auc']:.3f}", file=sys.stderr)
    return res


def run(args) -> int:
    from ..bench.ptbxl import load_task
    from ..io import PTBXL
    from ..signal import bandpass

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in methods if m not in GRIDS]
    if bad:
        raise ValueError(f"unknown methods {bad}; choose from {tuple(GRIDS)}")
    root = _root(args.data)
    db = PTBXL(root)
    X, meta = db.load(db.available(100), fs=100)
    Xb = bandpass(X, FS, 0.5, 40.0, order=2)
    res = {"n_records": int(len(X)), "fs": FS, "band_hz": [0.5, 40.0],
           "split": "strat_fold 1-8 train, 9-10 test", "calibration_s": CALIBRATION_S,
           "reconstruction": {}, "downstream": {}, "versions": package_versions(
               "numba", "scikit-learn", "pyriemann")}
    res["reconstruction"] = reconstruction_table(Xb, meta, args.sources, methods)
    _write(args, res)
    subsets = [args.downstream] if args.downstream else []
    if args.curve:
        subsets += [s for s in CURVE_SETS if s not in subsets]
    if subsets:
        Xt, y, groups, covs = load_task(root, "NORM-vs-MI")
        res["downstream"] = downstream(Xt, y, groups, covs, subsets, seed=args.seed,
                                       n_boot=args.n_boot)
        res["downstream"]["protocol"] = ("NORM vs MI, 1 x 5-fold StratifiedGroupKFold by "
                                         f"patient_id, seed {args.seed}")
    _print(res)
    _write(args, res)
    return 0


def _write(args, res) -> None:
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2, default=float))


def _print(res) -> None:
    print(f"\nPTB-XL lead reconstruction: {res['n_records']} records at {res['fs']:g} Hz, "
          f"{res['split']}; 0.5-40 Hz band-pass")
    print(f"{'sources':14s} {'method':10s} {'mean r':>7s} {'min r':>6s} {'RMSE uV':>8s}  "
          "per-lead r")
    for r in res["reconstruction"].values():
        per = " ".join(f"{k}:{v['r_mean']:.2f}" for k, v in r["per_lead"].items())
        print(f"{','.join(r['sources']):14s} {r['method']:10s} {r['mean_r']:7.3f} "
              f"{r['min_lead_r']:6.3f} {r['mean_rmse_uv']:8.0f}  {per}")
    print("\namplitude spread (chest leads): R-amplitude corr with lead I true/rec; "
          "R-amplitude and signal variance ratio rec/true")
    for r in res["reconstruction"].values():
        amp = "  ".join(f"{k} {v['corr_I_true']:.2f}/{v['corr_I_rec']:.2f} "
                        f"{v['r_amp_var_ratio']:.2f} {v['signal_var_ratio']:.2f}"
                        for k, v in r["amplitude"].items() if k not in r["sources"])
        print(f"{','.join(r['sources']):14s} {r['method']:10s} {amp}")
    d = res["downstream"]
    if d:
        print(f"\n{d['protocol']}: real 12 leads AUC {d['real12']['auc']:.3f} "
              f"[{d['real12']['auc_ci'][0]:.3f}, {d['real12']['auc_ci'][1]:.3f}]")
        for k, e in d.items():
            if not isinstance(e, dict) or "subset" not in e:
                continue
            for name in ("subset", "reconstructed12"):
                v = e[name]
                print(f"  {k:24s} {name:16s} AUC {v['auc']:.3f} [{v['auc_ci'][0]:.3f}, "
                      f"{v['auc_ci'][1]:.3f}]  vs real 12: {v['diff_vs_real12']:+.3f} "
                      f"[{v['diff_ci'][0]:+.3f}, {v['diff_ci'][1]:+.3f}]")
