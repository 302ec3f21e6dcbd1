"""LeadReconstructor(map_qrs_weight=w): a QRS block in the neighbour maps' descriptor distance.

Registered attempt (docs/benchmarks/leads.md, session 20, second entry).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor
from geoecg.leads._neighbours import source_descriptors
from geoecg.leads._templates import _window, median_beats
from tests.test_leads_neighbours import _two_map_cohort

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def _desc(X):
    B, peaks = median_beats(X[:, :1], [0], FS)
    return source_descriptors(B[:, 0], peaks, FS, _window(FS)[0])


def test_zero_weight_is_the_default_bit_for_bit():
    X, _ = _two_map_cohort(n=30)
    a = LeadReconstructor(("I",), map_neighbors=5, **DESIGN).fit(X[:20])
    b = clone(a).set_params(map_qrs_weight=0.0).fit(X[:20])
    assert np.array_equal(a.transform(X[20:]), b.transform(X[20:]))


def test_qrs_block_adds_the_weighted_qrs_distance():
    X, _ = _two_map_cohort(n=30)
    a = LeadReconstructor(("I",), map_neighbors=5, **DESIGN).fit(X[:20])
    b = clone(a).set_params(map_qrs_weight=2.0).fit(X[:20])
    shape, scalars, ok = _desc(X[20:])
    assert ok.all()
    bank = b.neighbour_maps_
    pre, half = _window(FS)[0], 6
    assert (bank.qrs_lo, bank.qrs_hi) == (pre - half, pre + half + 1)
    q, qb = shape[:, bank.qrs_lo : bank.qrs_hi], bank.shape[:, bank.qrs_lo : bank.qrs_hi]
    dq = ((q[:, None] - qb[None]) ** 2).sum(-1)
    extra = b.neighbour_maps_.distances(shape, scalars) - a.neighbour_maps_.distances(
        shape, scalars
    )
    np.testing.assert_allclose(extra, 2.0 * dq / bank.qrs_scale, atol=1e-9)
    assert np.isfinite(b.transform(X[20:])).all()


@pytest.mark.parametrize("bad", [-1.0, np.nan, "1"])
def test_bad_weight_is_a_clear_error(bad):
    X, _ = _two_map_cohort(n=10)
    with pytest.raises((ValueError, TypeError), match="map_qrs_weight"):
        LeadReconstructor(("I",), map_neighbors=3, map_qrs_weight=bad, **DESIGN).fit(X)
