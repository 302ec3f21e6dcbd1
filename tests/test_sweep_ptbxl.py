"""Smoke test of the PTB-XL age-split study script (real data)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "simulations" / "ptbxl_age_shift.py"


@pytest.mark.realdata
def test_ptbxl_age_split_study_runs(ptbxl_dir, tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("ptbxl_age_shift", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (
        mod.main(
            [
                "--root",
                str(ptbxl_dir),
                "--out",
                str(tmp_path),
                "--features",
                "stats",
                "--n-boot",
                "20",
            ]
        )
        == 0
    )
    df = pd.read_csv(tmp_path / "ptbxl_age_shift.csv")
    assert list(df["method"]) == ["x_only", "x_plus_w", "irm", "vrex", "groupdro"]
    for col in ("auroc", "log_loss", "auroc_gap", "log_loss_gap"):
        assert np.isfinite(df[col]).all()
    assert df["auroc"].between(0.5, 1.0).all()  # abnormal vs normal is learnable
    # the test group is older: it must be reported with its size in the printed header
    assert "train age < 60" in capsys.readouterr().out
