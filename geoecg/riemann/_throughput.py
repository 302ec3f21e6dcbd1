"""Pieces of ``geoecg bench riemann``: synthetic 12-lead chunks, the machine's floors (batched
``eigh`` rate, memory-bandwidth copy) and the peak memory of a call, measured in-process.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

__all__ = [
    "synthetic_bank",
    "synthetic_chunk",
    "eigh_floor_s",
    "copy_floor_s",
    "peak_memory",
    "timed_steps",
    "pipeline_rows",
]

#: ECG-like bases in the bank, harmonics per basis, beat frequency (Hz), noise level (mV).
N_BASES, N_HARMONICS, BEAT_HZ, NOISE_MV = 64, 11, 1.1, 0.05


def synthetic_bank(n_samples: int, fs: float, rng, n_leads: int = 12) -> np.ndarray:
    """``N_BASES`` ECG-like records (n_leads, n_samples): sums of harmonics of a 1.1 Hz beat
    with random amplitudes (mV) and phases per lead, plus a fixed white-noise realisation."""
    t = np.arange(n_samples) / fs
    bank = np.zeros((N_BASES, n_leads, n_samples))
    for b in range(N_BASES):
        for h in range(1, N_HARMONICS + 1):
            amp = rng.uniform(0.05, 1.0, n_leads) / h
            ph = rng.uniform(0, 2 * np.pi, n_leads)
            bank[b] += amp[:, None] * np.sin(2 * np.pi * BEAT_HZ * h * t[None] + ph[:, None])
        bank[b] += NOISE_MV * rng.standard_normal((n_leads, n_samples))
    return bank


def synthetic_chunk(bank: np.ndarray, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """``n`` records: a random basis of the bank mixed by ``I + 0.3 N(0, 1)`` per record (so
    no two records are alike), and a label (the basis index's parity)."""
    c = bank.shape[1]
    pick = rng.integers(0, bank.shape[0], n)
    A = np.eye(c) + 0.3 * rng.standard_normal((n, c, c))
    return np.matmul(A, bank[pick]), pick % 2


def eigh_floor_s(n: int = 12, n_matrices: int = 1000, repeats: int = 5) -> float:
    """Median CPU seconds per matrix of ``numpy.linalg.eigh`` on a stack of SPD (n, n)
    matrices (batched LAPACK ``syevd``): one eigendecomposition per tangent vector."""
    A = np.random.default_rng(0).standard_normal((n_matrices, n, 4 * n))
    C = A @ A.transpose(0, 2, 1)
    out = []
    for _ in range(repeats):
        t0 = time.thread_time()
        np.linalg.eigh(C)
        out.append((time.thread_time() - t0) / n_matrices)
    return float(np.median(out))


def copy_floor_s(nbytes: int, total: int = 2**28, repeats: int = 5) -> float:
    """Median CPU seconds to copy ``nbytes`` at the memory bandwidth of one thread, from a
    ``np.copyto`` of ``total`` bytes between two preallocated (already touched) arrays."""
    src = np.ones(total // 8)
    dst = np.zeros_like(src)
    out = []
    for _ in range(repeats):
        t0 = time.thread_time()
        np.copyto(dst, src)
        out.append((time.thread_time() - t0) * nbytes / total)
    return float(np.median(out))


def peak_memory(fn, *args) -> int:
    """Peak bytes allocated through NumPy/Python while ``fn(*args)`` runs (``tracemalloc``).

    Scratch memory of numba kernels is not traced; the covariance and SPD kernels allocate
    at most one record's signal (n_leads x n_samples) and a few (n, n) matrices per call.
    """
    tracemalloc.start()
    try:
        fn(*args)
        return int(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()


def timed_steps(steps: dict, X: np.ndarray, names) -> tuple[dict, dict]:
    """Run ``steps[name]`` in order on a chunk of signals ``X``: a name ending in ``cov`` takes
    ``X``, any other the output of ``"cov"`` (``"p_cov"`` for a name starting with ``p_``).
    Returns the outputs and the CPU seconds of the calling thread per record of each step."""
    out, cpu = {}, {}
    for k in names:
        arg = X if k.endswith("cov") else out["p_cov" if k.startswith("p_") else "cov"]
        t0 = time.thread_time()
        out[k] = steps[k](arg)
        cpu[k] = (time.thread_time() - t0) / len(X)
    return out, cpu


def pipeline_rows(med: dict, floor: dict) -> dict:
    """Per pipeline (covariance + one tangent space; + ClassMeanTangentSpace at two means):
    geoecg and pyRiemann seconds per record (sums of the step medians ``med``), the floor
    (one record copied at memory bandwidth + one ``eigh`` per reference) and the ratios."""
    rows = {}
    for name, ks, n_eigh in (
        ("cov + tangent space", ("cov", "ts"), 1),
        ("cov + ClassMeanTangentSpace", ("cov", "cmts"), 2),
    ):
        ours = sum(med[k] for k in ks)
        fl = floor["copy_record_s"] + n_eigh * floor["eigh_s"]
        peer = sum(med.get("p_" + k, np.nan) for k in ks)
        rows[name] = {
            "geoecg_s": ours,
            "floor_s": fl,
            "x_floor": ours / fl,
            "pyriemann_s": peer,
            "speedup": peer / ours,
        }
    return rows
