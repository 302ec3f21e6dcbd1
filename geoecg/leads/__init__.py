"""The standard 12 leads: names, linear relations, and reconstruction from a subset.

- ``names``: :data:`STANDARD_LEADS`, :func:`parse_lead` (``"AVR"``,
  ``"avr"``, ``"MLII"``, ``"v5"`` ...), :func:`lead_indices`, :func:`canonical_order`.
- ``relations``: Einthoven (III = II - I) and Goldberger (aVR, aVL, aVF
  from I and II) relations, :func:`limb_leads`, :func:`limb_relation_residuals`.
- ``reconstruct``: :class:`LeadReconstructor` (population ridge,
  Gaussian conditional mean, patient-calibrated) and :func:`reconstruction_scores`.
"""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "BEAT_PHASE_EDGES_S": "_phases",
    "beat_phase_index": "_phases",
    "AmplitudeSpread": "amplitude",
    "amplitude_spread": "amplitude",
    "r_amplitudes": "amplitude",
    "CHEST_LEADS": "names",
    "LIMB_LEADS": "names",
    "STANDARD_LEADS": "names",
    "canonical_order": "names",
    "lead_indices": "names",
    "parse_lead": "names",
    "parse_leads": "names",
    "METHODS": "reconstruct",
    "LeadReconstructor": "reconstruct",
    "ReconstructionScores": "reconstruct",
    "reconstruction_scores": "reconstruct",
    "LIMB_FROM_I_II": "relations",
    "limb_leads": "relations",
    "limb_relation_residuals": "relations",
}

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

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
