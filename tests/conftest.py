"""Shared fixtures: the real-data folder and small synthetic signals."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

try:  # hypothesis profiles of the fuzz suite (tests/test_fuzz_*.py)
    from hypothesis import HealthCheck
    from hypothesis import settings as _hyp_settings

    _HYP_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
    # "ci": few examples, the whole fuzz suite in well under a minute (the default);
    # "nightly": HYPOTHESIS_PROFILE=nightly pytest tests/test_fuzz_*.py
    _hyp_settings.register_profile("ci", max_examples=12, derandomize=True, **_HYP_COMMON)
    _hyp_settings.register_profile("nightly", max_examples=400, **_HYP_COMMON)
    _hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


def _find_data() -> Path | None:
    env = os.environ.get("GEOECG_DATA")
    if env:
        return Path(env)
    candidate = REPO.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def _require(sub: str) -> Path:
    root = _find_data()
    path = None if root is None else root / sub
    if path is None or not path.is_dir():
        env = os.environ.get("GEOECG_DATA")
        if not env:
            where = f"GEOECG_DATA is not set and {REPO.parent / 'shared' / 'data'} does not exist"
        elif not Path(env).is_dir():
            where = f"GEOECG_DATA={env!r} is not a folder"
        else:
            where = f"GEOECG_DATA={env!r} holds no {sub}/"
        reason = (
            f"real data folder {sub or 'root'!r} not found: {where} (set GEOECG_DATA to a "
            "folder holding mitdb/, nstdb/, ptbxl/, cinc2017/, ludb/, svdb/)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def data_root() -> Path:
    """Folder holding mitdb/, nstdb/, ptbxl/ and cinc2017/ (skips, or fails under CI)."""
    _require("")
    return _find_data()


@pytest.fixture(scope="session")
def mitdb_dir() -> Path:
    return _require("mitdb")


@pytest.fixture(scope="session")
def nstdb_dir() -> Path:
    return _require("nstdb")


@pytest.fixture(scope="session")
def ptbxl_dir() -> Path:
    return _require("ptbxl")


@pytest.fixture(scope="session")
def cinc2017_dir() -> Path:
    return _require("cinc2017")


@pytest.fixture(scope="session")
def ludb_dir() -> Path:
    return _require("ludb")


@pytest.fixture(scope="session")
def svdb_dir() -> Path:
    return _require("svdb")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture
def no_background_compile():
    """Wait for geoecg's background numba compilations (``geoecg._numba_cache.FirstCall``,
    the first-ever HRV call) before the test: for tests that assert on warnings.

    numba enters and leaves ``warnings.catch_warnings()`` many times while it compiles, and
    on Python 3.11 the warnings filters are one process-wide list: a compile thread that
    leaves its block restores the list it saved, in the middle of the test's own
    ``catch_warnings`` / ``pytest.warns`` block, so the test's filters are gone for a while.
    Under ``filterwarnings = error`` a DeprecationWarning then escaped as an error (session
    21: 4 of 20,000 imports of a moved module raised and 69 were not recorded while the HRV
    kernels compiled in the background; 0 and 0 without a compilation running).

    Since session 22 the library compiles in a child process, so no thread of the test
    process touches the filters (``tests/test_first_call_warnings.py``); the fixture only
    waits now, and is kept for the tests that use it.
    """
    from geoecg._numba_cache import wait_for_compiles

    wait_for_compiles()


# --- AF crop tests (test_af_crop_rows.py, test_af_prior_shift_model.py) --------------------


def _af_cohort(n_per=40, seed=0, n_cols=3):
    """Four-class (A/N/O/~) feature rows whose column 0 is each record's own index, and
    about 1.6 crops per record (some have none): ``(X, y, crops, crop_owner)``. A crop is its
    record's row plus small noise, so column 0 traces every row into the fits."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.array(["A", "N", "O", "~"]), n_per)
    X = rng.normal(size=(y.size, n_cols))
    X[:, 1] += (y == "A") * 2.0 + (y == "O") * 1.0
    if n_cols > 3:  # a direction of its own for "~"
        X[:, 3] += (y == "~") * 1.5 - (y == "A") * 0.8
    X[:, 0] = np.arange(y.size)
    owner = np.repeat(np.arange(y.size), 2)[rng.random(2 * y.size) < 0.8]
    noise = rng.normal(0, 0.1, (owner.size, n_cols - 1))
    crops = X[owner] + np.c_[np.zeros(owner.size), noise]
    return X, y, crops, owner


@pytest.fixture
def af_cohort():
    """The AF crop tests' cohort builder, ``af_cohort(n_per=40, seed=0, n_cols=3)``."""
    return _af_cohort


@pytest.fixture
def af_spy():
    """A spy classifier class: logistic regression on columns 1.. that appends, per fit,
    ``(record ids, crop owners, crop labels)`` (column 0 of every row) to ``af_spy.fits``.
    It takes ``X_crops`` / ``y_crops`` like ``CinC2017Classifier``; a new list per test."""
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.linear_model import LogisticRegression

    fits: list = []

    class Spy(ClassifierMixin, BaseEstimator):
        def fit(self, X, y, X_crops=None, y_crops=None):
            fits.append((X[:, 0].astype(int), X_crops[:, 0].astype(int), np.asarray(y_crops)))
            self.m_ = LogisticRegression(max_iter=500).fit(
                np.vstack([X, X_crops])[:, 1:], np.r_[y, y_crops]
            )
            self.classes_ = self.m_.classes_
            return self

        def predict_proba_uncorrected(self, X):
            return self.m_.predict_proba(X[:, 1:])

    Spy.fits = fits
    return Spy
