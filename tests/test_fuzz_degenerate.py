"""Degenerate-input sweep of the newer public API (reliability, session 12).

Each case here was a crash (a warning turned error, a message from deep inside a dependency)
or an unclear message before the fix that came with it. Legal but degenerate input gives
NaN or a documented refusal with a reason; bad input raises a ``ValueError``/``TypeError``
naming the argument and what is expected. The wider property suites are
``tests/test_fuzz_api.py`` and ``tests/test_fuzz_helpers.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from geoecg.evaluation.nested import nested_evaluate
from geoecg.features import clinical_measurements
from geoecg.leads import LeadReconstructor
from geoecg.simulate import synthesize_ecg


def _twelve(n: int = 3, seconds: float = 2.0, fs: float = 250.0) -> np.ndarray:
    return np.stack(
        [
            synthesize_ecg(fs=fs, duration_s=seconds, hr_bpm=70 + 5 * s, random_state=s)
            for s in range(n)
        ]
    )


@pytest.mark.parametrize("n_samples", [0, 1])
def test_lead_reconstructor_transform_empty_record(n_samples):
    """A record of 0 samples used to crash on numpy's 'Degrees of freedom <= 0' warning
    (an error in the test run); now, like a flat record, it is refused by name or, with
    on_invalid='nan', listed in invalid_records_."""
    X = _twelve()
    rec = LeadReconstructor(fs=250.0).fit(X)
    with pytest.raises(ValueError, match="fewer than 2 samples in records \\[0\\]"):
        rec.transform(X[:1, :, :n_samples])
    rec = LeadReconstructor(fs=250.0, on_invalid="nan").fit(X)
    Y = rec.transform(X[:1, :, :n_samples])
    assert Y.shape == (1, 12, n_samples) and rec.invalid_records_.tolist() == [0]


def test_clinical_one_lead_default_names_hint():
    """One lead with the default 12 names: the message says how to name the lead, and the
    documented one-lead call (intervals only) works."""
    x = synthesize_ecg(fs=500, duration_s=10, hr_bpm=75, random_state=1)[1]
    with pytest.raises(ValueError, match=r"12 names for 1 signal rows.*leads=\['II'\]"):
        clinical_measurements(x, 500.0)
    m = clinical_measurements(x, 500.0, leads=["II"])
    assert 70 < m.values["hr_bpm"] < 80 and np.isnan(m.values["qrs_axis_deg"])
    assert m.reasons["qrs_axis_deg"]


def _xy(n_patients: int, per: int = 20, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_patients * per, 3))
    return X, (X[:, 0] > 0).astype(int), np.repeat(np.arange(n_patients), per)


@pytest.mark.parametrize(("n_patients", "outer_cv", "m"), [(2, None, 1), (3, None, 2), (6, 2, 3)])
def test_nested_evaluate_too_few_inner_patients_named(n_patients, outer_cv, m):
    """An outer fold whose training patients are fewer than the inner folds: a ValueError
    naming the fold and inner_cv (was sklearn's 'All the fits failed' with the cause at the
    end of a traceback dump)."""
    X, y, g = _xy(n_patients)
    grid = {"lr": (LogisticRegression(), {"C": [0.1, 1.0]})}
    with pytest.raises(ValueError, match=rf"outer fold 0 trains on {m} patient\(s\).*inner_cv=4"):
        nested_evaluate(grid, X, y, g, outer_cv=outer_cv, inner_cv=4)


def test_nested_evaluate_inner_check_only_with_a_grid():
    """Without a grid nothing is searched, so two patients are enough; with inner_cv=2 and
    3 patients (2 training patients per fold) the grid runs as before."""
    X, y, g = _xy(2)
    res = nested_evaluate({"lr": LogisticRegression()}, X, y, g, inner_cv=5)
    assert res["lr"].y_pred.shape == y.shape
    X, y, g = _xy(3)
    res = nested_evaluate({"lr": (LogisticRegression(), {"C": [0.1, 1.0]})}, X, y, g, inner_cv=2)
    assert len(res["lr"].choices) == 3


@pytest.mark.parametrize("fs", [5.0, 20.0, 40.0])
@pytest.mark.parametrize("flat", [False, True])
def test_clinical_below_50_hz_named_for_any_signal(fs, flat):
    """Below delineate's 50 Hz floor: one clear error naming fs for every signal. Before, a
    flat signal gave NaN, a real one at 40 Hz delineate's error and one at 5 Hz an error
    about band_hz, a setting the caller never passed."""
    x = synthesize_ecg(fs=250, duration_s=4, hr_bpm=60, random_state=0)
    x = np.zeros_like(x) if flat else x
    with pytest.raises(ValueError, match=r"^fs must be at least 50 Hz for clinical"):
        clinical_measurements(x, fs)
