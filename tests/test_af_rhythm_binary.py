"""Registry item 15 (docs/benchmarks/af.md): the prior-shift protocol's "rhythm" candidate with
an AF-vs-rest xgboost blended into its P(A) (``prior_shift_candidates(rhythm_binary_weight=)``).
The blend touches the "rhythm" candidate only, leaves its multi-class model as it was, and
degenerate records still get a call (the quality gate's ``~`` with a reason), no crash."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.af import AFPriorShiftModel
from geoecg.estimators.af.protocols import prior_shift_candidates


def _bw(cands):
    return {k: a.estimator.binary_weight for k, (a, _) in cands.items()}


def test_weight_reaches_the_rhythm_candidate_only():
    assert _bw(prior_shift_candidates()) == {"default": 0.0, "rhythm": 0.0}
    assert _bw(prior_shift_candidates(rhythm_binary_weight=0.5)) == {"default": 0.0, "rhythm": 0.5}
    assert _bw(prior_shift_candidates(rhythm_binary_weight=0.5, names=["default"])) == {
        "default": 0.0
    }


@pytest.mark.parametrize("bad", [-0.1, 1.5, True, "0.5", None, float("nan")])
def test_bad_weight_is_refused_by_name(bad):
    with pytest.raises(ValueError, match="rhythm_binary_weight must be a number in"):
        prior_shift_candidates(rhythm_binary_weight=bad)


def _fit(af_cohort, bw):
    X, y, crops, owner = af_cohort(n_cols=4, n_per=12)
    X = np.c_[X, np.zeros((X.shape[0], 193 - X.shape[1]))]
    crops = np.c_[crops, np.zeros((crops.shape[0], 193 - crops.shape[1]))]
    cands = prior_shift_candidates(n_estimators=5, random_state=0, rhythm_binary_weight=bw)
    return AFPriorShiftModel(cands).fit(X, y, crops=crops, crop_owner=owner), X


def test_blend_changes_p_a_of_the_rhythm_candidate_only(af_cohort):
    m0, X = _fit(af_cohort, 0.0)
    m1, _ = _fit(af_cohort, 0.5)
    for name in ("default", "rhythm"):
        c0 = m0.candidates_[name][0].estimator_.estimator_
        c1 = m1.candidates_[name][0].estimator_.estimator_
        Xc = m0._columns(X, m0.candidates_[name][1])[:, 1:]
        p0 = c0.model_.predict_proba(Xc)
        np.testing.assert_array_equal(p0, c1.model_.predict_proba(Xc))  # same multi-class fit
        assert c0.binary_model_ is None
        assert (c1.binary_model_ is not None) == (name == "rhythm")
    r0 = m0.candidates_["rhythm"][0].estimator_.estimator_.predict_proba_uncorrected(
        m0._columns(X, None)[:, 1:]
    )
    r1 = m1.candidates_["rhythm"][0].estimator_.estimator_.predict_proba_uncorrected(
        m1._columns(X, None)[:, 1:]
    )
    a = list(m0.candidates_["rhythm"][0].classes_).index("A")
    assert not np.allclose(r0[:, a], r1[:, a])
    np.testing.assert_allclose(r1.sum(axis=1), 1.0)


def test_degenerate_records_are_called_with_a_reason(af_cohort):
    from geoecg.features.af import af_feature_matrix

    fs = 300.0
    t = np.arange(int(30 * fs)) / fs
    rng = np.random.default_rng(0)
    beats = np.zeros(t.size)
    for b in (5.0, 15.0, 25.0):
        beats += 1.2 * np.exp(-0.5 * ((t - b) / 0.012) ** 2)
    records = [
        np.zeros(t.size),  # flat
        0.2 * np.sin(2 * np.pi * 0.1 * t),  # baseline wander only
        0.01 * rng.standard_normal(t.size),  # low-level noise only
        beats + 0.02 * rng.standard_normal(t.size),  # 3 beats
        np.full(t.size, np.nan),  # no finite sample
    ]
    feats = af_feature_matrix(records, fs, rhythm_profile=True).X
    m, X = _fit(af_cohort, 0.5)
    m.adapt(X)
    calls, reasons = m.predict(feats), m.gate_reasons(feats)
    assert set(calls.tolist()) <= {"N", "A", "O", "~"}
    gated = [0, 1, 4]  # flat, wander only, no finite sample: no measurable ECG
    assert calls[gated].tolist() == ["~"] * 3 and all(reasons[i] != "" for i in gated)
    # the gate reads features only: the blend changes no reason
    m0, _ = _fit(af_cohort, 0.0)
    assert m0.gate_reasons(feats).tolist() == reasons.tolist()
