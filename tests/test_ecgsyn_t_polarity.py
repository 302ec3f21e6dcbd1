"""T polarity of the ECGSYN generator and its exact truth (issue 22 (c): inverted and biphasic T).

``synthesize_ecg(t_polarity=...)`` and ``ecgsyn_wave_times(t_polarity=...)`` must agree: the
truth's T peak is the spatial-magnitude maximum of the generated strip, an inverted T keeps the
upright T's times and flips its sign, a biphasic T has two lobes of opposite sign inside the
truth's T window; ``ecgsyn_truth`` scores the delineator on the new axis.
"""

import numpy as np
import pytest

from geoecg.features.delineation_protocols import ecgsyn_truth
from geoecg.simulate import synthesize_ecg
from geoecg.simulate.wave_truth import ecgsyn_wave_times

FS = 500.0


def _clean(hr, pol):
    return synthesize_ecg(fs=FS, duration_s=10.0, hr_bpm=hr, hrv_lf=0.0, hrv_hf=0.0,
                          baseline_mv=0.0, random_state=0, t_polarity=pol)  # fmt: skip


@pytest.mark.parametrize("hr", [45, 75, 110])
@pytest.mark.parametrize("pol", ["inverted", "biphasic"])
def test_truth_t_peak_is_the_generated_maximum(hr, pol):
    t = ecgsyn_wave_times(fs=FS, duration_s=10.0, hr_bpm=hr, t_polarity=pol)
    mag = np.linalg.norm(_clean(hr, pol), axis=0)
    for v in t["T_peak"].to_numpy():
        lo = int(v) - 25
        assert abs(lo + np.argmax(mag[lo : lo + 51]) - v) <= 4, v  # 1-s relaxation: a few ms
    assert np.all(t["T_on"] < t["T_peak"]) and np.all(t["T_peak"] < t["T_off"])
    assert np.all(t["T_on"] > t["QRS_off"])


@pytest.mark.parametrize("hr", [45, 90])
def test_inverted_t_same_times_opposite_sign(hr):
    up = ecgsyn_wave_times(fs=FS, duration_s=10.0, hr_bpm=hr)
    inv = ecgsyn_wave_times(fs=FS, duration_s=10.0, hr_bpm=hr, t_polarity="inverted")
    assert inv.equals(up)
    xu, xi = _clean(hr, "upright"), _clean(hr, "inverted")
    tp = up["T_peak"].round().astype(int).to_numpy()
    for lead in (1, 9, 10):  # II, V4, V5: upright T of 0.2-0.4 mV
        assert np.all(xu[lead, tp] > 0.15) and np.all(xi[lead, tp] < -0.15)
    r = up["R_peak"].round().astype(int).to_numpy()
    assert np.allclose(xu[:, r], xi[:, r], atol=0.25)  # QRS kept (the T's relaxation tail)


def test_biphasic_t_has_two_lobes_inside_the_truth_window():
    t = ecgsyn_wave_times(fs=FS, duration_s=10.0, hr_bpm=60, t_polarity="biphasic")
    up = ecgsyn_wave_times(fs=FS, duration_s=10.0, hr_bpm=60)
    x = _clean(60, "biphasic")[1]  # lead II
    for on, pk, off in t[["T_on", "T_peak", "T_off"]].round().astype(int).to_numpy():
        seg = x[on : off + 1]
        first, second = seg[: pk - on].min(), x[pk]
        assert first < -0.1 and second > 0.15  # negative lobe, then the positive peak
        assert int(np.argmin(seg)) < pk - on
    # the lobes sit inside the upright T's span: a shorter wave, the same centre
    assert np.all(t["T_on"] > up["T_on"]) and np.all(t["T_off"] < up["T_off"])


def test_ecgsyn_truth_on_the_polarity_axis():
    rows = ecgsyn_truth(hrs=(60,), widths=(1.0,), noises_mv=(0.0,),
                        t_polarities=("inverted", "biphasic"))  # fmt: skip
    assert [r["t_polarity"] for r in rows] == ["inverted", "biphasic"]
    for r in rows:  # (one beat of ten has no T match, in the upright strip too)
        assert r["QRS_on"]["se"] == 100.0 and r["QRS_on"]["ppv"] == 100.0 and not r["overlap"]
        assert r["T_peak"]["se"] >= 90.0 and r["T_off"]["se"] >= 90.0
        assert abs(r["T_peak"]["mean_ms"]) < 10 and r["T_peak"]["sd_ms"] < 5
    assert ecgsyn_truth(hrs=(60,), widths=(1.0,), noises_mv=(0.0,))[0]["t_polarity"] == "upright"


@pytest.mark.parametrize("bad", ["flat", "", None, 1])
def test_bad_t_polarity(bad):
    with pytest.raises(ValueError, match="t_polarity must be one of"):
        synthesize_ecg(fs=100, duration_s=1, t_polarity=bad)
    with pytest.raises(ValueError, match="t_polarity must be one of"):
        ecgsyn_wave_times(fs=100, duration_s=1, hr_bpm=60, t_polarity=bad)
