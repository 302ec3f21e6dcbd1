"""``geoecg bench beats``: protocols, missing-record messages and the JSON layout (small runs)."""

from __future__ import annotations

import json

import pytest

from geoecg.cli import main


def test_ds1_ds2_without_ds2_names_missing_records(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-ds2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "100" in err and "234" in err and "--protocol ds1-cv" in err


@pytest.mark.realdata
def test_ds1_cv_on_two_patients_writes_json(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "119,208", "--n-estimators", "20", "--json", str(out),
        "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "leave-one-patient-out" in text and "reference annotation positions" in text
    res = json.loads(out.read_text())
    assert res["protocol"] == "ds1-cv"
    assert set(res["classes"]) == {"N", "S", "V", "F", "Q"}
    # 119 and 208 together: every reference beat classified exactly once
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 4000
    assert 0 <= res["accuracy"] <= 100 and -1 <= res["kappa"] <= 1
    assert "jkappa" in res  # NaN here when no beat is predicted S (+P undefined)
    # held-out V beats of either record are mostly recognised from the other's PVCs
    assert res["classes"]["V"]["se"] > 50
    assert (tmp_path / "cache").is_dir() and any((tmp_path / "cache").iterdir())


def test_unknown_record_is_an_error(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--records", "999"])
    assert rc == 2 and "999" in capsys.readouterr().err


@pytest.mark.realdata
def test_ds1_cv_relative_features_and_inner_threshold(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119,208", "--n-estimators", "10", "--feature-set", "relative",
        "--inner-folds", "2", "--json", str(out), "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "features relative" in text and "inner patient CV" in text
    res = json.loads(out.read_text())
    assert res["settings"]["feature_set"] == "relative"
    assert res["settings"]["inner_folds"] == 2
    # one S multiplier per outer fold, from the fixed grid, chosen on training patients
    from geoecg.bench.beats import S_SCALES

    assert len(res["folds"]) == 3
    assert all(f["s_scale"] in S_SCALES for f in res["folds"])
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 6000


def test_select_relative_drops_absolute_columns():
    import numpy as np

    from geoecg.bench.beats import _select_relative
    from geoecg.features.morphology import beat_features, patient_relative_mask

    names = beat_features(np.zeros((2, 10)), np.zeros(0, np.int64), 360.0, prefilter=False).names
    X = np.arange(3 * names.size, dtype=float).reshape(3, names.size)
    t = _select_relative({"X": X, "y": np.array(["N", "S", "V"])})
    keep = patient_relative_mask(names)
    assert 0 < keep.sum() < names.size
    np.testing.assert_array_equal(t["X"], X[:, keep])
    assert "rr_pre" not in set(names[keep]) and "rr_pre_lmed" in set(names[keep])
    with pytest.raises(ValueError, match="stale"):
        _select_relative({"X": np.zeros((1, 7)), "y": np.array(["N"])})
