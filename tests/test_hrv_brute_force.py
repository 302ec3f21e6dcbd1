"""HRV kernels against brute-force searches: the TINN foot search with early exit and
the closed-form shortlist equal the exhaustive O(nb**2) search (ties included), and the
entropy template-match counts equal the O(N**2) count over every pair. The slow NumPy twins
of the indices, the inputs and the API tests are in tests/test_hrv.py."""

from __future__ import annotations

import numpy as np
import pytest
from test_hrv import BIN, _close, _series, apen, sampen

from geoecg._kernels import entropy as E
from geoecg.features import hrv_features


def _tinn_exhaustive(counts, first, width):
    """The O(nb**2) foot search of ``tinn``, loop for loop, without early exit."""
    counts = [float(c) for c in counts]
    nb = len(counts)
    mode = int(np.argmax(counts))
    y = counts[mode]
    x_apex = first + mode * width
    best_l, best_n = np.inf, x_apex
    for k in range(-1, mode):
        n_pos = first + k * width
        err = 0.0
        for j in range(mode):
            t = first + j * width
            q = y * (t - n_pos) / (x_apex - n_pos) if t > n_pos else 0.0
            err += (counts[j] - q) ** 2
        if err < best_l:
            best_l, best_n = err, n_pos
    best_r, best_m = np.inf, x_apex
    for k in range(mode + 1, nb + 2):
        m_pos = first + k * width
        err = 0.0
        for j in range(mode + 1, nb):
            t = first + j * width
            q = y * (m_pos - t) / (m_pos - x_apex) if t < m_pos else 0.0
            err += (counts[j] - q) ** 2
        if err < best_r:
            best_r, best_m = err, m_pos
    return best_m - best_n


@pytest.mark.parametrize("seed", range(6))
def test_tinn_early_exit_equals_exhaustive_search(seed):
    # pauses and ectopic beats far from the mode make hundreds of mostly empty bins
    from geoecg._kernels import hrv_time as T

    rng = np.random.default_rng(seed)
    rr = _series(seed, 200, ("normal", "int", "ties")[seed % 3])
    rr[rng.integers(0, rr.size, 3)] = rng.uniform(300, 6000, 3)
    counts, first = T.histogram_fixed(rr, BIN)
    assert counts.size > 30
    assert T.tinn(counts, first, BIN) == _tinn_exhaustive(counts, first, BIN)
    assert hrv_features(rr)["TINN"] == _tinn_exhaustive(counts, first, BIN)


def _triangle_counts(rng, nb):
    """A rounded triangle (exact ties between candidate feet are common) with noise."""
    mode = int(rng.integers(0, nb))
    y = int(rng.integers(1, 12))
    left, right = int(rng.integers(1, mode + 2)), int(rng.integers(1, nb - mode + 1))
    j = np.arange(nb)
    tri = np.where(j <= mode, y * (j - mode + left) / left, y * (mode + right - j) / right)
    c = np.maximum(np.round(tri), 0) + rng.integers(0, 2, nb) * rng.integers(0, 2)
    c[mode] = c.max() + rng.integers(0, 2)
    return c.astype(float)


@pytest.mark.parametrize("seed", range(4))
def test_tinn_shortlist_equals_exhaustive_search_on_ties(seed):
    # the closed-form shortlist must never drop the foot the direct sums choose: small
    # integer histograms, rounded triangles and flat runs tie exactly between candidates
    from geoecg._kernels import hrv_time as T

    rng = np.random.default_rng(100 + seed)
    for case in range(300):
        nb = int(rng.integers(1, 40))
        draws = (_triangle_counts(rng, nb), rng.integers(0, 3, nb), rng.exponential(3, nb))
        c = np.round(draws[case % 3]).astype(float)
        c[int(rng.integers(0, nb))] += 1  # at least one count
        first = float(rng.integers(-3, 150)) * BIN
        assert T.tinn(c, first, BIN) == _tinn_exhaustive(c, first, BIN), (case, c.tolist())


def _template_counts(x, m, r):
    """Brute-force ``(A, B, cm, cm1)`` as documented in ``entropy.template_matches``."""
    n = len(x)
    nm = n - m + 1
    d = np.abs(np.subtract.outer(x, x))
    match_m = np.ones((nm, nm), dtype=bool)
    for k in range(m):
        match_m &= d[k : k + nm, k : k + nm] <= r
    match_m1 = match_m[: nm - 1, : nm - 1] & (d[m : m + nm - 1, m : m + nm - 1] <= r)
    upper = np.triu(np.ones((nm - 1, nm - 1), dtype=bool), 1)
    B = int((match_m[: nm - 1, : nm - 1] & upper).sum())
    A = int((match_m1 & upper).sum())
    return A, B, match_m.sum(1), match_m1.sum(1)


@pytest.mark.parametrize("m", [1, 2, 3])
@pytest.mark.parametrize("kind", ["ints", "normal", "int", "ties"])
def test_template_matches_equal_brute_force(m, kind):
    rng = np.random.default_rng(m)
    for n in (m + 1, m + 2, m + 3, 40, 151):
        if kind == "ints":  # four values only: almost every pair ties on some coordinate
            x = rng.integers(0, 4, n).astype(float)
        else:
            x = _series(n, n, kind)
        sd = x.std(ddof=1)
        for r in (0.0, 1.0, 1.5, 0.2 * sd, 30.0):
            A, B, cm, cm1 = E.template_matches(x, m, r)
            rA, rB, rcm, rcm1 = _template_counts(x, m, r)
            assert (A, B) == (rA, rB), (n, r)
            np.testing.assert_array_equal(cm, rcm)
            np.testing.assert_array_equal(cm1, rcm1)
            if n - m >= 2:
                assert E.match_counts(x, m, r) == (rA, rB)
            se, ap = E.sample_and_approximate_entropy(x, m, r)
            assert _close(se, sampen(x, m, r)) and _close(ap, apen(x, m, r)), (n, r)
            assert _close(se, E.sample_entropy(x, m, r), 0, 0)
            assert _close(ap, E.approximate_entropy(x, m, r), 0, 0)


@pytest.mark.parametrize("m", [1, 3])
def test_template_scan_matches_twin(m):
    """The fused sorted scan for m = 1 (value m - 1 is the sorted one) and m = 3 (a mask
    pass for the middle value) against the brute-force counts, ties at r included."""
    x = np.random.default_rng(m).integers(0, 6, 40).astype(float)
    for r in (0.0, 1.0, 2.5):
        A, B, cm, cm1 = E.template_matches(x, m, r)
        rA, rB, rcm, rcm1 = _template_counts(x, m, r)
        assert (A, B) == (rA, rB)
        np.testing.assert_array_equal(cm, rcm)
        np.testing.assert_array_equal(cm1, rcm1)
