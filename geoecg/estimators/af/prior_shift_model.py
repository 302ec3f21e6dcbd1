"""The prior-shift protocol's pipeline as one object, fitted on one cohort and adapted to another.

:class:`AFPriorShiftModel` is what ``geoecg bench af --protocol prior-shift`` fits on each
seed's training part and what ``geoecg bench af --train-data A --test-data B`` fits on folder
A and adapts to folder B (issue 18's held-out route), so the held-out figure is of the
pipeline whose development figures docs/benchmarks/af.md quotes:

- the candidates of :func:`~geoecg.estimators.af.prior_shift_candidates` (record
  features, and record + rhythm-profile features), each a
  :class:`~geoecg.estimators.PriorShiftClassifier` (5-fold out-of-fold calibration, EM);
- every xgboost fit (each calibration fit and the final one) also on the crops of its own
  training records (:class:`~geoecg.estimators.af._crop_rows.CropRowsClassifier`; registry
  item 7), when crops are given;
- :meth:`AFPriorShiftModel.adapt` estimates each candidate's target prior on the unlabelled
  target records and keeps the candidate with the best out-of-fold training score weighted to
  that prior (:func:`~geoecg.estimators.af.protocols.target_weighted_score`): no target
  label is read.

:func:`heldout_prior_shift` runs it from two CinC-layout folders.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, clone

from ..._rows import require_rows

__all__ = ["AFPriorShiftModel", "heldout_prior_shift"]

#: Fewest training records of a class below which :func:`heldout_prior_shift` warns (session
#: 21: the embedded sample, 5 records per class, fitted and scored on itself, gave F1 N = O = 0
#: in the calibrated rows and 100 uncorrected).
MIN_CLASS_RECORDS = 10


class AFPriorShiftModel(BaseEstimator):
    """Prior-shift candidates fitted on one cohort; the candidate is chosen on the target.

    Parameters
    ----------
    candidates : dict or None
        name -> ``(PriorShiftClassifier, n_columns)`` (first ``n_columns`` columns of ``X``;
        None: all), e.g. :func:`~geoecg.estimators.af.prior_shift_candidates`.
        None: ``prior_shift_candidates(n_estimators=n_estimators, random_state=random_state)``.
    n_estimators : int, default 200
        xgboost trees of the default candidates.
    random_state : int or None
        Seed of the default candidates' models and calibration folds.
    quality_gate : {"auto", True, False}, default "auto"
        When on, :meth:`predict`, :meth:`predict_proba` and :meth:`report` give the noisy
        label ``"~"`` (probability 1) to the records without a measurable ECG: fewer than
        2 s of finite samples, a lead without amplitude, more than half of the samples in
        flat or clipped runs, fewer than 5 R-peaks, or a detected rate outside 20-300
        beats/min (``geoecg.estimators.af._quality_gate.ecg_quality_gate`` on the first
        107 columns of ``X``, fixed physical thresholds; :meth:`gate_reasons` says why).
        It acts after the candidates' calibration, prior estimation and choice, which it
        does not change (registry item 14 on docs/benchmarks/af.md, adopted in session 19).
        ``"auto"`` gates when ``X`` has the 107 record-feature columns of
        :func:`~geoecg.features.af_feature_matrix` and ``"~"`` is a class (the bench's
        protocol and held-out route); True requires both (ValueError otherwise); False
        never gates. Read at prediction time only, so it may be set after ``fit``.

    Attributes
    ----------
    candidates_ : dict
        name -> ``(fitted adapter, n_columns)``; with crops, each adapter reads the record
        index as column 0 (:func:`~geoecg.estimators.af._crop_rows.with_record_index`).
    inner_scores_ : dict
        name -> target-weighted out-of-fold mean N/A/O F1 (%), set by :meth:`adapt`.
    chosen_ : str
        The candidate with the best inner score (the only one if there is one), set by
        :meth:`adapt`.
    n_train_crops_ : int
        Crop rows available to the fits (0 without crops).

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from geoecg.estimators import PriorShiftClassifier
    >>> rng = np.random.default_rng(0)
    >>> y = np.repeat(np.array(["N", "A", "O", "~"]), 30)
    >>> X = rng.normal(size=(120, 2)) + (y == "A")[:, None] * 2.0
    >>> lr = PriorShiftClassifier(LogisticRegression(), n_bootstrap=0, random_state=0)
    >>> m = AFPriorShiftModel({"lr": (lr, None)}).fit(X, y).adapt(X[:40])
    >>> m.chosen_, m.predict(X[:3]).shape
    ('lr', (3,))
    """

    def __init__(
        self, candidates=None, *, n_estimators=200, random_state=None, quality_gate="auto"
    ):
        self.candidates = candidates
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.quality_gate = quality_gate

    def _columns(self, X, ncol):
        X = np.asarray(X, dtype=np.float64)
        Xc = X if ncol is None else X[:, :ncol]
        if self._crops:
            from ._crop_rows import with_record_index

            Xc = with_record_index(Xc)
        return Xc

    def fit(self, X, y, *, crops=None, crop_owner=None):
        """Fit every candidate on records ``X`` (features, NaN allowed) with labels ``y``.

        Parameters
        ----------
        X : array_like, shape (n_records, n_features) or AFFeatureMatrix
            An :class:`~geoecg.features.af.AFFeatureMatrix` brings its crops.
        y : array_like, shape (n_records,)
        crops : array_like, shape (n_crop_rows, n_features), optional
            Crop features, same columns as ``X``.
        crop_owner : array_like of int, shape (n_crop_rows,), optional
            Row of ``X`` each crop comes from.
        """
        from ._crop_rows import CropRowsClassifier, check_crop_owner
        from .protocols import prior_shift_candidates

        if hasattr(X, "crop_owner"):  # an AFFeatureMatrix
            if crops is not None or crop_owner is not None:
                raise ValueError("give crops either inside the AFFeatureMatrix X or as crops=")
            X, crops, crop_owner = X.X, X.crops, X.crop_owner
        require_rows(X, self)
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(
                f"X must be (n_records, n_features) with one label per row in y, got X "
                f"{X.shape}, y {y.shape}"
            )
        if (crops is None) != (crop_owner is None):
            raise ValueError("give both crops and crop_owner, or neither")
        if crops is not None:
            crop_owner = check_crop_owner(crop_owner, len(y), len(crops))
        self._crops = crops is not None
        cands = self.candidates
        if cands is None:
            cands = prior_shift_candidates(
                n_estimators=self.n_estimators, random_state=self.random_state
            )
        if not isinstance(cands, dict) or not cands:
            raise ValueError("candidates must be a non-empty dict name -> (adapter, n_columns)")
        self.candidates_ = {}
        for name, (adapter, ncol) in cands.items():
            adapter = clone(adapter)
            if self._crops:
                cols = slice(None) if ncol is None else slice(0, ncol)
                crops_c = np.asarray(crops, dtype=np.float64)[:, cols]
                est = CropRowsClassifier(adapter.estimator, crops_c, np.asarray(crop_owner))
                adapter.set_params(estimator=est)
            self.candidates_[name] = (adapter.fit(self._columns(X, ncol), y), ncol)
        self.n_train_crops_ = 0 if crops is None else int(len(crop_owner))
        self.inner_scores_, self.chosen_ = {}, None
        return self

    def _check(self):
        if not hasattr(self, "candidates_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("AFPriorShiftModel is not fitted yet: call fit first")

    def adapt(self, X_target):
        """Estimate each candidate's prior on the unlabelled ``X_target`` and choose."""
        from .protocols import ADAPT_METHODS, target_weighted_score

        self._check()
        for name, (adapter, ncol) in self.candidates_.items():
            adapter.adapt(self._columns(X_target, ncol))
            if getattr(adapter, "method", None) in ADAPT_METHODS:
                self.inner_scores_[name] = target_weighted_score(adapter)
        names = list(self.candidates_)
        self.chosen_ = (
            max(self.inner_scores_, key=self.inner_scores_.get) if len(names) > 1 else names[0]
        )
        return self

    @property
    def chosen_adapter_(self):
        """The chosen candidate's fitted :class:`~geoecg.estimators.PriorShiftClassifier`.

        Raises sklearn's ``NotFittedError`` before :meth:`fit` (so ``predict``,
        ``predict_proba`` and ``report`` do too) and ValueError after ``fit`` but before
        :meth:`adapt`.
        """
        self._check()
        if getattr(self, "chosen_", None) is None:
            raise ValueError("no candidate chosen yet: call adapt(X_target) first")
        return self.candidates_[self.chosen_][0]

    def gate_reasons(self, X) -> np.ndarray:
        """Why each record of ``X`` has no measurable ECG ("" when it has one): the
        reasons of ``geoecg.estimators.af._quality_gate.ecg_quality_gate`` (whether or
        not ``quality_gate`` is on)."""
        from ._quality_gate import ecg_quality_gate

        return ecg_quality_gate(X)

    def gated_records(self, X, records) -> list[dict]:
        """The records of ``X`` that the quality gate calls ``"~"``, with the reason.

        Parameters
        ----------
        X : array_like, shape (n_records, n_features)
            Record features, as for :meth:`predict`.
        records : sequence of str, length n_records
            Name of each row (e.g. ``AFFeatureMatrix.records``).

        Returns
        -------
        list of dict
            ``{"record": name, "reason": str}`` per gated record, in row order; empty when
            none is gated or the gate does not apply (``quality_gate``).
        """
        records = list(records)
        if len(records) != len(X):
            raise ValueError(
                f"records must name each of the {len(X)} rows of X, got {len(records)}"
            )
        from ._quality_gate import gate_applies

        if not gate_applies(self.quality_gate, X, self.chosen_adapter_.classes_):
            return []
        reasons = self.gate_reasons(X)  # once (``_gated`` would compute them again)
        return [
            {"record": str(records[i]), "reason": str(reasons[i])}
            for i in np.flatnonzero(reasons != "")
        ]

    def _gated(self, X) -> np.ndarray | None:
        from ._quality_gate import gate_applies

        classes = self.chosen_adapter_.classes_
        return (self.gate_reasons(X) != "") if gate_applies(self.quality_gate, X, classes) else None

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the chosen candidate at its estimated target prior (with
        ``quality_gate``, 1 for ``"~"`` on the gated records)."""
        from ._quality_gate import GATE_LABEL

        adapter = self.chosen_adapter_
        p = adapter.predict_proba(self._columns(X, self.candidates_[self.chosen_][1]))
        gated = self._gated(X)
        if gated is not None and gated.any():
            p = p.copy()
            p[gated] = 0.0
            p[gated, adapter.classes_.tolist().index(GATE_LABEL)] = 1.0
        return p

    def predict(self, X) -> np.ndarray:
        return self.chosen_adapter_.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def report(self, X_test, y_test) -> dict:
        """:func:`~geoecg.estimators.af.protocols.adaptation_report` of the chosen candidate
        (rows, priors, n_test), with ``chosen``, ``inner_scores`` and the other candidates'
        reports under ``not_chosen``; ``y_test`` is read for scoring only. With
        ``quality_gate``, every row calls the gated records ``"~"`` (``n_gated``)."""
        from .protocols import adaptation_report

        self.chosen_adapter_  # noqa: B018 (raises before adapt)
        gated = self._gated(X_test)
        reps = {
            name: adaptation_report(a, self._columns(X_test, ncol), y_test, gated=gated)
            for name, (a, ncol) in self.candidates_.items()
        }
        rep = reps.pop(self.chosen_)
        rep.update(chosen=self.chosen_, inner_scores=dict(self.inner_scores_))
        rep["not_chosen"] = reps
        return rep


def heldout_prior_shift(
    train_data, test_data, *, cache_dir=None, n_estimators=200, random_state=0, progress=None
):
    """Fit :class:`AFPriorShiftModel` on one CinC-layout folder, adapt it to another, score.

    The training folder's features are those of ``geoecg bench af --protocol prior-shift``
    (``AF_PROTOCOL_MATRIX`` of ``geoecg.estimators.af.protocols``: record + rhythm profile, 2
    crops of 70 % per record); the test folder's are whole records only. The candidate is
    chosen and the prior estimated on the test records without their labels; the labels
    score the result. Test records without a measurable ECG are called ``"~"``
    (``quality_gate="auto"``, registry item 14; ``n_gated`` in the report, their names and
    reasons in ``gated_records``). A training class with fewer than ``MIN_CLASS_RECORDS``
    (10) records is named, with its count, in a ``UserWarning``.

    Parameters
    ----------
    train_data, test_data : str or path-like
        CinC 2017-layout folders (WFDB records and a ``REFERENCE*.csv`` label file): the
        model is fitted on ``train_data`` and adapted to, then scored on, ``test_data``.
    cache_dir : str or path-like, optional
        Folder of the per-record feature cache (None: no cache).
    n_estimators : int, default 200
        Trees of each candidate's boosted model.
    random_state : int, default 0
        Seed of the candidates (passed to :class:`AFPriorShiftModel`).
    progress : bool or None, default None
        Show a progress bar while the records' features are computed (None: only when
        stderr is a terminal).

    Returns
    -------
    out : dict
        ``prior_adaptation`` (:meth:`AFPriorShiftModel.report`), ``n_train_crops`` and
        ``label_files`` (``{"train": ..., "test": ...}``: which label file and column scored
        each folder, :meth:`geoecg.io.CinC2017.label_source`) and ``gated_records`` (a list of
        ``{"record": name, "reason": str}``, one per test record the quality gate called
        ``"~"``, in record order; empty when none is or the gate does not apply).
    classes, proba, train_priors : ndarray
        The chosen candidate's uncorrected probabilities of the test records under its
        training prior (for the bench's top-level scores and prevalence simulation).
    y_test : ndarray of str
    times : dict
        ``{"read": s, "features": s, "fit_adapt": s}`` (wall-clock).
    """
    from .protocols import AF_PROTOCOL_MATRIX, load_cinc_matrix

    kw = {"cache_dir": cache_dir, "progress": progress}
    ma, ya, ta = load_cinc_matrix(train_data, **AF_PROTOCOL_MATRIX["prior-shift"], **kw)
    mb, yb, tb = load_cinc_matrix(test_data, rhythm_profile=True, **kw)
    classes, counts = np.unique(ya, return_counts=True)
    few = [
        f"{c!r}: {n}"
        for c, n in zip(classes.tolist(), counts.tolist(), strict=True)
        if n < MIN_CLASS_RECORDS
    ]
    if few:
        import warnings

        warnings.warn(
            f"{train_data}: {len(few)} class(es) with fewer than {MIN_CLASS_RECORDS} training "
            f"records ({', '.join(few)}): their calibration and F1 are unreliable (0 is common)",
            UserWarning,
            stacklevel=2,
        )
    t0 = time.perf_counter()
    model = AFPriorShiftModel(n_estimators=n_estimators, random_state=random_state)
    model.fit(ma, ya).adapt(mb.X)
    rep = model.report(mb.X, yb)
    adapter, ncol = model.candidates_[model.chosen_]
    est = adapter.estimator_
    proba = est.predict_proba_uncorrected(model._columns(mb.X, ncol))
    times = {k: ta[k] + tb[k] for k in ta}
    times["fit_adapt"] = time.perf_counter() - t0
    from ...io import CinC2017

    out = {"prior_adaptation": rep, "n_train_crops": model.n_train_crops_}
    out["gated_records"] = model.gated_records(mb.X, mb.records)
    out["label_files"] = {
        part: CinC2017(folder).label_source()
        for part, folder in (("train", train_data), ("test", test_data))
    }
    return out, adapter.classes_, proba, adapter.source_priors_, yb, times
