"""What a user meets on the FULL PhysioNet databases, on small generated WFDB records.

The shared data folder holds subsets; the full downloads add layouts and quirks it may not
show: multi-segment records with a layout header (MIMIC style), mixed units and header
defaults, leads in another order (MIT-BIH 102/104/114), annotation codes outside the AAMI
map, truncated or missing signal files, paths with spaces and non-ASCII characters, a PTB-XL
download of one release only, CinC records of 9 to 60 s with a label file listing more
records than the folder holds. Each case either reads (values checked) or raises a
ValueError / FileNotFoundError that names the file and what is expected.
No network, no shared data: every record is written here with ``wfdb.wrsamp``/``wrann``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import wfdb

from geoecg.cohort import extract_features, open_source, read_features
from geoecg.io import (
    PTBXL,
    CinC2017,
    beat_annotations,
    iter_records,
    list_records,
    read_mitdb,
    read_record,
    read_signal,
    rhythm_episodes,
)

FS = 250
T = np.arange(1000) / FS
X = np.vstack([np.sin(2 * np.pi * T), 0.5 * np.cos(2 * np.pi * T)])  # (2, 1000) mV


def _write(folder, name, x, names, fs=FS, fmt="16", gain=1000.0, baseline=0, units="mV"):
    n = x.shape[0]
    wfdb.wrsamp(
        name,
        fs=fs,
        units=[units] * n,
        sig_name=list(names),
        p_signal=np.asarray(x).T,
        fmt=[fmt] * n,
        adc_gain=[gain] * n,
        baseline=[baseline] * n,
        write_dir=str(folder),
    )


def _both(path):
    """read_record and the fast read_signal: same values, bit for bit (NaN included)."""
    rec = read_record(path, annotator=None)
    sig = read_signal(path)
    np.testing.assert_array_equal(sig.signal, rec.signal)
    assert sig.lead_names == rec.lead_names and sig.fs == rec.fs
    return rec


# ---------------------------------------------------------------- multi-segment (MIMIC style)
def _multi(tmp_path, total=800):
    _write(tmp_path, "r_1", X[:, :400], ["II", "V"])
    _write(tmp_path, "r_2", X[:1, 400:700], ["II"])  # this segment lacks lead V
    (tmp_path / "r_layout.hea").write_text(
        "r_layout 2 250 0\n~ 0 1000/mV 16 0 0 0 0 II\n~ 0 1000/mV 16 0 0 0 0 V\n"
    )
    (tmp_path / "r.hea").write_text(f"r/4 2 250 {total}\nr_layout 0\nr_1 400\n~ 100\nr_2 300\n")
    return tmp_path / "r"


def test_multisegment_variable_layout_reads_with_nan_gaps(tmp_path):
    rec = _both(_multi(tmp_path))
    assert rec.signal.shape == (2, 800) and rec.lead_names == ("II", "V")
    np.testing.assert_allclose(rec.signal[:, :400], X[:, :400], atol=1e-3)
    assert np.isnan(rec.signal[:, 400:500]).all()  # the null segment "~"
    np.testing.assert_allclose(rec.signal[0, 500:], X[0, 400:700], atol=1e-3)
    assert np.isnan(rec.signal[1, 500:]).all()  # lead V absent from the last segment
    # a folder without RECORDS lists the record, not its segments or layout header
    assert list_records(tmp_path) == ["r"]
    assert [r.record_id for r in open_source(tmp_path).refs()] == ["r"]
    assert [r.name for r in iter_records(tmp_path, annotator=None)] == ["r"]


def test_multisegment_lengths_that_do_not_add_up_are_named(tmp_path):
    path = _multi(tmp_path, total=1000)
    for reader in (read_record, read_signal):
        with pytest.raises(ValueError, match=r"declares 1000 samples but its segments hold 800"):
            reader(path)


def test_multisegment_truncated_segment_names_the_segment_file(tmp_path):
    path = _multi(tmp_path)
    seg = tmp_path / "r_2.dat"
    seg.write_bytes(seg.read_bytes()[:100])
    with pytest.raises(ValueError, match=r"r_2\.dat holds 100 of the 600 bytes"):
        read_record(path, annotator=None)


# ---------------------------------------------------------------- units and header defaults
def test_mixed_units_gain_zero_and_missing_baseline(tmp_path):
    dig = np.round(X * 1000).astype("<i2")
    dig.T.tofile(tmp_path / "u.dat")
    (tmp_path / "u.hea").write_text(
        "u 2 250 1000\nu.dat 16 1000/mV 16 0 0 0 0 II\nu.dat 16 1/uV 16 0 0 0 0 V\n"
    )
    rec = _both(tmp_path / "u")
    np.testing.assert_allclose(rec.signal, X, atol=6e-4)  # uV lead converted to mV
    assert rec.units == ("mV", "uV")
    # gain 0 means 200 adu/unit; no unit means mV; no baseline means the ADC zero (5)
    (tmp_path / "g.hea").write_text(
        "g 2 250 1000\nu.dat 16 0/mV 16 0 0 0 0 II\nu.dat 16 1000 16 5 0 0 0 V\n"
    )
    rec = _both(tmp_path / "g")
    np.testing.assert_array_equal(rec.signal[0], dig[0] / 200.0)
    np.testing.assert_array_equal(rec.signal[1], (dig[1] - 5) / 1000.0)


def test_non_voltage_lead_is_named_and_channels_reads_the_ecg(tmp_path):
    np.round(X * 1000).astype("<i2").T.tofile(tmp_path / "m.dat")
    (tmp_path / "m.hea").write_text(
        "m 2 250 1000\nm.dat 16 1000/mV 16 0 0 0 0 II\nm.dat 16 10/mmHg 16 0 0 0 0 ABP\n"
    )
    for reader in (read_record, read_signal):
        with pytest.raises(ValueError, match=r"lead 'ABP' has unit 'mmHg'.*channels=\['II'\]"):
            reader(tmp_path / "m")
    rec = read_record(tmp_path / "m", channels=["II"], annotator=None)
    np.testing.assert_allclose(rec.signal[0], X[0], atol=6e-4)


def test_two_samples_per_frame_are_averaged_to_the_frame_rate(tmp_path):
    dig = np.zeros((500, 3), dtype="<i2")  # per frame: II twice (500 Hz), then V once
    dig[:, 0], dig[:, 1], dig[:, 2] = np.arange(500) * 2, np.arange(500) * 2 + 1, 7
    dig.tofile(tmp_path / "f.dat")
    (tmp_path / "f.hea").write_text(
        "f 2 250 500\nf.dat 16x2 1000/mV 16 0 0 0 0 II\nf.dat 16 1000/mV 16 0 0 0 0 V\n"
    )
    rec = _both(tmp_path / "f")
    assert rec.fs == 250.0 and rec.signal.shape == (2, 500)
    np.testing.assert_allclose(rec.signal[0], (np.arange(500) * 2 + 0.5) / 1000.0)
    np.testing.assert_allclose(rec.signal[1], 0.007)


# ---------------------------------------------------------------- MIT-BIH lead order, annotations
def test_leads_by_name_when_mlii_is_not_first(tmp_path):
    # MIT-BIH 114 stores V5 first and MLII second (102 and 104: V5, V2, no MLII)
    _write(tmp_path, "114", X, ["V5", "MLII"], fs=360, fmt="212", gain=200.0, baseline=1024)
    wfdb.wrann("114", "atr", np.array([100, 400]), symbol=["N", "N"], write_dir=str(tmp_path))
    rec = read_mitdb("114", tmp_path, leads=["II"])
    assert rec.lead_names == ("MLII",)
    np.testing.assert_allclose(rec.signal[0], X[1], atol=3e-3)
    with pytest.raises(ValueError, match="lead"):
        read_mitdb("114", tmp_path, leads=["V1"])


def test_beat_table_takes_mlii_first_whatever_its_position(tmp_path):
    from geoecg.datasets import sample_record_path
    from geoecg.features.beat_records import beat_record_table

    src = read_record(sample_record_path("mitdb_119"), sampto=3600)  # MLII, V1; 10 s
    x = np.asarray(src.signal)
    for name, order in (("a", [0, 1]), ("b", [1, 0])):
        _write(tmp_path, name, x[order], [src.lead_names[i] for i in order], fs=360, gain=200.0)
        ann = src.annotations
        wfdb.wrann(name, "atr", ann.sample, symbol=list(ann.symbol), write_dir=str(tmp_path))
    a, b = beat_record_table(tmp_path / "a"), beat_record_table(tmp_path / "b")
    assert len(a["y"]) > 5
    np.testing.assert_array_equal(a["X"], b["X"])
    np.testing.assert_array_equal(a["y"], b["y"])


def test_extract_puts_mlii_first_on_mitdb(tmp_path):
    # `geoecg extract` on MIT-BIH names the columns by position; lead0 is MLII wherever the
    # record stores it (114: V5, MLII), and a record without MLII (102/104) keeps its order
    from geoecg.datasets import sample_record_path

    src = read_record(sample_record_path("mitdb_119"), sampto=3600)  # MLII, V1; 10 s
    x = np.asarray(src.signal)
    for name, order, names in (
        ("100", [0, 1], ["MLII", "V1"]),
        ("114", [1, 0], ["V1", "MLII"]),
        ("102", [1, 0], ["V1", "V2"]),
    ):
        _write(tmp_path, name, x[order], names, fs=360, gain=200.0)
        wfdb.wrann(name, "atr", np.array([100]), symbol=["N"], write_dir=str(tmp_path))
    (tmp_path / "RECORDS").write_text("100\n102\n114\n")
    extract_features(open_source(tmp_path), ["sqi"], out=tmp_path / "o", progress=False)
    df = read_features(tmp_path / "o").set_index("record_id")
    cols = [c for c in df.columns if c.startswith("sqi_")]  # of the primary lead, lead0
    assert cols and df["error"].isna().all()
    # 114 reads as 100 (MLII first); 102 keeps V1 first, so its SQIs are V1's
    np.testing.assert_array_equal(df.loc["114", cols].to_numpy(), df.loc["100", cols].to_numpy())
    assert not np.array_equal(df.loc["102", cols].to_numpy(), df.loc["100", cols].to_numpy())


def test_rhythm_noise_and_non_aami_annotations(tmp_path):
    _write(tmp_path, "200", X, ["MLII", "V1"], fs=360, fmt="212", gain=200.0, baseline=1024)
    sample = np.array([5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95])
    symbol = ["+", "N", "~", "|", "Q", "x", "V", "!", "[", "]", "+"]
    aux = ["(N", "", "", "", "", "", "", "", "", "", "(AFIB"]
    wfdb.wrann("200", "atr", sample, symbol=symbol, aux_note=aux, write_dir=str(tmp_path))
    rec = read_mitdb("200", tmp_path)
    beats = beat_annotations(rec.annotations)
    assert beats["symbol"].tolist() == ["N", "Q", "V"]  # noise, artifact, flutter waves out
    assert beats["aami"].tolist() == ["N", "Q", "V"]
    assert beats["sample"].tolist() == [10, 40, 60]
    ep = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    assert ep["rhythm"].tolist() == ["N", "AFIB"] and ep["end"].tolist() == [95, 1000]


# ---------------------------------------------------------------- broken files, odd paths
def test_truncated_missing_and_empty_signal_files(tmp_path):
    _write(tmp_path, "t", X, ["I", "II"])
    raw = (tmp_path / "t.dat").read_bytes()
    (tmp_path / "t.dat").write_bytes(raw[:2001])
    with pytest.raises(ValueError, match=r"t\.dat holds 2001 of the 4000 bytes"):
        read_record(tmp_path / "t", annotator=None)
    with pytest.raises(ValueError, match=r"t\.dat holds 2001 of the 4000 bytes"):
        read_signal(tmp_path / "t")
    (tmp_path / "t.dat").write_bytes(b"")
    with pytest.raises(ValueError, match=r"t\.dat holds 0 of the 4000 bytes"):
        read_record(tmp_path / "t", annotator=None)
    (tmp_path / "t.dat").unlink()
    for reader in (read_record, read_signal):
        with pytest.raises(FileNotFoundError, match=r"t\.dat"):
            reader(tmp_path / "t")


def test_paths_with_spaces_and_non_ascii(tmp_path):
    folder = tmp_path / "Holter données 2024" / "Patient Ø 1"
    folder.mkdir(parents=True)
    _write(folder, "rec", X, ["I", "II"])
    rec = _both(folder / "rec")
    np.testing.assert_allclose(rec.signal, X, atol=6e-4)


# ---------------------------------------------------------------- PTB-XL: one release only
def _ptbxl(root, releases=(100,)):
    rows = []
    for k in (1, 2):
        for fs in releases:
            sub = root / f"records{fs}" / "00000"
            sub.mkdir(parents=True, exist_ok=True)
            n = 10 * fs
            x = np.vstack([np.sin(2 * np.pi * (j + 1) * np.arange(n) / n) for j in range(12)])
            leads = ["I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6"]
            _write(sub, f"{k:05d}_{'lr' if fs == 100 else 'hr'}", x * k, leads, fs=fs)
        rows.append(
            {
                "ecg_id": k,
                "patient_id": 10.0 + k,
                "age": 50,
                "sex": k % 2,
                "scp_codes": "{'NORM': 100.0}",
                "strat_fold": k,
                "filename_lr": f"records100/00000/{k:05d}_lr",
                "filename_hr": f"records500/00000/{k:05d}_hr",
            }
        )
    pd.DataFrame(rows).to_csv(root / "ptbxl_database.csv", index=False)
    pd.DataFrame(
        {"diagnostic": [1], "diagnostic_class": ["NORM"]}, index=pd.Index(["NORM"])
    ).to_csv(root / "scp_statements.csv")
    return root


@pytest.mark.parametrize("fs", [100, 500])
def test_ptbxl_with_one_release_folder(tmp_path, fs):
    root = _ptbxl(tmp_path, releases=(fs,))
    other = 500 if fs == 100 else 100
    X_, meta = PTBXL(root).load(fs=fs)
    assert X_.shape == (2, 12, 10 * fs) and meta.index.tolist() == [1, 2]
    np.testing.assert_allclose(X_[1], 2 * X_[0], atol=2e-3)
    with pytest.raises(FileNotFoundError, match=f"records{other}/ does not exist.*fs={fs}"):
        PTBXL(root).load(fs=other)
    src = open_source(root)  # the release present, without being told
    assert src.kind == "ptbxl" and src.fs == fs
    assert all(f"records{fs}/" in r.path for r in src.refs())
    with pytest.raises(FileNotFoundError, match=f"no records{other}/ folder.*fs={fs}"):
        open_source(root, fs=other)


def test_extract_reads_the_release_at_the_requested_rate(tmp_path):
    root = _ptbxl(tmp_path / "ptbxl", releases=(100, 500))
    extract_features(root, ["sqi"], out=tmp_path / "o", fs=500, progress=False)
    df = read_features(tmp_path / "o", metadata=False)
    assert df["fs"].tolist() == [500.0, 500.0] and df["error"].isna().all()
    assert df["n_samples"].tolist() == [5000, 5000]


# ---------------------------------------------------------------- CinC 2017: lengths, label rows
def _cinc(root, seconds=(9.0, 61.0)):
    root.mkdir()
    for k, s in enumerate(seconds, start=1):
        n = int(s * 300)
        x = np.sin(2 * np.pi * np.arange(n) / 300)[None, :] * k
        _write(root, f"A0000{k}", x, ["ECG"], fs=300)
    return root


def test_cinc_records_of_different_lengths_and_a_label_file_with_extra_rows(tmp_path):
    root = _cinc(tmp_path / "training2017")
    (root / "REFERENCE.csv").write_text("A00001,N\nA00002,A\nA00003,O\nA08528,~\n")
    db = CinC2017(root)
    assert db.labels().to_dict() == {"A00001": "N", "A00002": "A"}  # rows of absent records out
    sig, y = db.load()
    assert [s.shape for s in sig] == [(1, 2700), (1, 18300)] and y.tolist() == ["N", "A"]
    np.testing.assert_allclose(sig[1][0], 2 * np.sin(2 * np.pi * np.arange(18300) / 300), atol=1e-3)
    (root / "REFERENCE.csv").write_text("Record,Label\nA00001,N\nA00002,A\n")  # a header row
    assert db.labels().to_dict() == {"A00001": "N", "A00002": "A"}
    (root / "REFERENCE.csv").write_text("A00001,N\nA00002,X\n")
    with pytest.raises(ValueError, match=r"REFERENCE\.csv: unknown labels \['X'\]"):
        db.labels()


def test_cinc_label_source_names_the_file_that_labels_reads(tmp_path):
    root = _cinc(tmp_path / "training2017")
    with pytest.raises(FileNotFoundError, match="no CinC 2017 label file"):
        CinC2017(root).label_source()
    (root / "REFERENCE.csv").write_text("A00001,N\nA00002,A\n")  # the v2 file of the zip
    db = CinC2017(root)
    assert db.label_source() == {"path": str(root / "REFERENCE.csv"), "column": None}
    with pytest.raises(FileNotFoundError, match="version='v3'"):
        db.label_source("v3")
    # the final labels one folder up (beside training2017/, as PhysioNet lists them) win
    (tmp_path / "REFERENCE-v3.csv").write_text("A00001,O\nA00002,A\n")
    assert db.label_source() == {"path": str(tmp_path / "REFERENCE-v3.csv"), "column": None}
    assert db.labels().to_dict() == {"A00001": "O", "A00002": "A"}
    (root / "labels.csv").write_text("record,label_v3,label_v2,label_v1\nA00001,N,A,O\n")
    assert db.label_source("v2") == {"path": str(root / "labels.csv"), "column": "label_v2"}
    assert db.labels("v1").to_dict() == {"A00001": "O"}
    with pytest.raises(ValueError, match="version must be"):
        db.label_source("v4")


# ---------------------------------------------------------------- geoecg extract over the mess
def test_extract_turns_every_broken_record_into_a_named_error_row(tmp_path):
    root = tmp_path / "mixed tree é"
    root.mkdir()
    x = np.sin(2 * np.pi * np.arange(2500) / FS * 1.2)[None, :].repeat(2, 0)
    for name in ("good", "trunc", "nodat"):
        _write(root, name, x, ["I", "II"])
    (root / "trunc.dat").write_bytes((root / "trunc.dat").read_bytes()[:999])
    (root / "nodat.dat").unlink()
    (root / "bad.hea").write_text("bad 2 250 2500\nbad.dat 16 1000/mV\n")  # 1 line for 2
    extract_features(root, ["sqi"], out=tmp_path / "o", progress=False)
    df = read_features(tmp_path / "o", metadata=False).set_index("record_id")
    assert set(df.index) == {"good", "trunc", "nodat", "bad"}
    assert pd.isna(df.at["good", "error"]) and df.at["good", "n_samples"] == 2500
    assert "trunc.dat holds 999 of the 10000 bytes" in df.at["trunc", "error"]
    assert "nodat.dat" in df.at["nodat", "error"] and "missing" in df.at["nodat", "error"]
    assert "declares 2 signals but has 1 signal line" in df.at["bad", "error"]


def test_info_on_a_folder_with_a_broken_header_summarises_the_others(tmp_path, capsys):
    from geoecg.cli import main

    _write(tmp_path, "ok", X, ["I", "II"])
    (tmp_path / "bad.hea").write_text("bad 2 250 1000\nbad.dat 16 1000/mV\n")  # 1 line for 2
    assert main(["info", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "unreadable bad: ValueError" in out and "declares 2 signals" in out
    assert "1 of 2 record(s) unreadable" in out and "ok      250.0        2       1000" in out
    assert main(["info", str(tmp_path / "bad")]) == 2  # one record: the error itself
