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
