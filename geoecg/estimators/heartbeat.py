"""Heartbeat classification: beat features -> class-weighted gradient boosting (xgboost)."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from .._rows import validate_table, zero_rows

__all__ = [
    "BEAT_SELECTION_GRID",
    "DEFAULT_ADAPT",
    "DEFAULT_FEATURE_SET",
    "DEFAULT_RECORD_PRIOR",
    "HeartbeatClassifier",
    "class_weights",
    "make_beat_pipeline",
    "make_default_beat_model",
]

#: The choices registered for a nested selection of the beat pipeline (a
#: :class:`~sklearn.model_selection.GridSearchCV` grid over :func:`make_beat_pipeline`):
#: the former default feature set, the record-relative set without, with and beside
#: per-record adaptation, the record-relative set with the QRS width over the record's
#: sinus-like beats (``transfer-w``) and, beside adaptation, with the local-sinus
#: prematurity and sinus-P cues (``transfer-s``, registered in session 3).
BEAT_SELECTION_GRID = (
    {"select__feature_set": ["all"], "select__adapt": [False]},
    {"select__feature_set": ["transfer"], "select__adapt": [False, True, "both"]},
    {"select__feature_set": ["transfer-w"], "select__adapt": [False, "both"]},
    {"select__feature_set": ["transfer-s"], "select__adapt": ["both"]},
)

#: Default feature set and per-record adaptation of :func:`make_beat_pipeline` and
#: :class:`geoecg.features.BeatFeatures`: the pair chosen most often by the inner CV of the
#: nested ds1-cv selection over :data:`BEAT_SELECTION_GRID` (see the beats benchmark page).
DEFAULT_FEATURE_SET = "transfer"
DEFAULT_ADAPT = "both"

#: Whether the beat protocols (:func:`geoecg.estimators.beat_protocols.fit_predict_beat_tables`,
#: :func:`~geoecg.estimators.beat_protocols.nested_beat_tables`, ``geoecg bench beats``) wrap
#: the pipeline in :class:`geoecg.estimators.RecordPriorAdapter` (calibration on
#: patient-grouped out-of-fold probabilities; per-record prior adaptation chosen by an inner
#: CV until session 19, the calibrated decision alone since: registry item 28). True since
#: session 4 of issue 17: the registered rule (3-seed mean nested ds1-cv S F1 higher, V F1 at
#: most 1 point lower than without) held (see the beats benchmark page).
DEFAULT_RECORD_PRIOR = True


def class_weights(y, class_weight="sqrt", sample_weight=None) -> np.ndarray:
    """Per-sample weights from a class-weighting rule.

    Parameters
    ----------
    y : array_like of labels
    class_weight : {"balanced", "sqrt"}, dict or None
        ``"balanced"``: ``n / (n_classes * n_c)``; ``"sqrt"``: its square root (a milder
        re-weighting that trades some minority sensitivity for positive predictivity);
        a dict maps labels to weights (missing labels weigh 1); None: all 1.
    sample_weight : array_like of float, optional
        Per-sample weights: ``n`` and ``n_c`` become weight sums, so a weight of 2 counts
        like a repeated sample.

    Returns
    -------
    ndarray of float, shape (n_samples,)
        The weight of each sample's class (not multiplied by ``sample_weight``).

    Examples
    --------
    >>> class_weights(["N", "N", "N", "S"], "balanced").tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    y = np.asarray(y)
    if class_weight is None:
        return np.ones(y.shape[0])
    if isinstance(class_weight, dict):
        return np.asarray([float(class_weight.get(v, 1.0)) for v in y.tolist()])
    if class_weight not in ("balanced", "sqrt"):
        raise ValueError(
            f"class_weight must be 'balanced', 'sqrt', a dict or None, got {class_weight!r}"
        )
    labels, inv = np.unique(y, return_inverse=True)
    sw = np.ones(y.shape[0]) if sample_weight is None else np.asarray(sample_weight, float)
    counts = np.bincount(inv, weights=sw, minlength=labels.size)
    with np.errstate(divide="ignore"):
        w = sw.sum() / (labels.size * counts)
    w[~np.isfinite(w)] = 0.0  # a class whose samples all weigh 0
    if class_weight == "sqrt":
        w = np.sqrt(w)
    return w[inv]


class HeartbeatClassifier(ClassifierMixin, BaseEstimator):
    """Beat classifier (AAMI N/S/V/F/Q or any labels): class-weighted xgboost on beat
    features such as those of :class:`geoecg.features.BeatFeatures`.

    Parameters
    ----------
    n_estimators : int, default 300
        Boosting rounds.
    max_depth : int, default 6
    learning_rate : float, default 0.1
    subsample, colsample_bytree : float, default 0.8
        Row and column subsampling per tree.
    min_child_weight : float, default 1.0
    max_bin : int, default 64
        Histogram bins per feature (fewer bins train faster).
    class_weight : {"balanced", "sqrt"}, dict or None, default "balanced"
        Class re-weighting (see :func:`class_weights`), multiplied into ``sample_weight``.
    max_per_class : int or None, default None
        At most this many training beats per class, drawn at random (seeded by
        ``random_state``) in ``fit``; None keeps every beat.
    n_jobs : int, default 1
        xgboost threads. On a machine shared with other work more threads than free
        cores make OpenMP spin and can be much slower than one thread.
    random_state : int, RandomState or None
        Seed of the row/column subsampling.

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    booster_ : xgboost.XGBClassifier or None
        None when the training labels hold a single class (then every prediction is it).

    Raises
    ------
    ValueError
        In ``fit``: ``n_estimators`` is not a positive integer, ``max_per_class`` is not
        a positive integer or None, or ``sample_weight`` does not have one finite,
        non-negative weight per beat with a positive sum.

    Notes
    -----
    Missing features (NaN) are handled natively by xgboost (a learned default direction
    per split). The trees use ``tree_method="hist"``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3)); y = np.where(X[:, 0] > 1.0, "S", "N")
    >>> clf = HeartbeatClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), float((clf.predict(X) == y).mean()) > 0.95
    (['N', 'S'], True)
    """

    def __init__(
        self,
        n_estimators=300,
        max_depth=6,
        learning_rate=0.1,
        subsample=0.8,
        colsample_bytree=0.8,
        min_child_weight=1.0,
        max_bin=64,
        class_weight="balanced",
        n_jobs=1,
        random_state=None,
        max_per_class=None,
    ):
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.max_bin = max_bin
        self.class_weight = class_weight
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.max_per_class = max_per_class

    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees; returns self."""
        from xgboost import XGBClassifier

        X, y = validate_table(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        if not (isinstance(self.n_estimators, numbers.Integral) and self.n_estimators >= 1):
            raise ValueError(f"n_estimators must be a positive integer, got {self.n_estimators!r}")
        rs = check_random_state(self.random_state)
        keep = None
        if self.max_per_class is not None:
            cap = self.max_per_class
            if isinstance(cap, bool) or not isinstance(cap, numbers.Integral) or cap < 1:
                raise ValueError(f"max_per_class must be a positive integer or None, got {cap!r}")
            keep = np.zeros(y.shape[0], bool)
            for c in np.unique(y):
                idx = np.flatnonzero(y == c)
                keep[idx if idx.size <= cap else rs.choice(idx, cap, replace=False)] = True
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        if sample_weight is not None:
            sw = np.asarray(sample_weight, dtype=np.float64)
            if sw.shape != (X.shape[0],):
                raise ValueError(f"sample_weight must have shape ({X.shape[0]},), got {sw.shape}")
            if not np.all(np.isfinite(sw)) or np.any(sw < 0):
                raise ValueError("sample_weight must be finite and non-negative")
            if not sw.sum() > 0:
                raise ValueError("sample_weight sums to zero: at least one weight must be positive")
        if keep is not None:
            X, y, y_enc = X[keep], y[keep], y_enc[keep]
            if sample_weight is not None:
                sw = sw[keep]
        # class weights from weighted counts: an integer weight acts like repeated samples
        w = class_weights(y, self.class_weight, None if sample_weight is None else sw)
        if sample_weight is not None:
            w = w * sw
        if self.classes_.size < 2:
            self.booster_ = None
            return self
        seed = int(rs.randint(np.iinfo(np.int32).max))
        self.booster_ = XGBClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            min_child_weight=self.min_child_weight,
            max_bin=self.max_bin,
            tree_method="hist",
            n_jobs=self.n_jobs,
            random_state=seed,
            verbosity=0,
        )
        self.booster_.fit(X, y_enc, sample_weight=w)
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_`` (0 rows: an empty
        ``(0, n_classes)`` matrix)."""
        check_is_fitted(self, "classes_")
        kw = dict(
            reset=False, ensure_all_finite="allow-nan", dtype=np.float64, ensure_min_samples=0
        )
        X = validate_table(self, X, **kw)
        if X.shape[0] == 0:  # no beat (xgboost would give too few columns)
            return np.zeros((0, self.classes_.size))
        if self.booster_ is None:
            return np.ones((X.shape[0], 1))
        return np.asarray(self.booster_.predict_proba(X), dtype=np.float64)

    def predict(self, X):
        """Most probable class of each beat (0 rows: an empty array)."""
        P = self.predict_proba(X)
        return self.classes_[np.argmax(P, axis=1)]

    score = zero_rows("score")(ClassifierMixin.score)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def make_beat_pipeline(
    feature_names, *, feature_set=DEFAULT_FEATURE_SET, adapt=DEFAULT_ADAPT, **classifier_params
):
    """The beat classification pipeline: a named feature set, then :class:`HeartbeatClassifier`.

    Parameters
    ----------
    feature_names : sequence of str
        Names of the columns of ``X``: those of
        :func:`geoecg.features.beat_dominant.record_beat_table`, optionally followed by
        their record-standardised copies ``rs_<name>``
        (:func:`~geoecg.features.beat_dominant.record_standardize`, needed for
        ``adapt=True``).
    feature_set : str, default :data:`DEFAULT_FEATURE_SET`
        See :func:`geoecg.features.beat_dominant.beat_feature_set_mask`.
    adapt : bool or "both", default :data:`DEFAULT_ADAPT`
        Use the record-standardised copies (label-free per-record adaptation); ``"both"``:
        the columns and their copies.
    **classifier_params
        Parameters of :class:`HeartbeatClassifier`.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``select`` (:class:`~geoecg.features.beat_dominant.SelectBeatFeatures`) and
        ``clf``; :data:`BEAT_SELECTION_GRID` is a grid over it.

    Examples
    --------
    >>> names = ["rr_pre", "dom_rr_pre", "rs_rr_pre", "rs_dom_rr_pre"]
    >>> pipe = make_beat_pipeline(names, n_estimators=5, random_state=0)
    >>> X = np.array([[800.0, 1.0, 0.5, 0.5], [500.0, 0.6, -0.5, -0.5]] * 20)
    >>> y = np.array(["N", "S"] * 20)
    >>> pipe.fit(X, y).predict(X[:2]).tolist(), pipe[0].get_feature_names_out().tolist()
    (['N', 'S'], ['dom_rr_pre', 'rs_dom_rr_pre'])
    """
    from sklearn.pipeline import Pipeline

    from .._validation import check_names
    from ..features.beat_dominant import SelectBeatFeatures

    names = check_names(feature_names, "feature_names")
    return Pipeline(
        [
            ("select", SelectBeatFeatures(names, feature_set, adapt)),
            ("clf", HeartbeatClassifier(**classifier_params)),
        ]
    )


def make_default_beat_model(
    feature_names,
    *,
    feature_set=DEFAULT_FEATURE_SET,
    adapt=DEFAULT_ADAPT,
    self_training=None,
    cv=2,
    record_prior_candidates=None,
    s_floor=None,
    s_morph=None,
    **classifier_params,
):
    """The library's default beat model (``MF`` since session 26 of issue 17): the beat
    pipeline, a calibrated decision, per-record self-training, a per-record QRS-morphology
    veto on S calls and a per-record prematurity floor on them.

    :func:`make_beat_pipeline` wrapped in
    :class:`~geoecg.estimators.record_prior.RecordPriorAdapter` (probabilities calibrated on
    patient-grouped out-of-fold predictions, each beat called by their arg-max at the training
    prior: candidates :data:`~geoecg.estimators.record_prior.CALIBRATED_MAP_CANDIDATES`, no
    per-record EM; registry item 28 of the beats benchmark) and, by default, in
    :class:`~geoecg.estimators.record_self_training.RecordSelfTraining` (each record's
    uncertain beats re-labelled by a model of its own confident ones), that in
    :class:`~geoecg.estimators.record_s_floor.RecordPrematurityFloor` (a record's S call is
    kept only where its ``dom_rr_pre`` lies below the record's median minus ``k`` robust SDs,
    ``k`` chosen by the inner CV among off/1.5/2/3/4; registry item 32, adopted in session
    22; before, the default was ``NE``, the self-training model alone) with, before the
    floor, its QRS-morphology veto (``morph_floors`` =
    :data:`~geoecg.estimators.record_s_floor.S_MORPH_CANDIDATES`: an S call whose
    ``dom_qrs_corr_l<k>`` lies below the record's median minus ``k_m`` robust SDs on any lead
    becomes V, ``k_m`` chosen by the inner CV among off/5/10/20/40 after ``k``; registry
    item 35, the default since session 26; before, the default was ``FL``, the floor
    alone). It is the model that
    :func:`~geoecg.estimators.record_prior.record_prior_beat_tables` fits, the default of the
    beat protocols and of ``geoecg bench beats`` (:data:`DEFAULT_RECORD_PRIOR`). Unlike a plain
    pipeline, ``fit`` needs ``groups`` (the patient of each training beat: the adapter's inner
    choice is by patient-grouped CV) and ``predict`` the record of each beat.

    Parameters
    ----------
    feature_names : sequence of str
        Names of the columns of ``X``, as in :func:`make_beat_pipeline`.
    feature_set : str, default :data:`DEFAULT_FEATURE_SET`
        As in :func:`make_beat_pipeline`.
    adapt : bool or "both", default :data:`DEFAULT_ADAPT`
        As in :func:`make_beat_pipeline`.
    self_training : bool or None, default None
        Wrap the adapter in ``RecordSelfTraining`` on the columns of
        :data:`~geoecg.estimators.record_self_training.LOCAL_BEAT_FEATURES` found in
        ``feature_names``; None:
        :data:`~geoecg.estimators.record_self_training.DEFAULT_SELF_TRAINING`.
    cv : int, default 2
        Patient-grouped folds of the adapter's inner choice (``RecordPriorAdapter(cv=...)``).
    record_prior_candidates : sequence of (str, float) or None, default None
        The adapter's (decision, shrinkage) candidates (``RecordPriorAdapter(candidates=...)``);
        None: :data:`~geoecg.estimators.record_prior.CALIBRATED_MAP_CANDIDATES` (no per-record
        EM, the default since registry item 28);
        :data:`~geoecg.estimators.record_prior.RECORD_PRIOR_CANDIDATES` gives the former
        default ``A1`` (per-record EM prior, the pair chosen by the inner CV).
    s_floor : bool or None, default None
        With self-training, wrap it in ``RecordPrematurityFloor`` (needs the ``dom_rr_pre``
        column); False gives the former default ``NE``; None: the floor when ``dom_rr_pre``
        is among ``feature_names`` (the tables of
        :func:`geoecg.features.beat_dominant.record_beat_table` always hold it), else ``NE``
        with a UserWarning naming the missing column (tables built by hand without it do
        not get the default; pass False to ask for ``NE`` without the warning).
    s_morph : bool or None, default None
        With the floor, its QRS-morphology veto (``RecordPrematurityFloor(morph_floors=``
        :data:`~geoecg.estimators.record_s_floor.S_MORPH_CANDIDATES` ``)``; needs
        ``dom_qrs_corr_l<k>`` columns); False gives the former default ``FL`` (the floor
        alone, ``morph_floors=(None,)``); None: the veto when ``dom_qrs_corr_l<k>`` columns
        are among ``feature_names`` (the tables of
        :func:`geoecg.features.beat_dominant.record_beat_table` always hold them), else
        ``FL`` with a UserWarning naming the missing columns (pass False to ask for ``FL``
        without the warning). Ignored without the floor.
    **classifier_params
        Parameters of :class:`HeartbeatClassifier`.

    Returns
    -------
    RecordPrematurityFloor, RecordSelfTraining or RecordPriorAdapter
        Unfitted; ``RecordSelfTraining`` when ``s_floor`` is False, ``RecordPriorAdapter``
        alone when ``self_training`` is False. Each form's ``predict`` of 0 rows (a record
        without beats) is an empty array, and the adapter's ``predict_proba`` an empty
        ``(0, n_classes)`` matrix.

    Warns
    -----
    UserWarning
        ``s_floor=None`` with self-training and no ``dom_rr_pre`` among ``feature_names``:
        the model returned is ``NE`` (no prematurity floor), not the default ``MF``;
        ``s_morph=None`` with the floor and no ``dom_qrs_corr_l<k>`` among them: the model
        returned is ``FL`` (the floor without the veto), not the default ``MF``.

    Raises
    ------
    ValueError
        ``self_training`` with none of the ``LOCAL_BEAT_FEATURES`` columns among
        ``feature_names``; ``s_floor=True`` (with self-training) without ``dom_rr_pre``
        among them; ``s_morph=True`` (with the floor) without ``dom_qrs_corr_l<k>`` among
        them; ``s_floor`` or ``s_morph`` not True, False or None (checked for every form of
        the model; 0, 1 and NumPy booleans are read as False and True).
    TypeError
        ``feature_names`` one string instead of a sequence of names.

    Examples
    --------
    >>> names = ["rr_pre", "dom_rr_pre", "dom_qrs_corr_l0", "rs_rr_pre", "rs_dom_rr_pre"]
    >>> model = make_default_beat_model(names, n_estimators=5, random_state=0)
    >>> st = model.estimator
    >>> type(model).__name__, type(st).__name__, type(st.estimator).__name__
    ('RecordPrematurityFloor', 'RecordSelfTraining', 'RecordPriorAdapter')
    >>> st.local_features  # dom_qrs_corr_l0 is also one of LOCAL_BEAT_FEATURES
    ['rr_pre', 'dom_qrs_corr_l0']
    >>> model.morph_floors  # the QRS-morphology veto's candidates k_m (None: off)
    (None, 5.0, 10.0, 20.0, 40.0)
    >>> rng = np.random.default_rng(0)
    >>> y = np.where(rng.random(480) < 0.3, "S", "N")
    >>> rr = np.where(y == "S", 550.0, 800.0) + rng.normal(0, 40, 480)
    >>> corr = 0.98 + rng.normal(0, 0.005, 480)  # every QRS like its record's dominant one
    >>> X = np.c_[rr, rr / 800.0, corr, (rr - 720.0) / 120.0, (rr - 720.0) / 120.0]
    >>> patient = np.repeat([0, 1, 2, 3], 120)
    >>> pred = model.fit(X, y, groups=patient).predict(X, groups=patient)
    >>> bool((pred == y).mean() > 0.9)
    True
    """
    from .record_prior import CALIBRATED_MAP_CANDIDATES, RecordPriorAdapter
    from .record_self_training import (
        DEFAULT_SELF_TRAINING,
        LOCAL_BEAT_FEATURES,
        RecordSelfTraining,
    )

    for name, v in (("s_floor", s_floor), ("s_morph", s_morph)):
        if v not in (None, True, False):
            raise ValueError(f"{name} must be True, False or None, got {v!r}")
    # 0, 1 and NumPy booleans pass the test above: as bools, so that `is False` / `is True`
    # below read them as asked (0 was the veto, 1 without the columns a silent FL)
    s_floor, s_morph = (None if v is None else bool(v) for v in (s_floor, s_morph))
    pipe = make_beat_pipeline(
        feature_names, feature_set=feature_set, adapt=adapt, **classifier_params
    )
    cand = CALIBRATED_MAP_CANDIDATES if record_prior_candidates is None else record_prior_candidates
    model = RecordPriorAdapter(pipe, cv=cv, candidates=cand)
    if not (DEFAULT_SELF_TRAINING if self_training is None else bool(self_training)):
        return model
    local = [f for f in LOCAL_BEAT_FEATURES if f in feature_names]
    if not local:
        raise ValueError(
            "self_training needs columns of LOCAL_BEAT_FEATURES in the tables, got none of "
            f"{list(LOCAL_BEAT_FEATURES)}; pass self_training=False"
        )
    model = RecordSelfTraining(model, feature_names=feature_names, local_features=local)
    has_rr = "dom_rr_pre" in list(feature_names)
    if s_floor is None and not has_rr:
        warnings.warn(
            "make_default_beat_model: feature_names lack the dom_rr_pre column (the RR ratio "
            "the prematurity floor needs), so the model is NE (self-training without the "
            "floor), not the default MF; tables of record_beat_table always hold it. Pass "
            "s_floor=False to ask for NE without this warning",
            UserWarning,
            stacklevel=2,
        )
    if s_floor is False or (s_floor is None and not has_rr):
        return model
    if not has_rr:
        raise ValueError(
            "s_floor needs the dom_rr_pre column in the tables (the RR ratio it floors); "
            "pass s_floor=False or None"
        )
    from .record_s_floor import S_MORPH_CANDIDATES, RecordPrematurityFloor, _qrs_corr_columns

    has_corr = bool(_qrs_corr_columns(feature_names))
    if s_morph is None and not has_corr:
        warnings.warn(
            "make_default_beat_model: feature_names lack dom_qrs_corr_l<k> columns (the QRS "
            "correlations the morphology veto needs), so the model is FL (the prematurity "
            "floor without the veto), not the default MF; tables of record_beat_table always "
            "hold them. Pass s_morph=False to ask for FL without this warning",
            UserWarning,
            stacklevel=2,
        )
    if s_morph is True and not has_corr:
        raise ValueError(
            "s_morph needs dom_qrs_corr_l<k> columns in the tables (the QRS correlations it "
            "vetoes on); pass s_morph=False or None"
        )
    morph = S_MORPH_CANDIDATES if (s_morph is not False and has_corr) else (None,)
    return RecordPrematurityFloor(model, feature_names=feature_names, morph_floors=morph)
