"""EM class priors with a ceiling on some classes (registry item 23 of the beats benchmark).

A rare class seen in few training patients (AAMI F, fusion beats) can explain a whole
cluster of a new record's beats of another class (V) once the EM of
:func:`~geoecg.estimators.prior_estimation.em_priors` is free to raise its prior: the record's
V beats become F. :func:`ceiling_em_priors` is the same EM with the prior of the named
classes held at most ``ceiling`` times their training prior (a constrained M-step), used by
:class:`~geoecg.estimators.record_prior.RecordPriorAdapter` when its inner CV chooses a
ceiling.
"""

from __future__ import annotations

import numpy as np

from .prior_estimation import _check_proba_priors, em_priors, prior_correct

__all__ = ["ceiling_em_priors"]


def _capped_m_step(m, upper):
    """Maximiser of ``sum_k m_k log p_k`` on the simplex with ``p <= upper``: capped classes
    sit at their bound, the others share the rest in proportion to ``m``."""
    p = m.copy()
    capped = np.zeros(p.size, dtype=bool)
    while True:
        over = ~capped & (p > upper)
        if not over.any():
            return p
        capped |= over
        free = ~capped
        rest = 1.0 - upper[capped].sum()
        p[capped] = upper[capped]
        mf = m[free].sum()
        p[free] = rest * (m[free] / mf if mf > 0 else 1.0 / max(int(free.sum()), 1))


def ceiling_em_priors(proba, source_priors, ceiling, capped, *, max_iter=1000, tol=1e-8):
    """Target class priors by EM, the ``capped`` classes at most ``ceiling`` x their source prior.

    Parameters
    ----------
    proba : array_like, shape (n_samples, n_classes)
        Calibrated source-model probabilities of one record's samples (finite, rows sum to 1).
    source_priors : array_like, shape (n_classes,)
        Training class priors (positive).
    ceiling : float > 0 or None
        Bound on ``pi(c) / pi_train(c)`` for the capped classes; None: the plain EM
        (:func:`~geoecg.estimators.prior_estimation.em_priors`, bit for bit).
    capped : array_like of bool, shape (n_classes,)
        The classes under the ceiling.
    max_iter : int, default 1000
    tol : float, default 1e-8
        Stop when the largest prior change is below ``tol``.

    Returns
    -------
    priors : ndarray, shape (n_classes,)
        Sums to 1; ``priors[capped] <= ceiling * source_priors[capped]`` (normalised).

    Raises
    ------
    ValueError
        ``ceiling`` is not a positive number or None, ``capped`` does not have one entry
        per class, or every class is capped with bounds that sum to less than 1 (no prior
        meets them).

    Examples
    --------
    >>> p = np.array([[0.9, 0.1]] * 80 + [[0.1, 0.9]] * 20)  # source prior 0.5 / 0.5
    >>> ceiling_em_priors(p, [0.5, 0.5], None, [False, True]).round(2)
    array([0.87, 0.13])
    >>> ceiling_em_priors(p, [0.5, 0.5], 0.2, [False, True]).round(2)  # class 1 <= 0.1
    array([0.9, 0.1])
    """
    s = np.asarray(source_priors, dtype=np.float64)
    s = s / s.sum()
    cap = np.asarray(capped, dtype=bool)
    if cap.shape != s.shape:
        raise ValueError(f"capped must have one entry per class ({s.size}), got {cap.shape}")
    if ceiling is None or not cap.any():
        return em_priors(proba, s, max_iter=max_iter, tol=tol)[0]
    c = ceiling
    if isinstance(c, bool) or not isinstance(c, int | float | np.number) or not c > 0:
        raise ValueError(f"ceiling must be a positive number or None, got {ceiling!r}")
    upper = np.where(cap, float(c) * s, np.inf)
    if cap.all() and upper.sum() < 1.0:
        raise ValueError(
            f"every class is capped and the bounds (ceiling {c} x source priors) sum to "
            f"{upper.sum():.3g} < 1: no prior meets them; cap fewer classes or raise the ceiling"
        )
    p = np.asarray(proba, dtype=np.float64)
    _check_proba_priors(p, s)
    t = _capped_m_step(s.copy(), upper)
    for _ in range(int(max_iter)):
        new = _capped_m_step(prior_correct(p, s, t).mean(axis=0), upper)
        if np.max(np.abs(new - t)) < tol:
            return new
        t = new
    return t
