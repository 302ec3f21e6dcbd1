"""R-peaks inside a pause with low-level noise (session 21 diagnosis, docs/benchmarks/rpeaks.md,
"Pauses with low-level noise"; no detector change).

1-mV beats every 0.8 s to 10 s, a 20-s pause (asystole), then 20 s of beats, with noise mixed
in. The detector has no absolute amplitude floor: once the pause is longer than 1.66 median RR
intervals, search-back takes the highest noise candidate above half the threshold, its height
enters the ring of QRS heights, and after a few such "beats" the QRS level is the noise level
and noise passes the ordinary threshold too. Once the 3-20 Hz noise exceeds about 1/20 of the
R amplitude the pause fills with noise beats (the detector is scale-free: only the ratio
counts). The failing cases are strict expected failures; the passing levels are guards a fix
(and any other change) must keep."""

from __future__ import annotations

import numpy as np
import pytest
from _factories import gaussian_beats

from geoecg.features import detect_rpeaks

_beats = gaussian_beats  # tests/_factories.py


def _nstdb_noise(folder, kind, n, fs):
    """NSTDB ``kind`` (``ma`` or ``bw``), lead 0 from its first sample, resampled 360 Hz ->
    ``fs``, mean removed, unit RMS."""
    from math import gcd

    from scipy.signal import resample_poly

    from geoecg.io import read_record

    src = np.asarray(read_record(folder / kind).signal, float)
    src = src[0] if src.ndim == 2 and src.shape[0] < src.shape[-1] else src.reshape(-1)
    g = gcd(int(fs), 360)
    seg = src[: int(np.ceil(n * 360 / fs)) + 720]
    y = resample_poly(seg - seg.mean(), int(fs) // g, 360 // g)[:n]
    y = y - y.mean()
    return y / y.std()


def _pause_record(fs, noise_mv, *, amp=1.0, pause_s=20.0, noise=None):
    """The record (mV), its beat times (s) and the pause window (s): white noise (seed 0) of
    RMS ``noise_mv``, or ``noise`` (unit RMS) scaled to it."""
    first = np.arange(0.5, 10.0, 0.8)
    second = np.arange(first[-1] + pause_s, first[-1] + pause_s + 20.0, 0.8)
    n = int((second[-1] + 1.0) * fs)
    t = np.arange(n) / fs
    if noise is None:
        noise = np.random.default_rng(0).standard_normal(n)
    x = _beats(t, np.r_[first, second], amp) + noise_mv * noise[:n]
    return x, np.r_[first, second], (first[-1] + 0.3, second[0] - 0.3)


def _check(x, fs, truth, win):
    """(beats inside the pause, true beats missed by > 75 ms) for track False and True."""
    out = []
    for track in (False, True):
        s = detect_rpeaks(x, fs, track=track).indices / fs
        inside = int(((s > win[0]) & (s < win[1])).sum())
        missed = int((np.abs(s[:, None] - truth[None, :]).min(axis=0) > 0.075).sum())
        out.append((inside, missed))
    return out


_NO_FLOOR = pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="known limit (session 21 diagnosis): no absolute amplitude floor; search-back "
    "accepts noise in a long pause and its heights pull the QRS level down to the noise level",
)


@_NO_FLOOR
@pytest.mark.parametrize(
    ("fs", "noise_mv"), [(100.0, 0.1), (250.0, 0.2), (360.0, 0.2), (500.0, 0.2)]
)
def test_pause_in_white_noise_known_failures(fs, noise_mv):
    """No beat in a 20-s pause in white noise at 5:1 (10:1 at 100 Hz); today 6-35 per output
    (seeds 0-2 of the map, both ``track``)."""
    x, truth, win = _pause_record(fs, noise_mv)
    for inside, missed in _check(x, fs, truth, win):
        assert missed == 0
        assert inside == 0


@_NO_FLOOR
@pytest.mark.parametrize("fs", [250.0, 360.0])
def test_pause_in_muscle_noise_known_failures(nstdb_dir, fs):
    """No beat in a 20-s pause in NSTDB ``ma`` at 0.2 mV RMS (5:1); today 14-22 per output
    (offsets 0, 200,000, 400,000 of the map, both ``track``)."""
    x0, truth, win = _pause_record(fs, 0.0)
    x = x0 + 0.2 * _nstdb_noise(nstdb_dir, "ma", x0.size, fs)
    for inside, missed in _check(x, fs, truth, win):
        assert missed == 0
        assert inside == 0


@pytest.mark.parametrize("fs", [100.0, 250.0, 360.0, 500.0, 1000.0])
@pytest.mark.parametrize("pause_s", [5.0, 20.0, 30.0])
def test_pause_in_low_white_noise_stays_empty(fs, pause_s):
    """0.05-mV white noise (20:1): no beat in the pause, no true beat missed (0 today)."""
    x, truth, win = _pause_record(fs, 0.05, pause_s=pause_s)
    assert _check(x, fs, truth, win) == [(0, 0), (0, 0)]


@pytest.mark.parametrize("fs", [250.0, 360.0, 500.0, 1000.0])
def test_pause_in_0p1_mv_white_noise_stays_empty(fs):
    """0.1-mV white noise (10:1) at 250 Hz and up: 0 today (100 Hz: 21-27, an xfail above)."""
    x, truth, win = _pause_record(fs, 0.1, pause_s=30.0)
    assert _check(x, fs, truth, win) == [(0, 0), (0, 0)]


@pytest.mark.parametrize("fs", [250.0, 360.0])
@pytest.mark.parametrize(("kind", "noise_mv"), [("ma", 0.05), ("bw", 0.3)])
def test_pause_in_nstdb_noise_stays_empty(nstdb_dir, fs, kind, noise_mv):
    """NSTDB ``ma`` at 0.05 mV RMS and ``bw`` at 0.3 mV RMS: no beat in the pause (0 today)."""
    x0, truth, win = _pause_record(fs, 0.0)
    x = x0 + noise_mv * _nstdb_noise(nstdb_dir, kind, x0.size, fs)
    assert _check(x, fs, truth, win) == [(0, 0), (0, 0)]


@pytest.mark.parametrize("fs", [250.0, 360.0])
def test_pause_counts_depend_on_the_ratio_only(fs):
    """The detector is scale-free: 0.3-mV beats in 0.03-mV noise give the same beats as
    1-mV beats in 0.1-mV noise (a floor in mV would break this on purpose)."""
    a, _, _ = _pause_record(fs, 0.1)
    b, _, _ = _pause_record(fs, 0.03, amp=0.3)
    for track in (False, True):
        ia = detect_rpeaks(a, fs, track=track).indices
        ib = detect_rpeaks(b, fs, track=track).indices
        np.testing.assert_array_equal(ia, ib)


@pytest.mark.parametrize(("name", "at_least"), [("A00465", 60), ("A08038", 45), ("A07213", 40)])
def test_searchback_lets_the_qrs_level_come_down(cinc2017_dir, name, at_least):
    """Search-back also brings a QRS level held too high down to the beats (its picks enter
    the QRS ring). The session-22 attempt, which undid search-back picks not confirmed by a
    beat over the old threshold, locked on these CinC 2017 records (``track=False``: 64 -> 1,
    61 -> 6, 54 -> 6 beats): a fix for noise in pauses must keep them (today 64 / 64,
    61 / 49, 54 / 44 with ``track`` False / True)."""
    from geoecg.io import read_record

    rec = read_record(cinc2017_dir / name)
    x = np.asarray(rec.signal, float).reshape(-1)
    for track in (False, True):
        assert len(detect_rpeaks(x, rec.fs, track=track)) >= at_least, (name, track)
