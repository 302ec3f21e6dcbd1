"""Ctrl-C at the ``geoecg`` command line (session 19): one line on stderr saying the command
was interrupted and where its finished part was written, exit status 130, no traceback.
Before, ``KeyboardInterrupt`` left :func:`geoecg.cli.main` and Python printed the full
traceback (exit status -2 / 130 from the shell). SIGTERM keeps its status 143 and now names
the partial file too."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import geoecg.bench.qrs as bench_qrs
from geoecg.cli import EXIT_INTERRUPT, EXIT_SIGTERM, Terminated, main
from geoecg.commands.bench_io import FoldLog


def _stopping_bench(monkeypatch, exc):
    def run(args):
        log = FoldLog(args)
        log("mitdb_101", {"tp": 1})  # one finished unit, written at once
        raise exc

    monkeypatch.setattr(bench_qrs, "run", run)


@pytest.mark.parametrize(
    "exc, rc, why",
    [(KeyboardInterrupt(), EXIT_INTERRUPT, "interrupted (Ctrl-C)"),
     (Terminated("stopped by SIGTERM"), EXIT_SIGTERM, "stopped by SIGTERM")],
    ids=["ctrl-c", "sigterm"],
)  # fmt: skip
def test_stopped_bench_says_where_its_partial_json_is(monkeypatch, tmp_path, capsys, exc, rc, why):
    _stopping_bench(monkeypatch, exc)
    out = tmp_path / "q.json"
    assert main(["bench", "qrs", "--json", str(out)]) == rc
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f'geoecg bench qrs: {why}; partial results in {out} ("complete": false); '
        "rerun with --resume to continue"
    ]
    d = json.loads(out.read_text())
    assert d["complete"] is False and list(d["finished"]) == ["mitdb_101"]


def test_ctrl_c_without_json_says_nothing_was_written(monkeypatch, capsys):
    _stopping_bench(monkeypatch, KeyboardInterrupt())
    assert main(["bench", "qrs"]) == 130
    err = capsys.readouterr().err
    assert err == "geoecg bench qrs: interrupted (Ctrl-C); no partial results were written\n"


def test_ctrl_c_of_extract_names_the_out_folder(monkeypatch, tmp_path, capsys):
    import geoecg.commands.extract as cmd

    def run(args):
        (tmp_path / "o").mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(cmd, "run", run)
    assert main(["extract", str(tmp_path), "--out", str(tmp_path / "o")]) == 130
    err = capsys.readouterr().err
    assert err == (
        f"geoecg extract: interrupted (Ctrl-C); finished parts are in {tmp_path / 'o'} "
        "(the same command goes on from them)\n"
    )


def test_ctrl_c_while_the_command_is_imported(monkeypatch, capsys):
    import geoecg.cli as cli

    def build_parser(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", build_parser)
    assert cli.main(["bench", "qrs"]) == 130
    assert capsys.readouterr().err == "geoecg: interrupted (Ctrl-C) before the command started\n"


SCRIPT = """
import sys, time
import geoecg.bench.qrs as bench_qrs
from geoecg.cli import main
from geoecg.commands.bench_io import FoldLog


def run(args):
    FoldLog(args)("mitdb_101", {"tp": 1})
    time.sleep(120)


bench_qrs.run = run
sys.exit(main(["bench", "qrs", "--json", sys.argv[1]]))
"""


def test_sigint_from_outside_ends_with_one_line_and_status_130(tmp_path):
    script, path = tmp_path / "q.py", tmp_path / "q.json"
    script.write_text(textwrap.dedent(SCRIPT))
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path)], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 120
        while not (path.exists() and json.loads(path.read_text()).get("finished")):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f'geoecg bench qrs: interrupted (Ctrl-C); partial results in {path} ("complete": '
        "false); rerun with --resume to continue"
    )
