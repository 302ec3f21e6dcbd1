"""``geoecg bench beats``: protocols, missing-record messages and the JSON layout (small runs)."""

from __future__ import annotations

import json

import pytest

from geoecg.cli import main


def test_ds1_ds2_without_ds2_names_missing_records(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-ds2"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "100" in err and "234" in err and "--protocol ds1-cv" in err


@pytest.mark.realdata
def test_ds1_cv_on_two_patients_writes_json(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "119,208", "--n-estimators", "20", "--json", str(out),
        "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "leave-one-patient-out" in text and "reference annotation positions" in text
    res = json.loads(out.read_text())
    assert res["protocol"] == "ds1-cv"
    assert set(res["classes"]) == {"N", "S", "V", "F", "Q"}
    # 119 and 208 together: every reference beat classified exactly once
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 4000
    assert 0 <= res["accuracy"] <= 100 and -1 <= res["kappa"] <= 1
    assert "jkappa" in res  # NaN here when no beat is predicted S (+P undefined)
    # held-out V beats of either record are mostly recognised from the other's PVCs
    assert res["classes"]["V"]["se"] > 50
    assert (tmp_path / "cache").is_dir() and any((tmp_path / "cache").iterdir())


def test_unknown_record_is_an_error(mitdb_dir, capsys):
    rc = main(["bench", "beats", "--data", str(mitdb_dir), "--records", "999"])
    assert rc == 2 and "999" in capsys.readouterr().err


@pytest.mark.realdata
def test_ds1_cv_relative_features_and_inner_threshold(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119,208", "--n-estimators", "10", "--feature-set", "relative",
        "--inner-folds", "2", "--json", str(out), "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "features relative" in text and "inner patient CV" in text
    res = json.loads(out.read_text())
    assert res["settings"]["feature_set"] == "relative"
    assert res["settings"]["inner_folds"] == 2
    # one S multiplier per outer fold, from the fixed grid, chosen on training patients
    from geoecg.bench.beats import S_SCALES

    assert len(res["folds"]) == 3
    assert all(f["s_scale"] in S_SCALES for f in res["folds"])
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 6000


def test_select_relative_drops_absolute_columns():
    import numpy as np

    from geoecg.bench.beats import _select_relative
    from geoecg.features.morphology import beat_features, patient_relative_mask

    names = beat_features(np.zeros((2, 10)), np.zeros(0, np.int64), 360.0, prefilter=False).names
    X = np.arange(3 * names.size, dtype=float).reshape(3, names.size)
    t = _select_relative({"X": X, "y": np.array(["N", "S", "V"])})
    keep = patient_relative_mask(names)
    assert 0 < keep.sum() < names.size
    np.testing.assert_array_equal(t["X"], X[:, keep])
    assert "rr_pre" not in set(names[keep]) and "rr_pre_lmed" in set(names[keep])
    with pytest.raises(ValueError, match="stale"):
        _select_relative({"X": np.zeros((1, 7)), "y": np.array(["N"])})


@pytest.mark.realdata
def test_ds1_cv_context_features_and_hard_negatives(mitdb_dir, tmp_path, capsys):
    out = tmp_path / "beats.json"
    rc = main([
        "bench", "beats", "--data", str(mitdb_dir), "--protocol", "ds1-cv",
        "--records", "118,119,208", "--n-estimators", "10", "--feature-set", "context",
        "--keep-premature-n", "0.85", "--af-gate", "--json", str(out),
        "--cache", str(tmp_path / "cache"),
    ])  # fmt: skip
    assert rc == 0
    text = capsys.readouterr().out
    assert "features context" in text and "AF gate" in text
    res = json.loads(out.read_text())
    assert res["settings"]["feature_set"] == "context" and res["settings"]["af_gate"]
    # no AF annotation in 118/119/208: the gate threshold is inf (nothing gated)
    assert all(f["af_gate_threshold"] == float("inf") for f in res["folds"])
    assert res["settings"]["keep_premature_n"] == 0.85
    n = sum(c["n"] for c in res["classes"].values())
    assert n == sum(map(sum, res["confusion"])) and n > 6000
    # per-fold S and V counts: reference, predicted, true positives
    for f in res["folds"]:
        for c in ("S", "V"):
            ref, pred, tp = f["per_class"][c]
            assert 0 <= tp <= min(ref, pred)


def test_context_appended_and_hard_negatives_kept(monkeypatch):
    import argparse

    import numpy as np

    import geoecg.estimators.heartbeat as hb
    from geoecg.bench.beats import CONTEXT_PRE_COLUMN, _append_context, _fit

    rng = np.random.default_rng(0)
    y = np.array(["N"] * 50 + ["S"] * 5)
    X = rng.normal(size=(55, 3))
    ctx = np.ones((55, 8))
    ctx[:10, CONTEXT_PRE_COLUMN] = 0.6  # ten premature N beats
    t = _append_context({"X": X, "y": y, "ctx": ctx, "ctx_af": np.zeros((55, 8))})
    assert t["X"].shape == (55, 11) and np.array_equal(t["X"][:, 3:], ctx)
    assert _append_context({"X": X, "y": y, "ctx": ctx, "ctx_af": ctx}, af=True)["X"].shape == (
        55,
        19,
    )
    args = argparse.Namespace(
        max_n_per_record=5, keep_premature_n=0.85, class_weight="none", n_estimators=2,
        n_jobs=1, seed=0, star=0,
    )  # fmt: skip
    seen = {}
    orig = hb.HeartbeatClassifier.fit

    def spy(self, X_, y_, sample_weight=None):
        seen["y"] = y_
        return orig(self, X_, y_, sample_weight)

    monkeypatch.setattr(hb.HeartbeatClassifier, "fit", spy)
    _fit(args, [t])
    assert (seen["y"] == "N").sum() == 10 + 5  # every premature N plus the cap of 5
    args.keep_premature_n = 0.0
    _fit(args, [t])
    assert (seen["y"] == "N").sum() == 5


def test_af_gate_blocks_s_calls_only_where_gated():
    import numpy as np

    from geoecg.bench.beats import _af_gates, _gated_predict
    from geoecg.estimators.heartbeat import HeartbeatClassifier

    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 0.3, (60, 2)), rng.normal(3, 0.3, (60, 2))]
    y = np.array(["N"] * 60 + ["S"] * 60)
    clf = HeartbeatClassifier(n_estimators=5, random_state=0).fit(X, y)
    gate = np.zeros(120, bool)
    gate[60:90] = True
    p = _gated_predict(clf, X, gate)
    assert (p[60:90] == "N").all() and (p[90:] == "S").all()
    assert np.array_equal(_gated_predict(clf, X, None), clf.predict(X))
    # threshold from the training tables' AF labels, applied to the test table
    stat = np.r_[np.full(50, -2.0), np.full(50, -0.2)]
    train = {
        "ctx_af": np.column_stack([stat, np.zeros(100)]),
        "af": np.r_[[False] * 50, [True] * 50],
    }
    test = {"ctx_af": np.array([[-1.9, 0.0], [-0.1, 0.0], [np.nan, 0.0]])}
    thr, gates = _af_gates([train], [test])
    assert -2.0 < thr < -0.2 and gates[0].tolist() == [False, True, False]


def test_af_gate_modes_move_s_to_n_or_to_the_next_class():
    """Mode "N" turns a gated beat's S call into N (AF-conducted supraventricular beats are
    N) and leaves every other decision; "next" gives its most probable non-S class."""
    import numpy as np
    import pytest

    from geoecg.bench._beats_context import gate_decisions

    classes = ["N", "S", "V", "F", "Q"]
    P = np.array([[0.10, 0.60, 0.30, 0.0, 0.0],
                  [0.10, 0.60, 0.30, 0.0, 0.0],
                  [0.35, 0.30, 0.35 + 1e-3, 0.0, 0.0]])
    gate = np.array([True, False, True])
    assert gate_decisions(P, classes, gate, "N").tolist() == [0, 1, 2]  # S -> N; V stays V
    assert gate_decisions(P, classes, gate, "next").tolist() == [2, 1, 2]  # S -> V
    assert gate_decisions(P, classes, None).tolist() == [1, 1, 2]
    assert P[0, 1] == 0.6  # input not modified
    with pytest.raises(ValueError, match="gate mode"):
        gate_decisions(P, classes, gate, "drop")


def test_n_bags_averages_members_fitted_on_their_own_subsample():
    """``--n-bags K``: K classifiers, each with its own N subsample and seed; predict_proba is
    their mean, and the S multiplier / gate see one classifier-like object."""
    from types import SimpleNamespace

    import numpy as np
    import pytest

    from geoecg.bench._beats_context import _Bagged
    from geoecg.bench.beats import _fit

    rng = np.random.default_rng(4)
    X = np.r_[rng.normal(0, 1, (300, 3)), rng.normal(2, 1, (40, 3))]
    y = np.array(["N"] * 300 + ["S"] * 40)
    t = {"X": X, "y": y}
    args = SimpleNamespace(star=0, seed=0, max_n_per_record=50, class_weight="balanced",
                           n_estimators=10, n_jobs=1, keep_premature_n=0.0, n_bags=3)
    bag = _fit(args, [t])
    assert isinstance(bag, _Bagged) and len(bag.members) == 3
    P = bag.predict_proba(X)
    np.testing.assert_allclose(P, np.mean([m.predict_proba(X) for m in bag.members], axis=0))
    assert not np.allclose(bag.members[0].predict_proba(X), bag.members[1].predict_proba(X))
    assert set(bag.predict(X)) <= {"N", "S"}
    bag.set_params(decision_scale={"S": 1e6})
    assert (bag.predict(X) == "S").mean() > 0.9
    args.n_bags = 1
    assert not isinstance(_fit(args, [t]), _Bagged)
    args.n_bags = -1
    with pytest.raises(ValueError, match="n-bags"):
        _fit(args, [t])
