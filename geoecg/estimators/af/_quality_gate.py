"""Records without a measurable ECG: a fixed signal-quality gate before the N / A / O / ~ call.

A record whose lead is dead, flat, saturated or unreadable holds no rhythm to classify, yet a
classifier trained on record features still returns N, A or O for it; at a population's
natural prior (CinC 2017: ~ 3.3 %) the prior correction pushes such records further away from
the noisy class. :func:`ecg_quality_gate` names those records from the record features of
:func:`~geoecg.features.af_record_features` (R-peak count and rate from
:func:`geoecg.features.detect_rpeaks`, flat and clipped fractions from
:func:`geoecg.features.sqi.sqi_features`), with thresholds fixed from physical definitions
(none is fitted or chosen on data):

=====================  =====================================================================
reason                 definition
=====================  =====================================================================
unreadable             fewer than 2 s of finite samples (the record features are NaN)
flat lead              the finite samples have no amplitude (peak-to-peak 0)
flat or saturated      more than half of the samples in flat runs (``flatFrac``: ``|step|``
                       <= 1 uV for >= 50 ms) or clipped runs (``clipFrac``: >= 20 ms within
                       1 uV of the extreme)
too few beats          fewer than 5 R-peaks detected (under 4 RR intervals: no RR statistic)
implausible rate       detected rate below 20 or above 300 beats/min over the record (below
                       any sustained escape rhythm; above any conducted ventricular rate)
=====================  =====================================================================

Registry item 14 of issue 18 (docs/benchmarks/af.md, session 19) adopted it in the
prior-shift protocol (``AFPriorShiftModel(quality_gate="auto")``, the default).
"""

from __future__ import annotations

import numpy as np

__all__ = ["GATE_LABEL", "GATE_THRESHOLDS", "ecg_quality_gate", "gate_applies"]

#: Label given to a record without a measurable ECG (CinC 2017's noisy class).
GATE_LABEL = "~"
#: Fixed thresholds of :func:`ecg_quality_gate` (physical definitions, not fitted).
GATE_THRESHOLDS = {
    "min_beats": 5,
    "min_rate_bpm": 20.0,
    "max_rate_bpm": 300.0,
    "max_flat_clip_frac": 0.5,
}


def _record_columns() -> dict:
    from ...features.af.record import AF_RECORD_FEATURE_NAMES

    names = AF_RECORD_FEATURE_NAMES
    cols = ("duration_s", "n_beats", "beat_rate", "flatFrac", "clipFrac")
    return {c: names.index(c) for c in cols} | {"n": len(names)}


def ecg_quality_gate(X) -> np.ndarray:
    """Why each record has no measurable ECG ("" when it has one).

    Parameters
    ----------
    X : array_like, shape (n_records, n_features)
        Record features whose first columns are :func:`~geoecg.features.af_record_features`
        (107 columns, in the order of ``AF_RECORD_FEATURE_NAMES``; further columns, such as
        the rhythm profile of :func:`geoecg.features.af.af_feature_matrix`, are ignored).
        Read: ``duration_s`` (s), ``n_beats`` (R-peaks), ``beat_rate`` (R-peaks per second),
        ``flatFrac`` and ``clipFrac`` (fractions of samples, 0-1).

    Returns
    -------
    reasons : ndarray of str, shape (n_records,)
        "" for a record with a measurable ECG, else a sentence a user can read naming the
        measured value and the threshold (see the module table; thresholds in
        :data:`GATE_THRESHOLDS`). The first failing test is named, in the table's order.

    Raises
    ------
    ValueError
        ``X`` is not 2-D or has fewer columns than the 107 record features.

    Examples
    --------
    >>> from geoecg.features.af.record import af_record_features
    >>> flat = np.zeros(3000)  # 10 s at 300 Hz: a dead lead
    >>> unread = np.full(3000, np.nan)  # nothing readable
    >>> X = np.vstack([af_record_features(flat, 300.0), af_record_features(unread, 300.0)])
    >>> for reason in ecg_quality_gate(X):
    ...     print(reason)
    flat lead: the signal has no amplitude (peak-to-peak 0 mV)
    unreadable: fewer than 2 s of finite samples
    """
    X = np.asarray(X, dtype=np.float64)
    c = _record_columns()
    if X.ndim != 2 or X.shape[1] < c["n"]:
        raise ValueError(
            f"X must be (n_records, n_features) whose first {c['n']} columns are the record "
            f"features of af_record_features, got shape {X.shape}"
        )
    t = GATE_THRESHOLDS
    nb, rate = X[:, c["n_beats"]], X[:, c["beat_rate"]] * 60.0
    flat, clip = X[:, c["flatFrac"]], X[:, c["clipFrac"]]
    out = np.full(X.shape[0], "", dtype=object)
    for i in range(X.shape[0]):
        fc = float(np.nan_to_num(flat[i]) + np.nan_to_num(clip[i]))
        if not np.isfinite(nb[i]):
            out[i] = "unreadable: fewer than 2 s of finite samples"
        elif nb[i] == 0 and not np.isfinite(flat[i]):
            out[i] = "flat lead: the signal has no amplitude (peak-to-peak 0 mV)"
        elif fc > t["max_flat_clip_frac"]:
            out[i] = (
                f"flat or saturated: {100 * np.nan_to_num(flat[i]):.0f} % of the samples in "
                f"flat runs and {100 * np.nan_to_num(clip[i]):.0f} % in clipped runs (the two "
                f"fractions add to more than {100 * t['max_flat_clip_frac']:.0f} %; a clipped "
                "run is also flat, so a sample can count twice)"
            )
        elif nb[i] < t["min_beats"]:
            out[i] = f"too few beats: {int(nb[i])} R-peaks detected (fewer than {t['min_beats']})"
        elif not np.isfinite(rate[i]) or not t["min_rate_bpm"] <= rate[i] <= t["max_rate_bpm"]:
            out[i] = (
                f"implausible rate: {rate[i]:.0f} beats/min detected (outside "
                f"{t['min_rate_bpm']:.0f}-{t['max_rate_bpm']:.0f})"
            )
    return out.astype(str)


def gate_applies(setting, X, classes) -> bool:
    """Whether a ``quality_gate`` setting gates records of ``X`` for a model with ``classes``.

    Parameters
    ----------
    setting : {"auto", True, False}
        ``"auto"``: gate when ``X`` has the 107 record-feature columns and ``"~"`` is a
        class; True: gate (ValueError when it cannot); False: never.
    X : array_like, shape (n_records, n_features)
    classes : array_like of labels

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        ``setting`` is none of the three, or True where ``X`` lacks the record features or
        ``"~"`` is not a class.
    """
    if isinstance(setting, str) and setting == "auto":
        auto = True
    elif isinstance(setting, (bool, np.bool_)):
        auto = False
        if not setting:
            return False
    else:
        raise ValueError(f"quality_gate must be 'auto', True or False, got {setting!r}")
    shape = np.shape(X)
    n = _record_columns()["n"]
    has_cols = len(shape) == 2 and shape[1] >= n
    has_label = GATE_LABEL in np.asarray(classes).astype(str).tolist()
    if auto:
        return has_cols and has_label
    if not has_cols:
        raise ValueError(
            f"quality_gate needs the {n} record features of af_record_features as the first "
            f"columns of X, got shape {shape}"
        )
    if not has_label:
        raise ValueError(
            f"quality_gate gives gated records the label {GATE_LABEL!r}, which is not one of "
            f"the classes {np.asarray(classes).tolist()}"
        )
    return True
