"""Parameter checks of :class:`geoecg.leads.LeadReconstructor` (kept apart for size)."""

from __future__ import annotations

import numpy as np

from .._validation import check_flag, check_fs, check_number
from ._rescale import AMPLITUDE_MAPS
from .names import STANDARD_LEADS, parse_leads

__all__ = ["METHODS", "check_params"]

#: Reconstruction methods: the ``method=`` of :class:`~geoecg.leads.LeadReconstructor`.
METHODS = ("population", "gaussian", "patient")


def check_params(est):
    """Validate the parameters of a LeadReconstructor; returns the canonical sources."""
    if est.method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {est.method!r}")
    if not isinstance(est.n_taps, (int, np.integer)) or est.n_taps < 0:
        raise ValueError(f"n_taps must be an int >= 0, got {est.n_taps!r}")
    check_number(est.alpha, "alpha", minimum=0, strict=False)
    if not 0 <= check_number(est.shrinkage, "shrinkage") < 1:
        raise ValueError(f"shrinkage must be in [0, 1), got {est.shrinkage!r}")
    k = est.template_neighbors
    if not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"template_neighbors must be an int >= 0, got {k!r}")
    if not 0 < check_number(est.template_weight, "template_weight") <= 1:
        raise ValueError(f"template_weight must be in (0, 1], got {est.template_weight!r}")
    if k and est.method == "patient":
        raise ValueError("template_neighbors applies to the population and gaussian methods")
    km = est.map_neighbors
    if not isinstance(km, (int, np.integer)) or km < 0:
        raise ValueError(f"map_neighbors must be an int >= 0, got {km!r}")
    if km and (est.method != "population" or len(parse_leads(est.source)) != 1):
        raise ValueError("map_neighbors applies to the population method from one lead")
    if est.amplitude not in AMPLITUDE_MAPS:
        raise ValueError(f"amplitude must be one of {AMPLITUDE_MAPS}, got {est.amplitude!r}")
    if est.amplitude != "conditional" and est.method == "patient":
        raise ValueError(f"amplitude={est.amplitude!r} applies to population and gaussian")
    check_flag(est.rectified, "rectified")
    check_flag(est.limb_relations, "limb_relations")
    if est.fs is not None:  # checked whether or not the method uses it
        check_fs(est.fs)
    if est.on_invalid not in ("raise", "nan"):
        raise ValueError(f"on_invalid must be 'raise' or 'nan', got {est.on_invalid!r}")
    if est.phase_edges_s is not None:
        e = np.asarray(est.phase_edges_s, dtype=float)
        if e.ndim != 1 or e.size < 1 or not np.isfinite(e).all() or (np.diff(e) <= 0).any():
            raise ValueError(
                f"phase_edges_s must be increasing finite edges in s, got {est.phase_edges_s!r}"
            )
    if (
        est.method == "patient"
        or est.phase_edges_s is not None
        or k
        or km
        or est.amplitude != "conditional"
    ):
        fs_ok = isinstance(est.fs, int | float | np.integer | np.floating) and not isinstance(
            est.fs, bool
        )
        if not fs_ok or not np.isfinite(est.fs) or est.fs <= 0:
            raise ValueError(
                "fs must be a positive number in Hz for method='patient', phase_edges_s, "
                f"template_neighbors, map_neighbors or amplitude, got {est.fs!r}"
            )
    if est.method == "patient":
        check_number(est.calibration_s, "calibration_s", minimum=0, unit="s")
        check_number(est.prior_strength, "prior_strength", minimum=0, strict=False)
    src = parse_leads(est.source)
    if len(src) == len(STANDARD_LEADS):
        raise ValueError("source holds all 12 leads: nothing to reconstruct")
    return src
