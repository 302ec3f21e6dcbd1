"""Cohort extraction throughput: records per CPU second per feature set, beside NeuroKit2.

The protocol is :func:`geoecg.cohort.throughput.extraction_benchmark`: PTB-XL records at
``--fs`` Hz cycled into a MIMIC-IV-ECG-layout tree of ``--synthetic`` records, each feature
set and the target rpeaks + hrv + sqi + covariance timed in this process (reading and
Parquet writing included), geoecg and NeuroKit2 on the same feature work side by side on
``--nk-sample`` of the records (reading excluded on both sides), the peak memory of a
``--n-jobs`` joblib run; ``--json`` rewritten per stage (``--resume`` reads the stages of an
unfinished run instead of timing them again). Definitions: docs/benchmarks/cohort.md.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import os

from .._optional import require
from ..cohort.throughput import extraction_benchmark, format_report
from ..commands.bench_io import JsonSink, add_common, data_dir

TARGET = ("rpeaks", "hrv", "sqi", "covariance")


def add_arguments(p: argparse.ArgumentParser) -> None:
    data = "PTB-XL folder or a folder holding ptbxl/ (default $GEOECG_DATA)"
    add_common(p, data=data, resume=True)
    p.add_argument("--fs", type=int, default=500, choices=(100, 500), help="PTB-XL release")
    p.add_argument("--synthetic", type=int, default=2000, help="records in the MIMIC tree")
    p.add_argument("--per-set", type=int, default=300, help="records timed per feature set")
    p.add_argument("--n-jobs", type=int, default=2, help="workers of the memory run")
    p.add_argument("--nk-sample", type=int, default=20, help="records timed with NeuroKit2")
    p.add_argument("--chunk-size", type=int, default=256, help="records per chunk (256)")
    p.add_argument("--big-tree", type=int, default=0, help="also time a tree of this size")


def run(args: argparse.Namespace) -> int:
    if args.nk_sample > 0:
        require("neurokit2", purpose="geoecg bench extract (--nk-sample > 0; 0 skips NeuroKit2)")
    threads = {k.lower(): os.environ.get(k) for k in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")}
    sink = JsonSink(args.json, "neurokit2", "pyarrow", "numba", "scikit-learn", run=args, **threads)
    with sink:  # --resume: the stages the unfinished --json holds are read, not timed again
        keys = ("fs", "synthetic", "per_set", "n_jobs", "nk_sample", "chunk_size", "big_tree")
        root = data_dir(args.data, "ptbxl", marker="ptbxl_database.csv")
        kw = {k: getattr(args, k) for k in keys}
        r = extraction_benchmark(root, **kw, target=TARGET, sink=sink)
        print(format_report(r))
    return 0
