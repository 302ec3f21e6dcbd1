"""Wave delineation through :func:`delineate`: positions, degenerate beats, errors, rhythms, rules,
a LUDB accuracy floor. The kernels against their twins: ``tests/test_delineation_compiled.py``."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geoecg.evaluation.delineation import pool_scores, score_fiducial
from geoecg.features.delineation import (
    FIDUCIALS,
    REASONS,
    DelineationSettings,
    _filter,
    delineate,
)

FS = 500.0
COL = {f: i for i, f in enumerate(FIDUCIALS)}


def _synthetic(
    hr=60.0, p=True, n_s=10.0, fs=FS, noise=0.0, fwaves=0.0, spike=False, seed=0, t_lobes=None
):
    """QRS (3 Gaussians), T and optionally P Gaussians at known positions; returns x, R.

    ``t_lobes``: the T wave as (centre s at RR = 1 s, width s, amplitude mV) Gaussians
    (default one upright lobe, 0.3 mV at 0.25 s).
    """
    t_lobes = [(0.25, 0.04, 0.3)] if t_lobes is None else t_lobes
    rng = np.random.default_rng(seed)
    t = np.arange(int(n_s * fs)) / fs
    x = np.zeros_like(t)
    rr = 60.0 / hr
    rs = np.arange(0.6, n_s - 0.4, rr)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        for c, w, a in t_lobes:
            x += g(c * np.sqrt(rr), w, a)
        if p:
            x += g(-0.16, 0.022, 0.15)
        if spike:
            x += g(-0.05, 0.001, 2.0)
    x += noise * rng.normal(size=t.size)
    if fwaves:
        for f in (5.3, 6.1, 7.4):
            x += fwaves * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
    return x, np.round(rs * fs).astype(np.int64)


def test_synthetic_positions_near_truth():
    x, rp = _synthetic(hr=60.0)
    d = delineate(x, FS, rp)
    inner = d.samples[1:-1]
    r = rp[1:-1]
    # P peak 160 ms before R, T peak 250 ms after R (Gaussian centres)
    assert np.all(np.abs(inner[:, COL["P_peak"]] - (r - 0.16 * FS)) <= 0.012 * FS)
    assert np.all(np.abs(inner[:, COL["T_peak"]] - (r + 0.25 * FS)) <= 0.012 * FS)
    qrs_ms = (inner[:, COL["QRS_off"]] - inner[:, COL["QRS_on"]]) * 1000 / FS
    assert np.all((qrs_ms > 50) & (qrs_ms < 130))
    assert np.all(inner[:, COL["P_off"]] <= inner[:, COL["QRS_on"]])
    assert np.all(inner[:, COL["T_on"]] >= inner[:, COL["J"]])


@pytest.mark.parametrize("n_leads", [1, 3])
@pytest.mark.parametrize("kind", ["no_p_clean", "no_p_noisy", "af_fwaves", "paced"])
def test_no_invented_p_wave(kind, n_leads):
    opts = {
        "no_p_clean": {"p": False},
        "no_p_noisy": {"p": False, "noise": 0.03},
        "af_fwaves": {"p": False, "fwaves": 0.03},
        "paced": {"p": False, "spike": True},
    }[kind]
    for seed in range(3):
        # leads with their own noise / f-wave phases, as on a real 12-lead ECG
        xs = [_synthetic(hr=75.0, seed=10 * seed + j, **opts) for j in range(n_leads)]
        x = np.vstack([(1 - 0.1 * j) * xj for j, (xj, _) in enumerate(xs)])
        rp = xs[0][1]
        d = delineate(x, FS, rp)
        p_found = np.isfinite(d.samples[1:-1, COL["P_peak"]])
        assert p_found.mean() <= 0.1, f"P invented in {p_found.mean():.0%} of beats ({kind})"
        assert np.all(np.isfinite(d.samples[1:-1, COL["QRS_on"]]))
        nop = d.reasons[1:-1, COL["P_peak"]][~p_found]
        assert {REASONS[c] for c in nop} <= {"no_p_wave"}


def test_flat_and_empty_and_nan():
    z = np.zeros(5000)
    d = delineate(z, FS, [1000, 2000, 3000])
    assert np.all(np.isnan(d.samples))
    assert {REASONS[c] for c in d.lead_reasons.ravel()} == {"flat_lead"}
    e = delineate(z, FS, np.zeros(0, dtype=int))
    assert e.samples.shape == (0, 12) and len(e.table()) == 0
    x, rp = _synthetic()
    x[2200:2700] = np.nan
    d = delineate(x, FS, rp)
    hit = (rp > 2100) & (rp < 2800)
    assert np.all(np.isnan(d.samples[hit, COL["QRS_on"]]))
    assert np.all(np.isfinite(d.samples[~hit, COL["QRS_on"]][1:-1]))
    edge = delineate(x[:5000], FS, np.array([10, 4995]))
    assert {REASONS[c] for c in edge.reasons[:, COL["QRS_on"]]} == {"edge"}


def test_table_and_wide_units():
    x, rp = _synthetic()
    d = delineate(x, FS, rp, leads=["II"])
    tab = d.table()
    assert set(tab["lead"]) == {"global", "II"}
    assert len(tab) == 2 * rp.size * len(FIDUCIALS)
    row = tab[(tab.lead == "II") & (tab.fiducial == "R_peak") & (tab.beat == 2)].iloc[0]
    assert row["time_ms"] == pytest.approx(row["sample"] * 2.0)
    w = d.wide("II", unit="samples")
    np.testing.assert_array_equal(w.to_numpy(), d.lead_samples[0])
    with pytest.raises(KeyError, match="no lead"):
        d.wide("V9")


def test_heart_rates_40_to_180_no_crash_and_t_found():
    for hr in (40.0, 100.0, 180.0):
        x, rp = _synthetic(hr=hr)
        d = delineate(x, FS, rp)
        inner = d.samples[1:-1]
        assert np.isfinite(inner[:, COL["T_off"]]).mean() >= 0.9
        assert np.all(inner[:, COL["T_off"]] < np.r_[rp[2:], np.inf][: inner.shape[0]])


def test_default_rpeaks_and_100hz():
    x, rp = _synthetic(fs=100.0)
    d = delineate(x, 100.0)
    assert abs(d.n_beats - rp.size) <= 1
    qrs = (d.samples[:, COL["QRS_off"]] - d.samples[:, COL["QRS_on"]]) * 10
    assert 40 < np.nanmedian(qrs) < 140


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"fs": 0}, ValueError, "fs must be"),
        ({"fs": 20.0}, ValueError, "at least 50"),
        # fs read from a header as text: the TypeError the rest of the API raises
        ({"fs": "360"}, TypeError, "fs must be a number in Hz, got str '360'"),
        ({"fs": float("nan")}, ValueError, "fs must be positive"),
        ({"signal": np.zeros((2, 2, 100))}, ValueError, "n_leads, n_samples"),
        ({"signal": np.array(["a"] * 100)}, TypeError, "numeric"),
        ({"rpeaks": [10, 99999]}, ValueError, "must lie in"),
        ({"rpeaks": [300, 200]}, ValueError, "strictly increasing"),
        ({"rpeaks": [10.5]}, ValueError, "whole"),
        ({"leads": ["I", "II"]}, ValueError, "names for 1"),
        ({"settings": {"qrs_on_hi": 0.2}}, TypeError, "DelineationSettings"),
    ],
)
def test_clear_errors(kwargs, exc, match):
    args = {"signal": np.zeros(1000), "fs": FS, "rpeaks": [500]}
    args.update(kwargs)
    sig, fs = args.pop("signal"), args.pop("fs")
    with pytest.raises(exc, match=match):
        delineate(sig, fs, **args)


def test_score_fiducial_and_pool():
    s = score_fiducial([100, 600], [105.0, np.nan, 900.0], fs=500, window=(0, 1000))
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    p = pool_scores([s, s])
    assert (p.tp, p.fp, p.fn) == (2, 2, 2) and p.mean_ms == pytest.approx(10.0)
    assert p.se == pytest.approx(50.0) and p.ppv == pytest.approx(50.0)


def test_ludb_accuracy_floor(ludb_dir):
    """Three LUDB records: floors well under what the method reaches (see the benchmark page)."""
    from geoecg.evaluation.delineation import score_waves, summarise_scores
    from geoecg.features import detect_rpeaks
    from geoecg.io.ludb import LUDB, LUDB_LEADS

    db = LUDB(ludb_dir)
    per = []
    for name in ("1", "3", "5"):
        rec = db.read(name)
        d = delineate(rec.signal, rec.fs, detect_rpeaks(rec.signal, rec.fs).indices, LUDB_LEADS)
        per.append(score_waves(rec.waves, d.samples, rec.fs, fiducials=FIDUCIALS,
                               leads=LUDB_LEADS))  # fmt: skip
    tab = summarise_scores(per)
    assert tab["QRS_on"]["all"]["se"] >= 99.0 and tab["QRS_on"]["all"]["ppv"] >= 99.0
    assert tab["QRS_on"]["all"]["sd_ms"] < 20 and abs(tab["QRS_on"]["all"]["mean_ms"]) < 15
    assert tab["QRS_off"]["all"]["sd_ms"] < 20 and abs(tab["QRS_off"]["all"]["mean_ms"]) < 15
    assert tab["T_off"]["all"]["se"] >= 70.0
    assert tab["P_peak"]["all"]["se"] >= 70.0


def test_biphasic_t_measured_on_one_lobe():
    """+/- T (second lobe 60 % of the first): the T is measured on one lobe, the larger one
    from the isoelectric (QRS-onset) level of the filtered lead (here the second, negative
    one: 328 ms), onset before and offset after that peak, the offset no later than the
    second lobe's end (centre + 2 widths ~ 390 ms); the biphasic-T rule's setting (first to
    last lobe) no longer exists."""
    t = np.arange(int(8 * FS)) / FS
    rs = np.arange(0.6, 7.6, 1.0)
    x = np.zeros_like(t)
    for r in rs:
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.24, 0.035, 0.3) + g(0.32, 0.035, -0.18)
    rp = np.round(rs * FS).astype(np.int64)
    d = delineate(x, FS, rp).samples[1:-1]
    ton, tpk, toff = ((d[:, COL[f]] - rp[1:-1]) * 1000 / FS for f in ("T_on", "T_peak", "T_off"))
    assert np.all((np.abs(tpk - 240) <= 10) | (np.abs(tpk - 320) <= 10)), tpk  # one lobe
    assert np.all((ton > 120) & (ton < tpk) & (toff > tpk) & (toff < 430)), (ton, toff)
    with pytest.raises(TypeError):
        DelineationSettings(t_biphasic=0.5)


# ------------------------------------------------------------ the same ECG at several rates
def test_working_factor_upsamples_below_500_hz():
    from geoecg.features.delineation import WORKING_FS_HZ, working_factor

    for fs in (50.0, 100.0, 128.0, 250.0, 257.0, 360.0, 500.0, 1000.0):
        up = working_factor(fs)
        assert fs * up >= WORKING_FS_HZ and (up == 1 or fs * (up - 1) < WORKING_FS_HZ)


def test_same_record_at_100_250_500_hz_same_boundaries(ludb_dir):
    """LUDB record 1 decimated (scipy) to 250 and 100 Hz: every global boundary within one
    100-Hz sample (10 ms) of the 500-Hz one in the median over beats, and the QRS duration
    within 5 ms (it was 20-30 ms wider at 100 Hz before the 500-Hz working rate)."""
    from scipy.signal import resample_poly

    from geoecg.io.ludb import LUDB, LUDB_LEADS

    rec = LUDB(ludb_dir).read("1")
    ref = delineate(rec.signal, rec.fs, leads=LUDB_LEADS)
    ref_ms = ref.samples * 1000.0 / rec.fs
    for down in (2, 5):
        fs = rec.fs / down
        x = resample_poly(rec.signal, 1, down, axis=1)
        d = delineate(x, fs, np.round(ref.rpeaks / down).astype(np.int64), LUDB_LEADS)
        assert np.any(d.samples[np.isfinite(d.samples)] % 1 != 0)  # fractional samples
        dif = d.samples * 1000.0 / fs - ref_ms
        for f in ("P_on", "P_off", "QRS_on", "QRS_off", "T_off"):
            both = np.isfinite(dif[:, COL[f]])
            assert both.sum() >= 0.8 * np.isfinite(ref_ms[:, COL[f]]).sum(), f
            assert abs(np.median(dif[both, COL[f]])) <= 10.0, (down, f)
        qrs = lambda s: np.nanmedian(s[:, COL["QRS_off"]] - s[:, COL["QRS_on"]])  # noqa: E731
        assert abs(qrs(d.samples * 1000.0 / fs) - qrs(ref_ms)) <= 5.0, down


def test_nan_gap_at_100_hz():
    x, rp = _synthetic(fs=100.0)
    x = x.copy()
    x[..., 340:370] = np.nan
    d = delineate(x, 100.0, rp)
    hit = (rp + 12 >= 340) & (rp - 9 <= 370)  # QRS window (85 / 120 ms) touches the gap
    assert hit.sum() == 1 and np.all(np.isnan(d.samples[hit, COL["QRS_on"]]))
    assert np.all(d.reasons[hit, COL["QRS_on"]] == REASONS.index("nan_in_window"))
    assert np.all(np.isfinite(d.samples[~hit, COL["QRS_on"]][1:-1]))


# ----------------------------------------------- session 5: flutter, real AF, noise, paced


def _flutter(conduction, n_leads, seed, fs=FS, cycle_s=0.2, sign=1.0):
    """Typical atrial flutter: a sawtooth on every lead (no isoelectric line), one atrial
    cycle every ``cycle_s`` seconds (0.2: 300/min), slow rise and sharp fall in lead 0
    (``sign`` -1: slow fall and sharp rise, the negative sawtooth of lead II in typical
    flutter), alternating sign from lead to lead, phase-locked to the QRS (fixed
    ``conduction``:1 AV conduction), QRS and T as in :func:`_synthetic`; the cardiologists'
    convention (LUDB) marks no P wave."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(10 * fs)) / fs
    ta = cycle_s
    rs = np.arange(0.6, 9.6, conduction * ta)
    xs = []
    for j in range(n_leads):
        x = np.zeros_like(t)
        for r in rs:
            g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
            x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
            x += g(0.25 * np.sqrt(conduction * ta), 0.04, 0.3)
        saw = ((t - 0.55) / ta) % 1.0 - 0.5
        x += sign * (1 - 0.2 * j) * (-1) ** j * 0.15 * saw + 0.01 * rng.normal(size=t.size)
        xs.append(x)
    return np.vstack(xs), np.round(rs * fs).astype(np.int64)


_KNOWN_2_TO_1 = pytest.mark.xfail(
    strict=True, reason="known: at 2:1 (150 bpm) the flutter wave before the QRS passes the P tests"
)


@pytest.mark.parametrize("n_leads", [1, 3])
@pytest.mark.parametrize("conduction", [pytest.param(2, marks=_KNOWN_2_TO_1), 4])
def test_no_invented_p_wave_in_flutter(conduction, n_leads):
    for seed in range(2):
        x, rp = _flutter(conduction, n_leads, seed)
        d = delineate(x, FS, rp)
        p_found = np.isfinite(d.samples[1:-1, COL["P_peak"]])
        assert p_found.mean() <= 0.1, f"P invented in {p_found.mean():.0%} of beats"
        assert np.all(np.isfinite(d.samples[1:-1, COL["QRS_on"]]))


# Second generator variant (session 12, registry item 19): 240/min and a negative sawtooth in
# lead 0 (II). Whether a flutter wave passes the P tests follows the sawtooth's polarity and
# its phase against the QRS, not the conduction ratio. Strict expected failures where P waves
# are invented today (a fix turns them green). The two negative 4:1 cases pass through the
# atrial-flutter test (rule R, registry item 20), which needs room in the TP segment and so
# does not reach 2:1 or (in most beats) 3:1.
_FLUTTER_INVENTED = {(0.2, 1.0, 3), (0.2, -1.0, 3), (0.25, 1.0, 2), (0.25, 1.0, 3)}
_FLUTTER_INVENTED |= {(0.25, -1.0, 3)}
_FLUTTER_VARIANTS = [
    pytest.param(
        c, s, k,
        marks=[pytest.mark.xfail(strict=True, reason="known: flutter wave read as P")]
        if (c, s, k) in _FLUTTER_INVENTED else [],
        id=f"{round(60 / c)}per_min-{'neg' if s < 0 else 'pos'}-{k}to1",
    )
    for c, s in ((0.2, -1.0), (0.25, 1.0), (0.25, -1.0), (0.2, 1.0))
    for k in (2, 3, 4)
    if (c, s, k) not in {(0.2, 1.0, 2), (0.2, 1.0, 4)}  # the two cases of the test above
]  # fmt: skip


@pytest.mark.parametrize("n_leads", [1, 3])
@pytest.mark.parametrize(("cycle_s", "sign", "conduction"), _FLUTTER_VARIANTS)
def test_no_invented_p_wave_in_flutter_variants(cycle_s, sign, conduction, n_leads):
    for seed in range(2):
        x, rp = _flutter(conduction, n_leads, seed, cycle_s=cycle_s, sign=sign)
        d = delineate(x, FS, rp)
        p_found = np.isfinite(d.samples[1:-1, COL["P_peak"]])
        assert p_found.mean() <= 0.1, f"P invented in {p_found.mean():.0%} of beats"
        assert np.all(np.isfinite(d.samples[1:-1, COL["QRS_on"]]))


@pytest.mark.parametrize("n_leads", [1, 3])
@pytest.mark.parametrize("cycle_s", [0.2, 0.25])
def test_flutter_waves_in_tp_segment_remove_every_p(cycle_s, n_leads):
    """Rule R (registry item 20): a negative-sawtooth 4:1 flutter, whose waves pass the P tests
    in every beat, is read as flutter: every P (global and per lead) absent with the reason
    ``atrial_flutter_waves``; the QRS and T columns are those of the rule turned off."""
    code = REASONS.index("atrial_flutter_waves")
    assert DelineationSettings().p_flutter_r > 0
    for seed in range(2):
        x, rp = _flutter(4, n_leads, seed, cycle_s=cycle_s, sign=-1.0)
        on = delineate(x, FS, rp)
        off = delineate(x, FS, rp, settings=DelineationSettings(p_flutter_r=0.0))
        assert np.isfinite(off.samples[1:-1, COL["P_peak"]]).mean() >= 0.9  # invented without R
        assert not np.isfinite(on.samples[:, :3]).any()
        assert not np.isfinite(on.lead_samples[:, :, :3]).any()
        assert np.all(on.reasons[1:, :3] == code)
        assert np.all(on.lead_reasons[:, 1:, :3] == code)
        np.testing.assert_array_equal(on.samples[:, 3:], off.samples[:, 3:])
        np.testing.assert_array_equal(on.lead_samples[:, :, 3:], off.lead_samples[:, :, 3:])


@pytest.mark.parametrize("hr", [40.0, 50.0, 60.0, 75.0, 90.0])
@pytest.mark.parametrize("noise", [0.0, 0.03])
def test_sinus_p_with_flat_tp_segment_is_kept(hr, noise):
    """Rule R's risk is a true P read as a flutter wave: a sinus P preceded by a flat TP segment
    (room for the 150-350 ms look-back from 40 to 90 bpm) keeps its P in every beat, and the
    output is that of the rule turned off."""
    code = REASONS.index("atrial_flutter_waves")
    xs = [_synthetic(hr=hr, noise=noise, seed=j) for j in range(3)]
    x = np.vstack([(1 - 0.1 * j) * xj for j, (xj, _) in enumerate(xs)])
    rp = xs[0][1]
    on = delineate(x, FS, rp)
    off = delineate(x, FS, rp, settings=DelineationSettings(p_flutter_r=0.0))
    pk = on.samples[1:-1, COL["P_peak"]]
    assert np.all(np.abs(pk - (rp[1:-1] - 0.16 * FS)) <= 0.012 * FS)
    assert not (on.reasons == code).any() and not (on.lead_reasons == code).any()
    np.testing.assert_array_equal(on.samples, off.samples)
    np.testing.assert_array_equal(on.lead_samples, off.lead_samples)
    np.testing.assert_array_equal(on.lead_reasons, off.lead_reasons)


@pytest.mark.parametrize("record", ["93", "109", "129", "173", "101"])
def test_no_invented_p_wave_in_ludb_af(ludb_dir, record):
    """The atrial fibrillation records of the LUDB tuning half (the cardiologists mark no P);
    101 passes through the atrial-rhythm test (session 6: P in 54 % of its beats before)."""
    from geoecg.features import detect_rpeaks
    from geoecg.io.ludb import LUDB, LUDB_LEADS

    rec = LUDB(ludb_dir).read(record)
    assert "fibrillation" in rec.metadata["Rhythms"].lower()
    d = delineate(rec.signal, rec.fs, detect_rpeaks(rec.signal, rec.fs).indices, LUDB_LEADS)
    assert np.isfinite(d.samples[:, COL["P_peak"]]).mean() <= 0.1
    assert np.isfinite(d.samples[:, COL["QRS_on"]]).mean() >= 0.8


@pytest.mark.parametrize("kind", ["white_noise", "flat_with_spikes", "paced_noisy"])
def test_no_crash_on_noise_and_paced(kind):
    rng = np.random.default_rng(0)
    if kind == "white_noise":
        x, rp = rng.normal(size=(3, 5000)), np.arange(300, 4800, 400)
    elif kind == "flat_with_spikes":
        x = np.zeros((2, 5000))
        rp = np.arange(300, 4800, 400)
        x[:, rp] = 1.0
    else:
        x, rp = _synthetic(hr=70.0, p=False, spike=True, noise=0.05)
        x = np.vstack([x, 0.5 * x + 0.05 * rng.normal(size=x.size)])
    d = delineate(x, FS, rp)
    assert d.samples.shape == (rp.size, 12)
    assert set(np.unique(d.reasons)) <= set(range(len(REASONS)))
    ok = np.isfinite(d.samples)
    assert np.all((d.samples[ok] >= 0) & (d.samples[ok] < x.shape[1]))
    if kind == "paced_noisy":
        assert np.isfinite(d.samples[1:-1, COL["QRS_on"]]).all()
        assert np.isfinite(d.samples[1:-1, COL["P_peak"]]).mean() <= 0.1


# ----------------------------------------------- session 6: atrial-rhythm test of the record


def _beats(rr_s, p_mask, fs=FS, seed=0):
    """Beats of :func:`_synthetic` at the given RR intervals, a P wave where ``p_mask``."""
    rs = 0.6 + np.r_[0.0, np.cumsum(rr_s)]
    t = np.arange(int((rs[-1] + 0.6) * fs)) / fs
    x = 0.005 * np.random.default_rng(seed).normal(size=t.size)
    for r, has_p in zip(rs, p_mask, strict=True):
        g = lambda c, w, a, r=r: a * np.exp(-0.5 * ((t - r - c) / w) ** 2)  # noqa: E731
        x += g(-0.025, 0.008, -0.15) + g(0.0, 0.010, 1.2) + g(0.025, 0.008, -0.3)
        x += g(0.25, 0.04, 0.3) + (g(-0.16, 0.022, 0.15) if has_p else 0.0)
    return x, np.round(rs * fs).astype(np.int64)


_IRREGULAR = [0.8, 1.0, 0.75, 0.95, 0.8, 1.05, 0.78, 0.9, 1.0, 0.76, 0.98]  # irr ~0.2


@pytest.mark.parametrize("rhythm", ["irregular_p_every_beat", "irregular_p_half", "regular_p_half"])
def test_atrial_rhythm_test_of_the_record(rhythm):
    irregular = rhythm.startswith("irregular")
    rr = np.asarray(_IRREGULAR if irregular else [0.85] * len(_IRREGULAR))
    mask = (
        np.ones(rr.size + 1, bool)
        if rhythm.endswith("every_beat")
        else np.arange(rr.size + 1) % 2 == 0
    )
    x, rp = _beats(rr, mask)
    d = delineate(x, FS, rp)
    p = np.isfinite(d.samples[1:-1, COL["P_peak"]])
    assert np.isfinite(d.samples[:, COL["QRS_on"]]).all()
    if rhythm == "irregular_p_half":  # P in half the beats of an irregular rhythm: none kept
        assert not p.any() and not np.isfinite(d.lead_samples[..., COL["P_peak"]]).any()
        assert np.all(d.reasons[:, COL["P_peak"]] == REASONS.index("no_p_wave"))
        off = delineate(x, FS, rp, settings=DelineationSettings(p_af_irr=np.inf))
        assert np.isfinite(off.samples[1:-1, COL["P_peak"]]).mean() >= 0.3  # the test removed them
    elif irregular:  # sinus arrhythmia: P in every beat is kept
        assert p.mean() >= 0.9
    else:  # a regular rhythm is not touched
        assert p.mean() >= 0.3 and np.array_equal(p, mask[1:-1])


def test_rule_d_p_offset_pull_is_removed():
    """Rule D (a pull of the global P offset towards the P peak, opt-in since session 6: it
    read long P waves short) was removed in session 9: no setting for it remains."""
    names = {f.name for f in dataclasses.fields(DelineationSettings)}
    assert not names & {"p_off_k", "p_off_m_ms", "t_biphasic"}, names
    with pytest.raises(TypeError):
        DelineationSettings(p_off_k=0.59)


def test_small_t_lead_reports_the_global_t_offset():
    """Rule N (session 9): a lead whose T amplitude (P/T band, T peak against the QRS onset)
    is under ``t_lead_rel`` of its QRS peak-to-peak amplitude reports the beat's global T
    offset; every other lead value and the global boundary are those of the rule off."""
    from geoecg.simulate import synthesize_ecg

    x = synthesize_ecg(fs=FS, duration_s=10, hr_bpm=60, random_state=0)
    st = DelineationSettings()
    assert st.t_lead_rel == 0.16
    a = delineate(x, FS)
    b = delineate(x, FS, settings=dataclasses.replace(st, t_lead_rel=0.0))
    np.testing.assert_array_equal(a.samples, b.samples)
    others = [c for c in range(12) if c not in (COL["T_off"], COL["T_peak"])]
    np.testing.assert_array_equal(a.lead_samples[:, :, others], b.lead_samples[:, :, others])
    # rule AD (registry item 36): a T peak outside the lead's [T_on, T_off] is searched again
    # inside it, so only lead-beats with a borrowed offset may differ, with the peak inside
    on_a, pk_a, off_a = (a.lead_samples[:, :, COL[f]] for f in ("T_on", "T_peak", "T_off"))
    pk_b = b.lead_samples[:, :, COL["T_peak"]]
    moved = ~((pk_a == pk_b) | (np.isnan(pk_a) & np.isnan(pk_b)))
    borrowed = a.lead_reasons[:, :, COL["T_off"]] == REASONS.index("t_offset_from_global")
    assert (borrowed[moved]).all() and moved.sum() < 0.1 * moved.size
    assert ((pk_a[moved] >= on_a[moved]) & (pk_a[moved] <= off_a[moved])).all()
    xq = _filter(x, FS, st.qrs_band_hz)
    xw = _filter(x, FS, st.wave_band_hz)
    sh = np.round(np.asarray(st.shift_ms) * FS / 1000.0)
    n_rep = n_keep = 0
    for j in range(x.shape[0]):
        for k in range(b.n_beats):
            s = b.lead_samples[j, k]
            if not (
                np.isfinite(s).take([COL["QRS_on"], COL["QRS_off"], COL["T_peak"]]).all()
                and np.isfinite(s[COL["T_off"]])
                and np.isfinite(b.samples[k, COL["T_off"]])
            ):
                continue
            on, off, tp = (int(s[COL[f]] - sh[COL[f]]) for f in ("QRS_on", "QRS_off", "T_peak"))
            small = abs(xw[j, tp] - xw[j, on]) < 0.16 * np.ptp(xq[j, on : off + 1])
            want = b.samples[k, COL["T_off"]] if small else s[COL["T_off"]]
            assert a.lead_samples[j, k, COL["T_off"]] == want, (j, k)
            # a borrowed T offset is marked, so a per-lead QT dispersion can leave it out
            why = REASONS[a.lead_reasons[j, k, COL["T_off"]]]
            assert why == ("t_offset_from_global" if small else ""), (j, k, why)
            n_rep += small
            n_keep += not small
    assert n_rep >= 5 and n_keep >= 20, (n_rep, n_keep)
    np.testing.assert_array_equal(a.lead_reasons[:, :, others], b.lead_reasons[:, :, others])


def test_per_lead_p_searched_inside_the_global_window():
    """Rule L (session 8): a lead whose own P search fails (here: an earlier bump as large as
    the P breaks the dominance test) gets its P from a search inside the global P window; the
    global boundary is unchanged."""
    assert DelineationSettings().p_lead_rel == 0.25
    x, rp = _synthetic()
    t = np.arange(x.size) / FS
    bump = sum(0.15 * np.exp(-0.5 * ((t - r / FS + 0.29) / 0.02) ** 2) for r in rp)
    x3 = np.vstack([x, 0.9 * x, x + bump])
    on = delineate(x3, FS, rp)
    off = delineate(x3, FS, rp, settings=DelineationSettings(p_lead_rel=0.0))
    np.testing.assert_array_equal(on.samples, off.samples)
    np.testing.assert_array_equal(on.lead_samples[:2], off.lead_samples[:2])
    assert np.isfinite(off.lead_samples[2, 1:-1, COL["P_peak"]]).mean() <= 0.2
    pk = on.lead_samples[2, 1:-1, COL["P_peak"]]
    assert np.all(np.isfinite(pk))
    assert np.all(np.abs(pk - (rp[1:-1] - 0.16 * FS)) <= 0.012 * FS)
    assert np.all(on.lead_reasons[2, 1:-1, COL["P_peak"]] == 0)
    assert np.all(on.lead_samples[2, 1:-1, COL["P_off"]] <= on.lead_samples[2, 1:-1, COL["QRS_on"]])


def test_record_p_window_gives_a_p_to_beats_with_none():
    """Rule M2 (session 8): beats where every lead's P fails the dominance test (an earlier bump
    as large as the P) get their P from a search inside the record's own P window, taken from
    the beats with a global P; the beats with one and the QRS / T columns are unchanged."""
    assert DelineationSettings().p_rec_rr > 0
    x, rp = _synthetic(n_s=20.0)
    t = np.arange(x.size) / FS
    masked = rp[1:-1:3]
    bump = sum(0.15 * np.exp(-0.5 * ((t - r / FS + 0.29) / 0.02) ** 2) for r in masked)
    x3 = np.vstack([x + bump, 0.9 * x + bump, 1.1 * x + bump])
    on = delineate(x3, FS, rp)
    off = delineate(x3, FS, rp, settings=DelineationSettings(p_rec_rr=0.0))
    hit = np.isin(rp, masked)
    assert np.all(~np.isfinite(off.samples[hit, COL["P_peak"]]))
    np.testing.assert_array_equal(on.samples[~hit], off.samples[~hit])
    np.testing.assert_array_equal(on.samples[:, 3:], off.samples[:, 3:])
    pk = on.samples[hit, COL["P_peak"]]
    assert np.all(np.abs(pk - (masked - 0.16 * FS)) <= 0.012 * FS)
    assert np.all(on.reasons[hit, COL["P_peak"]] == 0)
    assert np.all(on.samples[hit, COL["P_off"]] <= on.samples[hit, COL["QRS_on"]])
    assert np.all(np.isfinite(on.lead_samples[:, hit, COL["P_on"]]))
