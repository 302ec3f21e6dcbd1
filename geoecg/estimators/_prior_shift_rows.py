"""Row helpers of :class:`geoecg.estimators.PriorShiftClassifier` (also used by
:mod:`geoecg.estimators.record_prior`): input as rows, and class-aligned probabilities (the column
check of a 0-row input is ``geoecg._rows.columns_checked``)."""

from __future__ import annotations

import numpy as np


def _as_rows(X):
    """X as something indexable by rows: lists, arrays and DataFrames pass; sparse is refused."""
    import scipy.sparse as sp

    if sp.issparse(X):
        raise TypeError(
            "PriorShiftClassifier does not support sparse input; pass a dense "
            "array (or a list of records)"
        )
    if isinstance(X, (list, tuple)) or hasattr(X, "iloc") or isinstance(X, np.ndarray):
        return X
    return np.asarray(X)


def _aligned_proba(model, X, classes) -> np.ndarray:
    """``model.predict_proba(X)`` with columns aligned to ``classes`` (missing classes 0)."""
    p = np.asarray(model.predict_proba(X), dtype=np.float64)
    mc = getattr(model, "classes_", classes)
    if len(mc) == len(classes) and np.array_equal(np.asarray(mc), classes):
        return p
    out = np.zeros((p.shape[0], classes.size))
    out[:, np.searchsorted(classes, np.asarray(mc))] = p
    return out
