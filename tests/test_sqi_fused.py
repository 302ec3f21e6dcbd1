"""The fused SQI kernel (``sqi_row_finite``) and the scalar-state filter passes give the
same bits as the per-index kernels they stand for, and agree with slow NumPy/SciPy twins.

``geoecg.features.sqi._sqi_row`` takes the fused kernel for a finite window of more than 30
samples; its values must equal, bit for bit, the per-index path (``sos_filtfilt`` +
``length_transform_detect`` + ``count_matches``, ``skew_kurt``, ``flat_fraction``,
``clip_fraction``, ``template_correlation``), which tests/test_sqi.py compares with twins.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps
from scipy import stats

from geoecg._kernels import band as B
from geoecg._kernels import sqi as K
from geoecg.features.sqi import _FLAT_TOL_MV, _LT_CUTOFF_HZ, SQI_NAMES, _lowpass_sos, _sqi_row


def _ecg(fs, n, seed, kind):
    """Spiky beats on a wandering baseline; ``kind`` adds clipping, a flat stretch, ADC
    quantisation (ties) or a constant window."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    x = 0.3 * np.sin(2 * np.pi * 0.3 * t) + 0.02 * rng.standard_normal(n)
    for c in np.arange(0.4, n / fs - 0.2, 0.6 + 0.4 * rng.random()):
        x += (1 + 0.2 * rng.standard_normal()) * np.exp(-0.5 * ((t - c) / 0.012) ** 2)
    if kind == "clipped":
        x = np.clip(x, -0.2, 0.8)
    elif kind == "flat":
        x[n // 3 : n // 3 + int(0.3 * fs)] = x[n // 3]
    elif kind == "quantised":
        x = np.round(x * 200) / 200
    elif kind == "constant":
        x = np.full(n, 0.25)
    return np.ascontiguousarray(x)


def _per_index(x, rpeaks, fs):
    """The SQI row by the per-index kernels (the path the fused kernel replaces); the two
    periodogram entries are NaN (the fused kernel leaves them to NumPy)."""
    sos, zi = _lowpass_sos(fs, min(_LT_CUTOFF_HZ, 0.45 * fs))
    padlen = 3 * (2 * sos.shape[0] + 1)
    y = np.empty_like(x)
    K.sos_filtfilt(sos=sos, zi=zi, x=x, padlen=padlen, out=y)
    second = K.length_transform_detect(y, fs)
    n = rpeaks.size + second.size
    m = K.count_matches(rpeaks, second, int(round(0.15 * fs)))
    s, k = K.skew_kurt(x)
    return np.array([
        np.nan if n == 0 else m / (n - m), k, s, np.nan, np.nan,
        K.flat_fraction(x, _FLAT_TOL_MV, max(2, int(round(0.05 * fs)))),
        K.clip_fraction(x, _FLAT_TOL_MV, max(2, int(round(0.02 * fs)))),
        K.template_correlation(x, rpeaks, max(1, int(round(0.1 * fs)))),
    ])  # fmt: skip


def _fused(x, rpeaks, fs):
    sos, zi = _lowpass_sos(fs, min(_LT_CUTOFF_HZ, 0.45 * fs))
    out = np.full(len(SQI_NAMES), np.nan)
    K.sqi_row_finite(
        x=x, rpeaks=rpeaks, sos=sos, zi=zi, padlen=3 * (2 * sos.shape[0] + 1), fs=fs,
        match_tol=int(round(0.15 * fs)), flat_tol=_FLAT_TOL_MV,
        flat_len=max(2, int(round(0.05 * fs))), clip_tol=_FLAT_TOL_MV,
        clip_len=max(2, int(round(0.02 * fs))), half=max(1, int(round(0.1 * fs))), out=out,
    )  # fmt: skip
    return out


def _bits(a):
    return np.asarray(a, dtype=np.float64).view(np.uint64)


KINDS = ["plain", "clipped", "flat", "quantised", "constant"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fs", [100.0, 250.0, 360.0, 500.0])
def test_fused_kernel_equals_per_index_kernels(fs, kind):
    for seed, dur in ((0, 10.0), (1, 4.0), (2, 0.4)):
        x = _ecg(fs, int(dur * fs), seed, kind)
        rng = np.random.default_rng(seed)
        peaks = [
            np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > 0.5)) + 1,
            np.sort(rng.choice(x.size, size=min(x.size, 7), replace=False)),
            np.empty(0),
            np.array([x.size // 2]),
        ]
        for p in peaks:
            p = p.astype(np.int64)
            assert np.array_equal(_bits(_fused(x, p, fs)), _bits(_per_index(x, p, fs)))


@pytest.mark.parametrize("kind", ["plain", "clipped", "quantised"])
def test_fused_kernel_matches_numpy_twin(kind):
    """Slow twin: scipy's sosfiltfilt, scipy.stats moments and run scans in NumPy."""
    fs, x = 250.0, _ecg(250.0, 2500, 3, kind)
    p = np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > 0.5)) + 1
    got = _fused(x, p.astype(np.int64), fs)
    sos, _ = _lowpass_sos(fs, _LT_CUTOFF_HZ)
    y = sps.sosfiltfilt(sos, x, padtype="odd", padlen=9)
    second = K.length_transform_detect(np.ascontiguousarray(y), fs)
    m = sum(np.abs(second - q).min() <= int(round(0.15 * fs)) for q in p) if second.size else 0
    assert got[0] == pytest.approx(m / (p.size + second.size - m), abs=1e-12)
    assert got[1] == pytest.approx(stats.kurtosis(x, fisher=False), rel=1e-9)
    assert got[2] == pytest.approx(stats.skew(x), rel=1e-9, abs=1e-12)

    def runs(mask, min_len):
        edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(np.int8), 0]))
        lengths = edges[1::2] - edges[::2]
        return lengths[lengths >= min_len].sum()

    step = np.abs(np.diff(x)) <= _FLAT_TOL_MV  # flat runs: a run of k steps is k + 1 samples
    edges = np.flatnonzero(np.diff(np.r_[0, step.astype(np.int8), 0]))
    lengths = edges[1::2] - edges[::2] + 1
    assert got[5] == lengths[lengths >= 12].sum() / x.size
    hi, lo = x.max(), x.min()
    clip = runs(x >= hi - _FLAT_TOL_MV, 5) + runs(x <= lo + _FLAT_TOL_MV, 5)
    assert got[6] == clip / x.size
    h = 25
    beats = np.array([x[q - h : q + h + 1] for q in p if q - h >= 0 and q + h < x.size])
    tmpl = np.median(beats, axis=0)
    r = np.mean([np.corrcoef(b, tmpl)[0, 1] for b in beats])
    assert got[7] == pytest.approx(r, rel=1e-9)


@pytest.mark.parametrize("nb", [2, 3, 4, 9, 10])
def test_template_finite_kernel_equals_template_correlation(nb):
    """Insertion-sort medians give np.median's value for odd and even beat counts."""
    x = _ecg(360.0, 4000, nb, "quantised")  # ties in the columns
    p = np.sort(np.random.default_rng(nb).choice(np.arange(40, 3960), nb, replace=False))
    p = p.astype(np.int64)
    a = K._template_correlation_finite(x, p, 36)
    assert _bits(a) == _bits(K.template_correlation(x, p, 36))


def test_sqi_row_takes_fused_path_with_the_same_bits():
    """_sqi_row on a finite window (fused kernel) equals the per-index path plus the
    periodogram; a NaN sample sends it down the per-index path."""
    fs = 360.0
    x = _ecg(fs, 3600, 7, "plain")
    p = (np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > 0.5)) + 1).astype(
        np.int64
    )
    got, want = _sqi_row(x, fs, p), _per_index(x, p, fs)
    keep = [0, 1, 2, 5, 6, 7]
    assert np.array_equal(_bits(got[keep]), _bits(want[keep]))
    assert np.isfinite(got[3:5]).all()
    g = x.copy()
    g[100] = np.nan
    assert np.isfinite(_sqi_row(g, fs, p)).sum() >= 6


def _sosfilt_generic(sos, z, y, backward):
    """The generic per-section loop of _sosfilt_inplace (state in the array)."""
    idx = range(y.size - 1, -1, -1) if backward else range(y.size)
    for n in idx:
        x_cur = y[n]
        for s in range(sos.shape[0]):
            x_new = sos[s, 0] * x_cur + z[s, 0]
            z[s, 0] = sos[s, 1] * x_cur - sos[s, 4] * x_new + z[s, 1]
            z[s, 1] = sos[s, 2] * x_cur - sos[s, 5] * x_new
            x_cur = x_new
        y[n] = x_cur


@pytest.mark.parametrize("order", [1, 2, 4, 6])
@pytest.mark.parametrize("backward", [False, True])
def test_scalar_state_sosfilt_kernel_equals_generic_twin(order, backward):
    sos = sps.butter(order, [0.5, 40], btype="bandpass", fs=250, output="sos")
    y0 = np.random.default_rng(order).standard_normal(300).cumsum()
    z0 = np.random.default_rng(1).standard_normal((sos.shape[0], 2))
    a, za = y0.copy(), z0.copy()
    K._sosfilt_inplace(sos=sos, z=za, y=a, backward=backward)
    b, zb = y0.copy(), z0.copy()
    _sosfilt_generic(sos, zb, b, backward)
    assert np.array_equal(_bits(a), _bits(b)) and np.array_equal(_bits(za), _bits(zb))
    want = sps.sosfilt(sos, y0[::-1] if backward else y0, zi=z0)[0]
    np.testing.assert_allclose(a[::-1] if backward else a, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_leads", [1, 2, 5, 12])
@pytest.mark.parametrize("block", [1, 3, 5])
def test_band_kernel_lead_pairs_equal_numpy_twin(n_leads, block):
    """Every lead in one loop over time (block means, then the two-section recursions side
    by side) == strided block means / k, then scipy.signal.sosfilt in steady state at the
    first sample, bit for bit."""
    fs = 100.0 * block
    x = np.cumsum(np.random.default_rng(n_leads).normal(size=(n_leads, 601)), axis=1) * 0.05
    sos = sps.butter(2, [0.5, 40.0], btype="bandpass", fs=fs / block, output="sos")
    zi = sps.sosfilt_zi(sos)
    y = np.empty((n_leads, 601 // block))
    assert B.block_mean_sosfilt(x=x, block=block, sos=sos, zi=zi, out=y)
    n = (601 // block) * block
    acc = x[:, 0:n:block].copy()
    for j in range(1, block):
        acc += x[:, j:n:block]
    m = acc / block if block > 1 else acc
    want = sps.sosfilt(sos, m, axis=-1, zi=zi[:, None, :] * m[:, 0][None, :, None])[0]
    assert np.array_equal(_bits(y), _bits(want))
    x[n_leads - 1, 7] = np.inf  # the last lead (paired or alone) not finite
    assert not B.block_mean_sosfilt(x=x, block=block, sos=sos, zi=zi, out=y)


def test_sqi_rows_kernel_equals_one_row_kernels():
    """sqi_rows_finite: each finite row == sqi_row_finite + hann_detrended of that row alone
    (bit for bit, whatever the other rows); a row with a NaN or an infinite sample is
    flagged False and left untouched."""
    fs, n = 250.0, 2500
    kinds = ["plain", "clipped", "flat", "quantised", "constant", "plain", "plain"]
    X = np.stack([_ecg(fs, n, 20 + i, k) for i, k in enumerate(kinds)])
    X[5, 40] = np.nan
    X[6, n - 1] = np.inf
    peaks = [
        (np.flatnonzero((x[1:-1] > x[:-2]) & (x[1:-1] >= x[2:]) & (x[1:-1] > 0.5)) + 1) for x in X
    ]
    offsets = np.concatenate([[0], np.cumsum([p.size for p in peaks])]).astype(np.int64)
    sos, zi = _lowpass_sos(fs, min(_LT_CUTOFF_HZ, 0.45 * fs))
    w = np.hanning(n)
    out = np.full((len(X), len(SQI_NAMES)), -1.0)
    Y = np.full(X.shape, -1.0)
    ok = K.sqi_rows_finite(
        X=X, peaks=np.concatenate(peaks).astype(np.int64), offsets=offsets, sos=sos, zi=zi,
        padlen=3 * (2 * sos.shape[0] + 1), fs=fs, match_tol=int(round(0.15 * fs)),
        flat_tol=_FLAT_TOL_MV, flat_len=max(2, int(round(0.05 * fs))), clip_tol=_FLAT_TOL_MV,
        clip_len=max(2, int(round(0.02 * fs))), half=max(1, int(round(0.1 * fs))), w=w,
        out=out, Y=Y,
    )  # fmt: skip
    assert ok.tolist() == [True] * 5 + [False, False]
    keep = [0, 1, 2, 5, 6, 7]
    for r in range(5):
        want = _fused(X[r], peaks[r].astype(np.int64), fs)
        assert np.array_equal(_bits(out[r, keep]), _bits(want[keep]))
        assert np.array_equal(_bits(Y[r]), _bits((X[r] - X[r].mean()) * w))
    assert (out[5:] == -1.0).all() and (Y[5:] == -1.0).all()


def test_order_statistic_equals_partition():
    """order_statistic == np.partition(a, q)[q] bit for bit: high and arbitrary quantiles,
    ties, sorted input, infinities and a NaN (the fallback), short and long arrays."""
    rng = np.random.default_rng(3)
    for t in range(600):
        n = int(rng.integers(1, 5000))
        a = rng.normal(size=n)
        if t % 3 == 0:
            a = np.abs(np.round(a * 3))  # ties (no negative zero)
        if t % 5 == 0:
            a = np.sort(a)
        if t % 7 == 0:
            a[rng.integers(0, n)] = np.inf
        if t % 11 == 0:
            a[rng.integers(0, n)] = -np.inf
        if t % 13 == 0:
            a[rng.integers(0, n)] = np.nan
        q = int(rng.integers(0, n)) if t % 2 else int(0.98 * (n - 1))
        want = np.partition(a, q)[q]
        assert _bits(K.order_statistic(a, q)) == _bits(want), (t, n, q)
