"""Deprecated: moved to :mod:`geoecg.estimators.af.screening`
(this path is removed in the next release)."""

import warnings as _warnings

from .af.screening import *  # noqa: F403
from .af.screening import __all__  # noqa: F401

_warnings.warn(
    "geoecg.estimators.af_screening moved to "
    "geoecg.estimators.af.screening (this path is removed in the next release)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from .af.screening import __dict__ as _new

    if name in _new:
        return _new[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
