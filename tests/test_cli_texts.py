"""What a new user reads: --help texts, option help, error messages and printed notes.

Session-17 audit findings 4-7, 9, 13-20, 22 (a new user's first hour with geoecg).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geoecg.cli import _plain, _summary, build_parser, main
from geoecg.datasets import sample_data_dir, sample_mitdb_dir

#: Sphinx / reST markup that must not reach a terminal
MARKUP = (":func:", ":mod:", ":data:", ":class:", ":meth:", ":attr:", "``", "{doc}", "{func}")
#: (double backticks become single ones: plain-text help marks code `like this`)


def _parsers(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield (*prefix, name), sub, helps.get(name)
                yield from _parsers(sub, (*prefix, name))


PARSERS = list(_parsers(build_parser()))
IDS = [" ".join(c) for c, _, _ in PARSERS]


@pytest.mark.parametrize(("cmd", "sub", "line"), PARSERS, ids=IDS)
def test_help_has_no_markup_and_whole_summary(cmd, sub, line):
    text = sub.format_help()
    assert not [m for m in MARKUP if m in text], text
    assert "DEMO_STEPS" not in text  # finding 4: a developer docstring
    assert line and line[0].isupper() and line.endswith("."), line  # not cut mid-sentence
    assert not line.startswith("geoecg"), line  # not repeating the command's own name


def test_every_option_has_help():
    missing = {
        (" ".join(cmd), a.option_strings[0] if a.option_strings else a.dest)
        for cmd, sub, _ in PARSERS
        for a in sub._actions
        if not isinstance(a, argparse._SubParsersAction) and not a.help
    }
    # every option of every subcommand (bench beats' and bench delineate's last four since
    # session 17)
    assert not missing, sorted(missing)


def test_resume_help_is_not_about_folds_only():
    sub = dict((" ".join(c), s) for c, s, _ in PARSERS)["bench hrv"]
    (resume,) = [a for a in sub._actions if "--resume" in a.option_strings]
    assert "folds/seeds" not in resume.help and "--json" in resume.help


def test_plain_and_summary():
    doc = "``geoecg bench x``: one :func:`~geoecg.a.f` and\n:mod:`geoecg.b` run.\n\nMore::\n"
    assert _plain(doc) == "`geoecg bench x`: one f and\ngeoecg.b run.\n\nMore:\n"
    assert _summary(doc) == "one f and geoecg.b run."


def test_extract_names_match_the_cohort_package():
    from geoecg import cohort
    from geoecg.commands import extract

    assert extract.DEFAULT_FEATURES == tuple(cohort.DEFAULT_FEATURES)
    assert extract.FEATURE_SETS == tuple(cohort.FEATURE_SETS)
    assert extract.SOURCE_KINDS == tuple(sorted(cohort.SOURCE_KINDS))


@pytest.mark.parametrize("cmd", [["compare", "--help"], ["extract", "--help"]])
def test_help_imports_no_numerical_stack(cmd):
    code = (
        "import sys; from geoecg.cli import build_parser; "
        f"build_parser({cmd!r}); print('pandas' in sys.modules or 'scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_compare_tasks_are_one_tuple():
    from geoecg.commands import compare, compare_tasks

    assert compare_tasks.TASKS is compare.TASKS


@pytest.mark.parametrize("cmd", [["bench", "qrs"], ["compare", "--task", "mitdb-beats"]])
def test_data_falls_back_to_geoecg_data(cmd, monkeypatch, capsys):
    monkeypatch.delenv("GEOECG_DATA", raising=False)
    build_parser(cmd).parse_args(cmd)  # --data is no longer required
    assert main(cmd) == 2
    assert "GEOECG_DATA is not set" in capsys.readouterr().err


def test_compare_finds_the_task_database_under_geoecg_data(monkeypatch):
    from geoecg.commands.compare import _task_data

    monkeypatch.setenv("GEOECG_DATA", str(sample_data_dir()))
    assert _task_data("mitdb-beats", None) == sample_mitdb_dir()
    assert _task_data("cinc2017-af", None).name == "cinc2017"
    assert _task_data("cinc2017-af", "/given") == "/given"


def test_compare_table_labels_percent_metrics():
    from geoecg.commands.compare_tasks import summary_table

    row = {"method": "m", "value": 74.3, "ci_low": 65.9, "ci_high": 78.9, "fit_s": 1.0}
    df = pd.DataFrame(
        [{**row, "metric": "f1_macro", "predict_s": 0.1}, {**row, "metric": "auroc", "value": 0.9}]
    ).fillna(0.0)
    lines = summary_table(df).splitlines()
    assert "f1_macro (%)" in lines[2] and "auroc (%)" not in lines[3] and "auroc" in lines[3]


def test_af_summary_has_no_sd_of_one_seed():
    from geoecg.evaluation.tables import _seed_summary_lines

    summary = {"EM": {"f1_A_mean": 67.9, "f1_A_sd": 0.0}}
    one = _seed_summary_lines(summary, 1)
    assert "f1_A_sd" not in one[0] and "f1_A_mean 67.900" in one[0] and "one seed" in one[1]
    three = _seed_summary_lines(summary, 3)
    assert len(three) == 1 and "f1_A_sd 0.000" in three[0]
    assert _seed_summary_lines({}, 1) == []


def test_riemann_small_run_is_flagged():
    from geoecg.riemann._throughput import small_run_note

    assert "smaller than the documented" in small_run_note(2000, 200)
    assert "smaller than the documented" in small_run_note(100_000, 200)
    assert small_run_note(3000, 3000) == "" and small_run_note(100_000, None) == ""


def test_read_record_errors_say_what_the_path_is(tmp_path):
    from geoecg.io import read_record

    with pytest.raises(FileNotFoundError, match=r"is a folder, not a record.*mitdb_101"):
        read_record(sample_mitdb_dir())
    with pytest.raises(FileNotFoundError, match=r"closest records in .*\['mitdb_119'"):
        read_record(sample_mitdb_dir() / "mitdb_1199")
    with pytest.raises(FileNotFoundError, match=r"no file or folder 'mitbd' in"):
        read_record(tmp_path / "mitbd")
    (tmp_path / "x.edf").write_bytes(b"0       ")
    with pytest.raises(FileNotFoundError, match=r"is an EDF file.*read_edf"):
        read_record(tmp_path / "x.edf")
    with pytest.raises(FileNotFoundError, match=r"not found.*nothing\.hea"):
        read_record(tmp_path / "nothing")


def test_ludb_record_names_its_leads():
    from geoecg.io.ludb import LUDB_LEADS, LUDBRecord

    rec = LUDBRecord("1", np.zeros((12, 10)), 500.0, pd.DataFrame(), {})
    assert rec.lead_names == LUDB_LEADS and len(rec.lead_names) == rec.signal.shape[0]


def test_rpeak_legend_sits_above_the_trace():
    import matplotlib

    matplotlib.use("Agg")
    from geoecg.viz import plot_rpeaks

    x = np.sin(np.linspace(0, 60, 3600))
    fig = plot_rpeaks(x, 360.0, np.arange(100, 3600, 300), np.arange(100, 3600, 300))
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent()
    assert legend.y0 >= ax.get_window_extent().y1 - 1.0


def test_tachogram_legend_sits_above_the_trace():
    """Inside the axes (upper right) the 'corrected' legend covered the series (gallery 02)."""
    import matplotlib

    matplotlib.use("Agg")
    from geoecg.viz import plot_tachogram

    rr = 800.0 + 50.0 * np.sin(np.arange(300) / 5.0)
    fig = plot_tachogram(rr, changed=np.arange(300) % 50 == 0)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_legend().get_window_extent().y0 >= ax.get_window_extent().y1 - 1.0


def test_shift_xlabel_is_wrapped():
    import matplotlib

    matplotlib.use("Agg")
    from geoecg.viz import plot_shift_sweep

    s = pd.DataFrame(
        {"method": "x_only", "metric": "auroc_gap", "shift": [0.0, 1.0], "mean": [0.0, -0.1],
         "ci_low": [-0.1, -0.2], "ci_high": [0.1, 0.0], "n": 100, "n_seeds": 2}
    )  # fmt: skip
    fig = plot_shift_sweep(s, ["auroc_gap"], xlabel="shift s: " + "a long description " * 6)
    assert "\n" in fig.axes[0].get_xlabel()
    # the packaged age sweep's label (58 characters) on two even lines, not "... unit of" / "s"
    label = "shift s: test population age mean +10 years per unit of s"
    lines = plot_shift_sweep(s, ["auroc_gap"], xlabel=label).axes[0].get_xlabel().split("\n")
    assert len(lines) == 2 and min(map(len, lines)) >= 20, lines


def test_plot_says_a_sweep_is_partial(tmp_path, capsys):
    p = tmp_path / "c.toml"
    p.write_text(
        '[sweep]\nname = "cli"\nseed = 1\n[grid]\nshift = [0.0, 1.0]\nmethod = ["x_only", '
        '"x_plus_w"]\nseed = 2\nn = [150]\n[[train_env]]\nage_mean = 55.0\n[[train_env]]\n'
        "age_mean = 65.0\n[test_env]\n[shift]\nage_mean = 10.0\n[evaluation]\nn_test = 400\n"
        "n_reference = 400\n"
    )
    out = tmp_path / "run"
    args = ["sweep", str(p), "--out", str(out), "-j", "1", "--no-progress", "--limit", "1"]
    assert main(args) == 0
    assert main(["plot", str(out), "--png", str(tmp_path / "a.png")]) == 0
    assert "partial sweep: 2 of 8 cells stored" in capsys.readouterr().out
