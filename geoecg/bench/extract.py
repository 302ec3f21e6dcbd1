"""Cohort extraction throughput: records per CPU second per feature set, beside NeuroKit2.

PTB-XL records at ``--fs`` Hz cycled into a MIMIC-IV-ECG-layout tree of ``--synthetic``
records; each feature set and the target rpeaks + hrv + sqi + covariance timed in this
process (:func:`geoecg.cohort.throughput.time_feature_sets`); NeuroKit2 ``ecg_process`` +
``hrv`` + ``numpy.cov`` on ``--nk-sample`` of the same records
(:func:`geoecg.cohort.throughput.neurokit2_cpu_per_record`); peak memory of a
``--n-jobs`` joblib run. Definitions: docs/benchmarks/cohort.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from .._optional import require
from ..cohort import extract_features
from ..cohort._chunk import peak_rss_mb
from ..cohort.layout import mimic_layout_from_ptbxl
from ..cohort.throughput import N_PROJECT, neurokit2_cpu_per_record, scale_check
from ..cohort.throughput import time_feature_sets as _time_set
from ..io.ptbxl import PTBXL
from ._versions import package_versions

TARGET = ("rpeaks", "hrv", "sqi", "covariance")
SETS = ("rpeaks", "hrv", "sqi", "noise", "af", "morphology", "covariance", "tangent")
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
    ptb = PTBXL(Path(args.data or os.environ.get("GEOECG_DATA", "")) / "ptbxl")
    n_avail = len(ptb.available(args.fs))
    with tempfile.TemporaryDirectory(prefix="geoecg-bench-extract-") as tmp:
        tmp, tree = Path(tmp), Path(tmp) / "tree"
        t0 = time.perf_counter()
        lst = mimic_layout_from_ptbxl(ptb.root, tree, args.synthetic, fs=args.fs)
        build_s = time.perf_counter() - t0
        # warm-up: load every kernel (numba cache) before timing
        _time_set(tree, SETS, tmp / "warm", 8, args.chunk_size, args.fs)
        rows = [_time_set(tree, fset, tmp / f"set{k}", args.per_set, args.chunk_size, args.fs)
                for k, fset in enumerate([(s,) for s in SETS] + [TARGET])]
        big = _time_set(tree, TARGET, tmp / "big", args.synthetic, args.chunk_size, args.fs)
        own_rss = peak_rss_mb()
        par = extract_features(tree, list(TARGET), out=tmp / "par", fs=args.fs,
                               limit=min(args.synthetic, 4 * args.chunk_size * args.n_jobs),
                               n_jobs=args.n_jobs, chunk_size=args.chunk_size, progress=False)
        scale = scale_check(ptb.root, tmp, args.big_tree, args.per_set, TARGET, args.chunk_size,
                            args.fs) if args.big_tree > 0 else None
        paths = [str(tree / p) for p in lst["path"].iloc[: args.nk_sample]]
        nk = neurokit2_cpu_per_record(paths, float(args.fs)) if args.nk_sample > 0 else None
    print(f"geoecg bench extract: PTB-XL {args.fs} Hz, {n_avail} distinct records, "
          f"MIMIC-layout tree of {args.synthetic} (built in {build_s:.1f} s)")
    print(f"{'feature sets':<32}{'records':>8}{'CPU s':>9}{'rec/CPU s':>11}{'800k CPU h':>12}")
    for r in rows + [dict(big, features="+".join(TARGET) + f" (all {args.synthetic})")]:
        print(f"{r['features']:<32}{r['records']:>8}{r['cpu_s']:>9.2f}"
              f"{r['records_per_cpu_s']:>11.1f}{r['projected_cpu_h_800k']:>12.2f}")
    print(f"target {'+'.join(TARGET)}: >= {TARGET_RATE:g} rec/CPU s "
          f"({'met' if big['records_per_cpu_s'] >= TARGET_RATE else 'missed'}: "
          f"{big['records_per_cpu_s']:.1f})")
    speedup = nk["cpu_s_per_record"] * big["records_per_cpu_s"] if nk else None
    if nk is not None:
        print(f"NeuroKit2 {nk['version']} ecg_process + hrv + cov on {nk['records']} records: "
              f"{nk['cpu_s_per_record']:.3f} CPU s/record ({1 / nk['cpu_s_per_record']:.2f} "
              f"rec/CPU s, {N_PROJECT * nk['cpu_s_per_record'] / 3600:.0f} CPU h for 800k); "
              f"geoecg {speedup:.0f}x (target 150x: {'met' if speedup >= 150 else 'missed'})")
    print(f"peak memory: {args.n_jobs} joblib workers, chunk {args.chunk_size}: "
          f"{par.max_rss_mb:.0f} MB per worker (target <= 1024); this process {own_rss:.0f} MB")
    if scale is not None:
        print(f"tree of {scale['records']}: listing {scale['list_s']:.2f} s; {scale['sampled']} "
              f"records over it {scale['records_per_cpu_s']:.1f} rec/CPU s (manifest included)")
    if args.json:
        out = {"big_tree": scale, "fs": args.fs, "distinct_records": n_avail,
               "synthetic": args.synthetic, "chunk_size": args.chunk_size, "per_set": rows,
               "full_tree": big, "neurokit2": nk, "speedup_vs_neurokit2": speedup,
               "worker_max_rss_mb": par.max_rss_mb, "process_max_rss_mb": own_rss,
               "versions": package_versions(
                   "neurokit2", "pyarrow", "numba",
                   omp_num_threads=os.environ.get("OMP_NUM_THREADS"),
                   numba_num_threads=os.environ.get("NUMBA_NUM_THREADS"))}
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0
