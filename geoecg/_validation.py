"""Input validation shared by every public entry point of geoecg (one place, one policy).

The policy (written out in ``docs/user_guide/input_validation.md``):

- **Signals** are float64 arrays in mV with samples on the last axis: ``(n_samples,)``,
  ``(n_leads, n_samples)`` for one record, ``(n_records, n_leads, n_samples)`` for a cohort.
  Python lists and tuples of numbers are accepted like arrays. Integer (ADC) and float32
  input is converted to float64. Complex, object and string input is a ``TypeError``.
- **Layout**: a 2-D (or the last two axes of a 3-D) array with many rows and few columns
  (``shape[-2] >= 64``, ``shape[-1] <= 32`` and ``shape[-2] > shape[-1]``) is the transposed
  ``(n_samples, n_leads)`` layout that ``wfdb.rdrecord(...).p_signal`` returns; it is
  rejected with a message that suggests ``.T``.
- **Missing samples** are NaN; ``±inf`` is a ``ValueError`` (use NaN for a gap).
- **fs** is a positive finite real number in Hz (``"250"`` is a ``TypeError``).
- **RR intervals** are a 1-D float series in ms; NaN marks a missing or rejected interval;
  zero, negative and infinite values are a ``ValueError``; a series whose finite median is
  below 30 ms is taken to be in seconds and rejected (multiply by 1000).
- **R-peak indices** are whole numbers, strictly increasing (sorted, no duplicates) and
  inside the signal when its length is known; an :class:`~geoecg.features.RPeakResult`
  is accepted wherever indices are.
- **Scalar arguments** (real numbers, whole counts, flags) are checked by
  :mod:`geoecg._validation_scalars` (``check_number``, ``check_count``, ``check_flag``,
  importable from here).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation_scalars import check_count, check_flag, check_number

__all__ = [
    "SampleIndexError",
    "FractionalIndexError",
    "check_fs",
    "check_layout",
    "as_signal",
    "as_record",
    "is_record_list",
    "check_not_one_signal",
    "check_rr",
    "check_rpeaks",
    "check_sample_indices",
    "select_leads",
    "check_y",
    "check_names",
    "check_table",
    "flat_leads",
    "check_number",
    "check_count",
    "check_flag",
    "check_windows_layout",
]

#: a 2-D array with at least this many rows ...
LAYOUT_MIN_ROWS = 64
#: ... and at most this many columns (more columns than any ECG montage has leads) is
#: taken for the transposed (n_samples, n_leads) layout
LAYOUT_MAX_COLS = 32
#: an RR series whose finite median is below this (ms) is taken to be in seconds
RR_MIN_MEDIAN_MS = 30.0


class SampleIndexError(ValueError, TypeError):
    """Sample indices that are not whole finite numbers (NaN, inf, fractional, complex,
    bool, text, ``None``): a wrong value or a wrong type, so it is caught by
    ``except ValueError`` and by ``except TypeError`` (entry points that used to raise
    either keep working for code that catches the one they raised)."""


class FractionalIndexError(SampleIndexError):
    """A sample index that is not a whole number (``10.5``); a :class:`SampleIndexError`,
    so both a ``ValueError`` and a ``TypeError``."""


def check_fs(fs, name: str = "fs") -> float:
    """Return ``fs`` as a positive finite float (Hz) or raise a clear error.

    Examples
    --------
    >>> check_fs(360)
    360.0
    >>> check_fs("250")
    Traceback (most recent call last):
    ...
    TypeError: fs must be a number in Hz, got str '250' (use float(fs))
    """
    if isinstance(fs, bool) or not isinstance(fs, numbers.Real):
        if isinstance(fs, np.ndarray) and fs.ndim == 0 and np.issubdtype(fs.dtype, np.number):
            fs = fs.item()
        else:
            hint = f" {fs!r} (use float({name}))" if isinstance(fs, str | bytes) else ""
            raise TypeError(f"{name} must be a number in Hz, got {type(fs).__name__}{hint}")
    v = float(fs)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be positive and finite (Hz), got {fs}")
    return v


def _looks_transposed(rows: int, cols: int) -> bool:
    """Whether a ``(rows, cols)`` block with samples meant on the last axis looks transposed:
    many rows and only a few (more of them than columns) columns."""
    return rows >= LAYOUT_MIN_ROWS and cols <= LAYOUT_MAX_COLS and rows > cols


def check_layout(a: np.ndarray, name: str = "signal") -> None:
    """Raise if the last two axes of ``a`` look like (n_samples, n_leads)."""
    if a.ndim < 2:
        return
    if _looks_transposed(*a.shape[-2:]):
        lead = "(n_records, n_leads, n_samples)" if a.ndim == 3 else "(n_leads, n_samples)"
        raise ValueError(
            f"{name} has shape {a.shape}, which looks like (n_samples, n_leads); geoecg expects "
            f"{lead} with samples on the last axis. Transpose it (wfdb's p_signal: use "
            f"record.p_signal.T)"
        )


def check_windows_layout(a, name: str = "windows") -> None:
    """Raise if a 2-D ``(n_windows, n_samples)`` array looks like ``(n_samples, n_windows)``.

    Parameters
    ----------
    a : object
        The windows argument; only a 2-D ndarray is checked (lists of windows pass).
    name : str
        Argument name used in the message.

    Raises
    ------
    ValueError
        ``a`` has at least ``LAYOUT_MIN_ROWS`` rows, at most ``LAYOUT_MAX_COLS`` columns and
        more rows than columns: windows of a few samples (ms), not an ECG window.
    """
    if not isinstance(a, np.ndarray) or a.ndim != 2:
        return
    rows, cols = a.shape
    if _looks_transposed(rows, cols):
        raise ValueError(
            f"{name} has shape {a.shape}: {rows} windows of {cols} sample(s), which looks like "
            f"(n_samples, n_windows); expected (n_windows, n_samples) with samples on the last "
            f"axis. Transpose it"
        )


def _to_float(x, name: str) -> np.ndarray:
    if x is None or isinstance(x, str | bytes | dict):
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__}")
    try:
        a = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise TypeError(
            f"{name} must be a numeric array (records of different lengths go in a list "
            f"of arrays), got {type(x).__name__}"
        ) from exc
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{name} must be a numeric array of real numbers, got dtype {a.dtype}")
    if np.iscomplexobj(a):
        raise TypeError(f"{name} must be real-valued, got dtype {a.dtype}")
    return a.astype(np.float64, copy=False)


def as_signal(x, name: str = "signal", ndims: tuple[int, ...] = (1, 2, 3)) -> np.ndarray:
    """Return ``x`` as a float64 array with samples on the last axis, or raise.

    Parameters
    ----------
    x : array_like
        Signal in mV (a list of numbers is accepted like an array).
    name : str
        Argument name used in error messages.
    ndims : tuple of int
        Allowed numbers of dimensions.

    Examples
    --------
    >>> as_signal([0.0, 1.0, 0.5]).shape
    (3,)
    >>> as_signal(np.zeros((2500, 2)))
    Traceback (most recent call last):
    ...
    ValueError: signal has shape (2500, 2), which looks like (n_samples, n_leads); geoecg \
expects (n_leads, n_samples) with samples on the last axis. Transpose it (wfdb's p_signal: \
use record.p_signal.T)
    """
    a = _to_float(x, name)
    if a.ndim not in ndims:
        shapes = {
            1: "(n_samples,)",
            2: "(n_leads, n_samples)",
            3: "(n_records, n_leads, n_samples)",
        }
        allowed = " or ".join(shapes[d] for d in ndims)
        raise ValueError(f"{name} must have shape {allowed}; got shape {a.shape}")
    check_layout(a, name)
    if np.isinf(a).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing samples")
    return a


def as_record(x, name: str = "signal") -> np.ndarray:
    """One record as a C-contiguous float64 ``(n_leads, n_samples)`` array (1-D -> 1 lead)."""
    a = as_signal(x, name, ndims=(1, 2))
    return np.ascontiguousarray(a[None, :] if a.ndim == 1 else a)


def is_record_list(x) -> bool:
    """True for a list of records (arrays or nested lists), False for a list of numbers."""
    if not isinstance(x, list) or len(x) == 0:
        return False
    return np.ndim(x[0]) >= 1


def check_not_one_signal(X, who: str) -> None:
    """Refuse one signal passed where a collection of records is expected.

    A 1-D array (or a list/tuple of numbers) iterates sample by sample, so each sample
    would become a one-sample record: a ValueError says to pass ``[x]``.

    Parameters
    ----------
    X : object
        What the caller got as its collection of records.
    who : str
        The estimator or function named in the message.

    Raises
    ------
    ValueError
        ``X`` is a number, a non-empty 0-D/1-D numeric array, or a non-empty list/tuple whose
        first item is a number (an empty array or list is no record, not refused here).
    """
    one = isinstance(X, np.ndarray) and X.ndim < 2 and X.dtype != object and X.size > 0
    one = one or isinstance(X, numbers.Number | np.generic)
    if one or (isinstance(X, list | tuple) and len(X) and np.ndim(X[0]) == 0):
        raise ValueError(
            f"{who} takes a list of records (each a 1-D signal); got one signal of "
            f"{np.size(X)} number(s): pass [x] for a single record"
        )


def check_rr(rr_ms, name: str = "rr_ms", *, check_units: bool = True) -> np.ndarray:
    """Validate one RR series: 1-D, real, positive or NaN (missing), in ms.

    Raises ``ValueError`` for infinite, zero or negative values and (``check_units``) for a
    series whose finite median is below 30 ms, i.e. RR given in seconds.

    Examples
    --------
    >>> check_rr([800, 810, np.nan]).tolist()
    [800.0, 810.0, nan]
    >>> check_rr([0.8, 0.81])
    Traceback (most recent call last):
    ...
    ValueError: rr_ms must be RR intervals in ms; the median is 0.805, which looks like \
seconds: multiply by 1000
    """
    a = np.asarray(rr_ms) if not isinstance(rr_ms, str | bytes) else np.asarray(rr_ms, object)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == bool):
        raise TypeError(f"{name} must be a numeric array of RR intervals in ms, got {a.dtype}")
    if np.iscomplexobj(a):
        raise TypeError(f"{name} must be real-valued")
    if a.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one series of RR intervals in ms), got shape {a.shape}"
        )
    a = np.ascontiguousarray(a, dtype=np.float64)
    if np.isinf(a).any():
        raise ValueError(f"{name} holds infinite values; use NaN for missing intervals")
    fin = a[np.isfinite(a)]
    if (fin <= 0).any():
        raise ValueError(f"{name} must be positive (ms); got values <= 0")
    if check_units and fin.size and float(np.median(fin)) < RR_MIN_MEDIAN_MS:
        raise ValueError(
            f"{name} must be RR intervals in ms; the median is {float(np.median(fin)):.4g}, "
            "which looks like seconds: multiply by 1000"
        )
    return a


def _index_values(idx, name: str, *, any_shape: bool) -> np.ndarray:
    """``idx`` as an array of whole, finite numbers (not cast, no range check); the element
    checks shared by :func:`check_rpeaks` and :func:`check_sample_indices`."""
    expected = (
        "an array of whole sample indices" if any_shape else "a 1-D array of whole sample indices"
    )
    if idx is None or isinstance(idx, str | bytes | dict):
        raise SampleIndexError(f"{name} must be {expected}, got {type(idx).__name__}")
    try:
        a = np.asarray(idx)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise SampleIndexError(
            f"{name} must be {expected}, got a ragged {type(idx).__name__}"
        ) from exc
    if not any_shape and a.ndim != 1:
        raise ValueError(f"{name} must be {expected}, got shape {a.shape}")
    if a.size == 0 or np.issubdtype(a.dtype, np.integer):
        return a
    if not np.issubdtype(a.dtype, np.floating):
        raise SampleIndexError(f"{name} must be {expected}, got dtype {a.dtype}")
    if not np.all(np.isfinite(a)):
        raise SampleIndexError(
            f"{name} must hold whole, finite sample indices, got NaN or inf (drop the "
            "missing beats instead of marking them NaN)"
        )
    if np.any(a != np.round(a)):
        raise FractionalIndexError(f"{name} must hold whole sample indices, got fractional values")
    return a


def check_sample_indices(
    values, name: str = "indices", *, any_shape: bool = False, allow_negative: bool = False
) -> np.ndarray:
    """Sample indices as int64, in any order (the element checks of :func:`check_rpeaks`).

    For indices that need not be sorted or distinct: beat annotations to match
    (:func:`geoecg.evaluation.match_beats`), indices to map to another rate
    (:func:`geoecg.signal.resample_indices`).

    Parameters
    ----------
    values : array_like of int
        Sample indices; float arrays of whole numbers are accepted.
    name : str, default "indices"
        Argument name used in error messages.
    any_shape : bool, default False
        Accept any number of dimensions (default: 1-D only).
    allow_negative : bool, default False
        Accept indices below 0.

    Returns
    -------
    ndarray of int64
        Same shape and order as ``values``.

    Raises
    ------
    SampleIndexError
        (both a ``ValueError`` and a ``TypeError``) for ``None``, text, bool, complex,
        non-numeric, NaN or infinite values; :class:`FractionalIndexError` for fractional
        values.
    ValueError
        For a shape other than 1-D (unless ``any_shape``), a negative index (unless
        ``allow_negative``) or one beyond the int64 range.

    Examples
    --------
    >>> check_sample_indices([300, 10.0, 10]).tolist()
    [300, 10, 10]
    """
    a = _index_values(values, name, any_shape=any_shape)
    if a.size == 0:
        return np.zeros(a.shape, dtype=np.int64)
    lo, hi = a.min(), a.max()  # before the cast: uint64 and huge floats do not wrap
    big = hi > np.iinfo(np.int64).max or (
        a.dtype.kind == "f" and (hi >= 2.0**63 or lo < -(2.0**63))
    )
    if big or (lo < 0 and not allow_negative):
        bound = "[-2**63" if allow_negative else "[0"
        raise ValueError(
            f"{name} must lie in {bound}, 2**63) (sample indices); got [{lo:.0f}, {hi:.0f}]"
        )
    return a.astype(np.int64)


def check_rpeaks(rpeaks, n_samples: int | None = None, name: str = "rpeaks") -> np.ndarray:
    """R-peak sample indices as int64: whole, strictly increasing, inside ``[0, n_samples)``.

    The one R-peak check of every entry point that takes ``rpeaks`` (``delineate``,
    ``clinical_measurements``, ``segment_beats``, ``beat_features``, ``sqi_features``,
    ``hrv_features``, ``hrv_features_batch`` ...). An object with an ``indices`` attribute
    (:class:`~geoecg.features.RPeakResult`) is accepted.

    Parameters
    ----------
    rpeaks : array_like of int, or RPeakResult
        R-peak sample indices; float arrays of whole numbers are accepted.
    n_samples : int, optional
        Number of samples of the signal; the indices must be below it.
    name : str, default "rpeaks"
        Argument name used in error messages.

    Returns
    -------
    ndarray of int64

    Raises
    ------
    SampleIndexError
        (both a ``ValueError`` and a ``TypeError``) for ``None``, text, bool, complex,
        non-numeric, NaN or infinite values; :class:`FractionalIndexError` (a subclass) for
        fractional values.
    ValueError
        For a shape other than 1-D, indices outside the signal, or indices that are not
        strictly increasing.

    Examples
    --------
    >>> check_rpeaks([10, 300.0, 600], n_samples=1000).tolist()
    [10, 300, 600]
    >>> check_rpeaks([10, 10, 600])
    Traceback (most recent call last):
    ...
    ValueError: rpeaks must be strictly increasing sample indices (sorted, no duplicates)
    """
    a = _index_values(getattr(rpeaks, "indices", rpeaks), name, any_shape=False)
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    lo, hi = a.min(), a.max()  # before the cast: uint64 and huge floats do not wrap
    top = np.iinfo(np.int64).max if n_samples is None else int(n_samples) - 1
    if lo < 0 or hi > top or (a.dtype.kind == "f" and hi >= 2.0**63):
        bound = "n_samples" if n_samples is None else str(int(n_samples))
        raise ValueError(
            f"{name} must lie in [0, {bound}) (inside the signal); got [{lo:.0f}, {hi:.0f}]"
        )
    a = a.astype(np.int64)
    if a.size > 1 and (a[1:] <= a[:-1]).any():  # a comparison: no np.diff temporary
        raise ValueError(
            f"{name} must be strictly increasing sample indices (sorted, no duplicates)"
        )
    return a


def select_leads(selection, names, name: str = "leads", where: str = "") -> list[int]:
    """Row indices of the leads that ``selection`` names: lead names or row indices.

    The one lead selection of ``delineate(combine_leads=...)`` and
    ``read_record(channels=...)``. Names match ``names`` exactly (no spelling aliases:
    :func:`geoecg.leads.lead_indices` is the lenient one); indices are rows in
    ``[0, len(names))`` (no negative indices).

    Parameters
    ----------
    selection : str, int or sequence of str or int
        One lead (a name or a row index) or several; the leads must be distinct.
    names : sequence of str
        The lead names of the rows, in row order.
    name : str, default "leads"
        Argument name used in error messages.
    where : str, optional
        What the rows belong to, for messages (``" in record '100'"``).

    Returns
    -------
    list of int
        Row indices, in the order of ``selection``.

    Raises
    ------
    TypeError
        If ``selection`` or one of its entries is neither a str nor an int.
    ValueError
        For an unknown name, an index out of range, a repeated lead or no lead at all.

    Examples
    --------
    >>> select_leads(["V1", 0], ("MLII", "V1"), "channels")
    [1, 0]
    >>> select_leads(["aVF"], ("MLII", "V1"), "channels", " in record '119'")
    Traceback (most recent call last):
    ...
    ValueError: channels: no lead 'aVF' in record '119'; leads: ['MLII', 'V1']
    """
    names = list(names)
    one = isinstance(selection, str) or (
        isinstance(selection, numbers.Integral) and not isinstance(selection, bool)
    )
    if one:
        selection = [selection]
    elif isinstance(selection, bytes | dict) or not hasattr(selection, "__iter__"):
        raise TypeError(
            f"{name} must be a sequence of lead names or row indices (or one of them), "
            f"got {type(selection).__name__}"
        )
    selection = list(selection)
    out = []
    for c in selection:
        if isinstance(c, str):
            if c not in names:
                raise ValueError(f"{name}: no lead {c!r}{where}; leads: {names}")
            out.append(names.index(c))
        elif isinstance(c, numbers.Integral) and not isinstance(c, bool):
            if not 0 <= c < len(names):
                raise ValueError(
                    f"{name}: row index {c} is not in [0, {len(names)}) (out of range for "
                    f"{len(names)} leads{where})"
                )
            out.append(int(c))
        else:
            raise TypeError(
                f"{name} entries must be str or int (lead names or row indices), got {c!r}"
            )
    if not out or len(set(out)) != len(out):
        raise ValueError(
            f"{name} must name distinct leads, at least one, got {selection} (rows {out}){where}"
        )
    return out


def flat_leads(x: np.ndarray) -> np.ndarray:
    """Boolean mask over the leading axes of ``x``: True where a lead is constant or
    all-NaN (its finite samples, if any, are all equal).

    A filter turns a constant lead into round-off noise (1e-16 mV) that looks like signal;
    callers set such leads back to exactly 0 after filtering so that they stay "flat".

    Examples
    --------
    >>> flat_leads(np.array([[1.0, 1.0, np.nan], [0.0, 1.0, 0.0]])).tolist()
    [True, False]
    """
    nan = np.isnan(x)
    lo = np.where(nan, np.inf, x).min(axis=-1, initial=np.inf)
    hi = np.where(nan, -np.inf, x).max(axis=-1, initial=-np.inf)
    return ~(hi > lo)


def check_y(y, name: str = "y", estimator: str = "this estimator") -> None:
    """Raise a clear ``ValueError`` when a supervised estimator gets ``y=None``."""
    if y is None:
        raise ValueError(f"{estimator} requires {name} to be passed, but the target {name} is None")


def check_names(names, name: str = "names") -> list[str]:
    """Feature names as a list of str; a bare string or a non-sequence is a ``TypeError``.

    Examples
    --------
    >>> check_names(("rr_pre", "qrs_width_l0"))
    ['rr_pre', 'qrs_width_l0']
    >>> check_names("rr_pre")
    Traceback (most recent call last):
    ...
    TypeError: names must be a sequence of feature names, got str 'rr_pre' (wrap it in a list)
    """
    if isinstance(names, str | bytes):
        raise TypeError(
            f"{name} must be a sequence of feature names, got str {names!r} (wrap it in a list)"
        )
    if names is None or not hasattr(names, "__iter__"):
        raise TypeError(f"{name} must be a sequence of feature names, got {type(names).__name__}")
    return [str(n) for n in names]


def check_table(table, name: str = "table") -> None:
    """Raise a ``TypeError`` naming ``name`` unless ``table`` has ``values`` and ``names``
    (a :class:`geoecg.features.morphology.BeatFeatureTable`)."""
    if not (hasattr(table, "values") and hasattr(table, "names")):
        raise TypeError(
            f"{name} must be a BeatFeatureTable (values + names, e.g. from "
            f"geoecg.features.beat_dominant.record_beat_table), got {type(table).__name__}"
        )
