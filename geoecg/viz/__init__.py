"""Plots (matplotlib). Numerical functions never plot; they return data that these draw."""

from .._lazy import attach as _attach

#: Public name -> submodule that defines it: each loads on first use (``geoecg._lazy``).
_EXPORTS = {
    "plot_af_timeline": "af",
    "plot_beat_templates": "beats",
    "plot_star_strip": "beats",
    "plot_comparison": "compare",
    "plot_hrv_psd": "hrv",
    "plot_poincare": "hrv",
    "plot_tachogram": "hrv",
    "plot_record": "records",
    "plot_covariances": "riemann",
    "plot_learning_curve": "riemann",
    "plot_tangent_scatter": "riemann",
    "plot_rpeaks": "rpeaks",
    "plot_shift_sweep": "shift",
}

__all__ = [
    "plot_record",
    "plot_rpeaks",
    "plot_beat_templates",
    "plot_star_strip",
    "plot_comparison",
    "plot_shift_sweep",
    "plot_tachogram",
    "plot_poincare",
    "plot_hrv_psd",
]

__getattr__, __dir__ = _attach(__name__, _EXPORTS)
