"""A fork right after the first-ever call of a kernel (``geoecg._numba_cache.FirstCall``
compiling in a background thread) must not hang the child: a forked child inherits
numba's compiler lock as it was, and if the parent's compile thread held it, the child's
first compilation would wait forever. ``wait_for_compiles`` (an ``os.register_at_fork``
``before`` hook) makes the fork wait for the compilation instead.

Fresh processes with an empty ``NUMBA_CACHE_DIR``; a timeout turns a hang into a failure
(without the hook both cases below hang: checked by hand, see the reliability notes).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs the JIT"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
]

PKG = {
    "__init__.py": "",
    "b.py": "from numba import njit\n@njit(cache=True)\ndef g(x, out):\n"
    "    for i in range(x.size):\n        out[i] = x[i] * 2.0 + 1.0\n",
}

START = """
import os, sys, time, numpy as np
sys.path.insert(0, {root!r})
from geoecg._numba_cache import FirstCall
from pkg.b import g
from numba import njit
fc = FirstCall(g, "NOTICE")
x = np.arange(3.0); out = np.zeros(3)
assert fc.state(x, out) == "interpreted"
fc.python(x, out)
fc.compile_in_background(x, out)
time.sleep(0.05)  # the thread is inside numba's compiler (holds its lock)

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
    (tmp_path / "pkg").mkdir()
    for name, text in PKG.items():
        (tmp_path / "pkg" / name).write_text(text)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache"), "NUMBA_NUM_THREADS": "1"}
    code = textwrap.dedent(START).format(root=str(tmp_path)) + textwrap.dedent(tail)
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
