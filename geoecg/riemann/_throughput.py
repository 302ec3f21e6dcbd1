"""``geoecg bench riemann``: OAS covariance + tangent space against pyRiemann, streamed in chunks
of synthetic 12-lead records, with the machine's floors (batched ``eigh`` rate, memory-bandwidth
copy) and the peak memory of a call measured in the same process (:func:`riemann_benchmark`).
"""

from __future__ import annotations

import os
import time
import tracemalloc

import numpy as np

__all__ = [
    "synthetic_bank",
    "synthetic_chunk",
    "eigh_floor_s",
    "copy_floor_s",
    "read_floor_s",
    "fma_floor_s",
    "products_floor_s",
    "eigh_kernel_s",
    "peak_memory",
    "timed_steps",
    "pipeline_rows",
    "riemann_benchmark",
    "format_riemann_report",
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


def read_floor_s(X: np.ndarray, repeats: int = 3) -> float:
    """Median CPU seconds per record of one read-only pass over the chunk ``X`` (n, c, t) from
    memory (the row sums of the covariance kernel, no products): the memory side of its floor."""
    from .._kernels.covariance_stream import _row_sums

    rows = X.reshape(-1, X.shape[-1])
    sums, out = np.zeros(rows.shape[0]), []
    for _ in range(repeats):
        t0 = time.thread_time()
        _row_sums(x=rows, rowsum=sums, first=0, start=0, nb=rows.shape[1])
        out.append((time.thread_time() - t0) / X.shape[0])
    return float(np.median(out))


def fma_floor_s(n_leads: int, n_samples: int, repeats: int = 15, reps: int = 200) -> float:
    """Median CPU seconds of one record's ``c (c + 1) / 2`` products per sample at the rate of
    the covariance kernel's 4 x 2 register block on L1-resident data (6 rows of 512 samples,
    24 kB; ``reps`` blocks per timing): the FMA count floor of the covariance pass, with no
    memory traffic, row sums or horizontal sums."""
    from .._kernels.covariance_stream import _block42_repeat

    rows, acc, out = np.random.default_rng(0).standard_normal((6, 512)), np.zeros((4, 2)), []
    _block42_repeat(rows=rows, reps=1, acc=acc)
    products = n_leads * (n_leads + 1) // 2 * n_samples
    for _ in range(repeats):
        t0 = time.thread_time()
        _block42_repeat(rows=rows, reps=reps, acc=acc)
        out.append((time.thread_time() - t0) / (reps * 8 * rows.shape[1]) * products)
    return float(np.median(out))


def products_floor_s(n_leads: int, n_samples: int, repeats: int = 50) -> float:
    """Median CPU seconds of the covariance kernel's cross products and row sums for one record
    of ``n_leads x n_samples`` when the data are already in cache (a 4,096-sample record,
    L2-resident, timed again and again, scaled to ``n_samples``): its compute side."""
    from .._kernels.covariance_stream import _gram_single_pass

    t = 4096
    x = np.random.default_rng(0).standard_normal((n_leads, t))
    acc, rowsum, out = np.empty((n_leads, n_leads)), np.empty(n_leads), []
    _gram_single_pass(x=x, acc=acc, rowsum=rowsum)
    for _ in range(repeats):
        t0 = time.thread_time()
        _gram_single_pass(x=x, acc=acc, rowsum=rowsum)
        out.append((time.thread_time() - t0) * n_samples / t)
    return float(np.median(out))


def eigh_kernel_s(C: np.ndarray, reference: np.ndarray, repeats: int = 5) -> float:
    """Median CPU seconds per matrix of geoecg's own eigendecomposition (``eigh_small``, the
    decomposition inside the tangent step) on the chunk's covariances ``C`` (n, c, c) whitened
    at ``reference``: the part of the tangent step that no congruence or logarithm can avoid."""
    from .._kernels.spd import eigh_stack
    from .tangent import _invsqrtm

    W = _invsqrtm(reference)
    Z = np.ascontiguousarray(W @ C @ W)
    w, v, out = np.empty(Z.shape[:2]), np.empty(Z.shape), []
    eigh_stack(A=Z[:2], w=w[:2], v=v[:2])
    for _ in range(repeats):
        t0 = time.thread_time()
        eigh_stack(A=Z, w=w, v=v)
        out.append((time.thread_time() - t0) / len(Z))
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
    (one record copied at memory bandwidth + one LAPACK ``eigh`` per reference), the kernel
    floor (the slower of one read-only pass over a record and the covariance kernel on cached
    data, + one ``eigh_small`` per reference: what this design needs if memory overlapped the
    products perfectly and the tangent step were its eigendecompositions alone) and the
    ratios."""
    rows = {}
    for name, ks, n_eigh in (
        ("cov + tangent space", ("cov", "ts"), 1),
        ("cov + ClassMeanTangentSpace", ("cov", "cmts"), 2),
    ):
        ours = sum(med[k] for k in ks)
        fl = floor["copy_record_s"] + n_eigh * floor["eigh_s"]
        cov_fl = max(floor["read_record_s"], floor["products_record_s"])
        kfl = cov_fl + n_eigh * floor["eigh_kernel_s"]
        peer = sum(med.get("p_" + k, np.nan) for k in ks)
        rows[name] = {
            "geoecg_s": ours,
            "floor_s": fl,
            "x_floor": ours / fl,
            "kernel_floor_s": kfl,
            "x_kernel_floor": ours / kfl,
            "pyriemann_s": peer,
            "speedup": peer / ours,
        }
    return rows


def _steps(bank, chunk: int, rng) -> tuple[dict, object]:
    """The timed steps (geoecg and pyRiemann doing the same work), fitted and compiled on an
    untimed chunk; pyRiemann's ``TangentSpace`` reference serves both sides."""
    from pyriemann.estimation import Covariances
    from pyriemann.geometry.tangentspace import tangent_space
    from pyriemann.tangentspace import TangentSpace

    from .covariances import lead_covariances
    from .tangent import ClassMeanTangentSpace, tangent_vectors

    X0, y0 = synthetic_chunk(bank, min(chunk, 200), rng)
    C0 = lead_covariances(X0).covariances
    ts = TangentSpace(metric="riemann").fit(C0)
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
    return steps, ref


def riemann_benchmark(
    n: int,
    chunk: int,
    *,
    peers: bool,
    peer_n: int,
    fs: float = 500.0,
    seconds: float = 10.0,
    progress: bool | None = None,
) -> dict:
    """Time OAS covariance + tangent space (one reference; ``ClassMeanTangentSpace`` at two
    class means) on ``n`` synthetic 12-lead records of ``seconds`` at ``fs`` Hz, in chunks.

    One thread (call under ``threadpool_limits(1)``): CPU seconds of the calling thread per
    record, medians over the chunks; with ``peers``, pyRiemann does the same work on the first
    ``peer_n`` records and the ratios come from the chunks both ran. Also: the floors, the
    peak memory (``tracemalloc``) over the input chunk, the largest tangent-vector difference
    from pyRiemann and the all-threads wall time per record. Needs pyRiemann. ``progress``:
    a tqdm bar of the records on stderr, advanced after each chunk, outside the timed steps
    (None: only when stderr is a terminal, :func:`geoecg._progress.progress_bar`).
    """
    from .._progress import progress_bar
    from .covariances import lead_covariances
    from .tangent import tangent_vectors

    if n < 1 or chunk < 1:
        raise ValueError(f"--n and --chunk must be >= 1, got {n}, {chunk}")
    if not (np.isfinite(fs) and np.isfinite(seconds) and fs > 0 and seconds > 0) or (
        round(fs * seconds) < 2
    ):  # a rate of 0 reached pyRiemann ("Matrices must be positive definite"), -1 numpy
        raise ValueError(
            "--fs (Hz) and --seconds (s) must be finite and > 0, with at least 2 samples per "
            f"record (fs x seconds); got --fs {fs:g} --seconds {seconds:g}"
        )
    ns, rng = int(round(fs * seconds)), np.random.default_rng(0)
    bank = synthetic_bank(ns, fs, rng)
    steps, ref = _steps(bank, chunk, rng)
    t, n_done, diff, wall_all = {k: [] for k in steps}, 0, 0.0, []
    bar = progress_bar(total=n, desc="bench riemann", unit="rec", progress=progress)
    while n_done < n:
        m = min(chunk, n - n_done)
        X = synthetic_chunk(bank, m, rng)[0]
        peer = peers and n_done < peer_n
        out, cpu = timed_steps(steps, X, [k for k in steps if peer or "p_" not in k])
        for k, v in cpu.items():
            t[k].append(v)
        if peer:
            diff = max(diff, *(float(np.abs(out[k] - out["p_" + k]).max()) for k in ("ts", "cmts")))
            t0 = time.perf_counter()  # all threads, wall time
            tangent_vectors(lead_covariances(X, n_jobs=os.cpu_count()).covariances, ref, n_jobs=-1)
            wall_all.append((time.perf_counter() - t0) / m)
        n_done += m
        bar.update(m)
    bar.close()
    k = len(t["p_cov"]) or None  # ratios from the chunks both sides ran
    med = {s: float(np.median(v[:k])) for s, v in t.items() if v}
    floor = {"eigh_s": eigh_floor_s(), "copy_record_s": copy_floor_s(12 * ns * 8)}
    floor["read_record_s"] = read_floor_s(X)
    floor["products_record_s"] = products_floor_s(12, ns)
    floor["fma_record_s"] = fma_floor_s(12, ns)
    floor["eigh_kernel_s"] = eigh_kernel_s(out["cov"], ref)
    Xm = synthetic_chunk(bank, min(chunk, 200), rng)[0]
    peak = peak_memory(lambda X: tangent_vectors(lead_covariances(X).covariances, ref), Xm)
    return {
        "n_records": n_done,
        "chunk": chunk,
        "n_samples": ns,
        "fs_hz": fs,
        "cpu_s_per_record": med,
        "floor": floor,
        "peak_memory_over_chunk": peak / Xm.nbytes,
        "pipelines": pipeline_rows(med, floor),
        "max_abs_diff_tangent": diff,
        "all_threads_wall_s_per_record": float(np.median(wall_all)) if wall_all else None,
    }


#: the size of the documented runs (``--n`` and ``--peer-n``, docs/benchmarks/riemann.md)
DOCUMENTED_N = 3000


def small_run_note(n: int, peer_n: int | None) -> str:
    """A note for a run smaller than the documented one (``""`` for one as large or larger).

    Parameters
    ----------
    n : int
        Records of the run (``--n``).
    peer_n : int or None
        Records timed with pyRiemann (``--peer-n``); None: no peers.
    """
    if n >= DOCUMENTED_N and (peer_n is None or peer_n >= DOCUMENTED_N):
        return ""
    return (
        f"\nnote: this run is smaller than the documented one (--n {DOCUMENTED_N} --chunk 500 "
        f"--peers --peer-n {DOCUMENTED_N}, idle machine, docs/benchmarks/riemann.md): with few "
        "records the warm-up, the few chunks the medians are taken over and the data's cache "
        "footprint differ, so per-record times and the ratio are not comparable to the "
        "documented figures"
    )


def format_riemann_report(res: dict) -> str:
    """The table of :func:`riemann_benchmark` (microseconds of CPU per record)."""
    us, fl = 1e6, res["floor"]
    lines = [
        f"\n{res['n_records']} synthetic records, 12 x {res['n_samples']} ({res['fs_hz']:g} Hz), "
        f"chunks of {res['chunk']}; CPU us/record, one thread (medians over the chunks both ran)",
        f"{'pipeline':28s} {'geoecg':>8s} {'floor':>7s} {'x floor':>8s} {'pyRiemann':>10s} "
        f"{'speed-up':>9s}",
    ]
    for name, r in res["pipelines"].items():
        lines.append(
            f"{name:28s} {r['geoecg_s'] * us:8.1f} {r['floor_s'] * us:7.1f} "
            f"{r['x_floor']:8.2f} {r['pyriemann_s'] * us:10.1f} {r['speedup']:8.1f}x"
        )
    lines.append(
        "steps: " + ", ".join(f"{k} {v * us:.1f}" for k, v in res["cpu_s_per_record"].items())
    )
    lines.append(
        f"floor: batched 12x12 eigh {fl['eigh_s'] * us:.1f} us/matrix; copy of one record "
        f"{fl['copy_record_s'] * us:.1f} us; peak memory of cov + tangent space "
        f"{res['peak_memory_over_chunk']:.2f}x the input chunk"
    )
    cov = res["cpu_s_per_record"]["cov"]
    lines.append(
        f"covariance floors: one read-only pass over a record {fl['read_record_s'] * us:.1f} us; "
        f"its products at the register block's rate on L1 data (FMA count) "
        f"{fl['fma_record_s'] * us:.1f} us; its products with the data in cache "
        f"{fl['products_record_s'] * us:.1f} us; the covariance step is "
        f"{cov / fl['read_record_s']:.2f}x the read, {cov / fl['fma_record_s']:.2f}x the FMA count"
    )
    lines.append(
        "kernel floor (max of the read and the cached products + eigh_small "
        f"{fl['eigh_kernel_s'] * us:.1f} us per reference): "
        + "; ".join(
            f"{name} {r['kernel_floor_s'] * us:.1f} us, x {r['x_kernel_floor']:.2f}"
            for name, r in res["pipelines"].items()
        )
    )
    wall = res["all_threads_wall_s_per_record"]
    if wall is not None:
        lines.append(
            f"all {os.cpu_count()} threads (wall): {wall * us:.1f} us/record; "
            f"max |diff| of tangent vectors vs pyRiemann {res['max_abs_diff_tangent']:.1e}"
        )
    return "\n".join(lines)
