"""The 0-row contract of geoecg's table estimators, and their table check.

A table of 0 rows (a record without beats, an empty fold, a filter that kept nothing) is
legal input for a fitted estimator: ``predict`` / ``predict_proba`` / ``decision_function``
/ ``transform`` answer with an empty result of the right shape and dtype, without calling
a base model (most scikit-learn models reject 0 samples), and ``score`` of 0 rows is NaN
with a RuntimeWarning (the accuracy of nothing is undefined). The 0-row table is still
checked against what the estimator was fitted on (a 2-D table, the column count, the column
names of a DataFrame): a wrong one is a ValueError naming it. Rows >= 1 take the method's
own code path unchanged. ``fit`` of 0 rows is a ValueError naming the estimator (nothing
can be learned from no rows). See ``docs/user_guide/input_validation.md``.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import numpy as np
from sklearn.utils.validation import _num_samples, check_is_fitted, validate_data

#: The kinds of answer :func:`zero_rows` gives for 0 rows.
KINDS = ("labels", "proba", "decision", "score", "values")


def n_rows(X) -> int | None:
    """Rows of ``X`` (array, DataFrame, list of records); None when it has no length."""
    try:
        return _num_samples(X)
    except TypeError:
        return None


def _holds_objects(X) -> bool:
    """True when ``X`` (array, list or DataFrame) holds text or other objects."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and not isinstance(dtypes, np.dtype):  # a DataFrame
        return any(getattr(d, "kind", "O") in "OUS" for d in dtypes)  # pandas "str": "O"
    try:
        return np.asarray(X).dtype.kind in "OUS"
    except (ValueError, TypeError):
        return True


def validate_table(estimator, X="no_validation", y="no_validation", *, name: str = "X", **kwargs):
    """``validate_data(estimator, X, y, **kwargs)`` whose message names the estimator and what
    it needs when ``X`` holds values that are not numbers (strings, objects).

    scikit-learn's own message ("could not convert string to float: 'x'") names neither
    the argument nor the estimator; the exception type is kept (ValueError for text,
    TypeError for other objects), so an ``except`` written for it still catches it.
    """
    try:
        return validate_data(estimator, X, y, **kwargs)
    except (ValueError, TypeError) as e:
        msg = str(e)
        text = "could not convert" in msg or "argument must be a string" in msg
        if text and (isinstance(y, str) or _holds_objects(X)):  # X's values, not y's
            raise type(e)(
                f"{type(estimator).__name__}: {name} must be a table of real numbers "
                f"(float or integer columns); {msg}"
            ) from e
        raise


def require_rows(X, owner, method: str = "fit") -> None:
    """ValueError naming ``owner`` when ``X`` has 0 rows (``fit`` learns nothing from none)."""
    n = n_rows(X)
    if n == 0:
        shape = tuple(X.shape) if hasattr(X, "shape") else "(0,)"
        raise ValueError(
            f"{type(owner).__name__}.{method}: X has 0 rows (shape {shape}); {method} needs "
            "at least one row of each class it is to learn"
        )


def columns_checked(reference, X, owner=None) -> bool:
    """True when the 0-row ``X`` passes ``reference``'s fitted column checks
    (``validate_data(reset=False)``: 2-D, ``n_features_in_``, ``feature_names_in_``);
    ValueError naming the mismatch otherwise; False when ``reference`` records no column
    count (the method itself then decides).

    ``owner``, a meta-estimator whose base model is ``reference``, is named in front of
    scikit-learn's message with the shape given and the one expected ("PriorShiftClassifier:
    X has 0 rows of shape (0, 2); expected (0, 3) (the base model was fitted on 3 features):
    X has 2 features, but LogisticRegression is expecting 3 ...").
    """
    n = None if reference is None else getattr(reference, "n_features_in_", None)
    if n is None:
        return False
    try:
        validate_data(
            reference, X, reset=False, ensure_min_samples=0, ensure_all_finite=False, dtype=None
        )
    except ValueError as e:
        if owner is None:
            raise
        shape = tuple(X.shape) if hasattr(X, "shape") else "(0,)"
        if shape == (0, n):  # the right width: the column names differ
            what = f"X has 0 rows and {n} columns whose names differ from the fitted ones"
        else:
            what = (
                f"X has 0 rows of shape {shape}; expected (0, {n}) "
                f"(the base model was fitted on {n} features)"
            )
        raise ValueError(f"{type(owner).__name__}: {what}: {e}") from e
    return True


def _check_aligned(owner, method: str, args, kwargs) -> None:
    """Row-aligned side inputs (``covariates=``, ``groups=``, ``y``) of a 0-row call must
    have 0 rows too."""
    named = [(f"argument {i + 2}", a) for i, a in enumerate(args)] + list(kwargs.items())
    for name, a in named:
        if a is None or isinstance(a, (str, bytes, dict)) or np.isscalar(a):
            continue
        n = n_rows(a)
        if n not in (None, 0):
            raise ValueError(
                f"{type(owner).__name__}.{method}: X has 0 rows but {name} has {n}; "
                "they must be aligned row for row"
            )


def _empty(owner, kind: str, X):
    if kind == "labels":
        classes = getattr(owner, "classes_", None)
        return np.empty(0, dtype=np.float64 if classes is None else np.asarray(classes).dtype)
    k = len(owner.classes_) if kind in ("proba", "decision") else 0
    if kind == "proba" or (kind == "decision" and k > 2):
        return np.zeros((0, k))
    return np.zeros(0)


def _arguments(signature, owner, X, args, kwargs) -> dict:
    """The call's arguments after ``self`` and ``X``, by name (``**params`` spread out)."""
    bound = signature.bind(owner, X, *args, **kwargs)
    out = {}
    for name, value in list(bound.arguments.items())[2:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            out.update(value)
        elif kind is not inspect.Parameter.VAR_POSITIONAL:
            out[name] = value
    return out


def zero_rows(kind: str, reference=None, check=None):
    """Decorate a ``method(self, X, ...)`` of a fitted table estimator with the 0-row contract.

    Parameters
    ----------
    kind : {"labels", "proba", "decision", "score", "values"}
        The empty answer: labels of the classes' dtype (float64 for a regressor), a
        ``(0, n_classes)`` matrix, decision values (``(0,)`` for two classes, else
        ``(0, n_classes)``), NaN with a RuntimeWarning (``score``), or ``(0,)`` values.
    reference : callable, optional
        ``reference(self)`` gives the fitted model whose columns a 0-row ``X`` is checked
        against (default: the estimator itself). When it records no column count the
        method is called as before.
    check : callable, optional
        ``check(self, X, **arguments)`` validates a 0-row ``X`` itself (raises on a
        mismatch), in place of the column check (for inputs that are not 2-D tables, e.g.
        stacks of matrices, or a call whose side inputs must be checked too: ``arguments``
        are the call's other arguments by name, ``**params`` spread out). Returning
        ``False`` means it cannot tell: the method is called as before.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def decorate(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(self, X, *args, **kwargs):
            if n_rows(X) != 0:
                return method(self, X, *args, **kwargs)
            check_is_fitted(self)
            _check_aligned(self, method.__name__, args, kwargs)
            if check is not None:
                if check(self, X, **_arguments(signature, self, X, args, kwargs)) is False:
                    return method(self, X, *args, **kwargs)
            elif not columns_checked(self if reference is None else reference(self), X):
                return method(self, X, *args, **kwargs)
            if kind == "score":
                warnings.warn(
                    f"{type(self).__name__}.score of 0 rows is undefined (no samples); "
                    "returning NaN",
                    RuntimeWarning,
                    stacklevel=2,
                )
                return float("nan")
            return _empty(self, kind, X)

        return wrapper

    return decorate
