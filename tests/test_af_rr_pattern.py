"""RR-pattern features (issue 18, registry item 10): periodic ectopy and detection errors."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.af import af_crop_features, af_feature_matrix
from geoecg.features.af.rr_pattern import (
    RR_PATTERN_NAMES,
    rr_pattern_features,
    rr_pattern_features_batch,
    rr_pattern_record_features,
)

IDX = {n: i for i, n in enumerate(RR_PATTERN_NAMES)}


def af_like(n=60, seed=0):
    return np.random.default_rng(seed).uniform(450.0, 1100.0, n)


def trigeminy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return np.tile([900.0, 820.0, 560.0], n // 3) + 5.0 * rng.standard_normal(n // 3 * 3)


def test_pattern_separates_trigeminy_from_af():
    for seed in range(5):
        a, t = rr_pattern_features(af_like(seed=seed)), rr_pattern_features(trigeminy(seed=seed))
        # a repeating 3-beat pattern: lag-3 matches, lag 1 does not
        assert t[IDX["acf_best"]] > 0.9 > 0.4 > a[IDX["acf_best"]]
        assert t[IDX["irr_best"]] < 0.05 < 0.15 < a[IDX["irr_best"]]
        assert t[IDX["lag_ratio"]] < 0.2 < 0.6 < a[IDX["lag_ratio"]]
        assert t[IDX["irr_lag1"]] > 0.2


def test_missed_and_split_beats_are_counted_and_repaired():
    rr = np.full(40, 800.0) + np.random.default_rng(1).normal(0, 4, 40)
    missed = rr.copy()
    missed[[5, 20]] = 1600.0
    missed[30] = 2400.0
    f = rr_pattern_features(missed)
    assert f[IDX["miss_frac"]] == pytest.approx(3 / 40)
    # the repaired series is the regular one with each long interval cut into 800-ms parts
    repaired = np.r_[rr[:5], 800, 800, rr[6:20], 800, 800, rr[21:30], 800, 800, 800, rr[31:]]
    assert f[IDX["irr_fixed"]] == pytest.approx(rr_pattern_features(repaired)[IDX["irr_lag1"]])
    split = np.r_[rr[:10], 300.0, 500.0, rr[10:]]
    g = rr_pattern_features(split)
    assert g[IDX["split_frac"]] == pytest.approx(2 / 42)
    assert g[IDX["miss_frac"]] == 0.0
    # merging the pair gives back the regular series
    assert g[IDX["irr_fixed"]] == pytest.approx(rr_pattern_features(rr)[IDX["irr_lag1"]], abs=1e-3)


def test_regular_rhythm_and_nan_gaps():
    rr = np.full(30, 750.0)
    f = rr_pattern_features(rr)
    assert f[IDX["irr_lag1"]] == 0.0 and f[IDX["irr_best"]] == 0.0
    assert np.isnan(f[IDX["lag_ratio"]])  # 0 / 0: no pattern to speak of
    assert np.isnan(f[IDX["acf1"]])  # zero variance
    g = trigeminy()
    g[[7, 31]] = np.nan
    v = rr_pattern_features(g)
    assert np.isfinite(v).all() and v[IDX["irr_best"]] < 0.05


@pytest.mark.parametrize("rr", [[], [800.0] * 7, [np.nan] * 20])
def test_too_few_intervals_give_nan(rr):
    assert np.isnan(rr_pattern_features(np.asarray(rr, dtype=float))).all()


@pytest.mark.parametrize(
    "rr, err, word",
    [
        ([0.8] * 20, ValueError, "seconds"),
        ([800.0, -1.0] * 10, ValueError, "positive"),
        ([800.0, np.inf] * 10, ValueError, "infinite"),
        (np.ones((2, 10)) * 800.0, ValueError, "1-D"),
        (["a"] * 10, TypeError, "numeric"),
    ],
)
def test_bad_rr_is_refused(rr, err, word):
    with pytest.raises(err, match=word):
        rr_pattern_features(rr)


def test_record_features_and_batch():
    rng = np.random.default_rng(0)
    fs, n = 300.0, 300 * 20
    t = np.arange(n) / fs
    x = 0.01 * rng.standard_normal(n)
    beats = np.cumsum(np.tile([0.9, 0.82, 0.56], 10))
    for b in beats[beats < 19.5]:
        x += np.exp(-0.5 * ((t - b) / 0.012) ** 2)
    v = rr_pattern_record_features(x, fs)
    assert v.shape == (9,) and v[IDX["irr_best"]] < 0.05 < v[IDX["irr_lag1"]]
    assert np.isnan(rr_pattern_record_features(np.zeros(n), fs)).all()
    B = rr_pattern_features_batch([x, np.zeros(n)], fs)
    np.testing.assert_array_equal(B[0], v)
    with pytest.raises(ValueError, match="one lead"):
        rr_pattern_record_features(np.zeros((2, n)), fs)
    with pytest.raises(ValueError):
        rr_pattern_record_features(x, 0.0)


def test_matrix_and_crops_append_the_block(tmp_path):
    rng = np.random.default_rng(0)
    sigs = [rng.standard_normal(3000 * 4), rng.standard_normal(3000 * 4)]
    m0 = af_feature_matrix(sigs, 300.0, rhythm_profile=True, n_crops=2)
    m = af_feature_matrix(
        sigs,
        300.0,
        rhythm_profile=True,
        rr_pattern=True,
        n_crops=2,
        keys=["a", "b"],
        cache_dir=tmp_path,
    )
    assert m.X.shape == (2, 193 + 9) and m.crops.shape == (4, 193 + 9)
    assert m.feature_names[-9:] == tuple("RRpat_" + n for n in RR_PATTERN_NAMES)
    np.testing.assert_array_equal(m.X[:, :193], m0.X)
    np.testing.assert_array_equal(m.crops[:, :193], m0.crops)
    np.testing.assert_array_equal(m.X[:, 193:], rr_pattern_features_batch(sigs, 300.0))
    F, owner = af_crop_features(sigs, 300.0, 2, 0.7, rr_pattern=True)
    np.testing.assert_array_equal(F[:, :107], m.crops[:, :107])
    np.testing.assert_array_equal(F[:, 107:], m.crops[:, 193:])
