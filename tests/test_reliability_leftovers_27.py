"""Leftovers of session 26's reliability work (docs/user_guide/input_validation.md), session 27.

- ``PriorShiftClassifier``'s private 0-row column check is the shared
  ``geoecg._rows.columns_checked`` (with the meta-estimator named in front of scikit-learn's
  message); the two pinned messages survive, and a 0-row DataFrame whose column names
  differ from the fitted ones is now refused as one row is (it was answered empty).
- ``prematurity_floor(k=...)`` (and ``min_beats``) are validated like ``min_sd`` (c7d3b6d);
  ``RecordPrematurityFloor(floors=/morph_floors=)`` refuse ``inf`` and text at ``fit``.
- ``BandPass`` / ``Resampler`` ``transform([])`` give ``[]`` (a list of 0 records, as
  ``RPeakDetector``), ``LeadReconstructor.transform([])`` gives ``(0, 12, 0)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from geoecg.estimators.prior_shift import PriorShiftClassifier
from geoecg.estimators.record_prior import RecordPriorAdapter
from geoecg.estimators.record_s_floor import _candidates, prematurity_floor
from geoecg.leads.reconstruct import LeadReconstructor
from geoecg.signal import BandPass, Resampler


def _prior_shift(X):
    rng = np.random.default_rng(0)
    y = (np.asarray(X)[:, 0] + 0.3 * rng.normal(size=len(X)) > 0).astype(int)
    return PriorShiftClassifier(random_state=0, n_bootstrap=0).fit(X, y), y


def test_prior_shift_zero_rows_use_the_shared_column_check():
    X = np.random.default_rng(1).normal(size=(80, 3))
    m, y = _prior_shift(X)
    # the two messages pinned in session 25/26, through the one check
    with pytest.raises(ValueError, match=r"PriorShiftClassifier: X has 0 rows.*\(0, 3\)") as e:
        m.predict(np.zeros((0, 2)))
    assert "X has 2 features" in str(e.value)  # scikit-learn's own words follow
    with pytest.raises(ValueError, match="X has 4 features"):
        m.score(np.zeros((0, 4)), y[:0])
    with pytest.raises(ValueError, match="PriorShiftClassifier: X has 0 rows of shape \\(0,\\)"):
        m.predict_proba(np.zeros(0))
    with pytest.raises(TypeError, match="does not support sparse"):  # as with rows
        m.predict(sp.csr_matrix((0, 3)))
    assert m.calibrated_proba([]).shape == (0, 2)  # a list without a shape: empty
    assert m.predict(np.zeros((0, 3))).shape == (0,)
    with pytest.warns(RuntimeWarning, match="score of 0 rows"):
        assert np.isnan(m.score(np.zeros((0, 3)), y[:0]))
    # rows >= 1 go to the base model unchanged
    np.testing.assert_array_equal(
        m.calibrated_proba(X[:7]), PriorShiftClassifier.calibrated_proba.__wrapped__(m, X[:7])
    )


def test_prior_shift_zero_row_dataframe_names_are_checked_like_one_row():
    df = pd.DataFrame(np.random.default_rng(2).normal(size=(80, 3)), columns=["a", "b", "c"])
    m, _ = _prior_shift(df)
    other = df.rename(columns={"c": "z"})
    with pytest.raises(ValueError, match="feature names"):
        m.predict(other.iloc[:1])  # 1 row: the base model's message
    with pytest.raises(ValueError, match=r"PriorShiftClassifier: X has 0 rows.*feature names"):
        m.predict(other.iloc[:0])  # 0 rows: the same, named (was an empty answer)
    with pytest.raises(ValueError, match="3 columns whose names differ") as e:
        m.predict(other.iloc[:0])  # the right width: not "shape (0, 3); expected (0, 3)"
    assert "expected (0, 3)" not in str(e.value)
    assert m.predict_proba(df.iloc[:0]).shape == (0, 2)


def test_record_prior_adapter_zero_rows_still_checked():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(90, 3))
    y = np.tile([0, 1, 2], 30)
    g = np.repeat(np.arange(9), 10)
    m = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)]).fit(X, y, g)
    assert m.predict_proba(X[:0], g[:0]).shape == (0, 3)
    with pytest.raises(ValueError, match="3 features"):
        m.predict_proba(np.zeros((0, 4)), g[:0])


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), True, "2", None, 1j])
def test_prematurity_floor_k_must_be_a_finite_number_at_least_0(bad):
    rr = np.linspace(0.8, 1.2, 30)
    with pytest.raises(ValueError, match=r"^k must be a finite number >= 0"):
        prematurity_floor(rr, bad)
    with pytest.raises(ValueError, match=r"^k must be"):  # also without enough beats
        prematurity_floor(rr[:3], bad)


@pytest.mark.parametrize("bad", [0, -1, 2.5, float("nan"), True, "20"])
def test_prematurity_floor_min_beats_is_a_whole_number_at_least_1(bad):
    with pytest.raises((ValueError, TypeError), match="min_beats"):
        prematurity_floor(np.ones(30), 2.0, min_beats=bad)


def test_prematurity_floor_valid_k_unchanged():
    rng = np.random.default_rng(4)
    rr = 1.0 + 0.05 * rng.normal(size=200)
    rr[::17] = np.nan
    v = rr[np.isfinite(rr)]
    m = float(np.median(v))
    mad = float(np.median(np.abs(v - m)))
    for k in (0, 0.0, 1.5, 2, np.float32(3.0), np.float64(4.0), np.int64(40)):
        f, why = prematurity_floor(rr, k)
        assert why is None and f == m - float(k) * 1.4826 * mad
    f, why = prematurity_floor(rr[:10], 2.0)
    assert np.isnan(f) and why.startswith("9 finite RR ratios < min_beats=20")
    assert prematurity_floor(rr, 2.0, min_beats=np.int64(5))[1] is None
    assert prematurity_floor(rr, 2.0, min_beats=20.0)[0] == prematurity_floor(rr, 2.0)[0]


def test_floor_candidates_refuse_inf_and_text():
    assert _candidates("floors", (None, 1.5, 2, np.float32(3))) == [None, 1.5, 2.0, 3.0]
    bads = ((), (float("inf"),), (None, "x"), (-1.0,), (float("nan"),), ([1.0],), (True,))
    for bad in (*bads, (np.False_,)):
        with pytest.raises(ValueError, match="floors must be None or finite numbers >= 0"):
            _candidates("floors", bad)


def test_signal_transformers_answer_an_empty_list_with_an_empty_list():
    X = np.random.default_rng(5).normal(size=(3, 2, 1000))
    for t in (BandPass(fs=250.0), Resampler(250.0, 100.0)):
        for out in (t.fit_transform([]), t.fit([]).transform([])):
            assert isinstance(out, list) and out == []
        assert t.transform(X[:0]).shape[:2] == (0, 2)  # an array of 0 records: an array
        assert [r.shape for r in t.transform([X[0], X[1, :, :500]])] == [
            t.transform(X[:1])[0].shape,
            t.transform(X[1:2, :, :500])[0].shape,
        ]
    assert Resampler(250.0, 100.0).transform(X[:0]).shape == (0, 2, 400)
    # the parameters are still checked for 0 records
    with pytest.raises(ValueError, match="order"):
        BandPass(fs=250.0, order=0).transform([])
    with pytest.raises(ValueError, match="fs"):
        Resampler(250.0, -1.0).transform([])


def test_lead_reconstructor_zero_records():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(6, 12, 400))
    lr = LeadReconstructor().fit(X)
    out = lr.transform([])
    assert out.shape == (0, 12, 0) and out.dtype == np.float64
    assert lr.invalid_records_.size == 0
    assert lr.transform(X[:0]).shape == (0, 12, 400)
    with pytest.raises(ValueError, match="12 or 3 leads"):
        lr.transform(np.zeros((0, 5, 400)))
    with pytest.raises(ValueError, match="fs"):
        lr.transform([], fs=1.0) if lr.fs_ is not None else lr.transform([], fs=float("nan"))
