"""The AF feature matrix of a cohort: record features, optionally the rhythm profile and
the features of random sub-crops, each row cached per record.

``signals`` may be any sequence (``len`` and indexing): with a lazy one that reads a record
only when indexed, a cached row never reads its record and the memory held is one record
plus the feature rows, so a cohort of any size (the 8,528 CinC 2017 training records)
runs in bounded memory and re-runs from the cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .record import AF_RECORD_FEATURE_NAMES, af_record_features_batch
from .rhythm_profile import RHYTHM_PROFILE_NAMES, rhythm_profile_features_batch

__all__ = ["AFFeatureMatrix", "af_feature_matrix"]


@dataclass(frozen=True)
class AFFeatureMatrix:
    """Output of :func:`af_feature_matrix`.

    Attributes
    ----------
    X : ndarray, shape (n_records, 107) or (n_records, 193)
        Record features, then the rhythm profile if asked (NaN where undefined).
    feature_names : tuple of str
    crops : ndarray or None, shape (n_crop_rows, n_features)
        Features of the sub-crops (same columns as ``X``); None without crops.
    crop_owner : ndarray of int64 or None, shape (n_crop_rows,)
        Index of the record each crop row comes from.
    records : tuple of str or None
        Name of the record of each row of ``X`` where the caller knows it
        (``load_cinc_matrix`` of ``geoecg.estimators.af.protocols`` sets it); None otherwise.
    """

    X: np.ndarray
    feature_names: tuple
    crops: np.ndarray | None = None
    crop_owner: np.ndarray | None = None
    records: tuple | None = None


def af_feature_matrix(
    signals,
    fs: float,
    *,
    rhythm_profile: bool = False,
    n_crops: int = 0,
    crop_frac: float = 0.7,
    keys=None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool | None = False,
) -> AFFeatureMatrix:
    """Record (+ rhythm-profile) features of many records, optionally with crop features.

    Parameters
    ----------
    signals : sequence of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV; any object with
        ``len`` and integer indexing (e.g. one that reads record ``i`` on access).
    fs : float
        Sampling frequency in Hz (all records).
    rhythm_profile : bool, default False
        Append the 86 :func:`~geoecg.features.rhythm_profile_features`.
    n_crops : int, default 0
        Random sub-crops per record (:func:`~geoecg.features.af_crop_features`); 0: none.
    crop_frac : float in (0, 1), default 0.7
        Crop length as a fraction of the record (at least 9 s).
    keys : list of str, optional
        A content key per record (:meth:`geoecg.io.CinC2017.content_keys`: the name
        and a digest of its files, or a hash of the samples); needed for the cache.
    cache_dir : path-like, optional
        Per-record cache folder (one ``.npy`` per record and feature block).
    progress : bool or None, default False
        Show tqdm bars on stderr (None: only when stderr is a terminal).

    Returns
    -------
    AFFeatureMatrix

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> m = af_feature_matrix([rng.standard_normal(3000 * 4)], 300.0, rhythm_profile=True,
    ...                       n_crops=2, crop_frac=0.7)
    >>> m.X.shape, m.crops.shape, m.crop_owner.tolist()
    ((1, 193), (2, 193), [0, 0])
    """
    if n_crops < 0 or int(n_crops) != n_crops:
        raise ValueError(f"n_crops must be a non-negative integer, got {n_crops!r}")
    X = af_record_features_batch(signals, fs, keys=keys, cache_dir=cache_dir, progress=progress)
    names = tuple(AF_RECORD_FEATURE_NAMES)
    if rhythm_profile:
        X = np.hstack(
            [
                X,
                rhythm_profile_features_batch(
                    signals, fs, keys=keys, cache_dir=cache_dir, progress=progress
                ),
            ]
        )
        names += tuple(RHYTHM_PROFILE_NAMES)
    if not n_crops:
        return AFFeatureMatrix(X=X, feature_names=names)
    from .crops import af_crop_features

    C, owner = af_crop_features(
        signals,
        fs,
        int(n_crops),
        float(crop_frac),
        keys=keys,
        cache_dir=cache_dir,
        rhythm_profile=rhythm_profile,
        progress=progress,
    )
    return AFFeatureMatrix(X=X, feature_names=names, crops=C, crop_owner=owner)
