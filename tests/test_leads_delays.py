"""LeadReconstructor(delays_s=...): further delays of the source lead in the maps' design."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor, limb_leads

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def _delayed_cohort(n=30, T=1000, lag=12, seed=0):
    """Lead I = a beat train; the chest leads = lead I delayed by ``lag`` samples, scaled."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    X = np.zeros((n, 12, T))
    for k in range(n):
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.5, rng.uniform(0.7, 1.1))
        s = sum(np.exp(-((t - p) ** 2) / (2 * 0.02**2)) for p in peaks)
        s = s + 0.003 * rng.standard_normal(T)
        X[k, :6] = limb_leads(s, 0.8 * s)
        X[k, 6:] = np.roll(s, lag)[None] * np.linspace(0.5, 1.5, 6)[:, None]
    return X


def test_a_delay_reaches_a_lagged_relation_the_taps_cannot():
    X = _delayed_cohort()
    base = LeadReconstructor(("I",), **DESIGN).fit(X[:20])
    wide = clone(base).set_params(delays_s=(0.06, 0.12)).fit(X[:20])
    chest = base.score_leads(X[20:]).to_frame()["r_mean"].iloc[-6:].mean()
    chest_wide = wide.score_leads(X[20:]).to_frame()["r_mean"].iloc[-6:].mean()
    assert chest_wide > 0.99 > chest + 0.05
    # 11 columns (5 taps, their |x|, an intercept) + 2 delays x 2 signs x (x, |x|)
    assert base.coef_.shape[0] == 11 and wide.coef_.shape[0] == 19


def test_none_is_the_map_without_delays_and_params_round_trip():
    X = _delayed_cohort(n=12)
    a = LeadReconstructor(("II",), **DESIGN).fit(X)
    b = LeadReconstructor(("II",), delays_s=None, **DESIGN).fit(X)
    assert np.array_equal(a.transform(X), b.transform(X))
    assert clone(a.set_params(delays_s=(0.05,))).get_params()["delays_s"] == (0.05,)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"delays_s": ()}, "delays > 0 s"),
        ({"delays_s": (0.1, -0.2)}, "delays > 0 s"),
        ({"delays_s": (0.1, np.nan)}, "delays > 0 s"),
        ({"delays_s": 0.1}, "delays > 0 s"),
        ({"delays_s": ("a",)}, "delays > 0 s"),
        ({"delays_s": (0.2, 0.1)}, "strictly increasing"),
        ({"delays_s": (0.01,)}, "exceed n_taps=2"),
        ({"delays_s": (0.051, 0.054)}, "differ from the others"),
        ({"delays_s": (0.1,), "method": "patient"}, "population method"),
        ({"delays_s": (0.1,), "fs": None, "phase_edges_s": None}, "delays_s"),
    ],
)
def test_bad_delays_are_named(kw, match):
    X = _delayed_cohort(n=4)
    with pytest.raises(ValueError, match=match):
        LeadReconstructor(("I",), **{**DESIGN, **kw}).fit(X)


def test_invalid_source_records_behave_as_without_delays():
    X = _delayed_cohort(n=12)
    rec = LeadReconstructor(("I",), delays_s=(0.08,), **DESIGN).fit(X)
    flat = np.zeros((1, 1, 1000))
    gap = X[:1, :1].copy()
    gap[0, 0, 300:400] = np.nan
    for S in (flat, gap):
        with pytest.raises(ValueError, match="records \\[0\\]"):
            rec.transform(S)
    rec.set_params(on_invalid="nan")
    R = rec.transform(np.concatenate([flat, gap, X[:1, :1]]))
    assert rec.invalid_records_.tolist() == [0, 1]
    assert np.isnan(R[:2, 1:]).all() and np.isfinite(R[2]).all()
    with pytest.raises(ValueError, match="leads"):
        rec.transform(X[:1, :3])  # neither 1 source lead nor 12


def test_a_delay_longer_than_the_record_and_three_beats_stay_finite():
    X = _delayed_cohort(n=12)
    rec = LeadReconstructor(("I",), delays_s=(0.08, 3.0), **DESIGN).fit(X)
    short = X[:2, :1, :150]  # 1.5 s: the 3-s delay repeats the edges
    assert np.isfinite(rec.transform(short)).all()
    three = np.zeros((1, 1, 1000))
    t = np.arange(1000) / FS
    three[0, 0] = sum(np.exp(-((t - p) ** 2) / (2 * 0.02**2)) for p in (2.0, 5.0, 8.0))
    assert np.isfinite(rec.transform(three)).all()
