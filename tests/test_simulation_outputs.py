"""The ``simulations/`` scripts check their output path when the command line is read and
write their JSON atomically into a folder they create (session 24).

Before, each script wrote its JSON at the end with ``open(path, "w")``: a ``--json`` that
was a folder, under a file, or in a missing folder ended the run, after its whole work, in
an ``IsADirectoryError`` / ``NotADirectoryError`` / ``FileNotFoundError`` traceback.
Checked here: the source (an
argument whose value is a JSON file to write takes ``type=output_file``; no JSON written
with ``open(..., "w")``), and a run of ``robustness_vs_neurokit2.py --json FOLDER``.
"""

from __future__ import annotations

import ast
import runpy
import sys
from pathlib import Path

import pytest

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"
SCRIPTS = sorted(SIMULATIONS.glob("*.py"))
#: arguments naming one JSON file the script writes
OUTPUT_ARGS = {"--json", "out"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    out = []
    for c in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = ast.unparse(c.func)
        first = c.args[0] if c.args else None
        if name.endswith("add_argument") and isinstance(first, ast.Constant):
            typ = next((ast.unparse(k.value) for k in c.keywords if k.arg == "type"), None)
            helps = " ".join(ast.unparse(k.value) for k in c.keywords if k.arg == "help")
            if first.value in OUTPUT_ARGS and "JSON" in helps.upper() + first.value.upper():
                if typ != "output_file":
                    out.append(f"line {c.lineno}: {first.value} without type=output_file")
        if name == "open" and any(
            isinstance(a, ast.Constant) and a.value in ("w", "wt") for a in c.args[1:]
        ):
            out.append(f"line {c.lineno}: open(..., 'w') (use dump_json: atomic, folder made)")
        if name.endswith("write_text") and "json" in ast.unparse(c).lower():
            out.append(f"line {c.lineno}: JSON written with write_text (use dump_json)")
    return out


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_script_checks_and_writes_its_json_safely(path):
    assert not _problems(path), f"{path.name}: {_problems(path)}"


def test_checker_catches_the_old_writes(tmp_path):
    old = tmp_path / "old.py"
    old.write_text(
        "import argparse, json\n"
        "ap = argparse.ArgumentParser()\n"
        "ap.add_argument('--json', default=None, help='write the results here')\n"
        "json.dump({}, open('x.json', 'w'))\n"
    )
    assert len(_problems(old)) == 2


def test_a_folder_as_json_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    pytest.importorskip("neurokit2")
    script = SIMULATIONS / "robustness_vs_neurokit2.py"
    monkeypatch.setattr(sys, "argv", [script.name, "--json", str(tmp_path)])
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(script), run_name="__main__")
    err = capsys.readouterr()
    assert stop.value.code == 2
    assert f"argument --json: '{tmp_path}' is a folder" in err.err
    assert err.out == ""  # no row was computed
