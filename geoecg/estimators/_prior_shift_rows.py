"""Row helpers of :class:`geoecg.estimators.PriorShiftClassifier` (also used by
:mod:`geoecg.estimators.record_prior`): input as rows, class-aligned probabilities and the
column check of a 0-row input."""

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


def _check_empty_columns(X, n_features, owner) -> None:
    """Raise a ValueError naming ``owner`` when a 0-row array ``X`` does not have the
    ``n_features`` columns the base model was fitted on (no check without either)."""
    if n_features is None or not hasattr(X, "shape"):
        return
    if len(X.shape) != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"{type(owner).__name__}: X has 0 rows of shape {tuple(X.shape)}; expected "
            f"(0, {n_features}) (the base model was fitted on {n_features} features)"
        )
