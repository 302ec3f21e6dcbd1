"""Sweep runner: config parsing, metrics, determinism across backends, resume, CLI."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from geoecg.cli import main
from geoecg.sweep import (
    binary_metrics,
    expand_grid,
    expected_calibration_error,
    load_config,
    load_results,
    run_sweep,
    summarize,
    transfer_gaps,
)

SMALL = {
    "sweep": {"name": "t", "simulator": "anticausal", "seed": 11},
    "grid": {"shift": [0.0, 2.0], "method": ["x_only", "x_plus_w", "irm"], "seed": 2, "n": [300]},
    "simulator": {"n_features": 3, "effect_age": [-1.5, -1.5, 0.5]},
    "train_env": [
        {"age_mean": 55.0, "site_probs": [0.7, 0.3]},
        {"age_mean": 65.0, "site_probs": [0.3, 0.7]},
    ],
    "test_env": {"age_mean": 60.0},
    "shift": {"age_mean": 10.0},
    "evaluation": {"n_test": 2000, "n_reference": 2000},
    "methods": {"irm": {"penalty": 5.0}},
}
#: Columns that must agree exactly between runs (``fit_s`` is wall time).
KEY = [
    "cell_id",
    "method",
    "shift",
    "seed",
    "n",
    "auroc",
    "log_loss",
    "brier",
    "ece",
    "auroc_gap",
    "log_loss_gap",
    "auroc_ref",
    "log_loss_ref",
    "prevalence_test",
    "error",
]


def _table(df):
    return df[KEY].sort_values("cell_id").reset_index(drop=True)


# ------------------------------------------------------------------ config
def test_config_and_grid():
    cfg = load_config(SMALL)
    assert cfg.n_cells == 2 * 3 * 2 * 1
    tasks = expand_grid(cfg)
    assert len(tasks) == 4 and all(t.methods == ("x_only", "x_plus_w", "irm") for t in tasks)
    assert len({c for t in tasks for c in t.cell_ids()}) == cfg.n_cells
    # task seeds depend on (base seed, seed, shift, n), not on the method list
    other = copy.deepcopy(SMALL)
    other["grid"]["method"] = ["vrex"]
    s1 = cfg.task_seed(tasks[0]).generate_state(4)
    s2 = load_config(other).task_seed(expand_grid(load_config(other))[0]).generate_state(4)
    np.testing.assert_array_equal(s1, s2)
    assert cfg.digest() != load_config(other).digest()


def test_config_from_toml(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text(
        '[sweep]\nname = "x"\nseed = 3\n[grid]\nshift = [0, 1]\nmethod = ["x_only"]\n'
        "seed = {start = 5, stop = 8}\nn = [100]\n[[train_env]]\nage_mean = 50.0\n"
        "[test_env]\n[shift]\nage_mean = 5.0\n"
    )
    cfg = load_config(p)
    assert cfg.seeds == (5, 6, 7) and cfg.shifts == (0.0, 1.0) and cfg.simulator == "anticausal"


@pytest.mark.parametrize(
    "mutate, exc, match",
    [
        (lambda c: c["grid"].pop("n"), ValueError, "missing"),
        (lambda c: c["grid"].update(method=["magic"]), ValueError, "unknown methods"),
        (lambda c: c["grid"].update(shift=[0.0, 0.0]), ValueError, "duplicates"),
        (lambda c: c["grid"].update(n=[1]), ValueError, "grid.n"),
        (lambda c: c.update(extra={}), ValueError, "unknown config sections"),
        (lambda c: c["sweep"].update(simulator="nope"), ValueError, "simulator"),
        (lambda c: c.pop("train_env"), ValueError, "train_env"),
        (lambda c: c["methods"].update(magic={}), ValueError, "unknown method"),
    ],
)
def test_config_errors(mutate, exc, match):
    c = copy.deepcopy(SMALL)
    mutate(c)
    with pytest.raises(exc, match=match):
        load_config(c)


def test_config_missing_file_and_type(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_config(tmp_path / "nope.toml")
    with pytest.raises(TypeError):
        load_config(3)


# ------------------------------------------------------------------ metrics
def _ece_twin(y, p, n_bins=15):
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        m = (p >= lo) & ((p < hi) if b < n_bins - 1 else (p <= hi))
        if m.any():
            total += m.sum() / len(y) * abs(y[m].mean() - p[m].mean())
    return total


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_against_sklearn_and_twin(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=500)
    p[:20] = np.round(p[:20], 1)  # ties and exact bin edges
    p[0], p[1] = 0.0, 1.0
    y = (rng.uniform(size=500) < p).astype(int)
    m = binary_metrics(y, p)
    pc = np.clip(p, 1e-15, 1 - 1e-15)
    assert m["auroc"] == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert m["log_loss"] == pytest.approx(log_loss(y, pc), abs=1e-9)
    assert m["brier"] == pytest.approx(brier_score_loss(y, p), abs=1e-12)
    assert m["ece"] == pytest.approx(_ece_twin(y, p), abs=1e-12)


def test_metrics_degenerate():
    m = binary_metrics([1, 1, 1], [0.2, 0.5, 0.9])
    assert np.isnan(m["auroc"]) and np.isfinite(m["log_loss"])
    assert np.isnan(expected_calibration_error([], []))
    with pytest.raises(ValueError, match="same length"):
        expected_calibration_error([0, 1], [0.5])
    g = transfer_gaps(
        {"auroc": 0.7, "log_loss": 0.6, "brier": 0.2, "ece": 0.1},
        {"auroc": 0.75, "log_loss": 0.5, "brier": 0.15, "ece": 0.02},
    )
    assert g["auroc_gap"] == pytest.approx(-0.05) and g["log_loss_gap"] == pytest.approx(0.1)


def test_summarize_t_interval():
    df = pd.DataFrame(
        {"method": ["a"] * 4, "shift": [0.0] * 4, "n": [5] * 4, "auroc_gap": [0.0, 0.1, 0.2, 0.3]}
    )
    s = summarize(df, ["auroc_gap"]).iloc[0]
    # scipy.stats.t.ppf(0.975, 3) = 3.182446; sd = 0.1290994
    half = 3.182446305284263 * 0.12909944487358055 / 2
    assert s["mean"] == pytest.approx(0.15) and s["ci_high"] - s["mean"] == pytest.approx(half)
    with pytest.raises(ValueError, match="not columns"):
        summarize(df, ["nope"])


# ------------------------------------------------------------------ runner
@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref")
    return run_sweep(SMALL, out, progress=False)


def test_rows_and_claim_direction(reference_run):
    df = reference_run
    assert len(df) == 12 and set(df["error"]) == {""}
    for col in ("auroc", "log_loss", "brier", "ece", "auroc_gap", "log_loss_gap"):
        assert df[col].notna().all()
    g = df.groupby(["method", "shift"])["log_loss_gap"].mean()
    assert g[("x_only", 2.0)] > 0.03  # X-only pays for the age shift
    assert abs(g[("x_plus_w", 2.0)]) < g[("x_only", 2.0)] / 3


def test_joblib_two_workers_identical(reference_run, tmp_path):
    df = run_sweep(SMALL, tmp_path, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(_table(df), _table(reference_run))


def test_dask_local_cluster_identical_to_joblib(reference_run, tmp_path):
    pytest.importorskip("distributed")
    df = run_sweep(SMALL, tmp_path, backend="dask", n_jobs=2, dask_processes=False, progress=False)
    pd.testing.assert_frame_equal(_table(df), _table(reference_run))


def test_interrupted_then_resumed_equals_uninterrupted(reference_run, tmp_path):
    part = run_sweep(SMALL, tmp_path, limit=1, progress=False)
    assert len(part) == 3  # one task = 3 cells
    files = sorted((tmp_path / "results").glob("part-*.parquet"))
    before = {f: f.stat().st_mtime_ns for f in files}
    # simulate a crash mid-write: a stray temporary file must be ignored
    (tmp_path / "results" / ".part-x.parquet.tmp").write_bytes(b"garbage")
    full = run_sweep(SMALL, tmp_path, n_jobs=2, progress=False)
    pd.testing.assert_frame_equal(_table(full), _table(reference_run))
    for f, t in before.items():  # stored cells were not recomputed
        assert f.stat().st_mtime_ns == t
    again = run_sweep(SMALL, tmp_path, progress=False)  # nothing left to do
    assert len(list((tmp_path / "results").glob("part-*.parquet"))) == 4
    pd.testing.assert_frame_equal(_table(again), _table(reference_run))


def test_adding_a_method_computes_only_the_new_cells(reference_run, tmp_path):
    run_sweep(SMALL, tmp_path, progress=False)
    # a different config must not mix into the same folder
    bigger = copy.deepcopy(SMALL)
    bigger["grid"]["method"] = ["x_only", "x_plus_w", "irm", "vrex"]
    with pytest.raises(ValueError, match="different sweep configuration"):
        run_sweep(bigger, tmp_path, progress=False)


def test_runner_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="backend"):
        run_sweep(SMALL, tmp_path, backend="ray")
    with pytest.raises(ValueError, match="scheduler"):
        run_sweep(SMALL, tmp_path, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="n_jobs"):
        run_sweep(SMALL, tmp_path, n_jobs=0)
    with pytest.raises(FileNotFoundError, match="no sweep results"):
        load_results(tmp_path / "empty")


def test_waveform_simulator_cell(tmp_path):
    cfg = copy.deepcopy(SMALL)
    cfg["sweep"]["simulator"] = "waveform"
    cfg["simulator"] = {"duration_s": 3.0}
    cfg["grid"].update(shift=[1.0], seed=1, n=[80], method=["x_only", "x_plus_w"])
    cfg["shift"] = {"noise_sd": 0.05}
    cfg["evaluation"] = {"n_test": 150, "n_reference": 150}
    cfg.pop("methods")
    df = run_sweep(cfg, tmp_path, progress=False)
    assert len(df) == 2 and df["auroc"].between(0.5, 1.0).all()


def test_cli_sweep_and_plot(tmp_path, capsys):
    p = tmp_path / "c.toml"
    p.write_text(
        '[sweep]\nname = "cli"\nseed = 1\n[grid]\nshift = [0.0, 1.0]\nmethod = ["x_only", '
        '"x_plus_w"]\nseed = 2\nn = [150]\n[[train_env]]\nage_mean = 55.0\n[[train_env]]\n'
        "age_mean = 65.0\n[test_env]\n[shift]\nage_mean = 10.0\n[evaluation]\nn_test = 800\n"
        "n_reference = 800\n"
    )
    out = tmp_path / "run"
    assert main(["sweep", "--config", str(p), "--out", str(out), "-j", "1", "--no-progress"]) == 0
    assert "8 of 8 cells stored" in capsys.readouterr().out
    assert main(["plot", str(out), "--csv", str(tmp_path / "s.csv")]) == 0
    png = out / "shift_sweep.png"
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    assert set(pd.read_csv(tmp_path / "s.csv")["metric"]) == {"log_loss_gap", "auroc_gap"}
    assert main(["sweep", "--config", str(tmp_path / "missing.toml"), "--out", str(out)]) == 2


@pytest.mark.parametrize("cmd", [["sweep", "--help"], ["plot", "--help"], ["--help"]])
def test_cli_help(cmd, capsys):
    with pytest.raises(SystemExit) as e:
        main(cmd)
    assert e.value.code == 0
    assert "usage: geoecg" in capsys.readouterr().out
