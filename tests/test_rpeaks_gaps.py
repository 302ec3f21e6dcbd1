"""Short NaN gaps bridged by linear interpolation (``detect_rpeaks(max_gap_ms=...)``,
docs/benchmarks/rpeaks.md, session 13): output unchanged without NaN, beats found through
sample dropouts, no beat on a missing sample, long and edge gaps split the record as before."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from geoecg.evaluation import match_beats
from geoecg.features import RPeakDetector, detect_rpeaks
from geoecg.features._rpeaks_run import detect_from_lead_energy, detect_with_lead_energy
from geoecg.features.rpeaks import _bridge_short_gaps


def _synth(fs=360.0, seconds=60.0, seed=0):
    """Gaussian Q-R-S-T beats at ~72 bpm with a little noise (mV); returns (x, R samples)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    t = np.arange(n) / fs
    r_t = np.cumsum(0.83 + 0.05 * rng.standard_normal(int(seconds / 0.7)))
    r_t = r_t[(r_t > 0.5) & (r_t < seconds - 0.5)]
    x = 0.01 * rng.standard_normal(n)
    for r in r_t:
        for dt, a, w in ((-0.024, -0.12, 0.015), (0.0, 1.0, 0.015), (0.024, -0.2, 0.015)):
            x += a * np.exp(-0.5 * ((t - r - dt) / w) ** 2)
        x += 0.3 * np.exp(-0.5 * ((t - r - 0.3) / 0.05) ** 2)
    return x, np.round(r_t * fs).astype(np.int64)


def _short_gaps(x, fs, seed):
    """1-3-sample NaN runs every 0.7-3 s (session 10's ``short`` variant)."""
    rng = np.random.default_rng(seed)
    n = x.shape[-1]
    y = x.copy()
    pos = np.cumsum(rng.integers(int(0.7 * fs), int(3 * fs), n // int(0.7 * fs) + 1))
    for p in pos[pos < n - 3]:
        y[..., p : p + int(rng.integers(1, 4))] = np.nan
    return y


def _same(a, b):
    return (
        np.array_equal(a.indices, b.indices)
        and np.array_equal(a.confidence, b.confidence)
        and np.array_equal(a.gaps, b.gaps)
    )


def test_no_nan_same_output_and_nothing_bridged():
    x, _ = _synth()
    a, b = detect_rpeaks(x, 360.0), detect_rpeaks(x, 360.0, max_gap_ms=0)
    assert _same(a, b) and a.bridged.shape == (0, 2)
    x2 = np.vstack([x, -0.5 * x])
    assert _same(detect_rpeaks(x2, 360.0), detect_rpeaks(x2, 360.0, max_gap_ms=0))


@pytest.mark.parametrize("fs", [128.0, 250.0, 360.0, 500.0])
def test_short_gaps_bridged_beats_as_without_gaps(fs):
    x, ref = _synth(fs=fs, seconds=120.0, seed=int(fs))
    y = _short_gaps(x, fs, seed=1)
    clean, res = detect_rpeaks(x, fs), detect_rpeaks(y, fs)
    assert res.gaps.shape == (0, 2)  # every run bridged: no split
    assert res.bridged.shape[0] == int(np.isnan(y).any()) * _ranges_count(np.isnan(y))
    assert np.all(np.isfinite(res.rr_ms))
    assert np.all(np.isfinite(y[res.indices]))
    m = match_beats(ref, res.indices, fs, tolerance_ms=50.0)
    assert m.fn == 0 and m.fp == 0, m.as_dict()
    # the same beats as without gaps (a bridged sample can move a peak by a sample or two)
    assert len(res) == len(clean)
    assert np.max(np.abs(res.indices - clean.indices)) <= max(2, int(0.01 * fs))


def _ranges_count(mask):
    return int(np.count_nonzero(np.diff(mask.astype(np.int8), prepend=0) == 1))


def test_gap_on_the_r_peak_moves_the_beat_to_a_finite_neighbour():
    fs = 360.0
    x, ref = _synth(fs=fs, seconds=30.0, seed=3)
    y = x.copy()
    for r in ref[5:30:3]:
        y[r - 1 : r + 2] = np.nan  # the R peak and its neighbours missing
    for refine in (80.0, 0.0):
        res = detect_rpeaks(y, fs, refine_ms=refine)
        assert np.all(np.isfinite(y[res.indices]))
        m = match_beats(ref, res.indices, fs, tolerance_ms=50.0)
        assert m.fn == 0 and m.fp == 0
    res = detect_rpeaks(y, fs)
    hit = np.isin(ref, ref[5:30:3])
    near = res.indices[np.searchsorted(res.indices, ref[hit] - 3)]
    assert np.all(np.isin(near - ref[hit], (-2, 2)))  # the nearer finite sample of the gap
    # both leads missing at the same samples: the beat still lands on a finite sample
    y2 = np.vstack([y, np.where(np.isnan(y), np.nan, 0.7 * x)])
    res2 = detect_rpeaks(y2, fs)
    assert np.all(np.isfinite(y2[0, res2.indices]))


def test_limit_in_samples_and_long_gaps_split_as_before():
    fs = 128.0  # 25 ms = 3.2 samples: runs of 3 are bridged, runs of 4 are not
    x, _ = _synth(fs=fs, seconds=60.0, seed=4)
    y = x.copy()
    y[1000:1003] = np.nan
    y[3000:3004] = np.nan
    y[5000:5400] = np.nan  # 3.1 s
    res, old = detect_rpeaks(y, fs), detect_rpeaks(y, fs, max_gap_ms=0)
    assert res.bridged.tolist() == [[1000, 1003]]
    assert res.gaps.tolist() == [[3000, 3004], [5000, 5400]]  # detection at 128 Hz: k = 1
    assert res.gaps.shape[0] == old.gaps.shape[0] - 1
    # only long gaps: identical to no bridging
    z = x.copy()
    z[5000:5400] = np.nan
    assert _same(detect_rpeaks(z, fs), detect_rpeaks(z, fs, max_gap_ms=0))
    assert detect_rpeaks(z, fs).bridged.shape == (0, 2)
    # a larger limit bridges the 4-sample run too
    assert detect_rpeaks(y, fs, max_gap_ms=40).bridged.tolist() == [[1000, 1003], [3000, 3004]]


def test_nan_at_the_edges_and_all_nan():
    fs = 360.0
    x, _ = _synth(fs=fs, seconds=20.0, seed=5)
    y = x.copy()
    y[:2] = np.nan
    y[-2:] = np.nan
    res = detect_rpeaks(y, fs)
    assert res.bridged.shape == (0, 2)  # no finite sample on one side: not bridged
    assert _same(res, detect_rpeaks(y, fs, max_gap_ms=0))
    for z in (np.full(5000, np.nan), np.full((2, 5000), np.nan), np.array([np.nan, 1.0, np.nan])):
        r = detect_rpeaks(z, fs)
        assert len(r) == 0 and r.bridged.shape == (0, 2)
    # a single finite sample between two short runs, at an edge-free spot, is fine
    w = x.copy()
    w[100] = w[102] = np.nan
    assert detect_rpeaks(w, fs).bridged.tolist() == [[100, 101], [102, 103]]


def test_bridge_is_linear_and_per_lead():
    x = np.array([[0.0, np.nan, np.nan, 3.0, 4.0], [1.0, 1.0, np.nan, 1.0, np.nan]])
    y, bridged, missing = _bridge_short_gaps(x, 2)
    assert np.array_equal(y[0], [0.0, 1.0, 2.0, 3.0, 4.0])
    assert np.array_equal(y[1, :4], [1.0, 1.0, 1.0, 1.0]) and np.isnan(y[1, 4])
    assert bridged.tolist() == [[1, 3]]
    assert missing.tolist() == [False, False, True, False, False]
    assert np.isnan(x[0, 1])  # the input is not modified
    assert _bridge_short_gaps(x, 0)[0] is None
    assert _bridge_short_gaps(np.ones((1, 5)), 3)[0] is None


def test_real_record_with_dropouts():
    from geoecg.datasets import sample_record_path
    from geoecg.io import read_record

    rec = read_record(sample_record_path("mitdb_119"))
    x = np.ascontiguousarray(rec.signal, dtype=np.float64)
    y = _short_gaps(x, rec.fs, seed=zlib.crc32(b"119"))
    for sig, ys in ((x[0], y[0]), (x, y)):
        a, b = detect_rpeaks(sig, rec.fs), detect_rpeaks(ys, rec.fs)
        m = match_beats(a.indices, b.indices, rec.fs, tolerance_ms=20.0)
        assert m.fn <= 1 and m.fp <= 1, m.as_dict()
        assert b.gaps.shape == (0, 2) and b.bridged.shape[0] > 50
        # without bridging every gap restarts the filters
        assert detect_rpeaks(ys, rec.fs, max_gap_ms=0).gaps.shape[0] > 50


def test_cohort_energy_reuse_pair_matches_detect_rpeaks():
    fs = 360.0
    x, _ = _synth(fs=fs, seconds=40.0, seed=6)
    y = _short_gaps(np.vstack([x, 0.6 * x]), fs, seed=7)
    y[1, 2000:2500] = np.nan  # and a long gap in lead 1
    res, saved = detect_with_lead_energy(y, fs, lead=1)
    assert _same(res, detect_rpeaks(y, fs)) and res.bridged.shape[0] > 5
    one = detect_from_lead_energy(y[1], saved, track=False)
    ref = detect_rpeaks(y[1], fs, track=False)
    assert _same(one, ref) and np.array_equal(one.bridged, ref.bridged)


@pytest.mark.parametrize(
    ("value", "err"), [(-1.0, ValueError), (np.nan, ValueError), ("25", TypeError)]
)
def test_bad_max_gap_ms_raises(value, err):
    with pytest.raises(err, match="max_gap_ms"):
        detect_rpeaks(np.zeros(1000), 360.0, max_gap_ms=value)


def test_transformer_passes_max_gap_ms():
    x, _ = _synth(seconds=20.0)
    y = _short_gaps(x, 360.0, seed=8)
    a = RPeakDetector(fs=360.0, max_gap_ms=0).fit([y]).transform([y])[0]
    b = RPeakDetector(fs=360.0).fit([y]).transform([y])[0]
    assert a.bridged.shape == (0, 2) and b.bridged.shape[0] > 0
