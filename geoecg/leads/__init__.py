"""The standard 12 leads: names, linear relations, and reconstruction from a subset.

- :mod:`~geoecg.leads.names`: :data:`STANDARD_LEADS`, :func:`parse_lead` (``"AVR"``,
  ``"avr"``, ``"MLII"``, ``"v5"`` ...), :func:`lead_indices`, :func:`canonical_order`.
- :mod:`~geoecg.leads.relations`: Einthoven (III = II - I) and Goldberger (aVR, aVL, aVF
  from I and II) relations, :func:`limb_leads`, :func:`limb_relation_residuals`.
- :mod:`~geoecg.leads.reconstruct`: :class:`LeadReconstructor` (population ridge,
  Gaussian conditional mean, patient-calibrated) and :func:`reconstruction_scores`.
"""

from ._phases import BEAT_PHASE_EDGES_S, beat_phase_index
from .amplitude import AmplitudeSpread, amplitude_spread, r_amplitudes
from .names import (
    CHEST_LEADS,
    LIMB_LEADS,
    STANDARD_LEADS,
    canonical_order,
    lead_indices,
    parse_lead,
    parse_leads,
)
from .reconstruct import METHODS, LeadReconstructor, ReconstructionScores, reconstruction_scores
from .relations import LIMB_FROM_I_II, limb_leads, limb_relation_residuals

__all__ = [
    "STANDARD_LEADS",
    "LIMB_LEADS",
    "CHEST_LEADS",
    "parse_lead",
    "parse_leads",
    "lead_indices",
    "canonical_order",
    "LIMB_FROM_I_II",
    "limb_leads",
    "limb_relation_residuals",
    "METHODS",
    "BEAT_PHASE_EDGES_S",
    "beat_phase_index",
    "LeadReconstructor",
    "ReconstructionScores",
    "reconstruction_scores",
    "r_amplitudes",
    "AmplitudeSpread",
    "amplitude_spread",
]
