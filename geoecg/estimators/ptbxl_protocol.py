"""The PTB-XL small-cohort protocol of ``geoecg bench ptbxl``: methods side by side, a learning
curve and the paired effect of geodesic augmentation, as one library call.

Every method of :data:`~geoecg.estimators.ptbxl_methods.PTBXL_METHODS` is fitted on the same
repeated patient-wise splits (:func:`geoecg.evaluation.small_cohort.patient_splits`); its
out-of-fold scores give the AUC with a patient-bootstrap 95 % CI. The learning curve refits on
stratified subsets of each training fold (the same subset for every method), test folds
unchanged. Every choice a method makes (penalty, covariate factor) is made on its training
fold only (:func:`~geoecg.estimators.ptbxl_methods.method_fit_predict`).
"""

from __future__ import annotations

import time

import numpy as np

from ..evaluation import small_cohort as sc
from . import ptbxl_methods as pm

__all__ = ["format_ptbxl_study", "ptbxl_study"]


def ptbxl_study(
    X,
    y,
    groups,
    covariates,
    methods,
    *,
    task: str = "",
    n_splits: int = 5,
    n_repeats: int = 5,
    n_boot: int = 2000,
    seed: int = 0,
    n_train=(50, 100, 150, None),
    curve_methods=("ts-lr", "ts-lr-aug"),
    progress: bool | None = None,
    on_update=None,
    on_fold=None,
    done_folds=None,
) -> dict:
    """Compare PTB-XL methods on repeated patient-wise CV, with a learning curve.

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        Signals in mV at 100 Hz (:func:`geoecg.datasets.ptbxl_tasks.load_task`).
    y : ndarray, shape (n_records,) or (n_records, n_labels)
        Binary labels (multi-label: one binary model per column, macro AUC).
    groups : ndarray, shape (n_records,)
        Patient ids: a patient's records stay in one fold.
    covariates : ndarray, shape (n_records, 2)
        Age (years, NaN if unknown) and sex, for the ``+cov`` methods.
    methods : sequence of str
        Names from :data:`~geoecg.estimators.ptbxl_methods.PTBXL_METHODS` (ValueError else);
        those that cannot run here are listed under ``"skipped"`` with the reason.
    task : str
        Name written in the result.
    n_splits, n_repeats : int
        Outer CV: ``n_repeats`` x ``n_splits``-fold StratifiedGroupKFold.
    n_boot : int
        Patient-bootstrap resamples of each CI.
    seed : int
        Seed of the splits, the bootstrap, the subsets and the methods.
    n_train : sequence of int or None
        Learning-curve training sizes (None: the full fold); empty for no curve.
    curve_methods : sequence of str
        Methods on the learning curve (the augmentation effect needs ``ts-lr`` and
        ``ts-lr-aug``).
    progress : bool or None, default None
        tqdm bars on stderr (None: only when stderr is a terminal; before session 19 the
        default True drew them into redirected logs too).
    on_update : callable, optional
        Called with the result dict after each method (to save partial results).
    on_fold : callable, optional
        Called as ``on_fold(key, unit)`` after each method of each study
        (``geoecg.commands.bench_io.FoldLog`` writes ``--json`` with it). ``key`` is
        ``"<study>/<method>"`` (study ``"all"`` or ``"curve <size>"``); ``unit`` holds the
        method's ``"row"`` and its out-of-fold scores ``"oof"`` (for the paired effects).
    done_folds : dict, optional
        Units of an interrupted run (``--resume``), keyed as for ``on_fold``: those methods
        are read, not fitted again. The figures equal an uninterrupted run's, since every
        method's splits, subsets and bootstrap depend on ``seed`` only.

    Returns
    -------
    dict
        ``task, n_records, n_patients, n_positive, cv, prep_s`` (s), ``methods`` (name ->
        ``auc, auc_ci, balanced_accuracy, fit_s``), ``skipped``, ``augmentation_effect_all``
        (``diff, ci, excludes_zero``; when both ``ts-lr`` methods ran), ``learning_curve``.
    """
    from .._progress import progress_bar

    if bad := [m for m in methods if m not in pm.PTBXL_METHODS]:
        raise ValueError(f"unknown methods {bad}; choose from {pm.PTBXL_METHODS}")
    t0 = time.perf_counter()
    F = pm.PTBXLInputs(X, methods)
    strat = y if y.ndim == 1 else y.argmax(axis=1)
    splits = sc.patient_splits(
        strat, groups, n_splits=n_splits, n_repeats=n_repeats, random_state=seed
    )
    kw = {"groups": groups, "n_boot": n_boot, "random_state": seed}
    res: dict = {
        "task": task, "n_records": int(len(y)), "n_patients": int(np.unique(groups).size),
        "n_positive": (int(y.sum()) if y.ndim == 1 else y.sum(axis=0).tolist()),
        "cv": f"{n_repeats} x {n_splits}-fold StratifiedGroupKFold by patient_id",
        "prep_s": time.perf_counter() - t0, "methods": {}, "skipped": {}, "learning_curve": {},
    }  # fmt: skip
    res["skipped"] = {m: w for m in methods if (w := pm.method_unavailable(m, F))}
    run_ms = [m for m in methods if m not in res["skipped"]]

    done = {} if done_folds is None else done_folds

    def study(ms, subsets, desc, rows, unit):
        oofs = {}
        with progress_bar(total=len(ms) * n_splits * n_repeats, desc=desc,
                          progress=progress) as bar:  # fmt: skip
            for m in ms:
                if (key := f"{unit}/{m}") in done:
                    rows[m], oofs[m] = _nan(done[key]["row"]), np.asarray(done[key]["oof"], float)
                    bar.update(n_splits * n_repeats)
                    continue
                fp = pm.method_fit_predict(m, F, X, y, groups, covariates, seed)
                oof, fit_s = sc.cross_val_oof(lambda tr, te, fp=fp: fp(subsets(tr), te), len(y),
                                              splits, progress=bar)  # fmt: skip
                rows[m], oofs[m] = sc.summarize(y, oof, fit_s, **kw).summary(), oof
                if on_fold is not None:
                    on_fold(key, {"row": rows[m], "oof": oof})
                if on_update is not None:
                    on_update(res)
        if "ts-lr" in oofs and "ts-lr-aug" in oofs:
            d = sc.paired_bootstrap_diff(y, oofs["ts-lr-aug"], oofs["ts-lr"], metric=sc.macro_auc,
                                         **kw)  # fmt: skip
            return {"diff": d.estimate, "ci": [d.low, d.high], "excludes_zero": d.excludes_zero()}

    if eff := study(run_ms, lambda tr: tr, f"ptbxl {task}", res["methods"], "all"):
        res["augmentation_effect_all"] = eff
    cm = [m for m in curve_methods if m in run_ms]
    rs = np.random.RandomState(seed)
    for size in n_train if cm else ():
        sub = {
            id(tr): tr if size is None else sc.subsample_train(tr, strat, size, rs)
            for rep in splits
            for tr, _ in rep
        }  # identical subsets for every method
        entry: dict = {}
        name = f"curve {size or 'all'}"
        eff = study(cm, lambda tr, sub=sub: sub[id(tr)], f"learning {name}", entry, name)
        entry = {m: {k: v[k] for k in ("auc", "auc_ci")} for m, v in entry.items()}
        entry["n_train"] = int(np.median([len(v) for v in sub.values()]))
        if eff is not None:
            entry["augmentation_effect"] = eff
        res["learning_curve"]["all" if size is None else str(size)] = entry
    return res


def _nan(v):
    """A unit read back from JSON: ``null`` (a NaN when written) is NaN again."""
    if isinstance(v, dict):
        return {k: _nan(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_nan(x) for x in v]
    return float("nan") if v is None else v


def format_ptbxl_study(res: dict) -> str:
    """The table of a :func:`ptbxl_study` result (AUC [95 % CI], balanced accuracy, fit s).

    Parameters
    ----------
    res : dict
        The result of :func:`ptbxl_study`.

    Returns
    -------
    str
        The table, several lines.
    """
    out = [
        f"\nPTB-XL {res['task']}: {res['n_records']} records, {res['n_patients']} patients, "
        f"positives {res['n_positive']}; {res['cv']}",
        f"{'method':26s} {'AUC':>6s} {'95% CI':>16s} {'bal.acc':>8s} {'fit s':>7s}",
    ]
    for m, r in res["methods"].items():
        out.append(
            f"{m:26s} {r['auc']:6.3f} [{r['auc_ci'][0]:6.3f}, {r['auc_ci'][1]:6.3f}] "
            f"{r['balanced_accuracy']:8.3f} {r['fit_s']:7.2f}"
        )
    out += [f"{m:26s} skipped: {why}" for m, why in res["skipped"].items()]
    if a := res.get("augmentation_effect_all"):
        out.append(
            f"augmentation effect (ts-lr-aug - ts-lr), full folds: {a['diff']:+.3f} "
            f"[{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]"
        )
    for i, e in enumerate(res["learning_curve"].values()):
        parts = [
            f"{m} {v['auc']:.3f} [{v['auc_ci'][0]:.3f}, {v['auc_ci'][1]:.3f}]"
            for m, v in e.items()
            if isinstance(v, dict) and "auc" in v
        ]
        a = e.get("augmentation_effect")
        aug = f"; aug effect {a['diff']:+.3f} [{a['ci'][0]:+.3f}, {a['ci'][1]:+.3f}]" if a else ""
        head = "\nlearning curve (AUC [95% CI]; test folds unchanged)\n" if i == 0 else ""
        out.append(f"{head}  n_train={e['n_train']:4d}: " + "; ".join(parts) + aug)
    return "\n".join(out)
