"""Rule Z (docs/benchmarks/delineation.md registry item 30): each lead's T is measured against
the P/T-band level at the start of a small initial (q) wave (kernel ``quiet_boundary``), while
the reported QRS onset stays where the threshold walk stops."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels import delineation as K
from geoecg.features.delineation import (
    FIDUCIALS,
    DelineationSettings,
    _derivative,
    _filter,
    delineate,
)

FS = 500.0
COL = {f: i for i, f in enumerate(FIDUCIALS)}


def quiet_boundary_np(d, on, stop, thr, m, reach, big):
    """Twin of the walk: runs of quiet samples (``|d| <= thr``) found by run lengths."""
    a = np.abs(np.asarray(d, dtype=float))
    lim = max(stop, on - reach)
    idx = np.arange(on, lim, -1)  # on, on - 1, ..., lim + 1
    quiet = a[idx] <= thr
    k = int(np.argmin(quiet)) if not quiet.all() else quiet.size  # quiet stretch at on
    if k >= m:
        return on
    rest = idx[k:]
    loud = np.cumprod(a[rest] > thr).astype(bool)  # the slope stretch just before it
    if not (loud.any() and a[rest[loud]].max() > big):
        return on
    s = int(rest[loud][-1]) - 1  # first index past the stretch
    runs = []  # (start, length) of the quiet runs at or below s, nearest first, above stop
    for i in range(s, stop, -1):
        if a[i] <= thr:
            if runs and runs[-1][0] - runs[-1][1] == i:
                runs[-1][1] += 1
            else:
                runs.append([i, 1])
    for start, length in runs:
        if start < on - reach:
            return on
        if length >= m:
            return start
    return on


@pytest.mark.parametrize("seed", range(8))
def test_quiet_boundary_matches_twin(seed):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=300) * rng.choice([0.05, 1.0], size=300, p=[0.5, 0.5])
    thr, big = 0.1, 0.5
    for on in (60, 150, 299):
        for m, reach in ((1, 12), (3, 12), (4, 40), (6, 299)):
            for stop in (0, on - 20, on):
                args = (d, on, max(0, stop), thr, m, reach, big)
                want = quiet_boundary_np(*args)
                assert K.quiet_boundary(*args) == want
                assert getattr(K.quiet_boundary, "py_func", K.quiet_boundary)(*args) == want


def _q_beats(q_mv, fs=FS):
    """Test beats at 60 bpm (q, R 1.2 mV, S -0.3 mV, T 0.3 mV, P 0.15 mV), q of ``q_mv``."""
    t = np.arange(int(10 * fs)) / fs
    x = np.zeros_like(t)
    rs = np.arange(0.6, 9.6, 1.0)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, q_mv) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3) + g(-0.16, 0.022, 0.15)
    return x, np.round(rs * fs).astype(np.int64)


def test_t_reference_before_a_small_q_wave_and_the_qrs_onset_unmoved():
    """A q of -0.15 mV (slope under ``qrs_on_hi`` of the R's): the threshold walk stops at its
    trough, which stays the reported QRS onset; the T's reference point lies at least 16 ms
    earlier, before the q. Without a q the reference point is the onset itself."""
    x, rp = _q_beats(-0.15)
    xq = _filter(x[None], FS, (0.5, 40.0))[0]
    dq = _derivative(xq[None], 2)[0]
    r = int(rp[3])
    dmax = np.abs(dq[r - 30 : r + 31]).max()
    s1 = r - 42 + int(np.argmax(np.abs(dq[r - 42 : r + 1]) >= 0.2 * dmax))
    walk = K.slope_boundary(dq, s1, r - 42, 0.03 * dmax)
    tref = K.quiet_boundary(dq, walk, r - 42, 0.03 * dmax, 4, 12, 0.1 * dmax)
    assert tref <= walk - 8  # samples: at least 16 ms before the trough
    shift = round(DelineationSettings().shift_ms[COL["QRS_on"]] * FS / 1000)
    on = delineate(x[None], FS, rp).lead_samples[0, 1:-1, COL["QRS_on"]] - rp[1:-1]
    assert np.all(on == walk - r + shift)  # the reported onset: the walk's stop
    x0, _ = _q_beats(0.0)
    xq0 = _filter(x0[None], FS, (0.5, 40.0))[0]
    dq0 = _derivative(xq0[None], 2)[0]
    dmax0 = np.abs(dq0[r - 30 : r + 31]).max()
    s10 = r - 42 + int(np.argmax(np.abs(dq0[r - 42 : r + 1]) >= 0.2 * dmax0))
    walk0 = K.slope_boundary(dq0, s10, r - 42, 0.03 * dmax0)
    assert K.quiet_boundary(dq0, walk0, r - 42, 0.03 * dmax0, 4, 12, 0.1 * dmax0) == walk0


def test_degenerate_leads_still_nan_with_reasons():
    """Flat lead, NaN gap, three beats: no crash, NaN with today's reasons."""
    x, rp = _q_beats(-0.15)
    flat = np.zeros_like(x)
    gap = x.copy()
    gap[int(3.3 * FS) : int(4.9 * FS)] = np.nan
    d = delineate(np.stack([x, flat, gap]), FS, rp)
    ls, rs = d.lead_samples, d.lead_reasons
    assert np.all(np.isnan(ls[1])) and np.all(rs[1] == K.R_FLAT)
    assert np.all(np.isnan(ls[2, 3:5])) and np.all(rs[2, 3:5] == K.R_NAN)
    assert np.all(np.isfinite(ls[0, 1:-1, COL["T_peak"]]))
    d3 = delineate(x[None, : int(3.2 * FS)], FS, rp[:3])
    assert d3.lead_samples.shape == (1, 3, 12)
    assert np.isfinite(d3.lead_samples[0, 1, COL["T_peak"]])
    assert d3.lead_reasons[0, 2, COL["T_peak"]] == K.R_EDGE
