"""Versions of geoecg and of the libraries a run used (benchmarks, `geoecg compare`) for JSON."""

from __future__ import annotations

import importlib
import platform

__all__ = ["package_versions"]

_IMPORT_NAMES = {"scikit-learn": "sklearn", "PyWavelets": "pywt"}  # distribution -> import


def package_versions(*packages: str, **extra) -> dict:
    """``{"geoecg", "python", "numpy", *packages}`` -> version string (None if absent).

    Parameters
    ----------
    *packages : str
        Distribution names (``"scikit-learn"``, ``"neurokit2"``, ...).
    **extra
        Further entries copied as they are (thread counts, machine, ...).

    Examples
    --------
    >>> v = package_versions("scikit-learn", "not-a-package")
    >>> sorted(v)[:3], v["not-a-package"] is None
    (['geoecg', 'not-a-package', 'numpy'], True)
    """
    from . import __version__

    out = {"geoecg": __version__, "python": platform.python_version()}
    for name in ("numpy", *packages):
        try:
            mod = importlib.import_module(_IMPORT_NAMES.get(name, name))
        except ImportError:
            out[name] = None
        else:
            out[name] = getattr(mod, "__version__", None)
    out.update(extra)
    return out
