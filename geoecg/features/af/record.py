"""Record-level features of a short single-lead ECG for N / A / O / ~ classification.

One vector per record (CinC 2017 style, 9-61 s): the AF statistics of
:mod:`geoecg.features.af.windows` on the whole RR series and on its ectopic-cleaned version, the 48
HRV indices, the seven SQIs, and median-beat morphology (P-wave presence and consistency,
QRS width, T-wave and ST level, beat-to-beat agreement). Names in
:data:`AF_RECORD_FEATURE_NAMES`.

The standalone RR-irregularity and atrial-activity features live in
:mod:`geoecg.features.af.rr_irregularity` and :mod:`geoecg.features.af.atrial`; their names
still import from here.
"""

from __future__ import annotations

import os

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..._three_d_input import ThreeDInputMixin
from ..._validation import (
    as_signal,
    check_fs,
    check_not_one_signal,
    check_sample_indices,
)
from ...signal import bandpass
from ..hrv import HRV_FEATURE_NAMES
from ..hrv_batch import hrv_features_batch
from ..rpeaks import detect_rpeaks
from ..rr_cleaning import clean_rr
from ..sqi import SQI_NAMES, sqi_features
from ._cache import cached_rows, one_lead
from .atrial import ATRIAL_NAMES, atrial_activity_features
from .rr_irregularity import RR_IRREG_NAMES, rr_irregularity_features
from .windows import AF_STAT_NAMES, af_window_stats, rr_windows

__all__ = [
    "AF_RECORD_FEATURE_NAMES",
    "MORPHOLOGY_NAMES",
    "morphology_features",
    "RR_IRREG_NAMES",
    "ATRIAL_NAMES",
    "rr_irregularity_features",
    "atrial_activity_features",
    "af_record_features",
    "af_record_features_batch",
    "AFRecordFeatures",
]

#: Median-beat morphology columns of :func:`af_record_features`, in order.
MORPHOLOGY_NAMES = (
    "R_amp",
    "R_sign",
    "QRS_width_ms",
    "P_amp_rel",
    "P_corr",
    "P_energy_ratio",
    "T_amp_rel",
    "ST_rel",
    "beat_corr_mean",
    "beat_corr_p10",
    "beat_resid",
    "signal_std",
    "hf_ratio",
)

_WIN_STATS = ("Irr_med", "Irr_frac", "nRMSSD_med", "COSEn_med", "TG_D_med")
_REC = ("duration_s", "n_beats", "beat_rate")
#: Names of :func:`af_record_features`, in order: duration (s), beat count and rate, the AF
#: statistics of the RR series and of its :func:`clean_rr` version (suffix ``_clean``), window
#: medians, the HRV indices, the SQIs and the median-beat morphology.
AF_RECORD_FEATURE_NAMES: tuple[str, ...] = (
    _REC
    + AF_STAT_NAMES
    + tuple(n + "_clean" for n in AF_STAT_NAMES)
    + _WIN_STATS
    + HRV_FEATURE_NAMES
    + SQI_NAMES
    + MORPHOLOGY_NAMES
)
#: Version of the feature definitions (part of the cache key).
FEATURE_VERSION = "af-record-2"


def _corr_rows(B: np.ndarray, t: np.ndarray) -> np.ndarray:
    Bc = B - B.mean(axis=1, keepdims=True)
    tc = t - t.mean()
    den = np.sqrt((Bc**2).sum(axis=1) * (tc**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (Bc @ tc) / np.where(den > 0, den, 1.0), np.nan)


def morphology_features(signal, fs: float, rpeaks) -> np.ndarray:
    """Median-beat morphology of one lead (values in the order of :data:`MORPHOLOGY_NAMES`).

    Beats are cut from -300 ms to +450 ms around each R-peak of the 0.5-40 Hz band-passed
    lead; the template is their sample-wise median, its baseline the median of -300 to
    -250 ms. P region: -250 to -80 ms; ST: +80 to +120 ms; T: +150 to +400 ms.

    ``R_amp`` (mV) and ``R_sign`` are the template's R deflection and its sign;
    ``QRS_width_ms`` the time within ±120 ms of R that the template stays above half the R
    deflection (a crude width); ``P_amp_rel`` and ``T_amp_rel`` the peak-to-peak of
    the P and T regions over ``|R_amp|``; ``P_corr`` the median correlation of each beat's P
    region with the template's; ``P_energy_ratio`` the energy of the template's P region
    over the mean energy of the beats' P regions (near 1 for a consistent P wave, small
    for fibrillatory waves that cancel in the median); ``ST_rel`` the ST level over
    ``|R_amp|``; ``beat_corr_*`` the correlation of each beat with the template;
    ``beat_resid`` the mean residual energy over the template energy; ``signal_std`` (mV)
    and ``hf_ratio`` (power above 40 Hz over total) describe the raw lead.

    Fewer than 3 beats with complete windows gives NaN for the template features.

    Parameters
    ----------
    signal : array_like, shape (n_samples,)
        One lead, mV.
    fs : float
        Sampling frequency, Hz.
    rpeaks : array_like of int
        R-peak sample indices (whole numbers; NaN, inf or fractional values raise a
        ``ValueError``; indices outside the signal are ignored).

    Returns
    -------
    ndarray of float64, shape (len(MORPHOLOGY_NAMES),)
        The features in the order of :data:`MORPHOLOGY_NAMES` (all NaN for a lead shorter
        than 1 s or with a non-finite sample).
    """
    x = as_signal(signal, "signal", ndims=(1,))  # inf or a string: an error, not NaN
    r_all = check_sample_indices(rpeaks, "rpeaks", allow_negative=True)  # NaN: an error
    out = np.full(len(MORPHOLOGY_NAMES), np.nan)
    if x.size < int(fs) or not np.all(np.isfinite(x)):
        return out
    out[11] = float(np.std(x))
    dx = np.diff(x)
    tot = float(np.sum(dx**2))
    y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs), 2)
    if tot > 0:
        out[12] = float(np.sum((dx - np.diff(y)) ** 2) / tot)
    pre, post = int(round(0.30 * fs)), int(round(0.45 * fs))
    r = r_all[(r_all >= pre) & (r_all + post < y.size)]
    if r.size < 3:
        return out
    B = y[r[:, None] + np.arange(-pre, post)[None, :]]
    t = np.median(B, axis=0)

    def idx(ms):
        return pre + int(round(ms * 1e-3 * fs))

    base = float(np.median(t[: idx(-250) + 1]))
    t0 = t - base
    rwin = t0[idx(-60) : idx(60) + 1]
    k = int(np.argmax(np.abs(rwin)))
    ramp = float(rwin[k])
    out[0] = abs(ramp)
    out[1] = np.sign(ramp)
    if ramp != 0:
        qrs = t0[idx(-120) : idx(120) + 1] * np.sign(ramp)
        out[2] = float(np.sum(qrs > 0.5 * abs(ramp))) / fs * 1e3
        p = t0[idx(-250) : idx(-80)]
        out[3] = float(np.ptp(p)) / abs(ramp)
        out[6] = float(np.ptp(t0[idx(150) : idx(400)])) / abs(ramp)
        out[7] = float(np.mean(t0[idx(80) : idx(120) + 1])) / abs(ramp)
    Bp = B[:, idx(-250) : idx(-80)]
    tp = t[idx(-250) : idx(-80)]
    c_p, c = _corr_rows(Bp, tp), _corr_rows(B, t)
    import warnings

    with warnings.catch_warnings():  # a flat lead: every correlation NaN -> NaN, no warning
        warnings.simplefilter("ignore", RuntimeWarning)
        out[4] = float(np.nanmedian(c_p))
        out[8] = float(np.nanmean(c))
        out[9] = float(np.nanpercentile(c, 10))
    pe = np.mean(np.sum((Bp - Bp.mean(axis=1, keepdims=True)) ** 2, axis=1))
    if pe > 0:
        out[5] = float(np.sum((tp - tp.mean()) ** 2) / pe)
    te = float(np.sum((t - t.mean()) ** 2))
    if te > 0:
        out[10] = float(np.mean(np.sum((B - t) ** 2, axis=1)) / te)
    return out


def af_record_features(signal, fs: float) -> np.ndarray:
    """Feature vector of one single-lead record (order of :data:`AF_RECORD_FEATURE_NAMES`).

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (1, n_samples)
        One lead in mV.
    fs : float
        Sampling frequency in Hz.

    Returns
    -------
    ndarray of float64, shape (n_features,)
        NaN where a feature is undefined (too few beats, flat lead).

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> from geoecg.io import CinC2017
    >>> db = CinC2017(sample_cinc2017_dir())
    >>> rec = db.read(db.records()[0])
    >>> v = af_record_features(rec.signal[0], rec.fs)
    >>> v.shape == (len(AF_RECORD_FEATURE_NAMES),)
    True
    """
    x = one_lead(signal, "signal")
    fs = check_fs(fs)
    out = np.full(len(AF_RECORD_FEATURE_NAMES), np.nan)
    dur = x.size / fs
    out[0] = dur
    finite = np.isfinite(x)
    if x.size < 2 * fs or finite.sum() < 2 * fs:
        return out  # no information: beat count and rate stay NaN
    if np.ptp(x[finite]) == 0:
        out[1] = 0.0
        out[2] = 0.0
        return out
    xf = np.where(finite, x, 0.0) if not finite.all() else x
    # no rhythm prior: AF features measure the irregularity the tracker would smooth away;
    # detection on the signal with its NaN gaps so that an interval across a gap is NaN
    res = detect_rpeaks(x, fs, track=False)
    peaks = res.indices
    rr = res.rr_ms
    out[1] = peaks.size
    out[2] = peaks.size / dur
    pos = 3
    na = len(AF_STAT_NAMES)
    if rr.size:
        rows = [rr]
        cl = clean_rr(rr, correct="nan").rr_ms if rr.size >= 4 else rr
        rows.append(cl)
        s = af_window_stats(np.vstack(rows))
        out[pos : pos + na] = s[0]
        out[pos + na : pos + 2 * na] = s[1]
    pos += 2 * na
    if rr.size >= 12:
        w = af_window_stats(rr_windows(rr, 12), min_intervals=8)
        irr = w[:, list(AF_STAT_NAMES).index("Irr")]
        with np.errstate(invalid="ignore"):
            out[pos] = np.nanmedian(irr) if np.isfinite(irr).any() else np.nan
            out[pos + 1] = np.nanmean(irr > 0.06) if np.isfinite(irr).any() else np.nan
        for j, name in enumerate(("nRMSSD", "COSEn", "TG_D")):
            col = w[:, list(AF_STAT_NAMES).index(name)]
            out[pos + 2 + j] = np.nanmedian(col) if np.isfinite(col).any() else np.nan
    pos += len(_WIN_STATS)
    if rr.size:
        out[pos : pos + len(HRV_FEATURE_NAMES)] = hrv_features_batch([rr])[0]
    pos += len(HRV_FEATURE_NAMES)
    q = sqi_features(xf, fs, rpeaks=peaks)
    out[pos : pos + len(SQI_NAMES)] = [q[k] for k in SQI_NAMES]
    pos += len(SQI_NAMES)
    out[pos:] = morphology_features(xf, fs, peaks)
    return out


def af_record_features_batch(
    signals,
    fs: float,
    *,
    keys=None,
    cache_dir: str | os.PathLike | None = None,
    progress: bool | None = False,
) -> np.ndarray:
    """:func:`af_record_features` of many records, cached per record.

    Parameters
    ----------
    signals : list of array_like
        One lead per record, ``(n_samples,)`` or ``(1, n_samples)``, in mV.
    fs : float
        Sampling frequency in Hz (all records).
    keys : list of str, optional
        A key per record that identifies its content (e.g. the name and a digest of
        its files); needed for the cache.
    cache_dir : path-like, optional
        Folder of the per-record cache (one ``.npy`` per record, keyed by
        ``FEATURE_VERSION``, the key and ``fs``).
    progress : bool or None, default False
        Show a tqdm bar on stderr (None: only when stderr is a terminal).

    Returns
    -------
    ndarray, shape (n_records, n_features)

    Raises
    ------
    ValueError
        ``signals`` is one signal (a 1-D array or a list of numbers), not a list of records.

    Examples
    --------
    Two CinC 2017 records (300 Hz, mV); a second call with the same keys reads the cache:

    >>> import os, tempfile
    >>> import numpy as np
    >>> from geoecg.io import CinC2017
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> X, y = CinC2017(sample_cinc2017_dir()).load()
    >>> [x.shape[-1] / 300 for x in X[:2]]  # durations, s
    [30.0, 60.0]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     F = af_record_features_batch(X[:2], 300.0, keys=["A00004", "A00005"], cache_dir=tmp)
    ...     n_cached = len(os.listdir(tmp))
    ...     again = af_record_features_batch(X[:2], 300.0, keys=["A00004", "A00005"], cache_dir=tmp)
    >>> F.shape, n_cached, bool(np.array_equal(F, again, equal_nan=True))
    ((2, 107), 2, True)
    >>> cols = [AF_RECORD_FEATURE_NAMES.index(n) for n in ("duration_s", "n_beats", "MeanRR")]
    >>> F[:, cols].round().tolist()  # s, beats, ms (both records are labelled AF)
    [[30.0, 31.0, 947.0], [60.0, 111.0, 542.0]]
    """
    check_not_one_signal(signals, "af_record_features_batch")
    return cached_rows(
        af_record_features,
        signals,
        fs,
        len(AF_RECORD_FEATURE_NAMES),
        prefix=FEATURE_VERSION,
        keys=keys,
        cache_dir=cache_dir,
        progress=progress,
        desc="AF features",
    )


class AFRecordFeatures(ThreeDInputMixin, TransformerMixin, BaseEstimator):
    """Transformer: single-lead records -> :func:`af_record_features` matrix.

    Parameters
    ----------
    fs : float
        Sampling frequency in Hz of every record.

    Examples
    --------
    >>> from geoecg.io import CinC2017
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> X, y = CinC2017(sample_cinc2017_dir()).load()
    >>> F = AFRecordFeatures(fs=300).fit_transform(X[:2])
    >>> F.shape == (2, len(AF_RECORD_FEATURE_NAMES))
    True
    """

    _requires_fit = False  # transform works without fit

    def __init__(self, fs: float = 300.0):
        self.fs = fs

    def fit(self, X, y=None):
        """Nothing is learned; records the feature names. Returns self."""
        self.n_features_out_ = len(AF_RECORD_FEATURE_NAMES)
        return self

    def transform(self, X) -> np.ndarray:
        """Feature matrix ``(n_records, n_features)`` (NaN where undefined)."""
        check_not_one_signal(X, "AFRecordFeatures")
        return af_record_features_batch(list(X), self.fs)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the record features."""
        return np.asarray(AF_RECORD_FEATURE_NAMES, dtype=object)
