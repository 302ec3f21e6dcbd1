"""Contract leftovers of session 17 in geoecg.features.af and DelineationSettings: bad
arguments give a ValueError/TypeError naming the argument (and, for the settings, the field
and its range); legal settings and out-of-signal R-peaks keep working. Same table format as
tests/test_robust_features_leads.py.

The cases in ``FIXED`` failed on the code before (a crash, a message naming nothing, or a
silent acceptance); the cases in ``HELD`` already passed and are kept because each asserts
the name in the message.
"""

from __future__ import annotations

import numpy as np
import pytest

FS = 300.0

FIXED = (
    "fit_af_templates min_count 0",
    "fit_af_templates min_count -1",
    "fit_af_templates min_count text",
    "af_window_stats min_intervals 0",
    "af_window_stats min_intervals -1",
    "af_window_stats min_intervals 1.5",
    "af_crop_features seed text",
    "af_crop_features seed -1",
    "af_crop_features min_s -1",
    "crop_bounds index 1.5",
    "DelineationSettings qrs_pre_ms -1",
    "DelineationSettings qrs_on_hi 2",
    "DelineationSettings slope_win_ms NaN",
    "DelineationSettings t_b -1",
    "DelineationSettings p_dominance text",
    "DelineationSettings p_af_irr NaN",
    "DelineationSettings qrs_band_hz reversed",
    "DelineationSettings shift_ms 11 values",
)
HELD = ("DelineationSettings unknown field",)


def _cases() -> dict:
    from geoecg.features import DelineationSettings as DS
    from geoecg.features.af.crops import af_crop_features, crop_bounds
    from geoecg.features.af.windows import af_window_stats, fit_af_templates

    W = np.random.default_rng(0).normal(620.0, 60.0, size=(50, 12))  # RR windows, ms
    y = np.ones(50, dtype=bool)
    sig = [np.random.default_rng(1).standard_normal(9000)]  # 30 s at 300 Hz

    def crops(**kw):
        return lambda: af_crop_features(sig, FS, 1, 0.7, **kw)

    fixed = {
        "fit_af_templates min_count 0": (lambda: fit_af_templates(W, y, min_count=0), "min_count"),
        "fit_af_templates min_count -1": (
            lambda: fit_af_templates(W, y, min_count=-1),
            "min_count",
        ),
        "fit_af_templates min_count text": (
            lambda: fit_af_templates(W, y, min_count="200"),
            "min_count",
        ),
        "af_window_stats min_intervals 0": (
            lambda: af_window_stats(W, min_intervals=0),
            "min_intervals",
        ),
        "af_window_stats min_intervals -1": (
            lambda: af_window_stats(W, min_intervals=-1),
            "min_intervals",
        ),
        "af_window_stats min_intervals 1.5": (
            lambda: af_window_stats(W, min_intervals=1.5),
            "min_intervals",
        ),
        "af_crop_features seed text": (crops(seed="x"), "seed"),
        "af_crop_features seed -1": (crops(seed=-1), "seed"),
        "af_crop_features min_s -1": (crops(min_s=-1), "min_s"),
        "crop_bounds index 1.5": (lambda: crop_bounds(9000, FS, 1, 0.7, index=1.5), "index"),
        "DelineationSettings qrs_pre_ms -1": (
            lambda: DS(qrs_pre_ms=-1),
            r"qrs_pre_ms must be a finite number >= 0 \(ms\)",
        ),
        "DelineationSettings qrs_on_hi 2": (
            lambda: DS(qrs_on_hi=2.0),
            r"qrs_on_hi must be a fraction in \[0, 1\]",
        ),
        "DelineationSettings slope_win_ms NaN": (
            lambda: DS(slope_win_ms=np.nan),
            r"slope_win_ms must be a finite number >= 0",
        ),
        "DelineationSettings t_b -1": (lambda: DS(t_b=-1.0), "t_b must be"),
        "DelineationSettings p_dominance text": (lambda: DS(p_dominance="0.8"), "p_dominance"),
        "DelineationSettings p_af_irr NaN": (lambda: DS(p_af_irr=np.nan), "p_af_irr"),
        "DelineationSettings qrs_band_hz reversed": (
            lambda: DS(qrs_band_hz=(40.0, 0.5)),
            "DelineationSettings.qrs_band_hz must satisfy 0 < low < high",
        ),
        "DelineationSettings shift_ms 11 values": (
            lambda: DS(shift_ms=(0.0,) * 11),
            "shift_ms must hold 12 values",
        ),
    }
    held = {
        "DelineationSettings unknown field": (lambda: DS(qrs_pre=85.0), "qrs_pre"),
    }
    return {"fixed": fixed, "held": held}


@pytest.mark.parametrize("group, case", [("fixed", c) for c in FIXED] + [("held", c) for c in HELD])
def test_bad_input_is_named(group, case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    cases = _cases()[group]
    assert set(cases) == set(FIXED if group == "fixed" else HELD)
    func, named = cases[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_legal_settings_still_construct_and_run():
    """The defaults, the documented 'off' values (0; p_af_irr inf), NumPy scalars, an
    unbounded upper band edge and the whole-valued fractions 0 and 1 stay legal, and
    delineate runs with them."""
    from geoecg.features import DelineationSettings, delineate
    from geoecg.simulate import synthesize_ecg

    for kw in (
        {},
        {"p_flutter_r": 0.0, "p_lead_rel": 0.0, "p_rec_rr": 0.0, "t_lead_rel": 0.0},
        {"qrs_spike_k": 0.0, "p_af_irr": np.inf, "qrs_on_hi": 1, "qrs_on_lo": 0},
        {"qrs_pre_ms": np.float32(85.0), "slope_win_ms": np.int64(60)},
        {"wave_band_hz": (0.5, np.inf), "shift_ms": np.zeros(12)},
    ):
        DelineationSettings(**kw)
    x = synthesize_ecg(fs=500.0, duration_s=10, random_state=0)[1]
    st = DelineationSettings(wave_band_hz=(0.5, np.inf), p_af_irr=np.inf)
    d = delineate(x, 500.0, settings=st)
    assert d.samples.shape[0] >= 5 and np.isfinite(d.samples).any()


def test_atrial_rpeaks_outside_the_signal_are_ignored():
    """atrial_activity_features documents that R-peaks outside the signal are ignored: the
    result with extra out-of-range indices (negative, past the end) equals the result
    without them, and is not all NaN; R-peaks all outside give NaN (too few beats)."""
    from geoecg.features import detect_rpeaks
    from geoecg.features.af.atrial import atrial_activity_features
    from geoecg.simulate import synthesize_ecg

    x = synthesize_ecg(fs=FS, duration_s=20, random_state=0)[1]
    r = np.asarray(detect_rpeaks(x, FS).indices)
    base = atrial_activity_features(x, FS, r)
    assert np.isfinite(base).sum() >= 6
    extra = np.concatenate([[-500, -1], r, [x.size, x.size + 10_000]])
    np.testing.assert_array_equal(atrial_activity_features(x, FS, extra), base)
    assert np.isnan(atrial_activity_features(x, FS, [x.size + 100_000])).all()
    with pytest.raises(ValueError, match="rpeaks"):
        atrial_activity_features(x, FS, [10.5])
