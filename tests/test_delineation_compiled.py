"""Wave delineation kernels: each compiled kernel against its NumPy twin or its own Python
version (``py_func``), and the kernel-level rules (P in a window, the P offset's span).

The public :func:`geoecg.features.delineate` behaviour (degenerate beats, errors, rhythms, the
LUDB accuracy floor) is tested in ``tests/test_delineation.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels import delineation as K
from geoecg.features.delineation import FIDUCIALS, DelineationSettings, _derivative, _filter

FS = 500.0
COL = {f: i for i, f in enumerate(FIDUCIALS)}


# --------------------------------------------------------------------------- NumPy twins
def slope_boundary_np(d, start, stop, thr):
    idx = np.arange(start, stop, 1 if stop >= start else -1)
    hit = np.flatnonzero(np.abs(d[idx]) <= thr)
    return int(idx[hit[0]]) if hit.size else stop


def trapezium_np(x, tm, tr, pol):
    t = np.arange(min(tm, tr), max(tm, tr) + 1)
    a = pol * (x[tm] - x[t]) * (np.abs(tr - t) + abs(tr - tm)) / 2
    best = np.flatnonzero(a == a.max())
    # ties: the kernel keeps the first one met walking from tm towards tr
    return int(t[best[0]] if tr >= tm else t[best[-1]])


def combine_np(lead_s, q, use_mean):
    nl, nb, nc = lead_s.shape
    out = np.full((nb, nc), np.nan)
    for b in range(nb):
        for c in range(nc):
            v = np.sort(lead_s[:, b, c][np.isfinite(lead_s[:, b, c])])
            if v.size and use_mean[c]:
                out[b, c] = np.floor(v.mean() + 0.5)
            elif v.size:
                out[b, c] = v[int(np.floor(q[c] * (v.size - 1) + 0.5))]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_slope_boundary_and_trapezium_match_twins(seed):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=200))
    if seed == 5:
        x = np.round(x)  # ADC-like ties
    d = np.gradient(x)
    for start, stop in ((50, 150), (150, 50), (10, 10)):
        thr = float(np.quantile(np.abs(d), 0.3))
        assert K.slope_boundary(d, start, stop, thr) == slope_boundary_np(d, start, stop, thr)
    for tm, tr, pol in ((60, 120, 1.0), (120, 60, -1.0), (80, 80, 1.0)):
        assert K.trapezium_point(x, tm, tr, pol) == trapezium_np(x, tm, tr, pol)


@pytest.mark.parametrize("seed", range(4))
def test_combine_leads_matches_twin(seed):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 1000, size=(7, 5, 12)).astype(float)
    s[rng.random(s.shape) < 0.3] = np.nan
    s[:, 0, 3] = np.nan  # a column no lead measured
    q = rng.random(12)
    use_mean = rng.random(12) < 0.5
    got = K.combine_leads(lead_s=s, q=q, use_mean=use_mean)
    np.testing.assert_array_equal(got, combine_np(s, q, use_mean))


def _synthetic(n_s=10.0, fs=FS):
    """QRS (3 Gaussians), T and P Gaussians at known positions, 60 bpm; returns x, R.

    The default record of ``_synthetic`` in ``tests/test_delineation.py`` (same samples).
    """
    t = np.arange(int(n_s * fs)) / fs
    x = np.zeros_like(t)
    rs = np.arange(0.6, n_s - 0.4, 1.0)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3)
        x += g(-0.16, 0.022, 0.15)
    return x, np.round(rs * fs).astype(np.int64)


def test_full_kernel_matches_python_version():
    x, rp = _synthetic()
    xq = _filter(x[None], FS, (0.5, 40.0))[0]
    xw = _filter(x[None], FS, (0.5, 15.0))[0]
    dq, dw = _derivative(xq[None], 2)[0], _derivative(xw[None], 5)[0]
    par = DelineationSettings().params(FS)
    a = np.zeros((rp.size, 12))
    ra = np.zeros((rp.size, 12), np.int8)
    b, rb = a.copy(), ra.copy()
    none = np.full(rp.size, -1, np.int64)
    K.delineate_lead(xq, dq, xw, dw, rp, par, a, ra, none)
    getattr(K.delineate_lead, "py_func", K.delineate_lead)(xq, dq, xw, dw, rp, par, b, rb, none)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ra, rb)


def test_p_in_window_kernel_matches_python_version():
    x, rp = _synthetic()
    xq = _filter(x[None], FS, (0.5, 40.0))[0]
    xw = _filter(x[None], FS, (0.5, 15.0))[0]
    dw = _derivative(xw[None], 5)[0]
    par = DelineationSettings().params(FS)
    qon, qoff = (rp - 0.04 * FS).astype(float), (rp + 0.04 * FS).astype(float)
    ps, pe = (rp - 0.2 * FS).astype(np.int64), (rp - 0.08 * FS).astype(np.int64)
    ps[0] = -1  # skipped beat
    outs = []
    for f in (K.p_in_window, getattr(K.p_in_window, "py_func", K.p_in_window)):
        out, reason = np.full((rp.size, 12), np.nan), np.zeros((rp.size, 12), np.int8)
        f(xq=xq, xw=xw, dw=dw, qon=qon, qoff=qoff, ps=ps, pe=pe, par=par, out=out, reason=reason)
        outs.append((out, reason))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])
    assert np.all(np.isnan(outs[0][0][0]))
    inner = outs[0][0][1:-1, COL["P_peak"]]
    assert np.all(np.abs(inner - (rp[1:-1] - 0.16 * FS)) <= 0.012 * FS)


def test_p_in_window_chord_baseline_finds_a_p_on_a_falling_tail():
    """Rule P (session 10): in a window where a falling tail (the previous wave's end) is
    larger at the window's start than the P, the deflection against the window's end level
    peaks at the first sample and the P is rejected; against the chord joining the window's
    ends the P is found at its true peak, in the compiled kernel and its Python version."""
    x, rp = _synthetic()
    t = np.arange(x.size) / FS
    x = x + sum(0.4 * np.exp(-0.5 * ((t - r / FS + 0.26) / 0.06) ** 2) for r in rp)
    xq = _filter(x[None], FS, (0.5, 40.0))[0]
    xw = _filter(x[None], FS, (0.5, 15.0))[0]
    dw = _derivative(xw[None], 5)[0]
    qon, qoff = (rp - 0.04 * FS).astype(float), (rp + 0.04 * FS).astype(float)
    ps, pe = (rp - 0.2 * FS).astype(np.int64), (rp - 0.11 * FS).astype(np.int64)
    found = {}
    for chord in (0.0, 1.0):
        par = DelineationSettings().params(FS)
        par[K.P_P_CHORD] = chord
        outs = []
        for f in (K.p_in_window, getattr(K.p_in_window, "py_func", K.p_in_window)):
            out, reason = np.full((rp.size, 12), np.nan), np.zeros((rp.size, 12), np.int8)
            f(xq=xq, xw=xw, dw=dw, qon=qon, qoff=qoff, ps=ps, pe=pe, par=par, out=out,
              reason=reason)  # fmt: skip
            outs.append((out, reason))
        np.testing.assert_array_equal(outs[0][0], outs[1][0])
        np.testing.assert_array_equal(outs[0][1], outs[1][1])
        found[chord] = outs[0][0][1:-1, COL["P_peak"]]
    assert not np.isfinite(found[0.0]).any()
    assert np.all(np.abs(found[1.0] - (rp[1:-1] - 0.16 * FS)) <= 0.012 * FS)
    assert DelineationSettings().params(FS)[K.P_P_CHORD] == 0  # the first search: end level


def test_p_offset_kernel_reference_span_of_its_own():
    """Rule Q (session 11): the P offset's trapezium reference point ``tm + span`` has its own
    span. A P that rises in 15 ms and decays slowly (40 ms) ends later with the longer span,
    in the compiled kernel and its Python version; 0 means the shared ``P_P_SPAN`` (bit for
    bit), and the onset, the peak and every other column do not move."""
    t = np.arange(int(10 * FS)) / FS
    rs = np.arange(0.6, 9.6, 1.0)
    x = np.zeros_like(t)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3)
        d = t - r + 0.2
        x += 0.15 * np.exp(-0.5 * (d / np.where(d < 0, 0.015, 0.04)) ** 2)
    rp = np.round(rs * FS).astype(np.int64)
    xq = _filter(x[None], FS, (0.5, 40.0))[0]
    xw = _filter(x[None], FS, (0.5, 15.0))[0]
    dq, dw = _derivative(xq[None], 2)[0], _derivative(xw[None], 5)[0]
    res = {}
    for span in (0.0, 15.0, 25.0):
        par = DelineationSettings().params(FS)
        par[K.P_P_SPAN] = 15.0
        par[K.P_P_OFF_SPAN] = span
        outs = []
        for f in (K.delineate_lead, getattr(K.delineate_lead, "py_func", K.delineate_lead)):
            out, reason = np.full((rp.size, 12), np.nan), np.zeros((rp.size, 12), np.int8)
            f(xq=xq, dq=dq, xw=xw, dw=dw, rpeaks=rp, par=par, out=out, reason=reason,
              lo_min=np.full(rp.size, -1, np.int64))  # fmt: skip
            outs.append((out, reason))
        np.testing.assert_array_equal(outs[0][0], outs[1][0])
        np.testing.assert_array_equal(outs[0][1], outs[1][1])
        res[span] = outs[0][0]
    np.testing.assert_array_equal(res[0.0], res[15.0])
    other = [c for c in range(12) if c != COL["P_off"]]
    np.testing.assert_array_equal(res[25.0][:, other], res[15.0][:, other])
    short, long_ = res[15.0][1:-1, COL["P_off"]], res[25.0][1:-1, COL["P_off"]]
    assert np.all(long_ - short >= 0.01 * FS)  # at least 10 ms later
    assert np.all(long_ <= res[25.0][1:-1, COL["QRS_on"]])
    assert DelineationSettings().params(FS)[K.P_P_OFF_SPAN] == round(0.05 * FS)  # the default


def test_spike_starts_kernel_matches_python_version_and_its_rule():
    """Rule T: a spike 100 ms before the R-peak at >= k times the R-peak's second difference
    starts the window xs after it; a smaller one, one inside the last 10 ms, or a window
    leaving the signal gives -1, in the compiled kernel and its Python version."""
    n = 2000
    d2 = np.full(n, 0.01)
    rp = np.array([40, 400, 800, 1200, 1600], np.int64)
    d2[rp - 1] = 1.0  # the R-peak's own second difference (centred on rp)
    d2[400 - 51] = 9.0  # spike centred 50 samples (100 ms at 500 Hz) before R: 9 >= 8 x 1
    d2[800 - 51] = 7.0  # 7 < 8: no spike
    d2[1200 - 7] = 50.0  # centred 6 samples before R: inside the excluded last 10 ms
    d2[1600 - 21] = 50.0  # spike 20 samples before R, but 20 - 15 = 5 samples: not < R - 5
    outs = []
    for f in (K.spike_starts, getattr(K.spike_starts, "py_func", K.spike_starts)):
        lo = np.zeros(rp.size, np.int64)
        f(d2, rp, 75, 5, 10, 10, 15, 8.0, lo)
        outs.append(lo)
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], [-1, 400 - 50 + 15, -1, -1, -1])


def test_stimulus_decay_starts_kernel_matches_python_version_and_its_rule():
    """Rule AF: the window start moves back from rule T's stimulus + xs to the first sample
    after the stimulus where every lead's slope is below rel times its largest within q of
    the R-peak; not where one lead still rings, or a NaN sits there; -1 stays -1."""
    n, xs = 1000, 15
    rp = np.array([200, 500, 800], np.int64)
    dq = np.zeros((2, n))
    dq[:, rp] = [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]  # each lead's steepest slope at R
    spk = np.array([200 - 50 + xs, 500 - 50 + xs, -1], np.int64)  # stimuli 50 before R
    dq[:, 150:156] = 0.5  # beat 0: ringing up to sample 155, then 0 in both leads
    dq[0, 450:466] = 0.5  # beat 1: lead 0 rings through the window start (465)
    dq[1, 450:458] = 0.5
    dq[0, 156] = np.nan  # beat 0: a NaN at 156 is not a decayed sample
    outs = []
    kern = K.stimulus_decay_starts
    for f in (kern, getattr(kern, "py_func", kern)):
        out = np.zeros(rp.size, np.int64)
        f(dq, rp, spk, xs, 10, 0.03, out)
        outs.append(out)
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(outs[0], [157, 465, -1])
