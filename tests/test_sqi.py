"""Signal-quality kernels against slow NumPy twins; SQIs on real and corrupted windows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from geoecg._kernels import sqi as K
from geoecg.datasets import sample_record_path
from geoecg.features import SQI_NAMES, bsqi, length_transform_rpeaks, sqi_features
from geoecg.io import beat_annotations, read_record


# ---------------------------------------------------------------- slow twins
def flat_twin(x, tol, min_len):
    n = len(x)
    if n == 0:
        return np.nan
    flat, i = 0, 0
    while i < n:
        if not np.isfinite(x[i]):
            i += 1
            continue
        j = i
        while j + 1 < n and np.isfinite(x[j + 1]) and abs(x[j + 1] - x[j]) <= tol:
            j += 1
        if j - i + 1 >= min_len:
            flat += j - i + 1
        i = j + 1
    return flat / n


def clip_twin(x, tol, min_len):
    n = len(x)
    if n == 0:
        return np.nan
    f = x[np.isfinite(x)]
    if f.size == 0:
        return np.nan
    hi, lo = f.max(), f.min()
    if hi - lo <= tol:
        return 0.0
    total = 0
    for mask in (np.isfinite(x) & (x >= hi - tol), np.isfinite(x) & (x <= lo + tol)):
        run = 0
        for v in list(mask) + [False]:
            if v:
                run += 1
            else:
                total += run if run >= min_len else 0
                run = 0
    return total / n


def match_twin(a, b, tol):
    """Maximum one-to-one matching within tol (Kuhn's augmenting paths, brute force)."""
    owner = {}

    def augment(i, seen):
        for j, y in enumerate(b):
            if abs(a[i] - y) <= tol and j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in range(len(a)))


def _signals(rng):
    x = rng.standard_normal(500).cumsum()
    q = np.round(x * 5) / 5  # quantised with plateaus and ties
    gap = x.copy()
    gap[100:130] = np.nan
    sat = np.clip(x, np.percentile(x, 5), np.percentile(x, 95))
    return {
        "walk": x,
        "quantised": q,
        "gap": gap,
        "saturated": sat,
        "const": np.ones(50),
        "empty": np.empty(0),
        "strided": x[::3],
    }


def test_moments_match_scipy(rng):
    for name, x in _signals(rng).items():
        s, k = K.skew_kurt(np.ascontiguousarray(x))
        f = x[np.isfinite(x)]
        if f.size < 3 or np.ptp(f) == 0:
            assert np.isnan(s) and np.isnan(k), name
        else:
            assert s == pytest.approx(stats.skew(f), rel=1e-9), name
            assert k == pytest.approx(stats.kurtosis(f, fisher=False), rel=1e-9), name


@pytest.mark.parametrize("tol,min_len", [(0.0, 3), (0.2, 2), (0.5, 5)])
def test_flat_and_clip_match_twins(rng, tol, min_len):
    for name, x in _signals(rng).items():
        x = np.ascontiguousarray(x)
        a, b = K.flat_fraction(x, tol, min_len), flat_twin(x, tol, min_len)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b), (name, a, b)
        a, b = K.clip_fraction(x, tol, min_len), clip_twin(x, tol, min_len)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b), (name, a, b)


@pytest.mark.parametrize("seed", range(5))
def test_count_matches_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    a = np.sort(rng.choice(2000, 40, replace=False))
    b = np.sort(np.concatenate([a[::2] + rng.integers(-8, 9, 20), rng.choice(2000, 10)]))
    b = np.unique(b)
    assert K.count_matches(a, b, 10) == match_twin(a, b, 10)
    assert K.count_matches(a, np.empty(0, np.int64), 10) == 0


def test_curve_length_twin(rng):
    x = rng.standard_normal(300)
    x[50] = np.nan
    d = np.abs(np.diff(x, prepend=x[0]))
    d[~np.isfinite(d)] = 0
    ref = np.array([d[max(0, i - 9) : i + 1].sum() for i in range(300)])
    np.testing.assert_allclose(K.curve_length(x, 10), ref, atol=1e-12)


@pytest.mark.parametrize("name", ["mitdb_101", "mitdb_201"])
def test_length_transform_detector_scored_by_matching(name):
    rec = read_record(sample_record_path(name))
    ref = beat_annotations(rec.annotations)["sample"].to_numpy()
    got = length_transform_rpeaks(rec.signal[0], rec.fs)
    tol = int(0.15 * rec.fs)
    m = K.count_matches(np.sort(ref), got, tol)
    se, ppv = m / ref.size, m / got.size
    assert se > 0.95 and ppv > 0.95, (se, ppv)


def test_bsqi_values():
    assert bsqi([100, 460, 820], [102, 830, 1200], fs=360) == 0.5  # 2 matched of 4 distinct
    assert bsqi([], [5], fs=360) == 0.0
    assert np.isnan(bsqi([], [], fs=360))


def test_sqi_separates_clean_from_noise(rng):
    rec = read_record(sample_record_path("mitdb_101"), sampto=3600)
    clean = sqi_features(rec.signal[0], rec.fs)
    noise = sqi_features(rng.standard_normal(3600) * 0.5, rec.fs)
    assert clean["kSQI"] > 5 > noise["kSQI"]
    assert clean["bSQI"] > 0.9 > noise["bSQI"]
    flat = sqi_features(np.zeros(3600), rec.fs)
    assert flat["flatFrac"] == 1.0 and np.isnan(flat["kSQI"])
    clipped = sqi_features(np.clip(rec.signal[0], -0.3, 0.3), rec.fs)
    assert clipped["clipFrac"] > clean["clipFrac"]
    assert set(clean) == set(SQI_NAMES)


def test_sqi_bad_input():
    with pytest.raises(ValueError):
        sqi_features(np.zeros((2, 100)), 360.0)
    with pytest.raises(ValueError):
        sqi_features(np.zeros(100), -1)
    with pytest.raises(TypeError):
        sqi_features(np.array(["a"]), 360.0)


def template_twin(x, peaks, half):
    beats = np.array([x[p - half : p + half + 1] for p in peaks if half <= p < x.size - half])
    if len(beats) < 2:
        return np.nan
    t = np.median(beats, axis=0)
    rs = [np.corrcoef(b, t)[0, 1] if np.std(b) > 0 and np.std(t) > 0 else 0.0 for b in beats]
    return float(np.mean(rs))


def test_template_correlation_matches_twin(rng):
    rec = read_record(sample_record_path("mitdb_119"), sampto=3600)
    x = np.ascontiguousarray(rec.signal[0])
    peaks = beat_annotations(rec.annotations)["sample"].to_numpy()
    for p, h in ((peaks, 36), (peaks[:1], 36), (np.array([0, 3599]), 36), (peaks, 3)):
        a, b = K.template_correlation(x, p.astype(np.int64), h), template_twin(x, p, h)
        assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, rel=1e-9)
    q = np.round(rng.standard_normal(3600) * 3)  # integer-valued with ties
    a = K.template_correlation(q, peaks.astype(np.int64), 20)
    assert a == pytest.approx(template_twin(q, peaks, 20), rel=1e-9)
