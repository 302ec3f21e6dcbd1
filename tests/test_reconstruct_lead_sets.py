"""``geoecg bench reconstruct``: a bad lead name in ``--sources`` or ``--downstream`` is named
before PTB-XL is read (session 24).

Before, ``--downstream I,V9`` was read only in the downstream stage: the run loaded PTB-XL
and fitted every reconstruction (minutes on the shared 500 records) before it stopped.
"""

from __future__ import annotations

import re

import pytest

from geoecg.cli import main
from geoecg.leads.protocol import reconstruction_benchmark


class _Sink:
    results: dict = {}

    def stage(self, name, fn):  # pragma: no cover - never reached
        raise AssertionError("a stage ran before the lead sets were checked")


@pytest.mark.parametrize(
    "sources, subsets, named",
    [(["I,II,V3"], ["I,V9"], "subsets[0] 'I,V9'"),
     (["I,II", "II,V9"], [], "sources[1] 'II,V9'"),
     (["I"], ["I,II,V3", "ECG"], "subsets[1] 'ECG'")],
)  # fmt: skip
def test_bad_lead_set_is_named_before_reading(tmp_path, sources, subsets, named):
    missing = tmp_path / "no-ptbxl-here"  # never opened: the check comes first
    with pytest.raises(ValueError, match="^" + re.escape(named) + ": unknown lead name"):
        reconstruction_benchmark(missing, sources, ["population"], subsets, sink=_Sink(), fs=100.0)


def test_bad_downstream_on_the_command_line_is_one_line(tmp_path, capsys):
    (tmp_path / "ptbxl_database.csv").write_text("")  # looks like PTB-XL to --data
    rc = main(["bench", "reconstruct", "--data", str(tmp_path), "--downstream", "I,V9"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("geoecg bench reconstruct: error: subsets[0] 'I,V9': unknown lead")
    assert "Traceback" not in err
