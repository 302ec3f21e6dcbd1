"""Rule AA (delineation registry item 32): the relaxed record-window P search in beats whose
rule M2 vote failed, guarded by the amplitude of the lead's own P waves."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features import _delineation_p as dp
from geoecg.features.delineation import FIDUCIALS, delineate

FS = 500.0
PPK = FIDUCIALS.index("P_peak")


def _beats(rr_s, p_mask, seed, fs=FS):
    """QRS, T and (where ``p_mask``) P Gaussians at the given RR intervals, 0.005-mV noise."""
    rs = 0.6 + np.r_[0.0, np.cumsum(rr_s)]
    t = np.arange(int((rs[-1] + 0.6) * fs)) / fs
    x = 0.005 * np.random.default_rng(seed).normal(size=t.size)
    for r, has_p in zip(rs, p_mask, strict=True):
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3) + (g(-0.16, 0.022, 0.15) if has_p else 0.0)
    return x, np.round(rs * fs).astype(np.int64)


def _dropped_p(seed):
    """Three leads, 20 beats at 60 bpm, no P in every third beat (item 24's strip)."""
    mask = np.arange(20) % 3 != 1
    xs = []
    for j, k in enumerate((1.0, 0.9, 1.1)):
        x, rp = _beats([1.0] * 19, mask, seed=10 * seed + j)
        xs.append(k * x)
    return np.vstack(xs), rp, mask


@pytest.mark.parametrize("seed", [0, 1])
def test_no_p_invented_in_beats_without_one(seed):
    x, rp, mask = _dropped_p(seed)
    d = delineate(x, FS, rp)
    assert not np.isfinite(d.samples[~mask, PPK]).any()
    assert not np.isfinite(d.lead_samples[:, ~mask, PPK]).any()
    assert np.isfinite(d.samples[mask, PPK]).all()


def test_the_amplitude_guard_is_what_stops_it(monkeypatch):
    """Without the guard the relaxed search reads the filter's ringing as a P (item 24)."""
    x, rp, mask = _dropped_p(0)
    calls = []
    orig = dp._relaxed_fallback

    def spy(*args, **kwargs):
        calls.append(int(args[2].sum()))
        return orig(*args, **kwargs)

    monkeypatch.setattr(dp, "_relaxed_fallback", spy)
    d = delineate(x, FS, rp)
    assert calls == [int((~mask).sum())]  # the fallback runs on every beat without a P
    assert not np.isfinite(d.samples[~mask, PPK]).any()
    monkeypatch.setattr(dp, "_FALLBACK_AMP", 0.0)
    loose = delineate(x, FS, rp)
    assert np.isfinite(loose.samples[~mask, PPK]).any()
    np.testing.assert_array_equal(loose.samples[mask], d.samples[mask])


def test_amplitude_of_missing_p_is_nan():
    xw = np.zeros((1, 50))
    xw[0, 20] = 0.1
    pos = np.full((1, 2, len(FIDUCIALS)), np.nan)
    pos[0, 0, [FIDUCIALS.index("P_on"), PPK, FIDUCIALS.index("P_off")]] = [10, 20, 30]
    amp = dp._p_amplitude(xw, pos, np.zeros(len(FIDUCIALS)))
    assert amp[0, 0] == pytest.approx(0.1) and np.isnan(amp[0, 1])
