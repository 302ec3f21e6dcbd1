"""Blend a dedicated one-vs-rest probability into multi-class probabilities.

Used by :class:`geoecg.estimators.af.CinC2017Classifier` (``binary_weight``): a binary
model trained for one class (AF) gives a second estimate of that class's probability.
"""

from __future__ import annotations

import numpy as np

__all__ = ["blend_one_vs_rest"]


def blend_one_vs_rest(proba, p_binary, column, weight) -> np.ndarray:
    """Replace one class's probability by a blend with a one-vs-rest estimate.

    Parameters
    ----------
    proba : array_like, shape (n, n_classes)
        Multi-class probabilities (rows sum to 1).
    p_binary : array_like, shape (n,)
        Probability of class ``column`` from a binary (class vs rest) model.
    column : int
        Index of the class in ``proba``.
    weight : float in [0, 1]
        Weight of ``p_binary``; 0 returns ``proba`` unchanged.

    Returns
    -------
    ndarray, shape (n, n_classes)
        ``p[:, column] = (1 - weight) * proba[:, column] + weight * p_binary``; the other
        classes keep their relative sizes and are rescaled so each row sums to 1 (equal
        shares when they were all 0).

    Examples
    --------
    >>> blend_one_vs_rest([[0.2, 0.6, 0.2]], [0.8], 0, 0.5).round(3)
    array([[0.5  , 0.375, 0.125]])
    """
    p = np.asarray(proba, dtype=np.float64)
    b = np.asarray(p_binary, dtype=np.float64)
    w = float(weight)
    if p.ndim != 2 or b.shape != (p.shape[0],):
        raise ValueError("proba must be (n, n_classes) and p_binary of length n")
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"weight must be in [0, 1], got {weight!r}")
    if not 0 <= column < p.shape[1] or p.shape[1] < 2:
        raise ValueError(f"column {column} out of range for {p.shape[1]} classes")
    pa = (1.0 - w) * p[:, column] + w * b
    rest = np.delete(p, column, axis=1)
    tot = rest.sum(axis=1, keepdims=True)
    share = np.divide(rest, tot, out=np.full_like(rest, 1.0 / rest.shape[1]), where=tot > 0)
    out = np.insert(share * (1.0 - pa)[:, None], column, pa, axis=1)
    return out
