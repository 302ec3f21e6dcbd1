"""Contracts of the second reliability round (session 15): fs checked at fit, NaN PSD with a reason,
all-NaN covariate column named, RecordData validated at construction."""

import numpy as np
import pytest

from geoecg.cohort import RecordData
from geoecg.features import hrv_psd
from geoecg.riemann import CovariateScaler, LeadCovariances

_X = np.random.default_rng(0).standard_normal((3, 2, 500))


@pytest.mark.parametrize("fs", [0, -1.0, float("nan"), float("inf")])
def test_lead_covariances_bad_fs_unused_still_rejected(fs):
    with pytest.raises(ValueError, match="fs"):
        LeadCovariances(fs=fs).fit(_X)


def test_lead_covariances_text_fs_rejected():
    with pytest.raises(TypeError, match="fs"):
        LeadCovariances(fs="100").fit(_X)


def test_lead_covariances_good_fs_unused_ok():
    assert LeadCovariances(fs=100).fit_transform(_X).shape == (3, 2, 2)


@pytest.mark.parametrize("method", ["welch", "lomb"])
@pytest.mark.parametrize("rr", [[], [800.0], [800.0, 810.0, 790.0], [800.0, np.nan, 1, np.nan]])
def test_hrv_psd_too_few_intervals_nan_with_reason(method, rr):
    with pytest.warns(RuntimeWarning, match="at least 4"):
        f, p = hrv_psd(rr, method=method)
    t = np.arange(0, 400, 0.8)  # a long series: the same grid, finite PSD
    f_ok, p_ok = hrv_psd(800 + 20 * np.sin(2 * np.pi * 0.25 * t), method=method)
    assert np.allclose(f, f_ok) and np.isnan(p).all() and np.isfinite(p_ok).all()


def test_covariate_scaler_all_nan_column_named():
    X = np.array([[0.0, 1.0, np.nan], [2.0, np.nan, np.nan], [4.0, 5.0, np.nan]])
    with pytest.warns(RuntimeWarning, match=r"column\(s\) \[2\]"):
        Z = CovariateScaler(n_covariates=1).fit_transform(X)
    assert np.isfinite(Z).all() and (Z[:, 2] == 0).all()


def test_covariate_scaler_partial_nan_imputed_silently():
    X = np.array([[0.0, 1.0, 20.0], [2.0, 3.0, np.nan], [4.0, 5.0, 60.0]])
    Z = CovariateScaler(n_covariates=1).fit_transform(X)  # warnings are errors (pyproject)
    assert np.isfinite(Z).all() and Z[1, 2] == 0


_SIG = np.zeros((2, 100))
RECORD_BAD = {  # name -> (args, error type, words in the message)
    "signal list": ((_SIG.tolist(), 250.0, ("a", "b"), 0), TypeError, "signal"),
    "signal 1-D": ((np.zeros(100), 250.0, ("a",), 0), ValueError, "signal"),
    "signal 3-D": ((np.zeros((1, 2, 100)), 250.0, ("a",), 0), ValueError, "signal"),
    "signal no lead": ((np.zeros((0, 100)), 250.0, (), 0), ValueError, "signal"),
    "fs zero": ((_SIG, 0.0, ("a", "b"), 0), ValueError, "fs"),
    "fs nan": ((_SIG, np.nan, ("a", "b"), 0), ValueError, "fs"),
    "fs text": ((_SIG, "250", ("a", "b"), 0), TypeError, "fs"),
    "leads too few": ((_SIG, 250.0, ("a",), 0), ValueError, "leads"),
    "leads one str": ((_SIG, 250.0, "ab", 0), ValueError, "leads"),
    "leads without len": ((_SIG, 250.0, iter(("a", "b")), 0), TypeError, "leads"),
    "leads number": ((_SIG, 250.0, 2, 0), TypeError, "leads"),
    "primary out of range": ((_SIG, 250.0, ("a", "b"), 2), ValueError, "primary"),
    "primary negative": ((_SIG, 250.0, ("a", "b"), -1), ValueError, "primary"),
    "primary float": ((_SIG, 250.0, ("a", "b"), 1.0), ValueError, "primary"),
}


@pytest.mark.parametrize("name", sorted(RECORD_BAD))
def test_record_data_bad_fields_named(name):
    args, err, word = RECORD_BAD[name]
    with pytest.raises(err, match=word):
        RecordData(*args)


def test_record_data_valid_keeps_fields():
    rec = RecordData(_SIG, 250, ["a", "b"], np.int64(1))
    assert rec.signal is _SIG and rec.fs == 250 and rec.n_samples == 100


def test_plot_hrv_psd_too_few_intervals_warns_once_and_says_why():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geoecg.viz import plot_hrv_psd

    with pytest.warns(RuntimeWarning, match="at least 4") as rec:
        fig = plot_hrv_psd([800.0, 810.0, 790.0])
    assert len([w for w in rec if "at least 4" in str(w.message)]) == 1
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert any(t.startswith("no PSD") and "at least 4" in t for t in texts)
    plt.close(fig)
