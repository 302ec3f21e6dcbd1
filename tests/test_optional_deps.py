"""Optional extras (dask, torch, neurokit2): one clear sentence, before any work.

A missing package is simulated with ``sys.modules[name] = None`` (what Python itself treats
as "import blocked"), so these tests run whether or not the extras are installed.
"""

from __future__ import annotations

import json
import sys

import pytest

import geoecg.sweep as sweep_pkg
from geoecg import _optional
from geoecg._optional import MissingOptionalDependency, install_hint, missing, require
from geoecg.cli import build_parser, main


def _block(monkeypatch, *names):
    for n in names:
        monkeypatch.setitem(sys.modules, n, None)


def _hide(monkeypatch, name):
    """Make geoecg's check report ``name`` as not installed, leaving sys.modules alone.

    Once torch was imported, scikit-learn's array-API helpers look up ``sys.modules["torch"]``
    (a ``None`` there breaks them) and may import it again, so end-to-end runs patch the one
    function every geoecg command asks instead.
    """
    real = _optional._installed
    monkeypatch.setattr(_optional, "_installed", lambda m: False if m == name else real(m))


def _forbid(monkeypatch, module, *attrs):
    """Make the work functions fail loudly, so a test proves they were never reached."""

    def boom(*a, **k):
        raise AssertionError("work started before the missing extra was reported")

    for a in attrs:
        monkeypatch.setattr(module, a, boom)


def test_missing_and_hint(monkeypatch):
    _block(monkeypatch, "dask")
    assert missing("dask", "numpy") == ["dask"]
    assert install_hint("dask", "distributed", "torch") == 'pip install "geoecg[dask,neural]"'
    with pytest.raises(MissingOptionalDependency, match=r'pip install "geoecg\[dask\]"'):
        require("dask", purpose="this test")
    with pytest.raises(KeyError, match="not an optional dependency"):
        install_hint("numpy")


def test_bench_sweep_dask_missing_says_which_extra(monkeypatch, capsys):
    _block(monkeypatch, "dask", "distributed")
    _forbid(monkeypatch, sweep_pkg, "load_config", "run_sweep")
    assert main(["bench", "sweep", "--backends", "joblib", "dask"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "needs dask and distributed" in err[0] and 'pip install "geoecg[dask]"' in err[0]


def test_sweep_dask_backend_missing_before_any_output(monkeypatch, tmp_path, capsys):
    _block(monkeypatch, "distributed")
    out = tmp_path / "run"
    assert main(["sweep", "prevalence_shift", "--out", str(out), "--backend", "dask"]) == 2
    assert 'pip install "geoecg[dask]"' in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(MissingOptionalDependency, match="geoecg"):
        sweep_pkg.run_sweep("prevalence_shift", out, backend="dask")
    assert not out.exists()


def test_compare_without_torch_names_skipped_methods_first(monkeypatch, tmp_path, capsys):
    _block(monkeypatch, "torch")
    rc = main(["compare", "--task", "ptbxl-norm-vs-mi", "--data", str(tmp_path / "none")])
    cap = capsys.readouterr()
    assert rc == 2  # the data folder does not exist: the error comes after the sentence
    assert "skipping the neural methods ResNet1D, CNN1D" in cap.out
    assert 'pip install "geoecg[neural]"' in cap.out


def test_compare_neural_method_asked_without_torch_is_an_error(monkeypatch, tmp_path, capsys):
    _block(monkeypatch, "torch")
    rc = main(
        ["compare", "--task", "cinc2017-af", "--data", str(tmp_path / "none"), "--methods", "CNN1D"]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "needs torch" in err and "does not exist" not in err


@pytest.mark.realdata
def test_compare_without_torch_runs_classical_and_records_skips(
    monkeypatch, ptbxl_dir, tmp_path, capsys
):
    _hide(monkeypatch, "torch")
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
            "60",
            "--folds",
            "2",
            "--bootstrap",
            "20",
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    res = json.loads(out.read_text())
    assert {r["method"] for r in res["results"]} == {"Riemann tangent space + LR"}
    assert list(res["skipped"]) == ["ResNet1D (tiny)"]
    assert "skipped (torch not installed): ResNet1D (tiny)" in capsys.readouterr().out


def test_bench_hrv_peers_without_neurokit2(monkeypatch, tmp_path, capsys):
    _block(monkeypatch, "neurokit2")
    rc = main(["bench", "hrv", "--peers", "--data", str(tmp_path / "none")])
    err = capsys.readouterr().err
    assert rc == 2
    assert "geoecg bench hrv --peers needs neurokit2" in err
    assert 'pip install "geoecg[bench]"' in err


def test_bench_qrs_peers_without_neurokit2_says_so_before_timing(monkeypatch, tmp_path, capsys):
    import geoecg.bench.qrs as qrs

    _block(monkeypatch, "neurokit2")
    monkeypatch.setattr(qrs, "_resolve_folder", lambda d: tmp_path)
    monkeypatch.setattr(qrs, "_record_names", lambda folder, recs: ["100"])

    def stop(*a, **k):
        raise RuntimeError("stop before timing")

    monkeypatch.setattr(qrs, "detect_rpeaks", stop)
    args = build_parser().parse_args(["bench", "qrs", "--data", str(tmp_path), "--peers"])
    with pytest.raises(RuntimeError, match="stop before timing"):
        qrs.run(args)
    out = capsys.readouterr().out
    assert "skipping the NeuroKit2 peers" in out and 'pip install "geoecg[bench]"' in out


@pytest.mark.parametrize(
    "argv, extra",
    [
        (["bench", "delineate", "--peers", "--data", "NONE"], "bench"),
        (["bench", "extract", "--data", "NONE"], "bench"),
        (["extract", "NONE", "--out", "OUT", "--backend", "dask"], "dask"),
    ],
    ids=["bench-delineate-peers", "bench-extract", "extract-dask"],
)
def test_other_commands_name_their_extra_first(argv, extra, monkeypatch, tmp_path, capsys):
    _block(monkeypatch, "neurokit2", "dask", "distributed")
    argv = [str(tmp_path / a) if a in ("NONE", "OUT") else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f'pip install "geoecg[{extra}]"' in err and "error:" not in err
    assert not (tmp_path / "OUT").exists()
