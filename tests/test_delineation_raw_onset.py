"""Rule AB (delineation registry item 33): each lead's QRS onset walked again on the
derivative of the unfiltered signal, kept within 6 ms of the band-pass onset; item 34: not
where the derivative's part above the QRS band is large just before the onset.

The kernel's walk is the one of ``delineate_lead`` (twin test); only the QRS-onset column
moves, by at most the clamp, and a P offset never lies after the new onset; degenerate input
keeps its counts and reasons; under white noise or mains hum the band-pass onset is kept.
"""

from __future__ import annotations

import numpy as np
import pytest

import geoecg.features._delineation_qrs as Q
import geoecg.features.delineation as D
from geoecg._kernels import delineation as K
from geoecg.features import delineate, detect_rpeaks
from geoecg.features._delineation_qrs import RAW_CLAMP_S

FS = 500.0
QON, POFF = D.FIDUCIALS.index("QRS_on"), D.FIDUCIALS.index("P_off")


def _g(t, c, a, s):
    return a * np.exp(-0.5 * ((t - c) / s) ** 2)


def _beats(fs=FS, seconds=10.0, noise=0.0, seed=0, amp=1.0):
    t = np.arange(int(seconds * fs)) / fs
    x = np.zeros(t.size)
    for c in np.arange(0.5, seconds - 0.4, 0.8):
        x += _g(t, c - 0.16, 0.15, 0.02) + _g(t, c - 0.03, -0.1, 0.008) + _g(t, c, 1.2, 0.01)
        x += _g(t, c + 0.03, -0.3, 0.01) + _g(t, c + 0.25, 0.3, 0.04)
    x = amp * x + noise * np.random.default_rng(seed).standard_normal(t.size)
    return np.vstack([x, 0.7 * x, -0.5 * x])


def _without_rule(monkeypatch, sig, fs):
    monkeypatch.setattr(D, "_raw_qrs_onsets", lambda *a, **k: None)
    out = delineate(sig, fs)
    monkeypatch.undo()
    return out


def _lead_onsets(sig):
    st = D.DelineationSettings()
    xq = D._filter(sig, FS, st.qrs_band_hz)
    dq = D._derivative(xq, 2)
    xw = D._filter(sig, FS, st.wave_band_hz)
    dw = D._derivative(xw, 5)
    rp = np.asarray(detect_rpeaks(sig, FS).indices, dtype=np.int64)
    par = st.params(FS)
    lo_min = np.full(rp.size, -1, dtype=np.int64)
    out = np.full((rp.size, 12), np.nan)
    reason = np.zeros((rp.size, 12), dtype=np.int8)
    K.delineate_lead(xq[0], dq[0], xw[0], dw[0], rp, par, out, reason, lo_min)
    return dq[0], rp, par, lo_min, np.ascontiguousarray(out[:, QON])


def test_kernel_walk_is_delineate_leads_walk():
    """On the QRS-band derivative (no noise above the band) the kernel's walk ends at the
    lead's own onsets: started 5 samples early with a 2-sample clamp, it stops at 3 early."""
    dq, rp, par, lo_min, on_in = _lead_onsets(_beats(noise=0.01))
    assert np.isfinite(on_in).sum() >= 10
    new = np.empty(rp.size)
    K.raw_qrs_onsets(dq, np.zeros_like(dq), rp, par, lo_min, on_in - 5.0, 2.0, 10, 1.5, new)
    np.testing.assert_array_equal(new, on_in - 3.0)


def test_kernel_keeps_the_onset_where_noise_above_the_band_is_large():
    """Item 34: the walk is skipped where the median |hf| before the onset exceeds
    ``nmax * qrs_on_lo * dmax``, where ``hf`` is NaN (a gap) and where the stretch is short."""
    dq, rp, par, lo_min, on_in = _lead_onsets(_beats(noise=0.01))
    start = on_in - 5.0
    new = np.empty(rp.size)
    level = par[K.P_ON_LO] * np.max(np.abs(dq))
    K.raw_qrs_onsets(dq, np.full_like(dq, 2.0 * level), rp, par, lo_min, start, 2.0, 10, 1.5, new)
    np.testing.assert_array_equal(new, start)
    K.raw_qrs_onsets(dq, np.full_like(dq, np.nan), rp, par, lo_min, start, 2.0, 10, 1.5, new)
    np.testing.assert_array_equal(new, start)
    K.raw_qrs_onsets(dq, np.zeros_like(dq), rp, par, lo_min, start, 2.0, 10**6, 1.5, new)
    np.testing.assert_array_equal(new, start)  # fewer than nwin // 2 samples before the onset


@pytest.mark.parametrize("noise", ["white", "hum50", "hum60"])
def test_noise_above_the_band_keeps_the_band_pass_onset(monkeypatch, noise):
    """Item 34: with 0.05-mV white noise or 0.1-mV mains hum at least half the lead-beats
    keep the band-pass onset, and the mean move is under half of rule AB's alone (which
    moved nearly every onset earlier, towards the clamp)."""
    sig = _beats()
    t = np.arange(sig.shape[1]) / FS
    if noise == "white":
        sig = sig + 0.05 * np.random.default_rng(3).standard_normal(sig.shape)
    else:
        sig = sig + 0.1 * np.sin(2 * np.pi * float(noise[3:]) * t)
    ref = np.asarray(_without_rule(monkeypatch, sig, FS).lead_samples)[..., QON]
    new = np.asarray(delineate(sig, FS).lead_samples)[..., QON]
    monkeypatch.setattr(Q, "RAW_NOISE_MAX", np.inf)  # rule AB without item 34
    ab = np.asarray(delineate(sig, FS).lead_samples)[..., QON]
    assert np.mean(new == ref) >= 0.5
    assert np.mean(ab - ref) < -1.0
    assert abs(np.mean(new - ref)) <= 0.5 * abs(np.mean(ab - ref))


@pytest.mark.parametrize(("fs", "noise", "amp"), [(500.0, 0.0, 1.0), (500.0, 0.05, 1.0),
                                                  (500.0, 0.005, 0.05), (250.0, 0.02, 1.0),
                                                  (100.0, 0.0, 1.0)])  # fmt: skip
def test_only_qrs_onset_moves_within_the_clamp(monkeypatch, fs, noise, amp):
    sig = _beats(fs=fs, noise=noise, amp=amp)
    ref = _without_rule(monkeypatch, sig, fs)
    new = delineate(sig, fs)
    up = D.working_factor(fs)
    lim = max(1, round(RAW_CLAMP_S * fs * up)) / up + 1e-9  # in samples at fs
    for a, b in ((ref.samples, new.samples), (ref.lead_samples, new.lead_samples)):
        a, b = np.asarray(a), np.asarray(b)
        other = [c for c in range(12) if c not in (QON, POFF)]
        np.testing.assert_array_equal(a[..., other], b[..., other])
        np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b))
        d = np.abs(b[..., QON] - a[..., QON])
        assert np.nanmax(d) <= lim + 0.5  # the global mean is rounded to a whole sample
        with np.errstate(invalid="ignore"):
            assert not np.any(b[..., POFF] > b[..., QON])
    np.testing.assert_array_equal(ref.reasons, new.reasons)
    np.testing.assert_array_equal(ref.lead_reasons, new.lead_reasons)


def test_moves_some_onset_on_clean_beats(monkeypatch):
    """The rule is not a no-op: where the QRS starts with a kink (a triangular R wave), the
    band-pass filter spreads it earlier and the unfiltered walk ends later."""
    t = np.arange(int(10 * FS)) / FS
    x = np.zeros(t.size)
    for c in np.arange(0.5, 9.6, 0.8):
        x += np.interp(t, [c - 0.04, c, c + 0.04], [0.0, 1.2, 0.0], left=0.0, right=0.0)
        x += _g(t, c + 0.25, 0.3, 0.04)
    sig = np.vstack([x, 0.7 * x, -0.5 * x])
    ref = _without_rule(monkeypatch, sig, FS)
    new = delineate(sig, FS)
    moved = np.asarray(new.lead_samples)[..., QON] - np.asarray(ref.lead_samples)[..., QON]
    assert np.all(moved > 0)


@pytest.mark.parametrize(
    "case", ["flat", "nan_gap", "three_beats", "noise_only", "hum", "low_noise", "p_only"]
)
def test_degenerate_input_keeps_counts_and_reasons(monkeypatch, case):
    n = int(10 * FS)
    t = np.arange(n) / FS
    rng = np.random.default_rng(1)
    sig = {
        "flat": np.zeros((3, n)),
        "nan_gap": _beats(),
        "three_beats": _beats(seconds=2.4),
        "noise_only": 0.1 * rng.standard_normal((3, n)),
        "hum": np.tile(0.05 * np.sin(2 * np.pi * 50 * t), (3, 1)),
        "low_noise": 0.05 * rng.standard_normal((3, n)),
        "p_only": np.tile(sum(_g(t, c, 0.15, 0.02) for c in np.arange(0.3, 9.8, 0.8)), (3, 1)),
    }[case]
    if case == "nan_gap":
        sig = sig.copy()
        sig[:, 2000:2800] = np.nan
    ref = _without_rule(monkeypatch, sig, FS)
    new = delineate(sig, FS)
    np.testing.assert_array_equal(np.isfinite(ref.samples), np.isfinite(new.samples))
    np.testing.assert_array_equal(np.isfinite(ref.lead_samples), np.isfinite(new.lead_samples))
    np.testing.assert_array_equal(ref.reasons, new.reasons)
    np.testing.assert_array_equal(ref.lead_reasons, new.lead_reasons)
