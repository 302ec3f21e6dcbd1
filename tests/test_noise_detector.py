"""Noise-stress training data (em recovery, mixing, labels) and the NoiseDetector."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from geoecg.datasets import sample_cinc2017_dir, sample_record_path
from geoecg.datasets.noise_training import (
    cinc2017_windows,
    mitdb_noise_windows,
    recover_em_noise,
)
from geoecg.features import NOISE_FEATURE_NAMES, NoiseDetector, noise_window_features
from geoecg.io import read_mitdb, read_nstdb, read_record
from geoecg.signal import snr_db


def test_em_recovery_matches_every_noisy_record(mitdb_dir, nstdb_dir):
    em = recover_em_noise(nstdb_dir, mitdb_dir)
    assert em.shape[0] == 2 and em.shape[1] > 60 * 360
    clean = read_mitdb("118", mitdb_dir, annotator=None).signal
    noisy = read_nstdb("118e00", nstdb_dir, annotator=None).signal
    d = noisy - clean
    d = d - np.median(d[:, : 5 * 60 * 360], axis=1, keepdims=True)  # the -5.12 mV offset
    block = d[0, 5 * 60 * 360 : 7 * 60 * 360]  # first noise block, minutes 5-7
    seg = em[0, : block.size]
    assert abs(np.corrcoef(seg, block)[0, 1]) > 0.999
    # em comes from the lowest-SNR record (118e_6), whose gain is 1.996 x that of 118e00
    # (data README); an offset left in would also break this ratio
    assert np.std(seg) / np.std(block) == pytest.approx(1.996, rel=0.01)
    assert abs(np.mean(seg - 1.996 * block)) < 0.05


def test_mixtures_have_the_requested_snr_and_labels(mitdb_dir, nstdb_dir):
    W = mitdb_noise_windows(
        mitdb_dir, nstdb_dir, records=["101", "118"], windows_per_record=2, random_state=0
    )
    assert np.array_equal(W.y, (W.snr_db < 10).astype(int))
    assert set(W.noise) == {"none", "bw", "ma", "em"}
    rec = read_mitdb("101", mitdb_dir)
    L = int(10 * W.fs)
    # each clean window is followed by its mixtures: check the realised SNR (NST convention)
    i = 0
    checked = 0
    while i < len(W.windows):
        if W.noise[i] == "none" and W.record[i] == "101":
            clean = W.windows[i]
            start = (
                int(
                    np.flatnonzero(
                        np.all(
                            np.lib.stride_tricks.sliding_window_view(rec.signal[0], L)[::L]
                            == clean,
                            axis=1,
                        )
                    )[0]
                )
                * L
            )
            ann = rec.annotations.sample
            r = ann[(ann >= start) & (ann < start + L)] - start
            j = i + 1
            while j < len(W.windows) and W.noise[j] != "none":
                got = snr_db(clean, W.windows[j] - clean, reference="qrs", rpeaks=r, fs=W.fs)
                assert float(got) == pytest.approx(W.snr_db[j], abs=0.5)
                checked += 1
                j += 1
            i = j
        else:
            i += 1
    assert checked >= 3


def test_noise_parts_are_disjoint(mitdb_dir, nstdb_dir):
    with pytest.raises(ValueError, match="noise_part"):
        mitdb_noise_windows(mitdb_dir, nstdb_dir, noise_part="third")


def test_cinc_windows_labels():
    W = cinc2017_windows(sample_cinc2017_dir())
    assert set(np.unique(W.y)) == {0, 1}
    assert np.array_equal(W.y == 1, W.noise == "~")
    assert all(w.size >= 1500 for w in W.windows)


def _toy_windows(seed, n=12):
    """Clean 10-s excerpts of the embedded 101 and the same with strong white noise."""
    rng = np.random.default_rng(seed)
    x = read_record(sample_record_path("mitdb_101")).signal[0]
    starts = rng.choice(np.arange(0, x.size - 3600, 900), n, replace=False)
    clean = [x[s : s + 3600] for s in starts[: n // 2]]
    noisy = [x[s : s + 3600] + rng.standard_normal(3600) * 0.4 for s in starts[n // 2 :]]
    return np.array(clean + noisy), np.array([0] * (n // 2) + [1] * (n - n // 2))


def test_detector_contract_and_signal():
    X, y = _toy_windows(0)
    det = NoiseDetector(fs=360.0, max_iter=30, min_samples_leaf=2, random_state=0)
    with pytest.raises(NotFittedError):
        det.predict(X)
    det.fit(X, y)
    p = det.predict_proba(X)[:, 1]
    X2, y2 = _toy_windows(1)
    assert roc_auc_score(y2, det.predict_proba(X2)[:, 1]) > 0.9
    # precomputed features give the same model
    F = noise_window_features(X, 360.0)
    assert F.shape == (len(X), len(NOISE_FEATURE_NAMES))
    det2 = NoiseDetector(precomputed=True, max_iter=30, min_samples_leaf=2, random_state=0).fit(
        F, y
    )
    np.testing.assert_allclose(det2.predict_proba(F)[:, 1], p)
    # clone, pickle, fit twice, input untouched
    X_copy = X.copy()
    again = clone(det).fit(X, y)
    np.testing.assert_allclose(again.predict_proba(X)[:, 1], p)
    np.testing.assert_allclose(pickle.loads(pickle.dumps(det)).predict_proba(X)[:, 1], p)
    assert np.array_equal(X, X_copy)
    with pytest.raises(ValueError, match="fs"):
        NoiseDetector().fit(X, y)
    with pytest.raises(ValueError):
        det.fit(X, y[:-1])


def test_degenerate_windows_do_not_crash():
    W = [np.zeros(3600), np.full(3600, np.nan), np.ones(100), np.random.default_rng(0).random(3600)]
    F = noise_window_features(W, 360.0)
    assert F.shape == (4, len(NOISE_FEATURE_NAMES))
    assert np.isnan(F[1]).sum() > 0
