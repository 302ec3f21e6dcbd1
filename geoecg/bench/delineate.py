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

from .. import io as gio
from ..commands.bench_io import JsonSink, add_common
from ..evaluation import _delineate_plan as plan
from ..evaluation.delineation import format_delineation_report as report
from ..features import delineation_protocols as proto
from ..features.delineation import DelineationSettings, settings_dict
from ..io.ludb import LUDB, LUDB_LEADS
from ..io.qtdb import QTDB


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
    a("--t-polarities", nargs="+", default=["upright"], choices=plan.T_POLARITIES,
      help="T shapes of the --synthetic grid (one 24-strip grid each)")  # fmt: skip
    a("--ptbxl", default=None, help="PTB-XL folder: criteria-defined statements")
    a("--ptbxl-fs", type=int, default=100, choices=(100, 500), help="PTB-XL sampling rate, Hz")


def run(args: argparse.Namespace) -> int:
    if args.peers:
        from .._optional import require

        require("neurokit2", purpose="geoecg bench delineate --peers")
    stages = plan.delineate_stages(**{k: getattr(args, k) for k in plan.DELINEATE_OPTIONS})
    db = LUDB(plan.ludb_folder(args.data)) if "ludb" in stages else None
    names = plan.ludb_record_names(db, args.records, args.split) if db else []
    qtdb = QTDB(args.qtdb) if args.qtdb else None  # a wrong folder of these (and --mitdb)
    ptbxl = gio.PTBXL(args.ptbxl) if args.ptbxl else None  # fails before LUDB runs
    noises = "noise" in stages and proto.nstdb_noises(args.noise, args.mitdb, db.read(names[0]).fs)
    tol, pols, fs = args.tolerance_ms, tuple(args.t_polarities), args.ptbxl_fs
    kw = {"leads": LUDB_LEADS, "tolerance_ms": tol}
    call = {  # what each stage of delineate_stages runs
        "ludb": lambda: proto.ludb_protocol(db, names, peers=args.peers,
                                            peer_leads=args.peer_leads, **kw),
        "qtdb": lambda: proto.qtdb_protocol(qtdb, tolerance_ms=tol),
        "noise": lambda: proto.noise_robustness(db, names, noises, args.snrs, **kw),
        "synthetic": lambda: proto.ecgsyn_truth(t_polarities=pols),
        "ptbxl_criteria": lambda: {"fs": fs, "statements":
                                   proto.ptbxl_criteria(ptbxl, fs=fs)},
    }  # fmt: skip
    with JsonSink(args.json, "scipy", "numba", "neurokit2", "wfdb", run=args) as out:
        for stage in stages:
            if stage == "settings":
                out["settings"] = settings_dict(DelineationSettings())
                continue
            out.stage(stage, call[stage])
            if stage == "ludb":
                print(f"LUDB: {len(names)} records (split {args.split}), tolerance {tol:g} ms, "
                      "R-peaks from detect_rpeaks (all leads)")  # fmt: skip
            print(report(out, stage))
    return 0
