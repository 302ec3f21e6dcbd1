"""Input checks shared by the signal functions (thin wrappers of :mod:`geoecg._validation`)."""

from __future__ import annotations

import numpy as np

from .._validation import as_signal, check_fs, is_record_list

__all__ = ["check_fs", "as_signal_array", "is_record_list"]


def as_signal_array(x, name: str = "signal") -> np.ndarray:
    """Return ``x`` as a float64 array (1-D, 2-D or 3-D, samples on the last axis)."""
    if (
        isinstance(x, list | tuple)
        and len(x)
        and isinstance(x[0], np.ndarray)
        and (len({np.shape(a) for a in x}) > 1)
    ):
        raise TypeError(
            f"{name} is a list of arrays of different shapes; pass one array at a time or use "
            "the list-aware helpers"
        )
    return as_signal(x, name)
