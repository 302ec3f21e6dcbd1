"""Numba intrinsics with plain-Python twins (:func:`geoecg._jit.compiled_as`).

Each intrinsic the kernels call (the R-peak filters' fused multiply-add, the covariance
stream's software prefetch) must work in the three ways a kernel runs: compiled, as plain
Python under ``NUMBA_DISABLE_JIT=1`` (the .ci/kernels_jit_off.sh run), and interpreted by
:func:`geoecg._numba_cache.interpreted` (what ``FirstCall`` serves while numba compiles).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction

import numba
import numpy as np
import pytest
from _covariance_reference import _gram_stream
from numba import njit, types
from numba.core.errors import TypingError
from numba.extending import intrinsic

from geoecg._jit import compiled_as
from geoecg._kernels.covariance_stream import TILE, _prefetch, _scatter_single_pass
from geoecg._kernels.rpeaks import _fma
from geoecg._numba_cache import interpreted

JIT = not numba.config.DISABLE_JIT
#: This folder: the subprocess below imports the raw-product reference pass from it.
TESTS = os.path.dirname(os.path.abspath(__file__))


def fma(a, b, c):
    """``a * b + c`` rounded once (exact rational arithmetic)."""
    return float(Fraction(a) * Fraction(b) + Fraction(c))


@intrinsic
def _scaled_add_intrinsic(typingctx, x, y):
    """``2 x + y`` in LLVM (a test intrinsic)."""

    def codegen(context, builder, signature, args):
        return builder.fadd(builder.fadd(args[0], args[0]), args[1])

    return types.float64(types.float64, types.float64), codegen


def _two_floats(*arg_types):
    return all(t == types.float64 for t in arg_types)


@compiled_as(_scaled_add_intrinsic, accepts=_two_floats)
def _scaled_add(x, y):
    return (x + x) + y


@njit(cache=False)
def _sum_scaled(v):
    s = 0.0
    for i in range(v.size):
        s = _scaled_add(v[i], s)
    return s


def test_compiled_as_kernel_runs_compiled_interpreted_and_as_python():
    v = np.random.default_rng(0).standard_normal(50)
    want = 0.0
    for x in v:
        want = (x + x) + want
    assert _sum_scaled(v) == want
    assert interpreted(_sum_scaled)(v) == want
    assert getattr(_sum_scaled, "py_func", _sum_scaled)(v) == want
    assert _scaled_add is _scaled_add  # the decorator returns the Python function itself
    assert _scaled_add(1.5, 1.0) == 4.0


@pytest.mark.skipif(not JIT, reason="typing is compiled-only")
def test_compiled_as_kernel_refuses_types_it_does_not_accept():
    with pytest.raises(TypingError, match="_scaled_add"):
        njit(cache=False)(lambda a, b: _scaled_add(a, b))(1, 2)


def test_compiled_as_refuses_functions_it_cannot_overload():
    with pytest.raises(TypeError, match="positional parameters only"):

        @compiled_as(_scaled_add_intrinsic)
        def star(*xs):
            return xs

    with pytest.raises(TypeError, match="no default values"):

        @compiled_as(_scaled_add_intrinsic)
        def default(x, y=1.0):
            return x + y


def _fma_cases():
    rng = np.random.default_rng(11)
    a, b = rng.uniform(-2, 2, 400), rng.uniform(-2, 2, 400) * 10.0 ** rng.integers(-8, 8, 400)
    c = -a * b * (1 + rng.uniform(-1e-9, 1e-9, 400))  # cancellation: one rounding shows
    return a, b, c


@njit(cache=False)
def _fma_kernel(a, b, c, out):
    for i in range(a.size):
        out[i] = _fma(a[i], b[i], c[i])


def test_fma_kernel_is_rounded_once_compiled_and_interpreted():
    a, b, c = _fma_cases()
    want = np.array([fma(*t) for t in zip(a, b, c, strict=True)])
    assert np.sum(want != a * b + c) > 100  # the cases tell one rounding from two
    for run in (_fma_kernel, interpreted(_fma_kernel)):
        out = np.empty_like(a)
        run(a, b, c, out)
        np.testing.assert_array_equal(out, want)


@njit(cache=False)
def _prefetch_sum(x):
    s = 0.0
    for i in range(x.size):
        _prefetch(x, min(i + 64, x.size - 1))
        s += x[i]
    return s


def _run_covariance(gram, scatter, x, xn):
    """Raw cross products of ``x`` by the two streaming kernels that prefetch."""
    c = x.shape[0]
    acc1, rs1, first, sink = np.zeros((c, c)), np.zeros(c), np.empty(c), np.empty(c)
    gram(x, xn, True, acc1, rs1, first, sink, np.inf)
    acc2, rs2 = np.zeros((c, c)), np.zeros(c)
    scatter(x, acc2, rs2, np.zeros(c), np.empty((c, TILE)))
    return np.tril(acc1), np.tril(acc2)


def test_prefetch_kernel_runs_compiled_and_interpreted():
    """The prefetch changes no result: the streaming covariance kernels run interpreted
    (before compiled_as this raised NotImplementedError: an intrinsic cannot run in Python)
    and give the compiled products up to the compiled code's regrouped sums (fastmath
    ``reassoc``)."""
    x = np.random.default_rng(2).standard_normal(3 * TILE + 17)
    want = 0.0
    for v in x:
        want += v
    assert _prefetch_sum(x) == interpreted(_prefetch_sum)(x) == want
    assert _prefetch(x, 3) is None
    rng = np.random.default_rng(3)
    x, xn = rng.standard_normal((5, 2 * TILE + 9)), rng.standard_normal((5, 2 * TILE + 9))
    want = _run_covariance(_gram_stream, _scatter_single_pass, x, xn)
    got = _run_covariance(interpreted(_gram_stream), interpreted(_scatter_single_pass), x, xn)
    for w, g in zip(want, got, strict=True):
        assert np.any(w != 0)
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12 * np.max(np.abs(w)))


_JIT_OFF_SCRIPT = """
import json, numpy as np
from geoecg._kernels.covariance_stream import TILE, _prefetch_tile
from geoecg._kernels.rpeaks import _fma
from _covariance_reference import _gram_stream
from numba import njit
x = np.random.default_rng(3).standard_normal((5, 2 * TILE + 9))
acc, rs, first, sink = np.zeros((5, 5)), np.zeros(5), np.empty(5), np.empty(5)
_gram_stream(x, x[::-1].copy(), True, acc, rs, first, sink, np.inf)
_prefetch_tile(x[0], 0, x.shape[1])
f = njit(lambda a, b, c: _fma(a, b, c))
print(json.dumps({"acc": np.tril(acc).tolist(), "fma": f(0.1, 3.0, -0.3),
                  "is_python": not hasattr(f, "signatures")}))
"""


def test_intrinsic_kernels_run_with_the_jit_off():
    """Under NUMBA_DISABLE_JIT=1 (a fresh process: the flag is read at import) the kernels
    that call the intrinsics run as Python and give the compiled values."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", OMP_NUM_THREADS="1")
    path = [TESTS, env["PYTHONPATH"]] if env.get("PYTHONPATH") else [TESTS]  # the reference
    env["PYTHONPATH"] = os.pathsep.join(path)
    out = subprocess.run(
        [sys.executable, "-c", _JIT_OFF_SCRIPT], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["is_python"]
    assert got["fma"] == fma(0.1, 3.0, -0.3) != 0.1 * 3.0 - 0.3
    x = np.random.default_rng(3).standard_normal((5, 2 * TILE + 9))
    acc, rs, first, sink = np.zeros((5, 5)), np.zeros(5), np.empty(5), np.empty(5)
    _gram_stream(x, x[::-1].copy(), True, acc, rs, first, sink, np.inf)
    np.testing.assert_allclose(np.array(got["acc"]), np.tril(acc), rtol=1e-12, atol=1e-11)
