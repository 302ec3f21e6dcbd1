"""Rule AC (registry item 35 of docs/benchmarks/delineation.md, session 25, issue 22).

Each P and T peak lies inside its wave: onset <= peak <= offset, per lead and for the
multi-lead global boundary. Before, on LUDB ``tune`` a lead's T peak lay after its T offset in
481 of 6,359 lead-beats (354 of them rule N's T offset copied from the global one) and the
global T onset after the global T peak in 7 of 530 beats, so T durations from ``table()``
could be negative. A peak outside its wave is moved to the nearer boundary.
"""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.features import delineate
from geoecg.features.delineation import FIDUCIALS, _peaks_in_order
from geoecg.simulate import synthesize_ecg

C = {f: i for i, f in enumerate(FIDUCIALS)}
WAVES = (("P_on", "P_peak", "P_off"), ("T_on", "T_peak", "T_off"))


def _out_of_order(s: np.ndarray) -> int:
    """Number of finite (onset, peak, offset) triples with onset > peak or peak > offset."""
    n = 0
    for on, pk, off in WAVES:
        a, p, b = s[..., C[on]], s[..., C[pk]], s[..., C[off]]
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(a) & np.isfinite(p) & np.isfinite(b)
            n += int((ok & ((a > p) | (p > b))).sum())
    return n


def test_peaks_moved_to_the_nearer_boundary_only_where_needed():
    s = np.full((5, len(FIDUCIALS)), np.nan)
    tri = [(100, 140, 180), (100, 200, 180), (100, 90, 180), (100, np.nan, 180), (190, 150, 180)]
    for i, (a, p, b) in enumerate(tri):
        s[i, [C["T_on"], C["T_peak"], C["T_off"]]] = a, p, b
    s[:, C["P_on"]], s[:, C["P_peak"]], s[:, C["P_off"]] = 10.0, 40.0, 30.0
    before = s.copy()
    _peaks_in_order(s)
    assert s[:, C["T_peak"]][:3].tolist() == [140.0, 180.0, 100.0]
    assert np.isnan(s[3, C["T_peak"]])  # NaN stays NaN
    assert s[4, C["T_peak"]] == 150.0  # onset after offset: left as it is
    assert (s[:, C["P_peak"]] == 30.0).all()
    other = [c for c in range(len(FIDUCIALS)) if c not in (C["T_peak"], C["P_peak"])]
    np.testing.assert_array_equal(s[:, other], before[:, other])


@pytest.mark.parametrize(("fs", "hr"), [(500.0, 60), (500.0, 180), (250.0, 75), (100.0, 75)])
def test_every_peak_inside_its_wave_on_ecgsyn(fs, hr):
    x = synthesize_ecg(fs=fs, duration_s=10, hr_bpm=hr, random_state=2)
    d = delineate(x, fs)
    assert np.isfinite(d.samples[:, C["T_peak"]]).sum() > 3
    assert _out_of_order(d.samples) == 0
    assert _out_of_order(d.lead_samples) == 0


def test_degenerate_inputs_keep_the_order_and_do_not_crash():
    x = synthesize_ecg(fs=500.0, duration_s=10, hr_bpm=75, random_state=3)
    flat = x.copy()
    flat[0] = 0.0
    gap = x.copy()
    gap[:, 2000:2300] = np.nan
    three = x[:, :2100]
    for y in (flat, gap, three):
        d = delineate(y, 500.0)
        assert _out_of_order(d.samples) == 0
        assert _out_of_order(d.lead_samples) == 0
    assert np.isnan(delineate(flat, 500.0).lead_samples[0]).all()


def test_ludb_tune_record_with_late_t_peaks(ludb_dir):
    from geoecg.io import LUDB, LUDB_LEADS

    rec = LUDB(ludb_dir).read("57")  # tune record whose global T onset lay after its T peak
    d = delineate(rec.signal, rec.fs, leads=LUDB_LEADS)
    assert np.isfinite(d.samples[:, C["T_peak"]]).sum() > 5
    assert _out_of_order(d.samples) == 0
    assert _out_of_order(d.lead_samples) == 0
    t = d.table().pivot_table(index=["beat", "lead"], columns="fiducial", values="time_ms")
    t_peak_to_off = (t["T_off"] - t["T_peak"]).dropna()
    assert len(t_peak_to_off) > 50
    assert (t_peak_to_off >= 0).all()  # a T duration from table() is never negative
