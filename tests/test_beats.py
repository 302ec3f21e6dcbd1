"""Beat segmentation, templates, correlation and morphology features (kernels vs NumPy twins)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from geoecg._kernels import beats as K
from geoecg.features import (
    BeatFeatures,
    beat_features,
    beat_window_size,
    median_template,
    rr_features,
    segment_beats,
    template_correlation,
)
from geoecg.features.morphology import BEAT_FEATURE_BLOCKS, RR_FEATURE_NAMES

# ---------------------------------------------------------------- NumPy twins


def twin_extract(x, centers, before, after):
    out = np.full((len(centers), x.shape[0], before + after), np.nan)
    for b, c in enumerate(centers):
        for j, i in enumerate(range(c - before, c + after)):
            if 0 <= i < x.shape[1]:
                out[b, :, j] = x[:, i]
    return out


def twin_corr(beats, template, start, stop):
    out = np.full(beats.shape[0], np.nan)
    for b in range(beats.shape[0]):
        u = beats[b, start:stop]
        v = template[start:stop]
        ok = np.isfinite(u) & np.isfinite(v)
        if ok.sum() < 3 or np.ptp(u[ok]) == 0 or np.ptp(v[ok]) == 0:
            continue
        out[b] = np.corrcoef(u[ok], v[ok])[0, 1]
    return out


def twin_resample(seg, m):
    L = seg.shape[1] - 1
    t = np.arange(m) * L / m
    return np.stack([np.interp(t, np.arange(L + 1), row) for row in seg])


def _signals():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 500))
    gap = x.copy()
    gap[0, 100:130] = np.nan
    ints = rng.integers(-3, 4, size=(2, 500)).astype(np.float64)  # ADC-like ties
    const = np.full((2, 500), 1.5)
    strided = rng.normal(size=(2, 1000))[:, ::2]
    ro = rng.normal(size=(2, 500))
    ro.setflags(write=False)
    return {"random": x, "nan_gap": gap, "integer": ints, "constant": const,
            "strided": strided, "readonly": ro}  # fmt: skip


SIGNALS = _signals()


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("centers", [[], [0], [3, 250, 499], [-5, 520]])
def test_extract_windows_matches_twin(name, centers):
    x = SIGNALS[name]
    c = np.asarray(centers, dtype=np.int64)
    got = K.extract_windows(np.ascontiguousarray(x, dtype=np.float64), c, 20, 30)
    np.testing.assert_array_equal(got, twin_extract(x, c, 20, 30))


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("seed", [0, 1])
def test_template_correlation_matches_twin(name, seed):
    x = SIGNALS[name]
    rng = np.random.default_rng(seed)
    beats = np.vstack([x[0, :100], x[0, 100:200], x[1, :100], np.full(100, 2.0)])
    tpl = rng.normal(size=100)
    for lo, hi in [(0, 100), (10, 60), (5, 7), (0, 0)]:
        got = K.template_correlation(np.ascontiguousarray(beats), tpl, lo, hi)
        np.testing.assert_allclose(got, twin_corr(beats, tpl, lo, hi), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("m", [1, 5, 17, 40])
@pytest.mark.parametrize("name", ["random", "integer", "nan_gap"])
def test_resample_linear_matches_twin(m, name):
    seg = np.ascontiguousarray(SIGNALS[name][:, 95:120])
    np.testing.assert_allclose(K.resample_linear(seg, m), twin_resample(seg, m), atol=1e-12)


def test_fiducials_on_synthetic_beat():
    """A triangle QRS (onset -20 ms, R 0, S +20 ms, offset +40 ms), Gaussian P and T."""
    # fs = 500 Hz: one sample is 2 ms
    t = np.arange(-400, 600, 2.0)  # ms
    qrs = np.interp(t, [-20, 0, 20, 40], [0.0, 1.5, -0.4, 0.0], left=0, right=0)
    p = 0.15 * np.exp(-0.5 * ((t + 150) / 20) ** 2)
    tw = 0.3 * np.exp(-0.5 * ((t - 250) / 40) ** 2)
    x = np.tile(qrs + p + tw, 3)
    r = np.asarray([200, 700, 1200], dtype=np.int64)
    rr = np.full(3, 500.0)
    f = K.fiducials(x, r, rr, rr, 75, 0.3, 0.1, 20, 250, 150, 10)
    col = {n: i for i, n in enumerate(K.FIDUCIAL_COLUMNS)}
    b = f[1]
    assert abs(b[col["qrs_on"]] * 2 - (-20)) <= 4  # ms, within 2 samples
    assert abs(b[col["qrs_off"]] * 2 - 40) <= 4
    assert b[col["s_pos"]] * 2 == 20
    assert b[col["s_amp"]] == pytest.approx(-0.4, abs=0.01)
    assert b[col["r_amp"]] == pytest.approx(1.5, abs=0.01)
    assert abs(b[col["t_pos"]] * 2 - 250) <= 4
    assert b[col["t_amp"]] == pytest.approx(0.3, abs=0.02)
    assert abs(b[col["p_pos"]] * 2 - (-150)) <= 4
    assert b[col["p_amp"]] == pytest.approx(0.15, abs=0.02)


def test_fiducials_degenerate_rows_are_nan():
    x = np.zeros(1000)
    x[500] = np.nan
    r = np.asarray([0, 300, 500, 999], dtype=np.int64)
    nan = np.full(4, np.nan)
    f = K.fiducials(x, r, nan, nan, 50, 0.3, 0.1, 10, 200, 100, 5)
    assert f.shape == (4, len(K.FIDUCIAL_COLUMNS))
    assert np.isnan(f).all()  # edges, a flat lead and a NaN R sample: nothing measurable


# ---------------------------------------------------------------- public functions


def test_beat_window_size_trims_outlier_windows():
    fs = 360.0
    rr = np.full(200, 288)  # 800 ms
    rr[100:110] = 720  # a 7-s pause run: one or two outlying 10-s windows
    peaks = np.concatenate([[0], np.cumsum(rr)])
    size = beat_window_size(peaks, fs)
    plain = np.mean(np.diff(peaks)) / fs * 1000
    assert abs(size - 800.0) < abs(plain - 800.0)
    assert size == pytest.approx(800.0, abs=1.0)
    assert np.isnan(beat_window_size([5], fs))


def test_segment_beats_shapes_and_centre(rng):
    x = rng.normal(size=(2, 5000))
    peaks = np.arange(300, 4700, 300)
    seg = segment_beats(x, peaks, 250.0)
    assert seg.size_ms == pytest.approx(1200.0)
    assert seg.beats.shape == (peaks.size, 2, 300)
    np.testing.assert_array_equal(seg.beats[:, :, seg.before], x[:, peaks].T)
    fixed = segment_beats(x, peaks, 250.0, size_ms=400.0, r_fraction=0.25)
    assert fixed.beats.shape[2] == 100 and fixed.before == 25
    assert fixed.times_ms[fixed.before] == 0.0


@pytest.mark.parametrize(
    "kwargs, err",
    [({"size_ms": -1.0}, ValueError), ({"r_fraction": 1.5}, ValueError)],
)
def test_segment_beats_rejects_bad_parameters(kwargs, err):
    with pytest.raises(err):
        segment_beats(np.zeros(1000), [100, 400], 250.0, **kwargs)


@pytest.mark.parametrize(
    "peaks, err",
    [([5, 5], ValueError), ([1.5], ValueError), ([0, 2000], ValueError), ([[1, 2]], ValueError)],
)
def test_segment_beats_rejects_bad_peaks(peaks, err):
    with pytest.raises(err):
        segment_beats(np.zeros(1000), peaks, 250.0)


def test_template_and_correlation():
    t = np.sin(np.linspace(0, 6, 80))
    beats = np.stack([t, t + 0.01 * np.cos(np.arange(80)), -t, np.full(80, 1.0)])
    tpl = median_template(beats)
    assert tpl.shape == (80,)
    c = template_correlation(beats, t)
    assert c[0] == pytest.approx(1.0) and c[1] > 0.99 and c[2] == pytest.approx(-1.0)
    assert np.isnan(c[3])  # flat beat
    assert np.isnan(median_template(np.zeros((0, 2, 10)))).all()
    with pytest.raises(ValueError, match="template shape"):
        template_correlation(beats, t[:10])


def test_rr_features_known_values():
    # hand computation: RR = 1000, 1000, 500, 1000 ms at 360 Hz; record mean 875 ms
    t = rr_features([0, 360, 720, 900, 1260], 360, local_beats=2)
    v = dict(zip(RR_FEATURE_NAMES, t.values[3], strict=True))
    assert v["rr_pre"] == 500.0 and v["rr_post"] == 1000.0
    assert v["rr_record"] == 875.0
    assert v["rr_local"] == pytest.approx(750.0)  # intervals 2 and 3
    assert v["rr_pre_norm"] == pytest.approx(500 / 875)
    assert v["rr_post_pre"] == 2.0
    assert v["rr_local_cv"] == pytest.approx(np.std([1000, 500]) / 750)
    assert v["rr_pre_prev"] == pytest.approx(0.5)
    assert np.isnan(t.values[0, 0]) and np.isnan(t.values[-1, 1])
    assert np.isnan(rr_features([10], 360).values).all()


def test_beat_features_on_real_excerpt_separates_pvcs():
    """mitdb_119 holds bigeminal PVCs: V beats are wider and far from the N template."""
    from geoecg.datasets import sample_record_path
    from geoecg.io import beat_annotations, read_record

    rec = read_record(sample_record_path("mitdb_119"), sampto=360 * 60)
    ba = beat_annotations(rec.annotations)
    table = beat_features(rec.signal, ba["sample"].to_numpy(), rec.fs)
    names = table.names.tolist()
    assert table.values.shape == (len(ba), len(names))
    v = ba["aami"].to_numpy() == "V"
    assert v.sum() >= 5 and (~v).sum() >= 5
    width = table.values[:, names.index("qrs_width_l0")]
    corr = table.values[:, names.index("corr_qrs_l0")]
    assert np.nanmedian(width[v]) > np.nanmedian(width[~v]) + 30  # ms
    assert np.nanmedian(corr[~v]) > 0.95 > np.nanmedian(corr[v])


def test_beat_features_degenerate_inputs():
    flat = beat_features(np.zeros((1, 3000)), [500, 1000, 1500], 250.0)
    assert flat.values.shape == (3, len(flat.names))
    assert np.isnan(flat.values[:, flat.names.tolist().index("r_amp_l0")]).all()
    empty = beat_features(np.zeros((2, 3000)), [], 250.0)
    assert empty.values.shape == (0, len(empty.names))
    with pytest.raises(ValueError, match="blocks"):
        beat_features(np.zeros(3000), [10], 250.0, blocks=("bogus",))


def test_beat_features_transformer_contract():
    from geoecg.datasets import sample_record_path
    from geoecg.io import beat_annotations, read_record

    recs = []
    for name in ("mitdb_119", "mitdb_101"):
        rec = read_record(sample_record_path(name), sampto=360 * 20)
        recs.append((rec.signal, beat_annotations(rec.annotations)["sample"].to_numpy()))
    snapshot = [s.copy() for s, _ in recs]
    bf = BeatFeatures(fs=360.0, feature_set=None, adapt=False)
    with pytest.raises(Exception, match="not fitted"):
        bf.transform(recs)
    F = bf.fit_transform(recs)
    n_per_lead = sum(len(v) for k, v in BEAT_FEATURE_BLOCKS.items() if k != "rr")
    assert F.shape == (sum(p.size for _, p in recs), len(RR_FEATURE_NAMES) + 2 * n_per_lead)
    np.testing.assert_array_equal(F, clone(bf).fit(recs).transform(recs))
    np.testing.assert_array_equal(F, pickle.loads(pickle.dumps(bf)).transform(recs))
    for s, (s2, _) in zip(snapshot, recs, strict=True):
        np.testing.assert_array_equal(s, s2)
    assert bf.get_feature_names_out().size == F.shape[1]
    with pytest.raises(TypeError):
        bf.fit(np.zeros((3, 100)))


def test_viz_templates_and_star_strip():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from geoecg.features import star_augment
    from geoecg.viz import plot_beat_templates, plot_star_strip

    rng = np.random.default_rng(0)
    x = rng.normal(scale=0.05, size=(1, 4000))
    peaks = np.arange(200, 3800, 300)
    x[0, peaks] += 1.0
    seg = segment_beats(x, peaks, 250.0)
    labels = np.where(np.arange(peaks.size) % 3 == 0, "V", "N")
    fig = plot_beat_templates(seg, labels)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == [
        f"V ventricular ectopic (n={(labels == 'V').sum()})",
        f"N normal (n={(labels == 'N').sum()})",
    ]
    plt.close(fig)
    with pytest.raises(ValueError, match="labels"):
        plot_beat_templates(seg, labels[:-1])
    fig = plot_star_strip(x, star_augment(x, peaks), 250.0, peaks)
    assert "R-R segments" in fig.axes[0].get_title()
    plt.close(fig)
