"""PriorShiftClassifier and the prior estimators (EM, BBSE, RLLS) of geoecg.estimators."""

import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.estimators import (
    PriorShiftClassifier,
    bbse_priors,
    em_priors,
    prior_correct,
    rlls_priors,
)

MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 2.5], [2.5, 2.5]])


def _sample(counts, rng, means=MEANS):
    """Gaussian classes (identity covariance) with the given count per class."""
    X = np.vstack([rng.normal(means[c], 1.0, (n, means.shape[1])) for c, n in enumerate(counts)])
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


def _fit(k=4, n_per=600, seed=0, **kw):
    rng = np.random.default_rng(seed)
    X, y = _sample([n_per] * k, rng, MEANS[:k])
    kw.setdefault("n_bootstrap", 0)
    return PriorShiftClassifier(random_state=seed, **kw).fit(X, y), rng


# EM meets the 0.02 target at 1000 target records; BBSE / RLLS (confusion-matrix
# inversion) are noisier there (0.025 on these draws) and get 0.03.
@pytest.mark.parametrize(("method", "tol"), [("em", 0.02), ("bbse", 0.03), ("rlls", 0.03)])
def test_recovers_shifted_prior(method, tol):
    # 2000 source records per class: with 600 per class the source side alone (model,
    # calibration, confusion matrix) leaves a bias of 0.01-0.015 (measured at 20,000 targets)
    clf, rng = _fit(n_per=2000, method=method)
    truth = np.array([0.595, 0.089, 0.283, 0.033])  # CinC 2017's natural prior
    errs = []
    for _rep in range(2):
        Xt, _ = _sample(np.round(truth * 1000).astype(int), rng)
        clf.adapt(Xt)
        errs.append(np.abs(clf.target_priors_ - truth).max())
    assert max(errs) < tol, errs


def test_adapted_predictions_beat_unadapted_on_shifted_target():
    clf, rng = _fit(k=2, n_per=2000, method="em")
    Xt, yt = _sample([1900, 100], rng, MEANS[:2])
    acc0 = np.mean(clf.calibrated_proba(Xt).argmax(1) == yt)
    acc1 = np.mean(clf.adapt(Xt).predict(Xt) == yt)
    assert acc1 > acc0 + 0.02
    # the bootstrap interval (target and source rows) covers the truth, narrow at 2000
    est = clf.set_params(n_bootstrap=100).estimate_priors(Xt, method="bbse")
    assert est.ci_low[1] <= 0.05 <= est.ci_high[1]
    assert est.ci_high[1] - est.ci_low[1] < 0.05


@pytest.mark.parametrize("method", ["em", "bbse", "rlls"])
def test_absent_class_gets_near_zero_prior(method):
    clf, rng = _fit(k=3, method=method)
    Xt, _ = _sample([1000, 0, 500], rng, MEANS[:3])
    clf.adapt(Xt)
    assert clf.target_priors_[1] < 0.03
    assert np.isclose(clf.target_priors_.sum(), 1.0)
    assert clf.predict_proba(Xt)[:, 1].mean() < 0.05


def test_many_classes():
    rng = np.random.default_rng(3)
    means = rng.normal(0, 5.0, (8, 3))
    X, y = _sample([150] * 8, rng, means)
    truth = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02])
    Xt, _ = _sample(np.round(truth * 2000).astype(int), rng, means)
    clf = PriorShiftClassifier(random_state=0, n_bootstrap=0).fit(X, y, target=Xt)
    assert np.abs(clf.target_priors_ - truth).max() < 0.03


def test_closed_forms():
    # EM fixed point: priors = mean of the corrected posteriors
    rng = np.random.default_rng(0)
    p = rng.dirichlet([1, 1, 1], 500)
    t, n_iter, ok = em_priors(p, [0.2, 0.3, 0.5])
    assert ok and n_iter > 1
    np.testing.assert_allclose(prior_correct(p, [0.2, 0.3, 0.5], t).mean(0), t, atol=1e-7)
    # BBSE inverts an exactly known confusion matrix
    C = np.array([[0.3, 0.05], [0.2, 0.45]])  # columns sum to the source prior 0.5/0.5
    w = np.array([1.6, 0.4])  # target prior 0.8 / 0.2
    mu = C @ w
    hard = np.repeat(np.eye(2), np.round(mu * 1000).astype(int), axis=0)
    np.testing.assert_allclose(bbse_priors(hard, C, [0.5, 0.5]), [0.8, 0.2], atol=1e-9)
    np.testing.assert_allclose(rlls_priors(hard, C, [0.5, 0.5], delta=0.0), [0.8, 0.2], atol=1e-4)
    np.testing.assert_allclose(rlls_priors(hard, C, [0.5, 0.5], delta=100.0), [0.5, 0.5], atol=1e-4)


def test_known_and_none():
    clf, rng = _fit(k=2, method="known", target_priors={0: 0.9, 1: 0.1})
    np.testing.assert_allclose(clf.target_priors_, [0.9, 0.1])
    X, _ = _sample([5, 5], rng, MEANS[:2])
    np.testing.assert_allclose(
        clf.predict_proba(X), prior_correct(clf.calibrated_proba(X), [0.5, 0.5], [0.9, 0.1])
    )
    none = clone(clf).set_params(method="none").fit(*_sample([50, 50], rng, MEANS[:2]))
    np.testing.assert_allclose(none.predict_proba(X), none.calibrated_proba(X))


def test_target_weighted_oof_estimates_the_target_score():
    """Training records weighted by target / training prior of their class score like the
    target population: weighted OOF accuracy at the known target prior matches the accuracy
    of the adapted model on a large target sample drawn at that prior."""
    from sklearn.metrics import accuracy_score

    clf, rng = _fit(k=3, n_per=600, method="known", target_priors=[0.8, 0.15, 0.05])
    yt, yp, w = clf.target_weighted_oof()
    np.testing.assert_allclose(w, np.array([0.8, 0.15, 0.05])[yt] * 3)
    np.testing.assert_array_equal(
        yp, np.argmax(prior_correct(clf.oof_proba_, [1 / 3] * 3, [0.8, 0.15, 0.05]), axis=1)
    )
    Xt, ytt = _sample([8000, 1500, 500], rng, MEANS[:3])
    est = accuracy_score(yt, yp, sample_weight=w)
    real = accuracy_score(ytt, clf.predict(Xt))
    assert abs(est - real) < 0.02, (est, real)
    unweighted = accuracy_score(yt, yp)
    assert abs(unweighted - real) > abs(est - real)  # the weights matter here


def test_errors_and_not_fitted():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = np.repeat([0, 1], 20)
    with pytest.raises(NotFittedError):
        PriorShiftClassifier().adapt(X)
    with pytest.raises(ValueError, match="method must be one of"):
        PriorShiftClassifier(method="magic").fit(X, y)
    with pytest.raises(ValueError, match="needs target_priors"):
        PriorShiftClassifier(method="known").fit(X, y)
    with pytest.raises(ValueError, match="calibration"):
        PriorShiftClassifier(calibration="platt").fit(X, y)
    with pytest.raises(ValueError, match="at least cv=5"):
        PriorShiftClassifier().fit(X[:24], y[:24][::-1] * 0 + np.r_[np.zeros(21), np.ones(3)])
    with pytest.raises(ValueError, match="at least one record"):
        PriorShiftClassifier(n_bootstrap=0).fit(X, y).estimate_priors(X[:0])
    with pytest.raises(TypeError, match="predict_proba"):
        PriorShiftClassifier(estimator=StandardScaler()).fit(X, y)
    with pytest.raises(ValueError, match="source_priors"):
        em_priors([[0.5, 0.5]], [0.5, 0.0])


def test_pipeline_clone_pickle_and_groups():
    from sklearn.model_selection import GroupKFold

    rng = np.random.default_rng(1)
    X, y = _sample([200, 200], rng, MEANS[:2])
    Xt, _ = _sample([900, 100], rng, MEANS[:2])
    pipe = make_pipeline(
        StandardScaler(),
        PriorShiftClassifier(
            LogisticRegression(), cv=GroupKFold(4), n_bootstrap=20, random_state=0
        ),
    )
    pipe.fit(X, y, priorshiftclassifier__groups=np.arange(400) % 8)
    adapter = pipe[-1].adapt(pipe[:-1].transform(Xt))
    assert adapter.target_priors_[1] < 0.2
    p1 = pipe.predict_proba(Xt)
    p2 = pickle.loads(pickle.dumps(pipe)).predict_proba(Xt)
    np.testing.assert_allclose(p1, p2)
    c = clone(pipe)
    assert not hasattr(c[-1], "classes_")
    # same seed twice -> same fit
    a = clone(pipe).fit(X, y, priorshiftclassifier__groups=np.arange(400) % 8)
    np.testing.assert_allclose(a[-1].oof_proba_, pipe[-1].oof_proba_)


# sklearn's checks fit on 7 records per class: the small-sample warning is expected there
# (tests/test_prior_shift_small_sample.py tests it)
@pytest.mark.filterwarnings("ignore:PriorShiftClassifier. training class counts:UserWarning")
@parametrize_with_checks([PriorShiftClassifier(cv=3, n_bootstrap=0, random_state=0)])
def test_sklearn_contract(estimator, check):
    check(estimator)


class _RowSpy(ClassifierMixin, BaseEstimator):
    """Logistic regression on columns 1.. that records column 0 (the row id) of each fit."""

    fits: list = []

    def fit(self, X, y):
        type(self).fits.append(X[:, 0].astype(int))
        self.m_ = LogisticRegression().fit(X[:, 1:], y)
        self.classes_ = self.m_.classes_
        return self

    def predict_proba(self, X):
        return self.m_.predict_proba(X[:, 1:])


def test_int_cv_with_groups_keeps_each_patient_in_one_fold():
    """fit(groups=...) with an int cv used StratifiedKFold (groups ignored, a patient's
    records on both sides of a fold); now StratifiedGroupKFold."""
    rng = np.random.default_rng(2)
    X, y = _sample([60, 60], rng, MEANS[:2])
    groups = rng.permutation(np.arange(120) % 20)  # 20 patients, 6 records each
    X = np.c_[np.arange(120), X]
    _RowSpy.fits.clear()
    m = PriorShiftClassifier(_RowSpy(), cv=4, n_bootstrap=0, random_state=0)
    m.fit(X, y, groups=groups)
    assert len(_RowSpy.fits) == 5  # four out-of-fold fits, then the final fit on all rows
    for ids in _RowSpy.fits[:4]:
        held = np.setdiff1d(np.arange(120), ids)
        assert held.size and not np.isin(groups[held], groups[ids]).any()
    _RowSpy.fits.clear()  # no groups: stratified folds, which do split these patients
    PriorShiftClassifier(_RowSpy(), cv=4, n_bootstrap=0, random_state=0).fit(X, y)
    held = np.setdiff1d(np.arange(120), _RowSpy.fits[0])
    assert np.isin(groups[held], groups[_RowSpy.fits[0]]).any()
    with pytest.raises(ValueError, match="3 distinct group.*fewer than cv=4"):
        PriorShiftClassifier(cv=4).fit(X, y, groups=np.arange(120) % 3)
    with pytest.raises(ValueError, match=r"groups must have one label per row \(120\), got 7"):
        PriorShiftClassifier(cv=4).fit(X, y, groups=np.arange(7))
