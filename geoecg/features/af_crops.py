"""Deprecated: moved to :mod:`geoecg.features.af.crops`
(this path is removed in the next release)."""

import warnings as _warnings

from .af.crops import *  # noqa: F403
from .af.crops import __all__  # noqa: F401

_warnings.warn(
    "geoecg.features.af_crops moved to "
    "geoecg.features.af.crops (this path is removed in the next release)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from .af.crops import __dict__ as _new

    if name in _new:
        return _new[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
