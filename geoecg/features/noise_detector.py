"""Deprecated: moved to :mod:`geoecg.features.noise.detector`
(this path is removed in the next release)."""

import warnings as _warnings

from .noise.detector import *  # noqa: F403
from .noise.detector import __all__  # noqa: F401

_warnings.warn(
    "geoecg.features.noise_detector moved to geoecg.features.noise.detector "
    "(this path is removed in the next release)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from .noise.detector import __dict__ as _new

    if name in _new:
        return _new[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
