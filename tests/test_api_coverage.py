"""Every public name of geoecg is either exercised by the fuzz/contract suites or exempt.

The public names are those the API reference documents (``docs/_apigen.py``: each
subpackage's ``__all__`` / lazy ``_EXPORTS``, plus the ``__all__`` of its public
submodules). Each callable must appear in :data:`COVERED` (the suite file that runs it and
the input classes it gets) or in :data:`EXEMPT` under a one-line reason. A new public name
in neither fails this test; so does a registry entry that is no longer public. Constants,
exception types and dataclasses are exempt by rule (:data:`RULES`). See
``docs/user_guide/input_validation.md``.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

RULES = {
    "constant": "data (names, defaults, tables), not an entry point",
    "exception": "an exception type is raised, not called with user input",
    "dataclass": "a result or settings container; the function that takes it validates it",
}

# fmt: off
COVERED = {
    'test_fuzz_signal.py': (
        'signal classes (legal and bad, issue 19) x good and bad fs',
        (
            'signal.bandpass',
            'signal.highpass',
            'signal.lowpass',
            'signal.notch',
            'signal.remove_baseline',
            'signal.resample',
            'features.segment_beats',
            'features.beat_features',
            'features.noise_window_features',
            'features.detect_rpeaks',
            'features.RPeakDetector',
            'features.sqi_features',
            'features.star_augment',
            'features.af_record_features',
            'riemann.lead_covariances',
            'riemann.LeadCovariances',
        ),
    ),
    'test_fuzz_rr.py': (
        'RR classes: 0-3 intervals, constant, NaN gaps; negative, zero, inf, seconds',
        (
            'features.hrv_features',
            'features.hrv_features_batch',
            'features.hrv_windowed',
            'features.clean_rr',
            'features.af_window_stats',
            'features.af.rr_irregularity_features',
        ),
    ),
    'test_fuzz_api.py': (
        'signal classes + 0.5-s record + a NaN lead x fs; lead names; estimator contracts',
        (
            'features.delineate',
            'features.clinical_measurements',
            'features.ClinicalFeatures',
            'features.noise_level_features',
            'features.length_transform_rpeaks',
            'leads.r_amplitudes',
            'leads.limb_relation_residuals',
            'leads.LeadReconstructor',
            'leads.parse_lead',
            'leads.parse_leads',
            'leads.lead_indices',
            'leads.canonical_order',
            'riemann.beat_averages',
            'riemann.MeanProbabilityClassifier',
            'riemann.InnerGroupSearch',
            'signal.BandPass',
            'signal.Resampler',
            'estimators.RecordPriorAdapter',
            'estimators.RecordSelfTraining',
            'estimators.CovariateAdjustedClassifier',
            'estimators.ImportanceWeightedClassifier',
        ),
    ),
    'test_fuzz_helpers.py': (
        'tables: bad calls name the argument; degenerate calls give NaN without a warning',
        (
            'signal.mix_noise',
            'signal.snr_db',
            'signal.apply_sos',
            'signal.resample_indices',
            'features.rr_from_rpeaks',
            'features.hrv_psd',
            'features.qtc',
            'features.rr_features',
            'features.sqi_windows',
            'features.median_template',
            'features.template_correlation',
            'features.star_coefficients',
            'features.HRVFeatures',
            'features.AFRecordFeatures',
            'features.bsqi',
            'features.beat_window_size',
            'features.af_record_features_batch',
            'features.rhythm_profile_features',
            'riemann.check_spd_batch',
            'riemann.tangent_vectors',
            'riemann.ClassMeanTangentSpace',
            'riemann.RiemannianRecentering',
            'riemann.geodesic_augment',
            'features.cornell_criterion',
            'riemann.GeodesicAugmentedClassifier',
            'estimators.density_ratio_weights',
            'estimators.af.AFFeatureBlocks',
            'features.beat_dominant.SelectBeatFeatures',
            'features.af.morphology_features',
            'features.af.atrial_activity_features',
            'features.ectopy.ectopic_beats',
            'features.ectopy.beat_morphology_match',
        ),
    ),
    'test_fuzz_af_beats.py': (
        'tables: AF/beat-table/lead helpers; factories: parameters named at build or fit',
        (
            'estimators.AFRecordClassifier',
            'estimators.af.EctopyFilteredDetector',
            'estimators.af.af_episodes',
            'estimators.af.drop_short_runs',
            'estimators.af.make_af_feature_pipeline',
            'estimators.af.screen_af',
            'estimators.af.synthetic_af_ecg',
            'estimators.af.synthetic_rr',
            'estimators.heartbeat.make_beat_pipeline',
            'estimators.heartbeat.make_default_beat_model',
            'estimators.make_af_classifier',
            'features.BeatFeatures',
            'features.af.append_crops',
            'features.af.crop_bounds',
            'features.af_beat_labels',
            'features.af_crop_features',
            'features.af_feature_matrix',
            'features.beat_context.af_context_features',
            'features.beat_context.af_gate_threshold',
            'features.beat_context.rhythm_context_features',
            'features.beat_dominant.beat_feature_set_mask',
            'features.beat_dominant.dominant_beat_features',
            'features.beat_dominant.dominant_width_ratio',
            'features.beat_dominant.record_beat_table',
            'features.beat_dominant.record_standardize',
            'features.beat_rhythms',
            'features.beat_sinus.sinus_relative_features',
            'features.beats.as_record_signal',
            'features.beats.as_rpeaks',
            'features.default_af_templates',
            'features.delineation.working_factor',
            'features.ectopy.repair_rr',
            'features.fit_af_templates',
            'features.morphology.patient_relative_mask',
            'features.rhythm_profile_features_batch',
            'features.rr_windows',
            'leads.amplitude_spread',
            'leads.beat_phase_index',
            'leads.limb_leads',
            'leads.reconstruction_scores',
            'riemann.hankel_covariances',
            'riemann.hankel_ensemble_classifier',
            'riemann.hankel_tangent_classifier',
        ),
    ),
    'test_estimators_checks.py': (
        'sklearn parametrize_with_checks (numeric X)',
        (
            'estimators.IRMClassifier',
            'estimators.VRExClassifier',
            'estimators.GroupDROClassifier',
            'estimators.AnchorClassifier',
            'estimators.AnchorRegression',
            'estimators.heartbeat.HeartbeatClassifier',
            'features.NoiseDetector',
        ),
    ),
    'test_prior_shift.py': (
        'sklearn parametrize_with_checks; prior estimators on degenerate confusion matrices',
        (
            'estimators.PriorShiftClassifier',
            'estimators.em_priors',
            'estimators.bbse_priors',
            'estimators.rlls_priors',
            'estimators.prior_correct',
        ),
    ),
    'test_af_estimators.py': (
        'sklearn parametrize_with_checks; RR detectors on short/constant series',
        (
            'estimators.af.CinC2017Classifier',
            'estimators.af.TatenoGlassDetector',
            'estimators.af.COSEnDetector',
            'estimators.af.LowComplexityAFDetector',
            'estimators.af.AFDetector',
        ),
    ),
    'test_riemann_pipelines.py': (
        'sklearn parametrize_with_checks; covariates routing',
        (
            'riemann.CovariateScaler',
            'riemann.AppendCovariates',
        ),
    ),
    'test_input_validation.py': (
        'NotFittedError before fit; y=None; sample weights',
        (
            'estimators.CovariateAdjustedGLM',
            'estimators.heartbeat.class_weights',
        ),
    ),
    'test_neural.py': (
        'contract (clone, NotFittedError, fit/predict), bad input, wrong lead count',
        (
            'neural.ResNet1DClassifier',
            'neural.CNN1DClassifier',
            'neural.MLPClassifier',
        ),
    ),
    'test_cohort.py': (
        'bad arguments named; a record that fails is an error row, not a crash',
        (
            'cohort.extract_features',
            'cohort.read_features',
        ),
    ),
    'test_sweep.py': (
        'sweep config validated before anything is written',
        (
            'sweep.load_config',
            'sweep.run_sweep',
        ),
    ),
}
EXEMPT = {
    'plotting helper (geoecg.viz), not a numerical entry point; tests/test_viz_labels.py': (
        'viz.af.plot_af_timeline',
        'viz.plot_beat_templates',
        'viz.plot_comparison',
        'viz.plot_hrv_psd',
        'viz.plot_poincare',
        'viz.plot_record',
        'viz.plot_rpeaks',
        'viz.plot_shift_sweep',
        'viz.plot_star_strip',
        'viz.plot_tachogram',
        'viz.riemann.plot_covariances',
        'viz.riemann.plot_learning_curve',
        'viz.riemann.plot_tangent_scatter',
    ),
    'reads files named by a path: FileNotFoundError/ValueError in tests/test_io_*.py': (
        'io.CinC2017',
        'io.LUDB',
        'io.PTBXL',
        'io.QTDB',
        'io.aami_counts',
        'io.aami_labels',
        'io.aami_map',
        'io.beat_annotations',
        'io.data_root',
        'io.database_dir',
        'io.iter_chunks',
        'io.iter_records',
        'io.list_records',
        'io.ludb.annotated_span',
        'io.ludb.parse_wave_annotations',
        'io.ludb.read_wave_annotations',
        'io.mitdb_dir',
        'io.mitdb_records',
        'io.nstdb_dir',
        'io.nstdb_records',
        'io.parse_comments',
        'io.parse_nstdb_name',
        'io.patient_groups',
        'io.read_header',
        'io.read_mitdb',
        'io.read_nstdb',
        'io.read_record',
        'io.read_signal',
        'io.rhythm_episodes',
    ),
    'embedded sample or training-window accessor: no user signal in': (
        'datasets.noise_training.cached_window_features',
        'datasets.noise_training.cinc2017_windows',
        'datasets.noise_training.load_noise_record',
        'datasets.noise_training.mitdb_noise_windows',
        'datasets.noise_training.recover_em_noise',
        'datasets.ptbxl_tasks.load_task',
        'datasets.ptbxl_tasks.ptbxl_root',
        'datasets.ptbxl_tasks.task_selection',
        'datasets.sample_cinc2017_dir',
        'datasets.sample_data_dir',
        'datasets.sample_mitdb_dir',
        'datasets.sample_ptbxl_dir',
        'datasets.sample_record_path',
    ),
    'benchmark/protocol driver over a database folder; run by its topic test': (
        'cohort.layout.mimic_layout_from_ptbxl',
        'cohort.throughput.extraction_benchmark',
        'cohort.throughput.format_report',
        'cohort.throughput.neurokit2_equal_features',
        'cohort.throughput.scale_check',
        'cohort.throughput.side_by_side',
        'cohort.throughput.time_feature_sets',
        'estimators.af.adaptation_report',
        'estimators.af.af_beat_detectors',
        'estimators.af.af_patient_folds',
        'estimators.af.beat_level_cv',
        'estimators.af.cinc_cv_proba',
        'estimators.af.nested_cinc_cv',
        'estimators.af.prior_shift_candidates',
        'estimators.af.prior_shift_protocol',
        'estimators.af.heldout_prior_shift',
        'estimators.af.AFPriorShiftModel',
        'estimators.af.record_scores',
        'estimators.af.simulate_prior_shift',
        'estimators.af.time_screening',
        'estimators.beat_protocols.fit_predict_beat_tables',
        'estimators.beat_protocols.load_beat_databases',
        'estimators.beat_protocols.nested_beat_tables',
        'estimators.beat_protocols.training_beat_records',
        'estimators.beat_protocols.transfer_beat_tables',
        'estimators.ptbxl_methods.PTBXLInputs',
        'estimators.ptbxl_methods.hrv_morphology_table',
        'estimators.ptbxl_methods.lr_cv',
        'estimators.ptbxl_methods.method_fit_predict',
        'estimators.ptbxl_methods.method_unavailable',
        'estimators.ptbxl_protocol.format_ptbxl_study',
        'estimators.ptbxl_protocol.ptbxl_study',
        'estimators.record_prior.record_prior_beat_tables',
        'estimators.record_s_floor.RecordPrematurityFloor',
        'estimators.record_s_floor.prematurity_floor',
        'estimators.record_self_training.self_train_record',
        'estimators.record_self_training.self_training_beat_tables',
        'evaluation.aami.aami_report',
        'evaluation.aami.aami_table',
        'evaluation.aami.per_record_counts',
        'evaluation.aami.sv_f1_score',
        'evaluation.delineation.consensus_waves',
        'evaluation.delineation.criterion_scores',
        'evaluation.delineation.format_delineation_report',
        'evaluation.delineation.format_delineation_table',
        'evaluation.delineation.pool_scores',
        'evaluation.delineation.score_annotated_beats',
        'evaluation.delineation.score_fiducial',
        'evaluation.delineation.score_waves',
        'evaluation.delineation.split_records',
        'evaluation.delineation.summarise_scores',
        'evaluation.detection.detection_report',
        'evaluation.detection.drop_intervals',
        'evaluation.detection.format_detection_report',
        'evaluation.detection.nstdb_noisy_windows',
        'evaluation.detection.score_detections',
        'evaluation.detection.sum_counts',
        'evaluation.detection.summarize_by_snr',
        'evaluation.detection.summarize_detector',
        'evaluation.detection.time_detector',
        'evaluation.detection.vf_intervals',
        'evaluation.noise_study.binary_scores',
        'evaluation.noise_study.format_noise_study',
        'evaluation.noise_study.noise_study',
        'evaluation.noise_study.noisiest_window_mask',
        'evaluation.prior_shift.prior_shift_split',
        'evaluation.prior_shift.resample_to_prior',
        'evaluation.bootstrap.weighted_auc',
        'evaluation.small_cohort.cross_val_oof',
        'evaluation.small_cohort.subsample_train',
        'evaluation.small_cohort.summarize',
        'features.beat_records.beat_record_table',
        'features.beat_records.beat_table_leads',
        'features.beat_records.check_beat_columns',
        'features.beat_records.stack_beat_tables',
        'features.beat_records.wfdb_beat_records',
        'features.delineation_protocols.ecgsyn_truth',
        'features.delineation_protocols.ludb_protocol',
        'features.delineation_protocols.nk_delineate',
        'features.delineation_protocols.noise_robustness',
        'features.delineation_protocols.nstdb_noises',
        'features.delineation_protocols.ptbxl_criteria',
        'features.delineation_protocols.qtdb_protocol',
        'features.hrv_peers.bench_hrv_stages',
        'features.hrv_peers.floor_indices',
        'features.hrv_peers.holter_24h_timing',
        'features.hrv_peers.median_seconds',
        'features.hrv_peers.mitdb_5min_series',
        'features.hrv_peers.neurokit2_agreement',
        'features.hrv_peers.neurokit2_equal_work',
        'features.hrv_peers.neurokit2_full',
        'features.hrv_peers.neurokit2_side_by_side',
        'features.rpeaks_peers.annotated_folder',
        'features.rpeaks_peers.annotated_records',
        'features.rpeaks_peers.benchmark_detectors',
        'features.rpeaks_peers.evenly_spaced',
        'features.rpeaks_peers.floor_cpu_seconds',
        'features.rpeaks_peers.format_qrs_report',
        'features.rpeaks_peers.peer_rpeak_detector',
        'features.rpeaks_peers.qrs_report',
        'features.rpeaks_peers.run_detection_benchmark',
        'leads.protocol.format_report',
        'leads.protocol.reconstruction_benchmark',
        'leads.protocol.reconstruction_report',
        'leads.protocol.select_reconstructor',
        'leads.protocol.subset_auc_comparison',
    ),
    'metric, split or table on labels/scores (scikit-learn validates the arrays)': (
        'evaluation.CovariateScorer',
        'evaluation.auc_score',
        'evaluation.bootstrap_ci',
        'evaluation.class_table',
        'evaluation.class_table_from_confusion',
        'evaluation.compare',
        'evaluation.count_table',
        'evaluation.covariate_scorer',
        'evaluation.detection_rates',
        'evaluation.ec57_gross',
        'evaluation.evaluate_cohort',
        'evaluation.learning_curve',
        'evaluation.macro_auc',
        'evaluation.make_splits',
        'evaluation.match_beats',
        'evaluation.nested_evaluate',
        'evaluation.oof_predict',
        'evaluation.paired_bootstrap_diff',
        'evaluation.patient_splits',
    ),
    'sweep/simulation driver: configurations are validated by load_config before a run': (
        'sweep.ResultStore',
        'sweep.binary_metrics',
        'sweep.cell_id',
        'sweep.config_path',
        'sweep.config_title',
        'sweep.expand_grid',
        'sweep.expected_calibration_error',
        'sweep.label_shift.load_label_shift_config',
        'sweep.label_shift.oracle_gain_recovered',
        'sweep.label_shift.run_label_shift_study',
        'sweep.list_configs',
        'sweep.load_results',
        'sweep.methods.reference_model',
        'sweep.packaged.resolve_config',
        'sweep.run_task',
        'sweep.simulators.environments',
        'sweep.simulators.make_simulator',
        'sweep.summarize',
        'sweep.timing.process_cpu_seconds',
        'sweep.timing.same_results',
        'sweep.timing.time_sweep',
        'sweep.transfer_gaps',
    ),
    'simulator: numeric parameters in, synthetic signals out (tests/test_simulate_*.py)': (
        'simulate.dipole_to_12lead',
        'simulate.shift_covariates',
        'simulate.shift_mechanism',
        'simulate.shift_prevalence',
        'simulate.shift_shortcut',
        'simulate.shifted_environment',
        'simulate.swap_arm_leads',
        'simulate.synthesize_ecg',
        'simulate.wave_truth.ecgsyn_wave_times',
        'simulate.waveform_summary_features',
    ),
    'feature-set or source descriptor: validated by extract_features (tests/test_cohort*.py)': (
        'cohort.AFSet',
        'cohort.CinC2017Source',
        'cohort.CovarianceSet',
        'cohort.DelineationSet',
        'cohort.FeatureSet',
        'cohort.HRVSet',
        'cohort.MIMICIVECGSource',
        'cohort.MITDBSource',
        'cohort.MorphologySet',
        'cohort.NoiseSet',
        'cohort.PTBXLSource',
        'cohort.RPeaksSet',
        'cohort.RecordSource',
        'cohort.SQISet',
        'cohort.TangentSet',
        'cohort.WFDBTree',
        'cohort.open_source',
        'cohort.resolve_feature_sets',
    ),
    'torch module inside a neural classifier (the classifier is the entry point)': (
        'neural.networks.CNN1D',
        'neural.networks.MLP',
        'neural.networks.ResNet1D',
    ),
}
# fmt: on


def _apigen():
    spec = importlib.util.spec_from_file_location("_apigen", ROOT / "docs" / "_apigen.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _kind(obj) -> str:
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "exception"
        return "dataclass" if dataclasses.is_dataclass(obj) else "callable"
    return "callable" if callable(obj) else "constant"


def public_callables() -> set[str]:
    """``pkg.name`` / ``pkg.sub.name`` of every documented callable (as docs/_apigen.py)."""
    api = _apigen()
    out: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for pkg in api._packages():
            mod = importlib.import_module(f"geoecg.{pkg}")
            names = api._public_names(mod)
            objs = {id(getattr(mod, n)) for n in names if hasattr(mod, n)}
            out |= {f"{pkg}.{n}" for n in names if _kind(getattr(mod, n, None)) == "callable"}
            for sub in api._submodules(mod):
                leaf = sub.__name__[len("geoecg.") :]
                for n in api._public_names(sub):
                    obj = getattr(sub, n, None)
                    if n in names or id(obj) in objs or obj is None:
                        continue
                    if _kind(obj) == "callable":
                        out.add(f"{leaf}.{n}")
    return out


@pytest.fixture(scope="module")
def public():
    return public_callables()


def _registry() -> tuple[dict[str, str], dict[str, str]]:
    covered = {n: f for f, (_, names) in COVERED.items() for n in names}
    exempt = {n: r for r, names in EXEMPT.items() for n in names}
    return covered, exempt


def test_every_public_callable_is_covered_or_exempt(public):
    covered, exempt = _registry()
    both = sorted(set(covered) & set(exempt))
    assert not both, f"covered and exempt at once: {both}"
    missing = sorted(public - set(covered) - set(exempt))
    assert not missing, (
        f"{len(missing)} public name(s) neither in COVERED (a fuzz/contract test) nor in "
        f"EXEMPT (with a reason) of tests/test_api_coverage.py: {missing}"
    )
    stale = sorted((set(covered) | set(exempt)) - public)
    assert not stale, f"no longer public (remove from the registry): {stale}"


@pytest.mark.parametrize("test_file", sorted(COVERED))
def test_covering_file_calls_the_name(test_file):
    """A registry entry is only true while the suite file still names the object."""
    text = (ROOT / "tests" / test_file).read_text()
    absent = [
        n for n in COVERED[test_file][1] if not re.search(rf"\b{n.rsplit('.', 1)[1]}\b", text)
    ]
    assert not absent, f"{test_file} does not mention {absent}"


def test_every_exemption_has_a_reason():
    for reason, names in EXEMPT.items():
        assert len(reason) > 20 and "\n" not in reason, reason
        assert len(set(names)) == len(names), reason
