"""Benchmark tasks for ``geoecg compare``: data, patient groups and the methods compared.

Moved from ``geoecg.evaluation.tasks`` and ``geoecg.evaluation.beat_task`` (evaluation reads
no database any more); the task class was ``Task`` there (a second ``Task`` lives in
:mod:`geoecg.sweep`) and is ``CompareTask`` here. Multi-label tasks use scikit-learn's
``OneVsRestClassifier`` (formerly the hand-written ``OneVsRestProba``).

Every task returns the same inputs for every method, so the classical and neural models
see identical records and (through :func:`geoecg.evaluation.compare`) identical splits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from .compare import TASKS  # defined there, so that ``geoecg compare --help`` imports no pandas

__all__ = [
    "TASKS",
    "CompareTask",
    "feature_columns",
    "load_beat_task",
    "load_task",
    "neural_method_names",
    "summary_table",
    "window_columns",
]


@dataclass
class CompareTask:
    """Inputs of one comparison task.

    Attributes
    ----------
    name : str
    X : ndarray or list
        Signals in mV.
    y : ndarray
        Labels, or a 0/1 indicator matrix (multi-label).
    groups : ndarray
        Patient identifiers (splits and bootstrap are patient-wise).
    fs : float
        Sampling frequency of ``X`` in Hz.
    estimators : dict
        Methods compared, name -> estimator.
    metrics : tuple of str
    notes : str
        What the task is and what limits it.
    skipped : dict
        Methods left out, name -> reason (the neural ones where torch is not installed).
    """

    name: str
    X: object
    y: np.ndarray
    groups: np.ndarray
    fs: float
    estimators: dict = field(default_factory=dict)
    metrics: tuple = ("auroc", "f1_macro")
    notes: str = ""
    skipped: dict = field(default_factory=dict)


def neural_method_names(name: str, quick: bool = False) -> list[str]:
    """Names of the neural methods (they need torch, extra ``neural``) of task ``name``.

    >>> neural_method_names("ptbxl-norm-vs-mi")
    ['ResNet1D', 'CNN1D']
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {TASKS}")
    if name == "mitdb-beats":
        return ["ResNet1D on beat windows"]
    return ["ResNet1D (tiny)"] if quick else ["ResNet1D", "CNN1D"]


def _torch_missing() -> bool:
    from .._optional import missing

    return bool(missing("torch"))


def _neural(
    n_leads: int,
    input_length: int | None,
    quick: bool,
    random_state: int,
    epochs: int = 40,
    filters=(32, 64, 64),
) -> dict:
    if _torch_missing():
        return {}
    from ..neural import CNN1DClassifier, ResNet1DClassifier

    if quick:
        kw = {"epochs": 2, "filters": (8, 8), "random_state": random_state}
        tiny = ResNet1DClassifier(kernel_sizes=(5, 3), input_length=input_length, **kw)
        return {"ResNet1D (tiny)": tiny}
    kw = {
        "epochs": epochs,
        "patience": 6 if epochs > 20 else 3,
        "filters": filters,
        "random_state": random_state,
    }
    return {
        "ResNet1D": ResNet1DClassifier(input_length=input_length, **kw),
        "CNN1D": CNN1DClassifier(input_length=input_length, **kw),
    }


def _riemann_pipeline(fs: float, random_state: int):
    from ..riemann import ClassMeanTangentSpace, LeadCovariances

    return make_pipeline(
        LeadCovariances("oas", fs=fs, band=(0.5, 40.0), n_lags=3),
        ClassMeanTangentSpace(mode="concat"),
        StandardScaler(),
        LogisticRegression(C=0.1, max_iter=2000, random_state=random_state),
    )


def _ptbxl(data_dir, task: str, quick: bool, max_records, random_state: int) -> CompareTask:
    from ..io import PTBXL

    db = PTBXL(data_dir)
    ids = db.available(100)
    labels = db.superclass_labels().loc[ids]
    meta = db.metadata().loc[ids]
    if task == "ptbxl-superdiagnostic":
        keep = labels.sum(axis=1) > 0
        y = labels[keep].to_numpy()
        notes = "5 diagnostic superclasses, multi-label, macro AUROC; records with none dropped"
    else:
        mi = labels["MI"] == 1
        norm = (labels["NORM"] == 1) & ~mi
        keep = mi | norm
        y = mi[keep].astype(int).to_numpy()
        notes = "MI (any) vs NORM without MI; other records dropped"
    sel = list(labels.index[keep])
    if max_records is not None:
        sel, y = sel[:max_records], y[:max_records]
    X, _ = db.load(sel, fs=100)
    groups = meta.loc[sel, "patient_id"].astype(str).to_numpy()
    classical = _riemann_pipeline(100.0, random_state)
    if y.ndim == 2:
        classical = OneVsRestClassifier(classical)
    est = {"Riemann tangent space + LR": classical}
    est.update(_neural(12, None, quick, random_state))
    return CompareTask(task, X, y, groups, 100.0, est, ("auroc", "f1_macro"), notes)


def _af_pipeline(random_state: int, quick: bool):
    from ..estimators import CinC2017Classifier
    from ..features.af.record import AFRecordFeatures

    n_trees = 20 if quick else 200  # as in `geoecg bench af`
    return make_pipeline(
        AFRecordFeatures(fs=300.0),
        CinC2017Classifier(n_estimators=n_trees, random_state=random_state),
    )


def _cinc(data_dir, quick: bool, max_records, random_state: int) -> CompareTask:
    from ..io import CinC2017
    from ..signal import Resampler

    db = CinC2017(data_dir)
    # the reader's records (RECORDS file when present) with a label, sorted by name; a
    # record without a label is left out with a UserWarning naming it
    names = db.labelled_records()
    if max_records is not None:
        rng = np.random.default_rng(random_state)
        names = sorted(rng.choice(names, size=min(max_records, len(names)), replace=False))
    X, y = db.load(names)
    est = {"AF record features + xgboost": _af_pipeline(random_state, quick)}
    # 1,200 records of 30 s: a narrower network and at most 15 epochs keep CPU training
    # within minutes per task
    for name, model in _neural(1, 3000, quick, random_state, 15, (16, 32, 32)).items():
        est[name] = make_pipeline(Resampler(300.0, 100.0), model)  # 30 s at 100 Hz
    return CompareTask(
        "cinc2017-af",
        X,
        np.asarray(y),
        np.asarray(names),
        300.0,
        est,
        ("f1_macro", "auroc"),
        "N/A/O/~ per record; one record per patient assumed",
    )


# --------------------------------------------------------------------------- mitdb-beats
# One matrix serves feature and signal models: each row is one beat, its morphology/RR
# features (geoecg.features.beat_features) followed by its QRS-centred window (both leads,
# flattened). The classical pipeline keeps the feature columns, the neural one reshapes the
# window columns back into (n_leads, width), so both see the same beats and folds.

BEAT_CLASSES = ("N", "S", "V", "F")


def feature_columns(X, n_features: int) -> np.ndarray:
    """The feature part of a beat-task matrix."""
    return np.asarray(X)[:, :n_features]


def window_columns(X, n_features: int, n_leads: int) -> np.ndarray:
    """The beat windows of a beat-task matrix, shape ``(n_beats, n_leads, width)``."""
    W = np.asarray(X)[:, n_features:]
    return W.reshape(len(W), n_leads, -1)


def _beat_record_rows(name, folder, max_n: int, window_ms: float, rng):
    from ..features import beat_features, segment_beats
    from ..io import beat_annotations, read_mitdb
    from ..signal import bandpass

    rec = read_mitdb(name, folder)
    names = [n.upper() for n in rec.lead_names]
    first = names.index("MLII") if "MLII" in names else 0
    order = [first] + [i for i in range(rec.n_leads) if i != first]
    sig = bandpass(rec.signal[order[:2]], rec.fs, 0.5, 40.0)
    beats = beat_annotations(rec.annotations)
    beats = beats[beats["aami"].isin(BEAT_CLASSES)]
    peaks = beats["sample"].to_numpy()
    labels = beats["aami"].to_numpy()
    F = beat_features(sig, peaks, rec.fs, prefilter=False).values
    W = segment_beats(sig, peaks, rec.fs, size_ms=window_ms).beats
    W = np.nan_to_num(W.reshape(len(W), -1))
    keep = np.ones(len(labels), bool)
    is_n = np.flatnonzero(labels == "N")
    if max_n and is_n.size > max_n:
        keep[rng.choice(is_n, is_n.size - max_n, replace=False)] = False
    return np.hstack([F, W])[keep], labels[keep], F.shape[1], sig.shape[0]


def load_beat_task(
    data_dir,
    *,
    quick: bool = False,
    max_records=None,
    max_n_per_record=300,
    window_ms: float = 600.0,
    random_state: int = 0,
):
    """Build the ``mitdb-beats`` task on the non-paced records present.

    Parameters
    ----------
    data_dir : path-like
        MIT-BIH folder (or a parent holding ``mitdb/``).
    quick : bool
        Tiny models (tests).
    max_records : int, optional
        Use only the first records.
    max_n_per_record : int, default 300
        Keep at most this many N beats per record (seeded), all S, V and F beats. Training
        *and* test beats are thinned alike, so class balance differs from the full record.
    window_ms : float, default 600
        Fixed beat window, centred on the R-peak.
    random_state : int

    Returns
    -------
    CompareTask
    """
    from ..io import mitdb_dir, mitdb_records, patient_groups

    folder = mitdb_dir(data_dir)
    records = mitdb_records(folder, "non-paced")
    if max_records is not None:
        records = records[:max_records]
    rng = np.random.default_rng(random_state)
    rows, ys, groups = [], [], []
    n_feat = n_leads = 0
    for r in records:
        X, y, n_feat, n_leads = _beat_record_rows(r, folder, max_n_per_record, window_ms, rng)
        rows.append(X)
        ys.append(y)
        groups += [patient_groups([r])[0]] * len(y)
    X = np.vstack(rows)
    y = np.concatenate(ys)
    from ..estimators import HeartbeatClassifier

    feats = FunctionTransformer(partial(feature_columns, n_features=n_feat))
    est = {
        "beat features + xgboost": make_pipeline(
            feats,
            HeartbeatClassifier(n_estimators=20 if quick else 150, random_state=random_state),
        )
    }
    from .._optional import missing

    if not missing("torch"):
        from ..neural import ResNet1DClassifier

        windows = FunctionTransformer(partial(window_columns, n_features=n_feat, n_leads=n_leads))
        kw = (
            {"filters": (8, 8), "kernel_sizes": (5, 3), "epochs": 2}
            if quick
            else {"filters": (32, 64, 64), "epochs": 30, "patience": 4}
        )
        est["ResNet1D on beat windows"] = make_pipeline(
            windows, ResNet1DClassifier(stem_stride=1, random_state=random_state, **kw)
        )
    notes = (
        f"AAMI N/S/V/F beats of {len(records)} non-paced records at reference positions; "
        f"at most {max_n_per_record} N beats per record; patient-wise folds"
    )
    return CompareTask(
        "mitdb-beats",
        X,
        y,
        np.asarray(groups),
        360.0,
        est,
        ("f1_macro", "balanced_accuracy", "auroc"),
        notes,
    )


def load_task(
    name: str, data_dir, *, quick: bool = False, max_records=None, random_state: int = 0
) -> CompareTask:
    """Build a task.

    Parameters
    ----------
    name : str
        One of :data:`TASKS`.
    data_dir : path-like
        The database folder (PTB-XL, CinC 2017 or MIT-BIH as the task needs).
    quick : bool
        Tiny neural models and few epochs (for tests).
    max_records : int, optional
        Use at most this many records (first ones for PTB-XL, a seeded sample for CinC).
    random_state : int
    """
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose one of {TASKS}")
    if name.startswith("ptbxl"):
        task = _ptbxl(data_dir, name, quick, max_records, random_state)
    elif name == "cinc2017-af":
        task = _cinc(data_dir, quick, max_records, random_state)
    else:
        task = load_beat_task(
            data_dir, quick=quick, max_records=max_records, random_state=random_state
        )
    if _torch_missing():
        from .._optional import install_hint

        why = f"needs torch, which is not installed: {install_hint('torch')}"
        task.skipped = {m: why for m in neural_method_names(name, quick)}
    return task


#: metrics of :func:`geoecg.evaluation.compare` given in percent (the others, AUROC, in 0-1)
PERCENT_METRICS = frozenset({"f1_macro", "balanced_accuracy"})


def summary_table(df: pd.DataFrame) -> str:
    """Readable text table of a comparison result; percent metrics are labelled ``(%)``."""
    rows = []
    for _, r in df.iterrows():
        ci = f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]" if np.isfinite(r["ci_low"]) else "n/a"
        metric = f"{r['metric']} (%)" if r["metric"] in PERCENT_METRICS else str(r["metric"])
        rows.append(
            f"{r['method']:<32} {metric:<21} {r['value']:>8.3f}  {ci:<18} "
            f"{r['fit_s']:>8.1f} {r['predict_s']:>8.2f}"
        )
    head = f"{'method':<32} {'metric':<21} {'value':>8}  {'95% CI':<18} {'fit_s':>8} {'pred_s':>8}"
    return "\n".join([head, "-" * len(head), *rows])
