"""Beat feature tables of whole WFDB records, and the labelled matrix of several records.

:func:`beat_record_table` reads one record with beat annotations, computes every feature of
:func:`~geoecg.features.beat_dominant.record_beat_table` at the reference beat positions and
maps the labels to the AAMI classes (optionally cached as ``.npz``);
:func:`stack_beat_tables` stacks several records into the ``X, y`` of
:func:`~geoecg.estimators.heartbeat.make_beat_pipeline`, with the label-free per-record
adaptation copies (``rs_*``) when asked. Any sampling rate works (all windows are in ms).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .._atomic import save_npz_atomic

__all__ = [
    "AAMI_BEAT_CLASSES",
    "BEAT_TABLE_VERSION",
    "beat_record_table",
    "beat_table_leads",
    "check_beat_columns",
    "stack_beat_tables",
    "wfdb_beat_records",
]

#: Version of the cached table (bump when
#: :func:`~geoecg.features.beat_dominant.record_beat_table` changes).
BEAT_TABLE_VERSION = "v4"

#: Classified AAMI beat classes (EC57); other labels are dropped by :func:`stack_beat_tables`.
AAMI_BEAT_CLASSES = ("N", "S", "V", "F", "Q")

_LEAD_SUFFIX = re.compile(r"_l(\d+)$")


def _lead_order(lead_names) -> list[int]:
    """MLII first (the lead the MIT-BIH features were designed on), then the others."""
    names = [str(n).upper() for n in lead_names]
    first = names.index("MLII") if "MLII" in names else 0
    return [first] + [i for i in range(len(names)) if i != first]


def beat_record_table(path, cache=None) -> dict:
    """Features and AAMI labels of every annotated beat of one WFDB record.

    Parameters
    ----------
    path : str or path-like
        Record path without extension; the record needs ``.atr`` beat annotations.
    cache : str or path-like, optional
        Folder where the table is kept as
        ``beats_<BEAT_TABLE_VERSION>_<folder>_<record>.npz`` and read back.

    Returns
    -------
    dict
        ``X`` (n_beats, n_features) features of
        :func:`~geoecg.features.beat_dominant.record_beat_table` (MLII first), ``names``,
        ``y`` AAMI labels (one letter; ``"?"``-like labels for unclassified beats) and
        ``fs`` (Hz).
    """
    from ..io import beat_annotations, read_record
    from .beat_dominant import record_beat_table

    path = Path(path)
    f = (
        None
        if cache is None
        else (Path(cache) / f"beats_{BEAT_TABLE_VERSION}_{path.parent.name}_{path.name}.npz")
    )
    if f is not None and f.exists():
        z = np.load(f, allow_pickle=False)
        return {k: z[k] for k in z.files}
    rec = read_record(path)
    ba = beat_annotations(rec.annotations)
    peaks = ba["sample"].to_numpy()
    labels = ba["aami"].to_numpy().astype("<U1")
    keep = (peaks >= 0) & (peaks < rec.signal.shape[1])
    t = record_beat_table(rec.signal[_lead_order(rec.lead_names)], peaks[keep], rec.fs)
    out = {"X": t.values, "names": t.names.astype(str), "y": labels[keep], "fs": rec.fs}
    if f is not None:
        save_npz_atomic(f, out)  # a killed run leaves no truncated cache file
    return out


def wfdb_beat_records(folder) -> list[str]:
    """Names of the records of a WFDB folder that have ``.atr`` beat annotations.

    Parameters
    ----------
    folder : path-like
        WFDB folder (not searched recursively).

    Returns
    -------
    list of str
        Record names, sorted as :func:`geoecg.io.list_records` gives them.

    Raises
    ------
    FileNotFoundError
        No record of ``folder`` has ``.atr`` annotations.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> wfdb_beat_records(sample_mitdb_dir())
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    """
    from ..io.paths import list_records

    folder = Path(folder)
    recs = [r for r in list_records(folder, recursive=False) if (folder / f"{r}.atr").is_file()]
    if not recs:
        raise FileNotFoundError(f"no WFDB record with .atr beat annotations in {folder}")
    return recs


def beat_table_leads(table) -> int:
    """Number of leads a beat table was computed on (its distinct ``_l<k>`` column suffixes).

    Parameters
    ----------
    table : dict
        Output of :func:`beat_record_table` (only ``names`` is read).

    Returns
    -------
    int
        Leads (0 when no column is per lead).

    Examples
    --------
    >>> beat_table_leads({"names": np.array(["rr_pre", "r_amp_l0", "r_amp_l1", "qt_l1"])})
    2
    """
    return len({m.group(1) for n in table["names"] if (m := _LEAD_SUFFIX.search(str(n)))})


def check_beat_columns(tables, ids=None) -> None:
    """Raise a ValueError naming the records when beat tables do not share their columns.

    A classifier fitted on one table's columns cannot score another's: a single-lead record
    (126 columns) against two-lead ones (217) is the usual cause. Mixed lead counts are not
    reduced to the leads the records share: that would silently fit another pipeline than
    the one asked for; give records with the same leads (or select the lead before).

    Parameters
    ----------
    tables : sequence of dict
        Outputs of :func:`beat_record_table`.
    ids : sequence of str, optional
        Record name of each table (default ``table 0``, ``table 1`` ...).

    Raises
    ------
    ValueError
        Listing the records of each column layout with their lead and column counts.
    """
    ids = [f"table {i}" for i in range(len(tables))] if ids is None else [str(i) for i in ids]
    if len(ids) != len(tables):
        raise ValueError(f"ids has {len(ids)} names for {len(tables)} tables")
    layouts: dict[tuple, list[str]] = {}
    for t, i in zip(tables, ids, strict=True):
        layouts.setdefault(tuple(map(str, t["names"])), []).append(i)
    if len(layouts) <= 1:
        return
    parts = []
    for cols, recs in layouts.items():
        k = beat_table_leads({"names": cols})
        shown = ", ".join(recs[:8]) + (f" ... ({len(recs)} records)" if len(recs) > 8 else "")
        parts.append(f"{k} lead{'s' * (k != 1)} ({len(cols)} columns): {shown}")
    raise ValueError(
        "the beat tables do not share their feature columns, so one classifier cannot be "
        "fitted and applied across them: " + "; ".join(parts) + ". Use records with the "
        "same leads for training and testing (tables of an older geoecg: re-cache them)"
    )


def stack_beat_tables(tables, adapt=False, classes=AAMI_BEAT_CLASSES, *, ids=None):
    """Stack records' beat tables into one labelled matrix.

    Parameters
    ----------
    tables : sequence of dict
        Outputs of :func:`beat_record_table` (same columns).
    adapt : bool or "both", default False
        Truthy: append each record's standardised copies ``rs_<name>``
        (:func:`~geoecg.features.beat_dominant.record_standardize`, on that record's own
        beats, labels unused), as :class:`~geoecg.features.beat_dominant.SelectBeatFeatures`
        with ``adapt`` expects.
    classes : sequence of str
        Beat labels kept.
    ids : sequence of str, optional
        Record names, used only in the error when the tables' columns differ.

    Returns
    -------
    X : ndarray, shape (n_beats, n_features)
    y : ndarray of str
    n : ndarray of int
        Rows per record (in order).
    names : list of str

    Raises
    ------
    ValueError
        The tables do not share their columns (e.g. one- and two-lead records), naming
        them (:func:`check_beat_columns`).

    Examples
    --------
    >>> t = {"X": np.array([[1.0], [3.0], [5.0]]), "names": np.array(["a"]),
    ...      "y": np.array(["N", "V", "~"])}
    >>> X, y, n, names = stack_beat_tables([t], adapt=True)
    >>> X.tolist(), y.tolist(), n.tolist(), names
    ([[1.0, -1.0], [3.0, 0.0]], ['N', 'V'], [2], ['a', 'rs_a'])
    """
    from .beat_dominant import record_standardize

    if not tables:
        raise ValueError("tables is empty: need at least one record")
    check_beat_columns(tables, ids)
    Xs, ys, n = [], [], []
    for t in tables:
        X = np.hstack([t["X"], record_standardize(t["X"])]) if adapt else t["X"]
        ok = np.isin(t["y"], list(classes))
        Xs.append(X[ok])
        ys.append(t["y"][ok])
        n.append(int(ok.sum()))
    names = [str(s) for s in tables[0]["names"]]
    names = names + [f"rs_{s}" for s in names] if adapt else names
    return np.vstack(Xs), np.concatenate(ys), np.asarray(n), names
