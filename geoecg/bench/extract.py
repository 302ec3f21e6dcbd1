"""Cohort extraction throughput: records per CPU second per feature set, beside NeuroKit2.

The protocol is :func:`geoecg.cohort.throughput.extraction_benchmark`: PTB-XL records at
``--fs`` Hz cycled into a MIMIC-IV-ECG-layout tree of ``--synthetic`` records, each feature
set and the target rpeaks + hrv + sqi + covariance timed in this process, NeuroKit2
``ecg_process`` + ``hrv`` + ``numpy.cov`` on ``--nk-sample`` of the same records, and the
peak memory of a ``--n-jobs`` joblib run. Definitions: docs/benchmarks/cohort.md.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import json
import os
from pathlib import Path

from .._optional import require
from ..cohort.throughput import N_PROJECT, extraction_benchmark
from ._versions import package_versions

TARGET = ("rpeaks", "hrv", "sqi", "covariance")
TARGET_RATE = 110.0  # records per CPU second (<= 2 CPU-hours for 800,000 records)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder holding ptbxl/ (default $GEOECG_DATA)")
    p.add_argument("--fs", type=int, default=500, choices=(100, 500), help="PTB-XL release")
    p.add_argument("--synthetic", type=int, default=2000, help="records in the MIMIC tree")
    p.add_argument("--per-set", type=int, default=300, help="records timed per feature set")
    p.add_argument("--n-jobs", type=int, default=2, help="workers of the memory run")
    p.add_argument("--nk-sample", type=int, default=20, help="records timed with NeuroKit2")
    p.add_argument("--chunk-size", type=int, default=256)
    p.add_argument("--big-tree", type=int, default=0, help="also time a tree of this size")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def run(args: argparse.Namespace) -> int:
    if args.nk_sample > 0:
        require("neurokit2", purpose="geoecg bench extract (--nk-sample > 0; 0 skips NeuroKit2)")
    r = extraction_benchmark(
        Path(args.data or os.environ.get("GEOECG_DATA", "")) / "ptbxl",
        fs=args.fs,
        synthetic=args.synthetic,
        per_set=args.per_set,
        n_jobs=args.n_jobs,
        nk_sample=args.nk_sample,
        chunk_size=args.chunk_size,
        big_tree=args.big_tree,
        target=TARGET,
    )
    big, nk, x = r["full_tree"], r["neurokit2"], r["speedup_vs_neurokit2"]
    print(
        f"geoecg bench extract: PTB-XL {args.fs} Hz, {r['distinct_records']} distinct records, "
        f"MIMIC-layout tree of {args.synthetic} (built in {r['build_s']:.1f} s)"
    )
    print(f"{'feature sets':<32}{'records':>8}{'CPU s':>9}{'rec/CPU s':>11}{'800k CPU h':>12}")
    for s in r["per_set"] + [dict(big, features="+".join(TARGET) + f" (all {args.synthetic})")]:
        print(
            f"{s['features']:<32}{s['records']:>8}{s['cpu_s']:>9.2f}"
            f"{s['records_per_cpu_s']:>11.1f}{s['projected_cpu_h_800k']:>12.2f}"
        )
    rate = big["records_per_cpu_s"]
    met = "met" if rate >= TARGET_RATE else "missed"
    print(f"target {'+'.join(TARGET)}: >= {TARGET_RATE:g} rec/CPU s ({met}: {rate:.1f})")
    if nk is not None:
        c = nk["cpu_s_per_record"]
        print(
            f"NeuroKit2 {nk['version']} ecg_process + hrv + cov on {nk['records']} records: "
            f"{c:.3f} CPU s/record ({N_PROJECT * c / 3600:.0f} CPU h for 800k); "
            f"geoecg {x:.0f}x (target 150x: {'met' if x >= 150 else 'missed'})"
        )
    print(
        f"peak memory: {args.n_jobs} joblib workers, chunk {args.chunk_size}: "
        f"{r['worker_max_rss_mb']:.0f} MB per worker (target <= 1024); "
        f"this process {r['process_max_rss_mb']:.0f} MB"
    )
    if (b := r["big_tree"]) is not None:
        print(
            f"tree of {b['records']}: listing {b['list_s']:.2f} s; {b['sampled']} records over "
            f"it {b['records_per_cpu_s']:.1f} rec/CPU s (manifest included)"
        )
    if args.json:
        env = os.environ
        r["versions"] = package_versions(
            "neurokit2",
            "pyarrow",
            "numba",
            omp_num_threads=env.get("OMP_NUM_THREADS"),
            numba_num_threads=env.get("NUMBA_NUM_THREADS"),
        )
        Path(args.json).write_text(json.dumps(r, indent=1))
    return 0
