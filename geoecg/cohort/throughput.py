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

__all__ = ["N_PROJECT", "neurokit2_cpu_per_record", "scale_check", "time_feature_sets"]

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
