"""Arrange PTB-XL records in the MIMIC-IV-ECG folder layout (tests, benchmarks, demos).

MIMIC-IV-ECG itself needs credentialed access; its layout
(``files/pNNNN/pNNNNNNNN/sNNNNNNNN/NNNNNNNN.{hea,dat}``, ``record_list.csv``,
``machine_measurements.csv``) can be reproduced with public records so that the cohort
code runs on the same tree shape. Signal files are symbolic links to the PTB-XL ``.dat``
files; headers are the PTB-XL headers with the record and file names changed, nothing else.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["mimic_layout_from_ptbxl"]

#: Study ids are ``STUDY_BASE + k``, subject ids ``SUBJECT_BASE + PTB-XL patient_id``.
STUDY_BASE, SUBJECT_BASE = 40_000_000, 10_000_000


def mimic_layout_from_ptbxl(ptbxl_root, out, n: int | None = None, *, fs: int = 100):
    """Write a MIMIC-IV-ECG-layout tree of ``n`` records made from PTB-XL records.

    Parameters
    ----------
    ptbxl_root : path-like
        PTB-XL folder (``ptbxl_database.csv`` and ``records100/`` or ``records500/``).
    out : path-like
        Folder to create the tree in (``files/``, ``record_list.csv``,
        ``machine_measurements.csv``).
    n : int, optional
        Records to place; default all PTB-XL records present at ``fs``. When ``n`` exceeds
        them, they are used again in turn (a synthetic cohort of any size: record ``k`` is
        PTB-XL record ``k mod n_available`` under study id ``40000000 + k``).
    fs : {100, 500}
        Which PTB-XL release to link.

    Returns
    -------
    DataFrame
        The record list, with the source ``ecg_id`` of every study.
    """
    from ..io.ptbxl import PTBXL

    db = PTBXL(ptbxl_root)
    meta = db.metadata().loc[db.available(fs)]
    if meta.empty:
        raise FileNotFoundError(f"no PTB-XL record at {fs} Hz in {db.root}")
    n = len(meta) if n is None else int(n)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    col = "filename_lr" if fs == 100 else "filename_hr"
    out = Path(out)
    heads = {}
    rows, mm = [], []
    for k in range(n):
        ecg_id = int(meta.index[k % len(meta)])
        r = meta.loc[ecg_id]
        subject = SUBJECT_BASE + int(r["patient_id"])
        study = STUDY_BASE + k
        s = str(subject)
        d = out / "files" / f"p{s[:4]}" / f"p{s}" / f"s{study}"
        d.mkdir(parents=True, exist_ok=True)
        src = db.root / r[col]
        if ecg_id not in heads:
            heads[ecg_id] = Path(f"{src}.hea").read_text()
        old = src.name
        text = heads[ecg_id].replace(f"{old}.dat", f"{study}.dat").replace(old, str(study), 1)
        (d / f"{study}.hea").write_text(text)
        link = d / f"{study}.dat"
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(Path(f"{src}.dat").resolve(), link)
        time = f"2180-01-01 {k // 3600 % 24:02d}:{k // 60 % 60:02d}:{k % 60:02d}"
        rows.append(
            {
                "subject_id": subject,
                "study_id": study,
                "file_name": study,
                "ecg_time": time,
                "path": (d / str(study)).relative_to(out).as_posix(),
                "ecg_id": ecg_id,
            }
        )
        mm.append(
            {
                "subject_id": subject,
                "study_id": study,
                "cart_id": 6000 + k % 7,
                "ecg_time": time,
                "rr_interval": ecg_id,  # traceable: the source record
                "report_0": f"study {study} from PTB-XL ecg_id {ecg_id}",
            }
        )
    df = pd.DataFrame(rows)
    df.drop(columns=["ecg_id"]).to_csv(out / "record_list.csv", index=False)
    pd.DataFrame(mm).to_csv(out / "machine_measurements.csv", index=False)
    return df
