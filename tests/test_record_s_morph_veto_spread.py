"""The QRS veto of the default beat model (registry item 35) on a record whose QRS
correlations have almost no spread: a noise-free record (simulated or digitally clean) has a
robust SD near 1e-7, so without a floor on the spread every S call whose window differs by
1e-5 from the template became V (found by the session-26 review). The veto's robust SD is at
least ``MIN_QRS_CORR_SD``: premature beats with the dominant QRS keep their S calls, a beat
with a foreign QRS is still vetoed, and on real MIT-BIH records (spread >= 1.36e-3) the
calls are those of the registered expression."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.estimators.record_s_floor import (
    MIN_QRS_CORR_SD,
    S_MORPH_CANDIDATES,
    _qrs_corr_columns,
    _vetoed,
    prematurity_floor,
)
from geoecg.features.beat_dominant import record_beat_table

FS = 360.0


def _beat(width):
    t = np.arange(int(0.9 * FS)) / FS - 0.3
    return (
        0.15 * np.exp(-(((t + 0.18) / 0.025) ** 2))
        + np.exp(-((t / width) ** 2))
        - 0.2 * np.exp(-(((t - 0.03) / 0.01) ** 2))
        + 0.3 * np.exp(-(((t - 0.25) / 0.05) ** 2))
    )


def _clean_record(noise_mv, rng):
    """300 beats, every 10th premature (S, dominant QRS), every 50th (from 25) wide (V-like)."""
    narrow, wide = _beat(0.012), _beat(0.045)
    pos, rpk, kind = 400, [], []
    for i in range(300):
        k = "W" if i % 50 == 25 else ("S" if i % 10 == 5 else "N")
        pos += int((0.8 if k == "N" else 0.5) * FS)
        rpk.append(pos)
        kind.append(k)
    x = np.zeros(rpk[-1] + 400)
    for p, k in zip(rpk, kind, strict=True):
        b = wide if k == "W" else narrow
        x[p - 108 : p - 108 + b.size] += b
    if noise_mv:
        x += rng.normal(0, noise_mv, x.size)
    tab = record_beat_table(x, np.array(rpk), FS)
    corr = np.asarray(tab.values)[:, _qrs_corr_columns([str(n) for n in tab.names])]
    return corr, np.array(kind)


@pytest.mark.parametrize("noise_mv", [0.0, 0.005, 0.02])
def test_clean_record_keeps_dominant_qrs_s_calls_and_vetoes_foreign_ones(noise_mv):
    corr, kind = _clean_record(noise_mv, np.random.default_rng(0))
    assert corr.shape[1] >= 1
    calls = np.where(kind == "N", 0, 1)  # every premature beat called S (N 0, S 1, V 2)
    for km in S_MORPH_CANDIDATES[1:]:
        out = _vetoed(calls, corr, km, 1, 2, 20)
        assert (out[kind == "S"] == 1).all(), (noise_mv, km)
        assert (out[kind == "W"] == 2).all(), (noise_mv, km)
        assert (out[kind == "N"] == 0).all()


def test_spread_floor_only_where_the_spread_is_below_it():
    rng = np.random.default_rng(1)
    wide = 0.9 + 0.01 * rng.normal(size=200)
    # above the floor: the registered expression, bit for bit
    m = float(np.median(wide))
    mad = float(np.median(np.abs(wide - m)))
    f, why = prematurity_floor(wide, 10.0, min_sd=MIN_QRS_CORR_SD)
    assert why is None and f == m - 10.0 * 1.4826 * mad
    assert f == prematurity_floor(wide, 10.0)[0]
    # below it: median - k * min_sd
    tight = 1.0 - 1e-8 * rng.random(200)
    f2, _ = prematurity_floor(tight, 10.0, min_sd=MIN_QRS_CORR_SD)
    assert f2 == pytest.approx(float(np.median(tight)) - 10.0 * MIN_QRS_CORR_SD)
    assert prematurity_floor(tight, 10.0)[0] > f2


def test_real_records_spread_is_above_the_floor(mitdb_dir):
    """On MIT-BIH records the guard is inactive: every column's robust SD exceeds it, so the
    veto's calls are those of the registered expression."""
    import wfdb

    for rec in ("122", "223"):
        r = wfdb.rdrecord(str(mitdb_dir / rec), sampto=int(360 * 600))
        a = wfdb.rdann(str(mitdb_dir / rec), "atr", sampto=int(360 * 600))
        beats = np.isin(np.asarray(a.symbol), list("NLRejAaJSVEF/fQ"))
        rp = np.asarray(a.sample)[beats]
        rp = rp[(rp > 200) & (rp < r.sig_len - 400)]
        tab = record_beat_table(r.p_signal.T, rp, float(r.fs))
        corr = np.asarray(tab.values)[:, _qrs_corr_columns([str(n) for n in tab.names])]
        assert corr.shape[1] >= 1
        for c in corr.T:
            c = c[np.isfinite(c)]
            sd = 1.4826 * np.median(np.abs(c - np.median(c)))
            assert sd > MIN_QRS_CORR_SD, (rec, sd)


@pytest.mark.parametrize("bad", [-1e-4, float("nan"), float("inf"), True, "5e-4", None])
def test_min_sd_must_be_a_finite_number_at_least_0(bad):
    """``min_sd`` (0206a00) was taken as given: a negative or NaN value turned the guard off
    silently, ``inf`` gave a floor of -inf (no veto), ``True`` counted as 1 (review, session
    26, helper 10)."""
    rr = np.ones(30)
    with pytest.raises((ValueError, TypeError), match="min_sd"):
        prematurity_floor(rr, 5.0, min_sd=bad)
    with pytest.raises((ValueError, TypeError), match="min_sd"):  # also with too few beats
        prematurity_floor(rr[:3], 5.0, min_sd=bad)
    assert prematurity_floor(rr, 5.0, min_sd=np.float32(MIN_QRS_CORR_SD))[0] == pytest.approx(
        1.0 - 5.0 * float(np.float32(MIN_QRS_CORR_SD))
    )
    assert prematurity_floor(rr, 5.0, min_sd=0)[0] == 1.0  # an int 0: no guard
