"""Cohort extraction throughput: records per CPU second per feature set, beside NeuroKit2.

Records: the PTB-XL records present at ``--fs`` Hz under ``--data``/ptbxl (12 leads, 10 s),
read by :func:`geoecg.cohort.extract_features` from a MIMIC-IV-ECG-layout tree
(:func:`geoecg.cohort.layout.mimic_layout_from_ptbxl`) of ``--synthetic`` records that
cycles through them. Each feature set (and the target combination rpeaks + hrv + sqi +
covariance) runs in this process (joblib backend, ``n_jobs=1``) after a warm-up; the
figure is records / CPU seconds of the chunk work (reading, features, Parquet writing), so
it is a per-core throughput even on a shared machine. The projection to 800,000 records is
``800000 / rate`` CPU seconds. Peak memory per worker: a ``--n-jobs`` joblib run of the
target combination reports the largest resident set of its worker processes.

NeuroKit2 (same run, ``--nk-sample`` records of the same list): ``nk.ecg_process`` on lead
II (cleaning, R-peaks, rate, quality, delineation), ``nk.hrv`` on its R-peaks, and
``numpy.cov`` of the 12 leads, timed with ``time.process_time``; the ratio is per record.
geoecg does more in one respect (R-peaks from all 12 leads), NeuroKit2 in another
(``ecg_process`` also delineates P/T waves).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from ..cohort._chunk import peak_rss_mb
from ._versions import package_versions

TARGET = ("rpeaks", "hrv", "sqi", "covariance")
SETS = ("rpeaks", "hrv", "sqi", "noise", "af", "morphology", "covariance", "tangent")
N_PROJECT = 800_000
TARGET_RATE = 110.0  # records per CPU second (<= 2 CPU-hours for 800,000 records)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder holding ptbxl/ (default $GEOECG_DATA)")
    p.add_argument("--fs", type=int, default=500, choices=(100, 500), help="PTB-XL release")
    p.add_argument("--synthetic", type=int, default=2000,
                   help="records in the MIMIC-layout tree (cycling the PTB-XL records)")
    p.add_argument("--per-set", type=int, default=300, help="records timed per feature set")
    p.add_argument("--n-jobs", type=int, default=2, help="workers of the memory run")
    p.add_argument("--nk-sample", type=int, default=20, help="records timed with NeuroKit2")
    p.add_argument("--chunk-size", type=int, default=256)
    p.add_argument("--big-tree", type=int, default=0,
                   help="also build a tree of this many records (e.g. 100000) and time the "
                   "listing, planning and manifest overhead with --per-set records spread "
                   "over it")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _ptbxl(data) -> Path:
    base = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    return base / "ptbxl"


def _time_set(tree, feats, out, n, chunk_size, fs) -> dict:
    from ..cohort import extract_features

    res = extract_features(tree, list(feats), out=out, fs=fs, limit=n,
                           chunk_size=chunk_size, progress=False)
    return {
        "features": "+".join(feats),
        "records": res.n_records_computed,
        "errors": res.n_errors_computed,
        "cpu_s": res.cpu_s,
        "wall_s": res.wall_s,
        "records_per_cpu_s": res.records_per_cpu_s,
        "projected_cpu_h_800k": N_PROJECT / res.records_per_cpu_s / 3600.0,
    }


def _neurokit(paths, fs) -> dict:
    import neurokit2 as nk

    from ..io.fast import read_signal

    cpu = []
    for p in paths:
        x = read_signal(p).signal
        t0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _, info = nk.ecg_process(x[1], sampling_rate=fs)
                nk.hrv(info["ECG_R_Peaks"], sampling_rate=fs)
            except Exception:  # noqa: BLE001 - a failing record still costs its time
                pass
            np.cov(x)
        cpu.append(time.process_time() - t0)
    return {"records": len(cpu), "cpu_s_per_record": float(np.mean(cpu)),
            "version": nk.__version__}


def _big_tree(ptb_root, tmp, args) -> dict:
    from ..cohort import extract_features, open_source
    from ..cohort.layout import mimic_layout_from_ptbxl

    root = tmp / "big_tree"
    t0 = time.perf_counter()
    mimic_layout_from_ptbxl(ptb_root, root, args.big_tree, fs=args.fs)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    refs = open_source(root).refs()
    list_s = time.perf_counter() - t0
    step = max(1, len(refs) // args.per_set)
    ids = [r.record_id for r in refs[::step]][: args.per_set]
    res = extract_features(root, list(TARGET), out=tmp / "big_out", fs=args.fs, records=ids,
                           chunk_size=args.chunk_size, progress=False)
    return {
        "records": len(refs),
        "build_s": build_s,
        "list_s": list_s,
        "sampled": res.n_records_computed,
        "records_per_cpu_s": res.records_per_cpu_s,
        "wall_s": res.wall_s,
    }


def run(args: argparse.Namespace) -> int:
    if args.nk_sample > 0:
        from .._optional import require

        require("neurokit2", purpose="geoecg bench extract (--nk-sample > 0; 0 skips NeuroKit2)")
    from ..cohort.layout import mimic_layout_from_ptbxl
    from ..io.ptbxl import PTBXL

    ptb = PTBXL(_ptbxl(args.data))
    n_avail = len(ptb.available(args.fs))
    rows = []
    with tempfile.TemporaryDirectory(prefix="geoecg-bench-extract-") as tmp:
        tmp = Path(tmp)
        tree = tmp / "tree"
        t0 = time.perf_counter()
        lst = mimic_layout_from_ptbxl(ptb.root, tree, args.synthetic, fs=args.fs)
        build_s = time.perf_counter() - t0
        # warm-up: load every kernel (numba cache) before timing
        _time_set(tree, SETS, tmp / "warm", 8, args.chunk_size, args.fs)
        for k, fset in enumerate([(s,) for s in SETS] + [TARGET]):
            rows.append(_time_set(tree, fset, tmp / f"set{k}", args.per_set,
                                  args.chunk_size, args.fs))
        big = _time_set(tree, TARGET, tmp / "big", args.synthetic, args.chunk_size, args.fs)
        own_rss = peak_rss_mb()
        from ..cohort import extract_features

        par = extract_features(tree, list(TARGET), out=tmp / "par", fs=args.fs,
                               limit=min(args.synthetic, 4 * args.chunk_size * args.n_jobs),
                               n_jobs=args.n_jobs, chunk_size=args.chunk_size, progress=False)
        scale = _big_tree(ptb.root, tmp, args) if args.big_tree > 0 else None
        paths = [str(tree / p) for p in lst["path"].iloc[: args.nk_sample]]
        nk = _neurokit(paths, float(args.fs)) if args.nk_sample > 0 else None
    print(f"geoecg bench extract: PTB-XL {args.fs} Hz, {n_avail} distinct records, "
          f"MIMIC-layout tree of {args.synthetic} (built in {build_s:.1f} s)")
    print(f"{'feature sets':<32}{'records':>8}{'CPU s':>9}{'rec/CPU s':>11}"
          f"{'800k CPU h':>12}")
    for r in rows + [dict(big, features="+".join(TARGET) + f" (all {args.synthetic})")]:
        print(f"{r['features']:<32}{r['records']:>8}{r['cpu_s']:>9.2f}"
              f"{r['records_per_cpu_s']:>11.1f}{r['projected_cpu_h_800k']:>12.2f}")
    print(f"target {'+'.join(TARGET)}: >= {TARGET_RATE:g} rec/CPU s "
          f"({'met' if big['records_per_cpu_s'] >= TARGET_RATE else 'missed'}: "
          f"{big['records_per_cpu_s']:.1f})")
    speedup = None
    if nk is not None:
        speedup = nk["cpu_s_per_record"] * big["records_per_cpu_s"]
        print(f"NeuroKit2 {nk['version']} ecg_process + hrv + cov on {nk['records']} records: "
              f"{nk['cpu_s_per_record']:.3f} CPU s/record ({1 / nk['cpu_s_per_record']:.2f} "
              f"rec/CPU s, {N_PROJECT * nk['cpu_s_per_record'] / 3600:.0f} CPU h for 800k); "
              f"geoecg {speedup:.0f}x (target 150x: {'met' if speedup >= 150 else 'missed'})")
    print(f"peak memory: {args.n_jobs} joblib workers, chunk {args.chunk_size}: "
          f"{par.max_rss_mb:.0f} MB per worker (target <= 1024); this process {own_rss:.0f} MB")
    if scale is not None:
        print(f"tree of {scale['records']} records: built in {scale['build_s']:.0f} s; listing "
              f"{scale['list_s']:.2f} s; {scale['sampled']} records spread over it: "
              f"{scale['records_per_cpu_s']:.1f} rec/CPU s ({scale['wall_s']:.1f} s wall "
              "including the listing and the manifest)")
    if args.json:
        out = {
            "big_tree": scale,
            "fs": args.fs,
            "distinct_records": n_avail,
            "synthetic": args.synthetic,
            "chunk_size": args.chunk_size,
            "per_set": rows,
            "full_tree": big,
            "neurokit2": nk,
            "speedup_vs_neurokit2": speedup,
            "worker_max_rss_mb": par.max_rss_mb,
            "process_max_rss_mb": own_rss,
            "versions": package_versions(
                "neurokit2", "pyarrow", "numba",
                omp_num_threads=os.environ.get("OMP_NUM_THREADS"),
                numba_num_threads=os.environ.get("NUMBA_NUM_THREADS"),
            ),
        }
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0
