"""HRV beside NeuroKit2: the index map, NeuroKit2 on the same indices, and agreement.

Used by ``geoecg bench hrv --peers``. "Equal work" means NeuroKit2 computes exactly the
indices that both libraries define (:data:`NK_MAP`), through the functions listed in
:data:`NEUROKIT2_EQUAL_WORK`, and nothing else: no multifractal DFA, multiscale or fuzzy
entropy, correlation dimension, symbolic dynamics, heart-rate asymmetry or fragmentation,
which its full ``hrv()`` adds. Indices geoecg computes that NeuroKit2 has no function for
(HRMean, HRStd, HRMin, HRMax, COSEn, TPR) are left out of its side, so NeuroKit2 does
slightly less work than geoecg in the equal-work figure.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "NEUROKIT2_EQUAL_WORK",
    "NK_MAP",
    "bench_hrv_stages",
    "floor_indices",
    "holter_24h_timing",
    "mitdb_5min_series",
    "neurokit2_agreement",
    "neurokit2_full",
    "neurokit2_equal_work",
    "neurokit2_side_by_side",
    "median_seconds",
]

#: HRV index name in geoecg -> (name in NeuroKit2 without the ``HRV_`` prefix, whether the
#: definitions match, note).
NK_MAP: dict[str, tuple[str, bool, str]] = {
    **{k: (k, True, "") for k in ("MeanNN", "SDNN", "RMSSD", "SDSD", "CVNN", "CVSD")},
    **{k: (k, True, "") for k in ("MedianNN", "MadNN", "MCVNN", "IQRNN", "Prc20NN")},
    **{k: (k, True, "") for k in ("Prc80NN", "MinNN", "MaxNN", "HTI")},
    "pNN20": ("pNN20", False, "denominator: #differences here, #intervals in NK2"),
    "pNN50": ("pNN50", False, "denominator: #differences here, #intervals in NK2"),
    "TINN": ("TINN", False, "NK2 nested foot search from 0 ms; here independent feet"),
    "VLF": ("VLF", False, "NK2: 100 Hz monotone-cubic, its own Welch window"),
    "LF": ("LF", False, "as VLF"),
    "HF": ("HF", False, "as VLF"),
    "TP": ("TP", False, "as VLF; NK2 TP also holds ULF and VHF"),
    "LFHF": ("LFHF", False, "as VLF"),
    "LFn": ("LFn", False, "NK2: LF/TP; here 100 LF/(LF+HF)"),
    "HFn": ("HFn", False, "NK2: HF/TP; here 100 HF/(LF+HF)"),
    **{
        k + "_LS": (k + "_LS", False, "NK2 Lomb-Scargle (astropy grid, its normalisation)")
        for k in ("VLF", "LF", "HF", "TP", "LFHF", "LFn", "HFn")
    },
    **{k: (k, True, "") for k in ("SD1", "SD2", "SD1SD2", "CSI", "CVI")},
    "SampEn": ("SampEn", True, "same m=2, r=0.2 SD"),
    "ApEn": ("ApEn", True, "same m=2, r=0.2 SD"),
    "DFA_alpha1": ("DFA_alpha1", False, "NK2: overlapping windows (same scales 4-16 here)"),
    "DFA_alpha2": ("DFA_alpha2", False, "NK2: overlapping windows (same scales 16-64 here)"),
    "ShanEn": ("ShanEn", False, "NK2: Shannon entropy of the RR values themselves"),
}

#: NeuroKit2 function -> the shared indices it provides (the equal-work call set).
NEUROKIT2_EQUAL_WORK: dict[str, str] = {
    "hrv_time": "MeanNN ... MaxNN, pNN20, pNN50, HTI, TINN",
    "hrv_frequency(psd_method='welch')": "VLF, LF, HF, TP, LFHF, LFn, HFn",
    "hrv_frequency(psd_method='lomb')": "the same seven (_LS)",
    "hrv.hrv_nonlinear._hrv_nonlinear_poincare": "SD1, SD2, SD1SD2, CSI, CVI",
    "entropy_sample, entropy_approximate (m=2, r=0.2 SD)": "SampEn, ApEn",
    "fractal_dfa(scale=4..16), fractal_dfa(scale=16..64)": "DFA_alpha1, DFA_alpha2",
    "entropy_shannon": "ShanEn",
}


def mitdb_5min_series(root, n_series: int) -> tuple[list[np.ndarray], float]:
    """The benchmark's HRV series: R-peaks of 5-min windows of MIT-BIH reference beats.

    Windows start every 37.5 s over every record under ``root`` (a MIT-BIH folder); a
    window needs >= 10 beats; the list is cycled to ``n_series``. Returns ``(series, fs)``.

    Parameters
    ----------
    root : path-like
        MIT-BIH folder.
    n_series : int
        Series returned.

    Returns
    -------
    series : list of ndarray of int64
        R-peak sample indices of each window.
    fs : float
        Sampling frequency of the records, Hz.
    """
    if isinstance(n_series, bool) or not isinstance(n_series, int | np.integer) or n_series < 1:
        raise ValueError(f"n_series must be a whole number >= 1, got {n_series!r}")
    from pathlib import Path

    from ..io import beat_annotations, mitdb_records, read_record

    root = Path(root)
    out, fs = [], 360.0
    for name in mitdb_records(root):
        rec = read_record(root / name)
        fs, L, step = rec.fs, int(300 * rec.fs), int(37.5 * rec.fs)
        beats = beat_annotations(rec.annotations)["sample"].to_numpy()
        for s in range(0, rec.n_samples - L + 1, step):
            p = beats[(beats >= s) & (beats < s + L)]
            if p.size >= 10:
                out.append(p.astype(np.int64))
    if not out:
        raise FileNotFoundError(f"no MIT-BIH record with annotations under {root}")
    return (out * int(np.ceil(n_series / len(out))))[:n_series], fs


def neurokit2_equal_work(peaks, fs: float) -> dict[str, float]:
    """NeuroKit2 on the indices both libraries define (one series of R-peak indices).

    Returns ``{"HRV_<name>": value}`` with the Lomb-Scargle indices suffixed ``_LS``.
    Needs ``neurokit2`` (the ``bench`` extra).

    Parameters
    ----------
    peaks : array_like of int
        R-peak sample indices.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    dict of str -> float
        NeuroKit2's values in its units (ms, ms^2, ...).
    """
    import neurokit2 as nk
    from neurokit2.hrv.hrv_nonlinear import _hrv_nonlinear_poincare
    from neurokit2.hrv.hrv_utils import _hrv_format_input

    out: dict[str, float] = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out.update(nk.hrv_time(peaks, sampling_rate=fs).iloc[0].to_dict())
        out.update(nk.hrv_frequency(peaks, sampling_rate=fs, psd_method="welch").iloc[0])
        ls = nk.hrv_frequency(peaks, sampling_rate=fs, psd_method="lomb").iloc[0]
        out.update({k + "_LS": v for k, v in ls.items()})
        rri, rri_time, missing = _hrv_format_input(peaks, sampling_rate=fs)
        p = _hrv_nonlinear_poincare(rri, rri_time=rri_time, rri_missing=missing, out={})
        tol = 0.2 * np.std(rri, ddof=1)
        p["SampEn"], _ = nk.entropy_sample(rri, delay=1, dimension=2, tolerance=tol)
        p["ApEn"], _ = nk.entropy_approximate(rri, delay=1, dimension=2, tolerance=tol)
        p["ShanEn"], _ = nk.entropy_shannon(rri)
        p["DFA_alpha1"], _ = nk.fractal_dfa(rri, scale=np.arange(4, 17), multifractal=False)
        p["DFA_alpha2"], _ = nk.fractal_dfa(rri, scale=np.arange(16, 65), multifractal=False)
    out.update({"HRV_" + k: float(v) for k, v in p.items()})
    return out


def neurokit2_full(peaks, fs: float) -> dict[str, float]:
    """NeuroKit2 ``hrv(peaks, sampling_rate=fs)``: all of its indices (95 in 0.3.0).

    Parameters
    ----------
    peaks : array_like of int
        R-peak sample indices.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    dict of str -> float
        ``"HRV_<name>"`` -> value.
    """
    import neurokit2 as nk

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return {k: float(v) for k, v in nk.hrv(peaks, sampling_rate=fs).iloc[0].items()}


def neurokit2_agreement(X, names, frames) -> dict[str, dict]:
    """Median over series of ``|geoecg - nk2| / |nk2|`` per index of :data:`NK_MAP`.

    ``X`` (n_series, n_indices) with columns ``names``; ``frames`` one mapping per row of
    ``X`` from NeuroKit2 (``"HRV_<name>"`` keys). Pairs with a non-finite or zero
    NeuroKit2 value are skipped; ``None`` when none is left.

    Parameters
    ----------
    X : array_like, shape (n_series, n_indices)
        geoecg's indices.
    names : sequence of str
        Column names of ``X``.
    frames : sequence of mapping
        NeuroKit2's indices per series (``"HRV_<name>"`` keys).

    Returns
    -------
    dict of str -> dict
        Per index of :data:`NK_MAP`: ``median_rel_diff`` (float or None),
        ``definitions_match`` and ``note``.
    """
    X = np.asarray(X, dtype=np.float64)
    out = {}
    for name, (nkname, same, note) in NK_MAP.items():
        g = X[:, list(names).index(name)]
        r = np.array([float(f.get("HRV_" + nkname, np.nan)) for f in frames])
        ok = np.isfinite(g) & np.isfinite(r) & (r != 0)
        med = float(np.median(np.abs(g[ok] - r[ok]) / np.abs(r[ok]))) if ok.any() else None
        out[name] = {"median_rel_diff": med, "definitions_match": same, "note": note}
    return out


def floor_indices(series, fs: float) -> np.ndarray:
    """The throughput floor: MeanNN, SDNN, RMSSD, pNN50 of R-peak series in one pass each.

    ``series`` as for :func:`~geoecg.features.hrv_features_batch` with ``kind="rpeaks"``;
    returns (n_series, 4). A yardstick for benchmarks (no NaN handling, one-pass SDNN),
    not a replacement for the validated indices.

    Parameters
    ----------
    series : list of array_like of int
        R-peak sample indices, one array per series.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    ndarray of float64, shape (n_series, 4)
        MeanNN, SDNN, RMSSD (ms) and pNN50 (%).
    """
    from .._kernels.hrv_floor import four_indices
    from .hrv_batch import _flat_rr_from_rpeaks

    rr, _, offsets = _flat_rr_from_rpeaks(series, fs)
    out = np.full((offsets.size - 1, 4), np.nan)
    four_indices(rr_flat=rr, offsets=offsets, out=out)
    return out


def holter_24h_timing() -> dict:
    """Time a 24-h 2-lead 200-Hz Holter through ``detect_rpeaks`` and 5-min ``hrv_windowed``.

    The day is the embedded MIT-BIH 101 excerpt resampled to 200 Hz and tiled to 24 h; both
    functions run once on a minute first so that loading or compiling their kernels is
    outside the timers. Returns the number of windows and the seconds (wall) of each step.

    Returns
    -------
    dict
        ``n_windows`` (288 five-minute windows), ``rpeaks_s``, ``hrv_s`` and ``total_s``
        (wall seconds).
    """
    import time

    from ..datasets import sample_record_path
    from ..io import read_record
    from ..signal import resample
    from .hrv_batch import hrv_windowed
    from .rpeaks import detect_rpeaks

    fs = 200.0
    rec = read_record(sample_record_path("mitdb_101"))
    x = resample(np.asarray(rec.signal), rec.fs, fs)
    n = int(24 * 3600 * fs)
    day = np.ascontiguousarray(np.tile(x, (1, int(np.ceil(n / x.shape[1]))))[:, :n])
    detect_rpeaks(day[:, : int(60 * fs)], fs)
    hrv_windowed(np.arange(10) * int(fs), fs, window_s=300.0, partial=True)
    t0 = time.perf_counter()
    res = detect_rpeaks(day, fs)
    t1 = time.perf_counter()
    w = hrv_windowed(res.indices, fs, window_s=300.0, duration_s=n / fs, n_jobs=None)
    t2 = time.perf_counter()
    return {
        "n_windows": int(w.values.shape[0]),
        "rpeaks_s": t1 - t0,
        "hrv_s": t2 - t1,
        "total_s": t2 - t0,
    }


def median_seconds(f, reps: int = 3, clock=None) -> float:
    """Median seconds of ``reps`` calls of ``f()``: CPU seconds of this process by default
    (``time.process_time``: a one-thread figure that others' load inflates less than wall
    time), wall seconds with ``clock=time.perf_counter``.

    Parameters
    ----------
    f : callable
        Called with no argument.
    reps : int, default 3
        Calls timed.
    clock : callable, optional
        Clock in seconds; default ``time.process_time``.

    Returns
    -------
    float
        Median seconds per call.
    """
    import time

    clock = time.process_time if clock is None else clock
    ts = [clock()]
    for _ in range(reps):
        f()
        ts.append(clock())
    return float(np.median(np.diff(ts)))


def neurokit2_side_by_side(series, fs: float, X, names, n_subset: int) -> dict:
    """NeuroKit2 on ``n_subset`` evenly spaced series of ``series``: the median CPU seconds
    per series of its full ``hrv()`` and of :func:`neurokit2_equal_work`, and
    :func:`neurokit2_agreement` of the matching rows of ``X`` (geoecg, columns ``names``).
    Returns ``{"n_subset", "full_hrv_s_per_series", "equal_work_s_per_series",
    "agreement"}``.

    Parameters
    ----------
    series : list of array_like of int
        R-peak sample indices per series.
    fs : float
        Sampling frequency, Hz.
    X : array_like, shape (n_series, n_indices)
        geoecg's indices of every series.
    names : sequence of str
        Column names of ``X``.
    n_subset : int
        Series NeuroKit2 runs on.

    Returns
    -------
    dict
        ``n_subset``, ``full_hrv_s_per_series`` and ``equal_work_s_per_series`` (CPU
        seconds) and ``agreement`` (:func:`neurokit2_agreement`).
    """
    idx = np.linspace(0, len(series) - 1, min(n_subset, len(series))).astype(int)
    frames = [neurokit2_equal_work(series[i], fs) for i in idx]  # warm-up and agreement
    out = {"n_subset": int(idx.size)}
    for label, f in (("full_hrv", neurokit2_full), ("equal_work", neurokit2_equal_work)):
        per = [median_seconds(lambda i=i, f=f: f(series[i], fs), 1) for i in idx]
        out[f"{label}_s_per_series"] = float(np.median(per))
    out["agreement"] = neurokit2_agreement(np.asarray(X)[idx], names, frames)
    return out


def bench_hrv_stages(series, fs: float, sink, *, peers=False, nk_subset=30, progress=None):
    """The measurements of ``geoecg bench hrv``, written into ``sink`` step by step.

    A warm-up (geoecg's 48 indices and the floor once), then the median CPU seconds of
    :func:`~geoecg.features.hrv_features_batch` on one thread and its wall seconds on all
    threads (3 calls each), the floor (:func:`floor_indices`), with ``peers``
    :func:`neurokit2_side_by_side` (stage ``"neurokit2"``) and :func:`holter_24h_timing`
    (stage ``"day_24h"``).

    Parameters
    ----------
    series : list of array_like of int
        R-peak sample indices per series (:func:`mitdb_5min_series`).
    fs : float
        Sampling frequency, Hz.
    sink : geoecg.commands.bench_io.JsonSink
        Receives ``geoecg_one_thread_s``, ``geoecg_all_threads_s``, ``floor_one_thread_s``
        (s), ``geoecg_ms_per_series`` (ms) and the stages ``x_floor``, ``neurokit2``,
        ``day_24h`` (a stage an unfinished ``--json`` holds is read, not timed, on
        ``--resume``).
    peers : bool, default False
        Also time NeuroKit2 on ``nk_subset`` series.
    nk_subset : int, default 30
        Series timed with NeuroKit2.
    progress : bool or None, default None
        A tqdm bar of the steps on stderr, advanced between the timed steps, never inside
        one; None: only when stderr is a terminal (:func:`geoecg._progress.progress_bar`).

    Returns
    -------
    (dict or None, dict)
        The ``neurokit2`` stage (None without ``peers``) and the ``day_24h`` stage.
    """
    import time

    from .._progress import progress_bar
    from .hrv import HRV_FEATURE_NAMES
    from .hrv_batch import hrv_features_batch

    r, n = sink, len(series)
    steps = 5 + bool(peers)
    with progress_bar(total=steps, desc="bench hrv", unit="step", progress=progress) as bar:
        X, _ = hrv_features_batch(series, kind="rpeaks", fs=fs), floor_indices(series, fs)
        bar.update()
        for label, nj, clock in (("one_thread", 1, None), ("all_threads", None, time.perf_counter)):
            r[f"geoecg_{label}_s"] = median_seconds(
                lambda nj=nj: hrv_features_batch(series, kind="rpeaks", fs=fs, n_jobs=nj), 3, clock
            )
            bar.update()
        r["floor_one_thread_s"] = median_seconds(lambda: floor_indices(series, fs))
        bar.update()
        r["geoecg_ms_per_series"] = 1000 * r["geoecg_one_thread_s"] / n
        r.stage("x_floor", r["geoecg_one_thread_s"] / r["floor_one_thread_s"])
        nk = None
        if peers:
            nk = r.stage("neurokit2", lambda: neurokit2_side_by_side(
                series, fs, X, HRV_FEATURE_NAMES, nk_subset))  # fmt: skip
            bar.update()
        day = r.stage("day_24h", holter_24h_timing)
        bar.update()
    return nk, day
