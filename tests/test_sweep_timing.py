"""geoecg.sweep.timing (the library side of ``geoecg bench sweep``) on a 12-cell sweep."""

from __future__ import annotations

import json

import pytest

from geoecg.cli import main
from geoecg.sweep import load_config
from geoecg.sweep.timing import process_cpu_seconds, same_results, time_sweep

SMALL = {
    "sweep": {"name": "t", "simulator": "anticausal", "seed": 11},
    "grid": {"shift": [0.0, 2.0], "method": ["x_only", "x_plus_w"], "seed": 1, "n": [200]},
    "simulator": {"n_features": 3, "effect_age": [-1.5, -1.5, 0.5]},
    "train_env": [{"age_mean": 55.0, "site_probs": [0.7, 0.3]}],
    "test_env": {"age_mean": 60.0},
    "shift": {"age_mean": 10.0},
    "evaluation": {"n_test": 500, "n_reference": 500},
}


def test_time_sweep_row_and_same_results(tmp_path):
    cfg = load_config(SMALL)
    c0 = process_cpu_seconds()
    row, df = time_sweep(cfg, keep=tmp_path / "joblib")
    assert process_cpu_seconds() > c0
    assert row["cells"] == len(df) == cfg.n_cells and row["errors"] == 0
    assert row["wall_s"] >= 0 and row["cells_per_s"] > 0
    assert same_results(df, df.sample(frac=1.0, random_state=0))
    other = df.copy()
    other.loc[other.index[0], "auroc"] += 0.01
    assert not same_results(df, other)
    with pytest.raises(ValueError, match="from scratch"):
        time_sweep(cfg, keep=tmp_path / "joblib")


def test_bench_sweep_cli_writes_json(tmp_path, capsys):
    toml = tmp_path / "s.toml"
    toml.write_text(
        '[sweep]\nname = "t"\nsimulator = "anticausal"\nseed = 11\n'
        '[grid]\nshift = [0.0]\nmethod = ["x_only"]\nseed = 1\nn = [200]\n'
        "[simulator]\nn_features = 3\neffect_age = [-1.5, -1.5, 0.5]\n"
        "[[train_env]]\nage_mean = 55.0\nsite_probs = [0.7, 0.3]\n"
        "[test_env]\nage_mean = 60.0\n[shift]\nage_mean = 10.0\n"
        "[evaluation]\nn_test = 500\nn_reference = 500\n"
    )
    out = tmp_path / "b.json"
    assert main(["bench", "sweep", "--config", str(toml), "-j", "1", "--json", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["runs"][0]["cells"] == 1 and res["backends_identical"] is None
    assert res["versions"]["geoecg"] and "joblib" in res["versions"]
    assert "cells_per_s" in capsys.readouterr().out
