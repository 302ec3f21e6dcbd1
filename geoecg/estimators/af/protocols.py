"""The evaluation protocols behind ``geoecg bench af``, as library functions.

CinC 2017 record classification (N / A / O / ~) on a feature matrix
(:func:`~geoecg.features.af_feature_matrix`):

- :func:`cinc_cv_proba`: plain stratified CV (crops of training records only);
- :func:`nested_cinc_cv`: nested CV, every option of :data:`AF_NESTED_GRID` chosen by an
  inner CV on the training records of each outer fold;
- :func:`prior_shift_protocol`: per seed a balanced training part and a test part at a
  target prior, scored by :func:`adaptation_report` (uncorrected, calibrated, the ORACLE
  true prior, and the priors estimated without labels by EM / BBSE / RLLS); every fit also
  trains on crops of its own training records (:data:`AF_PROTOCOL_MATRIX`);
- :func:`simulate_prior_shift`: held-out predictions resampled to a target prior;
- :func:`prior_shift_candidates`: the base models of the prior-shift protocol (record
  features, + rhythm profile), one of which is chosen per seed on the training part's
  target-weighted out-of-fold score (``target_weighted_score``).

Beat level (MIT-BIH rhythm annotations; code in the private ``_beat_level`` module, public
here): :func:`beat_level_cv` over :func:`af_beat_detectors`; :func:`time_screening` times a
synthetic 24-h Holter.
F1, Se, +P and Sp are percentages (:func:`record_scores`); times in s.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from sklearn.base import clone

from ._beat_level import (
    af_beat_detectors,
    af_patient_folds,
    beat_level_cv,
    mitdb_af_series,
    time_screening,
)
from ._crop_rows import check_crop_owner
from ._protocol_inputs import check_cinc_folds as check_cinc_folds
from ._protocol_inputs import parse_priors as parse_priors

__all__ = [
    "load_cinc_matrix",
    "mitdb_af_series",
    "CLASSES",
    "DEFAULT_TARGET_PRIORS",
    "ADAPT_METHODS",
    "AF_PROTOCOL_MATRIX",
    "record_scores",
    "cinc_cv_proba",
    "simulate_prior_shift",
    "adaptation_report",
    "prior_shift_protocol",
    "prior_shift_candidates",
    "target_weighted_score",
    "nested_cinc_cv",
    "af_beat_detectors",
    "af_patient_folds",
    "beat_level_cv",
    "time_screening",
]

#: The CinC 2017 classes, in table order.
CLASSES = ("N", "A", "O", "~")
#: Class prior of the full CinC 2017 training set (N 5,076, A 758, O 2,415, ~ 279 of 8,528).
DEFAULT_TARGET_PRIORS = {"N": 0.595, "A": 0.089, "O": 0.283, "~": 0.033}
#: Prior estimators of :func:`adaptation_report`.
ADAPT_METHODS = ("em", "bbse", "rlls")
#: :func:`load_cinc_matrix` options of the ``geoecg bench af --data`` protocols; prior shift:
#: + 2 crops of 70 % per record at weight 0.5 (registry item 7 of docs/benchmarks/af_history.md).
AF_PROTOCOL_MATRIX = {
    "nested": {"rhythm_profile": True},
    "prior-shift": {"rhythm_profile": True, "n_crops": 2, "crop_frac": 0.7},
}


def load_cinc_matrix(
    folder, *, rhythm_profile=False, n_crops=0, crop_frac=0.7, cache_dir=None, progress=None
):
    """Feature matrix and labels of a CinC 2017-layout folder (labelled records only).

    The records are :meth:`geoecg.io.CinC2017.labelled_records` (a record without a label
    is left out with a warning naming it); ``progress``: a bar of the records' features on
    stderr (None: only when stderr is a terminal; the default was True before session 19,
    which drew it into redirected logs).

    Returns
    -------
    matrix : :class:`~geoecg.features.AFFeatureMatrix`
        :func:`~geoecg.features.af_feature_matrix` (one record read at a time, rows cached
        per record in ``cache_dir``), with ``records`` the record name of each row.
    y : ndarray of str
    times : dict
        ``{"read": s, "features": s}`` (wall-clock).
    """
    from ...features.af import af_feature_matrix
    from ...io import CinC2017

    t0, db = time.perf_counter(), CinC2017(folder)
    labels = db.labels()
    names = db.labelled_records()  # a record without a label: a warning naming it
    keys, t1 = db.content_keys(names), time.perf_counter()
    m = af_feature_matrix(
        db.signals(names),
        float(db.fs),
        rhythm_profile=rhythm_profile,
        n_crops=n_crops,
        crop_frac=crop_frac,
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
    )
    y = labels.loc[names].to_numpy().astype(str)
    m = dataclasses.replace(m, records=tuple(names))
    return m, y, {"read": t1 - t0, "features": time.perf_counter() - t1}


def record_scores(y_true, y_pred) -> dict:
    """Per-class F1, mean N/A/O F1 (the challenge score) and AF Se / +P / Sp, in percent.

    The per-class table is :func:`geoecg.evaluation.class_table` (``"table"``, as a dict).

    Examples
    --------
    >>> r = record_scores(["N", "A", "A", "O"], ["N", "A", "N", "O"])
    >>> round(r["f1"]["A"], 1), r["af_sensitivity"], r["af_specificity"]
    (66.7, 50.0, 100.0)
    """
    from ...evaluation.tables import class_table

    yt, yp = np.asarray(y_true).astype(str), np.asarray(y_pred).astype(str)
    t = class_table(yt, yp, labels=CLASSES)
    f1 = {c: float(np.nan_to_num(t.rows.loc[c, "f1"])) for c in CLASSES}
    a = t.rows.loc["A"]
    n_not_a = max(len(yt) - int(a["n"]), 1)
    return {
        "f1": f1,
        "f1_mean_NAO": float(np.mean([f1["N"], f1["A"], f1["O"]])),
        "af_sensitivity": float(np.nan_to_num(a["se"])),
        "af_ppv": float(np.nan_to_num(a["ppv"])),
        "af_specificity": 100.0 * (n_not_a - int(a["fp"])) / n_not_a
        if len(yt) > int(a["n"])
        else 0.0,
        "n_records": int(len(yt)),
        "table": t.to_dict(),
    }


def cinc_cv_proba(model, X, y, *, folds: int = 5, seed: int = 0, crops=None, crop_owner=None):
    """Out-of-fold probabilities (training prior) of a ``CinC2017Classifier``.

    Parameters
    ----------
    model : CinC2017Classifier
        Unfitted; cloned per fold.
    X : ndarray, shape (n_records, n_features)
    y : array-like of str
    folds, seed : int
        ``StratifiedKFold(folds, shuffle=True, random_state=seed)``.
    crops, crop_owner : ndarray, optional
        Crop features and the record each comes from
        (:class:`~geoecg.features.AFFeatureMatrix`); each fold trains on the crops of its
        training records only and scores whole held-out records.

    Returns
    -------
    classes : ndarray
    proba : ndarray, shape (n_records, n_classes)
    train_priors : ndarray, shape (n_classes,)
        Mean over folds of the training priors.
    """
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray(y)
    if crops is not None:
        crop_owner = check_crop_owner(crop_owner, len(y), len(crops))
    classes = np.unique(y)
    proba = np.zeros((len(y), classes.size))
    priors = np.zeros((len(y), classes.size))
    for tr, te in StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y):
        kw = {}
        if crops is not None:
            m = np.isin(crop_owner, tr)
            kw = {"X_crops": crops[m], "y_crops": y[crop_owner[m]]}
        fitted = clone(model).fit(X[tr], y[tr], **kw)
        proba[te] = fitted.predict_proba_uncorrected(X[te])
        priors[te] = fitted.train_priors_
    return classes, proba, priors.mean(axis=0)


def simulate_prior_shift(
    y, proba, train_priors, classes, target, *, n_resamples: int = 200, random_state=None
) -> dict:
    """Held-out predictions resampled (with replacement) to ``target`` priors; median scores
    without and with :func:`geoecg.estimators.prior_correct` to the known target prior."""
    from ..prior_estimation import prior_correct

    rng = np.random.default_rng(random_state)
    y, classes = np.asarray(y), np.asarray(classes)
    t = np.array([target.get(c, 0.0) for c in classes])
    t = t / t.sum()
    idx_by = {c: np.flatnonzero(y == c) for c in classes}
    corrected = prior_correct(proba, train_priors, t)
    res = {"uncorrected": [], "corrected": []}
    for _ in range(n_resamples):
        counts = rng.multinomial(len(y), t)
        idx = np.concatenate(
            [
                rng.choice(idx_by[c], size=k, replace=True)
                for c, k in zip(classes, counts, strict=True)
                if k and idx_by[c].size
            ]
        )
        for name, p in (("uncorrected", proba), ("corrected", corrected)):
            res[name].append(record_scores(y[idx], classes[np.argmax(p[idx], axis=1)]))
    out = {
        name: {
            "f1": {c: float(np.median([r["f1"][c] for r in rows])) for c in CLASSES},
            **{
                k: float(np.median([r[k] for r in rows]))
                for k in ("f1_mean_NAO", "af_sensitivity", "af_ppv", "af_specificity")
            },
        }
        for name, rows in res.items()
    }
    out["target_priors"] = {c: float(v) for c, v in zip(classes, t, strict=True)}
    out["n_resamples"] = int(n_resamples)
    out["note"] = "SIMULATION: held-out predictions resampled to the target priors"
    return out


def adaptation_report(model, X_test, y_test, *, gated=None) -> dict:
    """Scores on ``(X_test, y_test)`` of a fitted :class:`~geoecg.estimators.PriorShiftClassifier`
    around a ``CinC2017Classifier``: uncorrected, calibrated, ORACLE true prior (uses the test
    labels: a reference, never a result) and each of ``ADAPT_METHODS`` (EM, BBSE, RLLS;
    prior estimated from the unlabelled test records, with its interval and the largest
    absolute error). ``gated`` (bool, one per test record; e.g. ``ecg_quality_gate(X) !=
    ""``): those records are called ``"~"`` in every row (the priors are estimated on all
    records as before); ``n_gated`` counts them."""
    from ..prior_estimation import prior_correct
    from ._quality_gate import GATE_LABEL

    classes = model.classes_
    lab = classes
    if gated is not None:
        gated = np.asarray(gated, dtype=bool)
        if gated.shape != (len(y_test),):
            raise ValueError(f"gated must hold one flag per test record, got {gated.shape}")
        lab = classes.astype(object)  # so that the noisy label fits whatever the dtype

    def pick(p):
        out = lab[p.argmax(1)]
        if gated is not None:
            out[gated] = GATE_LABEL
        return out

    truth = np.array([(np.asarray(y_test) == c).mean() for c in classes])
    est = model.estimator_
    raw = getattr(est, "predict_proba_uncorrected", est.predict_proba)(X_test)
    Q = model.calibrated_proba(X_test)
    s = model.source_priors_
    rows = {
        "uncorrected": record_scores(y_test, pick(raw)),
        "calibrated": record_scores(y_test, pick(Q)),
        "ORACLE true prior": record_scores(y_test, pick(prior_correct(Q, s, truth))),
    }
    priors = {
        "true": dict(zip(classes.tolist(), truth.tolist(), strict=True)),
        "train": dict(zip(classes.tolist(), s.tolist(), strict=True)),
    }
    for m in ADAPT_METHODS:
        est = model._estimate_from_proba(Q, m)
        rows[m] = record_scores(y_test, pick(prior_correct(Q, s, est.priors)))
        priors[m] = est.as_dict()
        rows[m]["max_abs_prior_error"] = float(np.max(np.abs(est.priors - truth)))
    out = {"rows": rows, "priors": priors, "n_test": int(len(y_test))}
    if gated is not None:
        out["n_gated"] = int(gated.sum())
    return out


def prior_shift_candidates(*, n_estimators: int = 200, random_state=None, names=None) -> dict:
    """The base models of the prior-shift protocol: name -> ``(adapter, n_columns)``.

    A :class:`~geoecg.estimators.PriorShiftClassifier` (EM, 5-fold out-of-fold logistic
    calibration, 200 bootstrap draws) around a ``CinC2017Classifier`` on the first 107
    columns of :func:`~geoecg.features.af_feature_matrix` ("default": record features) or
    on all 193 ("rhythm": + rhythm profile; ``n_columns`` None). ``names`` keeps a subset.
    """
    from ..prior_shift import PriorShiftClassifier
    from .cinc2017 import CinC2017Classifier
    from .pipeline import N_RECORD_FEATURES

    clf = CinC2017Classifier(
        n_estimators=n_estimators, random_state=random_state, n_jobs=1, binary_weight=0.0
    )
    out = {
        name: (PriorShiftClassifier(clf, cv=5, n_bootstrap=200, random_state=random_state), n)
        for name, n in (("default", N_RECORD_FEATURES), ("rhythm", None))
    }
    if names is not None:
        bad = sorted(set(names) - set(out))
        if bad:
            raise ValueError(f"names must be among {sorted(out)}, got {bad}")
        out = {k: out[k] for k in names}
    return out


def target_weighted_score(adapter) -> float:
    """Mean N/A/O F1 (%) of ``adapter``'s out-of-fold training predictions, weighted to its
    current target prior (:meth:`~geoecg.estimators.PriorShiftClassifier.target_weighted_oof`)."""
    from sklearn.metrics import f1_score

    yt, yp, w = adapter.target_weighted_oof()
    return 100.0 * float(
        f1_score(yt, yp, labels=["N", "A", "O"], average="macro", sample_weight=w, zero_division=0)
    )


def _done_seeds(done_folds) -> dict:
    """``done_folds`` keyed by int seed, with JSON's null read back as NaN (the rows hold
    numbers, strings and booleans only); each row must name its seed."""

    def nan(v):
        if isinstance(v, dict):
            return {k: nan(x) for k, x in v.items()}
        if isinstance(v, list):
            return [nan(x) for x in v]
        return float("nan") if v is None else v

    done = {int(k): nan(v) for k, v in (done_folds or {}).items()}
    for k, row in done.items():
        if not isinstance(row, dict) or row.get("seed") != k:
            raise ValueError(f"done_folds[{k}] is not the row of seed {k}")
    return done


def _same_settings(seed: int, row: dict, now: dict, candidates: list) -> dict:
    """``row`` (a finished seed of an earlier run) if it was made with this run's protocol
    settings ``now`` and candidate names; else a ValueError naming each differing setting
    (a row from before crop augmentation lacks ``n_train_crops``)."""
    absent = "absent (written before it was recorded)"
    diff = [f"{k} {row.get(k, absent)} (now {v})" for k, v in now.items() if row.get(k) != v]
    had = sorted([row.get("chosen"), *row.get("not_chosen", {})])
    if had != candidates:
        diff.append(f"candidates {had} (now {candidates})")
    if diff:
        raise ValueError(
            f"done_folds[{seed}] was made with other protocol settings: {'; '.join(diff)}; "
            "its rows cannot be mixed with this run's: start afresh (geoecg bench af: "
            "without --resume, or another --json)"
        )
    return row


def _bar(seeds, progress: bool | None):
    from ..._progress import progress_bar

    return progress_bar(seeds, desc="seeds", progress=progress)


def _finished(seed: int, row: dict, on_fold) -> dict:
    """Hand a finished seed's row to ``on_fold``; return it."""
    if on_fold is not None:
        on_fold(seed, row)
    return row


def _summary(values: dict) -> dict:
    return {
        f"{k}_{s}": float(f(v))
        for k, v in values.items()
        for s, f in (("mean", np.mean), ("sd", np.std))
    }


def prior_shift_protocol(
    make_candidates,
    X,
    y,
    target,
    *,
    test_size: int = 340,
    seeds=(0, 1, 2),
    on_fold=None,
    done_folds=None,
    progress: bool = False,
    crops=None,
    crop_owner=None,
) -> dict:
    """Per seed: :func:`~geoecg.evaluation.prior_shift.prior_shift_split` (balanced training
    part, test part of ``test_size`` records at ``target``), each candidate of
    ``make_candidates(seed)`` (name -> ``(adapter, n_columns)``, e.g.
    :func:`prior_shift_candidates`; an adapter alone means all columns) fitted on the
    training part and adapted (``adapt``) to the unlabelled test part. With several
    candidates, the one with the best ``target_weighted_score`` (training labels only)
    is chosen; :func:`adaptation_report` of the chosen one on the test part (the others
    are kept under ``"not_chosen"``); mean and SD over seeds.

    ``on_fold(seed, row)`` is called after each finished seed with its ``per_seed`` row;
    ``done_folds`` (seed -> row, as passed to ``on_fold`` by an earlier run with the same
    data and settings) skips those seeds: the result equals an uninterrupted run
    (``geoecg.commands.bench_io.FoldLog`` saves them to ``--json``); a done row whose
    recorded settings (``n_train``, ``n_test``, ``n_train_crops``, candidate names) differ
    from this run's raises ValueError naming them (e.g. a row written before crops were
    adopted lacks ``n_train_crops``); ``progress``: a tqdm bar of the seeds on stderr.

    ``X`` may be a :class:`~geoecg.features.AFFeatureMatrix` (e.g. of
    ``load_cinc_matrix(..., **AF_PROTOCOL_MATRIX["prior-shift"])``, the protocol's pipeline):
    its ``crops`` and ``crop_owner`` are then used. ``crops``, ``crop_owner`` (same columns
    as ``X``): every fit of every candidate (each out-of-fold calibration fit and the final
    fit) also trains on the crops of its own training records, never on crops of a held-out
    or test record (:class:`~geoecg.estimators.af._crop_rows.CropRowsClassifier`).

    Since session 19 (registry item 14) the test records without a measurable ECG are called
    ``"~"`` in every row (``AFPriorShiftModel(quality_gate="auto")``: when ``X`` holds the
    record features and ``"~"`` is a class); each row records ``n_gated``, and a done row
    without it (written before) is refused."""
    from ...evaluation.prior_shift import prior_shift_split
    from ._quality_gate import ecg_quality_gate, gate_applies
    from .prior_shift_model import AFPriorShiftModel

    def n_gated(X_te, y_tr) -> int:
        if not gate_applies("auto", X_te, np.unique(y_tr)):
            return 0
        return int((ecg_quality_gate(X_te) != "").sum())

    if hasattr(X, "crop_owner"):  # an AFFeatureMatrix
        if crops is not None or crop_owner is not None:
            raise ValueError("give crops either inside the AFFeatureMatrix X or as crops=")
        X, crops, crop_owner = X.X, X.crops, X.crop_owner
    X, y = np.asarray(X), np.asarray(y)
    if (crops is None) != (crop_owner is None):
        raise ValueError("give both crops and crop_owner, or neither")
    if crops is not None:
        crop_owner = check_crop_owner(crop_owner, len(y), len(crops))
    per_seed, done = [], _done_seeds(done_folds)
    for seed in _bar(seeds, progress):
        tr, te = prior_shift_split(y, target, test_size, random_state=seed)
        cands = make_candidates(seed)
        if not isinstance(cands, dict):
            cands = {"model": (cands, None)}
        now = {
            "n_train": int(len(tr)),
            "n_test": int(len(te)),
            "n_train_crops": 0 if crops is None else int(np.isin(crop_owner, tr).sum()),
            "n_gated": n_gated(X[te], y[tr]),
        }
        if int(seed) in done:
            per_seed.append(_same_settings(int(seed), done[int(seed)], now, sorted(cands)))
            continue
        sub = {}
        if crops is not None:
            keep = np.flatnonzero(np.isin(crop_owner, tr))
            pos = np.full(len(y), -1, dtype=np.int64)
            pos[tr] = np.arange(len(tr))
            sub = {"crops": np.asarray(crops)[keep], "crop_owner": pos[crop_owner[keep]]}
        model = AFPriorShiftModel(cands).fit(X[tr], y[tr], **sub).adapt(X[te])
        rep = model.report(X[te], y[te])
        rep.update(seed=int(seed), **now)
        per_seed.append(_finished(int(seed), rep, on_fold))
    summary = {}
    for name in per_seed[0]["rows"]:
        rows = [r["rows"][name] for r in per_seed]
        vals = {
            "f1_A": [r["f1"]["A"] for r in rows],
            "f1_mean_NAO": [r["f1_mean_NAO"] for r in rows],
        }
        if name in ADAPT_METHODS:
            vals["max_abs_prior_error"] = [r["max_abs_prior_error"] for r in rows]
        summary[name] = _summary(vals)
    return {"per_seed": per_seed, "summary": summary}


def nested_cinc_cv(
    X,
    y,
    *,
    seeds=(0, 1, 2),
    folds: int = 5,
    inner_folds: int = 3,
    n_estimators: int = 200,
    on_fold=None,
    done_folds=None,
    progress: bool = False,
) -> dict:
    """Nested CinC CV of :func:`make_af_feature_pipeline` over :data:`AF_NESTED_GRID`.

    ``X`` holds the 193 record + rhythm-profile columns. Outer and inner folds are
    ``StratifiedGroupKFold`` with one group per record (CinC 2017 publishes no patient ids);
    the inner score is the challenge's mean N/A/O F1 (:func:`geoecg.evaluation.nested_evaluate`).
    ``on_fold(seed, row)`` is called after each finished seed with its ``per_seed`` row;
    ``done_folds`` (seed -> row, as passed to ``on_fold`` by an earlier run with the same
    data and settings) skips those seeds: the result equals an uninterrupted run
    (``geoecg.commands.bench_io.FoldLog`` saves them to ``--json``); ``progress``: a
    tqdm bar of the seeds on stderr.
    """
    from sklearn.metrics import f1_score, make_scorer
    from sklearn.model_selection import StratifiedGroupKFold

    from ...evaluation import nested_evaluate
    from .pipeline import AF_NESTED_GRID, make_af_feature_pipeline

    y = np.asarray(y)
    scorer = make_scorer(f1_score, average="macro", labels=["N", "A", "O"], zero_division=0.0)
    per_seed, done = [], _done_seeds(done_folds)
    for seed in _bar(seeds, progress):
        if int(seed) in done:
            per_seed.append(done[int(seed)])
            continue
        pipe = make_af_feature_pipeline(n_estimators=n_estimators, random_state=seed, n_jobs=1)
        r = nested_evaluate(
            {"af": (pipe, AF_NESTED_GRID)},
            X,
            y,
            np.arange(len(y)),
            outer_cv=StratifiedGroupKFold(folds, shuffle=True, random_state=seed),
            inner_cv=StratifiedGroupKFold(inner_folds, shuffle=True, random_state=seed),
            scoring=scorer,
        )["af"]
        row = record_scores(y, r.y_pred)
        row.update(
            seed=int(seed),
            inner_scores=[float(s) for s in r.inner_scores],
            choices=[
                {k: (bool(v) if isinstance(v, (bool, np.bool_)) else v) for k, v in c.items()}
                for c in r.choices
            ],
        )
        per_seed.append(_finished(int(seed), row, on_fold))
    return {
        "per_seed": per_seed,
        "grid": {k: list(v) for k, v in AF_NESTED_GRID.items()},
        "summary": {
            "nested": _summary(
                {
                    "f1_A": [r["f1"]["A"] for r in per_seed],
                    "f1_mean_NAO": [r["f1_mean_NAO"] for r in per_seed],
                }
            )
        },
    }
