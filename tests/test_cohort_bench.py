"""``geoecg bench extract --json`` is written after every finished stage: an interrupted run
keeps the stages it finished (``complete: false`` and the reason)."""

from __future__ import annotations

import json

import pytest

from geoecg.cohort import throughput
from geoecg.commands.bench_io import JsonSink


def test_interrupted_extract_bench_keeps_finished_stages(ptbxl_dir, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(throughput, "scale_check", interrupted)
    path = tmp_path / "extract.json"
    with pytest.raises(KeyboardInterrupt), JsonSink(path, quiet=True) as sink:
        throughput.extraction_benchmark(
            ptbxl_dir, fs=100, synthetic=6, per_set=3, n_jobs=1, nk_sample=0, chunk_size=4,
            big_tree=10, sets=("rpeaks",), target=("rpeaks",), sink=sink,
        )  # fmt: skip
    d = json.loads(path.read_text())
    assert d["complete"] is False and d["reason"] == "interrupted (KeyboardInterrupt)"
    assert d["stages"] == ["per_set", "full_tree", "worker_max_rss_mb"]
    assert [s["records"] for s in d["per_set"]] == [3, 3]
    assert d["full_tree"]["records"] == 6 and d["worker_max_rss_mb"] > 0
    assert "neurokit2" not in d and d["fs"] == 100


def test_extract_bench_without_sink_returns_every_stage(ptbxl_dir, tmp_path):
    r = throughput.extraction_benchmark(
        ptbxl_dir, fs=100, synthetic=4, per_set=2, n_jobs=1, nk_sample=0, chunk_size=4,
        sets=("rpeaks",), target=("rpeaks",),
    )  # fmt: skip
    assert r["big_tree"] is None and r["neurokit2"] is None and r["full_tree"]["records"] == 4
    assert "rpeaks (all 4)" in throughput.format_report(r)
