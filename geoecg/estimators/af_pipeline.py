"""Deprecated: moved to :mod:`geoecg.estimators.af.pipeline`
(this path is removed in the next release)."""

import warnings as _warnings

from .af.pipeline import *  # noqa: F403
from .af.pipeline import __all__  # noqa: F401

_warnings.warn(
    "geoecg.estimators.af_pipeline moved to "
    "geoecg.estimators.af.pipeline (this path is removed in the next release)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from .af.pipeline import __dict__ as _new

    if name in _new:
        return _new[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
