"""R-peaks after a large start-up transient (session 19, docs/benchmarks/rpeaks.md).

A transient at the record's start used to be accepted as the first beat and to *replace*
the QRS level of the adaptive threshold (the ring of accepted heights started empty), so
every later beat stayed under the threshold: CinC 2017 A01807 and A04342, clean sinus
rhythm after 8.9 and 6.5 mV in the first second, gave 1 beat each. Session 19 started the
level rings full of the initial levels (registered, kept by its rule), then reverted it in
review: on beat-free input it found beats at the noise level (a 0.2-mV 0.1-Hz baseline
wander 1 -> 5 beats in 10 s, 0.01-mV white noise 5 -> 13), a check its rule had not written.
The transient tests stay as strict expected failures until a fix passes both them and
:func:`test_no_beats_invented_in_baseline_wander`."""

from __future__ import annotations

import numpy as np
import pytest

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
    reason="known defect (session 19): a start-up transient accepted as the first beat sets the "
    "QRS level; the seeded-rings fix was reverted (it invented beats in beat-free input)",
)


@pytest.mark.parametrize("track", [False, True])
@pytest.mark.parametrize("height_mv", [4.0, pytest.param(8.0, marks=_KNOWN)])
@pytest.mark.parametrize("prune", [False, True])
def test_beats_after_a_startup_transient(track, height_mv, prune):
    """Every beat after the transient found (8 mV: 1 beat in all before session 19).

    With ``prune`` the first beat after 2 s may still be dropped: pruning's height reference
    starts with the first beat, here the transient, so a beat that splits the long interval
    from it looks weak (a separate effect, not changed in session 19)."""
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


def test_clean_record_unchanged_by_the_seeded_levels():
    """The seeded rings act on the first 8 beats only: a clean record keeps every beat."""
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
        # 1 beat before session 19; 34 and 29 without the first 2 s
        assert n >= 25 and n >= n_rest - 3, (name, track, n, n_rest)


@pytest.mark.parametrize("fs", [100.0, 300.0])
def test_no_beats_invented_in_baseline_wander(fs):
    """A beat-free lead (0.2-mV, 0.1-Hz baseline wander, 10 s) gives at most one beat (the
    band-pass filter's edge): the guard a fix of the transient defect must keep."""
    t = np.arange(int(10 * fs)) / fs
    x = 0.2 * np.sin(2 * np.pi * 0.1 * t)
    for track in (False, True):
        assert len(detect_rpeaks(x - x.mean(), fs, track=track)) <= 1
