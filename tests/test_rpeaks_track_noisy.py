"""The tracking of noisy stretches in two kernels around NumPy's logarithm
(``geoecg._kernels.rpeaks_track.track_candidates`` / ``track_runs``, session 24) gives the
numbers of the NumPy steps it replaced (``tests/rpeak_track_twin.py``, the library's code
until session 23) to the bit: random stretches with and without noise,
several stretches, thresholds of zero, NaN and below the guard, even and odd beat counts,
and the detector's own hand-back on a noisy synthetic record and (with ``GEOECG_DATA``)
MIT-BIH 208 and NSTDB 118e00."""

from __future__ import annotations

import numpy as np
import pytest
from rpeak_track_twin import twin_track_noisy

from geoecg._kernels import rpeaks_stages as S
from geoecg._kernels.rpeaks_track import _median_diff, track_candidates
from geoecg.features import rpeaks as R
from geoecg.features._rpeaks_run import _plan_of, _track_noisy


def _same(a, b):
    assert len(a) == len(b) == 3
    for u, v in zip(a, b, strict=True):
        assert u.dtype == v.dtype, (u.dtype, v.dtype)
        assert u.shape == v.shape
        assert u.tobytes() == v.tobytes()


def _random_stretches(rng, n_runs, special):
    """Random hand-back arrays of ``n_runs`` stretches: increasing candidate positions,
    heights, beats (>= 3 per stretch, some stretches with an even count), thresholds
    (with zeros, NaN and tiny values when ``special``), weights, noisy flags."""
    cand, h, idx, thr, thr_c, w, coff, boff = [], [], [], [], [], [], [0], [0]
    noisy = rng.random(n_runs) < 0.7
    noisy[rng.integers(n_runs)] = True
    for _ in range(n_runs):
        nc = int(rng.integers(6, 120))
        pos = np.cumsum(rng.integers(3, 90, nc))
        hc = rng.gamma(2.0, 1.0, nc)
        nb = int(rng.integers(3, max(nc // 2, 4)))
        bi = np.sort(rng.choice(nc, size=nb, replace=False))
        tb = rng.gamma(2.0, 0.5, nb)
        tc = np.r_[
            np.full(bi[0], tb[0]), tb[np.searchsorted(bi, np.arange(bi[0], nc), "right") - 1]
        ]
        tc[bi] = tb
        if special:
            k = rng.choice(nc, size=min(4, nc), replace=False)
            tc[k[0]] = 0.0
            tc[k[1 % k.size]] = 1e-310
            tc[k[2 % k.size]] = np.nan
            tc[k[3 % k.size]] = R._TINY
            hc[rng.integers(nc)] = 2.0 * R._TINY
        cand.append(pos)
        h.append(hc)
        idx.append(bi)
        thr.append(tb)
        thr_c.append(tc)
        w.append(rng.random(nc) * (rng.random(nc) < 0.8))
        coff.append(coff[-1] + nc)
        boff.append(boff[-1] + nb)
    cat = np.concatenate
    return (
        cat(cand).astype(np.int64), cat(h), np.array(coff, np.int64), cat(idx).astype(np.int64),
        cat(thr), np.array(boff, np.int64), cat(thr_c), cat(w), noisy,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("special", [False, True])
def test_track_noisy_kernels_match_numpy_twin(seed, special):
    rng = np.random.default_rng(seed)
    plan = _plan_of(360.0, {})
    args = _random_stretches(rng, int(rng.integers(1, 5)), special)
    with np.errstate(all="ignore"):
        want = twin_track_noisy(*args, plan)
    _same(_track_noisy(*args, plan), want)


def test_track_candidates_kernel_selects_and_guards_like_numpy():
    # one noisy stretch, one that is not: its candidates are not weighed
    cand = np.array([10, 40, 70, 100, 130, 5, 9, 13, 17], np.int64)
    h = np.array([1.0, 0.2, 3.0, 0.7, 2.0, 1.0, 1.0, 1.0, 1.0])
    thr_c = np.array([1.0, 1.0, 0.0, 1.0, np.nan, 1.0, 1.0, 1.0, 1.0])
    coff = np.array([0, 5, 9], np.int64)
    idx = np.array([0, 2, 4, 0, 1, 2], np.int64)
    boff = np.array([0, 3, 6], np.int64)
    noisy = np.array([True, False])
    sel, ratio, sel_beat, soff = track_candidates(
        cand, h, coff, idx, boff, thr_c, noisy, R._TRACK_MIN_FRAC, R._TINY
    )
    assert sel.tolist() == [0, 2, 3, 4]  # 0.2 <= 0.5 * 1.0 is left out; NaN threshold: a beat
    assert sel_beat.tolist() == [True, True, False, True]
    assert soff.tolist() == [0, 4, 4]
    assert ratio[1] == 3.0 / R._TINY and np.isnan(ratio[3])
    assert ratio[0] == 1.0 and ratio[2] == 0.7


@pytest.mark.parametrize("n_beats", [3, 4, 5, 8, 9])
def test_median_diff_is_numpy_median_of_intervals(n_beats):
    rng = np.random.default_rng(n_beats)
    cand = np.cumsum(rng.integers(50, 400, 3 * n_beats)).astype(np.int64)
    idx = np.sort(rng.choice(cand.size, n_beats, replace=False)).astype(np.int64)
    got = _median_diff(cand, idx, 0, n_beats)
    assert got == float(np.median(np.diff(cand[idx])))
    # a stretch further on: the offsets into idx
    both = np.r_[idx, idx].astype(np.int64)
    assert _median_diff(cand, both, n_beats, 2 * n_beats) == got


@pytest.mark.parametrize("n_beats", [0, 1])
def test_median_diff_of_fewer_than_two_beats_is_nan(n_beats):
    """No interval: NaN, as ``np.median`` of an empty array (session 24 review: the kernel
    read outside its buffer for 1 beat and raised for 0; the detector never asks)."""
    cand = np.array([100, 400, 700], dtype=np.int64)
    idx = np.arange(3, dtype=np.int64)
    assert np.isnan(_median_diff(cand, idx, 1, 1 + n_beats))


def _noisy_record(fs=360.0, seconds=90.0, seed=5):
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    t = np.arange(n) / fs
    x = 0.25 * rng.standard_normal(n)
    for c in np.arange(0.4, seconds, 0.8):
        x += np.exp(-0.5 * ((t - c) / 0.012) ** 2)
    return x


def _hand_back(x, fs):
    plan = _plan_of(fs, {})
    x2 = np.ascontiguousarray(x, dtype=np.float64).reshape(-1, x.shape[-1])
    st = S.record_energy(
        x2, plan.k, plan.sos, plan.half, plan.min_len,
        max(int(R._LEAD_BLOCK_S * plan.fs_d), 1), R._LEAD_FLOOR, -1,
    )  # fmt: skip
    e, used, m, runs = st[:4]
    out = S.run_beats(m, x2, e, used, runs, plan.ints, plan.floats, True)
    return out, runs, plan


def test_track_noisy_matches_twin_on_detector_hand_back():
    x = _noisy_record()
    x[int(30 * 360) : int(34 * 360)] = np.nan  # two stretches
    out, runs, plan = _hand_back(x, 360.0)
    assert out[0] == S.NOISY, "the synthetic record must reach the noisy path"
    args = S.unpack(out[3], out[4], runs.shape[0])
    _same(_track_noisy(*args, plan), twin_track_noisy(*args, plan))


@pytest.mark.parametrize("name", ["mitdb/208", "nstdb/118e00"])
def test_track_noisy_same_as_before_on_noisy_shared_records(name, data_root):
    """The shared data through the ``data_root`` fixture (GEOECG_DATA or ../shared/data;
    skips without it, fails under CI=true)."""
    if not (data_root / f"{name}.hea").exists():
        pytest.fail(f"the shared data folder {data_root} lacks {name}")
    from geoecg.io import read_record

    rec = read_record(str(data_root / name))
    for lead in (0, 1):
        out, runs, plan = _hand_back(np.asarray(rec.signal[lead], np.float64), float(rec.fs))
        assert out[0] == S.NOISY
        args = S.unpack(out[3], out[4], runs.shape[0])
        _same(_track_noisy(*args, plan), twin_track_noisy(*args, plan))
