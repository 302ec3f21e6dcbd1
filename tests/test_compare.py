"""compare(): identical patient-wise splits, CIs, timing, covariates, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression

from geoecg.evaluation import compare, make_splits, oof_predict


class _Recorder(ClassifierMixin, BaseEstimator):
    """Logistic regression that records the rows it was trained on (via a marker column)."""

    seen: list = []

    def __init__(self, use_covariates=False):
        self.use_covariates = use_covariates

    def fit(self, X, y, covariates=None):
        _Recorder.seen.append(np.sort(X[:, -1]).astype(int).tolist())
        Z = X[:, :-1] if covariates is None else np.column_stack([X[:, :-1], covariates])
        self.lr_ = LogisticRegression().fit(Z, y)
        self.classes_ = self.lr_.classes_
        self.got_covariates_ = covariates is not None
        return self

    def predict_proba(self, X, covariates=None):
        Z = X[:, :-1] if covariates is None else np.column_stack([X[:, :-1], covariates])
        return self.lr_.predict_proba(Z)


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.arange(n) // 2  # two records per patient
    w = rng.standard_normal(n)
    y = (rng.standard_normal(n) + 1.5 * w > 0).astype(int)
    X = np.column_stack([rng.standard_normal(n) + 0.5 * y, np.arange(n)])
    return X, y, groups, w


def test_identical_patient_wise_splits_for_every_method():
    X, y, groups, _ = _data()
    _Recorder.seen = []
    df = compare(
        {"a": _Recorder(), "b": _Recorder()},
        X,
        y,
        groups=groups,
        cv=4,
        metrics=["auroc"],
        n_bootstrap=100,
        progress=False,
    )
    assert len(_Recorder.seen) == 8
    assert _Recorder.seen[:4] == _Recorder.seen[4:]  # same training rows, same order
    for tr, te in df.attrs["splits"]:
        assert not set(groups[tr]) & set(groups[te])  # patient-wise
    assert sorted(i for _, te in df.attrs["splits"] for i in te) == list(range(len(y)))


def test_values_cis_and_times():
    X, y, groups, _ = _data(300)
    df = compare(
        {"lr": LogisticRegression(), "dummy": DummyClassifier()},
        X[:, :1],
        y,
        groups=groups,
        metrics=["auroc", "balanced_accuracy"],
        n_bootstrap=300,
        progress=False,
    )
    row = df.set_index(["method", "metric"])
    lr = row.loc[("lr", "auroc")]
    assert 0.55 < lr["value"] < 0.95
    assert lr["ci_low"] <= lr["value"] <= lr["ci_high"]
    # constant scores within a fold: AUROC exactly 0.5 per fold; pooled folds differ a little
    assert row.loc[("dummy", "auroc"), "fold_mean"] == pytest.approx(0.5)
    assert abs(row.loc[("dummy", "auroc"), "value"] - 0.5) < 0.1
    assert row.loc[("dummy", "balanced_accuracy"), "value"] == pytest.approx(50.0)
    assert (df["fit_s"] >= 0).all() and (df["predict_s"] >= 0).all()
    assert set(df.columns) >= {"fold_mean", "fold_std", "n"}


def test_covariates_reach_estimators_that_take_them():
    X, y, groups, w = _data(300, seed=1)
    with_w = compare(
        {"xw": _Recorder()},
        X,
        y,
        groups=groups,
        covariates=w[:, None],
        metrics=["auroc"],
        n_bootstrap=50,
        progress=False,
    )
    without = compare(
        {"x": _Recorder()}, X, y, groups=groups, metrics=["auroc"], n_bootstrap=50, progress=False
    )
    # W causes Y strongly here, so using it must raise the AUROC
    assert with_w["value"].iloc[0] > without["value"].iloc[0] + 0.1


def test_multilabel_and_multiclass():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((240, 4))
    Y = (X[:, :3] + 0.5 * rng.standard_normal((240, 3)) > 0).astype(int)
    from sklearn.multioutput import MultiOutputClassifier

    class _ML(MultiOutputClassifier):
        def predict_proba(self, X):
            return np.column_stack([p[:, 1] for p in super().predict_proba(X)])

    df = compare(
        {"ml": _ML(LogisticRegression())},
        X,
        Y,
        metrics=["auroc", "f1_macro"],
        n_bootstrap=50,
        progress=False,
    )
    assert df.set_index("metric").loc["auroc", "value"] > 0.8
    y3 = np.argmax(X[:, :3], axis=1)
    proba, classes, _ = oof_predict(LogisticRegression(), X, y3, make_splits(y3, cv=3))
    assert proba.shape == (240, 3) and list(classes) == [0, 1, 2]
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_bad_input():
    X, y, groups, _ = _data()
    with pytest.raises(ValueError, match="unknown metrics"):
        compare({"lr": LogisticRegression()}, X, y, metrics=["auc"])
    with pytest.raises(ValueError, match="estimators is empty"):
        compare({}, X, y)
    with pytest.raises(ValueError, match="groups has 3 entries"):
        compare({"lr": LogisticRegression()}, X, y, groups=[1, 2, 3])


def test_rare_label_combinations_do_not_break_splits():
    rng = np.random.default_rng(5)
    Y = (rng.random((100, 4)) < 0.3).astype(int)
    Y[0] = [1, 1, 1, 1]  # a combination that occurs once
    splits = make_splits(Y, groups=np.arange(100) // 2, cv=5)
    assert len(splits) == 5
    assert sorted(i for _, te in splits for i in te) == list(range(100))
