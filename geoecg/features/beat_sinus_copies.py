"""Sinus-referenced copies of the ventricular-complex columns of a beat table.

Registry item 31 of the beats benchmark: beside the unchanged columns and their all-beats
record-standardised copies (``rs_*``), each record's QRS and T columns (widths, fiducial and
amplitude deviations, template correlations and differences, wavelet and higher-order
deviations, ``dom_qrs_*`` and ``dom_t_*``) get a second copy ``sr_<name>``, centred and
scaled (median / IQR) on the record's sinus-like beats only. RR, P-wave and rhythm-context
columns get no such copy: the S cues stay as in the default; a ventricular beat is measured
against the patient's sinus complex even when ectopic beats are a large share of the record.
Labels are never read.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

__all__ = [
    "SINUS_REFERENCE_MIN_BEATS",
    "sinus_morphology_columns",
    "sinus_morphology_copies",
    "sinus_reference_rows",
]

#: Fewer sinus-like beats than this in a record: :func:`sinus_reference_rows` takes them all.
SINUS_REFERENCE_MIN_BEATS = 10

_VENTRICULAR = re.compile(
    r"^(qrs_width|qrs_on_dev|qrs_off_dev|q_pos_dev|s_pos_dev|r_amp_dev|qrs_max_dev"
    r"|qrs_min_dev|s_amp_dev|qrs_width_dev|corr_full|corr_qrs|diff_rms|wav_a\d+_dev"
    r"|(skew|kurt)_(beat|qrs)_dev|qrs_diff|dom_qrs_corr|dom_qrs_amp|t_pos_dev|t_end_dev"
    r"|t_amp_dev|qt_dev|corr_t|t_diff|dom_t_corr|dom_t_diff)_l\d+$"
)


def sinus_morphology_columns(names) -> np.ndarray:
    """Mask of the QRS/T (ventricular-complex) columns that get a sinus-referenced copy.

    Parameters
    ----------
    names : sequence of str
        Column names of :func:`~geoecg.features.beat_dominant.record_beat_table`.

    Returns
    -------
    ndarray of bool, shape (len(names),)
        True for per-lead QRS and T columns of the ``"transfer"`` feature set; False for RR,
        P-wave (``p_*``, ``pr_dev``, ``corr_p``, ``dom_p_*``), rhythm-context and absolute
        fiducial columns.

    Examples
    --------
    >>> sinus_morphology_columns(["rr_pre_norm", "corr_qrs_l0", "p_amp_dev_l0", "qt_dev_l1",
    ...                           "r_amp_l0", "dom_qrs_corr_l0", "dom_p_corr_l0"]).tolist()
    [False, True, False, True, False, True, False]
    """
    if isinstance(names, str):
        raise TypeError("names must be a sequence of column names, not one string")
    return np.asarray([bool(_VENTRICULAR.search(str(n))) for n in names], dtype=bool)


def sinus_reference_rows(X, names, *, min_beats=SINUS_REFERENCE_MIN_BEATS) -> np.ndarray:
    """Label-free rows of one record's sinus-like beats: not premature against its own rhythm.

    A beat is sinus-like when its ``dom_rr_pre`` (RR before the beat over the record's sinus
    RR reference, :func:`~geoecg.features.beat_dominant.dominant_beat_features`) is at least
    0.88, the module's threshold for "not premature" (NaN: not sinus-like).

    Parameters
    ----------
    X : array_like, shape (n_beats, n_features)
        One record's beat table.
    names : sequence of str
        Its column names; must contain ``dom_rr_pre``.
    min_beats : int, default :data:`SINUS_REFERENCE_MIN_BEATS`
        Fewer sinus-like beats than this (3-beat records, all-ectopic records, long NaN
        gaps): every row is the reference (the all-beats standardisation of ``rs_*``).

    Returns
    -------
    ndarray of bool, shape (n_beats,)

    Raises
    ------
    ValueError
        ``dom_rr_pre`` not among ``names``, or ``X`` not 2-D with ``len(names)`` columns.

    Examples
    --------
    >>> X = np.array([[1.0], [0.6], [0.95], [np.nan]])
    >>> sinus_reference_rows(X, ["dom_rr_pre"], min_beats=2).tolist()
    [True, False, True, False]
    >>> sinus_reference_rows(X, ["dom_rr_pre"], min_beats=3).tolist()
    [True, True, True, True]
    """
    from .beat_dominant import _SINUS

    names = [str(s) for s in names]
    if "dom_rr_pre" not in names:
        raise ValueError(
            "sinus-referenced copies need the column dom_rr_pre (record_beat_table's tables), "
            f"got {len(names)} columns without it"
        )
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(names):
        raise ValueError(f"X must be 2-D with {len(names)} columns, got shape {X.shape}")
    with np.errstate(invalid="ignore"):
        ref = X[:, names.index("dom_rr_pre")] >= _SINUS
    return ref if int(ref.sum()) >= int(min_beats) else np.ones(X.shape[0], dtype=bool)


def sinus_morphology_copies(X, names):
    """The ``sr_*`` columns of one record: its QRS/T columns standardised on its sinus beats.

    Parameters
    ----------
    X : array_like, shape (n_beats, n_features)
        One record's beat table (any unit; the copies are unitless).
    names : sequence of str
        Its column names (with ``dom_rr_pre``).

    Returns
    -------
    copies : ndarray, shape (n_beats, k)
        ``(x - median) / IQR`` of the :func:`sinus_morphology_columns`, median and IQR over
        :func:`sinus_reference_rows` (NaN ignored; a zero or undefined IQR: only re-centred;
        an all-NaN column stays NaN). Zero rows: an empty array.
    copy_names : list of str
        ``sr_<name>`` of each copied column.

    Examples
    --------
    >>> X = np.c_[np.r_[np.ones(12), 0.6, 0.6], np.r_[np.arange(12.0), 40.0, 50.0]]
    >>> V, nm = sinus_morphology_copies(X, ["dom_rr_pre", "corr_qrs_l0"])
    >>> nm, round(float(V[6, 0]), 3), round(float(V[-1, 0]), 2)
    (['sr_corr_qrs_l0'], 0.091, 8.09)
    """
    names = [str(s) for s in names]
    ref = sinus_reference_rows(X, names)
    cols = np.flatnonzero(sinus_morphology_columns(names))
    V = np.asarray(X, dtype=np.float64)[:, cols]
    out_names = [f"sr_{names[c]}" for c in cols]
    if V.shape[0] == 0:
        return V.copy(), out_names
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(V[ref], axis=0)
        q1, q3 = np.nanpercentile(V[ref], [25.0, 75.0], axis=0)
    iqr = q3 - q1
    out = (V - np.where(np.isfinite(med), med, 0.0)) / np.where(
        np.isfinite(iqr) & (iqr > 0), iqr, 1.0
    )
    return out, out_names
