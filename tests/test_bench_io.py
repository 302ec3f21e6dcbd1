"""geoecg.commands.bench_io: the plumbing shared by the bench runners."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from geoecg.commands import bench_io as bio


def test_add_common_flags():
    p = argparse.ArgumentParser()
    bio.add_common(p, data="x", data_required=True, peers="NeuroKit2", seed=1, seeds="0,1")
    a = p.parse_args(["--data", "d", "--json", "o.json", "--peers"])
    assert (a.data, a.json, a.peers, a.seed, a.seeds) == ("d", "o.json", True, 1, "0,1")
    with pytest.raises(SystemExit):
        p.parse_args([])  # --data required
    q = argparse.ArgumentParser()
    bio.add_common(q, data=None, json=False)
    assert vars(q.parse_args([])) == {}


def test_parse_list_names_flag():
    assert bio.parse_list(" a, b,,", name="--m", choices="ab") == ["a", "b"]
    with pytest.raises(ValueError, match="unknown m "):
        bio.parse_list("a,z", name="--m", choices=("a",))
    with pytest.raises(ValueError, match="--seeds must be"):
        bio.parse_list("0,x", name="--seeds", type=int)


def test_write_json_versions_and_nan(tmp_path, capsys):
    f = tmp_path / "sub" / "r.json"
    payload = {"se": np.float64("nan"), "n": np.int64(3), "v": np.arange(2), "p": tmp_path}
    bio.write_json(f, payload, "scikit-learn", threads=1)
    d = json.loads(f.read_text())
    assert d["se"] is None and d["n"] == 3 and d["v"] == [0, 1] and d["p"] == str(tmp_path)
    assert d["versions"]["threads"] == 1 and "scikit-learn" in d["versions"]
    assert "versions" not in payload  # not modified
    assert "written" in capsys.readouterr().out
    bio.write_json(f, {"versions": {"mine": 1}}, quiet=True)
    assert json.loads(f.read_text()) == {"versions": {"mine": 1}}
    bio.write_json(None, payload)  # no --json: nothing


def test_data_dir(tmp_path, monkeypatch):
    (tmp_path / "ptbxl").mkdir()
    (tmp_path / "ptbxl" / "ptbxl_database.csv").write_text("")
    want = tmp_path / "ptbxl"
    assert bio.data_dir(tmp_path, "ptbxl", marker="ptbxl_database.csv") == want
    assert bio.data_dir(want, "ptbxl", marker="ptbxl_database.csv") == want
    monkeypatch.setenv("GEOECG_DATA", str(tmp_path))
    assert bio.data_dir(None) == tmp_path
    with pytest.raises(FileNotFoundError, match="--data"):
        bio.data_dir(tmp_path, "mitdb", marker="*.atr")
    with pytest.raises(FileNotFoundError, match="--data '.*nowhere' is not a folder"):
        bio.data_dir(tmp_path / "nowhere")
    monkeypatch.setenv("GEOECG_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="no --data given and .GEOECG_DATA is '.*nowhere'"):
        bio.data_dir(None)
    monkeypatch.delenv("GEOECG_DATA")
    with pytest.raises(FileNotFoundError, match="no --data given and .GEOECG_DATA is not set"):
        bio.data_dir(None)


def test_write_json_interrupted_keeps_the_previous_file(tmp_path, monkeypatch):
    """Ctrl-C while a runner rewrites its --json leaves the last complete file (atomic
    replace), and no temporary file behind."""
    path = tmp_path / "out.json"
    bio.write_json(path, {"step": 1}, quiet=True)

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(bio.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bio.write_json(path, {"step": 2}, quiet=True)
    assert json.loads(path.read_text())["step"] == 1
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_json_sink_writes_after_each_stage_and_complete_at_the_end(tmp_path, capsys):
    path = tmp_path / "r.json"
    with bio.JsonSink(path, "scikit-learn", threads=1) as out:
        out["n"] = 2
        assert out.stage("a", {"se": np.float64(99.5)}) == {"se": 99.5}
        d = json.loads(path.read_text())
        assert (d["complete"], d["stages"], d["a"], d["n"]) == (False, ["a"], {"se": 99.5}, 2)
        assert d["reason"].startswith("running") and d["versions"]["threads"] == 1
        out.stage("b", [1, 2])
        assert json.loads(path.read_text())["stages"] == ["a", "b"]
        assert "a" in out and out["b"] == [1, 2]
    d = json.loads(path.read_text())
    assert (d["complete"], d["stages"], d["b"]) == (True, ["a", "b"], [1, 2])
    assert "reason" not in d and "scikit-learn" in d["versions"]
    assert f"written {path}" in capsys.readouterr().out  # once, at the end
    with bio.JsonSink(None) as out:  # no --json: held, nothing written
        out.stage("a", 1)
    assert out.results == {"a": 1}


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("disk gone")])
def test_json_sink_interrupted_keeps_the_finished_stages(tmp_path, error):
    path = tmp_path / "r.json"
    with pytest.raises(type(error)):
        with bio.JsonSink(path, quiet=True) as out:
            out.stage("first", {"f1": 0.9})
            out["note"] = "set after the first stage"
            raise error
    d = json.loads(path.read_text())
    assert (d["complete"], d["stages"], d["first"]) == (False, ["first"], {"f1": 0.9})
    assert d["note"] == "set after the first stage"
    want = (
        "KeyboardInterrupt" if isinstance(error, KeyboardInterrupt) else "RuntimeError: disk gone"
    )
    assert want in d["reason"]
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_json_sink_write_error_does_not_hide_the_interrupt(tmp_path, monkeypatch):
    sink = bio.JsonSink(tmp_path / "r.json")

    def broken(*a, **k):
        raise OSError("read-only")

    monkeypatch.setattr(bio, "write_json", broken)
    with pytest.raises(KeyboardInterrupt):
        with sink:
            raise KeyboardInterrupt
