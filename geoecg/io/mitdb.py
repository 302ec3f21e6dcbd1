"""MIT-BIH Arrhythmia Database: beat labels, AAMI classes, inter-patient lists, rhythms.

AAMI classes (ANSI/AAMI EC57, as used by de Chazal et al. 2004)
--------------------------------------------------------------
======  =========================================  ==========================
class   MIT-BIH beat symbols                        meaning
======  =========================================  ==========================
N       N, L, R, e, j (and B, n, see below)         normal and bundle-branch
S       A, a, J, S                                  supraventricular ectopic
V       V, E (and r)                                ventricular ectopic
F       F                                           fusion of V and normal
Q       /, f, Q (and ?)                             paced, paced fusion, unknown
======  =========================================  ==========================

The e/j choice: atrial (``e``) and nodal (``j``) escape beats go to **N**, as in EC57 and
de Chazal et al. (2004); some papers put them in S. ``escape_class="S"`` selects that
alternative for ``e``, ``j`` and ``n`` (supraventricular escape). ``B`` (unspecified
bundle-branch block), ``r`` (R-on-T PVC), ``n`` and ``?`` do not occur in MIT-BIH but do in
other WFDB databases.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import check_fs
from .paths import database_dir, list_records
from .record import Annotations, ECGRecord, read_header, read_record

__all__ = [
    "AAMI_CLASSES",
    "BEAT_SYMBOLS",
    "DS1",
    "DS2",
    "PACED",
    "SAME_PATIENT",
    "aami_map",
    "aami_labels",
    "beat_annotations",
    "rhythm_episodes",
    "mitdb_dir",
    "mitdb_records",
    "read_mitdb",
    "aami_counts",
    "patient_groups",
]

#: The five AAMI beat classes (ANSI/AAMI EC57): N normal and bundle-branch block, S
#: supraventricular ectopic, V ventricular ectopic, F fusion, Q paced or unclassifiable.
AAMI_CLASSES = ("N", "S", "V", "F", "Q")

#: WFDB beat annotation symbols (all others are non-beat: rhythm, noise, comments, ...).
BEAT_SYMBOLS = frozenset("NLRBAaJSVrFejnE/fQ?")

#: de Chazal et al. (2004) inter-patient training set (22 records).
DS1 = (
    "101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
    "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230",
)  # fmt: skip
#: de Chazal et al. (2004) inter-patient test set (22 records).
DS2 = (
    "100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210",
    "212", "213", "214", "219", "221", "222", "228", "231", "232", "233", "234",
)  # fmt: skip
#: Records with paced rhythm, excluded from the AAMI protocols.
PACED = ("102", "104", "107", "217")
#: Records that come from the same subject (must stay on one side of a split).
SAME_PATIENT = (("201", "202"),)


def aami_map(escape_class: str = "N") -> dict[str, str]:
    """Return the MIT-BIH symbol -> AAMI class mapping.

    Parameters
    ----------
    escape_class : {"N", "S"}, default "N"
        Class of escape beats ``e``, ``j`` and ``n`` (EC57 and de Chazal: ``"N"``).

    Returns
    -------
    dict of str to str
        Beat symbol -> AAMI class (N, S, V, F, Q); non-beat symbols are absent.

    Examples
    --------
    >>> m = aami_map()
    >>> m["A"], m["V"], m["j"], m["/"]
    ('S', 'V', 'N', 'Q')
    >>> aami_map(escape_class="S")["j"]
    'S'
    >>> "+" in m  # rhythm changes are not beats
    False
    """
    if escape_class not in ("N", "S"):
        raise ValueError(f"escape_class must be 'N' or 'S', got {escape_class!r}")
    m = dict.fromkeys("NLRB", "N")
    m.update(dict.fromkeys("ejn", escape_class))
    m.update(dict.fromkeys("AaJS", "S"))
    m.update(dict.fromkeys("VEr", "V"))
    m["F"] = "F"
    m.update(dict.fromkeys("/fQ?", "Q"))
    return m


def aami_labels(symbols, escape_class: str = "N") -> np.ndarray:
    """Map beat symbols to AAMI classes; non-beat symbols map to ``""``.

    Parameters
    ----------
    symbols : sequence of str
        MIT-BIH annotation symbols.
    escape_class : {"N", "S"}, default "N"
        Class of escape beats ``e``, ``j`` and ``n`` (EC57 and de Chazal: ``"N"``).

    Returns
    -------
    ndarray of str
        The AAMI class (N, S, V, F, Q) of each symbol, ``""`` for a non-beat symbol.

    Raises
    ------
    TypeError
        If a symbol is not a string (e.g. integer label codes).

    Examples
    --------
    >>> aami_labels(["N", "A", "V", "+", "/", "j"]).tolist()
    ['N', 'S', 'V', '', 'Q', 'N']
    >>> aami_labels(["j"], escape_class="S").tolist()
    ['S']
    """
    m = aami_map(escape_class)
    if isinstance(symbols, str | bytes) or not hasattr(symbols, "__iter__"):
        raise TypeError(
            f"symbols must be a sequence of annotation symbols (str), got "
            f"{type(symbols).__name__} {symbols!r}"
        )
    symbols = list(symbols)
    bad = next((s for s in symbols if not isinstance(s, str)), None)
    if bad is not None:
        raise TypeError(
            f"symbols must be annotation symbols (str, e.g. 'N', 'V', '+'), got {bad!r} "
            f"of type {type(bad).__name__}"
        )
    return np.asarray([m.get(s, "") for s in symbols], dtype="<U1")


def _check_annotations(annotations) -> None:
    if not all(hasattr(annotations, a) for a in ("sample", "symbol", "aux_note")):
        raise TypeError(
            f"annotations must be an Annotations (e.g. read_record(path).annotations), got "
            f"{type(annotations).__name__}"
        )


def beat_annotations(annotations: Annotations, escape_class: str = "N") -> pd.DataFrame:
    """Beat annotations of a record as a table with their AAMI class.

    Parameters
    ----------
    annotations : Annotations
        The record's annotations (``ECGRecord.annotations``).
    escape_class : {"N", "S"}, default "N"
        Class of escape beats ``e``, ``j`` and ``n`` (EC57 and de Chazal: ``"N"``).

    Returns
    -------
    DataFrame
        Columns ``sample`` (int64), ``symbol`` and ``aami``; non-beat annotations dropped.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> beats = beat_annotations(read_record(sample_record_path("mitdb_119")).annotations)
    >>> beats.head(3)
       sample symbol aami
    0     309      N    N
    1     503      V    V
    2     977      N    N
    >>> beats["aami"].value_counts().to_dict()
    {'N': 246, 'V': 80}
    """
    _check_annotations(annotations)
    beat = np.isin(annotations.symbol, list(BEAT_SYMBOLS))
    sym = annotations.symbol[beat]
    return pd.DataFrame(
        {
            "sample": annotations.sample[beat].astype(np.int64),
            "symbol": sym,
            "aami": aami_labels(sym, escape_class),
        }
    )


def rhythm_episodes(
    annotations: Annotations, n_samples: int, fs: float, *, symbols=("+",)
) -> pd.DataFrame:
    """Rhythm episodes from the aux notes of rhythm-change annotations.

    Each rhythm annotation (symbol ``+`` in MIT-BIH style databases; add ``'"'`` for
    databases that put the rhythm code in comment annotations, as SHDB-AF does) starts an
    episode that lasts until the next one or the end of the record.

    Parameters
    ----------
    annotations : Annotations
        Annotations of the record.
    n_samples : int
        Length of the record in samples (end of the last episode).
    fs : float
        Sampling frequency in Hz (for the durations).
    symbols : tuple of str
        Annotation symbols that carry rhythm changes.

    Returns
    -------
    DataFrame
        Columns ``rhythm`` (aux note without the leading ``(``, e.g. ``"AFIB"``),
        ``start``, ``end`` (samples, end exclusive) and ``duration_s``.

    Raises
    ------
    ValueError
        If ``n_samples`` ends before the last rhythm annotation (the last episode would
        have a negative duration).

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_119"))
    >>> episodes = rhythm_episodes(rec.annotations, rec.signal.shape[1], rec.fs)
    >>> episodes.head(3)
      rhythm  start    end  duration_s
    0      N     32   7610   21.050000
    1      B   7610  11305   10.263889
    2      N  11305  12901    4.433333
    >>> episodes.groupby("rhythm")["duration_s"].sum().round(1).to_dict()
    {'B': 56.7, 'N': 221.8, 'T': 21.5}
    """
    _check_annotations(annotations)
    check_fs(fs)
    whole = isinstance(n_samples, int | np.integer) or (
        isinstance(n_samples, float | np.floating) and float(n_samples).is_integer()
    )
    if isinstance(n_samples, bool) or not whole:
        raise TypeError(
            f"n_samples must be the record's length in samples (an int), got {n_samples!r}"
        )
    is_rhythm = np.isin(annotations.symbol, list(symbols)) & np.char.startswith(
        annotations.aux_note.astype(str), "("
    )
    starts = annotations.sample[is_rhythm].astype(np.int64)
    names = [a.strip().lstrip("(").strip() for a in annotations.aux_note[is_rhythm]]
    if starts.size and int(n_samples) < int(starts[-1]):
        raise ValueError(
            f"n_samples={n_samples} ends before the last rhythm annotation (sample "
            f"{int(starts[-1])}); pass the record's length in samples (signal.shape[-1])"
        )
    ends = np.append(starts[1:], n_samples).astype(np.int64)
    df = pd.DataFrame({"rhythm": names, "start": starts, "end": ends})
    df["duration_s"] = (df["end"] - df["start"]) / float(fs)
    return df


def mitdb_dir(root: str | os.PathLike | None = None) -> Path:
    """Folder of the MIT-BIH Arrhythmia Database (argument, or ``$GEOECG_DATA/mitdb``).

    Parameters
    ----------
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/mitdb``).

    Returns
    -------
    pathlib.Path
        The folder.

    Examples
    --------
    >>> from geoecg.datasets import sample_data_dir
    >>> mitdb_dir(sample_data_dir()).name  # a parent folder holding mitdb/ is accepted
    'mitdb'
    """
    return database_dir("mitdb", root, marker="*.atr")


def mitdb_records(root: str | os.PathLike | None = None, subset: str = "all") -> list[str]:
    """Record names present in the folder.

    Parameters
    ----------
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/mitdb``).
    subset : {"all", "DS1", "DS2", "paced", "non-paced"}
        Restrict to a de Chazal subset (only records that are present are returned).

    Returns
    -------
    list of str
        Record names with a ``.atr`` file, in the order of the folder's ``RECORDS`` file
        (sorted when there is none).

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> mitdb_records(sample_mitdb_dir())
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    """
    folder = mitdb_dir(root)
    present = [r for r in list_records(folder, recursive=False) if (folder / f"{r}.atr").is_file()]
    wanted = {
        "all": None,
        "DS1": set(DS1),
        "DS2": set(DS2),
        "paced": set(PACED),
        "non-paced": None,
    }
    if subset not in wanted:
        raise ValueError(f"subset must be one of {sorted(wanted)}, got {subset!r}")
    if subset == "non-paced":
        return [r for r in present if r not in PACED]
    if wanted[subset] is None:
        return present
    return [r for r in present if r in wanted[subset]]


def read_mitdb(
    record: str, root: str | os.PathLike | None = None, *, leads=None, **kwargs
) -> ECGRecord:
    """Read one MIT-BIH record with its reference (``atr``) annotations.

    ``leads`` picks and orders leads by standard name in any spelling
    (:func:`geoecg.leads.parse_lead`: ``"II"`` finds the modified lead ``MLII``, ``"v5"``
    finds ``V5``); a lead the record lacks raises ``ValueError``. Extra keyword arguments go
    to :func:`geoecg.io.read_record`.

    Parameters
    ----------
    record : str
        Record name (``"100"``).
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/mitdb``).
    leads : sequence of str, optional
        Leads to read, in this order (default: the record's own leads and order).
    **kwargs
        Passed to :func:`geoecg.io.read_record`.

    Returns
    -------
    ECGRecord
        Signal in mV, ``fs`` 360 Hz, and the ``atr`` annotations.

    Raises
    ------
    FileNotFoundError
        The record's annotation file (``<record>.atr``, or the ``annotator`` passed) is
        absent: the reference beats are what a MIT-BIH reader is for (before session 18
        the record read with no annotations). ``annotator=None`` reads the signal alone.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> rec = read_mitdb("mitdb_119", sample_mitdb_dir(), leads=["V1"])
    >>> rec.lead_names, rec.fs, rec.signal.shape
    (('V1',), 360.0, (1, 108000))
    """
    path = mitdb_dir(root) / str(record)
    ext = kwargs.get("annotator", "atr")
    if ext and path.with_name(f"{path.name}.hea").is_file():
        if not path.with_name(f"{path.name}.{ext}").is_file():
            raise FileNotFoundError(
                f"MIT-BIH record {str(record)!r} has no annotation file {path}.{ext}: "
                "download it beside the .hea/.dat files, or pass annotator=None to read "
                "the signal alone"
            )
    if leads is not None:
        from ..leads import lead_indices

        if "channels" in kwargs:
            raise ValueError("give leads= or channels=, not both")
        names = list(read_header(path).sig_name or [])
        kwargs["channels"] = [int(i) for i in lead_indices(leads, available=names)]
    return read_record(path, **kwargs)


def patient_groups(records) -> np.ndarray:
    """Patient identifier per record: records 201 and 202 share one (same subject).

    Parameters
    ----------
    records : sequence of str
        MIT-BIH record names.

    Returns
    -------
    ndarray of str
        One patient identifier per record (the groups of a patient-wise split).

    Examples
    --------
    >>> patient_groups(["101", "201", "202"]).tolist()
    ['101', '201', '201']
    """
    if isinstance(records, str | bytes) or not hasattr(records, "__iter__"):
        raise TypeError(
            f"records must be a sequence of MIT-BIH record names, got "
            f"{type(records).__name__} {records!r} (wrap one name in a list)"
        )
    alias = {b: a for a, b in SAME_PATIENT}
    return np.asarray([alias.get(str(r), str(r)) for r in records])


def aami_counts(
    root: str | os.PathLike | None = None, records=None, escape_class: str = "N"
) -> pd.DataFrame:
    """Beat counts per AAMI class for each record (reads only the annotation files).

    Parameters
    ----------
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/mitdb``).
    records : sequence of str, optional
        Record names (default: every record in the folder).
    escape_class : {"N", "S"}, default "N"
        Class of escape beats ``e``, ``j`` and ``n`` (EC57 and de Chazal: ``"N"``).

    Returns
    -------
    DataFrame
        One row per record and a final ``"total"`` row; columns N, S, V, F, Q and ``all``.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> aami_counts(sample_mitdb_dir())
                 N   S   V  F  Q  all
    mitdb_101  342   0   0  0  0  342
    mitdb_119  246   0  80  0  0  326
    mitdb_201  296  18  16  0  0  330
    total      884  18  96  0  0  998
    """
    import wfdb

    folder = mitdb_dir(root)
    records = mitdb_records(folder) if records is None else list(records)
    m = aami_map(escape_class)
    rows = {}
    for r in records:
        ann = wfdb.rdann(str(folder / r), "atr")
        labels = [m[s] for s in ann.symbol if s in m]
        rows[r] = {c: labels.count(c) for c in AAMI_CLASSES}
    df = pd.DataFrame.from_dict(rows, orient="index", columns=list(AAMI_CLASSES)).astype(np.int64)
    df.loc["total"] = df.sum(axis=0)
    df["all"] = df[list(AAMI_CLASSES)].sum(axis=1)
    return df
