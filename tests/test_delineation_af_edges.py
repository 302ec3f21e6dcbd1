"""Rule AF (registry item 39) on edge inputs, from the review of session 27 (helper 10):
stimuli in the first and last beat, a record starting just before a stimulus, float32,
NaN next to a stimulus, one and twelve leads, 250 and 1000 Hz. No exception, the R-peaks kept,
and every beat where rule T found a stimulus reads its QRS onset no earlier than the stimulus
(less the QRS-onset shift): rule AF may start the window before rule T's +``qrs_spike_ms``, never
before the stimulus itself."""

from __future__ import annotations

import numpy as np
import pytest
from test_clinical_degenerate import _gauss_beats

import geoecg.features.delineation as dl
from geoecg.features.delineation import FIDUCIALS, DelineationSettings, delineate

COL = {f: i for i, f in enumerate(FIDUCIALS)}


def _case(name, fs):
    x, rp = _gauss_beats(p=False, spike=2.0, spike_s=-0.05, fs=fs)
    if name == "one_lead":
        return x[1], rp
    if name == "twelve_leads":
        return np.vstack([x] * 4) * np.repeat([1.0, -0.7, 0.5, 1.2], 3)[:, None], rp
    if name == "float32":
        return x.astype(np.float32), rp
    if name == "nan_after_stimulus":
        k = int(rp[3] - 0.05 * fs)
        x[:, k + 2 : k + 6] = np.nan
        return x, rp
    if name == "starts_before_a_stimulus":
        s = int(rp[1] - 0.05 * fs) - 3
        return x[:, s:], rp[1:] - s
    if name == "ends_after_the_last_qrs":
        e = int(rp[-1] + 0.06 * fs)
        return x[:, :e], rp
    return x, rp


@pytest.mark.parametrize("fs", [250.0, 1000.0])
@pytest.mark.parametrize(
    "name",
    [
        "three_leads",
        "one_lead",
        "twelve_leads",
        "float32",
        "nan_after_stimulus",
        "starts_before_a_stimulus",
        "ends_after_the_last_qrs",
    ],
)
def test_rule_af_window_never_starts_before_the_stimulus(name, fs, monkeypatch):
    seen = {}
    orig = dl._spike_starts

    def spy(*args, **kwargs):
        seen["spk"] = out = orig(*args, **kwargs)
        return out

    monkeypatch.setattr(dl, "_spike_starts", spy)
    st = DelineationSettings()
    x, rp = _case(name, fs)
    d = delineate(x, fs, rp, settings=st)
    np.testing.assert_array_equal(d.rpeaks, rp)
    wfs_up = dl.working_factor(fs)
    spk = seen["spk"]
    stim = spk >= 0
    assert stim.sum() >= len(rp) // 2  # rule T fires on these beats
    xs = round(st.qrs_spike_ms * fs * wfs_up / 1000.0)
    p = (spk[stim] - xs) / wfs_up  # the stimulus, in samples at fs
    floor = p + st.shift_ms[COL["QRS_on"]] * fs / 1000.0
    on = d.samples[stim, COL["QRS_on"]]
    assert np.all(np.isfinite(on[1:-1]))
    assert np.all(on[np.isfinite(on)] >= floor[np.isfinite(on)] - 1e-9)
    lead_on = d.lead_samples[:, stim, COL["QRS_on"]]
    ok = np.isfinite(lead_on)
    assert np.all(lead_on[ok] >= np.broadcast_to(floor, lead_on.shape)[ok] - 1e-9)
