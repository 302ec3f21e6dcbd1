"""Registry item 36 of the beats benchmark (``KI``, under test in session 28): after the
default model's QRS veto and prematurity floor, a per-record vote of the record's own S
calls: an N call becomes S where at least ``t`` of its 31 nearest beats of the record (the
beat itself excluded) are S calls, repeated until nothing changes. The degenerate clause of
its entry: fewer than 32 beats (3 beats), 0 beats, a flat lead, wander, noise, NSTDB ``ma``,
hum, P waves alone, a NaN gap and an all-ectopic record give no crash and calls that differ
from ``MF``'s only by N -> S; the vote off gives ``MF``'s calls bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from test_record_s_floor import _ma, _model, _names, _record, _signals, _train

from geoecg.estimators.record_s_floor import (
    S_MORPH_CANDIDATES,
    S_VOTE_CANDIDATES,
    S_VOTE_COLUMNS,
    S_VOTE_K,
    _vote_neighbours,
    _vote_space,
    _voted,
)
from geoecg.features.beat_records import stack_beat_tables


def test_vote_space_robust_z_nan_flat_and_clip():
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(50, 3))
    Z[:, 1] = 2.0  # a column without spread: all 0
    Z[3, 0] = np.nan  # NaN -> 0
    Z[4, 2] = 1e9  # clipped to 30, then squashed
    out = _vote_space(Z)
    assert np.isfinite(out).all()
    assert (out[:, 1] == 0).all() and out[3, 0] == 0
    assert out[4, 2] == pytest.approx(np.log1p(30.0))
    assert (_vote_space(np.full((40, 2), np.nan)) == 0).all()


def test_vote_exact_self_exclusion_threshold_and_small_records():
    s, n, v = 1, 0, 2
    # 32 beats at one point: 16 S and 16 N calls. Without the beat itself each N call sees
    # 16 S among 31 (0.516): S at t = 0.5, kept at t = 0.6
    calls = np.array([s] * 16 + [n] * 16)
    nb = _vote_neighbours(np.zeros((32, len(S_VOTE_COLUMNS))))
    assert nb.shape == (32, S_VOTE_K)
    assert all(i not in row for i, row in enumerate(nb))  # the beat is never its own neighbour
    assert (_voted(calls, nb, 0.5, s, n) == s).all()
    np.testing.assert_array_equal(_voted(calls, nb, 0.6, s, n), calls)
    np.testing.assert_array_equal(_voted(calls, nb, None, s, n), calls)  # off
    # fewer than K + 1 beats: no vote
    assert _vote_neighbours(np.zeros((S_VOTE_K, 8))) is None
    np.testing.assert_array_equal(_voted(calls[:3], None, 0.5, s, n), calls[:3])
    # V calls never move and never count as S
    cv = np.array([v] * 16 + [n] * 16)
    np.testing.assert_array_equal(_voted(cv, nb, 0.5, s, n), cv)


def test_vote_repeats_until_nothing_changes():
    s, n = 1, 0
    rng = np.random.default_rng(2)
    # a cluster of 40 beats called S except 12, and 200 N beats far away
    Z = np.vstack([rng.normal(size=(40, 8)) * 0.1, 6.0 + rng.normal(size=(200, 8))])
    calls = np.r_[np.full(28, s), np.full(12, n), np.full(200, n)]
    nb = _vote_neighbours(Z)
    once = _voted(calls, nb, 0.5, s, n, max_rounds=1)
    full = _voted(calls, nb, 0.5, s, n)
    assert ((once == s) <= (full == s)).all()  # each round only adds S calls
    assert (full[:40] == s).all() and (full[40:] == n).all()
    again = _voted(full, nb, 0.5, s, n, max_rounds=1)
    np.testing.assert_array_equal(again, full)  # a fixed point


def test_inner_choice_of_t_after_k_and_k_m_and_off_is_mf_bit_for_bit():
    rng = np.random.default_rng(1)
    X, y, n, names = stack_beat_tables(_train(rng, _names()), True)
    g = np.repeat(np.arange(len(n)), n)
    m = _model(names, morph_floors=S_MORPH_CANDIDATES, votes=S_VOTE_CANDIDATES).fit(X, y, g)
    mf = _model(names, morph_floors=S_MORPH_CANDIDATES).fit(X, y, g)
    assert mf.vote_t_ is None and mf.vote_scores_ == {}
    assert m.k_ == mf.k_ and m.km_ == mf.km_ and m.morph_scores_ == mf.morph_scores_
    assert set(m.vote_scores_) == set(S_VOTE_CANDIDATES)
    assert m.vote_t_ in S_VOTE_CANDIDATES
    assert m.vote_scores_[m.vote_t_] == max(m.vote_scores_.values())
    vt = m.vote_t_
    m.vote_t_ = None  # the vote off: MF's calls bit for bit
    np.testing.assert_array_equal(m.predict(X, g), mf.predict(X, g))
    m.vote_t_ = 0.5
    base, pred = mf.predict(X, g), m.predict(X, g)
    changed = base != pred
    assert set(base[changed]) <= {"N"} and set(pred[changed]) <= {"S"}
    m.vote_t_ = vt


def test_degenerate_clause_vote(nstdb_dir):
    sigs = _signals()
    ma = _ma(nstdb_dir, sigs["flat"].shape[1])
    sigs["nstdb_ma_0.2mV"] = np.vstack([0.2 * ma] * 2)
    n = sigs["flat"].shape[1]
    peaks = np.arange(180, n - 180, 288)  # every 0.8 s at 360 Hz: 37 beats (>= K + 1)
    assert len(peaks) >= S_VOTE_K + 1
    tables = {k: _record(s, peaks) for k, s in sigs.items()}
    tables["three_beats"] = _record(sigs["noise_0.05mV"], peaks[:3])
    tables["no_beats"] = _record(sigs["noise_0.05mV"], peaks[:0])
    ect = _record(sigs["noise_0.05mV"], peaks)
    ect["y"] = np.full(len(peaks), "S")
    tables["all_ectopic"] = ect
    rng = np.random.default_rng(4)
    raw = list(tables["flat"]["names"])
    X, y, nn, names = stack_beat_tables(_train(rng, raw), True)
    g = np.repeat(np.arange(len(nn)), nn)
    m = _model(names, floors=(2.0, None), morph_floors=(5.0, None), votes=(0.5, None)).fit(X, y, g)
    m.k_, m.km_ = 2.0, 5.0
    for t in (0.5, 0.7):
        for k, tb in tables.items():
            Xt, yt, _, _ = stack_beat_tables([tb], True)
            gt = np.zeros(Xt.shape[0], dtype=int)
            m.vote_t_ = None
            mf = m.predict(Xt, gt)
            m.vote_t_ = t
            pred = m.predict(Xt, gt)
            assert pred.shape == yt.shape, k
            assert set(pred) <= set(m.classes_), k
            changed = mf != pred
            assert set(mf[changed]) <= {"N"} and set(pred[changed]) <= {"S"}, k
            if Xt.shape[0] < S_VOTE_K + 1:  # 3 and 0 beats: no vote
                np.testing.assert_array_equal(pred, mf)
    assert m.predict(np.zeros((0, len(names))), np.zeros(0)).shape == (0,)


def test_votes_errors():
    rng = np.random.default_rng(5)
    X, y, nn, names = stack_beat_tables(_train(rng, _names(), n_rec=4, n=60), True)
    g = np.repeat(np.arange(len(nn)), nn)
    for bad in ((), (0.0,), (None, 1.5), (True,), ("a",)):
        with pytest.raises(ValueError, match="votes must be"):
            _model(names, votes=bad).fit(X, y, g)
    keep = [i for i, c in enumerate(names) if c != "sin_comp"]
    sub = [names[i] for i in keep]
    with pytest.raises(ValueError, match="sin_comp"):
        _model(sub, votes=(None, 0.5)).fit(X[:, keep], y, g)
    m = _model(sub).fit(X[:, keep], y, g)  # the vote off needs no vote column
    assert m.vote_t_ is None
