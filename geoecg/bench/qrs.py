"""QRS detection: Se, +P, F1 against reference beats, throughput, and peers side by side.

Runs :func:`geoecg.features.detect_rpeaks` (lead 0; ``geoecg-all-leads``: every lead) on every
annotated record of ``--data`` (MIT-BIH or NSTDB) and scores it with
:mod:`geoecg.evaluation.detection` (EC57 ``whole``/``ec57``/``raw``, per SNR on NSTDB).
``--peers`` adds NeuroKit2 and wfdb ``xqrs`` (:mod:`geoecg.features.rpeaks_peers`), timed on
the same records in the same run (thread CPU and wall time, numba single thread); the floor
(a moving-window pass, :func:`~geoecg.features.rpeaks_peers.floor_cpu_seconds`) too.
"""

from __future__ import annotations

import argparse

import numpy as np

from .._versions import package_versions
from ..commands.bench_io import FoldLog, add_common, data_dir
from ..features import rpeaks_peers as rp
from ..features.rpeaks import detect_rpeaks
from ..features.rpeaks_peers import annotated_folder as _resolve_folder
from ..features.rpeaks_peers import annotated_records as _record_names
from ..io.nstdb import parse_nstdb_name

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p, data="WFDB folder (MIT-BIH or NSTDB) or a folder holding mitdb/ or nstdb/ "
               "(default $GEOECG_DATA)", peers="NeuroKit2 and wfdb xqrs", resume=True)  # fmt: skip
    p.add_argument("--records", nargs="+", default=None, help="record names (default: all)")
    p.add_argument("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per record (median)")
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


def run(args) -> int:
    import numba

    numba.set_num_threads(1)
    folder = _resolve_folder(data_dir(args.data))
    names = _record_names(folder, args.records)
    if not names:
        raise FileNotFoundError(f"no annotated records in {folder}")
    nstdb = any(parse_nstdb_name(r) is not None for r in names)
    detectors, skipped = rp.benchmark_detectors(
        names, repeats=args.repeats, all_leads=not args.no_all_leads, peers=args.peers,
        peer_records=args.peer_records, xqrs_records=args.xqrs_records,
        peer_repeats=args.peer_repeats,
    )  # fmt: skip
    for why in skipped.values():
        print(f"skipping the NeuroKit2 peers: neurokit2 is {why}", flush=True)
    detect_rpeaks(np.sin(np.linspace(0, 60, 6000)).reshape(2, 3000), 250.0)  # numba warm-up
    saved = FoldLog(args, *("scipy", "numba", "neurokit2", "wfdb")[: 4 if args.peers else 2])
    per, infos = rp.run_detection_benchmark(
        folder, names, detectors, tolerance_ms=args.tolerance_ms, nstdb=nstdb, **saved.hooks
    )
    res = {"database": "nstdb" if nstdb else "mitdb", "data": str(folder),
           **rp.qrs_report(per, infos, {d: v[1] for d, v in detectors.items()},
                           tolerance_ms=args.tolerance_ms),
           "skipped": skipped, "repeats": args.repeats, "peer_repeats": args.peer_repeats,
           "versions": package_versions(*("scipy", "numba", "neurokit2", "wfdb")[
               : 4 if args.peers else 2])}  # fmt: skip
    print(rp.format_qrs_report(res))
    saved.finish(res)
    return 0
