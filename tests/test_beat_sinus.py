"""Local-sinus prematurity and sinus-P cues (geoecg.features.beat_sinus)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.beat_sinus import SINUS_RHYTHM_NAMES, sinus_relative_features
from geoecg.features.morphology import BeatFeatureTable

NAMES = [
    "rr_pre",
    "rr_post",
    "dom_rr_pre",
    "dom_qrs_corr_l0",
    "dom_qrs_amp_l0",
    "pr_l0",
    "p_amp_l0",
]


def _table(rr, premature, pr=None, pamp=None):
    rr = np.asarray(rr, float)
    n = rr.size
    pre = np.r_[np.nan, rr[1:]]
    post = np.r_[rr[1:], np.nan]
    dom = np.where(premature, 0.7, 1.0)
    pr = np.full(n, 160.0) if pr is None else pr
    pamp = np.full(n, 0.2) if pamp is None else pamp
    V = np.column_stack([pre, post, dom, np.ones(n), np.ones(n), pr, pamp])
    return BeatFeatureTable(V, np.array(NAMES), np.arange(n))


def _brute_local(pre, nn, k):
    out = np.full(pre.size, np.nan)
    for i in range(pre.size):
        b = [pre[j] for j in range(i) if nn[j]][-k:]  # intervals ending at beat <= i-1
        a = [pre[j] for j in range(i + 2, pre.size) if nn[j]][:k]
        if len(a) + len(b) >= 3:
            out[i] = np.median(a + b)
    return out


def test_local_reference_matches_a_loop_and_follows_rate_changes():
    rng = np.random.default_rng(0)
    n = 300
    rr = np.r_[np.full(150, 1.0), np.full(150, 0.6)] + 0.01 * rng.standard_normal(n)
    prem = rng.random(n) < 0.25
    rr = np.where(prem, 0.65 * rr, rr)  # premature beats shorten their rr_pre only
    t = _table(rr, prem)
    T = sinus_relative_features(t, k=5)
    assert T.names[:3].tolist() == list(SINUS_RHYTHM_NAMES)
    pre = t.values[:, 0]
    sinus = ~prem
    nn = sinus & np.r_[False, sinus[:-1]] & np.isfinite(pre)
    ref = _brute_local(pre, nn, 5)
    np.testing.assert_allclose(T.values[:, 0], pre / ref, equal_nan=True)
    # after the rate change the reference is the new sinus rate, not the record's
    late = np.arange(n) > 160
    assert np.nanmedian(T.values[late & sinus, 0]) == pytest.approx(1.0, abs=0.03)
    assert np.nanmedian(T.values[late & prem, 0]) == pytest.approx(0.65, abs=0.05)


def test_reference_holds_when_ectopic_beats_are_the_majority():
    # runs of 3 premature beats (0.6 s) between sinus pairs (1.2 s): 60 % ectopic
    kinds = np.tile([False, False, True, True, True], 40)
    rr = np.where(kinds, 0.6, 1.2)
    T = sinus_relative_features(_table(rr, kinds))
    assert np.nanmedian(T.values[kinds, 0]) == pytest.approx(0.5, abs=0.01)
    assert np.nanmedian(T.values[~kinds, 0][1:]) == pytest.approx(1.0, abs=0.01)
    assert np.isfinite(T.values[5:-5, 0]).all()


def test_p_cues_are_against_the_sinus_beats():
    prem = np.r_[np.zeros(10, bool), np.ones(12, bool)]  # most beats premature
    pr = np.where(prem, 110.0, 160.0)
    pamp = np.where(prem, -0.1, 0.2)
    T = sinus_relative_features(_table(np.where(prem, 0.6, 1.0), prem, pr, pamp))
    col = T.names.tolist()
    np.testing.assert_allclose(T.values[prem, col.index("sin_pr_diff_l0")], -50.0)
    np.testing.assert_allclose(T.values[prem, col.index("sin_p_amp_l0")], -1.5)
    np.testing.assert_allclose(T.values[~prem, col.index("sin_pr_diff_l0")], 0.0)


def test_degenerate_and_bad_input():
    few = sinus_relative_features(_table([1.0] * 3, np.zeros(3, bool)))
    assert np.isnan(few.values).all()  # < 3 NN intervals, < 5 sinus beats
    empty = sinus_relative_features(BeatFeatureTable(np.zeros((0, 7)), np.array(NAMES), []))
    assert empty.values.shape == (0, 5)
    flat = sinus_relative_features(_table([1.0] * 20, np.zeros(20, bool), pamp=np.zeros(20)))
    assert np.isnan(flat.values[:, -1]).all() and np.isfinite(flat.values[5:-5, 0]).all()
    t = _table([1.0] * 20, np.zeros(20, bool))
    with pytest.raises(ValueError, match="k must"):
        sinus_relative_features(t, k=0)
    with pytest.raises(ValueError, match="dom_rr_pre"):
        sinus_relative_features(BeatFeatureTable(t.values[:, :2], t.names[:2], t.rpeaks))
    with pytest.raises(ValueError, match="rr_pre"):
        sinus_relative_features(BeatFeatureTable(t.values[:, 2:], t.names[2:], t.rpeaks))
