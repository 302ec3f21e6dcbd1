"""Wave delineation against cardiologists (LUDB), criteria-defined PTB-XL statements, ECGSYN.

``geoecg bench delineate --data DIR`` runs :func:`geoecg.features.delineate` on the LUDB
records of DIR (a LUDB folder, or a data root holding ``ludb/``) with the R-peaks of
:func:`geoecg.features.detect_rpeaks` (all leads), and prints a CSE-style table per fiducial:
sensitivity and positive predictivity (percent; one-to-one matching within
``--tolerance-ms``, scored inside each lead's annotated span, since LUDB leaves edge beats
unannotated) and the mean +/- SD of the error (ms). Two modes: each lead's own boundary
against that lead's marks (``per lead``), and the multi-lead global boundary of each beat
against every lead's marks (``global``).

``--peers`` runs NeuroKit2 ``ecg_delineate`` (``dwt`` and ``peak``, on ``ecg_clean``-ed
leads, given the same R-peaks) on ``--peer-leads`` of every record, and geoecg is scored on
exactly the same leads beside it. Speed is lead-beats per second of thread CPU time, geoecg
filtering included, NeuroKit2 ``ecg_clean`` excluded.

``--split tune|test`` scores only half of the records (even or odd positions of the sorted
record list): the defaults of :class:`geoecg.features.DelineationSettings` were chosen on
``tune`` of the visible LUDB half; ``test`` is the figure that was not used for choosing.

``--ptbxl DIR`` adds the criteria-defined statements (AUC of QRS duration for complete BBB,
PR for 1AVB, axis for LAFB, Sokolow-Lyon / Cornell for LVH, QTc for LNGQT, each vs NORM);
``--synthetic`` adds ECGSYN consistency checks across 40-180 bpm.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

from ..features.delineation import FIDUCIALS, delineate, settings_dict
from ..features.rpeaks import detect_rpeaks
from ..io.ludb import LUDB, LUDB_LEADS
from ._ludb_scoring import SCORED, format_table, score_record, split_records, summarise
from ._versions import package_versions

#: NeuroKit2 output keys for our fiducial names.
NK_KEYS = {
    "P_on": "ECG_P_Onsets", "P_peak": "ECG_P_Peaks", "P_off": "ECG_P_Offsets",
    "QRS_on": "ECG_R_Onsets", "QRS_off": "ECG_R_Offsets", "T_on": "ECG_T_Onsets",
    "T_peak": "ECG_T_Peaks", "T_off": "ECG_T_Offsets",
}  # fmt: skip


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="LUDB folder or a data root holding ludb/")
    p.add_argument("--records", nargs="+", default=None, help="record numbers (default: all)")
    p.add_argument("--split", choices=("all", "tune", "test"), default="all",
                   help="score all records or one half (see the module docstring)")
    p.add_argument("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    p.add_argument("--peers", action="store_true", help="also run NeuroKit2 ecg_delineate")
    p.add_argument("--peer-leads", nargs="+", default=["ii", "v1", "v5"],
                   help="LUDB leads NeuroKit2 runs on (default ii v1 v5)")
    p.add_argument("--ptbxl", default=None, help="PTB-XL folder: criteria-defined statements")
    p.add_argument("--ptbxl-fs", type=int, default=100, choices=(100, 500))
    p.add_argument("--synthetic", action="store_true", help="ECGSYN checks across 40-180 bpm")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")  # fmt: skip


def _ludb(data: str) -> LUDB:
    root = Path(data)
    if not root.is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    for cand in (root, root / "ludb"):
        try:
            return LUDB(cand)
        except FileNotFoundError:
            continue
    raise FileNotFoundError(f"{root} holds no LUDB records (data/N.hea and N.i ... N.v6)")


def _nk_delineate(nk, x: np.ndarray, rp: np.ndarray, fs: float, method: str):
    """NeuroKit2 positions (n_beats, 12) in FIDUCIALS order and the CPU seconds taken."""
    clean = nk.ecg_clean(x, sampling_rate=int(fs))
    t0 = time.thread_time()
    try:
        _, waves = nk.ecg_delineate(clean, rpeaks=rp, sampling_rate=int(fs), method=method)
    except Exception:  # NeuroKit2 fails on some strips; count it as no detection
        waves = {}
    dt = time.thread_time() - t0
    out = np.full((rp.size, len(FIDUCIALS)), np.nan)
    for fid, key in NK_KEYS.items():
        v = np.asarray(waves.get(key, []), dtype=float)
        if v.size == rp.size:
            out[:, FIDUCIALS.index(fid)] = v
    return out, dt


def run_ludb(db: LUDB, names, tol: float, peers: bool, peer_leads) -> dict:
    per_lead, per_global, peer_scores = [], [], {"geoecg": [], "nk-dwt": [], "nk-peak": []}
    cpu = {"geoecg": 0.0, "nk-dwt": 0.0, "nk-peak": 0.0}
    lead_beats = {"geoecg": 0, "peer": 0}
    pl = [ld for ld in peer_leads if ld in LUDB_LEADS]
    nk = None
    if peers:
        import neurokit2 as nk
    for name in names:
        rec = db.read(name)
        fs = rec.fs
        rp = detect_rpeaks(rec.signal, fs).indices
        delineate(rec.signal[:, :200], fs, rp[rp < 200])  # warm-up, compiled kernels
        t0 = time.thread_time()
        d = delineate(rec.signal, fs, rp, LUDB_LEADS)
        cpu["geoecg"] += time.thread_time() - t0
        lead_beats["geoecg"] += rp.size * len(LUDB_LEADS)
        per_lead.append(score_record(rec.waves, d.lead_samples, fs, tolerance_ms=tol))
        per_global.append(score_record(rec.waves, d.samples, fs, tolerance_ms=tol))
        if peers:
            idx = [LUDB_LEADS.index(ld) for ld in pl]
            peer_scores["geoecg"].append(score_record(
                rec.waves, d.lead_samples[idx], fs, tolerance_ms=tol, leads=pl))  # fmt: skip
            for meth in ("dwt", "peak"):
                pos = np.empty((len(pl), rp.size, len(FIDUCIALS)))
                for k, j in enumerate(idx):
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        pos[k], dt = _nk_delineate(nk, rec.signal[j], rp, fs, meth)
                    cpu[f"nk-{meth}"] += dt
                peer_scores[f"nk-{meth}"].append(
                    score_record(rec.waves, pos, fs, tolerance_ms=tol, leads=pl))
            lead_beats["peer"] += rp.size * len(pl)
    res = {
        "records": list(names), "tolerance_ms": tol,
        "per_lead": summarise(per_lead), "global": summarise(per_global),
        "speed": {"geoecg_lead_beats_per_s": lead_beats["geoecg"] / max(cpu["geoecg"], 1e-9)},
    }  # fmt: skip
    if peers:
        res["peers"] = {"leads": pl, **{k: summarise(v) for k, v in peer_scores.items()}}
        for meth in ("dwt", "peak"):
            s = lead_beats["peer"] / max(cpu[f"nk-{meth}"], 1e-9)
            res["speed"][f"nk-{meth}_lead_beats_per_s"] = s
            res["speed"][f"ratio_vs_nk-{meth}"] = res["speed"]["geoecg_lead_beats_per_s"] / s
    return res


def _peer_table(res: dict) -> str:
    p = res["peers"]
    head = f"{'fiducial':<9}" + "".join(f" {m:>27}" for m in ("geoecg", "nk-dwt", "nk-peak"))
    lines = [f"Side by side on leads {p['leads']} (Se/+P %, mean ± SD ms)", head]
    for fid, _, _ in SCORED:
        cells = []
        for m in ("geoecg", "nk-dwt", "nk-peak"):
            a = p[m][fid]["all"]
            cells.append(f"{a['se']:5.1f}/{a['ppv']:5.1f} {a['mean_ms']:6.1f}±{a['sd_ms']:5.1f}"
                         if a["tp"] else "—")  # fmt: skip
        lines.append(f"{fid:<9}" + "".join(f" {c:>27}" for c in cells))
    return "\n".join(lines)


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
    res = run_ludb(db, names, args.tolerance_ms, args.peers, args.peer_leads)
    print(f"LUDB: {len(names)} records (split {args.split}), tolerance {args.tolerance_ms:g} ms, "
          "R-peaks from detect_rpeaks (all leads)")  # fmt: skip
    print(format_table("geoecg per lead (each lead's boundary vs that lead's marks)",
                       res["per_lead"]))  # fmt: skip
    print(format_table("geoecg global (multi-lead boundary vs every lead's marks)",
                       res["global"]))  # fmt: skip
    if args.peers:
        print(_peer_table(res))
    sp = res["speed"]
    print("speed, lead-beats/s per core (thread CPU): geoecg "
          f"{sp['geoecg_lead_beats_per_s']:.0f}" + "".join(
              f"; NeuroKit2 {m} {sp[f'nk-{m}_lead_beats_per_s']:.1f} "
              f"(ratio {sp[f'ratio_vs_nk-{m}']:.0f}x)" for m in ("dwt", "peak")
              if f"nk-{m}_lead_beats_per_s" in sp))  # fmt: skip
    out = {"ludb": res, "settings": settings_dict(_default()),
           "versions": package_versions("scipy", "numba", "neurokit2", "wfdb")}  # fmt: skip
    if args.ptbxl:
        from ..io import PTBXL
        from ._delineate_extra import format_criteria, ptbxl_criteria

        crit = ptbxl_criteria(PTBXL(args.ptbxl), fs=args.ptbxl_fs)
        print(format_criteria(crit, args.ptbxl_fs))
        out["ptbxl_criteria"] = {"fs": args.ptbxl_fs, "statements": crit}
    if args.synthetic:
        from ._delineate_extra import synthetic_checks

        syn = synthetic_checks()
        print("ECGSYN (12 leads, 10 s, 500 Hz): beats detected/expected, % beats with P and T, "
              "median QRS ms")  # fmt: skip
        for r in syn:
            print(f"  HR {r['hr_bpm']:>3} width {r['qrs_width']:.1f} noise {r['noise_mv']:.2f}: "
                  f"{r['detected_beats']}/{r['expected_beats']} beats, P {r['p_pct']:5.1f}%, "
                  f"T {r['t_pct']:5.1f}%, QRS {r['qrs_ms']:5.1f} ms")  # fmt: skip
        out["synthetic"] = syn
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=float))
        print(f"wrote {args.json}")
    return 0


def _default():
    from ..features.delineation import DelineationSettings

    return DelineationSettings()
