"""One signal where a collection of records is expected, and empty collections (session 13
sweep). A 1-D array iterated as records makes every sample a one-sample record: the
entry points that take a list of records refuse it with "pass [x]"; ``LeadCovariances``
reads a list of 1-D records as one lead each at fit as at transform, and an empty list is
a ValueError naming X (was an IndexError from ``X[0]``)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._validation import check_not_one_signal
from geoecg.estimators import AFRecordClassifier
from geoecg.features import AFRecordFeatures, af_record_features_batch
from geoecg.riemann import LeadCovariances

X1 = np.random.default_rng(0).normal(size=3000)


@pytest.mark.parametrize("one", [X1, list(X1[:50]), tuple(X1[:5]), np.float64(1.0)])
@pytest.mark.parametrize(
    "call",
    [
        lambda X: AFRecordClassifier(n_estimators=2).fit(X, [0]),
        lambda X: AFRecordFeatures().fit_transform(X),
        lambda X: af_record_features_batch(X, 300.0),
    ],
    ids=["AFRecordClassifier", "AFRecordFeatures", "af_record_features_batch"],
)
def test_one_signal_is_not_taken_for_a_list_of_one_sample_records(one, call):
    with pytest.raises(ValueError, match=r"list of records.*pass \[x\]"):
        call(one)


def test_check_not_one_signal_lets_collections_through():
    for ok in ([X1], [X1, X1[:10]], np.zeros((2, 30)), [], np.array([]), [[1.0, 2.0]]):
        check_not_one_signal(ok, "f")  # no error
    with pytest.raises(ValueError, match="^g takes a list of records.*3000 number"):
        check_not_one_signal(X1, "g")


def test_lead_covariances_list_of_1d_records_is_one_lead_each():
    rng = np.random.default_rng(1)
    recs = [rng.normal(size=2000), rng.normal(size=1500)]
    C = LeadCovariances().fit_transform(recs)  # fit read 2000 "leads" from recs[0].shape[0]
    assert C.shape == (2, 1, 1)
    np.testing.assert_allclose(C[:, 0, 0], [np.var(r) for r in recs], rtol=0.05)
    two = [rng.normal(size=(2, 900)), rng.normal(size=(2, 700))]
    assert LeadCovariances().fit_transform(two).shape == (2, 2, 2)


@pytest.mark.parametrize("bad", [[], list(X1[:20])])
def test_lead_covariances_empty_list_or_numbers_is_a_clear_error(bad):
    with pytest.raises(ValueError, match=r"at least one record|each record of a list X"):
        LeadCovariances().fit(bad)
    fitted = LeadCovariances().fit([X1])
    if not bad:  # transform: an empty list is 0 records, as a 0-record array (session 25)
        assert fitted.transform(bad).shape == (0, *fitted.transform([X1]).shape[1:])
        return
    with pytest.raises(ValueError, match=r"at least one record|X must have shape"):
        fitted.transform(bad)
