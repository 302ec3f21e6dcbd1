"""STAR augmentation (Nemati 2025): the published properties, checked on synthetic and real data."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features import star_augment, star_coefficients


def _spiky(n=4000, peaks=None, n_leads=2, seed=0):
    rng = np.random.default_rng(seed)
    peaks = np.asarray(peaks if peaks is not None else np.arange(150, 3800, 310), np.int64)
    x = 0.02 * rng.normal(size=(n_leads, n))
    for p in peaks:
        x[:, p] += np.arange(1, n_leads + 1)  # R spike, different height per lead
    return x, peaks


def test_coefficients_follow_the_published_formula():
    for K in (2, 5, 37):
        raw, c = star_coefficients(K)
        k = np.arange(1, K + 1)
        y = np.sin(5 + 2 * k / K)
        expected = 0.8 + 0.5 * (y - y.min()) / (y.max() - y.min())
        np.testing.assert_allclose(raw, expected)
        assert raw.min() >= 0.8 - 1e-12 and raw.max() <= 1.3 + 1e-12
        assert raw.min() == pytest.approx(0.8) and raw.max() == pytest.approx(1.3)
        assert c.mean() == pytest.approx(1.0)
        np.testing.assert_allclose(c, raw / raw.mean())
    assert star_coefficients(1)[0].tolist() == [1.0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_length_head_tail_and_peaks(seed):
    rng = np.random.default_rng(seed)
    rr = rng.integers(250, 380, size=12)
    peaks = 200 + np.concatenate([[0], np.cumsum(rr)])
    x, peaks = _spiky(n=int(peaks[-1]) + 300, peaks=peaks, seed=seed)
    out = star_augment(x, peaks)
    assert out.signal.shape == x.shape
    np.testing.assert_array_equal(out.signal[:, : peaks[0]], x[:, : peaks[0]])
    # the tail starts with the last R-peak, unscaled, and ends with the last sample
    np.testing.assert_array_equal(out.signal[:, out.rpeaks[-1]], x[:, peaks[-1]])
    np.testing.assert_array_equal(out.signal[:, -1], x[:, -1])
    assert out.rpeaks.size == peaks.size
    assert out.rpeaks[0] == peaks[0]
    np.testing.assert_array_equal(np.diff(out.rpeaks), out.lengths)
    # each R-peak lands on a sample and is scaled by its own segment's factor (all leads)
    for k in range(peaks.size - 1):
        expected = x[:, peaks[k]] * out.coefficients[k]
        np.testing.assert_allclose(out.signal[:, out.rpeaks[k]], expected)


def test_tail_unchanged_when_lengths_add_up():
    # equal RR: L_bar integer; find a K for which the rounded lengths sum to K * L_bar
    for K in range(3, 40):
        raw, c = star_coefficients(K)
        if np.round(300 * c).sum() == 300 * K:
            break
    else:  # pragma: no cover
        pytest.fail("no K with exact rounding")
    peaks = 100 + 300 * np.arange(K + 1)
    x, peaks = _spiky(n=int(peaks[-1]) + 257, peaks=peaks)
    out = star_augment(x, peaks)
    np.testing.assert_array_equal(out.signal[:, peaks[-1] :], x[:, peaks[-1] :])


def test_duration_and_amplitude_scale_by_the_same_factor():
    """Every segment holds one identical beat shape; its output copy is stretched in time
    and scaled in amplitude by c_k (up to rounding of the length)."""
    L = 360
    shape = np.sin(np.pi * np.arange(L) / L) ** 2  # smooth 'beat' between two R-peaks
    K = 10
    x = np.concatenate([np.zeros(50), np.tile(shape, K), np.zeros(200)])[None, :]
    peaks = 50 + L * np.arange(K + 1)
    out = star_augment(x, peaks)
    for k in range(K):
        seg = out.signal[0, out.rpeaks[k] : out.rpeaks[k + 1]]
        c = out.coefficients[k]
        assert seg.size / L == pytest.approx(c, abs=1.0 / L)  # duration factor
        assert seg.max() / shape.max() == pytest.approx(c, rel=1e-3)  # amplitude factor
        # the half-maximum width scales with the same factor
        width = np.count_nonzero(seg >= c * 0.5)
        assert width / np.count_nonzero(shape >= 0.5) == pytest.approx(c, rel=0.02)


def test_random_variant_is_seeded_and_differs():
    x, peaks = _spiky()
    a = star_augment(x, peaks, variant="random", random_state=1)
    b = star_augment(x, peaks, variant="random", random_state=1)
    c = star_augment(x, peaks, variant="random", random_state=2)
    np.testing.assert_array_equal(a.signal, b.signal)
    assert not np.array_equal(a.coefficients, c.coefficients)
    assert a.signal.shape == x.shape
    assert a.raw_coefficients.min() >= 0.8 - 1e-12 and a.raw_coefficients.max() <= 1.3 + 1e-12


def test_degenerate_and_bad_input():
    x = np.arange(100.0)
    same = star_augment(x, [40])
    np.testing.assert_array_equal(same.signal[0], x)
    assert star_augment(x, []).coefficients.size == 0
    gap = np.sin(np.arange(3000) / 20.0)
    gap[1000:1050] = np.nan  # NaN gaps stay local: no crash, length kept
    out = star_augment(gap, np.arange(100, 2900, 300))
    assert out.signal.shape == (1, 3000) and np.isfinite(out.signal).mean() > 0.9
    ro = np.sin(np.arange(2000) / 10.0)[::2]
    ro.setflags(write=False)
    assert star_augment(ro, [100, 400, 700]).signal.shape == (1, 1000)
    with pytest.raises(ValueError, match="variant"):
        star_augment(x, [10, 50], variant="nope")
    with pytest.raises(ValueError, match="a_low < a_high"):
        star_augment(x, [10, 50], a_low=1.3, a_high=0.8)
    with pytest.raises(ValueError, match="strictly increasing"):
        star_augment(x, [50, 10])


def test_on_real_record_keeps_beat_count():
    from geoecg.datasets import sample_record_path
    from geoecg.io import beat_annotations, read_record
    from geoecg.signal import bandpass

    rec = read_record(sample_record_path("mitdb_119"), sampto=360 * 30)
    x = bandpass(rec.signal, rec.fs, 0.5, 40.0)
    peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    out = star_augment(x, peaks)
    assert out.signal.shape == x.shape
    assert out.rpeaks.size == peaks.size
    np.testing.assert_array_equal(out.signal[:, : peaks[0]], x[:, : peaks[0]])
