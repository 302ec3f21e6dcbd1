"""MIT-BIH Noise Stress Test Database: noisy records with their SNR, and the noise records.

Record names follow ``<clean record>e<SNR>``, with ``_`` for a minus sign (``118e_6`` is
record 118 with electrode-motion noise at -6 dB). The noise-only records are ``bw``
(baseline wander), ``ma`` (muscle artefact) and ``em`` (electrode motion).

Quirk: the noisy records' headers give ``200(1024)`` gain and baseline with ADC zero 0, so
wfdb returns them with a constant offset of -5.12 mV relative to the mitdb originals; filter
or remove the mean before comparing amplitudes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from .paths import database_dir, list_records
from .record import ECGRecord, read_record

__all__ = ["NOISE_RECORDS", "nstdb_dir", "nstdb_records", "parse_nstdb_name", "read_nstdb"]

#: The NSTDB noise records: baseline wander, muscle artefact, electrode motion.
NOISE_RECORDS = ("bw", "ma", "em")
_NAME = re.compile(r"^(?P<clean>\d+)(?P<kind>e)(?P<snr>_?\d+)$")


def parse_nstdb_name(name: str) -> dict | None:
    """Parse a noisy record name.

    Parameters
    ----------
    name : str
        An NSTDB record name (``"118e06"``, ``"118e_6"``, ``"bw"``).

    Returns
    -------
    dict or None
        ``{"clean": "118", "noise": "em", "snr_db": -6.0}``, or None for other names.

    Examples
    --------
    >>> parse_nstdb_name("118e_6")
    {'clean': '118', 'noise': 'em', 'snr_db': -6.0}
    >>> parse_nstdb_name("bw") is None
    True
    """
    if not isinstance(name, str | os.PathLike):
        raise TypeError(f"name must be a record name (str), got {type(name).__name__} {name!r}")
    m = _NAME.match(Path(name).name)
    if not m:
        return None
    snr = m.group("snr")
    value = -float(snr[1:]) if snr.startswith("_") else float(snr)
    return {"clean": m.group("clean"), "noise": "em", "snr_db": value}


def nstdb_dir(root: str | os.PathLike | None = None) -> Path:
    """Folder of the Noise Stress Test Database (argument, or ``$GEOECG_DATA/nstdb``).

    Parameters
    ----------
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/nstdb``).

    Returns
    -------
    pathlib.Path
        The folder.

    Examples
    --------
    >>> nstdb_dir("/data/physionet").name  # doctest: +SKIP
    'nstdb'
    """
    return database_dir("nstdb", root, marker="*.hea")


def nstdb_records(root: str | os.PathLike | None = None) -> pd.DataFrame:
    """Table of the records present: name, kind (``noisy``/``noise``), clean record, SNR.

    Parameters
    ----------
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/nstdb``).

    Returns
    -------
    DataFrame
        Columns ``record``, ``kind`` (``"noisy"`` or ``"noise"``), ``clean`` (the clean
        MIT-BIH record), ``noise`` (``"em"``, ``"ma"``, ``"bw"``) and ``snr_db`` (dB).

    Examples
    --------
    >>> table = nstdb_records("/data/physionet/nstdb")  # doctest: +SKIP
    >>> table.set_index("record").loc["118e06"].to_dict()  # doctest: +SKIP
    {'kind': 'noisy', 'clean': '118', 'noise': 'em', 'snr_db': 6.0}
    """
    folder = nstdb_dir(root)
    rows = []
    for r in list_records(folder, recursive=False):
        info = parse_nstdb_name(r)
        if info is not None:
            rows.append({"record": r, "kind": "noisy", **info})
        elif r in NOISE_RECORDS:
            rows.append({"record": r, "kind": "noise", "clean": None, "noise": r, "snr_db": None})
    if not rows:
        raise FileNotFoundError(
            f"{folder} holds no Noise Stress Test records: expected noisy records named like "
            f"118e06 ('<record>e<SNR>') or noise records {NOISE_RECORDS} (.hea + .dat)"
        )
    return pd.DataFrame(rows)


def read_nstdb(record: str, root: str | os.PathLike | None = None, **kwargs) -> ECGRecord:
    """Read one NSTDB record (with its ``atr`` annotations for the noisy ones).

    Parameters
    ----------
    record : str
        Record name (``"118e06"``, ``"bw"``).
    root : path-like, optional
        The database folder (default ``$GEOECG_DATA/nstdb``).
    **kwargs
        Passed to :func:`geoecg.io.read_record`.

    Returns
    -------
    ECGRecord
        Signal in mV at 360 Hz; the ``atr`` annotations (empty for the noise records).

    Examples
    --------
    >>> rec = read_nstdb("118e06", "/data/physionet/nstdb")  # doctest: +SKIP
    >>> rec.fs, rec.lead_names, rec.signal.shape  # doctest: +SKIP
    (360.0, ('MLII', 'V1'), (2, 650000))
    """
    return read_record(nstdb_dir(root) / str(record), **kwargs)
