"""Small-cohort evaluation: patient-wise folds, AUC, bootstrap CIs, learning curves."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from geoecg.evaluation import (
    auc_score,
    bootstrap_ci,
    evaluate_cohort,
    learning_curve,
    macro_auc,
    paired_bootstrap_diff,
    patient_splits,
)
from geoecg.evaluation.small_cohort import subsample_train


def test_auc_matches_sklearn_with_ties(rng):
    y = rng.integers(0, 2, 200)
    s = rng.integers(0, 5, 200).astype(float)  # many ties
    # sklearn 1.9 roc_auc_score(y, s)
    assert auc_score(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert np.isnan(auc_score(np.ones(5), np.arange(5.0)))
    with pytest.raises(ValueError, match="1-D"):
        auc_score([0, 1], [0.5])


def test_macro_auc(rng):
    Y = rng.integers(0, 2, (100, 3))
    S = Y + rng.normal(0, 1, (100, 3))
    Y[:, 2] = 1  # single class: skipped
    ref = np.mean([roc_auc_score(Y[:, j], S[:, j]) for j in range(2)])
    assert macro_auc(Y, S) == pytest.approx(ref)


def test_patient_splits_keep_patients_together(rng):
    groups = rng.integers(0, 60, 200)
    y = (rng.random(200) < 0.3).astype(int)
    splits = patient_splits(y, groups, n_splits=5, n_repeats=3, random_state=0)
    assert len(splits) == 3
    for rep in splits:
        seen = np.zeros(200, int)
        for tr, te in rep:
            assert not set(groups[tr]) & set(groups[te])
            seen[te] += 1
        assert np.all(seen == 1)  # every record tested exactly once per repeat
    # repeats differ
    pairs = zip(splits, splits[1:], strict=False)
    assert any(not np.array_equal(a[0][1], b[0][1]) for a, b in pairs)


def test_bootstrap_ci_coverage_of_known_auc():
    # Binormal model: scores N(0,1) vs N(d,1) have AUC = Phi(d / sqrt 2) (Hanley & McNeil 1982).
    from scipy.stats import norm

    d = 1.0
    truth = norm.cdf(d / np.sqrt(2))
    hits = 0
    rng = np.random.default_rng(7)
    for k in range(40):
        y = np.repeat([0, 1], 60)
        s = rng.normal(0, 1, 120) + d * y
        ci = bootstrap_ci(y, s, n_boot=300, random_state=k)
        hits += ci.low <= truth <= ci.high
    assert 32 <= hits <= 40  # nominal 95%: 38 expected, binomial sd about 1.4


def test_cluster_bootstrap_is_wider_for_duplicated_patients(rng):
    y = np.repeat([0, 1], 40)
    s = y + rng.normal(0, 1.2, 80)
    # every patient recorded 5 times with identical scores
    yy, ss = np.repeat(y, 5), np.repeat(s, 5)
    g = np.repeat(np.arange(80), 5)
    naive = bootstrap_ci(yy, ss, n_boot=400, random_state=0)
    cluster = bootstrap_ci(yy, ss, groups=g, n_boot=400, random_state=0)
    assert (cluster.high - cluster.low) > 1.8 * (naive.high - naive.low)


def test_paired_difference(rng):
    y = np.repeat([0, 1], 50)
    good = y + rng.normal(0, 0.7, 100)
    d = paired_bootstrap_diff(y, good, rng.normal(0, 1, 100), n_boot=300, random_state=0)
    assert d.excludes_zero() and d.low > 0
    same = paired_bootstrap_diff(y, good, good, n_boot=100, random_state=0)
    assert same.estimate == 0 and same.low == 0 and same.high == 0


def test_evaluate_cohort_no_leakage_across_patients(rng):
    # labels depend only on the patient and features carry a patient fingerprint: a
    # record-wise split could memorise patients, a patient-wise one cannot beat chance
    n_pat = 40
    g = np.repeat(np.arange(n_pat), 4)
    y = np.repeat(rng.integers(0, 2, n_pat), 4)
    X = np.repeat(rng.normal(0, 1, (n_pat, 10)), 4, axis=0) + rng.normal(0, 0.01, (160, 10))
    res = evaluate_cohort(
        LogisticRegression(), X, y, groups=g, n_repeats=2, n_boot=200, random_state=0
    )
    assert res.auc.low < 0.5 < res.auc.high + 0.1
    assert res.oof.shape == (2, 160) and np.isfinite(res.oof).all()
    assert res.fit_s.shape == (2, 5)


def test_learning_curve_sizes_and_monotone_trend(rng):
    y = np.repeat([0, 1], 150)
    X = y[:, None] * 0.6 + rng.normal(0, 1, (300, 20))
    lc = learning_curve(
        LogisticRegression(),
        X,
        y,
        groups=np.arange(300),
        train_sizes=[12, None],
        n_repeats=2,
        n_boot=100,
        random_state=0,
    )
    assert lc.train_sizes.tolist() == [12, 240]
    assert lc.results[1].auc.estimate > lc.results[0].auc.estimate


def test_subsample_train_is_stratified_subset(rng):
    tr = np.arange(100, 200)
    y = np.zeros(300, int)
    y[150:160] = 1
    sub = subsample_train(tr, y, 30, rng)
    assert set(sub) <= set(tr) and y[sub].sum() >= 2 and 28 <= sub.size <= 32


def test_weighted_auc_equals_auc_on_repeated_rows(rng):
    from geoecg.evaluation.small_cohort import weighted_auc

    y = rng.integers(0, 2, 50)
    s = rng.integers(0, 6, 50).astype(float)  # ties
    W = rng.integers(0, 4, (7, 50))
    W[0] = 1
    got = weighted_auc(y, s, W)
    for b in range(7):
        rows = np.repeat(np.arange(50), W[b])  # slow twin: materialise the resample
        assert got[b] == pytest.approx(auc_score(y[rows], s[rows]), abs=1e-12)
    assert np.isnan(weighted_auc(y, s, (y == 1)[None].astype(float)))[0]
