"""QRS detection: Se, +P, F1 against reference beats, throughput, and peers side by side.

``geoecg bench qrs --data DIR`` runs :func:`geoecg.features.detect_rpeaks` on every annotated
record of DIR (an MIT-BIH-style folder, or a Noise Stress Test folder: records named like
``118e06``), matches the detections to the reference beats (annotations whose symbol is in
``geoecg.io.mitdb.BEAT_SYMBOLS``) one to one within ``--tolerance-ms`` and prints per-record
and gross Se, +P and F1 (percent) with single-thread throughput (samples/s, filtering
included, median over ``--repeats`` runs per record).

Scoring conventions (all printed with the table):

* ``whole``: the whole record, ventricular flutter/fibrillation episodes (between the ``[``
  and ``]`` annotations) left out on both sides, as ANSI/AAMI EC57 does for QRS detection;
  these are the headline figures and the JSON ``total``/``records``;
* ``ec57``: the same from minute 5 on (EC57 ``bxb`` starts scoring after 5 minutes);
* ``raw``: the whole record with nothing left out.

On NSTDB records the figures are also given per SNR over the noisy blocks only (noise is
added in alternating 2-minute blocks from minute 5: 5-7, 9-11, ... min).

Detectors: ``geoecg`` uses lead 0, the same input as every peer; ``geoecg-all-leads`` uses
every lead (the multi-lead mode of detect_rpeaks). ``--peers`` adds NeuroKit2 ``neurokit``,
``pantompkins1985`` and ``kalidas2017`` (each ``ecg_clean`` with the same method, then
``ecg_findpeaks``) on ``--peer-records`` records and wfdb ``xqrs_detect`` on
``--xqrs-records`` records (it takes seconds per record); their throughput ratios are taken
against geoecg's timings on exactly the same records, in the same run. Timings are thread
CPU time (robust on a shared machine) and wall-clock time; both are reported.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

from ..evaluation.matching import match_beats
from ..features.rpeaks import detect_rpeaks
from ..io import read_record
from ..io.mitdb import BEAT_SYMBOLS
from ..io.nstdb import parse_nstdb_name
from ._versions import package_versions

NK_METHODS = ("neurokit", "pantompkins1985", "kalidas2017")
FIRST_MIN = 5.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, help="WFDB folder (MIT-BIH or NSTDB) or data root")
    p.add_argument("--records", nargs="+", default=None, help="record names (default: all)")
    p.add_argument("--tolerance-ms", type=float, default=150.0, help="match window, ms")
    p.add_argument("--repeats", type=int, default=5, help="timed runs per record (median)")
    p.add_argument("--peers", action="store_true", help="also run NeuroKit2 and wfdb xqrs")
    p.add_argument(
        "--peer-records", type=int, default=0,
        help="NeuroKit2 peers run on this many records, evenly spaced (0 = all)",
    )  # fmt: skip
    p.add_argument(
        "--xqrs-records", type=int, default=6,
        help="wfdb xqrs runs on this many records, evenly spaced (0 = all; default 6)",
    )  # fmt: skip
    p.add_argument("--peer-repeats", type=int, default=1, help="timed runs per peer record")
    p.add_argument("--no-all-leads", action="store_true", help="skip the all-leads variant")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


# --------------------------------------------------------------------------- data


def _resolve_folder(data: str) -> Path:
    folder = Path(data)
    if not folder.is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    if not list(folder.glob("*.atr")):
        for sub in ("mitdb", "nstdb"):
            if list((folder / sub).glob("*.atr")):
                return folder / sub
        raise FileNotFoundError(
            f"{folder} holds no annotated WFDB records (.hea + .dat + .atr); point --data at "
            "an MIT-BIH or NSTDB folder"
        )
    return folder


def _record_names(folder: Path, requested) -> list[str]:
    available = sorted(p.stem for p in folder.glob("*.atr") if p.with_suffix(".hea").is_file())
    if requested is None:
        return available
    missing = [r for r in requested if r not in available]
    if missing:
        raise FileNotFoundError(f"records not found (with .atr) in {folder}: {missing}")
    return list(requested)


def _subset(names: list[str], k: int) -> list[str]:
    if k <= 0 or k >= len(names):
        return list(names)
    idx = np.unique(np.round(np.linspace(0, len(names) - 1, k)).astype(int))
    return [names[i] for i in idx]


def _vf_intervals(ann, n: int) -> list[tuple[int, int]]:
    out, start = [], None
    for s, sym in zip(ann.sample.tolist(), ann.symbol.tolist(), strict=True):
        if sym == "[" and start is None:
            start = s
        elif sym == "]" and start is not None:
            out.append((start, s + 1))
            start = None
    if start is not None:
        out.append((start, n))
    return out


def _drop(x: np.ndarray, intervals) -> np.ndarray:
    keep = np.ones(x.shape[0], dtype=bool)
    for a, b in intervals:
        keep &= ~((x >= a) & (x < b))
    return x[keep]


def _noisy_windows(n: int, fs: float) -> list[tuple[int, int]]:
    out, m = [], FIRST_MIN
    while m * 60 * fs < n:
        out.append((int(m * 60 * fs), int(min((m + 2) * 60 * fs, n))))
        m += 4
    return out


# --------------------------------------------------------------------------- scoring


def _counts(ref, det, fs, tol, windows=None) -> dict:
    if windows is None:
        m = match_beats(ref, det, fs, tol)
        return {"tp": m.tp, "fp": m.fp, "fn": m.fn}
    tot = {"tp": 0, "fp": 0, "fn": 0}
    for w in windows:
        m = match_beats(ref, det, fs, tol, window=w)
        tot["tp"] += m.tp
        tot["fp"] += m.fp
        tot["fn"] += m.fn
    return tot


def _rates(c: dict) -> dict:
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    nan = float("nan")
    return {
        "se": 100.0 * tp / (tp + fn) if tp + fn else nan,
        "ppv": 100.0 * tp / (tp + fp) if tp + fp else nan,
        "f1": 200.0 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan,
        "tp": int(tp),
        "fp": int(fp),
        "fn": int(fn),
    }


def _add(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) + b[k] for k in ("tp", "fp", "fn")}


def _score(rec_info, det, tol) -> dict:
    ref, fs, n, vf, nstdb = rec_info
    ref_v, det_v = _drop(ref, vf), _drop(det, vf)
    out = {
        "whole": _counts(ref_v, det_v, fs, tol),
        "ec57": _counts(ref_v, det_v, fs, tol, [(int(FIRST_MIN * 60 * fs), n)]),
        "raw": _counts(ref, det, fs, tol),
    }
    if nstdb:
        out["noisy"] = _counts(ref, det, fs, tol, _noisy_windows(n, fs))
    return out


# --------------------------------------------------------------------------- detectors


def _geoecg(lead):
    def run(sig, fs):
        x = sig[lead] if lead is not None else sig
        return detect_rpeaks(x, fs).indices

    return run


def _nk(method):
    import neurokit2 as nk

    def run(sig, fs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NeuroKit2 warns on its own internals
            clean = nk.ecg_clean(sig[0], sampling_rate=int(round(fs)), method=method)
            peaks = nk.ecg_findpeaks(clean, sampling_rate=int(round(fs)), method=method)
        return np.asarray(peaks["ECG_R_Peaks"], dtype=np.int64)

    return run


def _xqrs(sig, fs):
    import wfdb.processing

    return np.asarray(wfdb.processing.xqrs_detect(sig[0], fs, verbose=False), dtype=np.int64)


def _timed(fn, sig, fs, repeats):
    walls, cpus, det = [], [], None
    for _ in range(max(int(repeats), 1)):
        t0, c0 = time.perf_counter(), time.thread_time()
        det = fn(sig, fs)
        cpus.append(time.thread_time() - c0)
        walls.append(time.perf_counter() - t0)
    return np.sort(np.unique(det)), float(np.median(walls)), float(np.median(cpus))


def _versions(peers: bool) -> dict:
    names = ("scipy", "numba", "neurokit2", "wfdb") if peers else ("scipy", "numba")
    return package_versions(*names)


# --------------------------------------------------------------------------- run


def run(args) -> int:
    import numba
    from tqdm.auto import tqdm

    numba.set_num_threads(1)
    folder = _resolve_folder(args.data)
    names = _record_names(folder, args.records)
    if not names:
        raise FileNotFoundError(f"no annotated records in {folder}")
    nstdb = any(parse_nstdb_name(r) is not None for r in names)
    tol = float(args.tolerance_ms)

    detectors = {"geoecg": (_geoecg(0), names, args.repeats)}
    if not args.no_all_leads:
        detectors["geoecg-all-leads"] = (_geoecg(None), names, args.repeats)
    skipped = {}
    if args.peers:
        from .._optional import install_hint, missing

        if missing("neurokit2"):
            skipped["neurokit2"] = f"not installed ({install_hint('neurokit2')})"
            print(f"skipping the NeuroKit2 peers: neurokit2 is not installed "
                  f"({install_hint('neurokit2')})", flush=True)
        else:
            nk_names = _subset(names, args.peer_records)
            for m in NK_METHODS:
                detectors[m] = (_nk(m), nk_names, args.peer_repeats)
        detectors["xqrs"] = (_xqrs, _subset(names, args.xqrs_records), args.peer_repeats)

    # warm-up (numba compile, caches) outside the timings
    detect_rpeaks(np.sin(np.linspace(0, 60, 3000)), 250.0)
    detect_rpeaks(np.sin(np.linspace(0, 60, 6000)).reshape(2, 3000), 250.0)

    per = {d: {} for d in detectors}  # detector -> record -> figures
    work = [(d, r) for d, (_, recs, _) in detectors.items() for r in recs]
    infos = {}
    bar = tqdm(total=len(work), desc="bench qrs", unit="run", file=None)
    for r in names:
        rec = read_record(folder / r)
        ann = rec.annotations
        ref = np.sort(ann.sample[np.isin(ann.symbol, list(BEAT_SYMBOLS))].astype(np.int64))
        sig = np.ascontiguousarray(rec.signal, dtype=np.float64)
        info = (ref, rec.fs, rec.n_samples, _vf_intervals(ann, rec.n_samples), nstdb)
        infos[r] = {"fs": rec.fs, "n_samples": rec.n_samples, "n_beats": int(ref.size)}
        if nstdb:
            infos[r]["snr_db"] = parse_nstdb_name(r)["snr_db"]
        for d, (fn, recs, reps) in detectors.items():
            if r not in recs:
                continue
            bar.set_postfix_str(f"{d} {r}")
            det, wall, cpu = _timed(fn, sig, rec.fs, reps)
            per[d][r] = {**_score(info, det, tol), "wall_s": wall, "cpu_s": cpu}
            bar.update(1)
    bar.close()

    def summary(d, recs):
        tot = {
            k: {"tp": 0, "fp": 0, "fn": 0} for k in per[d][recs[0]] if k not in ("wall_s", "cpu_s")
        }
        samples = sum(infos[r]["n_samples"] for r in recs)
        wall = sum(per[d][r]["wall_s"] for r in recs)
        cpu = sum(per[d][r]["cpu_s"] for r in recs)
        for r in recs:
            for k in tot:
                tot[k] = _add(tot[k], per[d][r][k])
        return {
            **{k: _rates(v) for k, v in tot.items()},
            "throughput_sps": samples / wall if wall > 0 else float("nan"),
            "throughput_cpu_sps": samples / cpu if cpu > 0 else float("nan"),
            "n_records": len(recs),
        }

    result = _assemble(args, folder, names, nstdb, tol, detectors, per, infos, summary, skipped)
    _print(result, nstdb)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2, default=float))
        print(f"\nwritten to {args.json}")
    return 0


def _assemble(args, folder, names, nstdb, tol, detectors, per, infos, summary, skipped) -> dict:
    main = summary("geoecg", names)
    result = {
        "database": "nstdb" if nstdb else "mitdb",
        "data": str(folder),
        "tolerance_ms": tol,
        "lead": 0,
        "scoring": {
            "total/records": "whole record, VF/flutter episodes ([ ... ]) excluded (EC57)",
            "ec57": f"from minute {FIRST_MIN:g} on, VF excluded (EC57 bxb)",
            "raw": "whole record, nothing excluded",
            "noisy": "NSTDB noisy blocks only (minutes 5-7, 9-11, ...)",
            "timing": "thread CPU time and wall time, median over repeats per record, "
            "summed over records; numba single thread",
        },
        "total": main["whole"],
        "total_ec57": main["ec57"],
        "total_raw": main["raw"],
        "records": {
            r: {
                **_rates(per["geoecg"][r]["whole"]),
                **infos[r],
                "ec57": _rates(per["geoecg"][r]["ec57"]),
                "raw": _rates(per["geoecg"][r]["raw"]),
                **({"noisy": _rates(per["geoecg"][r]["noisy"])} if nstdb else {}),
            }
            for r in names
        },  # fmt: skip
        "throughput_sps": main["throughput_sps"],
        "throughput_cpu_sps": main["throughput_cpu_sps"],
        "variants": {},
        "peers": {},
        "skipped": skipped,
        "versions": _versions(args.peers),
        "repeats": args.repeats,
        "peer_repeats": args.peer_repeats,
    }
    if nstdb:
        result["by_snr"] = _by_snr(per["geoecg"], infos)
    if "geoecg-all-leads" in detectors:
        v = summary("geoecg-all-leads", names)
        result["variants"]["geoecg-all-leads"] = {
            **v["whole"],
            "ec57": v["ec57"],
            "raw": v["raw"],
            "throughput_sps": v["throughput_sps"],
            "throughput_cpu_sps": v["throughput_cpu_sps"],
        }
        if nstdb:
            result["variants"]["geoecg-all-leads"]["by_snr"] = _by_snr(
                per["geoecg-all-leads"], infos
            )
    for d, (_, recs, _) in detectors.items():
        if d.startswith("geoecg"):
            continue
        p = summary(d, recs)
        ours = summary("geoecg", recs)
        result["peers"][d] = {
            **p["whole"],
            "throughput_sps": p["throughput_sps"],
            "throughput_cpu_sps": p["throughput_cpu_sps"],
            "records": recs,
            "geoecg_same_records": {**ours["whole"], "throughput_sps": ours["throughput_sps"],
                                    "throughput_cpu_sps": ours["throughput_cpu_sps"]},
            "speed_ratio_wall": ours["throughput_sps"] / p["throughput_sps"],
            "speed_ratio_cpu": ours["throughput_cpu_sps"] / p["throughput_cpu_sps"],
        }  # fmt: skip
        if nstdb:
            result["peers"][d]["by_snr"] = _by_snr(per[d], infos)
    return result


def _by_snr(per_det: dict, infos: dict) -> dict:
    out: dict = {}
    for r, fig in per_det.items():
        key = f"{infos[r]['snr_db']:g}"
        slot = out.setdefault(key, {"whole": {}, "noisy": {}})
        slot["whole"] = _add(slot["whole"], fig["whole"])
        slot["noisy"] = _add(slot["noisy"], fig["noisy"])
    return {
        k: {"whole": _rates(v["whole"]), "noisy": _rates(v["noisy"])}
        for k, v in sorted(out.items(), key=lambda kv: -float(kv[0]))
    }


def _fmt(d: dict) -> str:
    return f"{d['se']:7.3f} {d['ppv']:7.3f} {d['f1']:7.3f} {d['tp']:7d} {d['fp']:5d} {d['fn']:5d}"


def _print(res: dict, nstdb: bool) -> None:
    print(
        f"\nQRS detection on {res['data']} ({res['database']}), lead 0, tolerance "
        f"{res['tolerance_ms']:g} ms; Se/+P/F1 in %"
    )
    print("whole = whole record with VF/flutter episodes excluded (EC57); ec57 = the same from")
    print("minute 5 on (bxb); raw = nothing excluded\n")
    hdr = f"{'record':>8} {'Se':>7} {'+P':>7} {'F1':>7} {'TP':>7} {'FP':>5} {'FN':>5}"
    print(hdr + ("   noisy-blocks F1" if nstdb else ""))
    for r, d in res["records"].items():
        extra = f"   {d['noisy']['f1']:7.3f}" if nstdb else ""
        print(f"{r:>8} {_fmt(d)}{extra}")
    print(f"{'whole':>8} {_fmt(res['total'])}")
    print(f"{'ec57':>8} {_fmt(res['total_ec57'])}")
    print(f"{'raw':>8} {_fmt(res['total_raw'])}")
    if nstdb:
        print("\nF1 per SNR (em noise), whole record / noisy blocks only:")
        rows = [("geoecg", res["by_snr"])]
        rows += [(k, v["by_snr"]) for k, v in res["variants"].items()]
        rows += [(k, v["by_snr"]) for k, v in res["peers"].items()]
        snrs = list(res["by_snr"])
        print(f"{'detector':>18} " + " ".join(f"{s + ' dB':>15}" for s in snrs))
        for name, b in rows:
            cells = " ".join(
                f"{b[s]['whole']['f1']:7.2f}/{b[s]['noisy']['f1']:6.2f}" if s in b else " " * 14
                for s in snrs
            )
            print(f"{name:>18} {cells}")
    print(
        f"\ngeoecg throughput (lead 0, filtering included, 1 thread): "
        f"{res['throughput_cpu_sps'] / 1e6:.1f} M samples/s CPU time, "
        f"{res['throughput_sps'] / 1e6:.1f} M samples/s wall"
    )
    for name, v in res["variants"].items():
        print(
            f"{name}: Se {v['se']:.3f} +P {v['ppv']:.3f} F1 {v['f1']:.3f} (whole); "
            f"ec57 Se {v['ec57']['se']:.3f} +P {v['ec57']['ppv']:.3f}; "
            f"{v['throughput_cpu_sps'] / 1e6:.1f} M record-samples/s CPU"
        )
    if res["peers"]:
        print("\npeers (whole-record scoring; geoecg re-scored and re-timed on the same records):")
        print(
            f"{'peer':>16} {'recs':>4} {'Se':>7} {'+P':>7} {'F1':>7} {'geoecg F1':>9} "
            f"{'Msps cpu':>9} {'x cpu':>7} {'x wall':>7}"
        )
        for name, p in res["peers"].items():
            print(
                f"{name:>16} {len(p['records']):>4} {p['se']:7.3f} {p['ppv']:7.3f} "
                f"{p['f1']:7.3f} {p['geoecg_same_records']['f1']:9.3f} "
                f"{p['throughput_cpu_sps'] / 1e6:9.3f} {p['speed_ratio_cpu']:7.1f} "
                f"{p['speed_ratio_wall']:7.1f}"
            )
        print("x cpu / x wall: geoecg throughput divided by the peer's, same records, same run")
    for k, v in res["skipped"].items():
        print(f"skipped {k}: {v}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()))
