"""MIT-BIH beat-level AF protocol behind ``geoecg bench af --beat-level`` / ``--screen-24h``.

Public through :mod:`geoecg.estimators.af.protocols` (and :mod:`geoecg.estimators.af`):
:func:`mitdb_af_series` (intervals, AF and ectopic flags per record), :func:`af_beat_detectors`
(the registered rows), :func:`af_patient_folds`, :func:`beat_level_cv` (per-beat Se / Sp in %)
and :func:`time_screening` (a synthetic 24-h Holter, times in s).
"""

from __future__ import annotations

import time

import numpy as np


def mitdb_af_series(folder, *, rpeaks="reference") -> dict:
    """Record -> ``(rr_ms, is_af, ectopic)`` of the non-paced MIT-BIH records in ``folder``
    (input of :func:`beat_level_cv`): annotated beats, or ``rpeaks="detected"`` R-peaks."""
    from ...features import detect_rpeaks
    from ...features.af import beat_rhythms
    from ...features.ectopy import ectopic_beats
    from ...io import beat_annotations, mitdb_records, read_mitdb

    if rpeaks not in ("reference", "detected"):
        raise ValueError(f"rpeaks must be 'reference' or 'detected', got {rpeaks!r}")
    data = {}
    for r in mitdb_records(folder, "non-paced"):
        rec = read_mitdb(r, folder)
        b = beat_annotations(rec.annotations)["sample"].to_numpy().astype(np.int64)
        if rpeaks == "detected":
            b = np.asarray(detect_rpeaks(rec.signal[0], rec.fs, track=False).indices, np.int64)
        data[r] = (
            np.diff(b) * 1000.0 / rec.fs,
            beat_rhythms(rec.annotations, b)[1:] == "AFIB",
            ectopic_beats(rec.signal[0], rec.fs, b),
        )
    return data


def af_beat_detectors(*, n_estimators: int = 200, random_state=None) -> dict:
    """The registered beat-level rows: name -> (factory, uses ectopic flags)."""
    from .detectors import AFDetector, COSEnDetector, LowComplexityAFDetector, TatenoGlassDetector
    from .ectopy import EctopyFilteredDetector as E

    def xgb():
        return AFDetector(n_estimators=n_estimators, random_state=random_state)

    return {
        "Tateno-Glass (KS, 50 dRR)": (TatenoGlassDetector, False),
        "COSEn (16 beats)": (COSEnDetector, False),
        "low-complexity (Petrenas-style)": (LowComplexityAFDetector, False),
        "AFDetector (xgboost, 30 beats)": (xgb, False),
        "COSEn + ectopy filter": (lambda: E(COSEnDetector(), mode="drop", min_episode_s=0.0), True),
        "COSEn + 30 s episodes": (lambda: E(COSEnDetector(), min_episode_s=30.0), False),
        "COSEn + ectopy + 30 s episodes": (
            lambda: E(COSEnDetector(), mode="drop", min_episode_s=30.0),
            True,
        ),
        "AFDetector + ectopy + 30 s episodes": (
            lambda: E(xgb(), mode="drop", min_episode_s=30.0),
            True,
        ),
    }


def af_patient_folds(series: dict, same_patient=(("201", "202"),)) -> list:
    """One test fold per AF patient (records of one patient stay together: MIT-BIH 201/202);
    records without AF are dealt round-robin over the folds (sorted names)."""
    grp = {r: "/".join(g) for g in same_patient for r in g}
    af = sorted({grp.get(r, r) for r, v in series.items() if np.any(v[1])})
    if len(af) < 2:
        raise ValueError(f"beat-level CV needs >= 2 patients with AF, found {af}")
    folds = [sorted(r for r in series if np.any(series[r][1]) and grp.get(r, r) == g) for g in af]
    for i, r in enumerate(sorted(r for r in series if not np.any(series[r][1]))):
        folds[i % len(folds)].append(r)
    return folds


def beat_level_cv(
    series: dict,
    detectors: dict,
    folds: list,
    *,
    on_fold=None,
    done_folds=None,
    progress: bool | None = False,
) -> dict:
    """Per-beat Se / Sp of each detector, leave-folds-out over records.

    Parameters
    ----------
    series : dict
        Record -> ``(rr_ms, is_af, ectopic)`` (one AF flag per interval, one ectopic flag
        per beat).
    detectors : dict
        Name -> ``(factory, uses_ectopy)`` (:func:`af_beat_detectors`); an
        :class:`~geoecg.estimators.af.EctopyFilteredDetector` that does not use ectopy gets
        ``None`` flags (its episode rule alone).
    folds : list of list of str
        Test records of each fold (the others train), e.g. :func:`af_patient_folds`.
    on_fold : callable, optional
        ``on_fold(i, unit)`` after fold ``i`` is finished, with ``unit = {"test": records,
        "detectors": {name: {"per_record": counts, "time_s": s}}}`` (JSON-ready;
        ``geoecg.commands.bench_io.FoldLog`` saves it to ``--json``).
    done_folds : dict, optional
        Fold index -> unit, as passed to ``on_fold`` by an earlier run on the same folds
        and detectors: those folds are not run again (``geoecg bench af --beat-level
        --resume``). A unit of other test records or other detectors is a ValueError.
    progress : bool or None, default False
        A tqdm bar of the folds on stderr (None: only when stderr is a terminal).
    """
    from ..._progress import progress_bar
    from .ectopy import EctopyFilteredDetector

    done = {int(k): v for k, v in (done_folds or {}).items()}
    units = []
    for i, test in enumerate(progress_bar(folds, desc="folds", progress=progress)):
        if i in done:
            unit = done[i]
            if list(unit.get("test", ())) != list(test) or list(unit.get("detectors", ())) != list(
                detectors
            ):
                raise ValueError(
                    f"done_folds[{i}] was made for other test records or detectors; "
                    f"expected test {list(test)} and detectors {list(detectors)}"
                )
            units.append(unit)
            continue
        train = [r for r in series if r not in test]
        unit = {"test": list(test), "detectors": {}}
        for name, (make, use_ect) in detectors.items():
            t0 = time.perf_counter()
            det = make()
            extra = isinstance(det, EctopyFilteredDetector)
            fit_ect = ([[series[r][2] for r in train]] if use_ect else [None]) if extra else []
            det.fit_series([series[r][0] for r in train], [series[r][1] for r in train], *fit_ect)
            per_rec = {}
            for r in test:
                ect = ([series[r][2]] if use_ect else [None]) if extra else []
                p = det.predict_series(series[r][0], *ect)
                yr = series[r][1]
                a, b, c, d = (p & yr).sum(), (~p & yr).sum(), (~p & ~yr).sum(), (p & ~yr).sum()
                per_rec[r] = {"tp": int(a), "fn": int(b), "tn": int(c), "fp": int(d)}
            unit["detectors"][name] = {"per_record": per_rec, "time_s": time.perf_counter() - t0}
        if on_fold is not None:
            on_fold(i, unit)
        units.append(unit)
    results = {}
    for name in detectors:
        per_rec = {r: c for u in units for r, c in u["detectors"][name]["per_record"].items()}
        tp, fn, tn, fp = (sum(c[k] for c in per_rec.values()) for k in ("tp", "fn", "tn", "fp"))
        results[name] = {
            "se": 100.0 * tp / max(tp + fn, 1),
            "sp": 100.0 * tn / max(tn + fp, 1),
            "n_af_beats": int(tp + fn),
            "n_other_beats": int(tn + fp),
            "time_s": float(sum(u["detectors"][name]["time_s"] for u in units)),
            "per_record": per_rec,
        }
    return results


def time_screening(*, random_state=0, n_runs: int = 3) -> dict:
    """Time :func:`~geoecg.estimators.af.screen_af` (COSEn) on a synthetic 24-h, 2-lead,
    200-Hz Holter with three AF episodes; beat Se / Sp against the simulated truth."""
    from .detectors import COSEnDetector
    from .screening import screen_af, synthetic_af_ecg, synthetic_rr

    rr, yy = synthetic_rr(20000, af_fraction=0.5, random_state=random_state)
    det = COSEnDetector().fit_series(rr, yy)
    episodes = [(3600.0, 7200.0), (30000.0, 30600.0), (60000.0, 70000.0)]
    x, fs, truth = synthetic_af_ecg(
        24 * 3600.0, fs=200.0, n_leads=2, af_intervals=episodes, random_state=random_state
    )
    times = []
    for _ in range(n_runs):
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
