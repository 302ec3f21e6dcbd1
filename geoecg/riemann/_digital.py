"""Integer (digital, ADC-unit) records for :func:`geoecg.riemann.lead_covariances`.

An int16 record is read as it is by the covariance kernels: every product of two int16 values
is exact in float64, and so is every sum of them below 2^53, so the pass gives the covariance of
the digital values; the caller then scales it by the gains (``G^-1 C G^-1``) before any
shrinkage. Registry of ``docs/benchmarks/riemann.md``, session 24, helper 4.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_layout

#: wfdb's invalid-sample marker of formats 16 and 61 (digital samples; NaN once physical).
WFDB_INVALID_16 = -32768


def _gains(gain, n_leads: int) -> np.ndarray:
    try:
        g = np.asarray(gain, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"gain must be ADC units per mV, a number or one per lead, got {gain!r}"
        ) from None
    if g.ndim == 0:
        g = np.full(n_leads, float(g))
    if g.ndim != 1 or g.size != n_leads:
        raise ValueError(
            f"gain must be a number or one value per lead ({n_leads}), got shape {g.shape}"
        )
    if not (np.all(np.isfinite(g)) and np.all(g > 0)):
        raise ValueError(f"gain must be finite and > 0 (ADC units per mV), got {g.tolist()}")
    return g


def digital_input(X, gain, native: bool):
    """Check integer records and their gains.

    Parameters
    ----------
    X : array_like
        Records ``(n_records, n_leads, n_samples)`` or ``(n_leads, n_samples)``.
    gain : float or array_like of float, optional
        ADC units per mV, one per lead of axis 1 (or one for all); required for integer
        ``X``, refused for float ``X``.
    native : bool
        Whether the caller's estimator and options can read int16 as it is.

    Returns
    -------
    X : ndarray or array_like
        The int16 batch ``(n_records, n_leads, n_samples)`` (read natively), or float64 values
        in mV (``X / gain``) for the other integer cases, or ``X`` unchanged when not integer.
    inv_gain : ndarray of float64 or None
        ``1 / gain`` per lead when ``X`` is the int16 batch, else None.

    Raises
    ------
    TypeError
        If ``X`` holds unsigned integers or booleans.
    ValueError
        If integer ``X`` has no ``gain``, ``gain`` is given with float ``X``, ``gain`` is not
        positive and finite or not one per lead, or ``X`` holds -32768 (wfdb's invalid-sample
        marker).
    """
    kind = X.dtype.kind if isinstance(X, np.ndarray) else None
    if kind in ("u", "b"):
        raise TypeError(
            f"X of dtype {X.dtype} is not accepted: pass signed integer digital samples "
            "(e.g. int16) with gain, or real values in mV"
        )
    if kind != "i":
        if gain is not None:
            raise ValueError(
                "gain is for integer (digital, ADC-unit) X; float X is taken in mV, "
                f"got X of dtype {getattr(X, 'dtype', type(X).__name__)} with gain"
            )
        return X, None
    if gain is None:
        raise ValueError(
            f"integer X (dtype {X.dtype}: digital samples) needs gain, the ADC units per mV "
            "of each lead (a number for all leads)"
        )
    if X.ndim not in (2, 3):  # the float path names the shape error
        return X.astype(np.float64), None
    g = _gains(gain, X.shape[-2])
    if X.size and (
        X.min() == WFDB_INVALID_16 if X.dtype == np.int16 else (X == WFDB_INVALID_16).any()
    ):
        raise ValueError(
            f"X holds {WFDB_INVALID_16}, wfdb's invalid-sample marker (formats 16 and 61); "
            "read physical values instead (geoecg.io.read_record gives NaN at gaps) or "
            "replace the gaps"
        )
    if native and X.dtype == np.int16:
        check_layout(X, "X")
        return (X[None] if X.ndim == 2 else X), 1.0 / g
    return X.astype(np.float64) / g[:, None], None
