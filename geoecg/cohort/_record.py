"""The per-record data shared by the feature sets of a chunk (private).

:class:`RecordData` holds one readable record (signal in mV, ``fs`` in Hz, the run's lead
layout) and computes the intermediates that several feature sets use once per record and
caches them: the multi-lead R-peaks, the primary lead's single-lead R-peaks, the 0.5-40 Hz
band (full rate and about 100 Hz). The named sets are in
:mod:`geoecg.cohort.feature_sets`, which re-exports :class:`RecordData` (its public path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import signal as sps

from .._kernels.band import block_mean_sosfilt
from .._kernels.cohort import HAS_BAND, HAS_LEAD, HAS_RPEAKS, NOISY_RPEAKS, record_intermediates
from .._validation import check_fs, check_layout
from ..features._rpeaks_run import (
    _LEAD_BLOCK_S,
    _LEAD_FLOOR,
    _finish_noisy,
    _plan_of,
    detect_from_lead_energy,
    detect_with_lead_energy,
)
from ..features.rpeaks import detect_rpeaks

__all__ = ["RecordData"]


@lru_cache(maxsize=32)
def _sos(fs: float, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """Band-pass sections and their steady-state initial conditions (per unit input).
    A rate at which the band is empty raises ValueError naming the rate it needs."""
    top = min(high, 0.45 * fs)
    if not low < top:  # scipy's own message ("Wn[0] must be less than Wn[1]") names neither
        raise ValueError(
            f"the {low:g}-{high:g} Hz band needs a sampling rate above {low / 0.45:.2f} Hz "
            f"(its top is capped at 0.45 x the rate); got {fs:g} Hz"
        )
    sos = sps.butter(2, [low, top], btype="bandpass", fs=fs, output="sos")
    return sos, sps.sosfilt_zi(sos)


@lru_cache(maxsize=32)
def _detector_args(fs: float) -> tuple:
    """The detector's default plan at ``fs`` as :func:`record_intermediates` takes it:
    ``(k, sos, half_width, min_len, block, floor, ints, floats, track)``, then the plan."""
    plan = _plan_of(fs, {})
    block = max(int(_LEAD_BLOCK_S * plan.fs_d), 1)
    return (plan.k, plan.sos, plan.half, plan.min_len, block, _LEAD_FLOOR, plan.ints,
            plan.floats, bool(plan.track), plan)  # fmt: skip


class _Released:
    """Stands for a released signal: any use raises ValueError."""

    def __getattr__(self, name):
        raise ValueError("the record's signal was released after its per-record features")

    def __getitem__(self, key):
        self.__getattr__("item")


_RELEASED = _Released()
_PRECOMPUTED = ("rpeaks", "lead_rpeaks", "lead_copy", "band_decimated")
_NO_SOS = np.zeros((1, 6))
_NO_BAND = np.zeros((0, 0))


@dataclass
class RecordData:
    """One readable record of a chunk, with lazily computed shared intermediates.

    Attributes
    ----------
    signal : ndarray, shape (n_leads, n_samples)
        mV, leads in the order of ``leads``.
    fs : float
        Hz.
    leads : tuple of str
        Lead names of the run's layout.
    primary : int
        Index of the lead used by the single-lead sets.

    Raises
    ------
    ValueError
        At construction: ``signal`` is not a 2-D array (n_leads >= 1, n_samples), ``fs``
        is not positive and finite (Hz), ``leads`` does not name every lead (one name per
        row of ``signal``), or ``primary`` is not a lead index in [0, n_leads).
    TypeError
        At construction: ``signal`` is not a NumPy array, ``fs`` is not a number or
        ``leads`` is not a sequence.
    """

    signal: np.ndarray
    fs: float
    leads: tuple[str, ...]
    primary: int
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        x = self.signal
        if not isinstance(x, np.ndarray):
            raise TypeError(
                f"signal must be a NumPy array (n_leads, n_samples) in mV, got "
                f"{type(x).__name__} (use np.asarray)"
            )
        if x.ndim != 2 or x.shape[0] < 1:
            raise ValueError(f"signal must be (n_leads >= 1, n_samples) in mV, got shape {x.shape}")
        check_fs(self.fs)
        if not isinstance(self.leads, str) and not hasattr(self.leads, "__len__"):
            raise TypeError(
                f"leads must be a tuple of str, one name per lead of signal, got "
                f"{type(self.leads).__name__} {self.leads!r}"
            )
        if isinstance(self.leads, str) or len(self.leads) != x.shape[0]:
            raise ValueError(
                f"leads must name each of the {x.shape[0]} leads of signal (a tuple of str), "
                f"got {self.leads!r}"
            )
        p = self.primary
        if isinstance(p, bool) or not isinstance(p, int | np.integer) or not 0 <= p < x.shape[0]:
            raise ValueError(f"primary must be a lead index in [0, {x.shape[0]}), got {p!r}")

    def precompute(self, rpeaks: bool = True, lead: bool = True, band: bool = True) -> None:
        """Fill the cache of :attr:`rpeaks`/:attr:`confidence` (``rpeaks``),
        :attr:`lead_rpeaks` and :attr:`lead_copy` (``lead``, with ``rpeaks``) and
        :attr:`band_decimated` (``band``) in one kernel call
        (:func:`geoecg._kernels.cohort.record_intermediates`: the kernels the properties
        call, in the same order, hence the same arrays; the tracking steps of a noisy
        stretch, which run in NumPy, follow on the kernel's hand-back as in the property).
        What the kernel leaves (an infinite sample, a band with a non-finite sample, a
        signal that is not C-contiguous float64, options the detector rejects) stays to
        the properties, which compute it, or raise, as without this call."""
        if not (rpeaks or band) or any(key in self._cache for key in _PRECOMPUTED):
            return
        x = self.signal
        if not (
            isinstance(x, np.ndarray)
            and x.ndim == 2
            and x.dtype == np.float64
            and x.flags.c_contiguous
            and x.shape[1] > 0
            and 0 <= self.primary < x.shape[0]
        ):
            return
        try:
            check_layout(x, "signal")
            det = _detector_args(float(self.fs))
        except (TypeError, ValueError):
            return  # the properties raise it
        k = max(1, int(self.fs // 100))
        if band:
            sos, zi = _sos(float(self.fs / k), 0.5, 40.0)
            y = np.empty((x.shape[0], x.shape[1] // k))
        else:
            sos, zi, y = _NO_SOS, _NO_SOS, _NO_BAND
        want_lead = rpeaks and lead
        copy = np.empty(x.shape[1] if want_lead else 0)
        flags, peaks, conf, lead_peaks, energy, used, runs = record_intermediates(
            x, rpeaks, *det[:6], self.primary, *det[6:9], want_lead, k, sos, zi, y, copy
        )
        if flags & NOISY_RPEAKS:
            # the tracking steps of the noisy stretches, as the property runs them on the
            # same hand-back (it raises what they raise)
            try:
                peaks, conf = _finish_noisy(x, energy, used, runs, peaks, conf, det[9])
                flags |= HAS_RPEAKS
            except Exception:  # noqa: BLE001, S110 - left to the property
                pass
        if flags & HAS_RPEAKS:
            peaks.setflags(write=False)  # read-only, as RPeakResult's arrays
            conf.setflags(write=False)
            self._cache["rpeaks"] = peaks
            self._cache["confidence"] = conf
        if flags & HAS_LEAD:
            lead_peaks.setflags(write=False)
            self._cache["lead_rpeaks"] = lead_peaks
            self._cache["lead_copy"] = copy
        if flags & HAS_BAND:
            self._cache["band_decimated"] = (y, self.fs / k)
        self._cache["n_samples"] = x.shape[1]

    def release(self) -> None:
        """Drop the signal (the cached intermediates stay); properties not cached yet then
        raise ``ValueError``."""
        self.signal = _RELEASED
        self._cache.pop("lead_energy", None)

    @property
    def rpeaks(self) -> np.ndarray:
        """Multi-lead R-peaks (:func:`detect_rpeaks` on every lead), int64 samples."""
        if "rpeaks" not in self._cache:
            # keeps the primary lead's energy envelope for lead_rpeaks (the same numbers as
            # detect_rpeaks on the lead alone; geoecg.features._rpeaks_run)
            res, energy = detect_with_lead_energy(self.signal, self.fs, lead=self.primary)
            self._cache["rpeaks"] = res.indices
            self._cache["confidence"] = res.confidence
            self._cache["lead_energy"] = energy
        return self._cache["rpeaks"]

    @property
    def n_samples(self) -> int:
        """Samples per lead (kept after :meth:`release`)."""
        if "n_samples" not in self._cache:
            self._cache["n_samples"] = self.signal.shape[1]
        return self._cache["n_samples"]

    @property
    def confidence(self) -> np.ndarray:
        """Per-beat confidence of :attr:`rpeaks`."""
        self.rpeaks  # noqa: B018 - computes the cache
        return self._cache["confidence"]

    @property
    def lead(self) -> np.ndarray:
        """The primary lead (1-D, mV)."""
        return self.signal[self.primary]

    @property
    def lead_copy(self) -> np.ndarray:
        """A contiguous float64 copy of the primary lead, kept after :meth:`release` (for
        the sets that batch the primary lead of a chunk's records)."""
        if "lead_copy" not in self._cache:
            self._cache["lead_copy"] = np.array(self.lead, dtype=np.float64, order="C")
        return self._cache["lead_copy"]

    @property
    def lead_rpeaks(self) -> np.ndarray:
        """R-peaks of the primary lead alone, without rhythm tracking (``track=False``),
        as the quality, noise and AF functions expect."""
        if "lead_rpeaks" not in self._cache:
            saved = self._cache.pop("lead_energy", None)
            if saved is not None:
                res = detect_from_lead_energy(self.lead, saved, track=False)
            else:
                res = detect_rpeaks(self.lead, self.fs, track=False)
            self._cache["lead_rpeaks"] = res.indices
        return self._cache["lead_rpeaks"]

    @property
    def band_decimated(self) -> tuple[np.ndarray, float]:
        """The 0.5-40 Hz band at about 100 Hz: means of blocks of ``floor(fs / 100)``
        samples (the tail shorter than a block dropped), then the band-pass of
        :attr:`filtered` at the reduced rate. Returns ``(signal, rate in Hz)``."""
        if "band_decimated" not in self._cache:
            k = max(1, int(self.fs // 100))
            x = self.signal
            sos, zi = _sos(float(self.fs / k), 0.5, 40.0)
            y = np.empty((x.shape[0], x.shape[1] // k))
            # one kernel pass; its NumPy twin (strided block sums, / k, then _band) is the
            # path taken when a sample is not finite
            if not (y.shape[1] and block_mean_sosfilt(x=x, block=k, sos=sos, zi=zi, out=y)):
                y = _band(_block_mean(x, k), self.fs / k)
            self._cache["band_decimated"] = (y, self.fs / k)
        return self._cache["band_decimated"]

    @property
    def filtered(self) -> np.ndarray:
        """0.5-40 Hz band-passed leads (order-2 Butterworth, one causal pass started in
        steady state at the first sample; NaN gaps handled by
        :func:`geoecg.signal.bandpass` instead)."""
        if "filtered" not in self._cache:
            self._cache["filtered"] = _band(self.signal, self.fs)
        return self._cache["filtered"]


def _block_mean(x: np.ndarray, k: int) -> np.ndarray:
    """Means of blocks of ``k`` samples per lead (the tail shorter than a block dropped),
    as strided sums in sample order divided by ``k``."""
    if k == 1:
        return x
    n = (x.shape[1] // k) * k
    acc = x[:, 0:n:k].copy()
    for j in range(1, k):
        acc += x[:, j:n:k]
    return acc / k


def _band(x: np.ndarray, fs: float) -> np.ndarray:
    """0.5-40 Hz (at most 0.45 fs) order-2 Butterworth band-pass, one causal pass started
    in steady state at the first sample; :func:`geoecg.signal.bandpass` where NaN occur."""
    if x.shape[1] and np.isfinite(x).all():
        sos, zi1 = _sos(float(fs), 0.5, 40.0)
        y, _ = sps.sosfilt(sos, x, axis=-1, zi=zi1[:, None, :] * x[:, 0][None, :, None])
    else:
        from ..signal import bandpass

        y = bandpass(x, fs, 0.5, min(40.0, 0.45 * fs))
    return np.ascontiguousarray(y)
