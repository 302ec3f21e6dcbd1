"""geoecg.io._wfdb_headers: wfdb's signal-line parser with its field table read once gives the
same fields as wfdb's own parser (installed in its place by geoecg.io)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wfdb.io import _header

import geoecg.io  # noqa: F401  (installs the parser)
from geoecg.datasets import sample_record_path
from geoecg.io import _wfdb_headers as fast


def _lines(hea: Path) -> list[str]:
    lines = [ln.strip() for ln in hea.read_text(errors="replace").splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("#")]


def _signal_lines(hea: Path) -> list[str]:
    lines = _lines(hea)
    if "/" in lines[0].split()[0]:  # multi-segment: segment lines follow, no signal lines
        return []
    n_sig = int(lines[0].split()[1]) if len(lines[0].split()) > 1 else 0
    return lines[1 : 1 + n_sig]


def _headers(root: Path, per_folder: int) -> list[Path]:
    out = []
    for folder in sorted({p.parent for p in root.rglob("*.hea")}):
        out += sorted(folder.glob("*.hea"))[:per_folder]
    return out


def test_installed_in_wfdbs_place():
    assert _header._parse_signal_lines is fast.parse_signal_lines
    assert _header._parse_record_line is fast.parse_record_line
    assert fast._ORIGINAL is not None and fast._ORIGINAL is not fast.parse_signal_lines
    assert fast._ORIGINAL_RECORD not in (None, fast.parse_record_line)


def test_same_record_fields_as_wfdb():
    lines = [
        _lines(Path(str(sample_record_path("mitdb_119")) + ".hea"))[0],
        "100 2 360 650000",
        "A00001 1 300 9000 05:05:15 1/05/2000",  # base time and date
        "r 12 500.00000001/10(3) 5000 12:00:00.5",  # fs close to whole, counter, base counter
        "r/3 2 128.5 100",  # multi-segment, fractional fs
        "r 1",
    ]
    for line in lines:
        assert fast.parse_record_line(line) == fast._ORIGINAL_RECORD(line), line
    with pytest.raises(_header.HeaderSyntaxError, match="invalid syntax"):
        fast.parse_record_line("")


def test_same_fields_as_wfdb_on_embedded_records_and_edge_lines():
    headers = [Path(str(sample_record_path(n)) + ".hea") for n in ("mitdb_119",)]
    cases = [_signal_lines(h) for h in headers]
    cases += [
        ["100.dat 212 200 11 1024 23.5 3 MLII", "100.dat 212 200 11 1024 -11 0 V5"],
        ["a.dat 16 0(5)/uV 12 7 0 0 0 I"],  # gain 0 -> 200, baseline given, units
        ["a.dat 16 100/mV 12 7"],  # no baseline: ADCzero is the baseline
        ["a.dat 16x2:3+4"],  # samples per frame, skew and byte offset
        ["a.dat 16"],  # read defaults
        [],
    ]
    for lines in cases:
        assert fast.parse_signal_lines(lines) == fast._ORIGINAL(lines), lines
    with pytest.raises(_header.HeaderSyntaxError, match="invalid syntax"):
        fast.parse_signal_lines(["a.dat sixteen"])


@pytest.mark.realdata
def test_same_fields_as_wfdb_on_every_real_database(data_root):
    headers = _headers(data_root, per_folder=12)
    assert len(headers) > 30
    for hea in headers:
        record = _lines(hea)[0]
        assert fast.parse_record_line(record) == fast._ORIGINAL_RECORD(record), hea
        lines = _signal_lines(hea)
        if lines:
            assert fast.parse_signal_lines(lines) == fast._ORIGINAL(lines), hea
