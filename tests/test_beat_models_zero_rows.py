"""One contract for a record without beats (0 rows) across the beat models the library exposes.

Before session 23 only the default ``FL`` (``RecordPrematurityFloor``) returned an empty
array for 0 rows; ``HeartbeatClassifier``, the beat pipeline, ``RecordPriorAdapter`` and
``NE`` (``RecordSelfTraining``) raised scikit-learn's "Found array with 0 sample(s)".
Now every form's ``predict`` of 0 rows is an empty array of the class labels' dtype and
every ``predict_proba`` an empty ``(0, n_classes)`` matrix; a 0-row table with the wrong
number of columns is still an error.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators.heartbeat import (
    HeartbeatClassifier,
    make_beat_pipeline,
    make_default_beat_model,
)
from geoecg.estimators.record_s_floor import RecordPrematurityFloor
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES, RecordSelfTraining

KW = dict(n_estimators=5, max_per_class=200, random_state=0)
_BASE = [*LOCAL_BEAT_FEATURES, "dom_rr_pre"]
NAMES = [*_BASE, *(f"rs_{b}" for b in _BASE)]


def _data(n=480, seed=0):
    """Three classes over 6 patients; S shifted on three columns and premature on
    ``dom_rr_pre``."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.3, "S", "N")
    y[::16] = "V"
    X = rng.normal(size=(n, len(NAMES)))
    X[:, :3] += 2.0 * (y == "S")[:, None]
    X[:, :3] -= 2.0 * (y == "V")[:, None]
    j = NAMES.index("dom_rr_pre")
    X[:, j] = 1.0 + 0.05 * X[:, j] - 0.3 * (y == "S")
    return X, y, np.repeat(np.arange(6), n // 6)


FORMS = {
    "HeartbeatClassifier": (lambda: HeartbeatClassifier(**KW), HeartbeatClassifier, False),
    "make_beat_pipeline": (lambda: make_beat_pipeline(NAMES, **KW), None, False),
    "RecordPriorAdapter": (
        lambda: make_default_beat_model(NAMES, self_training=False, **KW),
        RecordPriorAdapter,
        True,
    ),
    "NE": (
        lambda: make_default_beat_model(NAMES, s_floor=False, **KW),
        RecordSelfTraining,
        True,
    ),
    "FL (default)": (lambda: make_default_beat_model(NAMES, **KW), RecordPrematurityFloor, True),
}


@pytest.fixture(scope="module")
def fitted():
    X, y, g = _data()
    out = {}
    for name, (make, kind, grouped) in FORMS.items():
        m = make()
        assert kind is None or type(m) is kind
        out[name] = m.fit(X, y, groups=g) if grouped else m.fit(X, y)
    return X, out


@pytest.mark.parametrize("name", list(FORMS))
def test_predict_of_zero_rows_is_an_empty_array(fitted, name):
    X, models = fitted
    m, grouped = models[name], FORMS[name][2]
    args = (X[:0], np.zeros(0)) if grouped else (X[:0],)
    pred = m.predict(*args)
    assert isinstance(pred, np.ndarray) and pred.shape == (0,)
    assert pred.dtype == m.classes_.dtype and m.classes_.tolist() == ["N", "S", "V"]
    if hasattr(m, "predict_proba"):
        P = m.predict_proba(*args)
        assert P.shape == (0, 3) and P.dtype == np.float64
    # the same model still calls a record with beats (3 classes, the right length)
    full = m.predict(*((X[:80], np.zeros(80)) if grouped else (X[:80],)))
    assert full.shape == (80,) and set(full) <= {"N", "S", "V"}


@pytest.mark.parametrize("name", list(FORMS))
def test_zero_rows_with_the_wrong_columns_is_still_an_error(fitted, name):
    X, models = fitted
    m, grouped = models[name], FORMS[name][2]
    bad = np.zeros((0, X.shape[1] - 1))
    with pytest.raises(ValueError, match="features|columns"):
        m.predict(*((bad, np.zeros(0)) if grouped else (bad,)))


def test_per_record_helpers_of_zero_rows(fitted):
    X, models = fitted
    ada, ne = models["RecordPriorAdapter"], models["NE"]
    priors, recs = ada.record_priors(X[:0], np.zeros(0))
    assert priors.shape == (0, 3) and recs.shape == (0,)
    assert ne.record_reasons(X[:0], np.zeros(0)) == {}
    fl = models["FL (default)"]
    assert fl.estimator_.predict(X[:0], np.zeros(0)).shape == (0,)


def test_unadapted_adapter_predicts_zero_rows():
    """An adapter that could not calibrate (fewer groups than ``cv``) calls through its base
    pipeline; 0 rows give an empty array there too."""
    X, y, _ = _data()
    ada = make_default_beat_model(NAMES, self_training=False, cv=3, **KW)
    ada.fit(X, y, groups=np.repeat([0, 1], X.shape[0] // 2))
    assert ada.decision_ is None
    assert ada.predict(X[:0], np.zeros(0)).shape == (0,)
    assert ada.predict_proba(X[:0], np.zeros(0)).shape == (0, 3)


def test_single_class_classifier_zero_rows():
    X, y, _ = _data()
    clf = HeartbeatClassifier(**KW).fit(X, np.full(y.shape, "N"))
    assert clf.booster_ is None
    assert clf.predict(X[:0]).shape == (0,) and clf.predict_proba(X[:0]).shape == (0, 1)
    assert clf.predict(X[:3]).tolist() == ["N"] * 3
