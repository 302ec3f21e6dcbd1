"""Contract sweep of io, simulate, sweep, evaluation, cohort, viz, datasets and signal
(session 16): bad input gives a ValueError/TypeError (or FileNotFoundError) naming the
argument; before the sweep each case below crashed deep inside (IndexError, KeyError,
ZeroDivisionError, AttributeError, numpy/sklearn/pathlib messages) or returned a silent
number. Same table format as ``test_bad_input_is_named`` in tests/test_fuzz_api.py (that
file is at its line budget)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

_Y = np.array([0, 1] * 20)
_S = np.linspace(0, 1, 40)
_X = np.random.default_rng(0).standard_normal((40, 3))


def _cases() -> dict:
    from geoecg import evaluation as ev
    from geoecg import sweep

    m = {"auroc": 0.5, "log_loss": 0.7, "brier": 0.25, "ece": 0.1}
    return {
        # evaluation
        "auc_score score text": (lambda: ev.auc_score(_Y, _S.astype(str)), "score"),
        "auc_score score NaN": (lambda: ev.auc_score(_Y, np.r_[_S[:-1], np.nan]), "score"),
        "macro_auc shapes differ": (
            lambda: ev.macro_auc(np.zeros((10, 3)), np.zeros((10, 2))),
            r"\bS\b",
        ),
        "bootstrap_ci empty": (lambda: ev.bootstrap_ci([], [], n_boot=10), "y_true"),
        "bootstrap_ci groups length": (lambda: ev.bootstrap_ci(_Y, _S, groups=[1, 2]), "groups"),
        "bootstrap_ci level 2": (lambda: ev.bootstrap_ci(_Y, _S, level=2), "level"),
        "paired_bootstrap_diff n_boot -1": (
            lambda: ev.paired_bootstrap_diff(_Y, _S, _S, n_boot=-1),
            "n_boot",
        ),
        "count_table row not a mapping": (lambda: ev.count_table({"a": "x"}), r"counts\['a'\]"),
        "detection_rates text": (lambda: ev.detection_rates("1", 0, 0), r"\btp\b"),
        "make_splits cv 1": (lambda: ev.make_splits(_Y, cv=1), r"\bcv\b"),
        "make_splits groups length": (lambda: ev.make_splits(_Y, groups=[1, 2]), "groups"),
        "evaluate_cohort X length": (
            lambda: ev.evaluate_cohort(
                LogisticRegression(), _X[:10], _Y, groups=np.arange(40), n_boot=10, n_repeats=1
            ),
            r"\bX\b",
        ),
        "compare y length": (
            lambda: ev.compare({"lr": LogisticRegression()}, _X, _Y[:10], n_bootstrap=10),
            r"\by\b",
        ),
        "oof_predict split out of range": (
            lambda: ev.oof_predict(LogisticRegression(), _X, _Y, [(np.arange(50), np.arange(3))]),
            "splits",
        ),
        # sweep
        "binary_metrics lengths differ": (lambda: sweep.binary_metrics(_Y, _S[:10]), r"\bp\b"),
        "binary_metrics p above 1": (lambda: sweep.binary_metrics(_Y, 3 * _S), r"\bp\b"),
        "binary_metrics p NaN": (lambda: sweep.binary_metrics(_Y, np.full(40, np.nan)), r"\bp\b"),
        "binary_metrics y text": (lambda: sweep.binary_metrics(_Y.astype(str), _S), r"\by\b"),
        "expected_calibration_error p NaN": (
            lambda: sweep.expected_calibration_error(_Y, np.full(40, np.nan)),
            r"\bp\b",
        ),
        "transfer_gaps key missing": (lambda: sweep.transfer_gaps({"auroc": 0.5}, m), "shifted"),
        "transfer_gaps None": (lambda: sweep.transfer_gaps(m, None), "reference"),
    }


CASE_IDS = sorted(
    [
        "auc_score score text", "auc_score score NaN", "macro_auc shapes differ",
        "bootstrap_ci empty", "bootstrap_ci groups length", "bootstrap_ci level 2",
        "paired_bootstrap_diff n_boot -1", "count_table row not a mapping",
        "detection_rates text", "make_splits cv 1", "make_splits groups length",
        "evaluate_cohort X length", "compare y length", "oof_predict split out of range",
        "binary_metrics lengths differ", "binary_metrics p above 1", "binary_metrics p NaN",
        "binary_metrics y text", "expected_calibration_error p NaN",
        "transfer_gaps key missing", "transfer_gaps None",
    ]
)  # fmt: skip


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    cases = _cases()
    assert set(cases) == set(CASE_IDS)
    func, named = cases[case]
    with pytest.raises((ValueError, TypeError), match=named):
        func()


def test_degenerate_metrics_stay_nan():
    """Legal degenerate input keeps its documented NaN (one class, no record, no resample)."""
    from geoecg.evaluation import auc_score, bootstrap_ci
    from geoecg.sweep import binary_metrics

    assert np.isnan(auc_score(np.zeros(5), [0.1, np.nan, 0.3, 0.4, 0.5]))  # one class first
    assert np.isnan(binary_metrics([], [])["auroc"])
    ci = bootstrap_ci(_Y, _S, n_boot=0)
    assert ci.n_boot == 0 and np.isnan(ci.low)
    assert binary_metrics([0, 1], [0.0, 1.0 + 1e-12])["brier"] < 1e-20  # rounding tolerated
