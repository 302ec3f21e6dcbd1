"""Each R-peak decision kernel (stages 4-8: refinement, beat decision, pruning, finishing)
against a slow, obviously-correct NumPy/Python twin (moved from
``tests/test_rpeaks_kernels.py``, the stage-1 kernels' tests)."""

from __future__ import annotations

import numpy as np
import pytest
from rpeak_inputs import kernel_leads as _leads
from rpeak_inputs import kernel_signals as _signals

from geoecg._kernels.rpeaks_decide import (
    decide_beats,
    finish_peaks,
    initial_levels,
    prune_split_beats,
    refine_peaks,
    refine_peaks_leads,
)

# ------------------------------------------------------------------------ twins


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


# ------------------------------------- inputs (tests/rpeak_inputs.py)


SIGNALS = _signals()


# ------------------------------------------------------------------------ tests


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
