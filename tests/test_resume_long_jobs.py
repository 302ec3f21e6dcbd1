"""``--resume`` for the long jobs that could not resume before session 14: ``geoecg bench
extract`` (stages), ``geoecg bench ptbxl`` (one unit per method and study) and
``simulations/af_scale.py`` (stages).

Each test interrupts a run after some units (a monkeypatched unit raises KeyboardInterrupt),
resumes it with ``--resume`` and checks that only the unfinished units run and that the final
file equals the uninterrupted run's (versions and wall-clock entries aside). Data-free: the
protocols' expensive calls are stubbed, or the data is a small synthetic cohort.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from geoecg.cli import main


def _interrupt(*a, **k):
    raise KeyboardInterrupt


class _PTB:  # a PTB-XL folder with two records, nothing read
    def __init__(self, root):
        self.root = root

    def available(self, fs):
        return ["1", "2"]


def _stub_extract(monkeypatch, tmp_path, calls):
    import geoecg.io.ptbxl as io_ptbxl
    from geoecg.bench import extract as bench_extract
    from geoecg.cohort import _chunk, extract, layout, throughput

    def timing(tree, features, out, n, chunk_size, fs):
        calls.append(out.name)
        return {"features": "+".join(features), "records": n, "records_per_cpu_s": 10.0}

    def tree(root, out, n, fs):
        return pd.DataFrame({"path": [f"r{k}" for k in range(n)]})

    def par(*a, **k):
        calls.append("par")
        return SimpleNamespace(max_rss_mb=50.0)

    monkeypatch.setattr(throughput, "time_feature_sets", timing)
    monkeypatch.setattr(throughput, "scale_check", lambda *a: calls.append("big") or {"n": a[2]})
    monkeypatch.setattr(io_ptbxl, "PTBXL", _PTB)
    monkeypatch.setattr(layout, "mimic_layout_from_ptbxl", tree)
    monkeypatch.setattr(_chunk, "peak_rss_mb", lambda: 100.0)
    monkeypatch.setattr(extract, "extract_features", par)
    monkeypatch.setattr(bench_extract, "data_dir", lambda *a, **k: tmp_path)
    monkeypatch.setattr(bench_extract, "format_report", lambda r: "table")
    return throughput


def test_bench_extract_interrupted_then_resumed_times_only_the_rest(monkeypatch, tmp_path):
    calls: list = []
    throughput = _stub_extract(monkeypatch, tmp_path, calls)
    cmd = ["bench", "extract", "--fs", "100", "--synthetic", "6", "--per-set", "3"]
    cmd += ["--n-jobs", "1", "--nk-sample", "0", "--chunk-size", "4", "--big-tree", "10"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    assert main([*cmd, "--json", str(full)]) == 0
    timed = ["warm", *(f"set{k}" for k in range(9)), "big"]  # 8 sets + the target
    assert calls == [*timed, "par", "big"]
    calls.clear()
    scale_check = throughput.scale_check
    monkeypatch.setattr(throughput, "scale_check", _interrupt)
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(part.read_text())
    assert d["complete"] is False and d["stages"] == ["per_set", "full_tree", "worker_max_rss_mb"]
    assert calls == [*timed, "par"]
    calls.clear()
    monkeypatch.setattr(throughput, "scale_check", scale_check)
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    assert calls == ["big"]  # no warm-up, no timed set, no worker run again
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    for d in (a, b):
        d.pop("versions"), d.pop("build_s")
    assert a == b and b["complete"] and b["big_tree"] == {"n": 10}
    assert b["stages"] == ["per_set", "full_tree", "worker_max_rss_mb", "big_tree", "neurokit2"]
    calls.clear()
    monkeypatch.setattr(throughput, "scale_check", _interrupt)
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    assert main([*cmd[:-2], "--big-tree", "20", "--json", str(part), "--resume"]) != 0
    assert len(calls) == len(timed) + 1  # the refused resume ran nothing


def test_extraction_benchmark_without_sink_calls_every_stage(monkeypatch, tmp_path):
    calls: list = []
    throughput = _stub_extract(monkeypatch, tmp_path, calls)
    r = throughput.extraction_benchmark(
        tmp_path, fs=100, synthetic=4, per_set=2, n_jobs=1, nk_sample=0, chunk_size=4,
        sets=("rpeaks",), target=("rpeaks",),
    )  # fmt: skip
    assert calls == ["warm", "set0", "set1", "big", "par"]
    assert r["big_tree"] is None and r["neurokit2"] is None and r["worker_max_rss_mb"] == 50.0
    assert [s["records"] for s in r["per_set"]] == [2, 2] and r["full_tree"]["records"] == 4


def _ptbxl_cohort(n=48, seed=0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    X = rng.standard_normal((n, 3, 600))
    X[y == 1, 1] += 0.8 * X[y == 1, 0]  # class 1: leads 0 and 1 correlated
    covs = np.column_stack([rng.uniform(20, 80, n), rng.integers(0, 2, n)]).astype(float)
    return X, y, np.arange(n) // 2, covs  # two records per patient


def _timings_out(d: dict) -> dict:
    """``d`` without its versions and timings (``prep_s``, every ``fit_s``)."""
    if isinstance(d, dict):
        return {
            k: _timings_out(v) for k, v in d.items() if k not in ("versions", "prep_s", "fit_s")
        }
    return d


def test_bench_ptbxl_interrupted_then_resumed_fits_only_the_rest(monkeypatch, tmp_path):
    from geoecg.bench import ptbxl as bench_ptbxl
    from geoecg.estimators import ptbxl_methods as pm

    monkeypatch.setattr(bench_ptbxl, "data_dir", lambda *a, **k: tmp_path)
    monkeypatch.setattr(bench_ptbxl, "load_task", lambda root, task: _ptbxl_cohort())
    fit_predict, fitted = pm.method_fit_predict, []

    def counted(m, *a, **k):
        if len(fitted) == stop_at:
            raise KeyboardInterrupt
        fitted.append(m)
        return fit_predict(m, *a, **k)

    monkeypatch.setattr(pm, "method_fit_predict", counted)
    cmd = ["bench", "ptbxl", "--methods", "ts-lr,mdm", "--curve-methods", "ts-lr,mdm"]
    cmd += ["--n-train", "20,all", "--n-splits", "3", "--n-repeats", "1", "--n-boot", "30"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    stop_at = -1
    assert main([*cmd, "--json", str(full)]) == 0
    assert len(fitted) == 6  # 2 methods, then 2 on each of 2 curve sizes
    fitted.clear()
    stop_at = 3  # stopped in the first curve size, after its first method
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(part.read_text())
    assert d["complete"] is False and list(d["finished"]) == [
        "all/ts-lr",
        "all/mdm",
        "curve 20/ts-lr",
    ]
    assert len(d["finished"]["all/ts-lr"]["oof"][0]) == 48
    fitted.clear()
    stop_at = -1
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    assert fitted == ["mdm", "ts-lr", "mdm"]  # only the three unfinished units
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    assert _timings_out(a) == _timings_out(b) and b["complete"] and "finished" not in b
    assert set(b["learning_curve"]) == {"20", "all"} and set(b["methods"]) == {"ts-lr", "mdm"}
    assert main([*cmd, "--json", str(part), "--resume"]) != 0  # complete: refused
    assert fitted == ["mdm", "ts-lr", "mdm"]


def _af_scale(monkeypatch, fits: list, stop_at: list):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "simulations" / "af_scale.py"
    spec = importlib.util.spec_from_file_location("af_scale", script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    names = [f"A{k:05d}" for k in range(40)]

    class DB:  # a CinC folder of 40 records, nothing read
        fs = 300.0

        def __init__(self, data):
            pass

        def labels(self):
            return pd.Series(["N", "A", "O", "~"] * 10, index=names)

        def records(self):
            return names

        def signals(self, ns):
            return list(ns)

        def content_keys(self, ns):
            return list(ns)

        def read(self, n):
            return SimpleNamespace(signal=[np.zeros(9000, np.float32)])

    def matrix(signals, fs, **kw):
        fits.append(("features", len(signals)))
        return SimpleNamespace(X=np.arange(len(signals) * 3.0).reshape(-1, 3))

    class Clf:
        def __init__(self, **kw):
            pass

        def fit(self, X, y):
            if len(fits) == stop_at[0]:
                raise KeyboardInterrupt
            fits.append(("fit", X.shape[0], float(X.sum()), "".join(y)))
            return self

    monkeypatch.setattr(mod, "CinC2017", DB)
    monkeypatch.setattr(mod, "af_feature_matrix", matrix)
    monkeypatch.setattr(mod, "CinC2017Classifier", Clf)
    return mod


def test_af_scale_interrupted_then_resumed_runs_only_the_rest(monkeypatch, tmp_path):
    fits, stop_at = [], [-1]
    mod = _af_scale(monkeypatch, fits, stop_at)
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    cmd = ["--data", str(tmp_path), "--cache", str(tmp_path / "c"), "--n-sample", "3"]
    mod.main([*cmd, "--out", str(full)])
    assert [f[:2] for f in fits] == [("features", 1)] * 3 + [("features", 40)] + [
        ("fit", 40),
        ("fit", 8528),
    ]
    uninterrupted = fits[-2:]
    fits.clear()
    stop_at[0] = 5  # the 8,528-row fit stops
    with pytest.raises(KeyboardInterrupt):
        mod.main([*cmd, "--out", str(part)])
    d = json.loads(part.read_text())
    assert d["complete"] is False and d["stages"] == ["uncached_s_per_record", "folder"]
    fits.clear()
    stop_at[0] = -1
    mod.main([*cmd, "--out", str(part), "--resume"])
    # the folder's matrix is read again (for the fits), no uncached record, both fits
    assert fits == [("features", 40), *uninterrupted]  # the same rows drawn as uninterrupted
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    assert b["complete"] and b["stages"] == ["uncached_s_per_record", "folder", "fit_s"]
    assert b["uncached_s_per_record"] == d["uncached_s_per_record"]  # read back, not re-timed
    assert b["folder"] == d["folder"] and set(b["fit_s"]) == set(a["fit_s"]) == {"40", "8528"}
    assert a["folder"]["all_signals_mb"] == b["folder"]["all_signals_mb"]
    with pytest.raises(ValueError, match="complete run, nothing to resume"):
        mod.main([*cmd, "--out", str(part), "--resume"])
    part.write_text(json.dumps(d))  # the unfinished file again, resumed with other settings
    with pytest.raises(ValueError, match=r"other settings: n_sample 3 \(now 4\)"):
        mod.main([*cmd[:-1], "4", "--out", str(part), "--resume"])


class _PTBXL12:  # a PTB-XL folder of 12 records (6 NORM, 6 MI patients), nothing read
    root = "fake-ptbxl"  # (since session 25 the bench checks the records and the classes)
    ids = list(range(1, 13))

    def __init__(self, root):
        pass

    def available(self, fs):
        return self.ids

    def load(self, names, fs):
        folds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 10]
        meta = pd.DataFrame({"strat_fold": folds, "patient_id": self.ids}, index=self.ids)
        meta["age"], meta["sex"] = 60.0, 0  # as PTBXL.load's metadata (the downstream reads them)
        return _signals(len(names)), meta

    def superclass_labels(self):
        return pd.DataFrame({"NORM": [1, 0] * 6, "MI": [0, 1] * 6}, index=self.ids)


def _signals(n):  # no flat lead: the bench leaves records with flat leads out
    return np.random.default_rng(0).standard_normal((n, 12, 10))


def test_bench_reconstruct_interrupted_then_resumed_runs_only_the_rest(monkeypatch, tmp_path):
    import geoecg.datasets.ptbxl_tasks as tasks
    import geoecg.io
    import geoecg.leads.protocol as lp
    from geoecg.bench import reconstruct as bench_reconstruct

    calls: list = []

    def rec(X, train, pid, sources, methods, **kw):
        calls.append("reconstruction")
        return {f"{s}|{m}": {"r": 0.9} for s in sources for m in methods}

    def down(X, y, groups, covs, subsets, **kw):
        calls.append("downstream")
        return {"real12": {"auc": 0.8}, "subsets": list(subsets)}

    monkeypatch.setattr(geoecg.io, "PTBXL", _PTBXL12)
    task = (_signals(2), np.array([0, 1]), np.array([1, 2]), np.zeros((2, 2)))
    monkeypatch.setattr(tasks, "load_task", lambda root, name: task)
    monkeypatch.setattr(lp, "reconstruction_report", rec)
    monkeypatch.setattr(lp, "format_report", lambda res: "table")
    monkeypatch.setattr(bench_reconstruct, "data_dir", lambda *a, **k: tmp_path)
    cmd = ["bench", "reconstruct", "--sources", "I", "I,II", "--methods", "population"]
    cmd += ["--downstream", "I,II,V3", "--n-boot", "20"]
    full, part = tmp_path / "full.json", tmp_path / "part.json"
    monkeypatch.setattr(lp, "subset_auc_comparison", down)
    assert main([*cmd, "--json", str(full)]) == 0
    assert calls == ["reconstruction", "downstream"]
    calls.clear()
    monkeypatch.setattr(lp, "subset_auc_comparison", _interrupt)
    assert main([*cmd, "--json", str(part)]) == 130  # Ctrl-C: exit status 130
    d = json.loads(part.read_text())
    assert d["complete"] is False and d["stages"] == ["reconstruction"] and d["downstream"] == {}
    calls.clear()
    monkeypatch.setattr(lp, "subset_auc_comparison", down)
    assert main([*cmd, "--json", str(part), "--resume"]) == 0
    assert calls == ["downstream"]  # the reconstruction stage is read back
    a, b = json.loads(full.read_text()), json.loads(part.read_text())
    a.pop("versions"), b.pop("versions")
    assert a == b and b["complete"] and b["stages"] == ["reconstruction", "downstream"]
    assert b["reconstruction"] == {"I|population": {"r": 0.9}, "I,II|population": {"r": 0.9}}
    assert "seed 0" in b["downstream"]["protocol"]
