"""Files written whole or not at all (geoecg._atomic), and the writers that use it."""

import json

import pytest

from geoecg._atomic import atomic_path, write_text_atomic
from geoecg.commands.bench_io import dump_json


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    f = tmp_path / "r.json"
    f.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(f) as tmp:
        tmp.write_text("half")
        raise RuntimeError("stopped mid-write")
    assert f.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_finished_write_replaces_the_file(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("old")
    write_text_atomic(f, "new")
    assert f.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.txt"]


def test_dump_json_keeps_the_previous_file_when_encoding_fails(tmp_path):
    f = tmp_path / "out.json"
    dump_json(f, {"a": 1})
    with pytest.raises(TypeError):
        dump_json(f, {"a": object()})  # not JSON-serialisable: nothing is replaced
    assert json.loads(f.read_text()) == {"a": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
