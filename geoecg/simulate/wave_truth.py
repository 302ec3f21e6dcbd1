"""Exact wave positions of :func:`~geoecg.simulate.synthesize_ecg` strips (ECGSYN events in time).

At a constant heart rate (``hrv_lf = hrv_hf = 0``) the ECGSYN oscillator starts at phase
``pi`` and turns at ``omega = 2 pi hr / 60``, so the phase is ``theta(t) = pi + omega t`` and
every event (P, Q, R, S, T) sits at a known time. Each event adds a Gaussian in phase to the
3-D dipole, so the wave *boundaries* need a convention: here, the first and last time at which
the spatial magnitude of the wave's events (P; Q + R + S; T) reaches ``level`` times its
peak. This is the truth used by the delineation benchmark's ECGSYN check.

The model's baseline relaxation (``dz/dt = ... - (z - z0)``, time constant 1 s) moves the
slow P and T waves of the generated signal a few ms earlier than the event phase (up to about
5 ms at 45 bpm, 500 Hz); R is exact.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .waveforms import _AMP, _THETA_DEG, _WIDTH, WAVES, _t_events

__all__ = ["ECGSYN_FIDUCIALS", "ecgsyn_wave_times"]

#: Columns of :func:`ecgsyn_wave_times`.
ECGSYN_FIDUCIALS = (
    "P_on", "P_peak", "P_off", "QRS_on", "R_peak", "QRS_off", "T_on", "T_peak", "T_off",
)  # fmt: skip
_GROUPS = {"P": ("P",), "QRS": ("Q", "R", "S"), "T": ("T",)}


def _group_phases(theta, width, amp, idx, level):
    """Phases (rad, relative to R) of onset, peak and offset of the events ``idx``."""
    lo = min(theta[i] - 6 * width[i] for i in idx)
    hi = max(theta[i] + 6 * width[i] for i in idx)
    phi = np.linspace(lo, hi, 20001)
    v = sum(amp[:, i, None] * np.exp(-0.5 * ((phi - theta[i]) / width[i]) ** 2) for i in idx)
    m = np.linalg.norm(v, axis=0)
    above = np.flatnonzero(m >= level * m.max())
    return phi[above[0]], phi[int(np.argmax(m))], phi[above[-1]]


def ecgsyn_wave_times(
    *,
    fs: float,
    duration_s: float,
    hr_bpm: float,
    qrs_width: float = 1.0,
    qrs_amp: float = 1.0,
    level: float = 0.05,
    t_polarity: str = "upright",
) -> pd.DataFrame:
    """True P, QRS and T positions of a constant-rate :func:`~geoecg.simulate.synthesize_ecg` strip.

    Parameters
    ----------
    fs, duration_s, hr_bpm, qrs_width, qrs_amp : float
        As passed to :func:`~geoecg.simulate.synthesize_ecg` (with ``hrv_lf=0,
        hrv_hf=0``; ``axis_deg`` does
        not move the boundaries, a rotation keeps the spatial magnitude).
    level : float, default 0.05
        Boundary convention: fraction of the wave's peak spatial magnitude (0 < level < 1).
    t_polarity : {"upright", "inverted", "biphasic"}, default "upright"
        As passed to :func:`~geoecg.simulate.synthesize_ecg`. An inverted T has the
        upright T's times; the
        biphasic T's boundaries span both lobes and its peak is the larger (second) lobe's.

    Returns
    -------
    DataFrame
        One row per beat whose P onset and T offset lie inside the strip; columns
        :data:`ECGSYN_FIDUCIALS` in samples (float, at ``fs``).

    Examples
    --------
    >>> t = ecgsyn_wave_times(fs=500, duration_s=4, hr_bpm=60)
    >>> t["R_peak"].tolist()               # R at (k + 1/2) RR
    [250.0, 750.0, 1250.0, 1750.0]
    >>> bool(t["T_off"].iloc[-1] < 4 * 500)   # the last beat ends inside the strip
    True
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if not 20 <= hr_bpm <= 250:
        raise ValueError("hr_bpm must be within 20-250 beats/min")
    if qrs_width <= 0:
        raise ValueError("qrs_width must be > 0")
    f1 = np.sqrt(hr_bpm / 60.0)
    f2 = np.sqrt(f1)
    theta = np.deg2rad(_THETA_DEG) * np.array([f2, f1, 1.0, f1, f1, f2])
    width = _WIDTH * f1
    width[1:4] *= qrs_width
    amp = _AMP.copy()
    amp[:, 1:4] *= qrs_amp
    theta, width, amp = _t_events(theta, width, amp, t_polarity)
    rel = []
    for g in ("P", "QRS", "T"):
        idx = [WAVES.index(n) for n in _GROUPS[g]]
        if g == "T":  # the T lobes: every event from the T on
            idx = list(range(WAVES.index("T"), theta.size))
        rel.extend(_group_phases(theta, width, amp, idx, level))
    rel[4] = 0.0  # the QRS peak is the R event (phase 0)
    omega = 2 * np.pi * hr_bpm / 60.0
    rr = 60.0 / hr_bpm
    n = fs * duration_s
    rows = []
    for k in range(int(duration_s / rr) + 2):
        t_r = (k + 0.5) * rr
        row = [(t_r + p / omega) * fs for p in rel]
        if row[0] >= 0 and row[-1] < n - 1:
            rows.append(row)
    return pd.DataFrame(rows, columns=list(ECGSYN_FIDUCIALS))
