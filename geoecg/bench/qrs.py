"""QRS detection: Se, +P, F1 against reference beats, throughput, and peers side by side.

Runs :func:`geoecg.features.detect_rpeaks` (lead 0; ``geoecg-all-leads``: every lead) on every
annotated record of ``--data`` (MIT-BIH or NSTDB) and scores it with
:mod:`geoecg.evaluation.detection` (EC57 ``whole``/``ec57``/``raw``, per SNR on NSTDB).
``--peers`` adds NeuroKit2 and wfdb ``xqrs`` (:mod:`geoecg.features.rpeaks_peers`), timed on
the same records in the same run (thread CPU and wall time, numba single thread).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ..evaluation import detection as ev
from ..features.rpeaks import detect_rpeaks
from ..features.rpeaks_peers import NEUROKIT_METHODS, peer_rpeak_detector
from ..io import read_record
from ..io.mitdb import BEAT_SYMBOLS
from ..io.nstdb import parse_nstdb_name
from ._versions import package_versions

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="WFDB folder (MIT-BIH or NSTDB) or data root")
    p.add_argument("--records", nargs="+", default=None, help="record names (default: all)")
    p.add_argument("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per record (median)")
    p.add_argument("--peers", action="store_true", help="also run NeuroKit2 and wfdb xqrs")
    p.add_argument(
        "--peer-records",
        type=int,
        default=0,
        help="NeuroKit2 peers run on this many records, evenly spaced (0 = all)",
    )
    p.add_argument(
        "--xqrs-records",
        type=int,
        default=6,
        help="wfdb xqrs runs on this many records, evenly spaced (0 = all; default 6)",
    )
    p.add_argument("--peer-repeats", type=int, default=1, help="timed runs per peer record")
    p.add_argument("--no-all-leads", action="store_true", help="skip the all-leads variant")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _resolve_folder(data: str) -> Path:
    folder = Path(data)
    if not folder.is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    for f in (folder, folder / "mitdb", folder / "nstdb"):
        if list(f.glob("*.atr")):
            return f
    raise FileNotFoundError(
        f"{folder} holds no annotated WFDB records (.hea + .dat + .atr); "
        "point --data at an MIT-BIH or NSTDB folder"
    )


def _record_names(folder: Path, requested) -> list[str]:
    have = sorted(p.stem for p in folder.glob("*.atr") if p.with_suffix(".hea").is_file())
    missing = [r for r in requested or () if r not in have]
    if missing:
        raise FileNotFoundError(f"records not found (with .atr) in {folder}: {missing}")
    return have if requested is None else list(requested)


def _subset(names: list[str], k: int) -> list[str]:
    if k <= 0 or k >= len(names):
        return list(names)
    return [names[i] for i in np.unique(np.round(np.linspace(0, len(names) - 1, k)).astype(int))]


def _detectors(args, names) -> tuple[dict, dict]:
    dets = {
        d: (peer_rpeak_detector(d), names, args.repeats)
        for d in ("geoecg", "geoecg-all-leads")[: 1 if args.no_all_leads else 2]
    }
    skipped = {}
    if args.peers:
        from .._optional import install_hint, missing

        if missing("neurokit2"):
            skipped["neurokit2"] = f"not installed ({install_hint('neurokit2')})"
            print(
                f"skipping the NeuroKit2 peers: neurokit2 is not installed "
                f"({install_hint('neurokit2')})",
                flush=True,
            )
        else:
            for m in NEUROKIT_METHODS:
                dets[m] = (
                    peer_rpeak_detector(m),
                    _subset(names, args.peer_records),
                    args.peer_repeats,
                )
        dets["xqrs"] = (
            peer_rpeak_detector("xqrs"),
            _subset(names, args.xqrs_records),
            args.peer_repeats,
        )
    return dets, skipped


def run(args) -> int:
    import numba
    from tqdm.auto import tqdm

    numba.set_num_threads(1)
    folder = _resolve_folder(args.data)
    names = _record_names(folder, args.records)
    if not names:
        raise FileNotFoundError(f"no annotated records in {folder}")
    nstdb = any(parse_nstdb_name(r) is not None for r in names)
    detectors, skipped = _detectors(args, names)
    detect_rpeaks(np.sin(np.linspace(0, 60, 6000)).reshape(2, 3000), 250.0)  # numba warm-up
    per, infos = {d: {} for d in detectors}, {}
    bar = tqdm(total=sum(len(v[1]) for v in detectors.values()), desc="bench qrs", unit="run")
    for r in names:
        rec = read_record(folder / r)
        ann = rec.annotations
        ref = np.sort(ann.sample[np.isin(ann.symbol, list(BEAT_SYMBOLS))].astype(np.int64))
        sig = np.ascontiguousarray(rec.signal, dtype=np.float64)
        vf = ev.vf_intervals(ann.sample, ann.symbol, rec.n_samples)
        infos[r] = {
            "fs": rec.fs,
            "n_samples": rec.n_samples,
            "n_beats": int(ref.size),
            **({"snr_db": parse_nstdb_name(r)["snr_db"]} if nstdb else {}),
        }
        for d, (fn, recs, reps) in detectors.items():
            if r in recs:
                det, wall, cpu = ev.time_detector(fn, sig, rec.fs, reps)
                per[d][r] = {**ev.score_detections(ref, det, rec.fs, tolerance_ms=args.tolerance_ms,
                                                vf=vf, nstdb=nstdb, n_samples=rec.n_samples),
                             "wall_s": wall, "cpu_s": cpu}  # fmt: skip
                bar.update(1)
    bar.close()
    res = {"database": "nstdb" if nstdb else "mitdb", "data": str(folder),
           **ev.detection_report(per, infos, {d: v[1] for d, v in detectors.items()},
                              tolerance_ms=args.tolerance_ms),
           "skipped": skipped, "repeats": args.repeats, "peer_repeats": args.peer_repeats,
           "versions": package_versions(*("scipy", "numba", "neurokit2", "wfdb")[
               : 4 if args.peers else 2])}  # fmt: skip
    print(ev.format_detection_report(res))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(res, indent=2, default=float))
        print(f"\nwritten to {args.json}")
    return 0
