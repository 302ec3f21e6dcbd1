"""Extract cohort features: a whole database to a resumable Parquet feature table.

Examples::

    geoecg extract /data/ptb-xl --features rpeaks,hrv,sqi,covariance --out ptbxl_features
    geoecg extract mimic-iv-ecg:/data/mimic-iv-ecg --out mimic --backend dask --n-jobs 8
    geoecg extract /data/mimic-iv-ecg --out mimic --backend dask --scheduler tcp://host:8786

Run the same command again after an interruption: finished chunks are kept and only the
missing ones are computed; on a finished run it does nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .bench_io import dump_json

__all__ = ["add_arguments", "run"]

#: geoecg.cohort's names, spelled out so that ``geoecg extract --help`` imports no numerical
#: code (3.6 s of imports); tests/test_cli_texts.py checks them against geoecg.cohort
DEFAULT_FEATURES = ("rpeaks", "hrv", "sqi", "covariance")
FEATURE_SETS = ("rpeaks", "hrv", "sqi", "noise", "af", "morphology", "covariance", "tangent",
                "delineation")  # fmt: skip
SOURCE_KINDS = ("cinc2017", "mimic-iv-ecg", "mitdb", "ptbxl", "wfdb")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the ``geoecg extract`` options to ``p``."""
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument(
        "source",
        help="database folder (kind detected) or KIND:FOLDER, KIND one of "
        + ", ".join(sorted(SOURCE_KINDS)),
    )
    p.add_argument(
        "--features",
        default=",".join(DEFAULT_FEATURES),
        help=f"comma-separated feature sets among {', '.join(FEATURE_SETS)} "
        f"(default {','.join(DEFAULT_FEATURES)})",
    )
    p.add_argument("--out", required=True, help="output folder (Parquet parts + manifest)")
    p.add_argument(
        "--backend", choices=("joblib", "dask"), default="joblib", help="executor (default joblib)"
    )
    p.add_argument("--scheduler", default=None, help="address of a running Dask scheduler")
    p.add_argument("--n-jobs", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--chunk-size", type=int, default=256, help="records per part (256)")
    p.add_argument("--limit", type=int, default=None, help="only the first N records")
    p.add_argument(
        "--records",
        default=None,
        help="only these record ids: comma-separated, or @FILE with one id per line",
    )
    p.add_argument("--lead", default=None, help="lead of the single-lead sets (default II)")
    p.add_argument("--fs", type=float, default=None, help="required sampling rate, Hz")
    p.add_argument(
        "--keep-flat",
        action="store_true",
        help="compute records with a flat lead instead of writing an error row",
    )
    p.add_argument("--dashboard", action="store_true", help="start the Dask dashboard")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", default=None, help="write the run summary to this file")


def _records(arg: str | None):
    if arg is None:
        return None
    if arg.startswith("@"):
        lines = Path(arg[1:]).read_text().splitlines()
        return [ln.strip() for ln in lines if ln.strip()]
    return [r.strip() for r in arg.split(",") if r.strip()]


def run(args: argparse.Namespace) -> int:
    """Run ``geoecg extract``."""
    from ..cohort import extract_features

    lead = args.lead
    if lead is not None and lead.isdigit():
        lead = int(lead)
    res = extract_features(
        args.source,
        args.features,
        out=args.out,
        backend=args.backend,
        n_jobs=args.n_jobs,
        chunk_size=args.chunk_size,
        limit=args.limit,
        records=_records(args.records),
        scheduler=args.scheduler,
        lead=lead,
        fs=args.fs,
        flat="keep" if args.keep_flat else "error",
        progress=False if args.no_progress else None,
        dashboard=args.dashboard,
    )
    summary = {
        "out": str(res.out),
        "n_records": res.n_records,
        "n_parts": res.n_parts,
        "n_parts_computed": res.n_parts_computed,
        "n_records_computed": res.n_records_computed,
        "n_errors_computed": res.n_errors_computed,
        "cpu_s": round(res.cpu_s, 3),
        "wall_s": round(res.wall_s, 3),
        "records_per_cpu_s": round(res.records_per_cpu_s, 2),
        "max_rss_mb": round(res.max_rss_mb, 1),
    }
    if res.n_parts_computed == 0:
        print(f"{res.out}: all {res.n_parts} parts ({res.n_records} records) already done")
    else:
        print(
            f"{res.out}: {res.n_records_computed} records in {res.n_parts_computed} parts "
            f"({res.n_errors_computed} error rows), {res.cpu_s:.1f} CPU s, "
            f"{res.records_per_cpu_s:.1f} records per CPU s, peak worker memory "
            f"{res.max_rss_mb:.0f} MB"
        )
    if args.json:
        dump_json(args.json, summary)
    return 0
