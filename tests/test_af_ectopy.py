"""Morphology-based ectopy filter for RR-based AF detection (features.ectopy,
estimators.af.ectopy)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.estimators.af import COSEnDetector, LowComplexityAFDetector
from geoecg.estimators.af.ectopy import EctopyFilteredDetector, drop_short_runs
from geoecg.features.ectopy import beat_morphology_match, ectopic_beats, repair_rr


def _rhythm(rng, n_sinus=300, n_ect=300, n_af=300):
    """RR (ms), AF label per interval and ectopic (PVC) flag per beat: sinus, then sinus
    with random PVCs, couplets and bigeminal stretches (compensatory pauses), then AF."""
    rr = list(800 + 15 * rng.standard_normal(n_sinus))
    ect = [False] * (n_sinus + 1)
    while len(rr) < n_sinus + n_ect:
        u = rng.random()
        c = rng.uniform(0.5, 0.75) * 800  # coupling interval, ms
        if u < 0.15:  # single PVC with a full compensatory pause
            rr += [c, 1600 - c]
            ect += [True, False]
        elif u < 0.22:  # couplet
            rr += [c, c - 30, 1630 - c]
            ect += [True, True, False]
        elif u < 0.27:  # a short bigeminal stretch
            for _ in range(4):
                rr += [c, 1600 - c]
                ect += [True, False]
        else:
            rr.append(800 + 15 * rng.standard_normal())
            ect.append(False)
    n0 = len(rr)
    rr += list(rng.uniform(380, 1000, n_af))
    ect += [False] * n_af
    y = np.r_[np.zeros(n0, bool), np.ones(n_af, bool)]
    return np.asarray(rr), y, np.asarray(ect), n_sinus


def _ecg(rr_ms, ect, fs, rng):
    """Synthetic lead: narrow upright QRS + T for normal beats, wide inverted QRS + T of the
    opposite sign for ectopic ones (mV); returns the signal and the R-peak samples."""
    t_beats = 1.0 + np.r_[0.0, np.cumsum(rr_ms)] / 1000.0
    n = int((t_beats[-1] + 1.0) * fs)
    t = np.arange(n) / fs
    x = 0.02 * rng.standard_normal(n) + 0.05 * np.sin(2 * np.pi * 0.2 * t)
    r = np.round(t_beats * fs).astype(np.int64)
    h = int(0.5 * fs)
    tt = np.arange(-h, h + 1) / fs
    normal = np.exp(-((tt / 0.012) ** 2)) + 0.25 * np.exp(-(((tt - 0.25) / 0.05) ** 2))
    pvc = -1.2 * np.exp(-((tt / 0.045) ** 2)) + 0.4 * np.exp(-(((tt - 0.3) / 0.07) ** 2))
    for k, e in zip(r, ect, strict=True):
        a, b = max(0, k - h), min(n, k + h + 1)
        x[a:b] += (pvc if e else normal)[a - (k - h) : b - (k - h)]
    return x, r


@pytest.mark.parametrize("fs", [128.0, 250.0, 500.0])
def test_ectopic_beats_finds_wide_qrs_at_any_rate(fs):
    rng = np.random.default_rng(1)
    rr, _, ect, _ = _rhythm(rng, 100, 300, 100)
    x, r = _ecg(rr, ect, fs, rng)
    e = ectopic_beats(x, fs, r)
    assert e.shape == ect.shape
    assert e[ect].mean() > 0.97
    assert e[~ect].mean() < 0.02
    c, a = beat_morphology_match(x, fs, r)
    assert np.nanmedian(c[~ect]) > 0.95 and np.nanmedian(c[ect]) < 0.5
    assert np.nanmedian(a[~ect]) == pytest.approx(1.0, abs=0.1)


def test_dominant_template_survives_bigeminy():
    """With as many PVCs as normal beats the median beat is a blend; the dominant template
    is still the normal beat (allow a tie-break either way but never mark both)."""
    rng = np.random.default_rng(2)
    rr = np.tile([500.0, 1100.0], 150) + 5 * rng.standard_normal(300)
    ect = np.r_[False, np.arange(1, 301) % 2 == 1]
    x, r = _ecg(rr, ect, 250.0, rng)
    e = ectopic_beats(x, 250.0, r)
    agree = max((e == ect).mean(), (e == ~ect).mean())
    assert agree > 0.97  # one of the two morphologies is the template, the other ectopic
    assert 0.4 < e.mean() < 0.6


def test_filtered_detector_ignores_ectopy_and_keeps_af():
    rng = np.random.default_rng(3)
    train = [_rhythm(rng, n_ect=0) for _ in range(2)]  # trained on sinus and AF only
    rr, y, ect_true, n_sinus = _rhythm(rng)
    x, r = _ecg(rr, ect_true, 250.0, rng)
    ect = ectopic_beats(x, 250.0, r)
    tr_rr, tr_y, tr_e = ([t[i] for t in train] for i in range(3))
    plain = COSEnDetector().fit_series(tr_rr, tr_y)
    filt = EctopyFilteredDetector(COSEnDetector()).fit_series(tr_rr, tr_y, tr_e)
    ect_seg = slice(n_sinus + 20, int(np.flatnonzero(y)[0]) - 20)
    p0, p1 = plain.predict_series(rr), filt.predict_series(rr, ect)
    assert p0[ect_seg].mean() > 0.2  # RR alone calls much of the ectopy AF
    assert p1[ect_seg].mean() < 0.02  # the morphology filter does not
    af = y.copy()
    af[np.flatnonzero(y)[:10]] = False  # leave out the onset (windows straddle it)
    assert p0[af].mean() > 0.9 and p1[af].mean() > 0.9
    assert p1[:n_sinus].mean() < 0.02
    # the proba of the filtered detector has one value per interval
    assert filt.predict_proba_series(rr, ect).shape == rr.shape
    # every mode works with another base detector
    for mode in ("drop", "interpolate", "remove"):
        d = EctopyFilteredDetector(LowComplexityAFDetector(), mode=mode).fit_series(
            tr_rr, tr_y, tr_e
        )
        p = d.predict_series(rr, ect)
        assert p.shape == rr.shape and p[af].mean() > 0.8


def test_repair_rr_and_short_runs():
    rr = np.array([800.0, 480.0, 1120.0, 800.0, 480.0, 450.0, 1470.0, 800.0])
    e = np.array([False, False, True, False, False, True, True, False, False])
    rep = repair_rr(rr, e)
    np.testing.assert_allclose(rep, [800, 800, 800, 800, 800, 800, 800, 800])
    assert rep.sum() == pytest.approx(rr.sum())
    rem = repair_rr(rr, e, "remove")
    np.testing.assert_array_equal(np.isnan(rem), e[:-1] | e[1:])
    # ectopic beats outside the normal beats keep their times; all ectopic: unchanged
    np.testing.assert_allclose(repair_rr(rr[:2], [True, False, False]), rr[:2])
    np.testing.assert_allclose(repair_rr(rr, np.ones(9, bool)), rr)
    with pytest.raises(ValueError, match="one flag per beat"):
        repair_rr(rr, e[:-1])
    with pytest.raises(ValueError, match="mode"):
        repair_rr(rr, e, "bogus")
    d = drop_short_runs([True] * 3 + [False] + [True] * 50, np.full(54, 800.0), 30.0)
    assert not d[:4].any() and d[4:].all()  # 2.4 s dropped, 40 s kept
    assert drop_short_runs([True, True], [np.nan, 800.0], 0.0).all()


def test_degenerate_inputs():
    fs = 250.0
    # flat lead, too few beats, empty, beats at the edges: nothing marked, no crash
    assert not ectopic_beats(np.zeros(5000), fs, [500, 700, 900, 1100]).any()
    assert ectopic_beats(np.ones(5000), fs, []).shape == (0,)
    assert not ectopic_beats(np.random.default_rng(0).standard_normal(5000), fs, [3, 4]).any()
    c, _ = beat_morphology_match(np.r_[np.zeros(10), 1.0, np.zeros(10)], fs, [10, 12, 14])
    assert np.isnan(c).all()
    rng = np.random.default_rng(4)
    rr, y, e, _ = _rhythm(rng, 200, 100, 200)
    det = EctopyFilteredDetector().fit_series(rr, y, e)
    # all beats ectopic: no interval left, not AF; very short series: not AF
    assert not det.predict_series(rr, np.ones(rr.size + 1, bool)).any()
    assert not det.predict_series(rr[:5], np.zeros(6, bool)).any()
    assert det.predict_series(rr[:0], np.zeros(1, bool)).shape == (0,)
    assert np.isnan(det.predict_proba_series(rr, np.ones(rr.size + 1, bool))).all()
    # no ectopic flags given: the plain detector plus the episode rule
    assert det.predict_series(rr).shape == rr.shape
    with pytest.raises(ValueError, match="one flag per beat"):
        det.predict_series(rr, np.zeros(rr.size, bool))
    with pytest.raises(NotFittedError):
        EctopyFilteredDetector().predict_series(rr)
    with pytest.raises(ValueError, match="mode"):
        EctopyFilteredDetector(mode="bogus").fit_series(rr, y, e)
    with pytest.raises(ValueError, match="min_episode_s"):
        EctopyFilteredDetector(min_episode_s=-1).fit_series(rr, y, e)
    assert clone(det).get_params()["mode"] == "drop"
    x = np.zeros(5000)
    with pytest.raises(ValueError, match="local_s"):
        ectopic_beats(x, fs, [500, 700, 900], local_s=0.0)
    with pytest.raises(ValueError, match="template"):
        ectopic_beats(x, fs, [500, 700, 900], template="mean")
    with pytest.raises(ValueError, match="half_width_ms"):
        ectopic_beats(x, fs, [500, 700, 900], half_width_ms=-5)


def test_ectopy_filter_on_mitdb(mitdb_dir):
    """Trained on 203 + 208 + 115, the filtered COSEn stops flagging the PVC bigeminy of
    119 and 106 that plain COSEn flags, and still finds most AF of 201 (other patient)."""
    from geoecg.features.af import af_beat_labels
    from geoecg.io import beat_annotations, read_mitdb

    def series(name):
        rec = read_mitdb(name, mitdb_dir)
        ba = beat_annotations(rec.annotations)
        b = ba["sample"].to_numpy()
        e = ectopic_beats(rec.signal[0], rec.fs, b)
        return (
            np.diff(b) * 1000.0 / rec.fs,
            af_beat_labels(rec.annotations, b)[1:],
            e,
            ba["aami"].to_numpy(),
        )

    S = {r: series(r) for r in ("203", "208", "115", "201", "119", "106")}
    for r in ("119", "201"):  # PVCs found, normal (AAMI N) beats kept
        _, _, e, aami = S[r]
        assert e[aami == "V"].mean() > 0.95 and e[aami == "N"].mean() < 0.01
    tr = ("203", "208", "115")
    plain = COSEnDetector().fit_series([S[r][0] for r in tr], [S[r][1] for r in tr])
    filt = EctopyFilteredDetector().fit_series(
        [S[r][0] for r in tr], [S[r][1] for r in tr], [S[r][2] for r in tr]
    )
    fp0 = sum(int(plain.predict_series(S[r][0]).sum()) for r in ("119", "106"))
    fp1 = sum(int(filt.predict_series(S[r][0], S[r][2]).sum()) for r in ("119", "106"))
    assert fp0 > 50 and fp1 < fp0 / 5
    rr, y, e, _ = S["201"]
    se0 = (plain.predict_series(rr) & y).sum() / y.sum()
    se1 = (filt.predict_series(rr, e) & y).sum() / y.sum()
    assert se1 > 0.6 and se1 > se0 - 0.1


def test_screen_af_passes_ectopic_flags_to_filtered_detector():
    """screen_af with an EctopyFilteredDetector: no beat of the PVC stretch of a synthetic
    lead is called AF before the episode rule (the plain detector calls > 5 %), and the AF
    episode is still found."""
    from geoecg.estimators.af.screening import screen_af

    rng = np.random.default_rng(5)
    rr, y, ect, _ = _rhythm(rng, 200, 400, 300)
    fs = 250.0
    x, r = _ecg(rr, ect, fs, rng)
    rr_tr, y_tr, ect_tr, _ = _rhythm(np.random.default_rng(6), 300, 300, 300)
    plain = COSEnDetector().fit_series([rr_tr], [y_tr])
    filt = EctopyFilteredDetector(COSEnDetector()).fit_series([rr_tr], [y_tr], [ect_tr])
    t_af = 1.0 + rr[: np.flatnonzero(y)[0]].sum() / 1000.0  # AF onset, s
    t_ect0 = 1.0 + rr[:200].sum() / 1000.0
    res_p, res_f = screen_af(x, fs, plain), screen_af(x, fs, filt)
    beat_t = res_f.rpeaks[1:] / fs
    in_ect = (beat_t > t_ect0) & (beat_t < t_af - 5)
    in_af = beat_t > t_af + 20
    called_p = np.nan_to_num(res_p.p_af, nan=0.0) >= 0.5
    called_f = np.nan_to_num(res_f.p_af, nan=0.0) >= 0.5
    assert called_p[in_ect].mean() > 0.05  # the plain detector is fooled by the ectopy
    assert called_f[in_ect].mean() < 0.01
    assert res_f.af[in_af].mean() > 0.9
    assert len(res_f.episodes) == 1 and abs(res_f.episodes["start_s"].iloc[0] - t_af) < 15
