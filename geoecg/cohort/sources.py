"""Record sources for cohort extraction: which records, where, whose, and their metadata.

A source lists :class:`RecordRef` (record id, patient id, path) in a fixed order, and gives
the expected sampling rate and lead names of its records and a metadata table indexed by
record id. Database adapters of :mod:`geoecg.io` do the database-specific work (PTB-XL
metadata, CinC labels, MIT-BIH patient groups); this module only arranges their output.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .._validation import check_fs
from ..io.cinc2017 import CinC2017
from ..io.mitdb import mitdb_dir, mitdb_records, patient_groups
from ..io.paths import list_records
from ..io.ptbxl import LEADS as PTBXL_LEADS
from ..io.ptbxl import PTBXL

__all__ = [
    "RecordRef",
    "RecordSource",
    "WFDBTree",
    "PTBXLSource",
    "CinC2017Source",
    "MITDBSource",
    "MIMICIVECGSource",
    "SOURCE_KINDS",
    "open_source",
]

#: Lead order of MIMIC-IV-ECG waveform headers.
MIMIC_LEADS = ("I", "II", "III", "aVR", "aVF", "aVL", "V1", "V2", "V3", "V4", "V5", "V6")


@dataclass(frozen=True)
class RecordRef:
    """One record to process.

    Attributes
    ----------
    record_id : str
        Identifier written to the ``record_id`` column (unique within the source).
    patient_id : str or None
        Patient (subject) identifier, None where the source does not know it.
    path : str
        WFDB record path without extension.
    """

    record_id: str
    patient_id: str | None
    path: str


class RecordSource:
    """Base class: a fixed, ordered list of records with their layout and metadata.

    Subclasses set :attr:`kind`, :attr:`root`, :attr:`fs` (expected sampling rate in Hz or
    None for any) and :attr:`leads` (expected lead names or None: those of the first
    record), and implement :meth:`refs`.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> src = WFDBTree(sample_mitdb_dir())  # a subclass: refs() lists the records in order
    >>> src.kind, src.refs()[0].record_id
    ('wfdb', 'mitdb_101')
    """

    kind = "base"
    root: Path
    fs: float | None = None
    leads: tuple[str, ...] | None = None
    #: "name": records' leads are matched to :attr:`leads` by name (reordered when the
    #: same set comes in another order); "position": by position (names vary).
    match_leads = "name"

    def refs(self) -> list[RecordRef]:  # pragma: no cover - abstract
        raise NotImplementedError

    def metadata(self) -> pd.DataFrame | None:
        """Per-record metadata indexed by ``record_id`` (strings), or None."""
        return None

    def describe(self) -> dict:
        """What identifies the source in a run's manifest."""
        return {"kind": self.kind, "root": str(self.root), "fs": self.fs}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"


def _check_dir(root, what: str) -> Path:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder ({what} expected)")
    return root.resolve()


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class WFDBTree(RecordSource):
    """Any folder tree of WFDB records (``RECORDS`` file honoured, else every ``.hea``).

    Record ids are the paths relative to ``root`` without extension; patient ids are
    unknown (None).

    Parameters
    ----------
    root : path-like
    fs : float, optional
        Expected sampling rate (Hz); records at another rate become error rows. Default:
        any rate.

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> [ref.record_id for ref in WFDBTree(sample_mitdb_dir()).refs()]
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    """

    kind = "wfdb"

    def __init__(self, root, fs: float | None = None):
        self.root = _check_dir(root, "a folder of WFDB records")
        self.fs = None if fs is None else check_fs(fs)

    def refs(self) -> list[RecordRef]:
        names = list_records(self.root)
        if not names:
            raise FileNotFoundError(f"no WFDB header (.hea) under {self.root}")
        return [RecordRef(n, None, str(self.root / n)) for n in names]


class PTBXLSource(RecordSource):
    """PTB-XL via :class:`geoecg.io.PTBXL`: every row of ``ptbxl_database.csv``.

    Record id ``ecg_id``, patient id ``patient_id``; rows whose signal files are absent
    become error rows (unreadable), so the table always covers the metadata.

    Parameters
    ----------
    root : path-like
    fs : {100, 500}, optional
        Which release to read (``filename_lr`` or ``filename_hr``). Default: the one whose
        folder (``records100/``, ``records500/``) is there, 100 Hz when both are.

    Raises
    ------
    FileNotFoundError
        When the folder of the requested release is absent (a download of the other
        release only), naming the folder present and the ``fs`` to pass.

    Examples
    --------
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> src = PTBXLSource(sample_ptbxl_dir())
    >>> ref = src.refs()[0]
    >>> ref.record_id, ref.patient_id
    ('1', '15709')
    >>> src.metadata().columns[:3].tolist()  # joined to the feature table by record_id
    ['age', 'sex', 'height']
    """

    kind = "ptbxl"
    leads = PTBXL_LEADS

    def __init__(self, root, fs: int | None = None):
        self.db = PTBXL(root)
        self.root = self.db.root.resolve()
        have = [f for f in (100, 500) if (self.root / f"records{f}").is_dir()]
        if fs is None:
            fs = have[0] if have else 100
        self.fs = float(PTBXL._check_fs(fs))
        if have and int(fs) not in have:
            raise FileNotFoundError(
                f"{self.root} has no records{int(fs)}/ folder (the {int(fs)}-Hz release), only "
                f"records{have[0]}/: pass fs={have[0]} (geoecg extract --fs {have[0]})"
            )

    def refs(self) -> list[RecordRef]:
        meta = self.db.metadata()
        col = self.db._filename_column(int(self.fs))
        return [
            RecordRef(str(int(i)), _text(p), str(self.root / f))
            for i, p, f in zip(meta.index, meta["patient_id"], meta[col], strict=True)
        ]

    def metadata(self) -> pd.DataFrame:
        meta = self.db.metadata()
        meta["scp_codes"] = meta["scp_codes"].map(repr)
        meta.index = meta.index.astype(int).astype(str).rename("record_id")
        return meta.drop(columns=["patient_id"])


class CinC2017Source(RecordSource):
    """PhysioNet/CinC 2017 via :class:`geoecg.io.CinC2017` (label joined when present).

    Each record is its own patient (the challenge publishes no subject id).

    Parameters
    ----------
    root : path-like
        The challenge folder (``A00001.hea`` ... and, when present, ``REFERENCE.csv``);
        single lead, 300 Hz.

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> src = CinC2017Source(sample_cinc2017_dir())
    >>> len(src.refs()), src.metadata()["label"].value_counts().sort_index().to_dict()
    (20, {'A': 5, 'N': 5, 'O': 5, '~': 5})
    """

    kind = "cinc2017"
    fs = 300.0
    leads = ("ECG",)
    match_leads = "position"

    def __init__(self, root):
        self.db = CinC2017(root)
        self.root = Path(self.db.root).resolve()

    def refs(self) -> list[RecordRef]:
        names = self.db.records()
        if not names:
            raise FileNotFoundError(f"no A*.hea record in {self.root}")
        return [RecordRef(n, n, str(self.root / n)) for n in names]

    def metadata(self) -> pd.DataFrame | None:
        try:
            labels = self.db.labels()
        except FileNotFoundError:
            return None
        return labels.to_frame().rename_axis("record_id")


class MITDBSource(RecordSource):
    """MIT-BIH Arrhythmia Database via :mod:`geoecg.io.mitdb` (201 and 202: one patient).

    Parameters
    ----------
    root : path-like
    subset : {"all", "DS1", "DS2", "paced", "non-paced"}, default "all"

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir
    >>> [(ref.record_id, ref.patient_id) for ref in MITDBSource(sample_mitdb_dir()).refs()]
    [('mitdb_101', 'mitdb_101'), ('mitdb_119', 'mitdb_119'), ('mitdb_201', 'mitdb_201')]
    """

    kind = "mitdb"
    fs = 360.0
    # lead names vary (MLII/V1, V5/V2, ...): columns name the positions, MLII first where a
    # record has it (114 stores V5 first; 102 and 104 have no MLII and keep their order)
    leads = ("lead0", "lead1")
    match_leads = "mlii-first"

    def __init__(self, root, subset: str = "all"):
        self.root = mitdb_dir(root).resolve()
        self.subset = subset
        self._names = mitdb_records(self.root, subset=subset)

    def refs(self) -> list[RecordRef]:
        groups = patient_groups(self._names)
        return [
            RecordRef(n, str(g), str(self.root / n))
            for n, g in zip(self._names, groups, strict=True)
        ]


class MIMICIVECGSource(RecordSource):
    """MIMIC-IV-ECG layout: ``files/pNNNN/pNNNNNNNN/sNNNNNNNN/NNNNNNNN.hea``.

    The record list is ``record_list.csv`` (columns ``subject_id``, ``study_id``, ``path``,
    as released); without it the ``files/`` tree is walked. Record id ``study_id``, patient
    id ``subject_id``. ``machine_measurements.csv``, when present, is joined on
    ``study_id`` (its columns prefixed ``machine_``), beside ``ecg_time`` and the other
    record-list columns.

    Parameters
    ----------
    root : path-like
        Folder holding ``files/`` (and ``record_list.csv``).
    fs : float, default 500
        Expected sampling rate, Hz.

    Examples
    --------
    >>> import tempfile
    >>> from geoecg.cohort.layout import mimic_layout_from_ptbxl
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> with tempfile.TemporaryDirectory() as root:  # a MIMIC-IV-ECG-layout tree of 4 records
    ...     _ = mimic_layout_from_ptbxl(sample_ptbxl_dir(), root, n=4)
    ...     src = MIMICIVECGSource(root, fs=100)
    ...     ref = src.refs()[0]
    ...     print(ref.record_id, ref.patient_id, src.metadata().columns[0])
    40000000 10015709 ecg_time
    """

    kind = "mimic-iv-ecg"
    leads = MIMIC_LEADS

    def __init__(self, root, fs: float = 500.0):
        self.root = _check_dir(root, "a MIMIC-IV-ECG folder with files/ and record_list.csv")
        if not (self.root / "files").is_dir() and not (self.root / "record_list.csv").is_file():
            raise FileNotFoundError(
                f"{self.root} is not a MIMIC-IV-ECG folder: expected files/ and record_list.csv"
            )
        self.fs = check_fs(fs)
        self._list: pd.DataFrame | None = None

    def _record_list(self) -> pd.DataFrame:
        if self._list is None:
            path = self.root / "record_list.csv"
            if path.is_file():
                df = pd.read_csv(path)
                missing = {"subject_id", "study_id", "path"} - set(df.columns)
                if missing:
                    raise ValueError(f"{path} lacks columns {sorted(missing)}")
            else:
                rows = []
                for p in sorted((self.root / "files").glob("p*/p*/s*/*.hea")):
                    rel = p.relative_to(self.root).with_suffix("").as_posix()
                    rows.append(
                        {
                            "subject_id": int(p.parent.parent.name[1:]),
                            "study_id": int(p.stem),
                            "path": rel,
                        }
                    )
                df = pd.DataFrame(rows, columns=["subject_id", "study_id", "path"])
            if df.empty:
                raise FileNotFoundError(f"no record in {self.root}")
            df = df.sort_values("study_id", kind="stable").reset_index(drop=True)
            if df["study_id"].duplicated().any():
                raise ValueError(f"{self.root}: study_id values repeat in the record list")
            self._list = df
        return self._list

    def refs(self) -> list[RecordRef]:
        df = self._record_list()
        return [
            RecordRef(str(s), str(p), str(self.root / str(f).removesuffix(".hea")))
            for s, p, f in zip(df["study_id"], df["subject_id"], df["path"], strict=True)
        ]

    def metadata(self) -> pd.DataFrame:
        df = self._record_list().drop(columns=["subject_id", "path"], errors="ignore")
        df = df.drop(columns=["file_name"], errors="ignore").copy()
        mm = self.root / "machine_measurements.csv"
        if mm.is_file():
            m = pd.read_csv(mm).drop(columns=["subject_id", "ecg_time"], errors="ignore")
            m = m.drop_duplicates("study_id").set_index("study_id").add_prefix("machine_")
            df = df.join(m, on="study_id")
        df.index = df.pop("study_id").astype(str).rename("record_id")
        return df


#: Source kind -> source class (the ``kind=`` of :func:`open_source`).
SOURCE_KINDS = {
    "wfdb": WFDBTree,
    "ptbxl": PTBXLSource,
    "cinc2017": CinC2017Source,
    "mitdb": MITDBSource,
    "mimic-iv-ecg": MIMICIVECGSource,
}


def open_source(source, kind: str | None = None, **kwargs) -> RecordSource:
    """Make a :class:`RecordSource` from a folder (kind detected) or pass one through.

    Parameters
    ----------
    source : RecordSource or path-like
        A source object, a folder, or ``"KIND:FOLDER"`` (e.g. ``"ptbxl:/data/ptb-xl"``).
    kind : {"wfdb", "ptbxl", "cinc2017", "mitdb", "mimic-iv-ecg"}, optional
        Source kind; detected from the folder's files when omitted: ``record_list.csv`` or
        ``files/p*/`` -> MIMIC-IV-ECG, ``ptbxl_database.csv`` -> PTB-XL, ``A*.hea`` with a
        CinC label file -> CinC 2017, ``*.atr`` beside MIT-BIH record names -> MIT-BIH,
        anything else -> a plain WFDB tree.
    **kwargs
        Passed to the source class (``fs=`` for PTB-XL, MIMIC-IV-ECG and WFDB trees).

    Returns
    -------
    RecordSource
        ``source`` itself when it is one, else the source of the folder's kind.

    Raises
    ------
    ValueError
        If ``kind`` is unknown, or ``kind`` or keyword arguments come with a
        :class:`RecordSource` (they apply to a folder).
    TypeError
        If ``source`` is neither a folder nor a :class:`RecordSource`.

    Examples
    --------
    >>> from geoecg.datasets import sample_ptbxl_dir
    >>> src = open_source(sample_ptbxl_dir())
    >>> src.kind, src.fs
    ('ptbxl', 100.0)
    """
    if isinstance(source, RecordSource):
        if kind is not None or kwargs:
            raise ValueError("kind and keyword arguments apply to a folder, not a RecordSource")
        return source
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a folder or a RecordSource, got {type(source).__name__}")
    text = os.fspath(source)
    head, sep, rest = text.partition(":")
    if sep and head in SOURCE_KINDS and kind is None:
        kind, text = head, rest
    root = Path(text)
    if kind is None:
        kind = _detect(root)
    if kind not in SOURCE_KINDS:
        raise ValueError(f"kind must be one of {sorted(SOURCE_KINDS)}, got {kind!r}")
    return SOURCE_KINDS[kind](root, **kwargs)


def _open_at(source, fs: float | None) -> RecordSource:
    """:func:`open_source` for a run that requires sampling rate ``fs`` (Hz, or None):
    a PTB-XL folder opens the release stored at that rate (``--fs 500`` reads
    ``records500/``), where a plain open would read the 100-Hz files and fail every row."""
    src = open_source(source)
    if isinstance(src, PTBXLSource) and fs is not None and float(fs) != src.fs:
        if float(fs) in (100.0, 500.0) and not isinstance(source, RecordSource):
            return PTBXLSource(src.root, fs=int(fs))
    return src


def _detect(root: Path) -> str:
    if not root.is_dir():
        what = "is a file, not a folder" if root.exists() else "does not exist"
        raise FileNotFoundError(
            f"{root} {what}; expected a database folder (cinc2017, mimic-iv-ecg, mitdb, ptbxl "
            "or any tree of WFDB records) or KIND:FOLDER"
        )
    if (root / "record_list.csv").is_file() or any((root / "files").glob("p*/p*")):
        return "mimic-iv-ecg"
    if (root / "ptbxl_database.csv").is_file():
        return "ptbxl"
    labels = ("REFERENCE-v3.csv", "REFERENCE.csv", "labels.csv")
    if any(root.glob("A*.hea")) and any((root / f).is_file() for f in labels):
        return "cinc2017"
    if (root / "100.atr").is_file() or (root / "101.atr").is_file():
        return "mitdb"
    return "wfdb"
