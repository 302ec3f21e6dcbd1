"""LeadReconstructor(kernel_features=D): a random-Fourier-feature residual on the linear map."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.leads import BEAT_PHASE_EDGES_S, LeadReconstructor, limb_leads

FS = 100.0
DESIGN = {"n_taps": 2, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "fs": FS}


def _square_cohort(n=40, T=800, seed=0):
    """Lead I = a beat train of random amplitude; chest leads = c * I**2 (not linear in I)."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    c = np.array([0.5, 1.0, 1.5, 1.2, 0.9, 0.6])
    X = np.zeros((n, 12, T))
    for k in range(n):
        rr = rng.uniform(0.7, 1.1)
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.3, rr)
        s = sum(np.exp(-((t - p) ** 2) / (2 * 0.02**2)) for p in peaks)
        s = s * rng.uniform(0.4, 1.6) + 0.002 * rng.standard_normal(T)
        X[k, :6] = limb_leads(s, 0.7 * s)
        X[k, 6:] = c[:, None] * (s**2)[None]
    return X


def _chest(est, X, col):
    return est.score_leads(X).to_frame().loc[["V1", "V2", "V3", "V4", "V5", "V6"], col]


def test_kernel_residual_learns_what_the_linear_map_cannot():
    X = _square_cohort()
    tr, te = slice(0, 30), slice(30, None)
    lin = LeadReconstructor(("I",), **DESIGN).fit(X[tr])
    ker = clone(lin).set_params(kernel_features=256, kernel_alpha=1e-3).fit(X[tr])
    assert ker.kernel_.coef.shape == (256, 11)
    # r is blind to the per-record amplitude that makes I**2 nonlinear; the RMSE is not
    assert _chest(ker, X[te], "r_mean").min() >= _chest(lin, X[te], "r_mean").min()
    assert (_chest(ker, X[te], "rmse_uv") < 0.5 * _chest(lin, X[te], "rmse_uv")).all()


def test_kernel_off_is_the_linear_map_and_the_fit_is_deterministic():
    X = _square_cohort(n=20)
    base = LeadReconstructor(("II",), **DESIGN).fit(X[:15])
    off = LeadReconstructor(("II",), kernel_features=0, **DESIGN).fit(X[:15])
    assert off.kernel_ is None
    assert np.array_equal(base.transform(X[15:]), off.transform(X[15:]))
    a = LeadReconstructor(("II",), kernel_features=64, **DESIGN).fit(X[:15])
    b = clone(a).fit(X[:15])
    assert np.array_equal(a.transform(X[15:]), b.transform(X[15:]))
    assert clone(a).get_params()["kernel_features"] == 64


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kernel_features": -1}, "kernel_features"),
        ({"kernel_features": 2.5}, "kernel_features"),
        ({"kernel_features": 8, "method": "gaussian"}, "kernel_features"),
        ({"kernel_features": 8, "kernel_scale": 0.0}, "kernel_scale"),
        ({"kernel_features": 8, "kernel_alpha": np.nan}, "kernel_alpha"),
        ({"kernel_features": 8, "fs": None}, "fs"),
    ],
)
def test_kernel_parameters_are_checked(kwargs, match):
    X = _square_cohort(n=4, T=300)
    params = {**DESIGN, **kwargs}
    with pytest.raises(ValueError, match=match):
        LeadReconstructor(("I",), **params).fit(X)
