"""Long bench runs keep their finished stages: ``geoecg bench delineate`` interrupted after
its LUDB stage (stubbed: no data needed) and the real ECGSYN stage leaves a valid --json with
``"complete": false`` and both stages; a finished run says ``"complete": true``."""

from __future__ import annotations

import json

import pytest

import geoecg.io
from geoecg.bench import delineate as bench
from geoecg.cli import main
from geoecg.features import delineation_protocols as proto


class _LUDB:  # a LUDB folder with two records, nothing read
    def __init__(self, data):
        self.data_dir = data

    def records(self):
        return ["1", "2"]

    def missing_annotations(self, names):  # every annotation file there
        return {}


@pytest.fixture
def stub_ludb(monkeypatch):
    def ludb_protocol(db, names, **kw):
        return {"records": list(names), "tolerance_ms": kw["tolerance_ms"]}

    real = bench.report
    monkeypatch.setattr(bench, "LUDB", _LUDB)
    monkeypatch.setattr(bench, "report", lambda out, s: "-" if s == "ludb" else real(out, s))
    monkeypatch.setattr(proto, "ludb_protocol", ludb_protocol)


def test_bench_delineate_interrupted_keeps_finished_stages(stub_ludb, monkeypatch, tmp_path):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(geoecg.io, "PTBXL", lambda folder: folder)
    monkeypatch.setattr(proto, "ptbxl_criteria", interrupted)
    out = tmp_path / "d.json"
    args = ["bench", "delineate", "--data", str(tmp_path), "--synthetic", "--ptbxl", "x"]
    assert main([*args, "--json", str(out)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"]) == (False, ["ludb", "synthetic"])
    assert "KeyboardInterrupt" in d["reason"] and "ptbxl_criteria" not in d
    assert d["ludb"] == {"records": ["1", "2"], "tolerance_ms": 150.0}
    assert {r["hr_bpm"] for r in d["synthetic"]} >= {60, 120}  # the real ECGSYN stage
    assert d["settings"] and d["versions"]["geoecg"]


def test_bench_delineate_finished_run_is_complete(stub_ludb, tmp_path):
    out = tmp_path / "d.json"
    assert main(["bench", "delineate", "--data", str(tmp_path), "--json", str(out)]) == 0
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"], d["ludb"]["records"]) == (True, ["ludb"], ["1", "2"])
    assert "reason" not in d


def test_bench_delineate_checks_the_qtdb_folder_before_the_ludb_stage(
    monkeypatch, tmp_path, capsys
):
    """A wrong --qtdb folder (the runbook's QT task) fails at once, naming the folder and the
    files expected, before the LUDB stage runs and without a --json that looks like a run."""

    def ludb_ran(*a, **k):
        raise AssertionError("the LUDB stage ran before --qtdb was checked")

    monkeypatch.setattr(bench, "LUDB", _LUDB)
    monkeypatch.setattr(proto, "ludb_protocol", ludb_ran)
    out, missing = tmp_path / "q.json", tmp_path / "no_qtdb"
    args = ["bench", "delineate", "--data", str(tmp_path), "--qtdb", str(missing)]
    assert main([*args, "--json", str(out)]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and "no_qtdb is not a QT-database folder" in err and "q1c" in err
    assert not out.exists()


def test_bench_hrv_interrupted_in_the_24h_stage_keeps_the_timings(monkeypatch, tmp_path):
    import numpy as np

    from geoecg.bench import hrv
    from geoecg.features import hrv_peers as hp

    rng = np.random.default_rng(0)
    series = [np.cumsum(rng.integers(250, 330, 300)) for _ in range(8)]  # R-peaks at 360 Hz

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(hrv, "data_dir", lambda *a, **k: tmp_path)
    monkeypatch.setattr(hp, "mitdb_5min_series", lambda root, n: (series[:n], 360.0))
    monkeypatch.setattr(hp, "holter_24h_timing", interrupted)
    out = tmp_path / "h.json"
    assert main(["bench", "hrv", "--n-series", "8", "--json", str(out)]) == 130  # Ctrl-C
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"], d["n_series"]) == (False, ["x_floor"], 8)
    assert d["geoecg_one_thread_s"] > 0 and d["x_floor"] > 0 and "day_24h" not in d
    assert "numba" in d["versions"] and "KeyboardInterrupt" in d["reason"]
