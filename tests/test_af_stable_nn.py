"""The stable-dominant-beat irregularity block (geoecg.features.af.stable_nn_features) and its
columns in the AF feature matrix and AFFeatureBlocks (issue 18, session-9 attempt)."""

import numpy as np
import pytest

from geoecg.estimators.af import AFFeatureBlocks
from geoecg.features.af import (
    RHYTHM_PROFILE_NAMES,
    STABLE_NN_NAMES,
    af_feature_matrix,
    rhythm_profile_features,
    stable_nn_features,
)

FS = 300.0
IDX = {n: i for i, n in enumerate(STABLE_NN_NAMES)}


def _ecg(rr_ms, pvc=()):
    """Beats at the given RR (ms): a narrow positive QRS, or a wide negative one at ``pvc``."""
    r = (np.r_[0, np.cumsum(rr_ms)] * FS / 1000.0).astype(int) + 150
    x = np.zeros(r[-1] + 300)
    narrow, wide = np.hanning(13), -1.5 * np.hanning(45)
    for i, k in enumerate(r):
        w = wide if i in pvc else narrow
        h = w.size // 2
        x[k - h : k - h + w.size] += w
    return x, r


def test_ectopy_does_not_count_as_irregularity():
    """Sinus at 800 ms with a PVC (premature, wide, compensatory pause) every 20th beat: the
    raw-RR windows of the rhythm profile see irregularity in most 16-beat windows, the stable
    stretches between the PVCs none; AF with one QRS shape is irregular in every stretch."""
    rng = np.random.default_rng(0)
    rr = 800 + 5 * rng.standard_normal(100)
    pvc = set(range(10, 100, 20))
    for i in pvc:
        rr[i - 1], rr[i] = 480, 1120  # coupling interval and compensatory pause
    x, r = _ecg(rr, pvc)
    f = stable_nn_features(x, FS, rpeaks=r)
    assert 0.5 < f[IDX["SNN_cover"]] < 1.0
    assert f[IDX["SNN_nRMSSD_frac>0.1"]] == 0.0 and f[IDX["SNN_COSEn_frac>-1.4"]] == 0.0
    w = rhythm_profile_features(x, FS, rpeaks=r)
    assert w[RHYTHM_PROFILE_NAMES.index("W16_nRMSSD_frac>0.1")] > 0.5

    xa, ra = _ecg(rng.uniform(450, 1000, 100))
    fa = stable_nn_features(xa, FS, rpeaks=ra)
    assert fa[IDX["SNN_cover"]] == 1.0
    assert fa[IDX["SNN_nRMSSD_frac>0.1"]] == 1.0 and fa[IDX["SNN_COSEn_frac>-1.4"]] > 0.9


def test_degenerate_records_give_nan():
    assert np.isnan(stable_nn_features(np.zeros(3000), FS)).all()  # flat lead
    x, r = _ecg(np.full(10, 800.0))  # 10 intervals: no 12-interval stretch
    f = stable_nn_features(x, FS, rpeaks=r)
    assert f[IDX["SNN_cover"]] == 0.0 and np.isnan(f[1:]).all()
    with pytest.raises(ValueError, match="1-D"):
        stable_nn_features(np.zeros((2, 3000)), FS)


def test_matrix_and_blocks_columns():
    rng = np.random.default_rng(1)
    x, r = _ecg(rng.uniform(450, 1000, 40))
    sig = [x + 0.01 * rng.standard_normal(x.size), x]
    m = af_feature_matrix(sig, FS, rhythm_profile=True, stable_nn=True)
    base = af_feature_matrix(sig, FS, rhythm_profile=True)
    assert m.X.shape == (2, 199) and m.feature_names[193:] == STABLE_NN_NAMES
    np.testing.assert_array_equal(m.X[:, :193], base.X)
    np.testing.assert_array_equal(m.X[:, 193:], np.vstack([stable_nn_features(s, FS) for s in sig]))
    with pytest.raises(ValueError, match="n_crops"):
        af_feature_matrix(sig, FS, stable_nn=True, n_crops=1)
    X = rng.standard_normal((4, 199))
    np.testing.assert_array_equal(AFFeatureBlocks().fit_transform(X), X[:, :193])
    np.testing.assert_array_equal(AFFeatureBlocks(stable_nn=True).fit_transform(X), X)
    got = AFFeatureBlocks(rhythm_profile=False, stable_nn=True).fit_transform(X)
    np.testing.assert_array_equal(got, np.hstack([X[:, :107], X[:, 193:]]))
    with pytest.raises(ValueError, match="stable_nn"):
        AFFeatureBlocks(stable_nn=True).fit(X[:, :193])
