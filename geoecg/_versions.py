"""Versions of geoecg and of the libraries a run used (benchmarks, `geoecg compare`) for JSON.

A figure depends on the versions of the libraries that computed it, not only on geoecg's
code: the nested beat figures moved by about 2 F1 points when xgboost, scikit-learn and numpy
were upgraded, from bit-identical feature tables (``docs/benchmarks.md``, "Reproducing a
figure"). :func:`package_versions` therefore always records the same environment
(:data:`ENVIRONMENT`), whatever the bench imported.
"""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import sys

__all__ = ["ENVIRONMENT", "MODEL_LIBRARIES", "package_versions"]

#: Libraries recorded in every versions entry (besides geoecg, its code fingerprint,
#: python and numpy; torch too once imported).
ENVIRONMENT = ("scipy", "numba", "scikit-learn", "xgboost", "pyriemann", "statsmodels", "wfdb")
#: Libraries whose other versions change figures of the same code and data (the fitted
#: models, the features): ``--resume`` refuses a file written with other versions of these.
MODEL_LIBRARIES = ("numpy", "scipy", "numba", "scikit-learn", "xgboost")

_IMPORT_NAMES = {"scikit-learn": "sklearn", "PyWavelets": "pywt", "xgboost-cpu": "xgboost"}
# distributions that install the same module under another name (pyproject.toml)
_ALIASES = {"xgboost": ("xgboost", "xgboost-cpu")}


@functools.cache
def _version(name: str) -> str | None:
    """Installed version of distribution ``name`` (its metadata, so nothing is imported);
    the loaded module's ``__version__`` where no metadata names it; None if absent."""
    for dist in _ALIASES.get(name, (name,)):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    mod = sys.modules.get(_IMPORT_NAMES.get(name, name))
    return None if mod is None else getattr(mod, "__version__", None)


def package_versions(*packages: str, **extra) -> dict:
    """The run's environment: geoecg (version and ``code_fingerprint``), python and the
    versions of numpy, :data:`ENVIRONMENT` (torch too if it is imported) and ``packages``.

    Versions are read from the installed metadata (no library is imported: cheap, and the
    same text whether or not the bench imported the library); None for a package that is
    not installed.

    Parameters
    ----------
    *packages : str
        Further distribution names (``"neurokit2"``, ``"joblib"``, ...).
    **extra
        Further entries copied as they are (thread counts, machine, ...).

    Returns
    -------
    dict
        ``{"geoecg", "code_fingerprint", "python", "numpy", *ENVIRONMENT, *packages, *extra}``
        -> str (or None, or the ``extra`` value).

    Examples
    --------
    >>> v = package_versions("not-a-package", threads=1)
    >>> list(v)[:4], v["not-a-package"] is None, v["threads"]
    (['geoecg', 'code_fingerprint', 'python', 'numpy'], True, 1)
    >>> {"scikit-learn", "xgboost", "scipy"} <= set(v)
    True
    """
    from . import __version__
    from ._code_fingerprint import code_fingerprint

    out = {"geoecg": __version__, "code_fingerprint": code_fingerprint()}
    out["python"] = platform.python_version()
    torch = ("torch",) if "torch" in sys.modules else ()
    for name in dict.fromkeys(("numpy", *ENVIRONMENT, *torch, *packages)):
        out[name] = _version(name)
    out.update(extra)
    return out
