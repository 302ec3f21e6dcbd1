"""``make_default_beat_model``: the default beat model (``FL`` since session 22, ``MF`` since
session 26) as one call.

The factory must build exactly the model the beat protocols fit
(:func:`geoecg.estimators.record_prior.record_prior_beat_tables`): the same parameters, and
the same predictions when fitted on the same tables outside the protocol.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators import _record_prior_tables as rpt
from geoecg.estimators import record_prior as rp
from geoecg.estimators.heartbeat import (
    DEFAULT_ADAPT,
    DEFAULT_FEATURE_SET,
    make_beat_pipeline,
    make_default_beat_model,
)
from geoecg.estimators.record_s_floor import RecordPrematurityFloor
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES, RecordSelfTraining
from geoecg.features.beat_records import stack_beat_tables

KW = dict(n_estimators=5, max_per_class=200, random_state=0)


def _tables(rng, n_rec=8, n=90, rr=False):
    """Per-record tables on LOCAL_BEAT_FEATURES (and ``dom_rr_pre`` with ``rr``); S beats
    shifted on three columns (and premature on ``dom_rr_pre``)."""
    names = np.array([*LOCAL_BEAT_FEATURES, *(["dom_rr_pre"] if rr else [])])
    out = []
    for k in range(n_rec):
        y = np.where(rng.random(n) < (0.3 if k % 2 else 0.05), "S", "N")
        X = rng.normal(size=(n, names.size))
        X[:, :3] += 2.0 * (y == "S")[:, None]
        if rr:
            X[:, -1] = 1.0 + 0.05 * X[:, -1] - 0.3 * (y == "S")
        out.append({"X": X, "names": names, "y": y})
    return out


def _full_repr(est):
    with sklearn.config_context(print_changed_only=False):
        return repr(est)


@pytest.mark.parametrize(
    "self_training, rr, kind",
    [
        (True, False, RecordSelfTraining),
        (False, False, RecordPriorAdapter),
        (True, True, RecordPrematurityFloor),  # the default on real tables since session 22
    ],
)
def test_factory_is_the_model_the_protocol_fits(monkeypatch, self_training, rr, kind):
    rng = np.random.default_rng(3)
    tables = _tables(rng, rr=rr)
    train, test = tables[:6], tables[6:]
    groups = [f"p{i}" for i in range(6)]
    fitted = []
    clone = rpt.clone

    def spy(est, *a, **k):  # the protocol's clone of its model (record_prior_beat_tables is
        fitted.append(est)  # defined in _record_prior_tables since session 24)
        return clone(est, *a, **k)

    monkeypatch.setattr(rpt, "clone", spy)
    ne = {"s_floor": False} if kind is RecordSelfTraining else {}  # NE asked for by name
    kw = dict(groups=groups, inner_folds=2, self_training=self_training, **ne, **KW)
    y_true, y_proto, y_base, n_test, folds = rp.record_prior_beat_tables(train, test, **kw)
    monkeypatch.undo()
    assert fitted

    X, y, n, names = stack_beat_tables(train, bool(DEFAULT_ADAPT))
    Xt, yt, nt, _ = stack_beat_tables(test, bool(DEFAULT_ADAPT))
    model = make_default_beat_model(names, self_training=self_training, cv=2, **ne, **KW)
    assert type(model) is kind
    assert ("s_floor_k" in folds[0]) == (kind is RecordPrematurityFloor)
    assert ("s_morph_km" in folds[0]) == (kind is RecordPrematurityFloor)  # MF since session 26
    assert _full_repr(model) == _full_repr(fitted[0])
    model.fit(X, y, groups=np.repeat(groups, n))
    pred = model.predict(Xt, np.repeat(np.arange(len(nt)), nt))
    np.testing.assert_array_equal(yt, y_true)
    np.testing.assert_array_equal(pred, y_proto)
    assert nt.tolist() == n_test.tolist()
    assert len(set(pred)) == 2 and (pred == yt).mean() > 0.7  # a real model, not one class


def test_defaults_and_the_hand_built_composition():
    names = list(LOCAL_BEAT_FEATURES[:4])
    with pytest.warns(UserWarning, match="lack the dom_rr_pre column"):  # no floor: NE
        model = make_default_beat_model(names, n_estimators=7, random_state=1)
    hand = RecordSelfTraining(
        RecordPriorAdapter(
            make_beat_pipeline(names, n_estimators=7, random_state=1),
            candidates=rp.CALIBRATED_MAP_CANDIDATES,  # the default since registry item 28
        ),
        feature_names=names,
        local_features=names,
    )
    assert _full_repr(model) == _full_repr(hand)
    pipe = model.estimator.estimator
    assert pipe[0].feature_set == DEFAULT_FEATURE_SET and pipe[0].adapt == DEFAULT_ADAPT
    assert model.estimator.cv == 2
    assert make_default_beat_model(names, cv=3, s_floor=False).estimator.cv == 3


def test_errors():
    with pytest.raises(ValueError, match="LOCAL_BEAT_FEATURES"):
        make_default_beat_model(["dom_rr_pre", "rs_dom_rr_pre"])
    # without self-training no local column is needed
    ada = make_default_beat_model(["dom_rr_pre", "rs_dom_rr_pre"], self_training=False)
    assert type(ada) is RecordPriorAdapter
    with pytest.raises(TypeError, match="feature_names"):
        make_default_beat_model("rr_pre")  # one string, not a list of names
    with pytest.raises(ValueError, match="s_floor needs the dom_rr_pre column"):
        make_default_beat_model(["rr_pre", "rs_rr_pre"], s_floor=True)
    with pytest.raises(ValueError, match="s_floor must be True, False or None"):
        make_default_beat_model(["rr_pre", "dom_rr_pre"], s_floor="on")


def test_default_is_the_floor_on_self_training_and_predicts_zero_rows():
    """Registry item 32 (``FL``) is the default where the tables hold ``dom_rr_pre``; its
    ``predict`` of a record without beats is an empty array, as ``NE``'s is since session 23
    (it raised scikit-learn's 0-sample error before; tests/test_beat_models_zero_rows.py)."""
    tables = _tables(np.random.default_rng(5), rr=True)
    X, y, n, names = stack_beat_tables(tables[:6], bool(DEFAULT_ADAPT))
    g = np.repeat([f"p{i}" for i in range(6)], n)
    fl = make_default_beat_model(names, **KW)
    assert type(fl) is RecordPrematurityFloor and type(fl.estimator) is RecordSelfTraining
    ne = make_default_beat_model(names, s_floor=False, **KW)
    assert _full_repr(ne) == _full_repr(fl.estimator)
    fl.fit(X, y, groups=g)
    empty = fl.predict(X[:0], np.zeros(0))
    assert empty.shape == (0,) and empty.dtype == fl.classes_.dtype
    assert ne.fit(X, y, groups=g).predict(X[:0], np.zeros(0)).shape == (0,)
    # the floor only turns S calls into N: never adds S, never touches another class
    rec = np.repeat(np.arange(6), n)
    p_fl, p_ne = fl.predict(X, rec), fl.estimator_.predict(X, rec)
    d = p_fl != p_ne
    assert set(p_ne[d]) <= {"S"} and set(p_fl[d]) <= {"N"}
    assert fl.k_ in (None, 1.5, 2.0, 3.0, 4.0) and len(fl.inner_scores_) == 5


def _stacked(seed=3):
    tables = _tables(np.random.default_rng(seed))
    X, y, n, names = stack_beat_tables(tables[:6], bool(DEFAULT_ADAPT))
    Xt, yt, nt, _ = stack_beat_tables(tables[6:], bool(DEFAULT_ADAPT))
    return X, y, np.repeat([f"p{i}" for i in range(6)], n), Xt, np.repeat(np.arange(2), nt), names


def test_calibrated_map_candidates_no_record_em():
    """Registry item 28 (``NE``): one candidate, no per-record EM: the adapter is a
    calibration step whose calls do not depend on how test rows are grouped into records."""
    X, y, g, Xt, rec, names = _stacked()
    ne = make_default_beat_model(
        names, self_training=False, record_prior_candidates=rp.CALIBRATED_MAP_CANDIDATES, **KW
    )
    assert ne.candidates == rp.CALIBRATED_MAP_CANDIDATES
    ne.fit(X, y, groups=g)
    assert (ne.decision_, ne.shrinkage_) == ("map", 0.0)
    assert list(ne.inner_scores_) == [("map", 0.0)]
    by_record, pooled = ne.predict(Xt, rec), ne.predict(Xt, np.zeros(rec.size))
    np.testing.assert_array_equal(by_record, pooled)
    Q = ne._calibrate(ne.estimator_.predict_proba(Xt))
    np.testing.assert_array_equal(by_record, ne.classes_[np.argmax(Q, axis=1)])
    # the full grid with EM on one record-level prior changes calls with the grouping
    em = RecordPriorAdapter(make_beat_pipeline(names, **KW), candidates=[("map", 1.0)])
    em.fit(X, y, g)
    assert not np.array_equal(em.predict(Xt, rec), em.predict(Xt, np.zeros(rec.size)))


def test_calibrated_map_equals_default_when_the_default_chooses_it():
    """Where an adapter's inner CV chooses ("map", 0.0) among several, ``NE`` is the same fit:
    same calls, same self-training threshold (the registry item 28 run relies on it)."""
    X, y, g, Xt, rec, names = _stacked()
    grid = [("map", 0.0), ("map", 0.5), ("map", 1.0)]  # this easy data ties to "balanced"
    kw = dict(s_floor=False, **KW)  # NE (the tables lack dom_rr_pre)
    a1 = make_default_beat_model(names, record_prior_candidates=grid, **kw).fit(X, y, groups=g)
    assert (a1.estimator_.decision_, a1.estimator_.shrinkage_) == ("map", 0.0)
    assert len(a1.estimator_.inner_scores_) == 3
    ne = make_default_beat_model(
        names, record_prior_candidates=rp.CALIBRATED_MAP_CANDIDATES, **kw
    ).fit(X, y, groups=g)
    assert ne.threshold_ == a1.threshold_ and ne.inner_scores_ == a1.inner_scores_
    np.testing.assert_array_equal(ne.estimator_.oof_proba_, a1.estimator_.oof_proba_)
    np.testing.assert_array_equal(ne.predict(Xt, rec), a1.predict(Xt, rec))


def test_bad_record_prior_candidates():
    X, y, g, _, _, names = _stacked()
    bad = make_default_beat_model(
        names, record_prior_candidates=[("argmax", 0.0)], s_floor=False, **KW
    )
    with pytest.raises(ValueError, match="candidates must be"):
        bad.fit(X, y, groups=g)


def test_default_without_dom_rr_pre_says_it_is_ne():
    """``s_floor=None`` on tables without ``dom_rr_pre`` gives ``NE``, not the default ``FL``:
    a UserWarning names the missing column (it was silent before session 23). No warning
    where the column is there or ``NE`` is asked for by name."""
    names = list(LOCAL_BEAT_FEATURES[:4])
    with pytest.warns(UserWarning, match=r"lack the dom_rr_pre column.*model is NE") as rec:
        model = make_default_beat_model(names)
    assert type(model) is RecordSelfTraining and len(rec) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert type(make_default_beat_model(names, s_floor=False)) is RecordSelfTraining
        assert type(make_default_beat_model(names, self_training=False)) is RecordPriorAdapter
        fl = make_default_beat_model([*names, "dom_rr_pre", "dom_qrs_corr_l0"])
    assert type(fl) is RecordPrematurityFloor


def test_real_beat_tables_hold_dom_rr_pre():
    """A beat table of an MIT-BIH DS1 record (the packaged excerpt of record 119) holds
    ``dom_rr_pre``: the default on real tables is ``FL`` and no warning is raised."""
    from geoecg.datasets import sample_record_path
    from geoecg.features.beat_records import beat_record_table

    t = beat_record_table(sample_record_path("mitdb_119"))
    names = stack_beat_tables([t], bool(DEFAULT_ADAPT))[3]
    assert "dom_rr_pre" in [str(n) for n in t["names"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert type(make_default_beat_model(names)) is RecordPrematurityFloor
