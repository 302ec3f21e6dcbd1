"""Throughput measurements of cohort extraction (used by ``geoecg bench extract``).

Figures are records per CPU second of the chunk work (read + features + Parquet), so they
are per-core rates even on a shared machine; the projection to a cohort of ``n`` records
is ``n / rate`` CPU seconds.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np

__all__ = [
    "N_PROJECT",
    "NEUROKIT2_EQUAL_WORK",
    "extraction_benchmark",
    "format_report",
    "neurokit2_equal_features",
    "scale_check",
    "side_by_side",
    "time_feature_sets",
]

#: Cohort size of the projection (MIMIC-IV-ECG: ~800,000 records).
N_PROJECT = 800_000


def time_feature_sets(tree, features, out, n: int, chunk_size: int, fs: int) -> dict:
    """Extract ``features`` for the first ``n`` records of ``tree`` into ``out`` (one
    process) and return records, errors, CPU and wall seconds, records per CPU second
    and the CPU hours projected to :data:`N_PROJECT` records.

    Parameters
    ----------
    tree : path-like
        Record tree (any layout :func:`geoecg.cohort.extract_features` reads).
    features : sequence of str
        Feature-set names.
    out : path-like
        Output folder of the extraction.
    n : int
        Records to extract (the first ``n``).
    chunk_size : int
        Records per chunk.
    fs : int
        Sampling frequency to extract at, Hz.

    Returns
    -------
    dict
        ``features``, ``records``, ``errors``, ``cpu_s``, ``wall_s``, ``records_per_cpu_s``
        and ``projected_cpu_h_800k`` (CPU hours for :data:`N_PROJECT` records).
    """
    from .extract import extract_features

    res = extract_features(
        tree, list(features), out=out, fs=fs, limit=n, chunk_size=chunk_size, progress=False
    )
    return {
        "features": "+".join(features),
        "records": res.n_records_computed,
        "errors": res.n_errors_computed,
        "cpu_s": res.cpu_s,
        "wall_s": res.wall_s,
        "records_per_cpu_s": res.records_per_cpu_s,
        "projected_cpu_h_800k": N_PROJECT / res.records_per_cpu_s / 3600.0,
    }


#: What NeuroKit2 computes in the equal-work comparison (geoecg feature set -> its calls).
NEUROKIT2_EQUAL_WORK: dict[str, str] = {
    "rpeaks": "ecg_clean + ecg_peaks on the primary lead (geoecg combines all leads), RR summary",
    "hrv": "hrv_time, hrv_frequency (welch, lomb), Poincare, entropy_sample, "
    "entropy_approximate, entropy_shannon, fractal_dfa (4-16, 16-64)",
    "sqi": "ecg_quality averageQRS (template) and zhao2018 (pSQI, kSQI, basSQI), skewness; "
    "no bSQI, flat or clipped fractions (NeuroKit2 has none)",
    "covariance": "signal_filter 0.5-40 Hz Butterworth order 2 per lead, then OAS (scikit-learn)",
}


def neurokit2_equal_features(signal: np.ndarray, fs: float, primary: int = 1) -> None:
    """NeuroKit2 doing the feature work of rpeaks + hrv + sqi + covariance on one record
    (:data:`NEUROKIT2_EQUAL_WORK`); each call in its own ``try`` (a 10-s strip is too
    short for some HRV indices, which geoecg returns as NaN): a failing call costs its time
    and the rest still runs. Returns nothing: only its CPU time is used.

    Parameters
    ----------
    signal : ndarray, shape (n_leads, n_samples)
        One record, mV.
    fs : float
        Sampling frequency, Hz.
    primary : int, default 1
        Lead of the R-peak and HRV work (lead II of the standard order).
    """
    import neurokit2 as nk
    from neurokit2.hrv.hrv_nonlinear import _hrv_nonlinear_poincare
    from neurokit2.hrv.hrv_utils import _hrv_format_input
    from scipy.stats import skew
    from sklearn.covariance import oas

    def _try(f, *a, **k):
        try:
            return f(*a, **k)
        except Exception:  # noqa: BLE001 - the time counts, the value is not used
            return None

    clean = nk.ecg_clean(signal[primary], sampling_rate=fs)
    peaks = nk.ecg_peaks(clean, sampling_rate=fs)[1]["ECG_R_Peaks"]
    rr = np.diff(peaks) * (1000.0 / fs)
    if rr.size > 1:
        _ = (rr.mean(), np.median(rr), rr.std(ddof=1), rr.min(), rr.max())
    _try(nk.hrv_time, peaks, sampling_rate=fs)
    for method in ("welch", "lomb"):
        _try(nk.hrv_frequency, peaks, sampling_rate=fs, psd_method=method)
    rri, rri_time, missing = _hrv_format_input(peaks, sampling_rate=fs)
    _try(_hrv_nonlinear_poincare, rri, rri_time=rri_time, rri_missing=missing, out={})
    tol = 0.2 * np.std(rri, ddof=1) if rri.size > 1 else 0.0
    _try(nk.entropy_sample, rri, delay=1, dimension=2, tolerance=tol)
    _try(nk.entropy_approximate, rri, delay=1, dimension=2, tolerance=tol)
    _try(nk.entropy_shannon, rri)
    for lo, hi in ((4, 17), (16, 65)):
        _try(nk.fractal_dfa, rri, scale=np.arange(lo, hi), multifractal=False)
    _try(nk.ecg_quality, clean, rpeaks=peaks, sampling_rate=fs)
    _try(nk.ecg_quality, clean, rpeaks=peaks, sampling_rate=fs, method="zhao2018",
         approach="fuzzy")  # fmt: skip
    skew(signal[primary])
    band = [
        nk.signal_filter(ld, sampling_rate=fs, lowcut=0.5, highcut=40, method="butterworth",
                         order=2) for ld in signal
    ]  # fmt: skip
    oas(np.asarray(band).T)


#: Passes of geoecg over the side-by-side records per repeat, so that its timed block is as
#: long as NeuroKit2's (steady state on both sides; each pass starts from the signals).
GEOECG_PASSES = 20


def side_by_side(paths, fs: float, features, primary: int = 1, repeats: int = 3) -> dict:
    """CPU seconds per record of geoecg (the feature sets ``features`` on all records in
    one batch, as a chunk does) and of :func:`neurokit2_equal_features` (one record at a
    time) on the same signals, read once beforehand with :func:`geoecg.io.read_signal`
    (reading and writing outside both timers; the reading CPU time per record is returned
    as ``read_cpu_s_per_record``). Warnings are silenced on both sides. The two sides
    alternate ``repeats`` times, geoecg making ``GEOECG_PASSES`` (20) passes over the records
    per repeat (one pass is ~50x shorter than NeuroKit2's, too short to time after
    NeuroKit2 has evicted the caches); the figures are medians over the repeats
    (``speedup`` the median of the per-repeat ratios).

    Parameters
    ----------
    paths : sequence of str
        Record paths (without extension) readable by :func:`geoecg.io.read_signal`.
    fs : float
        Sampling frequency of the records, Hz.
    features : sequence of str
        geoecg feature-set names (NeuroKit2 does :data:`NEUROKIT2_EQUAL_WORK`).
    primary : int, default 1
        Lead of the R-peak and HRV work on both sides.
    repeats : int, default 3
        Alternations of the two sides.

    Returns
    -------
    dict
        ``records``, ``repeats``, CPU seconds per record (``read_cpu_s_per_record``,
        ``geoecg_cpu_s_per_record``, ``neurokit2_cpu_s_per_record``), ``speedup`` and
        ``speedup_per_repeat``, the NeuroKit2 ``version`` and ``neurokit2_calls``.
    """
    import neurokit2 as nk

    from ..io.fast import read_signal
    from ._chunk import RunConfig, compute_features
    from .feature_sets import RecordData, resolve_feature_sets

    fsets = resolve_feature_sets(list(features))
    t0 = time.process_time()
    signals = [np.ascontiguousarray(read_signal(p).signal) for p in paths]
    read = (time.process_time() - t0) / len(signals)
    leads = tuple(f"l{i}" for i in range(signals[0].shape[0]))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cfg = RunConfig(
            feature_sets=tuple(fsets),
            leads=leads,
            match_leads="position",
            primary=primary,
            fs=None,
            flat="keep",
            columns=tuple(c for f in fsets for c in f.columns(leads)),
            metadata={},
        )

        def geoecg(xs):
            items = ((k, RecordData(x, float(fs), leads, primary)) for k, x in enumerate(xs))
            return compute_features(items, len(xs), cfg)

        geoecg(signals[:1])  # warm-up on the first record, both sides (lazy imports, caches)
        neurokit2_equal_features(signals[0], float(fs), primary)
        geo, nk_s = [], []
        for _ in range(repeats):  # alternate the two sides so load drift hits both
            t0 = time.process_time()
            for _ in range(GEOECG_PASSES):
                geoecg(signals)
            geo.append((time.process_time() - t0) / (GEOECG_PASSES * len(signals)))
            t0 = time.process_time()
            for x in signals:
                neurokit2_equal_features(x, float(fs), primary)
            nk_s.append((time.process_time() - t0) / len(signals))
    ratios = np.divide(nk_s, geo)
    return {
        "records": len(signals),
        "repeats": repeats,
        "read_cpu_s_per_record": read,
        "geoecg_cpu_s_per_record": float(np.median(geo)),
        "neurokit2_cpu_s_per_record": float(np.median(nk_s)),
        "speedup": float(np.median(ratios)),
        "speedup_per_repeat": ratios.tolist(),
        "version": nk.__version__,
        "neurokit2_calls": NEUROKIT2_EQUAL_WORK,
    }


def scale_check(
    ptbxl_root, tmp, n_tree: int, n_sample: int, features, chunk_size: int, fs: int
) -> dict:
    """Build a MIMIC-layout tree of ``n_tree`` records, time its listing, and extract
    ``n_sample`` records spread over it (listing, planning and manifest included).

    Parameters
    ----------
    ptbxl_root : path-like
        PTB-XL folder the tree is made from.
    tmp : path-like
        Scratch folder (the tree and the output are written below it).
    n_tree : int
        Records of the tree.
    n_sample : int
        Records extracted, evenly spaced over the tree.
    features : sequence of str
        Feature-set names.
    chunk_size : int
        Records per chunk.
    fs : int
        Sampling frequency, Hz.

    Returns
    -------
    dict
        ``records`` (of the tree), ``build_s`` and ``list_s`` (wall seconds to build and to
        list it), ``sampled``, ``records_per_cpu_s`` and ``wall_s`` of the extraction.
    """
    from .extract import extract_features
    from .layout import mimic_layout_from_ptbxl
    from .sources import open_source

    tmp = Path(tmp)
    root = tmp / "big_tree"
    t0 = time.perf_counter()
    mimic_layout_from_ptbxl(ptbxl_root, root, n_tree, fs=fs)
    build_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    refs = open_source(root).refs()
    list_s = time.perf_counter() - t0
    ids = [r.record_id for r in refs[:: max(1, len(refs) // n_sample)]][:n_sample]
    res = extract_features(
        root,
        list(features),
        out=tmp / "big_out",
        fs=fs,
        records=ids,
        chunk_size=chunk_size,
        progress=False,
    )
    return {
        "records": len(refs),
        "build_s": build_s,
        "list_s": list_s,
        "sampled": res.n_records_computed,
        "records_per_cpu_s": res.records_per_cpu_s,
        "wall_s": res.wall_s,
    }


def extraction_benchmark(
    ptbxl_root,
    *,
    fs: int = 500,
    synthetic: int = 2000,
    per_set: int = 300,
    n_jobs: int = 2,
    nk_sample: int = 20,
    chunk_size: int = 256,
    big_tree: int = 0,
    sets=("rpeaks", "hrv", "sqi", "noise", "af", "morphology", "covariance", "tangent"),
    target=("rpeaks", "hrv", "sqi", "covariance"),
    sink=None,
    progress: bool | None = None,
) -> dict:
    """The ``geoecg bench extract`` protocol; returns the figures it prints and writes.

    PTB-XL records at ``fs`` cycled into a MIMIC-IV-ECG-layout tree of ``synthetic`` records
    (in a temporary folder); a warm-up; each feature set of ``sets`` and ``target`` on
    ``per_set`` records, ``target`` on the whole tree (:func:`time_feature_sets`); the worker
    peak memory of an ``n_jobs`` joblib run; optionally :func:`scale_check` on a
    ``big_tree``-record tree; geoecg and NeuroKit2 side by side on the first ``nk_sample``
    records of the tree (:func:`side_by_side`, skipped when 0).

    ``sink`` (a ``geoecg.commands.bench_io.JsonSink``, optional) receives each stage as
    it finishes (``per_set``, ``full_tree``, ``worker_max_rss_mb``, ``big_tree``,
    ``neurokit2``), so an interrupted run keeps the finished ones in its ``--json``; the
    returned dict is then ``sink.results``. Each stage is given to the sink as a function:
    a sink made with ``run=args`` and ``--resume`` reads the stages the unfinished file
    holds instead of timing them again (the warm-up runs only when a timed stage needs it;
    the tree is always built, since the remaining stages read it).

    Parameters
    ----------
    ptbxl_root : path-like
        PTB-XL folder.
    fs : int, default 500
        Sampling frequency of the records used, Hz.
    synthetic : int, default 2000
        Records of the MIMIC-layout tree.
    per_set : int, default 300
        Records per feature-set stage.
    n_jobs : int, default 2
        Worker processes of the peak-memory run.
    nk_sample : int, default 20
        Records of the NeuroKit2 comparison (0 skips it).
    chunk_size : int, default 256
        Records per chunk.
    big_tree : int, default 0
        Records of the :func:`scale_check` tree (0 skips it).
    sets : sequence of str
        Feature sets timed one by one.
    target : sequence of str
        Feature sets of the throughput target (timed together, and on the whole tree).
    sink : geoecg.commands.bench_io.JsonSink, optional
        Receives each stage as it finishes.
    progress : bool or None, default None
        A tqdm bar of the steps on stderr (building the tree, each feature set, the whole
        tree, the memory run, the big tree, NeuroKit2), advanced between steps, never inside
        a timed one; None: only when stderr is a terminal
        (:func:`geoecg._progress.progress_bar`).

    Returns
    -------
    dict
        ``fs``, ``distinct_records``, ``synthetic``, ``chunk_size``, ``build_s``,
        ``per_set``, ``full_tree``, ``process_max_rss_mb``, ``worker_max_rss_mb`` (MB),
        ``big_tree`` and ``neurokit2`` (None when skipped): what :func:`format_report`
        prints.
    """
    import tempfile

    from .._progress import progress_bar
    from ..io.ptbxl import PTBXL
    from ._chunk import peak_rss_mb
    from .extract import extract_features
    from .layout import mimic_layout_from_ptbxl

    ptb = PTBXL(ptbxl_root)
    out: dict = {} if sink is None else sink.results
    total = 1 + len(sets) + 1 + 1 + 1 + (big_tree > 0) + (nk_sample > 0)
    bar = progress_bar(total=total, desc="bench extract", unit="step", progress=progress)
    done = [0]

    def step(n=1):  # between timed steps only
        done[0] += n
        bar.update(n)

    def stage(name, compute, steps=1):
        before = done[0]
        if sink is None:
            out[name] = compute()
        else:
            sink.stage(name, compute)
        step(steps - (done[0] - before))  # a stage --resume restored: its steps at once

    out.update(fs=fs, distinct_records=len(ptb.available(fs)), synthetic=synthetic)
    out["chunk_size"] = chunk_size
    with bar, tempfile.TemporaryDirectory(prefix="geoecg-bench-extract-") as tmp:
        tmp = Path(tmp)
        tree = tmp / "tree"
        t0 = time.perf_counter()
        lst = mimic_layout_from_ptbxl(ptb.root, tree, synthetic, fs=fs)
        out["build_s"] = time.perf_counter() - t0
        step()
        warm: list = []

        def timed(fset, name, n):
            if not warm:  # load every kernel once, before the first timed stage
                warm.append(time_feature_sets(tree, sets, tmp / "warm", 8, chunk_size, fs))
            return time_feature_sets(tree, fset, tmp / name, n, chunk_size, fs)

        def per_set_stage():
            rows = []
            for k, fset in enumerate([(s,) for s in sets] + [tuple(target)]):
                rows.append(timed(fset, f"set{k}", per_set))
                step()
            return rows

        stage("per_set", per_set_stage, steps=len(sets) + 1)
        stage("full_tree", lambda: timed(target, "big", synthetic))
        out["process_max_rss_mb"] = peak_rss_mb()
        par = {"out": tmp / "par", "limit": min(synthetic, 4 * chunk_size * n_jobs)}
        par.update(fs=fs, n_jobs=n_jobs, chunk_size=chunk_size, progress=False)
        stage("worker_max_rss_mb", lambda: extract_features(tree, list(target), **par).max_rss_mb)
        big = (ptb.root, tmp, big_tree, per_set, target, chunk_size, fs)
        stage("big_tree", lambda: scale_check(*big) if big_tree > 0 else None, int(big_tree > 0))
        paths = [str(tree / p) for p in lst["path"].iloc[:nk_sample]]
        nk = int(nk_sample > 0)
        stage("neurokit2", lambda: _side_by_side_end_to_end(paths, fs, target, out), nk)
    return out


def _side_by_side_end_to_end(paths, fs: int, target, out: dict) -> dict | None:
    """:func:`side_by_side` on ``paths`` (None when there are none) with
    ``speedup_end_to_end``: end to end, reading included on both sides alike (the same
    reader); geoecg also writes Parquet, NeuroKit2 writes nothing."""
    if not paths:
        return None
    nk = side_by_side(paths, float(fs), target)
    e2e = nk["neurokit2_cpu_s_per_record"] + nk["read_cpu_s_per_record"]
    nk["speedup_end_to_end"] = e2e * out["full_tree"]["records_per_cpu_s"]
    return nk


def format_report(r: dict, target_rate: float = 110.0, target_speedup: float = 150.0) -> str:
    """The text table of an :func:`extraction_benchmark` result ``r`` (what
    ``geoecg bench extract`` prints), with the two targets marked met or missed.

    Parameters
    ----------
    r : dict
        Result of :func:`extraction_benchmark`.
    target_rate : float, default 110.0
        Throughput target of the target feature sets, records per CPU second.
    target_speedup : float, default 150.0
        Speed target against NeuroKit2's equal work (times).

    Returns
    -------
    str
        The table, one line per feature set, then the targets and the peak memory.
    """
    big, nk, tgt = r["full_tree"], r["neurokit2"], r["full_tree"]["features"]
    lines = [
        f"geoecg bench extract: PTB-XL {r['fs']} Hz, {r['distinct_records']} distinct records, "
        f"MIMIC-layout tree of {r['synthetic']} (built in {r['build_s']:.1f} s)",
        f"{'feature sets':<32}{'records':>8}{'CPU s':>9}{'rec/CPU s':>11}{'800k CPU h':>12}",
    ]
    for s in r["per_set"] + [dict(big, features=f"{tgt} (all {r['synthetic']})")]:
        lines.append(
            f"{s['features']:<32}{s['records']:>8}{s['cpu_s']:>9.2f}"
            f"{s['records_per_cpu_s']:>11.1f}{s['projected_cpu_h_800k']:>12.2f}"
        )
    rate = big["records_per_cpu_s"]
    ok = "met" if rate >= target_rate else "missed"
    lines.append(
        f"target {tgt}: >= {target_rate:g} rec/CPU s ({ok}: {rate:.1f}), read + Parquet in"
    )
    if nk is not None:
        x, e = nk["speedup"], nk["speedup_end_to_end"]
        lines += [
            f"side by side on {nk['records']} records, CPU ms/record (reading excluded on both "
            f"sides): geoecg {1e3 * nk['geoecg_cpu_s_per_record']:.2f}, NeuroKit2 "
            f"{nk['version']} equal work {1e3 * nk['neurokit2_cpu_s_per_record']:.1f}",
            f"geoecg {x:.0f}x NeuroKit2 (target {target_speedup:g}x: "
            f"{'met' if x >= target_speedup else 'missed'}); end to end with the same reader "
            f"({1e3 * nk['read_cpu_s_per_record']:.2f} ms) on both sides: {e:.0f}x",
        ]
    lines.append(
        f"peak memory per worker (chunk {r['chunk_size']}): {r['worker_max_rss_mb']:.0f} MB "
        f"(target <= 1024); this process {r['process_max_rss_mb']:.0f} MB"
    )
    if (b := r["big_tree"]) is not None:
        lines.append(
            f"tree of {b['records']}: listing {b['list_s']:.2f} s; {b['sampled']} records over "
            f"it {b['records_per_cpu_s']:.1f} rec/CPU s (manifest included)"
        )
    return "\n".join(lines)
