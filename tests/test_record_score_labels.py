"""``score_labels`` of the per-record beat estimators must name a class of ``y``.

With the default ``score_labels=("S", "V")`` and labels that hold neither (0/1, or "AF"/"N"),
every inner candidate scored 0.0 (F1 with ``zero_division=0``) and the inner "choice" was
silently the first candidate. :class:`RecordPriorAdapter` and :class:`RecordSelfTraining`
now raise a ValueError naming both when there is a choice to make (two or more
candidates); labels of which only some are present still work.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.record_self_training import RecordSelfTraining


def _data(labels=("N", "S")):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = np.where(X[:, 0] > 0.5, labels[1], labels[0])
    return X, y, np.repeat(np.arange(6), 100)


@pytest.mark.parametrize("labels", [(0, 1), ("AF", "N")])
def test_adapter_refuses_score_labels_naming_no_class(labels):
    X, y, g = _data(labels)
    with pytest.raises(ValueError, match=r"score_labels \('S', 'V'\) names no class of y \["):
        RecordPriorAdapter(LogisticRegression()).fit(X, y, groups=g)
    one = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 1.0)])
    assert one.fit(X, y, groups=g).decision_ == "map"  # no choice to make: no error
    few = RecordPriorAdapter(LogisticRegression()).fit(X, y, groups=np.zeros(600, dtype=int))
    assert few.decision_ is None  # fewer groups than cv: nothing chosen, no error


def test_adapter_names_the_labels_and_none_scores_all_classes():
    X, y, g = _data((0, 1))
    with pytest.raises(ValueError, match=r"score_labels \(2, 3\) names no class of y \[0, 1\]"):
        RecordPriorAdapter(LogisticRegression(), score_labels=[2, 3]).fit(X, y, groups=g)
    m = RecordPriorAdapter(LogisticRegression(), score_labels=None).fit(X, y, groups=g)
    assert max(m.inner_scores_.values()) > 0.5  # a real choice, not all zeros
    m = RecordPriorAdapter(LogisticRegression(), score_labels=[1, 7]).fit(X, y, groups=g)
    assert max(m.inner_scores_.values()) > 0.0  # 7 absent: allowed, 1 is scored


def test_adapter_same_choice_when_one_label_is_absent():
    X, y, g = _data(("N", "S"))  # no V: the default labels still name S
    a = RecordPriorAdapter(LogisticRegression()).fit(X, y, groups=g)
    b = RecordPriorAdapter(LogisticRegression(), score_labels=["S"]).fit(X, y, groups=g)
    assert (a.decision_, a.shrinkage_) == (b.decision_, b.shrinkage_)
    assert np.array_equal(a.predict(X, g), b.predict(X, g))


def test_self_training_refuses_score_labels_naming_no_class():
    X, y, g = _data((0, 1))
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)], score_labels=None)
    clf = RecordSelfTraining(ada, feature_names=["a", "b"], local_features=["a"])
    with pytest.raises(ValueError, match=r"score_labels \('S', 'V'\) names no class of y \[0, 1\]"):
        clf.fit(X, y, g)
    clf.set_params(thresholds=[0.9]).fit(X, y, g)  # one threshold: no choice, no error
    assert clf.threshold_ == 0.9
    clf.set_params(score_labels=None, thresholds=[None, 0.8, 0.9]).fit(X, y, g)
    assert clf.inner_scores_ and max(clf.inner_scores_.values()) > 0.5
