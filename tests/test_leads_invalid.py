"""LeadReconstructor reliability: unusable training records named, sampling-rate checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

from geoecg.leads import STANDARD_LEADS, LeadReconstructor, limb_leads

V2 = STANDARD_LEADS.index("V2")


def _cohort(n=20, T=300, seed=0):
    """12-lead records from 3 latent sources (I, II, V3) by a fixed map; limb leads exact."""
    rng = np.random.default_rng(seed)
    S = np.cumsum(rng.standard_normal((n, 3, T)), axis=-1) * 0.05
    M = rng.standard_normal((6, 3))
    X = np.empty((n, 12, T))
    X[:, :6] = limb_leads(S[:, 0], S[:, 1])
    X[:, 6:] = np.einsum("ls,nst->nlt", M, S)
    X[:, 8] = S[:, 2]
    return X + 0.01 * rng.standard_normal(X.shape)


def _spoiled():
    X = _cohort()
    X[3, 10, 17] = np.nan  # NaN in V5 (a target)
    X[5, 0] = 0.2  # flat source lead I
    X[7, V2] = -0.1  # flat target lead V2
    return X


def test_fit_names_each_unusable_training_record_and_why():
    """Before: NaN gave 'X holds NaN or inf' without a record; flat leads were fitted."""
    with pytest.raises(ValueError) as err:
        LeadReconstructor().fit(_spoiled())
    msg = str(err.value)
    assert "NaN or inf in records [3]" in msg
    assert "flat source leads in records 5 (I)" in msg
    assert "flat target leads in records 7 (V2)" in msg
    assert "on_invalid='nan'" in msg


def test_fit_on_invalid_nan_drops_them_with_a_warning():
    X = _spoiled()
    with pytest.warns(UserWarning, match=r"left out 3 of 20 training records") as rec_w:
        rec = LeadReconstructor(on_invalid="nan").fit(X)
    assert "[3]" in str(rec_w[0].message) and "7 (V2)" in str(rec_w[0].message)
    assert rec.dropped_records_.tolist() == [3, 5, 7]
    keep = np.setdiff1d(np.arange(20), [3, 5, 7])
    clean = LeadReconstructor().fit(X[keep])
    assert clean.dropped_records_.tolist() == []
    np.testing.assert_array_equal(rec.coef_, clean.coef_)  # as if they were never there
    assert np.isfinite(rec.transform(X[keep])).all()


def test_fit_reads_only_the_leads_it_uses():
    """III is computed from I and II (limb relations), so a flat III is not fitted on."""
    X = _cohort()
    X[2, 2] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = LeadReconstructor().fit(X)
    assert rec.dropped_records_.size == 0
    with pytest.raises(ValueError, match=r"flat target leads in records 2 \(III\)"):
        LeadReconstructor(limb_relations=False).fit(X)


def test_fit_nothing_usable_and_long_lists():
    X = _cohort(n=14)
    X[:, 0] = 0.0
    with pytest.raises(ValueError, match="no training record has non-flat source leads"):
        LeadReconstructor(on_invalid="nan").fit(X)
    X = _cohort(n=14)
    X[:, V2] = 0.0
    with pytest.raises(ValueError, match=r"no usable training record in X"):
        LeadReconstructor(on_invalid="nan").fit(X)
    with pytest.raises(ValueError, match=r"9 \(V2\) \.\.\. \(14 in all\)"):
        LeadReconstructor().fit(X)
    X = _cohort(n=300, T=60)  # past the 256-record check chunk
    X[290, 11, 5] = np.inf
    with pytest.raises(ValueError, match=r"NaN or inf in records \[290\]"):
        LeadReconstructor().fit(X)


def test_transform_checks_the_sampling_rate():
    X = _cohort()
    rec = LeadReconstructor().fit(X, fs=100.0)
    assert rec.fs_ == 100.0
    assert np.array_equal(rec.transform(X, fs=100), rec.transform(X))
    with pytest.raises(ValueError, match=r"sampled at 500 Hz .* fitted on records at 100 Hz"):
        rec.transform(X, fs=500.0)
    with pytest.raises(ValueError, match=r"sampled at 250 Hz"):
        rec.score_leads(X, fs=250.0)
    assert rec.score_leads(X, fs=100.0).mean_r > 0.99
    with pytest.raises(TypeError, match="fs must be a number"):
        rec.transform(X, fs="100")
    with pytest.raises(ValueError, match="fs must be positive"):
        rec.transform(X, fs=-1.0)


def test_training_rate_from_the_parameter_or_fit():
    X = _cohort()
    rec = LeadReconstructor(fs=100.0).fit(X)
    assert rec.fs_ == 100.0
    with pytest.raises(ValueError, match="500 Hz"):
        rec.transform(X, fs=500.0)
    with pytest.raises(ValueError, match=r"fit\(X, fs=250\) .* fs parameter is 100 Hz"):
        LeadReconstructor(fs=100.0).fit(X, fs=250.0)
    free = LeadReconstructor().fit(X)  # no rate anywhere: nothing to check against
    assert free.fs_ is None
    np.testing.assert_array_equal(free.transform(X, fs=500.0), free.transform(X))
    pipe = Pipeline([("rec", LeadReconstructor())]).fit(X, rec__fs=100.0)
    assert pipe.named_steps["rec"].fs_ == 100.0
    with pytest.raises(ValueError, match="fitted on records at 100 Hz"):
        pipe.named_steps["rec"].transform(X, fs=360.0)
