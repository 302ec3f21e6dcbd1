"""Benchmark tasks for ``geoecg compare``: data, patient groups and the methods compared.

Every task returns the same inputs for every method, so the classical and neural models
see identical records and (through :func:`geoecg.evaluation.compare`) identical splits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

__all__ = ["TASKS", "Task", "OneVsRestProba", "load_task", "neural_method_names"]

TASKS = ("ptbxl-superdiagnostic", "ptbxl-norm-vs-mi", "cinc2017-af", "mitdb-beats")


class OneVsRestProba(ClassifierMixin, BaseEstimator):
    """One binary clone per label of a 0/1 indicator matrix; ``predict_proba`` -> (n, n_labels).

    Parameters
    ----------
    estimator : classifier
        Binary classifier with ``predict_proba``; cloned once per label.
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, Y):
        """Fit one clone per column of ``Y``. Returns self."""
        Y = np.asarray(Y)
        if Y.ndim != 2:
            raise ValueError(f"Y must be a 2-D 0/1 indicator matrix, got shape {Y.shape}")
        self.estimators_ = [clone(self.estimator).fit(X, Y[:, j]) for j in range(Y.shape[1])]
        self.classes_ = np.arange(Y.shape[1])
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each label being present, shape (n, n_labels)."""
        check_is_fitted(self, "estimators_")
        return np.column_stack([e.predict_proba(X)[:, 1] for e in self.estimators_])

    def predict(self, X) -> np.ndarray:
        """0/1 indicator matrix at threshold 0.5."""
        return (self.predict_proba(X) >= 0.5).astype(np.int64)


@dataclass
class Task:
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


def _neural(n_leads: int, input_length: int | None, quick: bool, random_state: int,
            epochs: int = 40, filters=(32, 64, 64)) -> dict:
    if _torch_missing():
        return {}
    from ..neural import CNN1DClassifier, ResNet1DClassifier

    if quick:
        kw = {"epochs": 2, "filters": (8, 8), "random_state": random_state}
        tiny = ResNet1DClassifier(kernel_sizes=(5, 3), input_length=input_length, **kw)
        return {"ResNet1D (tiny)": tiny}
    kw = {"epochs": epochs, "patience": 6 if epochs > 20 else 3, "filters": filters,
          "random_state": random_state}
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


def _ptbxl(data_dir, task: str, quick: bool, max_records, random_state: int) -> Task:
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
        classical = OneVsRestProba(classical)
    est = {"Riemann tangent space + LR": classical}
    est.update(_neural(12, None, quick, random_state))
    return Task(task, X, y, groups, 100.0, est, ("auroc", "f1_macro"), notes)


def _af_pipeline(random_state: int, quick: bool):
    from ..estimators import CinC2017Classifier
    from ..features.af.record import AFRecordFeatures

    n_trees = 20 if quick else 200  # as in `geoecg bench af`
    return make_pipeline(
        AFRecordFeatures(fs=300.0),
        CinC2017Classifier(n_estimators=n_trees, random_state=random_state),
    )


def _cinc(data_dir, quick: bool, max_records, random_state: int) -> Task:
    from ..io import CinC2017
    from ..signal import Resampler

    db = CinC2017(data_dir)
    labels = db.labels()
    names = list(labels.index)
    if max_records is not None:
        rng = np.random.default_rng(random_state)
        names = sorted(rng.choice(names, size=min(max_records, len(names)), replace=False))
    X, y = db.load(names)
    est = {"AF record features + xgboost": _af_pipeline(random_state, quick)}
    # 1,200 records of 30 s: a narrower network and at most 15 epochs keep CPU training
    # within minutes per task
    for name, model in _neural(1, 3000, quick, random_state, 15, (16, 32, 32)).items():
        est[name] = make_pipeline(Resampler(300.0, 100.0), model)  # 30 s at 100 Hz
    return Task("cinc2017-af", X, np.asarray(y), np.asarray(names), 300.0, est,
                ("f1_macro", "auroc"), "N/A/O/~ per record; one record per patient assumed")


def load_task(name: str, data_dir, *, quick: bool = False, max_records=None,
              random_state: int = 0) -> Task:
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
        from .beat_task import load_beat_task

        task = load_beat_task(data_dir, quick=quick, max_records=max_records,
                              random_state=random_state)
    if _torch_missing():
        from .._optional import install_hint

        why = f"needs torch, which is not installed: {install_hint('torch')}"
        task.skipped = {m: why for m in neural_method_names(name, quick)}
    return task


def summary_table(df: pd.DataFrame) -> str:
    """Readable text table of a comparison result."""
    rows = []
    for _, r in df.iterrows():
        ci = f"[{r['ci_low']:.3f}, {r['ci_high']:.3f}]" if np.isfinite(r["ci_low"]) else "n/a"
        rows.append(
            f"{r['method']:<32} {r['metric']:<18} {r['value']:>8.3f}  {ci:<18} "
            f"{r['fit_s']:>8.1f} {r['predict_s']:>8.2f}"
        )
    head = f"{'method':<32} {'metric':<18} {'value':>8}  {'95% CI':<18} {'fit_s':>8} {'pred_s':>8}"
    return "\n".join([head, "-" * len(head), *rows])
