"""``"complete"`` in the ``--json`` of ``geoecg bench ptbxl`` and ``geoecg bench reconstruct``.

Both rewrite the file while they run (``ptbxl`` after every method, ``reconstruct`` after
its reconstruction part). Before session 11 these writes had no ``"complete"`` key, so the
file of a stopped run looked finished apart from missing methods or an empty
``"downstream"``. Now they write through :class:`geoecg.commands.bench_io.JsonSink`:
``"complete": false`` in every write before the end (with the reason on Ctrl-C/SIGTERM),
``true`` in the last one. The PTB-XL records are real; the expensive reconstruction and
downstream protocols of ``reconstruct`` are replaced by stubs (the reconstruction part is
tested in ``tests/test_leads_reconstruct.py``, the downstream
:func:`geoecg.leads.protocol.subset_auc_comparison` in ``tests/test_leads_subset_auc.py``).
"""

from __future__ import annotations

import json

import pytest

from geoecg.cli import main
from geoecg.commands import bench_io
from geoecg.estimators import ptbxl_methods as pm

PTBXL_FIGURES = {"task", "n_records", "n_patients", "n_positive", "cv", "prep_s", "methods",
                 "skipped", "learning_curve"}  # fmt: skip


@pytest.fixture
def writes(monkeypatch):
    """Every payload written through :func:`bench_io.write_json` (the file is still written)."""
    seen, write = [], bench_io.write_json

    def spy(path, payload, *a, **k):
        seen.append(json.loads(json.dumps(bench_io.to_jsonable(payload))))
        write(path, payload, *a, **k)

    monkeypatch.setattr(bench_io, "write_json", spy)
    return seen


def _ptbxl(ptbxl_dir, out, methods="mdm,ts-lr"):
    return main(["bench", "ptbxl", "--data", str(ptbxl_dir), "--methods", methods, "--n-train",
                 "", "--n-splits", "2", "--n-repeats", "1", "--n-boot", "20", "--json",
                 str(out)])  # fmt: skip


def test_bench_ptbxl_writes_complete_false_until_the_end(ptbxl_dir, tmp_path, writes, capsys):
    out = tmp_path / "p.json"
    assert _ptbxl(ptbxl_dir, out) == 0
    # one write after each method, then the final one
    assert [w["complete"] for w in writes] == [False, False, True]
    assert list(writes[0]["methods"]) == ["mdm"] and "reason" in writes[0]
    d = json.loads(out.read_text())
    assert d["complete"] is True and "reason" not in d
    assert set(d) == PTBXL_FIGURES | {"complete", "stages", "versions"}
    assert list(d["methods"]) == ["mdm", "ts-lr"] and 0.5 < d["methods"]["ts-lr"]["auc"] <= 1
    assert "xgboost" in d["versions"] and "written" in capsys.readouterr().out


def test_bench_ptbxl_interrupted_after_one_method(ptbxl_dir, tmp_path, monkeypatch):
    out, fit_predict = tmp_path / "p.json", pm.method_fit_predict

    def second_stops(m, *a, **k):
        if m == "ts-lr":
            raise KeyboardInterrupt
        return fit_predict(m, *a, **k)

    monkeypatch.setattr(pm, "method_fit_predict", second_stops)
    assert _ptbxl(ptbxl_dir, out) == 130  # Ctrl-C: exit status 130
    d = json.loads(out.read_text())
    assert (d["complete"], d["reason"]) == (False, "interrupted (KeyboardInterrupt)")
    assert list(d["methods"]) == ["mdm"] and d["methods"]["mdm"]["auc"] > 0


def _reconstruct(ptbxl_dir, out, monkeypatch, downstream):
    import geoecg.leads.protocol as lp

    monkeypatch.setattr(lp, "reconstruction_report", lambda *a, **k: {"I|population": {"r": 1}})
    monkeypatch.setattr(lp, "subset_auc_comparison", downstream)
    args = ["--sources", "I", "--methods", "population", "--downstream", "I,II"]
    return main(["bench", "reconstruct", "--data", str(ptbxl_dir), *args, "--json", str(out)])


def test_bench_reconstruct_complete_after_downstream(ptbxl_dir, tmp_path, monkeypatch, writes):
    import geoecg.leads.protocol as lp

    def downstream(X, y, groups, covs, subsets, **k):
        assert subsets == ["I,II"] and len(X) == len(y) > 0
        return {"real12": {"auc": 0.9}}

    monkeypatch.setattr(lp, "format_report", lambda res: "table")
    out = tmp_path / "r.json"
    assert _reconstruct(ptbxl_dir, out, monkeypatch, downstream) == 0
    assert [w["complete"] for w in writes] == [False, False, True]
    # the write after the reconstruction part: downstream still empty, not complete
    assert (writes[0]["downstream"], writes[0]["stages"]) == ({}, ["reconstruction"])
    d = json.loads(out.read_text())
    assert d["complete"] is True and d["stages"] == ["reconstruction", "downstream"]
    assert list(d)[:7] == ["n_records", "fs", "band_hz", "split", "calibration_s",
                           "reconstruction", "downstream"]  # fmt: skip
    assert d["n_records"] == 500 and d["reconstruction"] == {"I|population": {"r": 1}}
    assert d["downstream"]["real12"] == {"auc": 0.9} and "seed 0" in d["downstream"]["protocol"]


def test_bench_reconstruct_interrupted_in_downstream(ptbxl_dir, tmp_path, monkeypatch):
    def downstream(*a, **k):
        raise KeyboardInterrupt

    out = tmp_path / "r.json"
    assert _reconstruct(ptbxl_dir, out, monkeypatch, downstream) == 130  # Ctrl-C: exit status 130
    d = json.loads(out.read_text())
    assert (d["complete"], d["reason"]) == (False, "interrupted (KeyboardInterrupt)")
    assert d["reconstruction"] == {"I|population": {"r": 1}} and d["downstream"] == {}
