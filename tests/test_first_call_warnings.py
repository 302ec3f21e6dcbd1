"""A user's warning filters survive geoecg's background compilation.

The first-ever call of a kernel served by ``geoecg._numba_cache.FirstCall`` (the HRV kernels)
returns while numba compiles. numba enters and leaves ``warnings.catch_warnings()`` many
times while compiling, and up to Python 3.13 the filter list is one process-wide list: a
compiling *thread* that leaves its block puts back the list it saved, so a filter the main
thread set meanwhile is gone (session 21: 4 of 20,000 imports of a moved module raised their
DeprecationWarning under ``filterwarnings = error``; with the compile thread this test lost
34 of 222 filters). The compilation now runs in a child process: the user's process keeps
its filters.

A fresh process with an empty ``NUMBA_CACHE_DIR`` and a small two-file kernel package.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _factories import FIRST_CALL_STARTED, kernel_package

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs the JIT")

USER = """
import warnings
added = 0
while fc.state(x, out) == "interpreted":  # the user's code, while the compilation runs
    warnings.filterwarnings("ignore", message=f"user filter {added}")
    added += 1
    time.sleep(0.002)
fc.wait()
patterns = {w[1].pattern for w in warnings.filters if w[1] is not None}
kept = len(patterns & {f"user filter {i}" for i in range(added)})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.warn("after the compilation", UserWarning)
g(x, out)  # the machine code the child process put in the cache
print("added", added, "kept", kept, "recorded", len(caught), "out", out.tolist(), flush=True)
"""


def test_filters_set_during_a_background_compile_survive(tmp_path: Path):
    kernel_package(tmp_path)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "GEOECG_COMPILE_NOTICE": "0"}
    code = FIRST_CALL_STARTED.format(root=str(tmp_path)) + USER
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    words = r.stdout.split()
    added, kept, recorded = (int(words[words.index(k) + 1]) for k in ("added", "kept", "recorded"))
    assert added > 0, r.stdout  # the user's code ran while the kernel compiled
    assert kept == added, r.stdout  # every filter it set is still installed
    assert recorded == 1, r.stdout  # and a later catch_warnings block records as it should
    assert "out [1.0, 3.0, 5.0]" in r.stdout
