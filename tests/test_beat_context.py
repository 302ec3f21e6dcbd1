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
    assert np.array_equal(
        rhythm_context_features(p, FS, ectopic=none).values, plain, equal_nan=True
    )
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
    assert np.array_equal(
        af_context_features(p, FS, ectopic=np.zeros(p.size, bool)).values, plain, equal_nan=True
    )
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
