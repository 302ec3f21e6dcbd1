"""Deprecated: moved to :mod:`geoecg.features.af.rhythm_profile`
(this path is removed in the next release)."""

import warnings as _warnings

from .af.rhythm_profile import *  # noqa: F403
from .af.rhythm_profile import __all__  # noqa: F401

_warnings.warn(
    "geoecg.features.af_rhythm_profile moved to "
    "geoecg.features.af.rhythm_profile (this path is removed in the next release)",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from .af.rhythm_profile import __dict__ as _new

    if name in _new:
        return _new[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
