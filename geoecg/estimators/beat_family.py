"""The beat classifier's model family, chosen by an inner CV on the training patients.

:class:`ModelFamilyAdapter` is a :class:`~geoecg.estimators.RecordPriorAdapter` whose inner
patient-grouped CV chooses the model family of
:class:`~geoecg.estimators.heartbeat.HeartbeatClassifier` (``model=``: boosted trees, a
class-weighted linear model, or their probability average,
:data:`~geoecg.estimators.heartbeat.BEAT_MODELS`) together with the adapter's (decision,
shrinkage) pair. One fit of the ``"average"`` family per inner fold gives the out-of-fold
probabilities of all three families, so the choice costs the adapter's own fits plus the
linear model's. Registered as item 17 of the beats benchmark page.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold
from sklearn.utils import _safe_indexing
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d

from .heartbeat import BEAT_MODELS
from .prior_estimation import prior_correct
from .prior_shift import _Calibrator
from .record_prior import RECORD_PRIOR_CANDIDATES, RecordPriorAdapter, _safe_len

__all__ = ["ModelFamilyAdapter", "family_beat_tables"]


class ModelFamilyAdapter(RecordPriorAdapter):
    """:class:`~geoecg.estimators.RecordPriorAdapter` that also chooses the model family.

    ``fit(X, y, groups)``: out-of-fold probabilities of every family in ``models`` from
    ``GroupKFold(cv)`` over the training groups (patients), one fit per fold (the
    ``"average"`` family fits both others); for each family a logistic calibration map on
    its out-of-fold probabilities and the inner score of every (decision, shrinkage) pair of
    ``candidates`` (as in the parent); the (family, decision, shrinkage) triple with the
    highest score is chosen (ties: the order of ``models``, then of ``candidates``), and
    ``estimator`` is refit on all training samples with that family. Prediction is the
    parent's.

    Parameters
    ----------
    estimator : HeartbeatClassifier or Pipeline ending in one
        E.g. :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`; its ``model`` is set
        by the inner choice.
    models : sequence of str, default :data:`~geoecg.estimators.heartbeat.BEAT_MODELS`
        The families the inner CV chooses among (a subset of ``BEAT_MODELS``).
    cv, min_samples, prior_floor, candidates, score_labels, em_max_iter, em_tol
        As in :class:`~geoecg.estimators.RecordPriorAdapter`.

    Attributes
    ----------
    model_ : str
        The chosen family.
    family_scores_ : dict
        ``family -> best inner score`` over ``candidates``.
    classes_, source_priors_, estimator_, decision_, shrinkage_, inner_scores_
        As in the parent (``inner_scores_`` of the chosen family).

    Examples
    --------
    >>> from geoecg.estimators.heartbeat import HeartbeatClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(600, 2)); y = np.where(X[:, 0] + X[:, 1] > 1.5, "S", "N")
    >>> g = np.repeat(np.arange(6), 100)
    >>> base = HeartbeatClassifier(n_estimators=5, random_state=0)
    >>> clf = ModelFamilyAdapter(base, candidates=[("map", 0.0)]).fit(X, y, g)
    >>> clf.model_ in ("xgboost", "linear", "average"), sorted(clf.family_scores_)
    (True, ['average', 'linear', 'xgboost'])
    """

    def __init__(
        self,
        estimator=None,
        *,
        models=BEAT_MODELS,
        cv=2,
        min_samples=100,
        prior_floor=0.01,
        candidates=RECORD_PRIOR_CANDIDATES,
        score_labels=("S", "V"),
        em_max_iter=1000,
        em_tol=1e-8,
    ):
        super().__init__(
            estimator,
            cv=cv,
            min_samples=min_samples,
            prior_floor=prior_floor,
            candidates=candidates,
            score_labels=score_labels,
            em_max_iter=em_max_iter,
            em_tol=em_tol,
        )
        self.models = models

    def _check_models(self):
        models = [self.models] if isinstance(self.models, str) else list(self.models)
        if not models or any(m not in BEAT_MODELS for m in models):
            raise ValueError(
                f"models must be a non-empty subset of {BEAT_MODELS}, got {self.models!r}"
            )
        clf = self.estimator[-1] if hasattr(self.estimator, "steps") else self.estimator
        if not hasattr(clf, "family_proba"):
            raise TypeError(
                "estimator must be a HeartbeatClassifier or a Pipeline ending in one, "
                f"got {type(clf).__name__}"
            )
        key = f"{self.estimator.steps[-1][0]}__model" if clf is not self.estimator else "model"
        return models, key

    def fit(self, X, y, groups=None):
        """Out-of-fold probabilities of every family, joint inner choice, refit.

        Parameters
        ----------
        X : array_like, shape (n_samples, n_features)
        y : array_like, shape (n_samples,)
        groups : array_like, shape (n_samples,)
            Patient (or record) of each training sample; required.

        Returns
        -------
        self
        """
        models, key = self._check_models()
        cand = self._check_params()
        y = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"))
        check_classification_targets(y)
        if groups is None:
            raise ValueError("groups (the patient or record of each sample) is required")
        groups = np.asarray(groups)
        n = y.shape[0]
        if groups.shape != (n,) or _safe_len(X) != n:
            raise ValueError(f"X, y and groups must have {n} rows each")
        self.classes_, yi = np.unique(y, return_inverse=True)
        k = self.classes_.size
        if k < 2:
            raise ValueError(f"y must hold at least 2 classes, got {self.classes_.tolist()}")
        self.source_priors_ = np.bincount(yi, minlength=k) / n
        self.unadapted_reason_, self.family_scores_ = None, {}
        if np.unique(groups).size < self.cv:
            self.unadapted_reason_ = (
                f"{np.unique(groups).size} training groups, fewer than cv={self.cv}: "
                "no calibration, no adaptation, the first family"
            )
            self.calibrator_, self.decision_, self.shrinkage_ = None, None, 0.0
            self.inner_scores_, self.model_, self.oof_proba_ = {}, models[0], None
            self.estimator_ = clone(self.estimator).set_params(**{key: models[0]}).fit(X, y)
            return self
        trees = any(m in ("xgboost", "average") for m in models)
        lin = any(m in ("linear", "average") for m in models)
        fit_as = "average" if trees and lin else ("xgboost" if trees else "linear")
        raw = {m: np.full((n, k), np.nan) for m in models}
        folds = GroupKFold(n_splits=int(self.cv)).split(np.zeros((n, 1)), y, groups)
        for tr, te in folds:
            est = clone(self.estimator).set_params(**{key: fit_as})
            est.fit(_safe_indexing(X, tr), y[tr])
            fam = _family_proba(est, _safe_indexing(X, te), self.classes_)
            for m in models:
                raw[m][te] = fam[m]
        best = None
        for m in models:
            cal, scores = self._inner_choice(raw[m], yi, groups, cand)
            top = max(scores.values())
            self.family_scores_[m] = top
            if best is None or top > best[0]:
                best = (top, m, cal, scores)
        _, self.model_, self.calibrator_, self.inner_scores_ = best
        top = best[0]
        self.decision_, self.shrinkage_ = next(c for c in cand if self.inner_scores_[c] == top)
        self.oof_proba_ = self._oof_adapted(self._calibrate(raw[self.model_]), groups)
        self.estimator_ = clone(self.estimator).set_params(**{key: self.model_}).fit(X, y)
        return self

    def _oof_adapted(self, Q, groups):
        """Out-of-fold calibrated probabilities, each group under its adapted prior."""
        out = np.empty_like(Q)
        for g in np.unique(groups):
            m = groups == g
            prior = self._shrink(self._em(Q[m]), self.shrinkage_)
            out[m] = prior_correct(Q[m], self.source_priors_, prior)
        return out

    def _inner_choice(self, raw, yi, groups, cand):
        """Calibration map and inner score of every candidate, for one family."""
        ok = np.all(np.isfinite(raw), axis=1)
        self.calibrator_ = _Calibrator("logistic", self.classes_.size).fit(raw[ok], yi[ok])
        Q = self._calibrate(raw)
        labels = None if self.score_labels is None else list(self.score_labels)
        priors = {g: self._em(Q[groups == g]) for g in np.unique(groups)}
        scores = {}
        for dec, lam in cand:
            pred = np.empty(yi.size, dtype=np.int64)
            for g, pem in priors.items():
                m = groups == g
                pred[m] = self._decide(Q[m], self._shrink(pem, lam), dec)
            scores[(dec, lam)] = float(
                f1_score(
                    self.classes_[yi],
                    self.classes_[pred],
                    labels=labels,
                    average="macro",
                    zero_division=0,
                )
            )
        return self.calibrator_, scores


def _family_proba(model, X, classes):
    """Per-family probabilities of a fitted HeartbeatClassifier (or Pipeline ending in
    one), columns aligned to ``classes`` (a class absent from the fit gets 0)."""
    clf = model[-1] if hasattr(model, "steps") else model
    Xt = model[:-1].transform(X) if clf is not model else X
    fam = clf.family_proba(Xt)
    if clf.classes_.size == 1:  # one training class: every family predicts it
        fam = dict.fromkeys(BEAT_MODELS, next(iter(fam.values())))
    out = {}
    for m, P in fam.items():
        if P.shape[1] == classes.size and np.array_equal(clf.classes_, classes):
            out[m] = P
        else:
            full = np.zeros((P.shape[0], classes.size))
            full[:, np.searchsorted(classes, clf.classes_)] = P
            out[m] = full
    return out


def family_beat_tables(
    train,
    test=None,
    *,
    records=None,
    groups=None,
    outer_folds=7,
    inner_folds=2,
    seed=0,
    models=BEAT_MODELS,
    feature_set=None,
    adapt=None,
    **classifier_params,
):
    """Beat classification by :class:`ModelFamilyAdapter` on per-record beat tables.

    Nested, patient-grouped within ``train`` (``test=None``; the outer folds of
    :func:`~geoecg.estimators.record_prior.record_prior_beat_tables`, whose ``R1`` is this
    with ``models=("xgboost",)``), or fitted on all of ``train`` and applied to ``test``.

    Parameters
    ----------
    train, test, records, groups, outer_folds, inner_folds, seed
        As in :func:`~geoecg.estimators.record_prior.record_prior_beat_tables`.
    models : sequence of str, default :data:`~geoecg.estimators.heartbeat.BEAT_MODELS`
        The families the inner CV chooses among.
    feature_set, adapt, **classifier_params
        As in :func:`~geoecg.estimators.heartbeat.make_beat_pipeline` (None: its defaults).

    Returns
    -------
    y_true, y_pred : ndarray of str
        Reference and adapted prediction of every (test) beat.
    n : ndarray of int
        Beats per (test) record.
    folds : list of dict
        Per fitted model: ``test`` records, ``choice`` (model, decision, shrinkage) and
        ``family_scores`` (the best inner score of each family).
    """
    from sklearn.model_selection import LeaveOneGroupOut

    from ..features.beat_records import stack_beat_tables
    from ..io import patient_groups
    from .heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET, make_beat_pipeline

    fs = DEFAULT_FEATURE_SET if feature_set is None else feature_set
    ad = DEFAULT_ADAPT if adapt is None else adapt
    X, y, n, names = stack_beat_tables(list(train), bool(ad))
    if groups is not None:
        pid = np.asarray(groups, dtype=str)
    elif records is not None:
        pid = np.asarray(patient_groups(list(records)), dtype=str)
    else:
        pid = np.arange(len(train)).astype(str)
    records = list(pid) if records is None else list(records)
    g = np.repeat(pid, n)
    pipe = make_beat_pipeline(names, feature_set=fs, adapt=ad, **classifier_params)
    adapter = ModelFamilyAdapter(pipe, models=models, cv=inner_folds)

    def report(a, test_records):
        return {
            "test": test_records,
            "choice": {"model": a.model_, "decision": a.decision_, "shrinkage": a.shrinkage_},
            "family_scores": dict(a.family_scores_),
        }

    if test is not None:
        Xt, yt, nt, _ = stack_beat_tables(list(test), bool(ad))
        a = clone(adapter).fit(X, y, groups=g)
        return yt, a.predict(Xt, np.repeat(np.arange(len(nt)), nt)), nt, [report(a, None)]
    outer = (
        GroupKFold(n_splits=outer_folds, shuffle=True, random_state=seed)
        if outer_folds
        else LeaveOneGroupOut()
    )
    rec = np.repeat(np.arange(len(n)), n)
    pred, folds = np.empty(y.shape[0], dtype=y.dtype), []
    for tr, te in outer.split(X, y, g):
        a = clone(adapter).fit(X[tr], y[tr], groups=g[tr])
        pred[te] = a.predict(X[te], rec[te])
        ids = set(g[te])
        folds.append(report(a, [w for w, p in zip(records, pid, strict=True) if p in ids]))
    return y, pred, n, folds
