"""Lead-reconstruction speed (issue 21): fit on N records, transform M 10-s records, one thread.

Times :class:`geoecg.leads.LeadReconstructor` ``fit`` on ``--n-fit`` 12-lead training
records and ``transform`` on ``--n-transform`` records (``--chunk`` records per call, the
source leads only), all 10 s at 500 Hz (5,000 samples), for the settings named by
``--configs`` (:data:`CONFIGS`). One thread: ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
``MKL_NUM_THREADS`` and ``NUMBA_NUM_THREADS`` are set to 1 before numpy and numba are imported.
Costs are CPU seconds of this process (``time.process_time``; wall-clock on a loaded
machine is not a measure of cost), wall seconds beside them.

Records. With ``--data DIR`` (a PTB-XL folder, default ``$GEOECG_DATA/ptbxl``) the bases are
its real records: the 500-Hz files (``records500``) as they are, plus every other record of
``records100`` resampled to 500 Hz (polyphase, up 5); all band-passed 0.5-40 Hz once. Each
timed record is a copy of a random base, circularly shifted by a random number of samples
and multiplied by one random factor in 0.8-1.25 (log-uniform), so that N and M can exceed the
number of bases without two records being the same array. Without the folder (or with
``--synthetic``) the bases are 12-lead ECGSYN records (:func:`geoecg.simulate.synthesize_ecg`,
heart rate 50-110 bpm, QRS width 0.8-1.3, axis -30..+60 deg, noise 0.02 mV), built the same way.

Output: per setting, records per second of fit and of transform, seconds per 10,000 fits and
per 100,000 transforms (measured when N and M reach those numbers, else extrapolated linearly
and marked ``extrapolated``), and the peak resident memory of the process so far (MiB;
``ru_maxrss``: the bases, the N-record training array and the estimator together).

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python simulations/leads_speed.py \\
        --n-fit 2000 --n-transform 10000 --json leads_speed.json
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_v] = "1"  # before numpy / numba are imported: one thread

import argparse  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from geoecg.commands.bench_io import dump_json, output_file  # noqa: E402

FS = 500
N_SAMPLES = 10 * FS
_PHASED = {"n_taps": 2, "rectified": True, "phase_edges_s": "beat"}
#: Timed settings: ``source`` and :class:`~geoecg.leads.LeadReconstructor` keywords
#: (``"beat"`` stands for :data:`geoecg.leads.BEAT_PHASE_EDGES_S`). ``plain``: the time-delay
#: map; ``phase``: the beat-phase map with ``|x|``; ``templates``: that map with the 5-nearest
#: median beats (the bench's 3-lead candidates); ``single``: the single-lead default (source
#: II, 5-nearest templates, 20 nearest patient maps).
CONFIGS = {
    "plain": (("I", "II", "V3"), {"n_taps": 2}),
    "phase": (("I", "II", "V3"), _PHASED),
    "templates": (("I", "II", "V3"), {**_PHASED, "template_neighbors": 5}),
    "single": (("II",), {**_PHASED, "template_neighbors": 5, "map_neighbors": 20}),
}


def ptbxl_bases(root) -> np.ndarray:
    """Real 10-s 12-lead bases at 500 Hz from the PTB-XL folder ``root`` (mV, 0.5-40 Hz)."""
    from scipy.signal import resample_poly

    from geoecg.io import PTBXL
    from geoecg.signal import bandpass

    db = PTBXL(root)
    hi = db.available(500)
    X = [db.load(hi, fs=500)[0]] if hi else []
    lo = sorted(set(db.available(100)) - set(hi))
    if lo:
        X.append(resample_poly(db.load(lo, fs=100)[0], 5, 1, axis=-1))
    if not X:
        raise ValueError(f"no PTB-XL record under {root} (records500/ or records100/)")
    return bandpass(np.concatenate(X), FS, 0.5, 40.0, order=2)


def synthetic_bases(n: int, seed: int = 0) -> np.ndarray:
    """``n`` ECGSYN 12-lead 10-s bases at 500 Hz (mV, 0.5-40 Hz)."""
    from geoecg.signal import bandpass
    from geoecg.simulate import synthesize_ecg

    rng = np.random.default_rng(seed)
    X = synthesize_ecg(
        fs=FS,
        duration_s=10.0,
        hr_bpm=rng.uniform(50, 110, n),
        qrs_width=rng.uniform(0.8, 1.3, n),
        axis_deg=rng.uniform(-30, 60, n),
        noise_mv=0.02,
        random_state=seed,
    )
    return bandpass(X.reshape(n, 12, -1), FS, 0.5, 40.0, order=2)


def copies(bases, n, rng, leads=None) -> np.ndarray:
    """``n`` records: random bases (lead rows ``leads``), circular shifts, gains 0.8-1.25."""
    B = bases if leads is None else bases[:, leads]
    pick = rng.integers(0, len(B), n)
    shift = rng.integers(0, B.shape[-1], n)
    gain = np.exp(rng.uniform(np.log(0.8), np.log(1.25), n))
    out = np.empty((n, B.shape[1], B.shape[2]))
    for k in range(n):
        out[k] = gain[k] * np.roll(B[pick[k]], shift[k], axis=-1)
    return out


def make(name):
    """The unfitted :class:`~geoecg.leads.LeadReconstructor` of ``CONFIGS[name]``."""
    from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor

    src, kw = CONFIGS[name]
    kw = {k: (BEAT_PHASE_EDGES_S if v == "beat" else v) for k, v in kw.items()}
    return LeadReconstructor(src, fs=FS, **kw)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_config(name, bases, n_fit, n_transform, chunk, seed) -> dict:
    """Fit and transform costs of one setting (CPU and wall s, records/s, peak MiB)."""
    from geoecg.leads import lead_indices

    rng = np.random.default_rng(seed)
    warm = copies(bases, min(n_fit, 40), rng)  # numba compiles / cache loads, not timed
    make(name).fit(warm).transform(warm[:4])
    del warm
    Xfit = copies(bases, n_fit, rng)
    rec = make(name)
    c0, w0 = time.process_time(), time.perf_counter()
    rec.fit(Xfit)
    fit_cpu, fit_wall = time.process_time() - c0, time.perf_counter() - w0
    del Xfit
    src = lead_indices(rec.source_)
    tr_cpu = tr_wall = 0.0
    done = 0
    while done < n_transform:
        S = copies(bases, min(chunk, n_transform - done), rng, leads=src)
        c0, w0 = time.process_time(), time.perf_counter()
        out = rec.transform(S)
        tr_cpu += time.process_time() - c0
        tr_wall += time.perf_counter() - w0
        if not np.isfinite(out).all():
            raise RuntimeError(f"{name}: transform returned non-finite values")
        done += len(S)
    return {
        "source": list(rec.source_),
        "params": {k: v for k, v in CONFIGS[name][1].items()},
        "fit_cpu_s": fit_cpu,
        "fit_wall_s": fit_wall,
        "transform_cpu_s": tr_cpu,
        "transform_wall_s": tr_wall,
        "fit_records_per_s": n_fit / fit_cpu,
        "transform_records_per_s": n_transform / tr_cpu,
        "s_per_10000_fits": fit_cpu * 10_000 / n_fit,
        "fit_extrapolated": n_fit < 10_000,
        "s_per_100000_transforms": tr_cpu * 100_000 / n_transform,
        "transform_extrapolated": n_transform < 100_000,
        "peak_rss_mib": _peak_mib(),
    }


def format_row(name, r) -> str:
    """One line of the printed table."""
    ex = " (extrapolated)"
    return (
        f"{name:<10} fit {r['fit_records_per_s']:8.1f} rec/s, "
        f"10,000 fits {r['s_per_10000_fits']:7.1f} s{ex if r['fit_extrapolated'] else ''}; "
        f"transform {r['transform_records_per_s']:8.1f} rec/s, 100,000 transforms "
        f"{r['s_per_100000_transforms']:7.1f} s{ex if r['transform_extrapolated'] else ''}; "
        f"peak RSS {r['peak_rss_mib']:.0f} MiB"
    )


def main(argv=None) -> dict:
    """Run the timings; print the table; return (and with ``--json`` write) the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = (
        Path(os.environ.get("GEOECG_DATA", "")) / "ptbxl" if "GEOECG_DATA" in os.environ else None
    )
    ap.add_argument("--data", type=Path, default=default, help="PTB-XL folder")
    ap.add_argument("--synthetic", action="store_true", help="ECGSYN bases even with --data")
    ap.add_argument("--n-synthetic", type=int, default=100, help="number of ECGSYN bases")
    ap.add_argument(
        "--n-fit", type=int, default=2000, help="records in the timed fit (default 2000)"
    )
    ap.add_argument(
        "--n-transform", type=int, default=10000, help="records transformed (default 10000)"
    )
    ap.add_argument("--chunk", type=int, default=1000, help="records per transform call")
    ap.add_argument("--configs", default="plain,phase,templates,single", help=", ".join(CONFIGS))
    ap.add_argument("--seed", type=int, default=0, help="seed of the record copies")
    ap.add_argument("--json", type=output_file, help="write the results here")
    args = ap.parse_args(argv)
    names = [c for c in args.configs.split(",") if c]
    unknown = [c for c in names if c not in CONFIGS]
    if unknown or not names:
        ap.error(f"--configs: unknown {unknown}; expected names from {list(CONFIGS)}")
    for k in ("n_fit", "n_transform", "chunk", "n_synthetic"):
        if getattr(args, k) < 1:
            ap.error(f"--{k.replace('_', '-')} must be >= 1, got {getattr(args, k)}")
    real = not args.synthetic and args.data is not None and Path(args.data).is_dir()
    bases = ptbxl_bases(args.data) if real else synthetic_bases(args.n_synthetic, args.seed)
    res = {
        "records": f"PTB-XL {args.data}" if real else "ECGSYN synthetic",
        "n_bases": int(len(bases)),
        "fs": FS,
        "n_samples": N_SAMPLES,
        "n_fit": args.n_fit,
        "n_transform": args.n_transform,
        "chunk": args.chunk,
        "threads": 1,
        "clock": "time.process_time (CPU s of the process)",
        "configs": {},
    }
    print(
        f"{res['records']}: {res['n_bases']} bases, fit {args.n_fit}, transform "
        f"{args.n_transform} (chunks of {args.chunk}), 500 Hz, 10 s, one thread, CPU s"
    )
    for name in names:
        r = time_config(name, bases, args.n_fit, args.n_transform, args.chunk, args.seed)
        res["configs"][name] = r
        print(format_row(name, r), flush=True)
    if args.json:
        dump_json(args.json, res, indent=1)  # atomic, folder created
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
