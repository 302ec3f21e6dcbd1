"""No P wave on a pacing stimulus (rule AE, registry item 38).

Private helper of :func:`geoecg.features.delineate`. Rule T (registry item 23) finds a pacing
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
