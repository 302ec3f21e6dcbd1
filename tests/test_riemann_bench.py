"""Smoke tests of ``geoecg bench riemann`` (tiny sizes; timings are never asserted)."""

from __future__ import annotations

import json

from geoecg.cli import main


def test_bench_riemann_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = main(["bench", "riemann", "--n", "30", "--chunk", "10", "--peers", "--peer-n", "10",
               "--fs", "100", "--seconds", "2", "--json", str(out)])
    assert rc == 0
    res = json.loads(out.read_text())
    assert res["n_records"] == 30 and res["pyriemann"]["n_records"] == 10
    # same reference point and estimator: tangent vectors agree with pyRiemann's
    assert res["max_abs_diff_tangent"] < 1e-8
    assert "pyriemann" in res["versions"] and "speed-up" in capsys.readouterr().out


def test_bench_ptbxl_rejects_unknown_method(tmp_path, capsys):
    rc = main(["bench", "ptbxl", "--data", str(tmp_path), "--methods", "ts-lr,magic"])
    assert rc == 2
    assert "unknown methods" in capsys.readouterr().err
