"""Splits and resamples for prevalence-shift (label-shift) evaluation.

:func:`prior_shift_split` cuts one labelled folder into a class-balanced training part and
a test part at a chosen class prior (the CinC 2017 protocol of ``geoecg bench af
--protocol prior-shift``); :func:`resample_to_prior` draws a target sample at a prior
(the prevalence-shift study). Both only index labels: no reader, no model.
"""

from __future__ import annotations

import numpy as np

__all__ = ["prior_shift_split", "resample_to_prior"]


def _priors(classes, target_priors) -> np.ndarray:
    if isinstance(target_priors, dict):
        missing = [c for c in classes.tolist() if c not in target_priors]
        if missing:
            raise ValueError(f"target_priors lacks classes {missing}")
        t = np.array([float(target_priors[c]) for c in classes.tolist()])
    else:
        t = np.asarray(target_priors, dtype=np.float64)
    if t.shape != classes.shape or np.any(t < 0) or not t.sum() > 0:
        raise ValueError(
            f"target_priors must give {classes.size} non-negative priors for the "
            f"classes {classes.tolist()}, got {target_priors!r}"
        )
    return t / t.sum()


def prior_shift_split(
    y, target_priors, test_size: int, *, balanced_train: bool = True, random_state=None
):
    """Split record indices into a balanced training part and a test part at a given prior.

    Parameters
    ----------
    y : array_like, shape (n,)
        Labels.
    target_priors : dict or array_like
        Class prior of the test part (``{label: prior}`` or aligned with ``np.unique(y)``).
    test_size : int
        Records in the test part; per-class counts are ``round(prior * test_size)``.
    balanced_train : bool, default True
        Keep the same number of records of every class in the training part (the smallest
        count left after the test part); False keeps every remaining record.
    random_state : int, Generator or None

    Returns
    -------
    train, test : ndarray of int64
        Disjoint sorted indices.

    Examples
    --------
    >>> y = np.repeat(["A", "N"], [50, 50])
    >>> tr, te = prior_shift_split(y, {"A": 0.1, "N": 0.9}, 40, random_state=0)
    >>> int((y[te] == "A").sum()), int((y[te] == "N").sum()), len(tr)
    (4, 36, 28)
    """
    y = np.asarray(y)
    classes = np.unique(y)
    t = _priors(classes, target_priors)
    if int(test_size) < 1:
        raise ValueError(f"test_size must be a positive integer, got {test_size!r}")
    rng = np.random.default_rng(random_state)
    counts = np.round(t * int(test_size)).astype(int)
    have = np.array([(y == c).sum() for c in classes])
    if np.any(counts > have):
        raise ValueError(
            f"test_size {test_size} at priors {t.round(3).tolist()} needs "
            f"{counts.tolist()} records of {classes.tolist()}, only "
            f"{have.tolist()} exist"
        )
    test, rest = [], []
    for c, k in zip(classes, counts, strict=True):
        idx = rng.permutation(np.flatnonzero(y == c))
        test.append(idx[:k])
        rest.append(idx[k:])
    if balanced_train:
        m = min(len(r) for r in rest)
        rest = [r[:m] for r in rest]
    return np.sort(np.concatenate(rest)), np.sort(np.concatenate(test))


def resample_to_prior(
    y, target_priors, n: int, *, replace: bool = True, random_state=None
) -> np.ndarray:
    """Indices of a sample of ``n`` records at a given class prior (per-class counts rounded).

    Parameters
    ----------
    y : array_like, shape (n_records,)
    target_priors : dict or array_like
        As in :func:`prior_shift_split`.
    n : int
        Sample size.
    replace : bool, default True
        Draw with replacement within each class (needed when a class is asked for more
        records than it has).
    random_state : int, Generator or None

    Returns
    -------
    ndarray of int64, shape (about n,)

    Examples
    --------
    >>> y = np.repeat([0, 1], [30, 30])
    >>> i = resample_to_prior(y, [0.9, 0.1], 100, random_state=0)
    >>> int((y[i] == 1).sum())
    10
    """
    y = np.asarray(y)
    classes = np.unique(y)
    t = _priors(classes, target_priors)
    rng = np.random.default_rng(random_state)
    counts = np.round(t * int(n)).astype(int)
    out = []
    for c, k in zip(classes, counts, strict=True):
        pool = np.flatnonzero(y == c)
        if k and not replace and k > pool.size:
            raise ValueError(f"class {c!r} has {pool.size} records, {k} asked without replacement")
        if k:
            out.append(rng.choice(pool, size=k, replace=replace))
    return np.concatenate(out) if out else np.empty(0, np.int64)
