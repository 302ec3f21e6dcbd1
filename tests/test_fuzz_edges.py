"""Degenerate and bad input at the edges of the newer public API (reliability, session 10).

Each test here failed before its fix (the crash, hang or silent result is named in the
test's docstring): a training fold with one class in ``RecordPriorAdapter``, non-finite
priors in ``prior_correct`` / ``PriorShiftClassifier(method="known")``, an empty batch in
``ClinicalFeatures``, a lag window longer than the records in ``LeadReconstructor``, a
``start`` past the end in ``reconstruction_scores``, malformed WFDB record lines in
``read_record`` and the cohort reader, a bad ``fs`` in ``extract_features``, and negative
counts on the ``geoecg`` command line.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from geoecg.cli import main
from geoecg.cohort import extract_features
from geoecg.datasets import sample_cinc2017_dir
from geoecg.estimators import PriorShiftClassifier, RecordPriorAdapter, prior_correct
from geoecg.features import ClinicalFeatures
from geoecg.features.hrv_peers import mitdb_5min_series
from geoecg.io import read_record
from geoecg.io.fast import read_signal
from geoecg.leads import LeadReconstructor, reconstruction_scores

# ---- label-shift estimators ---------------------------------------------------------


def _beats(n_records: int = 6, per: int = 40, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_records * per, 3))
    groups = np.repeat(np.arange(n_records), per)
    return X, groups


def test_record_prior_adapter_one_class_fold_is_unadapted():
    """A rare class seen in one record only leaves a group fold with one class: before,
    the base model's own error ("needs samples of at least 2 classes") came out of fit;
    now nothing is adapted, with the reason, and predict is the base model's."""
    X, groups = _beats()
    y = np.where((groups == 0) & (X[:, 0] > 0), "V", "N")
    m = RecordPriorAdapter(LogisticRegression(), min_samples=10).fit(X, y, groups=groups)
    assert m.decision_ is None and m.oof_proba_ is None
    assert "only class 'N'" in m.unadapted_reason_
    assert np.array_equal(m.predict(X, groups=groups), m.estimator_.predict(X))


def test_record_prior_adapter_adapts_when_folds_hold_both_classes():
    """The guard does not fire where every training fold holds two classes."""
    X, groups = _beats()
    y = np.where(X[:, 0] > 0.8, "V", "N")
    m = RecordPriorAdapter(LogisticRegression(), min_samples=10).fit(X, y, groups=groups)
    assert m.unadapted_reason_ is None and m.decision_ in ("balanced", "map")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_prior_correct_non_finite_priors_named(bad):
    """Before: NaN target priors gave uniform rows and inf gave NaN weights, silently."""
    P = np.array([[0.5, 0.5], [0.2, 0.8]])
    with pytest.raises(ValueError, match="priors must be finite"):
        prior_correct(P, [0.5, 0.5], [bad, 1.0])
    with pytest.raises(ValueError, match="priors must be finite"):
        prior_correct(P, [bad, 0.5], [0.5, 0.5])


@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), min_size=2, max_size=2),
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2),
)
def test_fuzz_prior_correct(target, p0):
    """Any target prior: a ValueError naming the priors, or finite rows that sum to 1."""
    P = np.array([p0, [0.3, 0.7]])
    try:
        Q = prior_correct(P, [0.4, 0.6], target)
    except ValueError as exc:
        assert "priors" in str(exc)
        return
    assert np.isfinite(Q).all() and np.allclose(Q.sum(axis=1), 1.0)


def test_known_target_priors_infinite_named():
    """Before: method='known' with an infinite prior gave NaN class weights silently."""
    X, groups = _beats()
    y = (X[:, 0] > 0).astype(int)
    clf = PriorShiftClassifier(LogisticRegression(), method="known", target_priors=[np.inf, 1])
    with pytest.raises(ValueError, match="target_priors"):
        clf.fit(X, y).predict_proba(X[:2])


# ---- twelve-lead transformers ----------------------------------------------------------


def test_clinical_features_empty_batch_named():
    """Before: IndexError (index 0 is out of bounds) from fit on zero records."""
    with pytest.raises(ValueError, match="X holds no records"):
        ClinicalFeatures(fs=250.0).fit(np.zeros((0, 12, 500)))


def test_lead_reconstructor_lag_window_longer_than_records():
    """Before: n_taps far above the record length built a design of 2 n_taps + 1 lagged
    columns per lead (n_taps=5000: a 30003 x 30003 Gram matrix, killed for memory)."""
    X = np.random.default_rng(0).standard_normal((2, 12, 100))
    with pytest.raises(ValueError, match="n_taps=50 needs records of at least"):
        LeadReconstructor(n_taps=50).fit(X)
    assert LeadReconstructor(n_taps=49).fit(X).transform(X).shape == X.shape


def test_reconstruction_scores_start_past_the_end():
    """Before: NaN scores with 'Mean of empty slice' warnings."""
    X = np.random.default_rng(1).standard_normal((1, 12, 50))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="start=50 leaves no samples"):
            reconstruction_scores(X, X, start=50)
        s = reconstruction_scores(X, X, start=40)
        assert np.allclose(s.rmse_uv, 0.0) and np.allclose(s.r, 1.0)


# ---- WFDB headers -----------------------------------------------------------------------


def _record(tmp_path, name: str, record_line: str, signal_line: str | None = None):
    """A copy of the embedded CinC A00004 record under a new header."""
    src = sample_cinc2017_dir() / "A00004.mat"
    shutil.copy(src, tmp_path / f"{name}.mat")
    sig = signal_line or f"{name}.mat 16+24 1000/mV 16 0 519 0 0 ECG"
    (tmp_path / f"{name}.hea").write_text(f"{record_line}\n{sig}\n")
    return tmp_path / name


def test_header_negative_fs_named(tmp_path):
    """Before: wfdb read '-300' as no frequency and read_record returned fs = 250 Hz."""
    base = _record(tmp_path, "neg", "neg 1 -300 9000")
    with pytest.raises(ValueError, match="sampling frequency '-300' is not a positive"):
        read_record(base)
    with pytest.raises(ValueError, match="invalid sampling frequency"):
        read_signal(base)
    assert read_record(_record(tmp_path, "ok", "ok 1 300 9000")).fs == 300.0


def test_header_without_length_named(tmp_path):
    """Before: TypeError (int() argument ... not 'NoneType')."""
    base = _record(tmp_path, "nolen", "nolen 1")
    with pytest.raises(ValueError, match="gives no signal length"):
        read_record(base)


@pytest.mark.parametrize(
    "record_line, signal_line",
    [
        ("this is not a header", None),
        ("bad 1 300 9000", "bad.mat 16+24 abc/mV 16 0 519 0 0 ECG"),
    ],
)
def test_cohort_reader_malformed_header_named(tmp_path, record_line, signal_line):
    """Before: the cohort's fast reader let int()/float() errors out ("invalid literal for
    int() with base 10: 'is'"); now the wfdb path names the header or the field."""
    base = _record(tmp_path, "bad", record_line, signal_line)
    with pytest.raises(ValueError, match="cannot parse the header|has unit 'abc/mV'"):
        read_signal(base)


@pytest.mark.parametrize("fs", [-1.0, 0, float("nan")])
def test_extract_features_bad_fs_named(tmp_path, fs):
    """Before: every record became an error row ("fs mismatch") and a table was written."""
    with pytest.raises(ValueError, match="fs must be positive and finite"):
        extract_features(sample_cinc2017_dir(), ("rpeaks",), out=tmp_path / "o", fs=fs)
    assert not (tmp_path / "o").exists()


# ---- command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bench", "hrv", "--n-series", "-3"], "--n-series: must be >= 0, got -3"),
        (["bench", "hrv", "--n-series", "x"], "expected a whole number, got 'x'"),
        (["extract", "nowhere", "--out", "o", "--chunk-size", "-2"], "must be >= 0"),
    ],
)
def test_cli_negative_counts_rejected(argv, message, capsys):
    """Before: ``geoecg bench hrv --n-series -3`` ended in a ZeroDivisionError traceback."""
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2 and message in capsys.readouterr().err


def test_bench_hrv_zero_series_named():
    with pytest.raises(ValueError, match="n_series must be a whole number >= 1"):
        mitdb_5min_series("unused", 0)


# ---- second round (helper 6's findings left for the owners) ------------------------------


def _twelve(seconds: float = 4.0):
    from geoecg.simulate import synthesize_ecg

    return synthesize_ecg(fs=500, duration_s=seconds, hr_bpm=60, random_state=0)


@pytest.mark.parametrize(
    "combine, err, message",
    [
        ("foo", ValueError, "combine_leads: no lead 'foo'"),  # one name: one lead (session 11)
        (True, TypeError, "combine_leads must be a sequence"),
        (["foo"], ValueError, "combine_leads: no lead 'foo'"),
        ([12], ValueError, r"row index 12 is not in \[0, 12\)"),
        ([1.5], TypeError, "entries must be str or int"),
        ([0, "0"], ValueError, "distinct leads"),
    ],
)
def test_delineate_combine_leads_named(combine, err, message):
    """Before: "tuple.index(x): x not in tuple" for a str, "'bool' object is not
    iterable" for True, a bare IndexError (or a silent wrap) for an index out of range."""
    from geoecg.features import delineate

    with pytest.raises(err, match=message):
        delineate(_twelve(), 500.0, combine_leads=combine)


def test_delineate_repeated_lead_names_and_wide_index_named():
    """Before: repeated names were accepted (``wide("I")`` then gave the first of them)
    and ``wide(lead=99)`` raised a bare numpy IndexError."""
    from geoecg.features import delineate

    x = _twelve()
    with pytest.raises(ValueError, match="leads must be distinct names"):
        delineate(x, 500.0, leads=["I"] * 12)
    d = delineate(x, 500.0, combine_leads=["0", 1])
    with pytest.raises(KeyError, match=r"an index in \[-12, 12\), got 99"):
        d.wide(lead=99)
    with pytest.raises(KeyError, match="got -13"):
        d.wide(lead=-13)
    with pytest.raises(KeyError, match="got True"):
        d.wide(lead=True)
    # negative indices count from the end, as in Python
    assert np.array_equal(d.wide(lead=-1).to_numpy(), d.wide(lead=11).to_numpy(), True)
    assert np.array_equal(d.wide(lead=11).to_numpy(), d.wide(lead="11").to_numpy(), True)


@pytest.mark.parametrize("rpeaks", [[2003], [100, 2003], [500.5, 1000]])
def test_clinical_measurements_rpeaks_checked_first(rpeaks):
    """Before: R-peaks out of range gave "fewer than 2 beats" reasons (one peak) or an
    error from inside, and fractional ones were truncated silently; now the same checks
    as ``delineate``."""
    from geoecg.features import clinical_measurements

    with pytest.raises(ValueError, match=r"rpeaks must (lie in \[0, 2000\)|hold whole)"):
        clinical_measurements(_twelve(), 500.0, rpeaks=rpeaks)


def test_bbse_rlls_zero_confusion_named_and_singular_warned():
    """Before: an all-zero or rank-deficient confusion matrix returned the source priors
    (or the minimum-norm solution) silently."""
    from geoecg.estimators import bbse_priors, rlls_priors

    mu = np.array([[0.0, 1.0]] * 4)
    for f in (bbse_priors, lambda *a: rlls_priors(*a, delta=0.0)):
        with pytest.raises(ValueError, match="confusion is all zero"):
            f(mu, np.zeros((2, 2)), [0.5, 0.5])
    singular = np.array([[0.5, 0.5], [0.0, 0.0]])  # class 1 never predicted
    with pytest.warns(RuntimeWarning) as rec:
        out = bbse_priors(mu, singular, [0.5, 0.5])
    assert np.allclose(out, [0.5, 0.5])
    said = " | ".join(str(w.message) for w in rec)
    assert "rank 1 < 2" in said and "returning the source priors" in said
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a full-rank matrix: no warning, same answer
        C = np.array([[0.4, 0.1], [0.1, 0.4]])
        mu = np.array([[1.0, 0.0]] * 68 + [[0.0, 1.0]] * 32)
        assert np.allclose(bbse_priors(mu, C, [0.5, 0.5]), [0.8, 0.2])


def test_prior_shift_ignored_target_priors_reported():
    """Before: target_priors with method='em' was ignored without a word."""
    X, _ = _beats()
    y = (X[:, 0] > 0).astype(int)
    clf = PriorShiftClassifier(LogisticRegression(), target_priors=[0.9, 0.1], n_bootstrap=0)
    clf.fit(X, y)
    assert "target_priors is ignored" in clf.target_priors_reason_
    assert np.allclose(clf.target_priors_, clf.source_priors_)
    clf.adapt(X[:50])
    assert clf.target_priors_reason_.startswith("estimated by adapt")
    known = clf.set_params(method="known").fit(X, y)
    assert known.target_priors_reason_ == "the given target_priors (method='known')"


def test_lead_reconstructor_all_flat_training_named():
    """Before: fit on flat records was accepted and the map output ~constant leads."""
    with pytest.raises(ValueError, match="no training record has non-flat source leads"):
        LeadReconstructor().fit(np.zeros((3, 12, 200)))


def test_header_zero_signals_named(tmp_path):
    """Before: "the signal file gave None (truncated file?)"."""
    (tmp_path / "zero.hea").write_text("zero 0 500 1000\n")
    with pytest.raises(ValueError, match="declares 0 signals"):
        read_record(tmp_path / "zero")


def test_extract_limit_one_unreadable_named(tmp_path):
    """Before: "none of the first 50 records is readable" when only one was tried."""
    src = tmp_path / "tree"
    src.mkdir()
    (src / "A0.hea").write_text("this is not a header\n")
    shutil.copy(sample_cinc2017_dir() / "A00004.mat", src / "A1.mat")
    (src / "A1.hea").write_text("A1 1 300 9000\nA1.mat 16+24 1000/mV 16 0 519 0 0 ECG\n")
    with pytest.raises(ValueError, match="the one selected record is not readable") as exc:
        extract_features(src, ("rpeaks",), out=tmp_path / "o", limit=1)
    assert "last error" in str(exc.value)
