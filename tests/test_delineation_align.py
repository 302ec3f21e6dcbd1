"""Rule AG (registry items 40, 41): the global QRS onset drawn halfway to the aligned one."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels import delineation as _k
from geoecg.features import _delineation_align as al
from geoecg.features import delineate
from geoecg.simulate import synthesize_ecg

FS = 500.0


def _beats(n_beats=8, shift=None, fs=FS, n_leads=3, seed=0):
    """QRS-band-like signal of identical beats at R-peaks ``rpw`` (shifted by ``shift``)."""
    rng = np.random.default_rng(seed)
    rr = int(0.8 * fs)
    n = rr * (n_beats + 1)
    t = np.arange(n)
    rpw = np.arange(1, n_beats + 1) * rr
    shift = np.zeros(n_beats, dtype=int) if shift is None else np.asarray(shift)
    x = np.zeros((n_leads, n))
    for b, r in enumerate(rpw):
        c = r + shift[b]
        for j in range(n_leads):
            a = 1.0 + 0.3 * j
            x[j] += a * np.exp(-0.5 * ((t - c) / (0.01 * fs)) ** 2)
            x[j] -= 0.3 * a * np.exp(-0.5 * ((t - c + 0.02 * fs) / (0.006 * fs)) ** 2)
    x += 1e-4 * rng.normal(size=x.shape)
    return x, rpw.astype(np.int64)


def _g(rpw, onsets):
    g = np.full((rpw.size, 12), np.nan)
    g[:, _k.F_QON] = onsets
    return g


def test_jitter_about_the_aligned_onset_is_halved():
    shift = np.array([0, 3, -2, 5, 0, -4, 1, 2])
    x, rpw = _beats(shift=shift)
    true_on = rpw + shift - 20
    jitter = np.array([4.0, -6.0, 2.0, 0.0, -2.0, 6.0, -4.0, 0.0])
    g = _g(rpw, true_on + jitter)
    al.align_qrs_onsets(x, g, rpw, np.full(rpw.size, -1), np.arange(3), FS)
    dev = g[:, _k.F_QON] - true_on
    assert np.allclose(dev - np.median(dev), 0.5 * (jitter - np.median(jitter)), atol=1e-9)


def test_unlike_beats_stimulated_beats_and_nan_keep_their_onsets():
    x, rpw = _beats()
    other = 3
    x[:, rpw[other] - 60 : rpw[other] + 60] *= -1.0  # inverted complex: correlation -1
    x[:, rpw[5] - 5] = np.nan  # a gap inside beat 5's segment
    spk = np.full(rpw.size, -1)
    spk[6] = rpw[6] - 40  # a pacing stimulus in beat 6
    on = rpw - 20.0 + np.array([4, -6, 2, 9, -2, 7, -8, 0])
    g = _g(rpw, on.copy())
    al.align_qrs_onsets(x, g, rpw, spk, np.arange(3), FS)
    kept = [other, 5, 6]
    assert np.array_equal(g[kept, _k.F_QON], on[kept])
    moved = [b for b in range(rpw.size) if b not in kept]
    assert not np.array_equal(g[moved, _k.F_QON], on[moved])


def test_fewer_than_three_aligned_beats_change_nothing():
    x, rpw = _beats(n_beats=4)
    on = rpw - 20.0 + np.array([4, -6, 2, 9])
    g = _g(rpw, on.copy())
    g[:2, _k.F_QON] = np.nan  # two beats without a QRS onset: two left
    al.align_qrs_onsets(x, g, rpw, np.full(rpw.size, -1), np.arange(3), FS)
    assert np.array_equal(g[2:, _k.F_QON], on[2:])
    assert np.isnan(g[:2, _k.F_QON]).all()


def test_a_p_offset_after_the_moved_onset_is_cut_to_it():
    x, rpw = _beats()
    on = rpw - 20.0 + np.array([0, 0, 0, 0, 0, 0, 0, 10])
    g = _g(rpw, on.copy())
    g[:, _k.F_POFF] = on - 2.0
    al.align_qrs_onsets(x, g, rpw, np.full(rpw.size, -1), np.arange(3), FS)
    assert g[7, _k.F_QON] == pytest.approx(on[7] - 5.0)
    assert g[7, _k.F_POFF] == g[7, _k.F_QON]
    assert np.array_equal(g[:7, _k.F_POFF], on[:7] - 2.0)


def test_long_records_are_aligned_in_blocks():
    n_beats = 150
    shift = np.random.default_rng(1).integers(-4, 5, n_beats)
    x, rpw = _beats(n_beats=n_beats, shift=shift, n_leads=2)
    true_on = rpw + shift - 20
    jitter = np.random.default_rng(2).integers(-6, 7, n_beats).astype(float)
    g = _g(rpw, true_on + jitter)
    al.align_qrs_onsets(x, g, rpw, np.full(n_beats, -1), np.arange(2), FS)
    dev = g[:, _k.F_QON] - true_on
    assert np.std(dev) < 0.6 * np.std(jitter)
    assert np.isfinite(g[:, _k.F_QON]).all()


def test_delineate_is_unchanged_by_the_amplitude_unit():
    x = synthesize_ecg(fs=FS, duration_s=10, hr_bpm=70, random_state=4)
    a = delineate(x, FS)
    b = delineate(x * 1e-3, FS, a.rpeaks)
    np.testing.assert_allclose(a.samples[:, _k.F_QON], b.samples[:, _k.F_QON], atol=1e-6)


def _anchors_direct(x, rpw, half, lag):
    """Item 40's form: every lag's window centred, then correlated with the template."""
    span = np.arange(-half - lag, half + lag)
    seg = x[:, rpw[:, None] + span[None, :]]
    tpl = np.median(seg[:, :, lag : lag + 2 * half], axis=1)
    tpl = tpl - tpl.mean(axis=1, keepdims=True)
    win = np.lib.stride_tricks.sliding_window_view(seg, 2 * half, axis=2)
    win = win - win.mean(axis=3, keepdims=True)
    num = np.einsum("lkjs,ls->kj", win, tpl)
    den = np.sqrt(np.einsum("lkjs,lkjs->kj", win, win)) * np.sqrt(np.sum(tpl * tpl))
    c = num / den
    best = np.argmax(c, axis=1)
    return rpw + best - lag, c[np.arange(rpw.size), best]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_anchors_agree_with_the_centred_windows(seed):
    rng = np.random.default_rng(seed)
    shift = rng.integers(-8, 9, 10)
    x, rpw = _beats(n_beats=10, shift=shift, n_leads=4, seed=seed)
    x = x + 0.05 * rng.normal(size=x.shape) + 3.0  # noise and an offset the windows must remove
    a, c = al._anchors(x, rpw, 40, 10)
    a0, c0 = _anchors_direct(x, rpw, 40, 10)
    assert np.array_equal(a, a0)
    np.testing.assert_allclose(c, c0, rtol=0, atol=1e-12)
