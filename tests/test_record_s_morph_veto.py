"""Registry item 35 of the beats benchmark (``MF``): the default model's prematurity floor with a
per-record QRS-morphology veto before it: an S call whose QRS correlation with the record's
dominant template (``dom_qrs_corr_l<k>``) lies below ``median - k_m * 1.4826 * MAD`` of that
record's beats on any lead becomes V. The degenerate clause of its entry: 3 beats,
all-ectopic, flat lead, 0.1-Hz wander, 0.05-0.2-mV noise, NSTDB ``ma``, 50/60-Hz hum, P waves
alone, a NaN gap and 0 beats give no crash and calls that differ from the wrapped model's
only by S -> N or S -> V; the veto off gives ``FL``'s calls bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from test_record_s_floor import _ma, _model, _names, _record, _signals, _train

from geoecg.estimators.record_s_floor import S_MORPH_CANDIDATES, _vetoed
from geoecg.features.beat_records import stack_beat_tables


def test_vetoed_turns_s_calls_with_a_foreign_qrs_into_v():
    rng = np.random.default_rng(3)
    s, n, v = 1, 0, 2
    c0 = 0.99 + 0.002 * rng.normal(size=46)
    c1 = 0.98 + 0.004 * rng.normal(size=46)
    calls = np.zeros(46, int)
    calls[40:] = [s, s, s, s, v, n]
    c0[40], c1[40] = 0.60, 0.98  # foreign QRS on lead 0: V
    c0[41], c1[41] = 0.99, 0.50  # foreign on lead 1 only: V (any lead)
    c0[42], c1[42] = 0.99, 0.98  # dominant-like: kept S
    c0[43], c1[43] = np.nan, np.nan  # no correlation: kept S
    c0[44] = c0[45] = 0.1  # a V and an N call: untouched
    corr = np.c_[c0, c1]
    out = _vetoed(calls, corr, 10.0, s, v, 20)
    assert out[40] == v and out[41] == v
    assert out[42] == s and out[43] == s
    assert out[44] == v and out[45] == n and (out[:40] == 0).all()
    np.testing.assert_array_equal(_vetoed(calls, corr, None, s, v, 20), calls)  # off
    np.testing.assert_array_equal(_vetoed(calls, corr, 10.0, s, None, 20), calls)  # no V
    # a lead without a floor (fewer than min_beats finite values) vetoes nothing
    few = np.c_[np.full(46, np.nan), c1]
    few[:5, 0] = 0.0
    assert _vetoed(calls, few, 10.0, s, v, 20)[40] == s
    np.testing.assert_array_equal(_vetoed(calls[:3], corr[:3], 10.0, s, v, 20), calls[:3])


def test_inner_choice_of_k_m_after_the_floor_and_off_is_fl_bit_for_bit():
    rng = np.random.default_rng(1)
    X, y, n, names = stack_beat_tables(_train(rng, _names()), True)
    g = np.repeat(np.arange(len(n)), n)
    m = _model(names, morph_floors=S_MORPH_CANDIDATES).fit(X, y, g)
    fl = _model(names).fit(X, y, g)
    assert fl.km_ is None and fl.morph_scores_ == {}
    assert m.k_ == fl.k_ and m.inner_scores_ == fl.inner_scores_  # the floor's choice is FL's
    assert set(m.morph_scores_) == set(S_MORPH_CANDIDATES)
    assert m.morph_scores_[None] == fl.inner_scores_.get(fl.k_, m.morph_scores_[None])
    assert m.km_ in S_MORPH_CANDIDATES
    assert m.morph_scores_[m.km_] == max(m.morph_scores_.values())
    m.km_ = None  # the veto off: FL's calls bit for bit (same seed, same wrapped model)
    np.testing.assert_array_equal(m.predict(X, g), fl.predict(X, g))
    m.km_ = 5.0
    base, pred = m.estimator_.predict(X, g), m.predict(X, g)
    changed = base != pred
    assert set(base[changed]) <= {"S"} and set(pred[changed]) <= {"N", "V"}


def test_degenerate_clause_morph_veto(nstdb_dir):
    sigs = _signals()
    ma = _ma(nstdb_dir, sigs["flat"].shape[1])
    sigs["nstdb_ma_0.2mV"] = np.vstack([0.2 * ma] * 2)
    n = sigs["flat"].shape[1]
    peaks = np.arange(180, n - 180, 288)  # every 0.8 s at 360 Hz
    tables = {k: _record(s, peaks) for k, s in sigs.items()}
    tables["three_beats"] = _record(sigs["noise_0.05mV"], peaks[:3])
    tables["no_beats"] = _record(sigs["noise_0.05mV"], peaks[:0])
    ect = _record(sigs["noise_0.05mV"], peaks)
    ect["y"] = np.full(len(peaks), "S")  # all-ectopic: every beat S
    tables["all_ectopic"] = ect
    rng = np.random.default_rng(4)
    raw = list(tables["flat"]["names"])
    X, y, nn, names = stack_beat_tables(_train(rng, raw), True)
    g = np.repeat(np.arange(len(nn)), nn)
    m = _model(names, floors=(2.0, None), morph_floors=(5.0, None)).fit(X, y, g)
    assert m.km_ in (5.0, None)
    m.k_, m.km_ = 2.0, 5.0  # floor and veto on, whatever the inner choice
    cols = [i for i, c in enumerate(names) if c.startswith("dom_qrs_corr_l")]
    assert cols
    for k, t in tables.items():
        Xt, yt, _, _ = stack_beat_tables([t], True)
        gt = np.zeros(Xt.shape[0], dtype=int)
        base = m.estimator_.predict(Xt, gt) if Xt.shape[0] else yt[:0]
        pred = m.predict(Xt, gt)
        assert pred.shape == yt.shape, k
        assert set(pred) <= set(m.classes_), k
        changed = base != pred
        assert set(base[changed]) <= {"S"} and set(pred[changed]) <= {"N", "V"}, k
        assert (pred == "S").sum() <= (base == "S").sum(), k
        assert not np.isinf(Xt[:, cols]).any(), k
    Xt, _, _, _ = stack_beat_tables([tables["three_beats"]], True)
    g3 = np.zeros(3)
    np.testing.assert_array_equal(m.predict(Xt, g3), m.estimator_.predict(Xt, g3))
    assert m.predict(np.zeros((0, len(names))), np.zeros(0)).shape == (0,)


def test_morph_floors_errors():
    rng = np.random.default_rng(5)
    X, y, nn, names = stack_beat_tables(_train(rng, _names(), n_rec=4, n=60), True)
    g = np.repeat(np.arange(len(nn)), nn)
    for bad in ((), (-1.0,), (None, -5.0)):
        with pytest.raises(ValueError, match="morph_floors must be"):
            _model(names, morph_floors=bad).fit(X, y, g)
    keep = [i for i, c in enumerate(names) if not c.startswith("dom_qrs_corr_l")]
    sub = [names[i] for i in keep]
    with pytest.raises(ValueError, match="dom_qrs_corr_l"):
        _model(sub, morph_floors=(None, 5.0)).fit(X[:, keep], y, g)
