"""``stack_beat_tables(sinus_copies=True)``: sinus-referenced ``sr_*`` copies of the QRS/T
columns beside the unchanged columns (registry item 31 of the beats benchmark), and the
degenerate clause of its entry (3 beats, all-ectopic, flat lead, NaN gap, beat-free and
low-level-activity records)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.heartbeat import make_default_beat_model
from geoecg.features.beat_dominant import SelectBeatFeatures, record_beat_table
from geoecg.features.beat_records import stack_beat_tables
from geoecg.features.beat_sinus_copies import (
    SINUS_REFERENCE_MIN_BEATS,
    sinus_morphology_columns,
    sinus_morphology_copies,
    sinus_reference_rows,
)

NAMES = np.array(["rr_pre", "rr_post", "rr_local", "corr_qrs_l0", "qrs_width_l0", "dom_rr_pre"])
FS = 360.0


def _table(rng, n, v_share, *, premature_all=False):
    """One record: V beats premature (dom_rr_pre ~0.6) with a shifted QRS."""
    y = np.where(rng.random(n) < v_share, "V", "N")
    X = rng.normal(size=(n, NAMES.size))
    X[:, 3:5] += 3.0 * (y == "V")[:, None]
    X[:, -1] = np.where(y == "V", 0.6, 1.0) + 0.03 * rng.normal(size=n)
    if premature_all:
        X[:, -1] = 0.6 + 0.03 * rng.normal(size=n)
    return {"X": X, "names": NAMES, "y": y}


def test_only_qrs_and_t_columns_are_copied():
    m = sinus_morphology_columns(
        ["rr_pre_norm", "dom_rr_pre", "ctx_rcv", "p_amp_dev_l0", "pr_dev_l0", "corr_p_l0",
         "dom_p_corr_l1", "r_amp_l0", "qrs_width_l0", "corr_t_l1", "wav_a3_dev_l0",
         "dom_t_diff_l0", "sin_rr_pre", "dom_qrs_wratio_l0"]
    )  # fmt: skip
    assert m.tolist() == [False] * 8 + [True] * 4 + [False, False]
    with pytest.raises(TypeError, match="one string"):
        sinus_morphology_columns("corr_qrs_l0")


def test_existing_columns_unchanged_and_copies_centred_on_sinus_beats():
    rng = np.random.default_rng(1)
    t = _table(rng, 300, 0.7)  # ventricular bigeminy-like: ectopic beats the majority
    Xa, ya, na, names_a = stack_beat_tables([t], True)
    Xs, ys, ns, names_s = stack_beat_tables([t], True, sinus_copies=True)
    assert names_s[: len(names_a)] == names_a
    assert names_s[len(names_a) :] == ["sr_corr_qrs_l0", "sr_qrs_width_l0"]
    assert np.array_equal(ya, ys) and np.array_equal(na, ns)
    np.testing.assert_array_equal(Xs[:, : Xa.shape[1]], Xa)  # what must not change
    sinus = t["X"][:, -1] >= 0.88
    k = Xa.shape[1]
    assert abs(np.median(Xs[sinus, k])) < 1e-9
    assert np.median(Xa[sinus, NAMES.size + 3]) < -0.5  # the all-beats copy is off-centre
    assert np.median(Xs[ys == "V", k]) > 1.0
    sel = SelectBeatFeatures(names_s, "all", adapt=True).fit(Xs)
    assert {"sr_corr_qrs_l0", "rs_rr_pre"} <= set(sel.get_feature_names_out())
    sel = SelectBeatFeatures(names_s, "all", adapt=False).fit(Xs)
    assert not any(n.startswith(("rs_", "sr_")) for n in sel.get_feature_names_out())


@pytest.mark.parametrize("case", ["three_beats", "all_ectopic", "few_sinus"])
def test_degenerate_records_fall_back_to_the_all_beats_copy(case):
    rng = np.random.default_rng(2)
    if case == "three_beats":
        t = _table(rng, 3, 0.0)
    else:
        t = _table(rng, 120, 1.0, premature_all=True)
        if case == "few_sinus":
            t["X"][: SINUS_REFERENCE_MIN_BEATS - 1, -1] = 1.0
    assert sinus_reference_rows(t["X"], t["names"]).all()
    Xs, _, _, names = stack_beat_tables([t], True, sinus_copies=True)
    for c in ("corr_qrs_l0", "qrs_width_l0"):
        np.testing.assert_array_equal(Xs[:, names.index(f"sr_{c}")], Xs[:, names.index(f"rs_{c}")])


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
        "noise_0.2mV": 0.2 * rng.normal(size=(2, n)),
        "hum_50Hz": np.vstack([0.1 * np.sin(2 * np.pi * 50 * t)] * 2),
        "p_waves_only": p_only,
        "nan_gap": gap,
    }


def _record(sig, peaks):
    tb = record_beat_table(sig, peaks, FS)
    return {"X": tb.values, "names": tb.names.astype(str), "y": np.full(len(peaks), "N")}


def test_degenerate_clause_on_beat_free_and_low_level_records():
    sigs = _signals()
    n = sigs["flat"].shape[1]
    peaks = np.arange(int(0.5 * FS), n - int(0.5 * FS), int(0.8 * FS))
    tables = {k: _record(s, peaks) for k, s in sigs.items()}
    tables["three_beats"] = _record(sigs["noise_0.05mV"], peaks[:3])
    tables["no_beats"] = _record(sigs["noise_0.05mV"], peaks[:0])
    for k, t in tables.items():
        Xa, ya, na, names_a = stack_beat_tables([t], True)
        Xs, ys, ns, names_s = stack_beat_tables([t], True, sinus_copies=True)
        assert Xs.shape == (Xa.shape[0], Xa.shape[1] + 88), k
        np.testing.assert_array_equal(Xs[:, : Xa.shape[1]], Xa, err_msg=k)
        assert np.array_equal(ya, ys) and np.array_equal(na, ns), k
        assert not np.isinf(Xs).any(), k
    flat = stack_beat_tables([tables["flat"]], True, sinus_copies=True)
    assert np.isnan(flat[0][:, [n.startswith("sr_qrs_width") for n in flat[3]]]).all()
    # a model fitted on sr_ tables predicts every degenerate record (0 beats: empty output)
    rng = np.random.default_rng(4)
    names = list(tables["flat"]["names"])
    train = []
    for k in range(6):
        X = rng.normal(size=(80, len(names)))
        y = np.where(rng.random(80) < (0.3 if k % 2 else 0.1), "V", "N")
        X[:, sinus_morphology_columns(names)] += 2.5 * (y == "V")[:, None]
        X[:, names.index("dom_rr_pre")] = np.where(y == "V", 0.6, 1.0)
        train.append({"X": X, "names": np.array(names), "y": y})
    X, y, nn, nm = stack_beat_tables(train, True, sinus_copies=True)
    model = make_default_beat_model(nm, n_estimators=5, max_per_class=200, random_state=0)
    model.fit(X, y, np.repeat(np.arange(6), nn))
    for k, t in tables.items():
        Xt, yt, nt, _ = stack_beat_tables([t], True, sinus_copies=True)
        pred = model.predict(Xt, np.zeros(Xt.shape[0], dtype=int)) if Xt.shape[0] else yt
        assert pred.shape == yt.shape and set(pred) <= {"N", "V"}, k


def test_bad_input_errors():
    rng = np.random.default_rng(5)
    t = _table(rng, 20, 0.1)
    with pytest.raises(ValueError, match="needs adapt"):
        stack_beat_tables([t], False, sinus_copies=True)
    with pytest.raises(ValueError, match="True or False"):
        stack_beat_tables([t], True, sinus_copies="yes")
    with pytest.raises(ValueError, match="dom_rr_pre"):
        sinus_reference_rows(t["X"][:, :-1], NAMES[:-1])
    with pytest.raises(ValueError, match="2-D"):
        sinus_reference_rows(t["X"][:, :3], NAMES)
    bad = {"X": t["X"][:, :-1], "names": NAMES[:-1], "y": t["y"]}
    with pytest.raises(ValueError, match="dom_rr_pre"):
        stack_beat_tables([bad], True, sinus_copies=True)
    assert sinus_morphology_copies(np.empty((0, NAMES.size)), NAMES)[0].shape == (0, 2)
