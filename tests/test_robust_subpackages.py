"""Contract sweep of io, simulate, sweep, evaluation, cohort, viz, datasets and signal
(session 16): bad input gives a ValueError/TypeError (or FileNotFoundError) naming the
argument; before the sweep each case below crashed deep inside (IndexError, KeyError,
ZeroDivisionError, AttributeError, numpy/sklearn/pathlib messages) or returned a silent
number. Same table format as ``test_bad_input_is_named`` in tests/test_bad_input_named.py
(split out of tests/test_fuzz_api.py in session 20)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

_Y = np.array([0, 1] * 20)
_S = np.linspace(0, 1, 40)
_X = np.random.default_rng(0).standard_normal((40, 3))


def _cases() -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from geoecg import cohort, io, simulate, sweep, viz
    from geoecg import evaluation as ev
    from geoecg.datasets import sample_mitdb_dir, sample_record_path
    from geoecg.signal import snr_db

    rec = io.read_record(sample_record_path("mitdb_119"))
    ann = rec.annotations
    cfg = sweep.load_config(
        {
            "sweep": {"name": "demo", "simulator": "anticausal", "seed": 1},
            "grid": {"shift": [1], "method": ["x_only"], "seed": 1, "n": [200]},
            "train_env": [{}],
            "test_env": {},
            "shift": {"age_mean": 10.0},
        }
    )
    env = simulate.Environment()
    x = np.sin(np.linspace(0, 60, 2500))

    m = {"auroc": 0.5, "log_loss": 0.7, "brier": 0.25, "ece": 0.1}
    return {
        # evaluation
        "auc_score score text": (lambda: ev.auc_score(_Y, _S.astype(str)), "score"),
        "auc_score score NaN": (lambda: ev.auc_score(_Y, np.r_[_S[:-1], np.nan]), "score"),
        "macro_auc shapes differ": (
            lambda: ev.macro_auc(np.zeros((10, 3)), np.zeros((10, 2))),
            r"\bS\b",
        ),
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
        # io
        "read_record path int": (lambda: io.read_record(3), "path"),
        "aami_labels one str": (lambda: io.aami_labels("NV"), "symbols"),
        "parse_comments one str": (lambda: io.parse_comments("age: 5"), "comments"),
        "parse_comments None": (lambda: io.parse_comments(None), "comments"),
        "parse_nstdb_name int": (lambda: io.parse_nstdb_name(5), "name"),
        "patient_groups int": (lambda: io.patient_groups(5), "records"),
        "beat_annotations None": (lambda: io.beat_annotations(None), "annotations"),
        "rhythm_episodes fs 0": (lambda: io.rhythm_episodes(ann, 108000, 0), r"\bfs\b"),
        "rhythm_episodes fs text": (lambda: io.rhythm_episodes(ann, 108000, "360"), r"\bfs\b"),
        "rhythm_episodes n_samples fractional": (
            lambda: io.rhythm_episodes(ann, 108000.5, 360.0),
            "n_samples",
        ),
        # simulate
        "synthesize_ecg fs text": (lambda: simulate.synthesize_ecg(fs="x"), r"\bfs\b"),
        "dipole_to_12lead text": (lambda: simulate.dipole_to_12lead("abc"), "dipole"),
        "swap_arm_leads text": (lambda: simulate.swap_arm_leads("abc"), "ecg"),
        "shift_prevalence text": (lambda: simulate.shift_prevalence(env, "x"), "log_odds"),
        "shift_shortcut NaN": (lambda: simulate.shift_shortcut(env, np.nan), "strength"),
        "shift_mechanism gain inf": (
            lambda: simulate.shift_mechanism(env, gain=np.inf),
            "gain",
        ),
        "Environment age_mean text": (lambda: simulate.Environment(age_mean="60"), "age_mean"),
        # viz
        "plot_tachogram 2-D": (lambda: viz.plot_tachogram(np.zeros((3, 3))), "rr_ms"),
        "plot_tachogram times_s length": (
            lambda: viz.plot_tachogram(np.full(50, 800.0), times_s=np.arange(3)),
            "times_s",
        ),
        "plot_tachogram changed length": (
            lambda: viz.plot_tachogram(np.full(50, 800.0), changed=np.zeros(3, bool)),
            "changed",
        ),
        "plot_poincare text": (lambda: viz.plot_poincare("abc"), "rr_ms"),
        "plot_rpeaks fs 0": (lambda: viz.plot_rpeaks(x, 0, [10, 20]), r"\bfs\b"),
        "plot_rpeaks fs text": (lambda: viz.plot_rpeaks(x, "x", [10, 20]), r"\bfs\b"),
        "plot_rpeaks detected NaN": (lambda: viz.plot_rpeaks(x, 250.0, [10, np.nan]), "detected"),
        "plot_rpeaks signal 2-D": (
            lambda: viz.plot_rpeaks(np.zeros((2, 1000)), 250.0, [10]),
            "signal",
        ),
        "plot_rpeaks signal complex": (
            lambda: viz.plot_rpeaks(x.astype(complex), 250.0, [10]),
            "signal",
        ),
        "plot_record None": (lambda: viz.plot_record(None), "record"),
        "plot_beat_templates array": (
            lambda: viz.plot_beat_templates(np.zeros((5, 100)), ["N"] * 5),
            "segments",
        ),
        "plot_comparison None": (lambda: viz.plot_comparison(None), r"\btable\b"),
        "plot_comparison no columns": (
            lambda: viz.plot_comparison(__import__("pandas").DataFrame()),
            r"\btable\b",
        ),
        "plot_shift_sweep None": (lambda: viz.plot_shift_sweep(None), "summary"),
        "plot_star_strip result None": (
            lambda: viz.plot_star_strip(x, None, 250.0, [10, 20]),
            "result",
        ),
        # cohort, sweep, signal (second probe)
        "WFDBTree fs 0": (lambda: cohort.WFDBTree(sample_mitdb_dir(), fs=0), r"\bfs\b"),
        "WFDBTree fs text": (lambda: cohort.WFDBTree(sample_mitdb_dir(), fs="x"), r"\bfs\b"),
        "CovarianceSet estimator": (lambda: cohort.CovarianceSet(estimator="nope"), "estimator"),
        "CovarianceSet reg negative": (lambda: cohort.CovarianceSet(reg=-1), r"\breg\b"),
        "summarize None": (lambda: sweep.summarize(None), r"\bdf\b"),
        "snr_db noise leads": (
            lambda: snr_db(np.zeros((2, 100)), np.ones((3, 100))),
            "noise has 3 leads",
        ),
        "learning_curve train_sizes text": (
            lambda: ev.learning_curve(
                LogisticRegression(),
                _X,
                _Y,
                groups=np.arange(40),
                train_sizes=["a"],
                n_boot=10,
                n_repeats=1,
            ),
            "train_sizes",
        ),  # fmt: skip
        # session 16 leftovers (helper 13)
        "plot_record lead unknown": (
            lambda: viz.plot_record(rec, leads=["MLII", "nope"]),
            r"\['nope'\].*\['MLII', 'V1'\]",
        ),
        "cell_id method None": (lambda: sweep.cell_id(None, 0.5, 1, 200), "method"),
        "cell_id shift text": (lambda: sweep.cell_id("m", "x", 1, 200), "shift"),
        "cell_id shift NaN": (lambda: sweep.cell_id("m", np.nan, 1, 200), "shift"),
        "cell_id n 0": (lambda: sweep.cell_id("m", 0.5, 1, 0), r"\bn\b"),
        "cell_id seed fractional": (lambda: sweep.cell_id("m", 0.5, 1.5, 200), "seed"),
        "expand_grid None": (lambda: sweep.expand_grid(None), "config"),
        "run_task config None": (lambda: sweep.run_task(None, None), "config"),
        "run_task task None": (lambda: sweep.run_task(cfg, None), "task"),
        "run_task skip str": (
            lambda: sweep.run_task(cfg, sweep.expand_grid(cfg)[0], skip="x_only"),
            "skip",
        ),
    }


CASE_IDS = sorted(
    [
        "auc_score score text", "auc_score score NaN", "macro_auc shapes differ",
        "bootstrap_ci groups length", "bootstrap_ci level 2",
        "paired_bootstrap_diff n_boot -1", "count_table row not a mapping",
        "detection_rates text", "make_splits cv 1", "make_splits groups length",
        "evaluate_cohort X length", "compare y length", "oof_predict split out of range",
        "binary_metrics lengths differ", "binary_metrics p above 1", "binary_metrics p NaN",
        "binary_metrics y text", "expected_calibration_error p NaN",
        "transfer_gaps key missing", "transfer_gaps None",
        "read_record path int", "aami_labels one str", "parse_comments one str",
        "parse_comments None", "parse_nstdb_name int", "patient_groups int",
        "beat_annotations None", "rhythm_episodes fs 0", "rhythm_episodes fs text",
        "rhythm_episodes n_samples fractional", "synthesize_ecg fs text",
        "dipole_to_12lead text", "swap_arm_leads text", "shift_prevalence text",
        "shift_shortcut NaN", "shift_mechanism gain inf", "Environment age_mean text",
        "plot_tachogram 2-D", "plot_tachogram times_s length", "plot_tachogram changed length",
        "plot_poincare text", "plot_rpeaks fs 0", "plot_rpeaks fs text",
        "plot_rpeaks detected NaN", "plot_rpeaks signal 2-D", "plot_rpeaks signal complex",
        "plot_record None", "plot_beat_templates array", "plot_comparison None",
        "plot_comparison no columns", "plot_shift_sweep None", "plot_star_strip result None",
        "WFDBTree fs 0", "WFDBTree fs text", "CovarianceSet estimator",
        "CovarianceSet reg negative", "summarize None", "snr_db noise leads",
        "learning_curve train_sizes text", "plot_record lead unknown",
        "cell_id method None", "cell_id shift text", "cell_id shift NaN", "cell_id n 0",
        "cell_id seed fractional", "expand_grid None", "run_task config None",
        "run_task task None", "run_task skip str",
    ]
)  # fmt: skip


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_input_is_named(case):
    """Bad input -> a ValueError/TypeError whose message names the argument."""
    cases = _cases()
    assert set(cases) == set(CASE_IDS)
    func, named = cases[case]
    try:
        with pytest.raises((ValueError, TypeError), match=named):
            func()
    finally:
        import matplotlib.pyplot as plt

        plt.close("all")


def test_degenerate_metrics_stay_nan():
    """Legal degenerate input keeps its documented NaN (one class, no record, no resample)."""
    from geoecg.evaluation import auc_score, bootstrap_ci
    from geoecg.sweep import binary_metrics

    assert np.isnan(auc_score(np.zeros(5), [0.1, np.nan, 0.3, 0.4, 0.5]))  # one class first
    assert np.isnan(binary_metrics([], [])["auroc"])
    ci = bootstrap_ci(_Y, _S, n_boot=0)
    assert ci.n_boot == 0 and np.isnan(ci.low)
    ci = bootstrap_ci([], [], n_boot=10)  # 0 records: NaN like auc_score (it raised)
    assert ci.n_boot == 0 and np.isnan([ci.estimate, ci.low, ci.high]).all()
    assert binary_metrics([0, 1], [0.0, 1.0 + 1e-12])["brier"] < 1e-20  # rounding tolerated


def test_folder_without_records_is_named(tmp_path):
    """An empty folder (or one without a .hea header) is a FileNotFoundError naming it,
    not an empty list (session 16: list_records/iter_records returned [] silently)."""
    from geoecg.io import iter_chunks, iter_records, list_records

    (tmp_path / "notes.txt").write_text("no record here")
    with pytest.raises(FileNotFoundError, match="no WFDB record"):
        list_records(tmp_path)
    with pytest.raises(FileNotFoundError, match=str(tmp_path.name)):
        next(iter_records(tmp_path))
    with pytest.raises(FileNotFoundError, match="no WFDB record"):
        next(iter_chunks(tmp_path))
    assert list(iter_records(tmp_path, records=[])) == []  # an explicit empty list is legal


def test_learning_curve_warns_when_capping():
    """A train size above the smallest training fold warns with both numbers and reports
    the capped size (session 16: capped silently)."""
    from geoecg.evaluation import learning_curve

    with pytest.warns(UserWarning, match=r"train_sizes: 1000 records.*capped at 32"):
        lc = learning_curve(
            LogisticRegression(), _X, _Y, groups=np.arange(40), train_sizes=[1000],
            n_boot=10, n_repeats=1, random_state=0,
        )  # fmt: skip
    assert lc.train_sizes.tolist() == [32]
