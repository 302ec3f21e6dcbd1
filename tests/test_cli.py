"""The geoecg command line: --help everywhere, info, demo."""

from __future__ import annotations

import argparse
import json

import pytest

from geoecg.cli import build_parser, main
from geoecg.datasets import sample_mitdb_dir, sample_record_path


def _subcommands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _subcommands(sub, (*prefix, name))


ALL = list(_subcommands(build_parser()))


def test_core_subcommands_exist():
    names = {c[0] for c in ALL}
    assert {"info", "demo"} <= names


@pytest.mark.parametrize("cmd", ALL, ids=[" ".join(c) for c in ALL])
def test_help_of_every_subcommand(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*cmd, "--help"])
    assert exc.value.code == 0
    assert "usage: geoecg" in capsys.readouterr().out


def test_info_on_one_record(capsys, tmp_path):
    out_json = tmp_path / "info.json"
    assert main(["info", str(sample_record_path("mitdb_119")), "--json", str(out_json)]) == 0
    text = capsys.readouterr().out
    assert "mitdb_119" in text and "108000" in text
    rows = json.loads(out_json.read_text())
    assert rows[0]["fs_hz"] == 360.0 and rows[0]["n_leads"] == 2
    assert rows[0]["V"] == 80 and rows[0]["n_beats"] == 326


def test_info_folder_counts(capsys):
    assert main(["info", str(sample_mitdb_dir())]) == 0
    out = capsys.readouterr().out
    assert "3 record(s)" in out
    assert "AAMI class counts (EC57; e/j in N): N 884, S 18, V 96, F 0, Q 0" in out


def test_info_missing_path_is_a_clean_error(capsys, tmp_path):
    assert main(["info", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "not found" in err and "nothing.hea" in err


def test_demo_runs_on_embedded_data(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "figures and tables written to" in out
    assert (tmp_path / "record_mitdb_201.png").stat().st_size > 10_000
