"""The prior-shift protocol's pipeline as one object (issue 18's held-out route):
:class:`AFPriorShiftModel` fitted on one cohort and adapted to another is exactly what
``prior_shift_protocol`` does on a seed, and ``geoecg bench af --train-data A --test-data B``
fits it (crops, the candidate chosen on A's out-of-fold score at B's estimated prior)."""

from __future__ import annotations

import json
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af import AFPriorShiftModel, heldout_prior_shift, record_scores


def _cands(spy, seed):
    def m():
        return PriorShiftClassifier(spy(), cv=3, n_bootstrap=20, random_state=seed)

    return {"two": (m(), 2), "all": (m(), None)}


def test_model_is_the_protocols_pipeline_and_reads_no_target_label(monkeypatch, af_cohort, af_spy):
    """On a protocol split, the object fitted on the training part and adapted to the test
    part gives the protocol's rows, choice and inner scores; its fits see the crops of their
    own records only; shuffled test labels change no choice, prior or prediction."""
    import geoecg.evaluation.prior_shift as ps
    from geoecg.estimators.af.protocols import prior_shift_protocol

    X, y, crops, owner = af_cohort(n_cols=4)
    tr = np.concatenate([np.flatnonzero(y == c)[:28] for c in "ANO~"])
    te = np.setdiff1d(np.arange(y.size), tr)
    monkeypatch.setattr(ps, "prior_shift_split", lambda *a, **k: (tr, te))
    target = {"N": 0.6, "A": 0.1, "O": 0.25, "~": 0.05}
    cands = partial(_cands, af_spy)
    ref = prior_shift_protocol(cands, X, y, target, seeds=[0], crops=crops, crop_owner=owner)
    ref = ref["per_seed"][0]

    keep = np.isin(owner, tr)
    pos = {int(r): i for i, r in enumerate(tr)}
    sub_owner = np.array([pos[int(o)] for o in owner[keep]])
    af_spy.fits.clear()
    m = AFPriorShiftModel(_cands(af_spy, 0)).fit(
        X[tr], y[tr], crops=crops[keep], crop_owner=sub_owner
    )
    assert len(af_spy.fits) == 8  # 2 candidates x (3 calibration folds + final fit)
    for (
        ids,
        seen,
        _,
    ) in af_spy.fits:  # column 0 is the cohort number: crops of the fitted records only
        assert set(seen) == set(owner[np.isin(owner, ids)]) and set(ids) <= set(tr)
    m.adapt(X[te])
    rep = m.report(X[te], y[te])
    assert rep["chosen"] == ref["chosen"] and rep["inner_scores"] == ref["inner_scores"]
    assert rep["rows"] == ref["rows"] and rep["priors"] == ref["priors"]
    assert m.n_train_crops_ == ref["n_train_crops"] == int(keep.sum())

    m2 = AFPriorShiftModel(_cands(af_spy, 0)).fit(
        X[tr], y[tr], crops=crops[keep], crop_owner=sub_owner
    )
    m2.adapt(X[te])
    y_shuffled = np.random.default_rng(1).permutation(y[te])
    rep2 = m2.report(X[te], y_shuffled)
    assert rep2["chosen"] == rep["chosen"] and rep2["inner_scores"] == rep["inner_scores"]
    assert rep2["priors"]["em"] == rep["priors"]["em"]
    np.testing.assert_array_equal(m2.predict(X[te]), m.predict(X[te]))
    assert m.predict_proba(X[te]).shape == (te.size, 4)


def test_model_checks_its_input(af_cohort, af_spy):
    X, y, crops, owner = af_cohort(n_cols=4, n_per=10)
    m = AFPriorShiftModel(_cands(af_spy, 0))
    with pytest.raises(ValueError, match="one label per row"):
        m.fit(X, y[:-1])
    with pytest.raises(ValueError, match="both crops and crop_owner"):
        m.fit(X, y, crops=crops)
    with pytest.raises(ValueError, match="non-empty dict"):
        AFPriorShiftModel({}).fit(X, y)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        m.adapt(X)
    m.fit(X, y, crops=crops, crop_owner=owner)
    with pytest.raises(ValueError, match="call adapt"):
        m.predict(X)


def test_default_candidates_are_the_protocols(af_cohort):
    from geoecg.estimators.af.protocols import prior_shift_candidates

    X, y, crops, owner = af_cohort(n_cols=4, n_per=12)
    X = np.c_[X, np.zeros((X.shape[0], 193 - X.shape[1]))]
    crops = np.c_[crops, np.zeros((crops.shape[0], 193 - crops.shape[1]))]
    m = AFPriorShiftModel(n_estimators=3, random_state=0).fit(X, y, crops=crops, crop_owner=owner)
    ref = prior_shift_candidates(n_estimators=3, random_state=0)
    assert sorted(m.candidates_) == sorted(ref) == ["default", "rhythm"]
    for name, (adapter, ncol) in m.candidates_.items():
        assert ncol == ref[name][1]
        assert type(adapter.estimator_).__name__ == "CropRowsClassifier"
        assert adapter.estimator_.estimator_.n_estimators_ == 3
    assert m.adapt(X).chosen_ in ("default", "rhythm")


def test_heldout_route_fits_the_pipeline_on_a_stand_in(tmp_path):
    """The sample CinC folder (20 records) as both folders: the training folder's crops reach
    the fits, the chosen candidate is reported, and the bench prints and saves it."""
    from geoecg.cli import main
    from geoecg.datasets import sample_cinc2017_dir

    d = str(sample_cinc2017_dir())
    few = "4 class(es) with fewer than 10 training records ('A': 5, 'N': 5, 'O': 5, '~': 5)"
    with warnings.catch_warnings(record=True) as got:  # not pytest.warns: it re-raises a
        warnings.simplefilter("always")  # dependency's deprecation notice it did not match
        out, classes, proba, prior, yb, times = heldout_prior_shift(
            d, d, cache_dir=tmp_path / "c", n_estimators=5, random_state=0, progress=False
        )
    assert any(few in str(w.message) for w in got)  # 5 per class: F1 0 in some rows, said so
    assert out["gated_records"] == []  # every sample record has a measurable ECG
    pa = out["prior_adaptation"]
    assert pa["chosen"] in ("default", "rhythm") and set(pa["not_chosen"]) == (
        {"default", "rhythm"} - {pa["chosen"]}
    )
    assert 30 <= out["n_train_crops"] <= 40 and proba.shape == (20, 4) and len(yb) == 20
    np.testing.assert_allclose(prior, 0.25)
    assert pa["rows"]["uncorrected"]["f1"] == record_scores(yb, classes[proba.argmax(1)])["f1"]
    assert set(times) == {"read", "features", "fit_adapt"}
    js = tmp_path / "af.json"
    argv = ["bench", "af", "--train-data", d, "--test-data", d, "--n-estimators", "5"]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        rc = main([*argv, "--cache", str(tmp_path / "c"), "--json", str(js)])
    assert any(few in str(w.message) for w in got)
    r = json.loads(js.read_text())
    assert rc == 0 and r["prior_adaptation"]["rows"] == pa["rows"]
    assert r["f1"] == pa["rows"]["uncorrected"]["f1"]
    assert r["gated_records"] == []  # the names the gate called "~" go to --json (none here)
    # which label file scored the records: the runbook asks held-out reports to say it
    ref = {"path": str(Path(d) / "REFERENCE-v3.csv"), "column": None}
    assert r["label_files"] == {"train": ref, "test": ref}
