"""Crop augmentation inside the prior-shift protocol (registry item 7 of
docs/benchmarks/af_history.md): every fit trains on the crops of its own training records only; a
calibration-fold or test record's crops never reach a fit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af._crop_rows import CropRowsClassifier, with_record_index


def _check(fit, y, owner):
    ids, seen, labels = fit
    expected = np.flatnonzero(np.isin(owner, ids))
    np.testing.assert_array_equal(np.sort(seen), np.sort(owner[expected]))
    np.testing.assert_array_equal(labels, y[seen])


def test_calibration_folds_keep_each_records_crops(af_cohort, af_spy):
    X, y, crops, owner = af_cohort()
    af_spy.fits.clear()
    tr = np.flatnonzero(np.arange(y.size) % 3 != 0)  # the rest plays the test part
    est = CropRowsClassifier(af_spy(), crops, owner)
    model = PriorShiftClassifier(est, cv=5, n_bootstrap=0, random_state=0)
    model.fit(with_record_index(X)[tr], y[tr])
    assert len(af_spy.fits) == 6  # five out-of-fold fits, then the final fit
    for k, fit in enumerate(af_spy.fits):
        _check(fit, y, owner)
        assert (
            np.isin(fit[0], tr).all()
            and not np.isin(fit[1], np.setdiff1d(np.arange(y.size), tr)).any()
        )
        if k < 5:  # an out-of-fold fit: its held-out records' crops are absent
            held = np.setdiff1d(tr, fit[0])
            assert held.size > 0 and not np.isin(fit[1], held).any()
    np.testing.assert_array_equal(np.sort(af_spy.fits[-1][0]), tr)
    assert model.estimator_.crop_rows_.size == np.isin(owner, tr).sum()


def test_protocol_never_fits_a_test_records_crops(monkeypatch, af_cohort, af_spy):
    import geoecg.evaluation.prior_shift as ps
    from geoecg.estimators.af.protocols import prior_shift_protocol

    X, y, crops, owner = af_cohort(seed=1)
    tr = np.concatenate([np.flatnonzero(y == c)[:28] for c in "ANO~"])
    te = np.setdiff1d(np.arange(y.size), tr)
    monkeypatch.setattr(ps, "prior_shift_split", lambda *a, **k: (tr, te))

    def cands(seed):
        m = PriorShiftClassifier(af_spy(), cv=3, n_bootstrap=0, random_state=seed)
        return {"all": (m, None), "two": (PriorShiftClassifier(af_spy(), cv=3, n_bootstrap=0), 2)}

    af_spy.fits.clear()
    target = {"N": 0.6, "A": 0.1, "O": 0.25, "~": 0.05}
    out = prior_shift_protocol(cands, X, y, target, seeds=[0], crops=crops, crop_owner=owner)
    assert len(af_spy.fits) == 8  # two candidates, three out-of-fold fits and a final fit each
    for fit in af_spy.fits:
        _check(fit, y, owner)
        assert not np.isin(fit[0], te).any() and not np.isin(fit[1], te).any()
    assert out["per_seed"][0]["n_test"] == te.size
    assert out["per_seed"][0]["n_train_crops"] == np.isin(owner, tr).sum() > 0
    with pytest.raises(ValueError, match="both crops and crop_owner"):
        prior_shift_protocol(cands, X, y, target, seeds=[0], crops=crops)


def test_crop_rows_checks_its_input(af_cohort, af_spy):
    X, y, crops, owner = af_cohort()
    est = CropRowsClassifier(af_spy(), crops, owner)
    with pytest.raises(ValueError, match="record index in column 0"):
        est.fit(np.zeros((4, 1)), y[:4])
    with pytest.raises(ValueError, match="integers >= 0"):
        est.fit(with_record_index(X) + 0.5, y)
    Xi = with_record_index(X)
    with pytest.raises(ValueError, match="distinct index"):
        est.fit(Xi[[0, 0, 1]], y[[0, 0, 1]])
    with pytest.raises(ValueError, match="crops must have shape"):
        CropRowsClassifier(af_spy(), crops[:, :2], owner).fit(Xi, y)
    with pytest.raises(ValueError, match="needs estimator"):
        CropRowsClassifier(af_spy()).fit(Xi, y)


@pytest.mark.parametrize("bad", [np.nan, 1.5, -1])
def test_crop_owner_must_hold_record_indices(bad, af_cohort, af_spy):
    """A NaN or fractional owner was cast to a garbage index (with a numpy cast warning)."""
    X, y, crops, owner = af_cohort()
    owner = owner.astype(np.float64)
    owner[3] = bad
    with pytest.raises(ValueError, match="crop_owner"):
        CropRowsClassifier(af_spy(), crops, owner).fit(with_record_index(X), y)


def test_predict_before_fit_is_not_fitted_error(af_cohort, af_spy):
    from sklearn.exceptions import NotFittedError

    X, y, crops, owner = af_cohort()
    est = CropRowsClassifier(af_spy(), crops, owner)
    for method in (est.predict, est.predict_proba):
        with pytest.raises(NotFittedError):
            method(with_record_index(X))


def test_protocol_reads_crops_from_the_feature_matrix(monkeypatch, af_cohort, af_spy):
    """The bench passes the AFFeatureMatrix: same result as crops= / crop_owner=, and the
    protocol's crop settings are the rhythm-crops preset's (registry item 7)."""
    import geoecg.evaluation.prior_shift as ps
    from geoecg.estimators.af import AF_PRESETS
    from geoecg.estimators.af.protocols import (
        AF_PROTOCOL_MATRIX,
        prior_shift_candidates,
        prior_shift_protocol,
    )
    from geoecg.features.af import AFFeatureMatrix

    X, y, crops, owner = af_cohort(seed=2)
    tr = np.concatenate([np.flatnonzero(y == c)[:28] for c in "ANO~"])
    monkeypatch.setattr(
        ps, "prior_shift_split", lambda *a, **k: (tr, np.setdiff1d(np.arange(y.size), tr))
    )

    def cands(seed):
        return {"m": (PriorShiftClassifier(af_spy(), cv=3, n_bootstrap=0, random_state=seed), None)}

    target = {"N": 0.6, "A": 0.1, "O": 0.25, "~": 0.05}
    m = AFFeatureMatrix(X=X, feature_names=("a", "b", "c"), crops=crops, crop_owner=owner)
    af_spy.fits.clear()
    a = prior_shift_protocol(cands, m, y, target, seeds=[0])
    b = prior_shift_protocol(cands, X, y, target, seeds=[0], crops=crops, crop_owner=owner)
    assert len(af_spy.fits) == 8 and all(f[1].size for f in af_spy.fits)
    assert a["per_seed"][0]["rows"] == b["per_seed"][0]["rows"]
    with pytest.raises(ValueError, match="inside the AFFeatureMatrix"):
        prior_shift_protocol(cands, m, y, target, seeds=[0], crops=crops, crop_owner=owner)
    preset = AF_PRESETS["rhythm-crops"]
    ps_opts = AF_PROTOCOL_MATRIX["prior-shift"]
    assert {k: preset[k] for k in ps_opts} == ps_opts
    for adapter, _ in prior_shift_candidates().values():
        assert adapter.estimator.crop_weight == preset["crop_weight"]


def _json(out) -> str:
    from geoecg.commands.bench_io import to_jsonable

    return json.dumps(to_jsonable(out), sort_keys=True)


def test_resume_refuses_seeds_made_with_other_protocol_settings(af_cohort, af_spy):
    """``done_folds`` rows are reused only when their recorded settings are this run's: a
    row written before crops were adopted (no ``n_train_crops``), a crop-free row, one with
    other candidates or another test size is refused with the setting named."""
    from geoecg.estimators.af.protocols import prior_shift_protocol

    X, y, crops, owner = af_cohort(seed=3)

    def cands(seed):
        def m():
            return PriorShiftClassifier(af_spy(), cv=3, n_bootstrap=0, random_state=seed)

        return {"all": (m(), None), "two": (m(), 2)}

    target = {"N": 0.6, "A": 0.1, "O": 0.25, "~": 0.05}
    kw = dict(seeds=[0, 1], test_size=40, crops=crops, crop_owner=owner)
    full = prior_shift_protocol(cands, X, y, target, **kw)
    row = full["per_seed"][0]
    n = row["n_train_crops"]
    assert 0 < n < owner.size
    seen: list = []
    got = prior_shift_protocol(
        cands, X, y, target, **kw, done_folds={0: row}, on_fold=lambda s, r: seen.append(s)
    )
    assert seen == [1] and _json(got) == _json(full)  # seed 0 reused, not refitted
    pre_crop = {k: v for k, v in row.items() if k != "n_train_crops"}
    with pytest.raises(ValueError, match=rf"n_train_crops absent .*\(now {n}\).*without --resume"):
        prior_shift_protocol(cands, X, y, target, **kw, done_folds={0: pre_crop})
    with pytest.raises(ValueError, match=rf"done_folds\[0\] .*n_train_crops 0 \(now {n}\)"):
        prior_shift_protocol(cands, X, y, target, **kw, done_folds={0: {**row, "n_train_crops": 0}})
    with pytest.raises(ValueError, match=r"candidates \[.\w+.\] \(now \['all', 'two'\]\)"):
        prior_shift_protocol(cands, X, y, target, **kw, done_folds={0: {**row, "not_chosen": {}}})
    with pytest.raises(ValueError, match=r"n_train 64 \(now \d+\); n_test 40 \(now (?!40)\d+\)"):
        prior_shift_protocol(cands, X, y, target, **{**kw, "test_size": 50}, done_folds={0: row})
