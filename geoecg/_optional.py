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

import importlib.util
import sys

__all__ = ["EXTRAS", "MissingOptionalDependency", "extra_for", "install_hint", "missing", "require"]

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
