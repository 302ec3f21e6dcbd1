"""LeadReconstructor(map_neighbors=k): neighbour-weighted patient maps from one lead."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor, limb_leads
from geoecg.leads._neighbours import MAP_WEIGHT, source_descriptors

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def _two_map_cohort(n=50, T=1000, seed=0, noise=0.003):
    """Lead I = a beat train; the other 11 leads = a group-specific linear map of lead I.

    Group A: narrow beats, RR about 0.8 s, II = 0.8 I, chest = +c I. Group B: wide beats,
    RR about 1.15 s, II = -0.6 I, chest = -c I (delayed one sample). No single map fits both.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    c = np.array([0.5, 1.0, 1.5, 1.2, 0.9, 0.6])
    X = np.zeros((n, 12, T))
    group = np.arange(n) % 2
    for k in range(n):
        b = group[k] == 1
        rr = rng.uniform(1.05, 1.25) if b else rng.uniform(0.7, 0.9)
        width = 0.03 if b else 0.012
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.5, rr)
        s = sum(np.exp(-((t - p) ** 2) / (2 * width**2)) for p in peaks) * rng.uniform(0.8, 1.2)
        s = s + noise * rng.standard_normal(T)
        X[k, :6] = limb_leads(s, (-0.6 if b else 0.8) * s)
        X[k, 6:] = (-np.roll(s, 1) if b else s)[None] * c[:, None]
    return X, group


def test_neighbour_maps_recover_the_group_map_a_population_map_cannot():
    X, group = _two_map_cohort()
    tr, te = slice(0, 40), slice(40, None)
    pop = LeadReconstructor(("I",), **DESIGN).fit(X[tr])
    nbm = clone(pop).set_params(map_neighbors=5).fit(X[tr])
    bank = nbm.neighbour_maps_
    assert bank.coef.shape[0] == 40 and bank.phase_coef.shape[:2] == (40, 10)
    R0, R1 = pop.transform(X[te]), nbm.transform(X[te])
    # the neighbours' part alone: the blend is (1 - w) population + w neighbours
    nb = (R1[:, 1:] - (1 - MAP_WEIGHT) * R0[:, 1:]) / MAP_WEIGHT
    truth = X[te][:, 1:] - X[te][:, 1:].mean(-1, keepdims=True)
    a, b = truth, nb - nb.mean(-1, keepdims=True)
    r = (a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))
    assert r.min() > 0.99
    assert np.abs(b - a).max() < 0.05 * np.abs(a).max()
    r_pop = pop.score_leads(X[te]).to_frame()["r_mean"].mean()
    r_nbm = nbm.score_leads(X[te]).to_frame()["r_mean"].mean()
    assert r_nbm > r_pop + 0.05
    # the nearest records' descriptors come from the same group
    d = bank.distances(*source_descriptors(*_beats(X[te]), FS, 25)[:2])
    near = np.argsort(d, axis=1)[:, :5]
    assert (group[tr][near] == group[te][:, None]).all()


def _beats(X):
    from geoecg.leads._templates import median_beats

    B, peaks = median_beats(X, [0], FS)
    return B[:, 0], peaks


def test_neighbour_maps_contract_and_fallbacks():
    X, _ = _two_map_cohort(n=24, seed=1)
    est = LeadReconstructor(("I",), map_neighbors=3, **DESIGN)
    assert clone(est).get_params()["map_neighbors"] == 3
    est.fit(X[:20])
    R = est.transform(X[20:])
    assert R.shape == (4, 12, 1000) and np.isfinite(R).all()
    np.testing.assert_array_equal(R[:, 0], X[20:, 0])
    np.testing.assert_allclose(est.transform(X[20:, [0]]), R)  # source-only input
    np.testing.assert_allclose(pickle.loads(pickle.dumps(est)).transform(X[20:]), R)
    np.testing.assert_allclose(clone(est).fit(X[:20]).transform(X[20:]), R)
    # a record without beats keeps the population prediction (documented fallback)
    Xf = X[20:].copy()
    Xf[0, 0] = np.linspace(-0.2, 0.2, 1000)
    pop = LeadReconstructor(("I",), **DESIGN).fit(X[:20])
    np.testing.assert_allclose(est.transform(Xf)[0], pop.transform(Xf)[0])
    # NaN and flat sources: clear error, or NaN rows with on_invalid="nan"
    Xn = X[20:].copy()
    Xn[1, 0, 5] = np.nan
    Xn[2, 0] = 0.3
    with pytest.raises(ValueError, match="NaN/inf, are flat"):
        est.transform(Xn)
    Rn = clone(est).set_params(on_invalid="nan").fit(X[:20]).transform(Xn)
    assert np.isnan(Rn[[1, 2], 1:]).all() and np.isfinite(Rn[[0, 3]]).all()
    # R-amplitude map on top: fitted with each record left out of its own neighbours
    q = clone(est).set_params(amplitude="r_quantile").fit(X[:20])
    assert q.amplitude_map_.shape[-1] == 11
    with pytest.raises(ValueError, match="map_neighbors"):
        LeadReconstructor(("I", "II"), map_neighbors=3, **DESIGN).fit(X)
    with pytest.raises(ValueError, match="map_neighbors"):
        LeadReconstructor(("I",), "gaussian", map_neighbors=3, **DESIGN).fit(X)
    with pytest.raises(ValueError, match="map_neighbors"):
        LeadReconstructor(("I",), map_neighbors=-1, **DESIGN).fit(X)
    with pytest.raises(ValueError, match="fs"):
        LeadReconstructor(("I",), map_neighbors=3).fit(X)


def test_single_lead_grid_is_the_registered_setting():
    from geoecg.leads.protocol import SINGLE_LEAD_GRIDS, select_reconstructor

    X, _ = _two_map_cohort(n=18, seed=2)
    rec, chosen = select_reconstructor(("I",), "population", X, np.arange(18) // 2, fs=FS)
    assert chosen["map_neighbors"] == 20 and chosen["template_neighbors"] == 5
    assert rec.neighbour_maps_ is not None and len(SINGLE_LEAD_GRIDS["population"]) == 1
