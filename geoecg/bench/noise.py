"""Noise detection: HRV + SQI + noise-level NoiseDetector on noise-stress mixtures and across
datasets.

(a) MIT-BIH windows (10 s, lead 0) mixed with NSTDB ``bw``, ``ma`` and the recovered ``em``
noise at 24..-6 dB (noisy = SNR < 10 dB), record-wise 5-fold split (patient-wise: 201 and
202 together). Training mixtures use the first half of each noise record, test mixtures the
second half, so train and test never share noise samples either.
(b) Across datasets: trained on all MIT-BIH mixtures, tested on CinC 2017 windows (``~`` =
noisy vs N/A/O; every 10-s window inherits its record's label), and the reverse (trained on
CinC 2017, tested on the MIT-BIH test mixtures), once on every window and once on the
noisiest window of each ``~`` record (multiple-instance reading of record labels).
AUPRC against SNR: out-of-fold scores of the mixtures at each SNR against the clean windows.
Every row is run twice: with every feature (``NoiseDetector(features="all")``) and with the
nine whose effect has a physical sign (``features="physical"``), which rank across datasets
better and within one dataset worse.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

#: ``NoiseDetector(features=)`` sets compared side by side (every row is run for each).
FEATURE_SETS = ("all", "physical")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder with mitdb/, nstdb/, cinc2017/")
    p.add_argument("--windows-per-record", type=int, default=20)
    p.add_argument("--window-s", type=float, default=10.0)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--cache", default=None, help="folder to keep feature matrices (resume)")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _metrics(y, p) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y)
    two = np.unique(y).size == 2
    return {
        "n": int(y.size),
        "accuracy": float(100 * np.mean((p >= 0.5) == (y == 1))),
        "auroc": float(roc_auc_score(y, p)) if two else None,
        "auprc": float(average_precision_score(y, p)) if two else None,
        "prevalence": float(np.mean(y == 1)),
    }


def _features(name, windows, fs, cache):
    from ..features import NOISE_FEATURE_NAMES, noise_window_features

    if cache is not None:
        f = Path(cache) / f"noise_{name}_{len(NOISE_FEATURE_NAMES)}.npz"
        if f.exists():
            return np.load(f)["F"]
    F = noise_window_features(windows, fs, progress=True)
    if cache is not None:
        Path(cache).mkdir(parents=True, exist_ok=True)
        np.savez(f, F=F)
    return F


def run(args) -> int:
    import sklearn
    from sklearn.model_selection import GroupKFold

    from .. import __version__
    from ..features import NOISE_FEATURE_SETS, NoiseDetector
    from ..features.noise_training import (
        cinc2017_windows,
        mitdb_noise_windows,
        noisiest_window_mask,
    )
    from ..io import patient_groups

    data = Path(args.data) if args.data else Path(os.environ.get("GEOECG_DATA", ""))
    mit, nst, cinc = data / "mitdb", data / "nstdb", data / "cinc2017"
    t_start = time.perf_counter()
    kw = {"window_s": args.window_s, "windows_per_record": args.windows_per_record}
    tr = mitdb_noise_windows(mit, nst, noise_part="first", random_state=0, **kw)
    te = mitdb_noise_windows(mit, nst, noise_part="second", random_state=1, **kw)
    cc = cinc2017_windows(cinc, window_s=args.window_s)
    F_tr = _features("mitdb_train", tr.windows, tr.fs, args.cache)
    F_te = _features("mitdb_test", te.windows, te.fs, args.cache)
    F_cc = _features("cinc2017", cc.windows, cc.fs, args.cache)

    def model(features="all"):
        return NoiseDetector(precomputed=True, features=features, random_state=0)

    recs = np.unique(tr.record)
    groups = dict(zip(recs, patient_groups(list(recs)), strict=True))
    g_tr = np.array([groups[r] for r in tr.record])
    g_te = np.array([groups[r] for r in te.record])
    ug = np.unique(g_tr)
    F_all = np.vstack([F_tr, F_te])
    y_all = np.concatenate([tr.y, te.y])
    rec_names = np.unique(cc.record)
    rec_y = np.array([cc.y[cc.record == r][0] for r in rec_names])
    pairs, per_noise, snr_curve, reverse_per_noise = [], {}, {}, {}
    for feats in FEATURE_SETS:
        # (a) record-wise CV on the mixtures
        oof = np.full(te.y.size, np.nan)
        folds = GroupKFold(n_splits=args.folds)
        for k, (_, test_g) in enumerate(folds.split(ug, groups=ug)):
            test_groups = ug[test_g]
            fit_rows = ~np.isin(g_tr, test_groups)
            eval_rows = np.isin(g_te, test_groups)
            det = model(feats).fit(F_tr[fit_rows], tr.y[fit_rows])
            oof[eval_rows] = det.predict_proba(F_te[eval_rows])[:, 1]
            print(
                f"  {feats} fold {k + 1}/{args.folds}: {eval_rows.sum()} test windows",
                flush=True,
            )
        row = {"features": feats, "train": "mitdb+nstdb"}
        pairs.append({**row, "test": "mitdb+nstdb (record-wise CV)", **_metrics(te.y, oof)})
        if feats == "all":
            for kind in ("bw", "ma", "em"):
                rows = (te.noise == kind) | (te.noise == "none")
                per_noise[kind] = _metrics(te.y[rows], oof[rows])
            clean = te.noise == "none"
            for snr in sorted(np.unique(te.snr_db[np.isfinite(te.snr_db)]), reverse=True):
                rows = clean | (te.snr_db == snr)
                y = (te.snr_db[rows] == snr).astype(int)
                snr_curve[f"{snr:g}"] = _metrics(y, oof[rows])["auprc"]

        # (b) across datasets
        p_cc = model(feats).fit(F_all, y_all).predict_proba(F_cc)[:, 1]
        pairs.append({**row, "test": "cinc2017", **_metrics(cc.y, p_cc)})
        rec_score = np.array([p_cc[cc.record == r].max() for r in rec_names])
        pairs.append(
            {**row, "test": "cinc2017 (per record, max window)", **_metrics(rec_y, rec_score)}
        )
        p_te = model(feats).fit(F_cc, cc.y).predict_proba(F_te)[:, 1]
        row = {"features": feats, "train": "cinc2017"}
        pairs.append({**row, "test": "mitdb+nstdb", **_metrics(te.y, p_te)})
        # CinC labels are per record: keep only the noisiest window of each `~` record
        # (out-of-fold scores, record-wise folds on CinC)
        oof_cc = np.full(cc.y.size, np.nan)
        for a, b in GroupKFold(n_splits=args.folds).split(F_cc, cc.y, cc.record):
            oof_cc[b] = model(feats).fit(F_cc[a], cc.y[a]).predict_proba(F_cc[b])[:, 1]
        mil = noisiest_window_mask(oof_cc, cc.y, cc.record)
        p_mil = model(feats).fit(F_cc[mil], cc.y[mil]).predict_proba(F_te)[:, 1]
        pairs.append(
            {
                **row,
                "train": "cinc2017 (noisiest ~ window)",
                "test": "mitdb+nstdb",
                **_metrics(te.y, p_mil),
            }
        )
        # which noise a CinC-trained model ranks well: CinC's `~` means "unreadable", and
        # baseline wander below 10 dB is not that
        reverse_per_noise[feats] = {}
        for kind in ("bw", "ma", "em"):
            rows = (te.noise == kind) | (te.noise == "none")
            reverse_per_noise[feats][kind] = _metrics(te.y[rows], p_te[rows])

    result = {
        "pairs": pairs,
        "snr_curve": snr_curve,
        "per_noise": per_noise,
        "feature_sets": {k: list(NOISE_FEATURE_SETS[k]) for k in FEATURE_SETS},
        "reverse_per_noise": reverse_per_noise,
        "n_windows": {
            "mitdb_train": int(tr.y.size),
            "mitdb_test": int(te.y.size),
            "cinc2017": int(cc.y.size),
        },
        "window_s": args.window_s,
        "noisy_below_db": 10.0,
        "elapsed_s": time.perf_counter() - t_start,
        "versions": {
            "geoecg": __version__,
            "scikit-learn": sklearn.__version__,
            "numpy": np.__version__,
        },
    }
    print(
        f"geoecg bench noise: {args.window_s:g}-s windows, NoiseDetector (monotonic) on every "
        "HRV + SQI + noise-level feature (all) and on the 9 with a physical direction (physical)"
    )
    print(
        f"  {'features':<9} {'train':<28} {'test':<34} {'n':>6} {'acc %':>7} {'AUROC':>7} "
        f"{'AUPRC':>7} {'prev.':>6}"
    )
    for r in pairs:
        au = "n/a" if r["auroc"] is None else f"{r['auroc']:.3f}"
        ap = "n/a" if r["auprc"] is None else f"{r['auprc']:.3f}"
        print(
            f"  {r['features']:<9} {r['train']:<28} {r['test']:<34} {r['n']:>6} "
            f"{r['accuracy']:>7.1f} {au:>7} {ap:>7} {r['prevalence']:>6.3f}"
        )
    print("  per noise type (record-wise CV, that noise + clean windows):")
    for kind, m in per_noise.items():
        print(
            f"    {kind}: acc {m['accuracy']:.1f} %, AUROC {m['auroc']:.3f}, "
            f"AUPRC {m['auprc']:.3f}, prevalence {m['prevalence']:.3f}"
        )
    print("  trained on cinc2017, tested on each noise type (that noise + clean windows):")
    for feats, per in reverse_per_noise.items():
        for kind, m in per.items():
            print(
                f"    {feats:<9} {kind}: acc {m['accuracy']:.1f} %, AUROC {m['auroc']:.3f}, "
                f"AUPRC {m['auprc']:.3f}, prevalence {m['prevalence']:.3f}"
            )
    print(
        "  AUPRC of mixtures at each SNR vs clean windows: "
        + ", ".join(f"{k} dB {v:.3f}" for k, v in snr_curve.items())
    )
    print(f"  elapsed {result['elapsed_s']:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"  written {args.json}")
    return 0
