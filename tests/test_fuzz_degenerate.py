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
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from geoecg._validation import SampleIndexError, check_sample_indices
from geoecg.evaluation import match_beats
from geoecg.evaluation.nested import nested_evaluate
from geoecg.features import clinical_measurements
from geoecg.leads import LeadReconstructor
from geoecg.signal import resample_indices
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


# ---- properties of the shared sample-index check (cheap: no signal) --------------------

_numbers = st.one_of(
    st.integers(-(2**66), 2**66),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(0, 10**6).map(float),
)


@given(st.lists(_numbers, max_size=12), st.booleans())
def test_fuzz_check_sample_indices(values, allow_negative):
    """Any list of numbers: the exact int64 indices, or a ValueError (SampleIndexError is
    one) naming the argument; never an OverflowError, a RuntimeWarning or a wrapped value."""
    try:
        out = check_sample_indices(values, "idx", allow_negative=allow_negative)
    except ValueError as exc:
        assert str(exc).startswith("idx must"), str(exc)
        return
    assert out.dtype == np.int64 and out.shape == (len(values),)
    assert all(int(o) == v for o, v in zip(out.tolist(), values, strict=True))
    assert allow_negative or (out >= 0).all()


@given(
    st.lists(st.integers(0, 5000), max_size=30),
    st.lists(st.integers(0, 5000), max_size=30),
    st.sampled_from([0.0, 50.0, 150.0]),
    st.randoms(use_true_random=False),
)
def test_fuzz_match_beats_counts_and_order(ref, det, tol, rnd):
    """TP + FN = reference beats, TP + FP = detections, whatever the order of either."""
    m = match_beats(ref, det, fs=250.0, tolerance_ms=tol)
    assert m.tp + m.fn == len(ref) and m.tp + m.fp == len(det)
    rnd.shuffle(ref)
    rnd.shuffle(det)
    m2 = match_beats(ref, det, fs=250.0, tolerance_ms=tol)
    assert (m2.tp, m2.fp, m2.fn) == (m.tp, m.fp, m.fn)


@given(st.lists(st.integers(0, 10**7), max_size=20), st.sampled_from([100, 250, 360, 500]))
def test_fuzz_resample_indices_round_trip(idx, fs):
    """Up to a finer rate and back gives the same indices; any order, repeats kept."""
    up = resample_indices(idx, fs, 1000)
    assert up.shape == (len(idx),) and up.dtype == np.int64
    assert resample_indices(up, 1000, fs).tolist() == idx


def test_sample_index_error_is_both():
    with pytest.raises(TypeError):
        check_sample_indices([np.nan])
    assert issubclass(SampleIndexError, ValueError)
