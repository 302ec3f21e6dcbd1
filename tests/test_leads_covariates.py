"""LeadReconstructor(covariate_weight=w): age and sex in the choice of the neighbour maps."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor, limb_leads
from geoecg.leads._neighbours import MAP_WEIGHT

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def _sex_map_cohort(n=40, T=1000, seed=0):
    """Lead I alike in everyone; the other leads a sex-specific map of it (sex = k % 2)."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    c = np.array([0.5, 1.0, 1.5, 1.2, 0.9, 0.6])
    X = np.zeros((n, 12, T))
    sex = (np.arange(n) % 2).astype(float)
    for k in range(n):
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.5, rng.uniform(0.75, 0.95))
        s = sum(np.exp(-((t - p) ** 2) / (2 * 0.015**2)) for p in peaks) * rng.uniform(0.8, 1.2)
        s = s + 0.003 * rng.standard_normal(T)
        f = sex[k] == 1
        X[k, :6] = limb_leads(s, (-0.6 if f else 0.8) * s)
        X[k, 6:] = (-s if f else s)[None] * c[:, None]
    age = rng.uniform(20, 80, n)
    return X, np.column_stack([age, sex])


def _neighbour_part(pop, nbm, X, C):
    R0, R1 = pop.transform(X), nbm.transform(X, covariates=C)
    nb = (R1[:, 1:] - (1 - MAP_WEIGHT) * R0[:, 1:]) / MAP_WEIGHT
    a = X[:, 1:] - X[:, 1:].mean(-1, keepdims=True)
    b = nb - nb.mean(-1, keepdims=True)
    return ((a * b).sum(-1) / np.sqrt((a * a).sum(-1) * (b * b).sum(-1))).mean()


def test_covariates_choose_the_neighbours_the_source_lead_cannot():
    X, C = _sex_map_cohort()
    tr, te = slice(0, 30), slice(30, None)
    pop = LeadReconstructor(("I",), **DESIGN).fit(X[tr])
    base = LeadReconstructor(("I",), map_neighbors=5, **DESIGN).fit(X[tr], covariates=C[tr])
    cov = clone(base).set_params(covariate_weight=100.0).fit(X[tr], covariates=C[tr])
    assert _neighbour_part(pop, cov, X[te], C[te]) > 0.97  # same sex (seen 0.98)
    assert _neighbour_part(pop, base, X[te], C[te]) < 0.5  # both sexes mixed (seen 0.27)
    assert cov.neighbour_maps_.cov.shape == (30, 2)
    np.testing.assert_allclose(cov.neighbour_maps_.cov_scale, 4.0)  # two z-scored columns


def test_zero_weight_or_unknown_covariates_give_the_default_bit_for_bit():
    X, C = _sex_map_cohort(n=24, seed=1)
    ref = LeadReconstructor(("I",), map_neighbors=3, **DESIGN).fit(X[:20])
    R = ref.transform(X[20:])
    w0 = clone(ref).fit(X[:20], covariates=C[:20])
    np.testing.assert_array_equal(w0.transform(X[20:], covariates=C[20:]), R)
    w1 = clone(ref).set_params(covariate_weight=1.0).fit(X[:20], covariates=C[:20])
    np.testing.assert_array_equal(w1.transform(X[20:]), R)  # None: every covariate unknown
    np.testing.assert_array_equal(w1.transform(X[20:], covariates=np.full((4, 2), np.nan)), R)
    assert not np.array_equal(w1.transform(X[20:], covariates=C[20:]), R)
    nofit = clone(ref).set_params(covariate_weight=1.0).fit(X[:20])  # fitted without them
    assert nofit.neighbour_maps_.cov is None
    np.testing.assert_array_equal(nofit.transform(X[20:], covariates=C[20:]), R)
    s = w1.score_leads(X[20:], covariates=C[20:])
    assert s.r.shape == (4, 11) and np.isfinite(s.r).all()


@pytest.mark.parametrize(
    ("kw", "cov", "exc", "match"),
    [
        ({"covariate_weight": -1.0}, None, ValueError, "covariate_weight"),
        ({"covariate_weight": "x"}, None, (TypeError, ValueError), "covariate_weight"),
        ({"covariate_weight": 1.0, "map_neighbors": 0}, None, ValueError, "map_neighbors"),
        ({}, np.zeros((20, 3)), ValueError, r"covariates must have shape \(n_records, 2\)"),
        ({}, np.zeros(20), ValueError, "covariates must have shape"),
        ({}, np.full((20, 2), np.inf), ValueError, "inf"),
        ({}, np.column_stack([np.full(20, -5.0), np.zeros(20)]), ValueError, "age"),
        ({}, np.column_stack([np.full(20, 50.0), np.full(20, 2.0)]), ValueError, "sex"),
        ({}, np.full((20, 2), "a"), TypeError, "covariates must hold numbers"),
    ],
)
def test_bad_covariates_and_weight_are_named(kw, cov, exc, match):
    X, _ = _sex_map_cohort(n=20, seed=2)
    est = LeadReconstructor(("I",), **{"map_neighbors": 3, **kw}, **DESIGN)
    with pytest.raises(exc, match=match):
        est.fit(X, covariates=cov)
