"""Registered attempt of session 25 (docs/benchmarks/leads.md): amplitude hinge columns."""

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor
from geoecg.leads._hinges import HingeReconstructor

KW = dict(
    source=("II",),
    fs=100,
    n_taps=2,
    phase_edges_s=BEAT_PHASE_EDGES_S,
    rectified=True,
    template_neighbors=3,
    map_neighbors=4,
)


def _records(n=10, seed=18):
    rng = np.random.default_rng(seed)
    t = np.arange(1000) / 100
    beat = np.exp(-(((t % 0.8) - 0.3) ** 2) / 0.0004)
    gains = rng.normal(size=(n, 12, 1))
    return gains * beat + 0.05 * rng.normal(size=(n, 12, 1000))


def test_no_knots_is_the_base_bit_for_bit():
    X = _records()
    a = LeadReconstructor(**KW).fit(X).transform(X)
    b = HingeReconstructor(**KW).fit(X).transform(X)
    assert np.array_equal(a, b)


def test_knots_add_columns_and_change_the_map():
    X = _records()
    base = LeadReconstructor(**KW).fit(X)
    h = HingeReconstructor(knots=(-0.1, 0.1), **KW).fit(X)
    # 5 delays x (x, |x|, 2 hinges) + the phase intercept
    assert h.coef_.shape[0] == 5 * 4 + 1 == base.coef_.shape[0] + 10
    R = h.transform(X)
    assert np.isfinite(R).all() and not np.allclose(R, base.transform(X))
    c = clone(h)
    assert c.knots == (-0.1, 0.1) and c.map_neighbors == 4


def test_a_hinge_above_every_sample_adds_a_zero_column():
    X = _records()
    h = HingeReconstructor(knots=(1e3,), **KW)
    h.fit(X)
    F = h._design(X[:, [1]])
    assert np.all(F[..., 10:15] == 0)


@pytest.mark.parametrize("bad", [(np.nan,), ((0.1, 0.2),), (np.inf,)])
def test_bad_knots_raise(bad):
    with pytest.raises(ValueError, match="knots"):
        HingeReconstructor(knots=bad, **KW).fit(_records())


def test_knots_need_the_population_method():
    with pytest.raises(ValueError, match="population"):
        HingeReconstructor(knots=(0.1,), source=("II",), method="gaussian").fit(_records())


def test_flat_and_nan_source_as_the_base():
    X = _records()
    base = LeadReconstructor(**KW).fit(X)
    h = HingeReconstructor(knots=(-0.1, 0.1), **KW).fit(X)
    bad = X[:3].copy()
    bad[0, 1] = 0.0
    bad[1, 1, 200:300] = np.nan
    msgs = []
    for est in (base, h):
        with pytest.raises(ValueError) as e:
            est.transform(bad)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
    outs = [clone(est).set_params(on_invalid="nan").fit(X).transform(bad) for est in (base, h)]
    assert np.array_equal(np.isnan(outs[0]), np.isnan(outs[1]))
    assert np.isnan(outs[1][:2, 0]).all() and np.isfinite(outs[1][2]).all()
