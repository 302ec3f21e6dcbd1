"""Property-based fuzz suite over the entry points added after issue 19 (reliability, s6).

Twelve-lead and single-lead functions (delineation, clinical measurements, lead
reconstruction, beat averages, noise level, band-pass/resampling transformers) run over
the input classes of ``docs/user_guide/input_validation.md``: each call raises a
``ValueError``/``TypeError`` naming the argument, or returns NaN **with a reason** where the
input carried no information (3 beats, a flat lead, a NaN gap, a 0.5-s record, one lead of
twelve missing, fs 100/128/250/1000 Hz). Lead-name parsing and the estimators that need a
side input (``groups=``, ``covariates=``, ``target=``) are checked here too; the classes
whose contract an older file already covers are listed in ``tests/test_api_coverage.py``.
Session 15's table of bad ``rpeaks=``, dtypes and SPD inputs (``test_bad_input_is_named``)
is in ``tests/test_bad_input_named.py`` since session 20.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from geoecg.estimators import (
    CovariateAdjustedClassifier,
    ImportanceWeightedClassifier,
    RecordPriorAdapter,
    RecordSelfTraining,
)
from geoecg.features import (
    ClinicalFeatures,
    clinical_measurements,
    delineate,
    length_transform_rpeaks,
    noise_level_features,
)
from geoecg.leads import (
    LeadReconstructor,
    canonical_order,
    lead_indices,
    limb_relation_residuals,
    parse_lead,
    parse_leads,
    r_amplitudes,
)
from geoecg.riemann import (
    InnerGroupSearch,
    MeanProbabilityClassifier,
    beat_averages,
)
from geoecg.signal import (
    BandPass,
    Resampler,
)

# the input classes of the issue-19 suite (pytest runs with --import-mode=importlib, so
# the sibling file is loaded by path)
_spec = importlib.util.spec_from_file_location(
    "_fuzz_signal", Path(__file__).with_name("test_fuzz_signal.py")
)
_fs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fs)
BAD_FS, BAD_KINDS, LEGAL_KINDS = _fs.BAD_FS, _fs.BAD_KINDS, _fs.LEGAL_KINDS
make_signal = _fs.make_signal


def check_error(exc: Exception, kind: str, fs_ok: bool, legal: bool) -> None:
    """test_fuzz_signal's rule; a 4-D input may name the allowed shapes by their axes (with
    a bad fs too: naming either problem is enough)."""
    if kind == "3d" and isinstance(exc, ValueError) and re.search(r"\(n_(samples|leads)", str(exc)):
        return
    _fs.check_error(exc, kind, fs_ok, legal)


#: the rates the brief names (Holter 128 Hz, PTB-XL 100/500 Hz, LUDB 500 Hz, 1 kHz)
FS = (100.0, 128.0, 250.0, 1000.0)
#: degenerate but legal records beyond test_fuzz_signal's: 0.5 s long, one lead of 12 NaN
EXTRA_LEGAL = ("half_s", "missing_lead")
KINDS = LEGAL_KINDS + EXTRA_LEGAL + BAD_KINDS

cases = st.tuples(st.sampled_from(KINDS), st.sampled_from(FS + BAD_FS), st.integers(0, 2**16))
#: run on every CI run besides the random draws: each input class once at 250 Hz, the
#: short/degenerate records at every rate, every bad fs
ALWAYS = (
    [(k, 250.0, 1) for k in KINDS]
    + [(k, fs, 2) for k in ("three_beats", "half_s", "missing_lead") for fs in FS]
    + [("normal", fs, 3) for fs in BAD_FS]
)


def always(test):
    """Add the :data:`ALWAYS` cases to a hypothesis test as explicit examples."""
    for case in reversed(ALWAYS):
        test = example(case)(test)
    return test


def make(kind: str, fs: float, n_leads: int, seed: int):
    """(signal, is_legal) of class ``kind``; see test_fuzz_signal.make_signal."""
    if kind in EXTRA_LEGAL:
        x = np.atleast_2d(make_signal("normal", fs, n_leads, seed)[0]).copy()
        if kind == "half_s":
            x = x[:, : int(0.5 * fs)]
        else:
            x[-1] = np.nan
        return (x if n_leads > 1 else x[0]), True
    return make_signal(kind, fs, n_leads, seed)


def run(func, kind, fs, legal):
    """Legal input (and a good fs) must not raise; anything else must raise clearly
    (test_fuzz_signal's ``run`` with this file's :data:`FS` and :func:`check_error`)."""
    return _fs.run(func, kind, fs, legal, good_fs=FS, check=check_error)


def _cohort(sig):
    """One record as a cohort of one (a string stays a string: it must be rejected)."""
    return sig if isinstance(sig, str) else np.asarray(sig)[None]


@always
@given(cases)
def test_fuzz_delineate(case):
    kind, fs, seed = case
    n_leads = 1 + seed % 2 * 11  # one lead or twelve
    sig, legal = make(kind, fs if fs in FS else 250.0, n_leads, seed)
    d = run(lambda: delineate(sig, fs), kind, fs, legal)
    if d is None:
        return
    n = np.shape(sig)[-1]
    assert d.samples.shape == d.reasons.shape == (d.rpeaks.size, d.samples.shape[1])
    fin = np.isfinite(d.samples)
    assert np.all(d.reasons[~fin] != 0)  # every missing fiducial has a reason code
    assert np.all((d.samples[fin] >= 0) & (d.samples[fin] < n))
    assert np.all(np.diff(d.rpeaks) > 0)


@pytest.mark.filterwarnings("ignore:All-NaN slice encountered:RuntimeWarning")  # xfail below
@always
@given(cases)
def test_fuzz_clinical(case):
    kind, fs, seed = case
    sig, legal = make(kind, fs if fs in FS else 250.0, 12, seed)
    c = run(lambda: clinical_measurements(sig, fs), kind, fs, legal)
    if c is not None:
        vals = np.array(list(c.values.values()), dtype=float)
        assert not np.isinf(vals).any()
        for name, v in c.values.items():  # NaN comes with a reason
            assert not np.isnan(v) or c.reasons.get(name), name
        if kind in ("flat", "allnan", "empty", "one"):
            assert np.isnan(c.values["hr_bpm"])
    F = run(lambda: ClinicalFeatures(fs=fs).fit_transform(_cohort(sig)), kind, fs, legal)
    if F is not None:
        assert F.shape[0] == 1 and not np.isinf(F).any()


def test_clinical_one_lead_missing_no_warning():
    x = np.atleast_2d(make_signal("normal", 250.0, 12, 2)[0]).copy()
    x[-1] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clinical_measurements(x, 250.0)


@always
@given(cases)
def test_fuzz_lead_functions(case):
    kind, fs, seed = case
    sig, legal = make(kind, fs if fs in FS else 250.0, 12, seed)
    X = _cohort(sig)
    A = run(lambda: r_amplitudes(X, fs), kind, fs, legal)
    if A is not None:
        assert A.shape == (1, 12) and not np.isinf(A).any()
        if kind in ("flat", "allnan", "empty", "one"):
            assert np.isnan(A).all()
    res = run(lambda: limb_relation_residuals(X), kind, 250.0, legal)
    if res is not None:
        for v in res.values():
            assert v.shape == (1,) and not np.isinf(v).any()
    B = run(lambda: beat_averages(X, fs), kind, fs, legal)
    if B is not None:
        assert B.signals.shape[:2] == (1, 12)
        if np.isnan(B.signals).all():
            assert B.reason[0]  # no beat: NaN with a reason


@always
@given(cases)
def test_fuzz_single_lead_extra(case):
    kind, fs, seed = case
    if kind == "transposed":
        return  # single-lead functions reject any 2-D input as "1-D expected"
    sig, legal = make(kind, fs if fs in FS else 250.0, 1, seed)
    q = run(lambda: noise_level_features(sig, fs), kind, fs, legal)
    if q is not None:
        assert not np.isinf(list(q.values())).any()
        if kind in ("allnan", "empty"):
            assert np.isnan(list(q.values())).all()
    r = run(lambda: length_transform_rpeaks(sig, fs), kind, fs, legal)
    if r is not None:
        assert np.all(np.diff(r) > 0) and np.all((r >= 0) & (r < np.shape(sig)[-1]))


@always
@given(cases)
def test_fuzz_signal_transformers(case):
    kind, fs, seed = case
    sig, legal = make(kind, fs if fs in FS else 250.0, 2, seed)
    X = _cohort(sig)
    high = 0.4 * fs if fs in FS else 40.0
    Y = run(
        lambda: BandPass(fs=fs, low=0.5, high=min(high, 40.0)).fit_transform(X), kind, fs, legal
    )
    if Y is not None:
        assert Y.shape == np.shape(X) and np.all(np.isnan(Y[np.isnan(X)]))
    Z = run(lambda: Resampler(fs_in=fs, fs_out=100.0).fit_transform(X), kind, fs, legal)
    if Z is not None:
        assert Z.shape[:2] == np.shape(X)[:2]


def _twelve(n: int = 3, seconds: float = 4.0, fs: float = 250.0) -> np.ndarray:
    return np.stack([make_signal("normal", fs, 12, s)[0][:, : int(seconds * fs)] for s in range(n)])


@pytest.mark.parametrize("kind", ["nan10", "empty", "transposed", "inf", "string"])
def test_lead_reconstructor_rejects_unusable_training_records(kind):
    """fit on records it cannot learn from is a ValueError naming X (documented: drop or
    repair them); never a crash or a silently NaN model."""
    sig, _ = make(kind, 250.0, 12, 0)
    X = _cohort(sig)
    with pytest.raises((ValueError, TypeError), match=r"\bX\b|12-lead"):
        LeadReconstructor(fs=250.0).fit(X)


@pytest.mark.parametrize("kind", ["flat", "allnan"])
def test_lead_reconstructor_unusable_source_leads(kind):
    """A record whose source leads are flat or missing: a ValueError naming the source
    leads by default; with on_invalid='nan' the reconstructed leads are NaN and the record
    is listed in ``invalid_records_`` (the source leads are passed through as given)."""
    X = _cohort(make(kind, 250.0, 12, 0)[0])
    with pytest.raises(ValueError, match="source leads"):
        LeadReconstructor(fs=250.0).fit(_twelve()).transform(X)
    rec = LeadReconstructor(fs=250.0, on_invalid="nan").fit(_twelve())
    Y = rec.transform(X)
    target = [k for k in range(12) if k not in rec.src_idx_]
    assert np.isnan(Y[:, target]).all() and rec.invalid_records_.tolist() == [0]


@pytest.mark.parametrize("kind", ["normal", "missing_lead", "three_beats", "half_s"])
def test_lead_reconstructor_transform_degenerate(kind):
    """transform of a record whose *target* lead is missing or that is short still gives
    the reconstructed leads (finite: they come from the source leads I, II, V3)."""
    rec = LeadReconstructor(fs=250.0).fit(_twelve())
    sig, _ = make(kind, 250.0, 12, 1)
    Y = rec.transform(_cohort(sig))
    assert Y.shape == (1, 12, np.shape(sig)[-1]) and np.isfinite(Y).all()


@pytest.mark.parametrize(
    "fs",
    [
        0,
        -1.0,
        float("nan"),
        "250",
    ],
)
def test_lead_reconstructor_bad_fs_named(fs):
    """fs is only needed by the per-patient/template methods (None is the default)."""
    with pytest.raises((ValueError, TypeError), match="fs"):
        LeadReconstructor(fs=fs, method="patient").fit(_twelve())


@given(st.text(max_size=6) | st.sampled_from(["avr", "AVL", "v1", "Lead II", "MLII", "V7"]))
def test_fuzz_lead_names(name):
    try:
        out = parse_lead(name)
    except ValueError as exc:
        assert "lead" in str(exc).lower(), str(exc)
        return
    assert out == parse_lead(out)  # canonical names are a fixed point
    assert lead_indices([out]).shape == (1,)


@pytest.mark.parametrize("bad", [None, 3, 2.5, b"II", ["II", 7]])
def test_lead_names_wrong_type(bad):
    for f in (parse_lead, parse_leads):
        with pytest.raises((TypeError, ValueError), match="lead|name"):
            f(bad)


def test_canonical_order_wrong_type_named():
    with pytest.raises(TypeError, match="names|lead"):
        canonical_order(None)


# ---- estimators -------------------------------------------------------------------------


def _mpc_expected(estimator) -> dict[str, str]:
    why = (
        "meta-estimator over pipelines that take 3-D SPD stacks: X is passed through "
        "unchanged to its members, which validate it (and set n_features_in_) themselves"
    )
    return {
        "check_n_features_in_after_fitting": why,
        "check_n_features_in": why,
        "check_estimator_sparse_tag": why,
    }


@parametrize_with_checks(
    [MeanProbabilityClassifier([LogisticRegression()])], expected_failed_checks=_mpc_expected
)
def test_mean_probability_classifier_sklearn_checks(estimator, check):
    check(estimator)


def _side_input_data(n: int = 80, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + 0.5 * rng.standard_normal(n) > 0).astype(int)
    return X, y, np.repeat(np.arange(4), n // 4), rng.standard_normal((n, 2))


class _GroupedLR(LogisticRegression):
    """A member that takes ``groups=`` like the riemann pipelines InnerGroupSearch tunes."""

    def fit(self, X, y, groups=None):
        return super().fit(X, y)


SIDE_INPUT = {  # estimator, the fit keyword it cannot work without
    # 0/1 labels: the default score_labels ("S", "V") name no class of y, which fit refuses
    "RecordPriorAdapter": (RecordPriorAdapter(LogisticRegression(), score_labels=None), "groups"),
    "InnerGroupSearch": (InnerGroupSearch(_GroupedLR(), {"C": [0.1, 1.0]}), "groups"),
    "CovariateAdjustedClassifier": (CovariateAdjustedClassifier(), "covariates"),
    "ImportanceWeightedClassifier": (ImportanceWeightedClassifier(), "target"),
}


@pytest.mark.parametrize("name", sorted(SIDE_INPUT))
def test_side_input_estimators_contract(name):
    """Estimators whose fit needs groups=/covariates=/target= cannot run sklearn's
    check_estimator (every check calls fit(X, y)); they get the contract here: clone
    round trip, NotFittedError before fit, the missing side input named, fit returns
    self, predict_proba rows sum to one."""
    est, key = SIDE_INPUT[name]
    X, y, groups, W = _side_input_data()
    fresh = clone(est)
    assert repr(clone(fresh)) == repr(fresh)
    with pytest.raises(NotFittedError):
        fresh.predict(X)
    with pytest.raises(ValueError, match=key):
        clone(est).fit(X, y)
    side = {"groups": groups, "covariates": W, "target": W}
    kw = {key: side[key]}
    if key == "target":
        kw["covariates"] = W
    if name == "RecordPriorAdapter":
        kw = {"groups": groups}
    assert fresh.fit(X, y, **kw) is fresh
    pkw = {"groups": groups} if name == "RecordPriorAdapter" else {}
    if key == "covariates":
        pkw = {"covariates": W}
    p = fresh.predict_proba(X, **pkw)
    assert p.shape == (len(y), 2) and np.allclose(p.sum(axis=1), 1.0)


def test_record_self_training_names_its_estimator():
    with pytest.raises(TypeError, match="RecordPriorAdapter"):
        RecordSelfTraining(LogisticRegression()).fit(*_side_input_data()[:2])
