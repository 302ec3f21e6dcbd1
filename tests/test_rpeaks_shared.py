"""The fused energy kernel and the reuse of one lead's energy give the detector's numbers to
the bit (geoecg._kernels.rpeaks_fused, geoecg.features._rpeaks_run)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rpeak_inputs import kernel_leads as _leads
from rpeak_inputs import twin_lead_energies
from scipy import signal as sps

from geoecg._kernels.rpeaks import lead_energies
from geoecg._kernels.rpeaks_fused import lead_energies_fused, track_inputs
from geoecg._kernels.rpeaks_track import envelope_noise_weight
from geoecg.features._rpeaks_run import detect_from_lead_energy, detect_with_lead_energy
from geoecg.features.rpeaks import detect_rpeaks


def _sos(fs_d):
    return np.ascontiguousarray(sps.butter(2, [3, 20], btype="bandpass", fs=fs_d, output="sos"))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("n_leads", [1, 2, 3])
def test_fused_energies_equal_the_lead_by_lead_twin(seed, k, n_leads):
    x = _leads(seed, n_leads=n_leads)
    sos = _sos(250 / k)
    got = lead_energies_fused(x=x, k=k, sos=sos, half_width=7, min_len=20)
    want = twin_lead_energies(x, k, sos, 7, 20)
    ref = lead_energies(x, k, sos, 7, 20)
    for g, w, r in zip(got[:3], want[:3], ref[:3], strict=True):
        np.testing.assert_array_equal(g, w)  # the same operations: equal to the bit
        np.testing.assert_array_equal(g, r)
    assert got[3] is want[3] is False


@pytest.mark.parametrize("where", [0, 1, 1500, 2999, 3000])
@pytest.mark.parametrize("n_leads", [1, 2, 3])
def test_fused_kernel_reports_infinite_samples(where, n_leads):
    x = _leads(3, n_leads=n_leads, n=3001)
    x[-1, where] = np.inf if where % 2 else -np.inf  # 3000: in the dropped tail
    sos = _sos(125)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf (NUMBA_DISABLE_JIT=1)
        got = lead_energies_fused(x=x, k=2, sos=sos, half_width=7, min_len=20)
    ref = lead_energies(x, 2, sos, 7, 20)
    assert got[3] is ref[3] is True
    for g, r in zip(got[:3], ref[:3], strict=True):
        np.testing.assert_array_equal(g, r)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 19, 40, 41])
def test_fused_kernel_short_and_three_section_inputs(n):
    rng = np.random.default_rng(n)
    x = rng.standard_normal((3, n))
    for sos in (
        _sos(125),
        np.ascontiguousarray(sps.butter(3, [3, 20], "bandpass", fs=125, output="sos")),
    ):
        got = lead_energies_fused(x=x, k=2, sos=sos, half_width=3, min_len=10)
        ref = lead_energies(x, 2, sos, 3, 10)
        for g, r in zip(got, ref, strict=True):
            np.testing.assert_array_equal(g, r)


def _pairs_equal(signal, fs, lead):
    res, saved = detect_with_lead_energy(signal, fs, lead=lead)
    want = detect_rpeaks(signal, fs)
    for name in ("indices", "confidence", "gaps"):
        np.testing.assert_array_equal(getattr(res, name), getattr(want, name))
    for track in (False, True):
        one = detect_from_lead_energy(signal[lead], saved, track=track)
        ref = detect_rpeaks(signal[lead], fs, track=track)
        for name in ("indices", "confidence", "gaps"):
            np.testing.assert_array_equal(getattr(one, name), getattr(ref, name))


@pytest.mark.parametrize("seed", range(3))
def test_lead_energy_reuse_equals_two_calls_synthetic(seed):
    x = _leads(seed, n_leads=5, n=5000)
    for lead in (0, 2, 4):
        _pairs_equal(x, 250.0, lead)


def test_lead_energy_reuse_equals_two_calls_ptbxl(ptbxl_dir: Path):
    from geoecg.io.fast import read_signal

    heas = sorted(ptbxl_dir.rglob("records500/**/*.hea"))[:15]
    heas += sorted(ptbxl_dir.rglob("records100/**/*.hea"))[:15]
    assert heas
    for hea in heas:
        rec = read_signal(str(hea.with_suffix("")))
        x = np.ascontiguousarray(rec.signal)
        _pairs_equal(x, float(rec.fs), 1)
        g = x.copy()
        g[1, : x.shape[1] // 5] = np.nan  # a gap in the kept lead
        _pairs_equal(g, float(rec.fs), 1)


def test_lead_energy_reuse_checks_its_arguments():
    x = _leads(0, n_leads=2)
    with pytest.raises(ValueError, match="lead"):
        detect_with_lead_energy(x, 250.0, lead=2)
    with pytest.raises(TypeError, match="unknown"):
        detect_with_lead_energy(x, 250.0, lead=0, bogus=1)
    _, saved = detect_with_lead_energy(x, 250.0, lead=0)
    with pytest.raises(ValueError, match="x_lead"):
        detect_from_lead_energy(x[0, :-1], saved)


def test_fused_energies_twelve_leads_equal_the_twin():
    x = _leads(1, n_leads=12, n=2000)
    sos = _sos(100)
    got = lead_energies_fused(x=x, k=5, sos=sos, half_width=6, min_len=40)
    want = twin_lead_energies(x, 5, sos, 6, 40)
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)


def twin_track_inputs(m, h, cand, idx, thr, block, n_sub, chunk, lo, hi, erode):
    """The NumPy steps of ``_track`` before the session-6 kernel."""
    pos = cand[idx]
    j = np.searchsorted(pos, cand, side="right") - 1
    thr_c = thr[np.maximum(j, 0)]
    thr_c[idx] = thr
    is_beat = np.zeros(cand.size, dtype=bool)
    is_beat[idx] = True
    wb = envelope_noise_weight(m, pos, h[idx], block, n_sub, chunk, lo, hi, erode)
    w = wb[np.minimum(cand // block, wb.size - 1)]
    return thr_c, is_beat, w, bool(np.any(w[idx] > 0))


@pytest.mark.parametrize("seed", range(4))
def test_track_inputs_kernel_matches_numpy_twin(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    m = np.abs(rng.standard_normal(n)) * (0.05 + 0.5 * seed)
    cand = np.sort(rng.choice(np.arange(1, n - 1), size=120, replace=False)).astype(np.int64)
    m[cand] += 1.0
    h = np.sqrt(m[cand])
    idx = np.sort(rng.choice(cand.size, size=40, replace=False)).astype(np.int64)
    thr = rng.uniform(0.2, 1.0, idx.size)
    args = (m, h, cand, idx, thr, 300, 15, 3000, 0.22, 0.37, 1)
    got = track_inputs(
        m=m, heights=h, cand=cand, idx=idx, thr=thr, block=300, n_sub=15, chunk=3000,
        lo=0.22, hi=0.37, erode=1,
    )  # fmt: skip
    want = twin_track_inputs(*args)
    for g, w in zip(got[:3], want[:3], strict=True):
        np.testing.assert_array_equal(g, w)
    assert bool(got[3]) is want[3]


@pytest.mark.parametrize("kind", ["normal", "ties", "nan", "zeros_inf"])
def test_sorted_window_median_matches_numpy_twin(kind):
    """_push_median (the incrementally sorted 8-value window of decide_beats and
    prune_split_beats) gives the median of the last 8 values: np.median where they are
    finite and nonzero, and _median_buf's number to the bit in every case (NaN, +-0, inf)."""
    from geoecg._kernels.rpeaks_decide import _median_buf, _push_median

    rng = np.random.default_rng(len(kind))
    n = 200
    if kind == "normal":
        vals = rng.standard_normal(n)
    elif kind == "ties":
        vals = rng.integers(1, 5, n).astype(float)
    elif kind == "nan":
        vals = rng.standard_normal(n)
        vals[rng.random(n) < 0.1] = np.nan
    else:
        vals = rng.choice([0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan], n)
    size = 8
    buf, srt, ring, scratch = (np.empty(size) for _ in range(4))
    dirty = -1
    for count, v in enumerate(vals):
        med, dirty = _push_median(buf, srt, count, v, dirty)
        ring[count % size] = v
        want = _median_buf(ring, count + 1, scratch)
        assert np.float64(med).tobytes() == np.float64(want).tobytes() or (
            np.isnan(med) and np.isnan(want)
        )
        last = vals[max(count + 1 - size, 0) : count + 1]
        if np.all(np.isfinite(last)) and np.all(last != 0):
            assert med == np.median(last)
