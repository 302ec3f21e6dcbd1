"""HRV: per-index agreement with NeuroKit2 and batch throughput, plus 24-h R-peaks + HRV.

Series: 5-minute windows of R-peaks from the MIT-BIH reference beat annotations (360 Hz),
window starts every 37.5 s over every record in ``--data``/mitdb, the first N taken.

Agreement (``--peers``): NeuroKit2 ``nk.hrv(peaks, sampling_rate=360)`` on the same peaks;
median over series of ``|geoecg - nk2| / |nk2|`` per index, with the definition
differences named. Throughput: ``hrv_features_batch`` on all N series (median of 3 runs),
against NeuroKit2 ``hrv()`` timed on a subset (median seconds per series) and scaled to N,
both in the same run. 24 h: a synthetic 2-lead 200 Hz day (the embedded 5-min MIT-BIH 101
excerpt resampled and tiled) through ``detect_rpeaks`` and ``hrv_windowed(window_s=300)``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np

from ._versions import package_versions

# name in geoecg -> (name in NeuroKit2, whether the definitions match, note)
NK_MAP = {
    "MeanNN": ("MeanNN", True, ""),
    "SDNN": ("SDNN", True, ""),
    "RMSSD": ("RMSSD", True, ""),
    "SDSD": ("SDSD", True, ""),
    "CVNN": ("CVNN", True, ""),
    "CVSD": ("CVSD", True, ""),
    "MedianNN": ("MedianNN", True, ""),
    "MadNN": ("MadNN", True, ""),
    "MCVNN": ("MCVNN", True, ""),
    "IQRNN": ("IQRNN", True, ""),
    "Prc20NN": ("Prc20NN", True, ""),
    "Prc80NN": ("Prc80NN", True, ""),
    "MinNN": ("MinNN", True, ""),
    "MaxNN": ("MaxNN", True, ""),
    "pNN20": ("pNN20", False, "denominator: #differences here, #intervals in NK2"),
    "pNN50": ("pNN50", False, "denominator: #differences here, #intervals in NK2"),
    "HTI": ("HTI", True, ""),
    "TINN": ("TINN", False, "NK2 nested foot search from 0 ms; here independent feet"),
    "VLF": ("VLF", False, "NK2: 100 Hz monotone-cubic, its own Welch window"),
    "LF": ("LF", False, "as VLF"),
    "HF": ("HF", False, "as VLF"),
    "LFHF": ("LFHF", False, "as VLF"),
    "LFn": ("LFn", False, "NK2: LF/TP; here 100 LF/(LF+HF)"),
    "HFn": ("HFn", False, "NK2: HF/TP; here 100 HF/(LF+HF)"),
    "SD1": ("SD1", True, ""),
    "SD2": ("SD2", True, ""),
    "SD1SD2": ("SD1SD2", True, ""),
    "CSI": ("CSI", True, ""),
    "CVI": ("CVI", True, ""),
    "SampEn": ("SampEn", True, "same m=2, r=0.2 SD"),
    "ApEn": ("ApEn", True, "same m=2, r=0.2 SD"),
    "DFA_alpha1": ("DFA_alpha1", False, "NK2: overlapping windows, scales 4-11"),
    "DFA_alpha2": ("DFA_alpha2", False, "NK2: overlapping windows, scales 12-n/10"),
    "ShanEn": ("ShanEn", False, "NK2: Shannon entropy of the RR values themselves"),
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder holding mitdb/ (default $GEOECG_DATA)")
    p.add_argument("--n-series", type=int, default=1000, help="number of 5-min series")
    p.add_argument("--peers", action="store_true", help="also run NeuroKit2 side by side")
    p.add_argument("--nk-subset", type=int, default=30, help="series timed with NeuroKit2")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _mitdb_root(data) -> Path:
    base = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    return base / "mitdb"


def _series(root: Path, n_series: int) -> tuple[list[np.ndarray], float]:
    from ..io import beat_annotations, mitdb_records, read_record

    out, fs = [], 360.0
    for name in mitdb_records(root):
        rec = read_record(root / name)
        fs = rec.fs
        beats = beat_annotations(rec.annotations)["sample"].to_numpy()
        L, step = int(300 * fs), int(37.5 * fs)
        for s in range(0, rec.n_samples - L + 1, step):
            p = beats[(beats >= s) & (beats < s + L)]
            if p.size >= 10:
                out.append(p.astype(np.int64))
    if not out:
        raise FileNotFoundError(f"no MIT-BIH record with annotations under {root}")
    reps = int(np.ceil(n_series / len(out)))
    return (out * reps)[:n_series], fs


def _versions(peers: bool) -> dict:
    import numba

    names = ("numba", "scipy", "neurokit2") if peers else ("numba", "scipy")
    return package_versions(
        *names, numba_threads=numba.config.NUMBA_NUM_THREADS, cpu_count=os.cpu_count()
    )


def _bench_24h() -> dict:
    from ..datasets import sample_record_path
    from ..features import detect_rpeaks, hrv_windowed
    from ..io import read_record
    from ..signal import resample

    rec = read_record(sample_record_path("mitdb_101"))
    x = resample(np.asarray(rec.signal), rec.fs, 200.0)
    reps = int(np.ceil(24 * 3600 * 200 / x.shape[1]))
    day = np.ascontiguousarray(np.tile(x, (1, reps))[:, : 24 * 3600 * 200])
    detect_rpeaks(day[:, : 200 * 60], 200.0)  # compile outside the timer
    hrv_windowed(np.arange(10) * 200, 200.0, window_s=300.0, partial=True)
    t0 = time.perf_counter()
    res = detect_rpeaks(day, 200.0)
    t1 = time.perf_counter()
    w = hrv_windowed(
        res.indices, 200.0, window_s=300.0, duration_s=day.shape[1] / 200.0, n_jobs=None
    )
    t2 = time.perf_counter()
    return {
        "samples_per_lead": int(day.shape[1]),
        "n_leads": int(day.shape[0]),
        "n_beats": int(res.indices.size),
        "n_windows": int(w.values.shape[0]),
        "rpeaks_s": t1 - t0,
        "hrv_s": t2 - t1,
        "total_s": t2 - t0,
    }


def run(args) -> int:
    if args.peers:
        from .._optional import require

        require("neurokit2", purpose="geoecg bench hrv --peers")
    from tqdm import tqdm

    from ..features import HRV_FEATURE_NAMES, hrv_features_batch

    series, fs = _series(_mitdb_root(args.data), args.n_series)
    n = len(series)
    result: dict = {"n_series": n, "fs": fs, "versions": _versions(args.peers)}

    hrv_features_batch(series[:4], kind="rpeaks", fs=fs, n_jobs=None)  # compile
    times = {}
    for label, nj in (("all_threads", None), ("one_thread", 1)):
        reps = []
        for _ in range(3):
            t0 = time.perf_counter()
            X = hrv_features_batch(series, kind="rpeaks", fs=fs, n_jobs=nj)
            reps.append(time.perf_counter() - t0)
        times[label] = float(np.median(reps))
    result["geoecg_batch_s"] = times
    result["geoecg_series_per_s"] = n / times["all_threads"]

    rows = []
    if args.peers:
        import neurokit2 as nk

        k = min(args.nk_subset, n)
        idx = np.linspace(0, n - 1, k).astype(int)
        per, frames = [], []
        for i in tqdm(idx, desc="NeuroKit2 hrv()", leave=False):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                df = nk.hrv(series[i], sampling_rate=fs)
                per.append(time.perf_counter() - t0)
            frames.append(df.iloc[0])
        nk_med = float(np.median(per))
        result["neurokit2_s_per_series_median"] = nk_med
        result["neurokit2_subset"] = int(k)
        result["neurokit2_scaled_s"] = nk_med * n
        result["speedup_all_threads"] = nk_med * n / times["all_threads"]
        result["speedup_one_thread"] = nk_med * n / times["one_thread"]
        agree = {}
        for name, (nkname, same, note) in NK_MAP.items():
            g = X[idx, HRV_FEATURE_NAMES.index(name)]
            r = np.array([float(f.get("HRV_" + nkname, np.nan)) for f in frames])
            ok = np.isfinite(g) & np.isfinite(r) & (r != 0)
            med = float(np.median(np.abs(g[ok] - r[ok]) / np.abs(r[ok]))) if ok.any() else None
            agree[name] = {"median_rel_diff": med, "definitions_match": same, "note": note}
            rows.append((name, med, same, note))
        result["agreement"] = agree

    result["day_24h"] = _bench_24h()

    print(f"geoecg bench hrv: {n} five-minute series from MIT-BIH reference beats ({fs:g} Hz)")
    print(
        f"  geoecg hrv_features_batch, 48 indices: {times['all_threads']:.3f} s all threads, "
        f"{times['one_thread']:.3f} s one thread (median of 3)"
    )
    if args.peers:
        print(
            f"  NeuroKit2 hrv(): median {result['neurokit2_s_per_series_median']:.3f} s/series "
            f"on {result['neurokit2_subset']} series, scaled to {n}: "
            f"{result['neurokit2_scaled_s']:.1f} s"
        )
        print(
            f"  speed-up: {result['speedup_all_threads']:.0f}x (all threads), "
            f"{result['speedup_one_thread']:.0f}x (one thread)"
        )
        print(f"\n  {'index':<11} {'median rel. diff':>17}  same def.  note")
        for name, med, same, note in rows:
            ms = "n/a" if med is None else f"{100 * med:.3f} %"
            print(f"  {name:<11} {ms:>17}  {'yes' if same else 'no':<9}  {note}")
    d = result["day_24h"]
    print(
        f"\n  24 h, {d['n_leads']} leads, 200 Hz ({d['samples_per_lead']} samples/lead): "
        f"R-peaks {d['rpeaks_s']:.2f} s + 5-min HRV ({d['n_windows']} windows) "
        f"{d['hrv_s']:.2f} s = {d['total_s']:.2f} s"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"\n  written {args.json}")
    return 0
