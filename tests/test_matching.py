"""match_beats on hand-made cases and against a brute-force maximum matching."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from geoecg.evaluation import BeatMatch, match_beats


def brute_force_max_matching(ref, det, tol):
    """Size of the largest one-to-one matching with |r - d| <= tol (exhaustive)."""
    best = 0
    for k in range(min(len(ref), len(det)), 0, -1):
        for rs in itertools.combinations(range(len(ref)), k):
            for ds in itertools.permutations(range(len(det)), k):
                if all(abs(ref[r] - det[d]) <= tol for r, d in zip(rs, ds, strict=True)):
                    return k
    return best


def test_hand_made_counts():
    # fs = 1000 Hz, tolerance 150 ms = 150 samples
    ref = [1000, 2000, 3000, 4000]
    det = [1100, 1900, 2050, 3151, 4000, 5000]
    m = match_beats(ref, det, fs=1000)
    # 1000-1100, 2000-1900, 4000-4000 match; 2050 is a second detection near 2000 (FP);
    # 3151 is 151 ms late (FP, and 3000 is FN); 5000 FP
    assert (m.tp, m.fp, m.fn) == (3, 3, 1)
    assert m.se == pytest.approx(75.0)
    assert m.ppv == pytest.approx(50.0)
    assert m.f1 == pytest.approx(200 * 3 / (6 + 3 + 1))
    np.testing.assert_array_equal(m.pairs, [[1000, 1100], [2000, 1900], [4000, 4000]])


def test_tolerance_boundary_inclusive():
    assert match_beats([0], [150], fs=1000).tp == 1
    assert match_beats([0], [151], fs=1000).tp == 0
    # 360 Hz: 150 ms = 54 samples
    assert match_beats([100], [154], fs=360).tp == 1
    assert match_beats([100], [155], fs=360).tp == 0


def test_greedy_nearest_would_lose_a_pair():
    # r0=100 is nearest to d=180, but taking it would leave r1=260 unmatched
    m = match_beats([100, 260], [40, 180], fs=1000, tolerance_ms=100)
    assert m.tp == 2


@pytest.mark.parametrize("seed", range(30))
def test_cardinality_is_maximum(seed):
    rng = np.random.default_rng(seed)
    ref = np.sort(rng.integers(0, 60, size=rng.integers(0, 6)))
    det = np.sort(rng.integers(0, 60, size=rng.integers(0, 6)))
    m = match_beats(ref, det, fs=1000, tolerance_ms=7)
    assert m.tp == brute_force_max_matching(ref.tolist(), det.tolist(), 7)
    assert m.tp + m.fn == ref.size and m.tp + m.fp == det.size
    assert np.all(np.abs(m.pairs[:, 0] - m.pairs[:, 1]) <= 7)


def test_empty_and_nan_rates():
    m = match_beats([], [], fs=360)
    assert (m.tp, m.fp, m.fn) == (0, 0, 0)
    assert math.isnan(m.se) and math.isnan(m.ppv) and math.isnan(m.f1)
    m = match_beats([10, 20], [], fs=360)
    assert m.se == 0.0 and math.isnan(m.ppv) and m.f1 == 0.0
    assert m.pairs.shape == (0, 2)


def test_order_and_dtype_do_not_matter():
    a = match_beats([300, 100, 200], np.array([201.0, 99.0]), fs=360)
    b = match_beats(np.array([100, 200, 300], dtype=np.int32), [99, 201], fs=360)
    assert a.as_dict() == b.as_dict()
    assert isinstance(a, BeatMatch)


def test_window_counts_only_inside_but_matches_across():
    ref = [100, 1000, 2000]
    det = [990, 1010, 2100, 3000]
    m = match_beats(ref, det, fs=1000, tolerance_ms=150, window=(995, 2500))
    # 1000 matches 990 (outside the window, but the pair counts by its reference);
    # 1010 is an unmatched detection inside -> FP; 2000-2100 TP; 3000 and 100 are outside
    assert (m.tp, m.fp, m.fn) == (2, 1, 0)


@pytest.mark.parametrize(
    ("kwargs", "err"),
    [
        (dict(reference=[1], detected=[1], fs=0), ValueError),
        (dict(reference=[1], detected=[1], fs=360, tolerance_ms=-1), ValueError),
        (dict(reference=[[1, 2]], detected=[1], fs=360), ValueError),
        (dict(reference=[1.5], detected=[1], fs=360), ValueError),
        (dict(reference=[np.nan], detected=[1], fs=360), TypeError),
    ],
)
def test_bad_input(kwargs, err):
    with pytest.raises(err):
        match_beats(**kwargs)
