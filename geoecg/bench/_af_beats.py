"""AF bench modes on MIT-BIH-style records: per-beat Se/Sp against rhythm annotations, and the
timed end-to-end screening of a synthetic 24-h Holter (``geoecg bench af --beat-level`` /
``--screen-24h``). Se and Sp are percentages; times in s.

The beat-level rows "+ ectopy" run COSEn (or the xgboost detector) through
:class:`geoecg.estimators.af.ectopy.EctopyFilteredDetector`: beats whose QRS (lead 0) does not
match the dominant local morphology (:func:`geoecg.features.ectopy.ectopic_beats`) are taken
out of the RR series, and "30 s episodes" drops AF runs shorter than 30 s.
"""

from __future__ import annotations

import time

import numpy as np


def _mitdb_series(root, use_detected):
    """Per record: (RR ms, AFIB label per interval, rhythm per interval, ectopic flag per
    beat), and the time spent marking ectopic beats (s)."""
    from ..features import detect_rpeaks
    from ..features.af import beat_rhythms
    from ..features.ectopy import ectopic_beats
    from ..io import beat_annotations, mitdb_records, read_mitdb

    recs = mitdb_records(root, "non-paced")
    data = {}
    t_ect = 0.0
    for r in recs:
        rec = read_mitdb(r, root)
        beats = beat_annotations(rec.annotations)["sample"].to_numpy().astype(np.int64)
        b = detect_rpeaks(rec.signal[0], rec.fs, track=False).indices if use_detected else beats
        b = np.asarray(b, dtype=np.int64)
        rhythm = beat_rhythms(rec.annotations, b)[1:]
        t0 = time.perf_counter()
        ect = ectopic_beats(rec.signal[0], rec.fs, b)
        t_ect += time.perf_counter() - t0
        data[r] = (np.diff(b) * 1000.0 / rec.fs, rhythm == "AFIB", rhythm, ect)
    return data, t_ect


class _NoEctopy:
    """Runs an EctopyFilteredDetector with no beat marked ectopic (ablation row)."""

    def __init__(self, det):
        self.det = det

    def fit_series(self, rr, y):
        self.det.fit_series(rr, y, None)
        return self

    def predict_series(self, rr):
        return self.det.predict_series(rr, None)


def run_beats(args) -> dict:
    from ..estimators.af import (
        AFDetector,
        COSEnDetector,
        LowComplexityAFDetector,
        TatenoGlassDetector,
    )
    from ..estimators.af.ectopy import EctopyFilteredDetector

    t0 = time.perf_counter()
    data, t_ect = _mitdb_series(args.data, args.rpeaks == "detected")
    t_read = time.perf_counter() - t0 - t_ect
    af_recs = sorted(r for r, v in data.items() if v[1].any())
    others = sorted(r for r in data if r not in af_recs)
    if len(af_recs) < 2:
        raise ValueError(f"beat-level mode needs >= 2 records with AFIB, found {af_recs}")
    # one fold per AF record (201/202 share a patient and stay together); the non-AF
    # records are dealt round-robin over the folds
    groups = {"201": "201/202", "202": "201/202"}
    af_groups = sorted({groups.get(r, r) for r in af_recs})
    folds = [[r for r in af_recs if groups.get(r, r) == g] for g in af_groups]
    for i, r in enumerate(others):
        folds[i % len(folds)].append(r)
    dets = {
        "Tateno-Glass (KS, 50 dRR)": lambda: TatenoGlassDetector(),
        "COSEn (16 beats)": lambda: COSEnDetector(),
        "low-complexity (Petrenas-style)": lambda: LowComplexityAFDetector(),
        "AFDetector (xgboost, 30 beats)": lambda: AFDetector(
            n_estimators=args.n_estimators, random_state=args.seed),
        # the ectopy-filter rows: the filter alone, the 30-s episode rule alone, both
        "COSEn + ectopy filter": lambda: EctopyFilteredDetector(
            COSEnDetector(), mode="drop", min_episode_s=0.0),
        "COSEn + 30 s episodes": lambda: _NoEctopy(EctopyFilteredDetector(
            COSEnDetector(), min_episode_s=30.0)),
        "COSEn + ectopy + 30 s episodes": lambda: EctopyFilteredDetector(
            COSEnDetector(), mode="drop", min_episode_s=30.0),
        "AFDetector + ectopy + 30 s episodes": lambda: EctopyFilteredDetector(
            AFDetector(n_estimators=args.n_estimators, random_state=args.seed),
            mode="drop", min_episode_s=30.0),
    }
    results = {}
    for name, make in dets.items():
        tp = fn = tn = fp = 0
        per_rec = {}
        t0 = time.perf_counter()
        for test in folds:
            train = [r for r in data if r not in test]
            det = make()
            ect = isinstance(det, EctopyFilteredDetector)
            det.fit_series([data[r][0] for r in train], [data[r][1] for r in train],
                           *([[data[r][3] for r in train]] if ect else []))
            for r in test:
                p = det.predict_series(data[r][0], *([data[r][3]] if ect else []))
                y = data[r][1]
                a, b, c, d = (p & y).sum(), (~p & y).sum(), (~p & ~y).sum(), (p & ~y).sum()
                tp, fn, tn, fp = tp + a, fn + b, tn + c, fp + d
                per_rec[r] = {"tp": int(a), "fn": int(b), "tn": int(c), "fp": int(d)}
        results[name] = {
            "se": 100.0 * tp / max(tp + fn, 1),
            "sp": 100.0 * tn / max(tn + fp, 1),
            "n_af_beats": int(tp + fn),
            "n_other_beats": int(tn + fp),
            "time_s": time.perf_counter() - t0,
            "per_record": per_rec,
        }
    return {"mode": f"beat-level on {args.data} ({args.rpeaks} beats)", "records": sorted(data),
            "folds": folds, "detectors": results, "times_s": {"read": t_read, "ectopy": t_ect},
            "ectopic_fraction": {r: float(v[3].mean()) for r, v in data.items()}}


def print_beats(out) -> None:
    print(f"AF beat-level ({out['mode']}), {len(out['records'])} records; folds by AF patient:")
    print(f"{'detector':<36}{'Se %':>8}{'Sp %':>8}{'AF beats':>10}{'other':>9}{'time s':>9}")
    for name, r in out["detectors"].items():
        print(f"{name:<36}{r['se']:>8.1f}{r['sp']:>8.1f}{r['n_af_beats']:>10d}"
              f"{r['n_other_beats']:>9d}{r['time_s']:>9.1f}")


def run_screen(args) -> dict:
    from ..estimators.af import COSEnDetector
    from ..estimators.af.screening import screen_af, synthetic_af_ecg, synthetic_rr

    rr, y = synthetic_rr(20000, af_fraction=0.5, random_state=args.seed)
    det = COSEnDetector().fit_series(rr, y)
    episodes = [(3600.0, 7200.0), (30000.0, 30600.0), (60000.0, 70000.0)]
    x, fs, truth = synthetic_af_ecg(24 * 3600.0, fs=200.0, n_leads=2, af_intervals=episodes,
                                    random_state=args.seed)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        res = screen_af(x, fs, det)
        times.append(time.perf_counter() - t0)
    beat_af = np.interp(res.rpeaks[1:] / fs, truth["beat_s"], truth["af"].astype(float)) > 0.5
    return {
        "mode": "screen a synthetic 24-h, 2-lead, 200-Hz recording (COSEn detector)",
        "n_samples": int(x.shape[1]),
        "n_beats": int(res.rpeaks.size),
        "time_s_median": float(np.median(times)),
        "times_s": times,
        "episodes_found": res.episodes.round(1).to_dict("list"),
        "episodes_true": episodes,
        "beat_se": 100.0 * float((res.af & beat_af).sum() / max(beat_af.sum(), 1)),
        "beat_sp": 100.0 * float((~res.af & ~beat_af).sum() / max((~beat_af).sum(), 1)),
    }


def print_screen(out) -> None:
    print(f"AF screening: {out['mode']}")
    runs = ", ".join(f"{t:.2f}" for t in out["times_s"])
    print(f"  {out['n_samples']} samples/lead, {out['n_beats']} beats; end-to-end time "
          f"median {out['time_s_median']:.2f} s over 3 runs ({runs})")
    print(f"  episodes found {len(out['episodes_found']['start_s'])} "
          f"(true {len(out['episodes_true'])}); beat Se {out['beat_se']:.1f} %, "
          f"Sp {out['beat_sp']:.1f} %")
