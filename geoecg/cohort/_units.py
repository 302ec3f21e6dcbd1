"""Units of the feature columns (written into the Parquet field metadata).

``"1"`` marks a dimensionless number (ratio, fraction, normalised index, entropy in the
unit named where it has one).
"""

from __future__ import annotations

from ..features.af.record import AF_RECORD_FEATURE_NAMES, MORPHOLOGY_NAMES
from ..features.hrv import HRV_FEATURE_NAMES

_HRV_MS = (
    "MeanNN SDNN RMSSD SDSD MedianNN MadNN IQRNN Prc20NN Prc80NN MinNN MaxNN TINN SD1 SD2"
).split()
_HRV_OTHER = {
    "pNN20": "%",
    "pNN50": "%",
    "HRMean": "bpm",
    "HRStd": "bpm",
    "HRMin": "bpm",
    "HRMax": "bpm",
    "VLF": "ms^2",
    "LF": "ms^2",
    "HF": "ms^2",
    "TP": "ms^2",
    "LFn": "n.u.",
    "HFn": "n.u.",
    "SampEn": "nats",
    "ApEn": "nats",
    "ShanEn": "bits",
}


def _hrv_unit(name: str) -> str:
    base = name.removesuffix("_LS")
    if base in _HRV_MS:
        return "ms"
    return _HRV_OTHER.get(base, "1")


class _Units(dict):
    """Name -> unit, with a function for names not listed."""

    def __init__(self, fn, names=()):
        super().__init__({n: fn(n) for n in names})
        self._fn = fn

    def __missing__(self, key):
        return self._fn(key)


HRV_UNITS = _Units(_hrv_unit)
SQI_UNITS = _Units(lambda n: "1")
NOISE_UNITS = _Units(
    lambda n: (
        "dB"
        if n.startswith("SNR")
        else ("log10" if n.startswith(("Log", "Range", "Slope")) else "1")
    )
)
MORPHOLOGY_UNITS = _Units(
    lambda n: {"R_amp": "mV", "signal_std": "mV", "QRS_width_ms": "ms"}.get(n, "1")
)
_AF_SPECIAL = {
    "duration_s": "s",
    "n_beats": "count",
    "beat_rate": "1/s",
    "MeanRR": "ms",
    "MeanRR_clean": "ms",
    "nFinite": "count",
    "nFinite_clean": "count",
}


def _af_unit(name: str) -> str:
    if name in _AF_SPECIAL:
        return _AF_SPECIAL[name]
    if name in HRV_FEATURE_NAMES:
        return _hrv_unit(name)
    if name in MORPHOLOGY_NAMES:
        return MORPHOLOGY_UNITS[name]
    return "1"


AF_UNITS = _Units(_af_unit, AF_RECORD_FEATURE_NAMES)
