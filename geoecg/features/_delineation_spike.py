"""Pacing stimuli in :func:`geoecg.features.delineate`: rule T (registry item 23), rule AF
(registry item 39) and rule AE (registry item 38, no P wave on a pacing stimulus).

Private helpers of :func:`geoecg.features.delineate` (its module docstring describes rules T
and AF). Rule T (registry item 23) finds a pacing
stimulus per beat: the largest second difference of the unfiltered signal (any combined
lead) 150-10 ms before the R-peak, at least ``qrs_spike_k`` times the largest within 20 ms of
the R-peak. Rule T only starts the beat's QRS search window ``qrs_spike_ms`` after it; the
stimulus itself stays in the signal, and the 0.5-15 Hz P/T band spreads its few samples into
a wave-like bump that the P search read as a P wave (a 2-mV, 1-ms stimulus 80 ms before the
R-peak: P 114-47 ms before R, peak 80 ms before it, PR 84 ms after calibration;
``tests/test_clinical_degenerate.py``). Blanking the stimulus in the signal instead was tried
first on LUDB `tune` (paced record 45) and left the slow recharge tail of unipolar stimuli,
which was then read as a P where the cardiologists mark none (registry item 38).

Rule AE: in a beat where rule T found a stimulus, a P wave (per lead, and the global one)
whose span from onset to offset, before the calibration shift, contains the stimulus is
reported absent (``no_p_wave``: the deflection is the stimulus). Nothing else moves; beats
where rule T finds no stimulus are not touched, so with ``qrs_spike_k=0`` the rule is off
too. It only takes P waves out: a paced atrial P that follows its stimulus without
enclosing it is kept.
"""

from __future__ import annotations

import numpy as np

from .._kernels import delineation as _k


def drop_p_on_stimulus(lead_s, lead_r, g, gr, lo_min, xs, shift) -> None:
    """Take out the P waves that contain a pacing stimulus of rule T (in place).

    Parameters
    ----------
    lead_s : ndarray, shape (n_leads, n_beats, 12)
        Per-lead positions (working-rate samples, calibration shift applied).
    lead_r : ndarray of int8, shape (n_leads, n_beats, 12)
        Their reason codes.
    g : ndarray, shape (n_beats, 12)
        Global positions, same units.
    gr : ndarray of int8, shape (n_beats, 12)
        Their reason codes.
    lo_min : ndarray of int64, shape (n_beats,)
        Rule T's QRS search-window starts (stimulus + ``xs``; -1 where no stimulus).
    xs : int
        Rule T's offset from the stimulus to the window start, working-rate samples.
    shift : ndarray, shape (12,)
        Calibration per fiducial, working-rate samples (taken out before the comparison).
    """
    fire = lo_min >= 0
    if not fire.any():
        return
    p = np.where(fire, lo_min - xs, -1).astype(np.float64)
    cols = [_k.F_PON, _k.F_PPK, _k.F_POFF]
    for s, r in ((lead_s, lead_r), (g[None], gr[None])):
        on = s[:, :, _k.F_PON] - shift[_k.F_PON]
        off = s[:, :, _k.F_POFF] - shift[_k.F_POFF]
        with np.errstate(invalid="ignore"):
            hit = fire[None, :] & (on <= p[None, :]) & (p[None, :] <= off)
        for c in cols:
            s[:, :, c][hit] = np.nan
            r[:, :, c][hit] = _k.R_NOP


def second_differences(x: np.ndarray) -> np.ndarray:
    """Per sample ``i + 1``, the largest ``|x[i + 2] - 2 x[i + 1] + x[i]|`` over the leads of
    ``x`` (shape (n_leads, n_samples), mV): what rules T and AF measure stimuli by."""
    return np.abs(x[:, 2:] - 2.0 * x[:, 1:-1] + x[:, :-2]).max(axis=0)


def spike_starts(d2: np.ndarray | None, rpw: np.ndarray, wfs: float, st) -> np.ndarray:
    """Per beat, the earliest QRS search-window start after a pacing spike (-1: none);
    ``d2``: :func:`second_differences` of the combined leads (None: rule T is off)."""
    lo_min = np.full(rpw.shape[0], -1, dtype=np.int64)
    if st.qrs_spike_k <= 0 or d2 is None or d2.size == 0:
        return lo_min
    a0, a1, q = (round(v * wfs / 1000.0) for v in (150.0, 10.0, 20.0))
    xs = round(st.qrs_spike_ms * wfs / 1000.0)
    return _k.spike_starts(d2, rpw, a0, a1, q, q, xs, float(st.qrs_spike_k), lo_min)


def blank_stimuli(filled, d2, spk, rpw, wfs, st) -> np.ndarray:
    """Rule AF (registry item 39): a copy of ``filled`` with each stimulus of rule T (the run
    of samples around it, at most ``qrs_spike_ms`` each side, whose second difference ``d2``,
    :func:`second_differences` of the combined leads, centred on ``i + 1``, is at least the
    largest within 20 ms of the R-peak) replaced in every lead by the straight line between
    its neighbours (mV)."""
    x = filled.copy()
    n = x.shape[1]
    xs = round(st.qrs_spike_ms * wfs / 1000.0)
    q = round(20.0 * wfs / 1000.0)
    for b in np.flatnonzero(spk >= 0):
        r, p = rpw[b], spk[b] - xs
        qd = max(d2[max(0, r - q - 1) : min(n - 2, r + q)].max(), 1e-12)
        a, e = p, p  # the run, at most xs samples each side of the stimulus
        while a - 1 >= max(1, p - xs) and d2[a - 2] >= qd:
            a -= 1
        while e + 1 <= min(n - 2, p + xs) and d2[e] >= qd:
            e += 1
        w = np.linspace(0.0, 1.0, e - a + 3)[1:-1]
        x[:, a : e + 1] = x[:, a - 1 : a] * (1.0 - w) + x[:, e + 1 : e + 2] * w
    return x


def stimulus_decay_starts(dq, rpw, spk, wfs, st) -> np.ndarray:
    """Rule AF (registry item 39): each beat's QRS search-window start moved from rule T's
    stimulus + ``qrs_spike_ms`` back to the first sample after the stimulus where every
    combined lead's QRS-band slope ``dq`` (read with the stimuli blanked, see
    :func:`blank_stimuli`) is below ``qrs_on_lo`` times the lead's steepest slope within 20
    ms of the R-peak (the onset walk's stopping level), if that comes earlier."""
    if not (spk >= 0).any():
        return spk
    xs = round(st.qrs_spike_ms * wfs / 1000.0)
    q = round(20.0 * wfs / 1000.0)
    out = np.empty_like(spk)
    return _k.stimulus_decay_starts(dq, rpw, spk, xs, q, float(st.qrs_on_lo), out)
