"""The RR-interval AF detectors inside :class:`geoecg.estimators.PriorShiftClassifier`.

Issue 18 asks that the AF detectors be usable with the prior-shift meta-estimator. Each
detector is trained on windows of a synthetic RR series with 30 % AF intervals and adapted
(labels unseen) to another series with 15 % AF. The EM estimate of the AF prior must be
within 0.02 of the true share (the issue's target), its bootstrap interval must hold the
estimate, and the adapted decisions must flag about that share of the target windows.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_af_estimators import DETECTORS, IDS  # the four detectors, as configured there

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af.screening import synthetic_rr
from geoecg.features.af import rr_windows


@pytest.fixture(scope="module")
def series():
    train = synthetic_rr(6000, af_fraction=0.5, ectopic_rate=0.05, random_state=0)
    target = synthetic_rr(6000, af_fraction=0.1, ectopic_rate=0.05, random_state=1)
    return train, target


@pytest.mark.parametrize("make", DETECTORS, ids=IDS)
def test_detector_prior_is_estimated_on_a_shifted_target(make, series):
    (rr, y), (rr_t, y_t) = series
    true_af = float(y_t.mean())
    assert abs(true_af - y.mean()) > 0.1  # the target's prior really differs
    det = make()
    X, Xt = rr_windows(rr, det.window), rr_windows(rr_t, det.window)
    clf = PriorShiftClassifier(det, n_bootstrap=20, random_state=0).fit(X, y.astype(int))
    clf.adapt(Xt)
    est = clf.prior_estimate_
    assert list(est.classes) == [0, 1] and est.method == "em" and est.n_target == len(Xt)
    af = float(est.priors[1])
    assert abs(af - true_af) <= 0.02, (af, true_af)
    assert est.ci_low[1] <= af <= est.ci_high[1]
    assert np.allclose(clf.target_priors_, est.priors)
    # the adapted decisions flag about the target's AF share
    pred = clf.predict(Xt)
    assert set(np.unique(pred)) <= {0, 1}
    assert abs(pred.mean() - true_af) <= 0.02
    P = clf.predict_proba(Xt)
    assert P.shape == (len(Xt), 2)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
