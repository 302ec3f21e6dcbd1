"""``geoecg bench qrs --json F --resume``: one unit per record of
:func:`geoecg.features.rpeaks_peers.run_detection_benchmark`, written as it finishes.

The run is interrupted in its third record (a monkeypatched ``time_detector`` raises
KeyboardInterrupt), then resumed: only the unfinished record runs again and the final file
equals the uninterrupted run's (timings, the floor's included, and versions aside). Data: the
three packaged MIT-BIH sample records.
"""

from __future__ import annotations

import json

import geoecg.evaluation.detection as det
from geoecg.cli import main
from geoecg.datasets import sample_mitdb_dir


def _no_timings(d):
    if isinstance(d, dict):
        return {
            k: _no_timings(v)
            for k, v in d.items()
            if k not in ("versions", "wall_s", "cpu_s", "floor_cpu_s", "floor_cpu_sps", "x_floor")
            and not k.startswith("throughput")
        }
    return d


def test_bench_qrs_interrupted_then_resumed_runs_only_the_rest(monkeypatch, tmp_path):
    cmd = ["bench", "qrs", "--data", str(sample_mitdb_dir()), "--repeats", "1", "--no-all-leads"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    assert main([*cmd, "--json", str(full)]) == 0
    real, calls = det.time_detector, []

    def timed(fn, sig, fs, reps):
        if len(calls) == stop:
            raise KeyboardInterrupt
        calls.append(sig.shape)
        return real(fn, sig, fs, reps)

    monkeypatch.setattr(det, "time_detector", timed)
    stop = 2  # the third record: two finished
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    mid = json.loads(part.read_text())
    assert mid["complete"] is False and sorted(mid["finished"]) == ["mitdb_101", "mitdb_119"]
    calls.clear()
    stop = None
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    assert len(calls) == 1  # only mitdb_201 ran
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    assert b["complete"] is True and _no_timings(a) == _no_timings(b)


def test_bench_qrs_resume_other_settings_refused(monkeypatch, tmp_path, capsys):
    cmd = ["bench", "qrs", "--data", str(sample_mitdb_dir()), "--no-all-leads"]
    part, calls, real = tmp_path / "p.json", [], det.time_detector

    def timed(fn, sig, fs, reps):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return real(fn, sig, fs, reps)

    monkeypatch.setattr(det, "time_detector", timed)
    assert main([*cmd, "--repeats", "1", "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    calls.clear()
    capsys.readouterr()
    assert main([*cmd, "--repeats", "2", "--json", str(part), "--resume"]) == 2
    assert "repeats 1 (now 2)" in capsys.readouterr().err and not calls
