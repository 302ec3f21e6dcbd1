"""Cohort kernels against NumPy: the pairwise sum, the batched R-peak summary and the
periodogram's detrended Hann window give NumPy's bits."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from geoecg._kernels.cohort import flat_leads, pairwise_sum, rpeak_summaries
from geoecg._kernels.sqi import hann_detrended


def _bits(a):
    return np.asarray(a, dtype=np.float64).view(np.uint64)


SIZES = [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257, 1000, 5000, 8193]


@pytest.mark.parametrize("n", SIZES)
def test_pairwise_sum_kernel_equals_numpy_sum(n):
    rng = np.random.default_rng(n)
    for scale in (1e-3, 1.0, 1e4):
        a = rng.standard_normal(n) * scale + rng.uniform(-5, 5)
        assert _bits(0.0 + pairwise_sum(a, 0, n)) == _bits(np.sum(a))
        if n > 3:  # an inner run (offset), as the batched summary reads it
            assert _bits(0.0 + pairwise_sum(a, 2, n - 3)) == _bits(np.sum(a[2 : n - 1]))


def _summary_twin(r, c, n_samples, fs):
    """RPeaksSet's summary with NumPy, one record."""
    out = np.full(9, np.nan)
    out[0], out[8] = r.size, n_samples / fs
    if r.size:
        out[7] = float(np.mean(c))
    rr = np.diff(r) * (1000.0 / fs)
    if rr.size:
        med = float(np.median(rr))
        out[1:7] = [60000.0 / med, rr.mean(), med, np.nan, rr.min(), rr.max()]
        if rr.size > 1:
            out[4] = float(np.std(rr, ddof=1))
    return out


def test_rpeak_summaries_kernel_equals_numpy_twin():
    rng = np.random.default_rng(0)
    recs = []
    for k in range(60):
        nb = [0, 1, 2, 3, 4, 9, 10, 40, 200][k % 9]
        fs = [100.0, 250.0, 360.0, 500.0][k % 4]
        r = np.sort(rng.choice(int(30 * fs), size=nb, replace=False)).astype(np.int64)
        recs.append((r, rng.random(nb), int(30 * fs) - k, fs))
    offsets = np.cumsum([0] + [r.size for r, *_ in recs]).astype(np.int64)
    out = np.empty((len(recs), 9))
    rpeak_summaries(
        peaks=np.concatenate([r for r, *_ in recs]),
        confidence=np.concatenate([c for _, c, *_ in recs]),
        offsets=offsets,
        n_samples=np.array([n for *_, n, _ in recs], dtype=np.float64),
        fs=np.array([f for *_, f in recs]),
        out=out,
    )
    for row, (r, c, n, fs) in zip(out, recs, strict=True):
        assert np.array_equal(_bits(row), _bits(_summary_twin(r, c, n, fs)))


@pytest.mark.parametrize("n", [8, 9, 129, 1000, 3600, 5000])
def test_hann_detrended_kernel_equals_numpy(n):
    x = np.random.default_rng(n).standard_normal(n).cumsum() * 0.1 + 3.0
    w = np.hanning(n)
    out = np.empty(n)
    hann_detrended(x=x, w=w, out=out)
    assert np.array_equal(_bits(out), _bits((x - x.mean()) * w))


def test_record_intermediates_kernel_equals_the_properties(monkeypatch):
    """The one-call kernel of a record's shared intermediates (through
    RecordData.precompute) gives the arrays of the RecordData properties (a noisy record's
    R-peaks through the NumPy tracking steps on the kernel's hand-back), and leaves
    everything of a record with an infinite sample to them (which raise the same error as
    without it)."""
    import geoecg.cohort._record as record
    from geoecg.cohort.feature_sets import RecordData
    from geoecg.datasets import sample_record_path
    from geoecg.io import read_record

    def value(rec, name):
        try:
            v = getattr(rec, name)
        except ValueError as exc:
            return str(exc)
        return _bits(v[0] if name == "band_decimated" else v).tolist()

    x = np.ascontiguousarray(read_record(sample_record_path("mitdb_101")).signal[:, :2000])
    noisy = x + 0.6 * np.random.default_rng(1).standard_normal(x.shape)
    inf = x.copy()
    inf[0, 100] = np.inf
    handed = []  # records whose multi-lead R-peaks precompute finished from the hand-back
    finish = record._finish_noisy
    monkeypatch.setattr(record, "_finish_noisy", lambda *a: handed.append(1) or finish(*a))
    got = []
    for sig in (x, noisy, inf):
        fast, ref = RecordData(sig, 360.0, ("a", "b"), 1), RecordData(sig, 360.0, ("a", "b"), 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # as the chunk runs (inf - inf as Python, JIT off)
            fast.precompute()
            got.append(tuple(k in fast._cache for k in ("rpeaks", "lead_rpeaks", "band_decimated")))
            for name in ("rpeaks", "confidence", "lead_rpeaks", "lead_copy", "band_decimated"):
                assert value(fast, name) == value(ref, name), name
    assert got == [(True, True, True), (True, True, True), (False, False, False)]
    assert len(handed) == 1  # the noisy record, and only it


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf, as the chunk runs its checks
def test_flat_leads_kernel_equals_numpy_twin():
    """The one-pass flat-lead test of the chunk's record check decides as its NumPy twin
    (max - min, nanmax - nanmin when a span is not finite) on leads with NaN, +-inf, all-NaN,
    constant, near-threshold and ordinary values."""
    from geoecg.cohort._chunk import FLAT_P2P_MV, _flat_numpy

    rng = np.random.default_rng(3)
    leads = [
        rng.standard_normal(50),
        np.full(50, 0.3),
        np.full(50, np.nan),
        np.r_[np.full(49, np.nan), 1.0],
        np.r_[np.full(25, np.nan), rng.standard_normal(25)],
        np.r_[rng.standard_normal(49), np.inf],
        np.r_[rng.standard_normal(49), -np.inf],
        np.full(50, np.inf),
        np.full(50, -np.inf),
        np.r_[np.full(49, np.inf), np.nan],
        np.r_[np.inf, -np.inf, np.zeros(48)],
        np.r_[np.zeros(49), FLAT_P2P_MV],
        np.r_[np.zeros(49), np.nextafter(FLAT_P2P_MV, 1.0)],
        np.r_[np.nan, np.zeros(48), 0.5],
    ]
    x = np.array(leads)
    out = np.empty(x.shape[0], dtype=np.bool_)
    flat_leads(x, FLAT_P2P_MV, out)
    assert out.tolist() == _flat_numpy(x).tolist()
    assert out.sum() >= 5 and (~out).sum() >= 5
    for _ in range(50):
        y = rng.standard_normal((4, 30)) * rng.choice([1e-5, 1e-3, 1.0])
        y[rng.random(y.shape) < 0.2] = np.nan
        out = np.empty(4, dtype=np.bool_)
        flat_leads(np.asfortranarray(y), FLAT_P2P_MV, out)
        assert out.tolist() == _flat_numpy(y).tolist()
