"""``geoecg bench extract`` and ``geoecg bench hrv`` show a progress bar of their steps with
``--progress`` (session 24: they were the two benches without one), advanced between the timed
steps, never inside one; none with ``--no-progress``. Data-free: the timed calls are stubbed."""

from __future__ import annotations

import json
import re

import pytest
from test_resume_long_jobs import _interrupt, _stub_extract

from geoecg.cli import main

EXTRACT = ["bench", "extract", "--fs", "100", "--synthetic", "6", "--per-set", "3"]
EXTRACT += ["--n-jobs", "1", "--nk-sample", "0", "--chunk-size", "4", "--big-tree", "10"]


def _last_count(err: str, desc: str):
    """The last ``n/total`` the bar ``desc`` drew (None: no bar)."""
    found = re.findall(rf"{desc}:\s+\d+%\|[^|]*\| (\d+)/(\d+)", err.replace("\r", "\n"))
    return tuple(map(int, found[-1])) if found else None


@pytest.mark.parametrize("flag, bar", [("--progress", True), ("--no-progress", False)])
def test_bench_extract_bar_of_its_steps(monkeypatch, tmp_path, capsys, flag, bar):
    calls: list = []
    _stub_extract(monkeypatch, tmp_path, calls)
    assert main([*EXTRACT, flag]) == 0
    err = capsys.readouterr().err
    # tree + 8 sets + the target + whole tree + memory run + big tree = 13 steps
    assert _last_count(err, "bench extract") == ((13, 13) if bar else None), err[-400:]


def test_bench_extract_bar_counts_the_steps_a_resume_restored(monkeypatch, tmp_path, capsys):
    import geoecg.cohort.throughput as throughput

    calls: list = []
    _stub_extract(monkeypatch, tmp_path, calls)
    part = tmp_path / "part.json"
    scale_check = throughput.scale_check
    monkeypatch.setattr(throughput, "scale_check", _interrupt)
    assert main([*EXTRACT, "--json", str(part), "--no-progress"]) == 130
    monkeypatch.setattr(throughput, "scale_check", scale_check)
    capsys.readouterr()
    assert main([*EXTRACT, "--json", str(part), "--resume", "--progress"]) == 0
    assert _last_count(capsys.readouterr().err, "bench extract") == (13, 13)
    assert json.loads(part.read_text())["complete"] is True


def _stub_hrv(monkeypatch, tmp_path):
    import numpy as np

    import geoecg.features.hrv_batch as hrv_batch
    from geoecg.bench import hrv as bench_hrv
    from geoecg.features import hrv_peers as hp

    series = [np.arange(0, 60_000, 200 + k) for k in range(4)]
    monkeypatch.setattr(hp, "mitdb_5min_series", lambda root, n: (series, 200.0))
    monkeypatch.setattr(bench_hrv, "data_dir", lambda *a, **k: tmp_path)
    monkeypatch.setattr(hrv_batch, "hrv_features_batch", lambda s, **k: np.zeros((len(s), 48)))
    monkeypatch.setattr(hp, "median_seconds", lambda f, reps=3, clock=None: (f(), 0.5)[1])
    day = {"rpeaks_s": 1.0, "n_windows": 288, "hrv_s": 0.5, "total_s": 1.5}
    monkeypatch.setattr(hp, "holter_24h_timing", lambda: day)


@pytest.mark.parametrize("flag, bar", [("--progress", True), ("--no-progress", False)])
def test_bench_hrv_bar_of_its_steps(monkeypatch, tmp_path, capsys, flag, bar):
    _stub_hrv(monkeypatch, tmp_path)
    path = tmp_path / "h.json"
    assert main(["bench", "hrv", "--json", str(path), flag]) == 0
    out = capsys.readouterr()
    # warm-up, one thread, all threads, floor, 24 h = 5 steps
    assert _last_count(out.err, "bench hrv") == ((5, 5) if bar else None), out.err[-400:]
    d = json.loads(path.read_text())
    assert d["complete"] and d["stages"] == ["x_floor", "day_24h"] and d["x_floor"] == 1.0
    assert "24 h, 2 leads, 200 Hz: R-peaks 1.00 s" in out.out
