"""Every script in ``simulations/`` answers ``--help`` and names what each argument is.

A researcher's first call to an unknown script is ``python simulations/NAME.py --help``. In
session 18 three scripts read ``sys.argv`` by position: ``--help`` gave ``ValueError: invalid
literal for int()`` (af_prior_shift_seed.py, af_prior_shift_s4.py) or nothing at all
(beats_fs_check.py), and 31 options of the others had no help text. Checked here:

- the source: an ``argparse`` parser, work under ``if __name__ == "__main__":`` (importing
  the file makes no bare call such as ``main()``), no ``sys.argv[i]`` read by hand, a ``help=`` on
  every argument;
- the run: ``--help`` exits 0 and prints a usage line and the script's description (run in
  this process with ``runpy``: the scripts share the imports, so all of them take a few
  seconds; a script whose optional extra is not installed is skipped).
"""

from __future__ import annotations

import ast
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

SIMULATIONS = Path(__file__).resolve().parents[1] / "simulations"
SCRIPTS = sorted(SIMULATIONS.glob("*.py"))


def _source_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    problems = []
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    if not any(ast.unparse(c.func).endswith("ArgumentParser") for c in calls):
        problems.append("no argparse.ArgumentParser")
    guards = [
        n
        for n in tree.body
        if isinstance(n, ast.If)
        and "__name__" in ast.unparse(n.test)
        and "__main__" in ast.unparse(n.test)
    ]
    if not guards:
        problems.append('no `if __name__ == "__main__":` block')
    for node in tree.body:  # work done on import (definitions and constants aside)
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if isinstance(node, ast.Expr) and not docstring:  # a bare call: print(), main()
            problems.append(f"line {node.lineno}: runs on import")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "sys.argv"
            and not isinstance(node.slice, ast.Slice)  # main(sys.argv[1:]) is fine
        ):
            problems.append(f"line {node.lineno}: sys.argv read by position")
    for c in calls:
        if isinstance(c.func, ast.Attribute) and c.func.attr == "add_argument":
            if not any(k.arg == "help" for k in c.keywords):
                problems.append(f"line {c.lineno}: {ast.unparse(c.args[0])} has no help")
    return problems


def test_there_are_scripts():
    assert len(SCRIPTS) >= 10, SCRIPTS


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_source_has_a_parser_with_help(path):
    problems = _source_problems(path)
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _help_in_subprocess(path):
    """``--help`` of a script that edits ``os.environ`` at import, in a fresh interpreter."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    cmd = [sys.executable, str(path), "--help"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    for mod in ("torch", "neurokit2", "xgboost"):
        if proc.returncode and f"No module named '{mod}" in proc.stderr:
            pytest.skip(f"{path.name} needs {mod}, not installed")
    return proc.returncode, proc.stdout + (proc.stderr if proc.returncode else "")


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_answers_help(path, monkeypatch, capsys):
    if "os.environ[" in path.read_text():
        # leads_speed.py pins its thread counts in os.environ before numpy/numba load: run
        # in this process, numba's config would read them and could launch its threads
        # with another count than the rest of the suite's (numba then refuses to reload).
        code, out = _help_in_subprocess(path)
    else:
        monkeypatch.setattr(sys, "argv", [str(path), "--help"])
        monkeypatch.setenv("MPLBACKEND", "Agg")
        with pytest.raises(SystemExit) as info:
            try:
                runpy.run_path(str(path), run_name="__main__")
            except ModuleNotFoundError as exc:
                if (exc.name or "").split(".")[0] in ("torch", "neurokit2", "xgboost"):
                    pytest.skip(f"{path.name} needs {exc.name}, not installed")
                raise
        code, out = info.value.code, capsys.readouterr().out
    assert code in (0, None), out
    assert out.startswith("usage:"), out[:300]
    first = ast.get_docstring(ast.parse(path.read_text())).splitlines()[0].replace("``", "")
    assert first.split()[0] in out, (first, out[:500])


def test_checker_catches_a_script_without_help(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""Doc."""\nimport sys\nimport argparse\nseed = int(sys.argv[1])\n'
        "ap = argparse.ArgumentParser()\nap.add_argument('--n')\n"
    )
    problems = _source_problems(bad)
    assert 'no `if __name__ == "__main__":` block' in problems
    assert "line 4: sys.argv read by position" in problems
    assert "line 6: '--n' has no help" in problems
    bad.write_text('"""Doc."""\nimport sys\nprint(sys.argv[1:])\n')
    assert _source_problems(bad) == [
        "no argparse.ArgumentParser",
        'no `if __name__ == "__main__":` block',
        "line 3: runs on import",
    ]
