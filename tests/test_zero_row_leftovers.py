"""Two gaps the session-25 audit of the 0-row contract left (docs/user_guide/input_validation.md):
``PriorShiftClassifier.score`` of 0 rows raised ``accuracy_score``'s message, and
``RecordPrematurityFloor.fit`` of 0 rows named the model it wraps instead of itself."""

import numpy as np
import pytest

from geoecg.estimators.heartbeat import make_default_beat_model
from geoecg.estimators.prior_shift import PriorShiftClassifier
from geoecg.estimators.record_s_floor import RecordPrematurityFloor
from geoecg.features.beat_dominant import record_beat_table


def _fitted_prior_shift():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
    return PriorShiftClassifier().fit(X, y), X, y


def test_prior_shift_score_of_zero_rows_is_nan_with_a_warning():
    m, X, y = _fitted_prior_shift()
    assert 0.5 < m.score(X, y) <= 1.0  # rows >= 1: scikit-learn's accuracy, unchanged
    with pytest.warns(RuntimeWarning, match="PriorShiftClassifier.score of 0 rows"):
        assert np.isnan(m.score(X[:0], y[:0]))
    with pytest.raises(ValueError, match="X has 4 features"):
        m.score(np.zeros((0, 4)), y[:0])  # still checked against the fitted columns


def test_prematurity_floor_fit_of_zero_rows_names_itself():
    rng = np.random.default_rng(0)
    sig = 0.05 * rng.normal(size=(2, 3600))
    names = list(record_beat_table(sig, np.arange(200, 3400, 300), 360.0).names.astype(str))
    base = make_default_beat_model(
        names, s_floor=False, n_estimators=2, max_per_class=50, random_state=0
    )
    floor = RecordPrematurityFloor(base, feature_names=names)
    with pytest.raises(ValueError, match=r"^RecordPrematurityFloor\.fit: X has 0 rows"):
        floor.fit(np.zeros((0, len(names))), np.array([], dtype=str), np.array([], dtype=int))
