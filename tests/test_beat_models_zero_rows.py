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


# --- adapters around a scikit-learn base model (session 24) -------------------------------
# Before session 24 the contract above held only for the library's beat pipeline, which
# accepts 0 rows itself; around LogisticRegression (RecordSelfTraining's docstring example)
# every 0-row call raised scikit-learn's "Found array with 0 sample(s)". Now the adapters check
# the 0-row table against the base model's fitted columns (validate_data, reset=False) and
# answer with no rows.


def _lr_models():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = np.where(X[:, 0] > 0.5, "S", "N")
    g = np.repeat(np.arange(6), 100)
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)]).fit(X, y, g)
    st = RecordSelfTraining(
        RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)]),
        feature_names=["a", "b"],
        local_features=["a"],
    ).fit(X, y, g)
    # fewer training groups than cv: nothing calibrated, predict is the base model's
    un = RecordPriorAdapter(LogisticRegression(), cv=3).fit(X, y, np.repeat([0, 1], 300))
    assert ada.decision_ == "map" and st.estimator_.decision_ == "map" and un.decision_ is None
    return X, {"adapter": ada, "self-training": st, "unadapted adapter": un}


@pytest.fixture(scope="module")
def lr_fitted():
    return _lr_models()


@pytest.mark.parametrize("name", ["adapter", "self-training", "unadapted adapter"])
def test_adapters_around_logistic_regression_predict_zero_rows(lr_fitted, name):
    X, models = lr_fitted
    m = models[name]
    pred = m.predict(X[:0], np.zeros(0))
    assert isinstance(pred, np.ndarray) and pred.shape == (0,)
    assert pred.dtype == m.classes_.dtype and m.classes_.tolist() == ["N", "S"]
    if name == "self-training":
        assert m.record_reasons(X[:0], np.zeros(0)) == {}
    else:
        P = m.predict_proba(X[:0], np.zeros(0))
        assert P.shape == (0, 2) and P.dtype == np.float64
        priors, recs = m.record_priors(X[:0], np.zeros(0))
        assert priors.shape == (0, 2) and recs.shape == (0,)
    # rows still go through the base model: the same calls as before on a record with beats
    full = m.predict(X[:100], np.zeros(100))
    assert full.shape == (100,) and set(full) <= {"N", "S"}


@pytest.mark.parametrize("name", ["adapter", "self-training", "unadapted adapter"])
@pytest.mark.parametrize(
    "bad, match",
    [(np.zeros((0, 3)), "3 features.*expecting 2"), (np.zeros(0), "Expected 2D array")],
    ids=["three columns", "1-D"],
)
def test_adapters_check_the_columns_of_zero_rows(lr_fitted, name, bad, match):
    """The short-circuit keeps the base model's column check: a 0-row table with the wrong
    number of columns, or not 2-D, is still a ValueError naming it."""
    _, models = lr_fitted
    with pytest.raises(ValueError, match=match):
        models[name].predict(bad, np.zeros(0))


def test_adapter_checks_feature_names_of_a_zero_row_frame():
    pd = pytest.importorskip("pandas")
    from sklearn.linear_model import LogisticRegression

    X, models = _lr_models()
    y = models["adapter"].predict(X, np.repeat(np.arange(6), 100))
    frame = pd.DataFrame(X, columns=["a", "b"])
    ada = RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)])
    ada.fit(frame, y, np.repeat(np.arange(6), 100))
    assert ada.predict(frame.iloc[:0], np.zeros(0)).shape == (0,)
    with pytest.raises(ValueError, match="feature names"):
        ada.predict(frame.iloc[:0].rename(columns={"b": "c"}), np.zeros(0))


def test_adapter_leaves_zero_rows_to_a_base_model_without_column_count():
    """A base model that records no ``n_features_in_`` is asked itself (its own validation
    decides): here it answers 0 rows with a (0, 2) matrix, and the adapter passes it on."""
    from sklearn.base import BaseEstimator, ClassifierMixin

    seen = []

    class NoCount(ClassifierMixin, BaseEstimator):
        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def predict_proba(self, X):
            seen.append(np.shape(X))
            p = 1.0 / (1.0 + np.exp(-4.0 * (np.asarray(X)[:, 0] - 0.5)))
            return np.column_stack([1.0 - p, p])

    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 2))
    y = np.where(X[:, 0] > 0.5, "S", "N")
    ada = RecordPriorAdapter(NoCount(), candidates=[("map", 0.0)])
    ada.fit(X, y, np.repeat(np.arange(6), 100))
    seen.clear()
    assert ada.predict(X[:0], np.zeros(0)).shape == (0,)
    assert seen == [(0, 2)]


def test_prematurity_floor_around_logistic_regression_zero_rows():
    """The default's outer layer (FL) over a LogisticRegression-based NE: 0 rows give an empty
    call, a 0-row table with 3 columns (fitted on 2) the base model's column error."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = np.where(X[:, 0] > 0.5, "S", "N")
    X[:, 1] = 1.0 - 0.3 * (y == "S") + 0.05 * rng.normal(size=600)  # dom_rr_pre: S premature
    names = ["a", "dom_rr_pre"]
    ne = RecordSelfTraining(
        RecordPriorAdapter(LogisticRegression(), candidates=[("map", 0.0)]),
        feature_names=names,
        local_features=["a"],
    )
    fl = RecordPrematurityFloor(ne, feature_names=names).fit(X, y, np.repeat(np.arange(6), 100))
    pred = fl.predict(X[:0], np.zeros(0))
    assert pred.shape == (0,) and pred.dtype == fl.classes_.dtype
    assert fl.predict(X[:50], np.zeros(50)).shape == (50,)
    with pytest.raises(ValueError, match="3 features"):
        fl.predict(np.zeros((0, 3)), np.zeros(0))
