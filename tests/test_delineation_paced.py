"""Rule T (session 15, registry item 23): a pacing spike starts the beat's QRS search window
``qrs_spike_ms`` after it; at 500 Hz and at the lower rates that are upsampled first."""

from __future__ import annotations

import numpy as np
import pytest
from test_delineation import _synthetic

from geoecg.features.delineation import FIDUCIALS, REASONS, DelineationSettings, delineate

FS = 500.0
COL = {f: i for i, f in enumerate(FIDUCIALS)}


def _sinus(hr=60.0, n_s=10.0, fs=FS, noise=0.0, seed=0):
    """Sinus beats with P waves: ``tests/test_delineation.py::_synthetic``; returns x, R."""
    return _synthetic(hr=hr, p=True, n_s=n_s, fs=fs, noise=noise, seed=seed)


# ----------------------------------------------- session 15: QRS window after a pacing spike


def _paced(n_s=10.0, spike_s=0.1, seed=0):
    """Wide paced-like beats: a 1-ms stimulus ``spike_s`` before the R-peak, then a slow
    deflection from 70 ms before R whose slope ringing in the QRS band reaches the window start."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * FS)) / FS
    x = 0.002 * rng.normal(size=t.size)
    rs = np.arange(0.6, n_s - 0.4, 0.8)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-spike_s, 0.001, 3.0) + g(-0.03, 0.025, 0.8) + g(0.03, 0.03, -0.6)
        x += g(0.3, 0.05, -0.3)
    return x, np.round(rs * FS).astype(np.int64)


def test_pacing_spike_starts_the_qrs_window():
    """Rule T: with a stimulus 100 ms before the R-peak no lead's QRS onset lies before the
    spike + ``qrs_spike_ms`` (+ the QRS-onset shift); with the rule off it may; a sinus strip
    without spikes is delineated identically with the rule on and off."""
    x, rp = _paced()
    off = DelineationSettings(qrs_spike_k=0.0)
    on = DelineationSettings()
    d_on, d_off = delineate(x, FS, rp, settings=on), delineate(x, FS, rp, settings=off)
    start = rp - 0.1 * FS + round(on.qrs_spike_ms * FS / 1000) + on.shift_ms[3] * FS / 1000
    q_on = d_on.samples[1:-1, COL["QRS_on"]]
    assert np.all(q_on >= start[1:-1])
    assert np.any(d_off.samples[1:-1, COL["QRS_on"]] < start[1:-1])
    xs, rs = _sinus(hr=70.0, noise=0.01)
    a, b = delineate(xs, FS, rs, settings=on), delineate(xs, FS, rs, settings=off)
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.lead_samples, b.lead_samples)


def test_rule_af_reads_the_qrs_as_without_the_stimulus():
    """Rule AF (registry item 39): a 2-mV stimulus 12 ms before a narrow QRS's onset (50 ms
    before R): rule T's window start (30 ms after it) lay inside the q wave and the T was read
    late; with the stimulus blanked for the QRS and the window started where its slope has
    decayed, every lead's QRS onset lies before rule T's start and within 10 ms of the same
    beats' reading without a stimulus (same noise), and the T peaks are those beats' T peaks.
    80 ms before R, the QRS onsets and T peaks are those without a stimulus."""
    from test_clinical_degenerate import _gauss_beats

    st = DelineationSettings()
    x0, rp = _gauss_beats(p=False)
    d0 = delineate(x0, FS, rp, leads=["I", "II", "aVF"], settings=st)
    for spike_s in (-0.05, -0.08):
        x, rp1 = _gauss_beats(p=False, spike=2.0, spike_s=spike_s)
        np.testing.assert_array_equal(rp1, rp)
        d = delineate(x, FS, rp, leads=["I", "II", "aVF"], settings=st)
        on, on0 = (e.lead_samples[:, 1:-1, COL["QRS_on"]] for e in (d, d0))
        t_start = rp[1:-1] + spike_s * FS + round(st.qrs_spike_ms * FS / 1000)
        if spike_s == -0.05:  # rule T's start lies after the onset: AF moved the window
            assert np.all(on < t_start + st.shift_ms[COL["QRS_on"]] * FS / 1000)
        else:  # rule T's start lies before the onset: nothing to move
            np.testing.assert_array_equal(on, on0)
        assert np.all(np.abs(on - on0) <= 0.010 * FS)
        tp, tp0 = (e.samples[:, COL["T_peak"]] for e in (d, d0))
        np.testing.assert_array_equal(tp, tp0)


def _paced_sampled(fs, width, n_s=10.0, spike_s=0.1, seed=0):
    """``_paced`` sampled at ``fs`` with the stimulus a ``width``-sample rectangle (amplitude
    1, about the QRS's) starting ``spike_s`` before each R-peak; returns x, R, spike starts."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * fs)) / fs
    x = 0.002 * rng.normal(size=t.size)
    rs = np.arange(0.6, n_s - 0.4, 0.8)
    sp = np.round((rs - spike_s) * fs).astype(np.int64)
    for r, i in zip(rs, sp, strict=True):
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.03, 0.025, 0.8) + g(0.03, 0.03, -0.6) + g(0.3, 0.05, -0.3)
        x[i : i + width] += 1.0
    return x, np.round(rs * fs).astype(np.int64), sp


@pytest.mark.parametrize("width", [1, 2])
def test_pacing_spike_of_one_or_two_samples_fires_at_250_hz(width):
    """Rule T at 250 Hz (the signal is upsampled to 500 Hz first): a stimulus one or two
    samples (4-8 ms) wide still starts the QRS window ``qrs_spike_ms`` after it, moving every
    inner beat's QRS onset at least 10 ms later; the other fiducials do not move."""
    fs = 250.0
    x, rp, sp = _paced_sampled(fs, width)
    on = DelineationSettings()
    d_on = delineate(x, fs, rp, settings=on)
    d_off = delineate(x, fs, rp, settings=DelineationSettings(qrs_spike_k=0.0))
    q_on, q_off = (d.samples[1:-1, COL["QRS_on"]] for d in (d_on, d_off))
    start = sp[1:-1] + (on.qrs_spike_ms + on.shift_ms[COL["QRS_on"]]) * fs / 1000.0
    assert np.all(q_on >= start)
    assert np.all(q_off < start)
    assert np.all(q_on - q_off >= 0.010 * fs)
    others = [c for c in range(len(FIDUCIALS)) if c != COL["QRS_on"]]
    np.testing.assert_array_equal(d_on.samples[:, others], d_off.samples[:, others])


@pytest.mark.parametrize("fs", [250.0, 200.0, 100.0])
def test_no_pacing_spike_read_in_sinus_beats_at_low_rates(fs):
    """Rule T off and on give identical output on noisy sinus strips sampled at 250, 200 and
    100 Hz (upsampled by 2, 3 and 5 to the working rate): the polyphase interpolation makes
    no second difference 8x the QRS's out of a narrow QRS."""
    x, rp = _sinus(hr=75.0, fs=fs, noise=0.02, n_s=12.0)
    x3 = np.vstack([x, -0.7 * x, 1.3 * x])
    a = delineate(x3, fs, rp)
    b = delineate(x3, fs, rp, settings=DelineationSettings(qrs_spike_k=0.0))
    np.testing.assert_array_equal(a.samples, b.samples)
    np.testing.assert_array_equal(a.lead_samples, b.lead_samples)


def _ludb_45_at(ludb_dir, fs):
    """LUDB record 45 (tuning half, unipolar ventricular pacing by its label), resampled to
    ``fs``; rule T on and off, same R-peaks: the number of beats whose QRS onset moves."""
    from geoecg.features import detect_rpeaks
    from geoecg.io.ludb import LUDB, LUDB_LEADS
    from geoecg.signal import resample

    rec = LUDB(ludb_dir).read("45")
    x = resample(rec.signal, rec.fs, fs)
    rp = detect_rpeaks(x, fs).indices
    a = delineate(x, fs, rp, LUDB_LEADS)
    b = delineate(x, fs, rp, LUDB_LEADS, settings=DelineationSettings(qrs_spike_k=0.0))
    return int(np.sum(a.samples[:, COL["QRS_on"]] != b.samples[:, COL["QRS_on"]]))


def test_ludb_paced_record_at_250_hz_keeps_rule_t(ludb_dir):
    """Record 45 at 250 Hz: rule T moves the QRS onset of at least 6 of its 10 beats (8 at
    500 and 250 Hz, 2 at 200 Hz; session 15, docs/benchmarks/delineation.md)."""
    assert _ludb_45_at(ludb_dir, 250.0) >= 6


@pytest.mark.xfail(strict=True, reason="known: at 100 Hz the stimulus, smoothed by the "
                   "anti-alias filter and the upsampling, stays under 8x the QRS's")  # fmt: skip
def test_ludb_paced_record_at_100_hz_keeps_rule_t(ludb_dir):
    """Record 45 at 100 Hz: rule T should still move most beats; it moves none (spike ratio
    at most 4.1 against ``qrs_spike_k`` 8), a limit written down, not fixed."""
    assert _ludb_45_at(ludb_dir, 100.0) >= 6


# ----------------------------------------------- session 27: no P wave on a pacing stimulus


def _spiked(spike_s, p, hr=70.0, n_s=10.0, seed=0):
    """Three leads of narrow beats (QRS onset about 38 ms before R, T peak 250 ms after it),
    a P wave peaking 160 ms before R if ``p``, and a 2-mV, 1-ms stimulus ``spike_s`` s from
    R (``tests/test_clinical_degenerate.py::_gauss_beats``); returns x, R."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * FS)) / FS
    rs = np.arange(0.6, n_s - 0.4, 60.0 / hr)
    x = np.zeros_like(t)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3) + (g(-0.16, 0.022, 0.15) if p else 0.0) + g(spike_s, 0.001, 2.0)
    x = np.vstack([a * x + 0.005 * rng.normal(size=t.size) for a in (0.6, 1.0, 0.8)])
    return x, np.round(rs * FS).astype(np.int64)


def test_no_p_wave_on_a_pacing_stimulus():
    """Rule AE (registry item 38): a stimulus 80 ms before R, where no P wave is, was read as
    a P wave spanning it (global P in every inner beat, rule T on); with rule AE every P,
    global and per lead, is absent with reason ``no_p_wave``, and every other column is
    as it was with the P taken out (the QRS and T of rule T are kept)."""
    x, rp = _spiked(-0.08, p=False)
    d = delineate(x, FS, rp)
    inner = slice(1, -1)
    for c in ("P_on", "P_peak", "P_off"):
        assert np.all(np.isnan(d.samples[inner, COL[c]]))
        assert np.all(d.reasons[inner, COL[c]] == REASONS.index("no_p_wave"))
        assert np.all(np.isnan(d.lead_samples[:, inner, COL[c]]))
    qon = (d.samples[inner, COL["QRS_on"]] - rp[inner]) * 1000 / FS
    tpk = (d.samples[inner, COL["T_peak"]] - rp[inner]) * 1000 / FS
    assert np.all(np.abs(qon + 38.0) <= 12.0) and np.all(np.abs(tpk - 250.0) < 20.0)


@pytest.mark.xfail(strict=True, reason="known (session 27): a P wave 80 ms ahead of the "
                   "stimulus is not read with rule T on (before rule AE too; with "
                   "qrs_spike_k=0 it is, at -164 ms): the stimulus's bump in the P/T band "
                   "wins the P search, and rule AE only takes that bump out")  # fmt: skip
def test_p_wave_before_a_stimulus_is_kept():
    """A sinus P peaking 160 ms before R, ahead of a stimulus 80 ms before R, should be read
    (global, every inner beat) within 20 ms of its peak; it is reported absent."""
    x, rp = _spiked(-0.08, p=True)
    d = delineate(x, FS, rp)
    ppk = (d.samples[1:-1, COL["P_peak"]] - rp[1:-1]) * 1000 / FS
    assert np.all(np.abs(ppk + 160.0) < 20.0)


def test_rule_ae_drops_only_a_p_that_holds_the_stimulus():
    """The helper of rule AE: a beat without a stimulus (-1) and a beat whose stimulus lies
    after its P offset keep their P, per lead and global, with reason 0; the beat whose
    stimulus lies inside its P span loses P onset, peak and offset with ``no_p_wave``; no
    other column is touched."""
    from geoecg.features._delineation_spike import drop_p_on_stimulus

    s = np.full((2, 3, 12), np.nan)
    s[:, :, COL["P_on"]], s[:, :, COL["P_peak"]], s[:, :, COL["P_off"]] = 100.0, 120.0, 140.0
    g, r = s[0].copy(), np.zeros((2, 3, 12), dtype=np.int8)
    gr = np.zeros((3, 12), dtype=np.int8)
    lo = np.array([-1, 130 + 15, 150 + 15])  # no stimulus; one inside the P; one after it
    before = (s.copy(), g.copy())
    drop_p_on_stimulus(s, r, g, gr, lo, 15, np.zeros(12))
    np.testing.assert_array_equal(s[:, :, 3:], before[0][:, :, 3:])
    np.testing.assert_array_equal(g[:, 3:], before[1][:, 3:])
    assert np.all(np.isfinite(s[:, [0, 2], COL["P_peak"]])) and np.all(np.isfinite(g[[0, 2], 1]))
    assert np.all(np.isnan(s[:, 1, :3])) and np.all(np.isnan(g[1, :3]))
    assert np.all(r[:, 1, :3] == REASONS.index("no_p_wave")) and np.all(r[:, [0, 2]] == 0)
