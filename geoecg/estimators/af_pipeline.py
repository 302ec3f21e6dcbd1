"""Deprecated: moved to :mod:`geoecg.estimators.af.pipeline`
(this path is removed in the next release)."""

from .._moved import forward_module as _forward_module

__getattr__ = _forward_module(__name__, "geoecg.estimators.af.pipeline", globals())
