"""``PriorShiftClassifier(ensemble=True)``: the calibration-fold models predict (registry item 19).

Issue 18, docs/benchmarks/af.md item 19: the calibrated probabilities are the mean over the
``cv`` fold models of the calibration map applied to each one (the models whose held-out
probabilities the map was fitted on) instead of the map applied to the model refitted on all
records. The registered run fits once with ``ensemble=True`` and reads the default from the
same fit with ``ensemble=False``: that must equal a plain default fit.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.estimators import PriorShiftClassifier
from geoecg.estimators.af import AFPriorShiftModel, CinC2017Classifier, prior_shift_candidates


def _data(seed=0, n=60):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["A", "N", "O", "~"]), n)
    X = rng.normal(size=(y.size, 3))
    X[y == "A", 0] += 1.5
    X[y == "O", 1] += 1.0
    X[y == "~", 2] -= 1.0
    Xt = rng.normal(size=(200, 3))
    Xt[:20, 0] += 1.5
    return X, y, Xt


def _psc(**kw):
    return PriorShiftClassifier(
        LogisticRegression(max_iter=500), n_bootstrap=0, random_state=3, **kw
    )


def test_ensemble_is_the_mean_of_the_map_over_the_fold_models():
    X, y, Xt = _data()
    m = _psc(ensemble=True).fit(X, y)
    assert len(m.fold_estimators_) == 5
    want = np.mean([m.calibrator_(f.predict_proba(Xt)) for f in m.fold_estimators_], axis=0)
    np.testing.assert_allclose(m.calibrated_proba(Xt), want, rtol=0, atol=1e-15)
    full = m.calibrator_(m.estimator_.predict_proba(Xt))
    assert np.abs(m.calibrated_proba(Xt) - full).max() > 1e-6  # the change is active
    assert _psc().fit(X, y).fold_estimators_ is None  # kept only when asked


def test_switched_off_after_fit_equals_a_plain_default_fit():
    X, y, Xt = _data(1)
    plain = _psc().fit(X, y).adapt(Xt)
    both = _psc(ensemble=True).fit(X, y)
    both.set_params(ensemble=False).adapt(Xt)
    np.testing.assert_array_equal(both.oof_proba_, plain.oof_proba_)
    np.testing.assert_array_equal(both.target_priors_, plain.target_priors_)
    np.testing.assert_array_equal(both.predict_proba(Xt), plain.predict_proba(Xt))
    both.set_params(ensemble=True).adapt(Xt)
    assert not np.array_equal(both.target_priors_, plain.target_priors_)


def test_ensemble_errors_are_clear():
    X, y, Xt = _data()
    with pytest.raises(ValueError, match="ensemble must be True or False"):
        _psc(ensemble="yes").fit(X, y)
    m = _psc().fit(X, y).set_params(ensemble=True)
    with pytest.raises(ValueError, match="fit with ensemble=True"):
        m.calibrated_proba(Xt)


def test_candidates_pass_ensemble_and_the_af_model_uses_it_with_crops():
    assert all(a.ensemble for a, _ in prior_shift_candidates(ensemble=True).values())
    assert not any(a.ensemble for a, _ in prior_shift_candidates().values())
    X, y, Xt = _data(2, n=20)
    rng = np.random.default_rng(5)
    owner = np.repeat(np.arange(len(y)), 2)
    crops = X[owner] + rng.normal(scale=0.1, size=(owner.size, X.shape[1]))
    clf = CinC2017Classifier(n_estimators=10, random_state=0)
    cands = {"m": (PriorShiftClassifier(clf, n_bootstrap=0, random_state=0, ensemble=True), None)}
    model = AFPriorShiftModel(cands).fit(X, y, crops=crops, crop_owner=owner).adapt(Xt)
    adapter = model.chosen_adapter_
    assert len(adapter.fold_estimators_) == 5
    # every fold model trained on the crops of its own training records only
    n_fit = [f.crop_rows_.size for f in adapter.fold_estimators_]
    assert all(0 < k < owner.size for k in n_fit) and sum(n_fit) == 4 * owner.size
    p = model.predict_proba(Xt)
    assert p.shape == (len(Xt), 4) and np.allclose(p.sum(1), 1.0)
