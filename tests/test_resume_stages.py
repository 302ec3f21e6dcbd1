"""``--resume`` for the staged runners (``JsonSink``: ``geoecg bench delineate`` and ``hrv``).

A stage given to :meth:`JsonSink.stage` as a function is an expensive one: an interrupted
run leaves it in ``--json`` (``"complete": false`` with the run's settings) and a rerun with
``--resume`` and the same settings reads it back instead of computing it. The resumed file
equals the uninterrupted run's (versions aside). Plumbing only, data-free and fast: the
protocols are stubbed with fixed figures (each stub fails the test if a restored stage runs).
"""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from geoecg.bench import delineate as bench_delineate
from geoecg.bench import hrv as bench_hrv
from geoecg.cli import main
from geoecg.commands.bench_io import JsonSink
from geoecg.features import delineation_protocols as proto
from geoecg.features import hrv_peers as hp


def _interrupt(*a, **k):
    raise KeyboardInterrupt


def _must_not_run(*a, **k):
    raise AssertionError("a finished stage ran again under --resume")


def _sink_run(path, resume, fail_at=None, **settings):
    args = argparse.Namespace(json=path, resume=resume, **settings)
    calls = []
    with JsonSink(path, quiet=True, run=args) as out:
        for name in ("a", "b", "c"):
            if name == fail_at:
                raise KeyboardInterrupt
            out.stage(name, lambda name=name: calls.append(name) or {"v": name})
        out["plain"] = 1
    return calls


def test_jsonsink_resume_reads_back_finished_stages(tmp_path):
    f = tmp_path / "r.json"
    with pytest.raises(KeyboardInterrupt):
        _sink_run(f, False, fail_at="c", n=3)
    d = json.loads(f.read_text())
    assert (d["complete"], d["stages"], d["run_settings"]) == (False, ["a", "b"], {"n": 3})
    with pytest.raises(ValueError, match=r"other settings: n 3 \(now 4\)"):
        _sink_run(f, True, n=4)
    with pytest.raises(KeyboardInterrupt):  # interrupted again before reaching "b"
        _sink_run(f, True, fail_at="b", n=3)
    assert json.loads(f.read_text())["stages"] == ["a", "b"]  # "b" is not lost
    assert _sink_run(f, True, n=3) == ["c"]  # only the unfinished stage runs
    d = json.loads(f.read_text())
    assert d["complete"] and d["stages"] == ["a", "b", "c"] and "run_settings" not in d
    assert {k: d[k] for k in "abc"} == {k: {"v": k} for k in "abc"}
    with pytest.raises(ValueError, match="complete run, nothing to resume"):
        _sink_run(f, True, n=3)
    assert _sink_run(tmp_path / "none.json", True, n=3) == ["a", "b", "c"]  # no file: fresh
    with pytest.raises(ValueError, match="needs --json"):
        _sink_run(None, True, n=3)


class _LUDB:  # a LUDB folder with two records, nothing read
    def __init__(self, data):
        self.data_dir = data

    def records(self):
        return ["1", "2"]

    def missing_annotations(self, names):  # every annotation file there
        return {}


def test_bench_delineate_interrupted_then_resumed_equals_uninterrupted(monkeypatch, tmp_path):
    import geoecg.io

    monkeypatch.setattr(bench_delineate, "LUDB", _LUDB)
    monkeypatch.setattr(bench_delineate, "report", lambda out, stage: f"-- {stage}")
    monkeypatch.setattr(geoecg.io, "PTBXL", lambda folder: folder)
    monkeypatch.setattr(proto, "ludb_protocol", lambda db, names, **kw: {"records": list(names)})
    monkeypatch.setattr(proto, "ecgsyn_truth", lambda **kw: [{"hr_bpm": 60, "se": 100.0}])
    crit = lambda db, fs: {"LVH": {"n": 3, "fs": fs}}  # noqa: E731
    monkeypatch.setattr(proto, "ptbxl_criteria", crit)
    cmd = ["bench", "delineate", "--data", str(tmp_path), "--synthetic", "--ptbxl", "x"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    assert main([*cmd, "--json", str(full)]) == 0
    monkeypatch.setattr(proto, "ptbxl_criteria", _interrupt)
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    assert json.loads(part.read_text())["stages"] == ["ludb", "synthetic"]
    monkeypatch.setattr(proto, "ptbxl_criteria", crit)
    monkeypatch.setattr(proto, "ludb_protocol", _must_not_run)
    monkeypatch.setattr(proto, "ecgsyn_truth", _must_not_run)
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    a.pop("versions"), b.pop("versions")
    assert a == b and b["complete"] and b["stages"] == ["ludb", "synthetic", "ptbxl_criteria"]


def test_bench_hrv_resume_keeps_the_neurokit2_stage(monkeypatch, tmp_path, capsys):
    import geoecg.features

    series = [np.arange(10, 3600, 300)] * 2
    nk = {"n_subset": 2, "full_hrv_s_per_series": 0.1, "equal_work_s_per_series": 0.05}
    nk["agreement"] = {"SDNN": {"median_rel_diff": 0.0, "definitions_match": True, "note": ""}}
    monkeypatch.setattr(bench_hrv, "data_dir", lambda *a, **k: tmp_path)
    monkeypatch.setattr(hp, "mitdb_5min_series", lambda root, n: (series[:n], 360.0))
    monkeypatch.setattr(hp, "median_seconds", lambda fn, *a: 0.25)
    monkeypatch.setattr(geoecg.features, "hrv_features_batch", lambda s, **k: np.ones((2, 3)))
    monkeypatch.setattr(hp, "neurokit2_side_by_side", lambda *a: nk)
    monkeypatch.setattr(hp, "holter_24h_timing", _interrupt)
    f = tmp_path / "h.json"
    cmd = ["bench", "hrv", "--peers", "--n-series", "2", "--nk-subset", "2", "--json", str(f)]
    monkeypatch.setattr(bench_hrv, "require", lambda *a, **k: None)  # NeuroKit2 not needed
    assert main(cmd) == 130  # Ctrl-C: exit status 130
    first = json.loads(f.read_text())
    assert (first["complete"], first["stages"]) == (False, ["x_floor", "neurokit2"])
    day = {"rpeaks_s": 1.0, "n_windows": 288, "hrv_s": 0.5, "total_s": 1.5}
    monkeypatch.setattr(hp, "holter_24h_timing", lambda: day)
    monkeypatch.setattr(hp, "neurokit2_side_by_side", _must_not_run)
    assert main([*cmd, "--resume"]) == 0
    d = json.loads(f.read_text())
    assert d["complete"] and d["stages"] == ["x_floor", "neurokit2", "day_24h"]
    assert d["neurokit2"] == first["neurokit2"] == nk and d["day_24h"] == day
    assert d["x_neurokit2_full_hrv"] == pytest.approx(0.1 * 2 / 0.25)
    f.write_text(json.dumps(first))
    capsys.readouterr()
    assert main([*cmd[:-3], "3", "--json", str(f), "--resume"]) != 0
    assert "nk_subset 2 (now 3)" in capsys.readouterr().err


def test_resume_refuses_a_file_of_other_package_versions(tmp_path):
    f = tmp_path / "r.json"
    with pytest.raises(KeyboardInterrupt):
        _sink_run(f, False, fail_at="b", n=3)
    d = json.loads(f.read_text())
    d["versions"]["numpy"] = "0.0"
    f.write_text(json.dumps(d))
    with pytest.raises(ValueError, match=r"other package versions: numpy 0\.0 \(now "):
        _sink_run(f, True, n=3)
