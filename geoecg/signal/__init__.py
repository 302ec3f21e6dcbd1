"""Signal conditioning: zero-phase filters, resampling, noise mixing at a target SNR."""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "apply_sos": "filters",
    "bandpass": "filters",
    "highpass": "filters",
    "lowpass": "filters",
    "notch": "filters",
    "remove_baseline": "filters",
    "mix_noise": "noise",
    "snr_db": "noise",
    "resample": "resample",
    "resample_indices": "resample",
    "BandPass": "transformers",
    "Resampler": "transformers",
}

__all__ = [
    "apply_sos",
    "bandpass",
    "highpass",
    "lowpass",
    "notch",
    "remove_baseline",
    "mix_noise",
    "snr_db",
    "resample",
    "resample_indices",
    "BandPass",
    "Resampler",
]

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
