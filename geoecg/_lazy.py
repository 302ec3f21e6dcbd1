"""Packages whose names load on first use (a module ``__getattr__``, as SciPy and scikit-image do).

A subpackage's ``__init__`` lists its public names and the submodule that defines each, then
calls :func:`attach`; ``import geoecg.riemann`` then imports no submodule (and so no
scikit-learn, pandas or numba), and ``from geoecg.riemann import lead_covariances`` imports
only ``geoecg.riemann.covariances`` and what it needs.

>>> import geoecg.signal
>>> geoecg.signal.bandpass.__module__
'geoecg.signal.filters'
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable, Mapping

__all__ = ["attach"]


def attach(
    package: str, exports: Mapping[str, str], fallback: Callable[[str], object] | None = None
):
    """Make the names of ``package`` load from their submodules on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (its module must be in ``sys.modules``, as it is while
        its ``__init__`` runs).
    exports : mapping of str to str
        Public name -> name of the submodule that defines it (relative, e.g. ``"tangent"``).
    fallback : callable, optional
        Called with a name that is neither exported nor a submodule (deprecated aliases);
        it returns the value or raises ``AttributeError``.

    Returns
    -------
    (callable, callable)
        The package's ``__getattr__`` and ``__dir__``.

    Notes
    -----
    A name read once is stored on the package, so later reads cost a dictionary lookup.
    Where a name is also its submodule's name (``geoecg.signal.resample``), importing the
    submodule binds the name, not the module, to the package, as the eager ``from
    .resample import resample`` did.
    """
    module = sys.modules[package]

    def __getattr__(name):
        source = exports.get(name)
        if source is None:
            if not name.startswith("__") and importlib.util.find_spec(f"{package}.{name}"):
                return importlib.import_module(f"{package}.{name}")  # a submodule
            if fallback is not None:
                return fallback(name)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{source}"), name)
        module.__dict__[name] = value  # later reads skip __getattr__
        return value

    def __dir__():
        return sorted({*module.__dict__, *exports})

    class _Package(types.ModuleType):
        """The package, keeping a name that is also its submodule's (see Notes above)."""

        def __setattr__(self, name, value):
            if isinstance(value, types.ModuleType) and exports.get(name) == name:
                value = getattr(value, name)
            super().__setattr__(name, value)

    module.__class__ = _Package
    return __getattr__, __dir__
