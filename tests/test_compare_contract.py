"""Every estimator that `geoecg compare` runs passes the same contract (issue 9).

clone round trip, NotFittedError before fit, fit returns self, pickle round trip with equal
predictions, and the same predictions from two fits with the same random_state.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

pytest.importorskip("torch", reason="torch is the optional extra 'neural'")

from sklearn.multiclass import OneVsRestClassifier  # noqa: E402

from geoecg.commands.compare_tasks import (  # noqa: E402
    _af_pipeline,
    _neural,
    _riemann_pipeline,
    load_beat_task,
)
from geoecg.datasets import sample_cinc2017_dir, sample_mitdb_dir, sample_ptbxl_dir  # noqa: E402
from geoecg.io import PTBXL, CinC2017  # noqa: E402
from geoecg.signal import Resampler  # noqa: E402


def _cases():
    X12, _ = PTBXL(sample_ptbxl_dir()).load()
    y12 = np.tile([0, 1], 10)  # arbitrary labels: the contract, not accuracy, is tested
    Y12 = np.column_stack([y12, 1 - y12, np.tile([0, 0, 1, 1], 5)])
    Xc, yc = CinC2017(sample_cinc2017_dir()).load()
    beats = load_beat_task(sample_mitdb_dir(), quick=True, max_n_per_record=40)
    cases = {
        "riemann": (_riemann_pipeline(100.0, 0), X12, y12),
        "riemann-ovr": (OneVsRestClassifier(_riemann_pipeline(100.0, 0)), X12, Y12),
        "af-record": (_af_pipeline(0, quick=True), Xc, yc),
    }
    for name, est in _neural(12, None, True, 0).items():
        cases[name] = (est, X12, y12)
    from sklearn.pipeline import make_pipeline

    for name, est in _neural(1, 1000, True, 0).items():
        cases[f"cinc {name}"] = (make_pipeline(Resampler(300.0, 100.0), est), Xc, yc)
    for name, est in beats.estimators.items():
        cases[f"beats {name}"] = (est, beats.X, beats.y)
    return cases


CASES = _cases()


@pytest.mark.parametrize("name", list(CASES))
def test_comparison_estimator_contract(name):
    est, X, y = CASES[name]
    fresh = clone(est)
    assert repr(clone(fresh)) == repr(fresh)
    with pytest.raises(NotFittedError):
        fresh.predict_proba(X)
    assert fresh.fit(X, y) is fresh
    p = fresh.predict_proba(X)
    assert p.shape[0] == len(y) and np.isfinite(p).all()
    again = clone(est).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(again, p, atol=1e-6)  # fixed random_state -> same model
    restored = pickle.loads(pickle.dumps(fresh))
    np.testing.assert_allclose(restored.predict_proba(X), p, atol=1e-9)
