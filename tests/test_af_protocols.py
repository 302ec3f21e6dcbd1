"""The AF evaluation protocols as library functions (``geoecg.estimators.af.protocols``) and
the bounded-memory, cached feature matrix behind ``geoecg bench af`` (issue 18 scale)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from geoecg.datasets import sample_cinc2017_dir
from geoecg.estimators.af import af_patient_folds, record_scores
from geoecg.features.af import AF_RECORD_FEATURE_NAMES, af_feature_matrix
from geoecg.io import CinC2017


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_record_scores_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    yt = rng.choice(list("NAO~"), 200, p=[0.6, 0.1, 0.25, 0.05])
    yp = np.where(rng.random(200) < 0.7, yt, rng.choice(list("NAO~"), 200))
    r = record_scores(yt, yp)
    ref = f1_score(yt, yp, labels=list("NAO~"), average=None, zero_division=0.0) * 100
    np.testing.assert_allclose([r["f1"][c] for c in "NAO~"], ref, atol=1e-9)
    a, pa = yt == "A", yp == "A"
    assert r["af_sensitivity"] == pytest.approx(100 * (a & pa).sum() / a.sum())
    assert r["af_ppv"] == pytest.approx(100 * (a & pa).sum() / pa.sum())
    assert r["af_specificity"] == pytest.approx(100 * (~a & ~pa).sum() / (~a).sum())
    assert r["f1_mean_NAO"] == pytest.approx(ref[:3].mean())


def test_af_patient_folds_keep_201_202_together():
    s = {
        r: (None, np.array([r in ("201", "202", "203", "210")]), None)
        for r in ("100", "101", "201", "202", "203", "210", "220")
    }
    folds = af_patient_folds(s)
    assert folds[0][:2] == ["201", "202"] and len(folds) == 3
    assert sorted(sum(folds, [])) == sorted(s)
    with pytest.raises(ValueError, match="2 patients"):
        af_patient_folds({"100": (None, np.array([True]), None)})


def test_cached_matrix_reads_no_record_and_matches(tmp_path, monkeypatch):
    db = CinC2017(sample_cinc2017_dir())
    names = db.records()[:4]
    sigs, keys = db.signals(names), db.content_keys(names)
    assert len(sigs) == 4 and len(set(keys)) == 4
    first = af_feature_matrix(sigs, db.fs, rhythm_profile=True, keys=keys, cache_dir=tmp_path)
    assert first.X.shape == (4, len(first.feature_names))
    assert first.feature_names[: len(AF_RECORD_FEATURE_NAMES)] == tuple(AF_RECORD_FEATURE_NAMES)
    calls = []
    monkeypatch.setattr(CinC2017, "read", lambda self, n: calls.append(n))
    again = af_feature_matrix(
        db.signals(names), db.fs, rhythm_profile=True, keys=keys, cache_dir=tmp_path
    )
    assert calls == []  # every row from the cache: no record read
    np.testing.assert_array_equal(again.X, first.X)


def test_beat_level_cv_matches_a_plain_loop():
    from geoecg.estimators.af import COSEnDetector, EctopyFilteredDetector, beat_level_cv
    from geoecg.estimators.af.screening import synthetic_rr

    series = {}
    for i, r in enumerate(("a", "b", "c")):
        rr, y = synthetic_rr(1500, af_fraction=0.5, random_state=i)
        series[r] = (rr, np.asarray(y, bool), np.zeros(rr.size + 1, bool))
    dets = {
        "COSEn": (COSEnDetector, False),
        "COSEn + 30 s": (
            lambda: EctopyFilteredDetector(COSEnDetector(), min_episode_s=30.0),
            False,
        ),
    }
    folds = [["a"], ["b"], ["c"]]
    res = beat_level_cv(series, dets, folds)
    tp = fn = 0
    for test in folds:
        train = [r for r in series if r not in test]
        d = COSEnDetector().fit_series([series[r][0] for r in train], [series[r][1] for r in train])
        p, y = d.predict_series(series[test[0]][0]), series[test[0]][1]
        tp, fn = tp + (p & y).sum(), fn + (~p & y).sum()
    assert res["COSEn"]["se"] == pytest.approx(100 * tp / (tp + fn))
    total = sum(v[0].size for v in series.values())
    for r in res.values():
        assert r["n_af_beats"] + r["n_other_beats"] == total and 0 <= r["sp"] <= 100


def test_prior_shift_protocol_chooses_without_test_labels(monkeypatch):
    """The per-seed choice of base model uses the training part and the unlabelled test
    part only: permuting the test labels changes the scores, never the choice or the inner
    scores; the chosen candidate is the one with the best inner score."""
    from sklearn.linear_model import LogisticRegression

    import geoecg.evaluation.prior_shift as ps
    from geoecg.estimators import PriorShiftClassifier
    from geoecg.estimators.af.protocols import prior_shift_protocol

    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 60)
    X = rng.normal(size=(y.size, 4))
    X[:, 0] += (y == "A") * 2.0 + (y == "O") * 1.0  # column 0 informative, the rest noise
    tr = np.concatenate([np.flatnonzero(y == c)[:40] for c in "NAO~"])
    te = np.setdiff1d(np.arange(y.size), tr)
    monkeypatch.setattr(ps, "prior_shift_split", lambda *a, **k: (tr, te))

    def cands(seed):
        def m():
            return PriorShiftClassifier(LogisticRegression(), n_bootstrap=0, random_state=seed)

        return {"noise": (m(), None), "informative": (m(), 1)}  # n_columns 1: column 0 only

    runs = []
    for yy in (y, np.r_[y[tr], rng.permutation(y[te])][np.argsort(np.r_[tr, te])]):
        np.testing.assert_array_equal(yy[tr], y[tr])
        r = prior_shift_protocol(cands, X, yy, {"N": 0.6, "A": 0.1, "O": 0.3}, seeds=[0])
        runs.append(r["per_seed"][0])
    assert runs[0]["inner_scores"] == runs[1]["inner_scores"]
    assert (
        runs[0]["chosen"]
        == runs[1]["chosen"]
        == max(runs[0]["inner_scores"], key=runs[0]["inner_scores"].get)
    )
    assert set(runs[0]["not_chosen"]) == {"noise", "informative"} - {runs[0]["chosen"]}
    assert runs[0]["rows"]["em"]["f1"] != runs[1]["rows"]["em"]["f1"]


def test_adaptation_rows_score_the_prior_corrected_calls():
    """Each adapted row of ``adaptation_report`` (ORACLE, EM, BBSE, RLLS) scores the arg-max
    of the probabilities corrected to its prior, the same calls as a separately fitted
    ``PriorShiftClassifier`` with that method (or ``"known"`` at the true prior) makes after
    ``adapt``; on a strongly shifted target these calls differ from the uncorrected and
    calibrated ones, so a report that scored uncorrected probabilities fails here."""
    from sklearn.linear_model import LogisticRegression

    from geoecg.estimators import PriorShiftClassifier
    from geoecg.estimators.af.protocols import ADAPT_METHODS, adaptation_report

    rng = np.random.default_rng(3)
    means = {"N": (0.0, 0.0), "A": (1.2, 0.0), "O": (0.0, 1.2), "~": (1.2, 1.2)}

    def draw(counts):
        X = np.vstack([rng.normal(means[c], 1.0, (n, 2)) for c, n in counts.items()])
        return X, np.repeat(list(counts), list(counts.values()))

    X, y = draw({c: 300 for c in means})  # balanced training part
    Xt, yt = draw({"N": 1400, "A": 60, "O": 500, "~": 40})  # target at a shifted prior

    def model(**kw):
        kw.setdefault("n_bootstrap", 0)
        return PriorShiftClassifier(LogisticRegression(), random_state=0, **kw).fit(X, y)

    rep = adaptation_report(model(), Xt, yt)
    rows = rep["rows"]
    truth = {c: float(np.mean(yt == c)) for c in means}
    expected = {"ORACLE true prior": model(method="known", target_priors=truth).predict(Xt)}
    for m in ADAPT_METHODS:
        expected[m] = model(method=m).adapt(Xt).predict(Xt)
    calibrated = model(method="none").predict(Xt)
    for name, pred in expected.items():
        assert rows[name]["f1"] == record_scores(yt, pred)["f1"], name
        assert np.mean(pred != calibrated) > 0.1, name  # many calls flip
        assert rows[name]["f1"] != rows["calibrated"]["f1"], name
        assert rows[name]["f1"] != rows["uncorrected"]["f1"], name
        assert np.mean(pred == yt) > np.mean(calibrated == yt) + 0.05, name
    assert rows["calibrated"]["f1"] == record_scores(yt, calibrated)["f1"]
    assert rep["priors"]["em"]["N"]["prior"] > 0.5  # EM moved away from the training 0.25
