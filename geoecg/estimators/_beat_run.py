"""The protocol decisions of ``geoecg bench beats``: which protocol runs on which records,
the header text naming the pipeline, the model parameters and a random beat split.

The runner (:mod:`geoecg.bench.beats`) only reads the data, calls these and prints; the
decisions live here so that they are tested as library code (issue 25: bench/ holds no model,
gate or metric logic).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = [
    "ADAPT_CHOICES",
    "BeatRunPlan",
    "RECORD_PRIOR_HELP",
    "beat_model_params",
    "beat_pipeline_text",
    "beat_run_header",
    "check_beat_sources",
    "intra_split_predict",
    "plan_beat_run",
]

#: ``--adapt`` value -> the ``adapt`` parameter of :func:`~.heartbeat.make_beat_pipeline`.
ADAPT_CHOICES = {"off": False, "on": True, "both": "both"}
_LABEL = {
    "ds1-ds2": "ds1-ds2 (train DS1, test DS2, de Chazal 2004: 201 and 202 one patient)",
    "ds1-cv": "ds1-cv (nested, patient-grouped within DS1: outer {outer})",
    "cross-db": "cross-database (train {train_data}, test {test_data})",
    "intra": "intra (random beat split: LEAKS PATIENTS, not comparable)",
}
_DS2_HINT = (
    "nested ds1-cv by default; the held-out DS1 -> DS2 test (de Chazal 2004, all 44 records) "
    "is `geoecg bench beats --data MITDB --protocol ds1-ds2`"
)


class BeatRunPlan(NamedTuple):
    """What one ``bench beats`` run scores.

    Attributes
    ----------
    protocol : str
        ``"ds1-cv"``, ``"ds1-ds2"``, ``"cross-db"`` or ``"intra"``.
    wanted : list of str
        Records read for the test side (ds1-ds2: DS1 and DS2).
    shown : list of str
        Test records the header counts (ds1-ds2: DS2; intra: ``["all"]``).
    hint : str or None
        A note for stderr when the protocol was not named (nested by default, issue 17).
    missing : str or None
        Why the run cannot start (records absent from the folder), or None.
    """

    protocol: str
    wanted: list
    shown: list
    hint: str | None
    missing: str | None


def check_beat_sources(train, test_data, protocol) -> None:
    """Refuse training/test database combinations no protocol runs.

    Parameters
    ----------
    train : list of str
        ``--train-data`` folders (may be empty).
    test_data : str or None
        ``--test-data`` folder.
    protocol : str or None
        ``--protocol`` as given (None: not named).

    Raises
    ------
    ValueError
        ``test_data`` without ``train``, or ``train`` with ``protocol="intra"``.
    """
    if test_data is not None and not train:
        raise ValueError("--test-data needs --train-data (the databases to train on)")
    if train and protocol == "intra":
        raise ValueError("--train-data goes with ds1-cv, ds1-ds2 or --test-data, not intra")


def plan_beat_run(protocol, records, present, folder, *, cross_db: bool) -> BeatRunPlan:
    """Choose the protocol and the records of a ``bench beats`` run.

    Parameters
    ----------
    protocol : str or None
        ``--protocol`` as given; None means ``ds1-cv`` (nested within DS1, never ds1-ds2).
    records : str or None
        ``--records``: comma-separated subset (ds1-cv, intra, cross-db; refused with ds1-ds2).
    present : iterable of str
        Records found in ``folder``.
    folder : path
        The MIT-BIH folder or the ``--test-data`` folder (named in the messages).
    cross_db : bool
        True when ``--test-data`` was given (protocol ``cross-db``, all its records).

    Returns
    -------
    BeatRunPlan

    Raises
    ------
    ValueError
        ``records`` with ds1-ds2 (that protocol is the fixed de Chazal split).
    """
    from ..io.mitdb import DS1, DS2, PACED

    present = set(present)
    subset = [r.strip() for r in (records or "").split(",") if r.strip()]
    name = "cross-db" if cross_db else protocol or "ds1-cv"
    hint = _DS2_HINT if not cross_db and protocol is None else None
    need = {"cross-db": sorted(present), "ds1-ds2": DS1 + DS2, "ds1-cv": DS1}.get(name, ())
    wanted = subset if subset and name in ("ds1-cv", "intra", "cross-db") else list(need)
    wanted = sorted(present - set(PACED)) if name == "intra" and not subset else wanted
    missing = [r for r in wanted if r not in present]
    if missing:
        alt = "ds1-cv" if all(r in present for r in DS1) else "intra"
        msg = f"protocol {name} needs records missing from {folder}: {', '.join(missing)}."
        no_atr = [r for r in missing if (Path(folder) / f"{r}.hea").is_file()]
        if no_atr:  # header there, reference beats not: a partial download
            msg += f" {', '.join(no_atr)}: .hea present, no .atr annotation file."
        msg += f" With the records present, `--protocol {alt}` would run."
        return BeatRunPlan(name, wanted, wanted, hint, msg)
    if subset and name == "ds1-ds2":
        raise ValueError("--records with ds1-ds2 is not supported; use ds1-cv or intra")
    shown = {"ds1-ds2": list(DS2), "intra": ["all"]}.get(name, wanted)
    return BeatRunPlan(name, wanted, shown, hint, None)


#: ``geoecg bench beats --record-prior`` help: what ``on`` runs (the text of
#: :func:`beat_pipeline_text` with the defaults; a test keeps the two in step) and ``off``.
#: Plain text, so that building the parser imports no model module.
RECORD_PRIOR_HELP = (
    "on: calibrated decision (RecordPriorAdapter, no per-record EM) and label-free "
    "self-training on each test record, then a per-record QRS-morphology veto and "
    "prematurity floor on S calls; "
    "off: none of them (also off with --select or --protocol intra)"
)


def beat_pipeline_text(protocol: str, record_prior: bool, select: bool) -> str:
    """The per-record steps of a run, as its header and ``settings["pipeline"]`` say.

    Parameters
    ----------
    protocol : str
        The protocol of :func:`plan_beat_run`.
    record_prior : bool
        Whether the per-record prior (:class:`~.record_prior.RecordPriorAdapter`) is on.
    select : bool
        ``--select`` (the inner-CV choice, which turns the per-record prior off).

    Returns
    -------
    str
    """
    if protocol == "intra" or not record_prior:
        why = "--select" if select else "intra" if protocol == "intra" else "--record-prior off"
        return f"no per-record prior or self-training ({why})"
    from .record_self_training import DEFAULT_SELF_TRAINING

    st = (
        "label-free self-training on each test record, then a per-record QRS-morphology "
        "veto and prematurity floor on S calls"
        if DEFAULT_SELF_TRAINING
        else None
    )
    return f"calibrated decision (RecordPriorAdapter, no per-record EM), {st or 'no self-training'}"


def beat_run_header(args, plan: BeatRunPlan, train, folder, pipeline: str) -> str:
    """The first line of a run: protocol, test records, features, model and pipeline.

    Parameters
    ----------
    args : argparse.Namespace
        The ``bench beats`` options (``outer_folds``, ``select``, ``feature_set``, ``adapt``,
        ``n_estimators``, ``class_weight``).
    plan : BeatRunPlan
    train : list of str
        ``--train-data`` folders.
    folder : path
        The test folder.
    pipeline : str
        :func:`beat_pipeline_text`.

    Returns
    -------
    str
    """
    label = _LABEL[plan.protocol].format(
        outer=f"{args.outer_folds} patient folds" if args.outer_folds else "leave-one-patient-out",
        train_data=",".join(train) or None,
        test_data=str(folder),
    )
    return (
        f"geoecg bench beats: {label}; {len(plan.shown)} test records; features "
        f"{'registered grid' if args.select else args.feature_set}, adapt {args.adapt}; "
        f"xgboost {args.n_estimators} rounds, class weight {args.class_weight}; {pipeline}"
    )


def beat_model_params(args) -> dict:
    """Keyword arguments of :func:`~.heartbeat.make_beat_pipeline` from the run's options
    (``max_per_class`` 0: all beats; ``class_weight`` ``"none"``: None; seed:
    ``random_state``)."""
    return dict(
        feature_set=args.feature_set,
        adapt=ADAPT_CHOICES[args.adapt],
        n_estimators=args.n_estimators,
        max_per_class=args.max_per_class or None,
        class_weight=None if args.class_weight == "none" else args.class_weight,
        n_jobs=args.n_jobs,
        random_state=args.seed,
    )


def intra_split_predict(tables, params: dict, *, test_size: float, seed: int):
    """Fit on a random beat split and classify the rest (LEAKS PATIENTS: not comparable).

    Parameters
    ----------
    tables : list of dict
        Beat tables of :func:`geoecg.features.beat_records.beat_record_table`.
    params : dict
        :func:`beat_model_params` (``adapt`` off: no standardised copies).
    test_size : float
        Test fraction of the beats, in (0, 1).
    seed : int
        Split seed (stratified by class when every class has two beats).

    Returns
    -------
    y_true, y_pred : ndarray
    n : list of int
        ``[number of test beats]``.
    """
    from sklearn.model_selection import train_test_split

    from ..features.beat_records import stack_beat_tables
    from .heartbeat import make_beat_pipeline

    X, y, _, names = stack_beat_tables(tables, params["adapt"] is not False)
    strat = y if min(np.unique(y, return_counts=True)[1]) >= 2 else None
    tr, te = train_test_split(
        np.arange(y.size), test_size=test_size, random_state=seed, stratify=strat
    )
    pipe = make_beat_pipeline(names, **params)
    return y[te], pipe.fit(X[tr], y[tr]).predict(X[te]), [te.size]
