"""PriorShiftClassifier on small training samples (session 23 diagnosis).

The prior-shift user guide run on the 20 bundled CinC records (5 per class) as both training
and target sample called every N record O and every O record N in each calibrated / adapted
row, while the uncorrected row was right. Diagnosis: no class-order bug (the label order is
kept through the base model, the calibration map, the priors and the confusion matrix; the
first test checks it with unsorted string labels and a base model whose columns come in
another order); the logistic calibration map is fitted on 20 out-of-fold predictions where
N and O are confused both ways, learns an N/O-inverted map and applies it to the confident
in-sample probabilities. ``fit`` now warns, naming the class counts.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.prior_shift import MIN_RECORDS_PER_CLASS

FEW = "ignore:PriorShiftClassifier. training class counts:UserWarning"


class _Reversed(ClassifierMixin, BaseEstimator):
    """Logistic regression whose ``classes_`` and probability columns come in reverse order."""

    def fit(self, X, y):
        self.m_ = LogisticRegression(max_iter=1000).fit(X, y)
        self.classes_ = self.m_.classes_[::-1]
        return self

    def predict_proba(self, X):
        return self.m_.predict_proba(X)[:, ::-1]


def _three(counts, rng, names=("zeta", "alpha", "mid")):
    means = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    X = np.vstack([rng.normal(means[c], 1.0, (n, 2)) for c, n in enumerate(counts)])
    y = np.repeat(np.asarray(names, dtype=object), counts).astype(str)
    order = rng.permutation(y.size)  # rows not grouped by class
    return X[order], y[order]


@pytest.mark.parametrize("calibration", ["logistic", "isotonic", None])
def test_class_order_is_kept_with_unsorted_labels_and_reordered_columns(calibration):
    rng = np.random.default_rng(23)
    X, y = _three([150, 150, 150], rng)
    m = PriorShiftClassifier(
        _Reversed(), calibration=calibration, n_bootstrap=0, random_state=0
    ).fit(X, y)
    assert m.classes_.tolist() == ["alpha", "mid", "zeta"]
    assert m.estimator_.classes_.tolist() == ["zeta", "mid", "alpha"]
    if calibration == "logistic":
        assert m.calibrator_.model_.classes_.tolist() == [0, 1, 2]
    assert np.mean(m.predict(X) == y) > 0.97  # in-sample calls, calibrated
    oof = m.classes_[m.oof_proba_.argmax(1)]
    assert np.mean(oof == y) > 0.95
    # confusion_[i, j] = P(prediction i, label j): its columns sum to the label frequencies
    np.testing.assert_allclose(m.confusion_.sum(axis=0), m.source_priors_)
    assert np.all(np.diag(m.confusion_) > 0.3)
    Xt, _ = _three([700, 200, 100], rng)  # zeta 0.7, alpha 0.2, mid 0.1
    want = {"zeta": 0.7, "alpha": 0.2, "mid": 0.1}
    for method in ("em", "bbse", "rlls"):
        got = m.estimate_priors(Xt, method=method).as_dict()
        for c, p in want.items():
            assert abs(got[c]["prior"] - p) < 0.04, (method, c, got)


def test_few_records_per_class_warns_with_the_counts():
    rng = np.random.default_rng(5)
    X, y = _three([5, 12, 12], rng, names=("N", "O", "A"))
    with pytest.warns(UserWarning, match=r"class counts \{'A': 12, 'N': 5, 'O': 12\}; fewer "):
        PriorShiftClassifier(n_bootstrap=0, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match=r"'N': 5.*calibration='isotonic'"):
        PriorShiftClassifier(calibration="isotonic", n_bootstrap=0, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match=r"'N': 5.*BBSE / RLLS"):
        PriorShiftClassifier(calibration=None, method="bbse", n_bootstrap=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing fitted on the held-out calls is used
        m = PriorShiftClassifier(calibration=None, n_bootstrap=0, random_state=0).fit(X, y)
        m.adapt(X)  # EM on the uncalibrated probabilities
    with pytest.warns(UserWarning, match=r"'N': 5"):  # the confusion matrix: said once
        m.estimate_priors(X, method="rlls")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.estimate_priors(X, method="bbse")
    Xe, ye = _three([MIN_RECORDS_PER_CLASS] * 3, rng)  # enough: no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = PriorShiftClassifier(method="bbse", n_bootstrap=0, random_state=0).fit(Xe, ye)
        m.adapt(Xe)


@pytest.mark.filterwarnings(FEW)
def test_bundled_cinc_records_small_sample(tmp_path):
    """The 20 bundled records (5 per class): the warning names the counts; the label order
    is the same in every component; without calibration the in-sample calls are the labels
    (the logistic map learnt from 20 out-of-fold calls is what swaps N and O there)."""
    from geoecg.datasets import sample_cinc2017_dir
    from geoecg.estimators.af import CinC2017Classifier, adaptation_report
    from geoecg.estimators.af.protocols import load_cinc_matrix

    mat, y, _ = load_cinc_matrix(sample_cinc2017_dir(), rhythm_profile=True, cache_dir=tmp_path)
    base = CinC2017Classifier(n_estimators=50, random_state=0)
    counts = r"\{'A': 5, 'N': 5, 'O': 5, '~': 5\}"
    with pytest.warns(UserWarning, match=counts):
        m = PriorShiftClassifier(base, random_state=0, n_bootstrap=0).fit(mat.X, y)
    assert m.classes_.tolist() == ["A", "N", "O", "~"]
    assert m.estimator_.classes_.tolist() == m.classes_.tolist()
    assert m.calibrator_.model_.classes_.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(m.source_priors_, 0.25)
    raw = m.estimator_.predict_proba_uncorrected(mat.X)
    assert np.all(m.classes_[raw.argmax(1)] == y)  # in-sample: the base model is right
    m0 = PriorShiftClassifier(base, calibration=None, random_state=0, n_bootstrap=0)
    m0.fit(mat.X, y).adapt(mat.X)
    assert np.all(m0.predict(mat.X) == y)
    rows = adaptation_report(m0, mat.X, y)["rows"]
    for name in ("uncorrected", "calibrated", "ORACLE true prior", "em"):
        assert rows[name]["f1_mean_NAO"] == 100.0, name
