"""Registry item 34 of the beats benchmark (``UF``): the default model's prematurity floor on
two columns, ``dom_rr_pre`` (the RR before the beat over the local sinus reference) and
``ctx_pre_hmed`` (over the median RR within +-150 s); an S call is kept when the beat is
premature on either. The degenerate clause of its entry: 3 beats, all-ectopic, flat lead,
0.1-Hz wander, 0.05-0.2-mV noise, NSTDB ``ma``, 50/60-Hz hum, P waves alone, a NaN gap and 0
beats give no crash, calls that differ from the wrapped model's only by S -> N, and never
more S calls than the one-column floor removes; a tachycardia run that sets its own sinus
reference keeps its S calls where the ``dom_rr_pre`` floor alone removes them."""

from __future__ import annotations

import numpy as np
import pytest
from test_record_s_floor import _ma, _model, _names, _record, _signals, _train

from geoecg.estimators.record_s_floor import _floored
from geoecg.features.beat_context import rhythm_context_features
from geoecg.features.beat_records import stack_beat_tables

FS = 360.0
COLS = ("dom_rr_pre", "ctx_pre_hmed")


def test_run_that_sets_its_sinus_reference_keeps_its_s_calls():
    # 400 beats at 1.0 s, a run of 60 beats at 0.6 s, 200 at 1.0 s: the run is premature
    # against the +-150 s median RR, not against a reference that follows the run itself
    rr = np.r_[np.full(400, 1.0), np.full(60, 0.6), np.full(200, 1.0)]
    peaks = np.round(np.r_[0.0, np.cumsum(rr)] * FS).astype(int) + 100
    t = rhythm_context_features(peaks, FS)
    hmed = t.values[:, list(t.names).index("ctx_pre_hmed")]
    run = np.arange(402, 460)
    assert np.all(hmed[run] < 0.7)
    local = np.ones(peaks.size)  # dom_rr_pre when the sinus reference follows the run
    s, n = 1, 0
    calls = np.zeros(peaks.size, int)
    calls[run] = s
    calls[100] = s  # an S call premature on neither column
    both = np.c_[local, hmed]
    out = _floored(calls, both, 2.0, s, n, 20)
    np.testing.assert_array_equal(out[run], s)  # kept: premature on ctx_pre_hmed
    assert out[100] == n  # removed: premature on neither
    assert (_floored(calls, local, 2.0, s, n, 20)[run] == n).all()  # one column: removed
    # a column without a floor (too few finite ratios) keeps every call, as one column does
    few = np.c_[hmed, np.r_[np.full(10, 0.5), np.full(peaks.size - 10, np.nan)]]
    np.testing.assert_array_equal(_floored(calls, few, 2.0, s, n, 20), calls)


def test_union_floor_keeps_at_least_the_one_column_floors_s_calls():
    rng = np.random.default_rng(7)
    calls = rng.integers(0, 3, 800)
    rr = rng.normal(1.0, 0.08, (800, 2))
    rr[rng.random(800) < 0.1, 0] = 0.6
    rr[rng.random(800) < 0.05] = np.nan
    u = _floored(calls, rr, 2.0, 1, 0, 20)
    for c in range(2):
        one = _floored(calls, rr[:, c], 2.0, 1, 0, 20)
        assert np.all(u[one == 1] == 1)
    assert np.all((u == calls) | ((calls == 1) & (u == 0)))
    assert (u == 1).sum() < (calls == 1).sum()  # the floor did remove some


def test_degenerate_clause_union_floor(nstdb_dir):
    sigs = _signals()
    ma = _ma(nstdb_dir, sigs["flat"].shape[1])
    sigs["nstdb_ma_0.2mV"] = np.vstack([0.2 * ma] * 2)
    n = sigs["flat"].shape[1]
    peaks = np.arange(int(0.5 * FS), n - int(0.5 * FS), int(0.8 * FS))
    tables = {k: _record(s, peaks) for k, s in sigs.items()}
    tables["three_beats"] = _record(sigs["noise_0.05mV"], peaks[:3])
    tables["no_beats"] = _record(sigs["noise_0.05mV"], peaks[:0])
    ect = _record(sigs["noise_0.05mV"], peaks)
    ect["y"] = np.full(len(peaks), "S")  # all-ectopic: every beat S
    tables["all_ectopic"] = ect
    rng = np.random.default_rng(4)
    raw = list(tables["flat"]["names"])
    X, y, nn, names = stack_beat_tables(_train(rng, raw), True)
    m = _model(names, floors=(2.0, None), rr_column=COLS)
    m.fit(X, y, np.repeat(np.arange(len(nn)), nn))
    assert m.k_ in (2.0, None)
    m.k_ = 2.0  # the floor on, whatever the inner choice, so the clause tests it
    one = _model(names, floors=(2.0, None)).fit(X, y, np.repeat(np.arange(len(nn)), nn))
    one.k_ = 2.0
    js = [names.index(c) for c in COLS]
    for k, t in tables.items():
        Xt, yt, _, _ = stack_beat_tables([t], True)
        g = np.zeros(Xt.shape[0], dtype=int)
        base = m.estimator_.predict(Xt, g) if Xt.shape[0] else yt[:0]
        pred = m.predict(Xt, g)
        assert pred.shape == yt.shape, k
        assert set(pred) <= set(m.classes_), k
        changed = base != pred
        assert set(base[changed]) <= {"S"} and set(pred[changed]) <= {"N"}, k
        assert (pred == "S").sum() <= (base == "S").sum(), k
        assert not np.isinf(Xt[:, js]).any(), k
        if Xt.shape[0]:  # same wrapped calls (same seed): the union keeps what one column keeps
            assert (one.estimator_.predict(Xt, g) == base).all(), k
            assert np.all(pred[one.predict(Xt, g) == "S"] == "S"), k
    Xt, _, _, _ = stack_beat_tables([tables["three_beats"]], True)
    g3 = np.zeros(3)
    np.testing.assert_array_equal(m.predict(Xt, g3), m.estimator_.predict(Xt, g3))
    assert m.predict(np.zeros((0, len(names))), np.zeros(0)).shape == (0,)


def test_rr_column_sequence_errors():
    rng = np.random.default_rng(1)
    X, y, n, names = stack_beat_tables(_train(rng, _names()), True)
    g = np.repeat(np.arange(len(n)), n)
    for bad in ((), ("dom_rr_pre", "nope"), ("dom_rr_pre", 3)):
        with pytest.raises(ValueError, match="rr_column"):
            _model(names, rr_column=bad).fit(X, y, g)
