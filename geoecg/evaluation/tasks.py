"""Deprecated: moved to :mod:`geoecg.commands.compare_tasks` (removed in the next release).

``Task`` is now ``CompareTask`` and ``OneVsRestProba`` is scikit-learn's
``OneVsRestClassifier``. The names resolve lazily, so importing :mod:`geoecg.evaluation`
imports no database reader.
"""

import warnings as _warnings

__all__ = ["TASKS", "Task", "OneVsRestProba", "load_task", "neural_method_names"]  # noqa: F822

_RENAMED = {"Task": "CompareTask"}


def __getattr__(name):
    import importlib

    if name == "OneVsRestProba":
        from sklearn.multiclass import OneVsRestClassifier as value

        where = "sklearn.multiclass.OneVsRestClassifier"
    else:
        new = importlib.import_module("geoecg.commands.compare_tasks")
        target = _RENAMED.get(name, name)
        if not hasattr(new, target):
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value, where = getattr(new, target), f"geoecg.commands.compare_tasks.{target}"
    _warnings.warn(
        f"geoecg.evaluation.tasks.{name} moved to {where} (this path is removed in the next "
        "release)",
        DeprecationWarning,
        stacklevel=2,
    )
    return value
