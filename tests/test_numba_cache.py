"""numba's cache with dependency stamps (geoecg._numba_cache): a changed callee file
recompiles its callers, also two levels up (numba alone returns the stale result)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import geoecg._kernels as K
from geoecg._numba_cache import dependency_files, source_stamp

FILES = {
    "a.py": "from numba import njit\n@njit(cache=True)\ndef f(x):\n    return x + 1\n",
    "b.py": "from numba import njit\nfrom .a import f\n@njit(cache=True)\ndef g(x):\n"
    "    return f(x) * 2\n",
    "c.py": "from numba import njit\nfrom .b import g\n@njit(cache=True)\ndef h(x):\n"
    "    return g(x) + 0\n",
}


def _run(tmp_path: Path) -> int:
    code = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        from geoecg._numba_cache import install
        install({str(tmp_path / "pkg")!r})
        from pkg.c import h
        print(h(1))
    """)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


def test_changed_callee_recompiles_callers(tmp_path):
    """With numba's own stamps (``install`` not called) the second run prints 4: ``h``
    recompiles (its file changed) but links ``g``'s stale cached code (numba 0.68)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in FILES.items():
        (pkg / name).write_text(text)
    assert _run(tmp_path) == 4  # compiled and cached
    (pkg / "a.py").write_text(FILES["a.py"].replace("x + 1", "x + 100"))
    (pkg / "c.py").write_text(FILES["c.py"] + "# the caller's own file changed too\n")
    assert _run(tmp_path) == 202


def test_hrv_kernel_stamp_covers_its_callees():
    root = Path(K.__file__).parent
    deps = {Path(p).name for p in dependency_files(root / "hrv_batch.py")}
    assert {"hrv_time.py", "hrv_freq.py", "hrv_nonlinear.py", "entropy.py", "hrv_sort.py"} <= deps
    assert source_stamp(root / "entropy.py") != source_stamp(root / "hrv_batch.py")
