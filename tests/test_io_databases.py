"""Database adapters on the real PhysioNet folders and on the embedded samples."""

from __future__ import annotations

import numpy as np
import pytest
import wfdb

from geoecg.cli import main
from geoecg.datasets import sample_cinc2017_dir, sample_mitdb_dir, sample_ptbxl_dir
from geoecg.io import (
    DS1,
    DS2,
    PACED,
    PTBXL,
    CinC2017,
    aami_counts,
    aami_labels,
    beat_annotations,
    iter_chunks,
    iter_records,
    list_records,
    mitdb_records,
    nstdb_records,
    patient_groups,
    read_mitdb,
    read_nstdb,
    read_record,
)
from geoecg.io.mitdb import BEAT_SYMBOLS


# ----------------------------------------------------------------------------- MIT-BIH
def test_mitdb_101_shape_and_annotations(mitdb_dir):
    rec = read_mitdb("101", mitdb_dir)
    assert rec.signal.shape == (2, 650000)
    assert rec.fs == 360.0
    assert rec.lead_names == ("MLII", "V1")
    ann = wfdb.rdann(str(mitdb_dir / "101"), "atr")
    np.testing.assert_array_equal(rec.annotations.sample, ann.sample)
    assert list(rec.annotations.symbol) == list(ann.symbol)
    assert rec.metadata["age"] == 75.0 and rec.metadata["sex"] == "F"


def test_every_mitdb_and_nstdb_record_loads(mitdb_dir, nstdb_dir):
    names = mitdb_records(mitdb_dir)
    assert len(names) == len(list_records(mitdb_dir))
    for name in names:
        rec = read_mitdb(name, mitdb_dir, sampto=3600)
        assert rec.signal.shape == (2, 3600) and np.isfinite(rec.signal).all()
        assert rec.metadata["n_samples_file"] == 650000
    table = nstdb_records(nstdb_dir)
    for name in table["record"]:
        rec = read_nstdb(name, nstdb_dir, sampto=3600)
        assert rec.signal.shape == (2, 3600)
    snr = dict(zip(table["record"], table["snr_db"], strict=True))
    assert snr.get("118e_6") == -6.0 and snr.get("118e24") == 24.0


def test_de_chazal_ds1_class_counts(mitdb_dir):
    # de Chazal, O'Dwyer & Reilly (2004), IEEE TBME 51(7), Table I: DS1 beats
    # N 45866, S 944, V 3788, F 415, Q 8 (AAMI EC57 mapping, e/j in N).
    present = mitdb_records(mitdb_dir, "DS1")
    if len(present) < len(DS1):
        pytest.fail(f"DS1 incomplete in {mitdb_dir}: {sorted(set(DS1) - set(present))}")
    total = aami_counts(mitdb_dir, records=DS1).loc["total"]
    assert total[["N", "S", "V", "F", "Q"]].tolist() == [45866, 944, 3788, 415, 8]
    # PhysioNet MIT-BIH directory: record 208 has 2,955 beats; 101 has 1,860 N, 3 A, 2 Q.
    per = aami_counts(mitdb_dir, records=["101", "208"])
    assert per.loc["208", "all"] == 2955
    assert per.loc["101", ["N", "S", "Q"]].tolist() == [1860, 3, 2]


def test_aami_counts_agree_with_symbol_counts(mitdb_dir):
    names = mitdb_records(mitdb_dir)
    counts = aami_counts(mitdb_dir)
    total = 0
    for name in names:
        sym = wfdb.rdann(str(mitdb_dir / name), "atr").symbol
        total += sum(s in BEAT_SYMBOLS for s in sym)
    assert counts.loc["total", "all"] == total


def test_info_prints_aami_counts(mitdb_dir, capsys):
    assert main(["info", str(mitdb_dir)]) == 0
    out = capsys.readouterr().out
    expected = aami_counts(mitdb_dir).loc["total"]
    line = next(ln for ln in out.splitlines() if ln.startswith("AAMI class counts"))
    for c in "NSVFQ":
        assert f"{c} {expected[c]}" in line
    assert f"{len(mitdb_records(mitdb_dir))} record(s)" in out


def test_subsets_and_groups(mitdb_dir):
    assert set(mitdb_records(mitdb_dir, "paced")) == set(PACED)
    assert not set(mitdb_records(mitdb_dir, "non-paced")) & set(PACED)
    assert set(mitdb_records(mitdb_dir, "DS2")) <= set(DS2)
    assert len(set(DS1) | set(DS2) | set(PACED)) == 48
    groups = patient_groups(["201", "202", "203"])
    assert groups[0] == groups[1] != groups[2]
    with pytest.raises(ValueError, match="subset must be"):
        mitdb_records(mitdb_dir, "DS3")


def test_aami_mapping_escape_choice():
    assert aami_labels(list("NLRej")).tolist() == ["N"] * 5
    assert aami_labels(list("ej"), escape_class="S").tolist() == ["S", "S"]
    assert aami_labels(list("AaJS")).tolist() == ["S"] * 4
    assert aami_labels(list("VE")).tolist() == ["V", "V"]
    assert aami_labels(list("/fQ")).tolist() == ["Q"] * 3
    assert aami_labels(["+", "~", "|"]).tolist() == ["", "", ""]
    with pytest.raises(ValueError, match="escape_class"):
        aami_labels(["e"], escape_class="V")


def test_beat_annotations_drop_non_beats():
    rec = read_record(sample_mitdb_dir() / "mitdb_201")
    beats = beat_annotations(rec.annotations)
    assert set(beats["symbol"]) <= BEAT_SYMBOLS
    assert (beats["aami"] != "").all()
    assert beats["sample"].is_monotonic_increasing
    assert len(beats) < len(rec.annotations)


# ----------------------------------------------------------------------------- PTB-XL
def test_ptbxl_loader_100hz(ptbxl_dir):
    db = PTBXL(ptbxl_dir)
    X, meta = db.load(fs=100)
    assert X.shape == (500, 12, 1000)
    assert X.dtype == np.float64 and np.isfinite(X).all()
    assert {"age", "sex", "strat_fold", "device", "site", "patient_id"} <= set(meta.columns)
    # data README: sex 251 female / 249 male, 4 ages missing, 466 patients, folds 1-10
    assert (meta["sex"] == 1).sum() == 251 and (meta["sex"] == 0).sum() == 249
    assert meta["age"].isna().sum() == 4
    assert meta["patient_id"].nunique() == 466
    assert sorted(meta["strat_fold"].unique()) == list(range(1, 11))
    # a value checked against wfdb directly (lead II of record 1, first samples)
    ref = wfdb.rdrecord(str(ptbxl_dir / "records100/00000/00001_lr")).p_signal.T
    np.testing.assert_array_equal(X[0], ref)


def test_ptbxl_superclasses(ptbxl_dir):
    lab = PTBXL(ptbxl_dir).superclass_labels()
    # data README: NORM 297, STTC 96, CD 78, MI 73, HYP 40; 12 without diagnosis
    assert lab.sum().to_dict() == {"NORM": 297, "MI": 73, "STTC": 96, "CD": 78, "HYP": 40}
    assert (lab.sum(axis=1) == 0).sum() == 12


def test_ptbxl_500hz_missing_files(ptbxl_dir):
    db = PTBXL(ptbxl_dir)
    with pytest.raises(FileNotFoundError, match="missing='skip'"):
        db.load(fs=500)
    ids = db.available(500)[:3]
    X, _ = db.load(ids, fs=500)
    assert X.shape == (3, 12, 5000)
    with pytest.raises(ValueError, match="100 or 500 Hz"):
        db.load(fs=250)


def test_ptbxl_batches_equal_full_load():
    db = PTBXL(sample_ptbxl_dir())
    X, meta = db.load()
    parts = list(db.iter_batches(batch_size=7))
    assert [len(p[0]) for p in parts] == [7, 7, 6]
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), X)
    assert np.concatenate([p[1].index for p in parts]).tolist() == meta.index.tolist()


def test_ptbxl_bad_layout(tmp_path):
    (tmp_path / "ptbxl_database.csv").write_text("ecg_id,age\n1,50\n")
    with pytest.raises(FileNotFoundError, match="scp_statements.csv"):
        PTBXL(tmp_path)


# ----------------------------------------------------------------------------- CinC 2017
def test_cinc2017_records_and_labels(cinc2017_dir):
    db = CinC2017(cinc2017_dir)
    labels = db.labels()
    assert len(labels) == 1200
    assert labels.value_counts().to_dict() == {"N": 400, "A": 300, "O": 300, "~": 200}
    v2 = db.labels("v2")
    assert (v2 != labels.loc[v2.index]).sum() == 42  # data README: 42 differ v3 vs v2
    lengths = []
    for rec in db.iter_records():
        assert rec.fs == 300.0 and rec.n_leads == 1
        lengths.append(rec.duration_s)
    assert len(lengths) == 1200
    assert 9.0 <= min(lengths) and max(lengths) <= 61.0


def test_cinc2017_load_embedded():
    X, y = CinC2017(sample_cinc2017_dir()).load()
    assert len(X) == len(y) == 20
    assert all(x.ndim == 2 and x.shape[0] == 1 for x in X)


def test_unknown_layout_messages(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"A\*\.hea"):
        CinC2017(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"\*\.atr"):
        mitdb_records(tmp_path)
    (tmp_path / "x.hea").write_text("x 1 100 10\nx.dat 16 1 16 0 0 0 0 I\n")
    with pytest.raises(FileNotFoundError, match="Noise Stress Test"):
        nstdb_records(tmp_path)


# ----------------------------------------------------------------------------- iteration
def test_iter_records_is_lazy_and_chunked():
    folder = sample_cinc2017_dir()
    it = iter_records(folder, annotator=None)
    first = next(it)
    assert first.fs == 300.0
    chunks = list(iter_chunks(folder, chunk_size=6, annotator=None))
    assert [len(c) for c in chunks] == [6, 6, 6, 2]
    names = [r.name for c in chunks for r in c]
    assert names == sorted(names)
    with pytest.raises(ValueError, match="chunk_size"):
        next(iter_chunks(folder, chunk_size=0))


def test_parent_folder_resolves_to_each_database(data_root):
    from geoecg.io import mitdb_dir, nstdb_dir

    assert mitdb_dir(data_root).name == "mitdb"
    assert nstdb_dir(data_root).name == "nstdb"
    assert PTBXL(data_root).root.name == "ptbxl"
    assert CinC2017(data_root).root.name == "cinc2017"
    assert len(mitdb_records(data_root)) == len(mitdb_records(data_root / "mitdb"))
