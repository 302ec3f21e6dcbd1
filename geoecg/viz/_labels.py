"""Human-readable labels for plots: lead names, sweep metrics, methods and shift axes.

>>> lead_label("AVR"), lead_label("MLII"), lead_label("v5")
('aVR', 'MLII', 'V5')
>>> metric_label("log_loss_gap")
'log-loss transfer gap (nats; > 0 = worse)'
>>> shift_label({"age_mean": 10.0})
'shift s: test population age mean +10 years per unit of s'
"""

from __future__ import annotations

__all__ = ["lead_label", "metric_label", "method_label", "shift_label"]

_GOLDBERGER = {"AVR": "aVR", "AVL": "aVL", "AVF": "aVF"}

#: Sweep metric column -> axis label.
METRIC_LABELS = {
    "log_loss_gap": "log-loss transfer gap (nats; > 0 = worse)",
    "auroc_gap": "AUROC transfer gap (< 0 = worse)",
    "brier_gap": "Brier score transfer gap (> 0 = worse)",
    "ece_gap": "calibration error (ECE) transfer gap (> 0 = worse)",
    "auroc": "AUROC on the shifted test population",
    "log_loss": "log loss on the shifted test population (nats)",
    "brier": "Brier score on the shifted test population",
    "ece": "expected calibration error on the shifted test population",
}

#: Sweep method name -> legend label.
METHOD_LABELS = {
    "x_only": "ECG features only (X)",
    "x_plus_w": "X + covariates W (logistic)",
    "glm": "X + W (GLM)",
    "irm": "IRM",
    "vrex": "V-REx",
    "groupdro": "group DRO",
    "anchor": "anchor regression",
    "importance": "importance weighting",
}

#: Environment field -> (what changes, unit) in the shifted test population.
_SHIFT_FIELDS = {
    "age_mean": ("age mean", "years"),
    "age_sd": ("age SD", "years"),
    "female_frac": ("fraction of women", ""),
    "prevalence_shift": ("log-odds of disease", ""),
    "gain": ("device gain", ""),
    "noise_sd": ("measurement noise SD", "mV"),
    "misplacement": ("electrode misplacement", ""),
    "shortcut": ("shortcut-feature strength", ""),
}


def lead_label(name: str) -> str:
    """Display name of a lead: Goldberger leads as aVR/aVL/aVF, chest leads upper case."""
    key = str(name).strip()
    up = key.upper()
    if up in _GOLDBERGER:
        return _GOLDBERGER[up]
    if up.startswith("V") and up[1:].isdigit():
        return up
    return key


def metric_label(metric: str) -> str:
    """Axis label of a sweep metric column (the column name itself if unknown)."""
    return METRIC_LABELS.get(metric, metric.replace("_", " "))


def method_label(method: str) -> str:
    """Legend label of a sweep method (the name itself if unknown)."""
    return METHOD_LABELS.get(method, method)


def _num(v: float) -> str:
    return f"{v:+g}"


def shift_label(shift: dict | None) -> str:
    """Axis label of the shift strength, from a sweep config's ``[shift]`` table."""
    if not shift:
        return "shift strength s"
    parts = []
    for field, step in shift.items():
        what, unit = _SHIFT_FIELDS.get(field, (field.replace("_", " "), ""))
        parts.append(f"{what} {_num(float(step))}{(' ' + unit) if unit else ''}")
    return f"shift s: test population {', '.join(parts)} per unit of s"
