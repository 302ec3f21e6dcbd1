"""The degenerate-input matrix of the public API (session 21, helper 8).

A probe called the public functions and estimators of ``geoecg.features``, ``signal``,
``leads``, ``riemann``, ``simulate``, ``viz`` and ``estimators`` on three beats, a flat lead,
a NaN gap, all-NaN, one sample, 0.2 s, int16, a transposed array, an empty array and
``fs`` as text / 0 / negative. The cases here failed before the fixes that came with this
file: a silently wrong result (a ``(n_samples, 2)`` record flattened into one interleaved
lead; one signal taken as thousands of one-sample records; windows of 2 samples), an
unhelpful message (numpy's ``isfinite`` on ``fs="250"``; scikit-learn's "0 feature(s)"), or
a warning that is an error under the test settings (``plot_tachogram`` of all-NaN RR,
``waveform_summary_features`` of one sample). The
last test keeps the normal-input results of the changed functions fixed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from geoecg.features import (  # noqa: E402
    NoiseDetector,
    af_crop_features,
    noise_window_features,
    rhythm_profile_features,
    rhythm_profile_features_batch,
    sqi_windows,
)
from geoecg.features.af import crop_bounds  # noqa: E402
from geoecg.simulate import synthesize_ecg, waveform_summary_features  # noqa: E402
from geoecg.viz import plot_tachogram  # noqa: E402

FS = 250.0


def _lead(seconds: float = 12.0, seed: int = 0) -> np.ndarray:
    return synthesize_ecg(fs=FS, duration_s=seconds, hr_bpm=70, random_state=seed)[1]


def _twelve() -> np.ndarray:
    return synthesize_ecg(fs=FS, duration_s=12.0, hr_bpm=70, random_state=0)[None]


def _cases() -> dict:
    x = _lead()
    t = np.stack([x, x]).T  # (n_samples, 2): a transposed two-lead record
    rng = np.random.default_rng(0)
    return {
        # was: flattened into one interleaved lead (finite features of a wrong signal)
        "af_crop_features (n_samples, 2) record": (
            lambda: af_crop_features([t], FS, 2, 0.7, min_s=1.0),
            ValueError,
            r"signals\[0\] has shape \(3000, 2\), which looks like \(n_samples, n_leads\)",
        ),
        "af_crop_features two-lead record": (
            lambda: af_crop_features([np.stack([x, x])], FS, 2, 0.7, min_s=1.0),
            ValueError,
            r"signals\[0\] must be one lead \(n_samples,\) or \(1, n_samples\)",
        ),
        "rhythm_profile_features_batch (n_samples, 2) record": (
            lambda: rhythm_profile_features_batch([t], FS),
            ValueError,
            r"has shape \(3000, 2\), which looks like \(n_samples, n_leads\)",
        ),
        # was: numpy's "ufunc 'isfinite' not supported for the input types"
        "af_crop_features fs text": (
            lambda: af_crop_features([x], "250", 2, 0.7),
            TypeError,
            r"fs must be a number in Hz, got str '250'",
        ),
        "crop_bounds fs text": (
            lambda: crop_bounds(3000, "250", 2, 0.7),
            TypeError,
            r"fs must be a number in Hz",
        ),
        "crop_bounds fs 0": (
            lambda: crop_bounds(3000, 0, 2, 0.7),
            ValueError,
            r"fs must be positive and finite \(Hz\), got 0",
        ),
        # was: one record per sample (3000 rows of NaN) / an empty crop table
        "rhythm_profile_features_batch one signal": (
            lambda: rhythm_profile_features_batch(x, FS),
            ValueError,
            r"rhythm_profile_features_batch takes a list of records.*pass \[x\]",
        ),
        "af_crop_features one signal": (
            lambda: af_crop_features(x, FS, 2, 0.7),
            ValueError,
            r"af_crop_features takes a list of records.*pass \[x\]",
        ),
        # was: 3000 windows of 2 samples, rows of NaN without a reason
        "noise_window_features (n_samples, 2) windows": (
            lambda: noise_window_features(t, FS),
            ValueError,
            r"windows has shape \(3000, 2\): 3000 windows of 2 sample\(s\).*Transpose it",
        ),
        "sqi_windows (n_samples, 2) windows": (
            lambda: sqi_windows(t, FS),
            ValueError,
            r"windows has shape \(3000, 2\): 3000 windows of 2 sample\(s\)",
        ),
        # was: 9001 columns from a (1, n_samples, 12) array / "'>' not supported"
        "waveform_summary_features (n_records, n_samples, n_leads)": (
            lambda: waveform_summary_features(_twelve().transpose(0, 2, 1), FS),
            ValueError,
            r"ecg has shape \(1, 3000, 12\), which looks like \(n_samples, n_leads\)",
        ),
        "waveform_summary_features fs text": (
            lambda: waveform_summary_features(_twelve(), "250"),
            TypeError,
            r"fs must be a number in Hz, got str '250'",
        ),
        # was: scikit-learn's "Found array with 0 feature(s) ... HistGradientBoostingClassifier"
        "NoiseDetector all-NaN features": (
            lambda: NoiseDetector(precomputed=True, max_iter=5).fit(
                np.full((40, 4), np.nan), rng.integers(0, 2, 40)
            ),
            ValueError,
            r"X has no usable feature column: each of its 4 columns is NaN in every one of "
            r"the 40 training windows",
        ),
    }


CASES = _cases()


@pytest.mark.parametrize("case", sorted(CASES))
def test_degenerate_case_is_named(case):
    fn, exc, pattern = CASES[case]
    with pytest.raises(exc, match=pattern):
        fn()


def test_case_count():
    assert len(CASES) == 13


@pytest.mark.parametrize("rr", [np.full(20, np.nan), np.zeros(0)], ids=["all_nan", "empty"])
def test_plot_tachogram_without_finite_interval(rr):
    """All-NaN RR: numpy's "All-NaN slice" warning (an error in the test run) before; now
    empty axes that say why (also for an empty series, which drew silently before)."""
    fig = plot_tachogram(rr)
    texts = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    assert texts == ["no finite RR interval"]


def test_waveform_summary_one_sample():
    """One sample per lead: mean, SD 0, range 0 and a NaN heart rate (numpy's "Mean of empty
    slice" warning before, an error in the test run)."""
    e = _twelve()
    X, names = waveform_summary_features(e[:, :, :1], FS)
    assert X.shape == (1, 37) and names[-1] == "hr_bpm" and np.isnan(X[0, -1])
    np.testing.assert_array_equal(X[0, 0:36:3], e[0, :, 0])
    assert (X[0, 1:36:3] == 0).all() and (X[0, 2:36:3] == 0).all()


def test_normal_input_unchanged():
    """The one-lead forms still give the same rows: 1-D and (1, n) records, a list of
    windows and a 2-D window array with long windows, a tachogram with a NaN gap."""
    x, y = _lead(), _lead(seconds=15.0, seed=1)
    a = af_crop_features([x, y], FS, 2, 0.7, min_s=1.0)
    b = af_crop_features([x[None], y[None]], FS, 2, 0.7, min_s=1.0)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[0].shape == (4, 107) and a[1].tolist() == [0, 0, 1, 1]
    r = rhythm_profile_features_batch([x, y[None]], FS)
    np.testing.assert_array_equal(r[0], rhythm_profile_features(x, FS))
    np.testing.assert_array_equal(r[1], rhythm_profile_features(y, FS))
    W = x[: 2500 * (x.size // 2500)].reshape(-1, 2500)
    np.testing.assert_array_equal(sqi_windows(W, FS), sqi_windows(list(W), FS))
    X, _ = waveform_summary_features(_twelve(), FS)
    assert X.shape == (1, 37) and 65 < X[0, -1] < 75  # synthesised at 70 bpm
    rr = 800 + 40 * np.sin(np.arange(60) / 5)
    rr[10] = np.nan
    fig = plot_tachogram(rr)
    assert len(fig.axes[0].texts) == 0 and len(fig.axes[0].lines) == 1
    plt.close(fig)


def test_delineate_transposed_record_names_the_layout():
    # was: a (n_samples, 2) record with rpeaks given failed on rpeaks ("outside the signal"),
    # not on the layout (session 21 matrix, left for the lead)
    from geoecg.features import delineate

    x = _lead()
    with pytest.raises(ValueError, match=r"looks like \(n_samples, n_leads\)"):
        delineate(np.stack([x, x]).T, FS, rpeaks=np.array([300, 600, 900]))
