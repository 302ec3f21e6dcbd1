"""Each R-peak kernel against a slow, obviously-correct NumPy/Python twin."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from geoecg._kernels.rpeaks import (
    _cascade_inplace,
    _squared_slope_inplace,
    _two_section_slope,
    bandpass_energy,
    block_max_median,
    block_mean,
    combine_lead_energies,
    finite_runs,
    geometric_mean_leads,
    lead_energies,
    local_maxima,
    mask_runs,
)
from geoecg._kernels.rpeaks_decide import (
    decide_beats,
    finish_peaks,
    initial_levels,
    prune_split_beats,
    refine_peaks,
    refine_peaks_leads,
)

# ----------------------------------------------------------------------------- twins


def twin_bandpass_energy(x, sos, h):
    x = np.asarray(x, dtype=float)
    n = x.size
    if n == 0:
        return np.zeros(0)
    y = sps.sosfilt(sos, x - x[0])  # forward from rest
    y = sps.sosfilt(sos, y[::-1])[::-1]  # backward from rest
    if n < 2:
        return np.zeros(n)
    d = np.gradient(y)  # central differences inside, one-sided at the ends
    d2 = d**2
    out = np.empty(n)
    for i in range(n):
        lo, hi = max(i - h, 0), min(i + h, n - 1)
        out[i] = d2[lo : hi + 1].mean()
    return out


def twin_local_maxima(m, min_distance):
    m = np.asarray(m, dtype=float)
    n = m.size
    raw = []
    i = 1
    while i < n - 1:
        if m[i] > m[i - 1] and m[i] > 0:
            j = i
            while j < n - 1 and m[j + 1] == m[i]:
                j += 1
            if j < n - 1 and m[j + 1] < m[i]:
                raw.append(i)
            i = j + 1
        else:
            i += 1
    kept = []
    for p in raw:
        if kept and p - kept[-1] < min_distance:
            if m[p] > m[kept[-1]]:
                kept[-1] = p
        else:
            kept.append(p)
    return np.asarray(kept, dtype=np.int64)


def twin_block_max_median(m, block):
    n = len(m)
    if n == 0:
        return 0.0
    maxima = [m[a : a + block].max() for a in range(0, n, block)]
    if n % block and (n % block) < (block + 1) // 2 and n >= block:
        maxima = maxima[:-1]
    return float(np.median(maxima))


def twin_geometric_mean(energy, valid, floor):
    out = np.zeros(energy.shape[1])
    for i in range(energy.shape[1]):
        v = energy[valid[:, i], i]
        if v.size:
            out[i] = np.exp(np.mean(np.log(np.maximum(v, floor))))
    return out


def twin_refine(x, peaks, radius, base_radius):
    out = []
    n = len(x)
    for p in peaks:
        base = x[max(p - base_radius, 0) : min(p + base_radius + 1, n)]
        base = base[np.isfinite(base)]
        if base.size == 0:
            out.append(-1)
            continue
        lo = max(p - radius, 0)
        dev = np.abs(x[lo : min(p + radius + 1, n)] - base.mean())
        if np.all(np.isnan(dev)):
            out.append(-1)
        else:
            out.append(lo + int(np.nanargmax(dev)))
    return np.asarray(out, dtype=np.int64)


def _thr(spk, npk, frac, frac_noisy, lo, hi):
    f = frac
    if spk > 0 and hi > lo:
        w = min((npk / spk - lo) / (hi - lo), 1.0)
        if w > 0:
            f = frac + w * (frac_noisy - frac)
    return npk + f * (spk - npk)


def twin_decide(h, pos, n, refr, twave, tw_frac, sb, sb_frac, frac, rr0, spk, npk, fnz, lo, hi):
    """Plain-Python restatement of the decision rules (module docstring of rpeaks_decide)."""
    beats, thr_of = [], {}
    spks, npks, rrs = [], [], []

    def med(v):
        return float(np.median(v[-8:])) if v else 0.0

    for c in range(len(pos) + 1):
        t = pos[c] if c < len(pos) else n
        while True:
            rr_med = med(rrs) if rrs else rr0
            start = pos[beats[-1]] if beats else 0
            if t - start <= sb * rr_med:
                break
            thr = _thr(spk, npk, frac, fnz, lo, hi)
            first = beats[-1] + 1 if beats else 0
            options = []
            for j in range(first, c):
                if beats:
                    dt = pos[j] - pos[beats[-1]]
                    if dt < refr or (dt < twave and h[j] < tw_frac * h[beats[-1]]):
                        continue
                options.append(j)
            best = max(options, key=lambda j: (h[j], -j)) if options else -1
            if best < 0 or not h[best] > 0 or h[best] <= sb_frac * thr:
                break
            if beats:
                rrs.append(pos[best] - pos[beats[-1]])
            beats.append(best)
            thr_of[best] = thr
            spks.append(h[best])
            spk = med(spks)
        if c == len(pos):
            break
        thr = _thr(spk, npk, frac, fnz, lo, hi)
        ok = h[c] > thr
        if ok and beats:
            dt = t - pos[beats[-1]]
            if dt < refr or (dt < twave and h[c] < tw_frac * h[beats[-1]]):
                ok = False
        if ok:
            if beats:
                rrs.append(t - pos[beats[-1]])
            beats.append(c)
            thr_of[c] = thr
            spks.append(h[c])
            spk = med(spks)
        else:
            npks.append(h[c])
            npk = med(npks)
    return np.asarray(beats, dtype=np.int64), np.asarray([thr_of[b] for b in beats])


def twin_prune(pos, h, rr0, rr_frac, h_frac):
    n = len(pos)
    keep = np.ones(n, dtype=bool)
    if n < 3:
        return keep
    rrs, hs, prev = [], [h[0]], 0
    for k in range(1, n):
        rr_ref = float(np.median(rrs[-8:])) if rrs else rr0
        h_ref = float(np.median(hs[-8:]))
        if k < n - 1 and pos[k + 1] - pos[prev] < rr_frac * rr_ref and h[k] < h_frac * h_ref:
            keep[k] = False
            continue
        rrs.append(pos[k] - pos[prev])
        hs.append(h[k])
        prev = k
    return keep


# ----------------------------------------------------------------------------- inputs


def _signals():
    rng = np.random.default_rng(7)
    t = np.arange(3000) / 250.0
    ecg_like = np.sin(2 * np.pi * 1.2 * t) ** 15 + 0.05 * rng.standard_normal(t.size)
    adc = np.round(ecg_like * 20)  # integer-valued with many ties
    return {
        "empty": np.zeros(0),
        "one": np.array([3.0]),
        "two": np.array([1.0, 2.0]),
        "constant": np.full(500, 2.5),
        "random": rng.standard_normal(2000),
        "ecg_like": ecg_like,
        "adc_ties": adc,
        "strided": np.repeat(ecg_like, 2)[::2],
    }


SIGNALS = _signals()


def _readonly(a):
    b = np.array(a)
    b.setflags(write=False)
    return b


# ----------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("h", [0, 3, 15])
def test_bandpass_energy_matches_twin(name, h):
    sos = sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos")
    x = _readonly(SIGNALS[name])
    got = bandpass_energy(np.ascontiguousarray(x, dtype=np.float64), sos, h)
    want = twin_bandpass_energy(x, sos, h)
    scale = max(np.abs(want).max(initial=0.0), 1e-300)
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9 * scale)


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("dist", [1, 5, 60])
def test_local_maxima_matches_twin(name, dist):
    m = np.abs(SIGNALS[name])
    np.testing.assert_array_equal(
        local_maxima(np.ascontiguousarray(m, dtype=float), dist), twin_local_maxima(m, dist)
    )


def test_local_maxima_plateau_and_edges():
    m = np.array([5.0, 1, 3, 3, 3, 1, 0, 2, 2, 4])
    # the plateau counts once at its first sample; edges never count
    np.testing.assert_array_equal(local_maxima(m, 1), [2])


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_block_mean_matches_twin(name, k):
    x = SIGNALS[name]
    nb = x.size // k
    want = x[: nb * k].reshape(nb, k).mean(axis=1) if nb else np.zeros(0)
    np.testing.assert_allclose(block_mean(np.ascontiguousarray(x, dtype=float), k), want)


def test_block_mean_nan_propagates():
    x = np.arange(12.0)
    x[4] = np.nan
    got = block_mean(x, 3)
    assert np.isnan(got[1]) and np.all(np.isfinite(got[[0, 2, 3]]))


@pytest.mark.parametrize("name", ["empty", "one", "constant", "random", "adc_ties"])
@pytest.mark.parametrize("block", [1, 7, 250])
def test_block_max_median_matches_twin(name, block):
    m = np.abs(SIGNALS[name])
    assert block_max_median(np.ascontiguousarray(m, dtype=float), block) == pytest.approx(
        twin_block_max_median(m, block)
    )


@pytest.mark.parametrize("seed", range(3))
def test_geometric_mean_matches_twin(seed):
    rng = np.random.default_rng(seed)
    e = rng.exponential(size=(3, 400))
    e[1, :50] = 0.0  # silent stretch: floored
    valid = rng.random((3, 400)) > 0.2
    valid[:, :10] = False  # no lead: 0
    np.testing.assert_allclose(
        geometric_mean_leads(e, valid, 1e-6), twin_geometric_mean(e, valid, 1e-6), rtol=1e-12
    )


@pytest.mark.parametrize("name", ["ecg_like", "random", "adc_ties", "constant"])
def test_refine_matches_twin(name):
    x = np.array(SIGNALS[name], dtype=float)
    x[100:140] = np.nan  # a gap around some peaks
    peaks = np.array([0, 5, 110, 120, 137, 400, x.size - 1], dtype=np.int64)
    for radius, base in ((3, 10), (20, 50)):
        np.testing.assert_array_equal(
            refine_peaks(x, peaks, radius, base), twin_refine(x, peaks, radius, base)
        )


@pytest.mark.parametrize("seed", range(3))
def test_refine_first_of_ties_every_window_length(seed):
    """Refinement picks the first sample of the largest deviation, as the twin's
    ``nanargmax``: coarse ADC steps (many ties), NaN, every peak position (windows clipped
    at both edges, odd and even lengths, radius 0)."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal(300) * 2) / 4
    x[rng.random(300) < 0.1] = np.nan
    peaks = np.arange(300, dtype=np.int64)
    for radius, base in ((0, 3), (1, 2), (2, 5), (3, 3), (4, 9)):
        np.testing.assert_array_equal(
            refine_peaks(x, peaks, radius, base), twin_refine(x, peaks, radius, base)
        )


def test_refine_all_nan_window_is_minus_one():
    x = np.full(50, np.nan)
    assert refine_peaks(x, np.array([25], dtype=np.int64), 5, 10)[0] == -1


def _candidates(seed, n_beats=80):
    """Candidate heights/positions of a beat train with T waves, noise and pauses."""
    rng = np.random.default_rng(seed)
    pos, h = [], []
    t = 50
    for _ in range(n_beats):
        t += int(rng.choice([60, 75, 90, 200]) * (1 + 0.1 * rng.standard_normal()))
        pos.append(t)
        h.append(rng.uniform(0.6, 1.4) * (0.3 if rng.random() < 0.1 else 1.0))
        pos.append(t + 30)  # T wave
        h.append(rng.uniform(0.1, 0.5))
        if rng.random() < 0.3:
            pos.append(t + 50)  # noise
            h.append(rng.uniform(0.0, 0.8))
    order = np.argsort(pos, kind="stable")
    return np.asarray(h, float)[order], np.asarray(pos, np.int64)[order], t + 100


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fnz", [0.4, 0.7])
def test_decide_matches_twin(seed, fnz):
    h, pos, n = _candidates(seed)
    spk, npk = initial_levels(h, pos, 500, 3)
    args = (h, pos, n, 25, 45, 0.5, 1.66, 0.5, 0.4, 100.0, spk, npk, fnz, 0.4, 0.7)
    got_idx, got_thr = decide_beats(*args)
    want_idx, want_thr = twin_decide(*args)
    np.testing.assert_array_equal(got_idx, want_idx)
    np.testing.assert_allclose(got_thr, want_thr)


def test_decide_empty_and_single():
    idx, thr = decide_beats(
        np.zeros(0), np.zeros(0, np.int64), 100, 25, 45, 0.5, 1.66, 0.5, 0.4, 100.0, 0.0, 0.0,
        0.7, 0.4, 0.7,
    )  # fmt: skip
    assert idx.size == 0 and thr.size == 0
    idx, _ = decide_beats(
        np.array([1.0]), np.array([10]), 100, 25, 45, 0.5, 1.66, 0.5, 0.4, 100.0, 1.0, 0.0,
        0.7, 0.4, 0.7,
    )  # fmt: skip
    np.testing.assert_array_equal(idx, [0])


def test_initial_levels_known_values():
    h = np.array([0.1, 1.0, 0.2, 0.9, 0.15, 1.1, 0.3, 0.95, 5.0])
    pos = np.arange(9, dtype=np.int64) * 10
    spk, npk = initial_levels(h, pos, 1000, 3)
    # sorted from the top: 5.0, 1.1, 1.0, 0.95 -> rank 3 is 0.95; under half of it:
    # 0.1, 0.2, 0.15, 0.3 -> median 0.175
    assert spk == pytest.approx(0.95) and npk == pytest.approx(0.175)
    assert initial_levels(np.zeros(0), np.zeros(0, np.int64), 10, 3) == (0.0, 0.0)


@pytest.mark.parametrize("seed", range(6))
def test_prune_matches_twin(seed):
    rng = np.random.default_rng(seed)
    pos = np.cumsum(rng.choice([100, 100, 100, 50, 150], size=60)).astype(np.int64)
    h = rng.uniform(0.2, 1.2, size=60)
    for rr_frac, h_frac in ((1.1, 0.6), (1.3, 0.9)):
        np.testing.assert_array_equal(
            prune_split_beats(pos, h, 100.0, rr_frac, h_frac),
            twin_prune(pos, h, 100.0, rr_frac, h_frac),
        )


def test_prune_drops_weak_splitter_keeps_premature():
    pos = np.array([0, 100, 200, 250, 300, 400, 470, 600, 700], dtype=np.int64)
    h = np.array([1, 1, 1, 0.3, 1, 1, 1.5, 1, 1.0])
    keep = prune_split_beats(pos, h, 100.0, 1.1, 0.6)
    # 250 is weak and splits 200-300; 470 is premature but strong
    np.testing.assert_array_equal(np.flatnonzero(~keep), [3])


@pytest.mark.parametrize("order", [1, 3])
def test_bandpass_energy_generic_cascade_matches_twin(order):
    # 1 or 3 sections take the generic loop (2 sections take the unrolled one)
    sos = sps.butter(order, [3, 20], btype="bandpass", fs=125, output="sos")
    x = SIGNALS["ecg_like"]
    want = twin_bandpass_energy(x, sos, 5)
    np.testing.assert_allclose(bandpass_energy(x, sos, 5), want, atol=1e-9 * want.max())


def test_geometric_mean_extreme_values_take_the_log_path():
    e = np.array([[1e-150, 2.0], [1e-150, 8.0], [1e-150, 0.5]])
    valid = np.ones_like(e, dtype=bool)
    np.testing.assert_allclose(
        geometric_mean_leads(e, valid, 1e-300), twin_geometric_mean(e, valid, 1e-300)
    )


def twin_runs(mask, min_len):
    d = np.diff(np.concatenate(([0], np.asarray(mask, dtype=np.int8), [0])))
    runs = np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1)
    return runs[runs[:, 1] - runs[:, 0] >= min_len].reshape(-1, 2).astype(np.int64)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("min_len", [0, 1, 3, 50])
def test_finite_and_mask_runs_match_twin(seed, min_len):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(300)
    x[rng.random(300) < 0.1 * seed] = np.nan
    x[40:47] = np.inf if seed % 2 else -np.inf
    for arr in (x, x[:0], x[:1], np.full(5, np.nan), np.ones(4)):
        want = twin_runs(np.isfinite(arr), min_len)
        np.testing.assert_array_equal(finite_runs(np.ascontiguousarray(arr), min_len), want)
        np.testing.assert_array_equal(mask_runs(np.isfinite(arr), min_len), want)


@pytest.mark.parametrize("name", ["two", "random", "ecg_like", "adc_ties", "constant"])
def test_two_section_fused_path_is_close_to_the_generic_cascade(name):
    """The fused two-section pass (filter + slope in the backward pass, sections in
    state-space form with fused multiply-adds since session 11) is the generic cascade's
    filter with another rounding: within 1e-12 of the largest value (its bit-exact twin is
    in ``tests/test_rpeaks_speed_paths.py``)."""
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    x = np.ascontiguousarray(SIGNALS[name], dtype=float)
    generic = x - x[0]
    _cascade_inplace(generic, sos, False)
    _cascade_inplace(generic, sos, True)
    _squared_slope_inplace(generic)
    fused = np.empty_like(x)
    _two_section_slope(x, sos, fused)
    scale = max(np.abs(generic).max(initial=0.0), 1e-300)
    np.testing.assert_allclose(fused, generic, rtol=0, atol=1e-12 * scale)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_block_mean_unrolled_sums_left_to_right(k):
    """k = 2, 3 are unrolled: the same left-to-right sum as the generic loop, to the bit."""
    x = np.random.default_rng(k).standard_normal(999) * 1e3
    nb = x.size // k
    want = np.empty(nb)
    for b in range(nb):
        acc = 0.0
        for v in x[b * k : (b + 1) * k]:
            acc += v
        want[b] = acc * (1.0 / k)
    np.testing.assert_array_equal(block_mean(x, k), want)


# ------------------------------------------------- one-call (all leads) kernels vs lead by lead


def twin_lead_energies(x, k, sos, h, min_len):
    """Lead by lead, as detect_rpeaks did before the one-call kernel."""
    nd = x.shape[1] // k
    energy, used = np.zeros((x.shape[0], nd)), np.zeros((x.shape[0], nd), dtype=bool)
    runs = np.zeros((0, 2), dtype=np.int64)
    for lead, row in enumerate(x):
        xd = block_mean(np.ascontiguousarray(row), k) if k > 1 else row
        runs = finite_runs(np.ascontiguousarray(xd), min_len)
        for a, b in runs:
            energy[lead, a:b] = bandpass_energy(np.ascontiguousarray(xd[a:b]), sos, h)
            used[lead, a:b] = True
    return energy, used, runs, bool(np.isinf(x).any())


def _leads(seed, n_leads=3, n=3001):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 250.0
    x = np.stack([np.sin(2 * np.pi * 1.2 * t + i) ** 31 for i in range(n_leads)])
    x = x + 0.05 * rng.standard_normal(x.shape)
    if seed % 3 == 1:
        x[0, 500:700] = np.nan  # a gap in one lead
        x[-1, rng.random(n) < 0.01] = np.nan
    if seed % 3 == 2:
        x[1] = 0.7  # flat lead
        x[-1, 2000:] = np.nan
    return x


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_lead_energies_matches_lead_by_lead_twin(seed, k):
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=250 / k, output="sos"))
    x = _leads(seed)
    got = lead_energies(x, k, sos, 7, 20)
    want = twin_lead_energies(x, k, sos, 7, 20)
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)  # the same operations: equal to the bit
    assert got[3] is want[3] is False


@pytest.mark.parametrize("where", [0, 1, 1500, 2999, 3000])
def test_lead_energies_kernel_reports_infinite_samples(where):
    x = _leads(0, n=3001)
    x[1, where] = np.inf if where % 2 else -np.inf
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    assert lead_energies(x, 2, sos, 7, 20)[3] is True  # 3000: in the dropped tail
    x[1, where] = np.nan
    assert lead_energies(x, 2, sos, 7, 20)[3] is False


@pytest.mark.parametrize("seed", range(6))
def test_combine_lead_energies_matches_python_twin(seed):
    sos = np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=125, output="sos"))
    energy, used, _, _ = lead_energies(_leads(seed, n_leads=4), 2, sos, 7, 20)
    e, u = energy.copy(), used.copy()
    for lead in range(e.shape[0]):
        scale = block_max_median(e[lead], 250)
        if scale > 0:
            e[lead] /= scale
        else:
            u[lead] = False
    want = geometric_mean_leads(e, u, 1e-6), mask_runs(u.any(axis=0), 20)
    got = combine_lead_energies(energy, used, 250, 1e-6, 20)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    np.testing.assert_array_equal(energy, e)  # scaled in place
    np.testing.assert_array_equal(used, u)


def twin_finish(x, lead, peaks, conf, radius, base, refr):
    """refine per lead, sort/unique, on-data filter, refractory rule (np.delete loop)."""
    if radius > 0 and peaks.size:
        refined = np.full(peaks.shape, -1, dtype=np.int64)
        for ld in range(x.shape[0]):
            sel = lead == ld
            if sel.any():
                refined[sel] = twin_refine(x[ld], peaks[sel], radius, base)
        keep = refined >= 0
        peaks, conf = refined[keep], conf[keep]
        if peaks.size > 1 and np.any(np.diff(peaks) <= 0):
            order = np.argsort(peaks, kind="stable")
            peaks, conf = peaks[order], conf[order]
            first = np.concatenate(([True], np.diff(peaks) > 0))
            peaks, conf = peaks[first], conf[first]
    on = np.isfinite(x[:, peaks]).any(axis=0)
    peaks, conf = peaks[on], conf[on]
    while peaks.size > 1:
        close = np.flatnonzero(np.diff(peaks) < refr)
        if close.size == 0:
            break
        i = close[0]
        drop = i if conf[i] < conf[i + 1] else i + 1
        peaks, conf = np.delete(peaks, drop), np.delete(conf, drop)
    return peaks, conf


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("radius", [0, 4, 12])
def test_finish_peaks_matches_twin(seed, radius):
    rng = np.random.default_rng(seed)
    x = _leads(seed, n_leads=3, n=2000)
    x[:, 900:960] = np.nan  # a gap in every lead: beats there are dropped
    peaks = np.sort(rng.choice(np.arange(0, 2000), size=60, replace=False)).astype(np.int64)
    conf = np.round(rng.random(60), 1)  # ties on purpose
    lead = rng.integers(0, 3, 60).astype(np.int64)
    got = finish_peaks(x, lead, peaks, conf, radius, 2 * radius, 15.5)
    want = twin_finish(x, lead, peaks, conf, radius, 2 * radius, 15.5)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    assert got[0].dtype == np.int64 and np.all(np.diff(got[0]) >= 15.5)


def test_refine_peaks_leads_matches_per_lead_twin():
    x = _leads(4, n_leads=3, n=2000)
    peaks = np.arange(20, 2000, 97, dtype=np.int64)
    lead = (np.arange(peaks.size) % 3).astype(np.int64)
    got = refine_peaks_leads(x, lead, peaks, 9, 30)
    for ld in range(3):
        np.testing.assert_array_equal(
            got[lead == ld], refine_peaks(x[ld], peaks[lead == ld], 9, 30)
        )


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 8, 100, 101])
def test_median_sorted_is_numbas_median(n):
    """The sort-based median the detector kernels use is numba's np.median to the bit on
    finite input (ties, odd and even lengths; which zero of +-0 is returned is not promised,
    the detector's inputs are energies and heights); NaN for empty input or a NaN."""
    from numba import njit

    from geoecg._kernels.rpeaks import median_sorted

    numba_median = njit(lambda x: np.median(x))
    rng = np.random.default_rng(n)
    for x in (
        rng.standard_normal(n),
        rng.integers(0, 3, n).astype(float),
        rng.lognormal(0, 3, n),
    ):
        got, want = median_sorted(x), numba_median(x.copy())
        assert got == want
        assert got == np.median(x)
    y = rng.standard_normal(n)
    y[rng.integers(0, n)] = np.nan
    assert np.isnan(median_sorted(y))
    assert np.isnan(median_sorted(np.empty(0)))
