"""``prior_shift_candidates(calibration=)`` (AF registry item 20, session 27): the map is
the only thing it changes. With ``calibration=None`` the base-model fits are the logistic
candidates' own (same folds, same refitted model), and EM and the call see the base model's
probabilities; the default stays the logistic map."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.af import AFPriorShiftModel
from geoecg.estimators.af.protocols import prior_shift_candidates


def _fit(af_cohort, calibration):
    X, y, crops, owner = af_cohort(n_cols=4, n_per=12)
    X = np.c_[X, np.zeros((X.shape[0], 193 - X.shape[1]))]
    crops = np.c_[crops, np.zeros((crops.shape[0], 193 - crops.shape[1]))]
    cands = prior_shift_candidates(n_estimators=3, random_state=0, calibration=calibration)
    m = AFPriorShiftModel(cands).fit(X, y, crops=crops, crop_owner=owner)
    return m, X


def test_default_is_the_logistic_map():
    for cal in (None, "isotonic"):
        got = prior_shift_candidates(n_estimators=3, random_state=0, calibration=cal)
        assert all(a.calibration == cal for a, _ in got.values())
    assert all(a.calibration == "logistic" for a, _ in prior_shift_candidates().values())


@pytest.mark.parametrize("bad", ["sigmoid", "", 1, True, ["logistic"]])
def test_other_maps_are_refused(bad):
    with pytest.raises(ValueError, match="calibration must be"):
        prior_shift_candidates(calibration=bad)


def test_no_map_keeps_the_fits_and_uses_the_base_probabilities(af_cohort):
    logi, X = _fit(af_cohort, "logistic")
    none, _ = _fit(af_cohort, None)
    differ = 0
    for name, (a, ncol) in none.candidates_.items():
        b = logi.candidates_[name][0]
        Xc = none._columns(X, ncol)
        raw = a.estimator_.predict_proba(Xc)
        # the same refitted base model as the logistic candidate's
        np.testing.assert_array_equal(raw, b.estimator_.predict_proba(Xc))
        # calibrated = the base probabilities (rows renormalised)
        np.testing.assert_allclose(a.calibrated_proba(Xc), raw / raw.sum(1, keepdims=True))
        differ += int(not np.allclose(b.calibrated_proba(Xc), a.calibrated_proba(Xc)))
    assert differ >= 1  # the logistic map changes the probabilities of at least one candidate
    assert none.adapt(X).chosen_ in ("default", "rhythm")
    assert set(none.predict(X)) <= {"A", "N", "O", "~"}
