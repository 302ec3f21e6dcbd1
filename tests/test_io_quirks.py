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


# ---------------------------------------------------------------- LUDB: leads, annotations
LUDB12 = ["i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6"]


def _ludb(root, names=("1", "3"), leads=LUDB12, d_edit=None):
    data = root / "data"
    data.mkdir(parents=True)
    t = np.arange(5000) / 500
    for name in names:
        x = np.vstack([np.sin(2 * np.pi * 1.2 * t) * (1 + 0.1 * j) for j in range(len(leads))])
        d = np.round(x * 1000).astype(np.int64)
        d = d_edit(d) if d_edit else d
        _write(data, name, None, leads, 500, d_signal=d, gain=1000.0)
        qrs = np.arange(250, 5000, 500)
        sample = np.sort(np.concatenate([qrs - 20, qrs, qrs + 20]))
        for ld in leads:  # wrann takes letters only as the extension: "v1" by renaming
            wfdb.wrann(name, "tmp", sample, symbol=["(", "N", ")"] * len(qrs), write_dir=str(data))
            (data / f"{name}.tmp").rename(data / f"{name}.{ld}")
    return root


def test_ludb_record_without_a_lead_annotation_file_fails_the_bench_at_the_start(tmp_path):
    from geoecg.evaluation._delineate_plan import ludb_record_names
    from geoecg.io import LUDB

    root = _ludb(tmp_path / "ludb", names=("1", "3", "5"))
    (root / "data" / "3.v6").unlink()
    (root / "data" / "5.i").unlink()
    (root / "data" / "5.avr").unlink()
    db = LUDB(root)
    assert db.missing_annotations() == {"3": ["v6"], "5": ["i", "avr"]}
    assert db.missing_annotations(["1"]) == {}
    # before: the bench stopped at record 3 after scoring the records before it
    with pytest.raises(FileNotFoundError, match=r"2 LUDB record\(s\).*'3': \['v6'\].*--records"):
        ludb_record_names(db, None, "all")
    assert ludb_record_names(db, ["1"], "all") == ["1"]
    rec = db.read("1")
    assert rec.waves.groupby("lead").size().to_dict() == dict.fromkeys(LUDB12, 10)


def test_ludb_header_without_a_lead_is_named(tmp_path):
    from geoecg.io import LUDB

    root = _ludb(tmp_path / "ludb", names=("1",), leads=LUDB12[:11])
    with pytest.raises(ValueError, match=r"record '1' .*no signal for leads \['v6'\]"):
        LUDB(root).read("1")  # before: ValueError "'v6' is not in list"


def test_ludb_raw_units_read_invalid_samples_as_nan(tmp_path):
    from geoecg.io import LUDB

    def gap(d):
        d[2, 1000:1100] = -32768  # WFDB's invalid value of format 16
        return d

    root = _ludb(tmp_path / "ludb", names=("1",), d_edit=gap)
    raw = LUDB(root).read("1").signal
    header = LUDB(root).read("1", units="header").signal
    assert np.isnan(raw[2, 1000:1100]).all() and np.isnan(header[2, 1000:1100]).all()
    assert np.isfinite(raw[2, :1000]).all() and np.isfinite(np.delete(raw, 2, axis=0)).all()
    # before: the raw units gave -32.768 mV there


# ---------------------------------------------------------------- RECORDS and annotations
def _ecg(fs, seconds, n_leads=1):
    """A 72-bpm train of narrow Gaussian beats (mV), one row per lead."""
    t = np.arange(int(round(fs * seconds))) / fs
    beats = np.arange(0.4, seconds, 60 / 72)
    x = np.exp(-0.5 * ((t[:, None] - beats[None, :]) / 0.012) ** 2).sum(axis=1)
    return np.vstack([x * (1 + 0.2 * k) for k in range(n_leads)])


def test_records_file_naming_an_absent_record_warns_and_names_it(tmp_path):
    from geoecg.io import iter_records, list_records

    for name in ("a", "b"):
        _write(tmp_path, name, _ecg(250, 4), ["ECG1"], 250)
    (tmp_path / "RECORDS").write_text("a\nb\nc\n")
    # before: "c" was left out without a word (geoecg info, extract, iter_records alike)
    with pytest.warns(UserWarning, match=r"RECORDS lists 1 record\(s\) without a header.*\['c'\]"):
        assert list_records(tmp_path) == ["a", "b"]
    with pytest.warns(UserWarning, match=r"\['c'\] \(an incomplete download\?\)"):
        assert [r.name for r in iter_records(tmp_path, annotator=None)] == ["a", "b"]


def test_qrs_bench_records_names_the_records_without_annotations(tmp_path):
    from geoecg.features.rpeaks_peers import annotated_records

    for name in ("100", "101", "bw"):
        _write(tmp_path, name, _ecg(360, 4, 2), ["MLII", "V5"], 360)
    wfdb.wrann("100", "atr", np.array([144, 444]), symbol=["N", "N"], write_dir=str(tmp_path))
    # before: 101 was silently not scored; bw (an NSTDB noise record) has no beats to score
    with pytest.warns(UserWarning, match=r"1 record\(s\) .* no \.atr.*\['101'\]; 1 scored"):
        assert annotated_records(tmp_path) == ["100"]
    assert annotated_records(tmp_path, ["100"]) == ["100"]  # asked for: no warning


def test_extract_takes_mlii_as_lead_ii_for_the_single_lead_sets(tmp_path):
    import json

    root = tmp_path / "tree"
    root.mkdir()
    _write(root, "r1", _ecg(360, 10, 2), ["V5", "MLII"], 360)  # MIT-BIH 114's order
    extract_features(root, ["sqi"], out=tmp_path / "o", progress=False)
    settings = json.loads((tmp_path / "o" / "_manifest.json").read_text())["settings"]
    assert settings["leads"] == ["V5", "MLII"] and settings["primary"] == 1  # before: 0 (V5)
    _write(root, "r1", _ecg(360, 10, 2), ["ECG1", "ECG2"], 360)  # AFDB/SVDB names: the first
    extract_features(root, ["sqi"], out=tmp_path / "o2", progress=False)
    assert json.loads((tmp_path / "o2" / "_manifest.json").read_text())["settings"]["primary"] == 0


# ---------------------------------------------------------------- invalid samples, a dead lead
def test_invalid_samples_read_as_nan_and_a_dead_lead_is_named_by_extract(tmp_path):
    from geoecg.features import detect_rpeaks
    from geoecg.io import read_record

    x = _ecg(257, 20, 12)  # INCART: 257 Hz, 12 leads, "AVR" in capitals
    d = np.round(x * 200).astype(np.int64)
    d[3] = -32768  # lead AVR: every sample invalid
    d[1, 1000:1500] = -32768  # lead II: a 2-s stretch
    _write(tmp_path, "I01", None, LEADS12, 257, d_signal=d)
    rec = read_record(tmp_path / "I01")
    assert np.isnan(rec.signal[3]).all() and np.isnan(rec.signal[1, 1000:1500]).all()
    assert np.isfinite(rec.signal[[0, 2, 4]]).all()
    assert detect_rpeaks(rec.signal, rec.fs).indices.size == 24  # the other leads carry it
    extract_features(tmp_path, ["sqi"], out=tmp_path / "o", progress=False)
    err = read_features(tmp_path / "o", metadata=False)["error"].iloc[0]
    assert err.startswith("flat or empty lead(s) ['AVR']")
    assert err.endswith("every sample missing (NaN) in ['AVR'])")  # before: only peak-to-peak


def test_mitdb_record_without_its_atr_file_is_named(tmp_path):
    from geoecg.io import read_mitdb

    for name in ("231", "232"):  # 231 with its .atr: the folder is a MIT-BIH folder
        _write(tmp_path, name, _ecg(360, 4, 2), ["MLII", "V1"], 360, fmt="212")
    wfdb.wrann("231", "atr", np.array([144, 444]), symbol=["N", "N"], write_dir=str(tmp_path))
    assert len(read_mitdb("231", tmp_path).annotations) == 2
    with pytest.raises(FileNotFoundError, match=r"record '232' has no annotation file .*232\.atr"):
        read_mitdb("232", tmp_path)  # before: the record read with no reference beats
    rec = read_mitdb("232", tmp_path, annotator=None)
    assert rec.signal.shape == (2, 1440) and len(rec.annotations) == 0
    with pytest.raises(FileNotFoundError, match="not found"):
        read_mitdb("999", tmp_path)  # no header at all: read_record's message, as before


def test_read_signal_names_a_missing_record_as_read_record_does(tmp_path):
    from geoecg.io import read_record, read_signal

    _write(tmp_path, "100", _ecg(360, 2, 2), ["MLII", "V5"], 360)
    for read in (read_record, read_signal):  # before, read_signal: "WFDB header ... not found"
        with pytest.raises(FileNotFoundError, match=r"'.*/101' not found: .*closest .*\['100'\]"):
            read(tmp_path / "101")
