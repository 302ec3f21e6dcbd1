"""Range checks of :class:`~geoecg.features.delineation.DelineationSettings` (run at
construction, so a bad field is named before any signal is touched)."""

from __future__ import annotations

import numpy as np

from .._validation import check_number

__all__ = ["check_settings"]

#: Times in ms, each a finite number >= 0.
_MS = (
    "qrs_pre_ms", "qrs_post_ms", "slope_win_ms", "t_gap_ms", "t_a_ms", "t_span_ms", "p_pre_ms",
    "p_gap_ms", "p_span_ms", "p_off_span_ms", "p_sep_ms", "p_pr_tol_ms", "qrs_spike_ms",
)  # fmt: skip
#: Fractions (of a slope, an amplitude, a share of beats or leads, a correlation) in [0, 1].
_FRACTIONS = (
    "qrs_on_hi", "qrs_on_lo", "qrs_off_hi", "qrs_off_lo", "t_min_rel", "p_min_rel",
    "p_dominance", "p_consistent", "global_p_vote", "p_af_share", "p_flutter_r", "t_lead_rel",
)  # fmt: skip
#: Multipliers (of RR, of a threshold), each a finite number >= 0.
_FACTORS = ("t_b", "t_rr", "p_noise", "p_lead_rel", "p_rec_rr", "qrs_spike_k")


def check_settings(st) -> None:
    """Raise naming the first field of ``st`` outside its allowed range.

    Parameters
    ----------
    st : DelineationSettings
        The settings to check (used as ``DelineationSettings.__post_init__``).

    Raises
    ------
    TypeError
        A field is not a real number (text, bool, None), or a band / ``shift_ms`` is not a
        sequence of numbers.
    ValueError
        A time (``*_ms``) is negative or not finite; a fraction (``qrs_on_hi``,
        ``p_dominance``, ...) lies outside [0, 1]; a multiplier (``t_b``, ``p_noise``, ...)
        is negative or not finite; ``p_af_irr`` is negative or NaN (``inf`` turns the
        atrial-rhythm test off); a band is not ``0 < low < high`` Hz; ``shift_ms`` does
        not hold 12 finite values (ms).

    Examples
    --------
    >>> from geoecg.features import DelineationSettings
    >>> DelineationSettings(qrs_on_hi=2.0)
    Traceback (most recent call last):
    ...
    ValueError: DelineationSettings.qrs_on_hi must be a fraction in [0, 1], got 2.0
    """
    who = "DelineationSettings."
    for f in _MS:
        check_number(getattr(st, f), who + f, minimum=0, strict=False, unit="ms")
    for f in _FACTORS:
        check_number(getattr(st, f), who + f, minimum=0, strict=False)
    for f in _FRACTIONS:
        v = check_number(getattr(st, f), who + f)  # type and finiteness
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{who}{f} must be a fraction in [0, 1], got {getattr(st, f)!r}")
    v = st.p_af_irr
    if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating):
        raise TypeError(f"{who}p_af_irr must be a real number, got {type(v).__name__} {v!r}")
    if not v >= 0:  # NaN fails too; inf is legal (test off)
        raise ValueError(f"{who}p_af_irr must be a number >= 0 (inf: off), got {v!r}")
    for f in ("qrs_band_hz", "wave_band_hz"):
        band = getattr(st, f)
        if isinstance(band, str) or not hasattr(band, "__len__") or len(band) != 2:
            raise TypeError(f"{who}{f} must be a (low, high) pair in Hz, got {band!r}")
        lo = check_number(band[0], f"{who}{f}[0]", minimum=0, unit="Hz")
        hi = band[1]
        if isinstance(hi, bool | np.bool_) or not isinstance(hi, int | float | np.number):
            raise TypeError(f"{who}{f}[1] must be a real number (Hz), got {hi!r}")
        if not hi > lo:  # inf is legal: the upper edge is capped at 0.45 fs
            raise ValueError(f"{who}{f} must satisfy 0 < low < high (Hz), got {band!r}")
    shift = st.shift_ms
    if isinstance(shift, str) or not hasattr(shift, "__len__") or len(shift) != 12:
        raise ValueError(f"{who}shift_ms must hold 12 values (ms), got {shift!r}")
    for i, s in enumerate(shift):
        check_number(s, f"{who}shift_ms[{i}]", unit="ms")
