"""0-row and text-input leftovers of the session-25 contract (user_guide/input_validation.md).

On 8461eeb: ``CovariateAdjustedClassifier`` / ``CovariateAdjustedGLM`` given 0 rows without
``covariates=`` returned an empty result where 1 row raises "covariates are required";
``MeanProbabilityClassifier`` / ``InnerGroupSearch`` with the library's 3-D Riemann members
raised a member's "Found array with 0 sample(s) ... StandardScaler" (or, with
``ClassMeanTangentSpace(mode="nearest")``, numpy's "cannot reshape array of size 0") at 0
records; ``ClinicalFeatures.transform`` of text showed numpy's "could not convert string to
float"; ``CNN1DClassifier`` / ``ResNet1DClassifier`` ``predict`` / ``predict_proba`` /
``score`` of 0 records raised "X must hold at least one record". Rows >= 1 are unchanged
(checked against the undecorated methods where there is one).
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn

from geoecg.estimators import CovariateAdjustedClassifier, CovariateAdjustedGLM
from geoecg.riemann import ClassMeanTangentSpace
from geoecg.riemann.pipelines import (
    InnerGroupSearch,
    MeanProbabilityClassifier,
    hankel_covariances,
    hankel_tangent_classifier,
)

REQUIRED = "covariates are required to predict"


def _table(n=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + 0.5 * rng.standard_normal(n) > 0).astype(int)
    W = np.column_stack([rng.uniform(30, 80, n), rng.integers(0, 2, n)])  # years, sex
    return X, y, W


@pytest.mark.parametrize("cls", [CovariateAdjustedClassifier, CovariateAdjustedGLM])
@pytest.mark.parametrize("method", ["predict", "predict_proba", "decision_function", "score"])
def test_covariate_adjusted_zero_rows_need_covariates_as_one_row_does(cls, method):
    X, y, W = _table()
    m = cls().fit(X, y, covariates=W)
    args = (y[:1],) if method == "score" else ()
    with pytest.raises(ValueError, match=REQUIRED):  # 1 row: the method's own message
        getattr(m, method)(X[:1], *args)
    args = (y[:0],) if method == "score" else ()
    with pytest.raises(ValueError, match=REQUIRED):  # 0 rows: the same (was: empty)
        getattr(m, method)(X[:0], *args)
    with pytest.raises(ValueError, match="lack the columns seen at fit"):
        getattr(m, method)(X[:0], *args, covariates=np.zeros((0, 1)))
    with pytest.raises(ValueError, match="X has 4 features"):  # X first, as with rows
        getattr(m, method)(np.zeros((0, 4)), *args, covariates=W[:0])
    if method == "score":
        with pytest.warns(RuntimeWarning, match=f"{cls.__name__}.score of 0 rows"):
            assert np.isnan(m.score(X[:0], y[:0], covariates=W[:0]))
        return
    out = getattr(m, method)(X[:0], covariates=W[:0])
    want = {"predict": (0,), "predict_proba": (0, 2), "decision_function": (0,)}[method]
    assert out.shape == want
    if method == "predict":
        assert out.dtype == m.classes_.dtype
    rows = getattr(m, method)(X[:5], covariates=W[:5])
    assert np.array_equal(rows, getattr(type(m), method).__wrapped__(m, X[:5], covariates=W[:5]))


def _spd(n=40, seed=0):
    """n synthetic 3 x 3 covariances (mV^2) of n // 2 patients; class 1: more lead-0 variance."""
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], n // 2)
    A = rng.standard_normal((n, 3, 40))
    A[y == 1, 0] *= 1.5
    W = np.column_stack([rng.uniform(30, 80, n), rng.integers(0, 2, n)])
    return A @ A.transpose(0, 2, 1) / 40, y, np.arange(n) // 2, W


def _members(covariates):
    pipe = hankel_tangent_classifier(covariates=covariates, Cs=[1.0], inner_cv=2)
    grid = {"classmeantangentspace__mode": ["concat", "nearest"]}
    return pipe, InnerGroupSearch(pipe, grid, inner_cv=2)


@pytest.mark.parametrize("covariates", [False, True])
def test_meta_estimators_with_spd_members_answer_zero_records(covariates):
    C, y, g, W = _spd()
    pipe, search = _members(covariates)
    cov = {"covariates": W} if covariates else {}
    with sklearn.config_context(enable_metadata_routing=True):
        models = {
            "search": search.fit(C, y, groups=g, **cov),
            "mean": MeanProbabilityClassifier([pipe, search]).fit(C, y, groups=g, **cov),
        }
        for name, m in models.items():
            cov0 = {"covariates": W[:0]} if covariates else {}
            p = m.predict_proba(C[:0], **cov0)
            assert p.shape == (0, 2) and p.dtype == np.float64, name
            lab = m.predict(C[:0], **cov0)
            assert lab.shape == (0,) and lab.dtype == m.classes_.dtype, name
            with pytest.raises(ValueError, match=r"X has 4 x 4 matrices, fit saw 3 x 3"):
                m.predict_proba(np.zeros((0, 4, 4)), **cov0)
            with pytest.raises(ValueError, match="stack of square matrices"):
                m.predict(np.zeros((0, 9)), **cov0)
            if covariates:  # the members need covariates: so do 0 records (as 1 record)
                with pytest.raises(ValueError, match="covariates are required"):
                    m.predict_proba(C[:1])
                with pytest.raises(ValueError, match="covariates are required"):
                    m.predict_proba(C[:0])
            # rows >= 1: the undecorated path
            cov5 = {"covariates": W[:5]} if covariates else {}
            want = type(m).predict_proba.__wrapped__(m, C[:5], **cov5)
            assert np.array_equal(m.predict_proba(C[:5], **cov5), want), name
    if not covariates:  # score takes no covariates
        for m in models.values():
            with pytest.warns(RuntimeWarning, match="score of 0 rows is undefined"):
                assert np.isnan(m.score(C[:0], y[:0]))


def test_meta_estimator_on_signals_checks_the_lead_count_of_zero_records():
    """The library's signal pipeline: LeadCovariances -> tangent classifier (3 leads, 2 lags)."""
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 12)
    X = rng.standard_normal((24, 3, 400)) * 0.1
    X[y == 1, 0] *= 2.0
    g = np.arange(24) // 2
    front = hankel_covariances(fs=100.0, n_lags=2)
    member = make_pipeline(front, hankel_tangent_classifier(covariates=False, Cs=[1.0], inner_cv=2))
    with sklearn.config_context(enable_metadata_routing=True):
        m = MeanProbabilityClassifier([member]).fit(X, y, groups=g)
        assert m.predict_proba(X[:0]).shape == (0, 2)
        assert m.predict([]).shape == (0,)  # an empty list = 0 records
        with pytest.raises(ValueError, match="lead"):
            m.predict_proba(np.zeros((0, 5, 400)))


def test_nearest_tangent_space_of_zero_matrices():
    C, y, _, _ = _spd()
    t = ClassMeanTangentSpace(mode="nearest").fit(C, y)
    assert t.transform(C[:0]).shape == (0, t.n_features_out_)  # was numpy's reshape error
    full = ClassMeanTangentSpace(mode="concat").fit(C, y).transform(C[:4])
    d = t.distances(C[:4])
    near = np.argmin(d, axis=1)
    p = t.n_features_out_ - 2  # nearest: the vector at the nearest mean, then 2 distances
    want = np.hstack([full.reshape(4, 2, p)[np.arange(4), near], d])
    assert np.array_equal(t.transform(C[:4]), want)


def test_clinical_features_text_input_names_the_record():
    from geoecg.features import ClinicalFeatures

    x = 0.1 * np.random.default_rng(0).standard_normal((12, 2500))
    cf = ClinicalFeatures(fs=250).fit([x])
    for bad in (x.astype(str), x.astype(object)):
        with pytest.raises(TypeError, match=r"ClinicalFeatures.transform: X\[1\] must be a nume"):
            cf.transform([x, bad])
    with pytest.raises(ValueError, match=r"each record must be \(12, n_samples\)"):
        cf.transform([x[:3]])  # a numeric record of the wrong lead count: as before
    assert cf.transform([]).shape == (0, len(cf.get_feature_names_out()))


@pytest.mark.parametrize("name", ["CNN1DClassifier", "ResNet1DClassifier"])
def test_signal_networks_answer_zero_records(name):
    pytest.importorskip("torch", reason="the neural baselines need torch")
    import geoecg.neural as nn

    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 2, 256))
    y = np.repeat(["N", "A"], 6)
    m = getattr(nn, name)(epochs=1, random_state=0).fit(X, y)
    assert m.predict_proba(X[:0]).shape == (0, 2)
    lab = m.predict([])
    assert lab.shape == (0,) and lab.dtype == m.classes_.dtype
    with pytest.warns(RuntimeWarning, match=f"{name}.score of 0 rows is undefined"):
        assert np.isnan(m.score(X[:0], y[:0]))
    with pytest.raises(ValueError, match="X has 3 leads, the model was fitted on 2"):
        m.score(np.zeros((0, 3, 256)), y[:0])
    with pytest.raises(ValueError, match=r"X must have shape \(n_records, n_leads, n_samples\)"):
        m.predict(np.zeros((0, 256)))
    with pytest.raises(TypeError, match="numeric array of real numbers"):
        m.predict(np.zeros((0, 2, 256), dtype=str))
    with pytest.raises(ValueError, match="X has 0 rows but argument 2 has 3"):
        m.score(X[:0], y[:3])
    assert m.predict(X[:3]).shape == (3,)  # records: as before
    with pytest.raises(ValueError, match="empty list"):
        getattr(nn, name)(epochs=1).fit([], [])  # fit still needs records
