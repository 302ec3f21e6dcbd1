"""HRV throughput beside NeuroKit2 on equal work, a floor, and a 24-h Holter.

Series: 5-min windows of MIT-BIH reference beats (every 37.5 s, first N). geoecg:
``hrv_features_batch`` (median of 3; CPU s on one thread, wall on all); floor:
``hrv_peers.floor_indices``; ``--peers``: ``hrv_peers.neurokit2_side_by_side`` (NeuroKit2
``hrv()`` and equal work on a subset, CPU s), scaled to N.
24 h: MIT-BIH 101 at 200 Hz tiled to a 2-lead day, ``detect_rpeaks`` + ``hrv_windowed``.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import os

from .._optional import require
from .._versions import package_versions
from ..commands.bench_io import JsonSink, add_common, data_dir, versions_line


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(
        p, data="folder holding mitdb/ (default $GEOECG_DATA)", peers="NeuroKit2", resume=True
    )
    p.add_argument("--n-series", type=int, default=1000, help="number of 5-min series")
    p.add_argument("--nk-subset", type=int, default=30, help="series timed with NeuroKit2")


def run(args) -> int:
    import numba

    from ..features import hrv_peers as hp

    if args.peers:
        require("neurokit2", purpose="geoecg bench hrv --peers")
    series, fs = hp.mitdb_5min_series(data_dir(args.data, "mitdb", marker="*.hea"), args.n_series)
    n = len(series)
    peers = ("numba", "scipy") + (("neurokit2",) if args.peers else ())
    threads = {"numba_threads": numba.config.NUMBA_NUM_THREADS, "cpu_count": os.cpu_count()}
    with JsonSink(args.json, run=args) as r:
        r.results.update(n_series=n, fs=fs, versions=package_versions(*peers, **threads))
        nk, d = hp.bench_hrv_stages(series, fs, r, peers=args.peers, nk_subset=args.nk_subset)
        print(f"geoecg bench hrv: {n} five-minute series, MIT-BIH reference beats ({fs:g} Hz)")
        print(f"  {versions_line(r['versions'])}")
        print(
            f"  geoecg, 48 indices: {r['geoecg_one_thread_s']:.3f} CPU s one thread "
            f"({r['geoecg_ms_per_series']:.3f} ms/series), {r['geoecg_all_threads_s']:.3f} s "
            f"wall all threads; floor (4 indices, one pass) {r['floor_one_thread_s']:.4f} s = "
            f"1/{r['x_floor']:.0f} of geoecg"
        )
        if args.peers:
            for label in ("full_hrv", "equal_work"):
                med = nk[f"{label}_s_per_series"]
                r[f"x_neurokit2_{label}"] = med * n / r["geoecg_one_thread_s"]
                print(
                    f"  NeuroKit2 {label}: median {med:.4f} CPU s/series ({nk['n_subset']} series)"
                    f" -> geoecg {r[f'x_neurokit2_{label}']:.0f}x faster (one thread)"
                )
            print(f"  equal work = {hp.NEUROKIT2_EQUAL_WORK}")
            print(f"\n  {'index':<11} {'median rel. diff':>17}  same def.  note")
            for name, a in nk["agreement"].items():
                rel = a["median_rel_diff"]
                med = "n/a" if rel is None else f"{100 * rel:.3f} %"
                same = "yes" if a["definitions_match"] else "no"
                print(f"  {name:<11} {med:>17}  {same:<9}  {a['note']}")
        print(f"\n  24 h, 2 leads, 200 Hz: R-peaks {d['rpeaks_s']:.2f} s + 5-min HRV "
              f"({d['n_windows']} windows) {d['hrv_s']:.2f} s = {d['total_s']:.2f} s")  # fmt: skip
    return 0
