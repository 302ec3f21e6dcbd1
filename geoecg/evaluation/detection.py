"""QRS detection scored the EC57 way: matching per record, VF excluded, from minute 5, per SNR.

The library side of ``geoecg bench qrs``. Detections are matched one to one with the reference
beats within a tolerance (:func:`~geoecg.evaluation.match_beats`); counts are summed over
records before Se, +P and F1 (percent) are taken (gross statistics,
:func:`~geoecg.evaluation.detection_rates`). Three scorings:

* ``whole``: the whole record, ventricular flutter/fibrillation episodes (between the ``[``
  and ``]`` annotations) left out on both sides, as ANSI/AAMI EC57 does for QRS detection;
* ``ec57``: the same from minute 5 on (EC57 ``bxb`` starts scoring after 5 minutes);
* ``raw``: the whole record with nothing left out;

and, on Noise Stress Test records, ``noisy``: only the noisy blocks (noise is added in
alternating 2-minute blocks from minute 5: 5-7, 9-11, ... min).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from .matching import match_beats
from .tables import detection_rates

__all__ = [
    "EC57_FIRST_MIN",
    "SCORINGS",
    "detection_report",
    "drop_intervals",
    "format_detection_report",
    "nstdb_noisy_windows",
    "score_detections",
    "sum_counts",
    "summarize_by_snr",
    "summarize_detector",
    "time_detector",
    "vf_intervals",
]

#: EC57 ``bxb`` scores from this minute on.
EC57_FIRST_MIN = 5.0
#: What each scoring of :func:`score_detections` counts.
SCORINGS = {
    "whole": "whole record, VF/flutter episodes ([ ... ]) excluded (EC57)",
    "ec57": f"from minute {EC57_FIRST_MIN:g} on, VF excluded (EC57 bxb)",
    "raw": "whole record, nothing excluded",
    "noisy": "NSTDB noisy blocks only (minutes 5-7, 9-11, ...)",
}
_COUNTS = ("tp", "fp", "fn")


def vf_intervals(samples, symbols, n_samples: int) -> list[tuple[int, int]]:
    """Sample intervals ``[start, stop)`` of the ``[`` ... ``]`` (VF/flutter) episodes.

    An episode still open at the end of the record closes at ``n_samples``.

    Parameters
    ----------
    samples : array_like of int
        Annotation samples.
    symbols : sequence of str
        Annotation symbols, one per sample.
    n_samples : int
        Record length, samples.

    Returns
    -------
    list of (int, int)
        Half-open sample intervals, the ``]`` sample included.

    Examples
    --------
    >>> vf_intervals([10, 50, 70, 90], ["N", "[", "]", "["], 100)
    [(50, 71), (90, 100)]
    """
    out, start = [], None
    for s, sym in zip(np.asarray(samples).tolist(), list(symbols), strict=True):
        if sym == "[" and start is None:
            start = s
        elif sym == "]" and start is not None:
            out.append((start, s + 1))
            start = None
    if start is not None:
        out.append((start, int(n_samples)))
    return out


def drop_intervals(x, intervals: Iterable[tuple[int, int]]) -> np.ndarray:
    """The sample indices of ``x`` outside every ``[start, stop)`` interval.

    Parameters
    ----------
    x : array_like of int
        Sample indices (beats, detections).
    intervals : iterable of (int, int)
        Half-open ``[start, stop)`` sample intervals to drop (e.g. :func:`vf_intervals`).

    Returns
    -------
    ndarray of int
        The indices of ``x`` outside every interval, in their order.

    Examples
    --------
    >>> drop_intervals([1, 5, 10, 20], [(4, 11)])
    array([ 1, 20])
    """
    x = np.asarray(x)
    keep = np.ones(x.shape[0], dtype=bool)
    for a, b in intervals:
        keep &= ~((x >= a) & (x < b))
    return x[keep]


def nstdb_noisy_windows(n_samples: int, fs: float) -> list[tuple[int, int]]:
    """The noisy 2-minute blocks of a Noise Stress Test record (minutes 5-7, 9-11, ...).

    Parameters
    ----------
    n_samples : int
        Record length, samples.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    list of (int, int)
        Half-open ``[start, stop)`` sample intervals, the last one cut at ``n_samples``.

    Examples
    --------
    >>> nstdb_noisy_windows(30 * 60, 1.0)[:2]
    [(300, 420), (540, 660)]
    """
    out, m = [], EC57_FIRST_MIN
    while m * 60 * fs < n_samples:
        out.append((int(m * 60 * fs), int(min((m + 2) * 60 * fs, n_samples))))
        m += 4
    return out


def _counts(ref, det, fs, tol, windows=None) -> dict:
    if windows is None:
        m = match_beats(ref, det, fs, tol)
        return {"tp": m.tp, "fp": m.fp, "fn": m.fn}
    return sum_counts(
        {"tp": m.tp, "fp": m.fp, "fn": m.fn}
        for m in (match_beats(ref, det, fs, tol, window=w) for w in windows)
    )


def sum_counts(counts: Iterable[Mapping]) -> dict:
    """Sum ``{"tp", "fp", "fn"}`` counts (gross statistics).

    Parameters
    ----------
    counts : iterable of mapping
        Each with the keys ``"tp"``, ``"fp"`` and ``"fn"`` (beats).

    Returns
    -------
    dict
        ``{"tp": ..., "fp": ..., "fn": ...}``, the sums (int).
    """
    tot = dict.fromkeys(_COUNTS, 0)
    for c in counts:
        for k in _COUNTS:
            tot[k] += int(c[k])
    return tot


def score_detections(
    reference, detected, fs: float, *, tolerance_ms: float = 150.0, vf=(), nstdb: bool = False,
    n_samples: int | None = None,
) -> dict:  # fmt: skip
    """Match counts of one record under each scoring of :data:`SCORINGS`.

    Parameters
    ----------
    reference, detected : array-like of int
        Reference beats and detections, sample indices.
    fs : float
        Sampling frequency in Hz.
    tolerance_ms : float
        Match window.
    vf : sequence of (int, int)
        VF/flutter episodes (:func:`vf_intervals`), left out of ``whole`` and ``ec57``.
    nstdb : bool
        Add ``noisy`` (Noise Stress Test records).
    n_samples : int, optional
        Record length (default: one past the last reference or detection).

    Returns
    -------
    dict
        Scoring -> ``{"tp", "fp", "fn"}``.
    """
    ref = np.sort(np.asarray(reference, dtype=np.int64))
    det = np.sort(np.asarray(detected, dtype=np.int64))
    if n_samples is None:
        n_samples = int(max(ref.max(initial=-1), det.max(initial=-1)) + 1)
    ref_v, det_v = drop_intervals(ref, vf), drop_intervals(det, vf)
    first = int(EC57_FIRST_MIN * 60 * fs)
    out = {
        "whole": _counts(ref_v, det_v, fs, tolerance_ms),
        "ec57": _counts(ref_v, det_v, fs, tolerance_ms, [(first, n_samples)]),
        "raw": _counts(ref, det, fs, tolerance_ms),
    }
    if nstdb:
        out["noisy"] = _counts(ref, det, fs, tolerance_ms, nstdb_noisy_windows(n_samples, fs))
    return out


def summarize_by_snr(per_record: Mapping, snr_db: Mapping) -> dict:
    """Gross ``whole`` and ``noisy`` rates per SNR, highest SNR first.

    Parameters
    ----------
    per_record : mapping
        Record -> :func:`score_detections` counts (with ``noisy``).
    snr_db : mapping
        Record -> SNR in dB.

    Returns
    -------
    dict
        SNR (as text, highest first) -> ``{"whole": rates, "noisy": rates}``, the rates
        of :func:`~geoecg.evaluation.detection_rates` over the records at that
        SNR.
    """
    groups: dict = {}
    for r, fig in per_record.items():
        groups.setdefault(f"{snr_db[r]:g}", []).append(fig)
    return {
        k: {s: detection_rates(**sum_counts(f[s] for f in v)) for s in ("whole", "noisy")}
        for k, v in sorted(groups.items(), key=lambda kv: -float(kv[0]))
    }


def time_detector(fn: Callable, signal, fs: float, repeats: int = 1):
    """Run ``fn(signal, fs)`` ``repeats`` times: (sorted unique detections, median wall s,
    median thread-CPU s).

    Thread CPU time is robust on a shared machine; both are returned.

    Parameters
    ----------
    fn : callable
        ``fn(signal, fs)`` -> detected sample indices.
    signal : array_like
        Passed to ``fn``.
    fs : float
        Sampling frequency, Hz, passed to ``fn``.
    repeats : int, default 1
        Runs; the times are their medians.

    Returns
    -------
    detections : ndarray of int64
        Sorted unique detections of the last run.
    wall_s : float
        Median wall time, s.
    cpu_s : float
        Median thread CPU time, s.

    Examples
    --------
    >>> det, wall, cpu = time_detector(lambda x, fs: [3, 1, 3], None, 1.0, repeats=2)
    >>> det.tolist(), wall >= 0, cpu >= 0
    ([1, 3], True, True)
    """
    walls, cpus, det = [], [], None
    for _ in range(max(int(repeats), 1)):
        t0, c0 = time.perf_counter(), time.thread_time()
        det = fn(signal, fs)
        cpus.append(time.thread_time() - c0)
        walls.append(time.perf_counter() - t0)
    return (
        np.sort(np.unique(np.asarray(det, dtype=np.int64))),
        float(np.median(walls)),
        float(np.median(cpus)),
    )


def summarize_detector(per_record: Mapping, n_samples: Mapping, records=None) -> dict:
    """Gross rates of every scoring and throughput of one detector over records.

    Parameters
    ----------
    per_record : mapping
        Record -> :func:`score_detections` counts plus ``wall_s`` and ``cpu_s``
        (:func:`time_detector`).
    n_samples : mapping
        Record -> record length in samples (throughput counts record samples).
    records : sequence, optional
        Records to sum over (default every record of ``per_record``).

    Returns
    -------
    dict
        Scoring -> :func:`~geoecg.evaluation.detection_rates`, ``throughput_sps``
        (record samples per wall second), ``throughput_cpu_sps`` (per CPU second) and
        ``n_records``.
    """
    recs = list(per_record) if records is None else list(records)
    if not recs:
        raise ValueError("records must name at least one record")
    scorings = [k for k in per_record[recs[0]] if k in SCORINGS]
    samples = sum(n_samples[r] for r in recs)
    wall = sum(per_record[r]["wall_s"] for r in recs)
    cpu = sum(per_record[r]["cpu_s"] for r in recs)
    return {
        **{k: detection_rates(**sum_counts(per_record[r][k] for r in recs)) for k in scorings},
        "throughput_sps": samples / wall if wall > 0 else float("nan"),
        "throughput_cpu_sps": samples / cpu if cpu > 0 else float("nan"),
        "n_records": len(recs),
    }


_TPUT = ("throughput_sps", "throughput_cpu_sps")


def detection_report(
    per: Mapping, infos: Mapping, records: Mapping, *, tolerance_ms: float,
    reference: str = "geoecg", variants: tuple = ("geoecg-all-leads",),
) -> dict:  # fmt: skip
    """Figures of a detection benchmark: the reference detector's totals and records, its
    variants, and each peer against the reference re-scored on the peer's records.

    Parameters
    ----------
    per : mapping
        Detector -> record -> :func:`score_detections` counts with ``wall_s``, ``cpu_s``.
    infos : mapping
        Record -> ``{"fs", "n_samples", "n_beats"}`` (and ``snr_db`` on NSTDB records).
    records : mapping
        Detector -> records it ran on.
    tolerance_ms : float
    reference : str
        The detector whose figures are the headline (``total``, ``records``).
    variants : tuple of str
        Other detectors of the same library (all records, scored like the reference).

    Returns
    -------
    dict
        ``tolerance_ms``, ``lead`` (0), ``scoring`` (what each scoring counts), ``total``,
        ``total_ec57``, ``total_raw``, ``records``, ``throughput_sps``,
        ``throughput_cpu_sps``, ``variants``, ``peers`` and, on NSTDB records, ``by_snr``.
    """
    n = {r: i["n_samples"] for r, i in infos.items()}
    snr = {r: i.get("snr_db") for r, i in infos.items()}
    nstdb = any(v is not None for v in snr.values())
    main = summarize_detector(per[reference], n, records[reference])
    res = {
        "tolerance_ms": float(tolerance_ms),
        "lead": 0,
        "scoring": {
            "total/records": SCORINGS["whole"],
            **{k: SCORINGS[k] for k in ("ec57", "raw", "noisy")},
            "timing": "thread CPU time and wall time, median over repeats per record, summed "
            "over records; numba single thread",
        },
        "total": main["whole"],
        "total_ec57": main["ec57"],
        "total_raw": main["raw"],
        "records": {
            r: {
                **detection_rates(**c["whole"]),
                **infos[r],
                **{k: detection_rates(**c[k]) for k in c if k in SCORINGS and k != "whole"},
            }
            for r, c in per[reference].items()
        },
        **{k: main[k] for k in _TPUT},
        "variants": {},
        "peers": {},
    }
    if nstdb:
        res["by_snr"] = summarize_by_snr(per[reference], snr)
    for d, recs in records.items():
        if d == reference:
            continue
        s = summarize_detector(per[d], n, recs)
        out = {**s["whole"], **{k: s[k] for k in _TPUT}}
        if d in variants:
            out.update(ec57=s["ec57"], raw=s["raw"])
            res["variants"][d] = out
        else:
            ours = summarize_detector(per[reference], n, recs)
            out.update(
                records=list(recs),
                geoecg_same_records={**ours["whole"], **{k: ours[k] for k in _TPUT}},
                speed_ratio_wall=ours[_TPUT[0]] / s[_TPUT[0]],
                speed_ratio_cpu=ours[_TPUT[1]] / s[_TPUT[1]],
            )
            res["peers"][d] = out
        if nstdb:
            out["by_snr"] = summarize_by_snr(per[d], snr)
    return res


def format_detection_report(res: Mapping) -> str:
    """Printable text of a :func:`detection_report` (per-record table by
    :func:`~geoecg.evaluation.count_table`, per-SNR F1, throughput, peers).

    Parameters
    ----------
    res : mapping
        The result of :func:`detection_report`.

    Returns
    -------
    str
        The report, several lines (Se, +P and F1 in %, throughput in M samples/s).
    """
    from .tables import count_table

    rows = dict(res["records"])
    rows.update(whole=res["total"], ec57=res["total_ec57"], raw=res["total_raw"])
    title = (
        f"\nQRS detection on {res.get('data', '')} ({res.get('database', '')}), lead 0, "
        f"tolerance {res['tolerance_ms']:g} ms; whole = VF/flutter excluded (EC57), ec57 = the "
        "same from minute 5 (bxb), raw = nothing excluded"
    )
    lines = [count_table(rows, title=title).format(digits=3, index_name="record")]
    if "by_snr" in res:
        lines.append("\nF1 per SNR (em noise), whole record / noisy blocks only:")
        snrs = {"geoecg": res["by_snr"]}
        snrs.update({k: v["by_snr"] for k, v in {**res["variants"], **res["peers"]}.items()})
        cols = list(res["by_snr"])
        lines.append(f"{'detector':>18} " + " ".join(f"{s + ' dB':>15}" for s in cols))
        for name, b in snrs.items():
            cells = " ".join(
                f"{b[s]['whole']['f1']:7.2f}/{b[s]['noisy']['f1']:6.2f}" if s in b else " " * 14
                for s in cols
            )
            lines.append(f"{name:>18} {cells}")
    lines.append(
        f"\ngeoecg throughput (lead 0, filtering included, 1 thread): "
        f"{res['throughput_cpu_sps'] / 1e6:.1f} M samples/s CPU time, "
        f"{res['throughput_sps'] / 1e6:.1f} M samples/s wall"
    )
    for name, v in res["variants"].items():
        lines.append(
            f"{name}: Se {v['se']:.3f} +P {v['ppv']:.3f} F1 {v['f1']:.3f} (whole); ec57 Se "
            f"{v['ec57']['se']:.3f} +P {v['ec57']['ppv']:.3f}; "
            f"{v['throughput_cpu_sps'] / 1e6:.1f} M record-samples/s CPU"
        )
    if res["peers"]:
        lines.append("\npeers (whole-record scoring; geoecg re-scored and re-timed on the same "
                     "records; x = geoecg throughput / the peer's, same run):")  # fmt: skip
        lines.append(
            f"{'peer':>16} {'recs':>4} {'Se':>7} {'+P':>7} {'F1':>7} {'geoecg F1':>9} "
            f"{'Msps cpu':>9} {'x cpu':>7} {'x wall':>7}"
        )
        for name, p in res["peers"].items():
            lines.append(
                f"{name:>16} {len(p['records']):>4} {p['se']:7.3f} {p['ppv']:7.3f} "
                f"{p['f1']:7.3f} {p['geoecg_same_records']['f1']:9.3f} "
                f"{p['throughput_cpu_sps'] / 1e6:9.3f} {p['speed_ratio_cpu']:7.1f} "
                f"{p['speed_ratio_wall']:7.1f}"
            )
    lines += [f"skipped {k}: {v}" for k, v in res.get("skipped", {}).items()]
    if "versions" in res:
        lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in res["versions"].items()))
    return "\n".join(lines)
