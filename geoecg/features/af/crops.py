"""Record features of random sub-crops of short ECG records (training-set augmentation).

For the CinC 2017 record classifier (issue 5): each training record also contributes the
features of ``n_crops`` random sub-crops of it, labelled like the record, to the training
set of its own cross-validation fold only (the held-out fold is scored on whole records).
Crop positions are deterministic: a fixed crop seed and the record's position in the list
(so reordering the records changes the draw), independent of the CV seed.

The crops of a record of ``n`` samples are ``L = max(round(frac * n), round(min_s * fs))``
samples long; a record with less than 1 s of room (``L > n - fs``) gets no crop. The start
is uniform over ``0 .. n - L``. Caveat: an O or ~ record whose abnormality is one short
event can lose it in a crop; long crops (70 %) at half weight
(:class:`geoecg.estimators.af.CinC2017Classifier` ``crop_weight=0.5``) raised the 5-fold CV
AF F1 on the CinC 2017 subset by about 1 point (10 CV seeds; the exact crop draw moves it
by up to ~1 point per seed).
"""

from __future__ import annotations

import os

import numpy as np

from ..._validation import check_count, check_fs, check_not_one_signal, check_number

__all__ = ["crop_bounds", "af_crop_features", "append_crops"]

DEFAULT_CROP_SEED = 2017


def crop_bounds(
    n_samples: int,
    fs: float,
    n_crops: int,
    frac: float,
    *,
    min_s: float = 9.0,
    seed: int = DEFAULT_CROP_SEED,
    index: int = 0,
) -> np.ndarray:
    """Sample bounds of the random sub-crops of one record.

    Parameters
    ----------
    n_samples : int
        Record length in samples.
    fs : float
        Sampling frequency in Hz.
    n_crops : int
        Crops per record (>= 0).
    frac : float in (0, 1]
        Crop length as a fraction of the record length.
    min_s : float, default 9.0
        Minimum crop length in s (the shortest CinC 2017 record is 9 s).
    seed : int, default 2017
        Crop seed (>= 0); with ``index`` it fixes the positions.
    index : int, default 0
        Position of the record in its list (one random stream per record; >= 0).

    Returns
    -------
    ndarray of int64, shape (n_crops, 2) or (0, 2)
        ``[start, stop)`` sample indices; empty when the record has less than 1 s of room
        (``L > n_samples - fs``) or ``n_crops`` is 0.

    Examples
    --------
    >>> crop_bounds(9000, 300.0, 2, 0.7, index=3)[:, 1] - crop_bounds(9000, 300.0, 2, 0.7,
    ...     index=3)[:, 0]
    array([6300, 6300])
    >>> crop_bounds(2800, 300.0, 2, 0.7).shape   # 9.3 s record, 9 s crops: no room
    (0, 2)
    """
    if isinstance(n_crops, bool) or not isinstance(n_crops, (int, np.integer)) or n_crops < 0:
        raise ValueError(f"n_crops must be an integer >= 0, got {n_crops!r}")
    if not 0.0 < frac <= 1.0:
        raise ValueError(f"frac must be in (0, 1], got {frac!r}")
    fs = check_fs(fs)
    seed = check_count(seed, "seed")  # numpy's seed sequence takes integers >= 0
    index = check_count(index, "index")
    min_s = check_number(min_s, "min_s", minimum=0, strict=False, unit="s")
    n = int(n_samples)
    L = max(int(round(frac * n)), int(round(min_s * fs)))
    if n_crops == 0 or L > n - fs:
        return np.empty((0, 2), np.int64)
    rng = np.random.default_rng([int(seed), int(index)])
    st = rng.integers(0, n - L + 1, size=int(n_crops))
    return np.column_stack([st, st + L]).astype(np.int64)


def af_crop_features(
    signals,
    fs: float,
    n_crops: int,
    frac: float,
    *,
    min_s: float = 9.0,
    seed: int = DEFAULT_CROP_SEED,
    rhythm_profile: bool = False,
    keys=None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool | None = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Record features of the random sub-crops of many records.

    Parameters
    ----------
    signals : list of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    n_crops, frac, min_s, seed :
        As in :func:`~geoecg.features.af.crop_bounds` (``min_s`` in s); record ``i`` uses
        ``index=i``.
    rhythm_profile : bool, default False
        Append the 86 :func:`~geoecg.features.rhythm_profile_features`
        (cached like the record features) to the 107 record features.
    keys : list of str, optional
        Content key per record; with ``cache_dir`` the record features of each crop are
        cached under ``key|crop<start>:<stop>``.
    cache_dir : path-like, optional
        Cache folder (see :func:`~geoecg.features.af_record_features_batch`).
    progress : bool or None, default False
        Show a tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    F : ndarray, shape (n_total_crops, 107) or (n_total_crops, 193)
        Features of each crop (the order of the whole-record features).
    owner : ndarray of int64, shape (n_total_crops,)
        Index of the record each crop comes from (non-decreasing).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sigs = [rng.standard_normal(3000 * 4), rng.standard_normal(2800)]
    >>> F, owner = af_crop_features(sigs, 300.0, 2, 0.7)
    >>> F.shape[0], owner.tolist()   # the 9.3-s record gets no crop
    (2, [0, 0])
    """
    from ._cache import one_lead
    from .record import AF_RECORD_FEATURE_NAMES, af_record_features_batch

    check_not_one_signal(signals, "af_crop_features")
    fs = check_fs(fs)
    if keys is not None and len(keys) != len(signals):
        raise ValueError(f"keys has {len(keys)} entries for {len(signals)} signals")
    crops, owner, ckeys = [], [], []
    for i, s in enumerate(signals):
        x = one_lead(s, f"signals[{i}]")
        for a, b in crop_bounds(x.size, fs, n_crops, frac, min_s=min_s, seed=seed, index=i):
            crops.append(x[a:b])
            owner.append(i)
            ckeys.append(f"{keys[i] if keys is not None else i}|crop{a}:{b}")
    owner = np.asarray(owner, dtype=np.int64)
    F = af_record_features_batch(
        crops,
        fs,
        keys=ckeys if cache_dir is not None else None,
        cache_dir=cache_dir,
        progress=progress,
    )
    F = F.reshape(len(crops), len(AF_RECORD_FEATURE_NAMES))
    if rhythm_profile:
        from .rhythm_profile import RHYTHM_PROFILE_NAMES, rhythm_profile_features_batch

        extra = rhythm_profile_features_batch(
            crops,
            fs,
            keys=ckeys if cache_dir is not None else None,
            cache_dir=cache_dir,
            progress=progress,
        )
        F = np.hstack([F, extra.reshape(len(crops), len(RHYTHM_PROFILE_NAMES))])
    return F, owner


def append_crops(X, yi, classes, X_crops, y_crops, weight: float):
    """Training rows followed by crop rows, with class indices and sample weights.

    Parameters
    ----------
    X : ndarray, shape (n_records, n_features)
        Whole-record training features.
    yi : ndarray of int, shape (n_records,)
        Class index of each record (into ``classes``).
    classes : ndarray
        Sorted class labels.
    X_crops : array_like, shape (n_crops, n_features)
        Crop features (from :func:`~geoecg.features.af_crop_features`).
    y_crops : array_like, shape (n_crops,)
        Crop labels (in ``classes``).
    weight : float > 0
        Sample weight of each crop row (whole records weigh 1).

    Returns
    -------
    X_all : ndarray, shape (n_records + n_crops, n_features)
    yi_all : ndarray of int, shape (n_records + n_crops,)
    sample_weight : ndarray, shape (n_records + n_crops,)

    Examples
    --------
    >>> Xa, ya, w = append_crops(np.zeros((2, 3)), np.array([0, 1]), np.array(["A", "N"]),
    ...                          np.ones((1, 3)), ["N"], 0.5)
    >>> Xa.shape, ya.tolist(), w.tolist()
    ((3, 3), [0, 1, 1], [1.0, 1.0, 0.5])
    """
    import numbers

    if X_crops is None or y_crops is None:
        raise ValueError("give both X_crops and y_crops, or neither")
    if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not weight > 0:
        raise ValueError(f"crop_weight must be a number > 0, got {weight!r}")
    Xc = np.asarray(X_crops, dtype=np.float64)
    yc = np.asarray(y_crops)
    if Xc.ndim != 2 or Xc.shape[1] != X.shape[1]:
        raise ValueError(f"X_crops must have shape (n_crops, {X.shape[1]}), got {Xc.shape}")
    if yc.shape != (Xc.shape[0],):
        raise ValueError(f"y_crops has shape {yc.shape} for {Xc.shape[0]} crops")
    if np.isinf(Xc).any():
        raise ValueError("X_crops must not contain infinity")
    unknown = np.setdiff1d(yc, classes)
    if unknown.size:
        raise ValueError(f"y_crops has labels {unknown.tolist()} absent from y")
    yci = np.searchsorted(classes, yc)
    sw = np.r_[np.ones(X.shape[0]), np.full(Xc.shape[0], float(weight))]
    return np.vstack([X, Xc]), np.r_[yi, yci], sw
