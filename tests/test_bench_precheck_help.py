"""Review of the bench precheck (6b3ec75, session 27 helper 8): an abbreviation of ``--help``
(``--he``, ``--hel``: argparse takes them, printing the help with exit status 0) or a short
``-h`` cluster makes the precheck step aside, as ``-h`` and ``--help`` do; on 6b3ec75 the
precheck refused the folder first (exit status 2, no help)."""

from __future__ import annotations

import pytest

from geoecg import cli
from geoecg.commands.bench_precheck import PRECHECKS, precheck


@pytest.mark.parametrize("word", ["--h", "--he", "--hel", "--help", "-h", "--help=x", "-hx"])
@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_help_words_skip_the_precheck(name, word, tmp_path):
    extra = ["--nk-sample", "0"] if name == "extract" else []  # no neurokit2 needed
    argv = ["bench", name, "--data", str(tmp_path / "missing"), *extra]
    assert precheck(name, [*argv, word]) is None
    assert precheck(name, argv) is not None  # without the help word: refused, as the runner does


def test_help_abbreviation_prints_the_help(tmp_path, capsys):
    """``geoecg bench hrv --data MISSING --hel``: the help and exit status 0, as before 6b3ec75."""
    with pytest.raises(SystemExit) as exc:
        cli.main(["bench", "hrv", "--data", str(tmp_path / "missing"), "--hel"])
    assert exc.value.code == 0
    out = capsys.readouterr()
    assert "--data" in out.out and "error" not in out.err
