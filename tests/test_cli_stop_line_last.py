"""The one-line stop / error message of a ``geoecg`` command is the last line on stderr
(session 24). Before, a loop's progress bar left open by Ctrl-C was drawn again after the
message (``bench reconstruct``: ``reconstruction: 25%|...`` under ``interrupted (Ctrl-C);
partial results in ...``), when the bar was garbage-collected."""

from __future__ import annotations

import pytest

import geoecg.bench.riemann as bench_riemann
from geoecg._progress import close_open_bars, progress_bar
from geoecg.cli import main


@pytest.mark.parametrize(
    "exc, words", [(KeyboardInterrupt(), "interrupted (Ctrl-C)"), (ValueError("bad"), "error: bad")]
)
def test_stop_line_is_the_last_line(monkeypatch, capsys, exc, words):
    def run(args):  # a bar advanced by hand stays open in the traceback's frame
        bar = progress_bar(total=10, progress=True, desc="records")
        for i in range(10):
            bar.update(1)
            if i == 3:
                raise exc

    monkeypatch.setattr(bench_riemann, "run", run)
    main(["bench", "riemann"])
    err = capsys.readouterr().err
    lines = [ln for ln in err.replace("\r", "\n").splitlines() if ln.strip()]
    assert "records" in err  # the bar was drawn
    assert lines[-1].startswith("geoecg bench riemann: ") and words in lines[-1], lines[-3:]


def test_close_open_bars_closes_an_open_bar(capsys):
    bar = progress_bar(total=5, progress=True, desc="open")
    bar.update(2)
    assert not bar.disable
    close_open_bars()
    assert bar.disable  # tqdm's close() disables the bar
    close_open_bars()  # nothing left open: no error
