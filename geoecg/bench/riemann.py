"""Riemann throughput: OAS covariance + tangent space of synthetic 12-lead records vs pyRiemann.

Streamed in chunks (:func:`geoecg.riemann._throughput.riemann_benchmark`); pyRiemann on the first
``--peer-n`` records, same reference and class means. One thread (BLAS too; CPU time of the
thread, medians over chunks); geoecg with all threads in wall time; floors and peak memory in the
same run. Documented: ``--n 3000 --chunk 500 --peers --peer-n 3000``, idle (docs/benchmarks)."""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import platform

from .._versions import package_versions
from ..commands.bench_io import write_json


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=int, default=100_000, help="records (default 100000)")
    p.add_argument("--chunk", type=int, default=1000, help="records per chunk (default 1000)")
    p.add_argument("--peers", action="store_true", help="also time pyRiemann side by side")
    p.add_argument("--peer-n", type=int, default=3000, help="records timed with pyRiemann (3000)")
    p.add_argument("--fs", type=float, default=500.0, help="sampling frequency, Hz")
    p.add_argument("--seconds", type=float, default=10.0, help="record length, s")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def run(args) -> int:
    from threadpoolctl import threadpool_limits

    from ..riemann._throughput import format_riemann_report, riemann_benchmark, small_run_note

    with threadpool_limits(limits=1):
        res = riemann_benchmark(args.n, args.chunk, peers=args.peers, peer_n=args.peer_n,
                                fs=args.fs, seconds=args.seconds)  # fmt: skip
    res["versions"] = package_versions(
        "numba", "scipy", "scikit-learn", "pyriemann", machine=platform.machine()
    )
    print(format_riemann_report(res) + small_run_note(args.n, args.peer_n if args.peers else None))
    print("versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()))
    write_json(args.json, res)
    return 0
