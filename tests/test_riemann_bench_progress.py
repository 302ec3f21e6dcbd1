"""``geoecg bench riemann`` shows a progress bar of its records (session 24).

Before, the documented 100,000-record run showed nothing for minutes, also with
``--progress`` (the only bench without a bar on its long loop)."""

from __future__ import annotations

import pytest

from geoecg.cli import main

pytest.importorskip("pyriemann")


@pytest.mark.parametrize("flag, bar", [("--progress", True), ("--no-progress", False)])
def test_bench_riemann_bar_follows_the_flag(capsys, flag, bar):
    rc = main(["bench", "riemann", "--n", "20", "--chunk", "10", "--fs", "100", "--seconds", "2",
               flag])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 0
    assert ("bench riemann: 100%" in err and "20/20" in err) is bar, err[-500:]
