"""read_record: values against wfdb, units, windows, metadata, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import wfdb

from geoecg.datasets import SAMPLE_RECORDS, sample_record_path
from geoecg.io import ECGRecord, aami_labels, parse_comments, read_record, rhythm_episodes


@pytest.mark.parametrize("name", SAMPLE_RECORDS)
def test_embedded_record_matches_wfdb(name):
    path = sample_record_path(name)
    rec = read_record(path)
    ref = wfdb.rdrecord(str(path))
    assert isinstance(rec, ECGRecord)
    assert rec.signal.dtype == np.float64
    assert rec.signal.shape == (ref.n_sig, ref.sig_len)
    np.testing.assert_array_equal(rec.signal, ref.p_signal.T)
    assert rec.fs == 360.0
    assert rec.lead_names == tuple(ref.sig_name)
    ann = wfdb.rdann(str(path), "atr")
    np.testing.assert_array_equal(rec.annotations.sample, ann.sample)
    assert list(rec.annotations.symbol) == list(ann.symbol)


def test_record_is_frozen_and_readonly():
    rec = read_record(sample_record_path("mitdb_101"))
    with pytest.raises(ValueError):
        rec.signal[0, 0] = 1.0
    with pytest.raises(AttributeError):
        rec.fs = 100.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        rec.metadata["age"] = 3  # type: ignore[index]


def test_window_channels_and_annotation_shift():
    path = sample_record_path("mitdb_119")
    full = read_record(path)
    win = read_record(path, channels=["V1"], sampfrom=3600, sampto=7200)
    assert win.signal.shape == (1, 3600)
    assert win.lead_names == ("V1",)
    np.testing.assert_array_equal(win.signal[0], full.lead("V1")[3600:7200])
    inside = (full.annotations.sample >= 3600) & (full.annotations.sample < 7200)
    np.testing.assert_array_equal(
        win.annotations.sample[win.annotations.symbol != "+"],
        full.annotations.sample[inside & (full.annotations.symbol != "+")] - 3600,
    )
    by_index = read_record(path, channels=[1], sampfrom=3600, sampto=7200)
    np.testing.assert_array_equal(by_index.signal, win.signal)


def test_window_inside_rhythm_episode_knows_its_rhythm():
    rec = read_record(sample_record_path("mitdb_201"), sampfrom=1000, sampto=20000)
    ep = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    assert ep.iloc[0]["start"] == 0
    assert ep.iloc[0]["rhythm"] == "AFIB"
    assert ep["end"].iloc[-1] == rec.n_samples


def test_rhythm_episodes_refuses_a_length_before_the_last_annotation():
    rec = read_record(sample_record_path("mitdb_201"), sampfrom=1000, sampto=20000)
    ep = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    last = int(ep["start"].iloc[-1])
    assert (rhythm_episodes(rec.annotations, last, rec.fs)["duration_s"] >= 0).all()
    with pytest.raises(ValueError, match=rf"n_samples={last - 1} ends before .*sample {last}"):
        rhythm_episodes(rec.annotations, last - 1, rec.fs)


def test_metadata_age_sex():
    rec = read_record(sample_record_path("mitdb_201"))
    assert rec.metadata["age"] == 68.0
    assert rec.metadata["sex"] == "M"
    assert any("Digoxin" in c for c in rec.metadata["comments"])


@pytest.mark.parametrize(
    ("lines", "age", "sex"),
    [
        (["69 M 1085 1629 x1"], 69.0, "M"),
        (["?? F"], np.nan, "F"),
        (["Age: 43", "Sex: Female"], 43.0, "F"),
        (["age: NaN", "sex: Unknown"], np.nan, None),
        ([], np.nan, None),
    ],
)
def test_parse_comments(lines, age, sex):
    md = parse_comments(lines)
    np.testing.assert_equal(md["age"], age)
    assert md["sex"] == sex


def test_units_converted_to_mv(tmp_path):
    x = np.array([[0.0, 1.0, -2.0, 0.5]])
    wfdb.wrsamp(
        "uv",
        fs=250,
        units=["uV"],
        sig_name=["I"],
        p_signal=(x * 1000).T,
        fmt=["16"],
        adc_gain=[1.0],
        baseline=[0],
        write_dir=str(tmp_path),
    )
    rec = read_record(tmp_path / "uv", annotator=None)
    np.testing.assert_allclose(rec.signal, x)
    assert rec.units == ("uV",)


def test_multisegment_record(tmp_path):
    fs = 100
    seg1 = np.sin(np.arange(300) / 10.0)[:, None]
    seg2 = np.cos(np.arange(200) / 10.0)[:, None]
    for name, sig in (("s1", seg1), ("s2", seg2)):
        wfdb.wrsamp(
            name,
            fs=fs,
            units=["mV"],
            sig_name=["II"],
            p_signal=sig,
            fmt=["16"],
            adc_gain=[1000.0],
            baseline=[0],
            write_dir=str(tmp_path),
        )
    # a fixed-layout multi-segment header, as written by PhysioNet for MIMIC-style records
    (tmp_path / "multi.hea").write_text("multi/2 1 100 500\ns1 300\ns2 200\n")
    rec = read_record(tmp_path / "multi", annotator=None)
    assert rec.signal.shape == (1, 500)
    np.testing.assert_allclose(rec.signal[0, :300], seg1[:, 0], atol=1e-3)
    np.testing.assert_allclose(rec.signal[0, 300:], seg2[:, 0], atol=1e-3)


def test_empty_window():
    rec = read_record(sample_record_path("mitdb_101"), sampfrom=10, sampto=10)
    assert rec.signal.shape == (2, 0)
    assert len(rec.annotations) == 0


# ----------------------------------------------------------------------------- bad input
def test_missing_record_names_expected_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.hea.*nope\.dat"):
        read_record(tmp_path / "nope")


def test_missing_signal_file(tmp_path):
    src = sample_record_path("mitdb_101")
    shutil.copy(f"{src}.hea", tmp_path / "mitdb_101.hea")
    with pytest.raises(FileNotFoundError, match="signal file"):
        read_record(tmp_path / "mitdb_101")


def test_truncated_signal_file(tmp_path):
    src = sample_record_path("mitdb_101")
    shutil.copy(f"{src}.hea", tmp_path / "mitdb_101.hea")
    data = Path(f"{src}.dat").read_bytes()
    (tmp_path / "mitdb_101.dat").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="mitdb_101"):
        read_record(tmp_path / "mitdb_101")


def test_corrupt_header(tmp_path):
    (tmp_path / "bad.hea").write_text("bad two three four five\nnot a signal line\n")
    with pytest.raises(ValueError, match="header of WFDB record"):
        read_record(tmp_path / "bad")


def test_corrupt_annotation_file(tmp_path):
    src = sample_record_path("mitdb_101")
    for ext in ("hea", "dat"):
        shutil.copy(f"{src}.{ext}", tmp_path / f"mitdb_101.{ext}")
    (tmp_path / "mitdb_101.atr").write_bytes(b"\xff\xfe\x01")
    with pytest.raises(ValueError, match="annotation file"):
        read_record(tmp_path / "mitdb_101")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"sampfrom": -1}, ValueError, "sampfrom must be >= 0"),
        ({"sampto": 10**9}, ValueError, "past the end"),
        ({"sampfrom": 50, "sampto": 10}, ValueError, "must be >= sampfrom"),
        ({"sampfrom": 1.5}, TypeError, "sampfrom must be an int"),
        ({"channels": ["aVF"]}, ValueError, "no lead 'aVF'"),
        ({"channels": [7]}, ValueError, "out of range"),
        ({"channels": [None]}, TypeError, "channels entries must be str or int"),
        ({"channels": 1.5}, TypeError, "channels must be a sequence"),
        ({"channels": ["V1", 1]}, ValueError, "channels must name distinct leads"),
        ({"channels": []}, ValueError, "at least one"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        read_record(sample_record_path("mitdb_101"), **kwargs)


def test_aami_labels_refuses_codes_that_are_not_symbols():
    assert aami_labels(np.array(["N", "V", "+"])).tolist() == ["N", "V", ""]
    with pytest.raises(TypeError, match="got 1 of type int"):
        aami_labels(["N", 1])
    with pytest.raises(TypeError, match="float"):
        aami_labels(np.array([1.0, 5.0]))
