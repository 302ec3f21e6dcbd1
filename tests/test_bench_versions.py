"""Every bench JSON records the environment that produced it; ``--resume`` checks it.

Figures depend on the model libraries' versions, not only on geoecg's code: the nested
beat figures moved by about 2 F1 points after xgboost, scikit-learn and numpy were
upgraded, from bit-identical feature tables (docs/benchmarks.md, "Reproducing a figure").
So :func:`geoecg._versions.package_versions` records the same environment in every JSON
(without importing anything), and ``--resume`` refuses a file written with other versions
of the model libraries even when the bench did not name them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from geoecg import _versions
from geoecg._code_fingerprint import code_fingerprint
from geoecg.commands import bench_io
from geoecg.commands.bench_io import FoldLog, JsonSink, write_json

ENV = {"geoecg", "code_fingerprint", "python", "numpy", "scipy", "numba", "scikit-learn",
       "xgboost", "pyriemann", "statsmodels", "wfdb"}  # fmt: skip


def test_every_writer_records_the_environment(tmp_path):
    with JsonSink(tmp_path / "s.json", quiet=True) as out:  # a bench that names no peer
        out["x"] = 1
    FoldLog(argparse.Namespace(json=tmp_path / "f.json", resume=False, n=1))
    write_json(tmp_path / "w.json", {"x": 1}, quiet=True)
    for name in ("s", "f", "w"):
        v = json.loads((tmp_path / f"{name}.json").read_text())["versions"]
        assert ENV <= set(v), name
        assert v["code_fingerprint"] == code_fingerprint()
        assert v["xgboost"] and v["scikit-learn"] and v["numpy"]  # installed here


def test_versions_match_the_modules_and_import_nothing():
    import numpy
    import sklearn
    import xgboost  # installed as xgboost-cpu on Linux: found through the alias

    v = _versions.package_versions("neurokit2")
    assert (v["numpy"], v["scikit-learn"]) == (numpy.__version__, sklearn.__version__)
    assert v["xgboost"] == xgboost.__version__ and "neurokit2" in v
    code = (
        "import sys; from geoecg._versions import package_versions; v = package_versions();"
        "print(v['xgboost'] is not None, "
        "[m for m in ('sklearn', 'xgboost', 'pyriemann', 'statsmodels', 'torch') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "[]"]


def test_torch_is_recorded_once_imported(monkeypatch):
    assert "torch" not in _versions.package_versions() or "torch" in sys.modules
    monkeypatch.setitem(sys.modules, "torch", type(sys)("torch"))
    assert "torch" in _versions.package_versions()


def _stopped_foldlog(path, **versions):
    """An unfinished FoldLog file (no peers named) whose recorded versions are edited."""
    run = FoldLog(argparse.Namespace(json=path, resume=False, n=1))
    run(0, {"y": [1]})
    d = json.loads(path.read_text())
    d["versions"].update(versions)
    path.write_text(json.dumps(d))


@pytest.mark.parametrize("lib", ["xgboost", "scikit-learn", "numpy"])
def test_resume_refuses_other_model_library_versions(tmp_path, lib):
    f = tmp_path / "r.json"
    _stopped_foldlog(f, **{lib: "0.0"})
    now = _versions.package_versions()[lib]
    with pytest.raises(ValueError, match=rf"other package versions: {lib} 0\.0 \(now {now}\)"):
        FoldLog(argparse.Namespace(json=f, resume=True, n=1))


def test_resume_warns_for_libraries_the_bench_does_not_name(tmp_path, capsys):
    f = tmp_path / "r.json"
    _stopped_foldlog(f, pyriemann="0.0")
    assert FoldLog(argparse.Namespace(json=f, resume=True, n=1)).done == {0: {"y": [1]}}
    err = capsys.readouterr().err
    assert "warning" in err and "pyriemann 0.0 (now " in err
    _stopped_foldlog(f, pyriemann="0.0")  # a bench that names pyriemann: refused
    with pytest.raises(ValueError, match=r"pyriemann 0\.0 \(now "):
        FoldLog(argparse.Namespace(json=f, resume=True, n=1), "pyriemann")


def test_jsonsink_resume_refuses_other_xgboost(tmp_path):
    f = tmp_path / "s.json"
    args = argparse.Namespace(json=f, resume=False, n=1)
    with pytest.raises(KeyboardInterrupt), JsonSink(f, quiet=True, run=args) as out:
        out.stage("a", lambda: {"v": 1})
        raise KeyboardInterrupt
    d = json.loads(f.read_text())
    d["versions"]["xgboost"] = "1.0"
    f.write_text(json.dumps(d))
    with pytest.raises(ValueError, match=r"xgboost 1\.0 \(now "):
        JsonSink(f, quiet=True, run=argparse.Namespace(json=f, resume=True, n=1))
    d["versions"].pop("xgboost")  # a file written before xgboost was recorded: passes
    f.write_text(json.dumps(d))
    sink = JsonSink(f, quiet=True, run=argparse.Namespace(json=f, resume=True, n=1))
    assert sink.stage("a", bench_io.log) == {"v": 1}  # restored, not computed
