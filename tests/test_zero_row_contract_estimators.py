"""The 0-row contract of every table estimator (session 25; geoecg._rows).

A fitted estimator given a table of 0 rows answers with an empty result of the right shape
and dtype (predict: labels of the classes' dtype; predict_proba: (0, n_classes);
decision_function: (0,) for two classes; transform: (0, n_out)), and score of 0 rows is
NaN with a RuntimeWarning. The 0-row table is still checked against the fitted columns
(a ValueError names the mismatch), and side inputs (covariates=, y) of a 0-row call must
have 0 rows. Before, every estimator below but HeartbeatClassifier (predict) and
SelectBeatFeatures raised scikit-learn's "Found array with 0 sample(s) ... is required by
<the estimator or its base model>", and score raised for all. Text in X is a ValueError
naming the estimator and X (it was "could not convert string to float: 'x'"). Rows >= 1 go
through the method's own code unchanged (the undecorated method gives the same output).
The audit of every public estimator with the other input classes is in
docs/user_guide/input_validation.md.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg import estimators as E
from geoecg import riemann as R
from geoecg.estimators import af as EAF
from geoecg.estimators.heartbeat import HeartbeatClassifier
from geoecg.features import NoiseDetector
from geoecg.features.beat_dominant import SelectBeatFeatures

N = 48


class _GroupedLR(LogisticRegression):
    """A member taking ``groups=`` like the riemann pipelines InnerGroupSearch tunes."""

    def fit(self, X, y, groups=None):
        return super().fit(X, y)


def _table(p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, p))
    return X, (X[:, 0] + 0.5 * rng.standard_normal(N) > 0).astype(int)


def _rr(p, seed=0):
    rng = np.random.default_rng(seed)
    X = np.vstack(
        [800 + 15 * rng.standard_normal((N // 2, p)), rng.uniform(450, 1000, (N // 2, p))]
    )
    return X, np.repeat([0, 1], N // 2)


def _cov(n):
    return np.random.default_rng(n).standard_normal((n, 2))


X4, Y4 = _table()
YC = np.array(list("NAO~"))[np.arange(N) % 4]
NONE = lambda n: {}  # noqa: E731
COV = lambda n: {"covariates": _cov(n)}  # noqa: E731

# name: (estimator, X, y, fit keywords(n), call keywords(n))
CASES = {
    "IRMClassifier": (E.IRMClassifier(max_iter=20), X4, Y4, NONE, NONE),
    "VRExClassifier": (E.VRExClassifier(max_iter=20), X4, Y4, NONE, NONE),
    "GroupDROClassifier": (E.GroupDROClassifier(max_iter=20), X4, Y4, NONE, NONE),
    "AnchorClassifier": (E.AnchorClassifier(max_iter=20), X4, Y4, NONE, NONE),
    "AnchorRegression": (E.AnchorRegression(), X4, X4[:, 0] + 0.1, NONE, NONE),
    "CovariateAdjustedClassifier": (E.CovariateAdjustedClassifier(), X4, Y4, COV, COV),
    "CovariateAdjustedGLM": (E.CovariateAdjustedGLM(), X4, Y4, COV, COV),
    "ImportanceWeightedClassifier": (
        E.ImportanceWeightedClassifier(weight_on="X"),
        X4,
        Y4,
        lambda n: {"target": _table(seed=1)[0]},
        NONE,
    ),
    "AFDetector": (EAF.AFDetector(n_estimators=3, random_state=0), *_rr(30), NONE, NONE),
    "COSEnDetector": (EAF.COSEnDetector(), *_rr(16), NONE, NONE),
    "LowComplexityAFDetector": (EAF.LowComplexityAFDetector(), *_rr(11), NONE, NONE),
    "TatenoGlassDetector": (EAF.TatenoGlassDetector(), *_rr(51), NONE, NONE),
    "CinC2017Classifier": (
        EAF.CinC2017Classifier(n_estimators=3, random_state=0),
        X4,
        YC,
        NONE,
        NONE,
    ),
    "AFFeatureBlocks": (
        EAF.AFFeatureBlocks(rhythm_profile=False),
        _table(193)[0],
        None,
        NONE,
        NONE,
    ),
    "HeartbeatClassifier": (HeartbeatClassifier(n_estimators=4, max_depth=2), X4, Y4, NONE, NONE),
    "NoiseDetector": (NoiseDetector(precomputed=True, max_iter=5), X4, Y4, NONE, NONE),
    "AppendCovariates": (R.AppendCovariates(), X4, None, COV, COV),
    "CovariateScaler": (R.CovariateScaler(n_covariates=1), X4, None, NONE, NONE),
    "MeanProbabilityClassifier": (
        R.MeanProbabilityClassifier([LogisticRegression(), LogisticRegression(C=0.1)]),
        X4,
        Y4,
        NONE,
        NONE,
    ),
    "InnerGroupSearch": (
        R.InnerGroupSearch(_GroupedLR(), {"C": [0.1, 1.0]}),
        X4,
        Y4,
        lambda n: {"groups": np.arange(n) % 6},
        NONE,
    ),
    "SelectBeatFeatures": (
        SelectBeatFeatures(
            feature_names=["rr_pre", "rr_post", "r_amp_l0", "qrs_width_l0"],
            feature_set="all",
            adapt=False,
        ),
        X4,
        None,
        NONE,
        NONE,
    ),  # fmt: skip
}
try:  # the optional torch extra
    from geoecg.neural import MLPClassifier

    CASES["MLPClassifier"] = (MLPClassifier(epochs=1, random_state=0), X4, Y4, NONE, NONE)
except ImportError:  # pragma: no cover - without torch
    pass

METHODS = ("predict", "predict_proba", "decision_function", "transform")
#: Validates X itself (the others pass it to a base model, whose message stands).
OWN_CHECK = set(CASES) - {"MeanProbabilityClassifier", "InnerGroupSearch"}


def _fitted(name):
    from sklearn.base import clone

    est, X, y, fkw, _ = CASES[name]
    est = clone(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small fits: convergence and rank warnings
        return est.fit(X, **fkw(len(X))) if y is None else est.fit(X, y, **fkw(len(X)))


@pytest.fixture(scope="module")
def fitted():
    return {name: _fitted(name) for name in CASES}


def _methods(est):
    return [m for m in METHODS if hasattr(est, m)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_zero_rows_give_empty_output(fitted, name):
    est = fitted[name]
    _, X, y, _, kw = CASES[name]
    assert _methods(est)
    for m in _methods(est):
        full = getattr(est, m)(X[:3], **kw(3))
        out = getattr(est, m)(X[:0], **kw(0))
        assert isinstance(out, np.ndarray) and out.shape == (0, *full.shape[1:]), m
        assert out.dtype == full.dtype, m
        if m == "predict" and hasattr(est, "classes_"):
            assert out.dtype == np.asarray(est.classes_).dtype


@pytest.mark.parametrize("name", sorted(n for n in CASES if CASES[n][2] is not None))
def test_zero_rows_score_is_nan_with_a_warning(fitted, name):
    est = fitted[name]
    _, X, y, _, kw = CASES[name]
    with pytest.warns(RuntimeWarning, match=rf"{type(est).__name__}.score of 0 rows"):
        s = est.score(X[:0], y[:0], **kw(0))
    assert np.isnan(s)
    assert np.isfinite(est.score(X, y, **kw(len(X))))


@pytest.mark.parametrize("name", sorted(CASES))
def test_zero_rows_are_still_checked(fitted, name):
    """A 0-row table with another column count, a 1-D empty array or a DataFrame of other
    names is refused (ValueError), as a table of rows would be."""
    est = fitted[name]
    _, X, _, _, kw = CASES[name]
    m = _methods(est)[0]
    with pytest.raises(ValueError, match=r"features|columns"):
        getattr(est, m)(np.zeros((0, X.shape[1] + 1)), **kw(0))
    with pytest.raises(ValueError, match="2D"):
        getattr(est, m)(np.zeros(0), **kw(0))


def test_zero_rows_dataframe_names_checked():
    cols = ["a", "b", "c", "d"]
    est = E.IRMClassifier(max_iter=20).fit(pd.DataFrame(X4, columns=cols), Y4)
    out = est.predict(pd.DataFrame(X4[:0], columns=cols))
    assert out.shape == (0,) and out.dtype == Y4.dtype
    with pytest.raises(ValueError, match="Feature names"):
        est.predict(pd.DataFrame(X4[:0], columns=["a", "b", "c", "e"]))


@pytest.mark.parametrize("name", ["CovariateAdjustedClassifier", "CovariateAdjustedGLM"])
def test_zero_rows_side_input_must_be_aligned(fitted, name):
    with pytest.raises(ValueError, match=r"X has 0 rows but covariates has 3"):
        fitted[name].predict(X4[:0], covariates=_cov(3))
    with pytest.raises(ValueError, match=r"X has 0 rows but argument 2 has 5"):
        fitted[name].score(X4[:0], Y4[:5])


@pytest.mark.parametrize("name", sorted(OWN_CHECK))
def test_text_in_x_names_the_estimator(fitted, name):
    est = fitted[name]
    _, X, _, _, kw = CASES[name]
    bad = np.full(X[:3].shape, "x", dtype=object)
    with pytest.raises(ValueError, match=rf"{type(est).__name__}: X must be a table of real"):
        getattr(est, _methods(est)[0])(bad, **kw(3))


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_take_the_undecorated_path(fitted, name):
    """Rows >= 1: the decorated methods give exactly what the method's own code gives."""
    est = fitted[name]
    _, X, _, _, kw = CASES[name]
    for m in _methods(est):
        f = getattr(type(est), m)
        raw = getattr(f, "__wrapped__", f)
        np.testing.assert_array_equal(getattr(est, m)(X, **kw(len(X))), raw(est, X, **kw(len(X))))


@pytest.mark.parametrize(
    "est",
    [
        E.RecordPriorAdapter(LogisticRegression(), score_labels=None),
        E.IRMClassifier(),
        R.MeanProbabilityClassifier([LogisticRegression()]),
        R.InnerGroupSearch(_GroupedLR(), {"C": [1.0]}),
        EAF.AFPriorShiftModel(n_estimators=3),
    ],
    ids=lambda e: type(e).__name__,
)
def test_fit_of_zero_rows_names_the_estimator(est):
    """fit of 0 rows is a ValueError naming the estimator (the record adapters and
    AFPriorShiftModel said "Found array with 0 sample(s) (shape=(0,))" about y; the
    meta-estimators named their member or 'got classes []')."""
    kw = (
        {"groups": np.zeros(0)}
        if isinstance(est, (E.RecordPriorAdapter, R.InnerGroupSearch))
        else {}
    )
    with pytest.raises(ValueError, match=type(est).__name__):
        est.fit(np.zeros((0, 4)), np.zeros(0), **kw)


def test_geodesic_augmented_zero_matrices():
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    A = rng.standard_normal((20, 3, 40))
    C, y = A @ A.transpose(0, 2, 1) / 40, np.repeat([0, 1], 10)
    clf = R.GeodesicAugmentedClassifier(
        make_pipeline(R.ClassMeanTangentSpace(), LogisticRegression()), random_state=0
    ).fit(C, y)
    assert clf.predict(C[:0]).shape == (0,) and clf.predict_proba(C[:0]).shape == (0, 2)
    assert clf.decision_function(C[:0]).shape == (0,)
    with pytest.warns(RuntimeWarning, match="score of 0 rows"):
        assert np.isnan(clf.score(C[:0], y[:0]))
    with pytest.raises(ValueError, match="4 x 4 matrices, fit saw 3 x 3"):
        clf.predict(np.zeros((0, 4, 4)))


def test_zero_records_as_a_list_match_the_array():
    """An empty list of records gives what a (0, n_leads, n_samples) array gives
    (RPeakDetector raised "got shape (0,)", LeadCovariances "at least one record")."""
    from geoecg.features import RPeakDetector

    X = np.random.default_rng(0).standard_normal((2, 3, 1000))
    for kw in ({}, {"n_lags": 2}, {"leads": [0, 2]}):
        lc = R.LeadCovariances(**kw).fit(X)
        assert (
            lc.transform([]).shape == lc.transform(X[:0]).shape == (0, *lc.transform(X).shape[1:])
        )
    det = RPeakDetector(fs=250).fit(X[:, :1])
    assert det.transform([]) == [] == det.transform(X[:0, :1])


def test_text_in_y_is_not_blamed_on_x():
    """Only X's text gets the message naming X (a DataFrame text column too); text in the
    y of a regressor keeps scikit-learn's message."""
    with pytest.raises(ValueError) as e:
        E.AnchorRegression().fit(X4, np.array(["a"] * N, dtype=object))
    assert "could not convert" in str(e.value) and "X must be" not in str(e.value)
    text = pd.DataFrame({"a": ["x"] * N, "b": 1.0})
    with pytest.raises(ValueError, match="IRMClassifier: X must be a table of real numbers"):
        E.IRMClassifier(max_iter=20).fit(text, Y4)
