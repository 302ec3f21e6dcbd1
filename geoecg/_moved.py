"""Old import paths of moved modules: one forwarding function for the deprecation shims.

A shim module (its docstring starts with ``Deprecated:``) calls :func:`forward_module` at
import; its public names become those of the new module and the import warns once.
"""

from __future__ import annotations

import importlib
import warnings

__all__ = ["forward_module"]


def forward_module(old: str, new: str, namespace: dict):
    """Make module ``old`` forward to module ``new``, with a ``DeprecationWarning``.

    The same as ``from new import *`` and ``from new import __all__`` in ``old``, followed by
    the warning ``"<old> moved to <new> (this path is removed in the next release)"``
    attributed to the statement that imported ``old``.

    Parameters
    ----------
    old : str
        Dotted name of the shim module (its ``__name__``).
    new : str
        Dotted name of the module it moved to; it must define ``__all__``.
    namespace : dict
        The shim's ``globals()``; receives every name of ``new.__all__`` and ``__all__``
        itself (the same list object).

    Returns
    -------
    callable
        A module-level ``__getattr__`` for the shim: other names of ``new`` (private ones
        that some callers used) resolve there, unknown names raise ``AttributeError``.

    Examples
    --------
    >>> import warnings
    >>> ns = {}
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     getattr_ = forward_module("old.path", "geoecg._moved", ns)
    >>> ns["__all__"], ns["forward_module"] is forward_module
    (['forward_module'], True)
    >>> print(w[0].message)
    old.path moved to geoecg._moved (this path is removed in the next release)
    >>> getattr_("importlib") is importlib
    True
    """
    target = importlib.import_module(new)
    names = target.__all__
    namespace.update({name: getattr(target, name) for name in names})
    namespace["__all__"] = names
    warnings.warn(
        f"{old} moved to {new} (this path is removed in the next release)",
        DeprecationWarning,
        stacklevel=3,  # this function, the shim's module code, the importing statement
    )

    def __getattr__(name):  # private names some callers used
        if name in target.__dict__:
            return target.__dict__[name]
        raise AttributeError(f"module {old!r} has no attribute {name!r}")

    return __getattr__
