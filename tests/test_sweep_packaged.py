"""Sweep configurations shipped as package data: listed, loadable by name or path."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import geoecg.sweep as sweep_pkg
from geoecg.cli import main
from geoecg.sweep import config_path, list_configs, load_config

DEFAULT_STUDIES = {"anticausal_covariate_shift", "prevalence_shift", "device_noise_shift"}


def test_packaged_configs_are_listed_and_valid():
    names = list_configs()
    assert DEFAULT_STUDIES <= set(names)
    for name in names:
        path = config_path(name)
        assert path.is_file() and "geoecg" in path.parts and path.suffix == ".toml"
        cfg = load_config(name)
        assert cfg.n_cells > 0
        assert cfg.digest() == load_config(path).digest() == load_config(f"{name}.toml").digest()


def test_unknown_name_lists_the_packaged_ones(tmp_path):
    with pytest.raises(FileNotFoundError, match="prevalence_shift"):
        load_config("no_such_study")
    with pytest.raises(ValueError, match="packaged"):
        config_path("no_such_study")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_config(tmp_path / "sub" / "anticausal_covariate_shift.toml")


def test_cli_list(capsys):
    assert main(["sweep", "--list"]) == 0
    out = capsys.readouterr().out
    for name in DEFAULT_STUDIES:
        assert name in out
    assert "1000 cells" in out


def test_cli_runs_by_name_and_by_path(tmp_path, monkeypatch, capsys):
    """By name and by a copied path, the CLI hands the same configuration to the runner."""
    seen = []

    def fake_run_sweep(cfg, out, **kw):  # the cells themselves are tested in test_sweep.py
        seen.append((cfg.digest(), out))
        return pd.DataFrame()

    monkeypatch.setattr(sweep_pkg, "run_sweep", fake_run_sweep)
    copy = tmp_path / "mine.toml"
    shutil.copy(config_path("device_noise_shift"), copy)
    assert main(["sweep", "device_noise_shift", "--out", str(tmp_path / "a")]) == 0
    assert main(["sweep", str(copy), "--out", str(tmp_path / "b")]) == 0
    assert main(["sweep", "--config", str(copy), "--out", str(tmp_path / "c")]) == 0
    assert len(seen) == 3 and len({d for d, _ in seen}) == 1
    assert "sweep 'device_noise_shift': 80 cells" in capsys.readouterr().out


def test_cli_needs_a_config_and_out(tmp_path, capsys):
    assert main(["sweep", "--out", str(tmp_path)]) == 2
    assert "geoecg sweep --list" in capsys.readouterr().err
    assert main(["sweep", "prevalence_shift"]) == 2
    assert "--out is required" in capsys.readouterr().err
