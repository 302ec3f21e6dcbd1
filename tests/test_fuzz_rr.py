"""Property-based fuzz suite over the RR-level public API (issue 19).

RR series of 0-3 intervals, constant, with NaN, all NaN, negative, zero, infinite, in
seconds, 2-D, lists and integers go through every function that takes RR intervals. Each
call raises a clear ``ValueError``/``TypeError`` naming the argument, or returns finite
numbers / NaN (never ``inf``), all NaN when no interval is finite.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geoecg.features import clean_rr, hrv_features, hrv_features_batch, hrv_windowed
from geoecg.features.af import af_window_stats
from geoecg.features.af.record import rr_irregularity_features

LEGAL = ("normal", "empty", "one", "two", "three", "constant", "nan", "allnan", "list", "int")
BAD = ("negative", "zero", "inf", "seconds", "2d", "string")


def make_rr(kind: str, n: int, seed: int):
    rng = np.random.default_rng(seed)
    rr = 800.0 + 40.0 * rng.standard_normal(max(n, 4))
    rr = rr[:n]
    if kind == "empty":
        rr = rr[:0]
    elif kind in ("one", "two", "three"):
        rr = rr[: ("one", "two", "three").index(kind) + 1]
    elif kind == "constant":
        rr = np.full(n, 750.0)
    elif kind == "nan":
        rr[rng.integers(0, n, size=max(n // 10, 1))] = np.nan
    elif kind == "allnan":
        rr = np.full(n, np.nan)
    elif kind == "list":
        return rr.tolist(), True
    elif kind == "int":
        return np.round(rr).astype(np.int64), True
    elif kind == "negative":
        rr[n // 2] = -800.0
    elif kind == "zero":
        rr[n // 2] = 0.0
    elif kind == "inf":
        rr[n // 2] = np.inf
    elif kind == "seconds":
        rr = rr / 1000.0
    elif kind == "2d":
        return rr.reshape(2, -1), False
    elif kind == "string":
        return ["800", "810"], False
    return rr, kind in LEGAL


WORDS = {
    "negative": "positive",
    "zero": "positive",
    "inf": "infinite",
    "seconds": "ms",
    "2d": "1-D",
    "string": "numeric",
}

rr_cases = st.tuples(
    st.sampled_from(LEGAL + BAD), st.integers(4, 120).map(lambda n: 2 * n), st.integers(0, 999)
)


def run(func, kind, legal, words=WORDS):
    try:
        out = func()
    except Exception as exc:
        if legal:
            raise AssertionError(f"legal RR {kind!r} raised {exc!r}") from exc
        assert isinstance(exc, ValueError | TypeError), repr(exc)
        assert words[kind] in str(exc), str(exc)
        return None
    assert legal, f"RR {kind!r} was accepted"
    return out


def _no_info(rr) -> bool:
    return not np.isfinite(np.asarray(rr, dtype=float)).any()


@given(rr_cases)
def test_fuzz_hrv_features(case):
    kind, n, seed = case
    rr, legal = make_rr(kind, n, seed)
    f = run(lambda: hrv_features(rr), kind, legal)
    if f is not None:
        v = np.array(list(f.values()))
        assert not np.isinf(v).any()
        if _no_info(rr):
            assert np.isnan(v).all()
    b = run(lambda: hrv_features_batch([rr]), kind, legal)
    if b is not None:
        assert b.shape == (1, 48) and not np.isinf(b).any()
        np.testing.assert_array_equal(np.isnan(b[0]), np.isnan(v))


@given(rr_cases)
def test_fuzz_hrv_windowed(case):
    kind, n, seed = case
    rr, legal = make_rr(kind, n, seed)
    w = run(lambda: hrv_windowed(rr_ms=rr, window_s=20.0), kind, legal)
    if w is not None:
        assert w.values.shape[1] == 48 and not np.isinf(w.values).any()
        assert np.all(w.n_intervals >= 0)


@given(rr_cases)
def test_fuzz_af_and_irregularity(case):
    kind, n, seed = case
    rr, legal = make_rr(kind, n, seed)
    # af_window_stats takes windows: a 2-D array is legal there, a 1-D series is one window
    words = dict(WORDS, **{"2d": "ms", "string": "numeric"})
    legal_w = legal or kind == "2d"
    s = run(lambda: af_window_stats(rr), kind, legal_w, words)
    if s is not None:
        assert not np.isinf(s).any()
        if _no_info(rr):  # every statistic NaN except the count of finite intervals (0)
            from geoecg.features.af import AF_STAT_NAMES

            k = list(AF_STAT_NAMES).index("nFinite")
            assert np.isnan(np.delete(s, k, axis=1)).all() and (s[:, k] == 0).all()
    r = run(lambda: rr_irregularity_features(rr), kind, legal)
    if r is not None:
        assert not np.isinf(r).any()
        if np.isfinite(np.asarray(rr, float)).sum() < 5:
            assert np.isnan(r).all()
    c = run(lambda: clean_rr(rr), kind, legal)
    if c is not None:
        assert c.rr_ms.shape == np.asarray(rr).shape
        assert not np.isinf(c.rr_ms).any()


@pytest.mark.parametrize("kind", BAD)
def test_every_bad_rr_class_is_rejected_by_every_rr_function(kind):
    rr, _ = make_rr(kind, 60, 0)
    for call in (
        lambda: hrv_features(rr),
        lambda: hrv_features_batch([rr]),
        lambda: hrv_windowed(rr_ms=rr, window_s=20.0),
        lambda: rr_irregularity_features(rr),
        lambda: clean_rr(rr),
    ):
        with pytest.raises((ValueError, TypeError), match=WORDS[kind]):
            call()
