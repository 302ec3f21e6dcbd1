"""Wave delineation: LUDB cardiologists, QTDB q1c, NSTDB noise, ECGSYN truth, PTB-XL criteria.

``geoecg bench delineate --data DIR`` runs the protocols of
:mod:`geoecg.features.delineation_protocols` and prints CSE-style tables (Se/+P %, mean +/- SD
of the error in ms, per lead and for the multi-lead global boundary). ``--split tune|test``
scores one half of the LUDB records (positions 0, 2, ... / 1, 3, ... of the sorted list;
settings were chosen on ``tune``). ``--peers`` adds NeuroKit2 ``ecg_delineate`` on the same
beats; ``--qtdb DIR`` the QT-database protocol; ``--noise NSTDB_DIR`` the error-vs-SNR curve;
``--synthetic`` the ECGSYN truth check; ``--ptbxl DIR`` the criteria-defined statements.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse
import json
from pathlib import Path

from ..evaluation.delineation import format_delineation_table, split_records
from ..features import delineation_protocols as proto
from ..io.ludb import LUDB, LUDB_LEADS
from ._versions import package_versions


def add_arguments(p: argparse.ArgumentParser) -> None:
    a = p.add_argument
    a("--data", required=True, help="LUDB folder or a data root holding ludb/")
    a("--records", nargs="+", default=None, help="LUDB record numbers (default: all)")
    a("--split", choices=("all", "tune", "test"), default="all", help="LUDB records scored")
    a("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    a("--peers", action="store_true", help="also run NeuroKit2 ecg_delineate")
    a("--peer-leads", nargs="+", default=["ii", "v1", "v5"], help="leads NeuroKit2 runs on")
    a("--qtdb", default=None, help="QT-database folder (q1c annotations)")
    a("--noise", default=None, help="NSTDB folder: error vs SNR with bw, ma, em noise")
    a("--mitdb", default=None, help="MIT-BIH folder with record 118 (em noise = 118e06 - 118)")
    a("--snrs", nargs="+", type=float, default=[24.0, 12.0, 6.0, 0.0], help="SNRs, dB")
    a("--synthetic", action="store_true", help="ECGSYN strips against exact wave positions")
    a("--ptbxl", default=None, help="PTB-XL folder: criteria-defined statements")
    a("--ptbxl-fs", type=int, default=100, choices=(100, 500))
    a("--json", default=None, help="write the figures to this JSON file")


def _ludb(data: str) -> LUDB:
    if not Path(data).is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    return LUDB(data)


def _noises(nstdb: str, mitdb: str | None, fs: float) -> dict:
    """NSTDB noise records resampled to ``fs`` (em from 118e06 - 118 when both are given)."""
    from scipy.signal import resample_poly

    from ..io import read_mitdb, read_nstdb

    out = {k: read_nstdb(k, nstdb).signal for k in ("bw", "ma")}
    if mitdb is not None:  # NSTDB adds em noise from 5:00 on, in alternating 2-min segments
        a, b = read_nstdb("118e06", nstdb).signal, read_mitdb("118", mitdb).signal
        out["em"] = (a - b)[:, int(300 * 360) : int(420 * 360)]
    src = 360.0
    return {k: resample_poly(v, int(fs), int(src), axis=-1) for k, v in out.items()}


def run(args: argparse.Namespace) -> int:
    if args.peers:
        from .._optional import require

        require("neurokit2", purpose="geoecg bench delineate --peers")
    db = _ludb(args.data)
    names = [str(r) for r in args.records] if args.records else db.records()
    missing = sorted(set(names) - set(db.records()))
    if missing:
        raise FileNotFoundError(f"LUDB records not found in {db.data_dir}: {missing}")
    names = split_records(names, args.split)
    tol = args.tolerance_ms
    res = proto.ludb_protocol(db, names, leads=LUDB_LEADS, tolerance_ms=tol, peers=args.peers,
                              peer_leads=args.peer_leads)  # fmt: skip
    print(f"LUDB: {len(names)} records (split {args.split}), tolerance {tol:g} ms, "
          "R-peaks from detect_rpeaks (all leads)")  # fmt: skip
    print(
        format_delineation_table(
            "geoecg on 12 leads: per lead; global vs each lead's marks; "
            "global vs the per-beat median of the leads' marks",
            {k: res[k] for k in ("per_lead", "global", "consensus")},
        )
    )
    if args.peers:
        p = res["peers"]
        print(
            format_delineation_table(
                f"Side by side on leads {p['leads']}, same R-peaks",
                {m: p[m] for m in ("geoecg", "nk-dwt", "nk-peak")},
            )
        )
    sp = res["speed"]
    print(f"speed, lead-beats/s per core: geoecg {sp['geoecg_lead_beats_per_s']:.0f}" + "".join(
        f"; NeuroKit2 {m} {sp[f'nk-{m}_lead_beats_per_s']:.1f} "
        f"(ratio {sp[f'ratio_vs_nk-{m}']:.0f}x)" for m in ("dwt", "peak")
        if f"nk-{m}_lead_beats_per_s" in sp))  # fmt: skip
    from ..features.delineation import DelineationSettings, settings_dict

    out = {"ludb": res, "settings": settings_dict(DelineationSettings()),
           "versions": package_versions("scipy", "numba", "neurokit2", "wfdb")}  # fmt: skip
    if args.qtdb:
        from ..io import QTDB

        q = out["qtdb"] = proto.qtdb_protocol(QTDB(args.qtdb), tolerance_ms=tol)
        print(f"QTDB q1c, {len(q['records'])} records, annotated beats (Se %, mean ± SD, MAE ms)")
        for k, v in q.items():
            if k != "records":
                print(f"  {k:<8} n {v['n']:5d}  Se {v['se']:5.1f}  {v['mean_ms']:6.1f} ± "
                      f"{v['sd_ms']:5.1f}  MAE {v['mae_ms']:5.1f}")  # fmt: skip
    if args.noise:
        noises = _noises(args.noise, args.mitdb, db.read(names[0]).fs)
        rows = out["noise"] = proto.noise_robustness(
            db, names, noises, args.snrs, leads=LUDB_LEADS, tolerance_ms=tol
        )
        print("Noise robustness, global boundary (Se %, mean ± SD ms), R-peaks on noisy strips")
        for r in rows:
            print(f"  {r['noise']:<3} {r['snr_db']:5.1f} dB {r['fiducial']:<8} Se {r['se']:5.1f} "
                  f"+P {r['ppv']:5.1f}  {r['mean_ms']:6.1f} ± {r['sd_ms']:5.1f}")  # fmt: skip
    if args.synthetic:
        syn = out["synthetic"] = proto.ecgsyn_truth()
        print("ECGSYN vs exact positions (error mean ± SD ms; * = generator fuses waves)")
        for r in syn:
            cells = " ".join(
                f"{f} {r[f]['mean_ms']:5.0f}±{r[f]['sd_ms']:3.0f}"
                for f in ("P_on", "P_off", "QRS_on", "QRS_off", "T_off")
            )
            print(
                f"  HR {r['hr_bpm']:>3} w {r['qrs_width']:.1f} noise {r['noise_mv']:.2f}"
                f"{'*' if r['overlap'] else ' '} QRS Se {r['QRS_on']['se']:5.1f} {cells}"
            )
    if args.ptbxl:
        from ..io import PTBXL

        crit = proto.ptbxl_criteria(PTBXL(args.ptbxl), fs=args.ptbxl_fs)
        out["ptbxl_criteria"] = {"fs": args.ptbxl_fs, "statements": crit}
        print(f"PTB-XL statements vs NORM ({args.ptbxl_fs} Hz; AUC [95% patient bootstrap]; "
              "% meeting the criterion [Wilson]; median +/NORM)")  # fmt: skip
        for k, r in crit.items():
            print(f"  {k:<12} {r['measurement']:<16} n+ {r['n_pos_measured']:>3} "
                  f"{r['auc']:.3f} [{r['auc_low']:.3f}, {r['auc_high']:.3f}] "
                  f"{r['meets_pct']:5.1f} [{r['meets_low']:.0f}, {r['meets_high']:.0f}] "
                  f"{r['median_pos']:.1f}/{r['median_neg']:.1f}")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=float))
        print(f"wrote {args.json}")
    return 0
