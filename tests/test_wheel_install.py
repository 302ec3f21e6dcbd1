"""A regular (wheel) install, as the README's first command makes it, not the editable one of CI.

CI installs the project editable (``pip install -e``), where the package reads its files from
the checkout; ``pip install .`` copies only what the wheel holds. These tests build the wheel
from a copy of the checkout (``--no-deps --no-build-isolation``: no network), check that it
holds every file of the package folder (the embedded records, the sweep configurations), install
it into a folder and run that copy from outside the repository: the files it reads through its
own accessors, ``geoecg --help`` and every subcommand's ``--help``. They are marked ``slow``
(about 35 s together, the wheel built once per module); CI runs them (``.ci/run`` selects no
marker).

The numba cache of a read-only install: :func:`geoecg._numba_cache.install` gives geoecg's
kernels a last cache folder under the temporary folder when neither ``__pycache__`` next to
them nor numba's user-wide folder is writable (numba alone raises ``RuntimeError: cannot cache
function ...`` at import). Checked here on a small kernel module whose ``__pycache__`` is a
file and whose ``HOME`` is a file (so neither can be created, even as root).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SKIP_PARTS = {"__pycache__", ".pytest_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".nbi", ".nbc")  # byte code and numba's cache files


def _package_files(root: Path) -> set[str]:
    """Files under ``root/geoecg`` as wheel names (``geoecg/...``), caches left out."""
    out = set()
    for p in (root / "geoecg").rglob("*"):
        rel = p.relative_to(root)
        if p.is_file() and not SKIP_PARTS & set(rel.parts) and not p.name.endswith(SKIP_SUFFIXES):
            out.add(rel.as_posix())
    return out


def _cannot_build() -> str | None:
    """Why this environment cannot build the wheel offline, or None: ``--no-build-isolation``
    uses the installed setuptools, which must meet ``[build-system] requires`` (the test
    extra asks for it; a Python 3.11 venv starts with setuptools 65.5)."""
    from importlib import metadata

    from packaging.version import Version

    need = re.search(r'"setuptools>=([0-9.]+)"', (REPO / "pyproject.toml").read_text())
    try:
        have = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return "setuptools is not installed (pip install -e '.[test]')"
    if need and Version(have) < Version(need.group(1)):
        return f"setuptools {have} < {need.group(1)} of [build-system] (pip install -e '.[test]')"
    return None


def _clean_env(**extra) -> dict:
    """The environment of a child run outside the checkout: no PYTHONPATH of the caller, no
    numba cache folder of the caller, no JIT switch."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "NUMBA_CACHE_DIR", "NUMBA_DISABLE_JIT", "XDG_CACHE_HOME")
    }
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel path, install folder, source copy): the wheel built from a copy of the checkout
    and installed with ``pip install --no-deps --target``."""
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not run from a source checkout (no pyproject.toml next to tests/)")
    why = _cannot_build()
    if why:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the wheel cannot be built: {why}")
        pytest.skip(why)
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "setup.py", "setup.cfg", "MANIFEST.in"):
        if (REPO / name).is_file():
            shutil.copy2(REPO / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.nbi", "*.nbc", "*.egg-info")
    shutil.copytree(REPO / "geoecg", src / "geoecg", ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = subprocess.run(
        [*pip, "wheel", str(src), "--no-deps", "--no-build-isolation", "-w", str(base / "dist")],
        capture_output=True,
        text=True,
        cwd=base,
        timeout=300,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = (base / "dist").glob("geoecg-*.whl")
    target = base / "site"
    inst = subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        cwd=base,
        timeout=300,
    )
    assert inst.returncode == 0, inst.stdout + inst.stderr
    return wheel, target, src


def _run_installed(target: Path, code: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(PYTHONPATH=str(target), MPLBACKEND="Agg"),
        timeout=300,
    )


@pytest.mark.slow  # the wheel build, install and runs: ~35 s together
def test_wheel_holds_every_package_file(installed):
    """Every file of the package folder, .py or not, is in the wheel (a data file without a
    ``[tool.setuptools.package-data]`` glob would be missing here and in ``pip install .``)."""
    wheel, _, src = installed
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = z.read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    wanted = _package_files(src)
    assert "geoecg/datasets/data/ptbxl/records100/00000/00001_lr.dat" in wanted
    assert "geoecg/sweep/configs/label_shift/prior_shift_af.toml" in wanted
    missing = sorted(wanted - names)
    assert not missing, f"{len(missing)} package files not in the wheel: {missing[:20]}"
    assert "geoecg = geoecg.cli:main" in entry_points


@pytest.mark.slow  # the wheel build, install and runs: ~35 s together
def test_installed_copy_reads_its_files_outside_the_repo(installed, tmp_path):
    """From a folder outside the checkout, the installed copy is the one imported, and the
    files it opens at run time (embedded records, PTB-XL and CinC 2017 subsets, packaged
    sweep configurations) are read from the install folder."""
    _, target, src = installed
    proc = _run_installed(
        target,
        """
        import json
        import geoecg
        from geoecg.datasets import (SAMPLE_RECORDS, sample_cinc2017_dir, sample_data_dir,
                                     sample_ptbxl_dir, sample_record_path)
        from geoecg.io import CinC2017, PTBXL, read_record
        from importlib import resources
        from geoecg.sweep import config_path, list_configs, load_config
        from geoecg.sweep.label_shift import load_label_shift_config

        data = sample_data_dir()
        ls_dir = resources.files("geoecg.sweep") / "configs" / "label_shift"
        print(json.dumps({
            "init": geoecg.__file__,
            "data": str(data),
            "files": sorted(p.relative_to(data).as_posix() for p in data.rglob("*")
                            if p.is_file()),
            "records": [list(read_record(sample_record_path(n)).signal.shape)
                        for n in SAMPLE_RECORDS],
            "ptbxl": len(PTBXL(sample_ptbxl_dir()).available()),
            "cinc": CinC2017(sample_cinc2017_dir()).labels().value_counts().to_dict(),
            "configs": {n: [str(config_path(n)), load_config(n).n_cells] for n in list_configs()},
            "label_shift": {p.name: len(load_label_shift_config(p)) for p in ls_dir.iterdir()},
        }))
        """,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(got["init"]).is_relative_to(target), got["init"]
    assert Path(got["data"]).is_relative_to(target)
    shipped = {
        f.removeprefix("geoecg/datasets/data/")
        for f in _package_files(src)
        if f.startswith("geoecg/datasets/data/")
    }
    assert set(got["files"]) == shipped
    assert got["records"] == [[2, 108000]] * 3  # three 5-min 2-lead excerpts at 360 Hz
    assert got["ptbxl"] == 20
    assert got["cinc"] == {"N": 5, "A": 5, "O": 5, "~": 5}
    configs = [Path(f) for f in _package_files(src) if f.startswith("geoecg/sweep/configs/")]
    assert set(got["configs"]) == {p.stem for p in configs if p.parent.name == "configs"}
    label_shift = {p.name for p in configs if p.parent.name == "label_shift"}
    assert set(got["label_shift"]) == label_shift and all(got["label_shift"].values())
    for path, n_cells in got["configs"].values():
        assert Path(path).is_relative_to(target) and n_cells > 0


@pytest.mark.slow  # the wheel build, install and runs: ~35 s together
def test_installed_copy_answers_help(installed, tmp_path):
    """``geoecg --help``, every command's and every benchmark's ``--help`` exit 0 from the
    installed copy (each benchmark module is imported for its own ``--help``)."""
    _, target, _ = installed
    proc = _run_installed(
        target,
        """
        import contextlib, io, json
        from geoecg.cli import BENCH_MODULES, COMMAND_MODULES, main

        argvs = ([["--help"]] + [[c, "--help"] for c in COMMAND_MODULES]
                 + [["bench", b, "--help"] for b in BENCH_MODULES])
        out = []
        for argv in argvs:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                try:
                    rc = main(argv)
                except SystemExit as exc:
                    rc = exc.code
            out.append([argv, rc, buf.getvalue()])
        print(json.dumps(out))
        """,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    runs = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(runs) >= 1 + 6 + 11
    for argv, rc, text in runs:
        assert rc == 0, (argv, rc, text)
        assert text.startswith("usage: geoecg"), (argv, text[:200])
    script = target / "bin" / "geoecg"
    if script.is_file():  # the console script pip wrote (POSIX layout)
        proc = subprocess.run(
            [sys.executable, str(script), "--help"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=_clean_env(PYTHONPATH=str(target)),
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "demo" in proc.stdout and "bench" in proc.stdout


KERNEL_RUN = """
import sys
from geoecg._numba_cache import install, private_cache_dir
install(sys.argv[1])
sys.path.insert(0, sys.argv[1])
import kern
assert kern.add_one(41.0) == 42.0
print(kern.add_one._cache._cache_path, sum(kern.add_one.stats.cache_hits.values()),
      private_cache_dir())
"""


def _kernel_package(tmp_path: Path) -> tuple[Path, dict]:
    """A kernel module whose in-tree cache and numba's user-wide cache cannot be created
    (``__pycache__`` and ``HOME`` are files), and the environment to run it."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "kern.py").write_text(
        "from numba import njit\n\n\n@njit(cache=True)\ndef add_one(x):\n    return x + 1.0\n"
    )
    (pkg / "__pycache__").write_text("a file, so numba cannot make its cache folder here\n")
    (tmp_path / "home").write_text("a file: ~/.cache/numba cannot be made\n")
    (tmp_path / "tmp").mkdir()
    env = _clean_env(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "tmp"))
    env["PYTHONPATH"] = str(REPO)
    return pkg, env


def test_kernel_caches_in_private_temp_folder_when_nothing_else_is_writable(tmp_path):
    """A read-only install and no writable home: the kernel compiles, caches under
    ``$TMPDIR/geoecg-numba-cache-<uid>`` (mode 0700), and a second process loads it."""
    pkg, env = _kernel_package(tmp_path)
    runs = []
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", KERNEL_RUN, str(pkg)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        runs.append(proc.stdout.split())
    (path1, hits1, private), (path2, hits2, _) = runs
    assert Path(private).parent == tmp_path / "tmp"
    assert Path(path1).parent == Path(private) and path1 == path2
    assert (hits1, hits2) == ("0", "1")  # compiled, then loaded from the private folder
    if hasattr(os, "getuid"):
        assert os.stat(private).st_mode & 0o777 == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and mode bits")
def test_private_folder_writable_by_others_is_refused(tmp_path):
    """A ``geoecg-numba-cache-<uid>`` folder that others can write (someone could plant
    pickled machine code in it) is not used: numba's own error stands."""
    pkg, env = _kernel_package(tmp_path)
    from geoecg._numba_cache import private_cache_dir

    env_tmp = Path(env["TMPDIR"])
    planted = env_tmp / Path(private_cache_dir()).name
    planted.mkdir()
    planted.chmod(0o777)
    proc = subprocess.run(
        [sys.executable, "-c", KERNEL_RUN, str(pkg)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "RuntimeError" in proc.stderr  # numba's "cannot cache function ...: no locator"
    assert not any(planted.iterdir())
