"""Checks of scalar arguments: real numbers, whole counts and flags (one policy, one message
each). Re-exported by :mod:`geoecg._validation`, where the signal, RR and index checks are.

A wrong argument raises naming it: a ``TypeError`` for a wrong type (``bool`` and text are
not numbers, ``1`` is not a flag), a ``ValueError`` for a wrong value (NaN, inf, below the
minimum, a fractional count).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_number", "check_count", "check_flag"]


def check_number(
    value, name: str, *, minimum: float | None = None, strict: bool = True, unit: str = ""
) -> float:
    """Return ``value`` as a finite float, or raise naming ``name``.

    Parameters
    ----------
    value : real number
        The argument (a NumPy scalar or 0-d array works; ``bool`` and text do not).
    name : str
        The argument's name, used in the message.
    minimum : float, optional
        Lower bound; ``strict`` makes it exclusive (``> minimum``), else ``>= minimum``.
    unit : str
        Unit named in the message (``"s"``, ``"ms"``).

    Examples
    --------
    >>> check_number(10, "window_s", minimum=0, unit="s")
    10.0
    >>> check_number("10", "window_s", minimum=0, unit="s")
    Traceback (most recent call last):
    ...
    TypeError: window_s must be a real number (s), got str '10'
    """
    u = f" ({unit})" if unit else ""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number{u}, got {type(value).__name__} {value!r}")
    v = float(value)
    bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum:g}"
    if not np.isfinite(v) or (minimum is not None and (v <= minimum if strict else v < minimum)):
        raise ValueError(f"{name} must be a finite number{bound}{u}, got {value!r}")
    return v


def check_count(value, name: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int ``>= minimum``, or raise naming ``name``.

    Whole floats (``3.0``) are accepted; ``1.5``, ``bool``, text and NaN are not.

    Examples
    --------
    >>> check_count(3, "min_count", minimum=1)
    3
    >>> check_count(1.5, "min_count", minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: min_count must be a whole number >= 1, got 1.5
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if not (np.isfinite(value) and float(value) == int(value) and value >= minimum):
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def check_flag(value, name: str) -> bool:
    """Return ``value`` as a bool; anything but ``True``/``False`` (``"no"``, ``1``) raises.

    Examples
    --------
    >>> check_flag("no", "prefilter")
    Traceback (most recent call last):
    ...
    TypeError: prefilter must be True or False, got 'no'
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
