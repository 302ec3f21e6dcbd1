"""The one-call stage kernels of the R-peak detector (geoecg._kernels.rpeaks_stages) give the
numbers of the kernels called one by one, stretch by stretch, to the bit, with and without
NaN gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import config as numba_config
from rpeak_track_twin import twin_track_select

from geoecg._kernels import rpeaks_stages as S
from geoecg._kernels.rpeaks import local_maxima, mask_runs
from geoecg._kernels.rpeaks_combine import combine_lead_energies
from geoecg._kernels.rpeaks_decide import (
    decide_beats,
    finish_peaks,
    initial_levels,
    prune_split_beats,
)
from geoecg._kernels.rpeaks_fused import lead_energies_fused, track_inputs
from geoecg.features import rpeaks as R
from geoecg.features._rpeaks_run import _plan_of


def twin_beats_in_run(m, plan):
    """Stages 4-7 on one stretch, kernel by kernel with the NumPy glue of the stage
    functions ``geoecg.features.rpeaks`` had until session 9; (positions, confidence) or
    None without candidates."""
    fs_d = plan.fs_d
    cand = local_maxima(m=m, min_distance=plan.refr)
    if cand.size == 0:
        return None
    h = np.sqrt(m[cand])
    spk0, npk0 = initial_levels(
        heights=h, positions=cand, init=int(R._INIT_S * fs_d), init_rank=R._INIT_RANK
    )
    idx, thr = decide_beats(
        heights=h, positions=cand, n=m.shape[0], refractory=plan.refr,
        twave=int(R._TWAVE_S * fs_d), twave_frac=R._TWAVE_FRAC, searchback=R._SEARCHBACK_RR,
        sb_frac=R._SEARCHBACK_FRAC, frac=plan.threshold, rr0=R._RR0_S * fs_d, spk0=spk0,
        npk0=npk0, frac_noisy=R._FRAC_NOISY, ratio_lo=R._RATIO_LO, ratio_hi=R._RATIO_HI,
    )  # fmt: skip
    if plan.track and idx.size > 2:
        thr_c, is_beat, w, noisy = track_inputs(
            m=m, heights=h, cand=cand, idx=idx, thr=thr,
            block=max(int(R._NOISE_BLOCK_S * fs_d), 1), n_sub=R._NOISE_SUBSAMPLE,
            chunk=int(R._NOISE_CHUNK_S * fs_d), lo=R._NOISE_LO, hi=R._NOISE_HI,
            erode=R._NOISE_ERODE,
        )  # fmt: skip
        if noisy:
            idx, thr = twin_track_select(cand, h, idx, thr_c, is_beat, w, plan)
    pos, hb = cand[idx], h[idx]
    if plan.prune:
        keep = prune_split_beats(
            positions=pos, heights=hb, rr0=R._RR0_S * fs_d, rr_frac=plan.prune_rr,
            h_frac=plan.prune_h,
        )  # fmt: skip
        pos, hb, thr = pos[keep], hb[keep], thr[keep]
    return pos, hb / (hb + thr)


def twin_detect(x2, plan):
    """The detector kernel by kernel, one stretch at a time (the path of the stage
    functions the one-call kernels replace), then one refinement of all beats."""
    energy, used, runs, _ = lead_energies_fused(
        x=x2, k=plan.k, sos=plan.sos, half_width=plan.half, min_len=plan.min_len
    )
    combined = energy[0]
    if x2.shape[0] > 1:
        combined, runs = combine_lead_energies(
            energy=energy, used=used, block=max(int(R._LEAD_BLOCK_S * plan.fs_d), 1),
            floor=R._LEAD_FLOOR, min_len=plan.min_len,
        )  # fmt: skip
    runs = runs.tolist()
    beats, conf = [], []
    for a, b in runs:
        found = twin_beats_in_run(combined[a:b], plan)
        if found is not None:
            beats.append(found[0] + a)
            conf.append(found[1])
    gaps = R._gaps_full_rate(runs, x2.shape[1] // plan.k, plan.k, x2.shape[1])
    if not beats:
        return np.zeros(0, np.int64), np.zeros(0), gaps
    pos, conf = np.concatenate(beats), np.concatenate(conf)
    if x2.shape[0] == 1 or plan.radius == 0:
        lead = np.zeros(pos.shape[0], dtype=np.int64)
    else:
        lead = np.argmax(energy[:, pos] * used[:, pos], axis=0)
    peaks, conf = finish_peaks(
        x=x2, lead=lead, peaks=pos * plan.k + plan.k // 2, confidence=conf,
        radius=plan.radius, base_radius=plan.base_radius, refractory=plan.refr_full,
    )  # fmt: skip
    return peaks, conf, gaps


def _record(seed, n_leads, fs, seconds=12.0, noise=0.05):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * fs)) / fs
    rr = 0.8 + 0.1 * np.sin(t / 3.0)  # a slowly varying rhythm
    phase = np.cumsum(1.0 / rr) / fs
    x = np.stack(
        [np.sin(np.pi * phase + 0.3 * i) ** 40 * (1 - 2 * (i % 4 == 3)) for i in range(n_leads)]
    )
    return np.ascontiguousarray(x + noise * rng.standard_normal(x.shape))


CASES = [
    (0, 1, 360.0, {}),
    (1, 1, 250.0, {"track": False}),
    (2, 2, 500.0, {}),
    (3, 3, 128.0, {"prune": False}),
    (4, 12, 500.0, {}),
    (5, 12, 500.0, {"refine_ms": 0.0}),
    (6, 12, 1000.0, {"track": False, "threshold": 0.3}),
    (7, 5, 200.0, {"window_ms": 80.0, "band_hz": (5.0, 25.0)}),
]


def _with_gaps(x, fs):
    """NaN gaps in every lead: the head, 2 samples (stretches meet next to a beat), 0.4 s;
    and 0.3 s in lead 0 alone."""
    x = x.copy()
    n = x.shape[1]
    x[:, : int(0.1 * fs)] = np.nan
    x[:, n // 3 : n // 3 + 2] = np.nan
    x[:, n // 2 : n // 2 + int(0.4 * fs)] = np.nan
    x[0, int(0.8 * n) : int(0.8 * n) + int(0.3 * fs)] = np.nan
    return x


@pytest.mark.parametrize(("seed", "n_leads", "fs", "opts"), CASES)
@pytest.mark.parametrize("noise", [0.05, 0.6])
@pytest.mark.parametrize("gaps", [False, True])
def test_run_beats_kernel_matches_stage_function_twin(seed, n_leads, fs, opts, noise, gaps):
    x = _record(seed, n_leads, fs, seconds=30.0 if gaps else 12.0, noise=noise)
    if gaps:
        x = _with_gaps(x, fs)
    # max_gap_ms=0: the twin does not bridge short NaN runs (tests/test_rpeaks_gaps.py)
    res = R.detect_rpeaks(x, fs, **opts, max_gap_ms=0)
    peaks, conf, gaps = twin_detect(x, _plan_of(fs, opts))
    np.testing.assert_array_equal(res.indices, peaks)
    np.testing.assert_array_equal(res.confidence, conf)
    np.testing.assert_array_equal(res.gaps, gaps)


def _run_beats(x, fs, track=True):
    plan = _plan_of(fs, {})
    out = S.record_energy(
        x=x, k=plan.k, sos=plan.sos, half_width=plan.half, min_len=plan.min_len,
        block=max(int(R._LEAD_BLOCK_S * plan.fs_d), 1), floor=R._LEAD_FLOOR, keep=-1,
    )  # fmt: skip
    energy, used, combined, runs = out[:4]
    return S.run_beats(
        m=combined, x=x, energy=energy, used=used, runs=runs, ints=plan.ints,
        floats=plan.floats, track=track,
    )  # fmt: skip


def test_run_beats_kernel_reaches_each_status():
    """DONE on a clean record, NOISY (tracking handed back) on a noisy one, EMPTY on a
    flat one; the noisy record's result still equals the twin (checked above)."""
    assert _run_beats(_record(0, 1, 250.0), 250.0)[0] == S.DONE
    noisy = _record(1, 1, 250.0, seconds=60.0, noise=0.6)
    assert _run_beats(noisy, 250.0)[0] == S.NOISY
    assert _run_beats(noisy, 250.0, track=False)[0] == S.DONE
    assert _run_beats(np.full((2, 3000), 0.4), 250.0)[0] == S.EMPTY
    assert _run_beats(np.full((2, 3000), np.nan), 250.0)[0] == S.EMPTY  # no stretch


def test_run_beats_kernel_tracks_only_the_noisy_stretch():
    """A clean and a noisy stretch: tracking is handed back for the noisy one only, each
    stretch's outputs sit at its offsets, and the detector equals the twin."""
    fs = 250.0
    clean = _record(0, 1, fs, seconds=40.0)
    noisy = _record(1, 1, fs, seconds=60.0, noise=0.6)
    x = np.concatenate([clean, np.full((1, 100), np.nan), noisy], axis=1)
    out = _run_beats(x, fs)
    assert out[0] == S.NOISY and out[1].size == out[2].size == 0
    cand, h, coff, idx, thr, boff, thr_c, w, noisy_runs = S.unpack(out[3], out[4], 2)
    np.testing.assert_array_equal(noisy_runs, [False, True])
    assert coff.shape == boff.shape == (3,) and boff[1] > 30 and boff[2] > boff[1] + 50
    assert cand.size == h.size == thr_c.size == w.size == coff[2] and idx.size == thr.size
    assert np.all(w[: coff[1]] == 0) and np.any(w[coff[1] :] > 0)  # filled where noisy
    plan = _plan_of(fs, {})
    m, runs = S.record_energy(x, plan.k, plan.sos, plan.half, plan.min_len, 250, 1e-6, -1)[2:4]
    for r, (a, b) in enumerate(runs):  # each stretch's candidates, positions in the stretch
        want = local_maxima(m=m[a:b], min_distance=plan.refr)
        np.testing.assert_array_equal(cand[coff[r] : coff[r + 1]], want)
    res = R.detect_rpeaks(x, fs)
    peaks, conf, gaps = twin_detect(x, _plan_of(fs, {}))
    np.testing.assert_array_equal(res.indices, peaks)
    np.testing.assert_array_equal(res.confidence, conf)
    np.testing.assert_array_equal(gaps, res.gaps)
    assert gaps.tolist() == [[10000, 10100]]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n_leads", [1, 3, 12])
def test_record_energy_kernel_matches_twin(seed, n_leads):
    x = _record(seed, n_leads, 500.0)
    if seed == 1:
        x[0, 700:900] = np.nan  # a gap: runs of the kept lead and of the mean differ
    if seed == 2 and n_leads > 1:
        x[1] = 0.2  # a flat lead
    plan = _plan_of(500.0, {})
    keep = n_leads // 2 if seed else -1
    got = S.record_energy(
        x=x, k=plan.k, sos=plan.sos, half_width=plan.half, min_len=plan.min_len,
        block=100, floor=1e-6, keep=keep,
    )  # fmt: skip
    energy, used, runs, has_inf = lead_energies_fused(
        x=x, k=plan.k, sos=plan.sos, half_width=plan.half, min_len=plan.min_len
    )
    if keep >= 0:
        np.testing.assert_array_equal(got[5], energy[keep])
        np.testing.assert_array_equal(got[6], used[keep])
        np.testing.assert_array_equal(got[7], mask_runs(mask=used[keep], min_len=plan.min_len))
    else:
        assert got[5].size == got[6].size == got[7].size == 0
    combined = energy[0]
    if n_leads > 1:
        combined, runs = combine_lead_energies(
            energy=energy, used=used, block=100, floor=1e-6, min_len=plan.min_len
        )
    for g, w in zip(got[:5], (energy, used, combined, runs, has_inf), strict=True):
        np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("seed", range(4))
def test_lead_of_peaks_kernel_matches_numpy_twin(seed):
    """The refinement lead: np.argmax(energy[:, p] * used[:, p], axis=0), first of ties,
    first NaN (inf * a cleared mask), zeros and -0.0."""
    rng = np.random.default_rng(seed)
    n_leads, n = 5, 60
    energy = rng.choice([0.0, -0.0, 1.0, 2.0, 0.5, np.inf], size=(n_leads, n))
    energy[rng.random((n_leads, n)) < 0.05] = np.nan
    used = rng.random((n_leads, n)) < 0.7
    peaks = np.sort(rng.choice(n, size=25, replace=False)).astype(np.int64)
    with np.errstate(invalid="ignore"):  # inf * 0 (and in the kernel under NUMBA_DISABLE_JIT)
        want = np.argmax(energy[:, peaks] * used[:, peaks], axis=0)
        got = S._lead_of_peaks(energy, used, peaks)
    np.testing.assert_array_equal(got, want)


def twin_geometric_mean(energy, valid, floor):
    """geometric_mean_leads in plain Python: the leads of one sample in a loop that stops
    when the product leaves [1e-200, 1e200] (then logs).

    Compiled, the kernel's ``np.log``/``np.exp`` are the C library's; NumPy's own (SIMD,
    AVX-512 on some machines) may differ from them by one ulp, so the twin calls the C
    library through :mod:`math` then, and NumPy's functions when the kernel runs as Python
    (``NUMBA_DISABLE_JIT=1``)."""
    log, exp = (np.log, np.exp) if numba_config.DISABLE_JIT else (math.log, math.exp)
    n_leads, n = energy.shape
    out = np.zeros(n)
    for i in range(n):
        prod, cnt = 1.0, 0
        for k in range(n_leads):
            if valid[k, i]:
                prod *= max(energy[k, i], floor) if energy[k, i] == energy[k, i] else np.nan
                cnt += 1
                if prod < 1e-200 or prod > 1e200:
                    break
        if cnt == 0:
            continue
        if prod < 1e-200 or prod > 1e200:
            e = [energy[k, i] for k in range(n_leads) if valid[k, i]]
            logs = [log(v if v > floor else floor) for v in e]  # NaN: log(floor)
            s = 0.0
            for v in logs:
                s += v
            out[i] = exp(s / len(logs))
        elif cnt == 1:
            out[i] = prod
        elif cnt == 2:
            out[i] = np.sqrt(prod)
        else:
            out[i] = prod ** (1.0 / cnt)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_geometric_mean_kernel_matches_early_stop_twin(seed):
    """The kernel gives the plain loop's numbers to the bit, including a product that
    leaves the range and comes back (1e150 * 1e150 * 1e-150), NaN, inf and zeros."""
    from geoecg._kernels.rpeaks_combine import geometric_mean_leads

    rng = np.random.default_rng(seed)
    n_leads, n = 6, 300
    energy = rng.choice([1e150, 1e-150, 1e-9, 0.0, 2.5, 1e-3, 7.0], size=(n_leads, n))
    energy *= rng.uniform(0.5, 2.0, size=energy.shape)
    energy[:, 0] = [1e150, 1e150, 1e-150, 1.0, 1.0, 1.0]
    energy[rng.random((n_leads, n)) < 0.03] = np.nan
    valid = rng.random((n_leads, n)) < 0.8
    valid[:, 0] = True
    valid[:, 1] = False
    with np.errstate(invalid="ignore", over="ignore"):
        got = geometric_mean_leads(energy, valid, 1e-6)
        want = twin_geometric_mean(energy, valid, 1e-6)
    np.testing.assert_array_equal(got, want)
