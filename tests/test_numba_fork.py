"""A fork right after the first-ever call of a kernel (``geoecg._numba_cache.FirstCall``
compiling in the background) must not hang the child. When numba compiled in a thread of
the parent, a forked child inherited numba's compiler lock as it was, and if that thread held
it, the child's first compilation waited forever; the compilation now runs in a child
process, and ``wait_for_compiles`` (an ``os.register_at_fork`` ``before`` hook) still makes
a fork wait for it, so that the forked process finds the machine code in the cache.

Fresh processes with an empty ``NUMBA_CACHE_DIR``; a timeout turns a hang into a failure
(without the hook, with the compile thread of session 6, both cases below hung: checked by
hand, see the reliability notes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _factories import FIRST_CALL_STARTED, kernel_package

pytestmark = [
    pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs the JIT"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
]

START = """
from numba import njit
time.sleep(0.05)  # the compilation has started

def child(_=None):
    @njit
    def h(y):
        return y + 1.0
    return h(1.0)
"""


FORK = """
pid = os.fork()
if pid == 0:
    os._exit(0 if child() == 2.0 else 3)
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status), flush=True)
"""

POOL = """
import multiprocessing as mp
with mp.get_context("fork").Pool(2) as pool:
    print("pool", pool.map(child, range(2)), flush=True)
"""


def _run(tmp_path: Path, tail: str) -> subprocess.CompletedProcess:
    kernel_package(tmp_path)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_NUM_THREADS": "1"}
    code = FIRST_CALL_STARTED.format(root=str(tmp_path)) + START + textwrap.dedent(tail)
    try:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a fork during a background compilation hung (compiler lock copied held)")


def test_os_fork_during_background_compile_does_not_hang(tmp_path: Path):
    r = _run(tmp_path, FORK)
    assert r.returncode == 0, r.stderr
    assert "child exit 0" in r.stdout


def test_fork_pool_during_background_compile_does_not_hang(tmp_path: Path):
    r = _run(tmp_path, POOL)
    assert r.returncode == 0, r.stderr
    assert "pool [2.0, 2.0]" in r.stdout


def test_wait_for_compiles_returns_at_once_without_compilations():
    from geoecg._numba_cache import wait_for_compiles

    assert wait_for_compiles() is None
