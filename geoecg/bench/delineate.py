"""Wave delineation: LUDB cardiologists, QTDB q1c, NSTDB noise, ECGSYN truth, PTB-XL criteria.

``geoecg bench delineate --data DIR`` runs the protocols of
:mod:`geoecg.features.delineation_protocols` and prints CSE-style tables (Se/+P %, mean +/- SD
of the error in ms, per lead and for the multi-lead global boundary). ``--split tune|test``
scores one half of the LUDB records (positions 0, 2, ... / 1, 3, ... of the sorted list;
settings were chosen on ``tune``). ``--peers`` adds NeuroKit2 ``ecg_delineate`` on the same
beats; ``--qtdb DIR`` the QT-database protocol; ``--noise NSTDB_DIR`` the error-vs-SNR curve;
``--synthetic`` the ECGSYN truth check (``--t-polarities upright inverted biphasic`` adds
the T-shape axis); ``--ptbxl DIR`` the criteria-defined statements. Without ``--data`` only
the stages that need no LUDB run (``--synthetic``, ``--qtdb``, ``--ptbxl``).
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
from pathlib import Path

from ..commands.bench_io import JsonSink, add_common
from ..evaluation.delineation import format_delineation_report as report
from ..evaluation.delineation import split_records
from ..features import delineation_protocols as proto
from ..features.delineation import DelineationSettings, settings_dict
from ..io.ludb import LUDB, LUDB_LEADS
from ..io.qtdb import QTDB

_T_SHAPES = ("upright", "inverted", "biphasic")  # synthesize_ecg's t_polarity


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p, data="LUDB folder or a data root holding ludb/ (required unless only "
               "--synthetic, --qtdb or --ptbxl run)",
               peers="NeuroKit2 ecg_delineate", resume=True)  # fmt: skip
    a = p.add_argument
    a("--records", nargs="+", default=None, help="LUDB record numbers (default: all)")
    a("--split", choices=("all", "tune", "test"), default="all", help="LUDB records scored")
    a("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    a("--peer-leads", nargs="+", default=["ii", "v1", "v5"], help="leads NeuroKit2 runs on")
    a("--qtdb", default=None, help="QT-database folder (q1c annotations)")
    a("--noise", default=None, help="NSTDB folder: error vs SNR with bw, ma, em noise")
    a("--mitdb", default=None, help="MIT-BIH folder with record 118 (em noise = 118e06 - 118)")
    a("--snrs", nargs="+", type=float, default=[24.0, 12.0, 6.0, 0.0], help="SNRs, dB")
    a("--synthetic", action="store_true", help="ECGSYN strips against exact wave positions")
    a("--t-polarities", nargs="+", default=["upright"], choices=_T_SHAPES,
      help="T shapes of the --synthetic grid (one 24-strip grid each)")  # fmt: skip
    a("--ptbxl", default=None, help="PTB-XL folder: criteria-defined statements")
    a("--ptbxl-fs", type=int, default=100, choices=(100, 500))


def run(args: argparse.Namespace) -> int:
    if args.peers:
        from .._optional import require

        require("neurokit2", purpose="geoecg bench delineate --peers")
    db, names = _ludb(args)
    qtdb = QTDB(args.qtdb) if args.qtdb else None  # a wrong folder fails before LUDB runs
    tol = args.tolerance_ms
    kw = {"leads": LUDB_LEADS, "tolerance_ms": tol}
    with JsonSink(args.json, "scipy", "numba", "neurokit2", "wfdb", run=args) as out:
        if db is not None:
            out.stage("ludb", lambda: proto.ludb_protocol(
                db, names, peers=args.peers, peer_leads=args.peer_leads, **kw))  # fmt: skip
            print(f"LUDB: {len(names)} records (split {args.split}), tolerance {tol:g} ms, "
                  "R-peaks from detect_rpeaks (all leads)")  # fmt: skip
            print(report(out, "ludb"))
        out["settings"] = settings_dict(DelineationSettings())
        if qtdb is not None:
            out.stage("qtdb", lambda: proto.qtdb_protocol(qtdb, tolerance_ms=tol))
            print(report(out, "qtdb"))
        if args.noise:
            noises = proto.nstdb_noises(args.noise, args.mitdb, db.read(names[0]).fs)
            out.stage("noise", lambda: proto.noise_robustness(db, names, noises, args.snrs, **kw))
            print(report(out, "noise"))
        if args.synthetic:
            pols = tuple(args.t_polarities)
            out.stage("synthetic", lambda: proto.ecgsyn_truth(t_polarities=pols))
            print(report(out, "synthetic"))
        if args.ptbxl:
            from ..io import PTBXL

            out.stage("ptbxl_criteria", lambda: {"fs": args.ptbxl_fs, "statements":
                      proto.ptbxl_criteria(PTBXL(args.ptbxl), fs=args.ptbxl_fs)})  # fmt: skip
            print(report(out, "ptbxl_criteria"))
    return 0


def _ludb(args: argparse.Namespace):
    """The LUDB database and the record names scored, or ``(None, [])`` without ``--data``
    when only stages that need no LUDB were asked for (``--synthetic``, ``--qtdb``,
    ``--ptbxl``)."""
    if args.data is None:
        flags = {"--records": args.records, "--noise": args.noise, "--peers": args.peers,
                 "--split": args.split != "all"}  # fmt: skip
        needs = [f for f, on in flags.items() if on]
        if needs or not (args.synthetic or args.qtdb or args.ptbxl):
            why = f"{', '.join(needs)} need(s) LUDB" if needs else "the LUDB protocol runs"
            raise ValueError(
                f"--data (a LUDB folder) is required: {why}; without LUDB give only "
                "--synthetic, --qtdb DIR or --ptbxl DIR"
            )
        return None, []
    if not Path(args.data).is_dir():
        raise FileNotFoundError(f"--data {args.data!r} is not a folder")
    db = LUDB(args.data)
    names = [str(r) for r in args.records] if args.records else db.records()
    missing = sorted(set(names) - set(db.records()))
    if missing:
        raise FileNotFoundError(f"LUDB records not found in {db.data_dir}: {missing}")
    return db, split_records(names, args.split)
