"""Rhythm context features (geoecg.features.beat_context)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features.beat_context import CONTEXT_FEATURE_NAMES, rhythm_context_features

FS = 360.0
COL = {n: i for i, n in enumerate(CONTEXT_FEATURE_NAMES)}


def _peaks(rr_s):
    return np.round(np.concatenate([[0.0], np.cumsum(rr_s)]) * FS).astype(np.int64) + 10


def test_regular_rhythm_values():
    t = rhythm_context_features(_peaks(np.full(300, 0.8)), FS)
    v = t.values[100]
    assert t.names.tolist() == list(CONTEXT_FEATURE_NAMES)
    assert v[COL["ctx_rcv"]] == 0.0 and v[COL["ctx_dmed"]] == 0.0
    assert v[COL["ctx_prem_frac"]] == 0.0
    assert v[COL["ctx_pre_hmed"]] == pytest.approx(1.0)
    assert v[COL["ctx_loc_hmed"]] == pytest.approx(1.0)
    assert v[COL["ctx_run"]] == 0.0


def test_isolated_premature_beat_leaves_its_context_regular():
    rr = np.full(300, 0.8)
    rr[149], rr[150] = 0.5, 1.1  # beat 150 premature, compensatory pause
    v = rhythm_context_features(_peaks(rr), FS).values[150]
    # its own intervals are left out of the neighbourhood
    assert v[COL["ctx_rcv"]] == 0.0 and v[COL["ctx_prem_frac"]] == 0.0
    assert v[COL["ctx_pre_hmed"]] == pytest.approx(0.5 / 0.8, abs=0.01)
    assert v[COL["ctx_post_hmed"]] == pytest.approx(1.1 / 0.8, abs=0.01)
    assert v[COL["ctx_run"]] == 1.0


def test_tachycardia_run_length_and_local_rate():
    rr = np.full(400, 0.8)
    rr[199:209] = 0.45  # beats 200..209 form a 10-beat run
    t = rhythm_context_features(_peaks(rr), FS).values
    assert t[200:210, COL["ctx_run"]].tolist() == [10.0] * 10
    assert t[199, COL["ctx_run"]] == 0.0 and t[210, COL["ctx_run"]] == 0.0
    # inside the run the local rate is fast against the long-horizon median
    assert t[205, COL["ctx_loc_hmed"]] == pytest.approx(0.45 / 0.8, abs=0.01)
    # while the short-window ratio of its own neighbourhood would be ~1
    assert t[205, COL["ctx_pre_hmed"]] == pytest.approx(0.45 / 0.8, abs=0.01)


def test_irregular_rhythm_is_more_irregular_than_regular():
    rng = np.random.default_rng(0)
    irr = rhythm_context_features(_peaks(rng.uniform(0.4, 1.2, 400)), FS).values
    reg = rhythm_context_features(_peaks(0.8 + rng.normal(0, 0.01, 400)), FS).values
    for c in ("ctx_rcv", "ctx_dmed", "ctx_prem_frac"):
        assert np.nanmedian(irr[:, COL[c]]) > 5 * np.nanmedian(reg[:, COL[c]]) + 0.05
    # random sequence: about 2/3 sign changes; bigeminy alternates every beat
    assert np.nanmedian(irr[:, COL["ctx_alt"]]) == pytest.approx(2 / 3, abs=0.1)
    big = rhythm_context_features(_peaks(np.tile([0.5, 1.1], 200)), FS).values
    assert np.nanmedian(big[:, COL["ctx_alt"]]) == 1.0


def test_few_beats_and_empty():
    t = rhythm_context_features(np.array([10, 300, 600]), FS)
    assert t.values.shape == (3, len(CONTEXT_FEATURE_NAMES))
    assert np.isnan(t.values[:, COL["ctx_rcv"]]).all()  # fewer than 3 neighbours
    assert np.isnan(t.values[0, COL["ctx_pre_hmed"]])  # first beat has no rr_pre
    assert rhythm_context_features(np.zeros(0, np.int64), FS).values.shape == (0, 8)
    one = rhythm_context_features(np.array([5]), FS).values
    assert one.shape == (1, 8) and np.isnan(one).all()


def test_invalid_arguments():
    p = _peaks(np.full(20, 0.8))
    with pytest.raises(ValueError):
        rhythm_context_features(p, FS, window_beats=0)
    with pytest.raises(ValueError):
        rhythm_context_features(p, FS, horizon_s=-1.0)
    with pytest.raises(ValueError):
        rhythm_context_features(p, FS, premature=float("nan"))
    with pytest.raises(ValueError):
        rhythm_context_features(p[::-1], FS)


def test_af_context_high_in_af_low_with_frequent_ectopics():
    from geoecg.features.beat_context import AF_CONTEXT_FEATURE_NAMES, af_context_features

    rng = np.random.default_rng(2)
    af = af_context_features(_peaks(rng.uniform(0.4, 1.2, 300)), FS)
    rr = np.full(300, 0.8)
    rr[10::7] = 0.5  # a premature beat every 7 beats, each with a compensatory pause
    rr[11::7] = 1.1
    ect = af_context_features(_peaks(rr), FS)
    assert af.names.tolist() == list(AF_CONTEXT_FEATURE_NAMES)
    c = AF_CONTEXT_FEATURE_NAMES.index("ctx_af_COSEn")
    i = AF_CONTEXT_FEATURE_NAMES.index("ctx_af_Irr")
    assert np.nanmedian(af.values[:, c]) > np.nanmedian(ect.values[:, c]) + 0.5
    assert np.nanmedian(af.values[:, i]) > 5 * np.nanmedian(ect.values[:, i]) + 0.01


def test_af_context_degenerate():
    from geoecg.features.beat_context import af_context_features

    assert np.isnan(af_context_features(np.array([10, 300, 600]), FS).values).all()
    assert af_context_features(np.zeros(0, np.int64), FS).values.shape == (0, 8)
    with pytest.raises(ValueError):
        af_context_features(_peaks(np.full(20, 0.8)), FS, window=3)


def test_af_gate_threshold():
    from geoecg.features.beat_context import af_gate_threshold

    s = np.r_[np.linspace(-2.5, -1.5, 40), np.linspace(-0.6, 0.2, 40)]
    t = np.r_[np.zeros(40, bool), np.ones(40, bool)]
    thr = af_gate_threshold(s, t)
    assert -1.5 < thr < -0.6
    assert af_gate_threshold(s, np.zeros(80, bool)) == np.inf  # no AF in training
    assert af_gate_threshold([np.nan, np.nan], [True, False]) == np.inf
    with pytest.raises(ValueError):
        af_gate_threshold(s, t[:10])


def _bigeminy(n_pairs=150, coupling=0.5, pause=1.1):
    """RR (s) of ventricular bigeminy and the ectopic flag of each beat (odd beats)."""
    rr = np.tile([coupling, pause], n_pairs)
    ect = np.zeros(rr.size + 1, bool)
    ect[1::2] = True
    return rr, ect


def test_nn_context_of_bigeminy_is_regular_while_plain_context_is_not():
    rr, ect = _bigeminy()
    plain = rhythm_context_features(_peaks(rr), FS).values
    nn = rhythm_context_features(_peaks(rr), FS, ectopic=ect).values
    i = 150  # a normal beat in the middle (even index)
    assert not ect[i]
    assert plain[i, COL["ctx_rcv"]] > 0.2 and plain[i, COL["ctx_prem_frac"]] > 0.3
    assert plain[i, COL["ctx_alt"]] == 1.0
    # normal-to-normal: the PVCs are moved half-way between their normal neighbours
    assert nn[i, COL["ctx_rcv"]] == pytest.approx(0.0, abs=1e-9)
    assert nn[i, COL["ctx_dmed"]] == pytest.approx(0.0, abs=1e-9)
    assert nn[i, COL["ctx_prem_frac"]] == 0.0
    # the beat's own intervals stay the measured ones (over the NN median of 0.8 s)
    assert nn[i, COL["ctx_pre_hmed"]] == pytest.approx(1.1 / 0.8, abs=1e-6)
    assert nn[i, COL["ctx_post_hmed"]] == pytest.approx(0.5 / 0.8, abs=1e-6)
    assert nn[i + 1, COL["ctx_pre_hmed"]] == pytest.approx(0.5 / 0.8, abs=1e-6)
    # ectopic beats' own prematurity and the runs of premature rr_pre are unchanged
    assert np.array_equal(nn[:, COL["ctx_run"]], plain[:, COL["ctx_run"]])


def test_nn_context_excludes_only_the_flagged_beats():
    rng = np.random.default_rng(3)
    rr = 0.8 + rng.normal(0, 0.01, 400)
    rr[199], rr[200] = 0.45, 1.15  # beat 200: PVC with a compensatory pause
    p = _peaks(rr)
    none = np.zeros(p.size, bool)
    plain = rhythm_context_features(p, FS).values
    assert np.array_equal(rhythm_context_features(p, FS, ectopic=none).values, plain,
                          equal_nan=True)
    ect = none.copy()
    ect[200] = True
    nn = rhythm_context_features(p, FS, ectopic=ect).values
    near, far = 195, 120  # beat 200's intervals are in 195's neighbourhood, not in 120's
    assert plain[near, COL["ctx_prem_frac"]] > 0  # the PVC's short interval
    assert nn[near, COL["ctx_prem_frac"]] == 0.0
    np.testing.assert_allclose(nn[far, :4], plain[far, :4], rtol=1e-9)  # cumsum rounding


def test_nn_af_context_of_bigeminy_is_not_af_like():
    from geoecg.features.beat_context import AF_CONTEXT_FEATURE_NAMES, af_context_features

    rr, ect = _bigeminy()
    p = _peaks(rr)
    c = AF_CONTEXT_FEATURE_NAMES.index("ctx_af_COSEn")
    plain = af_context_features(p, FS).values
    nn = af_context_features(p, FS, ectopic=ect).values
    reg = af_context_features(_peaks(np.full(rr.size, 0.8)), FS).values
    assert np.array_equal(af_context_features(p, FS, ectopic=np.zeros(p.size, bool)).values,
                          plain, equal_nan=True)
    pr = AF_CONTEXT_FEATURE_NAMES.index("ctx_af_pRR6")
    assert np.nanmedian(plain[:, pr]) > 0.9  # every successive difference is large
    assert np.nanmedian(nn[:, pr]) == 0.0  # the NN series is flat, as a regular rhythm
    assert np.array_equal(np.isnan(nn[:, c]), np.isnan(reg[:, c]))


def test_nn_context_degenerate_and_invalid_flags():
    from geoecg.features.beat_context import af_context_features

    one = rhythm_context_features(np.array([5]), FS, ectopic=np.array([True])).values
    assert one.shape == (1, 8) and np.isnan(one).all()
    assert np.isnan(af_context_features(np.array([5]), FS, ectopic=np.array([True])).values).all()
    empty = np.zeros(0, np.int64)
    assert rhythm_context_features(empty, FS, ectopic=np.zeros(0, bool)).values.shape == (0, 8)
    # every beat ectopic: nothing to interpolate from, the measured RR is kept (no crash)
    p = _peaks(np.full(50, 0.8))
    all_e = rhythm_context_features(p, FS, ectopic=np.ones(p.size, bool)).values
    assert np.array_equal(all_e, rhythm_context_features(p, FS).values, equal_nan=True)
    with pytest.raises(ValueError):
        rhythm_context_features(p, FS, ectopic=np.zeros(p.size - 1, bool))
    with pytest.raises(ValueError):
        rhythm_context_features(p, FS, ectopic=np.zeros(p.size))  # not boolean
    with pytest.raises(ValueError):
        af_context_features(p, FS, ectopic=np.zeros(3, bool))


@pytest.mark.realdata
def test_add_context_nn_and_morph_match_on_bigeminy_record(mitdb_dir):
    """Record 106 (frequent PVCs, bigeminy): the NN context (``--context-nn``) flags the
    PVCs from the QRS alone and makes the rhythm around normal beats near them regular."""
    import numpy as np

    from geoecg.bench._beats_context import _add_context, _append_context
    from geoecg.io import beat_annotations, read_mitdb

    rec = read_mitdb("106", mitdb_dir)
    ba = beat_annotations(rec.annotations)
    keep = (ba["sample"].to_numpy() >= 0) & (ba["sample"].to_numpy() < rec.signal.shape[1])
    y = ba["aami"].to_numpy().astype("<U1")[keep]
    t = {"X": np.zeros((y.size, 2)), "y": y}
    plain = _add_context(t, "106", mitdb_dir)
    nn = _add_context(t, "106", mitdb_dir, nn="all", morph=True)
    rh = _add_context(t, "106", mitdb_dir, nn="rhythm")
    assert np.array_equal(rh["ctx"], nn["ctx"], equal_nan=True)
    assert np.array_equal(rh["ctx_af"], plain["ctx_af"], equal_nan=True)  # AF stats plain
    assert not np.array_equal(nn["ctx_af"], plain["ctx_af"], equal_nan=True)
    assert "morph" not in rh
    with pytest.raises(ValueError, match="nn"):
        _add_context(t, "106", mitdb_dir, nn=True)
    assert "ectopic" not in plain and nn["ectopic"].shape == y.shape
    assert nn["ectopic"][y == "V"].mean() > 0.9  # QRS morphology, no labels used
    assert nn["ectopic"][y == "N"].mean() < 0.5
    v = np.convolve((y == "V").astype(float), np.ones(7), "same")
    near = (y == "N") & (v >= 2)  # normal beats with PVCs around them
    rcv = 0  # ctx_rcv
    assert np.nanmedian(nn["ctx"][near, rcv]) < 0.5 * np.nanmedian(plain["ctx"][near, rcv])
    corr = nn["morph"][:, 0]
    assert nn["morph"].shape == (y.size, 2)
    assert np.nanmedian(corr[y == "V"]) < np.nanmedian(corr[y == "N"]) - 0.2
    X = _append_context(nn, af=True, morph=True)["X"]
    assert X.shape == (y.size, 2 + 8 + 8 + 2) and np.array_equal(X[:, -2:], nn["morph"],
                                                                equal_nan=True)


@pytest.mark.realdata
def test_ds1_cv_context_nn_and_morph_match_settings(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    from geoecg.cli import main

    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119", "--n-estimators", "5", "--feature-set", "context-af",
        "--af-gate", "--context-nn", "rhythm", "--morph-match", "--json", str(out),
        "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    assert "context on the NN rhythm: rhythm" in capsys.readouterr().out
    import json

    res = json.loads(out.read_text())
    assert res["settings"]["context_nn"] == "rhythm" and res["settings"]["morph_match"]
    assert sum(c["n"] for c in res["classes"].values()) > 3000


def test_neighbour_proba_features_offsets_window_and_ends():
    from geoecg.bench._beats_context import STACK_HALF, STACK_OFFSETS, neighbour_proba_features

    P = np.column_stack([np.arange(20.0), 100 + np.arange(20.0)])
    F = neighbour_proba_features(P)
    k = len(STACK_OFFSETS)
    assert F.shape == (20, 2 * (k + 2))
    assert np.array_equal(F[:, :2], P)
    for j, o in enumerate(STACK_OFFSETS):
        q = F[:, 2 * (j + 1): 2 * (j + 2)]
        i = np.arange(20)
        inside = (i + o >= 0) & (i + o < 20)
        assert np.array_equal(q[inside], P[i[inside] + o])
        assert np.isnan(q[~inside]).all()
    mean = F[:, -2:]
    i = 10  # +-STACK_HALF neighbours, the beat itself left out
    nb = [j for j in range(i - STACK_HALF, i + STACK_HALF + 1) if j != i and 0 <= j < 20]
    np.testing.assert_allclose(mean[i], P[nb].mean(axis=0))
    np.testing.assert_allclose(mean[0], P[1: STACK_HALF + 1].mean(axis=0))
    one = neighbour_proba_features(np.ones((1, 3)))
    assert one.shape == (1, 3 * (k + 2)) and np.isnan(one[:, 3:]).all()
    assert neighbour_proba_features(np.zeros((0, 5))).shape == (0, 5 * (k + 2))
    with pytest.raises(ValueError):
        neighbour_proba_features(np.zeros(5))


def test_stacking_uses_neighbours_out_of_fold_and_helps_runs():
    """S beats come in runs of 8 and one beat's feature is a weak cue; the second stage sees
    the neighbours' out-of-fold probabilities and recovers the runs."""
    from types import SimpleNamespace

    from geoecg.bench._beats_context import _stack_fit, _Stacked
    from geoecg.bench.beats import CLASSES, _fit

    rng = np.random.default_rng(7)

    def record():
        y = np.array(["N"] * 400)
        for s in rng.choice(np.arange(10, 380, 20), 8, replace=False):
            y[s: s + 8] = "S"
        X = np.column_stack([(y == "S") * 1.2 + rng.normal(0, 1, y.size),
                             rng.normal(0, 1, y.size)])
        return {"X": X, "y": y}

    train = [record() for _ in range(6)]
    test = record()
    args = SimpleNamespace(star=0, seed=0, max_n_per_record=0, class_weight="balanced",
                           n_estimators=20, n_jobs=1, keep_premature_n=0.0, n_bags=1,
                           stack_folds=3)
    calls = []

    def spy_fit(a, tables, star=None):
        calls.append(len(tables))
        return _fit(a, tables, star)

    st = _stack_fit(args, spy_fit, train, np.arange(6), CLASSES)
    assert isinstance(st, _Stacked)
    assert calls == [4, 4, 4, 6, 6]  # 3 inner first stages, second stage, full first stage
    plain = _fit(args, train)
    acc_plain = (plain.predict(test["X"]) == test["y"]).mean()
    acc_st = (st.predict(test["X"]) == test["y"]).mean()
    assert acc_st > acc_plain + 0.05, (acc_st, acc_plain)
    assert acc_plain > 0.6  # the weak cue alone
    P = st.predict_proba(test["X"])
    assert P.shape == (400, 2) and np.allclose(P.sum(axis=1), 1)
    # --stack-s-only: the second stage decides only where either stage says S
    st.s_only = True
    p1, p2 = st.first.predict(test["X"]), st.second.predict(st._x2(test["X"]))
    mix = st.predict(test["X"])
    other = (p1 != "S") & (p2 != "S")
    assert other.any() and np.array_equal(mix[other], p1[other])
    assert np.array_equal(mix[~other], p2[~other])
    st.set_params(decision_scale={"S": 1e6})
    assert (st.predict(test["X"]) == "S").mean() > 0.9
    args.stack_folds = 1
    with pytest.raises(ValueError, match="stack-folds"):
        _stack_fit(args, _fit, train, np.arange(6), CLASSES)
