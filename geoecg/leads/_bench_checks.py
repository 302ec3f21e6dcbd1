"""What ``geoecg bench reconstruct`` checks in a PTB-XL folder before it fits anything.

The bench is meant for any PTB-XL folder a user points to (the full release, a subset, a
download of one release). Session 25 found three folders that ended late or without a word:
a record with a flat (electrode off) or non-finite lead stopped the run with the
reconstructor's error after the inner-CV fits, naming the record by its position in the
training array and advising an option the bench does not have; a folder without records in
``strat_fold`` 9-10 printed a table of NaN with exit status 0; a folder holding only the
500-Hz release ended in scikit-learn's "n_splits=3 greater than the number of samples".

Here, before any fit: records whose leads hold NaN/inf or are flat (SD below
:data:`~geoecg.leads._invalid.FLAT_MV` over the record, raw or after the bench's 0.5-40 Hz
band-pass) are left out of both stages and named by ``ecg_id`` with the reason
(:func:`unusable_records`); a folder with no 100-Hz record, too few training patients or no
test record, or too few patients of a class for the downstream folds is a ``ValueError``
naming the folder and the counts.
"""

from __future__ import annotations

import numpy as np

from ._invalid import CHUNK, FLAT_MV
from .names import STANDARD_LEADS

__all__ = [
    "bandpassed",
    "unusable_records",
    "check_reconstruction_split",
    "check_downstream_classes",
    "no_records_message",
]


def bandpassed(X, fs: float) -> np.ndarray:
    """The bench's 0.5-40 Hz band-pass (order 2) of every record of ``X`` whose samples are
    all finite; NaN records elsewhere (float64, the shape of ``X``; filtered in chunks, so
    no other temporary of the size of ``X``).

    Parameters
    ----------
    X : ndarray, shape (n_records, n_leads, n_samples)
        Records in mV.
    fs : float
        Sampling frequency, Hz.

    Returns
    -------
    ndarray
        Band-passed records, mV.
    """
    from ..signal import bandpass

    X = np.asarray(X)
    out = np.full(X.shape, np.nan)
    for a in range(0, X.shape[0], CHUNK):
        Xc = np.asarray(X[a : a + CHUNK], dtype=np.float64)
        ok = np.isfinite(Xc).all(axis=(1, 2))
        if Xc.shape[-1] >= 2 and ok.any():
            out[a : a + CHUNK][ok] = bandpass(Xc[ok], fs, 0.5, 40.0, order=2)
    return out


def unusable_records(X, fs: float, filtered=None) -> dict[int, str]:
    """Records the bench leaves out: position -> reason (``"NaN or inf"``, ``"flat V2, V5"``).

    Parameters
    ----------
    X : ndarray, shape (n_records, 12, n_samples)
        The records as read (mV), standard lead order.
    fs : float
        Sampling frequency (Hz) of the bench's band-pass (0.5-40 Hz, order 2).
    filtered : ndarray, optional
        :func:`bandpassed` of ``X`` when the caller has it (the bench band-passes its records
        once); computed chunk by chunk otherwise.

    Returns
    -------
    dict
        Position of each unusable record in ``X`` -> why; empty when every record is usable.
        A lead is flat when its SD over the record is below ``FLAT_MV`` (mV) in the raw or in
        the band-passed signal (the reconstructor judges the band-passed one).
    """
    from ..signal import bandpass

    X = np.asarray(X)
    out: dict[int, str] = {}
    for a in range(0, X.shape[0], CHUNK):  # no temporary of the size of X
        Xc = np.asarray(X[a : a + CHUNK], dtype=np.float64)
        nonfinite = ~np.isfinite(Xc).all(axis=(1, 2))
        with np.errstate(invalid="ignore", over="ignore"):
            flat = Xc.std(axis=-1) < FLAT_MV
            if Xc.shape[-1] >= 2 and (~nonfinite).any():
                ok = ~nonfinite
                Fc = (
                    bandpass(Xc[ok], fs, 0.5, 40.0, order=2)
                    if filtered is None
                    else filtered[a : a + CHUNK][ok]
                )
                flat[ok] |= Fc.std(axis=-1) < FLAT_MV
        for k in np.flatnonzero(nonfinite | flat.any(axis=1)):
            leads = ", ".join(STANDARD_LEADS[j] for j in np.flatnonzero(flat[k]))
            leads = "all 12 leads" if flat[k].all() else leads
            out[a + int(k)] = "NaN or inf" if nonfinite[k] else f"flat {leads}"
    return out


def no_records_message(root, n_500: int) -> str:
    """The error of a folder without any 100-Hz record file (``n_500`` found at 500 Hz)."""
    hint = (
        f"; it holds {n_500} records of the 500-Hz release (records500/): the bench reads "
        "the 100-Hz release, download records100/ too"
        if n_500
        else ""
    )
    return (
        f"{root} holds no 100-Hz PTB-XL record (no records100/....hea file named by the "
        f"filename_lr column of ptbxl_database.csv){hint}"
    )


def check_reconstruction_split(root, train, groups, n_splits: int = 3) -> None:
    """Raise before any fit when ``strat_fold`` 1-8 / 9-10 cannot give the bench's split.

    Parameters
    ----------
    root : path-like
        The folder (named in the message).
    train : ndarray of bool
        Records in ``strat_fold`` 1-8 (the others are the test records).
    groups : ndarray
        Patient of each record.
    n_splits : int, default 3
        Folds of the inner patient-grouped CV on the training records.

    Raises
    ------
    ValueError
        Fewer than ``n_splits`` training patients, or no test record.
    """
    train = np.asarray(train, dtype=bool)
    n_pat = len(np.unique(np.asarray(groups)[train]))
    n_test = int((~train).sum())
    if n_pat < n_splits or n_test == 0:
        raise ValueError(
            f"{root}: the reconstruction stage trains on strat_fold 1-8 (an inner "
            f"{n_splits}-fold CV by patient: at least {n_splits} patients) and scores "
            f"strat_fold 9-10 (at least 1 record); the usable records hold {n_pat} patients "
            f"({int(train.sum())} records) in folds 1-8 and {n_test} records in folds 9-10"
        )


def check_downstream_classes(root, y, groups, n_splits: int = 5) -> None:
    """Raise before any fit when a NORM-vs-MI class has fewer patients than outer folds.

    Parameters
    ----------
    root : path-like
        The folder (named in the message).
    y : ndarray of int
        1 = MI, 0 = NORM (the usable records of the task).
    groups : ndarray
        Patient of each record.
    n_splits : int, default 5
        Folds of the downstream's patient-grouped stratified CV.

    Raises
    ------
    ValueError
        A class with fewer than ``n_splits`` patients (a necessary condition only: the
        inner CVs need patients of both classes in every training fold too).
    """
    y, groups = np.asarray(y), np.asarray(groups)
    counts = {name: len(np.unique(groups[y == v])) for v, name in ((0, "NORM"), (1, "MI"))}
    if min(counts.values()) < n_splits:
        raise ValueError(
            f"{root}: the NORM-vs-MI stage needs at least {n_splits} patients of each class "
            f"for its {n_splits} patient-grouped folds; the usable records hold "
            f"{counts['NORM']} NORM and {counts['MI']} MI patients (pass --downstream '' to "
            "skip the stage)"
        )
