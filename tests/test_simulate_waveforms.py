"""Synthetic 12-lead ECG: the numba ECGSYN kernel against a NumPy twin, Dower projection,
the public generator and the waveform shift simulator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geoecg._kernels.ecgsyn import ecgsyn_dipole
from geoecg.simulate import (
    DOWER,
    LEADS,
    ECGWaveformSimulator,
    Environment,
    dipole_to_12lead,
    swap_arm_leads,
    synthesize_ecg,
    waveform_summary_features,
)


# ------------------------------------------------------------------ NumPy twin of the kernel
def _twin(omega, z0, theta_i, b_i, amp, dt, decim):
    """Slow, literal RK4 of McSharry's equations for each record (3 dipole components)."""
    n_rec, n_int = omega.shape
    n_out = -(-n_int // decim)
    out = np.zeros((n_rec, 3, n_out))
    for r in range(n_rec):
        a = amp[r] / b_i[r] ** 2

        def f(state, w, zb, r=r, a=a):
            x, y, z = state[0], state[1], state[2:]
            alpha = 1.0 - math.hypot(x, y)
            th = math.atan2(y, x)
            d = np.angle(np.exp(1j * (th - theta_i[r])))  # wrapped to (-pi, pi]
            g = d * np.exp(-0.5 * d**2 / b_i[r] ** 2)
            dz = -(z - zb) - w * (a @ g)
            return np.concatenate([[alpha * x - w * y, alpha * y + w * x], dz])

        s = np.array([-1.0, 0.0, z0[r, 0], z0[r, 0], z0[r, 0]])
        for t in range(n_int):
            if t % decim == 0:
                out[r, :, t // decim] = s[2:]
            w, zb = omega[r, t], z0[r, t]
            k1 = f(s, w, zb)
            k2 = f(s + 0.5 * dt * k1, w, zb)
            k3 = f(s + 0.5 * dt * k2, w, zb)
            k4 = f(s + dt * k3, w, zb)
            s = s + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6
    return out


def _inputs(seed, n_rec=2, n_int=300, n_waves=6, constant=False):
    rng = np.random.default_rng(seed)
    omega = (
        np.full((n_rec, n_int), 2 * np.pi)
        if constant
        else 2
        * np.pi
        * rng.uniform(0.8, 2.0, size=(n_rec, 1))
        * (1 + 0.05 * rng.standard_normal((n_rec, n_int)))
    )
    z0 = np.zeros((n_rec, n_int)) if constant else 0.1 * rng.standard_normal((n_rec, n_int))
    theta = np.sort(rng.uniform(-np.pi, np.pi, size=(n_rec, n_waves)), axis=1)
    b = rng.uniform(0.05, 0.5, size=(n_rec, n_waves))
    amp = rng.normal(size=(n_rec, 3, n_waves))
    return omega, z0, theta, b, amp


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("decim", [1, 3])
def test_kernel_matches_numpy_twin(seed, decim):
    omega, z0, theta, b, amp = _inputs(seed)
    dt = 1.0 / 400
    n_out = -(-omega.shape[1] // decim)
    out = np.empty((omega.shape[0], 3, n_out))
    ecgsyn_dipole(omega, z0, theta, b, amp, dt, decim, out)
    np.testing.assert_allclose(
        out, _twin(omega, z0, theta, b, amp, dt, decim), rtol=1e-9, atol=1e-12
    )


def test_kernel_edge_cases():
    # constant rate, flat baseline, zero amplitudes: the dipole stays exactly at 0
    omega, z0, theta, b, amp = _inputs(4, constant=True)
    out = np.empty((2, 3, 300))
    ecgsyn_dipole(omega, z0, theta, b, np.zeros_like(amp), 1 / 400, 1, out)
    assert np.all(out == 0)
    ecgsyn_dipole(omega, z0, theta, b, amp, 1 / 400, 1, out)
    np.testing.assert_allclose(out, _twin(omega, z0, theta, b, amp, 1 / 400, 1), atol=1e-12)
    # no samples, no records
    empty = np.empty((2, 3, 0))
    ecgsyn_dipole(np.empty((2, 0)), np.empty((2, 0)), theta, b, amp, 0.01, 1, empty)
    none = np.empty((0, 3, 5))
    ecgsyn_dipole(
        np.empty((0, 5)),
        np.empty((0, 5)),
        np.empty((0, 6)),
        np.empty((0, 6)),
        np.empty((0, 3, 6)),
        0.01,
        1,
        none,
    )


# ------------------------------------------------------------------ Dower projection
def test_dower_projection_identities():
    rng = np.random.default_rng(0)
    dip = rng.normal(size=(4, 3, 50))
    ecg = dipole_to_12lead(dip)
    assert ecg.shape == (4, 12, 50)
    I, II, III, aVR, aVL, aVF = (ecg[:, k] for k in range(6))
    np.testing.assert_allclose(III, II - I, atol=1e-12)  # Einthoven
    np.testing.assert_allclose(aVR + aVL + aVF, 0, atol=1e-12)  # Goldberger
    np.testing.assert_allclose(aVF, (II + III) / 2, atol=1e-12)
    # the 8 independent leads are D @ dipole (Dower et al. 1980 coefficients)
    np.testing.assert_allclose(
        ecg[:, [0, 1, 6, 7, 8, 9, 10, 11]], np.einsum("lk,rkt->rlt", DOWER, dip), atol=1e-12
    )
    # Dower 1980 Table (via Edenbrandt & Pahlm 1988): V2 row and lead I row
    np.testing.assert_array_equal(DOWER[3], [0.044, 0.164, -1.387])
    np.testing.assert_array_equal(DOWER[0], [0.632, -0.235, 0.059])
    assert not DOWER.flags.writeable
    with pytest.raises(ValueError, match="dipole"):
        dipole_to_12lead(np.zeros((2, 50)))


def test_arm_lead_reversal():
    e = synthesize_ecg(fs=200, duration_s=2, random_state=0)
    s = swap_arm_leads(e)
    np.testing.assert_array_equal(s[0], -e[0])
    np.testing.assert_array_equal(s[[1, 2, 3, 4]], e[[2, 1, 4, 3]])
    np.testing.assert_array_equal(s[5:], e[5:])
    with pytest.raises(ValueError, match="12"):
        swap_arm_leads(np.zeros((3, 10)))


# ------------------------------------------------------------------ public generator
def test_generator_shape_units_and_reproducibility():
    e = synthesize_ecg(fs=250, duration_s=4, hr_bpm=75, random_state=1)
    assert e.shape == (12, 1000) and e.dtype == np.float64
    assert LEADS[1] == "II"
    assert 0.6 < e[1].max() < 1.4  # lead II R wave, mV
    assert e[6].min() < -0.4 < e[6].max() < 0.4  # V1: rS (negative QRS)
    np.testing.assert_array_equal(
        e, synthesize_ecg(fs=250, duration_s=4, hr_bpm=75, random_state=1)
    )
    assert synthesize_ecg(fs=100, duration_s=0).shape == (12, 0)


def test_generator_morphology_controls():
    kw = dict(fs=500, duration_s=4, hrv_lf=0, hrv_hf=0, baseline_mv=0, random_state=0)
    X, _ = waveform_summary_features(synthesize_ecg(hr_bpm=[50.0, 80.0, 120.0], **kw), fs=500)
    np.testing.assert_allclose(X[:, -1], [50, 80, 120], rtol=0.02)
    base = synthesize_ecg(**kw)
    st = synthesize_ecg(st_mv=0.2, **kw)
    # ST elevation along the lateral-inferior dipole: up in I and V5, down in aVR
    d = st - base
    assert d[10].max() > 0.1 and d[0].max() > 0.03 and d[3].min() < -0.03
    wide = synthesize_ecg(qrs_width=1.6, **kw)
    thr = 0.5 * base[1].max()
    assert (wide[1] > thr).sum() > 1.3 * (base[1] > thr).sum()
    # a left axis shift (negative angle) makes lead I larger relative to aVF
    left = synthesize_ecg(axis_deg=-40.0, **kw)
    assert left[0].max() / left[5].max() > 2 * base[0].max() / base[5].max()
    gain = synthesize_ecg(gain=2.0, **kw)
    np.testing.assert_allclose(gain, 2 * base, atol=1e-12)
    noisy = synthesize_ecg(noise_mv=0.1, **kw)
    assert abs(np.std(noisy - base) - 0.1) < 0.01


def test_generator_accepts_strided_and_readonly_arrays():
    hr = np.array([60.0, 0.0, 90.0, 0.0])[::2]
    ro = np.array([1.0, 1.2])
    ro.flags.writeable = False
    e = synthesize_ecg(fs=100, duration_s=3, hr_bpm=hr, qrs_amp=ro, random_state=0)
    e2 = synthesize_ecg(
        fs=100,
        duration_s=3,
        hr_bpm=np.array([60.0, 90.0]),
        qrs_amp=np.array([1.0, 1.2]),
        random_state=0,
    )
    np.testing.assert_array_equal(e, e2)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"fs": 0}, "fs"),
        ({"hr_bpm": 10}, "hr_bpm"),
        ({"qrs_width": 0}, "qrs_width"),
        ({"hr_bpm": [60, 70], "st_mv": [0, 0, 0]}, "equal lengths"),
        ({"st_mv": np.nan}, "finite"),
        ({"noise_mv": -1}, "noise_mv"),
        ({"duration_s": -1}, "duration_s"),
        ({"axis_deg": np.zeros((2, 2))}, "1-D"),
    ],
)
def test_generator_bad_input(kw, match):
    with pytest.raises(ValueError, match=match):
        synthesize_ecg(**kw)


def test_summary_features_degenerate():
    X, names = waveform_summary_features(np.zeros((2, 12, 300)), fs=100)
    assert np.isnan(X[:, -1]).all()  # flat: no heart rate, documented NaN
    np.testing.assert_array_equal(X[:, :-1], 0)
    X, _ = waveform_summary_features(np.zeros((1, 12, 0)), fs=100)
    assert np.isnan(X).all()
    assert len(names) == 37
    with pytest.raises(ValueError, match="n_records"):
        waveform_summary_features(np.zeros((12, 10)), fs=100)


# ------------------------------------------------------------------ waveform shift simulator
def test_waveform_simulator_depends_on_y_and_w():
    sim = ECGWaveformSimulator(duration_s=4.0)
    s, ecg = sim.sample(300, Environment(age_sd=15.0), random_state=0, return_waveforms=True)
    assert ecg.shape == (300, 12, 400) and s.X.shape == (300, 37)
    hr = s.X[:, -1]
    assert hr[s.y == 1].mean() - hr[s.y == 0].mean() > 4  # disease raises heart rate
    again = sim.sample(300, Environment(age_sd=15.0), random_state=0)
    np.testing.assert_array_equal(s.X, again.X)


def test_waveform_simulator_mechanism_shifts():
    sim = ECGWaveformSimulator(duration_s=3.0, noise_mv=0.0)
    env = Environment()
    _, e0 = sim.sample(20, env, random_state=1, return_waveforms=True)
    _, eg = sim.sample(20, Environment(gain=1.5), random_state=1, return_waveforms=True)
    np.testing.assert_allclose(eg, 1.5 * e0, atol=1e-12)
    _, es = sim.sample(20, Environment(misplacement=1.0), random_state=1, return_waveforms=True)
    np.testing.assert_allclose(es, swap_arm_leads(e0), atol=1e-12)
    s = ECGWaveformSimulator(duration_s=3.0, shortcut=True).sample(10, env, random_state=0)
    assert s.X.shape[1] == 38 and s.feature_names[-1] == "shortcut"


def test_waveform_summary_features_do_not_depend_on_memory_order():
    """Session 24 sweep: a Fortran-ordered batch gave SDs 1-2 ulp (3.3e-16 mV) off the same
    batch in C order (numpy's sums follow memory order); now the same bits."""
    from geoecg.simulate import synthesize_ecg, waveform_summary_features

    X = synthesize_ecg(fs=250.0, duration_s=12.0, hr_bpm=70, random_state=0)[None]
    a, names = waveform_summary_features(X, 250.0)
    b, _ = waveform_summary_features(np.asfortranarray(X), 250.0)
    c, _ = waveform_summary_features(np.repeat(X, 2, axis=2)[:, :, ::2], 250.0)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert np.isfinite(a).all() and len(names) == a.shape[1] == 37
