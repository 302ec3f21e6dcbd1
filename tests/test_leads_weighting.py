"""Record-and-lead weighted population maps (``LeadReconstructor(target_weighting=g)``)."""

import numpy as np
import pytest

from geoecg.leads import BEAT_PHASE_EDGES_S, STANDARD_LEADS, LeadReconstructor
from geoecg.leads._weighting import TARGET_SD_FLOOR_MV, target_weights

FS = 100.0


def _records(n=12, T=600, seed=0, gains=None):
    """Synthetic 12-lead records: spiky source-like beats, targets = fixed mixes + noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(T) / FS
    X = np.zeros((n, 12, T))
    for i in range(n):
        rr = 0.7 + 0.3 * rng.random()
        beats = np.arange(0.3, T / FS, rr)
        base = sum(np.exp(-((t - b) ** 2) / (2 * 0.012**2)) for b in beats)
        twave = sum(0.3 * np.exp(-((t - b - 0.25) ** 2) / (2 * 0.04**2)) for b in beats)
        src = base + twave + 0.01 * rng.standard_normal(T)
        mix = rng.normal(1.0, 0.3, 12)
        X[i] = mix[:, None] * src[None] + 0.02 * rng.standard_normal((12, T))
        if gains is not None:
            X[i, 2:] *= gains[i]
    return X


def _rec(**kw):
    kw = {"fs": FS, "phase_edges_s": BEAT_PHASE_EDGES_S, "rectified": True, "n_taps": 2, **kw}
    return LeadReconstructor(("I",), "population", **kw)


def test_target_weights_normalised_and_floored():
    Y = np.zeros((3, 2, 50))
    Y[0, 0] = np.sin(np.arange(50))  # SD about 0.7 mV
    Y[1, 0] = 0.1 * np.sin(np.arange(50))
    # record 2 lead 0 and every record's lead 1 are flat: the floor holds their weight finite
    w = target_weights(Y, 1.0)
    assert np.isfinite(w).all()
    assert np.allclose(w.mean(axis=0), 1.0)
    assert w[1, 0] > w[0, 0] and w[2, 0] > w[1, 0]
    assert np.allclose(w[:, 1], 1.0)  # all at the floor: equal weights
    assert TARGET_SD_FLOOR_MV == 0.05
    assert np.allclose(target_weights(Y, 0.0), 1.0)


def test_equal_amplitudes_give_the_plain_fit():
    X = _records()
    X[:, 1:] /= X[:, 1:].std(axis=-1, keepdims=True)  # every target record-lead at SD 1 mV
    plain = _rec().fit(X)
    weighted = _rec(target_weighting=1.0).fit(X)
    assert np.allclose(weighted.coef_, plain.coef_, rtol=1e-8, atol=1e-10)
    assert np.allclose(weighted.phase_coef_, plain.phase_coef_, rtol=1e-8, atol=1e-10)


def test_zero_is_the_plain_fit_bit_for_bit():
    X = _records()
    a = _rec().fit(X)
    b = _rec(target_weighting=0.0).fit(X)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.phase_coef_, b.phase_coef_)
    assert np.array_equal(a.transform(X), b.transform(X))


def test_weighting_moves_the_map_towards_small_records():
    # two groups: small-target records (gain 0.2) and large ones (gain 5) with other mixes;
    # the weighted fit must move each lead's map towards the small group's own fit
    g = np.r_[np.full(6, 0.2), np.full(6, 5.0)]
    X = _records(gains=g, seed=3)
    X[6:, 2:] = X[6:, 2:][:, ::-1]  # the large group maps the source to other leads
    small = _rec().fit(X[:6])
    plain = _rec().fit(X)
    weighted = _rec(target_weighting=1.0).fit(X)
    d_plain = np.abs(plain.coef_ - small.coef_).sum()
    d_weighted = np.abs(weighted.coef_ - small.coef_).sum()
    assert d_weighted < 0.5 * d_plain


def test_without_phases_and_with_neighbours():
    X = _records(n=10)
    rec = LeadReconstructor(("II",), "population", n_taps=1, target_weighting=0.5).fit(X)
    assert rec.phase_coef_ is None and np.isfinite(rec.coef_).all()
    R = _rec(target_weighting=1.0, map_neighbors=3, template_neighbors=2).fit(X).transform(X)
    assert R.shape == X.shape and np.isfinite(R).all()


@pytest.mark.parametrize("bad", [-0.5, np.nan, np.inf])
def test_bad_values_raise(bad):
    with pytest.raises(ValueError, match="target_weighting"):
        _rec(target_weighting=bad).fit(_records(n=4))


def test_wrong_type_and_method():
    with pytest.raises(TypeError, match="target_weighting"):
        _rec(target_weighting="1").fit(_records(n=4))
    for method in ("gaussian", "patient"):
        with pytest.raises(ValueError, match="target_weighting applies to the population"):
            LeadReconstructor(("I",), method, fs=FS, target_weighting=1.0).fit(_records(n=4))


def test_flat_source_and_nan_behave_as_the_default():
    X = _records()
    a, b = _rec(), _rec(target_weighting=1.0)
    a.fit(X)
    b.fit(X)
    flat = np.zeros((1, 1, X.shape[2]))
    gap = X[:1, :1].copy()
    gap[0, 0, 100:150] = np.nan
    for S in (flat, gap):
        msgs = []
        for rec in (a, b):
            with pytest.raises(ValueError) as e:
                rec.transform(S)
            msgs.append(str(e.value))
        assert msgs[0] == msgs[1]
    b.set_params(on_invalid="nan")
    R = b.transform(gap)
    assert np.isnan(R[0, 1:]).all() and b.invalid_records_.tolist() == [0]
    assert STANDARD_LEADS[0] == "I"
