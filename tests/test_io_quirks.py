"""Quirks of real PhysioNet downloads at the public entry points, on records built here.

Session 18 (helper 7): invalid samples, a dead lead, a RECORDS file naming an absent
record, records without annotations, rates of 128 to 1000 Hz, PhysioNet lead spellings, a
3-s record, PTB-XL tables with columns missing or malformed, LUDB records with a lead or
wave annotations missing. Each case reads with NaN where samples are missing, or raises
an error that names the file and what is expected. No shared data: every record is
written with ``wfdb.wrsamp`` / ``wfdb.wrann`` into ``tmp_path``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import wfdb

from geoecg.cohort import extract_features, open_source, read_features
from geoecg.io import PTBXL

LEADS12 = ["I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"]


def _write(folder, name, x, names, fs, d_signal=None, fmt="16", gain=200.0):
    n = len(names)
    kw = dict(fs=fs, units=["mV"] * n, sig_name=list(names), fmt=[fmt] * n,
              adc_gain=[gain] * n, baseline=[0] * n, write_dir=str(folder))  # fmt: skip
    if d_signal is None:
        wfdb.wrsamp(name, p_signal=np.asarray(x).T, **kw)
    else:
        wfdb.wrsamp(name, d_signal=np.asarray(d_signal).T, **kw)


# ---------------------------------------------------------------- PTB-XL metadata tables
def _ptbxl(root, edit=None, edit_scp=None):
    sub = root / "records100" / "00000"
    sub.mkdir(parents=True)
    t = np.arange(1000) / 100
    rows = []
    for k in (1, 2):
        x = np.vstack([np.sin(2 * np.pi * (j + 1) * t / 10) * k for j in range(12)])
        _write(sub, f"{k:05d}_lr", x, LEADS12, 100)
        rows.append({"ecg_id": k, "patient_id": 10.0 + k, "age": 50 + k, "sex": k % 2,
                     "scp_codes": "{'NORM': 100.0}", "strat_fold": k,
                     "filename_lr": f"records100/00000/{k:05d}_lr",
                     "filename_hr": f"records500/00000/{k:05d}_hr"})  # fmt: skip
    db = pd.DataFrame(rows)
    db = edit(db) if edit else db
    db.to_csv(root / "ptbxl_database.csv", index=False)
    scp = pd.DataFrame({"diagnostic": [1], "diagnostic_class": ["NORM"]}, index=["NORM"])
    (edit_scp(scp) if edit_scp else scp).to_csv(root / "scp_statements.csv")
    return root


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda d: d.drop(columns=["ecg_id"]), r"lacks columns \['ecg_id'\]; expected the PTB"),
        (lambda d: d.drop(columns=["strat_fold"]), r"lacks columns \['strat_fold'\]"),
        (lambda d: d.assign(ecg_id=[1, 1]), r"ecg_id must be unique.*got \[1\]"),
        (lambda d: d.assign(scp_codes=["{'NORM': 100.0}", "NORM"]),
         r"scp_codes of ecg_id 2 is 'NORM'; expected a dict"),
        (lambda d: d.assign(scp_codes=["{'NORM': 100.0}", np.nan]), r"ecg_id 2 is nan"),
        (lambda d: d.assign(age=["50", "unknown"]), r"age of ecg_id \[2\] is not a number"),
    ],
)  # fmt: skip
def test_ptbxl_table_with_a_column_missing_or_malformed_is_named(tmp_path, edit, match):
    """Before: pandas' 'Index ecg_id invalid', ast's 'malformed node or string', 'Invalid
    comparison between dtype=str and int' or a FileNotFoundError of a path built from a
    Series (duplicate ecg_id); the same at every entry point, geoecg extract included."""
    root = _ptbxl(tmp_path / "ptbxl", edit)
    for call in (lambda: PTBXL(root).load(), lambda: open_source(root).refs()):
        with pytest.raises(ValueError, match=match) as info:
            call()
        assert "ptbxl_database.csv" in str(info.value)


def test_ptbxl_without_filename_hr_reads_100_hz_and_names_the_column_for_500(tmp_path):
    root = _ptbxl(tmp_path / "ptbxl", lambda d: d.drop(columns=["filename_hr"]))
    X, meta = PTBXL(root).load(fs=100)
    assert X.shape == (2, 12, 1000) and meta["age"].tolist() == [51, 52]
    with pytest.raises(ValueError, match="has no filename_hr column.*500-Hz release"):
        PTBXL(root).load(fs=500)  # before: KeyError 'filename_hr'
    (root / "records500").mkdir()
    with pytest.raises(ValueError, match="has no filename_hr column"):
        open_source(root, fs=500).refs()


def test_ptbxl_table_of_the_500_hz_release_alone_needs_no_filename_lr(tmp_path):
    root = _ptbxl(tmp_path / "ptbxl", lambda d: d.drop(columns=["filename_lr"]))
    assert PTBXL(root).metadata().shape[0] == 2
    with pytest.raises(ValueError, match="has no filename_lr column.*100-Hz"):
        PTBXL(root).available(100)


def test_ptbxl_scp_table_without_diagnostic_class_is_named(tmp_path):
    root = _ptbxl(tmp_path / "ptbxl", edit_scp=lambda s: s.drop(columns=["diagnostic_class"]))
    with pytest.raises(ValueError, match=r"scp_statements.csv lacks columns \['diagnostic_cl"):
        PTBXL(root).superclass_labels()  # before: KeyError 'diagnostic_class'
    extract_features(root, ["sqi"], out=tmp_path / "o", progress=False)  # needs no SCP table
    assert read_features(tmp_path / "o", metadata=False)["error"].isna().all()


def test_ptbxl_record_shorter_than_10_s_in_another_lead_order_is_named(tmp_path):
    root = _ptbxl(tmp_path / "ptbxl")
    x = np.ones((12, 950)) * np.arange(12)[:, None]
    _write(root / "records100" / "00000", "00002_lr", x, LEADS12[::-1], 100)
    with pytest.raises(ValueError, match=r"PTB-XL record 2 has shape \(12, 950\), expected"):
        PTBXL(root).load()  # before: numpy 'could not broadcast input array'
