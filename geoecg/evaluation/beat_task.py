"""Deprecated: moved to :mod:`geoecg.commands.compare_tasks` (removed in the next release).

The names resolve lazily, so importing :mod:`geoecg.evaluation` imports no database reader.
"""

import warnings as _warnings

__all__ = ["load_beat_task", "feature_columns", "window_columns"]  # noqa: F822 (lazy)


def __getattr__(name):
    import importlib

    new = importlib.import_module("geoecg.commands.compare_tasks")
    if name not in __all__ and not hasattr(new, name):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _warnings.warn(
        f"geoecg.evaluation.beat_task.{name} moved to geoecg.commands.compare_tasks.{name} "
        "(this path is removed in the next release)",
        DeprecationWarning,
        stacklevel=2,
    )
    return getattr(new, name)
