"""Records without a measurable ECG get the noisy label and a reason (registry item 14, issue 18).

Synthetic flat, saturated, NaN-only, too-short and beatless records through
``af_record_features`` -> ``ecg_quality_gate`` -> ``CinC2017Classifier(quality_gate=True)`` and
``AFPriorShiftModel(quality_gate=True)``: each gets ``"~"`` and a readable reason, none crashes;
a clean synthetic ECG passes untouched.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af import AFPriorShiftModel, CinC2017Classifier, adaptation_report
from geoecg.estimators.af._quality_gate import GATE_THRESHOLDS, ecg_quality_gate
from geoecg.estimators.af.screening import synthetic_af_ecg
from geoecg.features.af.record import AF_RECORD_FEATURE_NAMES, af_record_features

FS = 300.0
COL = {n: i for i, n in enumerate(AF_RECORD_FEATURE_NAMES)}


def _ecg(seconds=20.0, seed=0):
    sig, fs, _ = synthetic_af_ecg(seconds, fs=FS, n_leads=1, random_state=seed)
    return sig[0]


def _records() -> dict:
    ecg = _ecg()
    lo, hi = np.quantile(ecg, [0.3, 0.7])
    half_dead = ecg.copy()
    half_dead[: int(0.7 * ecg.size)] = 0.0
    rng = np.random.default_rng(1)
    return {
        "clean": ecg,
        "flat": np.zeros(int(20 * FS)),
        "nan": np.full(int(20 * FS), np.nan),
        "short": ecg[: int(1.5 * FS)],
        "saturated": np.clip(ecg, lo, hi),
        "half_dead": half_dead,
        "one_beat": np.r_[np.zeros(int(9 * FS)), ecg[: int(0.8 * FS)], np.zeros(int(9 * FS))]
        + rng.normal(scale=1e-4, size=int(18.8 * FS)),
    }


@pytest.fixture(scope="module")
def feats():
    recs = _records()
    return list(recs), np.vstack([af_record_features(x, FS) for x in recs.values()])


def test_gate_names_each_dead_record_and_passes_the_clean_one(feats):
    names, X = feats
    r = dict(zip(names, ecg_quality_gate(X), strict=True))
    assert r["clean"] == ""
    assert r["nan"].startswith("unreadable") and r["short"].startswith("unreadable")
    assert r["flat"].startswith("flat lead")
    assert r["saturated"].startswith("flat or saturated"), r["saturated"]
    assert r["half_dead"].startswith("flat or saturated"), r["half_dead"]
    assert r["one_beat"].startswith(("too few beats", "flat or saturated")), r["one_beat"]
    # the reason states the measured value against the threshold
    assert "more than 50 %" in r["saturated"]
    frac = (
        X[names.index("saturated"), COL["flatFrac"]] + X[names.index("saturated"), COL["clipFrac"]]
    )
    assert frac > GATE_THRESHOLDS["max_flat_clip_frac"]


def test_gate_rate_and_beat_thresholds_on_feature_rows():
    row = np.zeros((4, len(AF_RECORD_FEATURE_NAMES)))
    row[:, COL["duration_s"]] = 30.0
    row[:, COL["n_beats"]] = [4, 6, 40, 200]
    row[:, COL["beat_rate"]] = row[:, COL["n_beats"]] / 30.0  # 8, 12, 80, 400 beats/min
    r = ecg_quality_gate(row)
    assert r[0] == "too few beats: 4 R-peaks detected (fewer than 5)"
    assert r[1].startswith("implausible rate: 12 beats/min")
    assert r[2] == ""
    assert r[3].startswith("implausible rate: 400 beats/min")


def test_flat_or_saturated_reason_names_each_fraction_never_above_100_percent():
    # a clipped run is also a flat run, so the two fractions can add past 1 (a 0.1-Hz wander
    # gave "106 % of the samples" before); the reason names each fraction on its own
    row = np.zeros((2, len(AF_RECORD_FEATURE_NAMES)))
    row[:, COL["duration_s"]] = 30.0
    row[:, COL["n_beats"]] = 40
    row[:, COL["beat_rate"]] = 40 / 30.0
    row[0, [COL["flatFrac"], COL["clipFrac"]]] = [0.60, 0.46]
    row[1, [COL["flatFrac"], COL["clipFrac"]]] = [0.30, 0.15]  # 45 %: passes
    r = ecg_quality_gate(row)
    assert r[0].startswith("flat or saturated: 60 % of the samples in flat runs and 46 % in"), r[0]
    assert "106" not in r[0] and "more than 50 %" in r[0]
    assert r[1] == ""


def test_gate_refuses_a_matrix_without_the_record_features():
    with pytest.raises(ValueError, match="107 columns are the record features"):
        ecg_quality_gate(np.zeros((3, 10)))
    with pytest.raises(ValueError, match="n_records, n_features"):
        ecg_quality_gate(np.zeros(107))


def _train(seed=0, n=40):
    """A toy training set on the record-feature columns: 4 classes, a clean ECG's row
    perturbed (so the model is fitted on real-looking rows without any gated record)."""
    rng = np.random.default_rng(seed)
    base = af_record_features(_ecg(seed=seed), FS)
    X = np.tile(base, (4 * n, 1)) * rng.uniform(0.9, 1.1, size=(4 * n, base.size))
    y = np.repeat(np.array(["N", "A", "O", "~"]), n)
    X[y == "A", COL["n_beats"]] *= 1.5
    return X, y


def test_classifier_gate_calls_dead_records_noisy_with_a_reason(feats):
    names, Xq = feats
    X, y = _train()
    off = CinC2017Classifier(n_estimators=10, random_state=0).fit(X, y)
    on = CinC2017Classifier(n_estimators=10, random_state=0, quality_gate=True).fit(X, y)
    dead = np.array([n != "clean" for n in names])
    pred = on.predict(Xq)
    assert (pred[dead] == "~").all()
    assert pred[~dead].tolist() == off.predict(Xq[~dead]).tolist()
    assert (off.predict(Xq[dead]) != "~").any()  # without the gate the model calls some N/A/O
    p = on.predict_proba(Xq)
    assert np.allclose(p.sum(1), 1.0) and np.all(p[dead, on.classes_.tolist().index("~")] == 1)
    tab = on.predict_table(Xq)
    assert list(tab.columns) == ["label", "p_A", "p_N", "p_O", "p_~", "reason"]
    assert (tab["reason"][dead] != "").all() and tab["reason"][~dead].tolist() == [""]
    assert tab["label"].tolist() == pred.tolist()
    # the uncorrected probabilities stay the model's own
    assert np.array_equal(on.predict_proba_uncorrected(Xq), off.predict_proba_uncorrected(Xq))


def test_classifier_gate_errors_are_clear():
    X, y = _train()
    with pytest.raises(ValueError, match="label '~', which is not one of the classes"):
        CinC2017Classifier(n_estimators=5, quality_gate=True).fit(X[y != "~"], y[y != "~"])
    with pytest.raises(ValueError, match="107 record features"):
        CinC2017Classifier(n_estimators=5, quality_gate=True).fit(X[:, :20], y)
    with pytest.raises(ValueError, match="quality_gate must be True or False"):
        CinC2017Classifier(n_estimators=5, quality_gate="on").fit(X, y)


def test_prior_shift_model_gate_changes_only_gated_records(feats):
    names, Xq = feats
    X, y = _train(seed=1)
    clf = CinC2017Classifier(n_estimators=10, random_state=0)
    cand = {"m": (PriorShiftClassifier(clf, cv=3, n_bootstrap=0, random_state=0), None)}
    m = AFPriorShiftModel(cand, quality_gate=False).fit(X, y).adapt(np.vstack([X[:20], Xq]))
    before = m.predict(Xq)
    m.set_params(quality_gate=True)
    after = m.predict(Xq)
    assert m.set_params(quality_gate="auto").predict(Xq).tolist() == after.tolist()  # default
    m.set_params(quality_gate=False)
    assert "n_gated" not in m.report(Xq, np.array(["N"] * len(names)))
    m.set_params(quality_gate=True)
    dead = np.array([n != "clean" for n in names])
    assert (after[dead] == "~").all() and after[~dead].tolist() == before[~dead].tolist()
    assert m.gate_reasons(Xq)[dead].tolist() == ecg_quality_gate(Xq)[dead].tolist()
    yq = np.array(["N"] + ["~"] * (len(names) - 1))
    rep = m.report(Xq, yq)
    assert rep["n_gated"] == int(dead.sum())
    plain = adaptation_report(m.candidates_["m"][0], Xq, yq)
    assert "n_gated" not in plain
    for row in ("uncorrected", "calibrated", "em", "bbse"):  # every dead record is truly ~ here
        assert rep["rows"][row]["f1"]["~"] >= plain["rows"][row]["f1"]["~"]
    assert rep["rows"]["em"]["f1"]["~"] >= 100 * 2 * 6 / (2 * 6 + 1)  # 6 of 6 found, <= 1 extra
    em, em0 = rep["priors"]["em"], plain["priors"]["em"]  # the gate does not touch the prior
    assert {c: v["prior"] for c, v in em.items()} == {c: v["prior"] for c, v in em0.items()}
    with pytest.raises(ValueError, match="one flag per test record"):
        adaptation_report(m.candidates_["m"][0], Xq, yq, gated=[True])
    # the held-out route names them (geoecg bench af --train-data/--test-data, session 21)
    got = m.gated_records(Xq, names)
    assert [g["record"] for g in got] == [n for n in names if n != "clean"]
    assert [g["reason"] for g in got] == ecg_quality_gate(Xq)[dead].tolist()
    with pytest.raises(ValueError, match=r"records must name each of the 7 rows of X, got 2"):
        m.gated_records(Xq, names[:2])
    assert m.set_params(quality_gate=False).gated_records(Xq, names) == []


def test_auto_gate_is_off_without_record_features_and_true_refuses():
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    y = np.repeat(np.array(["N", "A", "O", "~"]), 20)
    X = rng.normal(size=(80, 3)) + (y == "A")[:, None]
    lr = PriorShiftClassifier(LogisticRegression(), cv=3, n_bootstrap=0, random_state=0)
    m = AFPriorShiftModel({"lr": (lr, None)}).fit(X, y).adapt(X)
    assert m.quality_gate == "auto" and "n_gated" not in m.report(X, y)  # 3 columns: off
    with pytest.raises(ValueError, match="107 record features"):
        m.set_params(quality_gate=True).predict(X)
    with pytest.raises(ValueError, match="'auto', True or False"):
        m.set_params(quality_gate="yes").predict(X)


def test_protocol_rows_record_n_gated_and_refuse_older_done_rows(feats):
    from geoecg.estimators.af.protocols import prior_shift_protocol

    names, Xq = feats
    X, y = _train(seed=2, n=30)
    X = np.vstack([X, Xq[1:]])  # the dead records join the cohort as ~
    y = np.r_[y, ["~"] * (len(names) - 1)]

    def cands(seed):
        clf = CinC2017Classifier(n_estimators=5, random_state=seed)
        return {"m": (PriorShiftClassifier(clf, cv=3, n_bootstrap=0, random_state=seed), None)}

    target = {"N": 0.5, "A": 0.2, "O": 0.2, "~": 0.1}
    out = prior_shift_protocol(cands, X, y, target, test_size=40, seeds=[0])
    row = out["per_seed"][0]
    from geoecg.evaluation.prior_shift import prior_shift_split

    _, te = prior_shift_split(y, target, 40, random_state=0)
    assert row["n_gated"] == int((ecg_quality_gate(X[te]) != "").sum())
    old = {k: v for k, v in row.items() if k != "n_gated"}
    with pytest.raises(ValueError, match="n_gated absent"):
        prior_shift_protocol(cands, X, y, target, test_size=40, seeds=[0], done_folds={0: old})
