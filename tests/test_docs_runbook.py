"""The held-out runbook's commands still parse with the current command line.

``docs/benchmarks/heldout_runbook.md`` gives the exact ``geoecg bench`` command of every
held-out measurement; people outside the project run them as written. A renamed or removed
flag would make a command fail there, so every command of the page is parsed here with the
parser of ``geoecg`` (nothing is run).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "benchmarks" / "heldout_runbook.md"


def _commands() -> list[str]:
    text = PAGE.read_text()
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        joined = re.sub(r"\\\n\s*", " ", block)  # continuation lines
        for line in joined.splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith("geoecg bench"):
                out.append(line.replace("$(seq 2 2 200)", " ".join(map(str, range(2, 201, 2)))))
    return out


def test_the_runbook_has_a_command_per_task():
    benches = [shlex.split(c)[2] for c in _commands()]
    assert benches.count("beats") == 2 and benches.count("delineate") == 2
    assert {"qrs", "af", "reconstruct"} <= set(benches)


@pytest.mark.parametrize("command", _commands())
def test_runbook_command_parses(command):
    from geoecg.cli import build_parser

    argv = shlex.split(command)[1:]
    args = build_parser().parse_args(argv)  # SystemExit on an unknown or renamed flag
    assert args.json, f"the runbook command writes no --json: {command}"


def test_af_command_is_the_held_out_route_of_the_prior_shift_pipeline():
    """Task 4 fits ``AFPriorShiftModel`` (the pipeline of the prior-shift development
    figures); that route refuses ``--preset``, so the command must not give one."""
    from geoecg.cli import build_parser

    af = [c for c in _commands() if shlex.split(c)[2] == "af"]
    assert len(af) == 1
    args = build_parser().parse_args(shlex.split(af[0])[1:])
    assert args.train_data and args.test_data and args.preset is None
    assert "AFPriorShiftModel" in PAGE.read_text()


def test_held_out_record_lists_are_the_halves_the_project_does_not_hold(svdb_dir):
    """Task 3 names the SVDB records by hand and task 1 the MIT-BIH DS2 records: a typo
    would score a record the project tuned on (or drop one). The SVDB list must be the 78
    SVDB names (800-812, 820-829, 840-894) less the shared ones, in order; the task-1 list
    the 22 DS2 records of de Chazal et al. 2004, none of them shared."""
    cmds = {shlex.split(c)[2]: c for c in _commands() if "--test-data" in c or " qrs " in c}
    svdb = shlex.split(cmds["beats"])
    listed = svdb[svdb.index("--records") + 1].split(",")
    every = [str(n) for n in [*range(800, 813), *range(820, 830), *range(840, 895)]]
    shared = (svdb_dir / "RECORDS").read_text().split()
    assert len(every) == 78 and len(shared) == 39
    assert listed == [n for n in every if n not in shared]
    qrs = shlex.split(cmds["qrs"])
    ds2 = qrs[qrs.index("--records") + 1 : qrs.index("--json")]
    from geoecg.io import DS2

    mitdb_shared = (svdb_dir.parent / "mitdb" / "RECORDS").read_text().split()
    assert ds2 == list(DS2) and not set(ds2) & set(mitdb_shared)


def test_the_wheel_build_line_names_a_folder_not_a_package():
    """pip reads a bare ``pip wheel src`` as a project name on the package index (a folder
    needs a ``/`` or a leading ``.``): the runbook's line once fetched the unrelated PyPI
    project ``src`` instead of building geoecg (found in session 22). The instruction must
    create the folder and hand pip a path."""
    text = PAGE.read_text()
    line = text.split("To build the wheel from a checkout:", 1)[1].split("`")[1]
    assert line.startswith("mkdir src && git archive COMMIT | tar -x -C src")
    target = shlex.split(line.split("pip wheel", 1)[1])[0]
    assert target.startswith(".") or "/" in target, target
