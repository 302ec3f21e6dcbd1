"""Heartbeat classification (AAMI N/S/V/F/Q) on MIT-BIH: beat features + xgboost.

Protocols: ``ds1-ds2`` (de Chazal et al. 2004: train on DS1, test on DS2, paced records
excluded; the default when all 44 records are present), ``ds1-cv`` (leave-one-patient-out
within DS1: records 201 and 202 are one patient) and ``intra`` (a random beat split of all
non-paced records present; it LEAKS PATIENTS between train and test and is shown only for
comparison with intra-patient papers). As in the standard protocol, beats are classified at
the reference annotation positions (``--detected`` adds the figure with detected R-peaks
matched to the reference). Class weights and every hyper-parameter are fixed in advance:
nothing is tuned on a test fold or on DS2. Training keeps every S/V/F/Q beat and at most
``--max-n-per-record`` random N beats of each training record (speed; the class weights
rebalance the rest). ``--star N`` adds N STAR-augmented copies of each
*training* record (random-phase variant) inside each fold. ``--feature-set relative`` keeps
only the patient-relative features (:func:`geoecg.features.morphology.patient_relative_mask`).
``--inner-folds K`` chooses the S decision threshold (a multiplier of the S probability,
from :data:`S_SCALES`) per fold by a K-fold leave-patients-out CV on that fold's training
patients only, maximising the inner S F1; the test patient never takes part.
``--feature-set context`` adds the rhythm context of each beat to the relative features
(:func:`geoecg.features.beat_context.rhythm_context_features`: irregularity around the beat,
RR over the +-2.5 min median, run length of premature beats) and ``context-af`` also the AF
likeness of the surrounding 32 intervals
(:func:`~geoecg.features.beat_context.af_context_features`).
``--af-gate`` applies the AAMI convention that beats in atrial fibrillation/flutter are not
S: per fold, a COSEn threshold is fitted (Youden's J) on the *training* patients' AFIB/AFL
rhythm annotations, and beats of the test patient whose context is above it are not called S:
an S call becomes the most probable other class (``--af-gate-mode next``, default) or N
(``N``: a supraventricular beat conducted in AF is N under AAMI); also inside the
``--inner-folds`` CV. ``--keep-premature-n`` keeps the
premature N beats of training records beyond the cap (hard negatives).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from ._beats_context import (
    CONTEXT_PRE_COLUMN,
    _add_context,
    _af_gates,
    _append_context,
    _Bagged,
    _gated_predict,
    _per_class,
    _settings_note,
    _stack_fit,
    _table,
    add_context_arguments,
)
from ._versions import package_versions

CLASSES = ("N", "S", "V", "F", "Q")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder with mitdb/ (or the mitdb folder)")
    p.add_argument(
        "--protocol",
        default=None,
        choices=("ds1-ds2", "ds1-cv", "intra"),
        help="default: ds1-ds2 when all DS1 and DS2 records are present, else ds1-cv",
    )
    p.add_argument("--records", default=None, help="comma-separated record subset (quick runs)")
    p.add_argument("--n-estimators", type=int, default=150)
    p.add_argument(
        "--max-n-per-record",
        type=int,
        default=600,
        help="cap on the N beats of each training record (random, seeded; 0 = no cap)",
    )
    p.add_argument("--class-weight", default="balanced", choices=("balanced", "sqrt", "none"))
    p.add_argument("--star", type=int, default=0, help="STAR copies per training record")
    p.add_argument(
        "--feature-set",
        default="all",
        choices=("all", "relative", "context", "context-af"),
        help="all: every beat feature; relative: leave out the absolute, patient-dependent "
        "ones (RR in ms, raw wavelet and HOS; geoecg.features.morphology.patient_relative_mask); "
        "context: relative plus the rhythm context of each beat "
        "(geoecg.features.beat_context.rhythm_context_features); context-af: context plus "
        "the AF likeness of the rhythm around each beat (af_context_features)",
    )
    p.add_argument(
        "--keep-premature-n",
        type=float,
        default=0.0,
        help="N beats whose rr_pre is below this fraction of the +-2.5 min median RR are "
        "kept in training beyond --max-n-per-record (hard negatives such as the beats of "
        "atrial fibrillation; 0: off)",
    )
    p.add_argument(
        "--inner-folds",
        type=int,
        default=0,
        help="choose the S decision threshold (a multiplier of the S probability) by an "
        "inner leave-patients-out CV with this many folds on each fold's TRAINING patients "
        "(0: off, plain argmax; not used by the intra protocol)",
    )
    p.add_argument(
        "--af-gate",
        action="store_true",
        help="no S call in atrial fibrillation: beats whose rhythm context is AF-like "
        "(ctx_af_COSEn above a threshold fitted per fold on the training patients' AFIB/AFL "
        "rhythm annotations, Youden's J) are not called S (see --af-gate-mode)",
    )
    p.add_argument(
        "--af-gate-mode",
        choices=("next", "N"),
        default="next",
        help="what a gated beat's S call becomes: 'next' (default), its most probable other "
        "class; 'N', since AAMI labels supraventricular beats conducted in AF as N",
    )
    add_context_arguments(p)
    p.add_argument("--n-bags", type=int, default=1,
                   help="average the probabilities of this many classifiers, each with its own "
                        "N-beat subsample and xgboost seed (seed + 1000 k; default 1)")
    p.add_argument("--detected", action="store_true", help="also score detected R-peaks")
    p.add_argument("--test-size", type=float, default=0.2, help="intra: test fraction")
    p.add_argument("--n-jobs", type=int, default=1, help="xgboost threads")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default=None, help="folder to keep per-record features (resume)")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def aami_report(y_true, y_pred, classes=CLASSES) -> dict:
    """Per-class Se/+P/F1 (%), accuracy (%), kappa, j-index and jk-index, confusion.

    The j-index is ``Se_S + P_S + Se_V + P_V`` (fractions, 0..4, Mar et al. 2011); the
    jk-index ``kappa / 2 + j / 8`` (0..1, Mondejar-Guerra et al. 2019) is the "jkappa" field.
    Confusion rows are the reference classes, columns the predictions. ``ec57``: the EC57
    gross VEB/SVEB statistics (:func:`geoecg.evaluation.ec57_gross`; F and Q beats called V
    are not VEB false positives there, unlike in ``classes``).
    """
    from ..evaluation.ec57 import ec57_gross

    idx = {c: i for i, c in enumerate(classes)}
    yt = np.asarray([idx[c] for c in np.asarray(y_true).tolist()], dtype=np.int64)
    yp = np.asarray([idx[c] for c in np.asarray(y_pred).tolist()], dtype=np.int64)
    k = len(classes)
    cm = np.bincount(yt * k + yp, minlength=k * k).reshape(k, k)
    n = cm.sum()
    out = {}
    for i, c in enumerate(classes):
        tp = cm[i, i]
        ref = cm[i].sum()
        pred = cm[:, i].sum()
        se = 100.0 * tp / ref if ref else float("nan")
        ppv = 100.0 * tp / pred if pred else float("nan")
        f1 = 100.0 * 2 * tp / (ref + pred) if ref + pred else float("nan")
        out[c] = {"se": se, "ppv": ppv, "f1": f1, "n": int(ref), "n_pred": int(pred)}
    acc = 100.0 * np.trace(cm) / n if n else float("nan")
    pe = float((cm.sum(0) * cm.sum(1)).sum()) / n**2 if n else float("nan")
    po = np.trace(cm) / n if n else float("nan")
    kappa = (po - pe) / (1 - pe) if n and pe < 1 else float("nan")
    j = sum(out[c][m] / 100.0 for c in ("S", "V") for m in ("se", "ppv") if c in out)
    return {
        "classes": out,
        "accuracy": acc,
        "kappa": kappa,
        "j_index": j,
        "jkappa": kappa / 2 + j / 8,
        "confusion": cm.tolist(),
        "labels": list(classes),
        **({"ec57": ec57_gross(cm, classes)} if set("NSVFQ") <= set(classes) else {}),
    }


def _lead_order(rec) -> list[int]:
    names = [str(n).upper() for n in rec.lead_names]
    first = names.index("MLII") if "MLII" in names else 0
    return [first] + [i for i in range(len(names)) if i != first]


def _record_table(name, folder, cache, star, seed, detected):
    """Features and labels of one record (and its STAR copies); cached as npz."""
    from ..features import beat_features, star_augment
    from ..io import beat_annotations, read_mitdb
    from ..signal import bandpass

    # the feature count in the name keeps a cache written by another feature set from
    # being reused silently
    n_feat = beat_features(np.zeros((2, 10)), np.zeros(0, np.int64), 360.0,
                           prefilter=False).names.size
    stem = f"beats_{name}_star{star}_s{seed}_d{int(detected)}_f{n_feat}.npz"
    f = None if cache is None else Path(cache) / stem
    if f is not None and f.exists():
        z = np.load(f, allow_pickle=False)
        return {k: z[k] for k in z.files}
    rec = read_mitdb(name, folder)
    sig = bandpass(rec.signal[_lead_order(rec)], rec.fs, 0.5, 40.0)
    ba = beat_annotations(rec.annotations)
    peaks = ba["sample"].to_numpy()
    labels = ba["aami"].to_numpy().astype("<U1")
    keep = (peaks >= 0) & (peaks < sig.shape[1])
    peaks, labels = peaks[keep], labels[keep]
    out = {
        "X": beat_features(sig, peaks, rec.fs, prefilter=False).values,
        "y": labels,
    }
    for s in range(star):
        aug = star_augment(sig, peaks, variant="random", random_state=seed * 1000 + s + int(name))
        m = aug.rpeaks.size
        out[f"X_star{s}"] = beat_features(aug.signal, aug.rpeaks, rec.fs, prefilter=False).values
        out[f"y_star{s}"] = labels[:m]
    if detected:
        from ..evaluation import match_beats
        from ..features import detect_rpeaks

        det = detect_rpeaks(rec.signal[_lead_order(rec)], rec.fs).indices
        mt = match_beats(peaks, det, rec.fs, 150.0)
        ref_pos = {int(p): i for i, p in enumerate(peaks.tolist())}
        Xd = beat_features(sig, det, rec.fs, prefilter=False).values
        di = {int(d): j for j, d in enumerate(det.tolist())}
        pairs = np.asarray(
            [(ref_pos[int(a)], di[int(b)]) for a, b in mt.pairs.tolist()], dtype=np.int64
        ).reshape(-1, 2)
        out["X_det"] = Xd[pairs[:, 1]] if pairs.size else np.zeros((0, Xd.shape[1]))
        out["y_det"] = labels[pairs[:, 0]] if pairs.size else np.zeros(0, "<U1")
        out["det_counts"] = np.asarray([mt.tp, mt.fp, mt.fn], dtype=np.int64)
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez(f, **out)
    return out


#: Grid of the S-probability multipliers searched by the inner CV (``--inner-folds``).
S_SCALES = (0.25, 0.35, 0.5, 0.7, 1.0, 1.4, 2.0, 3.0)


def _inner_s_scale(args, train_tables, train_groups) -> float:
    """S-probability multiplier maximising the S F1 of an inner grouped CV on the training
    patients only (patients dealt round-robin into ``args.inner_folds`` folds)."""
    ug = list(dict.fromkeys(np.asarray(train_groups).tolist()))
    k = min(args.inner_folds, len(ug))
    if k < 2:
        return 1.0
    y_in, P_in, classes = [], [], None
    for f in range(k):
        held = set(ug[f::k])
        tr = [t for t, g in zip(train_tables, train_groups, strict=True) if g not in held]
        te = [t for t, g in zip(train_tables, train_groups, strict=True) if g in held]
        clf = _fit(args, tr, star=0)
        classes = np.asarray(CLASSES)
        gates = _af_gates(tr, te)[1] if getattr(args, "af_gate", False) else [None] * len(te)
        for t, g in zip(te, gates, strict=True):
            if not len(t["y"]):
                continue
            P = np.zeros((len(t["y"]), classes.size))
            Pc = clf.predict_proba(t["X"])
            for j, c in enumerate(clf.classes_.tolist()):
                P[:, CLASSES.index(c)] = Pc[:, j]
            if g is not None:  # the AF gate, fitted on inner training (for the S F1
                P[g, CLASSES.index("S")] = 0.0  # searched here, both gate modes are the same)
            P_in.append(P)
            y_in.append(t["y"])
    if not y_in:
        return 1.0
    P = np.vstack(P_in)
    y = np.concatenate(y_in)
    s = CLASSES.index("S")
    best, best_f1 = 1.0, -1.0
    for m in S_SCALES:
        Q = P.copy()
        Q[:, s] *= m
        f1 = aami_report(y, classes[np.argmax(Q, axis=1)])["classes"]["S"]["f1"]
        f1 = 0.0 if not np.isfinite(f1) else f1
        if f1 > best_f1 + 1e-12:
            best, best_f1 = m, f1
    return float(best)


def _select_relative(table: dict) -> dict:
    """The table with only the patient-relative feature columns (``--feature-set``)."""
    from ..features.morphology import beat_features, patient_relative_mask

    n_cols = table["X"].shape[1]
    for n_leads in range(1, 13):
        names = beat_features(
            np.zeros((n_leads, 10)), np.zeros(0, np.int64), 360.0, prefilter=False
        ).names
        if names.size == n_cols:
            break
    else:
        raise ValueError(f"cannot name the {n_cols} feature columns (stale --cache?)")
    keep = patient_relative_mask(names)
    return {k: (v[:, keep] if k.startswith("X") else v) for k, v in table.items()}


def _fit(args, train_tables, star=None):
    n_bags = int(getattr(args, "n_bags", 1))
    if n_bags < 1:
        raise ValueError(f"--n-bags must be >= 1, got {n_bags}")
    if n_bags == 1:
        return _fit_one(args, train_tables, star, args.seed)
    return _Bagged([_fit_one(args, train_tables, star, args.seed + 1000 * b)
                    for b in range(n_bags)])


def _fit_one(args, train_tables, star, seed):
    from ..estimators.heartbeat import HeartbeatClassifier

    star = args.star if star is None else star
    rng = np.random.default_rng(seed)
    Xs, ys = [], []

    hard_thr = getattr(args, "keep_premature_n", 0.0)

    def add(X, y, ctx=None):
        keep = np.ones(y.size, bool)
        cap = args.max_n_per_record
        is_n = y == "N"
        if hard_thr and ctx is not None:
            # premature N beats (hard negatives) are never dropped by the cap
            pre = ctx[:, CONTEXT_PRE_COLUMN]
            is_n &= ~(np.nan_to_num(pre, nan=np.inf) < hard_thr)
        is_n = np.flatnonzero(is_n)
        if cap and is_n.size > cap:
            keep[rng.choice(is_n, is_n.size - cap, replace=False)] = False
        Xs.append(X[keep])
        ys.append(y[keep])

    for t in train_tables:
        add(t["X"], t["y"], t.get("ctx"))
        for s in range(star):
            add(t[f"X_star{s}"], t[f"y_star{s}"])
    cw = None if args.class_weight == "none" else args.class_weight
    return HeartbeatClassifier(
        n_estimators=args.n_estimators,
        class_weight=cw,
        n_jobs=args.n_jobs,
        random_state=seed,
    ).fit(np.vstack(Xs), np.concatenate(ys))


def _fit_predict(
    args, train_tables, X_tests, train_groups=None, scales=None, test_tables=None, gate_thr=None
):
    if getattr(args, "stack_folds", 0) and getattr(args, "inner_folds", 0):
        raise ValueError("--stack-folds and --inner-folds cannot be combined")
    clf = (_stack_fit(args, _fit, train_tables, train_groups, CLASSES)
           if getattr(args, "stack_folds", 0) and train_groups is not None
           else _fit(args, train_tables))
    scale = {"F": 0.0} if getattr(args, "no_f_calls", False) else {}
    if getattr(args, "inner_folds", 0) and train_groups is not None:
        scale["S"] = m = _inner_s_scale(args, train_tables, train_groups)
        if scales is not None:
            scales.append(m)
    if scale:
        clf.set_params(decision_scale=scale)
    gates = [None] * len(X_tests)
    if getattr(args, "af_gate", False) and test_tables is not None:
        thr, g = _af_gates(train_tables, test_tables[: len(X_tests)])
        gates[: len(g)] = g
        if gate_thr is not None:
            gate_thr.append(thr)
    mode = getattr(args, "af_gate_mode", "next")
    return [
        _gated_predict(clf, X, g, mode) if len(X) else np.zeros(0, "<U1")
        for X, g in zip(X_tests, gates, strict=True)
    ]


def _missing_message(protocol, missing, present) -> str:
    from ..io.mitdb import DS1

    alt = "ds1-cv" if all(r in present for r in DS1) else "intra"
    return (
        f"protocol {protocol} needs records missing from the data folder: "
        f"{', '.join(missing)}. With the records present, `--protocol {alt}` would run."
    )


def run(args) -> int:
    from tqdm import tqdm

    from ..io import mitdb_records, patient_groups
    from ..io.mitdb import DS1, DS2, PACED, mitdb_dir

    t_start = time.perf_counter()
    # A parent folder holding mitdb/ is matched first (database_dir would also accept the
    # parent itself, because nstdb/ beside mitdb/ holds .atr files too).
    sub = None if args.data is None else Path(args.data) / "mitdb"
    folder = mitdb_dir(sub if sub is not None and any(sub.glob("*.atr")) else args.data)
    present = set(mitdb_records(folder))
    protocol = args.protocol
    if protocol is None:
        if all(r in present for r in DS1 + DS2):
            protocol = "ds1-ds2"
        else:
            miss = [r for r in DS2 if r not in present]
            print(
                f"note: DS2 records missing ({', '.join(miss)}), so ds1-ds2 cannot run; "
                "running ds1-cv (leave-one-patient-out within DS1).",
                file=sys.stderr,
            )
            protocol = "ds1-cv"
    if args.records:
        wanted = [r.strip() for r in args.records.split(",") if r.strip()]
        missing = [r for r in wanted if r not in present]
        if missing:
            raise FileNotFoundError(f"records not in {folder}: {', '.join(missing)}")
    else:
        wanted = {
            "ds1-ds2": list(DS1 + DS2),
            "ds1-cv": list(DS1),
            "intra": sorted(r for r in present if r not in PACED),
        }[protocol]
        missing = [r for r in wanted if r not in present]
        if missing and protocol != "intra":
            print(_missing_message(protocol, missing, present), file=sys.stderr)
            return 2
        wanted = [r for r in wanted if r in present]
    tables = {}
    for name in tqdm(wanted, desc="beat features", file=sys.stderr):
        tables[name] = _record_table(name, folder, args.cache, args.star, args.seed, args.detected)
    if args.feature_set in ("relative", "context", "context-af"):
        tables = {r: _select_relative(t) for r, t in tables.items()}
    if args.feature_set.startswith("context") or args.keep_premature_n or args.af_gate:
        nn = getattr(args, "context_nn", "off")
        mm = bool(getattr(args, "morph_match", False)) and args.feature_set.startswith("context")
        tables = {r: _add_context(t, r, folder, nn, mm) for r, t in tables.items()}
    if args.feature_set.startswith("context"):
        af = args.feature_set == "context-af"
        tables = {r: _append_context(t, af, mm) for r, t in tables.items()}
    y_true, y_pred, det_true, det_pred = [], [], [], []
    det_counts = np.zeros(3, np.int64)
    fold_info = []
    if protocol == "ds1-ds2":
        train = [r for r in wanted if r in DS1] if not args.records else wanted
        test = [r for r in wanted if r in DS2] if not args.records else []
        if args.records and not test:
            raise ValueError("--records with ds1-ds2 is not supported; use ds1-cv or intra")
        tests = [tables[r]["X"] for r in test] + [tables[r]["X_det"] for r in test if args.detected]
        scales, thr = [], []
        preds = _fit_predict(
            args, [tables[r] for r in train], tests, patient_groups(train), scales,
            [tables[r] for r in test], thr,
        )  # fmt: skip
        for i, r in enumerate(test):
            y_true.append(tables[r]["y"])
            y_pred.append(preds[i])
            if args.detected:
                det_true.append(tables[r]["y_det"])
                det_pred.append(preds[len(test) + i])
                det_counts += tables[r]["det_counts"]
        fold_info.append(
            {
                "train": train,
                "test": test,
                "s_scale": scales[0] if scales else None,
                "af_gate_threshold": thr[0] if thr else None,
            }
        )
    elif protocol == "ds1-cv":
        groups = patient_groups(wanted)
        for g in tqdm(list(dict.fromkeys(groups.tolist())), desc="folds", file=sys.stderr):
            test = [r for r, gg in zip(wanted, groups, strict=True) if gg == g]
            train = [r for r in wanted if r not in test]
            tests = [tables[r]["X"] for r in test]
            if args.detected:
                tests += [tables[r]["X_det"] for r in test]
            scales, thr = [], []
            preds = _fit_predict(
                args, [tables[r] for r in train], tests, patient_groups(train), scales,
                [tables[r] for r in test], thr,
            )  # fmt: skip
            for i, r in enumerate(test):
                y_true.append(tables[r]["y"])
                y_pred.append(preds[i])
                if args.detected:
                    det_true.append(tables[r]["y_det"])
                    det_pred.append(preds[len(test) + i])
                    det_counts += tables[r]["det_counts"]
            fold_info.append(
                {
                    "test": test,
                    "s_scale": scales[0] if scales else None,
                    "af_gate_threshold": thr[0] if thr else None,
                    "per_class": _per_class(
                        np.concatenate([tables[r]["y"] for r in test]),
                        np.concatenate(preds[: len(test)]),
                    ),
                }
            )
    else:  # intra
        from sklearn.model_selection import train_test_split

        X = np.vstack([tables[r]["X"] for r in wanted])
        y = np.concatenate([tables[r]["y"] for r in wanted])
        idx = np.arange(y.size)
        strat = y if min(np.unique(y, return_counts=True)[1]) >= 2 else None
        tr, te = train_test_split(
            idx, test_size=args.test_size, random_state=args.seed, stratify=strat
        )
        rid = np.concatenate([np.full(tables[r]["y"].size, i) for i, r in enumerate(wanted)])
        train_tables = [
            {"X": X[tr][rid[tr] == i], "y": y[tr][rid[tr] == i]} for i in range(len(wanted))
        ]
        if args.star:
            print("note: --star is ignored by the intra protocol (it would leak)", file=sys.stderr)
        args.star = 0  # STAR copies of a record would leak its test beats here
        pred = _fit_predict(args, train_tables, [X[te]])[0]
        y_true.append(y[te])
        y_pred.append(pred)
    rep = aami_report(np.concatenate(y_true), np.concatenate(y_pred))
    result = {
        "protocol": protocol,
        "records": wanted,
        "beats_at": "reference annotation positions",
        **rep,
        "settings": {
            "n_estimators": args.n_estimators,
            "class_weight": args.class_weight,
            "max_n_per_record": args.max_n_per_record,
            "star_copies": args.star,
            "feature_set": args.feature_set,
            "keep_premature_n": args.keep_premature_n,
            "af_gate": args.af_gate,
            "af_gate_mode": getattr(args, "af_gate_mode", "next"),
            "context_nn": getattr(args, "context_nn", "off"),
            "morph_match": bool(getattr(args, "morph_match", False)),
            "stack_folds": int(getattr(args, "stack_folds", 0)),
            "stack_s_only": bool(getattr(args, "stack_s_only", False)),
            "no_f_calls": bool(getattr(args, "no_f_calls", False)),
            "inner_folds": args.inner_folds if protocol != "intra" else 0,
            "seed": args.seed,
            "n_bags": int(getattr(args, "n_bags", 1)),
            "test_size": args.test_size if protocol == "intra" else None,
        },
        "folds": fold_info,
        "elapsed_s": time.perf_counter() - t_start,
        "versions": _versions(),
    }
    if args.detected and det_true:
        d = aami_report(np.concatenate(det_true), np.concatenate(det_pred))
        tp, fp, fn = (int(v) for v in det_counts)
        d["detection"] = {"tp": tp, "fp": fp, "fn": fn}
        result["detected"] = d
    _print(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


def _versions() -> dict:
    return package_versions("numba", "scikit-learn", "xgboost", "PyWavelets")


def _print(result) -> None:
    label = {
        "ds1-ds2": "ds1-ds2 (train DS1, test DS2; inter-patient, de Chazal 2004)",
        "ds1-cv": "ds1-cv (leave-one-patient-out within DS1; inter-patient)",
        "intra": "intra (random beat split: LEAKS PATIENTS, not comparable with inter-patient)",
    }[result["protocol"]]
    print(f"geoecg bench beats: {label}")
    print(
        f"  {len(result['records'])} records; beats at the {result['beats_at']}; "
        f"xgboost {result['settings']['n_estimators']} rounds, class weight "
        f"{result['settings']['class_weight']}, N beats per training record: "
        f"{result['settings']['max_n_per_record'] or 'all'}, STAR copies "
        f"{result['settings']['star_copies']}, features "
        f"{result['settings'].get('feature_set', 'all')}{_settings_note(result['settings'])}"
    )
    if result["settings"].get("inner_folds"):
        sc = [f["s_scale"] for f in result.get("folds", []) if f.get("s_scale") is not None]
        print(
            f"  S decision multiplier chosen per fold by a {result['settings']['inner_folds']}"
            f"-fold inner patient CV on the training patients: " + ", ".join(f"{v:g}" for v in sc)
        )
    if result["settings"].get("af_gate"):
        th = [f["af_gate_threshold"] for f in result.get("folds", [])]
        print(
            "  AF gate (no S call where ctx_af_COSEn is above a threshold fitted on the training "
            f"patients' AFIB/AFL annotations; S -> {result['settings'].get('af_gate_mode', 'next')}"
            "): " + ", ".join(f"{v:.2f}" for v in th)
        )
    print("\n".join(_table(result)))
    if "detected" in result:
        d = result["detected"]
        det = d["detection"]
        print(
            f"with detected R-peaks matched to the reference (150 ms): TP {det['tp']} FP "
            f"{det['fp']} FN {det['fn']}; classes scored on matched beats"
        )
        print("\n".join(_table(d)))
    print(f"  elapsed {result['elapsed_s']:.1f} s")
