"""Per-lead kernel runs of :func:`geoecg.features.delineate` with rule X (private).

Rule X (registry items 27-28 of ``docs/benchmarks/delineation.md``): the T lobe choice reads the
P/T-band signal with each beat's QRS taken out. In the 0.5-15 Hz band a tall R leaks into
the QRS onset (the low-pass smears it back by up to ~30 ms) and rings into the T window,
so an upright T after an R ten times its height was compared against a level inside the
smeared R and lost to the ringing or to the TP segment. The QRS-free signal is the band-passed
ECG less the band-passed QRS segments (each beat's [QRS onset, QRS offset] of a first kernel
pass, less the chord joining its ends); the second pass compares the T lobes on it against
its own PR-segment level (:func:`geoecg._kernels.delineation.delineate_lead`).
"""

from __future__ import annotations

import numpy as np

from .._kernels import delineation as _k

#: The reference span of rule X before the QRS onset, ms: the median of the QRS-free signal
#: from ``XC_PRE_MS`` to ``XC_PRE_MS / 2`` before the onset.
XC_PRE_MS = 40.0


def qrs_segments(x: np.ndarray, lead_s: np.ndarray) -> np.ndarray:
    """Per lead, ``x`` inside each beat's QRS less the chord joining its ends, zero elsewhere.

    Parameters
    ----------
    x : ndarray, shape (n_leads, n)
        Signal (mV, any unit), no NaN.
    lead_s : ndarray, shape (n_leads, n_beats, 12)
        Kernel output (samples of ``x``, unshifted); beats without a finite QRS onset and
        offset, or with the offset not after the onset, add nothing.

    Returns
    -------
    ndarray, shape (n_leads, n)
    """
    q = np.zeros_like(x)
    for j in range(x.shape[0]):
        for on, off in lead_s[j][:, [_k.F_QON, _k.F_QOFF]]:
            if not (np.isfinite(on) and np.isfinite(off)) or off <= on:
                continue
            a, b = int(on), int(off)
            seg = x[j, a : b + 1]
            q[j, a : b + 1] = seg - np.linspace(seg[0], seg[-1], b - a + 1)
    return q


def delineate_leads(sig, rpw, par, lead_s, lead_r, lo_min, filled, bad, wfs, filt) -> None:
    """Run the per-lead kernel twice, the second time with rule X's QRS-free signal.

    ``sig`` = (xq, dq, xw, dw), each (n_leads, n) at the working rate ``wfs`` (Hz); ``filt``
    is ``filt(x) -> x`` band-passed to the P/T band; ``filled`` the gap-filled input and
    ``bad`` its gap mask; ``lead_s``/``lead_r`` (n_leads, n_beats, 12) are written in place.
    """
    xq, dq, xw, dw = sig
    none = np.zeros(0)
    pre = max(2, round(XC_PRE_MS * wfs / 1000.0))
    for j in range(xq.shape[0]):
        _k.delineate_lead(
            xq=xq[j], dq=dq[j], xw=xw[j], dw=dw[j], rpeaks=rpw, par=par,
            out=lead_s[j], reason=lead_r[j], lo_min=lo_min, xc=none, xc_pre=pre,
        )  # fmt: skip
    xc = xw - filt(qrs_segments(filled, lead_s))
    if bad.any():
        xc[bad] = np.nan
    for j in range(xq.shape[0]):
        _k.delineate_lead(
            xq=xq[j], dq=dq[j], xw=xw[j], dw=dw[j], rpeaks=rpw, par=par,
            out=lead_s[j], reason=lead_r[j], lo_min=lo_min, xc=xc[j], xc_pre=pre,
        )  # fmt: skip
