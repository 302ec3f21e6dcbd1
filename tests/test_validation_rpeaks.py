"""One R-peak check for every entry point (session 11): ``delineate`` and
``clinical_measurements`` used their own copy, which raised ValueError where the shared
``check_rpeaks`` (beats, HRV, SQI) raised TypeError. Both now call the shared one; its
wrong-type-or-value errors are a ``SampleIndexError``, both a ValueError and a TypeError,
so an ``except`` written for either entry point's old type still catches them."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg import _validation as V
from geoecg.features import (
    RPeakResult,
    beat_features,
    clinical_measurements,
    delineate,
    detect_rpeaks,
    hrv_features,
    segment_beats,
    sqi_features,
)
from geoecg.simulate import synthesize_ecg

FS = 500.0
X = synthesize_ecg(fs=FS, duration_s=4.0, hr_bpm=60, random_state=0)  # (12, 2000)
N = X.shape[1]


def _entry_points():
    """Every public call that takes ``rpeaks``, on the same 4-s, 12-lead record."""
    return {
        "delineate": lambda rp: delineate(X, FS, rpeaks=rp),
        "clinical_measurements": lambda rp: clinical_measurements(X, FS, rpeaks=rp),
        "segment_beats": lambda rp: segment_beats(X[1], rp, FS),
        "beat_features": lambda rp: beat_features(X[1], rp, FS, blocks=("rr",)),
        "sqi_features": lambda rp: sqi_features(X[1], FS, rpeaks=rp),
        "hrv_features": lambda rp: hrv_features(rpeaks=rp, fs=FS),
    }


# wrong type or not a whole finite number: SampleIndexError, both ValueError and TypeError
BOTH = [
    ([500.0, np.nan, 1500.0], "whole, finite sample indices, got NaN or inf"),
    ([500.0, np.inf], "whole, finite sample indices, got NaN or inf"),
    ([500.5, 1000.0], "whole sample indices, got fractional values"),
    (["a", "b"], r"1-D array of whole sample indices, got dtype <U1"),
    ([500 + 0j, 1000 + 0j], "got dtype complex128"),
    ([True, False], "got dtype bool"),
    (np.array([500, None], dtype=object), "got dtype object"),
    ("500", "got str"),
    ([[500, 1000], [1500]], "got a ragged list"),
]
# a valid type, a wrong value: ValueError (as both entry points raised before)
VALUE = [
    ([500, 2000], r"must lie in \[0, 2000\) \(inside the signal\); got \[500, 2000\]"),
    ([-1, 500], r"must lie in \[0, 2000\)"),
    ([1500, 500], "be strictly increasing sample indices"),
    ([500, 500, 1500], r"strictly increasing sample indices \(sorted, no duplicates\)"),
    ([[500, 1000]], r"1-D array of whole sample indices, got shape \(1, 2\)"),
    (np.uint64([500, 2**64 - 1]), r"must lie in \[0, 2000\)"),  # not wrapped to negative
    ([500.0, 1e30], r"must lie in \[0, 2000\)"),  # not cast to a garbage int64
]


@pytest.mark.parametrize("entry", list(_entry_points()))
@pytest.mark.parametrize("bad, message", BOTH)
def test_wrong_type_or_value_is_both_errors_from_every_entry_point(entry, bad, message):
    call = _entry_points()[entry]
    for caught in (ValueError, TypeError):  # an except written for either old type
        with pytest.raises(caught, match=rf"rpeaks must .*{message}") as info:
            call(bad)
        assert isinstance(info.value, V.SampleIndexError)


@pytest.mark.parametrize("entry", list(_entry_points()))
@pytest.mark.parametrize("bad, message", VALUE)
def test_wrong_value_is_value_error_from_every_entry_point(entry, bad, message):
    if entry == "hrv_features" and "2000" in message:
        pytest.skip("hrv_features knows no signal length")
    with pytest.raises(ValueError, match=rf"^rpeaks .*{message}"):
        _entry_points()[entry](bad)


def test_fractional_is_a_sample_index_error():
    assert issubclass(V.FractionalIndexError, V.SampleIndexError)
    assert issubclass(V.SampleIndexError, ValueError)
    assert issubclass(V.SampleIndexError, TypeError)
    with pytest.raises(V.FractionalIndexError):
        V.check_rpeaks([1.5])


def test_delineate_and_clinical_accept_rpeak_result_and_whole_floats():
    """Before: ``delineate(rpeaks=RPeakResult)`` was an error ("1-D sample indices, got
    shape ()"), though every other entry point accepted the result object."""
    res = detect_rpeaks(X, FS)
    assert isinstance(res, RPeakResult) and res.indices.size >= 3
    a = delineate(X, FS, rpeaks=res)
    b = delineate(X, FS, rpeaks=res.indices.astype(np.float64))
    c = delineate(X, FS, rpeaks=res.indices.astype(np.int32))
    assert a.rpeaks.dtype == np.int64
    assert np.array_equal(a.rpeaks, res.indices)
    assert np.array_equal(a.samples, b.samples, equal_nan=True)
    assert np.array_equal(a.samples, c.samples, equal_nan=True)
    m1 = clinical_measurements(X, FS, rpeaks=res)
    m2 = clinical_measurements(X, FS, rpeaks=list(res.indices))
    assert m1.n_beats == m2.n_beats == res.indices.size


def test_empty_and_single_peaks_are_legal():
    assert V.check_rpeaks([]).dtype == np.int64
    assert delineate(X, FS, rpeaks=[]).n_beats == 0
    m = clinical_measurements(X, FS, rpeaks=[1000])
    assert set(m.reasons.values()) == {"fewer than 2 beats"}


def test_name_is_in_every_message():
    for bad in ([np.nan], [1.5], ["a"], [2, 1], [5], None):
        with pytest.raises(ValueError, match=r"^series\[3\] must"):
            V.check_rpeaks(bad, n_samples=4, name="series[3]")


# ---- unordered indices (session 12): match_beats and resample_indices share the element
# check (check_sample_indices); order and repeats stay free, the errors are the same types


def _unordered_entry_points():
    from geoecg.evaluation import match_beats
    from geoecg.signal import resample_indices

    return {
        "match_beats reference": ("reference", lambda v: match_beats(v, [500], fs=FS)),
        "match_beats detected": ("detected", lambda v: match_beats([500], v, fs=FS)),
        "resample_indices": ("indices", lambda v: resample_indices(v, FS, 250.0)),
    }


@pytest.mark.parametrize("entry", list(_unordered_entry_points()))
@pytest.mark.parametrize("bad, message", BOTH)
def test_unordered_indices_wrong_type_or_value_is_both_errors(entry, bad, message):
    name, call = _unordered_entry_points()[entry]
    message = message.replace("1-D array", "(1-D )?array")
    for caught in (ValueError, TypeError):
        with pytest.raises(caught, match=rf"^{name} must .*{message}") as info:
            call(bad)
        assert isinstance(info.value, V.SampleIndexError)


@pytest.mark.parametrize("entry", list(_unordered_entry_points()))
@pytest.mark.parametrize("big", [[500.0, 1e30], [500.0, -1e30], np.uint64([500, 2**64 - 1])])
def test_unordered_indices_beyond_int64_named(entry, big):
    """Before: cast to a garbage int64 (-2**63) with a RuntimeWarning, and counted as a
    beat (match_beats) or returned (resample_indices)."""
    name, call = _unordered_entry_points()[entry]
    with pytest.raises(ValueError, match=rf"^{name} must lie in \[(0|-2\*\*63), 2\*\*63\)"):
        call(big)


def test_unordered_indices_keep_their_semantics():
    """Any order, repeats, negative positions in match_beats, any shape in resample_indices:
    accepted as before, same results."""
    from geoecg.evaluation import match_beats
    from geoecg.signal import resample_indices

    m = match_beats([300, 100, 100, -5], np.array([101.0, 99.0, 5.0]), fs=FS, tolerance_ms=30)
    assert (m.tp, m.fp, m.fn) == (3, 0, 1)
    assert resample_indices(np.array([[0, 500], [250, 250]]), FS, 250.0).tolist() == [
        [0, 250],
        [125, 125],
    ]
    assert resample_indices(np.zeros((0, 2)), FS, 250.0).shape == (0, 2)
    with pytest.raises(ValueError, match=r"^indices must lie in \[0, 2\*\*63\)"):
        resample_indices([-1, 5], FS, 250.0)
    with pytest.raises(ValueError, match=r"^reference must be a 1-D array"):
        match_beats([[1, 2]], [1], fs=FS)
