"""Evaluation: beat matching, patient-wise splits, metrics, tables and confidence intervals.

A leaf of the library: it imports numpy, scipy, scikit-learn and pandas, and no other geoecg
package (``tests/test_house.py`` checks it), so it reads no database and builds no model
family. Task loaders that do live with the commands that use them
(``geoecg.commands.compare_tasks``).
"""

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

__all__ = [
    "METRICS",
    "EC57_CELLS",
    "BeatMatch",
    "BootstrapCI",
    "ClassTable",
    "CohortResult",
    "CovariateScorer",
    "LearningCurve",
    "NestedResult",
    "auc_score",
    "bootstrap_ci",
    "class_table",
    "class_table_from_confusion",
    "compare",
    "count_table",
    "covariate_scorer",
    "detection_rates",
    "ec57_gross",
    "evaluate_cohort",
    "learning_curve",
    "macro_auc",
    "make_splits",
    "match_beats",
    "nested_evaluate",
    "oof_predict",
    "paired_bootstrap_diff",
    "patient_splits",
]
