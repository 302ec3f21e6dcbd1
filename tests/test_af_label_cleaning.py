"""Training-label cleaning inside every fit (registry item 13 of docs/benchmarks/af.md)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af._label_cleaning import LabelCleaningClassifier
from geoecg.estimators.af.prior_shift_model import AFPriorShiftModel
from geoecg.estimators.af.protocols import prior_shift_candidates


def _two_blobs(n=60, flip=(0, 1, 2, 3), seed=0):
    rng = np.random.default_rng(seed)
    X = np.r_[rng.normal(0, 1, (n, 2)), rng.normal(4, 1, (n, 2))]
    y = np.repeat(np.array(["N", "A"]), n)
    X[list(flip)] = rng.normal(-1.0, 0.3, (len(flip), 2))  # deep in the N blob
    y[list(flip)] = "A"  # N records labelled A
    return X, y


def test_drops_the_planted_wrong_labels_and_refits_on_the_rest():
    X, y = _two_blobs()
    m = LabelCleaningClassifier(LogisticRegression(), 0.2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(np.sort(m.dropped_), [0, 1, 2, 3])
    assert m.flag_reason_ == "" and m.own_proba_.shape == (y.size,)
    assert np.all(m.own_proba_[:4] < 0.2) and np.median(m.own_proba_[4:]) > 0.8
    keep = np.setdiff1d(np.arange(y.size), m.dropped_)
    ref = LogisticRegression().fit(X[keep], y[keep])
    np.testing.assert_allclose(m.predict_proba(X), ref.predict_proba(X))
    assert m.predict(X[:2]).tolist() == ["N", "N"]


def test_a_class_that_cleaning_would_empty_keeps_its_records():
    X, y = _two_blobs(n=30, flip=())
    y[:5] = "O"  # five O records inside the N blob: all would be flagged
    m = LabelCleaningClassifier(LogisticRegression(), 0.5, random_state=0).fit(X, y)
    assert "['O']" in m.flag_reason_ and not np.isin(np.arange(5), m.dropped_).any()
    assert m.classes_.tolist() == ["A", "N", "O"]


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"threshold": True}, "threshold"),
        ({"cv": 1}, "cv"),
        ({"min_per_class": 1.5}, "min_per_class"),
    ],
)
def test_bad_parameters_are_named(kw, match):
    X, y = _two_blobs()
    with pytest.raises(ValueError, match=match):
        LabelCleaningClassifier(LogisticRegression(), **{"threshold": 0.1, **kw}).fit(X, y)


def test_bad_estimator_and_too_small_classes_are_refused():
    X, y = _two_blobs()
    with pytest.raises(TypeError, match="predict_proba"):
        LabelCleaningClassifier(object(), 0.1).fit(X, y)
    with pytest.raises(TypeError, match="flag_params"):
        LabelCleaningClassifier(LogisticRegression(), 0.1, flag_params=[1]).fit(X, y)
    y2 = y.copy()
    y2[:2] = "O"
    with pytest.raises(ValueError, match="at least cv=3"):
        LabelCleaningClassifier(LogisticRegression(), 0.1).fit(X, y2)


def test_inside_the_prior_shift_model_a_dropped_records_crops_leave_with_it(af_cohort, af_spy):
    X, y, crops, owner = af_cohort(n_per=30)
    y = y.copy()
    y[:3] = "~"  # A records (shifted on column 1) labelled ~
    lc = LabelCleaningClassifier(af_spy(), 0.15, random_state=0)
    cand = {"clean": (PriorShiftClassifier(lc, cv=3, n_bootstrap=0, random_state=0), None)}
    af_spy.fits.clear()
    m = AFPriorShiftModel(cand).fit(X, y, crops=crops, crop_owner=owner)
    final = m.candidates_["clean"][0].estimator_  # the cleaning wrapper of the final fit
    dropped = final.dropped_
    assert dropped.size > 0
    ids, seen, labels = af_spy.fits[-1]  # the refit on the kept records
    np.testing.assert_array_equal(np.sort(ids), np.setdiff1d(np.arange(y.size), dropped))
    assert not np.isin(seen, dropped).any()
    np.testing.assert_array_equal(labels, y[seen])
    # flagging fits: 3 per cleaning, each on crops of its own records only
    assert len(af_spy.fits) == 4 * (3 + 1)
    for ids, seen, _ in af_spy.fits:
        assert np.isin(seen, ids).all()
    # out-of-fold probabilities cover every record under its given label
    assert m.candidates_["clean"][0].oof_proba_.shape == (y.size, 4)


def test_candidates_add_one_cleaned_rhythm_model_per_threshold():
    c = prior_shift_candidates(n_estimators=3, random_state=0, label_cleaning=(0.05, 0.15))
    assert list(c) == ["default", "rhythm", "rhythm-clean0.05", "rhythm-clean0.15"]
    lc = c["rhythm-clean0.15"][0].estimator
    assert isinstance(lc, LabelCleaningClassifier) and lc.threshold == 0.15
    assert lc.flag_params == {"n_estimators": 50} and c["rhythm-clean0.15"][1] is None
    assert list(prior_shift_candidates(n_estimators=3)) == ["default", "rhythm"]
