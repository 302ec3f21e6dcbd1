"""One progress switch for every bench (session 19). ``geoecg bench af > log 2>&1`` wrote
tqdm bars (``\\r`` lines) into the log: ``load_cinc_matrix`` (and ``heldout_prior_shift``,
``ptbxl_study``, ``compare``, ``run_detection_benchmark``, ``summarise``, the bench-sweep
timing and the noise-training features) defaulted to ``progress=True``, and nine modules made
their own tqdm bars. Now every bar comes from :func:`geoecg._progress.progress_bar`: shown
only when stderr is a terminal, unless ``geoecg bench NAME --progress`` / ``--no-progress``
says otherwise for the whole run (:func:`geoecg._progress.forced_progress`)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pytest

import geoecg
import geoecg.bench.qrs as bench_qrs
from geoecg import _progress
from geoecg._progress import forced_progress, progress_bar, wants_progress
from geoecg.cli import main
from geoecg.commands.bench_io import FoldLog, _run_settings
from geoecg.datasets import sample_cinc2017_dir

PACKAGE = Path(geoecg.__file__).parent
TQDM_IMPORT = re.compile(r"^\s*(from tqdm[\w.]* import|import tqdm)", re.M)


def test_every_bar_of_the_package_comes_from_one_helper():
    users = sorted(
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name != "_progress.py" and TQDM_IMPORT.search(p.read_text(encoding="utf-8"))
    )
    assert users == [], f"modules making their own tqdm bar (use _progress.progress_bar): {users}"


@pytest.mark.parametrize("terminal", [False, True])
def test_forced_choice_wins_over_the_terminal_and_is_undone(monkeypatch, terminal):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: terminal)
    assert wants_progress(None) is terminal
    with forced_progress(not terminal):
        assert wants_progress(None) is (not terminal)
        assert wants_progress(terminal) is terminal  # an explicit argument still wins
        with forced_progress(None):  # no flag given: no change
            assert progress_bar(range(2), progress=None).disable is terminal
    assert wants_progress(None) is terminal


def _bench_sees(monkeypatch, argv, terminal):
    """What a bench run sees: its FoldLog's progress and the bar a library call would make."""
    seen = {}

    def run(args):
        log = FoldLog(args)
        seen.update(hooks=log.progress, bar=wants_progress(log.progress))
        seen["settings"] = log.settings
        return 0

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: terminal)
    monkeypatch.setattr(bench_qrs, "run", run)
    assert main(["bench", "qrs", *argv]) == 0
    return seen


@pytest.mark.parametrize(
    "argv, terminal, bar",
    [([], False, False), ([], True, True), (["--progress"], False, True),
     (["--no-progress"], True, False)],
    ids=["log-file", "terminal", "--progress", "--no-progress"],
)  # fmt: skip
def test_bench_flags(monkeypatch, argv, terminal, bar):
    seen = _bench_sees(monkeypatch, argv, terminal)
    assert seen["bar"] is bar
    assert "progress" not in seen["settings"]  # not a setting: --resume ignores it
    assert wants_progress(None) is terminal  # the forced choice ended with the command


def test_quiet_runner_never_shows_a_bar():
    args = argparse.Namespace(json=None, resume=False, quiet=True, progress=True)
    assert FoldLog(args).progress is False
    assert "progress" not in _run_settings(args)


AF = ["bench", "af", "--protocol", "cv", "--folds", "2", "--n-estimators", "5"]


def test_bench_af_writes_no_bar_into_a_redirected_log(monkeypatch, capsys):
    """The reported case: stderr not a terminal (a log file; here pytest's capture)."""
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert main([*AF, "--data", str(sample_cinc2017_dir())]) == 0
    quiet = capsys.readouterr()
    assert "AF features" not in quiet.err and "\r" not in quiet.err
    assert main([*AF, "--data", str(sample_cinc2017_dir()), "--progress"]) == 0
    shown = capsys.readouterr()
    assert "AF features" in shown.err and "20/20" in shown.err

    def figures(out):  # the printed tables, timings aside
        return [ln for ln in out.splitlines() if not ln.startswith("times:")]

    assert figures(shown.out) == figures(quiet.out)  # the same with and without the bar


def test_library_defaults_follow_the_terminal(monkeypatch, capsys):
    from geoecg.estimators.af.protocols import load_cinc_matrix
    from geoecg.features.af._cache import cached_rows

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: False)
    m, y, _ = load_cinc_matrix(sample_cinc2017_dir())
    assert capsys.readouterr().err == "" and len(y) == 20
    rows = cached_rows(lambda x, fs: np.array([x.sum()]), [np.ones(3)] * 2, 1.0, 1,
                       prefix="t", progress=None, desc="rows")  # fmt: skip
    assert capsys.readouterr().err == "" and rows.tolist() == [[3.0], [3.0]]
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: True)
    cached_rows(lambda x, fs: np.array([x.sum()]), [np.ones(3)] * 2, 1.0, 1,
                prefix="t", progress=None, desc="rows")  # fmt: skip
    assert "rows" in capsys.readouterr().err
