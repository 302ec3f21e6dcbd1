"""Evaluation: beat matching, patient-wise splits, metrics and confidence intervals."""

from .compare import METRICS, compare, make_splits, oof_predict  # noqa: E402,F401
from .ec57 import EC57_CELLS, ec57_gross  # noqa: E402,F401
from .matching import BeatMatch, match_beats  # noqa: E402,F401
from .nested import NestedResult, nested_evaluate  # noqa: E402,F401
from .scoring import CovariateScorer, covariate_scorer  # noqa: E402,F401
from .small_cohort import (  # noqa: E402,F401
    BootstrapCI,
    CohortResult,
    LearningCurve,
    auc_score,
    bootstrap_ci,
    evaluate_cohort,
    learning_curve,
    macro_auc,
    paired_bootstrap_diff,
    patient_splits,
)
from .tables import (  # noqa: E402,F401
    ClassTable,
    class_table,
    class_table_from_confusion,
    count_table,
    detection_rates,
)
