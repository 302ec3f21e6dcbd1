"""Simulators for distribution-shift studies: anticausal SCMs and synthetic 12-lead ECGs.

``AnticausalSCM`` draws tabular (W, Y, X) from environments; ``ECGWaveformSimulator`` draws
the same (W, Y) and turns them into 12-lead waveforms (ECGSYN dynamics, Dower projection)
whose heart rate, QRS width, ST level and axis depend on Y and W.
"""

from .ecg_simulator import ECGWaveformSimulator, waveform_summary_features
from .scm import (
    AnticausalSCM,
    Environment,
    SCMSample,
    shift_covariates,
    shift_mechanism,
    shift_prevalence,
    shift_shortcut,
    shifted_environment,
)
from .waveforms import DOWER, LEADS, dipole_to_12lead, swap_arm_leads, synthesize_ecg

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
