"""The first-ever HRV call (issue 24): while ``hrv_rows`` has no machine code, HRV runs as
the kernels' own Python source (``geoecg._numba_cache.interpreted``) and numba compiles in
the background (a child process). The interpreted indices agree with the compiled ones to
1e-9 relative, the cache probe tells a cold cache from a warm one, and a call with more rows than
``FIRST_CALL_MAX_ROWS`` waits for the compilation instead."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from _factories import kernel_package

import geoecg.features.hrv as H
from geoecg._kernels.hrv_batch import N_FEATURES, hrv_rows
from geoecg._numba_cache import interpreted
from geoecg.features import hrv_features_batch
from geoecg.features.hrv import HRVSettings, rr_times


def _series(seed: int, kind: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = 330
    t = np.arange(n)
    rr = 800 + 40 * np.sin(2 * np.pi * 0.1 * t * 0.8) + 25 * rng.standard_normal(n)
    if kind == "quantised":  # 1/128-s steps: ties in the entropies and the histogram
        rr = np.round(rr / 7.8125) * 7.8125
    elif kind == "gaps":
        rr[rng.random(n) < 0.05] = np.nan
    elif kind == "short":
        rr = rr[:20]
    elif kind == "constant":
        rr = np.full(40, 800.0)
    return rr


def _rows(kernel, rrs):
    rr_flat = np.concatenate(rrs)
    t_flat = np.concatenate([rr_times(r) for r in rrs])
    offsets = np.concatenate([[0], np.cumsum([r.size for r in rrs])]).astype(np.int64)
    out = np.full((len(rrs), N_FEATURES), np.nan)
    kernel(rr_flat, t_flat, offsets, 0, len(rrs), HRVSettings().as_array(), out)
    return out


def test_interpreted_rows_equal_compiled_kernel():
    """All 48 indices, five kinds of series: the plain-Python kernels (first-ever call) and
    numba's machine code agree to 1e-9 relative, with the same NaN pattern."""
    rrs = [_series(s, k) for s, k in enumerate(("normal", "quantised", "gaps", "short"))]
    rrs.append(_series(0, "constant"))
    python = _rows(interpreted(hrv_rows), rrs)
    compiled = _rows(hrv_rows, rrs)
    assert np.array_equal(np.isnan(python), np.isnan(compiled))
    assert np.isfinite(compiled[0]).sum() >= 45  # the comparison covers (almost) every index
    ok = np.isfinite(compiled)
    rel = np.abs(python[ok] - compiled[ok]) / np.maximum(np.abs(compiled[ok]), 1e-300)
    assert rel.max() <= 1e-9


class _Cold:
    """A stand-in for ``_FIRST_CALL`` whose kernel never has machine code."""

    def __init__(self):
        self.python = interpreted(hrv_rows)
        self.started = 0
        self.waited = 0

    def state(self, *args):
        return "interpreted"

    def compile_in_background(self, *args):
        self.started += 1

    def wait(self):
        self.waited += 1


def test_cold_cache_runs_python_then_compiles(monkeypatch):
    cold = _Cold()
    monkeypatch.setattr(H, "_FIRST_CALL", cold)
    rrs = [_series(1, "normal"), _series(2, "gaps")]
    got = hrv_features_batch(rrs, kind="rr", n_jobs=1)
    assert (cold.started, cold.waited) == (1, 0)  # both rows done as plain Python
    monkeypatch.undo()
    assert np.allclose(got, hrv_features_batch(rrs, kind="rr"), rtol=1e-9, equal_nan=True)


def test_large_call_waits_for_the_compilation(monkeypatch):
    cold = _Cold()
    monkeypatch.setattr(H, "_FIRST_CALL", cold)
    rrs = [_series(i, "short") for i in range(H.FIRST_CALL_MAX_ROWS + 1)]
    got = hrv_features_batch(rrs, kind="rr", n_jobs=1)  # compiled rows after the wait
    assert (cold.started, cold.waited) == (1, 1)
    assert np.isfinite(got[:, 0]).all()


RUN = """
import sys, numpy as np
sys.path.insert(0, {root!r})
from geoecg._numba_cache import FirstCall
from pkg.b import g
fc = FirstCall(g, "NOTICE")
x = np.arange(3.0); out = np.zeros(3)
state = fc.state(x, out)
if state == "interpreted":
    fc.python(x, out)
    fc.compile_in_background(x, out)
print(state, out.tolist(), flush=True)
"""


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="needs the JIT")
def test_first_call_probes_the_cache_and_compiles_in_background(tmp_path: Path):
    """Fresh process, empty cache: interpreted result, one notice, compiled in a child
    process that the exit waits for; the next process finds the machine code in the cache."""
    kernel_package(tmp_path)
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("GEOECG_COMPILE_NOTICE", None)
    code = textwrap.dedent(RUN).format(root=str(tmp_path))
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.split()[0] == "interpreted" and "NOTICE" in runs[0].stderr
    assert runs[1].stdout.split()[0] == "compiled" and "NOTICE" not in runs[1].stderr
    assert "[1.0, 3.0, 5.0]" in runs[0].stdout
