"""LeadReconstructor: contract, exact recovery of a known linear map, errors, real data."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from geoecg.leads import STANDARD_LEADS, LeadReconstructor, limb_leads, reconstruction_scores

SRC = ("I", "II", "V3")


def _linear_cohort(n=30, T=400, seed=0, noise=0.0):
    """12-lead records generated from 3 latent sources by a fixed map, sources = I, II, V3.

    Limb leads follow Einthoven/Goldberger from I and II, so they are exactly consistent.
    """
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((n, 3, T))
    S = np.cumsum(S, axis=-1) * 0.05  # smooth-ish
    M = rng.standard_normal((6, 3))
    X = np.empty((n, 12, T))
    X[:, :6] = limb_leads(S[:, 0], S[:, 1])
    chest = np.einsum("ls,nst->nlt", M, S)
    X[:, 6:] = chest[:, :6]
    X[:, 8] = S[:, 2]
    X += noise * rng.standard_normal(X.shape)
    return X


def test_gaussian_close_to_linear_map():
    """The Gaussian conditional mean uses OAS-shrunk record covariances: close, not exact."""
    X = _linear_cohort()
    rec = LeadReconstructor(SRC, "gaussian").fit(X)
    assert rec.covariance_.shape == (8, 8)
    assert rec.score(X) > 0.99
    shr = LeadReconstructor(SRC, "gaussian", shrinkage=0.9).fit(X)
    assert shr.score(X) < rec.score(X)


@pytest.mark.parametrize("method", ["population", "patient"])
def test_exact_recovery_of_linear_map(method):
    X = _linear_cohort()
    rec = LeadReconstructor(
        SRC, method, alpha=0.0, fs=100.0, calibration_s=1.0, prior_strength=0.0
    ).fit(X)
    R = rec.transform(X)
    Xc = X - X.mean(axis=-1, keepdims=True)
    chest = [6, 7, 9, 10, 11]
    np.testing.assert_allclose(R[:, chest], Xc[:, chest], atol=1e-6)
    np.testing.assert_allclose(R[:, 2:6], X[:, 2:6], atol=1e-12)  # limb relations, uncentred
    np.testing.assert_array_equal(R[:, [0, 1, 8]], X[:, [0, 1, 8]])
    sc = rec.score_leads(X)
    assert sc.r.shape == (30, 9) and np.nanmin(sc.r) > 0.999999
    assert np.nanmax(sc.rmse_uv) < 1e-2
    assert rec.score(X) == pytest.approx(1.0, abs=1e-6)


def test_linear_map_learnt_from_other_records():
    """Held-out records of the same linear cohort are recovered (with noise in training)."""
    X = _linear_cohort(n=60, noise=1e-3)
    rec = LeadReconstructor(SRC, n_taps=1).fit(X[:40])
    assert rec.score(X[40:]) > 0.99
    assert rec.coef_.shape == (9, 5)  # 3 sources x 3 taps; 5 chest targets


def test_source_only_input_and_limb_relations():
    X = _linear_cohort()
    rec = LeadReconstructor(SRC).fit(X)
    assert rec.exact_limbs_ and rec.target_ == ("V1", "V2", "V4", "V5", "V6")
    R12 = rec.transform(X)
    R3 = rec.transform(X[:, [0, 1, 8]])
    np.testing.assert_allclose(R12, R3)
    assert R12.shape == X.shape
    # limb leads exact, not regressed
    np.testing.assert_allclose(R12[:, 2], X[:, 1] - X[:, 0], atol=1e-12)
    rec2 = LeadReconstructor(SRC, limb_relations=False).fit(X)
    assert len(rec2.target_) == 9


def test_contract_clone_pickle_notfitted_idempotent():
    X = _linear_cohort(n=12, T=200, noise=1e-2)
    X0 = X.copy()
    rec = LeadReconstructor(("II",), n_taps=2)
    with pytest.raises(NotFittedError):
        rec.transform(X)
    c = clone(rec)
    assert c.get_params() == rec.get_params()
    a = rec.fit(X).transform(X)
    b = rec.fit(X).transform(X)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(X, X0)  # input not mutated
    np.testing.assert_array_equal(LeadReconstructor(("II",), n_taps=2).fit_transform(X), a)
    back = pickle.loads(pickle.dumps(rec))
    np.testing.assert_array_equal(back.transform(X), a)
    assert list(rec.get_feature_names_out()) == list(STANDARD_LEADS)
    # read-only and strided input
    Xr = np.asfortranarray(X)
    Xr.setflags(write=False)
    np.testing.assert_allclose(rec.transform(Xr), a)


def test_errors_and_invalid_records():
    X = _linear_cohort(n=10, T=200)
    with pytest.raises(ValueError, match="method"):
        LeadReconstructor(method="deep").fit(X)
    with pytest.raises(ValueError, match="unknown lead"):
        LeadReconstructor(("I", "ECG")).fit(X)
    with pytest.raises(ValueError, match="12-lead"):
        LeadReconstructor().fit(X[:, :6])
    with pytest.raises(ValueError, match="fs"):
        LeadReconstructor(method="patient").fit(X)
    with pytest.raises(ValueError, match="n_taps"):
        LeadReconstructor(n_taps=-1).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        Xn = X.copy()
        Xn[0, 5, 3] = np.nan
        LeadReconstructor().fit(Xn)
    with pytest.raises(TypeError, match="real numbers"):
        LeadReconstructor().fit(X.astype(object))
    rec = LeadReconstructor().fit(X)
    with pytest.raises(ValueError, match="12 or 3 leads"):
        rec.transform(X[:, :5])
    Xb = X.copy()
    Xb[2, 0] = np.nan  # NaN source lead
    Xb[4, 8] = 0.3  # flat source lead
    with pytest.raises(ValueError, match=r"records \[2, 4\]"):
        rec.transform(Xb)
    out = LeadReconstructor(on_invalid="nan").fit(X).transform(Xb)
    assert np.isnan(out[[2, 4]][:, [6, 7, 9]]).all()
    assert np.isfinite(out[[0, 1, 3]]).all()


def test_patient_needs_calibration_room():
    X = _linear_cohort(n=5, T=100)
    rec = LeadReconstructor(method="patient", fs=100.0, calibration_s=2.0).fit(X)
    with pytest.raises(ValueError, match="calibration_s"):
        rec.transform(X)
    with pytest.raises(ValueError, match="12"):
        LeadReconstructor(method="patient", fs=100.0, calibration_s=0.5).fit(X).transform(
            X[:, [0, 1, 8]]
        )


def test_reconstruction_scores_values():
    t = np.linspace(0, 1, 100)
    A = np.sin(2 * np.pi * 3 * t)[None, None]
    sc = reconstruction_scores(A, 2 * A, ["V1"])
    assert sc.r[0, 0] == pytest.approx(1.0)
    assert sc.rmse_uv[0, 0] == pytest.approx(1000 * np.sqrt(np.mean(A**2)))
    assert np.isnan(reconstruction_scores(A, 0 * A, ["V1"]).r[0, 0])  # flat: undefined
    assert list(sc.to_frame().index) == ["V1"]
    with pytest.raises(ValueError, match="same 3-D shape"):
        reconstruction_scores(A, A[..., :50], ["V1"])


def test_population_on_ptbxl(ptbxl_dir):
    """Real records: {I, II, V3} -> the other leads, patient-wise (strat_fold 1-8 / 9-10)."""
    from geoecg.io import PTBXL
    from geoecg.signal import bandpass

    db = PTBXL(ptbxl_dir)
    X, meta = db.load(db.available(100)[:250], fs=100)
    X = bandpass(X, 100.0, 0.5, 40.0, order=2)
    tr = meta["strat_fold"].to_numpy() <= 8
    rec = LeadReconstructor(SRC, n_taps=2).fit(X[tr])
    df = rec.score_leads(X[~tr]).to_frame()
    # limb leads from I and II are exact up to the 1 µV quantisation of the stored leads
    assert (df.loc[["III", "aVR", "aVL", "aVF"], "r_mean"] > 0.999).all()
    assert df["r_mean"].mean() > 0.85
    # a single lead carries much less: the score can fail
    one = LeadReconstructor(("I",)).fit(X[tr]).score(X[~tr])
    assert one < df["r_mean"].mean()


def test_bench_reconstruct_table_on_ptbxl(ptbxl_dir):
    """The bench's reconstruction step: inner-CV choice, per-lead table, amplitude spread."""
    from geoecg.io import PTBXL
    from geoecg.leads.protocol import reconstruction_report
    from geoecg.signal import bandpass

    db = PTBXL(ptbxl_dir)
    X, meta = db.load(db.available(100)[:200], fs=100)
    X = bandpass(X, 100.0, 0.5, 40.0, order=2)
    grid = {"population": [{"n_taps": [0, 2]}]}
    out = reconstruction_report(
        X,
        meta["strat_fold"].to_numpy() <= 8,
        meta["patient_id"].to_numpy(),
        ["II,V1,V5"],
        ["population"],
        fs=100.0,
        grids=grid,
    )
    r = out["II,V1,V5|population"]
    assert r["chosen"]["n_taps"] in (0, 2)
    assert set(r["per_lead"]) == {"I", "III", "aVR", "aVL", "aVF", "V2", "V3", "V4", "V6"}
    assert 0.5 < r["mean_r"] < 1.0 and r["min_lead_r"] <= r["mean_r"]
    assert set(r["amplitude"]) == {"V1", "V2", "V3", "V4", "V5", "V6"}
    # sources are copied: their R amplitudes are the true ones
    assert r["amplitude"]["V1"]["r_amp_var_ratio"] == pytest.approx(1.0)
    assert r["amplitude"]["V1"]["r_amp_iqr_ratio"] == pytest.approx(1.0)
    # the R-amplitude quantile map of the same reconstructor: per-record r unchanged
    q = out["II,V1,V5|population+r_quantile"]
    assert q["amplitude_map"] == "r_quantile" and q["chosen"] == r["chosen"]
    assert q["mean_r"] == pytest.approx(r["mean_r"], abs=1e-9)
    assert q["mean_rmse_uv"] != pytest.approx(r["mean_rmse_uv"], rel=1e-6)
    from geoecg.leads.protocol import format_report

    text = format_report({"n_records": 200, "fs": 100.0, "split": "s", "reconstruction": out,
                          "downstream": {}})  # fmt: skip
    assert "population+r_quantile" in text and "V2:" in text


def _beat_cohort(n=24, T=1000, fs=100.0, seed=1):
    """Spiky 'ECGs' (one beat per 0.8-1.2 s) whose target lead depends on the beat phase.

    Source: beats (Gaussian spikes, random heights) plus a slow random walk. The target V1 is
    +2 x source within 50 ms of an R-peak and -1 x source elsewhere: piecewise linear in
    time, which one pooled map cannot follow.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(T) / fs
    X = np.zeros((n, 12, T))
    for k in range(n):
        rr = rng.uniform(0.8, 1.2)
        peaks = np.round(np.arange(rng.uniform(0.2, 0.6), t[-1], rr), 2)  # on samples
        s = sum(rng.uniform(0.8, 1.5) * np.exp(-((t - p) ** 2) / (2 * 0.012**2)) for p in peaks)
        s = s + np.cumsum(rng.standard_normal(T)) * 0.005
        near = np.min(np.abs(t[:, None] - peaks[None]), axis=1) < 0.05
        X[k, :6] = limb_leads(s, 0.8 * s)
        X[k, 6] = np.where(near, 2.0, -1.0) * s
        X[k, 7:] = 0.5 * s + 0.01 * rng.standard_normal((5, T))
    return X


def test_beat_phase_models_follow_a_phase_dependent_map():
    from geoecg.leads import BEAT_PHASE_EDGES_S

    X = _beat_cohort()
    kw = dict(fs=100.0, alpha=1e-6)
    pooled = LeadReconstructor(("I", "II"), **kw).fit(X[:16])
    phased = LeadReconstructor(("I", "II"), phase_edges_s=BEAT_PHASE_EDGES_S, **kw).fit(X[:16])
    assert phased.phase_coef_.shape == (10, 3, 6)  # 10 phases x (2 sources + intercept)
    assert pooled.phase_coef_ is None
    r_pooled = pooled.score_leads(X[16:]).to_frame().loc["V1", "r_mean"]
    r_phased = phased.score_leads(X[16:]).to_frame().loc["V1", "r_mean"]
    assert r_phased > 0.97 and r_phased > r_pooled + 0.05
    g = LeadReconstructor(("I", "II"), "gaussian", phase_edges_s=BEAT_PHASE_EDGES_S, fs=100.0).fit(
        X[:16]
    )
    assert g.score_leads(X[16:]).to_frame().loc["V1", "r_mean"] > 0.97
    p = LeadReconstructor(
        ("I", "II"),
        "patient",
        phase_edges_s=BEAT_PHASE_EDGES_S,
        calibration_s=3.0,
        prior_strength=1.0,
        **kw,
    ).fit(X[:16])
    assert p.score_leads(X[16:]).to_frame().loc["V1", "r_mean"] > 0.97
    rect = LeadReconstructor(("I", "II"), rectified=True, n_taps=1, **kw).fit(X[:16])
    assert rect.coef_.shape == (12, 6)  # 2 sources x 3 taps, and their |x|


def test_beat_phase_index_and_phase_errors():
    from geoecg.leads import BEAT_PHASE_EDGES_S, beat_phase_index

    X = _beat_cohort(n=3)
    P = beat_phase_index(X[:, :2], 100.0, BEAT_PHASE_EDGES_S)
    assert P.shape == (3, 1000) and P.min() >= 0 and P.max() == len(BEAT_PHASE_EDGES_S)
    assert (beat_phase_index(np.zeros((1, 2, 500)), 100.0, (0.0,)) == -1).all()  # no beat
    with pytest.raises(ValueError, match="fs"):
        LeadReconstructor(phase_edges_s=BEAT_PHASE_EDGES_S).fit(X)
    with pytest.raises(ValueError, match="increasing"):
        LeadReconstructor(phase_edges_s=(0.1, 0.0), fs=100.0).fit(X)


def test_bench_reconstruct_registered():
    from geoecg.cli import BENCH_MODULES

    assert BENCH_MODULES["reconstruct"] == "geoecg.bench.reconstruct"


def test_select_reconstructor_picks_phase_map_inside_training_data():
    """Inner grouped CV: the phase-dependent cohort makes it choose the beat-phase map."""
    from geoecg.leads.protocol import RECONSTRUCTION_GRIDS, select_reconstructor

    X = _beat_cohort(n=18)
    groups = np.repeat(np.arange(9), 2)  # two records per patient
    rec, chosen = select_reconstructor(("I", "II"), "population", X, groups, fs=100.0)
    assert chosen["phase_edges_s"] == "beat" and rec.phase_coef_ is not None
    assert len(RECONSTRUCTION_GRIDS["population"]) == 3


def test_all_chest_leads_and_i_ii_leave_nothing_to_regress():
    """I, II and V1-V6 as sources: the limb leads are exact, the map is empty (no crash)."""
    X = _linear_cohort(n=6, T=200)
    rec = LeadReconstructor("I,II,V1,V2,V3,V4,V5,V6").fit(X)
    assert rec.target_ == () and rec.coef_.shape == (8, 0)
    np.testing.assert_allclose(rec.transform(X)[:, 2:6], X[:, 2:6], atol=1e-12)


def test_r_quantile_map_restores_r_amplitude_spread_keeps_r():
    """Per-record V1 gains the sources cannot predict: the conditional mean shrinks the spread
    of V1 R amplitudes; the R-amplitude quantile map restores it with per-record r unchanged."""
    from geoecg.leads import amplitude_spread

    rng = np.random.default_rng(7)
    fs, T, n = 100.0, 600, 120
    t = np.arange(T) / fs
    X = np.zeros((n, 12, T))
    for k in range(n):
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.3, rng.uniform(0.8, 1.1))
        s = sum(np.exp(-((t - p) ** 2) / (2 * 0.015**2)) for p in peaks) * rng.uniform(0.8, 1.5)
        X[k, :6] = limb_leads(s, 0.8 * s)
        X[k, 6:] = rng.uniform(0.2, 2.0) * s + 0.01 * rng.standard_normal((6, T))
    tr, te = slice(0, 80), slice(80, None)
    base = LeadReconstructor(("I", "II"), fs=fs).fit(X[tr])
    rq = clone(base).set_params(amplitude="r_quantile").fit(X[tr])
    assert rq.amplitude_map_.shape == (2, 51, 6)
    R0, R1 = base.transform(X[te]), rq.transform(X[te])
    np.testing.assert_allclose(
        rq.score_leads(X[te], reconstructed=R1).r,
        base.score_leads(X[te], reconstructed=R0).r,
        atol=1e-10,
    )
    v0 = amplitude_spread(X[te], R0, fs).r_amp_var_ratio
    v1 = amplitude_spread(X[te], R1, fs).r_amp_var_ratio
    assert (v0 < 0.6).all() and ((v1 > 0.7) & (v1 < 1.4)).all()
    np.testing.assert_array_equal(R1[:, :2], X[te][:, :2])
    with pytest.raises(ValueError, match="amplitude"):
        LeadReconstructor(SRC, amplitude="stretch").fit(X)
    with pytest.raises(ValueError, match="r_quantile"):
        LeadReconstructor(SRC, "patient", fs=fs, amplitude="r_quantile").fit(X)
    with pytest.raises(ValueError, match="fs"):
        LeadReconstructor(SRC, amplitude="r_quantile").fit(X)


def test_beat_templates_follow_a_shape_dependent_map():
    """V1 = +source for narrow beats, -source for wide ones: no linear map from the source
    follows it; the nearest training records' median beats do."""
    rng = np.random.default_rng(5)
    fs, T, n = 100.0, 1000, 60
    t = np.arange(T) / fs
    X = np.zeros((n, 12, T))
    for k in range(n):
        wide = k % 2 == 1
        peaks = np.arange(rng.uniform(0.3, 0.6), t[-1] - 0.5, rng.uniform(0.8, 1.1))
        width = 0.03 if wide else 0.012
        s = sum(np.exp(-((t - p) ** 2) / (2 * width**2)) for p in peaks)
        s = s * rng.uniform(0.8, 1.2) + 0.01 * rng.standard_normal(T)
        X[k, :6] = limb_leads(s, 0.8 * s)
        X[k, 6:] = (-1.0 if wide else 1.0) * s + 0.01 * rng.standard_normal((6, T))
    tr, te = slice(0, 40), slice(40, None)
    lin = LeadReconstructor(("I",), fs=100.0).fit(X[tr])
    tmp = clone(lin).set_params(template_neighbors=5, template_weight=1.0).fit(X[tr])
    assert tmp.template_beats_.shape == (40, 11, 70)
    chest = ["V1", "V2", "V3", "V4", "V5", "V6"]
    r_lin = lin.score_leads(X[te]).to_frame().loc[chest, "r_mean"].mean()
    r_tmp = tmp.score_leads(X[te]).to_frame().loc[chest, "r_mean"].mean()
    assert r_lin < 0.5 and r_tmp > 0.9
    # the same from source-only input; R-amplitude quantile map on top keeps r
    Xs = X[te][:, [0]]
    np.testing.assert_allclose(tmp.transform(Xs), tmp.transform(X[te]))
    q = clone(tmp).set_params(amplitude="r_quantile").fit(X[tr])
    np.testing.assert_allclose(q.score_leads(X[te]).r, tmp.score_leads(X[te]).r, atol=1e-9)
    with pytest.raises(ValueError, match="template_neighbors"):
        LeadReconstructor(("I",), template_neighbors=-1).fit(X)
    with pytest.raises(ValueError, match="fs"):
        LeadReconstructor(("I",), template_neighbors=3).fit(X)
    with pytest.raises(ValueError, match="template_weight"):
        LeadReconstructor(("I",), fs=100.0, template_neighbors=3, template_weight=0).fit(X)


def test_amplitude_spread_iqr_ratio_is_robust_to_one_large_r_wave():
    """IQR ratio: the halved spread is 0.5; one record's inflated R wave moves the variance
    ratio far from 1 but leaves the IQR ratio near 1."""
    from geoecg.leads import amplitude_spread

    X = _beat_cohort(n=30, seed=3)
    X[:, 6:] *= np.random.default_rng(4).uniform(0.5, 2.0, (30, 6, 1))  # a spread of R waves
    half = X.copy()
    med = np.median(X[:, 6:], axis=-1, keepdims=True)
    half[:, 6:] = med + 0.5 * (X[:, 6:] - med)
    a = amplitude_spread(X, half, 100.0)
    assert a.r_amp_iqr_ratio == pytest.approx(np.full(6, 0.5), rel=1e-6)
    assert a.r_amp_var_ratio == pytest.approx(np.full(6, 0.25), rel=1e-6)
    one = X.copy()
    one[0, 11] *= 8.0  # V6 of one record
    b = amplitude_spread(X, one, 100.0).to_frame().loc["V6"]
    assert b["r_amp_var_ratio"] > 2.0
    assert 0.8 < b["r_amp_iqr_ratio"] < 1.25  # one rank moves: a neighbouring gap at most
