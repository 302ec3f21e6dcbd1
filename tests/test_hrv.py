"""HRV indices: each kernel against a slow NumPy twin written from the published formula,
hand-computed values on a 5-beat series, edge cases, batch and windowed equivalence. The
TINN foot search and the entropy template counts against brute-force searches are in
tests/test_hrv_brute_force.py (it imports the twins and inputs from here)."""

from __future__ import annotations

import numpy as np
import pytest

from geoecg._kernels import entropy as E
from geoecg.features import (
    HRV_FEATURE_NAMES,
    HRVFeatures,
    HRVSettings,
    hrv_features,
    hrv_features_batch,
    hrv_windowed,
    rr_from_rpeaks,
)

# ---------------------------------------------------------------- slow NumPy twins

BIN = 1000.0 / 128.0


def time_domain(rr):
    x = rr[np.isfinite(rr)]
    d = np.array(
        [
            rr[i + 1] - rr[i]
            for i in range(len(rr) - 1)
            if np.isfinite(rr[i]) and np.isfinite(rr[i + 1])
        ]
    )
    nan = float("nan")
    out = dict.fromkeys(
        [
            "MeanNN",
            "SDNN",
            "RMSSD",
            "SDSD",
            "CVNN",
            "CVSD",
            "MedianNN",
            "MadNN",
            "MCVNN",
            "IQRNN",
            "Prc20NN",
            "Prc80NN",
            "MinNN",
            "MaxNN",
            "pNN20",
            "pNN50",
            "HRMean",
            "HRStd",
            "HRMin",
            "HRMax",
            "HTI",
        ],
        nan,
    )
    if x.size == 0:
        return out
    out["MeanNN"] = x.mean()
    out["SDNN"] = x.std(ddof=1) if x.size > 1 else nan
    out["RMSSD"] = np.sqrt(np.mean(d**2)) if d.size else nan
    out["SDSD"] = d.std(ddof=1) if d.size > 1 else nan
    out["CVNN"] = out["SDNN"] / out["MeanNN"]
    out["CVSD"] = out["RMSSD"] / out["MeanNN"]
    out["MedianNN"] = np.median(x)
    out["MadNN"] = 1.4826 * np.median(np.abs(x - np.median(x)))
    out["MCVNN"] = out["MadNN"] / out["MedianNN"]
    out["IQRNN"] = np.percentile(x, 75) - np.percentile(x, 25)
    out["Prc20NN"] = np.percentile(x, 20)
    out["Prc80NN"] = np.percentile(x, 80)
    out["MinNN"], out["MaxNN"] = x.min(), x.max()
    if d.size:
        out["pNN20"] = 100 * np.mean(np.abs(d) > 20)
        out["pNN50"] = 100 * np.mean(np.abs(d) > 50)
    hr = 60000 / x
    out["HRMean"] = hr.mean()
    out["HRStd"] = hr.std(ddof=1) if x.size > 1 else nan
    out["HRMin"], out["HRMax"] = hr.min(), hr.max()
    k = np.floor(x / BIN).astype(int)
    out["HTI"] = x.size / np.bincount(k - k.min()).max()
    return out


def tinn(x):
    """Every optimal M - N of a joint brute-force search over both feet."""
    k = np.floor(x / BIN).astype(int)
    counts = np.bincount(k - k.min()).astype(float)
    first = k.min() * BIN
    edges = first + np.arange(counts.size) * BIN
    mode = int(np.argmax(counts))
    X, Y = edges[mode], counts[mode]
    errs = {}
    for kn in range(-1, mode):
        for km in range(mode + 1, counts.size + 2):
            N, M = first + kn * BIN, first + km * BIN
            q = np.zeros(counts.size)
            left = (edges > N) & (edges < X)
            right = (edges > X) & (edges < M)
            q[left] = Y * (edges[left] - N) / (X - N)
            q[right] = Y * (M - edges[right]) / (M - X)
            err = np.sum(((counts - q) ** 2)[np.arange(counts.size) != mode])
            errs[(kn, km)] = (err, M - N)
    best = min(e for e, _ in errs.values())
    return {round(v, 9) for e, v in errs.values() if e <= best + 1e-9}


def sampen(x, m, r):
    n = len(x)
    if n <= m + 1:
        return np.nan

    def count(mm):
        t = np.array([x[i : i + mm] for i in range(n - m)])
        c = 0
        for i in range(len(t)):
            for j in range(i + 1, len(t)):
                if np.max(np.abs(t[i] - t[j])) <= r:
                    c += 1
        return c

    B, A = count(m), count(m + 1)
    return -np.log(A / B) if A > 0 and B > 0 else np.nan


def apen(x, m, r):
    n = len(x)
    if n <= m + 1:
        return np.nan

    def phi(mm):
        t = np.array([x[i : i + mm] for i in range(n - mm + 1)])
        c = [np.mean(np.max(np.abs(t - ti), axis=1) <= r) for ti in t]
        return np.mean(np.log(c))

    return phi(m) - phi(m + 1)


def cosen(rr_ms, r_ms=30.0):
    x = rr_ms / 1000.0
    se = sampen(x, 1, r_ms / 1000.0)
    return se + np.log(2 * r_ms / 1000.0) - np.log(x.mean()) if np.isfinite(se) else np.nan


def dfa(x, lo, hi):
    x = np.asarray(x, float)
    n = x.size
    scales = [s for s in range(lo, hi + 1) if s <= n // 4]
    if len(scales) < 3:
        return np.nan
    y = np.cumsum(x - x.mean())
    F = []
    for s in scales:
        k = n // s
        res = []
        for w in range(k):
            seg = y[w * s : (w + 1) * s]
            t = np.arange(s)
            p = np.polyfit(t, seg, 1)
            res.append(seg - np.polyval(p, t))
        F.append(np.sqrt(np.mean(np.concatenate(res) ** 2)))
    F = np.array(F)
    if np.any(F <= 0):
        return np.nan
    return np.polyfit(np.log(scales), np.log(F), 1)[0]


def tpr(x):
    if len(x) < 3:
        return np.nan
    c = sum(1 for i in range(1, len(x) - 1) if (x[i] - x[i - 1]) * (x[i] - x[i + 1]) > 0)
    return c / (len(x) - 2)


def shannon(x):
    k = np.floor(np.asarray(x) / BIN).astype(int)
    p = np.bincount(k - k.min()) / len(x)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def poincare(rr):
    pairs = [
        (rr[i], rr[i + 1])
        for i in range(len(rr) - 1)
        if np.isfinite(rr[i]) and np.isfinite(rr[i + 1])
    ]
    if len(pairs) < 2:
        return np.nan, np.nan
    a = np.array(pairs)
    return (
        np.std((a[:, 0] - a[:, 1]) / np.sqrt(2), ddof=1),
        np.std((a[:, 0] + a[:, 1]) / np.sqrt(2), ddof=1),
    )


# ---------------------------------------------------------------- inputs
def _series(seed, n=300, kind="normal"):
    rng = np.random.default_rng(seed)
    if kind == "normal":
        return 800 + 40 * rng.standard_normal(n) + 30 * np.sin(np.arange(n) / 4)
    if kind == "int":  # ADC-quantised at 360 Hz: multiples of 2.777 ms -> ties
        return np.round((800 + 40 * rng.standard_normal(n)) / (1000 / 360)) * (1000 / 360)
    if kind == "ties":
        return rng.integers(795, 806, n).astype(float)
    raise ValueError(kind)


CASES = [
    ("normal", 0, 300),
    ("normal", 1, 57),
    ("int", 2, 200),
    ("ties", 3, 120),
    ("normal", 4, 5),
    ("normal", 5, 3),
    ("normal", 6, 2),
    ("normal", 7, 1),
    ("normal", 8, 0),
]


def _close(a, b, rtol=1e-9, atol=1e-9):
    if np.isnan(a) or np.isnan(b):
        return np.isnan(a) and np.isnan(b)
    return abs(a - b) <= atol + rtol * abs(b)


@pytest.mark.parametrize("kind,seed,n", CASES)
def test_time_domain_matches_twin(kind, seed, n):
    rr = _series(seed, n, kind)
    got = hrv_features(rr)
    ref = time_domain(rr)
    for k, v in ref.items():
        assert _close(got[k], v), (k, got[k], v)


@pytest.mark.parametrize("kind,seed,n", CASES[:5])
def test_tinn_is_an_optimal_triangle(kind, seed, n):
    rr = _series(seed, n, kind)
    got = hrv_features(rr)["TINN"]
    if n < 3:
        assert np.isnan(got)
    else:
        assert round(got, 9) in tinn(rr)


@pytest.mark.parametrize("kind,seed,n", CASES)
def test_nonlinear_matches_twin(kind, seed, n):
    rr = _series(seed, n, kind)
    got = hrv_features(rr)
    r = 0.2 * rr.std(ddof=1) if n > 1 else np.nan
    sd1, sd2 = poincare(rr)
    assert _close(got["SD1"], sd1) and _close(got["SD2"], sd2)
    if n > 1:
        assert _close(got["SampEn"], sampen(rr, 2, r))
        assert _close(got["ApEn"], apen(rr, 2, r))
    assert _close(got["COSEn"], cosen(rr) if n >= 3 else np.nan)
    assert _close(got["DFA_alpha1"], dfa(rr, 4, 16), rtol=1e-7)
    assert _close(got["DFA_alpha2"], dfa(rr, 16, 64), rtol=1e-7)
    assert _close(got["TPR"], tpr(rr))
    assert _close(got["ShanEn"], shannon(rr) if n else np.nan)


@pytest.mark.parametrize("m", [1, 2, 3])
@pytest.mark.parametrize("seed", [0, 1])
def test_entropies_integer_ties(m, seed):
    # integer-valued series with many ties: the sorted scan must equal the brute force
    x = np.random.default_rng(seed).integers(0, 4, 150).astype(float)
    for r in (0.0, 1.0, 1.5):
        assert _close(E.sample_entropy(x, m, r), sampen(x, m, r))
        assert _close(E.approximate_entropy(x, m, r), apen(x, m, r))


def test_five_beat_hand_values():
    # RR = 800, 810, 790, 830, 800 ms; d = 10, -20, 40, -30 (computed by hand)
    f = hrv_features([800.0, 810.0, 790.0, 830.0, 800.0])
    assert f["MeanNN"] == pytest.approx(806.0)
    assert f["SDNN"] == pytest.approx(np.sqrt((36 + 16 + 256 + 576 + 36) / 4))  # 15.166
    assert f["RMSSD"] == pytest.approx(np.sqrt(3000 / 4))  # 27.386
    assert f["SDSD"] == pytest.approx(np.sqrt(((10 - 0) ** 2 + 400 + 1600 + 900) / 3))
    assert f["MedianNN"] == 800.0
    assert f["pNN20"] == 50.0 and f["pNN50"] == 0.0  # |40|, |-30| exceed 20 ms
    assert f["MinNN"] == 790.0 and f["MaxNN"] == 830.0
    assert f["HRMin"] == pytest.approx(60000 / 830) and f["HRMax"] == pytest.approx(60000 / 790)
    assert f["TPR"] == 1.0  # 810 peak, 790 trough, 830 peak
    # Poincaré pairs: (800,810),(810,790),(790,830),(830,800); x1 = -10,20,-40,30 / sqrt2
    assert f["SD1"] == pytest.approx(np.std(np.array([-10, 20, -40, 30]) / np.sqrt(2), ddof=1))
    # histogram bins of 7.8125 ms: 790 -> 101, 800,800 -> 102, 810 -> 103, 830 -> 106
    assert f["HTI"] == pytest.approx(5 / 2)
    assert f["ShanEn"] == pytest.approx(-(3 * 0.2 * np.log2(0.2) + 0.4 * np.log2(0.4)))


def test_degenerate_inputs_give_nan_not_errors():
    assert all(np.isnan(v) for v in hrv_features([]).values())
    one = hrv_features([800.0])
    assert one["MeanNN"] == 800.0 and np.isnan(one["SDNN"]) and np.isnan(one["RMSSD"])
    const = hrv_features(np.full(400, 750.0))
    assert const["SDNN"] == 0 and const["RMSSD"] == 0
    for k in ("CSI", "CVI", "SD1SD2", "LFHF", "LFn", "DFA_alpha1", "DFA_alpha2"):
        assert np.isnan(const[k]), k
    short = hrv_features(np.full(20, 1000.0) + np.arange(20) % 2)  # 20 s: no LF/VLF
    assert np.isnan(short["LF"]) and np.isnan(short["VLF"])
    nan_only = hrv_features([np.nan, np.nan])
    assert np.isnan(nan_only["MeanNN"])


def test_nan_gaps():
    rr = _series(0, 300)
    rr[[10, 11, 50, 200]] = np.nan
    got = hrv_features(rr)
    ref = time_domain(rr)
    for k in ("MeanNN", "SDNN", "RMSSD", "SDSD", "pNN50", "MedianNN"):
        assert _close(got[k], ref[k])
    fin = rr[np.isfinite(rr)]
    assert _close(got["SampEn"], sampen(fin, 2, 0.2 * fin.std(ddof=1)))
    assert np.isfinite(got["HF"]) and np.isfinite(got["HF_LS"])


def test_strided_readonly_and_rpeaks_agree():
    base = _series(3, 600)
    view = base[::2]
    ro = view.copy()
    ro.setflags(write=False)
    a, b = hrv_features(view), hrv_features(ro)
    assert all(_close(a[k], b[k]) for k in HRV_FEATURE_NAMES)
    peaks = np.concatenate([[0], np.cumsum(np.round(ro * 0.36))]).astype(np.int64)
    c = hrv_features(rpeaks=peaks, fs=360.0)
    rr, _ = rr_from_rpeaks(peaks, 360.0)
    d = hrv_features(rr)
    assert all(_close(c[k], d[k], rtol=1e-6) for k in HRV_FEATURE_NAMES)


@pytest.mark.parametrize(
    "kwargs,exc",
    [
        ({"rr_ms": [800.0, -5.0]}, ValueError),
        ({"rr_ms": [[800.0, 810.0]]}, ValueError),
        ({"rr_ms": [800.0, np.inf]}, ValueError),
        ({"rr_ms": ["a", "b"]}, TypeError),
        ({"rpeaks": [10, 5], "fs": 360}, ValueError),
        ({"rpeaks": [1, 5]}, ValueError),
        ({"rpeaks": [1, 5], "fs": 0}, ValueError),
        ({}, ValueError),
    ],
)
def test_bad_input_raises(kwargs, exc):
    with pytest.raises(exc):
        hrv_features(**kwargs)


def test_settings_validation():
    with pytest.raises(ValueError, match="fs_interp"):
        HRVSettings(fs_interp=0)
    with pytest.raises(ValueError, match="entropy_m"):
        HRVSettings(entropy_m=0)


def test_batch_equals_one_by_one():
    series = [_series(s, n) for s, n in [(0, 300), (1, 2), (2, 0), (3, 77), (4, 400)]]
    series.append(np.full(50, 900.0))
    X1 = hrv_features_batch(series, n_jobs=1)
    X2 = hrv_features_batch(series, n_jobs=2)
    ref = np.array([[hrv_features(s)[k] for k in HRV_FEATURE_NAMES] for s in series])
    np.testing.assert_array_equal(X1, ref)
    np.testing.assert_array_equal(X2, ref)


def test_windowed_equals_manual_slicing():
    rr = _series(5, 1500)
    peaks = np.concatenate([[250], 250 + np.cumsum(np.round(rr * 0.36))]).astype(np.int64)
    fs = 360.0
    w = hrv_windowed(peaks, fs, window_s=120.0, step_s=60.0)
    t = peaks / fs
    assert w.values.shape[0] == len(w.start_s) > 5
    for i, s in enumerate(w.start_s):
        inside = peaks[(t >= s) & (t < s + 120.0)]
        ref = hrv_features(rpeaks=inside, fs=fs) if inside.size else None
        assert w.n_intervals[i] == max(inside.size - 1, 0)
        if ref is not None:
            np.testing.assert_allclose(w.values[i], [ref[k] for k in HRV_FEATURE_NAMES])
    df = w.to_frame()
    assert list(df.columns[:3]) == ["start_s", "end_s", "n_intervals"]


def test_windowed_short_window_is_nan():
    w = hrv_windowed(rr_ms=np.full(30, 800.0), window_s=20.0, partial=True)
    assert np.isnan(w.values[:, HRV_FEATURE_NAMES.index("LF")]).all()
    assert w.n_intervals[-1] < w.n_intervals[0]


def test_transformer_contract():
    import pickle

    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError

    X = [_series(s, 200) for s in range(4)]
    t = HRVFeatures(blocks=("time", "nonlinear"))
    with pytest.raises(NotFittedError):
        t.transform(X)
    out = t.fit(X).transform(X)
    assert out.shape == (4, 34)
    assert np.array_equal(out, clone(t).fit_transform(X), equal_nan=True)
    assert np.array_equal(out, pickle.loads(pickle.dumps(t)).transform(X), equal_nan=True)
    t.set_output(transform="pandas")
    df = t.transform(X)
    assert list(df.columns) == list(t.get_feature_names_out())
    with pytest.raises(ValueError, match="blocks"):
        HRVFeatures(blocks=("spectral",)).fit(X)


def test_time_domain_agrees_with_neurokit2():
    # NeuroKit2 0.2.13: nk.hrv_time(peaks, sampling_rate=1000) on the same peaks.
    nk = pytest.importorskip("neurokit2")
    rr = np.round(_series(9, 300))
    peaks = np.concatenate([[0], np.cumsum(rr)]).astype(int)
    with np.errstate(all="ignore"):
        ref = nk.hrv_time(peaks, sampling_rate=1000).iloc[0]
    got = hrv_features(rpeaks=peaks, fs=1000.0)
    for k in (
        "MeanNN",
        "SDNN",
        "RMSSD",
        "SDSD",
        "CVNN",
        "MedianNN",
        "MadNN",
        "IQRNN",
        "Prc20NN",
        "Prc80NN",
        "MinNN",
        "MaxNN",
        "HTI",
    ):
        assert got[k] == pytest.approx(ref["HRV_" + k], rel=1e-9), k
    # pNN50: NK2 divides by the number of intervals, geoecg by the number of differences
    n = rr.size
    assert got["pNN50"] * (n - 1) / n == pytest.approx(ref["HRV_pNN50"])


def test_batch_rpeaks_equals_one_by_one():
    fs = 250.0
    rng = np.random.default_rng(7)
    series = []
    for n in (400, 0, 1, 2, 5, 300):
        rr = np.round(_series(n, max(n - 1, 0)) * fs / 1000.0)
        series.append((rng.integers(0, 500) + np.concatenate([[0], np.cumsum(rr)]))[:n])
    series.append(series[0].astype(np.uint32))
    series.append(series[5].astype(float))  # integer-valued floats are accepted
    series.append(list(series[4]))
    ref = np.array([[hrv_features(rpeaks=s, fs=fs)[k] for k in HRV_FEATURE_NAMES] for s in series])
    for n_jobs in (1, 2):
        X = hrv_features_batch(series, kind="rpeaks", fs=fs, n_jobs=n_jobs)
        np.testing.assert_array_equal(X, ref)
    assert hrv_features_batch([], kind="rpeaks", fs=fs).shape == (0, 48)


@pytest.mark.parametrize(
    "bad,exc",
    [([5, 3], ValueError), ([-1, 4], ValueError), ([1.5, 3.0], TypeError), ([[1, 2]], ValueError)],
)
def test_batch_rpeaks_errors_name_the_series(bad, exc):
    good = np.arange(0, 3600, 360)
    with pytest.raises(exc, match=r"series\[1\]"):
        hrv_features_batch([good, np.array(bad), good], kind="rpeaks", fs=360.0)
    with pytest.raises(ValueError, match="fs"):
        hrv_features_batch([good], kind="rpeaks")
