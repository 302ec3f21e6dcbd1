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
