"""The package version tells the development tree from release 0.1.0 (h8 finding 3: ~200
CHANGELOG lines under "Unreleased" while ``geoecg --version`` and every bench JSON said
0.1.0, the version of the former defaults)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.version import Version

import geoecg
from geoecg.cli import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_and_package_agree():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["version"] == geoecg.__version__


def test_development_version_follows_the_release():
    v = Version(geoecg.__version__)
    assert v > Version("0.1.0") and v.is_devrelease, geoecg.__version__


def test_cli_and_bench_json_carry_it(capsys):
    from geoecg._versions import package_versions

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"geoecg {geoecg.__version__}"
    assert package_versions()["geoecg"] == geoecg.__version__ != "0.1.0"
