"""The default beat model is ``MF`` since session 26 (registry item 35 of the beats benchmark):
``make_default_beat_model`` wraps the self-training in ``RecordPrematurityFloor`` with
``morph_floors=S_MORPH_CANDIDATES`` (a per-record QRS-morphology veto before the prematurity
floor) where the tables hold ``dom_qrs_corr_l<k>`` columns; ``FL`` (the floor alone) with a
UserWarning where they do not, or by name with ``s_morph=False``. On real MIT-BIH DS1 tables the
fit exposes the chosen ``k`` and ``k_m``, the protocols report them (``s_morph_km``), and the
veto off gives ``FL``'s calls bit for bit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn

from geoecg.estimators import _record_prior_tables as rpt
from geoecg.estimators.heartbeat import DEFAULT_ADAPT, make_default_beat_model
from geoecg.estimators.record_s_floor import (
    S_FLOOR_CANDIDATES,
    S_MORPH_CANDIDATES,
    RecordPrematurityFloor,
)
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES
from geoecg.features.beat_records import beat_record_table, stack_beat_tables

KW = dict(n_estimators=5, max_per_class=300, random_state=0)
MF_NAMES = [*LOCAL_BEAT_FEATURES, "dom_rr_pre"]  # dom_qrs_corr_l0 among the local features
FL_NAMES = [c for c in MF_NAMES if not c.startswith("dom_qrs_corr_l")]


def _repr(est):
    with sklearn.config_context(print_changed_only=False):
        return repr(est)


def test_default_carries_the_morph_candidates():
    assert "dom_qrs_corr_l0" in MF_NAMES and len(FL_NAMES) == len(MF_NAMES) - 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default on full tables: no warning
        mf = make_default_beat_model(MF_NAMES, **KW)
        fl = make_default_beat_model(MF_NAMES, s_morph=False, **KW)
        on = make_default_beat_model(MF_NAMES, s_morph=True, **KW)
    assert type(mf) is RecordPrematurityFloor
    assert tuple(mf.morph_floors) == S_MORPH_CANDIDATES and None in mf.morph_floors
    assert tuple(mf.floors) == S_FLOOR_CANDIDATES
    assert tuple(fl.morph_floors) == (None,)  # FL asked for by name
    assert _repr(on) == _repr(mf)
    assert _repr(fl.set_params(morph_floors=S_MORPH_CANDIDATES)) == _repr(mf)


def test_tables_without_qrs_corr_columns_fall_back_to_fl_or_raise():
    with pytest.warns(UserWarning, match=r"lack dom_qrs_corr_l<k> columns.*model is FL") as rec:
        model = make_default_beat_model(FL_NAMES, **KW)
    assert len(rec) == 1 and type(model) is RecordPrematurityFloor
    assert tuple(model.morph_floors) == (None,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tuple(make_default_beat_model(FL_NAMES, s_morph=False).morph_floors) == (None,)
        # without the floor (NE asked for by name) the veto is not looked for
        assert make_default_beat_model(FL_NAMES, s_floor=False, s_morph=True).local_features
    with pytest.raises(ValueError, match="s_morph needs dom_qrs_corr_l<k> columns"):
        make_default_beat_model(FL_NAMES, s_morph=True)
    with pytest.raises(ValueError, match="s_morph must be True, False or None"):
        make_default_beat_model(MF_NAMES, s_morph="on")
    # a model built with the candidates, then fitted on a table without the columns, says so
    mf = make_default_beat_model(MF_NAMES, **KW).set_params(feature_names=FL_NAMES)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, len(FL_NAMES))), np.where(rng.random(200) < 0.3, "S", "N")
    with pytest.raises(ValueError, match="morph_floors needs dom_qrs_corr_l<k> columns"):
        mf.fit(X, y, groups=np.repeat(np.arange(4), 50))


# Four DS1 records (four patients) with S and V beats: 201, 209, 220, 223.
RECORDS = ("201", "209", "220", "223")


@pytest.fixture(scope="module")
def ds1_tables(mitdb_dir):
    return [beat_record_table(mitdb_dir / r) for r in RECORDS]


def test_real_ds1_fit_exposes_k_and_k_m_and_off_is_fl_bit_for_bit(ds1_tables, monkeypatch):
    X, y, n, names = stack_beat_tables(ds1_tables, bool(DEFAULT_ADAPT))
    assert any(str(c).startswith("dom_qrs_corr_l") for c in names)
    g = np.repeat(np.arange(len(RECORDS)), n)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # real tables: the default MF, no fallback warning
        mf = make_default_beat_model(names, **KW)
    fl = make_default_beat_model(names, s_morph=False, **KW)
    mf.fit(X, y, groups=g)
    fl.fit(X, y, groups=g)
    assert {"N", "S", "V"} <= {str(c) for c in mf.classes_}
    assert mf.k_ in S_FLOOR_CANDIDATES and mf.km_ in S_MORPH_CANDIDATES
    assert set(mf.morph_scores_) == set(S_MORPH_CANDIDATES)  # the veto's inner choice ran
    assert mf.morph_scores_[mf.km_] == max(mf.morph_scores_.values())
    assert mf.k_ == fl.k_ and mf.inner_scores_ == fl.inner_scores_  # the floor's k is FL's
    assert fl.km_ is None and fl.morph_scores_ == {}
    p_mf = mf.predict(X, g)
    km, mf.km_ = mf.km_, None  # the veto off: FL's calls bit for bit
    np.testing.assert_array_equal(mf.predict(X, g), fl.predict(X, g))
    mf.km_ = 5.0  # the veto on: where it differs from FL, an S call of the wrapped model is V
    p_on, p_fl, base = mf.predict(X, g), fl.predict(X, g), mf.estimator_.predict(X, g)
    d = p_on != p_fl
    assert d.any() and set(base[d]) <= {"S"} and set(p_on[d]) <= {"V"}
    assert set(p_fl[d]) <= {"S", "N"}  # FL kept it S or floored it to N
    mf.km_ = km
    np.testing.assert_array_equal(mf.predict(X, g), p_mf)
    # the protocol's one fit reports both choices (bench JSON: fit.s_floor_k, fit.s_morph_km)
    kw = dict(groups=list(RECORDS[:3]), inner_folds=2, **KW)
    *_, folds = rpt.record_prior_beat_tables(ds1_tables[:3], ds1_tables[3:], **kw)
    assert folds[0]["s_floor_k"] in S_FLOOR_CANDIDATES
    assert folds[0]["s_morph_km"] in S_MORPH_CANDIDATES


@pytest.mark.parametrize("false, true", [(0, 1), (np.False_, np.True_), (0.0, 1.0)])
def test_s_morph_and_s_floor_read_0_1_and_numpy_bools_as_asked(false, true):
    """Review (session 26, helper 8): 0, 1 and NumPy booleans pass the True/False/None check,
    so they must act as False / True: ``s_morph=0`` gave ``MF`` (asked ``FL``), ``s_morph=1``
    on tables without the columns a silent ``FL`` (no warning, no error), ``s_floor=0`` the
    floor (asked ``NE``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fl = make_default_beat_model(MF_NAMES, s_morph=false, **KW)
        mf = make_default_beat_model(MF_NAMES, s_morph=true, **KW)
        ne = make_default_beat_model(MF_NAMES, s_floor=false, **KW)
    assert tuple(fl.morph_floors) == (None,)
    assert tuple(mf.morph_floors) == S_MORPH_CANDIDATES
    assert not isinstance(ne, RecordPrematurityFloor)
    with pytest.raises(ValueError, match="s_morph needs dom_qrs_corr_l<k> columns"):
        make_default_beat_model(FL_NAMES, s_morph=true)
    with pytest.raises(ValueError, match="s_floor needs the dom_rr_pre column"):
        make_default_beat_model(["rr_pre"], s_floor=true)


@pytest.mark.parametrize("kw", [dict(s_floor=False), dict(self_training=False)])
def test_bad_s_morph_raises_even_where_it_is_not_used(kw):
    """The docstring's ValueError for ``s_morph`` not True, False or None holds for every
    form of the model (it was only checked once the floor was built)."""
    with pytest.raises(ValueError, match="s_morph must be True, False or None"):
        make_default_beat_model(MF_NAMES, s_morph="on", **kw)
    with pytest.raises(ValueError, match="s_floor must be True, False or None"):
        make_default_beat_model(MF_NAMES, s_floor="on", self_training=False)
