"""Library homes of the ptbxl and noise bench runners: ``geoecg.estimators.ptbxl_protocol``,
``geoecg.datasets.noise_training.cached_window_features`` (synthetic data, seconds)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.ptbxl_protocol import format_ptbxl_study, ptbxl_study


def _cohort(n=48, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    X = rng.standard_normal((n, 3, 600))
    X[y == 1, 1] += 0.8 * X[y == 1, 0]  # class 1: leads 0 and 1 correlated
    covs = np.column_stack([rng.uniform(20, 80, n), rng.integers(0, 2, n)]).astype(float)
    return X, y, np.arange(n), covs  # one record per patient


def test_ptbxl_study_rows_and_updates():
    X, y, groups, covs = _cohort()
    seen = []
    res = ptbxl_study(
        X,
        y,
        groups,
        covs,
        ["ts-lr", "mdm"],
        task="toy",
        n_splits=3,
        n_repeats=1,
        n_boot=50,
        n_train=(),
        progress=False,
        on_update=lambda r: seen.append(len(r["methods"])),
    )
    assert seen == [1, 2] and res["learning_curve"] == {} and res["skipped"] == {}
    assert (res["n_records"], res["n_positive"], res["task"]) == (48, 24, "toy")
    for r in res["methods"].values():
        assert r["auc_ci"][0] <= r["auc"] <= r["auc_ci"][1]
        assert r["auc"] > 0.8  # correlated leads separate the classes
    text = format_ptbxl_study(res)
    assert "ts-lr" in text and "mdm" in text and "1 x 3-fold" in text


def test_ptbxl_study_same_seed_same_figures_and_bad_method():
    X, y, groups, covs = _cohort()
    kw = {"n_splits": 3, "n_repeats": 1, "n_boot": 30, "n_train": (), "progress": False}
    a = ptbxl_study(X, y, groups, covs, ["ts-lr"], seed=1, **kw)
    b = ptbxl_study(X, y, groups, covs, ["ts-lr"], seed=1, **kw)
    assert a["methods"]["ts-lr"]["auc"] == b["methods"]["ts-lr"]["auc"]
    with pytest.raises(ValueError, match="unknown methods"):
        ptbxl_study(X, y, groups, covs, ["ts-lr", "magic"], **kw)


def test_cached_window_features_reads_its_cache(tmp_path, monkeypatch):
    import geoecg.features as feats
    from geoecg.datasets.noise_training import NoiseWindows, cached_window_features

    calls = []

    def fake(windows, fs, progress=False):
        calls.append(fs)
        return np.arange(2.0 * len(windows)).reshape(len(windows), 2)

    monkeypatch.setattr(feats, "noise_window_features", fake)
    w = NoiseWindows(
        windows=[np.zeros(10)] * 3,
        y=np.zeros(3, int),
        snr_db=np.zeros(3),
        noise=np.array(["none"] * 3),
        record=np.array(["a"] * 3),
        fs=360.0,
    )
    F1 = cached_window_features(w, "toy", tmp_path)
    F2 = cached_window_features(w, "toy", tmp_path)
    np.testing.assert_array_equal(F1, F2)
    assert calls == [360.0]  # the second call read the file
    cached_window_features(w, "toy", None)
    assert (
        len(calls) == 2 and len(list(tmp_path.glob("noise_toy_*.npz"))) == 1
    )  # cache=None: no file
