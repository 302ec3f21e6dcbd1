"""geoecg: classical and geometric machine learning on electrocardiograms.

Subpackages
-----------
io          WFDB records, database adapters (MIT-BIH, NSTDB, PTB-XL, CinC 2017)
signal      zero-phase filters, resampling, noise mixing at a target SNR
datasets    small embedded sample data
viz         plots
"""

import importlib as _importlib

__version__ = "0.1.0"

# Subpackages and names load on first use (as in SciPy and scikit-image): ``import geoecg``
# imports no numerical library, so the command line and scripts start in milliseconds.
_SUBPACKAGES = (
    "datasets", "estimators", "evaluation", "features", "io", "riemann", "signal", "simulate",
    "sweep", "viz",
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
