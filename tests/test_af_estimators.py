"""AF detectors, record classifier, prior correction, rhythm labels and screening."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.estimators import prior_correct
from geoecg.estimators._decision import blend_one_vs_rest
from geoecg.estimators.af import (
    AFDetector,
    CinC2017Classifier,
    COSEnDetector,
    LowComplexityAFDetector,
    TatenoGlassDetector,
)
from geoecg.estimators.af.detectors import youden_threshold
from geoecg.estimators.af.screening import af_episodes, screen_af, synthetic_af_ecg, synthetic_rr
from geoecg.features.af import af_beat_labels, beat_rhythms
from geoecg.io import Annotations, beat_annotations, read_record, rhythm_episodes

DETECTORS = [
    TatenoGlassDetector,
    COSEnDetector,
    LowComplexityAFDetector,
    lambda: AFDetector(n_estimators=30, random_state=0),
]
IDS = ["tateno_glass", "cosen", "low_complexity", "xgboost"]


@pytest.fixture(scope="module")
def synth():
    train = synthetic_rr(6000, af_fraction=0.5, random_state=0)
    test = synthetic_rr(6000, af_fraction=0.5, random_state=1)
    return train, test


@pytest.mark.parametrize("make", DETECTORS, ids=IDS)
def test_detectors_on_synthetic_series(make, synth):
    (rr, y), (rr2, y2) = synth
    det = make().fit_series(rr, y)
    p = det.predict_series(rr2)
    se = (p & y2).sum() / y2.sum()
    sp = (~p & ~y2).sum() / (~y2).sum()
    assert se > 0.9 and sp > 0.9, (se, sp)
    proba = det.predict_proba_series(rr2)
    assert proba.shape == rr2.shape
    ok = np.isfinite(proba)
    assert np.all((proba[ok] >= 0) & (proba[ok] <= 1))


@pytest.mark.parametrize("make", DETECTORS, ids=IDS)
def test_detector_contract(make, synth):
    from geoecg.features.af import rr_windows

    (rr, y), _ = synth
    det = make()
    W = rr_windows(rr[:1500], det.window)
    yy = y[:1500].astype(int)
    with pytest.raises(NotFittedError):
        det.predict(W)
    W_copy = W.copy()
    a = det.fit(W, yy)
    assert a is det
    np.testing.assert_array_equal(W, W_copy)  # input not mutated
    pred = det.predict(W)
    assert set(np.unique(pred)) <= {0, 1}
    b = pickle.loads(pickle.dumps(det))
    np.testing.assert_array_equal(b.predict_proba(W), det.predict_proba(W))
    c = clone(det).fit(W, yy)
    np.testing.assert_allclose(c.predict_proba(W), det.predict_proba(W))
    # proba consistent with predict; rows without statistic are not AF
    P = det.predict_proba(W)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(pred, (P[:, 1] > 0.5).astype(int))
    empty = np.full((1, W.shape[1]), np.nan)
    assert det.predict(empty).tolist() == [0]
    with pytest.raises(ValueError):
        det.predict(W[:, :-1])
    with pytest.raises(ValueError, match="RR intervals"):
        det.fit(-W, yy)
    with pytest.raises(ValueError):
        make().fit(W, np.full(W.shape[0], 3))


def test_fixed_threshold_and_tuning():
    rng = np.random.default_rng(0)
    X = np.vstack([800 + 10 * rng.standard_normal((50, 16)), rng.uniform(450, 1000, (50, 16))])
    y = np.r_[np.zeros(50), np.ones(50)].astype(int)
    fixed = COSEnDetector(threshold=-1.4).fit(X, y)  # Lake & Moorman 2011 threshold
    assert fixed.threshold_ == -1.4
    np.testing.assert_allclose(fixed.decision_function(X) - 1.4, fixed._stat(X))
    tuned = COSEnDetector().fit(X, y)
    assert tuned.threshold_ != -1.4
    # tuned threshold separates this easy set perfectly
    assert (tuned.predict(X) == y).all()
    with pytest.raises(ValueError, match="window"):
        COSEnDetector(window=2).fit(X, y)


def twin_youden(score, y):
    best, thr = -np.inf, None
    cands = np.unique(score)
    for c in cands:
        j = (score[y] >= c).mean() - (score[~y] >= c).mean()
        if j > best + 1e-12:
            best, thr = j, c
    return best, thr


@pytest.mark.parametrize("seed", range(5))
def test_youden_threshold_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    y = rng.uniform(size=80) < 0.4
    s = np.round(rng.standard_normal(80) + 1.2 * y, 1)  # ties
    t = youden_threshold(s, y)
    best, _ = twin_youden(s, y)
    j = (s[y] >= t).mean() - (s[~y] >= t).mean()
    assert j == pytest.approx(best)
    with pytest.raises(ValueError):
        youden_threshold(s, np.ones(80, bool))


def test_prior_correct():
    p = np.array([[0.2, 0.8], [0.6, 0.4]])
    np.testing.assert_allclose(prior_correct(p, [0.5, 0.5], [0.5, 0.5]), p)
    # Bayes by hand: 0.8 * 0.1 / 0.5 = 0.16, 0.2 * 0.9 / 0.5 = 0.36 -> 0.16 / 0.52
    q = prior_correct(p, [0.5, 0.5], [0.9, 0.1])
    assert q[0, 1] == pytest.approx(0.16 / 0.52)
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    with pytest.raises(ValueError):
        prior_correct(p, [0.5], [0.5, 0.5])
    with pytest.raises(ValueError):
        prior_correct(p, [0.0, 1.0], [0.5, 0.5])


@parametrize_with_checks([CinC2017Classifier(n_estimators=5, random_state=0)])
def test_cinc_classifier_sklearn(estimator, check):
    check(estimator)


def test_cinc_classifier_prior_correction():
    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 60)
    X = rng.standard_normal((240, 5))
    X[:, 0] += (y == "A") * 1.0
    X[:, 1] += (y == "O") * 1.0
    clf = CinC2017Classifier(n_estimators=30, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.train_priors_, 0.25)
    raw = clf.predict_proba(X)
    priors = {"N": 0.60, "A": 0.09, "O": 0.28, "~": 0.03}
    clf.set_params(class_priors=priors)
    cor = clf.predict_proba(X)
    arr = np.array([priors[c] for c in clf.classes_])
    np.testing.assert_allclose(cor, prior_correct(raw, clf.train_priors_, arr))
    np.testing.assert_allclose(clf.set_params(class_priors=arr).predict_proba(X), cor)
    n = list(clf.classes_).index("N")
    assert (clf.predict(X) == "N").mean() > (raw.argmax(axis=1) == n).mean()
    with pytest.raises(ValueError, match="lacks"):
        clf.set_params(class_priors={"N": 1.0}).predict_proba(X)


def test_blend_one_vs_rest():
    p = np.array([[0.2, 0.6, 0.2], [0.5, 0.0, 0.5], [1.0, 0.0, 0.0]])
    b = np.array([0.8, 0.1, 0.4])
    np.testing.assert_allclose(blend_one_vs_rest(p, b, 1, 0.0), p)
    q = blend_one_vs_rest(p, b, 1, 0.5)
    np.testing.assert_allclose(q[:, 1], [0.7, 0.05, 0.2])
    np.testing.assert_allclose(q.sum(axis=1), 1.0)
    np.testing.assert_allclose(q[0, [0, 2]], [0.15, 0.15])  # ratio of the rest kept
    np.testing.assert_allclose(q[2], [0.8, 0.2, 0.0])
    np.testing.assert_allclose(blend_one_vs_rest(p, b, 1, 1.0)[:, 1], b)
    np.testing.assert_allclose(blend_one_vs_rest([[0.0, 1.0]], [0.5], 1, 1.0), [[0.5, 0.5]])
    with pytest.raises(ValueError):
        blend_one_vs_rest(p, b, 1, 1.5)
    with pytest.raises(ValueError):
        blend_one_vs_rest(p, b[:2], 1, 0.5)
    with pytest.raises(ValueError):
        blend_one_vs_rest(p, b, 3, 0.5)


def test_cinc_classifier_binary_af_model():
    from xgboost import XGBClassifier

    rng = np.random.default_rng(1)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 50)
    X = rng.standard_normal((200, 5))
    X[:, 0] += (y == "A") * 1.5
    X[:, 1] += (y == "O") * 1.0
    base = CinC2017Classifier(n_estimators=20, random_state=0).fit(X, y)
    assert base.binary_model_ is None
    clf = clone(base).set_params(binary_weight=0.5).fit(X, y)
    a = list(clf.classes_).index("A")
    # the multi-class model is unchanged; the binary model is an A-vs-rest model, same seed
    np.testing.assert_allclose(clf.model_.predict_proba(X), base.model_.predict_proba(X))
    assert isinstance(clf.binary_model_, XGBClassifier)
    ref = XGBClassifier(**clf.binary_model_.get_params()).fit(X, (y == "A").astype(int))
    pb = ref.predict_proba(X)[:, 1]
    p0, p = base.predict_proba_uncorrected(X), clf.predict_proba_uncorrected(X)
    np.testing.assert_allclose(p[:, a], 0.5 * p0[:, a] + 0.5 * pb, rtol=1e-6)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert not np.allclose(p, p0)
    one = clone(clf).set_params(binary_weight=1.0).fit(X, y)
    np.testing.assert_allclose(one.predict_proba_uncorrected(X)[:, a], pb, rtol=1e-6)
    # prior correction still applies on top of the blend
    pri = {"N": 0.6, "A": 0.09, "O": 0.28, "~": 0.03}
    arr = np.array([pri[c] for c in clf.classes_])
    np.testing.assert_allclose(
        clf.set_params(class_priors=pri).predict_proba(X), prior_correct(p, clf.train_priors_, arr)
    )
    with pytest.raises(ValueError, match="binary_weight"):
        clone(base).set_params(binary_weight=2.0).fit(X, y)
    with pytest.raises(ValueError, match="binary_class"):
        clone(base).set_params(binary_weight=0.5, binary_class="AF").fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba_uncorrected(X), p)


def _ann(samples, symbols, aux):
    n = len(samples)
    return Annotations(
        sample=np.asarray(samples, dtype=np.int64),
        symbol=np.asarray(symbols),
        aux_note=np.asarray(aux),
        chan=np.zeros(n, dtype=np.int64),
    )


def test_beat_rhythms_mitdb_and_shdb_layouts():
    beats = np.array([50, 150, 250, 350, 450, 550])
    mit = _ann([0, 100, 200, 300, 400], ["+", "N", "+", "N", "+"], ["(N", "", "(AFIB", "", "(AFL"])
    assert beat_rhythms(mit, beats).tolist() == ["N", "N", "AFIB", "AFIB", "AFL", "AFL"]
    # SHDB-AF layout: rhythm codes in the aux note of comment annotations ('"'), with or
    # without the "(", and free-text comments that are not rhythm codes are ignored
    shdb = _ann([0, 200, 260, 400], ['"', '"', '"', '"'], ["(N", "AFIB", "electrode off", "(N"])
    assert beat_rhythms(shdb, beats).tolist() == ["N", "N", "AFIB", "AFIB", "N", "N"]
    assert beat_rhythms(shdb, beats, symbols=("+",)).tolist() == [""] * 6
    assert af_beat_labels(shdb, beats).tolist() == [False, False, True, True, False, False]
    # a "+" annotation without "(" is not a rhythm code
    odd = _ann([0, 200], ["+", "+"], ["(N", "AFIB"])
    assert beat_rhythms(odd, beats).tolist() == ["N"] * 6
    with pytest.raises(ValueError):
        beat_rhythms(mit, beats.astype(float))


def test_beat_labels_agree_with_rhythm_episodes():
    from geoecg.datasets import sample_record_path

    rec = read_record(sample_record_path("mitdb_201"))
    beats = beat_annotations(rec.annotations)["sample"].to_numpy()
    y = af_beat_labels(rec.annotations, beats)
    ep = rhythm_episodes(rec.annotations, rec.n_samples, rec.fs)
    want = np.zeros(beats.size, bool)
    for _, e in ep[ep["rhythm"] == "AFIB"].iterrows():
        want |= (beats >= e["start"]) & (beats < e["end"])
    np.testing.assert_array_equal(y, want)
    assert want.sum() > 100


def test_af_episodes_gap_filling_and_min_duration():
    t = np.arange(0.0, 201.0)
    af = np.zeros(200, bool)
    af[10:25] = True  # 15 s: too short
    af[50:90] = True
    af[95:130] = True  # 5-s gap to the previous run: filled
    ep, kept = af_episodes(t, af)
    assert ep[["start_s", "end_s"]].values.tolist() == [[50.0, 130.0]]
    assert kept.sum() == 80 and not kept[10:25].any()
    ep2, _ = af_episodes(t, af, max_gap_s=1.0, min_duration_s=10.0)
    assert len(ep2) == 3
    with pytest.raises(ValueError):
        af_episodes(t[:-1], af)


def test_screen_synthetic_holter():
    rr, y = synthetic_rr(4000, af_fraction=0.5, random_state=3)
    det = COSEnDetector().fit_series(rr, y)
    truth_eps = [(300.0, 700.0), (1200.0, 1500.0)]
    x, fs, truth = synthetic_af_ecg(1800, fs=200, af_intervals=truth_eps, random_state=4)
    assert x.shape == (2, 360000)
    res = screen_af(x, fs, det)
    # each true episode is matched by one found episode with both ends within 20 s
    assert len(res.episodes) == 2
    for (a, b), (_, row) in zip(truth_eps, res.episodes.iterrows(), strict=True):
        assert abs(row["start_s"] - a) < 20 and abs(row["end_s"] - b) < 20
    assert res.af_burden == pytest.approx(700 / 1800, abs=0.03)
    with pytest.raises(TypeError):
        screen_af(x, fs, "not a detector")
    with pytest.raises(ValueError):
        screen_af(x, fs, det, lead=2)
    flat = screen_af(np.zeros((1, 2000)), fs, det)
    assert len(flat.episodes) == 0
