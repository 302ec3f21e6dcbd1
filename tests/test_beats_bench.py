"""``geoecg bench beats``: protocols, nested ds1-cv, cross-database, JSON layout (small runs)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoecg.cli import main


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """Per-record features shared by the tests of this module (computed once; the nested
    tests reuse the same three records)."""
    return tmp_path_factory.mktemp("beats_cache")


def test_ds1_ds2_without_ds2_names_missing_records(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-ds2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "100" in err and "234" in err and "--protocol ds1-cv" in err


def test_unknown_record_is_an_error(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--records", "999"])
    assert rc == 2 and "999" in capsys.readouterr().err


def test_test_data_needs_train_data_and_intra_takes_none(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--test-data", str(mitdb_dir)])
    assert rc == 2 and "--train-data" in capsys.readouterr().err
    rc = main(["bench", "beats", "--train-data", str(mitdb_dir), "--protocol", "intra"])
    assert rc == 2 and "not intra" in capsys.readouterr().err  # before any feature is read
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--train-data", str(mitdb_dir)])
    assert rc == 2 and "in both" in capsys.readouterr().err  # DS1 patients would be trained on


def test_cross_database_refuses_a_test_database_among_the_training_ones(svdb_dir, capsys):
    rc = main(["bench", "beats", "--train-data", str(svdb_dir), "--test-data", str(svdb_dir)])
    assert rc == 2 and "in both" in capsys.readouterr().err


@pytest.mark.realdata
def test_nested_ds1_cv_on_three_patients_writes_json(mitdb_dir, tmp_path, cache, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119,208", "--n-estimators", "10", "--json", str(out),
        "--cache", str(cache),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "nested" in text and "leave-one-patient-out" in text and "features transfer" in text
    res = json.loads(out.read_text())
    assert res["protocol"] == "ds1-cv" and res["settings"]["feature_set"] == "transfer"
    assert set(res["classes"]) == {"N", "S", "V", "F", "Q"}
    # every reference beat of the three records classified exactly once
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 6000
    assert [f["test"] for f in res["folds"]] == [["118"], ["119"], ["208"]]
    for r in ("118", "119", "208"):
        for c in ("S", "V"):
            ref, pred, tp = res["per_record"][r][c]
            assert 0 <= tp <= min(ref, pred)
    # held-out V beats of 119 and 208 are mostly recognised from the others' PVCs
    assert res["classes"]["V"]["se"] > 50
    assert any(cache.iterdir())


@pytest.mark.realdata
def test_intra_split_is_labelled_as_leaking(mitdb_dir, tmp_path, cache, capsys):
    out = tmp_path / "intra.json"
    rc = main(
        [
            "bench",
            "beats",
            "--data",
            str(mitdb_dir),
            "--protocol",
            "intra",
            "--records",
            "119,208",
            "--n-estimators",
            "5",
            "--json",
            str(out),
            "--cache",
            str(cache),
        ]
    )
    assert rc == 0 and "LEAKS PATIENTS" in capsys.readouterr().out
    res = json.loads(out.read_text())
    n = sum(c["n"] for c in res["classes"].values())
    assert 0.15 < n / (1987 + 2955) < 0.25  # the 20 % test split of the two records' beats


@pytest.mark.realdata
def test_nested_select_chooses_from_the_registered_grid(mitdb_dir, tmp_path, cache, capsys):
    from geoecg.estimators.heartbeat import BEAT_SELECTION_GRID

    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119,208", "--n-estimators", "3", "--select", "--outer-folds",
        "3", "--inner-folds", "2", "--json", str(out), "--cache", str(cache),
    ])  # fmt: skip
    assert rc == 0
    assert "inner patient CV" in capsys.readouterr().out
    res = json.loads(out.read_text())
    allowed = {
        (s, a)
        for g in BEAT_SELECTION_GRID
        for s in g["select__feature_set"]
        for a in g["select__adapt"]
    }
    assert len(res["folds"]) == 3
    for f in res["folds"]:
        c = f["choice"]
        assert (c["select__feature_set"], c["select__adapt"]) in allowed
        assert 0 <= f["inner_score"] <= 1
    assert sorted(sum((f["test"] for f in res["folds"]), [])) == ["118", "119", "208"]


@pytest.mark.realdata
def test_cross_database_on_other_sampling_rate(
    mitdb_dir, svdb_dir, tmp_path, cache, capsys, monkeypatch
):
    """Train on DS1 (360 Hz), test on a 128-Hz record of another database; here a 2-record
    training subset keeps the test fast (the DS1 list is patched, not the protocol)."""
    import geoecg.io.mitdb as mitdb
    from geoecg.io import read_record

    svdb = svdb_dir
    monkeypatch.setattr(mitdb, "DS1", ("119", "208"))
    out = tmp_path / "x.json"
    rc = main(
        [
            "bench",
            "beats",
            "--train-data",
            str(mitdb_dir),
            "--test-data",
            str(svdb),
            "--records",
            "800",
            "--n-estimators",
            "10",
            "--adapt",
            "both",
            "--json",
            str(out),
            "--cache",
            str(cache),
        ]
    )
    assert rc == 0
    res = json.loads(out.read_text())
    assert res["protocol"] == "cross-db" and res["test_fs"] == [128.0]
    train = [f"{mitdb_dir.name}:119", f"{mitdb_dir.name}:208"]
    assert res["train_records"] == train and res["settings"]["adapt"] == "both"
    n_ref = int(
        np.isin(read_record(svdb / "800").annotations.symbol, list("NLRBejnAaJSVErF/fQ?")).sum()
    )
    assert sum(c["n"] for c in res["classes"].values()) == n_ref
    assert "cross-database" in capsys.readouterr().out


def test_ds1_ds2_runs_with_201_in_ds1_and_202_in_ds2(tmp_path, monkeypatch, capsys):
    """The full MIT-BIH folder runs ds1-ds2 as de Chazal 2004 (the held-out runbook's task 2):
    record 201 (DS1) and 202 (DS2) are one patient, in training and test as in the published
    split; every DS2 record is scored. Tables and the fit are stubbed (no data read)."""
    import geoecg.features.beat_records as br
    from geoecg.estimators import beat_protocols as bp
    from geoecg.io.mitdb import DS1, DS2

    for r in DS1 + DS2:
        (tmp_path / f"{r}.hea").write_text(f"{r} 2 360 650000\n")
        (tmp_path / f"{r}.atr").write_bytes(b"")
    table = {"X": np.zeros((3, 1)), "y": np.array(["N", "S", "V"]), "names": np.array(["a"])}
    monkeypatch.setattr(br, "beat_record_table", lambda path, cache=None: {**table, "fs": 360.0})
    seen = {}

    def fit_predict(train, test, groups=None, **kw):
        seen.update(n_train=len(train), n_test=len(test), groups=list(groups))
        y = np.concatenate([t["y"] for t in test])
        return y, y, np.array([t["y"].size for t in test]), {"s_floor_k": 1.5}

    monkeypatch.setattr(bp, "transfer_beat_tables", fit_predict)
    out = tmp_path / "ds2.json"
    rc = main(["bench", "beats", "--data", str(tmp_path), "--protocol", "ds1-ds2",
               "--json", str(out)])  # fmt: skip
    assert rc == 0, capsys.readouterr().err
    assert (seen["n_train"], seen["n_test"]) == (22, 22)
    assert f"{tmp_path.name}:201" in seen["groups"]  # 201 trained on, 202 tested
    res = json.loads(out.read_text())
    assert res["complete"] and res["protocol"] == "ds1-ds2" and res["records"] == list(DS2)
    assert res["train_records"] == [f"{tmp_path.name}:{r}" for r in DS1]
    assert set(res["per_record"]) == set(DS2) and res["jkappa"] is not None
    assert res["fit"] == {"s_floor_k": 1.5}  # what the one fit chose, for the held-out figure


def test_default_protocol_is_nested_even_with_all_ds2_records(tmp_path, monkeypatch, capsys):
    """Issue 17: without ``--protocol`` the bench runs the nested ds1-cv on DS1 only, also on a
    full MIT-BIH folder (the held-out DS2 is scored only when ds1-ds2 is named), and says in
    one line how to run ds1-ds2. Tables and the nested CV are stubbed (no data read)."""
    import geoecg.features.beat_records as br
    from geoecg.estimators import beat_protocols as bp
    from geoecg.io.mitdb import DS1, DS2

    for r in DS1 + DS2:
        (tmp_path / f"{r}.hea").write_text(f"{r} 2 360 650000\n")
        (tmp_path / f"{r}.atr").write_bytes(b"")
    table = {"X": np.zeros((3, 1)), "y": np.array(["N", "S", "V"]), "names": np.array(["a"])}
    monkeypatch.setattr(br, "beat_record_table", lambda path, cache=None: {**table, "fs": 360.0})
    seen = {}

    def nested(tables, records, groups=None, **kw):
        seen.update(records=list(records))
        y = np.concatenate([t["y"] for t in tables])
        return y, y, np.array([t["y"].size for t in tables]), []

    def fit_predict(*a, **kw):
        raise AssertionError("ds1-ds2 ran without being named")

    monkeypatch.setattr(bp, "nested_beat_tables", nested)
    monkeypatch.setattr(bp, "transfer_beat_tables", fit_predict)
    out = tmp_path / "default.json"
    rc = main(["bench", "beats", "--data", str(tmp_path), "--json", str(out)])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    assert seen["records"] == list(DS1)
    res = json.loads(out.read_text())
    assert res["protocol"] == "ds1-cv" and res["records"] == list(DS1)
    assert not set(res["per_record"]) & set(DS2)
    hint = [ln for ln in captured.err.splitlines() if "--protocol ds1-ds2" in ln]
    assert len(hint) == 1 and "nested ds1-cv by default" in hint[0], captured.err
    # named, the protocol runs without the hint
    monkeypatch.setattr(bp, "transfer_beat_tables", lambda tr, te, g, **kw: nested(te, DS2))
    rc = main(["bench", "beats", "--data", str(tmp_path), "--protocol", "ds1-ds2"])
    assert rc == 0 and "--protocol ds1-ds2" not in capsys.readouterr().err


def test_header_names_the_pipeline_before_the_work(mitdb_dir, tmp_path, monkeypatch, capsys):
    """h8 findings 10, 11: the header (which pipeline runs, with the default's per-record
    prior and self-training) is printed before the features and fits, a stage line goes to
    stderr and the outer-fold bar follows the house rule (off: stderr is not a terminal)."""
    import geoecg.bench.beats as bench
    import geoecg.estimators.beat_protocols as bp

    recs = ["118", "119", "208"]
    seen = {}

    def load(folders, names, cache, test=None):
        seen["out_at_load"] = capsys.readouterr().out
        tables = tuple({"X": np.zeros((1, 1)), "names": np.array(["a"]), "y": np.array(["N"])}
                       for _ in names)  # fmt: skip
        return bp.BeatDatabases(tables, tuple(names), tuple(names))

    def nested(tables, records, **kw):
        seen["progress"] = kw["progress"]
        y = np.array(["N", "N", "V"])
        return y, y.copy(), np.array([1, 1, 1]), [{"test": [r], "choice": {}} for r in records]

    monkeypatch.setattr(bench, "_load", load)
    monkeypatch.setattr(bp, "nested_beat_tables", nested)
    out = tmp_path / "b.json"
    args = ["bench", "beats", "--data", str(mitdb_dir), "--records", ",".join(recs)]
    assert main([*args, "--json", str(out)]) == 0
    header = seen["out_at_load"].splitlines()[0]
    assert header.startswith("geoecg bench beats: ds1-cv (nested")
    assert "3 test records" in header
    assert header.endswith(
        "calibrated decision (RecordPriorAdapter, no per-record EM), label-free self-training "
        "on each test record, then a per-record QRS-morphology veto and prematurity floor on "
        "S calls"
    )
    assert seen["progress"] is None  # no --progress / --no-progress: a bar only on a terminal
    assert "nested evaluation of 3 records" in capsys.readouterr().err
    pipeline = json.loads(out.read_text())["settings"]["pipeline"]
    assert pipeline == header.rsplit("; ", 1)[1]
    assert main([*args, "--record-prior", "off"]) == 0
    assert "no per-record prior or self-training (--record-prior off)" in seen["out_at_load"]
