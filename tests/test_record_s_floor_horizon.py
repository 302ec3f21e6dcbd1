"""Registry item 33 of the beats benchmark (``HF``): the prematurity floor of the default model
measured on ``ctx_pre_hmed`` (the RR before the beat over the median RR within +-150 s)
instead of ``dom_rr_pre``. The degenerate clause of its entry: 3 beats, all-ectopic, flat
lead, 0.1-Hz wander, 0.05-0.2-mV noise, NSTDB ``ma``, 50/60-Hz hum, P waves alone, a NaN gap
and 0 beats give no crash, calls that differ from the wrapped model's only by S -> N, and
never more S calls; a tachycardia run that is premature against the long-horizon median
keeps its S calls where the ``dom_rr_pre`` floor removes them."""

from __future__ import annotations

import numpy as np
from test_record_s_floor import _ma, _model, _record, _signals, _train

from geoecg.estimators.record_s_floor import _floored
from geoecg.features.beat_context import rhythm_context_features
from geoecg.features.beat_records import stack_beat_tables

FS = 360.0
COL = "ctx_pre_hmed"


def test_run_premature_against_the_horizon_keeps_its_s_calls():
    # 400 beats at 1.0 s, then a run of 60 beats at 0.6 s: the run is premature against
    # the +-150 s median RR, not against a reference that follows the run itself
    rr = np.r_[np.full(400, 1.0), np.full(60, 0.6), np.full(200, 1.0)]
    peaks = np.round(np.r_[0.0, np.cumsum(rr)] * FS).astype(int) + 100
    t = rhythm_context_features(peaks, FS)
    hmed = t.values[:, list(t.names).index(COL)]
    run = np.arange(402, 460)  # beats closing a 0.6-s interval, inside the run
    assert np.all(hmed[run] < 0.7)
    s, n = 1, 0
    calls = np.zeros(peaks.size, int)
    calls[run] = s
    out = _floored(calls, hmed, 2.0, s, n, 20)
    np.testing.assert_array_equal(out[run], s)  # kept
    local = np.ones(peaks.size)  # a ratio to a reference that follows the run: all 1.0
    assert (_floored(calls, local, 2.0, s, n, 20)[run] == n).all()  # removed


def test_degenerate_clause_horizon_floor(nstdb_dir):
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
    j = names.index(COL)
    X[:, j] = X[:, names.index("dom_rr_pre")]  # the synthetic S beats are premature here too
    m = _model(names, floors=(2.0, None), rr_column=COL)
    m.fit(X, y, np.repeat(np.arange(len(nn)), nn))
    assert m.k_ in (2.0, None)
    m.k_ = 2.0  # the floor on, whatever the inner choice, so the clause tests it
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
        assert not np.isinf(Xt[:, j]).any(), k
    Xt, _, _, _ = stack_beat_tables([tables["three_beats"]], True)
    g3 = np.zeros(3)
    np.testing.assert_array_equal(m.predict(Xt, g3), m.estimator_.predict(Xt, g3))
    assert m.predict(np.zeros((0, len(names))), np.zeros(0)).shape == (0,)
