"""Declarative distribution-shift sweeps: config, grid, runner (joblib / dask), results.

A sweep crosses shift strength x method x seed x sample size; each cell fits a method on
the training environment(s), evaluates it on the test environment and reports the
transfer gaps against the same model class fitted in the test environment.
"""

from .config import SweepConfig, Task, cell_id, expand_grid, load_config
from .methods import METHODS, Method
from .metrics import binary_metrics, expected_calibration_error, transfer_gaps
from .packaged import config_path, config_title, list_configs
from .runner import run_sweep, run_task
from .store import ResultStore, load_results
from .summary import summarize

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


def __getattr__(name):  # deprecated names (removed in the next release)
    if name == "auroc":
        from . import metrics

        return metrics.__getattr__(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
