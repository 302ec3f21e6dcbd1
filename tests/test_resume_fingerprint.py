"""``--resume`` refuses a file written by other geoecg code (the code fingerprint).

geoecg's version string does not change per commit, so a run stopped, then resumed after
a library change would reuse the old code's finished units and mix two code versions in
one JSON. :class:`geoecg.commands.bench_io.FoldLog` (``bench beats`` / ``af`` / ``noise``)
and :class:`geoecg.commands.bench_io.JsonSink` (``bench delineate`` / ``hrv``) write
:func:`geoecg._code_fingerprint.code_fingerprint` into the unfinished file and refuse
``--resume`` when it differs or is absent (a file from before it was recorded). The other
code is stood in for by monkeypatching the fingerprint function.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pytest

import geoecg
from geoecg import _code_fingerprint
from geoecg.commands import bench_io
from geoecg.commands.bench_io import FoldLog, JsonSink


def _foldlog(f, resume):
    return FoldLog(argparse.Namespace(json=f, resume=resume, folds=3))


def _sink_run(f, resume, stop=False):
    args = argparse.Namespace(json=f, resume=resume, n=3)
    calls = []
    with JsonSink(f, quiet=True, run=args) as out:
        out.stage("a", lambda: calls.append("a") or {"v": 1})
        if stop:
            raise KeyboardInterrupt
        out.stage("b", lambda: calls.append("b") or {"v": 2})
    return calls


def test_fingerprint_hashes_the_package_sources_and_is_cached():
    root = Path(geoecg.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py"), key=lambda q: q.relative_to(root).as_posix()):
        name, data = p.relative_to(root).as_posix().encode(), p.read_bytes()
        h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    assert _code_fingerprint.code_fingerprint() == h.hexdigest()[:16]
    hits = _code_fingerprint.code_fingerprint.cache_info().hits
    _code_fingerprint.code_fingerprint()
    assert _code_fingerprint.code_fingerprint.cache_info().hits == hits + 1  # not recomputed


def test_foldlog_writes_the_fingerprint_and_resumes_with_the_same(tmp_path):
    f = tmp_path / "r.json"
    _foldlog(f, False)(0, {"y": [1]})
    d = json.loads(f.read_text())
    assert d["code_fingerprint"] == _code_fingerprint.code_fingerprint()
    assert _foldlog(f, True).done == {0: {"y": [1]}}


def test_foldlog_resume_refuses_other_code_naming_both(tmp_path, monkeypatch):
    f = tmp_path / "r.json"
    _foldlog(f, False)(0, {"y": [1]})
    was = _code_fingerprint.code_fingerprint()
    monkeypatch.setattr(bench_io, "code_fingerprint", lambda: "0123456789abcdef")
    with pytest.raises(
        ValueError, match=rf"other geoecg code \(fingerprint {was}, now 0123456789abcdef"
    ) as e:
        _foldlog(f, True)
    assert "start afresh without --resume or use another --json" in str(e.value)
    assert json.loads(f.read_text())["finished"] == {"0": {"y": [1]}}  # the file is kept


def test_foldlog_resume_refuses_a_file_without_fingerprint(tmp_path):
    f = tmp_path / "r.json"
    _foldlog(f, False)(0, {"y": [1]})
    d = json.loads(f.read_text())
    d.pop("code_fingerprint", None)  # as a file written before fingerprints
    f.write_text(json.dumps(d))
    with pytest.raises(
        ValueError, match=r"other geoecg code \(fingerprint None, now [0-9a-f]{16}; written before"
    ) as e:
        _foldlog(f, True)
    assert "start afresh without --resume or use another --json" in str(e.value)


def test_jsonsink_resume_same_code_reads_back_other_code_refused(tmp_path, monkeypatch):
    f = tmp_path / "r.json"
    with pytest.raises(KeyboardInterrupt):
        _sink_run(f, False, stop=True)
    d = json.loads(f.read_text())
    assert d["code_fingerprint"] == _code_fingerprint.code_fingerprint()
    monkeypatch.setattr(bench_io, "code_fingerprint", lambda: "fedcba9876543210")
    with pytest.raises(
        ValueError, match=r"other geoecg code \(fingerprint [0-9a-f]{16}, now fedcba9876543210"
    ):
        _sink_run(f, True)
    monkeypatch.undo()
    assert _sink_run(f, True) == ["b"]  # stage "a" read back, not run
    d = json.loads(f.read_text())
    assert d["complete"] and d["stages"] == ["a", "b"] and "code_fingerprint" not in d


def test_jsonsink_resume_refuses_a_file_without_fingerprint(tmp_path):
    f = tmp_path / "r.json"
    with pytest.raises(KeyboardInterrupt):
        _sink_run(f, False, stop=True)
    d = json.loads(f.read_text())
    d.pop("code_fingerprint", None)  # as a file written before fingerprints
    f.write_text(json.dumps(d))
    with pytest.raises(ValueError, match=r"fingerprint None, now [0-9a-f]{16}; written before"):
        _sink_run(f, True)
