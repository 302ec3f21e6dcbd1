"""Beat classification protocols on per-record beat tables (what ``geoecg bench beats`` runs).

:func:`fit_predict_beat_tables` trains :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`
on some records and classifies the beats of others (DS1 -> DS2, DS1 -> SVDB);
:func:`nested_beat_tables` is the nested, patient-grouped evaluation within one set of
records (:func:`geoecg.evaluation.nested_evaluate`), optionally choosing the
(feature set, adaptation) pair of :data:`~geoecg.estimators.heartbeat.BEAT_SELECTION_GRID`
per outer fold by an inner ``GroupKFold`` on its training patients. Tables are those of
:func:`geoecg.features.beat_records.beat_record_table`.
"""

from __future__ import annotations

import numpy as np

from .heartbeat import BEAT_SELECTION_GRID, DEFAULT_ADAPT, DEFAULT_FEATURE_SET, make_beat_pipeline

__all__ = ["fit_predict_beat_tables", "nested_beat_tables"]


def fit_predict_beat_tables(
    train, test, *, feature_set=DEFAULT_FEATURE_SET, adapt=DEFAULT_ADAPT, **classifier_params
):
    """Fit the beat pipeline on the beats of ``train`` records and classify those of ``test``.

    Parameters
    ----------
    train, test : sequence of dict
        Per-record tables of :func:`~geoecg.features.beat_records.beat_record_table`.
    feature_set, adapt
        As in :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`.
    **classifier_params
        Parameters of :class:`~geoecg.estimators.heartbeat.HeartbeatClassifier`.

    Returns
    -------
    y_true, y_pred : ndarray of str
        Reference and predicted AAMI class of every classified test beat.
    n : ndarray of int
        Test beats per record, in order.
    """
    from ..features.beat_records import stack_beat_tables

    X, y, _, names = stack_beat_tables(train, bool(adapt))
    Xt, yt, nt, _ = stack_beat_tables(test, bool(adapt))
    pipe = make_beat_pipeline(names, feature_set=feature_set, adapt=adapt, **classifier_params)
    return yt, pipe.fit(X, y).predict(Xt), nt


def nested_beat_tables(
    tables,
    records,
    *,
    select=False,
    outer_folds=0,
    inner_folds=2,
    seed=0,
    feature_set=DEFAULT_FEATURE_SET,
    adapt=DEFAULT_ADAPT,
    **classifier_params,
):
    """Nested, patient-grouped evaluation of the beat pipeline on MIT-BIH records.

    Parameters
    ----------
    tables : sequence of dict
        Per-record tables (:func:`~geoecg.features.beat_records.beat_record_table`).
    records : sequence of str
        MIT-BIH record names of ``tables`` (201 and 202 are one patient,
        :func:`geoecg.io.patient_groups`).
    select : bool, default False
        Choose (feature set, adapt) from
        :data:`~geoecg.estimators.heartbeat.BEAT_SELECTION_GRID` per outer fold by an
        inner ``GroupKFold(inner_folds)`` on its training patients (score: mean of S and V
        F1, :func:`geoecg.evaluation.aami.sv_f1_score`); False: ``feature_set``/``adapt``.
    outer_folds : int, default 0
        Outer ``GroupKFold`` splits over patients, shuffled by ``seed``; 0: leave one
        patient out.
    inner_folds : int, default 2
    seed : int, default 0
        Seed of the outer folds (the classifier's ``random_state`` is a classifier
        parameter).
    feature_set, adapt, **classifier_params
        As in :func:`fit_predict_beat_tables`.

    Returns
    -------
    y_true, y_pred : ndarray of str
        Every classified beat, each predicted once by the model of its outer fold.
    n : ndarray of int
        Beats per record.
    folds : list of dict
        Per outer fold: ``test`` records, ``choice`` (the inner CV's parameters; empty
        without ``select``) and ``inner_score`` (None when not measured).
    """
    from sklearn.model_selection import GroupKFold

    from ..evaluation.aami import sv_f1_score
    from ..evaluation.nested import nested_evaluate
    from ..features.beat_records import stack_beat_tables
    from ..io import patient_groups

    X, y, n, names = stack_beat_tables(tables, bool(adapt) or select)
    pid = patient_groups(list(records))
    groups = np.repeat(pid, n)
    outer = (
        GroupKFold(n_splits=outer_folds, shuffle=True, random_state=seed) if outer_folds else None
    )
    pipe = make_beat_pipeline(names, feature_set=feature_set, adapt=adapt, **classifier_params)
    spec = (pipe, list(BEAT_SELECTION_GRID)) if select else pipe
    r = nested_evaluate(
        {"beats": spec}, X, y, groups, outer_cv=outer, inner_cv=inner_folds, scoring=sv_f1_score
    )["beats"]
    folds = []
    for k, (ch, s) in enumerate(zip(r.choices, r.inner_scores, strict=True)):
        test = set(groups[r.fold == k])
        folds.append(
            {
                "test": [w for w, g in zip(records, pid, strict=True) if g in test],
                "choice": {
                    p: v if isinstance(v, bool | int | float) else str(v) for p, v in ch.items()
                },
                "inner_score": None if np.isnan(s) else float(s),
            }
        )
    return y, r.y_pred, n, folds
