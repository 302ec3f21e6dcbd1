"""Beat-sequence tracking in noise (geoecg._kernels.rpeaks_track): NumPy twins and noisy ECG."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from geoecg._kernels.rpeaks_track import envelope_noise_weight, track_beats
from geoecg.evaluation import match_beats
from geoecg.features import detect_rpeaks

# ---------------------------------------------------------------- NumPy twins (slow, plain)


def track_beats_ref(positions, evidence, weight, refractory, max_gap, rr0, beta, dead):
    """Plain restatement of track_beats (module docstring of rpeaks_track)."""
    n = len(positions)
    score = [0.0] * n
    rr1 = [0.0] * n
    rr2 = [0.0] * n
    back = [-1] * n
    for j in range(n):
        # best older path (beyond max_gap), joined at no cost when its score is positive
        older = [i for i in range(j) if positions[j] - positions[i] > max_gap]
        base, arg, r1, r2 = 0.0, -1, rr0, rr0
        if older:
            i = max(older, key=lambda i: (score[i], -i))
            if score[i] > 0:
                base, arg = score[i], i
        for i in range(j):
            d = positions[j] - positions[i]
            if d > max_gap or d < refractory:
                continue
            c = min(abs(np.log(d / rr1[i])), abs(np.log(d / rr2[i]))) - dead
            s = score[i] - (beta * weight[j] * c if c > 0 else 0.0)
            if s > base:
                base, arg, r1, r2 = s, i, d, rr1[i]
        score[j] = base + evidence[j]
        back[j] = arg
        rr1[j], rr2[j] = r1, r2
    keep = np.zeros(n, dtype=bool)
    if n:
        j = int(np.argmax(score))
        while j >= 0:
            keep[j] = True
            j = back[j]
    return keep


def envelope_noise_weight_ref(m, beat_pos, beat_h, block, n_sub, chunk, lo, hi, erode):
    n = len(m)
    nb = n // block if n >= block else 1
    if len(beat_pos) == 0 or n == 0:
        return np.zeros(nb)
    glob = np.median(beat_h)
    w = np.zeros(nb)
    for b in range(nb):
        a = b * block
        e = n if b == nb - 1 else a + block
        k = min(n_sub, e - a)
        sub = m[a + (np.arange(k) * (e - a)) // k]
        c = ((a + e) // 2) // chunk
        inside = (beat_pos >= c * chunk) & (beat_pos < (c + 1) * chunk)
        ref = np.median(beat_h[inside]) if inside.any() else glob
        w[b] = np.clip((np.sqrt(np.median(sub)) / ref - lo) / (hi - lo), 0.0, 1.0)
    if erode > 0 and nb > 1:
        w = np.array([w[max(b - erode, 0) : b + erode + 1].min() for b in range(nb)])
    return w


@pytest.mark.parametrize("seed", range(6))
def test_track_beats_matches_twin(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    pos = np.cumsum(rng.integers(5, 60, n)).astype(np.int64)
    ev = rng.normal(0.3, 0.8, n)
    w = rng.uniform(0, 1, n) * (rng.uniform() < 0.8)
    args = (20, 150.0, float(rng.uniform(30, 80)), float(rng.uniform(0.5, 3)), 0.1)
    got = track_beats(pos, ev, w, *args)
    np.testing.assert_array_equal(got, track_beats_ref(pos, ev, w, *args))


def test_track_beats_regular_rhythm_drops_noise():
    # beats every 100 samples; noise peaks with small positive evidence in between
    beats = np.arange(100, 3000, 100)
    noise = np.arange(150, 3000, 300) + 7
    pos = np.sort(np.concatenate([beats, noise]))
    ev = np.where(np.isin(pos, beats), 1.0, 0.4)
    keep = track_beats(pos, ev, np.ones(pos.size), 20, 300.0, 100.0, 2.0, 0.1)
    np.testing.assert_array_equal(pos[keep], beats)
    # without noise weight nothing is rhythm-checked: every positive candidate stays
    keep0 = track_beats(pos, ev, np.zeros(pos.size), 20, 300.0, 100.0, 2.0, 0.1)
    assert keep0.all()


def test_track_beats_keeps_bigeminy_and_strong_ectopics():
    # alternating short-long RR (bigeminy) is regular for the two-interval reference
    rr = np.tile([70, 130], 20)
    pos = np.cumsum(rr)
    keep = track_beats(pos, np.full(pos.size, 0.5), np.ones(pos.size), 20, 400.0, 100.0, 2.0, 0.1)
    assert keep.all()


@pytest.mark.parametrize("seed", range(4))
def test_envelope_noise_weight_matches_twin(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 1500))  # small: the kernel-verification step runs it as Python
    m = rng.gamma(0.5, 1.0, n)
    nbeat = int(rng.integers(0, 40))
    pos = np.sort(rng.choice(n, min(nbeat, n), replace=False)).astype(np.int64)
    h = rng.uniform(0.5, 3.0, pos.size)
    for block, n_sub, chunk, erode in ((300, 15, 3000, 1), (97, 32, 500, 0), (1, 15, 7, 2)):
        got = envelope_noise_weight(m, pos, h, block, n_sub, chunk, 0.22, 0.37, erode)
        want = envelope_noise_weight_ref(m, pos, h, block, n_sub, chunk, 0.22, 0.37, erode)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _bits_equal(a, b):
    """Equal to the bit (NaN payloads aside: any NaN equals any NaN)."""
    a, b = np.float64(a), np.float64(b)
    return a.tobytes() == b.tobytes() or (np.isnan(a) and np.isnan(b))


def _values(rng, kind, n):
    if kind == "normal":
        return rng.standard_normal(n)
    if kind == "ties":
        return rng.integers(1, 4, n).astype(float)
    if kind == "zeros":
        return rng.choice([0.0, -0.0, 1.5, 1.5, -2.0], n)
    if kind == "nan":
        v = rng.standard_normal(n)
        v[rng.random(n) < 0.2] = np.nan
        return v
    return rng.choice([np.inf, -np.inf, 3.0, 3.0, -1.0], n)  # "inf"


KINDS = ["normal", "ties", "zeros", "nan", "inf"]


@pytest.mark.parametrize("kind", KINDS)
def test_median_by_ranks_is_the_insertion_sort_twin(kind):
    """The noise weight's block median by ranks (``_median_ranked``) is the number the
    stable insertion sort of ``_median_buf`` gives, to the bit: ties, +-0 in either order,
    NaN (left to ``_median_buf``), +-inf; every count from 0 to past the buffer."""
    from geoecg._kernels.rpeaks_decide import _median_buf
    from geoecg._kernels.rpeaks_track import _median_ranked

    rng = np.random.default_rng(KINDS.index(kind))
    # run as Python (NUMBA_DISABLE_JIT=1) the values are NumPy scalars: inf - inf warns there
    with np.errstate(invalid="ignore"):
        for size in (1, 2, 3, 8, 15, 16):
            for _ in range(12):
                buf = _values(rng, kind, size)
                for count in range(size + 2):
                    got = _median_ranked(buf, count, np.empty(size))
                    want = _median_buf(buf, count, np.empty(size))
                    assert _bits_equal(got, want), (buf, count, got, want)


@pytest.mark.parametrize("kind", KINDS)
def test_median_few_is_the_median_sorted_twin(kind):
    """The noise weight's chunk median (``_median_few``: by ranks up to 64 values without
    NaN or zero) is ``median_sorted``'s number to the bit, for 0 to 70 values."""
    from geoecg._kernels.rpeaks import median_sorted
    from geoecg._kernels.rpeaks_track import _median_few

    rng = np.random.default_rng(10 + KINDS.index(kind))
    with np.errstate(invalid="ignore"):  # inf - inf as NumPy scalars (JIT off)
        for n in range(71):
            x = _values(rng, kind, n)
            assert _bits_equal(_median_few(x), median_sorted(x)), (x, n)
            if kind in ("normal", "ties") and n:
                assert _median_few(x) == np.median(x)


@pytest.mark.parametrize("seed", range(3))
def test_envelope_noise_weight_is_the_twin_to_the_bit(seed):
    """With medians by ranks, ties in the envelope, zeros and chunks of more than 64 beats
    (the sorted fallback), the weights are the NumPy twin's to the bit (the medians are the
    same order statistics, 0.5 * (a + b) and (a + b) / 2 the same number)."""
    rng = np.random.default_rng(100 + seed)
    n = 1200
    m = np.round(rng.gamma(0.5, 1.0, n), 1)  # ties and zeros
    pos = np.sort(rng.choice(n, 150, replace=False)).astype(np.int64)
    h = np.round(rng.uniform(0.5, 3.0, pos.size), 1)  # tied heights
    for block, n_sub, chunk, erode in ((100, 15, 300, 1), (60, 16, 1200, 0), (37, 4, 90, 1)):
        got = envelope_noise_weight(m, pos, h, block, n_sub, chunk, 0.22, 0.37, erode)
        want = envelope_noise_weight_ref(m, pos, h, block, n_sub, chunk, 0.22, 0.37, erode)
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------ synthetic noisy ECG (Se / +P)


def _ecg(fs, duration_s, rng, hr=72.0):
    n = int(duration_s * fs)
    t = np.arange(n) / fs
    r = []
    tt = 0.4
    while tt < duration_s - 0.4:
        r.append(tt)
        tt += 60.0 / hr * (1 + 0.04 * rng.standard_normal())
    r = np.asarray(r)
    x = np.zeros(n)
    for c in r:
        for dt, a, w in ((-0.16, 0.12, 0.025), (-0.024, -0.12, 0.015), (0.0, 1.0, 0.015),
                         (0.024, -0.2, 0.015), (0.3, 0.3, 0.05)):  # fmt: skip
            x += a * np.exp(-0.5 * ((t - c - dt) / w) ** 2)
    return x, np.round(r * fs).astype(np.int64)


def _motion_noise(fs, n, rng, rms):
    """Electrode-motion-like noise: 1-25 Hz Gaussian noise with random spiky bursts."""
    sos = sps.butter(2, [1.0, min(25.0, 0.45 * fs)], btype="bandpass", fs=fs, output="sos")
    z = sps.sosfilt(sos, rng.standard_normal(n))
    env = sps.sosfilt(sps.butter(1, 0.5, fs=fs, output="sos"), np.abs(rng.standard_normal(n)))
    z *= env / env.std()
    return z * rms / z.std()


def _noisy_record(fs, rng, rms, duration_s=240.0):
    x, r = _ecg(fs, duration_s, rng)
    z = _motion_noise(fs, x.size, rng, rms)
    t = np.arange(x.size) / fs
    on = (t >= 30) & (((t - 30) % 60) < 30)  # noise in alternating 30 s blocks
    return x + z * on, r


def _f1(ref, det, fs):
    m = match_beats(ref, det, fs)
    return m.se, m.ppv, m.f1


@pytest.mark.parametrize("fs", [100.0, 250.0, 360.0, 1000.0])
def test_clean_ecg_unchanged_by_tracking(fs):
    rng = np.random.default_rng(int(fs))
    x, r = _ecg(fs, 120.0, rng)
    x = x + 0.01 * rng.standard_normal(x.size)
    a = detect_rpeaks(x, fs).indices
    b = detect_rpeaks(x, fs, track=False).indices
    np.testing.assert_array_equal(a, b)
    se, ppv, _ = _f1(r, a, fs)
    assert se == 100.0 and ppv == 100.0


@pytest.mark.parametrize("fs", [100.0, 360.0, 1000.0])
def test_tracking_rejects_noise_peaks(fs):
    rng = np.random.default_rng(7)
    x, r = _noisy_record(fs, rng, rms=0.18)
    se1, ppv1, f1_1 = _f1(r, detect_rpeaks(x, fs).indices, fs)
    se0, ppv0, f1_0 = _f1(r, detect_rpeaks(x, fs, track=False).indices, fs)
    # without tracking +P is ~70-80 % here; with it ~90 % at a small cost in Se
    assert f1_1 > f1_0 + 3.0, (f1_0, f1_1)
    assert ppv1 > max(ppv0 + 5.0, 85.0), (ppv0, ppv1)
    assert se1 >= 95.0, se1


def test_tracking_multilead_noise():
    fs = 360.0
    rng = np.random.default_rng(11)
    x, r = _noisy_record(fs, rng, rms=0.18)
    x2 = np.vstack([x, 0.7 * x + _motion_noise(fs, x.size, rng, 0.1)])
    se1, ppv1, f1_1 = _f1(r, detect_rpeaks(x2, fs).indices, fs)
    se0, ppv0, f1_0 = _f1(r, detect_rpeaks(x2, fs, track=False).indices, fs)
    assert f1_1 >= f1_0, (f1_0, f1_1)
    assert se1 >= 90.0 and ppv1 >= 80.0, (se1, ppv1)


def test_nstdb_0db_both_leads(nstdb_dir):
    """Issue 3's hardest target on the real 0 dB em record (118e00, both leads, 150 ms):
    F1 >= 88 %, and the tracker is what gets it there."""
    from geoecg.io import read_nstdb
    from geoecg.io.mitdb import BEAT_SYMBOLS

    rec = read_nstdb("118e00", nstdb_dir)
    ann = rec.annotations
    ref = ann.sample[np.isin(ann.symbol, list(BEAT_SYMBOLS))]
    tracked = match_beats(ref, detect_rpeaks(rec.signal, rec.fs).indices, rec.fs)
    plain = match_beats(ref, detect_rpeaks(rec.signal, rec.fs, track=False).indices, rec.fs)
    assert tracked.f1 >= 88.0, tracked.as_dict()
    assert tracked.f1 > plain.f1 + 3.0, (tracked.as_dict(), plain.as_dict())
