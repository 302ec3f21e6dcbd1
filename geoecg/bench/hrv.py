"""HRV throughput beside NeuroKit2 on equal work, a floor, and a 24-h Holter.

Series: 5-min windows of MIT-BIH reference beats (every 37.5 s, first N). geoecg:
``hrv_features_batch`` (median of 3; CPU s on one thread, wall on all); floor:
``hrv_peers.floor_indices``; ``--peers``: NeuroKit2 ``hrv()`` and
``hrv_peers.neurokit2_equal_work`` on a subset (CPU s), scaled to N.
24 h: MIT-BIH 101 at 200 Hz tiled to a 2-lead day, ``detect_rpeaks`` + ``hrv_windowed``.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from .._optional import require
from ._versions import package_versions


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder holding mitdb/ (default $GEOECG_DATA)")
    p.add_argument("--n-series", type=int, default=1000, help="number of 5-min series")
    p.add_argument("--peers", action="store_true", help="also run NeuroKit2 side by side")
    p.add_argument("--nk-subset", type=int, default=30, help="series timed with NeuroKit2")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _median_s(f, reps=3, clock=time.process_time) -> float:
    """Median seconds of ``f()``: CPU seconds of this process by default (a single-thread
    figure that a shared machine's load does not inflate), wall with ``time.perf_counter``."""
    ts = [clock()]
    for _ in range(reps):
        f()
        ts.append(clock())
    return float(np.median(np.diff(ts)))


def run(args) -> int:
    import numba

    from ..features import HRV_FEATURE_NAMES, hrv_features_batch
    from ..features import hrv_peers as hp

    if args.peers:
        require("neurokit2", purpose="geoecg bench hrv --peers")
    root = Path(args.data or os.environ.get("GEOECG_DATA", "")) / "mitdb"
    series, fs = hp.mitdb_5min_series(root, args.n_series)
    n = len(series)
    peers = ("numba", "scipy") + (("neurokit2",) if args.peers else ())
    r: dict = {
        "n_series": n,
        "fs": fs,
        "versions": package_versions(
            *peers, numba_threads=numba.config.NUMBA_NUM_THREADS, cpu_count=os.cpu_count()
        ),
    }
    X, _ = hrv_features_batch(series, kind="rpeaks", fs=fs), hp.floor_indices(series, fs)
    for label, nj, clock in (
        ("one_thread", 1, time.process_time),
        ("all_threads", None, time.perf_counter),
    ):
        r[f"geoecg_{label}_s"] = _median_s(
            lambda nj=nj: hrv_features_batch(series, kind="rpeaks", fs=fs, n_jobs=nj), 3, clock
        )
    r["floor_one_thread_s"] = _median_s(lambda: hp.floor_indices(series, fs))
    r["geoecg_ms_per_series"] = 1000 * r["geoecg_one_thread_s"] / n
    r["x_floor"] = r["geoecg_one_thread_s"] / r["floor_one_thread_s"]
    print(
        f"geoecg bench hrv: {n} five-minute series, MIT-BIH reference beats ({fs:g} Hz)\n"
        f"  versions: {r['versions']}"
    )
    print(
        f"  geoecg, 48 indices: {r['geoecg_one_thread_s']:.3f} CPU s one thread "
        f"({r['geoecg_ms_per_series']:.3f} ms/series), {r['geoecg_all_threads_s']:.3f} s "
        f"wall all threads; floor (4 indices, one pass) {r['floor_one_thread_s']:.4f} s = "
        f"1/{r['x_floor']:.0f} of geoecg"
    )
    if args.peers:
        idx = np.linspace(0, n - 1, min(args.nk_subset, n)).astype(int)
        frames = [hp.neurokit2_equal_work(series[i], fs) for i in idx]
        full = [_median_s(lambda i=i: hp.neurokit2_full(series[i], fs), 1) for i in idx]
        equal = [_median_s(lambda i=i: hp.neurokit2_equal_work(series[i], fs), 1) for i in idx]
        for label, per in (("full_hrv", full), ("equal_work", equal)):
            med = float(np.median(per))
            r[f"neurokit2_{label}_s_per_series"] = med
            r[f"x_neurokit2_{label}"] = med * n / r["geoecg_one_thread_s"]
            print(
                f"  NeuroKit2 {label}: median {med:.4f} CPU s/series ({idx.size} series) -> "
                f"geoecg {r[f'x_neurokit2_{label}']:.0f}x faster (one thread)"
            )
        print(f"  equal work = {hp.NEUROKIT2_EQUAL_WORK}")
        r["agreement"] = hp.neurokit2_agreement(X[idx], HRV_FEATURE_NAMES, frames)
        print(f"\n  {'index':<11} {'median rel. diff':>17}  same def.  note")
        for name, a in r["agreement"].items():
            med = "n/a" if a["median_rel_diff"] is None else f"{100 * a['median_rel_diff']:.3f} %"
            print(
                f"  {name:<11} {med:>17}  {'yes' if a['definitions_match'] else 'no':<9}  "
                f"{a['note']}"
            )
    d = r["day_24h"] = hp.holter_24h_timing()
    print(
        f"\n  24 h, 2 leads, 200 Hz: R-peaks {d['rpeaks_s']:.2f} s + 5-min HRV "
        f"({d['n_windows']} windows) {d['hrv_s']:.2f} s = {d['total_s']:.2f} s"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2))
        print(f"\n  written {args.json}")
    return 0
