"""ExtraRecordsReconstructor and ludb_training_records (registered attempt, session 24)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor, limb_leads
from geoecg.leads._extra import ExtraRecordsReconstructor, ludb_training_records

FS = 100.0


def _cohort(n, seed, T=1000):
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    c = np.array([0.5, 1.0, 1.5, 1.2, 0.9, 0.6])
    X = np.zeros((n, 12, T))
    for k in range(n):
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.5, rng.uniform(0.7, 1.1))
        s = sum(np.exp(-((t - p) ** 2) / (2 * 0.015**2)) for p in peaks)
        s = s + 0.003 * rng.standard_normal(T)
        X[k, :6] = limb_leads(s, rng.uniform(0.5, 1.0) * s)
        X[k, 6:] = s[None] * c[:, None]
    return X


def _base():
    return LeadReconstructor(
        ("I",), fs=FS, n_taps=2, phase_edges_s=BEAT_PHASE_EDGES_S, rectified=True,
        template_neighbors=3, map_neighbors=5,
    )  # fmt: skip


def test_no_extra_is_the_base_bit_for_bit():
    X, Xt = _cohort(20, 0), _cohort(5, 1)
    ref = _base().fit(X).transform(Xt)
    for extra in (None, np.zeros((0, 12, 1000))):
        m = ExtraRecordsReconstructor(_base(), extra=extra).fit(X)
        assert m.n_extra_ == 0
        assert np.array_equal(m.transform(Xt), ref)


def test_extra_equals_fitting_on_the_concatenation():
    X, E, Xt = _cohort(15, 0), _cohort(8, 2), _cohort(5, 1)
    ref = _base().fit(np.concatenate([X, E])).transform(Xt)
    m = ExtraRecordsReconstructor(_base(), extra=E).fit(X)
    out = m.transform(Xt)
    assert m.n_extra_ == 8
    assert np.array_equal(out, ref)
    assert not np.array_equal(out, _base().fit(X).transform(Xt))
    assert len(m.base_.neighbour_maps_.coef) == 23  # the extra records are in the bank


def test_clone_pickle_and_score():
    X, E, Xt = _cohort(15, 0), _cohort(4, 2), _cohort(5, 1)
    m = ExtraRecordsReconstructor(_base(), extra=E)
    c = clone(m)
    assert c.extra is not E and np.array_equal(c.extra, E)
    a, b = m.fit(X).transform(Xt), c.fit(X).transform(Xt)
    assert np.array_equal(a, b)
    p = pickle.loads(pickle.dumps(m))
    assert np.array_equal(p.transform(Xt[:, [0]]), a)
    s = m.score_leads(Xt)
    assert s.r.shape == (5, 11) and np.nanmean(s.r) > 0.5


def test_invalid_records_follow_the_base():
    X, E = _cohort(15, 0), _cohort(4, 2)
    base = _base().set_params(on_invalid="nan")
    m = ExtraRecordsReconstructor(base, extra=E).fit(X)
    S = _cohort(2, 1)[:, [0]]
    S[1] = 0.0
    R = m.transform(S)
    assert m.invalid_records_.tolist() == [1]
    assert np.isnan(R[1, 1:]).all() and np.isfinite(R[0]).all()


def test_bad_input():
    X = _cohort(6, 0)
    with pytest.raises(ValueError, match="base must be a LeadReconstructor"):
        ExtraRecordsReconstructor(None).fit(X)
    with pytest.raises(ValueError, match=r"extra must have shape \(n_extra, 12, 1000\)"):
        ExtraRecordsReconstructor(_base(), extra=np.zeros((2, 12, 900))).fit(X)
    with pytest.raises(ValueError, match=r"extra must have shape"):
        ExtraRecordsReconstructor(_base(), extra=np.zeros((2, 3, 1000))).fit(X)
    with pytest.raises(ValueError, match="dimensions"):
        ExtraRecordsReconstructor(_base(), extra=np.zeros((12, 1000))).fit(X)
    with pytest.raises(ValueError, match="subset must be one of"):
        ludb_training_records("/nonexistent", subset="afib")
    with pytest.raises(ValueError, match="fs must be a positive"):
        ludb_training_records("/nonexistent", fs=0)


def _ludb():
    root = Path(os.environ.get("GEOECG_DATA", "")) / "ludb"
    if not (root / "ludb.csv").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("GEOECG_DATA/ludb is missing under CI")
        pytest.skip("real LUDB data not found (set GEOECG_DATA)")
    return root


def test_ludb_training_records_real():
    root = _ludb()
    X, names = ludb_training_records(root, fs=100.0)
    assert X.shape == (100, 12, 1000) and len(names) == 100 and names[0] == "1"
    assert np.isfinite(X).all()
    # the raw units keep Einthoven's relation (III = II - I) after resampling and filtering
    assert np.abs(X[:, 2] - (X[:, 1] - X[:, 0])).max() < 2e-3  # the 1-uV quantisation
    ptp = np.ptp(X, axis=-1).mean(axis=1)
    assert 0.3 < np.median(ptp) < 5.0  # mV, physiological
    S, sn = ludb_training_records(root, fs=100.0, subset="sinus")
    assert S.shape == (87, 12, 1000) and set(sn) < set(names)
    assert np.array_equal(S[0], X[names.index(sn[0])])
