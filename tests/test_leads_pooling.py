"""LeadReconstructor(map_pooling="normal_equations"): the neighbours' pooled normal equations
(session-19 registered attempt)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from test_leads_neighbours import _two_map_cohort

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor
from geoecg.leads._neighbours import MAP_WEIGHT

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def test_one_neighbour_pooled_is_its_own_map():
    """Ridge and phase prior are relative to the Gram scale: one neighbour's normalised
    normal equations give exactly that neighbour's own maps."""
    X, _ = _two_map_cohort(n=24, seed=3)
    mean = LeadReconstructor(("I",), map_neighbors=1, **DESIGN).fit(X[:20])
    pooled = clone(mean).set_params(map_pooling="normal_equations").fit(X[:20])
    bank = pooled.neighbour_maps_
    assert bank.gram.shape == (20, 11, 11, 11) and bank.rhs.shape == (20, 11, 11, 11)
    assert mean.neighbour_maps_.gram is None
    np.testing.assert_allclose(pooled.transform(X[20:]), mean.transform(X[20:]), atol=1e-9)


def test_default_is_the_mean_of_the_maps_bit_for_bit():
    X, _ = _two_map_cohort(n=24, seed=4)
    a = LeadReconstructor(("I",), map_neighbors=5, **DESIGN).fit(X[:20]).transform(X[20:])
    b = LeadReconstructor(("I",), map_neighbors=5, map_pooling="mean", **DESIGN)
    np.testing.assert_array_equal(b.fit(X[:20]).transform(X[20:]), a)


def test_pooled_neighbours_recover_the_group_map():
    X, group = _two_map_cohort()
    tr, te = slice(0, 40), slice(40, None)
    pop = LeadReconstructor(("I",), **DESIGN).fit(X[tr])
    nbm = clone(pop).set_params(map_neighbors=5, map_pooling="normal_equations").fit(X[tr])
    R0, R1 = pop.transform(X[te]), nbm.transform(X[te])
    nb = (R1[:, 1:] - (1 - MAP_WEIGHT) * R0[:, 1:]) / MAP_WEIGHT
    a = X[te][:, 1:] - X[te][:, 1:].mean(-1, keepdims=True)
    b = nb - nb.mean(-1, keepdims=True)
    r = (a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))
    assert r.min() > 0.99
    mean = clone(nbm).set_params(map_pooling="mean").fit(X[tr]).transform(X[te])
    assert not np.allclose(mean, R1)  # another estimator, not the same numbers


def test_pooling_errors():
    X, _ = _two_map_cohort(n=24, seed=5)
    est = LeadReconstructor(("I",), map_neighbors=3, **DESIGN).fit(X[:20])
    with pytest.raises(ValueError, match="fit the reconstructor with that setting"):
        clone(est).fit(X[:20]).set_params(map_pooling="normal_equations").transform(X[20:])
    with pytest.raises(ValueError, match="map_pooling must be one of"):
        clone(est).set_params(map_pooling="median").fit(X[:20])
