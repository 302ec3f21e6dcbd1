"""The one-line notice that numba is compiling geoecg kernels (printed once, on stderr)."""

from __future__ import annotations

import numba
import numpy as np
import pytest

import geoecg._kernels  # noqa: F401  (registers the listener)
from geoecg import _jit

pytestmark = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="no compilation without JIT")


def _kernel(module: str):
    """A fresh, uncached njit function that numba believes lives in ``module``."""
    ns = {"__name__": module}
    exec("def twice(x):\n    return 2 * x\n", ns)
    return numba.njit(cache=False)(ns["twice"])


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setitem(_jit._state, "announced", False)
    monkeypatch.delenv("GEOECG_COMPILE_NOTICE", raising=False)


def test_notice_once_per_process_for_geoecg_kernels_only(fresh, capsys):
    assert _kernel("somebody_else.kernels")(np.arange(3.0))[2] == 4.0
    assert _jit.COMPILE_NOTICE not in capsys.readouterr().err
    k = _kernel("geoecg._kernels.fake")
    assert k(np.arange(3.0))[1] == 2.0  # compiles: notice
    assert k(np.arange(3))[1] == 2  # new input type, compiles again: no second notice
    assert _kernel("geoecg._kernels.other")(1.5) == 3.0
    err = capsys.readouterr().err
    assert err.count(_jit.COMPILE_NOTICE) == 1 and err.strip() == _jit.COMPILE_NOTICE


def test_notice_can_be_silenced(fresh, monkeypatch, capsys):
    monkeypatch.setenv("GEOECG_COMPILE_NOTICE", "0")
    assert _kernel("geoecg._kernels.fake")(2.0) == 4.0
    assert _jit.COMPILE_NOTICE not in capsys.readouterr().err


def test_register_is_idempotent():
    from numba.core import event

    before = len(event._registered["numba:compile"])
    _jit.announce_compilation()
    assert len(event._registered["numba:compile"]) == before
