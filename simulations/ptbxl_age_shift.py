"""PTB-XL age-split shift: train on younger patients, test on older ones (W = age, sex).

The real-data counterpart of the anticausal sweeps (Blaas et al. 2024, PTB-XL study). Task:
abnormal ECG (any diagnostic superclass other than NORM) vs normal. X = tangent-space
features of 12-lead covariances (``geoecg.riemann.LeadCovariances`` + pyRiemann's
``TangentSpace``), or per-lead summary statistics with ``--features stats``.

Every method is fitted on the younger group and evaluated on the older one; the reference
for the transfer gaps is the same model class cross-fitted inside the older group
(5 patient-wise folds, out-of-fold predictions on the same records). 95% CIs come from a
patient-level bootstrap of the older group.

Usage::

    python simulations/ptbxl_age_shift.py --root /path/to/ptbxl --out runs/ptbxl_age
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from geoecg.estimators import (
    CovariateAdjustedClassifier,
    GroupDROClassifier,
    IRMClassifier,
    VRExClassifier,
)
from geoecg.io import PTBXL
from geoecg.simulate import waveform_summary_features
from geoecg.sweep import binary_metrics


def features(X: np.ndarray, kind: str) -> tuple[np.ndarray, list]:
    """Per-record features and the unsupervised-but-fitted steps that must follow them."""
    if kind == "stats":
        F, _ = waveform_summary_features(X, fs=100)
        return np.nan_to_num(F, nan=np.nanmedian(F[:, -1])), []
    from pyriemann.tangentspace import TangentSpace

    from geoecg.riemann import LeadCovariances

    C = LeadCovariances("oas", fs=100, band=(0.5, 40.0)).fit_transform(X)
    return C, [TangentSpace(metric="riemann")]


def make_methods(pre_steps):
    def pipe(est):
        return make_pipeline(*[sklearn.clone(s) for s in pre_steps], StandardScaler(), est)

    lr = LogisticRegression(C=0.1, max_iter=2000)
    return {
        "x_only": (lambda: pipe(sklearn.clone(lr)), "X", {}),
        "x_plus_w": (
            lambda: pipe(
                CovariateAdjustedClassifier(sklearn.clone(lr))
                .set_fit_request(covariates=True)
                .set_predict_proba_request(covariates=True)
            ),
            "XW",
            {"covariates": True},
        ),
        "irm": (
            lambda: pipe(IRMClassifier(penalty=10.0, alpha=0.1).set_fit_request(domains=True)),
            "X",
            {"domains": True},
        ),
        "vrex": (
            lambda: pipe(VRExClassifier(penalty=10.0, alpha=0.1).set_fit_request(domains=True)),
            "X",
            {"domains": True},
        ),
        "groupdro": (
            lambda: pipe(GroupDROClassifier(alpha=0.1).set_fit_request(domains=True)),
            "X",
            {"domains": True},
        ),
    }


def _fit(make, uses, F, y, W, dom):
    kw = {}
    if "covariates" in uses:
        kw["covariates"] = W
    if "domains" in uses:
        kw["domains"] = dom
    return make().fit(F, y, **kw)


def _proba(model, inputs, F, W):
    if inputs == "XW":
        return model.predict_proba(F, covariates=W)[:, 1]
    return model.predict_proba(F)[:, 1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=None, help="PTB-XL folder (default $GEOECG_DATA/ptbxl)")
    ap.add_argument("--out", default="runs/ptbxl_age_shift", help="output folder")
    ap.add_argument("--age-split", type=float, default=60.0, help="train < split <= test (y)")
    ap.add_argument(
        "--features",
        choices=("covariance", "stats"),
        default="covariance",
        help="record features: lead covariances or per-lead statistics",
    )
    ap.add_argument(
        "--n-boot", type=int, default=300, help="patient bootstrap resamples of the test part"
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    args = ap.parse_args(argv)

    db = PTBXL(args.root)
    meta = db.metadata()
    lab = db.superclass_labels()
    keep = meta.index[(lab.sum(axis=1) > 0) & meta["age"].notna()]
    keep = [i for i in keep if i in set(db.available(100))]
    X, meta = db.load(keep, fs=100)
    y = (lab.loc[keep, "NORM"].to_numpy() == 0).astype(int)
    W = meta[["age", "sex"]].reset_index(drop=True)
    patients = meta["patient_id"].to_numpy()
    F, pre = features(X, args.features)
    young = W["age"].to_numpy() < args.age_split
    old = ~young
    # environments inside the training group for the invariant methods: two age bands
    dom = (W["age"] >= np.median(W.loc[young, "age"])).to_numpy().astype(int)
    print(
        f"PTB-XL: {len(y)} records ({len(set(patients))} patients); train age < "
        f"{args.age_split:g}: {young.sum()} records, {y[young].mean():.2f} abnormal; test: "
        f"{old.sum()} records, {y[old].mean():.2f} abnormal; features {args.features}"
    )

    rows = []
    boot_rng = np.random.default_rng(args.seed)
    test_pat = patients[old]
    upat = np.unique(test_pat)
    boots = [
        np.concatenate(
            [np.flatnonzero(test_pat == p) for p in boot_rng.choice(upat, size=upat.size)]
        )
        for _ in range(args.n_boot)
    ]
    refs = {}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sklearn.config_context(enable_metadata_routing=True):
        methods = make_methods(pre)
        for name, (make, inputs, uses) in methods.items():
            model = _fit(
                make, uses, F[young], y[young], W[young].reset_index(drop=True), dom[young]
            )
            p = _proba(model, inputs, F[old], W[old].reset_index(drop=True))
            if inputs not in refs:  # same model class cross-fitted in the older group
                ref_make = methods["x_plus_w" if inputs == "XW" else "x_only"][0]
                ref_uses = {"covariates": True} if inputs == "XW" else {}
                Fo, yo, Wo = F[old], y[old], W[old].reset_index(drop=True)
                pr = np.empty(len(yo))
                for tr, te in GroupKFold(n_splits=5).split(Fo, yo, test_pat):
                    m = _fit(
                        ref_make, ref_uses, Fo[tr], yo[tr], Wo.iloc[tr].reset_index(drop=True), None
                    )
                    pr[te] = _proba(m, inputs, Fo[te], Wo.iloc[te].reset_index(drop=True))
                refs[inputs] = pr
            pr = refs[inputs]
            yo = y[old]
            met, ref = binary_metrics(yo, p), binary_metrics(yo, pr)
            bs = np.array(
                [
                    [
                        binary_metrics(yo[b], p[b])[k] - binary_metrics(yo[b], pr[b])[k]
                        for k in ("auroc", "log_loss")
                    ]
                    for b in boots
                ]
            )
            lo, hi = np.nanpercentile(bs, [2.5, 97.5], axis=0)
            rows.append(
                {
                    "method": name,
                    "auroc": met["auroc"],
                    "log_loss": met["log_loss"],
                    "ece": met["ece"],
                    "auroc_ref": ref["auroc"],
                    "log_loss_ref": ref["log_loss"],
                    "auroc_gap": met["auroc"] - ref["auroc"],
                    "auroc_gap_ci": f"[{lo[0]:+.3f}, {hi[0]:+.3f}]",
                    "log_loss_gap": met["log_loss"] - ref["log_loss"],
                    "log_loss_gap_ci": f"[{lo[1]:+.3f}, {hi[1]:+.3f}]",
                }
            )
            # the methods finished so far, rewritten after each one (a killed run keeps them)
            pd.DataFrame(rows).to_csv(out / "ptbxl_age_shift.csv", index=False)
            print(f"{name}: done ({len(rows)} of {len(methods)})", flush=True)
    df = pd.DataFrame(rows)
    with pd.option_context("display.width", 200):
        print(df.round(4).to_string(index=False))
    print(f"written to {out / 'ptbxl_age_shift.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
