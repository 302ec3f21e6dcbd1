"""Records a :class:`geoecg.leads.LeadReconstructor` cannot use, and its sampling-rate check.

Kept apart from ``reconstruct`` for size. A training record is unusable when any of its 12
leads holds NaN or inf, or when a lead that ``fit`` reads (the sources and the fitted
targets) is flat (SD below :data:`FLAT_MV`): a flat target teaches the map to predict a
constant, a flat source adds nothing. ``fit`` raises naming those records, or, with
``on_invalid="nan"``, leaves them out with a warning naming them. ``transform`` and
``score_leads`` compare a sampling rate given with the input to the training one.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._validation import check_fs

__all__ = [
    "FLAT_MV",
    "flat_or_nonfinite",
    "usable_training_records",
    "training_fs",
    "check_fs_matches",
]

#: A lead whose standard deviation over a record is below this (mV) is "flat".
FLAT_MV = 1e-4
#: Record indices named in full in a message; more are counted.
SHOW = 10
#: Records checked at a time (bounds the temporary arrays).
CHUNK = 256


def flat_or_nonfinite(S) -> np.ndarray:
    """Records ``(n,)`` whose leads ``S (n, n_leads, n_samples)`` hold NaN/inf or one is flat.

    A record of fewer than 2 samples has no SD to judge: unusable, like a flat one.
    """
    if S.shape[-1] < 2:
        return np.ones(S.shape[0], dtype=bool)
    nonfinite, sd = _lead_sd(S)
    return nonfinite | (sd < FLAT_MV).any(axis=1)


def _lead_sd(X) -> tuple[np.ndarray, np.ndarray]:
    """Records ``(n,)`` holding NaN/inf, and each lead's SD ``(n, n_leads)`` (mV; ``inf`` for
    those records, which are judged by their NaN/inf), in chunks of :data:`CHUNK` records so
    that no temporary has the size of ``X``."""
    nonfinite = np.zeros(X.shape[0], dtype=bool)
    sd = np.empty(X.shape[:2])
    for a in range(0, X.shape[0], CHUNK):
        Xc = X[a : a + CHUNK]
        nonfinite[a : a + CHUNK] = ~np.isfinite(Xc).all(axis=(1, 2))
        with np.errstate(invalid="ignore", over="ignore"):
            sd[a : a + CHUNK] = Xc.std(axis=-1)
    sd[nonfinite] = np.inf
    return nonfinite, sd


def _rows(rows) -> str:
    rows = [int(r) for r in rows]
    more = f" ... ({len(rows)} in all)" if len(rows) > SHOW else ""
    return f"{rows[:SHOW]}{more}"


def _flat_leads(flat, names) -> str:
    """``"5 (V1), 7 (V2, V4)"`` for a boolean array ``flat (n, n_leads)``."""
    rows = np.flatnonzero(flat.any(axis=1))
    parts = [f"{r} ({', '.join(names[j] for j in np.flatnonzero(flat[r]))})" for r in rows[:SHOW]]
    return ", ".join(parts) + (f" ... ({rows.size} in all)" if rows.size > SHOW else "")


def usable_training_records(X, src_idx, tgt_idx, names, on_invalid) -> np.ndarray:
    """The training records ``fit`` keeps, as a boolean mask; raises or warns about the rest.

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        Training records (mV), 12 leads.
    src_idx, tgt_idx : ndarray of int
        Positions of the source leads and of the fitted target leads.
    names : sequence of str
        The 12 lead names, in the order of ``X``.
    on_invalid : {"raise", "nan"}
        ``"raise"``: a ``ValueError`` naming every unusable record (up to 10 per reason) and
        why; ``"nan"``: a ``UserWarning`` naming them, and they are left out.

    Returns
    -------
    ndarray of bool, shape (n_records,)

    Raises
    ------
    ValueError
        Unusable records with ``on_invalid="raise"``; or no usable record is left (every
        record's sources flat: "no training record has non-flat source leads").
    """
    nonfinite, sd = _lead_sd(X)
    flat_src = sd[:, src_idx] < FLAT_MV
    flat_tgt = sd[:, tgt_idx] < FLAT_MV
    bad = nonfinite | flat_src.any(axis=1) | flat_tgt.any(axis=1)
    if not bad.any():
        return ~bad
    src_names = [names[j] for j in src_idx]
    if (nonfinite | flat_src.any(axis=1)).all() and not nonfinite.all():
        raise ValueError(
            f"no training record has non-flat source leads {tuple(src_names)} (SD >= "
            f"{FLAT_MV} mV on each; records with NaN/inf: {_rows(np.flatnonzero(nonfinite))}); "
            "expected ECG in mV"
        )
    why = []
    if nonfinite.any():
        why.append(f"NaN or inf in records {_rows(np.flatnonzero(nonfinite))}")
    if flat_src.any():
        why.append(f"flat source leads in records {_flat_leads(flat_src, src_names)}")
    if flat_tgt.any():
        tgt_names = [names[j] for j in tgt_idx]
        why.append(f"flat target leads in records {_flat_leads(flat_tgt, tgt_names)}")
    what = f"{'; '.join(why)} (flat: SD < {FLAT_MV} mV over the record)"
    if on_invalid == "raise":
        raise ValueError(
            f"X holds training records fit cannot learn from: {what}. Drop or repair them, "
            "or pass on_invalid='nan' to leave them out of the fit with a warning"
        )
    if bad.all():
        raise ValueError(f"no usable training record in X: {what}")
    warnings.warn(
        f"LeadReconstructor.fit left out {int(bad.sum())} of {bad.size} training records "
        f"(on_invalid='nan'; listed in dropped_records_): {what}",
        UserWarning,
        stacklevel=3,
    )
    return ~bad


def training_fs(param_fs, fit_fs):
    """The sampling rate (Hz) of the training records, or None when none was given.

    ``fit_fs`` (``fit(X, fs=...)``) must agree with the ``fs`` parameter when both are given.
    """
    if fit_fs is None:
        return None if param_fs is None else float(param_fs)
    v = check_fs(fit_fs)
    if param_fs is not None and not np.isclose(v, float(param_fs), rtol=1e-9, atol=0.0):
        raise ValueError(
            f"fit(X, fs={v:g}) says the training records are at {v:g} Hz but the "
            f"reconstructor's fs parameter is {float(param_fs):g} Hz: set one rate"
        )
    return v


def check_fs_matches(fs, fitted_fs) -> None:
    """Raise if records at ``fs`` Hz (None: not given) differ from the training rate.

    Unchecked when either rate is unknown (None).
    """
    if fs is None:
        return
    v = check_fs(fs)
    if fitted_fs is not None and not np.isclose(v, fitted_fs, rtol=1e-9, atol=0.0):
        raise ValueError(
            f"X is sampled at {v:g} Hz but the reconstructor was fitted on records at "
            f"{fitted_fs:g} Hz (its time-delay taps, beat phases and neighbour beats are in "
            f"samples): resample X to {fitted_fs:g} Hz first (geoecg.signal.resample) or fit "
            f"on records at {v:g} Hz"
        )
