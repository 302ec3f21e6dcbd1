"""Simulators for distribution-shift studies: anticausal SCMs and synthetic 12-lead ECGs.

``AnticausalSCM`` draws tabular (W, Y, X) from environments; ``ECGWaveformSimulator`` draws
the same (W, Y) and turns them into 12-lead waveforms (ECGSYN dynamics, Dower projection)
whose heart rate, QRS width, ST level and axis depend on Y and W.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "ECGWaveformSimulator": "ecg_simulator",
    "waveform_summary_features": "ecg_simulator",
    "AnticausalSCM": "scm",
    "Environment": "scm",
    "SCMSample": "scm",
    "shift_covariates": "scm",
    "shift_mechanism": "scm",
    "shift_prevalence": "scm",
    "shift_shortcut": "scm",
    "shifted_environment": "scm",
    "DOWER": "waveforms",
    "LEADS": "waveforms",
    "dipole_to_12lead": "waveforms",
    "swap_arm_leads": "waveforms",
    "synthesize_ecg": "waveforms",
}

__all__ = [
    "ECGWaveformSimulator",
    "waveform_summary_features",
    "synthesize_ecg",
    "dipole_to_12lead",
    "swap_arm_leads",
    "DOWER",
    "LEADS",
    "AnticausalSCM",
    "Environment",
    "SCMSample",
    "shift_covariates",
    "shift_mechanism",
    "shift_prevalence",
    "shift_shortcut",
    "shifted_environment",
]

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
