"""Riemann: lead covariance + tangent space throughput against pyRiemann, streamed in chunks.

Data: synthetic 12-lead 10-s records at 500 Hz (5,000 samples), made chunk by chunk from a
bank of 64 ECG-like 12-lead bases (sums of harmonics of a 1.1 Hz beat with random phases per
lead plus a fixed noise realisation) mixed by a random 12 x 12 matrix per record, so that no
two records are alike and the whole cohort is never in memory.

geoecg: ``lead_covariances(estimator="oas")`` (numba) then pyRiemann's
``tangent_space`` at the Riemannian mean of an untimed warm-up chunk. Peer (``--peers``): pyRiemann
``Covariances("oas").transform`` then ``TangentSpace(metric="riemann").transform`` with the
same reference. Both run on the same chunks, alternating; the peer only on the first
``--peer-n`` records (about 1 ms per record), so the ratio is the ratio of the two
median times per record over the chunks both ran. Peak resident memory is reported to show
that memory is bounded by ``--chunk``, not by ``--n``.

Both sides run single-threaded: BLAS/LAPACK pools are limited to one thread for the whole
run (``threadpoolctl``). Otherwise the BLAS threads that made a chunk keep spinning for a
while afterwards and, on a 2-vCPU machine whose vCPUs share a core, halve the speed of
whichever method is timed first.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
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


def _bank(n_samples: int, fs: float, rng) -> np.ndarray:
    t = np.arange(n_samples) / fs
    bank = np.zeros((64, 12, n_samples))
    for b in range(64):
        for h in range(1, 12):
            amp = rng.uniform(0.05, 1.0, 12) / h
            ph = rng.uniform(0, 2 * np.pi, 12)
            bank[b] += amp[:, None] * np.sin(2 * np.pi * 1.1 * h * t[None] + ph[:, None])
        bank[b] += 0.05 * rng.standard_normal((12, n_samples))
    return bank


def _chunk(bank, n: int, rng) -> np.ndarray:
    pick = rng.integers(0, bank.shape[0], n)
    A = np.eye(12) + 0.3 * rng.standard_normal((n, 12, 12))
    return np.matmul(A, bank[pick])


def _versions(peers: bool) -> dict:
    return package_versions(
        "numba", "scipy", "scikit-learn", "pyriemann", machine=platform.machine()
    )


def _peak_rss_mb() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / 1024 if sys.platform != "darwin" else r / 1024**2


def run(args) -> int:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _run(args)


def _run(args) -> int:
    from pyriemann.estimation import Covariances
    from pyriemann.geometry.mean import gmean
    from pyriemann.geometry.tangentspace import tangent_space
    from pyriemann.tangentspace import TangentSpace
    from tqdm import tqdm

    from ..riemann import lead_covariances

    if args.n < 1 or args.chunk < 1:
        raise ValueError(f"--n and --chunk must be >= 1, got {args.n}, {args.chunk}")
    n_samples = int(round(args.fs * args.seconds))
    rng = np.random.default_rng(0)
    bank = _bank(n_samples, args.fs, rng)
    # compile (or load the cache) and fix the tangent-space reference outside the timing:
    # the Riemannian mean of a first, untimed chunk, shared by both libraries
    ref = gmean(lead_covariances(_chunk(bank, min(args.chunk, 200), rng)).covariances)

    ts_peer = None
    ours_s, peer_s, ours_cov_s, peer_cov_s = [], [], [], []
    n_done = n_peer = 0
    checksum = 0.0
    max_abs_diff = 0.0
    n_chunks = -(-args.n // args.chunk)
    for _ in tqdm(range(n_chunks), desc="bench riemann", unit="chunk", file=sys.stderr):
        m = min(args.chunk, args.n - n_done)
        X = _chunk(bank, m, rng)
        t0 = time.perf_counter()
        C = lead_covariances(X, estimator="oas").covariances
        t1 = time.perf_counter()
        T = tangent_space(C, ref, metric="riemann")
        t2 = time.perf_counter()
        ours_s.append((t2 - t0) / m)
        ours_cov_s.append((t1 - t0) / m)
        checksum += float(T[:, 0].sum())
        if args.peers and n_peer < args.peer_n:
            t0 = time.perf_counter()
            Cp = Covariances("oas").transform(X)
            t1 = time.perf_counter()
            if ts_peer is None:
                ts_peer = TangentSpace(metric="riemann").fit(Cp[:2])
                ts_peer.reference_ = ref  # same reference point as ours
            Tp = ts_peer.transform(Cp)
            t2 = time.perf_counter()
            peer_s.append((t2 - t0) / m)
            peer_cov_s.append((t1 - t0) / m)
            max_abs_diff = max(max_abs_diff, float(np.abs(Tp - T).max()))
            n_peer += m
        n_done += m

    res: dict = {
        "n_records": n_done,
        "chunk": args.chunk,
        "n_leads": 12,
        "n_samples": n_samples,
        "fs_hz": args.fs,
        "geoecg": {
            "median_s_per_record": float(np.median(ours_s)),
            "median_cov_s_per_record": float(np.median(ours_cov_s)),
            "records_per_s": float(1 / np.median(ours_s)),
            "total_s": float(np.sum(ours_s) * args.chunk),
        },
        "peak_rss_mb": _peak_rss_mb(),
        "versions": _versions(args.peers),
    }
    rows = [("geoecg oas + tangent space", np.median(ours_s), np.median(ours_cov_s))]
    if args.peers and peer_s:
        k = len(peer_s)
        ratio = float(np.median(peer_s) / np.median(ours_s[:k]))
        res["pyriemann"] = {
            "n_records": n_peer,
            "median_s_per_record": float(np.median(peer_s)),
            "median_cov_s_per_record": float(np.median(peer_cov_s)),
            "records_per_s": float(1 / np.median(peer_s)),
        }
        res["speedup_vs_pyriemann"] = ratio
        res["speedup_cov_only"] = float(np.median(peer_cov_s) / np.median(ours_cov_s[:k]))
        res["max_abs_diff_tangent"] = max_abs_diff
        rows.append(("pyRiemann Covariances(oas) + TangentSpace", np.median(peer_s),
                     np.median(peer_cov_s)))
    print(f"\n{n_done} synthetic records, 12 leads x {n_samples} samples ({args.fs:g} Hz), "
          f"chunks of {args.chunk}")
    print(f"{'method':44s} {'us/record':>10s} {'cov us/rec':>11s} {'records/s':>10s}")
    for name, s, c in rows:
        print(f"{name:44s} {s * 1e6:10.1f} {c * 1e6:11.1f} {1 / s:10.0f}")
    if "speedup_vs_pyriemann" in res:
        print(f"speed-up (median per record, same chunks): {res['speedup_vs_pyriemann']:.1f}x "
              f"(covariance alone {res['speedup_cov_only']:.1f}x); max |diff| of tangent "
              f"vectors {res['max_abs_diff_tangent']:.2e}")
    print(f"peak resident memory {res['peak_rss_mb']:.0f} MB "
          f"(one chunk of signals: {args.chunk * 12 * n_samples * 8 / 2**20:.0f} MB)")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2))
        print(f"written {args.json}")
    return 0
