"""``RecordPrematurityFloor``: a label-free per-record prematurity floor on S calls (registry
item 32 of the beats benchmark), and the degenerate clause of its entry (3 beats,
all-ectopic, flat lead, NaN gap, beat-free and low-level-activity records, 0 beats)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.heartbeat import make_default_beat_model
from geoecg.estimators.record_s_floor import (
    S_FLOOR_CANDIDATES,
    RecordPrematurityFloor,
    _floored,
    prematurity_floor,
)
from geoecg.features.beat_dominant import record_beat_table
from geoecg.features.beat_records import stack_beat_tables

FS = 360.0


def test_floor_is_median_minus_k_mad_and_nan_below_min_beats():
    rr = np.r_[np.full(30, 1.0), np.full(10, 0.9), np.nan]
    f, why = prematurity_floor(rr, 2.0)
    assert why is None and f == pytest.approx(1.0)  # MAD 0: floor at the median
    rr = np.linspace(0.9, 1.1, 41)
    m, mad = 1.0, np.median(np.abs(rr - 1.0))
    assert prematurity_floor(rr, 3.0)[0] == pytest.approx(m - 3.0 * 1.4826 * mad)
    f, why = prematurity_floor(np.full(19, 1.0), 2.0)
    assert np.isnan(f) and "19 finite RR ratios < min_beats=20" in why
    assert np.isnan(prematurity_floor([], 2.0)[0])


def test_floored_only_turns_s_above_the_floor_into_n():
    s, n, v = 1, 0, 2
    rr = np.r_[np.linspace(0.95, 1.05, 40), 0.6, 0.97, np.nan, 1.0]
    calls = np.r_[np.zeros(40, int), s, s, s, v]
    out = _floored(calls, rr, 2.0, s, n, 20)
    assert out[40] == s  # premature beyond the spread: kept
    assert out[41] == n  # within the spread: N
    assert out[42] == s  # NaN ratio: the call is kept
    assert out[43] == v and (out[:40] == 0).all()  # other classes untouched
    np.testing.assert_array_equal(_floored(calls, rr, None, s, n, 20), calls)
    np.testing.assert_array_equal(_floored(calls[:3], rr[:3], 2.0, s, n, 20), calls[:3])


def _train(rng, names, n_rec=6, n=150):
    """Records whose true S beats are premature (0.6) and whose sinus rhythm varies; some
    sinus beats at 0.85 look S to a model trained on a column that is not the ratio."""
    tabs = []
    j = names.index("dom_rr_pre")
    for k in range(n_rec):
        y = np.where(rng.random(n) < (0.12 if k % 2 else 0.05), "S", "N")
        y[rng.random(n) < 0.05] = "V"
        X = rng.normal(size=(n, len(names)))
        X[:, j] = np.where(y == "S", 0.6, 1.0) + 0.04 * rng.normal(size=n)
        X[:, 0] += 2.5 * (y == "S") + 4.0 * (y == "V")
        tabs.append({"X": X, "names": np.array(names), "y": y})
    return tabs


def _model(names, **kw):
    base = make_default_beat_model(
        names, s_floor=False, n_estimators=5, max_per_class=300, random_state=0
    )  # NE: the model the floor wraps
    return RecordPrematurityFloor(base, feature_names=names, **kw)


def _names():
    rng = np.random.default_rng(0)
    sig = 0.05 * rng.normal(size=(2, int(10 * FS)))
    tb = record_beat_table(sig, np.arange(200, 3400, 300), FS)
    return list(tb.names.astype(str))


def test_inner_choice_on_the_wrapped_models_oof_calls_and_predict():
    rng = np.random.default_rng(1)
    raw = _names()
    X, y, n, names = stack_beat_tables(_train(rng, raw), True)
    g = np.repeat(np.arange(len(n)), n)
    m = _model(names).fit(X, y, g)
    assert set(m.inner_scores_) == set(S_FLOOR_CANDIDATES)
    assert m.k_ in S_FLOOR_CANDIDATES
    assert m.inner_scores_[m.k_] == max(m.inner_scores_.values())
    base = m.estimator_.predict(X, g)
    pred = m.predict(X, g)
    changed = base != pred
    assert set(base[changed]) <= {"S"} and set(pred[changed]) <= {"N"}
    off = _model(names, floors=(None,)).fit(X, y, g)
    assert off.k_ is None and off.inner_scores_ == {}
    np.testing.assert_array_equal(off.predict(X, g), off.estimator_.predict(X, g))


def _signals():
    """Beat-free and low-level-activity leads (mV) with beat positions every 0.8 s."""
    rng = np.random.default_rng(7)
    n = int(30 * FS)
    t = np.arange(n) / FS
    gap = 0.05 * rng.normal(size=(2, n))
    gap[:, n // 3 : n // 2] = np.nan
    p_only = np.zeros((2, n))
    for c in np.arange(0.3, 29.5, 0.8):  # P waves alone (ventricular standstill)
        p_only += 0.15 * np.exp(-0.5 * ((t - c) / 0.025) ** 2)
    return {
        "flat": np.zeros((2, n)),
        "wander_0.1Hz": np.vstack([0.3 * np.sin(2 * np.pi * 0.1 * t)] * 2),
        "noise_0.05mV": 0.05 * rng.normal(size=(2, n)),
        "noise_0.1mV": 0.1 * rng.normal(size=(2, n)),
        "noise_0.2mV": 0.2 * rng.normal(size=(2, n)),
        "hum_50Hz": np.vstack([0.1 * np.sin(2 * np.pi * 50 * t)] * 2),
        "hum_60Hz": np.vstack([0.1 * np.sin(2 * np.pi * 60 * t)] * 2),
        "p_waves_only": p_only,
        "nan_gap": gap,
    }


def _record(sig, peaks):
    tb = record_beat_table(sig, peaks, FS)
    return {"X": tb.values, "names": tb.names.astype(str), "y": np.full(len(peaks), "N")}


def _ma(folder, n):
    """NSTDB muscle noise ``ma``, lead 0, 360 Hz, unit RMS."""
    from geoecg.io import read_record

    src = np.asarray(read_record(folder / "ma").signal, float)
    src = src[0] if src.ndim == 2 and src.shape[0] < src.shape[-1] else src.reshape(-1)
    x = src[:n] - src[:n].mean()
    return x / x.std()


def test_degenerate_clause_no_crash_and_no_s_call_added(nstdb_dir):
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
    m = _model(names, floors=(2.0, None)).fit(X, y, np.repeat(np.arange(len(nn)), nn))
    assert m.k_ == 2.0 or m.k_ is None
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
    # 3 beats: fewer than min_beats ratios, the calls are the wrapped model's
    Xt, _, _, _ = stack_beat_tables([tables["three_beats"]], True)
    np.testing.assert_array_equal(m.predict(Xt, np.zeros(3)), m.estimator_.predict(Xt, np.zeros(3)))
    # flat: every ratio the same (MAD 0); a NaN gap leaves NaN ratios kept as called
    Xt, _, _, _ = stack_beat_tables([tables["nan_gap"]], True)
    assert not np.isinf(Xt).any()


def test_bad_input_errors():
    rng = np.random.default_rng(5)
    raw = _names()
    X, y, nn, names = stack_beat_tables(_train(rng, raw, n_rec=4, n=60), True)
    g = np.repeat(np.arange(len(nn)), nn)
    base = make_default_beat_model(
        names, s_floor=False, n_estimators=3, max_per_class=100, random_state=0
    )
    with pytest.raises(TypeError, match="RecordSelfTraining"):
        RecordPrematurityFloor(None, feature_names=names).fit(X, y, g)
    with pytest.raises(ValueError, match="rr_column 'nope'"):
        RecordPrematurityFloor(base, feature_names=names, rr_column="nope").fit(X, y, g)
    with pytest.raises(ValueError, match="floors must be"):
        RecordPrematurityFloor(base, feature_names=names, floors=(-1.0,)).fit(X, y, g)
    for bad in (0, True, 2.5, "20"):  # an integer >= 1 (not bool): _check_int_params
        with pytest.raises(ValueError, match="min_beats must be an integer >= 1"):
            RecordPrematurityFloor(base, feature_names=names, min_beats=bad).fit(X, y, g)
    with pytest.raises(ValueError, match="columns"):
        RecordPrematurityFloor(base, feature_names=names).fit(X[:, :-1], y, g)
