"""Riemann: OAS covariance + tangent space vs pyRiemann, streamed in chunks (synthetic 12-lead
records, ``geoecg.riemann._throughput``); pyRiemann on the first ``--peer-n`` records with the
same reference and class means. One thread (BLAS limited to one; CPU time of the calling
thread, medians over chunks, robust on a shared machine); geoecg with all threads in wall
time; the floors (batched eigh, memory copy) and peak memory measured in the same run."""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from ._versions import package_versions


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=int, default=100_000, help="records (default 100000)")
    p.add_argument("--chunk", type=int, default=1000, help="records per chunk (default 1000)")
    p.add_argument("--peers", action="store_true", help="also time pyRiemann side by side")
    p.add_argument("--peer-n", type=int, default=3000, help="records timed with pyRiemann")
    p.add_argument("--fs", type=float, default=500.0, help="sampling frequency, Hz")
    p.add_argument("--seconds", type=float, default=10.0, help="record length, s")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def run(args) -> int:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _run(args)


def _run(args) -> int:
    from pyriemann.estimation import Covariances
    from pyriemann.geometry.tangentspace import tangent_space
    from pyriemann.tangentspace import TangentSpace

    from ..riemann import ClassMeanTangentSpace, lead_covariances, tangent_vectors
    from ..riemann import _throughput as tp

    if args.n < 1 or args.chunk < 1:
        raise ValueError(f"--n and --chunk must be >= 1, got {args.n}, {args.chunk}")
    ns, rng = int(round(args.fs * args.seconds)), np.random.default_rng(0)
    bank = tp.synthetic_bank(ns, args.fs, rng)
    X0, y0 = tp.synthetic_chunk(bank, min(args.chunk, 200), rng)  # untimed: compile, fit
    C0 = lead_covariances(X0).covariances
    ts = TangentSpace(metric="riemann").fit(C0)  # its reference serves both sides
    ref, cm = ts.reference_, ClassMeanTangentSpace().fit(C0, y0)
    cm.transform(C0)  # load the compiled kernels before the timings
    steps = {
        "cov": lambda X: lead_covariances(X).covariances,
        "cmts": cm.transform,
        "ts": lambda C: tangent_vectors(C, ref),
        "p_cov": Covariances("oas").transform,
        "p_ts": ts.transform,
        "p_cmts": lambda C: np.hstack([tangent_space(C, M) for M in cm.means_]),
    }
    t, n_done, diff, wall_all = {k: [] for k in steps}, 0, 0.0, []
    while n_done < args.n:
        m = min(args.chunk, args.n - n_done)
        X = tp.synthetic_chunk(bank, m, rng)[0]
        peer = args.peers and n_done < args.peer_n
        out, cpu = tp.timed_steps(steps, X, [k for k in steps if peer or "p_" not in k])
        for k, v in cpu.items():
            t[k].append(v)
        if peer:
            diff = max(diff, *(float(np.abs(out[k] - out["p_" + k]).max()) for k in ("ts", "cmts")))
            t0 = time.perf_counter()  # all threads, wall time
            tangent_vectors(lead_covariances(X, n_jobs=os.cpu_count()).covariances, ref, n_jobs=-1)
            wall_all.append((time.perf_counter() - t0) / m)
        n_done += m
    k = len(t["p_cov"]) or None  # ratios from the chunks both sides ran
    med = {s: float(np.median(v[:k])) for s, v in t.items() if v}
    floor = {"eigh_s": tp.eigh_floor_s(), "copy_record_s": tp.copy_floor_s(12 * ns * 8)}
    Xm = tp.synthetic_chunk(bank, min(args.chunk, 200), rng)[0]
    peak = tp.peak_memory(lambda X: tangent_vectors(lead_covariances(X).covariances, ref), Xm)
    res = {
        "n_records": n_done,
        "chunk": args.chunk,
        "n_samples": ns,
        "fs_hz": args.fs,
        "cpu_s_per_record": med,
        "floor": floor,
        "peak_memory_over_chunk": peak / Xm.nbytes,
        "pipelines": tp.pipeline_rows(med, floor),
        "max_abs_diff_tangent": diff,
        "all_threads_wall_s_per_record": float(np.median(wall_all)) if wall_all else None,
        "versions": package_versions(
            "numba", "scipy", "scikit-learn", "pyriemann", machine=platform.machine()
        ),
    }
    print(
        f"\n{n_done} synthetic records, 12 x {ns} ({args.fs:g} Hz), chunks of {args.chunk}; "
        "CPU us/record, one thread (medians over the chunks both ran)"
    )
    print(
        f"{'pipeline':28s} {'geoecg':>8s} {'floor':>7s} {'x floor':>8s} {'pyRiemann':>10s} "
        f"{'speed-up':>9s}"
    )
    for name, r in res["pipelines"].items():
        print(
            f"{name:28s} {r['geoecg_s'] * 1e6:8.1f} {r['floor_s'] * 1e6:7.1f} "
            f"{r['x_floor']:8.2f} {r['pyriemann_s'] * 1e6:10.1f} {r['speedup']:8.1f}x"
        )
    print("steps: " + ", ".join(f"{k} {v * 1e6:.1f}" for k, v in med.items()))
    print(
        f"floor: batched 12x12 eigh {floor['eigh_s'] * 1e6:.1f} us/matrix; copy of one "
        f"record {floor['copy_record_s'] * 1e6:.1f} us; peak memory of cov + tangent space "
        f"{res['peak_memory_over_chunk']:.2f}x the input chunk"
    )
    print(
        f"all {os.cpu_count()} threads (wall): {np.median(wall_all) * 1e6:.1f} us/record; "
        f"max |diff| of tangent vectors vs pyRiemann {diff:.1e}"
    ) if wall_all else None
    print("versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))
    return 0
