"""geoecg: classical and geometric machine learning on electrocardiograms.

Subpackages
-----------
io          WFDB records, database adapters (MIT-BIH, NSTDB, PTB-XL, CinC 2017, LUDB, ...)
signal      zero-phase filters, resampling, noise mixing at a target SNR
features    R-peaks, HRV, signal quality, noise, AF, beats, delineation, clinical measures
riemann     lead covariances, tangent space, geodesic augmentation, re-centering
leads       lead names, relations and lead reconstruction
estimators  scikit-learn estimators: covariate-adjusted, invariant, prior shift, beats, AF
neural      optional torch baselines (extra ``neural``)
simulate    anticausal SCMs, synthetic ECG, shift interventions
evaluation  matching, splits, metrics, per-class tables, bootstrap CIs (a leaf: no geoecg imports)
sweep       declarative distribution-shift sweeps (joblib / dask)
cohort      resumable cohort feature extraction to Parquet
datasets    small embedded sample data and noise-stress training data
viz         plots
commands    the ``geoecg`` subcommands (not library API)
bench       the ``geoecg bench`` runners: load data, call the library, print the table
"""

import importlib as _importlib

# The development version after release 0.1.0 (pyproject.toml says the same).
__version__ = "0.2.0.dev0"

# Subpackages and names load on first use (as in SciPy and scikit-image): ``import geoecg``
# imports no numerical library, so the command line and scripts start in milliseconds.
_SUBPACKAGES = (
    "cohort",
    "datasets",
    "estimators",
    "evaluation",
    "features",
    "io",
    "leads",
    "neural",
    "riemann",
    "signal",
    "simulate",
    "sweep",
    "viz",
)
_NAMES = {"ECGRecord": "geoecg.io.record", "read_record": "geoecg.io.record"}

__all__ = ["ECGRecord", "read_record", "io", "signal", "datasets", "__version__"]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(_importlib.import_module(_NAMES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *_SUBPACKAGES, *_NAMES})
