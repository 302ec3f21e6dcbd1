"""``ecgsyn_wave_times(t_off="tangent")``: the T offset where the tangent at the steepest
descent of the T's spatial magnitude meets zero (the trapezium reading), beside the default
5 %-level convention (delineation.md, the session-19 proposal on check (c)'s T-offset truth)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg.simulate.wave_truth import ecgsyn_wave_times


@pytest.mark.parametrize("hr", [40.0, 75.0, 120.0])
@pytest.mark.parametrize("pol", ["upright", "inverted"])
def test_tangent_t_offset_is_two_sd_after_the_peak(hr, pol):
    """A Gaussian T: the 5 % level lies sqrt(2 ln 20) = 2.448 SD after the peak, the tangent
    at the steepest descent (1 SD after it) meets zero at 2 SD; nothing else moves."""
    kw = {"fs": 500.0, "duration_s": 10.0, "hr_bpm": hr, "t_polarity": pol}
    lvl, tan = ecgsyn_wave_times(**kw), ecgsyn_wave_times(**kw, t_off="tangent")
    ratio = (tan["T_off"] - tan["T_peak"]) / (lvl["T_off"] - lvl["T_peak"])
    np.testing.assert_allclose(ratio, 2.0 / np.sqrt(2 * np.log(20.0)), atol=2e-3)
    assert np.all(tan["T_off"] < lvl["T_off"] - 0.015 * 500)  # at least 15 ms earlier
    others = [c for c in lvl.columns if c != "T_off"]
    np.testing.assert_array_equal(tan[others].to_numpy(), lvl[others].to_numpy())


def test_biphasic_t_keeps_the_level_convention():
    kw = {"fs": 500.0, "duration_s": 10.0, "hr_bpm": 60.0, "t_polarity": "biphasic"}
    np.testing.assert_array_equal(
        ecgsyn_wave_times(**kw, t_off="tangent").to_numpy(), ecgsyn_wave_times(**kw).to_numpy()
    )


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError, match="t_off must be 'level' or 'tangent'"):
        ecgsyn_wave_times(fs=500.0, duration_s=4.0, hr_bpm=60.0, t_off="5%")
