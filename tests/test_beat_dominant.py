"""Beat features relative to the record's own rhythm and beat (geoecg.features.beat_dominant)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from geoecg.features import BeatFeatures
from geoecg.features.beat_dominant import (
    DOMINANT_RHYTHM_NAMES,
    SelectBeatFeatures,
    beat_feature_set_mask,
    dominant_beat_features,
    dominant_width_ratio,
    record_beat_table,
    record_standardize,
)


def _wave(t, mu, sd, a):
    return a * np.exp(-0.5 * ((t - mu) / sd) ** 2)


def synthetic(fs, kinds, rr_s, seed=0):
    """One-lead record: 'N' sinus beats (upright P 160 ms before R), 'S' premature atrial beats
    (inverted, earlier P), 'V' wide QRS without P; each beat at the given RR (s) after the
    previous one. Returns (signal mV, R-peak samples)."""
    rng = np.random.default_rng(seed)
    r_t = np.cumsum(np.r_[1.0, rr_s])
    n = int((r_t[-1] + 1.0) * fs)
    t = np.arange(n) / fs
    x = 0.01 * rng.standard_normal(n)
    for k, tr in zip(kinds, r_t, strict=True):
        if k == "N":
            x += _wave(t, tr - 0.16, 0.02, 0.15)
        elif k == "S":
            x += _wave(t, tr - 0.12, 0.015, -0.12)
        if k == "V":
            x += _wave(t, tr, 0.035, -1.2) + _wave(t, tr + 0.3, 0.06, 0.4)
        else:
            x += _wave(t, tr, 0.01, 1.0) + _wave(t, tr + 0.28, 0.05, 0.3)
    return x, np.round(r_t * fs).astype(np.int64)


def _mixed(seed=0):
    rng = np.random.default_rng(seed)
    kinds, rr = ["N"], []
    for _ in range(150):
        u = rng.random()
        if u < 0.1:  # premature atrial beat, non-compensatory pause
            kinds += ["S", "N"]
            rr += [0.6, 0.85]
        elif u < 0.2:  # PVC with a full compensatory pause
            kinds += ["V", "N"]
            rr += [0.55, 1.05]
        else:
            kinds.append("N")
            rr.append(0.8 + 0.02 * rng.standard_normal())
    return np.asarray(kinds), np.asarray(rr)


@pytest.mark.parametrize("fs", [128.0, 360.0])
def test_prematurity_p_wave_and_qrs_separate_the_classes_at_any_rate(fs):
    kinds, rr = _mixed()
    x, r = synthetic(fs, kinds, rr)
    T = dominant_beat_features(x, r, fs)
    col = {n: i for i, n in enumerate(T.names)}
    V = T.values
    med = {k: np.nanmedian(V[kinds == k], axis=0) for k in "NSV"}
    assert med["N"][col["dom_rr_pre"]] == pytest.approx(1.0, abs=0.06)
    assert med["S"][col["dom_rr_pre"]] < 0.8 and med["V"][col["dom_rr_pre"]] < 0.8
    assert med["V"][col["dom_comp"]] > med["S"][col["dom_comp"]] + 0.05  # compensatory pause
    assert med["N"][col["dom_p_corr_l0"]] > 0.8 > med["S"][col["dom_p_corr_l0"]] + 0.3
    assert med["V"][col["dom_qrs_corr_l0"]] < 0.8 < med["S"][col["dom_qrs_corr_l0"]]
    assert med["N"][col["dom_run"]] == 0 and med["S"][col["dom_run"]] >= 1


def test_sinus_reference_holds_when_ectopic_beats_are_the_majority():
    """Ectopic atrial runs (0.7 s) in sinus bradycardia (1.3 s) with pauses, S beats two
    thirds of all beats: the reference stays the sinus rate, not the median RR."""
    rng = np.random.default_rng(3)
    kinds, rr = ["N"], []
    for _ in range(25):
        m = rng.integers(4, 9)
        kinds += ["S"] * m + ["N"] * 3
        rr += [0.7] * m + [2.5] + [1.3] * 2  # run, pause, sinus
    kinds, rr = np.asarray(kinds), np.asarray(rr)
    assert (kinds == "S").mean() > 0.6
    x, r = synthetic(250.0, kinds, rr)
    T = dominant_beat_features(x, r, 250.0)
    pre = T.values[:, list(T.names).index("dom_rr_pre")]
    assert np.nanmedian(pre[kinds == "S"]) < 0.65
    sinus_n = (kinds == "N") & (np.r_[np.nan, rr] < 2.0)
    assert np.nanmedian(pre[sinus_n]) == pytest.approx(1.0, abs=0.1)
    # the median-RR reference of the former features calls the runs normal
    from geoecg.features.morphology import rr_features

    rmed = rr_features(r, 250.0).values[:, 14]  # rr_pre over the record's median RR
    assert np.nanmedian(rmed[kinds == "S"]) > 0.95


def test_degenerate_input_gives_nan_not_a_crash():
    T = dominant_beat_features(np.zeros((2, 1000)), [100, 500], 250.0)
    assert T.values.shape == (2, len(T.names)) and np.isnan(T.values).all()
    T = dominant_beat_features(np.zeros(3000), [200, 700, 1200, 1700, 2200], 250.0)
    assert np.isfinite(T.values[1:, 0]).all()  # RR defined
    assert np.isnan(T.values[:, list(T.names).index("dom_p_corr_l0")]).all()  # flat lead
    with pytest.raises(ValueError, match="quantile"):
        dominant_beat_features(np.zeros(3000), [200, 700, 1200], 250.0, quantile=0)
    with pytest.raises(ValueError, match="horizon_s"):
        dominant_beat_features(np.zeros(3000), [200, 700, 1200], 250.0, horizon_s=-1)


def test_record_standardize_robust_and_nan_safe():
    rng = np.random.default_rng(0)
    V = rng.normal(5.0, 3.0, size=(400, 3))
    V[:, 2] = 7.0
    V[0, 0] = np.nan
    Z = record_standardize(V)
    assert np.nanmedian(Z[:, 0]) == pytest.approx(0.0, abs=1e-12)
    q1, q3 = np.nanpercentile(Z[:, 0], [25, 75])
    assert q3 - q1 == pytest.approx(1.0)
    assert np.isnan(Z[0, 0]) and np.all(Z[:, 2] == 0.0)
    assert record_standardize(np.zeros((0, 4))).shape == (0, 4)
    with pytest.raises(ValueError, match="2-D"):
        record_standardize(np.zeros(4))


def test_feature_sets_and_selector():
    names = [
        "rr_pre",
        "rr_pre_lmed",
        "r_amp_l0",
        "r_amp_dev_l0",
        "qrs_width_l0",
        "wav_a1_l0",
        "wav_a1_dev_l0",
        "corr_p_l0",
        "dom_rr_pre",
        "ctx_rcv",
    ]
    got = {
        s: [n for n, k in zip(names, beat_feature_set_mask(names, s), strict=True) if k]
        for s in ("all", "transfer", "transfer-s")
    }
    assert "dom_rr_pre" not in got["all"] and "rr_pre" in got["all"]
    assert got["transfer"] == [
        "rr_pre_lmed",
        "r_amp_dev_l0",
        "qrs_width_l0",
        "wav_a1_dev_l0",
        "corr_p_l0",
        "dom_rr_pre",
        "ctx_rcv",
    ]
    assert got["transfer-s"] == got["transfer"]  # no sin_* column here
    for gone in ("relative", "transfer-abs"):  # removed: never scored nested
        with pytest.raises(ValueError, match="feature_set"):
            beat_feature_set_mask(names, gone)
    with pytest.raises(ValueError, match="feature_set"):
        beat_feature_set_mask(names, "bogus")
    both = names + [f"rs_{n}" for n in names]
    X = np.arange(2 * len(both), dtype=float).reshape(2, -1)
    sel = SelectBeatFeatures(both, "transfer", adapt=True).fit(X)
    assert all(n.startswith("rs_") for n in sel.get_feature_names_out())
    two = SelectBeatFeatures(both, "transfer", adapt="both").fit(X).get_feature_names_out()
    assert two.tolist() == got["transfer"] + [f"rs_{n}" for n in got["transfer"]]
    with pytest.raises(ValueError, match="adapt"):
        SelectBeatFeatures(both, adapt="yes").fit(X)
    np.testing.assert_array_equal(clone(sel).fit(X).transform(X), sel.transform(X))
    with pytest.raises(ValueError, match="columns"):
        SelectBeatFeatures(names[:3]).fit(X)


def test_library_defaults_agree_with_the_registered_choice():
    from geoecg.estimators.heartbeat import (
        BEAT_SELECTION_GRID,
        DEFAULT_ADAPT,
        DEFAULT_FEATURE_SET,
        make_beat_pipeline,
    )

    assert any(
        DEFAULT_FEATURE_SET in g["select__feature_set"] and DEFAULT_ADAPT in g["select__adapt"]
        for g in BEAT_SELECTION_GRID
    )
    sel = make_beat_pipeline(["dom_rr_pre"])[0]
    for obj in (BeatFeatures(), SelectBeatFeatures(), sel):
        assert (obj.feature_set, obj.adapt) == (DEFAULT_FEATURE_SET, DEFAULT_ADAPT)


def test_beat_features_transfer_set_and_adapt_standardises():
    kinds, rr = _mixed(1)
    x, r = synthetic(250.0, kinds, rr)
    recs = [(x[None, :], r)]
    bf = BeatFeatures(fs=250.0, adapt=False).fit(recs)
    F = bf.transform(recs)
    names = bf.get_feature_names_out()
    full = record_beat_table(x, r, 250.0)
    keep = beat_feature_set_mask(full.names, "transfer")
    assert names.tolist() == full.names[keep].tolist()
    np.testing.assert_allclose(F, full.values[:, keep], equal_nan=True)
    assert set(DOMINANT_RHYTHM_NAMES) <= set(names) and "rr_pre" not in set(names)
    Fa = BeatFeatures(fs=250.0, adapt=True).fit_transform(recs)
    np.testing.assert_allclose(Fa, record_standardize(F), equal_nan=True)
    bb = BeatFeatures(fs=250.0, adapt="both").fit(recs)
    np.testing.assert_allclose(bb.transform(recs), np.hstack([F, Fa]), equal_nan=True)
    assert bb.get_feature_names_out()[F.shape[1]] == "rs_" + names[0]


def test_width_ratio_is_against_sinus_beats_even_when_wide_beats_are_most():
    from geoecg.features.morphology import BeatFeatureTable

    names = np.array(
        ["qrs_width_l0", "qrs_width_l1", "dom_rr_pre", "dom_qrs_corr_l0", "dom_qrs_amp_l0"]
    )
    sinus = [90.0, 100.0, 1.0, 0.98, 1.0]
    wide = [150.0, 170.0, 0.6, 0.95, 1.1]  # premature, so not sinus-like
    V = np.array([sinus] * 8 + [wide] * 12)  # wide beats are 60 % of the record
    w = dominant_width_ratio(BeatFeatureTable(V, names, np.arange(20)))
    assert w.names.tolist() == ["dom_qrs_wratio_l0", "dom_qrs_wratio_l1"]
    np.testing.assert_allclose(w.values[0], [1.0, 1.0])
    np.testing.assert_allclose(w.values[-1], [150 / 90, 1.7])  # record median would give 1
    few = dominant_width_ratio(BeatFeatureTable(V[4:], names, np.arange(16)))  # 4 sinus beats
    assert np.isnan(few.values).all()
    with pytest.raises(ValueError, match="dom_rr_pre"):
        dominant_width_ratio(BeatFeatureTable(V[:, :2], names[:2], np.arange(20)))
    with pytest.raises(ValueError, match="qrs_width"):
        dominant_width_ratio(BeatFeatureTable(V[:, 2:], names[2:], np.arange(20)))


def test_width_ratio_separates_pvcs_and_only_transfer_w_takes_it():
    kinds, rr = _mixed(2)
    x, r = synthetic(360.0, kinds, rr)
    t = record_beat_table(x, r, 360.0)
    names = t.names.tolist()
    w = t.values[:, names.index("dom_qrs_wratio_l0")]
    assert np.nanmedian(w[kinds == "V"]) > 1.3 * np.nanmedian(w[kinds == "N"])
    assert abs(np.nanmedian(w[kinds == "S"]) - 1.0) < 0.2
    for s in ("all", "transfer", "transfer-s"):
        assert not beat_feature_set_mask(names, s)[names.index("dom_qrs_wratio_l0")]
    sin = np.char.startswith(t.names.astype(str), "sin_")
    s_rr = t.values[:, names.index("sin_rr_pre")]  # local-sinus prematurity (transfer-s only)
    assert np.nanmedian(s_rr[kinds == "S"]) < 0.8 < np.nanmedian(s_rr[kinds == "N"])
    for s in ("all", "transfer", "transfer-w"):
        assert not (beat_feature_set_mask(names, s) & sin).any()
    np.testing.assert_array_equal(
        beat_feature_set_mask(names, "transfer-s"), beat_feature_set_mask(names, "transfer") | sin
    )
    tw = beat_feature_set_mask(names, "transfer-w")
    assert tw[names.index("dom_qrs_wratio_l0")]
    np.testing.assert_array_equal(
        tw & ~np.char.startswith(t.names.astype(str), "dom_qrs_w"),
        beat_feature_set_mask(names, "transfer"),
    )
