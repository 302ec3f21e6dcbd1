"""simulations/rpeaks_speed.py ``--before``: the "before" row runs the other copy's code.

The copy here is the current package with ``_rpeaks_run.run_stages`` wrapped (a call
counter and a 50-ms busy loop). ``detect_rpeaks`` imports ``run_stages`` when it is called,
so with the script's earlier loader (``load_other``: the copy imported under ``geoecg``,
then the current modules put back) the copy's ``detect_rpeaks`` ran the current
``run_stages``: the counter stayed at 0 and the "before" row took 5.43 ms against 5.51 ms
for the current code (MIT-BIH 101 lead 0, median of 9), not 50 ms more.
"""

import importlib
import importlib.util
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

WRAP = """

import time as _time

CALLS = []
SPIN_S = 0.05
ABSOLUTE = False
_run_stages_copy = run_stages


def run_stages(x2, plan, method):
    CALLS.append(x2.shape)
    t0 = _time.thread_time()
    while _time.thread_time() - t0 < SPIN_S:
        pass
    if ABSOLUTE:
        import geoecg.features._rpeaks_run  # noqa: F401
    return _run_stages_copy(x2, plan, method)
"""


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "rpeaks_speed", ROOT / "simulations/rpeaks_speed.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def copy_dir(tmp_path_factory):
    """The current package copied, its run_stages wrapped (WRAP)."""
    d = tmp_path_factory.mktemp("before")
    shutil.copytree(ROOT / "geoecg", d / "geoecg")
    with open(d / "geoecg/features/_rpeaks_run.py", "a") as f:
        f.write(WRAP)
    return str(d)


@pytest.fixture(scope="module")
def before(script, copy_dir):
    """The copy loaded beside the current package (its kernels compile: ~1 min)."""
    return script.OtherCopy(copy_dir, probe=script.probe)


@pytest.fixture(scope="module")
def signal():
    from geoecg.datasets import sample_record_path
    from geoecg.io import read_record

    rec = read_record(sample_record_path("mitdb_101"))
    return np.ascontiguousarray(rec.signal[:, : 60 * int(rec.fs)]), rec.fs


@pytest.mark.slow
def test_before_row_runs_the_copy(script, before, copy_dir, signal):
    import geoecg.features.rpeaks as R

    x, fs = signal
    run = sys.modules["geoecg_before.features._rpeaks_run"]
    assert Path(run.__file__).is_relative_to(copy_dir)
    assert sys.modules["geoecg.features.rpeaks"] is R  # the current package is back
    n0 = len(run.CALLS)
    a, b = before.detect_rpeaks(x, fs), R.detect_rpeaks(x, fs)
    assert len(run.CALLS) == n0 + 1  # the copy's run_stages, not the current one
    assert "CALLS" not in vars(sys.modules["geoecg.features._rpeaks_run"])
    assert np.array_equal(a.indices, b.indices)  # the same code under the wrapper
    assert np.array_equal(a.confidence, b.confidence)
    med = script.cpu_medians(
        {
            "now": lambda: R.detect_rpeaks(x[0], fs),
            "before": lambda: before.detect_rpeaks(x[0], fs),
        },
        3,
    )
    assert med["before"] - med["now"] > 0.8 * run.SPIN_S
    assert len(run.CALLS) == n0 + 4


def test_probe_refuses_the_current_package(script, copy_dir):
    def probe(R):
        importlib.import_module("geoecg_probe.features._rpeaks_run").ABSOLUTE = True
        script.probe(R)  # run_stages imports geoecg.features._rpeaks_run: refused

    with pytest.raises(ImportError, match="current package"):
        script.OtherCopy(copy_dir, alias="geoecg_probe", probe=probe)
    assert "geoecg.features" in sys.modules  # the current package is back


def test_bad_folder_or_alias(script, tmp_path, copy_dir):
    with pytest.raises(FileNotFoundError, match="geoecg/__init__.py"):
        script.OtherCopy(str(tmp_path))
    with pytest.raises(ValueError, match="loaded already"):
        script.OtherCopy(copy_dir, alias="geoecg")
