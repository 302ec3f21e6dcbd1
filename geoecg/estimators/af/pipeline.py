"""The CinC 2017 AF pipeline as one scikit-learn estimator on raw single-lead records.

:class:`AFRecordClassifier` takes a list of single-lead signals (mV) and does what the
``geoecg bench af`` options used to do behind flags: the 107 record features
(:func:`geoecg.features.af.record.af_record_features`), optionally the 86 rhythm-profile
features (:mod:`geoecg.features.af.rhythm_profile`), optionally crop augmentation of the
*training* records (:mod:`geoecg.features.af.crops`), and
:class:`~geoecg.estimators.af.cinc2017.CinC2017Classifier`. Because crops are made inside
``fit`` from the records it is given, any CV, nested search
(:class:`~sklearn.model_selection.GridSearchCV`) or
:class:`~geoecg.estimators.PriorShiftClassifier` around it keeps crops of held-out records
out of training. :func:`make_af_classifier` returns the documented presets.
"""

from __future__ import annotations

import hashlib

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..._rows import validate_table
from ..._validation import check_not_one_signal

__all__ = [
    "AFRecordClassifier",
    "AFFeatureBlocks",
    "make_af_classifier",
    "AF_PRESETS",
    "AF_NESTED_GRID",
    "make_af_feature_pipeline",
]

#: Number of record features (:data:`geoecg.features.af.record.AF_RECORD_FEATURE_NAMES`).
N_RECORD_FEATURES = 107

#: Options the nested CinC CV of ``geoecg bench af`` chooses among on the training records
#: of each outer fold (registered before any run; crops are not in it, they need signals).
AF_NESTED_GRID = {"blocks__rhythm_profile": [False, True], "clf__binary_weight": [0.0]}

#: Presets of :func:`make_af_classifier`. "default": record features only. "rhythm": + the
#: rhythm profile (the nested CinC CV chose it in 13 of 15 outer folds, seeds 0-2). "rhythm-crops":
#: + rhythm profile + 2 crops of 70 % at weight 0.5 (chosen on 5-fold CV of the shared
#: CinC subset by looking at the outer folds: AF F1 88.05 there; see docs/benchmarks/af.md).
#: "rhythm-crops" has no nested figure (crops are not in :data:`AF_NESTED_GRID`); the one
#: registered figure with crops is the prior-shift protocol's (af registry item 7: EM AF F1
#: 74.5 / mean N/A/O F1 76.1, seeds 0-2), a different protocol.
AF_PRESETS = {
    "default": {},
    "rhythm": {"rhythm_profile": True},
    "rhythm-crops": {"rhythm_profile": True, "n_crops": 2, "crop_frac": 0.7, "crop_weight": 0.5},
}


def _key(x) -> str:
    """Content key of one record (for the per-record feature cache)."""
    a = np.ascontiguousarray(np.ravel(np.asarray(x, dtype=np.float64)))
    return "sha1:" + hashlib.sha1(a.view(np.uint8)).hexdigest()


class AFRecordClassifier(ClassifierMixin, BaseEstimator):
    """Whole-record rhythm classifier (N / A / O / ~) on raw single-lead signals.

    ``X`` is a list of records, each a 1-D signal (or a (1, n) / (n, 1) array), a 2-D
    (records, samples) array or a 3-D (records, 1, samples) array. A record or array with
    more than one lead raises a ValueError naming its shape: pass the lead to classify.

    Parameters
    ----------
    fs : float, default 300.0
        Sampling frequency in Hz of every record.
    rhythm_profile : bool, default False
        Append the 86 rhythm-profile features to the 107 record features.
    n_crops : int, default 0
        Random sub-crops per training record added to the training rows (0: none).
    crop_frac : float in (0, 1), default 0.7
        Crop length as a fraction of the record (at least 9 s).
    crop_weight : float > 0, default 0.5
        Sample weight of crop rows.
    binary_weight : float in [0, 1], default 0.0
        Blend weight of a dedicated AF-vs-rest model (``CinC2017Classifier``).
    n_estimators : int, default 200
    inner_cv : int or None
        Tree count chosen by an inner CV on the training records (``CinC2017Classifier``).
    cache_dir : path-like, optional
        Per-record feature cache, keyed by each record's content (SHA-1 of its samples).
    random_state : int or None
    n_jobs : int, default 1

    Attributes
    ----------
    classifier_ : CinC2017Classifier
    classes_ : ndarray

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> from geoecg.io import CinC2017
    >>> X, y = CinC2017(sample_cinc2017_dir()).load()
    >>> clf = AFRecordClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape == (2, len(clf.classes_))
    True
    """

    def __init__(
        self,
        fs=300.0,
        *,
        rhythm_profile=False,
        n_crops=0,
        crop_frac=0.7,
        crop_weight=0.5,
        binary_weight=0.0,
        n_estimators=200,
        inner_cv=None,
        cache_dir=None,
        random_state=None,
        n_jobs=1,
    ):
        self.fs = fs
        self.rhythm_profile = rhythm_profile
        self.n_crops = n_crops
        self.crop_frac = crop_frac
        self.crop_weight = crop_weight
        self.binary_weight = binary_weight
        self.n_estimators = n_estimators
        self.inner_cv = inner_cv
        self.cache_dir = cache_dir
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _signals(self, X):
        check_not_one_signal(X, "AFRecordClassifier")
        if isinstance(X, np.ndarray) and X.ndim == 3:
            if X.shape[1] != 1:  # lead 0 used to be taken without a word
                raise ValueError(
                    f"AFRecordClassifier takes one lead per record; X is a 3-D array of shape "
                    f"{X.shape} (records, leads, samples) with {X.shape[1]} leads: pass one "
                    f"lead, e.g. X[:, i, :] for lead i, or a (records, 1, samples) array"
                )
            X = X[:, 0, :]
        elif isinstance(X, np.ndarray) and X.ndim > 3:
            raise ValueError(
                f"X must be a list of 1-D records, a 2-D (records, samples) or a 3-D "
                f"(records, 1, samples) array; got an array of shape {X.shape}"
            )
        arrays = [np.asarray(x, dtype=np.float64) for x in X]
        for k, a in enumerate(arrays):
            if sum(d > 1 for d in a.shape) > 1:  # ravel would join the leads end to end
                raise ValueError(
                    f"AFRecordClassifier takes one lead per record (a 1-D signal in mV); "
                    f"record {k} has shape {a.shape}: pass the lead to classify, "
                    f"e.g. record[i] for lead row i"
                )
        sigs = [np.ravel(a) for a in arrays]
        if not sigs:
            raise ValueError("X must hold at least one record (a list of 1-D signals in mV)")
        return sigs

    def _matrix(self, X, n_crops=0):
        from ...features.af import af_feature_matrix

        sigs = self._signals(X)
        keys = [_key(s) for s in sigs] if self.cache_dir is not None else None
        return af_feature_matrix(
            sigs,
            float(self.fs),
            rhythm_profile=self.rhythm_profile,
            n_crops=n_crops,
            crop_frac=self.crop_frac,
            keys=keys,
            cache_dir=self.cache_dir,
        )

    def features(self, X) -> np.ndarray:
        """Feature matrix of records ``X`` (107 or 193 columns; NaN where undefined)."""
        return self._matrix(X).X

    def fit(self, X, y):
        """Fit on records ``X`` (list of 1-D signals, mV) with labels ``y``."""
        from .cinc2017 import CinC2017Classifier

        m = self._matrix(X, int(self.n_crops))
        y = np.asarray(y)
        if y.shape != (m.X.shape[0],):
            raise ValueError(f"y must have one label per record ({m.X.shape[0]}), got {y.shape}")
        kw = {} if m.crops is None else {"X_crops": m.crops, "y_crops": y[m.crop_owner]}
        self.classifier_ = CinC2017Classifier(
            n_estimators=self.n_estimators,
            inner_cv=self.inner_cv,
            binary_weight=self.binary_weight,
            crop_weight=self.crop_weight,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(m.X, y, **kw)
        self.classes_ = self.classifier_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities under the training prior (whole records, no crops)."""
        check_is_fitted(self)
        return self.classifier_.predict_proba_uncorrected(self.features(X))

    def predict(self, X) -> np.ndarray:
        p = self.predict_proba(X)
        return self.classes_[np.argmax(p, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.allow_nan = True
        return tags


def make_af_classifier(
    preset: str = "default", *, adapt=None, cache_dir=None, random_state=None, **params
):
    """The CinC 2017 AF pipeline of a preset, optionally adapted to the target prior.

    Parameters
    ----------
    preset : {"default", "rhythm", "rhythm-crops"}
        See :data:`~geoecg.estimators.af.AF_PRESETS` ("rhythm-crops" was chosen on outer
        folds and has no nested figure).
    adapt : {None, "em", "bbse", "rlls"}
        Wrap the classifier in :class:`~geoecg.estimators.PriorShiftClassifier` with this
        prior estimator (call ``.adapt(X_target)`` after ``fit``).
    cache_dir : path-like, optional
        Per-record feature cache.
    random_state : int or None
    **params
        Further :class:`AFRecordClassifier` parameters (override the preset).

    Returns
    -------
    AFRecordClassifier or PriorShiftClassifier

    Examples
    --------
    >>> make_af_classifier("rhythm-crops").get_params()["n_crops"]
    2
    >>> type(make_af_classifier(adapt="em")).__name__
    'PriorShiftClassifier'
    """
    if preset not in AF_PRESETS:
        raise ValueError(f"preset must be one of {sorted(AF_PRESETS)}, got {preset!r}")
    clf = AFRecordClassifier(
        **{**AF_PRESETS[preset], **params}, cache_dir=cache_dir, random_state=random_state
    )
    if adapt is None:
        return clf
    from ..prior_shift import PriorShiftClassifier

    return PriorShiftClassifier(clf, method=adapt, random_state=random_state)


class AFFeatureBlocks(TransformerMixin, BaseEstimator):
    """Keep the 107 record features, or also the 86 rhythm-profile columns after them.

    Parameters
    ----------
    rhythm_profile : bool, default True
        Keep columns 107.. (the rhythm profile) when True; the first 107 only when False.

    Examples
    --------
    >>> AFFeatureBlocks(rhythm_profile=False).fit_transform(np.zeros((2, 193))).shape
    (2, 107)
    """

    def __init__(self, rhythm_profile=True):
        self.rhythm_profile = rhythm_profile

    def fit(self, X, y=None):
        X = validate_table(self, X, ensure_all_finite="allow-nan")
        if X.shape[1] < N_RECORD_FEATURES:
            raise ValueError(
                f"X must have at least {N_RECORD_FEATURES} record-feature columns, got {X.shape[1]}"
            )
        return self

    def transform(self, X):
        check_is_fitted(self)
        X = validate_table(
            self, X, reset=False, ensure_all_finite="allow-nan", ensure_min_samples=0
        )
        return X if self.rhythm_profile else X[:, :N_RECORD_FEATURES]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def make_af_feature_pipeline(*, n_estimators=200, random_state=None, **clf_params):
    """``Pipeline([("blocks", AFFeatureBlocks()), ("clf", CinC2017Classifier())])`` on the
    193-column feature matrix (record + rhythm profile); the object the nested CinC CV
    searches with :data:`AF_NESTED_GRID`.

    Examples
    --------
    >>> sorted(make_af_feature_pipeline().named_steps)
    ['blocks', 'clf']
    """
    from sklearn.pipeline import Pipeline

    from .cinc2017 import CinC2017Classifier

    return Pipeline(
        [
            ("blocks", AFFeatureBlocks()),
            (
                "clf",
                CinC2017Classifier(
                    n_estimators=n_estimators, random_state=random_state, **clf_params
                ),
            ),
        ]
    )
