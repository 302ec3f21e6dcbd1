"""Plots (matplotlib). Numerical functions never plot; they return data that these draw."""

from .af import plot_af_timeline  # noqa: F401
from .beats import plot_beat_templates, plot_star_strip
from .compare import plot_comparison
from .hrv import plot_hrv_psd, plot_poincare, plot_tachogram
from .records import plot_record
from .riemann import plot_covariances, plot_learning_curve, plot_tangent_scatter  # noqa: F401
from .rpeaks import plot_rpeaks
from .shift import plot_shift_sweep

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
