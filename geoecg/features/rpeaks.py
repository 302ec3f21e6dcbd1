"""R-peak (QRS) detection: :func:`detect_rpeaks` and the :class:`RPeakDetector` transformer.

The detector is a Pan & Tompkins (1985) / Hamilton & Tompkins (1986) design written as
numba kernels (:mod:`geoecg._kernels.rpeaks`, :mod:`geoecg._kernels.rpeaks_decide`):
zero-phase Butterworth band-pass, squared derivative averaged over a centred window (the QRS
energy envelope), candidate maxima, adaptive thresholds with T-wave rejection and
search-back, and a final move of each beat to the extremum of the raw signal.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .._butter import butter2_bandpass_sos
from .._kernels import rpeaks_stages as S
from .._kernels.rpeaks import mask_runs
from .._validation import _to_float, as_signal, check_flag, check_fs, check_layout

__all__ = ["RPeakResult", "detect_rpeaks"]  # RPeakDetector: see rpeaks_transformer

METHODS = ("geoecg",)

# ---- named constants of the pipeline (every number a kernel receives is one of these) ----
# detection runs on block means at fs / floor(fs / _DETECT_FS_HZ), i.e. 100-200 Hz
_DETECT_FS_HZ = 100.0
# zero-phase Butterworth band-pass: order 2 per pass (geoecg._butter), upper edge capped
# at _BAND_CAP * fs
_BAND_CAP = 0.45
# decision (Pan & Tompkins 1985; Hamilton & Tompkins 1986): initial levels from the first
# _INIT_S seconds (QRS level = the candidate of rank _INIT_RANK from the top); T-wave rule
# within _TWAVE_S of a beat and under _TWAVE_FRAC of its height; search-back after
# _SEARCHBACK_RR median RR intervals at _SEARCHBACK_FRAC of the threshold; RR interval
# assumed before two beats were seen: _RR0_S
_INIT_S, _INIT_RANK = 8.0, 3
_TWAVE_S, _TWAVE_FRAC = 0.36, 0.5
_SEARCHBACK_RR, _SEARCHBACK_FRAC = 1.66, 0.5
_RR0_S = 1.5
# threshold position rises from `threshold` to _FRAC_NOISY as npk/spk goes 0.4 -> 0.7
_FRAC_NOISY, _RATIO_LO, _RATIO_HI = 0.7, 0.4, 0.7
# multi-lead: each envelope divided by the median over _LEAD_BLOCK_S blocks of the block
# maximum; values below _LEAD_FLOOR count as _LEAD_FLOOR in the geometric mean
_LEAD_BLOCK_S, _LEAD_FLOOR = 2.0, 1e-6
# beat-sequence tracking (_rpeaks_run._track_select): noise weight from the envelope median (over
# _NOISE_SUBSAMPLE evenly spaced samples) of _NOISE_BLOCK_S blocks relative to the median
# beat height over _NOISE_CHUNK_S stretches, 0 at _NOISE_LO, 1 at _NOISE_HI, eroded over
# _NOISE_ERODE block(s) on either side; RR-irregularity cost _TRACK_BETA with a dead zone
# _TRACK_DEAD (log ratio); evidence floor _TRACK_GMIN for the beats kept by the adaptive
# thresholds; rejected candidates above _TRACK_MIN_FRAC times the threshold may come back
# at a penalty _TRACK_PEN; paths jump over gaps longer than _TRACK_MAX_GAP_S for free
_NOISE_BLOCK_S, _NOISE_CHUNK_S, _NOISE_LO, _NOISE_HI, _NOISE_ERODE = 3.0, 30.0, 0.22, 0.37, 1
_NOISE_SUBSAMPLE = 15
_TRACK_BETA, _TRACK_DEAD, _TRACK_GMIN, _TRACK_PEN = 2.0, 0.1, 0.2, 0.3
_TRACK_MIN_FRAC, _TRACK_MAX_GAP_S = 0.5, 3.0
_TINY = 1e-300  # guards a division by a zero threshold
# pruning compares RR with _RR0_S before any RR is known
# refinement: the local mean is taken over +/- max(_REFINE_BASE_S, refine_ms) seconds
_REFINE_BASE_S = 0.2
# NaN runs of at most max_gap_ms (default _MAX_GAP_MS) with a finite sample on each side are
# filled by linear interpolation in the detector's input (docs/benchmarks/rpeaks.md, session
# 13): a gap of T loses content above ~1 / (2 T), >= 20 Hz (the band's top) for T <= 25 ms,
# and 25 ms is under a third of a QRS width, so a bridged gap cannot hide a QRS
_MAX_GAP_MS = 25.0
_NO_RANGES = np.zeros((0, 2), dtype=np.int64)
_NO_RANGES.flags.writeable = False


@dataclass(frozen=True)
class RPeakResult:
    """R-peaks found in one record.

    Attributes
    ----------
    indices : ndarray of int64, shape (n_beats,)
        Sample index of each R-peak, strictly increasing.
    fs : float
        Sampling frequency in Hz.
    method : str
        Name of the detector that produced the peaks.
    confidence : ndarray of float64, shape (n_beats,)
        ``h / (h + thr)`` where ``h`` is the beat's QRS-energy height and ``thr`` the
        adaptive threshold it was compared with: 0.5 at the threshold, close to 1 for a
        beat far above it, below 0.5 for a beat accepted by search-back (or brought back by
        beat-sequence tracking in noise).
    gaps : ndarray of int64, shape (n_gaps, 2)
        ``[start, stop)`` sample ranges where no beat could be detected (NaN samples, or
        finite stretches too short to process); an RR interval across a gap is NaN in
        :attr:`rr_ms` because beats may be missing inside it.
    bridged : ndarray of int64, shape (n_bridged, 2)
        ``[start, stop)`` sample ranges of NaN runs no longer than ``max_gap_ms`` that were
        filled by linear interpolation (in at least one lead) before detection; RR
        intervals across them are finite, and no beat lies on a sample missing in every
        lead.
    """

    indices: np.ndarray
    fs: float
    method: str
    confidence: np.ndarray = field(repr=False)
    gaps: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64), repr=False)
    bridged: np.ndarray = field(default_factory=lambda: _NO_RANGES, repr=False)

    def __post_init__(self):
        for name in ("gaps", "bridged"):
            a = np.asarray(getattr(self, name), dtype=np.int64).reshape(-1, 2)
            object.__setattr__(self, name, a)
        for name in ("indices", "confidence", "gaps", "bridged"):
            a = getattr(self, name)
            a.setflags(write=False)

    def __len__(self) -> int:
        return int(self.indices.shape[0])

    @property
    def times_s(self) -> np.ndarray:
        """R-peak times in seconds."""
        return self.indices / self.fs

    @property
    def rr_ms(self) -> np.ndarray:
        """RR intervals in ms (``n_beats - 1`` values); NaN for an interval that spans a gap
        (see ``gaps``), where beats may be missing."""
        rr = np.diff(self.indices) * (1000.0 / self.fs)
        if self.gaps.shape[0] and rr.size:
            # a gap lies between beats i and i+1 when a gap starts before beat i+1 and ends
            # after beat i
            starts, stops = self.gaps[:, 0], self.gaps[:, 1]
            before_next = np.searchsorted(starts, self.indices[1:], side="left")
            ended_before = np.searchsorted(stops, self.indices[:-1], side="right")
            rr[before_next > ended_before] = np.nan
        return rr


@dataclass(frozen=True)
class _Plan:
    """Every sample count of one call, derived once from ``fs`` and the options (ms -> samples).

    ``k``: decimation factor; ``fs_d``: detection rate (Hz); ``sos``: band-pass at ``fs_d``;
    ``refr``/``half``/``min_len``: refractory distance, half window and shortest processed
    stretch at ``fs_d``; ``max_gap``: longest NaN run bridged, samples at ``fs``;
    ``radius``/``base_radius``: refinement windows and ``refr_full``
    the refractory distance, both at ``fs``; ``ints``/``floats``: the numbers stages 4-8
    take, laid out for :func:`geoecg._kernels.rpeaks_stages.run_beats` (read-only).
    """

    fs: float
    k: int
    fs_d: float
    sos: np.ndarray
    refr: int
    half: int
    min_len: int
    radius: int
    base_radius: int
    refr_full: float
    threshold: float
    prune: bool
    prune_rr: float
    prune_h: float
    track: bool
    max_gap: int
    ints: np.ndarray = field(repr=False, compare=False)
    floats: np.ndarray = field(repr=False, compare=False)


@lru_cache(maxsize=64)
def _band_sos(fs: float, low: float, high: float) -> np.ndarray:
    high = min(high, _BAND_CAP * fs)
    if not 0 < low < high:
        raise ValueError(
            f"band_hz must satisfy 0 < low < high < fs/2 (high is capped at 0.45 fs = "
            f"{_BAND_CAP * fs:g} Hz); got low={low}, high={high} at fs={fs:g} Hz"
        )
    # equal to scipy.signal.butter(2, ...) to the bit (tests/test_butter.py)
    # without importing scipy.signal (~1 s of CPU in a fresh process)
    sos = butter2_bandpass_sos(low, high, fs)
    sos.flags.writeable = False  # cached: shared between calls
    return sos


def _check_positive(name: str, value, allow_zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    if not np.isfinite(v) or v < 0 or (v == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value}")
    return v


def _validate_signal(signal) -> np.ndarray:
    return as_signal(signal, "signal", ndims=(1, 2))


def _as_leads(signal) -> np.ndarray:
    """``signal`` as a C-contiguous float64 ``(n_leads, n_samples)`` array, validated as
    :func:`_validate_signal` except for infinite samples, which the first kernel reports
    (one pass over the signal less)."""
    a = _to_float(signal, "signal")
    if a.ndim not in (1, 2):
        as_signal(a, "signal", ndims=(1, 2))  # raises the shape error
    check_layout(a, "signal")
    return np.ascontiguousarray(a.reshape(1, -1) if a.ndim == 1 else a)


def _plan(fs, method, band_hz, window_ms, refractory_ms, threshold, refine_ms, *rest) -> _Plan:
    """Validated options, durations in samples (cached for hashable arguments)."""
    try:
        return _plan_cached(
            fs, method, band_hz, window_ms, refractory_ms, threshold, refine_ms, *rest
        )
    except TypeError as exc:
        if "unhashable" not in str(exc):
            raise
        return _make_plan(
            fs, method, band_hz, window_ms, refractory_ms, threshold, refine_ms, *rest
        )


def _make_plan(
    fs,
    method,
    band_hz,
    window_ms,
    refractory_ms,
    threshold,
    refine_ms,
    prune=True,
    prune_rr=1.1,
    prune_h=0.6,
    track=True,
    max_gap_ms=_MAX_GAP_MS,
) -> _Plan:
    """Validate the options; convert the durations to samples at the detection and full rate."""
    fs = check_fs(fs)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    try:
        low, high = (float(v) for v in band_hz)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"band_hz must be a pair of numbers (Hz), got {band_hz!r}") from exc
    window_ms = _check_positive("window_ms", window_ms)
    refractory_ms = _check_positive("refractory_ms", refractory_ms)
    refine_ms = _check_positive("refine_ms", refine_ms, allow_zero=True)
    threshold = _check_positive("threshold", threshold)
    if threshold >= 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    prune, track = check_flag(prune, "prune"), check_flag(track, "track")
    prune_rr = _check_positive("prune_rr", prune_rr)
    prune_h = _check_positive("prune_h", prune_h)
    max_gap_ms = _check_positive("max_gap_ms", max_gap_ms, allow_zero=True)
    # detection runs at fs / k (100-200 Hz: ample for the 3-20 Hz QRS band) on block means;
    # refinement runs on the raw signal at the full rate
    k = max(int(fs // _DETECT_FS_HZ), 1)
    fs_d = fs / k
    refr = max(int(round(refractory_ms * fs_d / 1000.0)), 1)
    radius = int(round(refine_ms * fs / 1000.0))
    base_radius = max(int(round(_REFINE_BASE_S * fs)), radius)
    refr_full = refractory_ms * fs / 1000.0
    cap = _BAND_CAP * fs_d
    if not 0 < low < min(high, cap):  # checked here to quote the caller's fs
        raise ValueError(
            f"band_hz must satisfy 0 < low < min(high, {cap:g} Hz) at fs={fs:g} Hz (detection "
            f"runs at {fs_d:g} Hz and the band's top is capped at 0.45 x that rate); "
            f"got band_hz=({low:g}, {high:g})"
        )
    return _Plan(
        fs=fs,
        k=k,
        fs_d=fs_d,
        sos=_band_sos(fs_d, low, high),
        refr=refr,
        half=max(int(round(window_ms * fs_d / 2000.0)), 0),
        min_len=2 * refr,
        radius=radius,
        base_radius=base_radius,
        refr_full=refr_full,
        threshold=threshold,
        prune=prune,
        prune_rr=prune_rr,
        prune_h=prune_h,
        track=track,
        max_gap=int(np.floor(max_gap_ms * fs / 1000.0 + 1e-9)),
        ints=_stage_ints(k, refr, fs_d, radius, base_radius, prune),
        floats=_stage_floats(fs_d, threshold, prune_rr, prune_h, refr_full),
    )


def _stage_ints(k: int, refr: int, fs_d: float, radius: int, base_radius: int, prune: bool):
    """The integer options of stages 4-8 (layout ``rpeaks_stages.I_*``), as the stage
    functions below compute them."""
    ints = np.zeros(S.N_INTS, dtype=np.int64)
    ints[S.I_K], ints[S.I_REFR] = k, refr
    ints[S.I_INIT], ints[S.I_INIT_RANK] = int(_INIT_S * fs_d), _INIT_RANK
    ints[S.I_TWAVE] = int(_TWAVE_S * fs_d)
    ints[S.I_BLOCK] = max(int(_NOISE_BLOCK_S * fs_d), 1)
    ints[S.I_NSUB], ints[S.I_CHUNK] = _NOISE_SUBSAMPLE, int(_NOISE_CHUNK_S * fs_d)
    ints[S.I_ERODE] = _NOISE_ERODE
    ints[S.I_RADIUS], ints[S.I_BASE_RADIUS], ints[S.I_PRUNE] = radius, base_radius, prune
    ints.flags.writeable = False
    return ints


def _stage_floats(fs_d: float, threshold: float, prune_rr: float, prune_h: float, refr_full):
    """The real options of stages 4-8 (layout ``rpeaks_stages.F_*``)."""
    f = np.zeros(S.N_FLOATS)
    f[S.F_TWAVE_FRAC], f[S.F_SEARCHBACK], f[S.F_SB_FRAC] = (
        _TWAVE_FRAC,
        _SEARCHBACK_RR,
        _SEARCHBACK_FRAC,
    )
    f[S.F_FRAC], f[S.F_RR0] = threshold, _RR0_S * fs_d
    f[S.F_FRAC_NOISY], f[S.F_RATIO_LO], f[S.F_RATIO_HI] = _FRAC_NOISY, _RATIO_LO, _RATIO_HI
    f[S.F_LO], f[S.F_HI] = _NOISE_LO, _NOISE_HI
    f[S.F_PRUNE_RR], f[S.F_PRUNE_H], f[S.F_REFR_FULL] = prune_rr, prune_h, refr_full
    f.flags.writeable = False
    return f


# typed: 1, 1.0 and True are different keys (a bool option must still raise TypeError)
_plan_cached = lru_cache(maxsize=64, typed=True)(_make_plan)


def detect_rpeaks(
    signal,
    fs,
    *,
    method: str = "geoecg",
    band_hz: tuple[float, float] = (3.0, 20.0),
    window_ms: float = 120.0,
    refractory_ms: float = 200.0,
    threshold: float = 0.4,
    refine_ms: float = 80.0,
    prune: bool = True,
    prune_rr: float = 1.1,
    prune_h: float = 0.6,
    track: bool = True,
    max_gap_ms: float = _MAX_GAP_MS,
) -> RPeakResult:
    """Detect R-peaks in a single- or multi-lead ECG.

    Parameters
    ----------
    signal : array_like, shape (n_samples,) or (n_leads, n_samples)
        ECG in mV (any unit works: the thresholds adapt). NaN marks missing samples: runs
        of at most ``max_gap_ms`` are bridged (see ``max_gap_ms``); in a longer gap no beat
        is detected and each finite stretch is processed on its own.
    fs : float
        Sampling frequency in Hz (tested from 100 to 1000 Hz).
    method : {"geoecg"}
        Detector name (one for now; recorded in the result).
    band_hz : (float, float), default (3, 20)
        Pass band of the zero-phase Butterworth filter (order 2 per pass), Hz. The upper edge
        is capped at 0.45 fs.
    window_ms : float, default 120
        Width of the centred moving window that averages the squared derivative, ms.
    refractory_ms : float, default 200
        Shortest RR interval allowed, ms (300 bpm).
    threshold : float, default 0.4
        Position of the threshold between the noise and QRS levels (0 = noise, 1 = QRS).
    refine_ms : float, default 80
        Each beat moves to the raw-signal sample farthest from its local mean within
        +/- ``refine_ms``; 0 keeps the energy-envelope maximum.
    prune : bool, default True
        Drop weak beats that split one RR interval in two (see Notes).
    prune_rr, prune_h : float, default 1.1 and 0.6
        A beat is pruned when the interval from the previous beat to the next one is shorter
        than ``prune_rr`` times the recent median RR *and* its height is below ``prune_h``
        times the recent median beat height.
    track : bool, default True
        In noisy stretches, re-select the beats by beat-sequence tracking (see Notes). The
        tracker prefers regular rhythm where the envelope is noisy, so turn it off when the
        beats feed a measure of irregularity or noise (AF, ectopy, signal quality): the AF
        record features, AF screening and noise-detector features of geoecg do.
    max_gap_ms : float, default 25
        Longest run of NaN samples (missing samples / ``fs``, ms) that is bridged: inside a
        lead, with a finite sample on each side, it is filled by linear interpolation in the
        detector's input, so the filters run through it (sample dropouts of wireless
        recorders). A gap of T ms loses content above about 1 / (2 T), at or above the
        20-Hz top of the pass band for T <= 25 ms, and 25 ms is under a third of a QRS
        width. A beat that would lie on a sample missing in every lead moves to the nearer
        finite neighbour of its gap (the left one on a tie); the filled ranges are listed in
        ``bridged``. 0 bridges nothing. Longer runs, and runs at the start or end of the
        signal, split the record as gaps.

    Returns
    -------
    RPeakResult
        ``indices`` (int64, sample numbers at ``fs``), ``fs`` (Hz), ``method``,
        per-beat ``confidence``, the long ``gaps`` and the ``bridged`` ranges.

    Raises
    ------
    ValueError
        If ``signal`` is not (n_samples,) or (n_leads, n_samples), ``fs`` is not a
        positive finite number of Hz, ``method`` is unknown, ``band_hz`` is not
        0 < low < high (Hz), ``window_ms`` or ``threshold`` is not > 0, or
        ``max_gap_ms`` is not >= 0.
    TypeError
        If ``signal`` does not hold real numbers or ``fs`` is not a number.

    Notes
    -----
    Pipeline (two numba calls, :func:`geoecg._kernels.rpeaks_stages.record_energy` for
    steps 1-2 and the lead combination, :func:`~geoecg._kernels.rpeaks_stages.run_beats`
    for steps 3-7 on each finite stretch, built from the kernels of
    :mod:`geoecg._kernels.rpeaks`, :mod:`geoecg._kernels.rpeaks_decide` and
    :mod:`geoecg._kernels.rpeaks_track`; the logarithms of tracking run in NumPy):

    1. block means bring the signal to ``fs / floor(fs / 100)`` (100-200 Hz);
    2. zero-phase Butterworth band-pass ``band_hz``; squared central difference averaged over
       ``window_ms`` (Pan & Tompkins' moving-window integrator); the decision works on its
       square root (an RMS slope), so a 3x amplitude change is a 3x height change;
    3. candidate maxima at least ``refractory_ms`` apart;
    4. adaptive threshold between the running medians of the last 8 QRS and noise heights,
       at ``threshold`` of the way up, rising to 0.7 as the noise-to-QRS ratio goes from
       0.4 to 0.7; T-wave rule (within 360 ms of a beat and under half its height: noise);
       search-back at half the threshold after 1.66 median RR intervals without a beat
       (Pan & Tompkins 1985; Hamilton & Tompkins 1986);
    5. beat-sequence tracking where the envelope is noisy (``track``): the (RMS-slope) median
       of the envelope over 3 s blocks, relative to the median beat height over 30 s, gives
       a noise weight (0 below 0.22, 1 above 0.37; a block takes the smallest weight of
       itself and its neighbours); dynamic programming over the candidates then keeps the
       sequence with the most evidence (``log(height / threshold)``) minus an
       RR-irregularity cost (the log ratio of each RR interval to the previous one or the
       one before, the cost scaled by the noise weight), so noise peaks that break a regular
       rhythm are dropped while clean stretches keep the beats of step 4 unchanged
       (:mod:`geoecg._kernels.rpeaks_track`);
    6. pruning of weak beats that split an RR interval (``prune``);
    7. refinement on the raw signal at the full rate (``refine_ms``).

    Multi-lead input: the energy envelope of each lead is divided by its typical QRS
    energy (the median over 2 s blocks of the block maximum) and the envelopes are combined
    by their geometric mean over the leads available at each sample (a NaN or flat lead is
    left out), so a QRS must stand out in every lead while noise seen in one lead only is
    damped; each beat is then refined on the lead with the largest normalised energy at
    that beat. Polarity does not matter: refinement picks
    the largest absolute deviation, so inverted QRS complexes land on their negative peak.

    Degenerate input gives an empty result, never an error: an empty signal, a finite
    stretch shorter than ``2 * refractory_ms``, a constant or flat (saturated) lead.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_119"))
    >>> res = detect_rpeaks(rec.signal[0], rec.fs)
    >>> res.indices.dtype, res.fs, res.method
    (dtype('int64'), 360.0, 'geoecg')
    >>> 250 < len(res) < 450  # 5-minute excerpt
    True
    """
    x2 = _as_leads(signal)
    plan = _plan(
        fs,
        method,
        band_hz,
        window_ms,
        refractory_ms,
        threshold,
        refine_ms,
        prune,
        prune_rr,
        prune_h,
        track,
        max_gap_ms,
    )
    from ._rpeaks_run import run_stages

    return run_stages(x2, plan, method)[0]


def _gaps_full_rate(runs, nd: int, k: int, n: int) -> np.ndarray:
    """Complement of the processed runs (decimated indices) as full-rate ``[start, stop)``."""
    edges = [0]
    for a, b in runs:
        edges += [a * k, min(b * k, n) if b < nd else n]
    edges.append(n)
    g = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return g[g[:, 1] > g[:, 0]]


def _bridge_short_gaps(x2: np.ndarray, max_gap: int):
    """Fill the NaN runs of at most ``max_gap`` samples that have a finite sample on each
    side, in each lead of ``x2`` ``(n_leads, n)``, by linear interpolation between the two.

    Returns ``(filled, bridged, missing)``: a filled copy of ``x2`` (None when nothing was
    filled), the ``[start, stop)`` ranges filled in at least one lead and the
    ``(n,)`` mask of samples NaN in every lead (None when nothing was filled).
    """
    nan = np.isnan(x2)
    n = x2.shape[1]
    if max_gap < 1 or not nan.any():
        return None, _NO_RANGES, None
    y = x2.copy()
    filled = np.zeros(n, dtype=bool)
    for lead in range(x2.shape[0]):
        r = mask_runs(nan[lead], 1)
        a, b = r[:, 0], r[:, 1]
        r = r[(a > 0) & (b < n) & (b - a <= max_gap)]
        if not r.shape[0]:
            continue
        a, b = r[:, 0], r[:, 1]
        lens = b - a
        first = np.repeat(a, lens)
        idx = first + np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens)
        left, right = np.repeat(y[lead, a - 1], lens), np.repeat(y[lead, b], lens)
        frac = (idx - first + 1) / np.repeat(lens + 1, lens).astype(np.float64)
        y[lead, idx] = left + (right - left) * frac
        filled[idx] = True
    if not filled.any():
        return None, _NO_RANGES, None
    return y, mask_runs(filled, 1), filled & nan.all(axis=0)


def _off_missing(indices: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """``indices`` with each one on a ``missing`` sample moved to the nearer non-missing
    neighbour of its run (the left one on a tie); a bridged run has one on each side."""
    on = np.flatnonzero(missing[indices])
    if not on.size:
        return indices
    out = indices.copy()
    ok = np.flatnonzero(~missing)
    for i in on:
        p = int(indices[i])
        j = int(np.searchsorted(ok, p))
        left = int(ok[j - 1]) if j > 0 else None
        right = int(ok[j]) if j < ok.size else None
        if right is None or (left is not None and p - left <= right - p):
            out[i] = left
        else:
            out[i] = right
    return out


def __getattr__(name):
    # RPeakDetector lives in rpeaks_transformer (scikit-learn loads only when it is used)
    if name == "RPeakDetector":
        from .rpeaks_transformer import RPeakDetector

        return RPeakDetector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
