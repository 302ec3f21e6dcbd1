"""Class-prior estimation under prevalence (label) shift: the estimators behind
:class:`geoecg.estimators.PriorShiftClassifier`.

* :func:`prior_correct`: Bayes re-weighting of calibrated probabilities for new priors
  (Saerens, Latinne & Decaestecker 2002).
* :func:`em_priors`: their EM estimate of the target prior from unlabelled predictions.
* :func:`bbse_priors`: black-box shift estimation (Lipton, Wang & Smola 2018).
* :func:`rlls_priors`: regularised learning under label shift (Azizzadenesheli et al. 2019).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = ["bbse_priors", "em_priors", "prior_correct", "rlls_priors"]

_EPS = 1e-12
#: Rounding tolerated outside [0, 1] in probabilities (float sums of calibrated maps).
_PROBA_TOL = 1e-9


def prior_correct(proba, train_priors, target_priors) -> np.ndarray:
    """Re-weight class probabilities for new class priors (Saerens et al. 2002).

    ``p'(c|x) = p(c|x) pi_t(c) / pi_s(c)``, renormalised over the classes.

    Parameters
    ----------
    proba : array_like, shape (n, n_classes)
        Probabilities under the training (source) priors.
    train_priors : array_like, shape (n_classes,)
        Source priors (positive).
    target_priors : array_like, shape (n_classes,)
        Target priors (non-negative, renormalised).

    Returns
    -------
    ndarray, shape (n, n_classes)

    Examples
    --------
    >>> prior_correct([[0.5, 0.5]], [0.5, 0.5], [0.9, 0.1]).round(2)
    array([[0.9, 0.1]])
    """
    p = np.asarray(proba, dtype=np.float64)
    s = np.asarray(train_priors, dtype=np.float64)
    t = np.asarray(target_priors, dtype=np.float64)
    if p.ndim != 2 or s.shape != (p.shape[1],) or t.shape != (p.shape[1],):
        raise ValueError(
            "proba must be (n, n_classes) and train_priors, target_priors of length "
            f"n_classes; got shapes {p.shape}, {s.shape}, {t.shape}"
        )
    _check_probabilities(p, "proba")
    if not (np.isfinite(s).all() and np.isfinite(t).all()):
        raise ValueError(
            f"priors must be finite numbers, got train {s.tolist()} and target {t.tolist()}"
        )
    if np.any(s <= 0) or np.any(t < 0) or t.sum() <= 0:
        raise ValueError(
            f"train_priors must be positive and target_priors non-negative (not all 0), got "
            f"train_priors {s.tolist()} and target_priors {t.tolist()}"
        )
    w = p * (t / t.sum()) / (s / s.sum())
    tot = w.sum(axis=1, keepdims=True)
    return np.divide(w, tot, out=np.full_like(w, 1.0 / p.shape[1]), where=tot > 0)


def em_priors(proba, source_priors, *, max_iter: int = 1000, tol: float = 1e-8):
    """Target priors by EM (Saerens, Latinne & Decaestecker 2002).

    Alternates ``p_t(c|x_i) ∝ p_s(c|x_i) pi_t(c) / pi_s(c)`` and
    ``pi_t(c) = mean_i p_t(c|x_i)`` from ``pi_t = pi_s``.

    Parameters
    ----------
    proba : array_like, shape (n_target, n_classes)
        Calibrated source-model probabilities of the unlabelled target records.
    source_priors : array_like, shape (n_classes,)
    max_iter : int, default 1000
    tol : float, default 1e-8
        Stop when the largest prior change is below ``tol``.

    Returns
    -------
    priors : ndarray, shape (n_classes,)
        Target priors (fractions summing to 1); all NaN for 0 target records.
    n_iter : int
        0 for 0 target records.
    converged : bool

    Warns
    -----
    RuntimeWarning
        For 0 target records (``proba`` of shape ``(0, n_classes)``): the prior of an empty
        sample is undefined, so NaN priors are returned (the house's 0-row contract: an
        array of rows comes back empty, a number comes back NaN with a reason).

    Examples
    --------
    >>> p = np.array([[0.9, 0.1]] * 80 + [[0.1, 0.9]] * 20)
    >>> em_priors(p, [0.5, 0.5])[0].round(2)
    array([0.8, 0.2])
    """
    p = np.asarray(proba, dtype=np.float64)
    s = np.asarray(source_priors, dtype=np.float64)
    _check_proba_priors(p, s)
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {max_iter!r}")
    if not (isinstance(tol, numbers.Real) and 0 <= tol < np.inf):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    if p.shape[0] == 0:
        return _no_target_records(s.size, "em_priors"), 0, False
    s = s / s.sum()
    t = s.copy()
    for it in range(1, int(max_iter) + 1):
        q = prior_correct(p, s, t)
        new = q.mean(axis=0)
        if np.max(np.abs(new - t)) < tol:
            return new, it, True
        t = new
    return t, int(max_iter), False


def bbse_priors(target_pred, confusion, source_priors) -> np.ndarray:
    """Target priors by black-box shift estimation (Lipton, Wang & Smola 2018).

    Solves ``C w = mu`` (least squares), ``pi_t = w * pi_s`` clipped at 0 and renormalised.

    Parameters
    ----------
    target_pred : array_like, shape (n_target, n_classes)
        Predictions on the target records: one-hot hard calls or (soft) probabilities.
    confusion : array_like, shape (n_classes, n_classes)
        Joint ``C[i, j] = P_s(prediction i, label j)`` from held-out source predictions.
    source_priors : array_like, shape (n_classes,)

    Returns
    -------
    ndarray, shape (n_classes,)

    Raises
    ------
    ValueError
        For a confusion matrix that is all zero.

    Warns
    -----
    RuntimeWarning
        When ``confusion`` is rank-deficient (the minimum-norm solution is returned), when
        every estimated prior is <= 0 (the source priors are returned), and for 0 target
        records (NaN priors are returned, as by :func:`em_priors`).

    Examples
    --------
    >>> C = np.array([[0.4, 0.1], [0.1, 0.4]])    # 80 % accurate, balanced source
    >>> mu = np.array([[1.0, 0.0]] * 68 + [[0.0, 1.0]] * 32)
    >>> bbse_priors(mu, C, [0.5, 0.5]).round(2)
    array([0.8, 0.2])
    """
    mu, C, s = _check_confusion(target_pred, confusion, source_priors)
    if mu is None:
        return _no_target_records(s.size, "bbse_priors")
    w = np.linalg.lstsq(C, mu, rcond=None)[0]
    return _normalise(np.clip(w, 0.0, None) * s, s, "bbse_priors")


def rlls_priors(target_pred, confusion, source_priors, *, delta: float) -> np.ndarray:
    """Target priors by regularised learning under label shift (Azizzadenesheli et al. 2019).

    ``theta = argmin ||C theta - b||_2 + delta ||theta||_2`` subject to ``theta >= -1``,
    with ``b = mu - C 1``; ``pi_t = (1 + theta) * pi_s`` renormalised. ``delta = 0`` is
    BBSE with the non-negativity constraint; a large ``delta`` returns ``pi_s``.

    Parameters
    ----------
    target_pred, confusion, source_priors :
        As in :func:`bbse_priors`.
    delta : float >= 0
        Regularisation strength (the paper's ``Delta_C``, of order ``1 / sqrt(n_source)``).

    Returns
    -------
    ndarray, shape (n_classes,)

    Notes
    -----
    Raises and warns as :func:`bbse_priors` for a zero or rank-deficient ``confusion``, and
    returns NaN priors with a RuntimeWarning for 0 target records.

    Examples
    --------
    >>> C = np.array([[0.4, 0.1], [0.1, 0.4]])
    >>> mu = np.array([[1.0, 0.0]] * 68 + [[0.0, 1.0]] * 32)
    >>> rlls_priors(mu, C, [0.5, 0.5], delta=0.0).round(2)
    array([0.8, 0.2])
    >>> rlls_priors(mu, C, [0.5, 0.5], delta=10.0).round(2)
    array([0.5, 0.5])
    """
    from scipy.optimize import minimize

    mu, C, s = _check_confusion(target_pred, confusion, source_priors)
    if not (isinstance(delta, numbers.Real) and delta >= 0):
        raise ValueError(f"delta must be a number >= 0, got {delta!r}")
    if mu is None:
        return _no_target_records(s.size, "rlls_priors")
    b = mu - C.sum(axis=1)
    k = s.size
    eps = 1e-12

    def f(th):
        r = C @ th - b
        return np.sqrt(r @ r + eps) + delta * np.sqrt(th @ th + eps)

    def g(th):
        r = C @ th - b
        return C.T @ r / np.sqrt(r @ r + eps) + delta * th / np.sqrt(th @ th + eps)

    x0 = np.clip(np.linalg.lstsq(C, b, rcond=None)[0], -1.0, None)
    best = None
    for start in (x0, np.zeros(k)):
        res = minimize(
            f,
            start,
            jac=g,
            method="L-BFGS-B",
            bounds=[(-1.0, None)] * k,
            options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-10},
        )
        if best is None or res.fun < best.fun:
            best = res
    return _normalise((1.0 + best.x) * s, s, "rlls_priors")


def _normalise(t, fallback, who):
    t = np.clip(np.asarray(t, dtype=np.float64), 0.0, None)
    if t.sum() > 0:
        return t / t.sum()
    warnings.warn(
        f"{who}: every estimated target prior is <= 0 (the target predictions lie outside "
        "what the confusion matrix can produce); returning the source priors",
        RuntimeWarning,
        stacklevel=3,
    )
    return np.asarray(fallback, dtype=np.float64)


def _no_target_records(k, who):
    warnings.warn(
        f"{who}: 0 target records; the target prior of an empty sample is undefined, "
        "returning NaN priors",
        RuntimeWarning,
        stacklevel=3,
    )
    return np.full(k, np.nan)


def _check_probabilities(p, name: str) -> None:
    """Raise a ValueError naming ``name`` unless every entry is a probability (NaN, inf,
    negative and above-1 entries used to give a silent uniform or NaN answer)."""
    if not np.all(np.isfinite(p)):
        raise ValueError(f"{name} must be finite probabilities, got NaN or inf")
    if p.size and (p.min() < -_PROBA_TOL or p.max() > 1.0 + _PROBA_TOL):
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in "
            f"[{p.min():.6g}, {p.max():.6g}]"
        )


def _check_proba_priors(p, s, name: str = "proba"):
    if p.ndim != 2 or p.shape[1] == 0:
        raise ValueError(f"{name} must be 2-D (n_target, n_classes), got shape {p.shape}")
    if s.shape != (p.shape[1],) or np.any(s <= 0) or not np.all(np.isfinite(s)):
        raise ValueError(f"source_priors must be {p.shape[1]} positive numbers, got {s}")
    _check_probabilities(p, name)


def _check_confusion(target_pred, confusion, source_priors):
    mu = np.asarray(target_pred, dtype=np.float64)
    s = np.asarray(source_priors, dtype=np.float64)
    C = np.asarray(confusion, dtype=np.float64)
    _check_proba_priors(mu, s, "target_pred")
    k = s.size
    if C.shape != (k, k) or not np.all(np.isfinite(C)):
        raise ValueError(f"confusion must be a finite ({k}, {k}) matrix, got shape {C.shape}")
    if np.any(C < 0):
        raise ValueError(
            f"confusion must hold joint probabilities >= 0, got a minimum of {C.min():.6g}"
        )
    if not np.any(C):
        raise ValueError("confusion is all zero; expected P(prediction i, label j) > 0 somewhere")
    rank = np.linalg.matrix_rank(C)
    if rank < k:
        warnings.warn(
            f"confusion has rank {rank} < {k} classes (a class never predicted, or two "
            "classes predicted alike): the target priors are not identifiable from it and "
            "the minimum-norm solution is returned",
            RuntimeWarning,
            stacklevel=3,
        )
    return (mu.mean(axis=0) if mu.shape[0] else None), C, s / s.sum()
