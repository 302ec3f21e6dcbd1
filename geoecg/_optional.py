"""Optional dependencies: find them without importing them, name the extra that installs them.

Commands that need an optional package call :func:`require` (or :func:`missing`) *before*
doing any work, so a user without the package reads one sentence that says what to install
instead of a traceback half-way through a run.

>>> extra_for("dask")
'dask'
>>> install_hint("torch")
'pip install "geoecg[neural]"'
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading

__all__ = [
    "EXTRAS",
    "MissingOptionalDependency",
    "extra_for",
    "import_pyriemann",
    "install_hint",
    "missing",
    "require",
]

#: importable module name -> the ``geoecg[EXTRA]`` that installs it.
EXTRAS: dict[str, str] = {
    "dask": "dask",
    "distributed": "dask",
    "torch": "neural",
    "neurokit2": "bench",
}


class MissingOptionalDependency(ImportError):
    """An optional package that a command needs is not installed (the message says which)."""


def extra_for(module: str) -> str:
    """Name of the geoecg extra that installs ``module``.

    Raises
    ------
    KeyError
        If ``module`` is not an optional dependency of geoecg.
    """
    try:
        return EXTRAS[module]
    except KeyError:
        raise KeyError(
            f"{module!r} is not an optional dependency; known: {sorted(EXTRAS)}"
        ) from None


def install_hint(*modules: str) -> str:
    """The ``pip install`` command that installs every module in ``modules``."""
    extras = sorted({extra_for(m) for m in modules})
    return f'pip install "geoecg[{",".join(extras)}]"'


def _installed(module: str) -> bool:
    if module in sys.modules:  # an entry of None means "blocked" (as tests simulate)
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing(*modules: str) -> list[str]:
    """The modules of ``modules`` that cannot be imported (looked up, not imported)."""
    return [m for m in modules if not _installed(m)]


def require(*modules: str, purpose: str) -> None:
    """Raise :class:`MissingOptionalDependency` unless every module in ``modules`` is installed.

    Parameters
    ----------
    *modules : str
        Importable module names, each a key of :data:`EXTRAS`.
    purpose : str
        What needs them, as the start of a sentence (``"geoecg sweep --backend dask"``).

    Raises
    ------
    MissingOptionalDependency
        One sentence naming the missing modules and the ``pip install`` command.
    """
    gone = missing(*modules)
    if gone:
        names = " and ".join(gone)
        verb = "is" if len(gone) == 1 else "are"
        raise MissingOptionalDependency(
            f"{purpose} needs {names}, which {verb} not installed: {install_hint(*gone)}"
        )


class _Deferred:
    """Stands in for a module that is not imported yet: the first attribute read imports it."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self):
        return f"<deferred import of {self._name!r}>"


class _NoTorchForPyriemann(importlib.abc.MetaPathFinder):
    """Refuses ``import torch`` when the statement is in a pyRiemann module, and only then."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "torch":
            return None
        frame = sys._getframe(1)
        while frame is not None:  # the first frame outside the import machinery is the importer
            module = frame.f_globals.get("__name__", "")
            if not module.startswith(("importlib", __name__)):
                if module.split(".")[0] == "pyriemann":
                    raise ModuleNotFoundError("torch deferred by geoecg", name="torch")
                return None
            frame = frame.f_back
        return None


_PYRIEMANN_LOCK = threading.Lock()


def import_pyriemann(module: str = "pyriemann"):
    """Import a pyRiemann module without importing torch as a side effect.

    pyRiemann 0.12 imports torch when its package loads (``pyriemann.geometry._backend``
    does ``import torch`` for its optional torch backend), which costs 5-20 s the first time
    in a process, although geoecg only passes NumPy arrays. This loads pyRiemann with that
    one statement refused, then binds the name ``torch`` in pyRiemann's modules to a
    stand-in that imports torch on first use: pyRiemann's torch code runs only for torch
    tensors, and whoever has a tensor has imported torch, so pyRiemann keeps working with
    tensors. Nothing else's ``import torch`` is affected. If torch or pyRiemann is already
    imported, this is a plain import.

    Parameters
    ----------
    module : str
        Dotted name of a pyRiemann module, e.g. ``"pyriemann.geometry.mean"``.

    Returns
    -------
    types.ModuleType
        The module, as ``importlib.import_module`` returns it.

    Examples
    --------
    >>> mean = import_pyriemann("pyriemann.geometry.mean")
    >>> callable(mean.gmean)
    True
    """
    if module.split(".")[0] != "pyriemann":
        raise ValueError(f"module must be pyriemann or one of its submodules, got {module!r}")
    if "torch" in sys.modules or "pyriemann" in sys.modules:
        return importlib.import_module(module)
    with _PYRIEMANN_LOCK:
        if "pyriemann" in sys.modules:  # another thread loaded it while this one waited
            return importlib.import_module(module)
        finder = _NoTorchForPyriemann()
        sys.meta_path.insert(0, finder)
        try:
            importlib.import_module("pyriemann")
        finally:
            sys.meta_path.remove(finder)
        if "torch" not in sys.modules and _installed("torch"):
            stand_in = _Deferred("torch")
            for name, mod in list(sys.modules.items()):
                if name.split(".")[0] == "pyriemann" and vars(mod).get("torch", 0) is None:
                    mod.torch = stand_in
    return importlib.import_module(module)
