"""``stack_beat_tables(reference="sinus")``: the ``rs_*`` copies standardised on each record's
sinus-like beats (registry item 30 of the beats benchmark), and its degenerate records."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.heartbeat import make_default_beat_model
from geoecg.estimators.record_self_training import LOCAL_BEAT_FEATURES
from geoecg.features.beat_records import (
    SINUS_REFERENCE_MIN_BEATS,
    sinus_reference_rows,
    stack_beat_tables,
)

NAMES = np.array([*LOCAL_BEAT_FEATURES, "dom_rr_pre"])


def _table(rng, n, s_share, *, premature_all=False):
    """One record: S beats premature (dom_rr_pre ~0.6) and shifted on three columns."""
    y = np.where(rng.random(n) < s_share, "S", "N")
    X = rng.normal(size=(n, NAMES.size))
    X[:, :3] += 2.0 * (y == "S")[:, None]
    X[:, -1] = np.where(y == "S", 0.6, 1.0) + 0.03 * rng.normal(size=n)
    if premature_all:
        X[:, -1] = 0.6 + 0.03 * rng.normal(size=n)
    return {"X": X, "names": NAMES, "y": y}


def test_rows_are_the_non_premature_beats():
    rng = np.random.default_rng(0)
    t = _table(rng, 200, 0.7)
    ref = sinus_reference_rows(t["X"], t["names"])
    assert np.array_equal(ref, t["X"][:, -1] >= 0.88)
    assert ref.sum() < 100  # ectopic beats are the majority here


def test_rs_copies_centred_on_sinus_beats_when_ectopy_is_the_majority():
    rng = np.random.default_rng(1)
    t = _table(rng, 300, 0.7)
    Xa, ya, na, names = stack_beat_tables([t], True)
    Xs, ys, ns, names_s = stack_beat_tables([t], True, reference="sinus")
    k = NAMES.size
    assert names == names_s and np.array_equal(ya, ys) and np.array_equal(na, ns)
    assert np.array_equal(Xa[:, :k], Xs[:, :k])  # raw columns untouched
    sinus = t["X"][:, -1] >= 0.88
    # on the sinus-like beats the sinus-referenced copy has median 0; the all-beats copy,
    # centred on the (mostly premature) majority, does not
    assert abs(np.median(Xs[sinus, k + 0])) < 1e-9
    assert np.median(Xa[sinus, k + 0]) < -0.5
    # the S beats stand out from the patient's sinus beats in the sinus-referenced copy
    assert np.median(Xs[ys == "S", k + 0]) > 1.0


@pytest.mark.parametrize("case", ["three_beats", "all_ectopic", "few_sinus"])
def test_degenerate_records_fall_back_to_all_beats(case):
    rng = np.random.default_rng(2)
    if case == "three_beats":
        t = _table(rng, 3, 0.0)
    elif case == "all_ectopic":
        t = _table(rng, 120, 1.0, premature_all=True)
    else:
        t = _table(rng, 120, 1.0, premature_all=True)
        t["X"][: SINUS_REFERENCE_MIN_BEATS - 1, -1] = 1.0
    assert sinus_reference_rows(t["X"], t["names"]).all()
    Xa = stack_beat_tables([t], True)[0]
    Xs = stack_beat_tables([t], True, reference="sinus")[0]
    np.testing.assert_array_equal(Xa, Xs)  # what must not change: the all-beats copies


def test_nan_gap_no_crash_and_finite_where_all_beats_is():
    rng = np.random.default_rng(3)
    t = _table(rng, 150, 0.2)
    t["X"][40:70] = np.nan  # a gap: no features
    Xa = stack_beat_tables([t], True)[0]
    Xs = stack_beat_tables([t], True, reference="sinus")[0]
    assert np.array_equal(np.isfinite(Xa), np.isfinite(Xs))
    assert not sinus_reference_rows(t["X"], t["names"])[40:70].any()


def test_default_model_on_sinus_tables_handles_degenerate_test_records():
    rng = np.random.default_rng(4)
    train = [_table(rng, 90, 0.3 if k % 2 else 0.05) for k in range(6)]
    X, y, n, names = stack_beat_tables(train, True, reference="sinus")
    g = np.repeat(np.arange(6), n)
    model = make_default_beat_model(names, n_estimators=5, max_per_class=200, random_state=0)
    model.fit(X, y, g)
    gap = _table(rng, 60, 0.2)
    gap["X"][10:30] = np.nan
    tests = [_table(rng, 3, 0.0), _table(rng, 50, 1.0, premature_all=True), gap]
    Xt, yt, nt, _ = stack_beat_tables(tests, True, reference="sinus")
    pred = model.predict(Xt, np.repeat(np.arange(3), nt))
    assert pred.shape == yt.shape and set(pred) <= {"N", "S"}
    # the all-ectopic record: its beats are premature and S-shifted, most are called S
    assert (pred[nt[0] : nt[0] + nt[1]] == "S").mean() > 0.5


def test_bad_input_errors():
    rng = np.random.default_rng(5)
    t = _table(rng, 20, 0.1)
    with pytest.raises(ValueError, match="reference must be"):
        stack_beat_tables([t], True, reference="median")
    with pytest.raises(ValueError, match="dom_rr_pre"):
        sinus_reference_rows(t["X"][:, :-1], NAMES[:-1])
    with pytest.raises(ValueError, match="2-D"):
        sinus_reference_rows(t["X"][:, :3], NAMES)
    bad = {"X": t["X"][:, :-1], "names": NAMES[:-1], "y": t["y"]}
    with pytest.raises(ValueError, match="dom_rr_pre"):
        stack_beat_tables([bad], True, reference="sinus")
    # without adapt the reference is unused: no dom_rr_pre needed
    assert stack_beat_tables([bad], False, reference="sinus")[0].shape == bad["X"].shape
