"""Validation protocols of :func:`geoecg.features.delineate` (used by ``geoecg bench delineate``).

Each protocol takes an already opened database adapter (duck-typed: ``read(name)`` returning a
record with ``signal``, ``fs`` and ``waves``) and returns plain dicts of figures; scoring is
done by :mod:`geoecg.evaluation.delineation`.

* :func:`ludb_protocol`: per-lead and multi-lead (global) boundaries against LUDB's
  cardiologists, optionally side by side with NeuroKit2 ``ecg_delineate`` on the same beats;
* :func:`qtdb_protocol`: the QT-database ``q1c`` protocol (annotated beats only, QT error);
* :func:`noise_robustness`: the same LUDB scoring after adding NSTDB noise at several SNRs;
* :func:`ecgsyn_truth`: ECGSYN strips against their exact wave positions;
* :func:`ptbxl_criteria`: criteria-defined PTB-XL statements (AUC of the measurement).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np

from .._progress import progress_bar
from .._stop import raise_if_stopped
from ..evaluation.delineation import (
    consensus_waves,
    criterion_scores,
    pool_scores,
    score_annotated_beats,
    score_fiducial,
    score_waves,
    summarise_scores,
)
from .clinical import clinical_measurements
from .delineation import FIDUCIALS, delineate
from .rpeaks import detect_rpeaks

__all__ = [
    "CRITERIA", "NK_KEYS", "ecgsyn_truth", "ludb_protocol", "nk_delineate", "noise_robustness",
    "nstdb_noises", "ptbxl_criteria", "qtdb_protocol",
]  # fmt: skip

#: NeuroKit2 output keys for our fiducial names.
NK_KEYS = {
    "P_on": "ECG_P_Onsets", "P_peak": "ECG_P_Peaks", "P_off": "ECG_P_Offsets",
    "QRS_on": "ECG_R_Onsets", "QRS_off": "ECG_R_Offsets", "T_on": "ECG_T_Onsets",
    "T_peak": "ECG_T_Peaks", "T_off": "ECG_T_Offsets",
}  # fmt: skip

#: PTB-XL statement -> (measurement, sign making larger = more abnormal, criterion, test).
CRITERIA = {
    "CLBBB": ("qrs_dur_ms", 1.0, "QRS >= 120 ms", lambda v, s: v >= 120.0),
    "CRBBB": ("qrs_dur_ms", 1.0, "QRS >= 120 ms", lambda v, s: v >= 120.0),
    "1AVB": ("pr_ms", 1.0, "PR > 200 ms", lambda v, s: v > 200.0),
    "LAFB": ("qrs_axis_deg", -1.0, "axis < -45 deg", lambda v, s: v < -45.0),
    "LVH": ("sokolow_lyon_mv", 1.0, "Sokolow-Lyon >= 3.5 mV", lambda v, s: v >= 3.5),
    "LVH_cornell": (
        "cornell_mv",
        1.0,
        "Cornell > 2.8 (M) / 2.0 (F) mV",
        lambda v, s: v > np.where(s == 1, 2.0, 2.8),
    ),  # fmt: skip
    "LNGQT": (
        "qtc_bazett_ms",
        1.0,
        "QTc Bazett > 450 (M) / 460 (F) ms",
        lambda v, s: v > np.where(s == 1, 460.0, 450.0),
    ),  # fmt: skip
}


def nk_delineate(nk, x: np.ndarray, rpeaks: np.ndarray, fs: float, method: str):
    """NeuroKit2 ``ecg_delineate`` positions ``(n_beats, 12)`` in FIDUCIALS order, CPU s.

    ``nk`` is the imported ``neurokit2`` module; the lead is ``ecg_clean``-ed first (not
    timed). A NeuroKit2 exception on a strip counts as no detection.

    Parameters
    ----------
    nk : module
        ``neurokit2``.
    x : ndarray, shape (n_samples,)
        One lead, mV.
    rpeaks : ndarray of int
        R-peak sample indices.
    fs : float
        Sampling frequency, Hz.
    method : str
        NeuroKit2 method (``"dwt"``, ``"peak"``).

    Returns
    -------
    positions : ndarray, shape (n_beats, 12)
        Sample positions in ``FIDUCIALS`` order, NaN where absent.
    cpu_s : float
        Thread CPU seconds of ``ecg_delineate``.
    """
    clean = nk.ecg_clean(x, sampling_rate=int(fs))
    t0 = time.thread_time()
    try:
        _, waves = nk.ecg_delineate(clean, rpeaks=rpeaks, sampling_rate=int(fs), method=method)
    except Exception:  # NeuroKit2 fails on some strips; count it as no detection
        raise_if_stopped()  # unless it was a stop (Ctrl-C / SIGTERM) that came out as this
        waves = {}
    dt = time.thread_time() - t0
    out = np.full((rpeaks.size, len(FIDUCIALS)), np.nan)
    for fid, key in NK_KEYS.items():
        v = np.asarray(waves.get(key, []), dtype=float)
        if v.size == rpeaks.size:
            out[:, FIDUCIALS.index(fid)] = v
    return out, dt


def ludb_protocol(
    db,
    names,
    *,
    leads,
    tolerance_ms=150.0,
    peers=False,
    peer_leads=(),
    settings=None,
    progress=None,
) -> dict:
    """Score :func:`~geoecg.features.delineate` on LUDB-style records.

    R-peaks come from :func:`~geoecg.features.detect_rpeaks`. Returns ``{"per_lead",
    "global", "consensus", "speed"[, "peers"]}``: per-lead boundaries against each lead's
    marks, the multi-lead boundary against every lead's marks and against the per-beat median
    of the leads' marks (:func:`~geoecg.evaluation.delineation.consensus_waves`, the CSE-style
    global reference), lead-beats per second of thread CPU time; with ``peers``, NeuroKit2
    ``dwt`` and ``peak`` and geoecg on ``peer_leads`` of the same beats. ``progress``: a tqdm
    bar of the records on stderr (None: only when stderr is a terminal,
    :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    db : geoecg.io.LUDB or adapter
        Reads records carrying a per-lead ``waves`` table.
    names : sequence of str
        Records to score.
    leads : sequence of str
        Lead names of the records, in order.
    tolerance_ms : float, default 150
        Match window, ms.
    peers : bool, default False
        Also NeuroKit2 side by side (needs ``neurokit2``).
    peer_leads : sequence of str, default ()
        Leads of the side-by-side comparison.
    settings : DelineationSettings, optional
        Settings of :func:`~geoecg.features.delineate`.
    progress : bool, optional
        tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    dict
        ``records``, ``tolerance_ms``, ``per_lead``, ``global``, ``consensus``
        (:func:`~geoecg.evaluation.delineation.summarise_scores` tables), ``speed``
        (lead-beats per CPU second) and, with ``peers``, ``peers``.
    """
    leads = list(leads)
    pl = _peer_leads(peer_leads, leads) if peers else []
    kw = {"fs": None, "fiducials": FIDUCIALS, "tolerance_ms": tolerance_ms}
    scores = {k: [] for k in ("per_lead", "global", "consensus", "geoecg", "nk-dwt", "nk-peak")}
    cpu = dict.fromkeys(("geoecg", "nk-dwt", "nk-peak"), 0.0)
    n_lb = {"geoecg": 0, "peer": 0}
    nk = None
    if peers:
        import neurokit2 as nk
    for name in progress_bar(names, desc="LUDB", unit="rec", progress=progress):
        rec = db.read(name)
        kw["fs"] = fs = rec.fs
        rp = detect_rpeaks(rec.signal, fs).indices
        delineate(rec.signal, fs, rp, leads, settings=settings)  # every kernel compiled, untimed
        t0 = time.thread_time()
        d = delineate(rec.signal, fs, rp, leads, settings=settings)
        cpu["geoecg"] += time.thread_time() - t0
        n_lb["geoecg"] += rp.size * len(leads)
        scores["per_lead"].append(score_waves(rec.waves, d.lead_samples, leads=leads, **kw))
        scores["global"].append(score_waves(rec.waves, d.samples, leads=leads, **kw))
        cons = consensus_waves(rec.waves, fs=fs)
        scores["consensus"].append(score_waves(cons, d.samples, leads=["global"], **kw))
        if not peers:
            continue
        idx = [leads.index(ld) for ld in pl]
        scores["geoecg"].append(score_waves(rec.waves, d.lead_samples[idx], leads=pl, **kw))
        for meth in ("dwt", "peak"):
            pos = np.empty((len(pl), rp.size, len(FIDUCIALS)))
            for k, j in enumerate(idx):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    pos[k], dt = nk_delineate(nk, rec.signal[j], rp, fs, meth)
                cpu[f"nk-{meth}"] += dt
            scores[f"nk-{meth}"].append(score_waves(rec.waves, pos, leads=pl, **kw))
        n_lb["peer"] += rp.size * len(pl)
    sp = {"geoecg_lead_beats_per_s": n_lb["geoecg"] / max(cpu["geoecg"], 1e-9)}
    res = {"records": [str(n) for n in names], "tolerance_ms": tolerance_ms,
           "per_lead": summarise_scores(scores["per_lead"]),
           "global": summarise_scores(scores["global"]),
           "consensus": summarise_scores(scores["consensus"]), "speed": sp}  # fmt: skip
    if peers:
        res["peers"] = {"leads": pl}
        for m in ("geoecg", "nk-dwt", "nk-peak"):
            res["peers"][m] = summarise_scores(scores[m])
        for meth in ("dwt", "peak"):
            s = n_lb["peer"] / max(cpu[f"nk-{meth}"], 1e-9)
            sp[f"nk-{meth}_lead_beats_per_s"] = s
            # no beat detected in any record: no peer speed, the ratio is undefined (NaN)
            sp[f"ratio_vs_nk-{meth}"] = sp["geoecg_lead_beats_per_s"] / s if s else math.nan
    return res


def _peer_leads(peer_leads, leads) -> list:
    """The record leads named by ``peer_leads`` (any case), in the order given.

    Raises ValueError naming the unknown ones and the record's leads (before, they were
    dropped silently, and with none left the speed ratio divided by zero).
    """
    if isinstance(peer_leads, str):
        peer_leads = [peer_leads]
    by_case = {str(ld).lower(): ld for ld in leads}
    unknown = [ld for ld in peer_leads if str(ld).lower() not in by_case]
    if unknown or not list(peer_leads):
        raise ValueError(
            f"peer_leads (--peer-leads): unknown lead(s) {unknown} or none given; expected "
            f"one or more of the records' leads {list(leads)}"
        )
    return [by_case[str(ld).lower()] for ld in peer_leads]


def qtdb_protocol(db, names=None, *, tolerance_ms=150.0, settings=None, progress=None) -> dict:
    """The QT-database protocol: multi-lead boundaries on the annotated beats of each record.

    ``db`` is a :class:`geoecg.io.QTDB` (or any adapter whose records carry a ``q1c``-style
    ``waves`` table). Both leads are delineated together (the annotators saw both); each
    annotated beat is matched to the detected beat with the nearest R peak
    (:func:`geoecg.evaluation.delineation.score_annotated_beats`). Returns per fiducial
    ``se``/``mean_ms``/``sd_ms`` and ``QT``; every entry also has the mean absolute error
    ``mae_ms`` (the QT error: ``out["QT"]["mae_ms"]``). ``progress``: a tqdm bar of the
    records on stderr (None: only when stderr is a terminal,
    :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    db : geoecg.io.QTDB or adapter
        Reads records carrying a ``q1c``-style ``waves`` table.
    names : sequence of str, optional
        Records to score (default: all of ``db``).
    tolerance_ms : float, default 150
        Match window of the R peaks, ms.
    settings : DelineationSettings, optional
        Settings of :func:`~geoecg.features.delineate`.
    progress : bool, optional
        tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    dict
        ``records`` and, per fiducial and ``"QT"``, ``se`` (%), ``mean_ms``, ``sd_ms``,
        ``n`` and ``mae_ms``.
    """
    names = db.records() if names is None else list(names)
    per = []
    for name in progress_bar(names, desc="QTDB", unit="rec", progress=progress):
        rec = db.read(name)
        d = delineate(rec.signal, rec.fs, settings=settings)
        per.append(score_annotated_beats(rec.waves, d.samples, rec.fs, fiducials=FIDUCIALS,
                                         tolerance_ms=tolerance_ms))  # fmt: skip
    out = {"records": names}
    for key in per[0] if per else {}:
        s = pool_scores(p[key] for p in per)
        out[key] = {
            "se": s.se,
            "mean_ms": s.mean_ms,
            "sd_ms": s.sd_ms,
            "n": s.tp + s.fn,
            "mae_ms": float(np.mean(np.abs(s.errors_ms))) if s.tp else np.nan,
        }
    return out


def nstdb_noises(nstdb, mitdb=None, fs: float = 500.0) -> dict:
    """NSTDB noise records ``bw`` and ``ma`` resampled to ``fs`` Hz (and ``em``, the
    electrode-motion noise alone, as 118e06 - 118 over 5:00-7:00, when an MIT-BIH folder
    holding record 118 is given: NSTDB adds em noise from 5:00 on, in 2-min segments).

    Parameters
    ----------
    nstdb : path-like
        NSTDB folder.
    mitdb : path-like, optional
        MIT-BIH folder holding record 118 (for ``em``).
    fs : float, default 500
        Sampling frequency of the returned noise, Hz.

    Returns
    -------
    dict of str -> ndarray, shape (2, n_samples)
        Noise name -> the two channels at ``fs``, mV.
    """
    from scipy.signal import resample_poly

    from ..io import read_mitdb, read_nstdb

    out = {k: read_nstdb(k, nstdb).signal for k in ("bw", "ma")}
    if mitdb is not None:
        a = read_nstdb("118e06", nstdb, annotator=None).signal
        b = read_mitdb("118", mitdb, annotator=None).signal  # the signal alone
        out["em"] = (a - b)[:, 300 * 360 : 420 * 360]
    return {k: resample_poly(v, int(fs), 360, axis=-1) for k, v in out.items()}


def noise_robustness(
    db,
    names,
    noises: dict,
    snrs_db,
    *,
    leads,
    tolerance_ms=150.0,
    fiducials=("P_on", "P_off", "QRS_on", "QRS_off", "T_off"),
    seed=0,
    progress=None,
) -> list:
    """Global-boundary scores after adding noise records at several SNRs.

    ``noises`` maps a name (``"bw"``, ``"ma"``, ``"em"``) to a noise array ``(n_ch, n)`` at
    the records' sampling rate (mV); each of the 12 leads gets its own segment of a channel
    (offsets drawn with ``seed``), scaled per lead to the SNR by
    :func:`geoecg.signal.mix_noise` (signal power over the whole strip). R-peaks are detected
    on the noisy strip. Returns rows ``{noise, snr_db, fiducial, se, ppv, mean_ms, sd_ms}``.
    ``progress``: a tqdm bar of the noisy records on stderr (None: only when stderr is a
    terminal, :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    db : geoecg.io.LUDB or adapter
        Reads records carrying a per-lead ``waves`` table.
    names : sequence of str
        Records.
    noises : dict of str -> array_like
        Noise name -> ``(n_ch, n)`` array at the records' rate, mV.
    snrs_db : sequence of float
        SNRs, dB.
    leads : sequence of str
        Lead names of the records, in order.
    tolerance_ms : float, default 150
        Match window, ms.
    fiducials : sequence of str
        Fiducials reported.
    seed : int, default 0
        Seed of the noise channels and offsets.
    progress : bool, optional
        tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    list of dict
        One row per noise, SNR and fiducial.
    """
    from ..signal.noise import mix_noise

    rng = np.random.default_rng(seed)
    recs = [db.read(n) for n in names]
    rows = []
    total = len(noises) * len(snrs_db) * len(recs)
    bar = progress_bar(total=total, desc="noise x SNR", unit="rec", progress=progress)
    for nname, nz in noises.items():
        nz = np.atleast_2d(np.asarray(nz, dtype=float))
        for snr in snrs_db:
            per = []
            for rec in recs:
                n = rec.signal.shape[-1]
                ch = rng.integers(0, nz.shape[0], size=len(leads))
                off = rng.integers(0, max(1, nz.shape[1] - n), size=len(leads))
                noise = np.stack([nz[c, o : o + n] for c, o in zip(ch, off, strict=True)])
                x = mix_noise(rec.signal, noise, snr)
                d = delineate(x, rec.fs, None, leads)
                bar.update()
                per.append(score_waves(rec.waves, d.samples, rec.fs, fiducials=FIDUCIALS,
                                       leads=leads, tolerance_ms=tolerance_ms))  # fmt: skip
            tab = summarise_scores(per)
            for f in fiducials:
                a = tab[f]["all"]
                rows.append({"noise": nname, "snr_db": float(snr), "fiducial": f,
                             **{k: a[k] for k in ("se", "ppv", "mean_ms", "sd_ms")}})  # fmt: skip
    bar.close()
    return rows


def ecgsyn_truth(
    hrs=(40, 60, 90, 120, 150, 180),
    widths=(1.0, 1.5),
    noises_mv=(0.0, 0.02),
    fs=500.0,
    level=0.05,
    seed=0,
    progress=None,
    t_polarities=("upright",),
) -> list:
    """ECGSYN strips (12 leads, 10 s, constant rate) scored against their exact positions.

    Truth from :func:`geoecg.simulate.wave_truth.ecgsyn_wave_times` (boundary at ``level``
    of the wave's peak spatial magnitude). A strip is flagged ``overlap`` where the generator
    fuses waves (P offset after QRS onset, or T onset before QRS offset: ECGSYN's phase
    scaling does this at high rates), where no boundary is physiological truth.
    ``progress``: a tqdm bar of the strips on stderr (None: only when stderr is a terminal,
    :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    hrs : sequence of float
        Heart rates, bpm.
    widths : sequence of float
        ECGSYN QRS width factors.
    noises_mv : sequence of float
        White-noise levels, mV.
    fs : float, default 500
        Sampling frequency, Hz.
    level : float, default 0.05
        Boundary level, as a share of the wave's peak spatial magnitude.
    seed : int, default 0
        Seed of the generator.
    progress : bool, optional
        tqdm bar on stderr (None: only when stderr is a terminal).
    t_polarities : sequence of str, default ("upright",)
        T-wave shapes (``t_polarity`` of :func:`geoecg.simulate.synthesize_ecg`:
        ``"upright"``, ``"inverted"``, ``"biphasic"``); the default is the original grid.

    Returns
    -------
    list of dict
        One row per strip: ``hr_bpm``, ``qrs_width``, ``noise_mv``, ``t_polarity``,
        ``overlap`` and, per fiducial, ``se``, ``ppv`` (%), ``mean_ms``, ``sd_ms``.
    """
    out = []
    pols = [t_polarities] if isinstance(t_polarities, str) else list(t_polarities)
    total = len(pols) * len(widths) * len(noises_mv) * len(hrs)
    bar = progress_bar(total=total, desc="ECGSYN", unit="strip", progress=progress)
    for pol in pols:
        for w in widths:
            for nz in noises_mv:
                for hr in hrs:
                    out.append(_truth_row(hr, w, nz, pol, fs, level, seed))
                    bar.update()
    bar.close()
    return out


def _truth_row(hr, w, nz, pol, fs, level, seed) -> dict:
    """One strip of :func:`ecgsyn_truth`."""
    from ..simulate import synthesize_ecg
    from ..simulate.wave_truth import ecgsyn_wave_times

    kw = {"fs": fs, "duration_s": 10.0, "hr_bpm": hr, "qrs_width": w, "t_polarity": pol}
    t = ecgsyn_wave_times(**kw, level=level)
    x = synthesize_ecg(**kw, noise_mv=nz, hrv_lf=0.0, hrv_hf=0.0, random_state=seed)
    d = delineate(x, fs)
    span = (int(t["P_on"].min()), int(t["T_off"].max()) + 1)  # beats with truth
    row = {"hr_bpm": hr, "qrs_width": w, "noise_mv": nz, "t_polarity": pol,
           "overlap": bool((t["P_off"] > t["QRS_on"]).any()
                           or (t["T_on"] < t["QRS_off"]).any())}  # fmt: skip
    for f in ("P_on", "P_off", "QRS_on", "QRS_off", "T_on", "T_peak", "T_off"):
        s = score_fiducial(t[f].to_numpy().round(), d.samples[:, FIDUCIALS.index(f)],
                           fs, tolerance_ms=150.0, window=span)  # fmt: skip
        row[f] = {"se": s.se, "ppv": s.ppv, "mean_ms": s.mean_ms, "sd_ms": s.sd_ms}
    return row


def ptbxl_criteria(db, fs: int = 100, n_boot: int = 2000, seed: int = 0, progress=None) -> dict:
    """AUC of each measurement for its statement vs NORM, and the share meeting the criterion.

    ``db`` is a :class:`geoecg.io.PTBXL`; every record available at ``fs`` is measured with
    :func:`~geoecg.features.clinical_measurements`. Records carrying the statement (any
    likelihood) are positives, NORM records without it negatives; the bootstrap resamples
    patients. ``progress``: a tqdm bar of the records measured on stderr (None: only when
    stderr is a terminal, :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    db : geoecg.io.PTBXL
        The database.
    fs : int, default 100
        Sampling frequency of the records measured, Hz.
    n_boot : int, default 2000
        Bootstrap resamples of the AUC interval.
    seed : int, default 0
        Seed of the bootstrap.
    progress : bool, optional
        tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    dict
        Per statement: ``measurement``, ``criterion``, ``n_pos`` and the figures of
        :func:`~geoecg.evaluation.delineation.criterion_scores`.
    """
    ids = db.available(fs)
    meta = db.metadata().loc[ids]
    rows = {}
    bar = progress_bar(total=len(ids), desc="PTB-XL criteria", unit="rec", progress=progress)
    for start in range(0, len(ids), 64):
        X, _ = db.load(ids[start : start + 64], fs=fs)
        for i, x in zip(ids[start : start + 64], X, strict=True):
            rows[i] = clinical_measurements(x, float(fs), sex=meta.at[i, "sex"]).values
        bar.update(len(X))
    bar.close()
    codes = meta["scp_codes"]
    is_norm = codes.map(lambda c: "NORM" in c).to_numpy()
    sex = meta["sex"].to_numpy()
    out = {}
    for stmt, (name, sign, text, test) in CRITERIA.items():
        code = "LVH" if stmt == "LVH_cornell" else stmt
        pos = codes.map(lambda c, code=code: code in c).to_numpy()
        v = np.array([rows[i][name] for i in ids], dtype=float)
        with np.errstate(invalid="ignore"):
            meets = test(v, sex)
        res = criterion_scores(
            v,
            pos,
            is_norm,
            sign=sign,
            meets=meets,
            n_boot=n_boot,
            groups=meta["patient_id"].to_numpy(),
            random_state=seed,
        )
        out[stmt] = {"measurement": name, "criterion": text, "n_pos": int(pos.sum()), **res}
    return out
