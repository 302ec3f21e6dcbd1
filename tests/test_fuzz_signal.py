"""Property-based fuzz suite over the signal-level public API (issue 19).

Every public function that takes an ECG signal is run over the input classes below; each
call must either raise a ``ValueError``/``TypeError`` whose message names the argument and
what is expected, or return a result whose invariants hold (indices inside the signal and
sorted, RR >= the refractory period, NaN where the input gave no information, covariances
SPD or NaN with a reason). Profiles: ``ci`` (default, few examples) and ``nightly``
(``HYPOTHESIS_PROFILE=nightly``), registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geoecg.features import (
    RPeakDetector,
    beat_features,
    detect_rpeaks,
    noise_window_features,
    segment_beats,
    sqi_features,
    star_augment,
)
from geoecg.features.af.record import AF_RECORD_FEATURE_NAMES, af_record_features
from geoecg.riemann import LeadCovariances, lead_covariances
from geoecg.signal import bandpass, highpass, lowpass, notch, remove_baseline, resample

GOOD_FS = (100.0, 128.0, 250.0, 360.0, 500.0, 1000.0)
BAD_FS = (0, -250.0, "250", float("nan"), float("inf"), None)

LEGAL_KINDS = (
    "normal", "empty", "one", "three_beats", "flat", "allnan", "nan10", "nan90",
    "int16", "float32", "big", "list",
)  # fmt: skip
BAD_KINDS = ("inf", "transposed", "3d", "string")


def synth(fs: float, seconds: float, n_leads: int, seed: int) -> np.ndarray:
    """Gaussian QRS-like spikes every 0.8 s plus a little noise, mV, (n_leads, n)."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * fs))
    t = np.arange(n) / fs
    x = np.zeros(n)
    for c in np.arange(0.3, seconds, 0.8):
        x += np.exp(-0.5 * ((t - c) / 0.012) ** 2)
    return np.vstack([(1.0 - 0.3 * k) * x + 0.02 * rng.standard_normal(n) for k in range(n_leads)])


def make_signal(kind: str, fs: float, n_leads: int, seed: int):
    """One input of class ``kind``: (signal, is_legal)."""
    rng = np.random.default_rng(seed)
    x = synth(fs, 10.0, n_leads, seed)
    n = x.shape[1]
    if kind == "empty":
        x = x[:, :0]
    elif kind == "one":
        x = x[:, :1]
    elif kind == "three_beats":
        x = x[:, : int(2.3 * fs)]
    elif kind == "flat":
        x = np.full_like(x, 0.37)
    elif kind == "allnan":
        x = np.full_like(x, np.nan)
    elif kind in ("nan10", "nan90"):
        frac = 0.1 if kind == "nan10" else 0.9
        if frac < 0.5:  # one gap of 10 %
            a = int(rng.integers(0, int(0.9 * n)))
            x[:, a : a + int(0.1 * n)] = np.nan
        else:  # short finite stretches in a sea of NaN
            keep = np.zeros(n, bool)
            for a in rng.integers(0, n, size=4):
                keep[a : a + int(0.025 * n)] = True
            x[:, ~keep] = np.nan
    elif kind == "int16":
        x = np.round(x * 200).astype(np.int16)
    elif kind == "float32":
        x = x.astype(np.float32)
    elif kind == "big":
        x = x * 1e6
    elif kind == "inf":
        x[:, n // 2] = np.inf if seed % 2 else -np.inf
        return (x if n_leads > 1 else x[0]), False
    elif kind == "transposed":
        return x.T, False
    elif kind == "3d":
        return x[None, None], False
    elif kind == "string":
        return "ecg.dat", False
    if kind == "list":
        return x.tolist() if n_leads > 1 else x[0].tolist(), True
    return (x if n_leads > 1 else x[0]), True


def _names_signal_problem(kind: str, msg: str) -> bool:
    if kind == "transposed":
        return "n_leads" in msg and ".T" in msg
    if kind == "inf":
        return "infinite" in msg
    if kind == "3d":
        return "shape" in msg
    if kind == "string":
        return "numeric" in msg or "real" in msg
    return False


def check_error(exc: Exception, kind: str, fs_ok: bool, legal: bool) -> None:
    """A rejection must be a clear ValueError/TypeError naming what was wrong (with a bad
    ``fs`` and a bad signal, naming either is enough)."""
    assert isinstance(exc, ValueError | TypeError), repr(exc)
    msg = str(exc)
    named = []
    if not fs_ok:
        named.append("fs" in msg)
    if not legal:
        named.append(_names_signal_problem(kind, msg))
    assert any(named), msg


signal_cases = st.tuples(
    st.sampled_from(LEGAL_KINDS + BAD_KINDS),
    st.sampled_from(GOOD_FS + BAD_FS),
    st.integers(1, 3),
    st.integers(0, 2**16),
)


def run(func, kind, fs, legal, good_fs=GOOD_FS, check=check_error):
    """Call ``func``; a legal input at a rate in ``good_fs`` must not raise, anything else
    must raise clearly (``check(exc, kind, fs_ok, legal)``; tests/test_fuzz_api.py passes
    its own rates and rule)."""
    fs_ok = fs in good_fs
    try:
        out = func()
    except Exception as exc:
        if legal and fs_ok:
            raise AssertionError(f"legal input {kind!r} at fs={fs} raised {exc!r}") from exc
        check(exc, kind, fs_ok, legal)
        return None
    assert legal and fs_ok, f"{kind!r} at fs={fs!r} was accepted"
    return out


def _finite_any(x2: np.ndarray) -> np.ndarray:
    return np.isfinite(x2).any(axis=0)


@given(signal_cases)
def test_fuzz_detect_rpeaks(case):
    kind, fs, n_leads, seed = case
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, n_leads, seed)
    res = run(lambda: detect_rpeaks(sig, fs), kind, fs, legal)
    if res is None:
        return
    x2 = np.atleast_2d(np.asarray(sig, dtype=np.float64))
    idx = res.indices
    assert idx.dtype == np.int64
    assert np.all((idx >= 0) & (idx < x2.shape[1]))
    assert np.all(np.diff(idx) > 0)
    # RR >= refractory (200 ms default), no beat on a missing sample
    assert np.all(np.diff(idx) * 1000.0 / fs >= 200.0 - 1e-9)
    assert _finite_any(x2)[idx].all()
    # an interval across an all-NaN sample is NaN
    rr = res.rr_ms
    gap = ~_finite_any(x2)
    for i in range(rr.size):
        if gap[idx[i] : idx[i + 1]].any():
            assert np.isnan(rr[i])
    if kind in ("allnan", "flat", "empty", "one"):
        assert len(res) == 0


@given(signal_cases)
def test_fuzz_rpeak_detector(case):
    kind, fs, n_leads, seed = case
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, n_leads, seed)
    X = [sig] if kind in ("list", "string") else np.asarray(sig)[None]  # a cohort of one

    def call():
        return RPeakDetector(fs=fs).fit(X).transform(X)

    out = run(call, kind, fs, legal)
    if out is not None:
        assert len(out) == 1


FILTERS = {
    "bandpass": lambda x, fs: bandpass(x, fs, 0.5, 0.4 * fs if fs in GOOD_FS else 40.0),
    "highpass": lambda x, fs: highpass(x, fs, 0.5),
    "lowpass": lambda x, fs: lowpass(x, fs, 0.4 * fs if fs in GOOD_FS else 40.0),
    "notch": lambda x, fs: notch(x, fs, 0.4 * fs if fs in GOOD_FS else 50.0),
    "remove_baseline": lambda x, fs: remove_baseline(x, fs),
    "resample": lambda x, fs: resample(x, fs, 200.0),
}


@pytest.mark.parametrize("name", sorted(FILTERS))
@given(case=signal_cases)
def test_fuzz_filters(name, case):
    kind, fs, n_leads, seed = case
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, n_leads, seed)
    y = run(lambda: FILTERS[name](sig, fs), kind, fs, legal)
    if y is None:
        return
    x = np.asarray(sig, dtype=np.float64)
    y = np.asarray(y)
    assert y.dtype == np.float64
    if name == "resample":
        assert y.shape[:-1] == x.shape[:-1]
    else:
        assert y.shape == x.shape
        assert np.all(np.isnan(y[np.isnan(x)]))  # a gap stays a gap
    if kind == "allnan":
        assert np.all(np.isnan(y))
    if np.isfinite(x).all() and x.shape[-1] > 60:  # shorter: too short to filter, NaN
        assert np.isfinite(y).all()


def _peaks(fs: float, n: int) -> np.ndarray:
    return np.arange(int(0.3 * fs), n, int(0.8 * fs), dtype=np.int64)


@given(signal_cases)
def test_fuzz_beat_functions(case):
    kind, fs, n_leads, seed = case
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, n_leads, seed)
    n = np.shape(sig)[-1] if legal else 2500
    r = _peaks(fs if fs in GOOD_FS else 250.0, n)
    seg = run(lambda: segment_beats(sig, r, fs), kind, fs, legal)
    if seg is not None:
        assert seg.beats.shape[:2] == (r.size, np.atleast_2d(np.asarray(sig)).shape[0])
    tab = run(lambda: beat_features(sig, r, fs, blocks=("rr", "fiducial")), kind, fs, legal)
    if tab is not None:
        assert tab.values.shape[0] == r.size
        if kind in ("flat", "allnan") and r.size:
            # no information in the signal: every morphology column is NaN
            morph = [i for i, nm in enumerate(tab.names) if re.search(r"_l\d+$", nm)]
            assert np.isnan(tab.values[:, morph]).all()
    # star_augment takes no fs; its rejections are about the signal only
    st_res = run(lambda: star_augment(sig, r, random_state=seed), kind, 250.0, legal)
    if st_res is not None:
        assert st_res.signal.shape[-1] > 0 or n == 0


@given(signal_cases)
def test_fuzz_covariances(case):
    kind, fs, n_leads, seed = case
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, max(n_leads, 2), seed)
    X = np.asarray(sig)[None] if legal else sig
    if kind == "transposed":
        X = sig[None]
    res = run(lambda: lead_covariances(X), kind, 250.0, legal)
    if res is not None:
        for C, why in zip(res.covariances, res.reason, strict=True):
            if np.isnan(C).any():
                assert np.isnan(C).all() and why  # NaN with a reason
            else:
                assert np.linalg.eigvalsh(C).min() > 0  # SPD
    C = run(lambda: LeadCovariances(fs=fs, band=(1.0, 30.0)).fit_transform(X), kind, fs, legal)
    if C is not None:
        for c in C:
            assert np.isnan(c).all() or np.linalg.eigvalsh(c).min() > 0
        if kind in ("flat", "allnan"):
            assert np.isnan(C).all()


@given(signal_cases)
def test_fuzz_single_lead_features(case):
    kind, fs, _, seed = case
    if kind == "transposed":
        return  # single-lead functions: a 2-D input is rejected as "1-D expected"
    sig, legal = make_signal(kind, fs if fs in GOOD_FS else 250.0, 1, seed)
    q = run(lambda: sqi_features(sig, fs), kind, fs, legal)
    if q is not None:
        for k in ("flatFrac", "clipFrac"):
            assert np.isnan(q[k]) or 0.0 <= q[k] <= 1.0
        if kind in ("allnan", "empty"):
            assert np.isnan(q["flatFrac"])
    v = run(lambda: af_record_features(sig, fs), kind, fs, legal)
    if v is not None:
        names = list(AF_RECORD_FEATURE_NAMES)
        assert not np.isinf(v).any()
        if kind in ("allnan", "empty", "one"):
            assert np.isnan(v[names.index("beat_rate")])
    if legal and fs in GOOD_FS and kind not in ("list",):
        F = noise_window_features([np.asarray(sig, dtype=np.float64)], fs)
        assert not np.isinf(F).any()
        if kind in ("allnan", "empty"):
            from geoecg.features import NOISE_FEATURE_NAMES

            names = list(NOISE_FEATURE_NAMES)
            assert np.isnan(F[0, names.index("BeatRate")])
            assert np.isnan(F[0, names.index("flatFrac")])


BAD_RPEAKS = (
    [100, 10**7],  # past the end
    [-5, 100],  # negative
    [900, 100],  # unsorted
    [100, 100, 300],  # duplicated
    [100.5, 300.0],  # fractional
    [[100, 200]],  # 2-D
    ["a", "b"],  # not numbers
)


@given(st.sampled_from(BAD_RPEAKS))
def test_fuzz_bad_rpeaks(rp):
    x = synth(250.0, 10.0, 1, 0)[0]
    for call in (
        lambda: sqi_features(x, 250.0, rpeaks=rp),
        lambda: segment_beats(x, rp, 250.0),
        lambda: beat_features(x, rp, 250.0, blocks=("rr",)),
        lambda: star_augment(x, rp),
    ):
        with pytest.raises((ValueError, TypeError), match="rpeaks"):
            call()
