"""Test-time crop averaging (registry item 17 of docs/benchmarks/af.md): a record's base-model
probability is the mean over the whole record and its usable crops, out of fold and on the test
part alike; no crop of a held-out or test record reaches a fit, the fits are those without it,
the candidate is chosen as without it, and a record with a crop lacking a measurable ECG (the
short-strip rule) keeps its whole-record probability."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af._crop_rows import (
    CropRowsClassifier,
    usable_crops,
    with_record_index,
)
from geoecg.estimators.af.prior_shift_model import AFPriorShiftModel
from geoecg.features.af.matrix import AFFeatureMatrix


def _by_hand(est, F, crops, owner, n):
    """Mean of the fitted model's probabilities of each record and its crops."""
    p = est.estimator_.predict_proba_uncorrected(F)
    out = []
    for i in range(n):
        mine = crops[owner == i]
        rows = [p[i]] + (list(est.estimator_.predict_proba_uncorrected(mine)) if len(mine) else [])
        out.append(np.mean(rows, axis=0))
    return np.array(out)


def test_average_is_the_mean_over_the_record_and_its_crops(af_cohort, af_spy):
    X, y, crops, owner = af_cohort()
    tr = np.flatnonzero(np.arange(y.size) % 3 != 0)
    held = np.flatnonzero(np.arange(y.size) % 3 == 0)
    on = CropRowsClassifier(af_spy(), crops, owner, average_crops=True)
    on.fit(with_record_index(X)[tr], y[tr])
    Xi = np.column_stack([held, X[held]])  # the held-out records, named by cohort index
    got = on.predict_proba_uncorrected(Xi)
    pos = np.full(y.size, -1)
    pos[held] = np.arange(held.size)
    sel = np.isin(owner, held)
    want = _by_hand(on, X[held], crops[sel], pos[owner[sel]], held.size)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    whole = on.estimator_.predict_proba_uncorrected(X[held])
    lone = np.setdiff1d(np.arange(held.size), pos[owner[sel]])  # records without a crop
    assert lone.size > 0 and np.array_equal(got[lone], whole[lone])
    assert not np.allclose(got, whole)
    off = CropRowsClassifier(af_spy(), crops, owner).fit(with_record_index(X)[tr], y[tr])
    np.testing.assert_array_equal(off.predict_proba_uncorrected(Xi), whole)


def test_target_crops_are_the_ones_given_within_the_block(af_cohort, af_spy):
    X, y, crops, owner = af_cohort()
    est = CropRowsClassifier(af_spy(), crops, owner, average_crops=True)
    est.fit(with_record_index(X), y)
    Xt, _, ct, ot = af_cohort(n_per=5, seed=3)  # another cohort: rows 0..19
    Xti = with_record_index(Xt)
    with est.target_crops(ct, ot, len(Xt)):
        got = est.predict_proba_uncorrected(Xti)
        with pytest.raises(ValueError, match="target_crops was given for 20 records"):
            est.predict_proba_uncorrected(Xti[:5])
    np.testing.assert_allclose(got, _by_hand(est, Xt, ct, ot, len(Xt)), rtol=0, atol=1e-12)
    with est.target_crops(ct[:0], ot[:0], len(Xt)):  # no crop at all: whole records
        np.testing.assert_array_equal(
            est.predict_proba_uncorrected(Xti), est.estimator_.predict_proba_uncorrected(Xt)
        )
    with pytest.raises(ValueError, match="crop_owner"):
        with est.target_crops(ct, ot + 100, len(Xt)):
            pass
    assert est._target is None


def _cands(spy):
    def make(seed):
        m = PriorShiftClassifier(spy(), cv=3, n_bootstrap=0, random_state=seed)
        return {
            "all": (m, None),
            "two": (PriorShiftClassifier(spy(), cv=3, n_bootstrap=0, random_state=1), 2),
        }

    return make


def test_model_averages_the_test_records_own_crops(af_cohort, af_spy):
    X, y, crops, owner = af_cohort(n_per=30)
    Xt, yt, ct, ot = af_cohort(n_per=8, seed=5)
    target = AFFeatureMatrix(Xt, (), ct, ot)
    fitted = {}
    for avg in (False, True):
        af_spy.fits.clear()
        m = AFPriorShiftModel(_cands(af_spy)(0), average_crops=avg)
        m.fit(X, y, crops=crops, crop_owner=owner).adapt(target)
        fitted[avg] = (m, [f[:2] for f in af_spy.fits])
    (off, fits_off), (on, fits_on) = fitted[False], fitted[True]
    assert len(fits_on) == 2 * len(fits_off) and off.averaged_ == {}
    # per candidate: its own fits (as off's), then its twin's (the same again)
    n = len(fits_off) // 2
    twice = fits_on[:n] + fits_on[2 * n : 3 * n] + fits_on[n : 2 * n] + fits_on[3 * n :]
    for a, b in zip(fits_off + fits_off, twice, strict=True):  # the same fits, the same crops
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    # the choice is the un-averaged one: the candidates are off's, scores and choice equal
    assert on.inner_scores_ == off.inner_scores_ and on.chosen_ == off.chosen_
    for name in ("all", "two"):
        np.testing.assert_array_equal(
            on.candidates_[name][0].oof_proba_, off.candidates_[name][0].oof_proba_
        )
    ad_on, ad_off = on.averaged_["all"][0], off.candidates_["all"][0]
    np.testing.assert_array_equal(
        ad_on.estimator_.estimator_.predict_proba_uncorrected(Xt),
        ad_off.estimator_.estimator_.predict_proba_uncorrected(Xt),
    )
    assert not np.allclose(ad_on.oof_proba_, ad_off.oof_proba_)  # calibrated on averages
    p = on.predict_proba(target)
    assert p.shape == (len(Xt), 4) and np.allclose(p.sum(axis=1), 1.0)
    assert on.chosen_adapter_ is on.averaged_[on.chosen_][0]
    ch, ncol = on.averaged_[on.chosen_]
    cols = slice(None) if ncol is None else slice(0, ncol)
    with ch.estimator_.target_crops(ct[:, cols], ot, len(Xt)):
        want = ch.predict_proba(with_record_index(Xt[:, cols]))
    np.testing.assert_allclose(p, want, rtol=0, atol=1e-12)
    rep = on.report(target, yt)
    assert set(rep["rows"]) >= {"em", "uncorrected"} and rep["n_test"] == len(Xt)
    with pytest.raises(ValueError, match="AFFeatureMatrix with crops"):
        on.predict(Xt)
    np.testing.assert_array_equal(off.predict(target), off.predict(Xt))  # off: crops unused
    with pytest.raises(ValueError, match="needs the training records' crops"):
        AFPriorShiftModel(_cands(af_spy)(0), average_crops=True).fit(X, y)


def test_protocol_averages_without_fitting_a_test_records_crops(monkeypatch, af_cohort, af_spy):
    import geoecg.evaluation.prior_shift as ps
    from geoecg.estimators.af.protocols import prior_shift_protocol

    X, y, crops, owner = af_cohort(seed=1)
    tr = np.concatenate([np.flatnonzero(y == c)[:28] for c in "ANO~"])
    te = np.setdiff1d(np.arange(y.size), tr)
    monkeypatch.setattr(ps, "prior_shift_split", lambda *a, **k: (tr, te))
    target = {"N": 0.6, "A": 0.1, "O": 0.25, "~": 0.05}
    kw = {"seeds": [0], "crops": crops, "crop_owner": owner}
    af_spy.fits.clear()
    on = prior_shift_protocol(_cands(af_spy), X, y, target, average_crops=True, **kw)
    assert len(af_spy.fits) == 16  # 2 candidates x (3 folds + final), each with its twin
    for ids, seen in (f[:2] for f in af_spy.fits):  # cohort column 0 of the crops
        assert np.isin(ids, tr).all() and np.isin(seen, tr).all()
    off = prior_shift_protocol(_cands(af_spy), X, y, target, **kw)
    r_on, r_off = on["per_seed"][0], off["per_seed"][0]
    assert r_on["n_test"] == r_off["n_test"] == te.size
    assert r_on["chosen"] == r_off["chosen"] and r_on["inner_scores"] == r_off["inner_scores"]
    assert r_on["rows"]["uncorrected"] != r_off["rows"]["uncorrected"] or not np.allclose(
        r_on["priors"]["em"]["A"]["prior"], r_off["priors"]["em"]["A"]["prior"]
    )
    with pytest.raises(ValueError, match="needs crops"):
        prior_shift_protocol(_cands(af_spy), X, y, target, seeds=[0], average_crops=True)


def _gated_cohort(af_cohort, seed=0):
    """A cohort whose rows carry the quality gate's columns (107 record features): every
    record and crop has 20 or more R-peaks at 72 beats/min, nothing flat or clipped."""
    X, y, crops, owner = af_cohort(n_cols=107, seed=seed)
    for A in (X, crops):
        A[:, 1] += 22.0  # n_beats (keeps the class signal of column 1)
        A[:, 2] = 1.2  # beat_rate, R-peaks per second
        A[:, 91] = A[:, 92] = 0.0  # flatFrac, clipFrac
    return X, y, crops, owner


def test_short_strip_rule_keeps_the_whole_record(af_cohort, af_spy):
    X, y, crops, owner = _gated_cohort(af_cohort)
    assert usable_crops(crops).all() and usable_crops(crops[:, :5]).all()
    bad = crops.copy()
    bad[0, 1] = 3.0  # a crop with 3 R-peaks: no measurable ECG
    bad[1, 91] = bad[1, 92] = 0.4  # 80 % flat or clipped
    bad[2, 1] = np.nan  # unreadable
    assert usable_crops(bad).tolist()[:4] == [False, False, False, True]
    with pytest.raises(ValueError, match="2-D"):
        usable_crops(bad[0])
    est = CropRowsClassifier(af_spy(), crops, owner, average_crops=True)
    est.fit(with_record_index(X), y)
    Xt, _, ct, ot = _gated_cohort(af_cohort, seed=4)
    Xti = with_record_index(Xt)
    whole = est.estimator_.predict_proba_uncorrected(Xt)
    with est.target_crops(ct, ot, len(Xt)):
        good = est.predict_proba_uncorrected(Xti)
    spoilt = ot[0]  # one of this record's crops becomes a 3-beat strip
    ct2 = ct.copy()
    ct2[0, 1] = 3.0
    with est.target_crops(ct2, ot, len(Xt)):
        got = est.predict_proba_uncorrected(Xti)
    np.testing.assert_array_equal(got[spoilt], whole[spoilt])  # whole record only
    assert not np.allclose(good[spoilt], whole[spoilt])
    others = np.setdiff1d(np.arange(len(Xt)), [spoilt])
    np.testing.assert_array_equal(got[others], good[others])
    # out of fold (held-out records named by cohort index) the rule is the same
    held = np.flatnonzero(np.arange(y.size) % 3 == 0)
    fit_rows = np.setdiff1d(np.arange(y.size), held)
    first = np.flatnonzero(np.isin(owner, held))[0]
    cb = crops.copy()
    cb[first, 1] = 3.0
    est2 = CropRowsClassifier(af_spy(), cb, owner, average_crops=True)
    est2.fit(with_record_index(X)[fit_rows], y[fit_rows])
    est3 = CropRowsClassifier(af_spy(), crops, owner, average_crops=True)
    est3.fit(with_record_index(X)[fit_rows], y[fit_rows])
    Xh = np.column_stack([held, X[held]])
    got2, got3 = est2.predict_proba_uncorrected(Xh), est3.predict_proba_uncorrected(Xh)
    k = int(np.flatnonzero(held == owner[first])[0])
    whole2 = est2.estimator_.predict_proba_uncorrected(X[held])
    np.testing.assert_array_equal(got2[k], whole2[k])
    assert not np.allclose(got3[k], whole2[k])
    rest = np.setdiff1d(np.arange(held.size), [k])
    np.testing.assert_array_equal(got2[rest], got3[rest])
