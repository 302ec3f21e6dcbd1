"""Beat classification protocols on per-record beat tables (what ``geoecg bench beats`` runs).

:func:`fit_predict_beat_tables` trains :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`
on some records and classifies the beats of others (DS1 -> DS2, DS1 -> SVDB);
:func:`nested_beat_tables` is the nested, patient-grouped evaluation within one set of
records (:func:`geoecg.evaluation.nested_evaluate`), optionally choosing the
(feature set, adaptation) pair of :data:`~geoecg.estimators.heartbeat.BEAT_SELECTION_GRID`
per outer fold by an inner ``GroupKFold`` on its training patients. Tables are those of
:func:`geoecg.features.beat_records.beat_record_table`. :func:`load_beat_databases` reads the
training records of several WFDB beat databases at once (MIT-BIH DS1, the Supraventricular
Arrhythmia Database, any folder with ``.atr`` beat labels), with patient ids prefixed by the
database name so that patients never collide across databases; they can be the training set
of :func:`fit_predict_beat_tables` or the extra training set (never scored) of every outer
fold of :func:`nested_beat_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .heartbeat import (
    BEAT_SELECTION_GRID,
    DEFAULT_ADAPT,
    DEFAULT_FEATURE_SET,
    DEFAULT_RECORD_PRIOR,
    make_beat_pipeline,
)

__all__ = [
    "BeatDatabases",
    "fit_predict_beat_tables",
    "load_beat_databases",
    "nested_beat_tables",
    "training_beat_records",
    "transfer_beat_tables",
]


@dataclass(frozen=True)
class BeatDatabases:
    """Per-record beat tables of one or several databases, with database-prefixed ids.

    Attributes
    ----------
    tables : tuple of dict
        Tables of :func:`~geoecg.features.beat_records.beat_record_table` (same columns).
    records : tuple of str
        ``"<database>:<record>"`` per table (the database is the folder's name).
    groups : tuple of str
        ``"<database>:<patient>"`` per table (MIT-BIH 201 and 202 are one patient; in other
        databases each record is taken as one patient).
    """

    tables: tuple
    records: tuple
    groups: tuple

    def __add__(self, other):
        """Both sets of records; ValueError when a patient is in both (a test patient
        would be trained on)."""
        if shared := sorted(set(self.groups) & set(other.groups)):
            raise ValueError(f"patients {shared[:5]} are in both sets of records")
        return BeatDatabases(
            self.tables + other.tables, self.records + other.records, self.groups + other.groups
        )


def training_beat_records(folder) -> list[str]:
    """Records of a WFDB beat folder that a training set takes.

    A folder that holds all MIT-BIH DS1 records gives DS1 only (DS2 stays the test set of
    de Chazal et al. 2004, and the paced records are not classified); any other folder
    gives every record with ``.atr`` beat annotations
    (:func:`~geoecg.features.beat_records.wfdb_beat_records`).

    Parameters
    ----------
    folder : path-like
        WFDB beat folder.

    Returns
    -------
    list of str
        Record names.

    Raises
    ------
    FileNotFoundError
        No record of ``folder`` has ``.atr`` annotations.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> training_beat_records(sample_mitdb_dir())  # not the whole DS1: every record
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    """
    from ..features.beat_records import wfdb_beat_records
    from ..io.mitdb import DS1

    recs = wfdb_beat_records(folder)
    return list(DS1) if _is_mitdb(recs) else recs


def _is_mitdb(recs) -> bool:
    from ..io.mitdb import DS1

    return set(DS1) <= set(recs)


def load_beat_databases(folders, cache=None, *, records=None, test=None) -> BeatDatabases:
    """Beat tables of the training records of one or several WFDB beat databases.

    Parameters
    ----------
    folders : sequence of path-like
        Database folders (any sampling rate: the features' windows are in ms). Their names
        prefix the record and patient ids, so two folders must not share a name.
    cache : path-like, optional
        Folder of cached tables (:func:`~geoecg.features.beat_records.beat_record_table`).
    records : sequence of str, optional
        Records to read from every folder; default :func:`training_beat_records`.
    test : path-like, optional
        The database these records will be tested against: a ValueError, before anything
        is read, when a folder has its name (its patients would be in both sets).

    Returns
    -------
    BeatDatabases
    """
    from .._progress import progress_bar
    from ..features.beat_records import beat_record_table, check_beat_columns, wfdb_beat_records
    from ..io.mitdb import patient_groups

    folders = [Path(f) for f in folders]
    names = [f.resolve().name for f in folders]
    if not folders or len(set(names)) < len(names):
        raise ValueError(f"folders must be one or more folders with distinct names, got {names}")
    if test is not None and Path(test).resolve().name in names:
        raise ValueError(f"{Path(test).resolve().name} is in both the training and test sets")
    tables, ids, groups = [], [], []
    for f, db in zip(folders, names, strict=True):
        recs = list(records) if records is not None else training_beat_records(f)
        pid = patient_groups(recs) if _is_mitdb(wfdb_beat_records(f)) else np.asarray(recs)
        tables += [
            beat_record_table(f / r, cache) for r in progress_bar(recs, desc=db, leave=False)
        ]
        ids += [f"{db}:{r}" for r in recs]
        groups += [f"{db}:{p}" for p in pid]
    check_beat_columns(tables, ids)  # e.g. one- and two-lead records: named, with lead counts
    return BeatDatabases(tuple(tables), tuple(ids), tuple(groups))


def fit_predict_beat_tables(
    train,
    test,
    *,
    feature_set=DEFAULT_FEATURE_SET,
    adapt=DEFAULT_ADAPT,
    record_prior=DEFAULT_RECORD_PRIOR,
    groups=None,
    **classifier_params,
):
    """Fit the beat pipeline on the beats of ``train`` records and classify those of ``test``.

    Parameters
    ----------
    train, test : sequence of dict
        Per-record tables of :func:`~geoecg.features.beat_records.beat_record_table`.
    feature_set, adapt
        As in :func:`~geoecg.estimators.heartbeat.make_beat_pipeline`.
    record_prior : bool, default :data:`~geoecg.estimators.heartbeat.DEFAULT_RECORD_PRIOR`
        Classify each test record under its own class prior
        (:func:`~geoecg.estimators.record_prior.record_prior_beat_tables`, a
        :class:`~geoecg.estimators.RecordPriorAdapter` whose inner folds
        are ``GroupKFold(2)`` over the training patients ``groups``), each test record then
        self-trained on its own beats (:class:`~geoecg.estimators.RecordSelfTraining`, when
        :data:`~geoecg.estimators.record_self_training.DEFAULT_SELF_TRAINING`) and its S calls
        floored on its own RR ratios
        (:class:`~geoecg.estimators.record_s_floor.RecordPrematurityFloor`, since session 22),
        those with a QRS foreign to the record's dominant one first turned V (its
        QRS-morphology veto, since session 26).
    groups : sequence of str, optional
        Patient of each ``train`` table (default: one per table).
    **classifier_params
        Parameters of :class:`~geoecg.estimators.heartbeat.HeartbeatClassifier`.

    Returns
    -------
    y_true, y_pred : ndarray of str
        Reference and predicted AAMI class of every classified test beat.
    n : ndarray of int
        Test beats per record, in order.
    """
    kw = dict(feature_set=feature_set, adapt=adapt, record_prior=record_prior)
    return transfer_beat_tables(train, test, groups, **kw, **classifier_params)[:3]


def transfer_beat_tables(
    train,
    test,
    groups=None,
    *,
    feature_set=DEFAULT_FEATURE_SET,
    adapt=DEFAULT_ADAPT,
    record_prior=DEFAULT_RECORD_PRIOR,
    **classifier_params,
):
    """:func:`fit_predict_beat_tables`, and what its one fit chose on the training patients.

    The held-out protocols (DS1 -> DS2, cross-database) fit once; ``fit`` says which
    candidates the inner cross-validation on the training patients took, as each outer fold
    of :func:`nested_beat_tables` does, so that a held-out figure can be read knowing, for
    example, whether the prematurity floor on S calls was on.

    Parameters
    ----------
    train, test, groups, feature_set, adapt, record_prior, **classifier_params
        As in :func:`fit_predict_beat_tables`.

    Returns
    -------
    y_true, y_pred, n
        As :func:`fit_predict_beat_tables` returns them.
    fit : dict
        With ``record_prior``: ``choice`` (the adapter's decision and shrinkage) and, with
        self-training, ``threshold``, ``s_floor_k`` (the floor's ``k``; None: off) and
        ``s_morph_km`` (the QRS-morphology veto's ``k_m``; None: off).
        Empty without ``record_prior`` (nothing is chosen).
    """
    from ..features.beat_records import check_beat_columns, stack_beat_tables

    ids = [f"train {i}" for i in range(len(train))] + [f"test {i}" for i in range(len(test))]
    check_beat_columns([*train, *test], ids)  # before any fit: a named error, not sklearn's
    if record_prior:
        from .record_prior import record_prior_beat_tables

        kw = dict(groups=groups, feature_set=feature_set, adapt=adapt)
        yt, pred, _, nt, fits = record_prior_beat_tables(train, test, **kw, **classifier_params)
        return yt, pred, nt, dict(fits[0])

    X, y, _, names = stack_beat_tables(train, bool(adapt))
    Xt, yt, nt, _ = stack_beat_tables(test, bool(adapt))
    pipe = make_beat_pipeline(names, feature_set=feature_set, adapt=adapt, **classifier_params)
    return yt, pipe.fit(X, y).predict(Xt), nt, {}


def nested_beat_tables(
    tables,
    records,
    *,
    groups=None,
    extra=None,
    select=False,
    outer_folds=0,
    inner_folds=2,
    seed=0,
    feature_set=DEFAULT_FEATURE_SET,
    adapt=DEFAULT_ADAPT,
    record_prior=DEFAULT_RECORD_PRIOR,
    on_fold=None,
    done_folds=None,
    progress=False,
    **classifier_params,
):
    """Nested, patient-grouped evaluation of the beat pipeline on MIT-BIH records.

    Parameters
    ----------
    tables : sequence of dict
        Per-record tables (:func:`~geoecg.features.beat_records.beat_record_table`).
    records : sequence of str
        Record names of ``tables`` (reported per outer fold).
    groups : sequence of str, optional
        Patient of each table; default MIT-BIH patients of ``records`` (201 and 202 are
        one, :func:`geoecg.io.patient_groups`).
    extra : BeatDatabases, optional
        Records added to the training set of every outer (and inner) fold and never
        scored (e.g. another database, :func:`load_beat_databases`); their patients must
        differ from ``groups``. The outer folds are those without ``extra``.
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
    record_prior : bool, default :data:`~geoecg.estimators.heartbeat.DEFAULT_RECORD_PRIOR`
        Without ``select``: each outer fold's model is a
        :class:`~geoecg.estimators.RecordPriorAdapter` (inner
        ``GroupKFold(inner_folds)`` on its training patients), each test record classified
        under its own prior (:func:`~geoecg.estimators.record_prior.record_prior_beat_tables`)
        and, when :data:`~geoecg.estimators.record_self_training.DEFAULT_SELF_TRAINING`,
        self-trained on its own beats (:class:`~geoecg.estimators.RecordSelfTraining`), its S
        calls vetoed on their QRS morphology (since session 26; ``s_morph_km`` of each fold)
        and floored (:class:`~geoecg.estimators.record_s_floor.RecordPrematurityFloor`, since
        session 22; ``s_floor_k`` of each fold); ``choice`` is then the adapter's (decision,
        shrinkage). Not combined with ``select`` (never measured): ``select=True`` needs
        ``record_prior=False``.
    on_fold : callable, optional
        ``on_fold(k, fold)`` after outer fold ``k`` is finished (``fold``: plain Python
        values with the fold's predictions, ``"y_pred"``), e.g. to save it
        (``geoecg.commands.bench_io.FoldLog`` rewrites ``--json`` with it).
    done_folds : mapping, optional
        ``k -> fold`` as passed to ``on_fold`` by an earlier run with the same records and
        settings: those folds are not fitted again; the result equals an uninterrupted run
        (:func:`~geoecg.estimators.record_prior.record_prior_beat_tables`,
        :func:`geoecg.evaluation.nested_evaluate`).
    progress : bool, default False
        A tqdm bar of the outer folds on stderr.

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
    from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

    from ..evaluation.aami import sv_f1_score
    from ..evaluation.nested import nested_evaluate
    from ..features.beat_records import stack_beat_tables
    from ..io import patient_groups

    pid = np.asarray(patient_groups(list(records)) if groups is None else groups, dtype=str)
    if extra is not None:
        BeatDatabases((), (), tuple(pid)) + extra  # ValueError on a shared patient
    if record_prior and select:
        raise ValueError("select=True was measured without record_prior: pass record_prior=False")
    if record_prior:
        from .record_prior import record_prior_beat_tables

        o = dict(outer_folds=outer_folds, inner_folds=inner_folds, seed=seed)
        y, pred, _, n, folds = record_prior_beat_tables(
            tables,
            records=records,
            groups=pid,
            extra=extra,
            **o,
            on_fold=on_fold,
            done_folds=done_folds,
            progress=progress,
            feature_set=feature_set,
            adapt=adapt,
            **classifier_params,
        )
        return y, pred, n, folds
    xt = () if extra is None else extra.tables
    X, y, n, names = stack_beat_tables([*tables, *xt], bool(adapt) or select)
    g = np.repeat([*pid, *(() if extra is None else extra.groups)], n)
    m = int(n[: len(tables)].sum())
    outer = (
        GroupKFold(n_splits=outer_folds, shuffle=True, random_state=seed)
        if outer_folds
        else LeaveOneGroupOut()
    )
    pipe = make_beat_pipeline(names, feature_set=feature_set, adapt=adapt, **classifier_params)
    spec = (pipe, list(BEAT_SELECTION_GRID)) if select else pipe
    r = nested_evaluate(
        {"beats": spec},
        X,
        y,
        g,
        outer_cv=_ExtraTraining(outer, m),
        inner_cv=inner_folds,
        scoring=sv_f1_score,
        on_fold=None if on_fold is None else lambda name, k, fold: on_fold(k, fold),
        done_folds={("beats", k): f for k, f in (done_folds or {}).items()},
        progress=progress,
    )["beats"]
    folds = []
    for k, (ch, s) in enumerate(zip(r.choices, r.inner_scores, strict=True)):
        test = set(g[r.fold == k])
        folds.append(
            {
                "test": [w for w, p in zip(records, pid, strict=True) if p in test],
                "choice": {
                    p: v if isinstance(v, bool | int | float) else str(v) for p, v in ch.items()
                },
                "inner_score": None if np.isnan(s) else float(s),
            }
        )
    return y[:m], r.y_pred[:m], n[: len(tables)], folds


class _ExtraTraining:
    """Outer splitter on the first ``m`` samples; the samples after them always train."""

    def __init__(self, cv, m):
        self.cv, self.m = cv, m

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.cv.get_n_splits(np.zeros((self.m, 1)), None, np.asarray(groups)[: self.m])

    def split(self, X, y=None, groups=None):
        m, extra = self.m, np.arange(self.m, len(groups))
        for tr, te in self.cv.split(np.zeros((m, 1)), None, np.asarray(groups)[:m]):
            yield np.concatenate([tr, extra]), te
