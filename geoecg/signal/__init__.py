"""Signal conditioning: zero-phase filters, resampling, noise mixing at a target SNR."""

from .filters import apply_sos, bandpass, highpass, lowpass, notch, remove_baseline
from .noise import mix_noise, snr_db
from .resample import resample, resample_indices
from .transformers import BandPass, Resampler

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
