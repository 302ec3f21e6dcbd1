"""R-peaks after a large start-up transient (sessions 19 and 20, docs/benchmarks/rpeaks.md).

A transient at the record's start is accepted as the first beat and *replaces* the QRS level
of the adaptive threshold (the ring of accepted heights starts empty), so every later beat
stays under the threshold: CinC 2017 A01807 and A04342, clean sinus rhythm after 8.9 and
6.5 mV in the first second, give 1 beat each. Two registered fixes passed their own rules and
were reverted in review because they found beats where there are none: session 19's seeded
rings (beats at the noise level of beat-free input) and session 20's lock release (after 8 s
without a beat the levels of the last 8 s replaced the locked ones): beats at noise level
during a 20-s asystole, on P waves during a ventricular standstill and in pure mains hum.
Session 21's registered hold (a tall first beat kept out of the QRS level where the first
8 s hold a steady beat train) failed its own rule: behind the transient it found the beats,
and with them the noise "beats" the detector finds in a 20-s asystole in 0.2-mV noise.
The transient tests stay strict expected failures until a fix passes them and every
beat-free and pause guard below."""

from __future__ import annotations

import numpy as np
import pytest
from _factories import gaussian_beats

from geoecg.features import detect_rpeaks

FS = 300.0


def _clean_ecg(n_s=30.0, rr_s=0.8, fs=FS):
    """Sinus rhythm: Gaussian Q, R, S and T waves (mV), beats every ``rr_s`` seconds from
    0.4 s; returns the signal and the R-peak sample indices."""
    t = np.arange(int(n_s * fs)) / fs
    x = np.zeros_like(t)
    beats = np.arange(0.4, n_s - 0.4, rr_s)
    for b in beats:
        x += 1.0 * np.exp(-0.5 * ((t - b) / 0.010) ** 2)
        x -= 0.15 * np.exp(-0.5 * ((t - b + 0.025) / 0.008) ** 2)
        x -= 0.25 * np.exp(-0.5 * ((t - b - 0.030) / 0.010) ** 2)
        x += 0.30 * np.exp(-0.5 * ((t - b - 0.28) / 0.045) ** 2)
    return x, np.round(beats * fs).astype(np.int64)


def _with_transient(x, fs=FS, height_mv=8.0):
    """``x`` plus a start-up transient: a ``height_mv`` step at 0.5 s that swings back and
    decays (time constant 0.15 s), as a recorder's input stage settling."""
    t = np.arange(x.size) / fs
    s = t - 0.5
    y = np.where(s >= 0, height_mv * np.exp(-s / 0.15) * np.cos(2 * np.pi * 1.5 * s), 0.0)
    return x + y


_KNOWN = pytest.mark.xfail(
    strict=True,
    reason="known defect: a start-up transient accepted as the first beat sets the QRS level; "
    "the seeded rings (session 19) and the lock release (session 20) were reverted in review "
    "(they invented beats in beat-free stretches); session 21's hold failed its rule",
)


@pytest.mark.parametrize("track", [False, True])
@pytest.mark.parametrize("height_mv", [4.0, pytest.param(8.0, marks=_KNOWN)])
@pytest.mark.parametrize("prune", [False, True])
def test_beats_after_a_startup_transient(track, height_mv, prune):
    """Every beat after the transient found (8 mV: 1 beat in all; a known defect).

    With ``prune`` the first beat after 2 s may still be dropped: pruning's height reference
    starts with the first beat, here the transient, so a beat that splits the long interval
    from it looks weak (a separate effect, not changed in sessions 19-20)."""
    clean, truth = _clean_ecg()
    base = detect_rpeaks(clean, FS, track=track, prune=prune)
    assert len(base) == truth.size  # the clean record itself is easy
    x = _with_transient(clean, height_mv=height_mv)
    res = detect_rpeaks(x, FS, track=track, prune=prune)
    late = truth[truth > 2.0 * FS]  # the beats after the transient
    hit = np.abs(res.indices[:, None] - late[None, :]).min(axis=0) <= int(0.05 * FS)
    assert (~hit).sum() <= (1 if prune else 0), f"{(~hit).sum()} of {late.size} missed"
    assert hit[1:].all()
    # and no extra beat after the transient
    assert (res.indices > 2.0 * FS).sum() == hit.sum()


def test_clean_record_keeps_every_beat():
    """A clean record without a transient keeps every beat (no lock, nothing released)."""
    clean, truth = _clean_ecg(rr_s=1.1)
    res = detect_rpeaks(clean, FS, track=False)
    np.testing.assert_array_less(np.abs(res.indices - truth), int(0.02 * FS))


@_KNOWN
@pytest.mark.parametrize("name", ["A01807", "A04342"])
def test_cinc_records_with_a_startup_transient(cinc2017_dir, name):
    from geoecg.io import read_record

    rec = read_record(cinc2017_dir / name)
    x = np.asarray(rec.signal, float).reshape(-1)
    for track in (False, True):
        n = len(detect_rpeaks(x, rec.fs, track=track))
        n_rest = len(detect_rpeaks(x[int(2 * rec.fs) :], rec.fs, track=track))
        # 1 beat each (36 and 32 with the reverted lock release); 34 and 29 without the first 2 s
        assert n >= 25 and n >= n_rest - 3, (name, track, n, n_rest)


@pytest.mark.parametrize("fs", [100.0, 300.0])
def test_no_beats_invented_in_baseline_wander(fs):
    """A beat-free lead (0.2-mV, 0.1-Hz baseline wander, 10 s) gives at most one beat (the
    band-pass filter's edge): the guard a fix of the transient defect must keep."""
    t = np.arange(int(10 * fs)) / fs
    x = 0.2 * np.sin(2 * np.pi * 0.1 * t)
    for track in (False, True):
        assert len(detect_rpeaks(x - x.mean(), fs, track=track)) <= 1


def _beat_free(kind, fs, seconds):
    """A beat-free lead (mV, mean removed): zeros, a 0.2-mV 0.1-Hz sine (baseline wander),
    0.01-mV white noise (seed 0), a 0.2-mV step at mid-record, or that noise with a 1-s NaN
    gap at 40 % of the record."""
    t = np.arange(int(seconds * fs)) / fs
    rng = np.random.default_rng(0)
    if kind == "flat":
        x = np.zeros_like(t)
    elif kind == "wander":
        x = 0.2 * np.sin(2 * np.pi * 0.1 * t)
    elif kind == "noise":
        x = 0.01 * rng.standard_normal(t.size)
    elif kind == "step":
        x = np.where(t >= seconds / 2, 0.2, 0.0)
    else:
        x = 0.01 * rng.standard_normal(t.size)
        a = int(0.4 * t.size)
        x[a : a + int(fs)] = np.nan
    return x - np.nanmean(x)


# beat counts of the detector (adaf7fb), (track=False, track=True), per (kind, fs, seconds):
# a fix of the transient defect must not raise any of them (session 20's registered clause (d);
# white noise gives "beats" today, the detector has no absolute floor)
_BEFORE = {
    ("noise", 100.0, 10.0): (15, 5), ("noise", 100.0, 60.0): (133, 63),
    ("noise", 250.0, 10.0): (21, 10), ("noise", 250.0, 60.0): (113, 50),
    ("noise", 300.0, 10.0): (25, 17), ("noise", 300.0, 60.0): (127, 61),
    ("noise", 360.0, 10.0): (30, 26), ("noise", 360.0, 60.0): (147, 119),
    ("nangap", 100.0, 10.0): (23, 17), ("nangap", 100.0, 60.0): (131, 64),
    ("nangap", 250.0, 10.0): (24, 23), ("nangap", 250.0, 60.0): (114, 55),
    ("nangap", 300.0, 10.0): (22, 17), ("nangap", 300.0, 60.0): (138, 102),
    ("nangap", 360.0, 10.0): (26, 19), ("nangap", 360.0, 60.0): (145, 118),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["flat", "wander", "noise", "step", "nangap"])
@pytest.mark.parametrize("fs", [100.0, 250.0, 300.0, 360.0])
@pytest.mark.parametrize("seconds", [10.0, 60.0])
def test_beat_free_counts_not_raised(kind, fs, seconds):
    """Flat: no beat; wander: the band-pass edge's one; a step: its edge and the step (one
    at 360 Hz); noise (with or without a NaN gap): not above the counts before the change."""
    x = _beat_free(kind, fs, seconds)
    fixed = {"flat": (0, 0), "wander": (1, 1), "step": (1, 1) if fs == 360.0 else (2, 2)}
    before = fixed[kind] if kind in fixed else _BEFORE[(kind, fs, seconds)]
    for track, most in zip((False, True), before, strict=True):
        n = len(detect_rpeaks(x, fs, track=track))
        assert n <= most, (kind, fs, seconds, track, n, most)
        if kind in fixed:
            assert n == most


# Pauses and interference (session 20 review of the lock release): the detector must not find
# beats at noise level during a long pause, on P waves alone, or in mains hum.


_beats = gaussian_beats  # tests/_factories.py


@pytest.mark.parametrize(
    ("fs", "noise_mv"), [(100.0, 0.05), (250.0, 0.05), (250.0, 0.1), (360.0, 0.05), (360.0, 0.1)]
)
def test_no_beats_invented_during_asystole(fs, noise_mv):
    """1-mV beats at 75 bpm for 4 s, 20 s of asystole in white noise (seed 0), then beats
    again: no beat inside the pause (0 in every case; the reverted lock release: 16-37).

    (100 Hz with 0.1-mV noise is left out: the detector finds 25 / 10 beats in the pause
    there today, a separate limit: it has no absolute amplitude floor.)"""
    t = np.arange(int(60 * fs)) / fs
    first = np.arange(0.5, 4.0, 0.8)
    second = np.arange(first[-1] + 20.0, 59.5, 0.8)
    rng = np.random.default_rng(0)
    x = _beats(t, np.r_[first, second]) + noise_mv * rng.standard_normal(t.size)
    for track in (False, True):
        s = detect_rpeaks(x, fs, track=track).indices / fs
        inside = ((s > first[-1] + 0.3) & (s < second[0] - 0.3)).sum()
        assert inside == 0, (fs, noise_mv, track, inside)


@pytest.mark.parametrize("fs", [250.0, 360.0])
def test_no_beats_on_p_waves_during_ventricular_standstill(fs):
    """P waves (0.15 mV, 60/min) continue through a 10-s ventricular standstill (complete
    block, no escape): no beat on them (0; the reverted lock release: 10, both ``track``)."""
    t = np.arange(int(60 * fs)) / fs
    first = np.arange(0.5, 3.0, 0.8)
    second = np.arange(14.0, 59.5, 0.8)
    rng = np.random.default_rng(0)
    p = sum(0.15 * np.exp(-0.5 * ((t - tp) / 0.03) ** 2) for tp in np.arange(0.34, 60, 1.0))
    x = _beats(t, np.r_[first, second]) + p + 0.01 * rng.standard_normal(t.size)
    for track in (False, True):
        s = detect_rpeaks(x, fs, track=track).indices / fs
        inside = ((s > first[-1] + 0.3) & (s < second[0] - 0.3)).sum()
        assert inside == 0, (fs, track, inside)


@pytest.mark.parametrize(
    ("fs", "mains_hz"), [(250.0, 50.0), (300.0, 60.0), (500.0, 60.0), (1000.0, 60.0)]
)
def test_no_beats_in_pure_mains_interference(fs, mains_hz):
    """60 s of 1-mV mains hum alone (no ECG): at most 2 beats, the filter edge's (today
    1-2; the reverted lock release: 74-178)."""
    t = np.arange(int(60 * fs)) / fs
    x = np.sin(2 * np.pi * mains_hz * t)
    for track in (False, True):
        n = len(detect_rpeaks(x, fs, track=track))
        assert n <= 2, (fs, mains_hz, track, n)


def _transient(t, height_mv=8.0, at=0.5):
    """A ``height_mv`` step at ``at`` s that swings back and decays (0.15 s)."""
    s = t - at
    return np.where(s >= 0, height_mv * np.exp(-s / 0.15) * np.cos(2 * np.pi * 1.5 * s), 0.0)


@pytest.mark.parametrize("fs", [250.0, 360.0, 500.0])
@pytest.mark.parametrize("noise_mv", [0.05, 0.1])
def test_no_beats_in_asystole_after_a_transient(fs, noise_mv):
    """An 8-mV start-up transient, 1-mV beats to 4.8 s, 20 s of asystole in white noise
    (seed 0), beats again: no beat inside the pause (session 21's clause (c3); the detector
    finds none there with or without the transient at these noise levels)."""
    t = np.arange(int(60 * fs)) / fs
    first = np.arange(0.8, 5.0, 0.8)
    second = np.arange(first[-1] + 20.0, 59.5, 0.8)
    rng = np.random.default_rng(0)
    x = _beats(t, np.r_[first, second]) + _transient(t) + noise_mv * rng.standard_normal(t.size)
    for track in (False, True):
        s = detect_rpeaks(x, fs, track=track).indices / fs
        inside = ((s > first[-1] + 0.3) & (s < second[0] - 0.3)).sum()
        assert inside == 0, (fs, noise_mv, track, inside)


@pytest.mark.parametrize("fs", [250.0, 360.0, 500.0])
@pytest.mark.parametrize("mains_hz", [50.0, 60.0])
def test_no_beats_in_mains_hum_after_a_spike(fs, mains_hz):
    """An 8-mV spike at 1 s, then 60 s of 1-mV mains hum alone: at most 3 beats (the filter
    edge's and the spike's; 2-3 today, session 21's clause (c3))."""
    t = np.arange(int(60 * fs)) / fs
    x = np.sin(2 * np.pi * mains_hz * t)
    x[int(fs) : int(fs) + 3] += 8.0
    for track in (False, True):
        n = len(detect_rpeaks(x, fs, track=track))
        assert n <= 3, (fs, mains_hz, track, n)
