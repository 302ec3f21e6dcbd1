"""The geoecg command line: --help everywhere, info, demo."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from geoecg.cli import build_parser, main
from geoecg.datasets import sample_mitdb_dir, sample_record_path


def _subcommands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _subcommands(sub, (*prefix, name))


ALL = list(_subcommands(build_parser()))


def test_core_subcommands_exist():
    names = {c[0] for c in ALL}
    assert {"info", "demo"} <= names


@pytest.mark.parametrize("cmd", ALL, ids=[" ".join(c) for c in ALL])
def test_help_of_every_subcommand(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*cmd, "--help"])
    assert exc.value.code == 0
    assert "usage: geoecg" in capsys.readouterr().out


def test_info_on_one_record(capsys, tmp_path):
    out_json = tmp_path / "info.json"
    assert main(["info", str(sample_record_path("mitdb_119")), "--json", str(out_json)]) == 0
    text = capsys.readouterr().out
    assert "mitdb_119" in text and "108000" in text
    rows = json.loads(out_json.read_text())
    assert rows[0]["fs_hz"] == 360.0 and rows[0]["n_leads"] == 2
    assert rows[0]["V"] == 80 and rows[0]["n_beats"] == 326


def test_info_folder_counts(capsys):
    assert main(["info", str(sample_mitdb_dir())]) == 0
    out = capsys.readouterr().out
    assert "3 record(s)" in out
    assert "AAMI class counts (EC57; e/j in N): N 884, S 18, V 96, F 0, Q 0" in out


def test_info_with_an_annotator_no_record_has_says_so(capsys):
    # was: the table without counts and no word on why
    assert main(["info", str(sample_mitdb_dir()), "--annotator", "bogus"]) == 0
    out = capsys.readouterr().out
    assert "no record has a .bogus annotation file" in out
    assert "extensions found beside the headers: atr (--annotator EXT)" in out
    assert "AAMI class counts" not in out
    assert main(["info", str(sample_mitdb_dir())]) == 0  # the default: counted, no such line
    assert "no record has a" not in capsys.readouterr().out


def test_info_missing_path_is_a_clean_error(capsys, tmp_path):
    assert main(["info", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "not found" in err and "nothing.hea" in err


def test_demo_runs_on_embedded_data(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "figures and tables written to" in out
    assert (tmp_path / "record_mitdb_201.png").stat().st_size > 10_000


def test_info_on_a_folder_of_unreadable_records_is_one_clean_error(capsys, tmp_path):
    # every header empty: one line naming the folder and the first record's reason (was a
    # printed "Empty DataFrame" and then "error: 'fs_hz'", a KeyError's bare message)
    (tmp_path / "r1.hea").write_text("")
    (tmp_path / "r2.hea").write_text("")
    assert main(["info", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert "Empty DataFrame" not in out and "fs_hz" not in err
    assert err.count("\n") == 1
    assert "none of the 2 record(s)" in err and "r1" in err and "header is empty" in err


def test_a_bench_error_names_the_bench(capsys, tmp_path, monkeypatch):
    # the one error line names the benchmark that failed ("geoecg bench hrv: error: ..."),
    # not only "geoecg bench"
    monkeypatch.delenv("GEOECG_DATA", raising=False)
    assert main(["bench", "hrv", "--data", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geoecg bench hrv: error: ") and err.count("\n") == 1
    assert "nothing" in err


def test_extract_at_a_rate_too_low_for_the_band_names_the_rate(capsys, tmp_path):
    # a header with a wrong rate (1 Hz): the covariance error row says which rate the
    # 0.5-40 Hz band needs (was scipy's "Wn[0] must be less than Wn[1]")
    import pandas as pd
    import wfdb

    rng = np.random.default_rng(0)
    wfdb.wrsamp("r1", fs=1, units=["mV"], sig_name=["II"], p_signal=rng.normal(size=(20, 1)),
                fmt=["16"], write_dir=str(tmp_path))  # fmt: skip
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path), "--out", str(out), "--features", "covariance"]) == 0
    assert "(1 error rows)" in capsys.readouterr().out
    err = pd.concat(pd.read_parquet(p) for p in out.rglob("*.parquet"))["error"].iloc[0]
    assert "Wn[0]" not in err
    assert "band needs a sampling rate above 1.11 Hz" in err and "got 1 Hz" in err


@pytest.mark.parametrize("opts", [["--fs", "0"], ["--fs", "-100"], ["--fs", "nan"],
                                  ["--seconds", "0"], ["--fs", "1", "--seconds", "1"]])  # fmt: skip
def test_bench_riemann_bad_rate_is_one_line_naming_the_options(opts, capsys):
    # was pyRiemann's "Matrices must be positive definite" (--fs 0) or numpy's "negative
    # dimensions are not allowed" (--fs -100)
    assert main(["bench", "riemann", "--n", "2", "--chunk", "2", *opts]) == 2
    err = capsys.readouterr().err
    assert err.startswith("geoecg bench riemann: error: --fs (Hz) and --seconds (s) must be")
    assert err.count("\n") == 1 and "at least 2 samples per record" in err


def test_extract_and_plot_on_a_missing_folder_say_what_they_expect(capsys, tmp_path):
    # was "X is not a folder of ECG records" / "no sweep results under X/results": what was
    # wrong, but not what is expected
    assert main(["extract", str(tmp_path / "nothing"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing does not exist; expected a database folder" in err
    (tmp_path / "f.txt").write_text("x")
    assert main(["extract", str(tmp_path / "f.txt"), "--out", str(tmp_path / "o")]) == 2
    assert "f.txt is a file, not a folder" in capsys.readouterr().err
    assert main(["plot", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "expected the --out folder of a geoecg sweep run" in err


def test_a_sweep_config_that_is_not_toml_is_named(capsys, tmp_path):
    # was tomllib's "Expected ']' at the end of a table declaration (at line 1, column 6)",
    # naming no file
    from geoecg.sweep.label_shift import load_label_shift_config

    bad = tmp_path / "bad.toml"
    bad.write_text("[grid\nshift = [")
    assert main(["sweep", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"sweep config {bad} is not valid TOML: Expected" in err
    with pytest.raises(ValueError, match="label-shift config .*bad.toml is not valid TOML"):
        load_label_shift_config(bad)


@pytest.mark.parametrize("folds", ["0", "1"])
def test_compare_with_fewer_than_two_folds_names_the_option_before_loading(folds, capsys):
    # was one line of the loaded task, then "cv must be a number of folds >= 2 ..."
    data = str(sample_mitdb_dir())
    assert main(["compare", "--task", "mitdb-beats", "--data", data, "--folds", folds]) == 2
    out, err = capsys.readouterr()
    assert (
        out == ""
        and err
        == f"geoecg compare: error: --folds must be >= 2 (patient-wise CV folds), got {folds}\n"
    )
