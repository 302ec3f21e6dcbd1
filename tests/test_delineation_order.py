"""Fiducial order of delineate (rule AD, registry item 36 of the delineation benchmark page).

Among the finite values of a beat, per lead and globally:
P_on <= P_peak <= P_off <= QRS_on < QRS_off <= T_on <= T_peak <= T_off.
"""

import numpy as np
import pytest

from geoecg._kernels import delineation as _k
from geoecg.features import delineate
from geoecg.features._delineation_order import fiducials_in_order
from geoecg.features.delineation import FIDUCIALS, REASONS
from geoecg.simulate import synthesize_ecg

CHAIN = [FIDUCIALS.index(f) for f in
         ("P_on", "P_peak", "P_off", "QRS_on", "QRS_off", "T_on", "T_peak", "T_off")]  # fmt: skip
ORDER = REASONS.index("out_of_order")


def _violations(s):
    """Pairs (i < j in CHAIN) with both values finite and s_i > s_j (QRS_on >= QRS_off too)."""
    v = np.asarray(s)[..., CHAIN]
    n = 0
    with np.errstate(invalid="ignore"):
        for i in range(len(CHAIN)):
            for j in range(i + 1, len(CHAIN)):
                n += int(np.sum(v[..., i] > v[..., j]))
        n += int(np.sum(v[..., 3] >= v[..., 4]))
    return n


def _assert_in_order(d):
    assert _violations(d.lead_samples) == 0
    assert _violations(d.samples) == 0


@pytest.mark.parametrize("fs", [500.0, 250.0, 100.0])
@pytest.mark.parametrize("hr", [40, 60, 90, 120, 150, 180, 200])
def test_synthetic_ecgs_in_order(hr, fs):
    for seed, noise in ((0, 0.0), (1, 0.05)):
        x = synthesize_ecg(fs=fs, duration_s=10, hr_bpm=hr, noise_mv=noise, random_state=seed)
        d = delineate(x, fs)
        assert d.n_beats > 3
        _assert_in_order(d)
        t = d.table()
        # the reason says where a value was taken out; it is NaN there
        assert t.loc[t.reason == "out_of_order", "sample"].isna().all()


def _blank(n_leads=2, nb=1):
    s = np.full((n_leads, nb, len(FIDUCIALS)), np.nan)
    return s, np.zeros(s.shape, dtype=np.int8)


def test_lead_peak_after_offset_is_searched_again_inside_the_wave():
    xw = np.zeros((1, 400))
    xw[0, 200:261] = np.sin(np.linspace(0, np.pi, 61))  # a T wave peaking at sample 230
    s, r = _blank(1)
    s[0, 0, [_k.F_QON, _k.F_QOFF, _k.F_TON, _k.F_TPK, _k.F_TOFF]] = [50, 100, 200, 330, 260]
    g, gr = s[0].copy(), r[0].copy()
    fiducials_in_order(s, r, g, gr, xw, np.array([0]))
    assert s[0, 0, _k.F_TPK] == 230.0 and r[0, 0, _k.F_TPK] == 0
    # the global peak becomes the median of the leads' peaks inside the global wave
    assert g[0, _k.F_TPK] == 230.0 and gr[0, _k.F_TPK] == 0
    assert s[0, 0, _k.F_TON] == 200.0 and s[0, 0, _k.F_TOFF] == 260.0  # boundaries kept


def test_values_that_cannot_be_put_in_order_are_nan_with_a_reason():
    xw = np.zeros((2, 400))  # flat: no peak strictly inside any window
    s, r = _blank(2)
    s[:, 0, [_k.F_QON, _k.F_QOFF]] = [50, 100]
    s[0, 0, [_k.F_TON, _k.F_TPK, _k.F_TOFF]] = [250, 270, 230]  # onset after (copied) offset
    s[1, 0, [_k.F_TON, _k.F_TPK, _k.F_TOFF]] = [200, 300, 260]  # flat: no peak inside
    s[1, 0, [_k.F_PON, _k.F_PPK, _k.F_POFF]] = [20, 40, 60]  # P offset after the QRS onset
    g, gr = s[1].copy(), r[1].copy()
    g[0, _k.F_TPK] = 190.0  # global peak before the global onset, no lead peak inside
    fiducials_in_order(s, r, g, gr, xw, np.array([0, 1]))
    assert np.isnan(s[0, 0, [_k.F_TON, _k.F_TPK]]).all() and s[0, 0, _k.F_TOFF] == 230.0
    assert (r[0, 0, [_k.F_TON, _k.F_TPK]] == ORDER).all() and r[0, 0, _k.F_TOFF] == 0
    assert np.isnan(s[1, 0, _k.F_TPK]) and r[1, 0, _k.F_TPK] == ORDER
    assert s[1, 0, _k.F_PON] == 20.0 and s[1, 0, _k.F_PPK] == 40.0
    assert np.isnan(s[1, 0, _k.F_POFF]) and r[1, 0, _k.F_POFF] == ORDER
    assert np.isnan(g[0, _k.F_TPK]) and gr[0, _k.F_TPK] == ORDER
    assert _violations(s) == 0 and _violations(g) == 0


def test_values_in_order_are_not_moved():
    x = synthesize_ecg(fs=500.0, duration_s=10, hr_bpm=70, random_state=4)
    d = delineate(x, 500.0)
    s, r = np.array(d.lead_samples), np.array(d.lead_reasons)
    g, gr = np.array(d.samples), np.array(d.reasons)
    assert _violations(s) == 0 and (r != ORDER).all()
    xw = np.zeros((s.shape[0], x.shape[1]))  # unused where nothing is out of order
    fiducials_in_order(s, r, g, gr, xw, np.arange(s.shape[0]))
    np.testing.assert_array_equal(s, d.lead_samples)
    np.testing.assert_array_equal(g, d.samples)
    np.testing.assert_array_equal(r, d.lead_reasons)


@pytest.mark.parametrize(
    "case", ["flat_lead", "three_beats", "nan_gap", "all_flat", "one_s", "fs100"]
)  # fmt: skip
def test_degenerate_inputs_in_order(case):
    fs = 100.0 if case == "fs100" else 500.0
    x = synthesize_ecg(fs=fs, duration_s=10, hr_bpm=75, random_state=3)
    if case == "flat_lead":
        x[0] = 0.0
    elif case == "three_beats":
        x = x[:, :2100]
    elif case == "nan_gap":
        x[:, 2000:2300] = np.nan
    elif case == "all_flat":
        x = np.zeros_like(x)
    elif case == "one_s":
        x = x[:, :500]
    d = delineate(x, fs)
    _assert_in_order(d)


def test_ludb_record_in_order(ludb_dir):
    from geoecg.io import LUDB, LUDB_LEADS

    rec = LUDB(ludb_dir).read("57")  # tune record with T peaks after T offsets before rule AD
    d = delineate(rec.signal, rec.fs, leads=LUDB_LEADS)
    _assert_in_order(d)
    t = d.table().pivot_table(index=["lead", "beat"], columns="fiducial", values="time_ms")
    assert ((t["T_off"] - t["T_peak"]).dropna() >= 0).all()
    assert ((t["T_peak"] - t["T_on"]).dropna() >= 0).all()
