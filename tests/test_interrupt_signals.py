"""Long jobs stopped by a real signal (session 11): start the job in a subprocess, send
SIGINT (Ctrl-C), SIGTERM (``kill``, a batch scheduler's stop) or SIGKILL mid-way, then
rerun. Finished work must be kept (or at least nothing half-written may be read back as
complete). The in-process tests (``test_resume*.py``, ``test_bench_longjobs.py``) raise
``KeyboardInterrupt`` from inside; these send the signal from outside, as a user does.
``tests/test_cohort_resume.py`` does the same for ``extract_features`` (SIGKILL)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ENV = dict(os.environ, OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1", PYTHONWARNINGS="ignore")


def _run_until(script: Path, args, ready, sig, timeout=300):
    """Start ``script``; once ``ready()`` is true send ``sig``; return the exit code.

    The job runs in a session of its own; when it has ended, whatever it left behind there
    (joblib/loky workers of a killed parent, which would otherwise idle for minutes) is
    killed too."""
    cmd = [sys.executable, str(script), *map(str, args)]
    proc = subprocess.Popen(cmd, env=ENV, start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            assert proc.poll() is None, "the job ended before the signal could be sent"
            assert time.monotonic() < deadline, "the job did not get far enough in time"
            time.sleep(0.02)
        proc.send_signal(sig)
        proc.wait(timeout=120)
    finally:
        if proc.poll() is None:  # a failed assertion above: do not leave the job running
            proc.kill()
            proc.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the job's orphaned workers, if any
    return proc.returncode


# ---- cache files killed while being written ---------------------------------------------

# np.savez writes half of its bytes, then the process is killed (SIGKILL: no clean-up runs)
DYING_SAVEZ = """
import io, os, signal, sys
import numpy as np

_real = np.savez


def _dying_savez(file, *args, **kwargs):
    buf = io.BytesIO()
    _real(buf, *args, **kwargs)
    half = buf.getvalue()[: len(buf.getvalue()) // 2]
    if hasattr(file, "write"):
        file.write(half)
        file.flush()
    else:
        name = str(file) if str(file).endswith(".npz") else str(file) + ".npz"
        with open(name, "wb") as fh:
            fh.write(half)
    os.kill(os.getpid(), signal.SIGKILL)


np.savez = _dying_savez
"""

BEATS = """
from geoecg.datasets import sample_record_path
from geoecg.features.beat_records import beat_record_table

beat_record_table(sample_record_path("mitdb_119"), cache=sys.argv[1])
"""

NOISE = """
from geoecg.datasets.noise_training import NoiseWindows, cached_window_features

rng = np.random.default_rng(0)
w = NoiseWindows(
    windows=[rng.standard_normal(2500) for _ in range(3)],
    y=np.zeros(3, dtype=int), snr_db=np.full(3, np.nan), noise=np.array(["none"] * 3),
    record=np.array(["a", "b", "c"]), fs=250.0,
)
cached_window_features(w, "t", cache=sys.argv[1])
"""


def _beats(cache):
    from geoecg.datasets import sample_record_path
    from geoecg.features.beat_records import beat_record_table

    return beat_record_table(sample_record_path("mitdb_119"), cache=cache)["X"]


def _noise(cache):
    from geoecg.datasets.noise_training import NoiseWindows, cached_window_features

    rng = np.random.default_rng(0)
    w = NoiseWindows(
        windows=[rng.standard_normal(2500) for _ in range(3)],
        y=np.zeros(3, dtype=int),
        snr_db=np.full(3, np.nan),
        noise=np.array(["none"] * 3),
        record=np.array(["a", "b", "c"]),
        fs=250.0,
    )
    return cached_window_features(w, "t", cache=cache)


@pytest.mark.parametrize("job, again", [(BEATS, _beats), (NOISE, _noise)], ids=["beats", "noise"])
def test_cache_file_killed_while_written_is_not_read_back(tmp_path, job, again):
    """``bench beats --cache`` (``beat_record_table``) and ``bench noise --cache``
    (``cached_window_features``). Before: ``np.savez`` straight to the cache name, so a
    kill while writing left a truncated ``.npz`` that every rerun tried to read
    (``BadZipFile``: the cache had to be found and deleted by hand)."""
    script = tmp_path / "job.py"
    script.write_text(DYING_SAVEZ + textwrap.dedent(job))
    cache = tmp_path / "cache"
    res = subprocess.run([sys.executable, str(script), str(cache)], env=ENV, timeout=600)
    assert res.returncode == -signal.SIGKILL  # killed inside np.savez
    assert not list(cache.glob("*.npz")), "a half-written cache file has the final name"
    got = again(cache)  # the rerun computes it again and stores it whole
    assert len(list(cache.glob("*.npz"))) == 1
    np.testing.assert_array_equal(got, again(None))
    np.testing.assert_array_equal(again(cache), got)  # read back from the cache


# ---- the sweep runner: SIGINT / SIGTERM mid-run, then the same command again ------------

SWEEP_CONFIG = {
    "sweep": {"name": "sig", "simulator": "anticausal", "seed": 5},
    "grid": {"shift": [0.0, 1.0, 2.0], "method": ["x_only", "x_plus_w"], "seed": 3, "n": [200]},
    "simulator": {"n_features": 3, "effect_age": [-1.5, -1.5, 0.5]},
    "train_env": [
        {"age_mean": 55.0, "site_probs": [0.7, 0.3]},
        {"age_mean": 65.0, "site_probs": [0.3, 0.7]},
    ],
    "test_env": {"age_mean": 60.0},
    "shift": {"age_mean": 10.0},
    "evaluation": {"n_test": 500, "n_reference": 500},
}

SWEEP = """
import json, sys, time
from geoecg.sweep import run_sweep, store

cfg = json.loads(open(sys.argv[1]).read())
if len(sys.argv) > 3:  # slow each task down, so that the signal lands mid-run
    _write = store.ResultStore.write

    def write(self, key, rows):
        time.sleep(0.3)
        return _write(self, key, rows)

    store.ResultStore.write = write
run_sweep(cfg, sys.argv[2], progress=False)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sweep_stopped_by_a_signal_resumes_to_the_uninterrupted_result(tmp_path, sig):
    from geoecg.sweep import load_results

    cfg, script = tmp_path / "cfg.json", tmp_path / "sweep.py"
    cfg.write_text(json.dumps(SWEEP_CONFIG))
    script.write_text(textwrap.dedent(SWEEP))
    out = tmp_path / "out"
    parts = lambda: sorted((out / "results").glob("part-*.parquet"))  # noqa: E731
    rc = _run_until(script, [cfg, out, "slow"], lambda: len(parts()) >= 2, sig)
    assert rc != 0  # stopped, not finished
    kept = parts()
    n_tasks = 3 * 3  # shifts x seeds, one part per task
    assert 2 <= len(kept) < n_tasks
    for p in kept:  # every part under its final name is whole
        assert len(pd.read_parquet(p)) == 2  # one row per method
    subprocess.run([sys.executable, str(script), cfg, out], env=ENV, timeout=600, check=True)
    assert len(parts()) == n_tasks  # the finished tasks were not run (or stored) twice
    ref = tmp_path / "ref"
    subprocess.run([sys.executable, str(script), cfg, ref], env=ENV, timeout=600, check=True)
    a, b = load_results(out), load_results(ref)
    cols = [c for c in a.columns if c != "fit_s"]  # fit_s is wall time
    pd.testing.assert_frame_equal(a[cols], b[cols])


# ---- a staged bench runner (JsonSink) through the command line --------------------------

# ``geoecg bench delineate`` with its LUDB stage stubbed (as in test_bench_longjobs.py) and a
# PTB-XL stage that takes two minutes: the signal lands in the second stage
STAGED = """
import sys, time
import geoecg.io
from geoecg.bench import delineate as bench
from geoecg.cli import main
from geoecg.features import delineation_protocols as proto


class LUDB:
    def __init__(self, data):
        self.data_dir = data

    def records(self):
        return ["1", "2"]

    def missing_annotations(self, names):
        return {}


def ptbxl_criteria(*a, **k):
    time.sleep(120)
    return {}


bench.LUDB, bench.report = LUDB, lambda out, stage: "-"
proto.ludb_protocol = lambda db, names, **kw: {"records": list(names)}
proto.ptbxl_criteria, geoecg.io.PTBXL = ptbxl_criteria, lambda folder: folder
sys.exit(main(["bench", "delineate", "--data", sys.argv[2], "--ptbxl", "x",
               "--json", sys.argv[1]]))
"""


@pytest.mark.parametrize(
    "sig, rc, reason",
    [
        (signal.SIGINT, 130, "interrupted (KeyboardInterrupt)"),
        (signal.SIGTERM, 143, "Terminated: stopped by SIGTERM"),
    ],
    ids=["SIGINT", "SIGTERM"],
)
def test_bench_stopped_by_a_signal_keeps_the_finished_stage(tmp_path, sig, rc, reason):
    """``bench delineate``, ``hrv`` and ``extract`` write through ``JsonSink``. Before:
    SIGTERM killed the process at once, so the file said ``"reason": "running: later stages
    not finished"`` for ever; now the command line stops on SIGTERM as on Ctrl-C (the
    reason is written, exit status 143). Since session 19 Ctrl-C ends with status 130 and
    one line instead of a traceback (``tests/test_cli_interrupt.py``)."""
    script, path = tmp_path / "staged.py", tmp_path / "d.json"
    script.write_text(textwrap.dedent(STAGED))

    def ready():
        return path.exists() and json.loads(path.read_text())["stages"] == ["ludb"]

    assert _run_until(script, [path, tmp_path], ready, sig) == rc
    d = json.loads(path.read_text())
    assert (d["complete"], d["stages"], d["ludb"]) == (False, ["ludb"], {"records": ["1", "2"]})
    assert d["reason"] == reason and "ptbxl_criteria" not in d


# ---- the AF per-record feature cache (bench af --cache, --train-data on a large folder) --

AF_ROWS = """
import sys, time
import numpy as np
from geoecg.features.af._cache import cached_rows


def slow(x, fs):
    time.sleep(0.3)
    return np.array([x.sum(), x.std()])


sig = [np.random.default_rng(i).standard_normal(500) for i in range(12)]
cached_rows(slow, sig, 250.0, 2, prefix="t", keys=[str(i) for i in range(12)],
            cache_dir=sys.argv[1])
"""


def test_af_row_cache_killed_mid_run_keeps_the_finished_rows(tmp_path):
    """The AF feature batches cache one row per record (temporary file + rename): after
    SIGKILL the finished rows are read back and only the others are computed."""
    from geoecg.features.af._cache import cached_rows

    script, cache = tmp_path / "af.py", tmp_path / "cache"
    script.write_text(textwrap.dedent(AF_ROWS))
    rc = _run_until(script, [cache], lambda: len(list(cache.glob("*.npy"))) >= 3, signal.SIGKILL)
    assert rc == -signal.SIGKILL
    kept = len(list(cache.glob("*.npy")))
    assert 3 <= kept < 12
    calls = []

    def counted(x, fs):
        calls.append(1)
        return np.array([x.sum(), x.std()])

    sig = [np.random.default_rng(i).standard_normal(500) for i in range(12)]
    kw = {"prefix": "t", "keys": [str(i) for i in range(12)]}
    got = cached_rows(counted, sig, 250.0, 2, cache_dir=cache, **kw)
    assert len(calls) == 12 - kept
    np.testing.assert_array_equal(got, cached_rows(counted, sig, 250.0, 2, **kw))


# ---- geoecg extract with worker processes: Ctrl-C / SIGTERM, then the same command -------

EXTRACT = """
import sys, time
import numpy as np
from geoecg.cohort import FeatureSet, extract_features


class Slow(FeatureSet):
    name = "slow"

    def columns(self, leads):
        return [("slow_n", "count")]

    def compute_one(self, rec):
        time.sleep(0.03)
        return np.array([float(rec.signal.shape[1])])


if __name__ == "__main__":
    extract_features(sys.argv[1], ["rpeaks", Slow()], out=sys.argv[2], fs=100,
                     chunk_size=10, n_jobs=2, progress=False)
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_extract_with_workers_stopped_by_a_signal_resumes(ptbxl_dir, tmp_path, sig):
    """``tests/test_cohort_resume.py`` kills one process (SIGKILL); here two joblib workers
    run and the parent gets Ctrl-C or SIGTERM: it must stop (no hang on the workers), keep
    whole parts only, and the rerun must finish the cohort with each record once."""
    import pyarrow.parquet as pq

    from geoecg.cohort import read_features
    from geoecg.cohort.layout import mimic_layout_from_ptbxl

    n = 120
    tree = tmp_path / "tree"
    mimic_layout_from_ptbxl(ptbxl_dir, tree, n)
    script, out = tmp_path / "extract.py", tmp_path / "out"
    script.write_text(textwrap.dedent(EXTRACT))
    parts = lambda: list(out.glob("part-*.parquet"))  # noqa: E731
    assert _run_until(script, [tree, out], lambda: len(parts()) >= 2, sig, timeout=600) != 0
    kept = parts()
    assert 2 <= len(kept) < n // 10
    for p in kept:
        assert pq.read_table(p).num_rows == 10
    subprocess.run([sys.executable, str(script), tree, out], env=ENV, timeout=600, check=True)
    feats = read_features(out)
    assert len(feats) == n and feats["record_id"].is_unique and feats["error"].isna().all()
