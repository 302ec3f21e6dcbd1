"""Beat classification on per-record beat tables with and without the record-prior adapter.

:func:`record_prior_beat_tables` (documented and imported as
``geoecg.estimators.record_prior.record_prior_beat_tables``) fits the default beat model
(:func:`~geoecg.estimators.heartbeat.make_default_beat_model`) on nested patient-grouped
folds or a train/test split and reports the adapted and the unadapted predictions of the
same fitted models; the outer folds and the resumable fold log live here too.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold


def record_prior_beat_tables(
    train,
    test=None,
    *,
    records=None,
    groups=None,
    extra=None,
    outer_folds=7,
    inner_folds=2,
    seed=0,
    feature_set=None,
    adapt=None,
    self_training=None,
    on_fold=None,
    done_folds=None,
    progress=False,
    **classifier_params,
):
    """Beat classification with and without the record-prior adapter, same fitted models.

    The model fitted is :func:`~geoecg.estimators.heartbeat.make_default_beat_model` (since
    registry item 28 its adapter is a calibrated decision without per-record EM; since
    registry item 32 its self-training is wrapped in a per-record prematurity floor on S calls;
    since session 26, registry item 35, the floor carries its QRS-morphology veto: an S call
    whose QRS lies far from its record's dominant one becomes V, ``k_m`` chosen by the inner
    CV, the default ``MF``; before, ``FL``).

    Parameters
    ----------
    train : sequence of dict
        Per-record tables (:func:`~geoecg.features.beat_records.beat_record_table`).
    test : sequence of dict or None
        Records to classify after fitting on all of ``train``; None: nested
        patient-grouped CV within ``train`` (outer ``GroupKFold(outer_folds)`` shuffled by
        ``seed``, 0: leave one patient out; the folds of
        :func:`~geoecg.estimators.beat_protocols.nested_beat_tables`).
    records : sequence of str, optional
        Names of ``train`` (reported per fold; MIT-BIH patients by default, see ``groups``).
    groups : sequence of str, optional
        Patient of each ``train`` table; default :func:`geoecg.io.patient_groups` of
        ``records``, else one patient per table.
    extra : BeatDatabases, optional
        Nested only: records added to every training set and never scored
        (:func:`~geoecg.estimators.beat_protocols.load_beat_databases`).
    outer_folds : int, default 7
    inner_folds : int, default 2
        ``cv`` of the adapter (group folds over the training patients).
    seed : int, default 0
    feature_set, adapt, **classifier_params
        As in :func:`~geoecg.estimators.heartbeat.make_beat_pipeline` (None: its defaults).
    self_training : bool or None
        Wrap the adapter in
        :class:`~geoecg.estimators.record_self_training.RecordSelfTraining` (each test
        record's uncertain beats re-labelled by a model of its own confident ones, on the
        columns of :data:`~geoecg.estimators.record_self_training.LOCAL_BEAT_FEATURES` that
        the tables have: all of them for tables of
        :func:`~geoecg.features.beat_records.beat_record_table`); None:
        :data:`~geoecg.estimators.record_self_training.DEFAULT_SELF_TRAINING`.
    on_fold : callable, optional
        Nested only: ``on_fold(k, fold)`` after outer fold ``k`` is finished, ``fold``
        being its entry of ``folds`` (plain Python values) with ``"y_pred"`` and
        ``"y_unadapted"`` (lists: the fold's test beats in order), e.g. to save it
        (``geoecg.commands.bench_io.FoldLog``).
    done_folds : mapping, optional
        Nested only: ``k -> fold`` as passed to ``on_fold`` by an earlier run with the same
        tables and settings; those folds are not fitted again (ValueError when a stored
        fold's test records or beat count differ). The result equals an uninterrupted run.
    progress : bool or None, default False
        Nested only: a tqdm bar of the outer folds on stderr (None: only when stderr is a
        terminal).

    Returns
    -------
    y_true, y_adapted, y_unadapted : ndarray of str
        Reference, adapted (self-trained when ``self_training``) and unadapted (the base
        pipeline's own) class of every beat.
    n : ndarray of int
        Beats per (test) record.
    folds : list of dict
        Per fitted model: ``test`` records, ``choice`` (decision, shrinkage) and, with
        ``self_training``, ``threshold``, ``s_floor_k`` (the prematurity floor's ``k``) and
        ``s_morph_km`` (its QRS-morphology veto's ``k_m``; None: off).
    """
    from ..features.beat_records import stack_beat_tables
    from .heartbeat import DEFAULT_ADAPT, DEFAULT_FEATURE_SET, make_default_beat_model

    fs = DEFAULT_FEATURE_SET if feature_set is None else feature_set
    ad = DEFAULT_ADAPT if adapt is None else adapt
    xt = () if extra is None or test is not None else tuple(extra.tables)
    X, y, n, names = stack_beat_tables([*train, *xt], bool(ad))
    pid, records = _patients(len(train), records, groups)
    g = np.repeat([*pid, *(extra.groups if xt else ())], n)
    from .record_self_training import DEFAULT_SELF_TRAINING

    st = DEFAULT_SELF_TRAINING if self_training is None else bool(self_training)
    adapter = make_default_beat_model(
        names, feature_set=fs, adapt=ad, self_training=st, cv=inner_folds, **classifier_params
    )

    def fitted(m):  # the fitted RecordPriorAdapter and what was chosen (through the floor)
        from .record_s_floor import _fitted_layers

        fl, s, a = _fitted_layers(m)
        c = {"choice": {"decision": a.decision_, "shrinkage": a.shrinkage_}}
        c = {**c, "threshold": s.threshold_} if s is not None else c
        return a, ({**c, "s_floor_k": fl.k_, "s_morph_km": fl.km_} if fl is not None else c)

    if test is not None:
        Xt, yt, nt, _ = stack_beat_tables(test, bool(ad))
        m = clone(adapter).fit(X, y, groups=g)
        a, c = fitted(m)
        rec = np.repeat(np.arange(len(nt)), nt)
        return yt, m.predict(Xt, rec), a.estimator_.predict(Xt), nt, [c]
    m, nn = int(n[: len(train)].sum()), n[: len(train)]
    rec = np.repeat(np.arange(len(nn)), nn)
    from .beat_protocols import _ExtraTraining

    outer = _ExtraTraining(_outer_splitter(outer_folds, seed), m)
    pa, p0 = np.empty(m, dtype=y.dtype), np.empty(m, dtype=y.dtype)
    from .._progress import progress_bar

    folds, done = [], dict(done_folds or {})
    n_splits = outer.get_n_splits(X, y, g)
    splits = progress_bar(
        outer.split(X, y, g), total=n_splits, desc="outer folds", progress=progress
    )
    for k, (tr, te) in enumerate(splits):  # the extra records always train
        test_ids = set(g[te])
        test = [w for w, p in zip(records, pid, strict=True) if p in test_ids]
        if k in done:
            folds.append(_restore_fold(done[k], k, test, te, pa, p0))
            continue
        mod = clone(adapter).fit(X[tr], y[tr], groups=g[tr])
        a, c = fitted(mod)
        pa[te], p0[te] = mod.predict(X[te], rec[te]), a.estimator_.predict(X[te])
        folds.append(
            {"test": test, **c, "inner_score": a.inner_scores_.get((a.decision_, a.shrinkage_))}
        )
        if on_fold is not None:
            on_fold(
                k, {**_plain(folds[-1]), "y_pred": pa[te].tolist(), "y_unadapted": p0[te].tolist()}
            )
    return y[:m], pa, p0, nn, folds


def _plain(value):
    """``value`` with NumPy scalars unwrapped (dicts and lists walked): JSON-ready."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


def _restore_fold(stored, k, test, te, pa, p0) -> dict:
    """Put a fold of ``done_folds`` in place of fitting it; its ``folds`` entry."""
    pred, pred0 = (np.asarray(stored[key], dtype=pa.dtype) for key in ("y_pred", "y_unadapted"))
    if list(stored.get("test", ())) != test or pred.shape != te.shape or pred0.shape != te.shape:
        raise ValueError(
            f"done_folds[{k}] tests {stored.get('test')} with {pred.size} beats, the fold tests "
            f"{test} with {te.size}: the tables or the folds changed since it was stored"
        )
    pa[te], p0[te] = pred, pred0
    return {key: v for key, v in stored.items() if key not in ("y_pred", "y_unadapted")}


def _patients(n_tables, records, groups):
    """Patient id of each table (``groups``, else the MIT-BIH patients of ``records``, else one
    per table) and the record names (default: the patient ids)."""
    from ..io import patient_groups

    if groups is not None:
        pid = np.asarray(groups, dtype=str)
    elif records is not None:
        pid = np.asarray(patient_groups(list(records)), dtype=str)
    else:
        pid = np.arange(n_tables).astype(str)
    return pid, (list(pid) if records is None else list(records))


def _outer_splitter(outer_folds, seed):
    """Outer patient folds: ``GroupKFold(outer_folds)`` shuffled by ``seed``; 0: leave one out."""
    from sklearn.model_selection import LeaveOneGroupOut

    if outer_folds:
        return GroupKFold(n_splits=outer_folds, shuffle=True, random_state=seed)
    return LeaveOneGroupOut()
