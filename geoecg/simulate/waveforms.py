"""Synthetic 12-lead ECG: ECGSYN dynamics on a 3-D dipole, projected with the Dower matrix.

The cardiac phase follows the limit-cycle oscillator of ECGSYN (McSharry, Clifford,
Tarassenko & Smith 2003, IEEE TBME 50(3):289-294); each Frank vectorcardiogram component
(X left, Y inferior, Z posterior) follows McSharry's z-equation with its own Gaussian event
amplitudes, as in the multichannel extension of Sameni, Clifford, Jutten & Shamsollahi
(2007, EURASIP J Adv Signal Process 2007:043407). The eight independent leads come from the
Dower transform and the four others from Einthoven's and Goldberger's identities.
"""

from __future__ import annotations

import numpy as np

from .._kernels.ecgsyn import ecgsyn_dipole
from .._validation import _to_float
from .scm import _as_generator

__all__ = ["DOWER", "LEADS", "WAVES", "synthesize_ecg", "dipole_to_12lead", "swap_arm_leads"]

#: Lead order of the output (the order of :data:`geoecg.io.ptbxl.LEADS`).
LEADS = ("I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6")

#: Dower transform (8 x 3): rows I, II, V1..V6; columns Frank X, Y, Z; lead = D @ [X, Y, Z].
#: Provenance: Dower GE, Machado HB, Osborne JA (1980), "On deriving the electrocardiogram
#: from vectorcardiographic leads", Clin Cardiol 3(2):87-95, as tabulated by Edenbrandt &
#: Pahlm (1988, J Electrocardiol 21(4):361-367, Table 1) and reproduced with the same digits
#: in G. D. Clifford's OSET/ECGSYN tools (``idowerT.m``).
DOWER = np.array(
    [
        [0.632, -0.235, 0.059],  # I
        [0.235, 1.066, -0.132],  # II
        [-0.515, 0.157, -0.917],  # V1
        [0.044, 0.164, -1.387],  # V2
        [0.882, 0.098, -1.277],  # V3
        [1.213, 0.127, -0.601],  # V4
        [1.125, 0.127, -0.086],  # V5
        [0.831, 0.076, 0.230],  # V6
    ]
)
DOWER.flags.writeable = False

#: Event names, phases (degrees, at 60 bpm), widths (rad, at 60 bpm): ECGSYN defaults for
#: P, Q, R, S, T (McSharry et al. 2003, Table 1) plus a broad ST event for ST deviation.
WAVES = ("P", "Q", "R", "S", "ST", "T")
_THETA_DEG = np.array([-70.0, -15.0, 0.0, 15.0, 45.0, 100.0])
_WIDTH = np.array([0.25, 0.1, 0.1, 0.1, 0.3, 0.4])
#: Peak amplitudes (mV) of each event on the Frank X, Y, Z components of a normal heart
#: (QRS loop left, inferior, posterior; T roughly concordant). Chosen so that the projected
#: leads have textbook polarities (lead II R ~ 0.9 mV, V1 rS, V5-V6 qR), not fitted to data.
_AMP = np.array(
    [
        # P     Q      R     S     ST    T
        [0.08, -0.10, 1.00, -0.20, 0.0, 0.25],  # X
        [0.12, -0.05, 0.60, -0.15, 0.0, 0.20],  # Y
        [0.00, -0.15, 0.40, 0.20, 0.0, -0.10],  # Z
    ]
)
#: T-wave shapes of :func:`synthesize_ecg` (``t_polarity``).
_T_POLARITIES = ("upright", "inverted", "biphasic")
#: Biphasic T: two lobes at the T phase -/+ 0.6 T widths, each 0.55 T widths wide, the first
#: negated at 0.8 of the T amplitude, the second as the upright T (negative-positive).
_BIPHASIC = {"shift": 0.6, "width": 0.55, "first": -0.8}


def _t_events(theta, width, amp, t_polarity):
    """Event arrays with the T wave (last event) of shape ``t_polarity``.

    ``theta``, ``width``: ``(..., n_events)``; ``amp``: ``(..., 3, n_events)``; T is the last
    event. ``"upright"`` returns them as they are, ``"inverted"`` negates the T amplitudes,
    ``"biphasic"`` replaces T by its two lobes (:data:`_BIPHASIC`; one event more).
    """
    if t_polarity not in _T_POLARITIES:
        raise ValueError(f"t_polarity must be one of {_T_POLARITIES}, got {t_polarity!r}")
    if t_polarity == "upright":
        return theta, width, amp
    amp = amp.copy()
    if t_polarity == "inverted":
        amp[..., -1] *= -1.0
        return theta, width, amp
    b, th, w = _BIPHASIC, theta[..., -1:], width[..., -1:]
    theta = np.concatenate([theta[..., :-1], th - b["shift"] * w, th + b["shift"] * w], axis=-1)
    width = np.concatenate([width[..., :-1], b["width"] * w, b["width"] * w], axis=-1)
    amp = np.concatenate([amp[..., :-1], b["first"] * amp[..., -1:], amp[..., -1:]], axis=-1)
    return theta, width, amp


#: Unit dipole direction of ST deviation (positive st_mv = elevation in the lateral leads).
_ST_DIRECTION = np.array([0.7, 0.5, -0.5]) / np.linalg.norm([0.7, 0.5, -0.5])


def dipole_to_12lead(dipole: np.ndarray) -> np.ndarray:
    """Project Frank (X, Y, Z) dipoles to 12 leads (order :data:`LEADS`).

    Parameters
    ----------
    dipole : array, shape (..., 3, n_samples), mV

    Returns
    -------
    ndarray, shape (..., 12, n_samples), mV

    Examples
    --------
    >>> ecg = dipole_to_12lead(np.array([[1.0], [0.0], [0.0]]))
    >>> ecg[:, 0].round(3).tolist()[:3]   # I, II, III for a pure leftward dipole
    [0.632, 0.235, -0.397]
    """
    d = _to_float(dipole, "dipole")
    if d.ndim < 2 or d.shape[-2] != 3:
        raise ValueError(f"dipole must have shape (..., 3, n_samples), got {d.shape}")
    eight = np.einsum("lk,...kt->...lt", DOWER, d)
    I, II = eight[..., 0, :], eight[..., 1, :]
    limb = np.stack([I, II, II - I, -(I + II) / 2.0, I - II / 2.0, II - I / 2.0], axis=-2)
    return np.concatenate([limb, eight[..., 2:, :]], axis=-2)


def swap_arm_leads(ecg: np.ndarray) -> np.ndarray:
    """The 12-lead ECG recorded with the left and right arm electrodes reversed.

    Lead I inverts, II and III swap, aVR and aVL swap, aVF and V1-V6 are unchanged
    (Wilson's terminal is symmetric in the arm electrodes).

    Parameters
    ----------
    ecg : array_like, shape (..., 12, n_samples)
        12-lead ECG(s) in mV, standard lead order (I, II, III, aVR, aVL, aVF, V1-V6).

    Returns
    -------
    ndarray, shape (..., 12, n_samples)
        The same ECG(s) as recorded with the arm electrodes reversed, float64.

    Examples
    --------
    >>> e = dipole_to_12lead(np.array([[1.0], [0.5], [0.2]]))
    >>> bool(np.allclose(swap_arm_leads(swap_arm_leads(e)), e))
    True
    """
    e = _to_float(ecg, "ecg")
    if e.ndim < 2 or e.shape[-2] != 12:
        raise ValueError(f"ecg must have shape (..., 12, n_samples), got {e.shape}")
    out = e.copy()
    out[..., 0, :] = -e[..., 0, :]
    out[..., 1, :], out[..., 2, :] = e[..., 2, :], e[..., 1, :]
    out[..., 3, :], out[..., 4, :] = e[..., 4, :], e[..., 3, :]
    return out


def _frontal_rotation(axis_deg):
    """Rotation matrices (n, 3, 3) turning the frontal-plane (X, Y) dipole by axis_deg."""
    a = np.deg2rad(axis_deg)
    c, s = np.cos(a), np.sin(a)
    R = np.zeros(a.shape + (3, 3))
    R[..., 0, 0], R[..., 0, 1], R[..., 1, 0], R[..., 1, 1] = c, -s, s, c
    R[..., 2, 2] = 1.0
    return R


def synthesize_ecg(
    *,
    fs: float = 250.0,
    duration_s: float = 10.0,
    hr_bpm=60.0,
    qrs_width=1.0,
    qrs_amp=1.0,
    st_mv=0.0,
    axis_deg=0.0,
    hrv_lf=0.03,
    hrv_hf=0.02,
    baseline_mv=0.05,
    noise_mv=0.0,
    gain=1.0,
    fs_internal: float = 500.0,
    t_polarity: str = "upright",
    random_state=None,
) -> np.ndarray:
    """Synthesise 12-lead ECGs whose morphology is set per record.

    Every morphology argument is a scalar or a 1-D array (one value per record); arrays
    broadcast together. With only scalars the result is one record.

    Parameters
    ----------
    fs : float
        Output sampling rate (Hz).
    duration_s : float
        Length (s).
    hr_bpm : float or array
        Mean heart rate (beats/min), 20-250.
    qrs_width : float or array
        Factor on the Q, R, S widths (1 = ECGSYN default, about 80-90 ms QRS).
    qrs_amp : float or array
        Factor on the QRS amplitudes.
    st_mv : float or array
        ST deviation (mV) along a lateral-inferior dipole direction (elevation in I, V5, V6).
    axis_deg : float or array
        Rotation of the whole dipole in the frontal plane (degrees; positive turns the
        axis inferiorly/rightward, negative toward left axis deviation).
    hrv_lf, hrv_hf : float or array
        Relative amplitudes of 0.1 Hz (Mayer) and 0.25 Hz (respiratory) RR modulation.
    baseline_mv : float or array
        Amplitude (mV) of 0.25 Hz respiratory baseline wander.
    noise_mv : float or array
        Standard deviation (mV) of white measurement noise added to every lead.
    gain : float or array
        Device gain multiplying the clean signal.
    fs_internal : float
        RK4 integration rate (Hz); rounded up to a multiple of ``fs``.
    t_polarity : {"upright", "inverted", "biphasic"}, default "upright"
        T-wave shape of every record: ``"inverted"`` negates the T event's amplitudes (the
        same times, so the same wave boundaries); ``"biphasic"`` replaces it by a negative
        lobe (0.8 of the T amplitude) 0.6 T widths before and a positive one 0.6 T widths
        after the T phase, each 0.55 T widths wide.
    random_state : int, Generator or None
        Random RR-modulation phases and measurement noise.

    Returns
    -------
    ndarray
        ``(12, n_samples)`` for scalar arguments, else ``(n_records, 12, n_samples)``,
        float64 in mV, leads in the order of :data:`LEADS`, ``n_samples = round(fs *
        duration_s)``.

    Notes
    -----
    Differences from ECGSYN as published: (1) three dipole components instead of one
    lead, (2) the z-forcing is multiplied by the angular frequency and the event
    amplitudes are divided by ``b_i**2`` so that wave peaks are close to the amplitudes in
    mV at any heart rate (ECGSYN instead rescales the output to a fixed mV range), (3) the
    RR process is a deterministic LF + HF modulation with random phases rather than the
    spectral tachogram, (4) the baseline wander is held constant within each RK4 step.
    Event phases and widths scale with heart rate as in ECGSYN (``sqrt(hr/60)``).

    Examples
    --------
    >>> ecg = synthesize_ecg(fs=250, duration_s=4, hr_bpm=75, random_state=0)
    >>> ecg.shape
    (12, 1000)
    >>> bool(0.6 < ecg[1].max() < 1.4)   # lead II R peak, mV
    True
    >>> synthesize_ecg(fs=100, duration_s=2, hr_bpm=[60, 90], random_state=0).shape
    (2, 12, 200)
    """
    if isinstance(fs, bool | str | bytes) or not isinstance(fs, int | float | np.number):
        raise TypeError(
            f"fs must be a positive sampling rate in Hz, got {type(fs).__name__} {fs!r}"
        )
    fs = float(fs)
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"fs must be a positive sampling rate in Hz, got {fs}")
    if not np.isfinite(duration_s) or duration_s < 0:
        raise ValueError(f"duration_s must be >= 0 seconds, got {duration_s}")
    if not np.isfinite(fs_internal) or fs_internal <= 0:
        raise ValueError(f"fs_internal must be positive (Hz), got {fs_internal}")
    if not isinstance(t_polarity, str) or t_polarity not in _T_POLARITIES:
        raise ValueError(f"t_polarity must be one of {_T_POLARITIES}, got {t_polarity!r}")
    args = dict(
        hr_bpm=hr_bpm,
        qrs_width=qrs_width,
        qrs_amp=qrs_amp,
        st_mv=st_mv,
        axis_deg=axis_deg,
        hrv_lf=hrv_lf,
        hrv_hf=hrv_hf,
        baseline_mv=baseline_mv,
        noise_mv=noise_mv,
        gain=gain,
    )
    arrs = {k: np.asarray(v, dtype=np.float64) for k, v in args.items()}
    for k, v in arrs.items():
        if v.ndim > 1:
            raise ValueError(f"{k} must be a scalar or 1-D array, got shape {v.shape}")
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{k} must be finite")
    scalar = all(v.ndim == 0 for v in arrs.values())
    try:
        b = np.broadcast_arrays(*[np.atleast_1d(v) for v in arrs.values()])
    except ValueError as exc:
        raise ValueError(f"per-record arguments must have equal lengths: {exc}") from None
    p = {k: np.ascontiguousarray(v) for k, v in zip(arrs, b, strict=True)}
    hr = p["hr_bpm"]
    if np.any((hr < 20) | (hr > 250)):
        raise ValueError("hr_bpm must be within 20-250 beats/min")
    if np.any(p["qrs_width"] <= 0):
        raise ValueError("qrs_width must be > 0")
    if np.any(p["noise_mv"] < 0):
        raise ValueError("noise_mv must be >= 0")
    rng = _as_generator(random_state)
    n_rec = hr.size
    n_out = int(round(fs * duration_s))
    decim = max(1, int(np.ceil(fs_internal / fs)))
    dt = 1.0 / (fs * decim)
    n_int = n_out * decim
    t = np.arange(n_int) * dt
    ph = rng.uniform(0, 2 * np.pi, size=(n_rec, 3))
    rr = (60.0 / hr)[:, None] * (
        1.0
        + p["hrv_lf"][:, None] * np.sin(2 * np.pi * 0.1 * t + ph[:, :1])
        + p["hrv_hf"][:, None] * np.sin(2 * np.pi * 0.25 * t + ph[:, 1:2])
    )
    omega = np.ascontiguousarray(2 * np.pi / rr)
    z0 = np.ascontiguousarray(p["baseline_mv"][:, None] * np.sin(2 * np.pi * 0.25 * t + ph[:, 2:]))
    f1 = np.sqrt(hr / 60.0)
    f2 = np.sqrt(f1)
    scale = np.stack([f2, f1, np.ones_like(f1), f1, f1, f2], axis=1)
    theta = np.ascontiguousarray(np.deg2rad(_THETA_DEG)[None, :] * scale)
    width = np.tile(_WIDTH, (n_rec, 1)) * f1[:, None]
    width[:, 1:4] *= p["qrs_width"][:, None]
    amp = np.tile(_AMP, (n_rec, 1, 1))
    amp[:, :, 1:4] *= p["qrs_amp"][:, None, None]
    amp[:, :, 4] = p["st_mv"][:, None] * _ST_DIRECTION[None, :]
    amp = np.einsum("rij,rjw->riw", _frontal_rotation(p["axis_deg"]), amp)
    theta, width, amp = _t_events(theta, width, amp, t_polarity)
    dip = np.empty((n_rec, 3, n_out))
    if n_out:
        ecgsyn_dipole(
            omega,
            z0,
            np.ascontiguousarray(theta),
            np.ascontiguousarray(width),
            np.ascontiguousarray(amp),
            dt,
            decim,
            dip,
        )
    ecg = dipole_to_12lead(dip) * p["gain"][:, None, None]
    if np.any(p["noise_mv"] > 0):
        ecg = ecg + p["noise_mv"][:, None, None] * rng.standard_normal(ecg.shape)
    return ecg[0] if scalar else ecg
