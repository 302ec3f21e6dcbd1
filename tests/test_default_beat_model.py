"""``make_default_beat_model``: the default beat model (``A1``) as one library call.

The factory must build exactly the model the beat protocols fit
(:func:`geoecg.estimators.record_prior.record_prior_beat_tables`): the same parameters, and
the same predictions when fitted on the same tables outside the protocol.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn

from geoecg.estimators import RecordPriorAdapter
from geoecg.estimators import record_prior as rp
from geoecg.estimators.heartbeat import (
    DEFAULT_ADAPT,
    DEFAULT_FEATURE_SET,
    make_beat_pipeline,
    make_default_beat_model,
)
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES, RecordSelfTraining
from geoecg.features.beat_records import stack_beat_tables

KW = dict(n_estimators=5, max_per_class=200, random_state=0)


def _tables(rng, n_rec=8, n=90):
    """Per-record tables on LOCAL_BEAT_FEATURES; S beats shifted on three columns."""
    names = np.array(LOCAL_BEAT_FEATURES)
    out = []
    for k in range(n_rec):
        y = np.where(rng.random(n) < (0.3 if k % 2 else 0.05), "S", "N")
        X = rng.normal(size=(n, names.size))
        X[:, :3] += 2.0 * (y == "S")[:, None]
        out.append({"X": X, "names": names, "y": y})
    return out


def _full_repr(est):
    with sklearn.config_context(print_changed_only=False):
        return repr(est)


@pytest.mark.parametrize("self_training", [True, False])
def test_factory_is_the_model_the_protocol_fits(monkeypatch, self_training):
    rng = np.random.default_rng(3)
    tables = _tables(rng)
    train, test = tables[:6], tables[6:]
    groups = [f"p{i}" for i in range(6)]
    fitted = []
    clone = rp.clone

    def spy(est, *a, **k):  # the first clone is the protocol's model; later ones are the
        fitted.append(est)  # adapter's own clones of its base pipeline
        return clone(est, *a, **k)

    monkeypatch.setattr(rp, "clone", spy)
    kw = dict(groups=groups, inner_folds=2, self_training=self_training, **KW)
    y_true, y_proto, y_base, n_test, _ = rp.record_prior_beat_tables(train, test, **kw)
    monkeypatch.undo()
    assert fitted

    X, y, n, names = stack_beat_tables(train, bool(DEFAULT_ADAPT))
    Xt, yt, nt, _ = stack_beat_tables(test, bool(DEFAULT_ADAPT))
    model = make_default_beat_model(names, self_training=self_training, cv=2, **KW)
    assert type(model) is (RecordSelfTraining if self_training else RecordPriorAdapter)
    assert _full_repr(model) == _full_repr(fitted[0])
    model.fit(X, y, groups=np.repeat(groups, n))
    pred = model.predict(Xt, np.repeat(np.arange(len(nt)), nt))
    np.testing.assert_array_equal(yt, y_true)
    np.testing.assert_array_equal(pred, y_proto)
    assert nt.tolist() == n_test.tolist()
    assert len(set(pred)) == 2 and (pred == yt).mean() > 0.7  # a real model, not one class


def test_defaults_and_the_hand_built_composition():
    names = list(LOCAL_BEAT_FEATURES[:4])
    model = make_default_beat_model(names, n_estimators=7, random_state=1)
    hand = RecordSelfTraining(
        RecordPriorAdapter(make_beat_pipeline(names, n_estimators=7, random_state=1)),
        feature_names=names,
        local_features=names,
    )
    assert _full_repr(model) == _full_repr(hand)
    pipe = model.estimator.estimator
    assert pipe[0].feature_set == DEFAULT_FEATURE_SET and pipe[0].adapt == DEFAULT_ADAPT
    assert model.estimator.cv == 2
    assert make_default_beat_model(names, cv=3).estimator.cv == 3


def test_errors():
    with pytest.raises(ValueError, match="LOCAL_BEAT_FEATURES"):
        make_default_beat_model(["dom_rr_pre", "rs_dom_rr_pre"])
    # without self-training no local column is needed
    ada = make_default_beat_model(["dom_rr_pre", "rs_dom_rr_pre"], self_training=False)
    assert type(ada) is RecordPriorAdapter
    with pytest.raises(TypeError, match="feature_names"):
        make_default_beat_model("rr_pre")  # one string, not a list of names
