"""Peer R-peak detectors behind one call signature, for side-by-side benchmarks.

``peer_rpeak_detector(name)`` returns ``run(signal, fs) -> int64 sample indices`` on lead 0
of a ``(n_leads, n_samples)`` signal: NeuroKit2 ``neurokit``, ``pantompkins1985`` and
``kalidas2017`` (each ``ecg_clean`` with the same method, then ``ecg_findpeaks``; extra
``bench``) and wfdb ``xqrs`` (``wfdb.processing.xqrs_detect``). ``"geoecg"`` is
:func:`geoecg.features.detect_rpeaks` on lead 0, ``"geoecg-all-leads"`` on every lead.

The pieces of ``geoecg bench qrs`` live here too: :func:`annotated_folder` and
:func:`annotated_records` find the records, :func:`benchmark_detectors` picks the detectors
and their records, :func:`run_detection_benchmark` times and scores them record by record
(and times the floor, :func:`floor_cpu_seconds`, on each record's lead 0), :func:`qrs_report`
and :func:`format_qrs_report` add the floor to the figures and the printed report.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..io.header import check_signal_files

#: Half width of the floor's moving window, s (21 samples at 360 Hz, 12 at 200 Hz).
FLOOR_HALF_WIDTH_S = 0.058

__all__ = [
    "NEUROKIT_METHODS",
    "PEER_DETECTORS",
    "peer_rpeak_detector",
    "annotated_folder",
    "annotated_records",
    "evenly_spaced",
    "benchmark_detectors",
    "run_detection_benchmark",
    "floor_cpu_seconds",
    "qrs_report",
    "format_qrs_report",
]

#: NeuroKit2 methods run as peers.
NEUROKIT_METHODS = ("neurokit", "pantompkins1985", "kalidas2017")
#: Every name :func:`peer_rpeak_detector` knows.
PEER_DETECTORS = ("geoecg", "geoecg-all-leads", *NEUROKIT_METHODS, "xqrs")


def _geoecg(all_leads: bool) -> Callable:
    from .rpeaks import detect_rpeaks

    def run(signal, fs):
        return detect_rpeaks(signal if all_leads else signal[0], fs).indices

    return run


def _neurokit(method: str) -> Callable:
    def run(signal, fs):
        import neurokit2 as nk

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NeuroKit2 warns on its own internals
            clean = nk.ecg_clean(signal[0], sampling_rate=int(round(fs)), method=method)
            peaks = nk.ecg_findpeaks(clean, sampling_rate=int(round(fs)), method=method)
        return np.asarray(peaks["ECG_R_Peaks"], dtype=np.int64)

    return run


def _xqrs(signal, fs):
    import wfdb.processing

    return np.asarray(wfdb.processing.xqrs_detect(signal[0], fs, verbose=False), dtype=np.int64)


def peer_rpeak_detector(name: str) -> Callable:
    """``run(signal, fs)`` of detector ``name`` (one of :data:`PEER_DETECTORS`).

    The peer packages are imported when ``run`` is first called.

    Parameters
    ----------
    name : str
        One of :data:`PEER_DETECTORS`.

    Returns
    -------
    callable
        ``run(signal, fs)``: ``signal`` (n_leads, n_samples) in mV, ``fs`` in Hz ->
        int64 R-peak sample indices.

    Raises
    ------
    ValueError
        ``name`` is not a detector of :data:`PEER_DETECTORS`.

    Examples
    --------
    >>> run = peer_rpeak_detector("geoecg")
    >>> x = np.zeros((1, 2500)); x[0, 250::250] = 1.0
    >>> run(x, 250.0).size > 0
    True
    """
    if name in ("geoecg", "geoecg-all-leads"):
        return _geoecg(name == "geoecg-all-leads")
    if name in NEUROKIT_METHODS:
        return _neurokit(name)
    if name == "xqrs":
        return _xqrs
    raise ValueError(f"unknown detector {name!r}; choose one of {PEER_DETECTORS}")


def annotated_folder(data) -> Path:
    """The folder of annotated WFDB records (``.atr``) at ``data``, or in its ``mitdb`` or
    ``nstdb`` sub-folder; FileNotFoundError naming ``--data`` otherwise.

    Parameters
    ----------
    data : path-like
        The ``--data`` folder of ``geoecg bench qrs``.

    Returns
    -------
    pathlib.Path
        The first of ``data``, ``data/mitdb`` and ``data/nstdb`` that holds ``.atr`` files.

    Raises
    ------
    FileNotFoundError
        ``data`` is not a folder, or none of the three holds annotated records.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> annotated_folder(sample_mitdb_dir()).name
    'mitdb'
    """
    from ..io.paths import _annotated_folder

    return _annotated_folder(data)


def annotated_records(folder: Path, requested=None) -> list[str]:
    """Names of the records of ``folder`` with a header and annotations, sorted (or
    ``requested``, each checked to exist).

    Parameters
    ----------
    folder : path-like
        WFDB folder.
    requested : sequence of str, optional
        Record names to use instead of all of them.

    Returns
    -------
    list of str
        Record names.

    Raises
    ------
    FileNotFoundError
        A requested record has no ``.atr`` file in ``folder``.
    ValueError
        A record's signal file is shorter than its header promises (headers read only; the
        message names the record, the file and the bytes found and expected).

    Warns
    -----
    UserWarning
        ``requested`` omitted and some records of ``folder`` (other than the NSTDB noise
        records ``bw``, ``ma``, ``em``) have no ``.atr`` file: they are not scored, and
        the warning names them (an incomplete download?).

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> annotated_records(sample_mitdb_dir())
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    """
    have = sorted(p.stem for p in Path(folder).glob("*.atr") if p.with_suffix(".hea").is_file())
    if requested is None:
        from ..io.nstdb import NOISE_RECORDS

        bare = sorted(
            p.stem
            for p in Path(folder).glob("*.hea")
            if p.stem not in have and p.stem not in NOISE_RECORDS
        )
        if bare and have:
            warnings.warn(
                f"{len(bare)} record(s) of {folder} have no .atr annotation file and are not "
                f"scored: {bare[:10]}{' ...' if len(bare) > 10 else ''}; {len(have)} scored",
                UserWarning,
                stacklevel=2,
            )
    missing = [r for r in requested or () if r not in have]
    if missing:
        raise FileNotFoundError(f"records not found (with .atr) in {folder}: {missing}")
    names = have if requested is None else list(requested)
    check_signal_files(folder, names)  # a truncated .dat now, not when its turn comes
    return names


def evenly_spaced(names: list, k: int) -> list:
    """``k`` names evenly spaced over ``names`` (all of them when ``k <= 0`` or ``k >= len``).

    Parameters
    ----------
    names : list
        Names to pick from, in order.
    k : int
        How many to pick.

    Returns
    -------
    list
        The picked names, in the order of ``names``.

    Examples
    --------
    >>> evenly_spaced(list("abcdefghij"), 3)
    ['a', 'e', 'j']
    """
    if k <= 0 or k >= len(names):
        return list(names)
    return [names[i] for i in np.unique(np.round(np.linspace(0, len(names) - 1, k)).astype(int))]


def benchmark_detectors(
    names: list, *, repeats: int, all_leads: bool = True, peers: bool = False,
    peer_records: int = 0, xqrs_records: int = 6, peer_repeats: int = 1,
) -> tuple[dict, dict]:  # fmt: skip
    """Detector -> ``(run, records, repeats)`` for a benchmark over ``names``, and peers skipped
    -> reason: geoecg (lead 0, and every lead with ``all_leads``), and with ``peers`` NeuroKit2
    on ``peer_records`` and wfdb ``xqrs`` on ``xqrs_records`` evenly spaced records.

    Parameters
    ----------
    names : list of str
        Record names of the benchmark.
    repeats : int
        Timed runs of geoecg per record.
    all_leads : bool, default True
        Also the every-lead geoecg detector.
    peers : bool, default False
        Add NeuroKit2's methods and wfdb's ``xqrs``.
    peer_records : int, default 0
        Records NeuroKit2 runs on (0: all).
    xqrs_records : int, default 6
        Records ``xqrs`` runs on (0: all).
    peer_repeats : int, default 1
        Timed runs of a peer per record.

    Returns
    -------
    detectors : dict
        Detector name -> ``(run, records, repeats)``.
    skipped : dict
        Peer name -> why it is left out (not installed).
    """
    variants = ("geoecg", "geoecg-all-leads")[: 2 if all_leads else 1]
    dets = {d: (peer_rpeak_detector(d), names, repeats) for d in variants}
    skipped = {}
    if peers:
        from .._optional import install_hint, missing

        if missing("neurokit2"):
            skipped["neurokit2"] = f"not installed ({install_hint('neurokit2')})"
        else:
            for m in NEUROKIT_METHODS:
                dets[m] = (peer_rpeak_detector(m), evenly_spaced(names, peer_records), peer_repeats)
        dets["xqrs"] = (_xqrs, evenly_spaced(names, xqrs_records), peer_repeats)
    return dets, skipped


def _nan_back(d: dict) -> dict:
    """A unit read back from JSON: ``null`` (how NaN is written) is NaN again."""
    return {k: _nan_back(v) if isinstance(v, dict) else np.nan if v is None else v
            for k, v in d.items()}  # fmt: skip


def run_detection_benchmark(folder: Path, names: list, detectors: dict, *, tolerance_ms: float,
                            nstdb: bool, progress: bool | None = None, on_fold=None,
                            done_folds=None) -> tuple[dict, dict]:  # fmt: skip
    """Time and score every detector of :func:`benchmark_detectors` on its records (lead
    signals of ``folder`` against the beat annotations): detector -> record -> counts of
    :func:`geoecg.evaluation.detection.score_detections` with ``wall_s`` and ``cpu_s``, and
    record -> ``fs``, ``n_samples``, ``n_beats`` (``snr_db`` on NSTDB) and ``floor_cpu_s``
    (:func:`floor_cpu_seconds` on lead 0, as many repeats as ``"geoecg"``'s, 1 without it).
    geoecg's detectors run once untimed on the first record they time (compilation).

    Parameters
    ----------
    folder : path-like
        WFDB folder of the records.
    names : list of str
        Records to read.
    detectors : dict
        The first result of :func:`benchmark_detectors`.
    tolerance_ms : float
        Match window of a detection around a reference beat, ms.
    nstdb : bool
        The records are NSTDB records (their SNR is parsed from the name).
    progress : bool or None, default None
        A tqdm bar on stderr (None: only when stderr is a terminal).
    on_fold : callable, optional
        Called as ``on_fold(record, unit)`` after each record, ``unit`` being
        ``{"info": ..., "scores": {detector: counts}}`` (``geoecg bench qrs --json``
        writes it at once; ``geoecg.commands.bench_io.FoldLog``).
    done_folds : dict, optional
        Record -> unit of an earlier, unfinished run: read back, not run again.

    Returns
    -------
    per_detector : dict
        Detector -> record -> counts, ``wall_s`` and ``cpu_s``.
    records : dict
        Record -> ``fs`` (Hz), ``n_samples``, ``n_beats``, ``floor_cpu_s`` (and ``snr_db``).
    """
    from .._progress import progress_bar
    from ..evaluation import detection as ev
    from ..io import read_record
    from ..io.mitdb import BEAT_SYMBOLS
    from ..io.nstdb import parse_nstdb_name

    per, infos, warm = {d: {} for d in detectors}, {}, set()
    total = sum(len(v[1]) for v in detectors.values())
    bar = progress_bar(total=total, desc="bench qrs", unit="run", progress=progress)
    done = {str(k): v for k, v in (done_folds or {}).items()}  # JSON keys: "119" read as 119
    for r in names:
        want = [d for d, v in detectors.items() if r in v[1]]
        if r in done:
            if sorted(done[r]["scores"]) != sorted(want):
                raise ValueError(
                    f"done_folds[{r!r}] holds the detectors {sorted(done[r]['scores'])}, "
                    f"this run has {sorted(want)}"
                )
            infos[r] = _nan_back(done[r]["info"])
            for d in want:
                per[d][r] = _nan_back(done[r]["scores"][d])
            bar.update(len(want))
            continue
        rec = read_record(Path(folder) / r)
        ann = rec.annotations
        ref = np.sort(ann.sample[np.isin(ann.symbol, list(BEAT_SYMBOLS))].astype(np.int64))
        sig = np.ascontiguousarray(rec.signal, dtype=np.float64)
        vf = ev.vf_intervals(ann.sample, ann.symbol, rec.n_samples)
        infos[r] = {"fs": rec.fs, "n_samples": rec.n_samples, "n_beats": int(ref.size)}
        if nstdb:
            infos[r]["snr_db"] = parse_nstdb_name(r)["snr_db"]
        floor_reps = detectors["geoecg"][2] if "geoecg" in detectors else 1
        infos[r]["floor_cpu_s"] = floor_cpu_seconds(sig[0], rec.fs, floor_reps)
        for d, (fn, recs, reps) in detectors.items():
            if r in recs and d in ("geoecg", "geoecg-all-leads") and d not in warm:
                fn(sig, rec.fs)  # untimed: the first call on a real record compiles paths
                warm.add(d)  # a synthetic warm-up does not reach (~0.1 s, session 16)
            if r in recs:
                det, wall, cpu = ev.time_detector(fn, sig, rec.fs, reps)
                score = ev.score_detections(ref, det, rec.fs, tolerance_ms=tolerance_ms, vf=vf,
                                            nstdb=nstdb, n_samples=rec.n_samples)  # fmt: skip
                per[d][r] = {**score, "wall_s": wall, "cpu_s": cpu}
                bar.update(1)
        if on_fold is not None:
            on_fold(r, {"info": infos[r], "scores": {d: per[d][r] for d in want}})
    bar.close()
    return per, infos


def floor_cpu_seconds(x, fs: float, repeats: int = 1) -> float:
    """Median thread CPU time of the throughput floor on one lead: a centred moving mean by a
    running sum (:func:`geoecg._kernels.rpeaks_floor.moving_window_floor`, half width
    ``FLOOR_HALF_WIDTH_S``), the least work per sample of any envelope detector.

    Parameters
    ----------
    x : array_like
        One lead, 1-D, any unit.
    fs : float
        Sampling frequency, Hz (sets the window).
    repeats : int, default 1
        Timed runs (after one untimed run that compiles the kernel).

    Returns
    -------
    float
        Median thread CPU time of one pass, s.

    Raises
    ------
    ValueError
        ``x`` is not a non-empty 1-D array or ``fs`` is not a positive finite number.

    Examples
    --------
    >>> floor_cpu_seconds(np.sin(np.arange(3600) / 50.0), 360.0, repeats=3) >= 0
    True
    """
    from .._kernels.rpeaks_floor import moving_window_floor

    x = np.ascontiguousarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"x must be one lead, a non-empty 1-D array; got shape {x.shape}")
    if not (np.isfinite(fs) and fs > 0):
        raise ValueError(f"fs must be a positive sampling frequency in Hz; got {fs!r}")
    h = max(int(round(FLOOR_HALF_WIDTH_S * fs)), 1)
    moving_window_floor(x[: 2 * h + 2], h)  # compile outside the timings
    ts = []
    for _ in range(max(int(repeats), 1)):
        t0 = time.thread_time()
        moving_window_floor(x, h)
        ts.append(time.thread_time() - t0)
    return float(np.median(ts))


def qrs_report(per: dict, infos: dict, records: dict, *, tolerance_ms: float) -> dict:
    """:func:`geoecg.evaluation.detection.detection_report` of a :func:`run_detection_benchmark`
    with the floor: ``floor_cpu_sps`` (record samples per CPU second of the moving-window
    floor, lead 0, summed over the records it was timed on) and ``x_floor`` (geoecg's CPU time
    on those records / the floor's: how many floor passes one detection costs).

    Parameters
    ----------
    per, infos : dict
        The results of :func:`run_detection_benchmark`; ``floor_cpu_s`` is taken out of the
        record infos (a record read back from an older ``--json`` may lack it).
    records : dict
        Detector -> records it ran on.
    tolerance_ms : float
        Match window, ms.

    Returns
    -------
    dict
        The detection report plus ``floor_cpu_sps`` and ``x_floor`` (NaN, and
        ``floor_reason``, when no record holds a floor time or a time is 0).
    """
    from ..evaluation import detection as ev

    floor = {r: i["floor_cpu_s"] for r, i in infos.items() if "floor_cpu_s" in i}
    clean = {r: {k: v for k, v in i.items() if k != "floor_cpu_s"} for r, i in infos.items()}
    res = ev.detection_report(per, clean, records, tolerance_ms=tolerance_ms)
    on = [r for r in floor if r in per.get("geoecg", {})]
    t_floor = sum(floor[r] for r in on)
    t_det = sum(per["geoecg"][r]["cpu_s"] for r in on)
    if not on or not t_floor > 0 or not t_det > 0:
        res.update(floor_cpu_sps=float("nan"), x_floor=float("nan"),
                   floor_reason="no record with a floor time and a nonzero CPU time")  # fmt: skip
        return res
    res["floor_cpu_sps"] = sum(clean[r]["n_samples"] for r in on) / t_floor
    res["x_floor"] = t_det / t_floor
    return res


def format_qrs_report(res: dict) -> str:
    """Printable text of a :func:`qrs_report`:
    :func:`geoecg.evaluation.detection.format_detection_report` and the floor line.

    Parameters
    ----------
    res : dict
        The result of :func:`qrs_report` (a plain detection report prints without the floor).

    Returns
    -------
    str
        The report; its floor line reads "floor: a moving-window pass at X M samples/s;
        geoecg Y x the floor" (CPU time, lead 0).
    """
    from ..evaluation import detection as ev

    lines = ev.format_detection_report(res).split("\n")
    if "floor_cpu_sps" not in res:
        return "\n".join(lines)
    if not np.isfinite(res["x_floor"]):
        floor = f"floor: not measured ({res.get('floor_reason', '')})"
    else:
        floor = (
            f"floor: a moving-window pass at {res['floor_cpu_sps'] / 1e6:.1f} M samples/s "
            f"(lead 0, CPU time, same run); geoecg {res['x_floor']:.1f} x the floor"
        )
    # right below geoecg's throughput line (the last line when there is none)
    at = [i + 1 for i, s in enumerate(lines) if s.startswith("geoecg throughput")]
    lines.insert(at[0] if at else len(lines), floor)
    return "\n".join(lines)
