"""PTB-XL tasks of the small-cohort study (``geoecg bench ptbxl``): records, labels, patients
and covariates."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["TASKS", "load_task", "ptbxl_root", "task_selection"]

#: Task names of :func:`load_task`: four binary tasks against NORM and the five-label
#: superdiagnostic task.
TASKS = ("NORM-vs-MI", "NORM-vs-STTC", "NORM-vs-CD", "NORM-vs-HYP", "superdiagnostic")


def ptbxl_root(data=None) -> Path:
    """The PTB-XL folder: ``data`` itself, or ``data/ptbxl`` (default ``$GEOECG_DATA``).

    Parameters
    ----------
    data : path-like, optional
        A PTB-XL folder (it holds ``ptbxl_database.csv``) or a folder holding ``ptbxl/``.

    Returns
    -------
    pathlib.Path
        The folder; it is not checked to exist when it is ``data/ptbxl``.
    """
    base = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    if (base / "ptbxl_database.csv").is_file():
        return base
    return base / "ptbxl"


def load_task(root, task: str):
    """Signals, labels, patients and covariates of a PTB-XL task (100 Hz records present).

    Parameters
    ----------
    root : path-like
        PTB-XL folder (:func:`ptbxl_root`).
    task : str
        One of :data:`TASKS`: ``NORM-vs-X`` (X present = 1, NORM without X = 0, other records
        dropped) or ``superdiagnostic`` (5-column 0/1 matrix; records with none dropped).

    Returns
    -------
    X : ndarray, shape (n, 12, 1000)
    y : ndarray, shape (n,) or (n, 5)
    groups : ndarray of int64
        ``patient_id``.
    covs : ndarray, shape (n, 2)
        Age (years) and sex (0/1), NaN where missing.
    """
    from ..io import PTBXL

    db = PTBXL(root)
    ids, y = task_selection(db, task, db.available(100))
    X, meta = db.load(ids, fs=100)
    groups = meta["patient_id"].to_numpy().astype(np.int64)
    covs = meta[["age", "sex"]].to_numpy(dtype=float)
    return X, y, groups, covs


def task_selection(db, task: str, ids):
    """The records of a task among ``ids`` and their labels, without reading a signal.

    Parameters
    ----------
    db : geoecg.io.PTBXL
        The folder's adapter.
    task : str
        One of :data:`TASKS` (see :func:`load_task`).
    ids : sequence of int
        ``ecg_id`` values to choose from (e.g. ``db.available(100)``), in the order kept.

    Returns
    -------
    ids : list of int
        The records of the task, in the order of ``ids``.
    y : ndarray
        Their labels, as :func:`load_task` returns them.
    """
    from ..io.ptbxl import SUPERCLASSES

    ids = [int(i) for i in ids]
    lab = db.superclass_labels().loc[ids]
    if task == "superdiagnostic":
        keep = lab.sum(axis=1) > 0
        y = lab[keep].to_numpy()
    else:
        other = task.split("-vs-")[1] if "-vs-" in task else None
        if other not in SUPERCLASSES:
            raise ValueError(f"unknown task {task!r}; choose from {TASKS}")
        pos = lab[other] == 1
        neg = (lab["NORM"] == 1) & ~pos
        keep = pos | neg
        y = pos[keep].to_numpy().astype(int)
    return [i for i, k in zip(ids, keep, strict=True) if k], y
