"""Deprecated: moved to :mod:`geoecg.features.noise.level`
(this path is removed in the next release)."""

from .._moved import forward_module as _forward_module

__getattr__ = _forward_module(__name__, "geoecg.features.noise.level", globals())
