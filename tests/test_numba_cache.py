"""numba's cache with dependency stamps (geoecg._numba_cache): a changed callee file
recompiles its callers, also two levels up (numba alone returns the stale result)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

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
    assert {
        "hrv_time.py",
        "hrv_freq.py",
        "hrv_lomb.py",
        "hrv_nonlinear.py",
        "entropy.py",
        "hrv_sort.py",
    } <= deps
    assert source_stamp(root / "entropy.py") != source_stamp(root / "hrv_batch.py")


LAZY = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    import numpy as np
    from geoecg._numba_cache import install
    install({pkg!r})
    from pkg.c import h
    from other import k
    out = [h(1), h(np.arange(3.0)).tolist()]
    loaded = "numba.np.polynomial.polynomial_core" in sys.modules  # a refresh imports it
    if {other!r}:
        out.append(k(2))
        loaded = "numba.np.polynomial.polynomial_core" in sys.modules
    from numba import njit

    @njit
    def fresh(x):  # compiled after the loads: numba's compiler refreshes the context itself
        return np.sum(np.empty(0)) + np.sum(x * 3)

    out += [h(2.5), fresh(np.arange(4.0))]
    print(repr((out, loaded, sum(h.stats.cache_hits.values()))))
""")


def _lazy(tmp_path: Path, other: bool):
    code = LAZY.format(root=str(tmp_path), pkg=str(tmp_path / "pkg"), other=other)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout.strip().splitlines()[-1])


def test_cache_load_skips_numba_refresh_and_results_hold(tmp_path):
    """A cached kernel under an installed root loads without numba's full context refresh
    (its registries stay unimported), gives the same numbers as when it was compiled, and
    a later compilation in the same process (a new type, a new function) still works; a
    cached function outside the roots goes through numba's own load (refresh included)."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in FILES.items():
        (pkg / name).write_text(text)
    (tmp_path / "other.py").write_text(FILES["a.py"].replace("def f", "def k"))
    first = _lazy(tmp_path, other=False)  # compiles and caches h, g, f
    assert first[0] == [4, [2.0, 4.0, 6.0], 7.0, 18.0]
    out, loaded, hits = _lazy(tmp_path, other=False)
    assert out == first[0] and not loaded
    assert hits == 3  # int64, float64[:] and float64: all from the cache
    out, loaded, _ = _lazy(tmp_path, other=True)  # k (outside the roots): numba's refresh
    assert out[:3] == [4, [2.0, 4.0, 6.0], 3] and loaded


RUNTIME = """import numpy as np
from numba import njit
from numba.typed import List


@njit(cache=True)
def raises(x):
    if x < 0:
        raise ValueError("negative input", x)
    return x


@njit(cache=True)
def rnd(seed):
    np.random.seed(seed)
    return np.random.rand(3)


@njit(cache=True)
def stats(a):
    return np.median(a), np.percentile(a, 90.0), np.linalg.norm(a)


@njit(cache=True)
def containers(n):
    out = List()
    d = {}
    for i in range(n):
        out.append(i * 1.5)
        d[i] = i * 2.0
    return out, d[n - 1], "x" * n + str(n)
"""

RUNTIME_RUN = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    import numpy as np
    from geoecg._numba_cache import install
    install({pkg!r})
    from rpkg import k
    out = [k.raises(3)]
    try:
        k.raises(-2)
    except ValueError as e:
        out.append(repr(e))
    lst, last, s = k.containers(4)
    out += [k.rnd(4).tolist(), [float(v) for v in k.stats(np.arange(11.0))], list(lst), last, s]
    fs = (k.raises, k.rnd, k.stats, k.containers)
    print(repr((out, sum(sum(f.stats.cache_hits.values()) for f in fs))))
""")


@pytest.mark.slow
def test_lazy_cache_load_keeps_runtime_features(tmp_path):
    """Loaded without numba's refresh, cached kernels that raise, use numba's random state,
    its arraymath and linalg implementations, typed lists, dicts and strings give what they
    gave when compiled (the environments their machine code names are rebuilt on load)."""
    (tmp_path / "rpkg").mkdir()
    (tmp_path / "rpkg" / "__init__.py").write_text("")
    (tmp_path / "rpkg" / "k.py").write_text(RUNTIME)
    code = RUNTIME_RUN.format(root=str(tmp_path), pkg=str(tmp_path / "rpkg"))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    runs = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        assert out.returncode == 0, out.stderr
        runs.append(eval(out.stdout.strip().splitlines()[-1]))
    (compiled, hits0), (loaded, hits1) = runs
    assert hits0 == 0 and hits1 == 4  # the second process loaded every kernel
    assert loaded == compiled
    assert compiled[1] == "ValueError('negative input', -2)"
    assert compiled[3] == [5.0, 9.0, float(np.linalg.norm(np.arange(11.0)))]
    assert compiled[4:] == [[0.0, 1.5, 3.0, 4.5], 6.0, "xxxx4"]


def test_lazy_cache_load_falls_back_to_numbas_own_load():
    """If loading without the context refresh fails (a numba whose loading needs more), the
    load goes through numba's own method instead of failing; other functions always do."""
    from geoecg._numba_cache import _DependencyStamp, _load_overload_factory

    calls = []

    def numba_load(self, sig, ctx):
        calls.append("numba")
        return "loaded by numba"

    class Impl:
        locator = object.__new__(_DependencyStamp)

    class FakeCache:
        _impl = Impl()

        def _guard_against_spurious_io_errors(self):
            import contextlib

            return contextlib.nullcontext()

        def _load_overload(self, sig, ctx):
            raise KeyError("a registry the refresh would have installed")

    load = _load_overload_factory(numba_load)
    assert load(FakeCache(), None, None) == "loaded by numba"
    assert calls == ["numba"]

    class Other(FakeCache):
        _impl = None

    assert load(Other(), None, None) == "loaded by numba"
    assert calls == ["numba", "numba"]
