"""Throughput measurements of cohort extraction (used by ``geoecg bench extract``).

Figures are records per CPU second of the chunk work (read + features + Parquet), so they
are per-core rates even on a shared machine; the projection to a cohort of ``n`` records
is ``n / rate`` CPU seconds.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

__all__ = [
    "N_PROJECT",
    "extraction_benchmark",
    "neurokit2_cpu_per_record",
    "scale_check",
    "time_feature_sets",
]

#: Cohort size of the projection (MIMIC-IV-ECG: ~800,000 records).
N_PROJECT = 800_000


def time_feature_sets(tree, features, out, n: int, chunk_size: int, fs: int) -> dict:
    """Extract ``features`` for the first ``n`` records of ``tree`` into ``out`` (one
    process) and return records, errors, CPU and wall seconds, records per CPU second
    and the CPU hours projected to :data:`N_PROJECT` records."""
    from .extract import extract_features

    res = extract_features(
        tree, list(features), out=out, fs=fs, limit=n, chunk_size=chunk_size, progress=False
    )
    return {
        "features": "+".join(features),
        "records": res.n_records_computed,
        "errors": res.n_errors_computed,
        "cpu_s": res.cpu_s,
        "wall_s": res.wall_s,
        "records_per_cpu_s": res.records_per_cpu_s,
        "projected_cpu_h_800k": N_PROJECT / res.records_per_cpu_s / 3600.0,
    }


def neurokit2_cpu_per_record(paths, fs: float) -> dict:
    """NeuroKit2 on the same feature work, CPU seconds per record: ``nk.ecg_process`` on
    lead II (index 1), ``nk.hrv`` on its R-peaks, and ``numpy.cov`` of the leads. Reading
    (:func:`geoecg.io.read_signal`) is outside the timer; a record that fails still
    counts its time."""
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
    return {"records": len(cpu), "cpu_s_per_record": float(np.mean(cpu)), "version": nk.__version__}


def scale_check(
    ptbxl_root, tmp, n_tree: int, n_sample: int, features, chunk_size: int, fs: int
) -> dict:
    """Build a MIMIC-layout tree of ``n_tree`` records, time its listing, and extract
    ``n_sample`` records spread over it (listing, planning and manifest included)."""
    from .extract import extract_features
    from .layout import mimic_layout_from_ptbxl
    from .sources import open_source

    tmp = Path(tmp)
    root = tmp / "big_tree"
    t0 = time.perf_counter()
    mimic_layout_from_ptbxl(ptbxl_root, root, n_tree, fs=fs)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    refs = open_source(root).refs()
    list_s = time.perf_counter() - t0
    ids = [r.record_id for r in refs[:: max(1, len(refs) // n_sample)]][:n_sample]
    res = extract_features(
        root,
        list(features),
        out=tmp / "big_out",
        fs=fs,
        records=ids,
        chunk_size=chunk_size,
        progress=False,
    )
    return {
        "records": len(refs),
        "build_s": build_s,
        "list_s": list_s,
        "sampled": res.n_records_computed,
        "records_per_cpu_s": res.records_per_cpu_s,
        "wall_s": res.wall_s,
    }


def extraction_benchmark(
    ptbxl_root,
    *,
    fs: int = 500,
    synthetic: int = 2000,
    per_set: int = 300,
    n_jobs: int = 2,
    nk_sample: int = 20,
    chunk_size: int = 256,
    big_tree: int = 0,
    sets=("rpeaks", "hrv", "sqi", "noise", "af", "morphology", "covariance", "tangent"),
    target=("rpeaks", "hrv", "sqi", "covariance"),
) -> dict:
    """The ``geoecg bench extract`` protocol; returns the figures it prints and writes.

    PTB-XL records at ``fs`` cycled into a MIMIC-IV-ECG-layout tree of ``synthetic`` records
    (in a temporary folder); a warm-up; each feature set of ``sets`` and ``target`` on
    ``per_set`` records, ``target`` on the whole tree (:func:`time_feature_sets`); the worker
    peak memory of an ``n_jobs`` joblib run; optionally :func:`scale_check` on a
    ``big_tree``-record tree; NeuroKit2 on ``nk_sample`` of the records
    (:func:`neurokit2_cpu_per_record`, skipped when 0).
    """
    import tempfile

    from ..io.ptbxl import PTBXL
    from ._chunk import peak_rss_mb
    from .extract import extract_features
    from .layout import mimic_layout_from_ptbxl

    ptb = PTBXL(ptbxl_root)
    out: dict = {"fs": fs, "distinct_records": len(ptb.available(fs)), "synthetic": synthetic}
    out["chunk_size"] = chunk_size
    with tempfile.TemporaryDirectory(prefix="geoecg-bench-extract-") as tmp:
        tmp = Path(tmp)
        tree = tmp / "tree"
        t0 = time.perf_counter()
        lst = mimic_layout_from_ptbxl(ptb.root, tree, synthetic, fs=fs)
        out["build_s"] = time.perf_counter() - t0
        time_feature_sets(tree, sets, tmp / "warm", 8, chunk_size, fs)  # load every kernel
        out["per_set"] = [
            time_feature_sets(tree, fset, tmp / f"set{k}", per_set, chunk_size, fs)
            for k, fset in enumerate([(s,) for s in sets] + [tuple(target)])
        ]
        out["full_tree"] = time_feature_sets(tree, target, tmp / "big", synthetic, chunk_size, fs)
        out["process_max_rss_mb"] = peak_rss_mb()
        par = extract_features(
            tree,
            list(target),
            out=tmp / "par",
            fs=fs,
            limit=min(synthetic, 4 * chunk_size * n_jobs),
            n_jobs=n_jobs,
            chunk_size=chunk_size,
            progress=False,
        )
        out["worker_max_rss_mb"] = par.max_rss_mb
        out["big_tree"] = (
            scale_check(ptb.root, tmp, big_tree, per_set, target, chunk_size, fs)
            if big_tree > 0
            else None
        )
        paths = [str(tree / p) for p in lst["path"].iloc[:nk_sample]]
        nk = neurokit2_cpu_per_record(paths, float(fs)) if nk_sample > 0 else None
    out["neurokit2"] = nk
    rate = out["full_tree"]["records_per_cpu_s"]
    out["speedup_vs_neurokit2"] = nk["cpu_s_per_record"] * rate if nk else None
    return out
