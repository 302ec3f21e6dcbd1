"""Nested, patient-grouped evaluation: every choice inside the training patients.

A figure is only as honest as the data that chose its settings. :func:`nested_evaluate`
scores a set of pipelines *registered before the run* on outer, patient-grouped folds; any
choice a pipeline makes (a grid of feature sets, thresholds, class weights, tree counts...)
is made by a :class:`~sklearn.model_selection.GridSearchCV` whose inner
:class:`~sklearn.model_selection.GroupKFold` sees the training patients of the outer fold
only. Each outer fold is scored once per registered pipeline; nothing is chosen by looking
at the outer scores. The outer loop is :func:`sklearn.model_selection.cross_validate` with
metadata routing, so ``groups`` reaches both the outer splitter and the inner one.

This module imports no database reader, feature extractor or model family: it takes any
scikit-learn estimator and arrays.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold, LeaveOneGroupOut, cross_validate

__all__ = ["NestedResult", "nested_evaluate"]


@dataclass(frozen=True)
class NestedResult:
    """Outer-fold predictions of one registered pipeline.

    Attributes
    ----------
    name : str
        The pipeline's registered name.
    y_pred : ndarray, shape (n_samples,)
        Prediction of every sample, made by the model of the outer fold that held it out.
    fold : ndarray of int, shape (n_samples,)
        Outer fold that held each sample out.
    choices : tuple of dict
        Per outer fold, the parameters chosen by the inner CV (``{}`` without a grid).
    inner_scores : tuple of float
        Per outer fold, the inner-CV score of the chosen parameters (NaN without a grid).
    param_grid : dict or list of dict
        The grid that was registered (what the inner CV could choose from).
    """

    name: str
    y_pred: np.ndarray
    fold: np.ndarray
    choices: tuple
    inner_scores: tuple
    param_grid: object


def _check_cv(cv, name):
    if cv is None:
        return None
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"{name} must be >= 2 folds or a splitter, got {cv}")
        return GroupKFold(n_splits=int(cv))
    if isinstance(cv, str) or not hasattr(cv, "split"):
        raise TypeError(f"{name} must be an int, a grouped splitter or None, got {cv!r}")
    return cv


def nested_evaluate(
    pipelines,
    X,
    y,
    groups,
    *,
    outer_cv=None,
    inner_cv=3,
    scoring=None,
    n_jobs=1,
    on_fold=None,
    done_folds=None,
    progress: bool | None = False,
) -> dict:
    """Score registered pipelines on outer patient folds with inner-CV selection.

    Parameters
    ----------
    pipelines : dict
        Registered pipelines: ``name -> estimator`` or ``name -> (estimator, param_grid)``.
        With a non-empty ``param_grid`` the estimator is wrapped in a
        :class:`~sklearn.model_selection.GridSearchCV` that chooses among the grid on the
        outer fold's *training* patients only (inner ``GroupKFold``) and refits the choice
        on all of them; without one it is fitted as it is. Every candidate must be a valid
        setting: a fit that fails (inner or outer), or the scoring of one, raises its
        exception (scikit-learn's ``error_score="raise"``) instead of being scored NaN,
        which would silently let another candidate win (before session 28 it was).
    X : array_like, shape (n_samples, n_features)
    y : array_like, shape (n_samples,)
    groups : array_like, shape (n_samples,)
        Patient of each sample; no patient is ever on both sides of an outer or inner split.
    outer_cv : int, splitter or None, default None
        ``None``: leave one patient out; an int: ``GroupKFold`` with that many folds; or any
        splitter whose ``split`` takes ``groups``.
    inner_cv : int or splitter, default 3
        Inner splitter (an int: ``GroupKFold``) applied to the training patients.
    scoring : str, callable or None
        What the inner CV maximises (a scikit-learn scorer; None: the estimator's ``score``).
    n_jobs : int, default 1
        Parallel outer folds (not used with ``on_fold`` or ``done_folds``: the folds then
        run one at a time).
    on_fold : callable, optional
        Called as ``on_fold(name, k, fold)`` after outer fold ``k`` of pipeline ``name`` is
        finished, with ``fold`` a dict of plain Python values: ``"y_pred"`` (list, the
        predictions of the fold's test samples in their order), ``"choice"`` (dict) and
        ``"inner_score"`` (float or None). A long run can save each finished fold (e.g.
        ``geoecg.commands.bench_io.FoldLog``); an exception raised here stops the run.
    done_folds : mapping, optional
        ``(name, k) -> fold`` (as passed to ``on_fold`` by an earlier run with the same
        data, splitter and pipelines): those folds are not fitted again, their stored
        predictions are used (ValueError when a stored fold does not have one prediction
        per test sample). Resuming this way gives the same result as an uninterrupted run.
    progress : bool, default False
        A tqdm bar of the outer folds on stderr (the folds then run one at a time; None:
        only when stderr is a terminal).

    Returns
    -------
    dict of str to NestedResult
        In the order of ``pipelines``.

    Raises
    ------
    ValueError
        ``pipelines`` is empty, ``groups`` does not have one entry per sample or holds
        fewer than 2 patients, ``inner_cv`` is not an integer >= 2 or a splitter, an
        outer fold trains on fewer patients than ``inner_cv`` has folds, or a stored
        ``done_folds`` entry does not match its fold.
    TypeError
        ``on_fold`` is neither callable nor None.

    Notes
    -----
    The outer folds are the same for every pipeline (computed once from ``groups``), so the
    pipelines are compared on identical patients. A test patient's labels reach nothing that
    is chosen or fitted for its own fold: the inner CV and the refit only see the training
    patients (``tests/test_nested.py`` checks this by permuting the test patients' labels).
    Scoring the predictions (per-class Se, +P, F1, kappa...) is left to the caller.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 3)); y = (X[:, 0] > 0).astype(int)
    >>> g = np.repeat(np.arange(12), 10)
    >>> res = nested_evaluate({"lr": (LogisticRegression(), {"C": [0.01, 1.0]})}, X, y, g,
    ...                       outer_cv=4, inner_cv=3)
    >>> r = res["lr"]; len(r.choices), float((r.y_pred == y).mean()) > 0.8
    (4, True)
    """
    if not isinstance(pipelines, dict) or not pipelines:
        raise ValueError(
            "pipelines must be a non-empty dict name -> estimator or (estimator, param_grid)"
        )
    y = np.asarray(y)
    groups = np.asarray(groups)
    n = y.shape[0]
    if groups.shape != (n,):
        raise ValueError(f"groups must have one entry per sample ({n}), got {groups.shape}")
    if np.unique(groups).size < 2:
        raise ValueError("groups must hold at least 2 patients")
    outer = _check_cv(outer_cv, "outer_cv") or LeaveOneGroupOut()
    inner = _check_cv(inner_cv, "inner_cv")
    if inner is None:
        raise ValueError("inner_cv must be an int >= 2 or a splitter")
    splits = list(outer.split(np.zeros((n, 1)), y, groups))
    if isinstance(inner, GroupKFold) and any(
        isinstance(s, tuple) and s[1] for s in pipelines.values()
    ):
        _check_inner_patients(splits, groups, inner.n_splits)
    fold = np.full(n, -1, dtype=np.int64)
    for k, (_, te) in enumerate(splits):
        fold[te] = k
    from .._progress import progress_bar, wants_progress

    progress = wants_progress(progress)
    if on_fold is not None and not callable(on_fold):
        raise TypeError(f"on_fold must be callable or None, got {on_fold!r}")
    done = dict(done_folds or {})
    out = {}
    for name, spec in pipelines.items():
        est, grid = spec if isinstance(spec, tuple) else (spec, None)
        search = (  # a failed fit raises: a NaN score would let another candidate win
            GridSearchCV(
                clone(est), grid, cv=inner, scoring=scoring, refit=True, error_score="raise"
            )
            if grid
            else clone(est)
        )
        params = {"groups": groups} if grid else None
        y_pred = np.empty(n, dtype=y.dtype)
        choices, scores = [], []
        if on_fold is None and not done and not progress:
            fitted = _outer_fits(search, X, y, splits, params, n_jobs)
        else:  # one fold at a time: each finished fold is reported, stored ones are reused
            fitted = (
                None if (name, k) in done else _outer_fits(search, X, y, [sp], params, 1)[0]
                for k, sp in enumerate(splits)
            )
        bar = progress_bar(total=len(splits), desc=f"{name}: outer folds", progress=progress)
        for k, (est, (_, te)) in enumerate(zip(fitted, splits, strict=True)):
            bar.update()
            if est is None:
                _restore(done[(name, k)], name, k, te, y_pred, choices, scores)
                continue
            y_pred[te] = est.predict(_take(X, te))
            choices.append(dict(est.best_params_) if grid else {})
            scores.append(float(est.best_score_) if grid else float("nan"))
            if on_fold is not None:
                s = scores[-1]
                info = {"y_pred": y_pred[te].tolist(), "choice": _plain(choices[-1])}
                on_fold(name, k, {**info, "inner_score": None if np.isnan(s) else s})
        bar.close()
        out[name] = NestedResult(str(name), y_pred, fold, tuple(choices), tuple(scores), grid)
    return out


def _check_inner_patients(splits, groups, n_inner: int) -> None:
    """ValueError naming the first outer fold whose training patients are fewer than the
    inner folds (the grid search could not split them; sklearn would report it deep inside
    an "All the fits failed" message)."""
    for k, (tr, _) in enumerate(splits):
        m = np.unique(groups[tr]).size
        if m < n_inner:
            raise ValueError(
                f"outer fold {k} trains on {m} patient(s), fewer than inner_cv={n_inner} "
                "folds: pass a smaller inner_cv (>= 2) or more patients"
            )


def _outer_fits(search, X, y, splits, params, n_jobs) -> list:
    """The fitted estimator of each split (``cross_validate`` with metadata routing)."""
    with sklearn.config_context(enable_metadata_routing=True):
        cv_out = cross_validate(
            search,
            X,
            y,
            cv=splits,
            params=params,
            return_estimator=True,
            scoring=_no_score,
            n_jobs=n_jobs,
            error_score="raise",
        )
    return list(cv_out["estimator"])


def _restore(stored, name, k, te, y_pred, choices, scores) -> None:
    """Put a stored fold (``done_folds``) in place of fitting it."""
    pred = np.asarray(stored["y_pred"], dtype=y_pred.dtype)
    if pred.shape != te.shape:
        raise ValueError(
            f"done_folds[({name!r}, {k})] has {pred.size} predictions, the fold tests "
            f"{te.size} samples: the data or the splitter changed since it was stored"
        )
    y_pred[te] = pred
    choices.append(dict(stored.get("choice") or {}))
    s = stored.get("inner_score")
    scores.append(float("nan") if s is None else float(s))


def _plain(choice: dict) -> dict:
    """Chosen parameters as plain Python values (NumPy scalars unwrapped; others as str
    when they are no JSON value)."""
    out = {}
    for key, v in choice.items():
        v = v.item() if isinstance(v, np.generic) else v
        out[key] = v if v is None or isinstance(v, bool | int | float | str) else str(v)
    return out


def _no_score(estimator, X, y) -> float:
    """The outer fold is scored by the caller on the returned predictions."""
    return 0.0


def _take(X, idx):
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    return np.asarray(X)[idx]
