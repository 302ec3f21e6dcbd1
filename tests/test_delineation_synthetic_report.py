"""``geoecg bench delineate --synthetic --t-polarities``: the T-shape axis of the ECGSYN check
reaches ``ecgsyn_truth`` and the report names each strip's T shape (LUDB stubbed, the ECGSYN
grid replaced by two hand-made rows: no data, no generator run)."""

from __future__ import annotations

import json

import pytest

from geoecg.bench import delineate as bench
from geoecg.cli import main
from geoecg.evaluation._delineation_synthetic import synthetic_lines
from geoecg.features import delineation_protocols as proto

FIDS = ("P_on", "P_off", "QRS_on", "QRS_off", "T_on", "T_peak", "T_off")


def _row(pol, t_peak_ms):
    row = {"hr_bpm": 120, "qrs_width": 1.0, "noise_mv": 0.0, "t_polarity": pol,
           "overlap": False}  # fmt: skip
    for f in FIDS:
        row[f] = {"se": 100.0, "ppv": 100.0, "mean_ms": 1.0, "sd_ms": 0.0}
    row["T_peak"] = {"se": 95.0, "ppv": 100.0, "mean_ms": t_peak_ms, "sd_ms": 2.0}
    return row


def test_upright_grid_keeps_the_original_lines():
    lines = synthetic_lines([_row("upright", -64.0)])
    assert len(lines) == 2 and "T_peak" not in lines[1] and "upright" not in lines[1]
    assert lines[1].startswith("  HR 120 w 1.0 noise 0.00  QRS Se 100.0 P_on ")


def test_other_shapes_are_named_with_their_t_columns():
    lines = synthetic_lines([_row("upright", -2.0), _row("biphasic", -64.0)])
    assert lines[1].startswith("  T upright  HR 120") and lines[2].startswith("  T biphasic HR")
    assert "T Se  95.0" in lines[2] and "T_peak   -64±  2" in lines[2]


class _LUDB:  # a LUDB folder with two records, nothing read
    def __init__(self, data):
        self.data_dir = data

    def records(self):
        return ["1", "2"]

    def missing_annotations(self, names):  # every annotation file there
        return {}


@pytest.fixture
def stubbed(monkeypatch):
    seen = {}

    def truth(**kw):
        seen.update(kw)
        return [_row(p, 0.0) for p in kw["t_polarities"]]

    real = bench.report
    monkeypatch.setattr(bench, "LUDB", _LUDB)
    monkeypatch.setattr(bench, "report", lambda out, s: "-" if s == "ludb" else real(out, s))
    monkeypatch.setattr(proto, "ludb_protocol", lambda db, names, **kw: {"records": names})
    monkeypatch.setattr(proto, "ecgsyn_truth", truth)
    return seen


def test_bench_passes_the_t_polarities(stubbed, tmp_path, capsys):
    out = tmp_path / "d.json"
    args = ["bench", "delineate", "--data", str(tmp_path), "--synthetic", "--json", str(out)]
    assert main([*args, "--t-polarities", "inverted", "biphasic"]) == 0
    assert stubbed["t_polarities"] == ("inverted", "biphasic")
    text = capsys.readouterr().out
    assert "T inverted HR 120" in text and "T biphasic HR 120" in text
    rows = json.loads(out.read_text())["synthetic"]
    assert [r["t_polarity"] for r in rows] == ["inverted", "biphasic"]


def test_bench_default_grid_is_upright(stubbed, tmp_path):
    assert main(["bench", "delineate", "--data", str(tmp_path), "--synthetic"]) == 0
    assert stubbed["t_polarities"] == ("upright",)


def test_bench_rejects_an_unknown_t_shape(stubbed, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["bench", "delineate", "--data", str(tmp_path), "--synthetic",
              "--t-polarities", "flat"])  # fmt: skip
    assert "invalid choice: 'flat'" in capsys.readouterr().err


def test_synthetic_alone_needs_no_ludb(stubbed, monkeypatch, tmp_path, capsys):
    """``--synthetic`` without ``--data`` runs the ECGSYN check only (before: argparse's
    "the following arguments are required: --data")."""

    def no_ludb(data):
        raise AssertionError("LUDB opened without --data")

    monkeypatch.setattr(bench, "LUDB", no_ludb)
    out = tmp_path / "d.json"
    assert main(["bench", "delineate", "--synthetic", "--json", str(out)]) == 0
    assert stubbed["t_polarities"] == ("upright",)
    assert "LUDB:" not in capsys.readouterr().out
    d = json.loads(out.read_text())
    assert (d["complete"], d["stages"]) == (True, ["synthetic"]) and "ludb" not in d


@pytest.mark.parametrize(
    ("extra", "named"),
    [([], "the LUDB protocol runs"), (["--synthetic", "--records", "1"], "--records need(s)")],
)
def test_without_data_the_ludb_stages_ask_for_it(stubbed, capsys, extra, named):
    assert main(["bench", "delineate", *extra]) == 2
    err = capsys.readouterr().err
    assert "--data (a LUDB folder) is required" in err and named in err
