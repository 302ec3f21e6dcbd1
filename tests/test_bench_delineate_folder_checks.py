"""``geoecg bench delineate`` checks every folder it is given before the LUDB stage runs.

On 8461eeb ``--qtdb`` was checked first, but ``--noise`` (NSTDB, with ``--mitdb``) and
``--ptbxl`` were opened only when their stage came, after the LUDB protocol (minutes on the
full database): an empty ``--noise`` folder ran LUDB first, then failed. Data-free: the
LUDB folder is a stub and a LUDB stage that runs fails the test.
"""

from __future__ import annotations

import types

import pytest

from geoecg.bench import delineate as bench_delineate
from geoecg.cli import main
from geoecg.features import delineation_protocols as proto


class _LUDB:  # a LUDB folder with two 500-Hz records, nothing read
    def __init__(self, data):
        self.data_dir = data

    def records(self):
        return ["1", "2"]

    def missing_annotations(self, names):
        return {}

    def read(self, name):
        return types.SimpleNamespace(fs=500.0)


def _must_not_run(*a, **k):
    raise AssertionError("the LUDB stage ran before a wrong folder was named")


@pytest.mark.parametrize(
    "option, match",
    [
        ("--noise", "cannot find the nstdb database"),
        ("--ptbxl", "cannot find the ptbxl database"),
        ("--qtdb", "is not a QT-database folder"),
    ],
)
@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_a_wrong_folder_is_one_line_before_ludb_runs(
    monkeypatch, tmp_path, capsys, option, match, folder
):
    monkeypatch.setattr(bench_delineate, "LUDB", _LUDB)
    monkeypatch.setattr(proto, "ludb_protocol", _must_not_run)
    bad = tmp_path / folder
    if folder == "empty":
        bad.mkdir()
    rc = main(["bench", "delineate", "--data", str(tmp_path), option, str(bad)])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    lines = [x for x in err.splitlines() if x.strip() and "compiling numba" not in x]
    assert len(lines) == 1 and lines[0].startswith("geoecg bench delineate: error: ")
    assert match in lines[0]


def test_a_wrong_mitdb_folder_for_em_noise_is_named_before_ludb_runs(
    monkeypatch, tmp_path, capsys, nstdb_dir
):
    monkeypatch.setattr(bench_delineate, "LUDB", _LUDB)
    monkeypatch.setattr(proto, "ludb_protocol", _must_not_run)
    nstdb = nstdb_dir
    empty = tmp_path / "empty"
    empty.mkdir()
    cmd = ["bench", "delineate", "--data", str(tmp_path), "--noise", str(nstdb)]
    rc = main([*cmd, "--mitdb", str(empty)])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err and "mitdb" in err
