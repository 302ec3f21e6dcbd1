"""Per-beat features for heartbeat classification: RR, fiducial morphology, template
correlation, wavelet coefficients and higher-order statistics; :class:`BeatFeatures`.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pywt
from sklearn.utils.validation import check_is_fitted

from .._kernels import beats as _k
from .._validation import check_flag, flat_leads
from ..signal import bandpass
from ..signal._validate import check_fs
from ._fitted_names import _FittedNamesTransformer
from .beats import as_record_signal, as_rpeaks, median_template, segment_beats, template_correlation

__all__ = [
    "BEAT_FEATURE_BLOCKS",
    "BeatFeatureTable",
    "BeatFeatures",
    "beat_features",
    "patient_relative_mask",
    "rr_features",
    "RR_FEATURE_NAMES",
]

#: RR feature names (de Chazal et al. 2004, with the normalised ratios of later work).
RR_FEATURE_NAMES = (
    "rr_pre", "rr_post", "rr_local", "rr_record",
    "rr_pre_norm", "rr_post_norm", "rr_local_norm", "rr_pre_local", "rr_post_pre",
    "rr_local_cv", "rr_pre_prev",
    "rr_pre_past", "rr_pre_lmed", "rr_post_lmed", "rr_pre_rmed", "rr_irreg",
)  # fmt: skip

_FID_POS = ("qrs_on", "qrs_off", "q_pos", "s_pos", "t_pos", "t_end", "p_pos")
_FID_AMP = ("r_amp", "qrs_max", "qrs_min", "s_amp", "t_amp", "p_amp")
_FID_DERIVED = ("qrs_width", "pr", "qt")
_FIDUCIAL = _FID_POS + _FID_AMP + _FID_DERIVED
_TEMPLATE = ("corr_full", "corr_qrs", "corr_p", "corr_t", "diff_rms")
_WAVE_MS = (-250.0, 450.0)  # window of the wavelet and HOS features, ms around R
_WAVE_N = 128  # samples it is resampled to (so the coefficients do not depend on fs)
_WAVE_LEVEL = 3
_HOS = ("skew_beat", "kurt_beat", "skew_qrs", "kurt_qrs")
_REL_DIFF = ("p_diff", "qrs_diff", "t_diff")

#: Feature blocks of :func:`~geoecg.features.beat_features` and their per-lead names (``rr``
#: is not per lead).
BEAT_FEATURE_BLOCKS = {
    "rr": RR_FEATURE_NAMES,
    "fiducial": _FIDUCIAL + tuple(f"{n}_dev" for n in _FIDUCIAL),
    "template": _TEMPLATE,
    "wavelet": tuple(f"wav_a{i}" for i in range(_WAVE_N >> _WAVE_LEVEL)),
    "hos": _HOS,
    "relative": tuple(f"wav_a{i}_dev" for i in range(_WAVE_N >> _WAVE_LEVEL))
    + tuple(f"{n}_dev" for n in _HOS)
    + _REL_DIFF,
}


#: Features left out by :func:`patient_relative_mask`: RR intervals in ms and the raw
#: (record-dependent) wavelet and HOS shape, whose patient-relative versions are kept.
ABSOLUTE_FEATURE_PATTERNS = (
    r"^rr_(pre|post|local|record)$",
    r"^wav_a\d+_l\d+$",
    r"^(skew|kurt)_(beat|qrs)_l\d+$",
)


def patient_relative_mask(names) -> np.ndarray:
    """Boolean mask of the feature names to keep for inter-patient classification.

    Drops ``ABSOLUTE_FEATURE_PATTERNS`` (RR in ms, raw wavelet and HOS), keeping the
    RR ratios, the fiducial features and their record-median deviations, the template
    correlations and the ``relative`` block.

    Parameters
    ----------
    names : sequence of str
        Column names of :func:`~geoecg.features.beat_features`.

    Returns
    -------
    ndarray of bool, shape (len(names),)
        True for the columns to keep.

    Examples
    --------
    >>> patient_relative_mask(["rr_pre", "rr_pre_local", "wav_a3_l0", "wav_a3_dev_l0"]).tolist()
    [False, True, False, True]
    """
    import re

    from .._validation import check_names

    pats = [re.compile(p) for p in ABSOLUTE_FEATURE_PATTERNS]
    names = check_names(names)
    return np.asarray([not any(p.search(n) for p in pats) for n in names], dtype=bool)


@dataclass(frozen=True)
class BeatFeatureTable:
    """Features of the beats of one record.

    Attributes
    ----------
    values : ndarray, shape (n_beats, n_features)
        Float64 features; NaN where a quantity is not measurable (see the Notes of
        :func:`~geoecg.features.beat_features`).
    names : ndarray of str
    rpeaks : ndarray of int64
    """

    values: np.ndarray
    names: np.ndarray
    rpeaks: np.ndarray


def _nanmean(a, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN -> NaN, documented
        return np.nanmean(a, axis=axis)


def _nanmedian(a, axis=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(a, axis=axis)


def rr_features(rpeaks, fs: float, *, local_beats: int = 10) -> BeatFeatureTable:
    """RR-interval features of each beat (ms and ratios), as in de Chazal et al. (2004).

    Parameters
    ----------
    rpeaks : array_like of int
        R-peak sample indices of one record (every beat, including those not classified).
    fs : float
        Sampling frequency in Hz.
    local_beats : int, default 10
        Number of RR intervals around the beat averaged into ``rr_local``.

    Returns
    -------
    BeatFeatureTable
        Columns :data:`~geoecg.features.morphology.RR_FEATURE_NAMES`: previous, next,
        local-mean and record-mean RR
        (ms), then ``rr_pre``, ``rr_post`` and ``rr_local`` divided by ``rr_record``,
        ``rr_pre / rr_local``, ``rr_post / rr_pre``, the coefficient of variation of the
        local RR (``rr_local_cv``: irregular rhythms such as AF versus an isolated
        premature beat in a regular rhythm), ``rr_pre`` over the previous beat's
        ``rr_pre`` (``rr_pre_prev``), then the patient-relative prematurity of later work
        (Mar et al. 2011, Mondejar-Guerra et al. 2019): ``rr_pre`` over the mean of the
        ``local_beats`` intervals before it (``rr_pre_past``, causal), ``rr_pre`` and
        ``rr_post`` over the median of the intervals within ``+-local_beats`` of theirs
        (``rr_pre_lmed``, ``rr_post_lmed``: robust to the premature beats themselves) and
        ``rr_pre`` over the record's median RR (``rr_pre_rmed``). A premature beat has
        these below 1 (and ``rr_post_lmed`` above 1 with a compensatory pause); a beat of
        a steady rhythm has them near 1. Last, ``rr_irreg``: the median absolute
        successive RR difference within ``+-3 local_beats`` intervals over their local
        median RR (high in atrial fibrillation, low for a regular rhythm even with isolated
        premature beats).

    Notes
    -----
    de Chazal et al. average the RR over a +-5 min window for the "average RR"; here it is
    the whole record's mean (``rr_record``), which is the same for the 30-min MIT-BIH
    records up to the edges. ``rr_local`` averages the ``local_beats`` intervals centred on
    the beat (fewer at the record ends). The first beat has no ``rr_pre`` and the last no
    ``rr_post`` (NaN); with fewer than 2 beats every feature is NaN.

    Examples
    --------
    >>> t = rr_features([0, 360, 720, 900, 1260], 360)
    >>> t.values[3, [0, 1]].tolist(), round(float(t.values[3, 7]), 3)
    ([500.0, 1000.0], 0.571)
    """
    fs = check_fs(fs)
    r = as_rpeaks(rpeaks)
    if (
        isinstance(local_beats, bool)
        or not isinstance(local_beats, numbers.Integral)
        or (local_beats < 1)
    ):
        raise ValueError(f"local_beats must be a positive integer, got {local_beats!r}")
    n = r.size
    out = np.full((n, len(RR_FEATURE_NAMES)), np.nan)
    if n >= 2:
        rr = np.diff(r) / fs * 1000.0
        pre = np.concatenate([[np.nan], rr])
        post = np.concatenate([rr, [np.nan]])
        # RR interval j joins beats j and j+1; beat i is centred between intervals i-1, i.
        c = np.concatenate([[0.0], np.cumsum(rr)])
        half = local_beats // 2
        lo = np.clip(np.arange(n) - half, 0, rr.size)
        hi = np.clip(np.arange(n) - half + local_beats, 0, rr.size)
        cnt = np.maximum(hi - lo, 1)
        local = (c[hi] - c[lo]) / cnt
        c2 = np.concatenate([[0.0], np.cumsum(rr**2)])
        var = np.maximum((c2[hi] - c2[lo]) / cnt - local**2, 0.0)
        rec = float(rr.mean())
        out[:, 0] = pre
        out[:, 1] = post
        out[:, 2] = local
        out[:, 3] = rec
        out[:, 4] = pre / rec
        out[:, 5] = post / rec
        out[:, 6] = local / rec
        out[:, 7] = pre / local
        out[:, 8] = post / pre
        out[:, 9] = np.where(hi - lo >= 2, np.sqrt(var) / local, np.nan)
        out[:, 10] = pre / np.concatenate([[np.nan], pre[:-1]])
        # Causal local rhythm: mean of the (up to) local_beats intervals before rr_pre.
        lo_p = np.clip(np.arange(n) - 1 - local_beats, 0, rr.size)
        hi_p = np.clip(np.arange(n) - 1, 0, rr.size)
        cnt_p = hi_p - lo_p
        past = np.where(cnt_p > 0, (c[hi_p] - c[lo_p]) / np.maximum(cnt_p, 1), np.nan)
        out[:, 11] = pre / past
        # Robust local rhythm: median of the intervals within +-local_beats of the beat
        # (an isolated premature beat barely moves it, unlike the mean).
        lmed = _local_median(rr, local_beats)
        out[:, 12] = pre / np.concatenate([[np.nan], lmed])  # interval i-1 centred
        out[:, 13] = post / np.concatenate([lmed, [np.nan]])
        out[:, 14] = pre / float(np.median(rr))
        # Rhythm irregularity over a wider window: median absolute successive RR
        # difference within +-3 local_beats, over the local median RR. Low for a regular
        # rhythm with isolated premature beats, high in atrial fibrillation.
        if rr.size >= 2:
            dd = np.abs(np.diff(rr))
            irr = _local_median(np.concatenate([dd[:1], dd]), 3 * local_beats)
            out[1:, 15] = irr / lmed
            out[0, 15] = out[1, 15]
    return BeatFeatureTable(out, np.asarray(RR_FEATURE_NAMES, dtype=object), r)


def _local_median(rr, k: int) -> np.ndarray:
    """Median of ``rr[j - k : j + k + 1]`` (clipped to the ends) for every interval j."""
    m = rr.size
    pad = np.concatenate([np.full(k, np.nan), rr, np.full(k, np.nan)])
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * k + 1)[:m]
    return _nanmedian(win, axis=1)


def _interp_matrix(n_in: int, n_out: int):
    pos = np.linspace(0.0, n_in - 1.0, n_out)
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, max(n_in - 2, 0))
    f = pos - i0
    return i0, f


def _moments(w):
    """Skewness and Pearson kurtosis (biased) of each row, NaN-skipping."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(w, axis=1, keepdims=True)
        d = w - mu
        m2 = np.nanmean(d**2, axis=1)
        m3 = np.nanmean(d**3, axis=1)
        m4 = np.nanmean(d**4, axis=1)
        ok = m2 > 0
        sk = np.where(ok, m3 / np.where(ok, m2, 1.0) ** 1.5, np.nan)
        ku = np.where(ok, m4 / np.where(ok, m2, 1.0) ** 2, np.nan)
    return sk, ku


def _lead_features(x, r, fs, pre_s, post_s, blocks):
    """Per-lead morphology blocks of one filtered lead ``x`` (1-D, contiguous)."""
    ms = 1000.0 / fs
    cols = []
    if "fiducial" in blocks:
        f = _k.fiducials(
            x, r, pre_s, post_s,
            int(round(0.15 * fs)), 0.3, 0.1, int(round(0.04 * fs)), int(round(0.5 * fs)),
            int(round(0.3 * fs)), int(round(0.02 * fs)),
        )  # fmt: skip
        idx = {name: i for i, name in enumerate(_k.FIDUCIAL_COLUMNS)}
        pos = [f[:, idx[c]] * ms for c in _FID_POS]
        amp = [f[:, idx[c]] for c in _FID_AMP]
        width = f[:, idx["qrs_off"]] - f[:, idx["qrs_on"]]
        pr = f[:, idx["qrs_on"]] - f[:, idx["p_pos"]]
        qt = f[:, idx["t_end"]] - f[:, idx["qrs_on"]]
        block = np.column_stack(pos + amp + [width * ms, pr * ms, qt * ms])
        cols.append(block)
        cols.append(block - _nanmedian(block, axis=0))
    rel = "relative" in blocks
    if "template" in blocks or rel:
        seg = segment_beats(x, r, fs)
        b = seg.beats[:, 0, :]
        tpl = median_template(b)
        c0 = seg.before

        def col(ms_):
            return int(np.clip(c0 + round(ms_ * fs / 1000.0), 0, b.shape[1]))

        corr = [
            template_correlation(b, tpl),
            template_correlation(b, tpl, col(-60), col(80)),
            template_correlation(b, tpl, col(-300), col(-60)),
            template_correlation(b, tpl, col(100), col(400)),
        ]
        scale = np.sqrt(_nanmean(tpl**2))
        diff = (
            np.sqrt(_nanmean((b - tpl) ** 2, axis=1)) / scale
            if scale > 0
            else np.full(r.size, np.nan)
        )
        if "template" in blocks:
            cols.append(np.column_stack(corr + [diff]))
        if rel:
            # RMS of the beat-minus-template difference over the P, QRS and T regions,
            # relative to the template's RMS (an S beat has an abnormal or absent P).
            region_diff = []
            for lo_ms, hi_ms in ((-300, -60), (-60, 80), (100, 400)):
                lo_c, hi_c = col(lo_ms), col(hi_ms)
                if scale > 0 and hi_c > lo_c:
                    d = (b[:, lo_c:hi_c] - tpl[lo_c:hi_c]) ** 2
                    region_diff.append(np.sqrt(_nanmean(d, axis=1)) / scale)
                else:
                    region_diff.append(np.full(r.size, np.nan))
            rel_diff = np.column_stack(region_diff)
    if "wavelet" in blocks or "hos" in blocks or rel:
        before = int(round(-_WAVE_MS[0] * fs / 1000.0))
        after = int(round(_WAVE_MS[1] * fs / 1000.0))
        w = _k.extract_windows(x[None, :], r, before, after)[:, 0, :]
        if "wavelet" in blocks or rel:
            i0, fr = _interp_matrix(w.shape[1], _WAVE_N)
            ws = w[:, i0] * (1.0 - fr) + w[:, i0 + 1] * fr
            ws = ws - _nanmedian(ws, axis=1)[:, None]
            coef = pywt.wavedec(ws, "db1", level=_WAVE_LEVEL, axis=1)[0]
            if "wavelet" in blocks:
                cols.append(coef)
        if "hos" in blocks or rel:
            q0 = before - int(round(0.1 * fs))
            q1 = before + int(round(0.1 * fs))
            sk, ku = _moments(w)
            sq, kq = _moments(w[:, max(q0, 0) : q1])
            hos = np.column_stack([sk, ku, sq, kq])
            if "hos" in blocks:
                cols.append(hos)
        if rel:
            # Patient-relative morphology: minus the record's median (its typical beat).
            cols.append(coef - _nanmedian(coef, axis=0))
            cols.append(hos - _nanmedian(hos, axis=0))
            cols.append(rel_diff)
    return cols


def _check_blocks(blocks) -> tuple:
    blocks = (blocks,) if isinstance(blocks, str) else tuple(blocks)
    if not blocks or any(b not in BEAT_FEATURE_BLOCKS for b in blocks):
        raise ValueError(
            f"blocks must be a non-empty subset of {tuple(BEAT_FEATURE_BLOCKS)}, got {blocks!r}"
        )
    return blocks


def beat_features(
    signal, rpeaks, fs: float, *, blocks=tuple(BEAT_FEATURE_BLOCKS), prefilter: bool = True
) -> BeatFeatureTable:
    """Features of every beat of one record.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        One record, mV.
    rpeaks : array_like of int or RPeakResult
        R-peak (or reference beat annotation) sample indices, strictly increasing.
    fs : float
        Sampling frequency in Hz.
    blocks : tuple of str
        Subset of :data:`BEAT_FEATURE_BLOCKS`: ``"rr"``, ``"fiducial"``, ``"template"``,
        ``"wavelet"``, ``"hos"``, ``"relative"``.
    prefilter : bool, default True
        Band-pass 0.5-40 Hz (zero phase) before measuring; pass False for a signal that is
        already filtered (``True`` or ``False``: ``"no"`` is a ``TypeError``).

    Returns
    -------
    BeatFeatureTable
        Names are ``<name>`` for RR features and ``<name>_l<k>`` for lead ``k``.

    Raises
    ------
    ValueError
        If ``fs`` is not a positive finite number of Hz, ``rpeaks`` lie outside the
        signal, or ``blocks`` is empty or names an unknown block.
    TypeError
        If ``fs`` is not a number (e.g. the string ``"360"``).

    Notes
    -----
    Fiducial points (per lead): the QRS onset/offset are where the absolute slope falls
    below 10% of the steepest QRS slope, walking outward from the first/last sample
    steeper than 30% of it, within +-150 ms (and 45% of the adjacent RR); the baseline is
    the signal at the QRS onset. T is the largest deflection from 40 ms after the QRS
    offset to min(500 ms, 70% of the next RR), its end the first later sample below 20% of
    its amplitude; P the largest deflection in the 300 ms (at most 60% of the previous RR)
    up to 20 ms before the QRS onset. Positions are in ms relative to the R-peak,
    amplitudes in mV from the baseline. ``pr`` is P *peak* to QRS onset (not the clinical
    P-onset PR interval); ``qt`` is QRS onset to the 20%-threshold T end, shorter than a
    tangent-method QT. Each fiducial feature also comes as ``*_dev``, its deviation from
    the record median (an unsupervised per-record normalisation that helps across
    patients). Template features correlate the data-driven QRS-centred window with the
    record's median template over the whole window, the QRS (-60..80 ms), the P region
    (-300..-60 ms) and the T region (100..400 ms), and give the RMS beat-template
    difference relative to the template's RMS. Wavelet: db1 level-3 approximation of the
    -250..450 ms window resampled to 128 samples (fs-independent), median removed. HOS:
    skewness and Pearson kurtosis of that window and of the QRS (+-100 ms). Relative
    (patient-relative morphology): the wavelet and HOS features minus their record medians
    (``*_dev``; 0 for a record of identical beats) and the RMS beat-minus-template
    difference over the P (-300..-60 ms), QRS (-60..80 ms) and T (100..400 ms) regions
    relative to the template's RMS (``p_diff``, ``qrs_diff``, ``t_diff``). Unmeasurable
    quantities (a window off the record, no T within the RR, a flat lead, NaN gaps) are
    NaN; the gradient-boosted classifier handles NaN natively.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record, beat_annotations
    >>> rec = read_record(sample_record_path("mitdb_119"), sampto=3600)
    >>> peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> table = beat_features(rec.signal, peaks, rec.fs)
    >>> table.values.shape[0] == peaks.size, table.names[:2].tolist()
    (True, ['rr_pre', 'rr_post'])
    """
    fs = check_fs(fs)
    x = as_record_signal(signal)
    r = as_rpeaks(rpeaks, x.shape[1])
    blocks = _check_blocks(blocks)
    prefilter = check_flag(prefilter, "prefilter")
    flat = flat_leads(x)  # a constant lead carries no morphology: same NaN as an all-zero one
    if prefilter:
        x = np.ascontiguousarray(bandpass(x, fs, 0.5, min(40.0, 0.45 * fs)))
    if flat.any():
        x = x.copy() if not prefilter else x
        x[flat] = np.where(np.isnan(x[flat]), np.nan, 0.0)
    cols = []
    names: list[str] = []
    rr = rr_features(r, fs)
    if "rr" in blocks:
        cols.append(rr.values)
        names.extend(RR_FEATURE_NAMES)
    pre_s = np.ascontiguousarray(rr.values[:, 0] * fs / 1000.0)
    post_s = np.ascontiguousarray(rr.values[:, 1] * fs / 1000.0)
    per_lead = [b for b in BEAT_FEATURE_BLOCKS if b != "rr" and b in blocks]
    for k in range(x.shape[0]):
        if r.size:
            cols.extend(_lead_features(np.ascontiguousarray(x[k]), r, fs, pre_s, post_s, blocks))
        for b in per_lead:
            names.extend(f"{n}_l{k}" for n in BEAT_FEATURE_BLOCKS[b])
    values = np.column_stack(cols) if r.size and cols else np.zeros((r.size, len(names)))
    return BeatFeatureTable(values.astype(np.float64), np.asarray(names, dtype=object), r)


class BeatFeatures(_FittedNamesTransformer):
    """Per-beat features of many records, stacked, as a scikit-learn transformer.

    Parameters
    ----------
    fs : float
        Sampling frequency in Hz of every record.
    feature_set : str or None, default "transfer"
        Named feature set of :func:`geoecg.features.beat_dominant.beat_feature_set_mask`
        ("transfer", "transfer-w", "transfer-s", "all"), taken from
        :func:`~geoecg.features.beat_dominant.record_beat_table`. The default,
        ``"transfer"``, keeps only features relative to the record's own rhythm and
        beats (chosen by a nested patient-grouped CV on MIT-BIH DS1; see the beats
        benchmark page). None: the :func:`~geoecg.features.beat_features` ``blocks`` as
        they are (with
        ``adapt=False``, the former behaviour).
    adapt : bool or "both", default "both"
        Label-free per-record adaptation: standardise each record's features on its own
        beats (:func:`~geoecg.features.beat_dominant.record_standardize`); ``"both"`` (the
        default, the pair chosen most often by the inner CV of the nested ds1-cv selection,
        :data:`geoecg.estimators.heartbeat.DEFAULT_ADAPT`): the features followed by their
        standardised copies (named ``rs_<name>``).
    prefilter : bool, default True
        Band-pass 0.5-40 Hz before measuring.
    blocks : tuple of str
        Feature blocks of :func:`~geoecg.features.beat_features`, used when
        ``feature_set`` is None (``fit``
        checks them whatever ``feature_set`` is: an unknown block is a ``ValueError``).

    Attributes
    ----------
    n_leads_ : int
    feature_names_out_ : ndarray of str

    Notes
    -----
    Each element of ``X`` is one record, a pair ``(signal, rpeaks)``; ``transform``
    returns one row per beat, records one after another, so labels are the concatenated
    per-record beat labels. Features depend on the whole record (RR means, templates) but
    not on other records, so the transform learns nothing across records.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record, beat_annotations
    >>> rec = read_record(sample_record_path("mitdb_119"), sampto=3600)
    >>> peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    >>> bf = BeatFeatures(fs=rec.fs, feature_set=None, adapt=False, blocks=("rr", "template"))
    >>> F = bf.fit_transform([(rec.signal, peaks)])
    >>> F.shape == (peaks.size, 26), bf.get_feature_names_out()[-1]
    (True, 'diff_rms_l1')
    >>> F = BeatFeatures(fs=rec.fs).fit_transform([(rec.signal, peaks)])
    >>> F.shape[0] == peaks.size
    True
    """

    def __init__(
        self,
        fs=360.0,
        feature_set="transfer",
        adapt="both",
        prefilter=True,
        blocks=tuple(BEAT_FEATURE_BLOCKS),
    ):
        self.fs = fs
        self.feature_set = feature_set
        self.adapt = adapt
        self.prefilter = prefilter
        self.blocks = blocks

    def _table(self, sig, peaks, prefilter):
        """Features of one record (names, values) under ``feature_set``/``adapt``."""
        if self.feature_set is None:
            t = beat_features(sig, peaks, self.fs, blocks=self.blocks, prefilter=prefilter)
            names, values = t.names, t.values
        else:
            from .beat_dominant import beat_feature_set_mask, record_beat_table

            t = record_beat_table(sig, peaks, self.fs, prefilter=prefilter)
            keep = beat_feature_set_mask(t.names, self.feature_set)
            names, values = t.names[keep], t.values[:, keep]
        if self.adapt not in (False, True, "both"):
            raise ValueError(f"adapt must be False, True or 'both', got {self.adapt!r}")
        if self.adapt:
            from .beat_dominant import record_standardize

            z = record_standardize(values)
            if self.adapt == "both":
                names = np.concatenate([names, np.asarray([f"rs_{n}" for n in names], object)])
                z = np.hstack([values, z])
            values = z
        return names, values

    @staticmethod
    def _pairs(X):
        if isinstance(X, np.ndarray) or not hasattr(X, "__len__"):
            raise TypeError("X must be a list of (signal, rpeaks) pairs, one per record")
        out = []
        for i, item in enumerate(X):
            if not (isinstance(item, tuple | list) and len(item) == 2):
                raise TypeError(f"X[{i}] must be a (signal, rpeaks) pair")
            out.append((as_record_signal(item[0], f"X[{i}] signal"), item[1]))
        return out

    def fit(self, X, y=None):
        """Check the parameters and record the number of leads; returns self."""
        check_fs(self.fs)
        _check_blocks(self.blocks)  # checked even when feature_set ignores it
        check_flag(self.prefilter, "prefilter")
        pairs = self._pairs(X)
        if not pairs:
            raise ValueError("X holds no record")
        n_leads = {p[0].shape[0] for p in pairs}
        if len(n_leads) != 1:
            raise ValueError(f"all records must have the same number of leads, got {n_leads}")
        self.n_leads_ = n_leads.pop()
        sig = np.zeros((self.n_leads_, 10))
        self.feature_names_out_ = self._table(sig, np.zeros(0, np.int64), False)[0]
        return self

    def transform(self, X):
        """Array (n_beats_total, n_features) of the beats of all records, in order."""
        check_is_fitted(self, "feature_names_out_")
        pairs = self._pairs(X)
        rows = []
        for i, (sig, peaks) in enumerate(pairs):
            if sig.shape[0] != self.n_leads_:
                raise ValueError(f"X[{i}] has {sig.shape[0]} leads, fitted on {self.n_leads_}")
            rows.append(self._table(sig, peaks, self.prefilter)[1])
        if not rows:
            return np.zeros((0, self.feature_names_out_.size))
        return np.vstack(rows)
