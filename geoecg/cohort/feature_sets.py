"""Named, composable feature sets: each maps a chunk of records to columns with units.

A feature set holds only its parameters; :meth:`FeatureSet.compute` takes a list of
:class:`RecordData` (signal in mV, ``fs`` in Hz, the run's lead layout, shared intermediates
such as R-peaks computed once per record; defined in ``geoecg.cohort._record``, the per-record
data, and re-exported here) and returns a float64 array with one row per
record and one column per :meth:`FeatureSet.columns` entry. Every computation is a call to a
library function of :mod:`geoecg.features` or :mod:`geoecg.riemann`.

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
from ..riemann.covariances import ESTIMATORS, lead_covariances
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


class FeatureSet:
    """Base class of a named feature set (parameters only; stateless).

    Subclasses define :attr:`name`, :meth:`columns` and :meth:`compute_one` (and may
    override :meth:`compute` to batch the records of a chunk). :attr:`uses` names the
    :class:`RecordData` intermediates the set reads (``"rpeaks"``, ``"lead_rpeaks"``,
    ``"band_decimated"``): the chunk computes those of all its sets in one call per record
    (:meth:`RecordData.precompute`) before the sets run; a set that leaves it empty still
    gets any intermediate it reads, computed when first read.

    Examples
    --------
    >>> from geoecg.cohort import FEATURE_SETS
    >>> sorted(FEATURE_SETS)  # the named sets; extract_features takes names or instances
    ['af', 'covariance', 'delineation', 'hrv', 'morphology', 'noise', 'rpeaks', 'sqi', 'tangent']
    >>> FEATURE_SETS["rpeaks"]().columns(("II",))[:2]  # (column, unit) pairs
    [('n_beats', 'count'), ('heart_rate_bpm', 'bpm')]
    """

    name = "base"
    uses: tuple[str, ...] = ()

    def params(self) -> dict:
        """Parameters that change the values (part of the run's fingerprint)."""
        return {}

    def columns(self, leads: tuple[str, ...]) -> list[tuple[str, str]]:  # pragma: no cover
        """``(column name, unit)`` pairs for a run whose records have ``leads``."""
        raise NotImplementedError

    def compute_one(self, rec: RecordData) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def prepare(self, rec: RecordData) -> bool:
        """Called for each record of a chunk, while its signal is in memory, by a set that
        overrides :meth:`compute`: compute what :meth:`compute` needs (cached on ``rec``).
        True when :meth:`compute` and :meth:`compute_one` then no longer need
        ``rec.signal``, so the chunk can release it (default False: kept)."""
        return False

    def compute(self, recs: list[RecordData]) -> np.ndarray:
        """Rows for the records of a chunk (default: :meth:`compute_one` per record)."""
        return np.array([self.compute_one(r) for r in recs], dtype=np.float64)

    def __repr__(self) -> str:
        p = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({p})"


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
    row equal bit for bit to :func:`sqi_features` of that record alone).

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
    :class:`geoecg.estimators.CinC2017Classifier`.

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
    :func:`geoecg.features.af.record.morphology_features`) and, per lead, the peak-to-peak
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


_COV_BATCH = 128  # records per lead_covariances call (the stacked copy: 12 MB at 12 x 1000)


def _pairs(leads):
    n = len(leads)
    return [(i, j) for i in range(n) for j in range(i, n)]


class CovarianceSet(FeatureSet):
    """Lead covariance (upper triangle with the diagonal, prefix ``cov_``, mV^2) of the
    0.5-40 Hz band of the leads, :func:`geoecg.riemann.lead_covariances` with
    ``estimator`` (default OAS) and eigenvalue floor ``reg``.

    The band is taken at about 100 Hz (block means of ``floor(fs / 100)`` samples, then
    the band-pass; see :attr:`RecordData.band_decimated`): a 0.5-40 Hz signal has the same
    covariance at 100 Hz as at 500 Hz, at a fifth of the cost.

    Parameters
    ----------
    estimator : {"oas", "lwf", "scm"}, default "oas"
        Covariance estimator (see :func:`geoecg.riemann.lead_covariances`).
    reg : float, default 1e-6
        Eigenvalue floor relative to ``trace / n_channels`` (dimensionless), as in
        :func:`geoecg.riemann.lead_covariances`.

    Examples
    --------
    >>> s = CovarianceSet(estimator="oas")
    >>> s.columns(("I", "II", "V1"))  # the upper triangle with the diagonal
    [('cov_I_I', 'mV^2'), ('cov_I_II', 'mV^2'), ('cov_I_V1', 'mV^2'), ('cov_II_II', 'mV^2'),
     ('cov_II_V1', 'mV^2'), ('cov_V1_V1', 'mV^2')]
    """

    name = "covariance"
    uses = ("band_decimated",)

    def __init__(self, estimator: str = "oas", reg: float = 1e-6):
        if estimator not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {sorted(ESTIMATORS)}, got {estimator!r}")
        if isinstance(reg, bool) or not isinstance(reg, int | float | np.number):
            raise TypeError(f"reg must be a number >= 0 (relative floor), got {reg!r}")
        if not (np.isfinite(reg) and reg >= 0):
            raise ValueError(f"reg must be a finite number >= 0 (relative floor), got {reg!r}")
        self.estimator = estimator
        self.reg = reg

    def params(self):
        return {"estimator": self.estimator, "reg": self.reg}

    def columns(self, leads):
        return [(f"cov_{leads[i]}_{leads[j]}", "mV^2") for i, j in _pairs(leads)]

    def prepare(self, rec):
        rec.band_decimated  # noqa: B018 - computes the cache
        return True

    def matrices(self, recs) -> np.ndarray:
        """Covariance matrices ``(n_records, n_leads, n_leads)`` (records grouped by shape
        for one batched call each)."""
        n = len(recs)
        if n == 0:
            return np.empty((0, 0, 0))
        c = len(recs[0].leads)
        out = np.full((n, c, c), np.nan)
        groups: dict[tuple, list[int]] = {}
        for k, r in enumerate(recs):
            groups.setdefault(r.band_decimated[0].shape, []).append(k)
        for ks in groups.values():
            for start in range(0, len(ks), _COV_BATCH):
                kb = ks[start : start + _COV_BATCH]
                X = np.stack([recs[k].band_decimated[0] for k in kb])
                out[kb] = lead_covariances(X, estimator=self.estimator, reg=self.reg).covariances
        return out

    def compute(self, recs):
        C = self.matrices(recs)
        if not recs:
            return np.empty((0, 0))
        iu = np.triu_indices(C.shape[1])
        return C[:, iu[0], iu[1]]

    def compute_one(self, rec):
        return self.compute([rec])[0]


class TangentSet(FeatureSet):
    """Tangent vector (prefix ``tan_``, dimensionless) of the lead covariance at a fixed
    reference SPD matrix: ``upper(logm(R^-1/2 C R^-1/2))`` with off-diagonal entries
    weighted by sqrt(2) (``pyriemann.geometry.tangentspace.tangent_space``, metric
    ``"riemann"``).

    Parameters
    ----------
    reference : array_like, shape (n_leads, n_leads), optional
        The reference point (mV^2), for example the Riemannian mean of the covariances
        of a first run or of a training cohort. Default: the identity (mV^2), which makes
        the vector the matrix logarithm of the covariance (log-Euclidean coordinates).
        The reference is fixed for the whole run, so every chunk maps to the same space.
    covariance : CovarianceSet, optional

    Examples
    --------
    >>> s = TangentSet()
    >>> s
    TangentSet(reference=None, covariance={'estimator': 'oas', 'reg': 1e-06})
    >>> [c for c, _ in s.columns(("I", "II"))]
    ['tan_I_I', 'tan_I_II', 'tan_II_II']
    """

    name = "tangent"
    uses = ("band_decimated",)

    def __init__(self, reference=None, covariance: CovarianceSet | None = None):
        self.reference = None if reference is None else np.asarray(reference, dtype=np.float64)
        self.covariance = CovarianceSet() if covariance is None else covariance
        if self.reference is not None:
            R = self.reference
            if R.ndim != 2 or R.shape[0] != R.shape[1] or not np.allclose(R, R.T):
                raise ValueError(f"reference must be a symmetric square matrix, got {R.shape}")
            if np.linalg.eigvalsh(R).min() <= 0:
                raise ValueError("reference must be positive definite (SPD)")

    def params(self):
        ref = None if self.reference is None else self.reference.round(12).tolist()
        return {"reference": ref, "covariance": self.covariance.params()}

    def columns(self, leads):
        if self.reference is not None and self.reference.shape[0] != len(leads):
            raise ValueError(
                f"reference is {self.reference.shape[0]}x{self.reference.shape[0]} but the "
                f"records have {len(leads)} leads"
            )
        return [(f"tan_{leads[i]}_{leads[j]}", "1") for i, j in _pairs(leads)]

    def prepare(self, rec):
        return self.covariance.prepare(rec)

    def compute(self, recs):
        from .._optional import import_pyriemann  # pyRiemann without torch

        tangent_space = import_pyriemann("pyriemann.geometry.tangentspace").tangent_space
        C = self.covariance.matrices(recs)
        if not recs:
            return np.empty((0, 0))
        ref = np.eye(C.shape[1]) if self.reference is None else self.reference
        out = np.full((len(recs), C.shape[1] * (C.shape[1] + 1) // 2), np.nan)
        ok = np.isfinite(C).all(axis=(1, 2))
        if ok.any():
            out[ok] = tangent_space(C[ok], ref, metric="riemann")
        return out

    def compute_one(self, rec):
        return self.compute([rec])[0]


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
