"""A ``--json`` path that cannot hold a file is refused before the command runs (session 24).

Before, ``geoecg bench riemann --json FOLDER`` computed for its whole run and then ended in
an ``IsADirectoryError`` traceback; ``bench ptbxl --json FILE/x.json`` loaded PTB-XL for
100 s and ended in ``FileExistsError``; the runners with a :class:`FoldLog` or
:class:`JsonSink` failed with the same tracebacks at their first write.
"""

from __future__ import annotations

import os
import sys

import pytest

import geoecg.bench.riemann as bench_riemann
import geoecg.commands.info as info_cmd
from geoecg._atomic import check_output_file
from geoecg.cli import main


@pytest.fixture
def never_runs(monkeypatch):
    """The riemann runner, replaced by one that records that it was called."""
    calls = []
    monkeypatch.setattr(bench_riemann, "run", lambda args: calls.append(args) or 0)
    return calls


def _bad_paths(tmp_path):
    (tmp_path / "afile").write_text("x")
    return {
        "a folder": (tmp_path, "is a folder"),
        "under a file": (tmp_path / "afile" / "r.json", "is a file, not a folder"),
        "deeper under a file": (tmp_path / "afile" / "a" / "r.json", "is a file, not a folder"),
    }


@pytest.mark.parametrize("case", ["a folder", "under a file", "deeper under a file"])
def test_bad_json_path_is_refused_before_the_run(tmp_path, capsys, never_runs, case):
    path, words = _bad_paths(tmp_path)[case]
    rc = main(["bench", "riemann", "--n", "2", "--json", str(path)])
    err = capsys.readouterr().err
    assert rc == 2
    assert never_runs == [], "the command ran although its --json could not be written"
    assert err.startswith("geoecg bench riemann: error: --json ")
    assert words in err and str(path) in err
    assert "Traceback" not in err


def test_json_in_missing_folders_is_accepted(tmp_path, never_runs):
    path = tmp_path / "new" / "sub" / "r.json"
    assert main(["bench", "riemann", "--n", "2", "--json", str(path)]) == 0
    assert len(never_runs) == 1  # the writers create the folders


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_json_in_a_read_only_folder_is_refused(tmp_path, never_runs, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert main(["bench", "riemann", "--json", str(ro / "r.json")]) == 2
    finally:
        ro.chmod(0o700)
    assert "no write permission" in capsys.readouterr().err
    assert never_runs == []


def test_the_check_covers_every_command_with_json(tmp_path, monkeypatch, capsys):
    """``geoecg info --json FOLDER`` (not a bench) is refused the same way."""
    monkeypatch.setattr(info_cmd, "run", lambda args: pytest.fail("info ran"))
    assert main(["info", str(tmp_path), "--json", str(tmp_path)]) == 2
    assert "geoecg info: error: --json" in capsys.readouterr().err


def test_an_oserror_of_the_run_is_one_line(monkeypatch, capsys):
    """An OSError other than FileNotFoundError (a disk full, a permission) ends in one line,
    exit status 2, not a traceback."""

    def run(args):
        raise PermissionError(13, "Permission denied", "/data/mitdb/101.dat")

    monkeypatch.setattr(bench_riemann, "run", run)
    assert main(["bench", "riemann", "--n", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geoecg bench riemann: error: [Errno 13] Permission denied")


@pytest.mark.parametrize("flag", ["--json", "--out"])
def test_check_output_file_names_the_flag(tmp_path, flag):
    with pytest.raises(ValueError, match=f"^{flag} .* is a folder"):
        check_output_file(tmp_path, flag)
    assert check_output_file(tmp_path / "x.json", flag) == tmp_path / "x.json"
