"""Crop rows whose owner names no record of ``X`` are refused (session 14).

Before, ``AFPriorShiftModel.fit``, ``prior_shift_protocol`` and ``cinc_cv_proba`` selected
each fit's crop rows with ``np.isin(crop_owner, training records)``: a crop row whose owner
was not a row of ``X`` (an index from another cohort, an off-by-one) was left out of every
fit without a word. Now the entry points refuse it, naming the count and the owners. The
checks run before any model is fitted, so these tests take no fitting time.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.af import AFPriorShiftModel, cinc_cv_proba, prior_shift_protocol
from geoecg.estimators.af._crop_rows import check_crop_owner


def _cohort(n=6, n_features=3):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, n_features))
    y = np.array(["N", "A"] * (n // 2))
    crops = rng.standard_normal((4, n_features))
    return X, y, crops


def _no_fit(*a, **k):
    raise AssertionError("a model was made or fitted before the crop owners were checked")


@pytest.mark.parametrize(
    "call",
    [
        lambda X, y, c, o: AFPriorShiftModel(candidates={"m": (None, None)}).fit(
            X, y, crops=c, crop_owner=o
        ),
        lambda X, y, c, o: prior_shift_protocol(_no_fit, X, y, {"N": 0.5}, crops=c, crop_owner=o),
        lambda X, y, c, o: cinc_cv_proba(None, X, y, folds=2, crops=c, crop_owner=o),
    ],
    ids=["AFPriorShiftModel.fit", "prior_shift_protocol", "cinc_cv_proba"],
)
def test_crop_owner_outside_the_records_is_refused(call):
    X, y, crops = _cohort()
    with pytest.raises(ValueError, match=r"2 of 4 crop rows name no row of X \(owners \[6, 9\]"):
        call(X, y, crops, np.array([0, 6, 1, 9]))
    with pytest.raises(ValueError, match=r"one record per crop row \(4\), got 3"):
        call(X, y, crops, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="crop_owner"):
        call(X, y, crops, np.array([0, -1, 1, 2]))


def test_check_crop_owner_accepts_whole_floats_and_names_the_rows():
    assert check_crop_owner(np.array([0.0, 2.0, 2.0]), 3, 3).dtype == np.int64
    with pytest.raises(ValueError, match=r"X has 3 records, rows 0..2"):
        check_crop_owner([3], 3, 1)
    with pytest.raises(ValueError, match="crop_owner"):
        check_crop_owner([0.5], 3, 1)
