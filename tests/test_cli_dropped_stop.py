"""A Ctrl-C / SIGTERM that Python drops (its handler ran inside a callback from C code, where
the exception can only be printed) still stops a ``geoecg`` command (session 24).

Seen: a Ctrl-C 28 s into ``geoecg bench reconstruct`` while numba compiled the R-peak
kernels was run inside llvmlite's object-cache callback, printed as ``Exception ignored on
calling ctypes callback function`` and lost; the run went on for 73 s. Before
:mod:`geoecg._stop`, every test below fails: the command returns 0 after its loop."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
import time

import pytest

import geoecg.bench.qrs as bench_qrs
from geoecg._stop import redeliver_dropped_stops
from geoecg.cli import EXIT_INTERRUPT, EXIT_SIGTERM, Terminated, main


def _dropped(exc):
    """Raise ``exc`` inside a ctypes callback called from C: Python drops it."""

    def body():
        raise exc

    ctypes.CFUNCTYPE(None)(body)()


def _runs_on_after(seconds=20.0):
    """A bench run that has its stop dropped and then works for ``seconds`` (or is stopped)."""

    def run(args):
        run.dropped_at = time.monotonic()
        _dropped(run.exc)
        while time.monotonic() - run.dropped_at < seconds:
            time.sleep(0.01)
        return 0

    return run


@pytest.mark.parametrize(
    "exc, rc, why",
    [(KeyboardInterrupt(), EXIT_INTERRUPT, "interrupted (Ctrl-C)"),
     (Terminated("stopped by SIGTERM"), EXIT_SIGTERM, "stopped by SIGTERM")],
    ids=["ctrl-c", "sigterm"],
)  # fmt: skip
def test_a_dropped_stop_still_stops_the_command(monkeypatch, capsys, exc, rc, why):
    run = _runs_on_after()
    run.exc = exc
    monkeypatch.setattr(bench_qrs, "run", run)
    assert main(["bench", "qrs"]) == rc
    assert time.monotonic() - run.dropped_at < 5.0  # 0.05 s, not the 20 s of the loop
    err = capsys.readouterr().err
    assert err == f"geoecg bench qrs: {why}; no partial results were written\n"  # no "ignored"


def test_the_hook_is_put_back_and_other_drops_reach_it(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(u.exc_type))
    before = sys.unraisablehook
    with redeliver_dropped_stops():
        assert sys.unraisablehook is not before
        _dropped(ValueError("not a stop"))
    assert sys.unraisablehook is before
    assert seen == [ValueError]


def test_a_stop_dropped_after_the_block_is_not_delivered(monkeypatch):
    monkeypatch.setattr(sys, "unraisablehook", lambda u: None)
    with redeliver_dropped_stops(delay_s=0.2):
        _dropped(KeyboardInterrupt())
    time.sleep(0.5)  # the pending delivery was cancelled when the block ended


def test_delay_must_be_seconds():
    with pytest.raises(ValueError, match="delay_s must be a number of seconds >= 0"):
        with redeliver_dropped_stops(delay_s=float("nan")):
            pass


SCRIPT = """
import ctypes, os, signal, sys, time
import geoecg.bench.qrs as bench_qrs
from geoecg.cli import main


def in_callback():  # the SIGINT handler runs here, inside a callback from C, as in numba
    os.kill(os.getpid(), signal.SIGINT)
    t = time.monotonic()
    while time.monotonic() - t < 0.5:
        pass


def run(args):
    ctypes.CFUNCTYPE(None)(in_callback)()
    print("went on", flush=True)
    time.sleep(60)
    return 0


bench_qrs.run = run
sys.exit(main(["bench", "qrs"]))
"""


def test_a_real_sigint_run_inside_a_c_callback_stops_the_process(tmp_path):
    script = tmp_path / "s.py"
    script.write_text(textwrap.dedent(SCRIPT))
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    t0 = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == EXIT_INTERRUPT, proc.stderr
    assert time.monotonic() - t0 < 50  # not after the 60-s sleep
    assert "Exception ignored" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "geoecg bench qrs: interrupted (Ctrl-C); no partial results were written"
    )
