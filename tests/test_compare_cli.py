"""`geoecg compare` end to end on small real-data settings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.multiclass import OneVsRestClassifier

from geoecg.cli import main
from geoecg.commands.compare_tasks import load_task

pytest.importorskip("torch", reason="torch is the optional extra 'neural'")


def test_compare_cli_ptbxl_quick(ptbxl_dir, tmp_path, capsys):
    out = tmp_path / "cmp.json"
    rc = main(
        [
            "compare",
            "--task",
            "ptbxl-norm-vs-mi",
            "--data",
            str(ptbxl_dir),
            "--quick",
            "--max-records",
            "80",
            "--folds",
            "2",
            "--bootstrap",
            "50",
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    res = json.loads(out.read_text())
    assert res["task"] == "ptbxl-norm-vs-mi" and res["n_records"] == 80
    methods = {r["method"] for r in res["results"]}
    assert {"Riemann tangent space + LR", "ResNet1D (tiny)"} <= methods
    assert res["versions"]["geoecg"] and res["versions"]["torch"]
    assert "95% CI" in capsys.readouterr().out


def test_superdiagnostic_task_is_multilabel(ptbxl_dir):
    task = load_task("ptbxl-superdiagnostic", ptbxl_dir, quick=True, max_records=60)
    assert task.y.shape == (60, 5) and (task.y.sum(axis=1) > 0).all()
    assert isinstance(task.estimators["Riemann tangent space + LR"], OneVsRestClassifier)
    assert task.X.shape == (60, 12, 1000)


def test_cinc_task_records_and_bad_names(cinc2017_dir):
    task = load_task("cinc2017-af", cinc2017_dir, quick=True, max_records=30)
    assert len(task.X) == len(task.y) == 30
    assert set(np.unique(task.y)) <= {"N", "A", "O", "~"}
    with pytest.raises(ValueError, match="unknown task"):
        load_task("ptbxl-everything", cinc2017_dir)


def test_beat_task_serves_features_and_windows(mitdb_dir):
    from geoecg.commands.compare_tasks import feature_columns, window_columns

    task = load_task("mitdb-beats", mitdb_dir, quick=True, max_records=2)
    assert set(np.unique(task.y)) <= {"N", "S", "V", "F"}
    n_feat = task.estimators["beat features + xgboost"].steps[0][1].func.keywords["n_features"]
    F = feature_columns(task.X, n_feat)
    W = window_columns(task.X, n_feat, 2)
    assert F.shape[1] + W.shape[1] * W.shape[2] == task.X.shape[1]
    assert W.shape[2] == round(0.6 * 360)  # 600 ms windows at 360 Hz
    assert len(set(task.groups)) == 2
