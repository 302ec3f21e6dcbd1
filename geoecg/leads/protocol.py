"""Evaluation protocol of lead reconstruction (used by ``geoecg bench reconstruct``).

Every setting is chosen inside the training records by an inner patient-grouped CV
(:func:`select_reconstructor`); the test records are scored once per source set and method
(:func:`reconstruction_report`). :func:`subset_auc_comparison` asks the downstream question:
how much NORM-vs-MI AUC does the tangent-space pipeline lose on a lead subset, with and
without reconstruction to 12 leads.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import clone

from .._progress import progress_bar
from ._bench_checks import (
    bandpassed,
    check_downstream_classes,
    check_reconstruction_split,
    no_records_message,
    unusable_records,
)
from ._phases import BEAT_PHASE_EDGES_S
from .amplitude import amplitude_spread
from .names import lead_indices, parse_leads
from .reconstruct import LeadReconstructor

__all__ = [
    "RECONSTRUCTION_GRIDS",
    "DOWNSTREAM_GRID",
    "SINGLE_LEAD_GRIDS",
    "select_reconstructor",
    "reconstruction_report",
    "subset_auc_comparison",
    "format_report",
    "reconstruction_benchmark",
]

_PHASED = {"n_taps": [2], "phase_edges_s": [BEAT_PHASE_EDGES_S], "rectified": [True]}
_TEMPLATES = {**_PHASED, "template_neighbors": [5, 10]}
#: Candidate settings per method, searched by inner patient-grouped CV (mean r): the plain
#: time-delay map (2 taps each side), the beat-phase map with ``|x|`` columns, and that map
#: blended 50/50 with the median beats of the 5 or 10 nearest training records
#: (``template_neighbors``; registered in session 3 after a training-folds-only check).
RECONSTRUCTION_GRIDS = {
    "population": [{"n_taps": [2]}, _PHASED, _TEMPLATES],
    "gaussian": [{"n_taps": [2]}, _PHASED, _TEMPLATES],
    "patient": [{"n_taps": [2], "prior_strength": [0.1]}, {**_PHASED, "prior_strength": [0.1]}],
}
#: Settings of one source lead, replacing the grid (registered in session 6, chosen among 128
#: candidates by a patient-grouped 3-fold CV inside folds 1-8): the beat-phase map with
#: ``|x|``, its 5-nearest templates, blended 50/50 with the 20 nearest patient maps.
SINGLE_LEAD_GRIDS = {"population": [{**_PHASED, "template_neighbors": [5], "map_neighbors": [20]}]}
#: Grid searched inside every outer training fold of the downstream comparison (the linear
#: maps only: the downstream figures were measured with it).
DOWNSTREAM_GRID = [{"n_taps": [2]}, _PHASED]


def select_reconstructor(
    source, method, X, groups, *, fs, calibration_s=3.0, grid=None, n_splits=3
):
    """Fit a :class:`~geoecg.leads.LeadReconstructor` whose settings an inner grouped CV chose.

    Parameters
    ----------
    source : sequence of str
        Source leads.
    method : {"population", "gaussian", "patient"}
    X : ndarray, shape (n_records, 12, n_samples)
        Training records (mV, band-passed), standard lead order.
    groups : array_like, shape (n_records,)
        Patient ids: no patient is in an inner training and validation fold at once.
    fs : float
        Sampling frequency, Hz.
    calibration_s : float, default 3.0
        ``"patient"``: calibration segment (s).
    grid : list of dict, optional
        Default :data:`RECONSTRUCTION_GRIDS` ``[method]``; from one source lead
        :data:`SINGLE_LEAD_GRIDS` ``[method]`` where it has the method.
    n_splits : int, default 3
        Inner ``GroupKFold`` folds.

    Returns
    -------
    (LeadReconstructor, dict)
        The estimator refitted on all of ``X`` and the chosen settings.

    Raises
    ------
    Exception
        The exception of an inner fit (or of its scoring) that failed
        (``error_score="raise"``; before session 28 the candidate was scored NaN and
        another one chosen, silently).
    """
    from sklearn.model_selection import GridSearchCV, GroupKFold

    kw = {"calibration_s": calibration_s} if method == "patient" else {}
    if grid is None:
        one = len(parse_leads(source)) == 1 and method in SINGLE_LEAD_GRIDS
        grid = (SINGLE_LEAD_GRIDS if one else RECONSTRUCTION_GRIDS)[method]
    est = LeadReconstructor(source, method, fs=fs, **kw)
    # every candidate is a valid setting: a failed fit is an error (or a stop that came out of
    # a C extension as SystemError), never a NaN score that lets another candidate win
    gs = GridSearchCV(est, grid, cv=GroupKFold(n_splits), error_score="raise")
    gs.fit(X, groups=groups)
    chosen = {k: (v if k != "phase_edges_s" else "beat") for k, v in gs.best_params_.items()}
    return gs.best_estimator_, chosen


def reconstruction_report(
    X,
    train,
    groups,
    sources,
    methods,
    *,
    fs,
    calibration_s=3.0,
    grids=None,
    quantile_rows=True,
    log=None,
    progress=None,
):
    """Per source set and method: settings by inner CV on ``train``, scores on the rest.

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        Band-passed records (mV), standard lead order.
    train : ndarray of bool, shape (n_records,)
        Training records (the others are the test records, scored once).
    groups : array_like
        Patient ids (inner CV).
    sources : sequence of str or sequence
        Source sets (each as accepted by :func:`geoecg.leads.parse_leads`).
    methods : sequence of str
    fs, calibration_s : float
    grids : dict, optional
        Method -> candidate settings (default: those of :func:`select_reconstructor`).
    quantile_rows : bool, default True
        Also score the chosen population/gaussian reconstructor refitted with
        ``amplitude="r_quantile"`` (key ``"I,II,V3|population+r_quantile"``): same settings, no
        further choice.
    log : callable, optional
        Called with one progress line per fit.
    progress : bool or None, default None
        A tqdm bar of the (source set, method) fits on stderr; None: only when stderr is a
        terminal (:func:`geoecg._progress.progress_bar`).

    Returns
    -------
    dict
        ``"I,II,V3|population"`` -> figures (mean/min lead r, RMSE µV, per-lead table,
        amplitude spread, chosen settings, seconds).
    """
    train = np.asarray(train, dtype=bool)
    groups = np.asarray(groups)
    out = {}
    total = len(sources) * len(methods)
    bar = progress_bar(total=total, desc="reconstruction", unit="fit", progress=progress)
    for s in sources:
        src = parse_leads(s)
        for m in methods:
            t0 = time.perf_counter()
            rec, chosen = select_reconstructor(
                src,
                m,
                X[train],
                groups[train],
                fs=fs,
                calibration_s=calibration_s,
                grid=None if grids is None else grids[m],
            )
            variants = [("conditional", rec)]
            if quantile_rows and m != "patient":
                rq = clone(rec).set_params(amplitude="r_quantile").fit(X[train])
                variants.append(("r_quantile", rq))
            for amap, est in variants:
                key = f"{','.join(src)}|{m}" + ("" if amap == "conditional" else f"+{amap}")
                out[key] = _scored_row(est, X[~train], fs, src, m, amap, chosen)
                out[key].update(
                    n_train=int(train.sum()),
                    n_test=int((~train).sum()),
                    seconds=time.perf_counter() - t0,
                )
                if log is not None:
                    log(
                        f"  {key:24s} mean r {out[key]['mean_r']:.3f} (min "
                        f"{out[key]['min_lead_r']:.3f}) RMSE {out[key]['mean_rmse_uv']:.0f} µV "
                        f"{chosen}"
                    )
            bar.update()
    bar.close()
    return out


def _scored_row(rec, X, fs, src, method, amap, chosen):
    """Scores of a fitted reconstructor on test records ``X``: r, RMSE, amplitude spread."""
    R = rec.transform(X, fs=fs)  # checked against the training rate (fs_)
    df = rec.score_leads(X, reconstructed=R).to_frame()
    start = rec.calibration_samples()
    amp = amplitude_spread(X[..., start:], R[..., start:], fs).to_frame()
    return {
        "sources": list(src),
        "method": method,
        "amplitude_map": amap,
        "chosen": chosen,
        "mean_r": float(df["r_mean"].mean()),
        "min_lead_r": float(df["r_mean"].min()),
        "mean_rmse_uv": float(df["rmse_uv"].mean()),
        "per_lead": df.round(4).to_dict(orient="index"),
        "amplitude": amp.round(4).to_dict(orient="index"),
    }


def subset_auc_comparison(
    X, y, groups, covariates, subsets, *, fs, seed=0, n_boot=1000, log=None, progress=None
):
    """NORM-vs-MI style AUCs: 12 real leads vs a lead subset vs 12 reconstructed leads.

    One ``n_splits=5`` patient-grouped CV (seed ``seed``) of the Hankel tangent-space
    pipeline with covariates (:func:`geoecg.riemann.hankel_tangent_classifier`): (a) on the
    12 real leads; per subset, (b) on the subset's leads alone (the marginal block of the
    lead covariance, trained on the training records' subset) and (c) the real-12 model
    applied to 12 leads reconstructed from the subset by a population
    :class:`~geoecg.leads.LeadReconstructor` fitted on the training fold (settings from
    :data:`DOWNSTREAM_GRID` by an inner 3-fold patient-grouped CV on that fold).
    ``progress``: a tqdm bar of the subsets on stderr (None: only when stderr is a terminal,
    see :func:`geoecg._progress.progress_bar`).

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        Twelve standard leads, mV (band-passed 0.5-40 Hz here).
    y : ndarray of int, shape (n_records,)
        1 = MI, 0 = NORM.
    groups : ndarray, shape (n_records,)
        Patient of each record (folds and bootstrap are by patient).
    covariates : ndarray, shape (n_records, n_covariates)
        Age and sex of each record (NaN allowed: median-imputed inside the pipeline).
    subsets : sequence of tuple of str
        Source lead sets, e.g. ``[("I", "II", "V3"), ("I",)]``.
    fs : float
        Sampling frequency, Hz.
    seed : int, default 0
        Seed of the folds and of the bootstrap.
    n_boot : int, default 1000
        Patient-bootstrap resamples of the CIs.
    log : callable, optional
        Called with one line of text per result as it is computed.
    progress : bool or None, optional
        The progress bar (see above).

    Returns
    -------
    dict
        ``"real12"`` and one entry per subset with AUCs, patient-bootstrap 95% CIs and the
        paired differences to (a).
    """
    import sklearn

    from ..evaluation.small_cohort import (
        auc_score,
        cross_val_oof,
        paired_bootstrap_diff,
        patient_splits,
        summarize,
    )
    from ..riemann import hankel_covariances, hankel_tangent_classifier
    from ..signal import bandpass

    y, groups = np.asarray(y), np.asarray(groups)
    Xb = bandpass(X, fs, 0.5, 40.0, order=2)
    splits = patient_splits(y, groups, n_splits=5, n_repeats=1, random_state=seed)

    def fit_pred(Ctr, tr, Cte, te):
        with sklearn.config_context(enable_metadata_routing=True):
            clf = hankel_tangent_classifier().fit(
                Ctr, y[tr], covariates=covariates[tr], groups=groups[tr]
            )
            return clf.predict_proba(Cte, covariates=covariates[te])[:, 1]

    def scored(oof, ref=None):
        r = summarize(y, oof, np.zeros((1, 5)), groups=groups, n_boot=n_boot, random_state=seed)
        e = {"auc": r.auc.estimate, "auc_ci": [r.auc.low, r.auc.high]}
        if ref is not None:
            d = paired_bootstrap_diff(
                y, oof, ref, groups=groups, metric=auc_score, n_boot=n_boot, random_state=seed
            )
            e.update(diff_vs_real12=d.estimate, diff_ci=[d.low, d.high])
        return e

    C12 = hankel_covariances(None).fit_transform(X)
    oof_a, _ = cross_val_oof(lambda tr, te: fit_pred(C12[tr], tr, C12[te], te), len(y), splits)
    res = {"real12": scored(oof_a)}
    if log is not None:
        log(f"  NORM-vs-MI real 12: {res['real12']['auc']:.3f} {res['real12']['auc_ci']}")
    for s in progress_bar(subsets, desc="NORM-vs-MI subsets", unit="set", progress=progress):
        src = parse_leads(s)
        Cs = hankel_covariances(None, leads=[int(i) for i in lead_indices(src)]).fit_transform(X)
        chosen = []

        def recon(tr, te, src=src, chosen=chosen):
            rec, ch = select_reconstructor(
                src, "population", Xb[tr], groups[tr], fs=fs, grid=DOWNSTREAM_GRID
            )
            chosen.append(ch)
            Cte = hankel_covariances(None, band=None).fit_transform(rec.transform(Xb[te], fs=fs))
            return fit_pred(C12[tr], tr, Cte, te)

        oof_b, _ = cross_val_oof(
            lambda tr, te, Cs=Cs: fit_pred(Cs[tr], tr, Cs[te], te), len(y), splits
        )
        oof_c, _ = cross_val_oof(recon, len(y), splits)
        res[",".join(src)] = {
            "n_leads": len(src),
            "subset": scored(oof_b, oof_a),
            "reconstructed12": scored(oof_c, oof_a),
            "chosen": chosen,
        }
        if log is not None:
            log(f"  NORM-vs-MI {','.join(src)}: {res[','.join(src)]}")
    return res


def reconstruction_benchmark(
    root,
    sources,
    methods,
    subsets,
    *,
    sink,
    fs: float = 100.0,
    calibration_s: float = 3.0,
    seed: int = 0,
    n_boot: int = 1000,
    log=None,
) -> dict:
    """The ``geoecg bench reconstruct`` protocol on the PTB-XL folder ``root``.

    Stage ``"reconstruction"``: :func:`reconstruction_report` of every source set of
    ``sources`` and method of ``methods`` (0.5-40 Hz, ``strat_fold`` 1-8 train, 9-10 test;
    ``{}`` when either is empty). Stage ``"downstream"`` (only when ``subsets`` is not
    empty): :func:`subset_auc_comparison` of NORM vs MI on ``subsets``. Before either,
    records whose leads hold NaN/inf or are flat (SD < 1e-4 mV, raw or band-passed) are left
    out of both stages, logged and listed by ``ecg_id`` with the reason in
    ``excluded_records`` (:mod:`geoecg.leads._bench_checks`; none in the shared subset).

    Parameters
    ----------
    root : path-like
        PTB-XL folder (its 100-Hz records are read).
    sources : list of str
        Source lead sets, each comma-separated (``"I,II,V3"``).
    methods : list of str
        :data:`geoecg.leads.METHODS` names.
    subsets : list of str
        Lead subsets of the downstream comparison (empty: no downstream stage).
    sink : geoecg.commands.bench_io.JsonSink
        Receives the plain entries and both stages, each given as a function: a sink made
        with ``run=args`` and ``--resume`` reads a stage the unfinished file holds instead
        of computing it.
    fs : float
        Sampling frequency, Hz.
    calibration_s : float
        Calibration seconds of the ``"patient"`` method.
    seed, n_boot : int
        Seed of the downstream folds and bootstrap resamples of its CIs.
    log : callable, optional
        Progress lines.

    Returns
    -------
    dict
        ``sink.results``: ``n_records`` (the records used), ``fs, band_hz, split,
        calibration_s, reconstruction, downstream, excluded_records``.

    Raises
    ------
    ValueError
        A lead name of ``sources`` or ``subsets`` that is not a standard lead, named with
        its set (``subsets[0] 'I,V9': unknown lead name 'V9' ...``) before PTB-XL is read.
        Before any fit, naming the folder and the counts: no 100-Hz record file (a download
        of the 500-Hz release only); with ``methods`` and ``sources``, fewer than 3 patients
        in ``strat_fold`` 1-8 or no record in 9-10; with ``subsets``, fewer than 5 NORM or
        MI patients (the downstream's folds).
    """
    from ..datasets.ptbxl_tasks import task_selection
    from ..io import PTBXL

    for what, sets in (("sources", sources), ("subsets", subsets)):  # before any work
        for i, leads in enumerate(sets):
            try:
                parse_leads(leads)
            except (TypeError, ValueError) as e:
                raise type(e)(f"{what}[{i}] {leads!r}: {e}") from None
    db = PTBXL(root)
    # the records are read and band-passed once: the checks, the reconstruction stage (the
    # band-passed records) and the downstream stage (the raw NORM/MI records) share them
    X, meta, excluded, Xb = _usable_records(db, fs, log, keep_filtered=bool(methods and sources))
    train, pid = meta["strat_fold"].to_numpy() <= 8, meta["patient_id"].to_numpy()
    if methods and sources:
        check_reconstruction_split(db.root, train, pid)
    if subsets:  # the labels only: no signal is read twice before the fits
        ids, y = task_selection(db, "NORM-vs-MI", meta.index)
        check_downstream_classes(db.root, y, meta.loc[ids, "patient_id"].to_numpy())
    sink.results.update(
        n_records=int(len(X)),
        fs=fs,
        band_hz=[0.5, 40.0],
        split="strat_fold 1-8 train, 9-10 test",
        calibration_s=calibration_s,
        reconstruction={},
        downstream={},
        excluded_records=excluded,
    )

    def reconstruction():
        if not (methods and sources):
            return {}
        kw = {"fs": fs, "calibration_s": calibration_s, "log": log}
        return reconstruction_report(Xb, train, pid, sources, methods, **kw)

    def downstream():  # what load_task(root, "NORM-vs-MI") reads, less excluded_records
        pos = meta.index.get_indexer(ids)
        groups = meta["patient_id"].to_numpy().astype(np.int64)[pos]
        covs = meta[["age", "sex"]].to_numpy(dtype=float)[pos]
        down = subset_auc_comparison(
            X[pos], y, groups, covs, subsets, fs=fs, seed=seed, n_boot=n_boot, log=log
        )
        down["protocol"] = f"NORM vs MI, 1 x 5-fold StratifiedGroupKFold by patient_id, seed {seed}"
        return down

    sink.stage("reconstruction", reconstruction)  # written, "downstream" still {}
    Xb = None  # noqa: F841 (frees the band-passed records before the downstream stage)
    if subsets:
        sink.stage("downstream", downstream)
    return sink.results


def _usable_records(db, fs, log, keep_filtered=False):
    """The folder's 100-Hz records less those :func:`unusable_records` names (logged).

    Returns ``(X, meta, excluded, Xb)``, ``excluded`` mapping each left-out ``ecg_id`` (as
    text, a JSON key) to the reason, ``Xb`` the kept records band-passed 0.5-40 Hz (the
    pass the checks made) when ``keep_filtered``, else None; a folder without a 100-Hz
    record is a ``ValueError``.
    """
    ids = db.available(100)
    if not ids:
        try:
            n_500 = len(db.available(500))
        except ValueError:  # no filename_hr column
            n_500 = 0
        raise ValueError(no_records_message(db.root, n_500))
    X, meta = db.load(ids, fs=100)
    Xb = bandpassed(X, fs) if keep_filtered else None
    bad = unusable_records(X, fs, filtered=Xb)
    excluded = {str(meta.index[k]): why for k, why in bad.items()}
    if bad:
        keep = np.ones(len(X), dtype=bool)
        keep[list(bad)] = False
        X, meta = X[keep], meta[keep]
        Xb = None if Xb is None else Xb[keep]
        if log is not None:
            named = ", ".join(f"{k} ({v})" for k, v in list(excluded.items())[:10])
            log(
                f"  left out {len(bad)} records with NaN/inf or flat leads (ecg_id): {named}"
                f"{' ...' if len(bad) > 10 else ''}"
            )
    return X, meta, excluded, Xb


def format_report(res) -> str:
    """The text table of ``geoecg bench reconstruct`` from its JSON-like result ``res``.

    Parameters
    ----------
    res : dict
        ``"n_records"``, ``"fs"``, ``"split"``, ``"reconstruction"`` (from
        :func:`reconstruction_report`) and ``"downstream"`` (from
        :func:`subset_auc_comparison` plus a ``"protocol"`` line, or empty).

    Returns
    -------
    str
        Per-lead r and RMSE, the amplitude spread, and the downstream AUCs with CIs.
    """
    out = [
        f"\nPTB-XL lead reconstruction: {res['n_records']} records at {res['fs']:g} Hz, "
        f"{res['split']}; 0.5-40 Hz band-pass",
        f"{'sources':14s} {'method':18s} {'mean r':>7s} {'min r':>6s} {'RMSE uV':>8s}  per-lead r",
    ]
    rows = list(res["reconstruction"].values())
    for r in rows:
        per = " ".join(f"{k}:{v['r_mean']:.2f}" for k, v in r["per_lead"].items())
        out.append(
            f"{','.join(r['sources']):14s} {_label(r):18s} {r['mean_r']:7.3f} "
            f"{r['min_lead_r']:6.3f} {r['mean_rmse_uv']:8.0f}  {per}"
        )
    out.append(
        "\namplitude spread (chest leads): R-amplitude corr with lead I true/rec; "
        "R-amplitude variance, R-amplitude IQR and signal variance ratio rec/true"
    )
    for r in rows:
        amp = "  ".join(
            f"{k} {v['corr_I_true']:.2f}/{v['corr_I_rec']:.2f} "
            f"{v['r_amp_var_ratio']:.2f} {v.get('r_amp_iqr_ratio', np.nan):.2f} "
            f"{v['signal_var_ratio']:.2f}"
            for k, v in r["amplitude"].items()
            if k not in r["sources"]
        )
        out.append(f"{','.join(r['sources']):14s} {_label(r):18s} {amp}")
    d = res["downstream"]
    if d:
        a = d["real12"]
        out.append(
            f"\n{d['protocol']}: real 12 leads AUC {a['auc']:.3f} "
            f"[{a['auc_ci'][0]:.3f}, {a['auc_ci'][1]:.3f}]"
        )
        for k, e in d.items():
            for name in ("subset", "reconstructed12") if isinstance(e, dict) else ():
                v = e.get(name)
                if v is not None:
                    out.append(
                        f"  {k:24s} {name:16s} AUC {v['auc']:.3f} [{v['auc_ci'][0]:.3f}, "
                        f"{v['auc_ci'][1]:.3f}]  vs real 12: {v['diff_vs_real12']:+.3f} "
                        f"[{v['diff_ci'][0]:+.3f}, {v['diff_ci'][1]:+.3f}]"
                    )
    return "\n".join(out)


def _label(row) -> str:
    amp = row.get("amplitude_map", "conditional")
    return row["method"] if amp == "conditional" else f"{row['method']}+{amp}"
