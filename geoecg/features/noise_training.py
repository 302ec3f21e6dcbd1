"""Deprecated: moved to :mod:`geoecg.datasets.noise_training` (``noisiest_window_mask``:
:mod:`geoecg.evaluation.noise_study`); this path is removed in the next release."""

import warnings as _warnings

from ..datasets.noise_training import *  # noqa: F403
from ..datasets.noise_training import __all__ as _moved
from ..evaluation.noise_study import noisiest_window_mask  # noqa: F401

__all__ = [*_moved, "noisiest_window_mask"]

_warnings.warn(
    "geoecg.features.noise_training moved to geoecg.datasets.noise_training "
    "(noisiest_window_mask: geoecg.evaluation.noise_study); this path is removed in "
    "the next release",
    DeprecationWarning,
    stacklevel=2,
)


def __getattr__(name):  # private names some callers used
    from ..datasets import noise_training as _new

    if hasattr(_new, name):
        return getattr(_new, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
