"""LUDB adapter, clinical measurements, ClinicalFeatures and the delineate bench."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.features.clinical import (
    CLINICAL_NAMES,
    ClinicalFeatures,
    clinical_measurements,
    cornell_criterion,
    qtc,
)
from geoecg.io.ludb import LUDB, LUDB_LEADS, annotated_span, parse_wave_annotations
from geoecg.simulate import synthesize_ecg


# --------------------------------------------------------------------------- LUDB
def test_parse_wave_annotations_and_span():
    waves = parse_wave_annotations(
        [5, 10, 20, 30, 40, 55, 60, 70], ["(", "p", ")", "(", "N", ")", "t", ")"]
    )
    assert waves == [("P", 5, 10, 20), ("QRS", 30, 40, 55), ("T", -1, 60, 70)]
    df = pd.DataFrame(waves, columns=["wave", "onset", "peak", "offset"])
    assert annotated_span(df) == (5, 71)
    assert annotated_span(df.iloc[:0]) == (0, 0)
    with pytest.raises(ValueError, match="differ in length"):
        parse_wave_annotations([1, 2], ["("])


def test_ludb_reads_real_records(ludb_dir):
    db = LUDB(ludb_dir)
    names = db.records()
    assert names[:3] == ["1", "3", "5"] and len(names) >= 3
    rec = db.read("1")
    assert rec.signal.shape == (12, 5000) and rec.fs == 500.0
    assert not rec.signal.flags.writeable
    # raw units: physiological amplitudes, not the 1 mV-per-lead header normalisation
    assert not np.allclose(np.ptp(rec.signal, axis=1), 1.0, atol=1e-3)
    hdr = db.read("1", units="header")
    np.testing.assert_allclose(np.ptp(hdr.signal, axis=1), 1.0, atol=2e-3)
    w = rec.waves
    assert set(w["lead"]) == set(LUDB_LEADS) and set(w["wave"]) == {"P", "QRS", "T"}
    qrs = w[(w.lead == "ii") & (w.wave == "QRS")]
    assert np.all((qrs.onset < qrs.peak) & (qrs.peak < qrs.offset))
    assert db.sex("1") in ("M", "F")
    with pytest.raises(FileNotFoundError, match="missing"):
        db.read("2")  # held out: even records are not in the shared half
    with pytest.raises(ValueError, match="units"):
        db.read("1", units="uv")


def test_ludb_bad_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a LUDB folder"):
        LUDB(tmp_path)


# --------------------------------------------------------------------------- formulas
def test_qtc_formulas_known_values():
    # hand computations: QT 400 ms at RR 640 ms (HR 93.75 bpm)
    assert qtc(400, 640, "bazett") == pytest.approx(400 / 0.8)
    assert qtc(400, 640, "fridericia") == pytest.approx(400 / 0.64 ** (1 / 3))
    assert qtc(400, 640, "framingham") == pytest.approx(400 + 154 * 0.36)
    assert qtc(400, 640, "hodges") == pytest.approx(400 + 1.75 * 33.75)
    for f in ("bazett", "fridericia", "framingham", "hodges"):
        assert qtc(380, 1000, f) == pytest.approx(380)  # no correction at 60 bpm
    with pytest.raises(ValueError, match="formula"):
        qtc(400, 800, "rautaharju")


def test_cornell_criterion_is_sex_specific():
    assert cornell_criterion(2.5, "F") == 1.0 and cornell_criterion(2.5, "M") == 0.0
    assert cornell_criterion(2.5, 1) == 1.0 and cornell_criterion(3.0, 0) == 1.0
    assert np.isnan(cornell_criterion(2.5, None)) and np.isnan(cornell_criterion(np.nan, "M"))


# --------------------------------------------------------------------------- measurements
def test_clinical_measurements_on_ecgsyn():
    x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=75, random_state=1, hrv_lf=0, hrv_hf=0)
    m = clinical_measurements(x, 500.0, sex="M")
    v = m.values
    assert set(CLINICAL_NAMES) <= set(v)
    assert v["hr_bpm"] == pytest.approx(75, abs=2)
    assert v["rr_ms"] == pytest.approx(800, abs=30)
    assert 0 < v["qt_ms"] < v["rr_ms"] and v["jt_ms"] < v["qt_ms"]
    assert v["pr_ms"] >= v["p_dur_ms"] > 0  # ECGSYN P runs into the QRS (no PR segment)
    assert v["qtc_bazett_ms"] > v["qt_ms"]  # HR above 60 bpm lengthens QTc
    assert -180 <= v["qrs_axis_deg"] <= 180
    assert m.median_beat.shape[0] == 12 and m.n_beats >= 10
    assert not m.reasons or all(not np.isfinite(v[k]) for k in m.reasons)


def test_axis_follows_the_dipole_rotation():
    axes = []
    for rot in (-60.0, 0.0, 40.0):
        x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=70, axis_deg=rot, random_state=0)
        axes.append(clinical_measurements(x, 500.0).values["qrs_axis_deg"])
    assert axes[0] < axes[1] < axes[2]


def test_clinical_missing_leads_and_few_beats():
    x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=70, random_state=0)
    m = clinical_measurements(x[:2], 500.0, leads=["I", "II"])
    assert np.isfinite(m.values["qrs_dur_ms"])
    assert np.isnan(m.values["sokolow_lyon_mv"]) and "sokolow_lyon_mv" in m.reasons
    assert np.isnan(m.values["qrs_axis_deg"])
    few = clinical_measurements(x, 500.0, rpeaks=[1000])
    assert all(np.isnan(few.values[k]) for k in CLINICAL_NAMES)
    assert few.reasons["qt_ms"] == "fewer than 2 beats"
    with pytest.raises(ValueError, match="names for"):
        clinical_measurements(x, 500.0, leads=["I"])
    with pytest.raises(ValueError, match="fs must be"):
        clinical_measurements(x, -1)


def test_clinical_features_contract():
    X = synthesize_ecg(fs=250, duration_s=10, hr_bpm=[60.0, 90.0], random_state=0)
    t = ClinicalFeatures(fs=250.0)
    with pytest.raises(NotFittedError):
        t.transform(X)
    X0 = X.copy()
    F = t.fit(X).transform(X)
    np.testing.assert_array_equal(X, X0)
    assert F.shape == (2, len(CLINICAL_NAMES))
    assert list(t.get_feature_names_out()) == list(CLINICAL_NAMES)
    np.testing.assert_array_equal(F, clone(t).fit_transform(X))
    np.testing.assert_array_equal(F, pickle.loads(pickle.dumps(t)).transform(X))
    np.testing.assert_array_equal(F[1], t.transform(list(X))[1])
    with pytest.raises(ValueError, match="n_leads"):
        ClinicalFeatures(fs=250.0).fit(X[:, :3])


# --------------------------------------------------------------------------- bench
def test_bench_delineate_runs(ludb_dir, tmp_path, capsys):
    from geoecg.cli import main

    out = tmp_path / "d.json"
    rc = main(["bench", "delineate", "--data", str(ludb_dir.parent), "--records", "1", "3",
               "--json", str(out)])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "QRS_on" in text and "global" in text
    res = json.loads(out.read_text())
    q = res["ludb"]["global"]["QRS_on"]["all"]
    assert q["tp"] > 0 and 0 <= q["se"] <= 100
    assert res["versions"]["geoecg"]


def test_qtdb_style_annotations_round_trip(tmp_path):
    import wfdb

    from geoecg.io.ludb import read_wave_annotations

    sample = np.array([100, 120, 140, 180, 200, 230, 300, 350, 400, 420])
    symbol = ["(", "p", ")", "(", "N", ")", "(", "t", ")", "u"]
    # wfdb.wrann accepts letters-only extensions: write "qc", then give it the QTDB name
    wfdb.wrann("sel0", "qc", sample, symbol, write_dir=str(tmp_path))
    (tmp_path / "sel0.qc").rename(tmp_path / "sel0.q1c")
    df = read_wave_annotations(tmp_path / "sel0", "q1c")
    assert df[["wave", "onset", "peak", "offset"]].values.tolist() == [
        ["P", 100, 120, 140], ["QRS", 180, 200, 230], ["T", 300, 350, 400]]  # fmt: skip
    assert set(df["lead"]) == {"q1c"}
    with pytest.raises(FileNotFoundError, match="missing"):
        read_wave_annotations(tmp_path / "sel0", "pu0")


def test_ptbxl_same_record_at_100_and_500_hz(ptbxl_dir):
    """PTB-XL ships records 1-100 at both rates: the medians over 12 records of QRS, PR and
    QT on the median beat agree within 10 ms (one 100-Hz sample), and the QRS of NORM records
    stays normal at 100 Hz (< 110 ms; 120 ms before the delineator worked at 500 Hz inside)."""
    from geoecg.io import PTBXL

    db = PTBXL(ptbxl_dir)
    ids = list(db.available(500))[:12]
    meta = db.metadata().loc[ids]
    keys = ("qrs_dur_ms", "pr_ms", "qt_ms")
    vals = {}
    for fs in (500, 100):
        X, _ = db.load(ids, fs=fs)
        vals[fs] = np.array([[clinical_measurements(x, float(fs)).values[k] for k in keys]
                             for x in X])  # fmt: skip
    dif = vals[100] - vals[500]
    for k, key in enumerate(keys):
        ok = np.isfinite(dif[:, k])
        assert ok.sum() >= 9, key
        assert abs(np.median(vals[100][ok, k]) - np.median(vals[500][ok, k])) <= 10.0, key
        # per record: QRS and PR within 10 ms; QT (T offset, the least sharp) within 15 ms
        assert np.median(np.abs(dif[ok, k])) <= (15.0 if key == "qt_ms" else 10.0), key
    norm = meta["scp_codes"].map(lambda c: "NORM" in c).to_numpy()
    assert norm.sum() >= 5 and np.nanmedian(vals[100][norm, 0]) < 110.0
