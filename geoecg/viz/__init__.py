"""Plots (matplotlib). Numerical functions never plot; they return data that these draw."""

from .records import plot_record

__all__ = ["plot_record"]
