"""Named, composable feature sets: each maps a chunk of records to columns with units.

A feature set holds only its parameters; :meth:`FeatureSet.compute` takes a list of
:class:`RecordData` (signal in mV, ``fs`` in Hz, the run's lead layout, shared intermediates
such as R-peaks computed once per record; defined in ``geoecg.cohort._record``, the per-record
data, and re-exported here) and returns a float64 array with one row per
record and one column per :meth:`FeatureSet.columns` entry. Every computation is a call to a
library function of :mod:`geoecg.features` or :mod:`geoecg.riemann`. The base class
:class:`FeatureSet` (``geoecg.cohort._feature_set_base``) and the covariance and tangent
sets (``geoecg.cohort._covariance_sets``) are defined apart and re-exported here.

=============  ===========================================================================
name           what (lead)
=============  ===========================================================================
rpeaks         beat count, heart rate and RR summary (multi-lead :func:`detect_rpeaks`)
hrv            the 48 HRV indices (:func:`hrv_features_batch` on those R-peaks)
sqi            the 8 signal-quality indices of :func:`sqi_features` (primary lead)
noise          the 12 noise-level estimates of :func:`noise_level_features` (primary lead)
af             :data:`AF_RECORD_FEATURE_NAMES` of :func:`af_record_features` (primary lead)
morphology     median-beat morphology (primary lead) and median-beat amplitudes of every lead
covariance     OAS lead covariance (upper triangle, mV^2) of the 0.5-40 Hz band-passed leads
tangent        tangent vector of that covariance at a reference SPD matrix
delineation    median PR, QRS, QT, QTc intervals and P/T presence (multi-lead delineation)
=============  ===========================================================================
"""

from __future__ import annotations

import numpy as np

from .._kernels.cohort import rpeak_summaries
from ..features.af.record import (
    AF_RECORD_FEATURE_NAMES,
    MORPHOLOGY_NAMES,
    af_record_features,
    morphology_features,
)
from ..features.hrv import HRV_FEATURE_NAMES
from ..features.hrv_batch import hrv_features_batch
from ..features.noise.level import NOISE_LEVEL_NAMES, noise_level_features
from ..features.sqi import SQI_NAMES, _sqi_rows
from ._covariance_sets import CovarianceSet, TangentSet
from ._feature_set_base import FeatureSet
from ._record import RecordData, _sos  # noqa: F401 - RecordData's public path is here
from ._units import AF_UNITS, HRV_UNITS, MORPHOLOGY_UNITS, NOISE_UNITS, SQI_UNITS

__all__ = [
    "RecordData",
    "FeatureSet",
    "RPeaksSet",
    "HRVSet",
    "SQISet",
    "NoiseSet",
    "AFSet",
    "MorphologySet",
    "CovarianceSet",
    "TangentSet",
    "DelineationSet",
    "FEATURE_SETS",
    "resolve_feature_sets",
]


_RPEAK_COLS = (
    ("n_beats", "count"),
    ("heart_rate_bpm", "bpm"),
    ("rr_mean_ms", "ms"),
    ("rr_median_ms", "ms"),
    ("rr_std_ms", "ms"),
    ("rr_min_ms", "ms"),
    ("rr_max_ms", "ms"),
    ("rpeak_confidence", "1"),
    ("duration_s", "s"),
)


class RPeaksSet(FeatureSet):
    """Beat count, heart rate (60000 / median RR) and RR summary (ms, ``std`` with
    ddof=1), mean detector confidence and record duration, from multi-lead R-peaks; one
    kernel call per chunk (:func:`geoecg._kernels.cohort.rpeak_summaries`, the same bits
    as ``np.median``, ``rr.mean()``, ``np.std(rr, ddof=1)`` per record).

    Examples
    --------
    >>> [c for c, _ in RPeaksSet().columns(("I", "II"))]
    ['n_beats', 'heart_rate_bpm', 'rr_mean_ms', 'rr_median_ms', 'rr_std_ms', 'rr_min_ms',
     'rr_max_ms', 'rpeak_confidence', 'duration_s']
    """

    name = "rpeaks"
    uses = ("rpeaks",)

    def columns(self, leads):
        return list(_RPEAK_COLS)

    def prepare(self, rec):
        rec.rpeaks  # noqa: B018 - computes the cache
        rec.n_samples  # noqa: B018 - kept when the signal is released
        return True

    def compute(self, recs):
        out = np.empty((len(recs), len(_RPEAK_COLS)))
        if not recs:
            return out
        peaks = [r.rpeaks for r in recs]
        offsets = np.zeros(len(recs) + 1, dtype=np.int64)
        np.cumsum([p.size for p in peaks], out=offsets[1:])
        rpeak_summaries(
            peaks=np.concatenate(peaks).astype(np.int64, copy=False),
            confidence=np.concatenate([r.confidence for r in recs]).astype(np.float64),
            offsets=offsets,
            n_samples=np.array([r.n_samples for r in recs], dtype=np.float64),
            fs=np.array([r.fs for r in recs], dtype=np.float64),
            out=out,
        )
        return out

    def compute_one(self, rec):
        return self.compute([rec])[0]


class HRVSet(FeatureSet):
    """The 48 HRV indices (prefix ``hrv_``) of the multi-lead R-peaks, one batched numba
    call per chunk. On a 10-s strip the frequency indices are NaN (too short, by their
    definition).

    Examples
    --------
    >>> cols = HRVSet().columns(("II",))
    >>> len(cols), cols[:2]
    (48, [('hrv_MeanNN', 'ms'), ('hrv_SDNN', 'ms')])
    """

    name = "hrv"
    uses = ("rpeaks",)

    def columns(self, leads):
        return [(f"hrv_{n}", HRV_UNITS[n]) for n in HRV_FEATURE_NAMES]

    def prepare(self, rec):
        rec.rpeaks  # noqa: B018 - computes the cache
        return True

    def compute(self, recs):
        if not recs:
            return np.empty((0, len(HRV_FEATURE_NAMES)))
        fs = {r.fs for r in recs}
        if len(fs) == 1:
            return hrv_features_batch([r.rpeaks for r in recs], kind="rpeaks", fs=fs.pop())
        return np.vstack([self.compute_one(r) for r in recs])

    def compute_one(self, rec):
        return hrv_features_batch([rec.rpeaks], kind="rpeaks", fs=rec.fs)[0]


class SQISet(FeatureSet):
    """Signal-quality indices of the primary lead (prefix ``sqi_``), batched over a chunk:
    the records of one sampling rate go through
    :func:`geoecg.features.sqi._sqi_rows` (one kernel call and one 2-D FFT per length; a
    row equal bit for bit to :func:`~geoecg.features.sqi_features` of that record alone).

    Examples
    --------
    >>> SQISet().columns(("II",))[:2]
    [('sqi_bSQI', '1'), ('sqi_kSQI', '1')]
    """

    name = "sqi"
    uses = ("lead_rpeaks",)

    def columns(self, leads):
        return [(f"sqi_{n}", SQI_UNITS[n]) for n in SQI_NAMES]

    def prepare(self, rec):
        rec.lead_rpeaks  # noqa: B018 - computes the cache
        rec.lead_copy  # noqa: B018 - kept when the signal is released
        return True

    def compute(self, recs):
        # the signal and fs were validated when the chunk read the record, and the R-peaks
        # come from detect_rpeaks: sqi_features without its checks (same values)
        out = np.empty((len(recs), len(SQI_NAMES)))
        groups: dict[float, list[int]] = {}
        for k, r in enumerate(recs):
            groups.setdefault(float(r.fs), []).append(k)
        for fs, ks in groups.items():
            out[ks] = _sqi_rows(
                [recs[k].lead_copy for k in ks], fs, [recs[k].lead_rpeaks for k in ks]
            )
        return out

    def compute_one(self, rec):
        return self.compute([rec])[0]


class NoiseSet(FeatureSet):
    """Beat-template SNR and spectral-shape noise estimates of the primary lead
    (prefix ``noise_``).

    Examples
    --------
    >>> NoiseSet().columns(("II",))[:2]
    [('noise_SNRtemplate', 'dB'), ('noise_SNRbeat', 'dB')]
    """

    name = "noise"
    uses = ("lead_rpeaks",)

    def columns(self, leads):
        return [(f"noise_{n}", NOISE_UNITS[n]) for n in NOISE_LEVEL_NAMES]

    def compute_one(self, rec):
        q = noise_level_features(rec.lead, rec.fs, rpeaks=rec.lead_rpeaks)
        return np.array([q[k] for k in NOISE_LEVEL_NAMES], dtype=np.float64)


class AFSet(FeatureSet):
    """Record-level AF features of the primary lead (prefix ``af_``), as used by
    :class:`~geoecg.estimators.af.CinC2017Classifier`.

    Examples
    --------
    >>> cols = AFSet().columns(("ECG",))
    >>> len(cols), cols[:2]
    (107, [('af_duration_s', 's'), ('af_n_beats', 'count')])
    """

    name = "af"

    def columns(self, leads):
        # the HRV, SQI and morphology blocks get their own prefix (TPR and COSEn exist
        # both as AF statistics and as HRV indices)
        h = AF_RECORD_FEATURE_NAMES.index(HRV_FEATURE_NAMES[0])
        q = h + len(HRV_FEATURE_NAMES)
        m = q + len(SQI_NAMES)
        cols = []
        for i, n in enumerate(AF_RECORD_FEATURE_NAMES):
            pre = "af_" if i < h else "af_hrv_" if i < q else "af_sqi_" if i < m else "af_morph_"
            cols.append((pre + n, AF_UNITS[n]))
        return cols

    def compute_one(self, rec):
        return af_record_features(rec.lead, rec.fs)


class MorphologySet(FeatureSet):
    """Median-beat morphology of the primary lead (prefix ``morph_``, see
    :func:`~geoecg.features.af.morphology_features`) and, per lead, the peak-to-peak
    amplitude (mV) of the median beat (-250 to +400 ms around the multi-lead R-peaks of the
    band-passed lead; NaN with fewer than 3 complete beats).

    Examples
    --------
    >>> cols = MorphologySet().columns(("I", "II"))
    >>> cols[:2], cols[-2:]  # one median-beat amplitude per lead at the end
    ([('morph_R_amp', 'mV'), ('morph_R_sign', '1')],
     [('median_beat_p2p_I', 'mV'), ('median_beat_p2p_II', 'mV')])
    """

    name = "morphology"
    uses = ("rpeaks", "lead_rpeaks")

    def columns(self, leads):
        cols = [(f"morph_{n}", MORPHOLOGY_UNITS[n]) for n in MORPHOLOGY_NAMES]
        return cols + [(f"median_beat_p2p_{ld}", "mV") for ld in leads]

    def compute_one(self, rec):
        x = rec.lead
        head = morphology_features(np.where(np.isfinite(x), x, 0.0), rec.fs, rec.lead_rpeaks)
        y = rec.filtered
        pre, post = int(round(0.25 * rec.fs)), int(round(0.40 * rec.fs))
        r = rec.rpeaks
        r = r[(r >= pre) & (r + post < y.shape[1])]
        p2p = np.full(y.shape[0], np.nan)
        if r.size >= 3:
            idx = r[:, None] + np.arange(-pre, post)[None, :]
            with np.errstate(all="ignore"):
                import warnings

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    tmpl = np.nanmedian(y[:, idx], axis=1)
                    p2p = np.nanmax(tmpl, axis=1) - np.nanmin(tmpl, axis=1)
        return np.concatenate([head, p2p])


class DelineationSet(FeatureSet):
    """Median over beats of the multi-lead (global) intervals of
    :func:`geoecg.features.delineate`: PR, QRS, QT (ms), QTc (Bazett, ms) and the fraction
    of beats with a P and with a T wave.

    Examples
    --------
    >>> [c for c, _ in DelineationSet().columns(("II",))]
    ['delin_PR_ms', 'delin_QRS_ms', 'delin_QT_ms', 'delin_QTc_ms', 'delin_P_frac', 'delin_T_frac']
    """

    name = "delineation"
    uses = ("rpeaks",)
    _COLS = (
        ("delin_PR_ms", "ms"),
        ("delin_QRS_ms", "ms"),
        ("delin_QT_ms", "ms"),
        ("delin_QTc_ms", "ms"),
        ("delin_P_frac", "1"),
        ("delin_T_frac", "1"),
    )

    def columns(self, leads):
        _delineate()
        return list(self._COLS)

    def compute_one(self, rec):
        from ._delineation import interval_summary

        return interval_summary(_delineate()(rec.signal, rec.fs, rpeaks=rec.rpeaks), rec)


def _delineate():
    try:
        from ..features.delineation import delineate
    except ImportError as exc:  # pragma: no cover - depends on the installed version
        raise ValueError(
            "feature set 'delineation' needs geoecg.features.delineation, which this "
            "version of geoecg lacks"
        ) from exc
    return delineate


#: Feature-set name -> class (default parameters).
FEATURE_SETS: dict[str, type[FeatureSet]] = {
    c.name: c
    for c in (
        RPeaksSet,
        HRVSet,
        SQISet,
        NoiseSet,
        AFSet,
        MorphologySet,
        CovarianceSet,
        TangentSet,
        DelineationSet,
    )
}


def resolve_feature_sets(features) -> list[FeatureSet]:
    """Feature sets from names (a list, or one comma-separated string) and instances.

    Parameters
    ----------
    features : str, FeatureSet or iterable of str and FeatureSet
        Names of :data:`FEATURE_SETS` (``"rpeaks,hrv"`` or ``["rpeaks", "hrv"]``) and
        configured instances (``TangentSet(reference=...)``).

    Returns
    -------
    list of FeatureSet
        One instance per entry, in order.

    Raises
    ------
    ValueError
        If a name is unknown, nothing is named, or a feature set repeats.
    TypeError
        If ``features`` is not a string, a FeatureSet or an iterable of them (None, a
        number).

    Examples
    --------
    >>> [f.name for f in resolve_feature_sets("rpeaks,hrv")]
    ['rpeaks', 'hrv']
    """
    if isinstance(features, str):
        features = [f.strip() for f in features.split(",") if f.strip()]
    if isinstance(features, FeatureSet):
        features = [features]
    if features is None or not hasattr(features, "__iter__"):
        raise TypeError(
            f"features must be names of {sorted(FEATURE_SETS)} or FeatureSet instances "
            f"(a list, or one comma-separated string), got {type(features).__name__}"
        )
    out: list[FeatureSet] = []
    for f in features:
        if isinstance(f, FeatureSet):
            out.append(f)
        elif isinstance(f, str) and f in FEATURE_SETS:
            out.append(FEATURE_SETS[f]())
        else:
            raise ValueError(
                f"unknown feature set {f!r}; expected one of {sorted(FEATURE_SETS)} or a "
                "FeatureSet instance"
            )
    if not out:
        raise ValueError(f"features must name at least one of {sorted(FEATURE_SETS)}")
    names = [f.name for f in out]
    if len(set(names)) != len(names):
        raise ValueError(f"feature sets repeat: {names}")
    return out
