"""RR artefact detection (Lipponen & Tarvainen 2019): scored by matching flagged positions."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels.hrv_clean import rolling_median, rolling_qd
from geoecg.features import clean_rr


def _base(seed, n=600):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 850 + 25 * np.sin(2 * np.pi * t / 20) + 8 * rng.standard_normal(n)


def _corrupt(seed):
    """Insert ectopic pairs, missed and extra beats at known positions."""
    rng = np.random.default_rng(100 + seed)
    rr = _base(seed)
    truth = {}
    pos = np.sort(rng.choice(np.arange(20, 580, 12), 24, replace=False))
    for k, p in enumerate(pos):
        kind = ("ectopic", "missed", "extra")[k % 3]
        if kind == "ectopic":  # premature beat: short interval then compensatory pause
            d = 0.3 * rr[p]
            rr[p] -= d
            rr[p + 1] += d
            truth[p] = truth[p + 1] = kind
        elif kind == "missed":  # one undetected beat: two intervals merged
            rr[p] = 2 * rr[p]
            truth[p] = kind
        else:  # a false detection splits an interval
            rr[p] = 0.45 * rr[p]
            truth[p] = kind
    return rr, truth


def test_rolling_helpers_match_numpy(rng):
    x = rng.standard_normal(200)
    for i in (0, 5, 100, 199):
        w = x[max(0, i - 45) : i + 46]
        q = 0.5 * (np.percentile(w, 75) - np.percentile(w, 25))
        assert rolling_qd(x, 45)[i] == pytest.approx(q)
        assert rolling_median(x, 5)[i] == pytest.approx(np.median(x[max(0, i - 5) : i + 6]))


@pytest.mark.parametrize("seed", range(4))
def test_detection_sensitivity_and_precision(seed):
    rr, truth = _corrupt(seed)
    res = clean_rr(rr)
    flagged = set(np.flatnonzero(res.changed))
    # an artefact counts as found if it or its neighbour is flagged (ectopic pairs)
    found = sum(1 for p in truth if flagged & {p - 1, p, p + 1})
    false = [f for f in flagged if not ({f - 1, f, f + 1} & set(truth))]
    assert found / len(truth) >= 0.95
    assert len(false) <= 0.01 * rr.size
    kinds = {res.kind[p] for p, k in truth.items() if k == "missed"}
    assert kinds <= {"missed", "long", "ectopic"} and "missed" in kinds
    # the corrected series is close to the clean one at the artefacts
    clean = _base(seed)
    err = np.abs(res.rr_ms - clean)[sorted(truth)]
    assert np.median(err) < 40


def test_clean_series_is_untouched_and_nan_kept():
    rr = _base(7)
    rr[[100, 300]] = np.nan
    res = clean_rr(rr)
    assert res.n_changed <= 0.01 * rr.size  # false-positive rate on a clean series
    assert np.isnan(res.rr_ms[[100, 300]]).all()
    assert res.rr_ms.shape == rr.shape and not res.rr_ms.flags.writeable


def test_nan_correction_and_degenerate():
    rr, truth = _corrupt(1)
    res = clean_rr(rr, correct="nan")
    assert np.isnan(res.rr_ms[res.changed]).all()
    for short in ([], [800.0], [800.0, 810.0, 790.0]):
        r = clean_rr(short)
        assert r.n_changed == 0 and r.rr_ms.size == len(short)
    const = clean_rr(np.full(100, 800.0))
    assert const.n_changed == 0


def test_bad_input():
    with pytest.raises(ValueError):
        clean_rr([800.0, -1.0, 800.0])
    with pytest.raises(ValueError):
        clean_rr(np.ones((3, 3)))
    with pytest.raises(ValueError):
        clean_rr([800.0] * 10, correct="drop")
