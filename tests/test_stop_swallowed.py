"""A stop (Ctrl-C, SIGTERM) that library code swallowed or turned into another exception still
stops the command, and nothing computed after it is written as finished (session 28).

Seen (session 28, helper 6): ``geoecg bench reconstruct`` stopped by SIGTERM 45 s in went on
for 360 s and wrote ``"complete": true`` with another inner-CV choice (I,II,V3 population:
``n_taps`` 2 alone, mean r 0.938, instead of the beat-phase map, 0.950). The handler's
``Terminated`` was raised inside Python code called from a C extension, which returned it as
``SystemError(... returned a result with an exception set)``; scikit-learn's grid search
catches ``Exception`` around each fit and, with its default ``error_score=nan``, scored the
candidate NaN. Here the C extension is stood in for by a fit that turns the handler's
exception into that ``SystemError`` (``raise SystemError(...) from exc``). On the code before
the change, the stopped command returns 0 and writes ``"complete": true`` with the other
choice; a ``SystemError`` that is not swallowed prints a traceback; a failed inner fit of
:func:`~geoecg.leads.protocol.select_reconstructor` or
:func:`~geoecg.evaluation.nested.nested_evaluate` changes the choice without an error.
"""

from __future__ import annotations

import json
import os
import signal
import time
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

import geoecg.bench.qrs as bench_qrs
from geoecg import _stop
from geoecg.cli import EXIT_INTERRUPT, EXIT_SIGTERM, main
from geoecg.commands.bench_io import FoldLog, JsonSink, dump_json

C_EXTENSION = "CPUDispatcher(<function kernel>) returned a result with an exception set"
CASES = [(signal.SIGTERM, EXIT_SIGTERM, "stopped by SIGTERM", "Terminated: stopped by SIGTERM"),
         (signal.SIGINT, EXIT_INTERRUPT, "interrupted (Ctrl-C)",
          "interrupted (KeyboardInterrupt)")]  # fmt: skip
IDS = ["SIGTERM", "SIGINT"]
FIRED: list = []  # the signal is sent once per test


@pytest.fixture(autouse=True)
def _python_sigint_handler():
    """Python's own Ctrl-C handler in place (the command line records a SIGINT only then),
    and no stop left recorded by a test."""
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    FIRED.clear()
    yield
    signal.signal(signal.SIGINT, old)
    _stop.clear_stop()


def _signal_in_c_extension(sig) -> None:
    """Send ``sig`` to this process; its handler's exception comes out as SystemError."""
    try:
        os.kill(os.getpid(), sig)
        time.sleep(5)  # the handler runs here
    except KeyboardInterrupt as exc:
        raise SystemError(C_EXTENSION) from exc
    raise AssertionError("the signal's handler did not raise")


class _Candidate(BaseEstimator):
    """Scored by its own ``k`` (k=2 wins); the first fit of ``k=2`` is hit by the signal."""

    def __init__(self, k=1, sig=None):
        self.k, self.sig = k, sig

    def fit(self, X, y=None):
        if self.k == 2 and self.sig is not None and not FIRED:
            FIRED.append(self.sig)
            _signal_in_c_extension(self.sig)
        return self

    def score(self, X, y=None):
        return float(self.k)


def _grid_search_bench(sig):
    """A staged bench: stage ``first``, then an inner CV (scikit-learn's default
    ``error_score=nan``, as in any library that swallows a failed fit), stage ``choice``."""

    def run(args):
        with JsonSink(args.json) as out:
            out.stage("first", {"done": 1})
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gs = GridSearchCV(_Candidate(sig=sig), {"k": [1, 2]}, cv=3).fit(np.zeros((12, 1)))
            out.stage("choice", {"k": gs.best_params_["k"]})
        return 0

    return run


@pytest.mark.parametrize("sig, rc, why, reason", CASES, ids=IDS)
def test_a_stop_swallowed_by_an_inner_cv_stops_the_command(
    monkeypatch, tmp_path, capsys, sig, rc, why, reason
):
    monkeypatch.setattr(bench_qrs, "run", _grid_search_bench(sig))
    out = tmp_path / "r.json"
    assert main(["bench", "qrs", "--json", str(out)]) == rc  # before: 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines()[-1] == (
        f'geoecg bench qrs: {why}; partial results in {out} ("complete": false); '
        "rerun with --resume to continue"
    )
    d = json.loads(out.read_text())  # before: "complete": true, "choice": {"k": 1}
    assert (d["complete"], d["stages"], d["reason"]) == (False, ["first"], reason)
    assert "choice" not in d
    assert _stop.stop_requested() is None  # main forgets it: the next command starts afresh


def test_the_same_bench_without_a_signal_is_complete(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(bench_qrs, "run", _grid_search_bench(None))
    out = tmp_path / "r.json"
    assert main(["bench", "qrs", "--json", str(out)]) == 0
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"], d["choice"]) == (True, ["first", "choice"], {"k": 2})


@pytest.mark.parametrize("sig, rc, why, reason", CASES, ids=IDS)
def test_a_stop_that_became_a_system_error_ends_with_the_stop_line(
    monkeypatch, tmp_path, capsys, sig, rc, why, reason
):
    """The SystemError reaches the command (a numba kernel loaded from its cache when the
    signal came): before, a traceback and exit status 1."""

    def run(args):
        with JsonSink(args.json) as out:
            out.stage("first", {"done": 1})
            _signal_in_c_extension(sig)
        return 0

    monkeypatch.setattr(bench_qrs, "run", run)
    out = tmp_path / "r.json"
    assert main(["bench", "qrs", "--json", str(out)]) == rc
    err = capsys.readouterr().err
    assert "Traceback" not in err and "SystemError" not in err
    assert err.strip().splitlines()[-1].startswith(f"geoecg bench qrs: {why}; partial results")
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"], d["reason"]) == (False, ["first"], reason)


def test_a_stop_swallowed_without_json_still_exits_as_a_stop(monkeypatch, capsys):
    def run(args):
        try:
            _signal_in_c_extension(signal.SIGTERM)
        except SystemError:
            pass  # swallowed: the run "finishes"
        return 0

    monkeypatch.setattr(bench_qrs, "run", run)
    assert main(["bench", "qrs"]) == EXIT_SIGTERM
    err = capsys.readouterr().err
    assert err == "geoecg bench qrs: stopped by SIGTERM; no partial results were written\n"


def test_an_error_without_a_stop_is_still_an_error(monkeypatch, capsys):
    def run(args):
        raise ValueError("bad input")

    monkeypatch.setattr(bench_qrs, "run", run)
    assert main(["bench", "qrs"]) == 2
    assert capsys.readouterr().err == "geoecg bench qrs: error: bad input\n"

    def crash(args):
        raise SystemError("a bug")

    monkeypatch.setattr(bench_qrs, "run", crash)
    with pytest.raises(SystemError, match="a bug"):
        main(["bench", "qrs"])


def test_after_a_stop_nothing_is_kept_or_written_as_finished(tmp_path):
    import argparse

    args = argparse.Namespace(json=tmp_path / "f.json", resume=False, folds=3)
    log = FoldLog(args)
    log(0, {"y_pred": [1]})
    _stop.record_stop(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt, match="stopped by SIGTERM"):
        log(1, {"y_pred": [2]})  # computed after the stop: maybe with a fit missing
    with pytest.raises(KeyboardInterrupt):
        log.finish({"figure": 1.0})
    d = json.loads((tmp_path / "f.json").read_text())
    assert d["complete"] is False and list(d["finished"]) == ["0"]
    with pytest.raises(KeyboardInterrupt):
        dump_json(tmp_path / "x.json", {"figure": 1.0})
    assert not (tmp_path / "x.json").exists()
    dump_json(tmp_path / "x.json", {"complete": False})  # an unfinished file may be written
    sink = JsonSink(tmp_path / "s.json", quiet=True)
    with pytest.raises(KeyboardInterrupt):
        sink.stage("late", {"v": 1})
    assert "late" not in sink.results


# ---- a failed inner fit raises; it never lets another candidate win silently -------------


def _mixed_leads(n=24, seed=0):
    rng = np.random.default_rng(seed)
    s = rng.standard_normal((n, 3, 400)).cumsum(-1) * 0.05
    mix = rng.standard_normal((12, 3))
    x = np.einsum("lk,nkt->nlt", mix, s) + 0.01 * rng.standard_normal((n, 12, 400))
    return x, np.repeat(np.arange(n // 3), 3)


def test_select_reconstructor_raises_a_failed_inner_fit(monkeypatch):
    from geoecg.leads import LeadReconstructor
    from geoecg.leads.protocol import select_reconstructor

    X, g = _mixed_leads()
    grid = [{"n_taps": [0, 2]}]
    _, clean = select_reconstructor("I,II,V3", "population", X, g, fs=100.0, grid=grid)
    fit, failed = LeadReconstructor.fit, []

    def fit_once_failing(self, X, y=None):
        if self.n_taps == clean["n_taps"] and not failed:
            failed.append(self.n_taps)
            raise SystemError(C_EXTENSION)
        return fit(self, X, y)

    monkeypatch.setattr(LeadReconstructor, "fit", fit_once_failing)
    with pytest.raises(SystemError, match="exception set"):  # before: the other n_taps chosen
        select_reconstructor("I,II,V3", "population", X, g, fs=100.0, grid=grid)
    assert failed == [clean["n_taps"]]


@pytest.mark.parametrize("which", ["inner", "outer"])
def test_nested_evaluate_raises_a_failed_fit(monkeypatch, which):
    from geoecg.evaluation.nested import nested_evaluate

    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 3))
    y, g = (X[:, 0] > 0).astype(int), np.repeat(np.arange(12), 5)
    spec = {"lr": (LogisticRegression(), {"C": [0.001, 1.0]})}
    clean = nested_evaluate(spec, X, y, g, outer_cv=3, inner_cv=3)["lr"].choices
    assert all(c == {"C": 1.0} for c in clean)
    fit, failed = LogisticRegression.fit, []

    def fit_failing(self, X, y, sample_weight=None):
        # inner: the first fit of the winning C; outer: the refit on a whole training fold
        inner = which == "inner" and self.C == 1.0 and not failed
        if inner or (which == "outer" and len(y) == 40):
            failed.append(len(y))
            raise SystemError(C_EXTENSION)
        return fit(self, X, y, sample_weight)

    monkeypatch.setattr(LogisticRegression, "fit", fit_failing)
    with pytest.raises(SystemError, match="exception set"):  # before: C=0.001 in fold 0
        nested_evaluate(spec, X, y, g, outer_cv=3, inner_cv=3)
    assert failed
