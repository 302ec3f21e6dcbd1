"""``geoecg bench NAME`` with a bad ``--data`` and a usage error: argparse's usage error
comes first (exit status 2, "usage:" and the flag named), as before the precheck of session
27, which printed the folder error first; an unwritable ``--json`` is named before the folder
too (session 28). The precheck's light copy of each runner's flags (``USAGE``) is checked
against the runner's real parser."""

from __future__ import annotations

import argparse

import pytest

from geoecg import cli
from geoecg.commands.bench_precheck import PRECHECKS, USAGE, precheck


def _runner_parser(name: str) -> argparse.ArgumentParser:
    def sub(p):
        return next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))

    return sub(sub(cli.build_parser(["bench", name])).choices["bench"]).choices[name]


def _spec(parser: argparse.ArgumentParser) -> dict[str, str]:
    """``{flag: KIND}`` of a parser, in USAGE's notation."""
    out = {}
    for a in parser._actions:
        if isinstance(a, argparse._HelpAction):
            continue
        if isinstance(a, argparse.BooleanOptionalAction):
            kind = "bool"
        elif isinstance(a, argparse._StoreTrueAction):
            kind = "switch"
        else:
            assert type(a) is argparse._StoreAction and a.nargs in (None, "+"), a
            names = {None: "str", "_count": "n", "int": "int", "float": "float"}
            kind = names[getattr(a.type, "__name__", None)] + ("+" if a.nargs == "+" else "")
            kind += "".join(f"|{c}" for c in a.choices or ())
        assert not a.required, a
        out[" ".join(a.option_strings[:1])] = kind
    return out


@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_usage_copy_matches_the_runner_parser(name):
    light = dict(w.split(":", 1) for w in USAGE[name].split())
    assert light == _spec(_runner_parser(name)), (
        f"geoecg.commands.bench_precheck.USAGE[{name!r}] is out of date: the runner's flags are "
        + " ".join(f"{k}:{v}" for k, v in _spec(_runner_parser(name)).items())
    )


def _mistakes(name: str) -> list[tuple[str, list[str]]]:
    """(what, words) usage errors for a bench: unknown flag, bad number, bad choice."""
    kinds = dict(w.split(":", 1) for w in USAGE[name].split())
    out = [("unknown flag", ["--no-such-flag"]), ("unknown flag", ["--no-such-flag=3"])]
    num = next(f for f, k in kinds.items() if k.split("|")[0] in ("n", "float", "float+"))
    out.append(("bad number", [num, "x"]))
    count = next((f for f, k in kinds.items() if k == "n"), None)
    if count:
        out.append(("negative count", [count, "-2"]))
    choice = next((f for f, k in kinds.items() if "|" in k), None)
    if choice:
        out.append(("bad choice", [choice, "no-such-choice"]))
    return out


_CASES = [(n, what, words) for n in sorted(PRECHECKS) for what, words in _mistakes(n)]


@pytest.mark.parametrize("order", ["before", "after"])
@pytest.mark.parametrize("name, what, words", _CASES)
def test_usage_error_comes_before_the_folder_error(name, what, words, order, tmp_path, capsys):
    data = ["--data", str(tmp_path / "missing")]
    if name == "extract":
        data += ["--nk-sample", "0"]  # no neurokit2 needed: the folder is checked
    assert precheck(name, ["bench", name, *data]) is not None  # the folder alone: refused
    argv = ["bench", name, *(words + data if order == "before" else data + words)]
    assert precheck(name, argv) is None  # left to the full parser
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: geoecg ") and "error: " in err  # argparse's (unknown flags:
    # the top-level parser's "geoecg: error: unrecognized arguments", as argparse does)
    assert words[0].split("=")[0] in err  # the flag is named
    assert str(tmp_path / "missing") not in err  # not the folder


@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_a_flag_without_its_value_is_a_usage_error(name, tmp_path, capsys):
    argv = ["bench", name, "--data", str(tmp_path / "missing"), "--json"]
    assert precheck(name, argv) is None
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    assert "argument --json: expected one argument" in capsys.readouterr().err


@pytest.mark.parametrize("order", ["before", "after"])
@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_unwritable_json_comes_before_the_folder_error(name, order, tmp_path, capsys):
    folder = tmp_path / "a_folder"  # a --json that is a folder cannot be written
    folder.mkdir()
    data = ["--data", str(tmp_path / "missing")]
    if name == "extract":
        data += ["--nk-sample", "0"]
    js = ["--json", str(folder)]
    argv = ["bench", name, *(js + data if order == "before" else data + js)]
    early = precheck(name, argv)
    assert early is not None and early.startswith(f"geoecg bench {name}: error: --json")
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == early


def test_unwritable_json_line_is_mains_own(tmp_path, capsys, data_root):
    """With a good folder the precheck gives the line main() gives without it."""
    folder = tmp_path / "a_folder"
    folder.mkdir()
    argv = ["bench", "hrv", "--data", str(data_root), "--json", str(folder), "--n-series", "1"]
    early = precheck("hrv", argv)
    assert early is not None
    import geoecg.commands.bench_precheck as bp

    saved = dict(bp.PRECHECKS)
    try:
        bp.PRECHECKS.clear()  # the path without the precheck
        assert cli.main(argv) == 2
    finally:
        bp.PRECHECKS.update(saved)
    assert capsys.readouterr().err.strip() == early


@pytest.mark.parametrize("name", sorted(PRECHECKS))
def test_valid_flags_still_reach_the_folder_check(name, tmp_path):
    """Every flag of USAGE, given a valid value, is parsed: the folder is still refused."""
    kinds = dict(w.split(":", 1) for w in USAGE[name].split())
    argv = ["bench", name]
    for flag, kind in kinds.items():
        base, *choices = kind.split("|")
        if flag in ("--data", "--json", "--peers", "--methods", "--test-data", "--train-data"):
            continue  # these change the route or the checks
        if flag in ("--beat-level", "--screen-24h"):
            continue
        if base == "bool":
            argv.append(flag)
        elif base == "switch":
            argv.append(flag)
        else:
            value = (
                choices[0]
                if choices
                else {"n": "0", "int": "1", "float": "1.5"}.get(base.rstrip("+"), "x")
            )
            argv += [flag, value]
    argv += ["--data", str(tmp_path / "missing")]
    assert precheck(name, argv) is not None, argv
