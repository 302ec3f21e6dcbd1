"""PTB-XL small-cohort study: geometric pipelines vs MDM vs HRV/morphology + xgboost.

Every method runs on the same repeated patient-wise stratified K-fold splits (grouped by
``patient_id``); hyper-parameters are either fixed in advance or chosen by an inner
patient-grouped CV on the training fold only (``LogisticRegressionCV``). AUC (macro AUC for
``superdiagnostic``) is averaged over repeats, with a 95% CI from a patient (cluster)
bootstrap of the out-of-fold scores. The learning curve subsamples each training fold to
``--n-train`` records (test folds unchanged) and reports the effect of geodesic
augmentation as a paired bootstrap CI of the AUC difference.

Methods (signals 100 Hz, 0.5-40 Hz zero-phase band-pass):

- ``ts-lr``: OAS covariance, tangent space at the Riemannian mean, logistic regression.
- ``ts-lr-aug``: the same, training fold augmented by geodesic same-class interpolation
  (ratio 1, affine-invariant).
- ``mdm``: pyRiemann minimum distance to the Riemannian class means.
- ``hankel-cmts-lr``: 3-lag delay-embedded (36 x 36) OAS covariance, tangent vectors at
  both class means concatenated, logistic regression.
- ``... +cov``: the same with age and sex appended (age imputed by the training median).
- ``... +cov10``: age and sex standardised like the tangent features, then multiplied by 10
  (an L2 penalty 100 x weaker on them than on the tangent features; see ``_lr_cv``).
- ``... +covcv`` (opt-in): the covariate factor chosen from 1, 3, 10, 30 by an inner
  patient-grouped 3-fold CV (pooled AUC) on each outer training fold
  (``hankel_tangent_classifier(covariate_scale=[...])``): the nested version of ``+cov10``.
- ``hankel2s-...``: the 3-lag covariance of each 2-s window (five per 10-s record; 198
  embedded samples, each spanning 200 input samples, consecutive windows sharing the 2
  samples of the embedding), averaged per record by the affine-invariant Riemannian mean
  (``lead_covariances(window=198, window_mean="riemann")``).
- ``hankel-ens-cmts-lr+cov10``: the mean of the probabilities of ``hankel-cmts-lr+cov10``
  (whole-strip covariance) and ``hankel2s-cmts-lr+cov10`` (2-s window mean), each fitted on
  the same training fold: the library object
  ``geoecg.riemann.hankel_ensemble_classifier()`` (the Hankel methods without ``-aug`` call
  ``hankel_covariances`` / ``hankel_tangent_classifier``; covariances computed once).
- ``hrv-morph-xgb``: HRV indices (``geoecg.features.hrv_features``) and per-lead median-beat
  morphology (``geoecg.features.af.record.morphology_features``) with xgboost.
- ``neural`` (opt-in, ``--methods ...,neural``; needs torch): ``geoecg.neural.ptbxl_baseline
  (random_state)`` when that hook exists, else ``geoecg.neural.CNN1DClassifier`` with its
  defaults, on the raw ``(n, 12, 1000)`` signals.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from ._versions import package_versions

TASKS = ("NORM-vs-MI", "NORM-vs-STTC", "NORM-vs-CD", "NORM-vs-HYP", "superdiagnostic")
ALL_METHODS = (
    "ts-lr", "ts-lr-aug", "mdm", "ts-lr+cov", "hankel-cmts-lr", "hankel-cmts-lr+cov",
    "hankel-cmts-lr-aug+cov", "hankel-cmts-lr+cov10", "hankel2s-cmts-lr+cov10",
    "hankel-ens-cmts-lr+cov10", "hrv-morph-xgb", "neural",
    "hankel-cmts-lr+covcv", "hankel2s-cmts-lr+covcv", "hankel-ens-cmts-lr+covcv",
)
#: opt-in: ``neural`` (torch) and the nested ``+covcv`` variants (slow: inner CV per fold)
DEFAULT_METHODS = tuple(m for m in ALL_METHODS if m != "neural" and not m.endswith("covcv"))


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None,
                   help="PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)")
    p.add_argument("--task", default="NORM-vs-MI", choices=TASKS)
    p.add_argument("--methods", default=",".join(DEFAULT_METHODS),
                   help="comma-separated subset of: " + ", ".join(ALL_METHODS))
    p.add_argument("--n-train", default="50,100,150,all",
                   help="learning-curve training sizes (records), 'all' = full fold; "
                        "empty to skip")
    p.add_argument("--curve-methods", default="ts-lr,ts-lr-aug",
                   help="methods on the learning curve (augmentation effect needs both "
                        "X and X-aug)")
    p.add_argument("--n-splits", type=int, default=5)
    p.add_argument("--n-repeats", type=int, default=5)
    p.add_argument("--n-boot", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _root(data) -> Path:
    import os

    base = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    if (base / "ptbxl_database.csv").is_file():
        return base
    return base / "ptbxl"


def load_task(root, task: str):
    """Signals, labels, patients and covariates of a task. Returns (X, y, groups, covs)."""
    from ..io import PTBXL
    from ..io.ptbxl import SUPERCLASSES

    db = PTBXL(root)
    ids = db.available(100)
    lab = db.superclass_labels().loc[ids]
    if task == "superdiagnostic":
        keep = lab.sum(axis=1) > 0
        y = lab[keep].to_numpy()
    else:
        other = task.split("-vs-")[1]
        if other not in SUPERCLASSES:
            raise ValueError(f"unknown task {task!r}; choose from {TASKS}")
        pos = lab[other] == 1
        neg = (lab["NORM"] == 1) & ~pos
        keep = pos | neg
        y = pos[keep].to_numpy().astype(int)
    ids = [i for i, k in zip(ids, keep, strict=True) if k]
    X, meta = db.load(ids, fs=100)
    groups = meta["patient_id"].to_numpy().astype(np.int64)
    covs = meta[["age", "sex"]].to_numpy(dtype=float)
    return X, y, groups, covs


def _scale_columns(F, weights):
    return F * weights


def _lr_cv(F, y, groups_tr, n_covariates=0, covariate_scale=1.0):
    """Logistic regression with C chosen by patient-grouped inner CV (training fold only).

    Parameters
    ----------
    F : ndarray, shape (n_records, n_features)
        Training features; the last ``n_covariates`` columns are covariates (age in years,
        sex 0/1).
    y, groups_tr : ndarray, shape (n_records,)
        Labels and patient ids of the training fold.
    n_covariates : int, default 0
        Number of trailing covariate columns to re-weight.
    covariate_scale : float, default 1.0
        Factor applied to the standardised covariate columns (every column is standardised
        on its own, so the tangent block and the covariate block are standardised
        separately). A factor ``k`` divides the L2 penalty on the covariate coefficients
        by ``k**2``: with ~1300 tangent features the inner CV picks a strong penalty that
        otherwise shrinks age and sex away. ``n_covariates=0`` is the plain pipeline.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Fitted ``StandardScaler [-> column weights] -> LogisticRegressionCV``.
    """
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    inner = list(GroupKFold(3).split(F, y, groups_tr))
    steps = [StandardScaler()]
    if n_covariates:
        w = np.ones(F.shape[1])
        w[-n_covariates:] = covariate_scale
        steps.append(FunctionTransformer(_scale_columns, kw_args={"weights": w}))
    return make_pipeline(
        *steps,
        # l1_ratios=(0,) is plain L2 (sklearn 1.8+ asks for it explicitly)
        LogisticRegressionCV(Cs=np.logspace(-3, 1, 5), l1_ratios=(0.0,), cv=inner,
                             scoring="roc_auc", max_iter=5000, class_weight="balanced",
                             use_legacy_attributes=False),
    ).fit(F, y)


class _Features:
    """Precomputed label-free inputs: covariances and per-record HRV/morphology tables."""

    def __init__(self, X, methods):
        from ..riemann import hankel_covariances, lead_covariances
        from ..signal import bandpass

        Xbp = bandpass(X, 100.0, 0.5, 40.0, order=2)
        self.C = lead_covariances(Xbp, estimator="oas").covariances
        ens = any(m.startswith("hankel-ens") for m in methods)
        need_h = any(m.startswith("hankel-") for m in methods)
        # the label-free front ends of geoecg.riemann.hankel_ensemble_classifier, computed
        # once (they are per record); 2-s windows: 198 embedded samples = 200 input samples
        self.H = hankel_covariances(None).fit_transform(X) if need_h else None
        self.H2 = None
        if ens or any(m.startswith("hankel2s-") for m in methods):
            self.H2 = hankel_covariances(1.98).fit_transform(X)
        self.hm = _hrv_morph(X) if "hrv-morph-xgb" in methods else None


def _hrv_morph(X) -> np.ndarray | None:
    try:
        from ..features import detect_rpeaks, hrv_features
        from ..features.af.record import morphology_features
    except ImportError:
        return None
    from tqdm import tqdm

    rows = []
    for x in tqdm(X, desc="hrv+morphology", file=sys.stderr, leave=False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = detect_rpeaks(x, 100.0).indices
            h = hrv_features(rpeaks=r, fs=100.0) if r.size >= 3 else {}
            hv = [float(v) for v in h.values()] if h else []
            m = np.concatenate([morphology_features(x[k], 100.0, r) for k in range(x.shape[0])])
        rows.append((hv, m))
    n_h = max(len(h) for h, _ in rows)
    return np.array([np.r_[h if h else [np.nan] * n_h, m] for h, m in rows], dtype=float)


def _make_fit_predict(method, F, X, y, groups, covs, seed):
    """A ``fit_predict(train, test)`` closure for one method (multi-label: per column)."""
    from pyriemann.classification import MDM
    from pyriemann.tangentspace import TangentSpace

    from ..riemann import ClassMeanTangentSpace, geodesic_augment

    def binary(tr, te, yy):
        if method.startswith("hankel-ens-"):
            rest = method[len("hankel-ens-"):]
            parts = [_make_fit_predict(f"{h}-{rest}", F, X, yy, groups, covs, seed)
                     for h in ("hankel", "hankel2s")]
            return np.mean([fp(tr, te) for fp in parts], axis=0)
        if method == "mdm":
            return MDM().fit(F.C[tr], yy[tr]).predict_proba(F.C[te])[:, 1]
        if method == "hrv-morph-xgb":
            from xgboost import XGBClassifier

            clf = XGBClassifier(n_estimators=200, max_depth=3, learning_rate=0.05,
                                subsample=0.8, colsample_bytree=0.5, random_state=seed,
                                n_jobs=1, verbosity=0)
            return clf.fit(F.hm[tr], yy[tr]).predict_proba(F.hm[te])[:, 1]
        if method == "neural":
            from .. import neural  # type: ignore[attr-defined]

            make = getattr(neural, "ptbxl_baseline", None)
            clf = (make(random_state=seed) if make is not None
                   else neural.CNN1DClassifier(random_state=seed))
            return clf.fit(X[tr], yy[tr]).predict_proba(X[te])[:, 1]
        C = F.H2 if method.startswith("hankel2s") else F.H if method.startswith("hankel") else F.C
        Ctr, ytr, ctr = C[tr], yy[tr], covs[tr]
        g_tr = groups[tr]
        if "-aug" in method:
            s = geodesic_augment(Ctr, ytr, ratio=1.0, random_state=seed)
            a = s.alpha[:, None]
            caug = (1 - a) * ctr[s.first] + a * ctr[s.second]
            Ctr = np.concatenate([Ctr, s.X])
            ytr = np.concatenate([ytr, s.y])
            ctr = np.concatenate([ctr, caug])
            g_tr = np.concatenate([g_tr, g_tr[s.first]])  # stay with their first patient
        if method.startswith("hankel") and "cmts" in method and "-aug" not in method:
            return _hankel_fit_predict(method, C, yy, groups, covs, tr, te)
        ts = (ClassMeanTangentSpace(mode="concat").fit(Ctr, ytr) if "cmts" in method
              else TangentSpace(metric="riemann").fit(Ctr))
        Ftr, Fte = ts.transform(Ctr), ts.transform(C[te])
        if "+cov" in method:
            med = np.nanmedian(ctr, axis=0)
            Ftr = np.hstack([Ftr, np.where(np.isnan(ctr), med, ctr)])
            Fte = np.hstack([Fte, np.where(np.isnan(covs[te]), med, covs[te])])
        k = 10.0 if method.endswith("+cov10") else 1.0
        lr = _lr_cv(Ftr, ytr, g_tr, n_covariates=2 if k != 1.0 else 0, covariate_scale=k)
        return lr.predict_proba(Fte)[:, 1]

    def fit_predict(tr, te):
        if y.ndim == 1:
            return binary(tr, te, y)
        return np.column_stack([binary(tr, te, y[:, j]) for j in range(y.shape[1])])

    return fit_predict


#: covariate scales searched by the inner patient-grouped CV of the ``+covcv`` methods
COVCV_SCALES = (1.0, 3.0, 10.0, 30.0)


def _hankel_fit_predict(method, C, y, groups, covs, tr, te):
    """``geoecg.riemann.hankel_tangent_classifier`` on precomputed covariances."""
    import sklearn

    from ..riemann import hankel_tangent_classifier

    with_cov = "+cov" in method
    scale = {"+cov10": 10.0, "+covcv": COVCV_SCALES}.get(method[method.rfind("+"):], 1.0)
    clf = hankel_tangent_classifier(covariate_scale=scale, covariates=with_cov)
    kw_fit = {"groups": groups[tr]}
    kw_pred = {}
    if with_cov:
        kw_fit["covariates"], kw_pred["covariates"] = covs[tr], covs[te]
    with sklearn.config_context(enable_metadata_routing=True):
        clf.fit(C[tr], y[tr], **kw_fit)
        return clf.predict_proba(C[te], **kw_pred)[:, 1]


def _available(method, F) -> str:
    if method == "hrv-morph-xgb" and F.hm is None:
        return "geoecg.features.hrv_features not available"
    if method == "neural" and (importlib.util.find_spec("geoecg.neural") is None
                               or importlib.util.find_spec("torch") is None):
        return "geoecg.neural / torch not installed (hook: geoecg.neural.ptbxl_baseline)"
    return ""


def _versions() -> dict:
    return package_versions("numba", "scikit-learn", "pyriemann", "xgboost")


def _sizes(text: str):
    out = []
    for tok in [t.strip() for t in text.split(",") if t.strip()]:
        out.append(None if tok == "all" else int(tok))
    return out


def run(args) -> int:
    from tqdm import tqdm

    from ..evaluation.small_cohort import (
        cross_val_oof,
        macro_auc,
        paired_bootstrap_diff,
        patient_splits,
        subsample_train,
        summarize,
    )

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in methods if m not in ALL_METHODS]
    if bad:
        raise ValueError(f"unknown methods {bad}; choose from {ALL_METHODS}")
    t_load = time.perf_counter()
    X, y, groups, covs = load_task(_root(args.data), args.task)
    F = _Features(X, methods)
    strat = y if y.ndim == 1 else y.argmax(axis=1)
    splits = patient_splits(strat, groups, n_splits=args.n_splits, n_repeats=args.n_repeats,
                            random_state=args.seed)
    res: dict = {
        "task": args.task, "n_records": int(len(y)), "n_patients": int(np.unique(groups).size),
        "n_positive": (int(y.sum()) if y.ndim == 1 else y.sum(axis=0).tolist()),
        "cv": f"{args.n_repeats} x {args.n_splits}-fold StratifiedGroupKFold by patient_id",
        "prep_s": time.perf_counter() - t_load, "methods": {}, "skipped": {},
        "learning_curve": {}, "versions": _versions(),
    }
    n_fits = len(methods) * args.n_splits * args.n_repeats
    bar = tqdm(total=n_fits, desc=f"bench ptbxl {args.task}", file=sys.stderr)
    oofs = {}
    for m in methods:
        why = _available(m, F)
        if why:
            res["skipped"][m] = why
            bar.update(args.n_splits * args.n_repeats)
            continue
        fp = _make_fit_predict(m, F, X, y, groups, covs, args.seed)
        oof, fit_s = cross_val_oof(fp, len(y), splits, progress=bar)
        r = summarize(y, oof, fit_s, groups=groups, n_boot=args.n_boot, random_state=args.seed)
        oofs[m] = oof
        res["methods"][m] = {"auc": r.auc.estimate, "auc_ci": [r.auc.low, r.auc.high],
                             "balanced_accuracy": r.balanced_accuracy,
                             "fit_s": float(np.median(fit_s))}
        _write(args, res)
    bar.close()
    if "ts-lr" in oofs and "ts-lr-aug" in oofs:
        d = paired_bootstrap_diff(y, oofs["ts-lr-aug"], oofs["ts-lr"], groups=groups,
                                  metric=macro_auc, n_boot=args.n_boot, random_state=args.seed)
        res["augmentation_effect_all"] = {"diff": d.estimate, "ci": [d.low, d.high]}

    sizes = _sizes(args.n_train)
    cm = [m for m in args.curve_methods.split(",") if m.strip() in methods and m not in
          res["skipped"]]
    if sizes and cm:
        rs = np.random.RandomState(args.seed)
        bar = tqdm(total=len(sizes) * len(cm) * args.n_splits * args.n_repeats,
                   desc="learning curve", file=sys.stderr)
        for size in sizes:
            key = "all" if size is None else str(size)
            entry, curve_oof = {}, {}
            sub = {}
            for rep in splits:  # identical training subsets for every method
                for tr, _ in rep:
                    sub[id(tr)] = tr if size is None else subsample_train(tr, strat, size, rs)
            for m in cm:
                fp = _make_fit_predict(m, F, X, y, groups, covs, args.seed)
                def fp_sub(tr, te, fp=fp, sub=sub):
                    return fp(sub[id(tr)], te)

                oof, fit_s = cross_val_oof(fp_sub, len(y), splits, progress=bar)
                r = summarize(y, oof, fit_s, groups=groups, n_boot=args.n_boot,
                              random_state=args.seed)
                curve_oof[m] = oof
                entry[m] = {"auc": r.auc.estimate, "auc_ci": [r.auc.low, r.auc.high]}
            entry["n_train"] = int(np.median([len(v) for v in sub.values()]))
            if "ts-lr" in curve_oof and "ts-lr-aug" in curve_oof:
                d = paired_bootstrap_diff(y, curve_oof["ts-lr-aug"], curve_oof["ts-lr"],
                                          groups=groups, metric=macro_auc, n_boot=args.n_boot,
                                          random_state=args.seed)
                entry["augmentation_effect"] = {"diff": d.estimate, "ci": [d.low, d.high],
                                                "excludes_zero": d.excludes_zero()}
            res["learning_curve"][key] = entry
            _write(args, res)
        bar.close()
    _print(res)
    _write(args, res)
    return 0


def _nan_to_none(obj):
    if isinstance(obj, dict):
        return {k: _nan_to_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_nan_to_none(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def _write(args, res) -> None:
    if args.json:  # NaN (undefined, e.g. balanced accuracy of a multi-label task) -> null
        Path(args.json).write_text(json.dumps(_nan_to_none(res), indent=2))


def _print(res) -> None:
    print(f"\nPTB-XL {res['task']}: {res['n_records']} records, {res['n_patients']} patients, "
          f"positives {res['n_positive']}; {res['cv']}")
    print(f"{'method':26s} {'AUC':>6s} {'95% CI':>16s} {'bal.acc':>8s} {'fit s':>7s}")
    for m, r in res["methods"].items():
        lo, hi = r["auc_ci"]
        print(f"{m:26s} {r['auc']:6.3f} [{lo:6.3f}, {hi:6.3f}] {r['balanced_accuracy']:8.3f} "
              f"{r['fit_s']:7.2f}")
    for m, why in res["skipped"].items():
        print(f"{m:26s} skipped: {why}")
    if "augmentation_effect_all" in res:
        a = res["augmentation_effect_all"]
        print(f"augmentation effect (ts-lr-aug - ts-lr), full folds: {a['diff']:+.3f} "
              f"[{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]")
    if res["learning_curve"]:
        print("\nlearning curve (AUC [95% CI]; test folds unchanged)")
        for _key, e in res["learning_curve"].items():
            parts = [f"{m} {v['auc']:.3f} [{v['auc_ci'][0]:.3f}, {v['auc_ci'][1]:.3f}]"
                     for m, v in e.items() if isinstance(v, dict) and "auc" in v]
            line = f"  n_train={e['n_train']:4d}: " + "; ".join(parts)
            if "augmentation_effect" in e:
                a = e["augmentation_effect"]
                line += f"; aug effect {a['diff']:+.3f} [{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]"
            print(line)
