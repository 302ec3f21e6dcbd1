"""``python -m geoecg`` runs the same command line as the ``geoecg`` script."""

import subprocess
import sys


def test_python_dash_m_geoecg_prints_help_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "geoecg", "--help"], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "bench" in out.stdout
    ver = subprocess.run(
        [sys.executable, "-m", "geoecg", "--version"], capture_output=True, text=True, timeout=120
    )
    assert ver.returncode == 0, ver.stderr
    import geoecg

    assert geoecg.__version__ in ver.stdout + ver.stderr


def test_python_dash_m_geoecg_bad_command_fails_with_usage():
    out = subprocess.run(
        [sys.executable, "-m", "geoecg", "no-such-command"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "usage" in (out.stderr + out.stdout).lower()
