"""The HRV speed work (issue 24), spectral kernels: the SOS zero-phase kernel equals
scipy's ``sosfiltfilt`` (and the SQI low-pass equals :func:`geoecg.signal.lowpass`), the
radix-2/4 and 3 x 2^j FFTs and their twiddles equal NumPy's FFT (the block-by-block tails
bit for bit), Welch's low bins equal scipy and the Lomb-Scargle periodogram equals astropy
and its term-by-term sum. The sort, shared-intermediate, entropy, DFA and floor-kernel
checks are in tests/test_hrv_speed.py."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal as sps

from geoecg._kernels import fft as FFT
from geoecg._kernels import hrv_freq as F
from geoecg._kernels import hrv_lomb as L
from geoecg._kernels.sqi import sos_filtfilt


@pytest.mark.parametrize("padlen_sections", [(9, 1), (15, 2)])
@pytest.mark.parametrize("seed", range(3))
def test_sos_filtfilt_equals_scipy(seed, padlen_sections):
    padlen, ns = padlen_sections
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(rng.integers(padlen + 1, 3000))).cumsum()
    if ns == 1:
        sos = sps.butter(2, 16.0, btype="lowpass", fs=500.0, output="sos")
    else:
        sos = sps.butter(2, [0.5, 40.0], btype="bandpass", fs=500.0, output="sos")
    out = np.empty_like(x)
    sos_filtfilt(sos=sos, zi=sps.sosfilt_zi(sos), x=x, padlen=padlen, out=out)
    ref = sps.sosfiltfilt(sos, x, padlen=padlen)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12 * np.abs(ref).max())


def test_length_transform_lowpass_equals_geoecg_signal():
    from geoecg.features.sqi import _lowpass
    from geoecg.signal import lowpass

    rng = np.random.default_rng(3)
    for fs, n in ((100.0, 31), (500.0, 5000)):
        x = rng.standard_normal(n).cumsum()
        np.testing.assert_allclose(
            _lowpass(x, fs, 16.0), lowpass(x, fs, cutoff=16.0, order=2), rtol=1e-12, atol=1e-12
        )
    x[100:120] = np.nan  # NaN gaps: handled by geoecg.signal run by run
    np.testing.assert_array_equal(_lowpass(x, 500.0, 16.0), lowpass(x, 500.0, 16.0, order=2))


@pytest.mark.parametrize("n", [2, 4, 8, 64, 256, 1024, 2048, 4096])
def test_fft_dif_equals_numpy(n):
    """Radix-2/4 decimation in frequency (bit-reversed out) against ``np.fft.fft`` on
    complex input; ``log2 n`` odd and even, and n beyond the import-time tables (4096)."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    re, im = x.real.copy(), x.imag.copy()
    tr, ti = F._stage_twiddles(n)
    F._fft_dif(re, im, tr, ti)
    rev = F._bitrev(n)
    bits = int(np.log2(n))
    assert [int(format(k, f"0{bits}b")[::-1], 2) for k in range(n)] == list(rev)
    ref = np.fft.fft(x)
    got = (re + 1j * im)[rev]
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-13 * np.abs(ref).max())


def _fft_dif_passes_twin(re, im, tr, ti):
    """NumPy twin of ``_fft_dif`` as it was before its block-by-block tails (session 9):
    radix-4 passes (spans ``half`` and ``half / 2``) down to span 2, then a radix-2 pass
    with twiddle 1 when ``log2 n`` is odd; the same operations, vectorised over blocks."""
    re, im = re.copy(), im.copy()
    half = re.size // 2

    def bf(ar, ai, br, bi, c, d):
        dr, di = ar - br, ai - bi
        return ar + br, ai + bi, c * dr - d * di, c * di + d * dr

    while half >= 2:
        q = half // 2
        R, I = re.reshape(-1, 4, q), im.reshape(-1, 4, q)
        c1, s1 = tr[half - 1 : 2 * half - 1], ti[half - 1 : 2 * half - 1]
        c2, s2 = tr[q - 1 : 2 * q - 1], ti[q - 1 : 2 * q - 1]
        x0r, x0i, x2r, x2i = bf(R[:, 0], I[:, 0], R[:, 2], I[:, 2], c1[:q], s1[:q])
        x1r, x1i, x3r, x3i = bf(R[:, 1], I[:, 1], R[:, 3], I[:, 3], c1[q:], s1[q:])
        R[:, 0], I[:, 0], R[:, 1], I[:, 1] = bf(x0r, x0i, x1r, x1i, c2, s2)
        R[:, 2], I[:, 2], R[:, 3], I[:, 3] = bf(x2r, x2i, x3r, x3i, c2, s2)
        half //= 4
    if half == 1:
        for z in (re.reshape(-1, 2), im.reshape(-1, 2)):
            a, b = z[:, 0].copy(), z[:, 1].copy()
            z[:, 0], z[:, 1] = a + b, a - b
    return re, im


@pytest.mark.parametrize("n", [2, 4, 8, 16, 32, 64, 512, 1024, 2048, 4096])
def test_fft_dif_tails_equal_pass_twin_bit_for_bit(n):
    """The block-by-block tails (spans 4-2-1 for odd ``log2 n``, 2-1 for even) give the
    numbers of the pass-by-pass FFT bit for bit (a changed operation or order would move
    the last bits of some of the 2 n outputs)."""
    rng = np.random.default_rng(n + 7)
    x, y = rng.standard_normal(n) * 1e3, rng.standard_normal(n)
    tr, ti = F._stage_twiddles(n)
    want = _fft_dif_passes_twin(x, y, tr, ti)
    re, im = x.copy(), y.copy()
    F._fft_dif(re, im, tr, ti)
    np.testing.assert_array_equal(re, want[0])
    np.testing.assert_array_equal(im, want[1])


@pytest.mark.parametrize("n", [4, 64, 2048, 4096])
def test_stage_twiddles_equal_numpy(n):
    """Span ``h`` at ``[h - 1, 2h - 1)``: ``exp(-i pi k / h)``, from the import-time table
    (a prefix of it for n <= COS_TABLE_N) or built (4096)."""
    tr, ti = F._stage_twiddles(n)
    h = 1
    while h < n:
        ref = np.exp(-1j * np.pi * np.arange(h) / h)
        got = tr[h - 1 : 2 * h - 1] + 1j * ti[h - 1 : 2 * h - 1]
        np.testing.assert_allclose(got, ref, rtol=0, atol=1e-15)
        h *= 2


@pytest.mark.parametrize("nper", [1024, 1000, 512, 37])
def test_welch_low_bins_fft_and_dft_equal_scipy(nper):
    """Power-of-two segments take the FFT, others the direct DFT: both equal scipy."""
    x = np.random.default_rng(nper).standard_normal(1200).cumsum()
    f, p = F.welch_low_bins(x, 4.0, nper, 0.4)
    fr, pr = sps.welch(x, 4.0, nperseg=nper, noverlap=nper // 2)
    np.testing.assert_allclose(f, fr[: f.size], rtol=1e-12)
    np.testing.assert_allclose(p, pr[: p.size], rtol=1e-9, atol=1e-12 * pr.max())


def test_lomb_scargle_equals_astropy_and_band_powers_hold():
    """Reference with provenance: astropy's LombScargle (``fit_mean=False``, centred data,
    ``normalization="psd"`` = the classical ``1/2 (YC^2/CC + YS^2/SS)``) on a real-like
    uneven series; the LS band powers of ``hrv_freq_block`` follow to 1e-9."""
    astropy_ts = pytest.importorskip("astropy.timeseries")
    rng = np.random.default_rng(24)
    t = np.cumsum(rng.uniform(0.6, 1.1, 380))
    y = 800 + 25 * np.sin(2 * np.pi * 0.27 * t) + 15 * np.sin(2 * np.pi * 0.09 * t)
    y = y + 8 * rng.standard_normal(t.size)
    f, P = L.lomb_scargle(t, y, 0.001, 400)
    ls = astropy_ts.LombScargle(t, y, fit_mean=False, center_data=True, normalization="psd")
    ref = ls.power(f, method="slow")
    np.testing.assert_allclose(P, ref, rtol=1e-9, atol=1e-12 * ref.max())
    out = np.full(14, np.nan)
    F.hrv_freq_block(y, t, 4.0, 256.0, 0.001, 0.4, out)
    dur = t[-1] - t[0]
    psd = ref * 2.0 * dur / t.size
    for b, (lo, hi) in enumerate(F.BANDS):
        band = psd[(f >= lo) & (f < hi)].sum() * 0.001
        assert out[7 + b] == pytest.approx(band, rel=1e-9)


@pytest.mark.parametrize("n", [48, 384, 1536, 12288])
def test_fft3_dif_equals_numpy_fft_twin(n):
    """The ``3 x 2^j`` FFT of the Lomb-Scargle grid (radix-3 pass + three power-of-two
    FFTs) against NumPy's FFT, every bin read where the kernel says it leaves it; 1536 uses
    the import-time twiddle table, the others compute theirs."""
    rng = np.random.default_rng(n)
    x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    re, im = x.real.copy(), x.imag.copy()
    wr, wi = FFT._radix3_twiddles(n)
    j = np.arange(2 * n // 3)
    np.testing.assert_allclose(wr, np.cos(2 * np.pi * j / n), rtol=0, atol=2e-16)
    np.testing.assert_allclose(wi, -np.sin(2 * np.pi * j / n), rtol=0, atol=2e-16)
    FFT._fft3_dif(re, im, wr, wi)
    k = np.arange(n)
    pos = (k % 3) * (n // 3) + np.asarray(FFT._bitrev(n // 3))[k // 3]
    ref = np.fft.fft(x)
    np.testing.assert_allclose(re[pos] + 1j * im[pos], ref, rtol=0, atol=1e-14 * np.abs(ref).max())


@pytest.mark.parametrize("nf", [400, 500])
def test_lomb_scargle_on_both_grid_kinds_equals_direct_twin(nf):
    """400 frequencies take the 1,536-point grid (3 x 512), 500 the 2,048-point one (1,536 <
    1.9 x 1,001 modes): both equal the classical periodogram summed term by term."""
    rng = np.random.default_rng(nf)
    t = 2.0 + np.cumsum(rng.uniform(0.6, 1.1, 380))
    y = 800 + 25 * np.sin(2 * np.pi * 0.27 * t) + 8 * rng.standard_normal(t.size)
    f, P = L.lomb_scargle(t, y, 0.001, nf)
    yc = y - y.mean()
    w = 2 * np.pi * f[:, None]
    tau = np.arctan2(np.sin(2 * w * t).sum(1), np.cos(2 * w * t).sum(1))[:, None] / (2 * w)
    c, s = np.cos(w * (t - tau)), np.sin(w * (t - tau))
    ref = 0.5 * ((yc * c).sum(1) ** 2 / (c * c).sum(1) + (yc * s).sum(1) ** 2 / (s * s).sum(1))
    np.testing.assert_allclose(P, ref, rtol=1e-9, atol=1e-12 * ref.max())


@pytest.mark.parametrize("n", [4, 64, 1000, 1024, 4096])
def test_twiddles_equal_numpy(n):
    """Twiddles from the import-time table (n divides COS_TABLE_N) or from n/4 + 1
    cosines (1000, 4096); the Hann window built from them is checked against SciPy by
    the Welch tests (tests/test_hrv_freq.py)."""
    wr, wi = F._twiddles(n)
    ref = np.exp(-2j * np.pi * np.arange(n // 2) / n)
    np.testing.assert_allclose(wr + 1j * wi, ref, rtol=0, atol=1e-15)
