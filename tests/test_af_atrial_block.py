"""The atrial-activity block as an option of the AF feature matrix (registry item 11 of
docs/benchmarks/af.md): f-wave, TQ and consecutive-beat features at each record's (and each
crop's) own R-peaks, appended after the rhythm profile."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.datasets import sample_cinc2017_dir
from geoecg.features.af import ATRIAL_NAMES, af_feature_matrix, atrial_activity_features
from geoecg.features.af.atrial import _atrial_features_batch, _atrial_record_features
from geoecg.features.af.crops import af_crop_features, crop_bounds
from geoecg.features.rpeaks import detect_rpeaks
from geoecg.io import CinC2017

FS = 300.0


def _records(n=2):
    db = CinC2017(sample_cinc2017_dir())
    return [db.read(r).signal[0] for r in db.records()[:n]]


def test_record_block_is_the_atrial_features_at_the_record_features_peaks():
    x = _records(1)[0]
    peaks = detect_rpeaks(x, FS, track=False).indices
    got = _atrial_record_features(x, FS)
    np.testing.assert_array_equal(got, atrial_activity_features(x, FS, peaks))
    assert got.shape == (len(ATRIAL_NAMES),)
    assert np.isfinite(got).sum() >= 6  # a real 30-s record: the block is defined
    np.testing.assert_array_equal(_atrial_record_features(x[None, :], FS), got)


@pytest.mark.parametrize(
    "x", [np.zeros(3000), np.full(3000, np.nan), np.ones(100), np.r_[np.ones(2999), np.nan]]
)
def test_degenerate_records_give_nan(x):
    assert np.isnan(_atrial_record_features(x, FS)).all()


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="one lead"):
        _atrial_record_features(np.zeros((2, 3000)), FS)
    with pytest.raises(ValueError):
        _atrial_record_features(np.zeros(3000), -1.0)
    with pytest.raises(ValueError, match="infinite"):
        _atrial_record_features(np.r_[np.ones(2999), np.inf], FS)
    with pytest.raises(ValueError, match="atrial_features_batch"):
        _atrial_features_batch(np.zeros(3000), FS)  # one signal, not a list of records


def test_matrix_appends_the_block_after_the_rhythm_profile_and_to_the_crops(tmp_path):
    sigs = _records(2)
    keys = ["r0", "r1"]
    base = af_feature_matrix(sigs, FS, rhythm_profile=True, n_crops=2, crop_frac=0.7)
    m = af_feature_matrix(
        sigs, FS, rhythm_profile=True, atrial=True, n_crops=2, keys=keys, cache_dir=tmp_path
    )
    assert m.X.shape == (2, 193 + 8) and m.crops.shape == (4, 193 + 8)
    assert m.feature_names[193:] == tuple(ATRIAL_NAMES)
    np.testing.assert_array_equal(m.X[:, :193], base.X)  # the protocol's columns unchanged
    np.testing.assert_array_equal(m.crops[:, :193], base.crops)
    np.testing.assert_array_equal(m.crop_owner, base.crop_owner)
    for i, x in enumerate(sigs):
        np.testing.assert_array_equal(m.X[i, 193:], _atrial_record_features(x, FS))
    a, b = crop_bounds(sigs[1].size, FS, 2, 0.7, index=1)[0]
    np.testing.assert_array_equal(m.crops[2, 193:], _atrial_record_features(sigs[1][a:b], FS))
    again = af_feature_matrix(
        sigs, FS, rhythm_profile=True, atrial=True, n_crops=2, keys=keys, cache_dir=tmp_path
    )
    np.testing.assert_array_equal(again.X, m.X)  # read back from the per-record cache
    no_rp = af_feature_matrix(sigs, FS, atrial=True)
    assert no_rp.X.shape == (2, 107 + 8)
    F, owner = af_crop_features(sigs, FS, 2, 0.7, atrial=True)
    assert F.shape == (4, 107 + 8) and owner.tolist() == [0, 0, 1, 1]
