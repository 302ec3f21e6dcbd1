"""CinC 2017 record classifier (N / A / O / ~) and prior correction of class probabilities.

:class:`CinC2017Classifier` classifies whole records from the record features of
:func:`~geoecg.features.af_record_features` (xgboost), with optional prior
correction of its probabilities (``class_priors``, :func:`prior_correct`, defined in
:mod:`geoecg.estimators.prior_shift`), an optional
one-vs-rest blend and optional crop augmentation (``fit(X, y, X_crops, y_crops)``).
Both names are also importable from :mod:`geoecg.estimators.af`.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, check_random_state

from ..._rows import validate_table, zero_rows
from ..prior_estimation import prior_correct

__all__ = ["CinC2017Classifier"]


class CinC2017Classifier(ClassifierMixin, BaseEstimator):
    """Record-level rhythm classifier (N / A / O / ~ or any labels) on record features.

    Parameters
    ----------
    n_estimators, max_depth, learning_rate, subsample, colsample_bytree : xgboost settings.
    class_priors : dict or array_like, optional
        Class priors of the population the model is used on: ``{label: prior}`` or an
        array aligned with ``classes_``. The probabilities are prior-corrected from the
        training priors (``train_priors_``) to these; ``None`` leaves them as fitted.
    random_state : int, RandomState or None
    n_jobs : int, default 1
    inner_cv : int or None, default None
        When given, the number of trees is chosen on the training data only: a stratified
        ``inner_cv``-fold ``xgboost.cv`` with up to ``n_estimators`` trees, keeping the
        count with the lowest mean held-out multi-class log-loss (``n_estimators_``).
        ``None`` uses ``n_estimators`` trees.
    binary_class : label, default "A"
        Class that gets a dedicated one-vs-rest model when ``binary_weight > 0``.
    binary_weight : float in [0, 1], default 0.0
        When > 0, a second xgboost model (same settings and seed, binary logistic) is fitted
        for ``binary_class`` vs the rest, and that class's probability becomes
        ``(1 - binary_weight) * multi-class + binary_weight * binary``, the other classes
        rescaled to keep their ratios (:func:`geoecg.estimators._decision.blend_one_vs_rest`).
        0 (default) uses the multi-class model alone.
    crop_weight : float > 0, default 0.5
        Sample weight of the crop rows passed to ``fit`` as ``X_crops`` / ``y_crops``
        (whole records weigh 1); unused when no crops are given.
    quality_gate : bool, default False
        When True, a record without a measurable ECG (fewer than 2 s of finite samples,
        a lead without amplitude, more than half of the samples in flat or clipped runs:
        ``flatFrac`` + ``clipFrac`` > 0.5, fewer than 5 R-peaks, or a detected rate
        outside 20-300 beats/min; fixed physical thresholds,
        ``geoecg.estimators.af._quality_gate.ecg_quality_gate``) is given the noisy label
        ``"~"`` by ``predict`` and probability 1 for ``"~"`` by ``predict_proba``, whatever
        the model says; :meth:`gate_reasons` and
        :meth:`predict_table` say why. Needs the 107 record features of
        :func:`~geoecg.features.af_record_features` as the first columns of ``X``
        and ``"~"`` among the classes. ``predict_proba_uncorrected`` stays the model's own.

    Attributes
    ----------
    classes_ : ndarray
    train_priors_ : ndarray
        Class frequencies of ``y`` in ``fit``.
    n_estimators_ : int
        Number of trees of the fitted model.
    binary_model_ : XGBClassifier or None
        The one-vs-rest model of ``binary_class`` (``None`` when ``binary_weight`` is 0).

    Raises
    ------
    ValueError
        In ``fit``: ``y`` holds a single class, ``binary_weight`` is not in [0, 1],
        ``binary_class`` is not one of the classes, or ``inner_cv`` is not None or an
        integer >= 2; ``quality_gate`` is True but ``X`` has fewer than 107 columns or
        ``"~"`` is not a class; when ``class_priors`` is given (checked in ``fit`` and again in
        ``predict_proba``, as it may be set after fit), it lacks a class, names a label
        that is not a class, does not have one prior per class, or holds a negative, NaN
        or infinite entry or sums to 0.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((90, 4)); y = np.repeat(["A", "N", "O"], 30)
    >>> X[y == "A", 0] += 3
    >>> clf = CinC2017Classifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.classes_.tolist(), clf.train_priors_.round(3).tolist()
    (['A', 'N', 'O'], [0.333, 0.333, 0.333])
    >>> clf.set_params(class_priors={"A": 0.1, "N": 0.6, "O": 0.3})
    ...     # doctest: +ELLIPSIS
    CinC2017Classifier(...)
    >>> bool(clf.predict_proba(X)[:, 1].mean() > 0.45)
    True
    """

    def __init__(
        self,
        n_estimators=200,
        max_depth=4,
        learning_rate=0.05,
        subsample=0.8,
        colsample_bytree=0.5,
        class_priors=None,
        random_state=None,
        n_jobs=1,
        inner_cv=None,
        binary_class="A",
        binary_weight=0.0,
        crop_weight=0.5,
        quality_gate=False,
    ):
        self.quality_gate = quality_gate
        self.crop_weight = crop_weight
        self.inner_cv = inner_cv
        self.binary_class = binary_class
        self.binary_weight = binary_weight
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.class_priors = class_priors
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X, y, X_crops=None, y_crops=None):
        """Fit on record features ``X`` with labels ``y``.

        Parameters
        ----------
        X : array_like, shape (n_records, n_features)
        y : array_like, shape (n_records,)
        X_crops : array_like, shape (n_crops, n_features), optional
            Features of sub-crops of the training records
            (:func:`geoecg.features.af.crops.af_crop_features`), appended to the training
            rows with sample weight ``crop_weight``. Only crops of records in ``X`` belong
            here (never crops of records that are scored later). ``train_priors_`` and the
            inner CV (``inner_cv``) use the whole records only.
        y_crops : array_like, shape (n_crops,), optional
            Label of each crop (its record's label); required with ``X_crops``.
        """
        from xgboost import XGBClassifier

        X, y = validate_table(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_, yi = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(f"y must hold at least 2 classes, got 1 class: {self.classes_[0]}")
        self.train_priors_ = np.bincount(yi, minlength=self.classes_.size) / yi.size
        self._class_priors_array()  # a bad class_priors is refused before any training
        self._check_gate(X.shape[1])
        Xfit, yfit, sw = X, yi, None
        if X_crops is not None or y_crops is not None:
            from ...features.af.crops import append_crops

            Xfit, yfit, sw = append_crops(X, yi, self.classes_, X_crops, y_crops, self.crop_weight)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        self.n_estimators_ = int(self.n_estimators)
        if self.inner_cv is not None:
            self.n_estimators_ = self._inner_cv_trees(X, yi, seed)
        bw = self.binary_weight
        if isinstance(bw, bool) or not isinstance(bw, numbers.Real) or not 0.0 <= bw <= 1.0:
            raise ValueError(f"binary_weight must be a number in [0, 1], got {bw!r}")
        if bw > 0 and self.binary_class not in self.classes_.tolist():
            raise ValueError(
                f"binary_class {self.binary_class!r} is not one of the classes "
                f"{self.classes_.tolist()}"
            )
        params = dict(
            n_estimators=self.n_estimators_,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            random_state=seed,
            n_jobs=self.n_jobs,
            tree_method="hist",
        )
        self.model_ = XGBClassifier(**params).fit(Xfit, yfit, sample_weight=sw)
        self.binary_model_ = None
        if bw > 0:
            yb = (self.classes_[yfit] == self.binary_class).astype(np.int64)
            self.binary_model_ = XGBClassifier(**params).fit(Xfit, yb, sample_weight=sw)
        return self

    def _inner_cv_trees(self, X, yi, seed) -> int:
        """Tree count with the lowest mean inner-CV log-loss (training data only)."""
        import xgboost as xgb

        k = self.inner_cv
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2:
            raise ValueError(f"inner_cv must be None or an integer >= 2 folds, got {k!r}")
        if np.bincount(yi).min() < k:  # a class too small to stratify: keep n_estimators
            return int(self.n_estimators)
        params = {
            "objective": "multi:softprob",
            "num_class": int(self.classes_.size),
            "max_depth": self.max_depth,
            "eta": self.learning_rate,
            "subsample": self.subsample,
            "colsample_bytree": self.colsample_bytree,
            "tree_method": "hist",
            "nthread": self.n_jobs,
            "seed": seed,
            "eval_metric": "mlogloss",
        }
        res = xgb.cv(
            params,
            xgb.DMatrix(X, label=yi),
            num_boost_round=int(self.n_estimators),
            nfold=k,
            stratified=True,
            seed=seed,
            as_pandas=False,
        )
        loss = np.asarray(res["test-mlogloss-mean"])
        return int(np.argmin(loss)) + 1

    def _target_priors(self) -> np.ndarray | None:
        check_is_fitted(self)
        return self._class_priors_array()

    def _class_priors_array(self) -> np.ndarray | None:
        """``class_priors`` aligned with ``classes_`` (None when not given); ValueError
        naming ``class_priors`` when a dict lacks a class or names a label that is not a
        class (its mass would be dropped silently), or an entry is negative, NaN or inf."""
        cp = self.class_priors
        if cp is None:
            return None
        classes = self.classes_.tolist()
        if isinstance(cp, dict):
            missing = [c for c in classes if c not in cp]
            if missing:
                raise ValueError(f"class_priors lacks classes {missing}")
            extra = [c for c in cp if c not in classes]
            if extra:
                raise ValueError(
                    f"class_priors names labels {extra} that are not classes of y {classes}"
                )
            t = np.array([float(cp[c]) for c in classes])
        else:
            t = np.asarray(cp, dtype=np.float64)
            if t.shape != self.classes_.shape:
                raise ValueError(
                    f"class_priors must have one prior per class {classes}, got shape {t.shape}"
                )
        if not (np.all(np.isfinite(t)) and np.all(t >= 0) and t.sum() > 0):
            raise ValueError(
                f"class_priors must be finite non-negative numbers with a positive sum "
                f"(classes {classes}), got {cp!r}"
            )
        return t

    @zero_rows("proba")
    def predict_proba_uncorrected(self, X) -> np.ndarray:
        """Probabilities under the training priors."""
        check_is_fitted(self)
        X = validate_table(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        p = self.model_.predict_proba(X).astype(np.float64)
        p = p / p.sum(axis=1, keepdims=True)
        if getattr(self, "binary_model_", None) is not None:
            from .._decision import blend_one_vs_rest

            col = self.classes_.tolist().index(self.binary_class)
            pb = self.binary_model_.predict_proba(X)[:, 1].astype(np.float64)
            p = blend_one_vs_rest(p, pb, col, self.binary_weight)
        return p

    @zero_rows("proba")
    def predict_proba(self, X) -> np.ndarray:
        """Probabilities, prior-corrected to ``class_priors`` when it is given; with
        ``quality_gate``, 1 for ``"~"`` on the records :meth:`gate_reasons` names."""
        p = self.predict_proba_uncorrected(X)
        t = self._target_priors()
        p = p if t is None else prior_correct(p, self.train_priors_, t)
        if self.quality_gate:
            self._check_gate(self.n_features_in_)  # may be set after fit
            from ._quality_gate import GATE_LABEL

            gated = self.gate_reasons(X) != ""
            p[gated] = 0.0
            p[gated, self.classes_.tolist().index(GATE_LABEL)] = 1.0
        return p

    @zero_rows("labels")
    def predict(self, X) -> np.ndarray:
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    score = zero_rows("score")(ClassifierMixin.score)

    def _check_gate(self, n_features: int) -> None:
        if not isinstance(self.quality_gate, (bool, np.bool_)):
            raise ValueError(f"quality_gate must be True or False, got {self.quality_gate!r}")
        if not self.quality_gate:
            return
        from ._quality_gate import GATE_LABEL, _record_columns

        n = _record_columns()["n"]
        if n_features < n:
            raise ValueError(
                f"quality_gate needs the {n} record features of af_record_features as the "
                f"first columns of X, got {n_features} columns"
            )
        if GATE_LABEL not in self.classes_.tolist():
            raise ValueError(
                f"quality_gate gives gated records the label {GATE_LABEL!r}, which is not one "
                f"of the classes {self.classes_.tolist()}"
            )

    def gate_reasons(self, X) -> np.ndarray:
        """Why each record of ``X`` has no measurable ECG ("" when it has one).

        ``geoecg.estimators.af._quality_gate.ecg_quality_gate`` on the first 107 columns
        (whether or not ``quality_gate`` is on: with it, these records are called ``"~"``).

        Returns
        -------
        ndarray of str, shape (n_records,)
        """
        from ._quality_gate import ecg_quality_gate

        check_is_fitted(self)
        X = validate_table(self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64)
        return ecg_quality_gate(X)

    def predict_table(self, X):
        """Label, probabilities and gate reason of each record, as a table.

        Returns
        -------
        pandas.DataFrame
            One row per record of ``X``: ``label`` (:meth:`predict`), ``p_<class>`` (of
            :meth:`predict_proba`, 0-1) and ``reason`` (:meth:`gate_reasons`; "" when the
            record has a measurable ECG, the label then being the model's).
        """
        import pandas as pd

        p = self.predict_proba(X)
        out = pd.DataFrame({"label": self.classes_[np.argmax(p, axis=1)]})
        for j, c in enumerate(self.classes_):
            out[f"p_{c}"] = p[:, j]
        out["reason"] = self.gate_reasons(X)
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
