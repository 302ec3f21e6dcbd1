"""Reading ECG data: WFDB records, database adapters and lazy iteration."""

from .cinc2017 import CinC2017
from .fast import SignalData, read_signal
from .iterate import iter_chunks, iter_records
from .ludb import LUDB, LUDB_LEADS, LUDBRecord
from .mitdb import (
    AAMI_CLASSES,
    DS1,
    DS2,
    PACED,
    aami_counts,
    aami_labels,
    aami_map,
    beat_annotations,
    mitdb_dir,
    mitdb_records,
    patient_groups,
    read_mitdb,
    rhythm_episodes,
)
from .nstdb import nstdb_dir, nstdb_records, parse_nstdb_name, read_nstdb
from .paths import data_root, database_dir, list_records
from .ptbxl import PTBXL
from .qtdb import QTDB, QTDBRecord
from .record import Annotations, ECGRecord, parse_comments, read_header, read_record

__all__ = [
    "AAMI_CLASSES",
    "LUDB",
    "LUDB_LEADS",
    "LUDBRecord",
    "DS1",
    "DS2",
    "PACED",
    "PTBXL",
    "QTDB",
    "QTDBRecord",
    "Annotations",
    "CinC2017",
    "ECGRecord",
    "SignalData",
    "aami_counts",
    "aami_labels",
    "aami_map",
    "beat_annotations",
    "data_root",
    "database_dir",
    "iter_chunks",
    "iter_records",
    "list_records",
    "mitdb_dir",
    "mitdb_records",
    "nstdb_dir",
    "nstdb_records",
    "parse_comments",
    "parse_nstdb_name",
    "patient_groups",
    "read_header",
    "read_mitdb",
    "read_nstdb",
    "read_record",
    "read_signal",
    "rhythm_episodes",
]
