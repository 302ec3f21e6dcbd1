"""The 0-row contract of the prior-shift and evaluation helpers (session 24 audit).

An answer that is an array of rows comes back empty; an answer that is a number comes back
NaN with a reason; where nothing can be said the error names the object. Before: `em_priors`
(and `bbse_priors`, `rlls_priors`) raised on 0 target rows while `prior_correct` returned
(0, k); `bootstrap_ci` raised on 0 records while `auc_score` is NaN where undefined;
`PriorShiftClassifier.predict` of 0 rows raised scikit-learn's message naming
LogisticRegression.
"""

import numpy as np
import pytest

from geoecg.estimators import (
    PriorShiftClassifier,
    bbse_priors,
    em_priors,
    prior_correct,
    rlls_priors,
)
from geoecg.evaluation import auc_score, bootstrap_ci, paired_bootstrap_diff

_C = np.array([[0.4, 0.1], [0.1, 0.4]])


def test_prior_functions_zero_rows():
    assert prior_correct(np.zeros((0, 2)), [0.5, 0.5], [0.9, 0.1]).shape == (0, 2)
    with pytest.warns(RuntimeWarning, match="em_priors: 0 target records"):
        priors, n_iter, converged = em_priors(np.zeros((0, 3)), [0.2, 0.3, 0.5])
    assert priors.shape == (3,) and np.isnan(priors).all()
    assert n_iter == 0 and converged is False
    with pytest.warns(RuntimeWarning, match="bbse_priors: 0 target records"):
        assert np.isnan(bbse_priors(np.zeros((0, 2)), _C, [0.5, 0.5])).all()
    with pytest.warns(RuntimeWarning, match="rlls_priors: 0 target records"):
        assert np.isnan(rlls_priors(np.zeros((0, 2)), _C, [0.5, 0.5], delta=0.1)).all()


def test_prior_functions_bad_input_still_errors():
    with pytest.raises(ValueError, match="must be 2-D"):
        em_priors(np.zeros(0), [0.5, 0.5])
    with pytest.raises(ValueError, match="source_priors"):
        em_priors(np.zeros((0, 2)), [0.5, 0.2, 0.3])
    with pytest.raises(ValueError, match="max_iter"):
        em_priors(np.zeros((0, 2)), [0.5, 0.5], max_iter=0)
    with pytest.raises(ValueError, match="confusion is all zero"):
        bbse_priors(np.zeros((0, 2)), np.zeros((2, 2)), [0.5, 0.5])


def test_bootstrap_zero_records_is_nan():
    assert np.isnan(auc_score([], []))

    def metric(y, s):  # never called on 0 records
        raise AssertionError("metric called")

    for groups in (None, []):
        ci = bootstrap_ci([], [], groups=groups, metric=metric, random_state=0)
        assert np.isnan([ci.estimate, ci.low, ci.high]).all() and ci.n_boot == 0
        assert ci.level == 0.95
    d = paired_bootstrap_diff([], [], [], metric=metric, level=0.9, random_state=0)
    assert np.isnan([d.estimate, d.low, d.high]).all() and d.n_boot == 0 and d.level == 0.9
    with pytest.raises(ValueError, match="groups"):
        bootstrap_ci([], [], groups=[1])
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci([], [], n_boot=-1)


def test_prior_shift_classifier_zero_rows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.repeat(["A", "N"], 30)
    clf = PriorShiftClassifier(random_state=0, n_bootstrap=0).fit(X, y)
    assert clf.predict_proba(np.zeros((0, 3))).shape == (0, 2)
    pred = clf.predict(np.zeros((0, 3)))
    assert pred.shape == (0,) and pred.dtype == clf.classes_.dtype
    assert clf.calibrated_proba([]).shape == (0, 2)
    with pytest.raises(ValueError, match=r"PriorShiftClassifier: X has 0 rows.*\(0, 3\)"):
        clf.predict(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="PriorShiftClassifier.estimate_priors"):
        clf.adapt(np.zeros((0, 3)))
    assert clf.predict(X[:5]).shape == (5,)  # rows still go to the base model
