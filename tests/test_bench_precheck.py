"""``geoecg bench NAME`` refuses a missing, empty or wrong data folder before importing its
runner (geoecg.commands.bench_precheck, session 27): the same line the runner prints, exit
status 2, no traceback; and it never refuses a command line the runner would take on."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geoecg import cli
from geoecg.commands.bench_precheck import PRECHECKS, precheck

# (bench, --data) for the three kinds of bad folder; "{ludb}" and "{mitdb}" are another
# database's folder (filled from the data_root fixture)
_BAD = [
    ("beats", "{missing}"), ("beats", "{empty}"), ("beats", "{ludb}"),
    ("af", "{missing}"), ("af", "{empty}"), ("af", "{mitdb}"),
    ("qrs", "{missing}"), ("qrs", "{empty}"), ("qrs", "{ludb}"),
    ("hrv", "{missing}"), ("hrv", "{empty}"),
    ("ptbxl", "{empty}"), ("ptbxl", "{mitdb}"),
    ("reconstruct", "{missing}"), ("extract", "{empty}"),
    ("noise", "{missing}"),
    ("delineate", "{missing}"),
]  # fmt: skip


def _folder(spec, tmp_path, data_root):
    (tmp_path / "empty").mkdir(exist_ok=True)
    where = {"missing": tmp_path / "nope", "empty": tmp_path / "empty"}
    if "ludb" in spec or "mitdb" in spec:
        if data_root is None:
            pytest.skip("needs the shared data folder")
        where = {"ludb": data_root / "ludb", "mitdb": data_root / "mitdb"}
    return str(spec.format(**{k: str(v) for k, v in where.items()}))


@pytest.fixture
def data_root_or_none(request):
    try:
        return request.getfixturevalue("data_root")
    except pytest.skip.Exception:
        return None


@pytest.mark.parametrize("bench, spec", _BAD)
def test_precheck_gives_the_runners_own_line(bench, spec, tmp_path, data_root_or_none,
                                             monkeypatch, capsys):  # fmt: skip
    data = _folder(spec, tmp_path, data_root_or_none)
    argv = ["bench", bench, "--data", data]
    early = precheck(bench, argv)
    assert early is not None and early.startswith(f"geoecg bench {bench}: error: ")
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip() == early
    monkeypatch.setattr("geoecg.commands.bench_precheck.PRECHECKS", {})  # the runner alone
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == early


def test_the_error_comes_before_the_heavy_imports(tmp_path):
    code = (
        "import sys; from geoecg.cli import main\n"
        f"rc = main(['bench', 'beats', '--data', {str(tmp_path / 'nope')!r}])\n"
        "heavy = sorted(m for m in ('sklearn', 'numba', 'xgboost', 'scipy', 'geoecg.bench.beats')"
        " if m in sys.modules)\n"
        "print(rc, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[0] == "2 []"
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "geoecg bench beats: error: cannot find the mitdb database" in out.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["bench", "beats", "--dat", "{missing}"],  # an abbreviation: argparse decides
        ["bench", "beats", "--data", "{missing}", "--help"],
        ["bench", "beats", "--data"],  # no value: argparse's usage error
        ["bench", "beats", "--data", "{missing}", "--test-data", "{empty}"],  # not --data's
        ["bench", "af", "--data", "{missing}", "--beat-level"],  # another route
        ["bench", "af", "--data", "{missing}", "--screen-24h"],
        ["bench", "af", "--train-data", "{missing}", "--test-data", "{missing}"],
        ["bench", "delineate", "--synthetic"],  # no LUDB stage
        ["bench", "riemann", "--n", "10"],  # no data folder
        ["bench", "ptbxl", "--data", "{empty}", "--methods", "ts-lr,magic"],  # names first
        ["bench", "sweep"],
    ],
)
def test_precheck_leaves_other_command_lines_to_the_runner(argv, tmp_path):
    argv = [a.format(missing=str(tmp_path / "nope"), empty=str(tmp_path)) for a in argv]
    assert precheck(argv[1], argv) is None


def test_a_missing_extra_is_still_named_first(monkeypatch, tmp_path, capsys):
    """hrv/delineate --peers and extract (--nk-sample > 0) name neurokit2 before the folder
    (docs/user_guide/command_line.md); with the extra, or --nk-sample 0, the folder first."""
    monkeypatch.setitem(sys.modules, "neurokit2", None)
    nope = str(tmp_path / "nope")
    for argv in (["bench", "hrv", "--peers", "--data", nope],
                 ["bench", "delineate", "--peers", "--data", nope],
                 ["bench", "extract", "--data", nope],
                 ["bench", "extract", "--data", nope, "--nk-sample", "3"]):  # fmt: skip
        assert precheck(argv[1], argv) is None, argv
    for argv in (["bench", "hrv", "--data", nope],
                 ["bench", "delineate", "--data", nope],
                 ["bench", "extract", "--data", nope, "--nk-sample", "0"]):  # fmt: skip
        assert precheck(argv[1], argv) is not None, argv


def test_valid_folders_pass(data_root, monkeypatch):
    good = {
        "beats": data_root, "af": data_root / "cinc2017", "qrs": data_root / "mitdb",
        "hrv": data_root, "ptbxl": data_root, "reconstruct": data_root / "ptbxl",
        "extract": data_root, "noise": data_root, "delineate": data_root / "ludb",
    }  # fmt: skip
    assert set(good) == set(PRECHECKS)
    for bench, folder in good.items():
        assert precheck(bench, ["bench", bench, "--data", str(folder)]) is None, bench
        assert precheck(bench, ["bench", bench, f"--data={folder}"]) is None, bench
    monkeypatch.setenv("GEOECG_DATA", str(data_root / "nope"))
    for bench in PRECHECKS:  # no --data: $GEOECG_DATA is the runner's to read, as before
        assert precheck(bench, ["bench", bench]) is None


def test_bench_json_not_written_on_an_early_error(tmp_path):
    out = tmp_path / "r.json"
    assert cli.main(["bench", "ptbxl", "--data", str(tmp_path / "nope"), "--json", str(out)]) == 2
    assert not out.exists() or json.loads(out.read_text()).get("complete") is False
