"""Smoke tests of ``geoecg bench riemann`` (tiny sizes; timings are never asserted)."""

from __future__ import annotations

import json

import pytest

from geoecg.cli import main


def test_bench_riemann_runs_and_writes_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    rc = main(
        [
            "bench",
            "riemann",
            "--n",
            "30",
            "--chunk",
            "10",
            "--peers",
            "--peer-n",
            "10",
            "--fs",
            "100",
            "--seconds",
            "2",
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    res = json.loads(out.read_text())
    assert res["n_records"] == 30
    # same reference point, class means and estimator: tangent vectors agree with pyRiemann's
    assert res["max_abs_diff_tangent"] < 1e-8
    for row in res["pipelines"].values():  # sums of the step medians, ratios of those sums
        assert row["geoecg_s"] > 0 and row["floor_s"] > 0
        fl = res["floor"]  # the kernel floor: max(read, cached products) + eigh_small per ref
        cov_fl = max(fl["read_record_s"], fl["products_record_s"])
        assert row["kernel_floor_s"] > cov_fl
        assert row["x_kernel_floor"] == pytest.approx(row["geoecg_s"] / row["kernel_floor_s"])
        assert row["speedup"] == pytest.approx(row["pyriemann_s"] / row["geoecg_s"])
    assert res["floor"]["eigh_s"] > 0 and res["peak_memory_over_chunk"] > 0
    assert res["floor"]["read_record_s"] > 0 and res["floor"]["products_record_s"] > 0
    assert res["floor"]["eigh_kernel_s"] > 0
    assert res["floor"]["fma_record_s"] > 0
    assert res["all_threads_wall_s_per_record"] > 0
    text = capsys.readouterr().out
    assert "pyriemann" in res["versions"] and "ClassMeanTangentSpace" in text
    assert "x the read" in text and "x the FMA count" in text


def test_bench_ptbxl_rejects_unknown_method(tmp_path, capsys):
    rc = main(["bench", "ptbxl", "--data", str(tmp_path), "--methods", "ts-lr,magic"])
    assert rc == 2
    assert "unknown methods" in capsys.readouterr().err


def test_bench_ptbxl_ensemble_is_mean_of_its_two_pipelines():
    """``hankel-ens-cmts-lr+cov10`` returns the mean of the whole-strip and 2-s-window
    pipelines' probabilities on the same fold, and separates an easy synthetic task."""
    from types import SimpleNamespace

    import numpy as np

    from geoecg.estimators.ptbxl_methods import method_fit_predict as _make_fit_predict
    from geoecg.riemann import lead_covariances

    rng = np.random.default_rng(3)
    n, c, t = 80, 3, 600
    y = np.repeat([0, 1], n // 2)
    X = rng.standard_normal((n, c, t))
    X[y == 1, 1] += 0.8 * X[y == 1, 0]  # class 1: leads 0 and 1 correlated
    F = SimpleNamespace(
        H=lead_covariances(X, estimator="oas", n_lags=3).covariances,
        H2=lead_covariances(
            X, estimator="oas", n_lags=3, window=198, window_mean="riemann"
        ).covariances,
    )
    covs = np.column_stack([rng.uniform(20, 80, n), rng.integers(0, 2, n)]).astype(float)
    groups = np.arange(n)
    tr, te = np.arange(n)[::2], np.arange(n)[1::2]
    parts = [
        _make_fit_predict(m, F, X, y, groups, covs, 0)(tr, te)
        for m in ("hankel-cmts-lr+cov10", "hankel2s-cmts-lr+cov10")
    ]
    ens = _make_fit_predict("hankel-ens-cmts-lr+cov10", F, X, y, groups, covs, 0)(tr, te)
    np.testing.assert_allclose(ens, (parts[0] + parts[1]) / 2, rtol=1e-12)
    assert not np.allclose(parts[0], parts[1])
    assert ens[y[te] == 1].mean() > ens[y[te] == 0].mean() + 0.3
