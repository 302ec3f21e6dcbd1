"""Label-free sinus reference of one record: beats with a consistent P wave, PR and RR.

The relative beat features (:func:`~geoecg.features.beat_dominant.dominant_beat_features`,
:func:`~geoecg.features.beat_sinus.sinus_relative_features`) compare each beat with the
record's *sinus* beats. Taking the majority QRS as the sinus beat fails when ectopic beats
are half of the record or more (bigeminy, runs): the reference is then contaminated or is
the ectopic beat itself. :func:`sinus_reference_beats` instead picks the beats that look
conducted from the sinus node, without labels:

1. not premature: ``rr_pre`` >= 0.88 x the local RR reference (the 70th percentile of the
   RR intervals within +-90 s; premature beats only shorten intervals);
2. a P wave: the P region (-300..-50 ms) correlates >= 0.7 with the record's P template
   (median over the beats of step 1) at its best shift within +-60 ms, with an RMS of
   0.5-2.0 x the template's; a consistent PR: that best shift within +-20 ms of the median
   shift of the beats with a P wave;
3. a conducted QRS: correlation >= 0.9 and peak-to-peak ratio 0.6-1.6 against the median
   QRS (+-100 ms) of the beats passing 1-2;
4. once more, with the RR reference from the intervals joining two candidates and the
   templates from the candidates.

With fewer than 20 candidates, fewer than 20 % of the beats, or a flat P template (atrial
fibrillation, paced rhythm, no P wave), the reference falls back to the majority QRS and
says why. All windows are in ms (any sampling rate); the first lead is used.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_names
from ..signal import bandpass
from ..signal._validate import check_fs
from .beats import as_record_signal, as_rpeaks

__all__ = ["REFERENCES", "BeatReferenceColumns", "SinusReference", "sinus_reference_beats"]

#: ``reference`` values of :func:`~geoecg.features.beat_dominant.record_beat_table`.
REFERENCES = ("majority", "sinus-p", "both")

_PREMATURE = 0.88  # rr_pre below this fraction of the RR reference: premature
_HORIZON_S = 90.0  # half-width of the local RR reference window, s
_QUANTILE = 70.0  # percentile of the RR intervals taken as the reference
_P_MS = (-300.0, -50.0)  # P region relative to the R-peak, ms
_LAG_MS = 60.0  # P shifts searched, ms
_P_CORR = 0.7  # best P correlation for "has a P wave"
_P_RMS = (0.5, 2.0)  # P-region RMS over the template's
_PR_TOL_MS = 20.0  # best shift within this of the median shift: consistent PR
_QRS_MS = 100.0  # QRS half-width, ms
_QRS_CORR = 0.9
_QRS_AMP = (0.6, 1.6)
_MIN_BEATS = 20
_MIN_FRAC = 0.2


class SinusReference(NamedTuple):
    """Sinus beats of one record.

    Attributes
    ----------
    mask : ndarray of bool, shape (n_beats,)
        The reference (sinus) beats; all False when ``method == "majority"``.
    method : {"sinus-p", "majority"}
        ``"majority"``: the P/PR reference did not hold; use the majority QRS.
    reason : str
        Why it fell back ("" when it holds).
    """

    mask: np.ndarray
    method: str
    reason: str


def _windows(x, r, lo, hi):
    idx = r[:, None] + np.arange(lo, hi)[None, :]
    inside = (idx >= 0) & (idx < x.size)
    return np.where(inside, x[np.clip(idx, 0, x.size - 1)], np.nan)


def _corr(B, t):
    Bc = B - B.mean(axis=1, keepdims=True)
    tc = t - t.mean()
    den = np.sqrt((Bc**2).sum(axis=1) * (tc**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (Bc @ tc) / np.where(den > 0, den, 1.0), np.nan)


def _rr_reference(rr, t_mid, ok):
    """70th percentile of the ``ok`` intervals within +-90 s of each interval."""
    lo = np.searchsorted(t_mid, t_mid - _HORIZON_S, side="left")
    hi = np.searchsorted(t_mid, t_mid + _HORIZON_S, side="right")
    vals = np.where(ok, rr, np.nan)
    rec = np.nanpercentile(vals, _QUANTILE) if np.isfinite(vals).any() else np.median(rr)
    ref = np.full(rr.size, rec)
    for j, (a, b) in enumerate(zip(lo, hi, strict=True)):
        w = vals[a:b]
        if np.isfinite(w).sum() >= 8:
            ref[j] = np.percentile(w[np.isfinite(w)], _QUANTILE)
    return ref


def _p_match(W, m, tpl):
    """Best correlation of each P region with ``tpl`` over shifts -m..m and that shift."""
    width = W.shape[1] - 2 * m
    best = np.full(W.shape[0], -np.inf)
    lag = np.zeros(W.shape[0])
    for s in range(-m, m + 1):
        Ws = W[:, m + s : m + s + width]
        ok = np.all(np.isfinite(Ws), axis=1)
        c = np.where(ok, _corr(np.where(ok[:, None], Ws, 0.0), tpl), -np.inf)
        better = c > best
        best = np.where(better, c, best)
        lag = np.where(better, s, lag)
    return best, lag


def sinus_reference_beats(signal, rpeaks, fs: float, *, prefilter: bool = True):
    """The beats of one record conducted from the sinus node (P wave, PR and RR; no labels).

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        One record, mV; the first lead is used.
    rpeaks : array_like of int
        R-peak sample indices of every beat, strictly increasing.
    fs : float
        Sampling frequency, Hz.
    prefilter : bool, default True
        Band-pass 0.5-40 Hz (zero phase) first; False for an already filtered signal.

    Returns
    -------
    SinusReference
        ``mask`` (the sinus beats), ``method`` (``"sinus-p"`` or ``"majority"`` when it
        falls back) and ``reason``. See the module docstring for the steps and constants.

    Examples
    --------
    A record without P waves falls back to the majority QRS, with the reason:

    >>> ref = sinus_reference_beats(np.zeros(8400), np.arange(1, 41) * 200, 250.0)
    >>> ref.method, ref.reason, int(ref.mask.sum())
    ('majority', 'flat P template (no P wave)', 0)

    The synthetic bigeminy, trigeminy, SVT-run, pause and AF records of
    ``tests/test_beat_reference.py`` show which beats it picks.
    """
    fs = check_fs(fs)
    x = as_record_signal(signal)
    r = as_rpeaks(rpeaks, x.shape[1])
    n = r.size

    def fallback(reason):
        return SinusReference(np.zeros(n, dtype=bool), "majority", reason)

    if n < _MIN_BEATS:
        return fallback(f"{n} beats (< {_MIN_BEATS})")
    x0 = x[0]
    if prefilter:
        x0 = bandpass(x0, fs, 0.5, min(40.0, 0.45 * fs))
    x0 = np.where(np.isfinite(x0), x0, 0.0)
    rr = np.diff(r) / fs
    t_mid = 0.5 * (r[:-1] + r[1:]) / fs
    m = int(round(_LAG_MS * fs / 1000.0))
    a = int(round(_P_MS[0] * fs / 1000.0))
    b = max(int(round(_P_MS[1] * fs / 1000.0)), a + 2)
    W = _windows(x0, r, a - m, b + m)
    core = W[:, m : W.shape[1] - m]
    p_fin = np.all(np.isfinite(core), axis=1)
    q = int(round(_QRS_MS * fs / 1000.0))
    Q = _windows(x0, r, -q, q + 1)
    q_fin = np.all(np.isfinite(Q), axis=1)
    tol = _PR_TOL_MS * fs / 1000.0
    cand = None
    for _ in range(2):
        ok = np.ones(n - 1, dtype=bool) if cand is None else cand[:-1] & cand[1:]
        ref = _rr_reference(rr, t_mid, ok)
        with np.errstate(invalid="ignore", divide="ignore"):
            pre = np.r_[np.nan, rr / ref]
        not_pre = np.nan_to_num(pre, nan=1.0) >= _PREMATURE
        base = (not_pre if cand is None else cand) & p_fin
        if base.sum() < _MIN_BEATS:
            return fallback("too few non-premature beats with a whole P region")
        tpl = np.median(core[base], axis=0)
        scale = float(np.sqrt(np.mean((tpl - tpl.mean()) ** 2)))
        if not scale > 1e-6 * (np.ptp(Q[q_fin]) if q_fin.any() else 1.0):
            return fallback("flat P template (no P wave)")
        best, lag = _p_match(W, m, tpl)
        with np.errstate(invalid="ignore", divide="ignore"):
            rms = np.sqrt(np.mean((core - core.mean(axis=1, keepdims=True)) ** 2, axis=1))
            has_p = (best >= _P_CORR) & (rms / scale >= _P_RMS[0]) & (rms / scale <= _P_RMS[1])
        if (has_p & not_pre).sum() < _MIN_BEATS:
            return fallback("too few beats with a P wave like the record's P template")
        pr_ok = np.abs(lag - np.median(lag[has_p & not_pre])) <= tol
        c1 = not_pre & has_p & pr_ok & q_fin
        src = c1 if cand is None else cand & q_fin
        if src.sum() < _MIN_BEATS:
            return fallback("too few beats with a consistent PR")
        qt = np.median(Q[src], axis=0)
        span = float(np.ptp(qt))
        qc = _corr(np.where(q_fin[:, None], Q, 0.0), qt)
        with np.errstate(invalid="ignore", divide="ignore"):
            amp = np.ptp(np.where(q_fin[:, None], Q, 0.0), axis=1) / span
        cand = c1 & (qc >= _QRS_CORR) & (amp >= _QRS_AMP[0]) & (amp <= _QRS_AMP[1])
    need = max(_MIN_BEATS, int(np.ceil(_MIN_FRAC * n)))
    if cand.sum() < need:
        return fallback(f"{int(cand.sum())} sinus candidates (< {need})")
    return SinusReference(cand, "sinus-p", "")


def _twin(name):
    """``sp_`` twin of a column name (``rs_<name>`` -> ``rs_sp_<name>``)."""
    return f"rs_sp_{name[3:]}" if name.startswith("rs_") else f"sp_{name}"


class BeatReferenceColumns(TransformerMixin, BaseEstimator):
    """Pick one sinus reference's columns from a table that holds both.

    A table of :func:`~geoecg.features.beat_dominant.record_beat_table` with
    ``reference="both"`` holds the majority-reference columns and their P/PR-reference twins
    ``sp_<name>`` (and, after :func:`~geoecg.features.beat_records.stack_beat_tables` with
    ``adapt``, ``rs_<name>`` and ``rs_sp_<name>``). This step returns the columns without
    ``sp_``, in their order, each replaced by its twin under ``reference="sinus-p"``, so the
    steps after it (:func:`~geoecg.estimators.heartbeat.make_beat_pipeline` on
    :attr:`feature_names_out_`) see the same names under either reference.

    Parameters
    ----------
    feature_names : sequence of str
        Names of the input columns.
    reference : {"majority", "sinus-p"}, default "majority"

    Attributes
    ----------
    columns_ : ndarray of int
        Input column of each output column.
    feature_names_out_ : ndarray of str
        The names without ``sp_`` (the same for both references).

    Examples
    --------
    >>> names = ["rr_pre", "dom_rr_pre", "sp_dom_rr_pre"]
    >>> X = np.array([[1.0, 2.0, 3.0]])
    >>> BeatReferenceColumns(names, "sinus-p").fit_transform(X)
    array([[1., 3.]])
    >>> BeatReferenceColumns(names).fit(X).get_feature_names_out().tolist()
    ['rr_pre', 'dom_rr_pre']
    """

    def __init__(self, feature_names=(), reference="majority"):
        self.feature_names = feature_names
        self.reference = reference

    def fit(self, X, y=None):
        """Resolve the columns; returns self."""
        names = check_names(self.feature_names, "feature_names")
        X = validate_data(self, X, ensure_all_finite="allow-nan", dtype=np.float64)
        if len(names) != X.shape[1]:
            raise ValueError(f"feature_names has {len(names)} names, X has {X.shape[1]} columns")
        if self.reference not in ("majority", "sinus-p"):
            raise ValueError(f"reference must be 'majority' or 'sinus-p', got {self.reference!r}")
        pos = {n: i for i, n in enumerate(names)}
        base = [n for n in names if not n.startswith(("sp_", "rs_sp_"))]
        if self.reference == "sinus-p" and len(base) == len(names):
            raise ValueError(
                "reference='sinus-p' needs the sp_<name> columns of "
                "record_beat_table(reference='both') among feature_names"
            )
        pick = [_twin(n) if self.reference == "sinus-p" and _twin(n) in pos else n for n in base]
        self.columns_ = np.asarray([pos[n] for n in pick], dtype=np.int64)
        self.feature_names_out_ = np.asarray(base, dtype=object)
        return self

    def transform(self, X):
        """The picked columns."""
        check_is_fitted(self, "columns_")
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        return X[:, self.columns_]

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns (without ``sp_``)."""
        check_is_fitted(self, "columns_")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
