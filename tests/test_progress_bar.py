"""Progress bars of the long protocols (session 12): ``geoecg bench reconstruct`` and
``geoecg bench delineate`` ran for minutes without one. The bars live in the library
(:func:`geoecg._progress.progress_bar`), so the bench runners stay within their line budgets:
on stderr, shown only when stderr is a terminal (``TQDM_DISABLE=1`` hides them there too),
and the figures are the same with and without them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from geoecg import _progress
from geoecg._progress import progress_bar
from geoecg.features.delineation_protocols import ecgsyn_truth, ludb_protocol, noise_robustness

_spec = importlib.util.spec_from_file_location(
    "_delin_proto", Path(__file__).with_name("test_delineation_protocols.py")
)
_dp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_dp)


@pytest.mark.parametrize(
    ("terminal", "env", "progress", "shown"),
    [
        (False, None, None, False),  # piped, a log file, a test run: no bar
        (True, None, None, True),
        (True, "1", None, False),  # TQDM_DISABLE hides it in a terminal too
        (False, None, True, True),  # an explicit choice wins
        (True, None, False, False),
        (True, "1", True, True),
    ],
)
def test_progress_bar_switch(monkeypatch, terminal, env, progress, shown):
    monkeypatch.setattr(_progress, "_stderr_is_terminal", lambda: terminal)
    if env is None:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
    else:
        monkeypatch.setenv("TQDM_DISABLE", env)
    bar = progress_bar(range(3), desc="t", progress=progress)
    assert bar.disable is (not shown)
    assert list(bar) == [0, 1, 2]


def test_closed_stderr_is_no_terminal(monkeypatch):
    class Closed:
        def isatty(self):
            raise ValueError("I/O operation on closed file")

    monkeypatch.setattr("sys.stderr", Closed())
    assert _progress._stderr_is_terminal() is False


def _same(a, b) -> bool:
    """Equal nested results (NaN == NaN), speed figures aside."""
    if isinstance(a, dict):
        keys = set(a) - {"speed"}
        return keys == set(b) - {"speed"} and all(_same(a[k], b[k]) for k in keys)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | np.floating):
        return np.isnan(a) and np.isnan(b) if np.isnan(a) else a == b
    return a == b


def test_delineation_protocols_show_a_bar_and_the_same_figures(capsys):
    db = _dp._FakeLUDB()
    leads = ("ii", "v5")
    kw = {"leads": leads}
    quiet = ludb_protocol(db, ["x", "y"], progress=False, **kw)
    assert capsys.readouterr().err == ""
    shown = ludb_protocol(db, ["x", "y"], progress=True, **kw)
    err = capsys.readouterr().err
    assert "LUDB" in err and "2/2" in err and _same(quiet, shown)
    noise = {"white": np.random.default_rng(1).standard_normal((2, 20000))}
    a = noise_robustness(db, ["x"], noise, [30.0, 6.0], progress=False, **kw)
    b = noise_robustness(db, ["x"], noise, [30.0, 6.0], progress=True, **kw)
    err = capsys.readouterr().err
    assert "noise x SNR" in err and "2/2" in err and _same(a, b)
    grid = {"hrs": (60,), "widths": (1.0,), "noises_mv": (0.0,)}
    a = ecgsyn_truth(progress=True, **grid)
    err = capsys.readouterr().err
    assert "ECGSYN" in err and "1/1" in err and _same(a, ecgsyn_truth(**grid))


def test_reconstruction_report_shows_a_bar_and_the_same_figures(capsys):
    from geoecg.leads.protocol import reconstruction_report
    from geoecg.simulate import synthesize_ecg

    X = np.stack(
        [synthesize_ecg(fs=100, duration_s=6, hr_bpm=60 + 4 * k, random_state=k) for k in range(12)]
    )
    train = np.arange(12) < 9
    groups = np.arange(12)
    kw = {"fs": 100.0, "grids": {"population": [{"n_taps": [0]}]}, "quantile_rows": False}
    args = (X, train, groups, ["I,II,V3", "II"], ["population"])
    quiet = reconstruction_report(*args, progress=False, **kw)
    assert capsys.readouterr().err == ""
    shown = reconstruction_report(*args, progress=True, **kw)
    err = capsys.readouterr().err
    assert "reconstruction" in err and "2/2" in err
    for key in quiet:
        quiet[key].pop("seconds"), shown[key].pop("seconds")
    assert _same(quiet, shown)
