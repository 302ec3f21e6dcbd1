"""The HRV kernels get writable arrays only, so numba compiles them once (issue 24).

numba compiles separate machine code for read-only arrays: one read-only series (a
``CleanRR.rr_ms``, a memory map) beside writable ones compiled the whole HRV kernel tree a
second time (~36 s in the second ``geoecg demo`` run, session 25).
"""

import numpy as np
import pytest

import geoecg.features.hrv as hrv_mod
import geoecg.features.hrv_batch as batch_mod
from geoecg.features import hrv_features, hrv_features_batch


def _series(seed=0, n=300):
    rng = np.random.default_rng(seed)
    return 800.0 + 40.0 * rng.standard_normal(n)


def _read_only(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


@pytest.fixture
def seen(monkeypatch):
    """Record the arrays every compiled call gets (the compiled path forced)."""
    calls = []
    real = hrv_mod.hrv_rows

    def spy(*args):
        calls.append([a for a in args if isinstance(a, np.ndarray)])
        return real(*args)

    for mod in (hrv_mod, batch_mod):
        monkeypatch.setattr(mod, "hrv_rows", spy)
        monkeypatch.setattr(mod, "run_rows", lambda *a: a[3])  # nothing done as plain Python
    return calls


def test_read_only_series_reach_the_kernel_writable(seen):
    rr = _series()
    want = hrv_features(rr)
    got = hrv_features(_read_only(rr))
    assert seen and all(a.flags.writeable and a.flags.c_contiguous for c in seen for a in c)
    assert got.keys() == want.keys()
    np.testing.assert_array_equal(np.array(list(got.values())), np.array(list(want.values())))


def test_batch_of_read_only_series_reaches_the_kernel_writable(seen):
    series = [_read_only(_series(s)) for s in range(3)]
    out = hrv_features_batch(series, n_jobs=1)
    assert seen and all(a.flags.writeable for c in seen for a in c)
    ref = np.array([list(hrv_features(np.array(s)).values()) for s in series])
    np.testing.assert_array_equal(np.asarray(out, dtype=np.float64), ref)


def test_kernel_args_copies_only_read_only_input():
    rr = _series()
    t = np.cumsum(rr) / 1000.0
    off = np.array([0, rr.size], dtype=np.int64)
    a, b, c = hrv_mod.kernel_args(rr, t, off)
    assert a is rr and b is t and c is off  # writable contiguous input: no copy
    ro = _read_only(rr)
    a2, _, _ = hrv_mod.kernel_args(ro, t, off)
    assert a2 is not ro and a2.flags.writeable
    np.testing.assert_array_equal(a2, rr)
