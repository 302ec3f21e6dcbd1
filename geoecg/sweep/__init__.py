"""Declarative distribution-shift sweeps: config, grid, runner (joblib / dask), results.

A sweep crosses shift strength x method x seed x sample size; each cell fits a method on
the training environment(s), evaluates it on the test environment and reports the
transfer gaps against the same model class fitted in the test environment.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "SweepConfig": "config",
    "Task": "config",
    "cell_id": "config",
    "expand_grid": "config",
    "load_config": "config",
    "METHODS": "methods",
    "Method": "methods",
    "binary_metrics": "metrics",
    "expected_calibration_error": "metrics",
    "transfer_gaps": "metrics",
    "config_path": "packaged",
    "config_title": "packaged",
    "list_configs": "packaged",
    "run_sweep": "runner",
    "run_task": "runner",
    "ResultStore": "store",
    "load_results": "store",
    "summarize": "summary",
}

__all__ = [
    "SweepConfig",
    "Task",
    "cell_id",
    "expand_grid",
    "load_config",
    "list_configs",
    "config_path",
    "config_title",
    "METHODS",
    "Method",
    "binary_metrics",
    "expected_calibration_error",
    "transfer_gaps",
    "run_sweep",
    "run_task",
    "ResultStore",
    "load_results",
    "summarize",
]


def _deprecated(name):  # deprecated names (removed in the next release)
    if name == "auroc":
        from . import metrics

        return metrics.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__getattr__, __dir__ = _attach(__name__, _EXPORTS, fallback=_deprecated)
