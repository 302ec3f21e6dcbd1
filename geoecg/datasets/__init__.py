"""Small embedded sample data (a few MB) so that examples run with no download.

See ``data/PROVENANCE.md`` for the source, license and exact extraction of every file.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "SAMPLE_RECORDS",
    "sample_data_dir",
    "sample_record_path",
    "sample_mitdb_dir",
    "sample_ptbxl_dir",
    "sample_cinc2017_dir",
]

_DATA = Path(__file__).parent / "data"

#: Embedded MIT-BIH excerpts (5 min, 2 leads, 360 Hz, reference annotations).
SAMPLE_RECORDS = ("mitdb_101", "mitdb_119", "mitdb_201")


def sample_data_dir() -> Path:
    """Folder of the embedded sample data.

    Returns
    -------
    pathlib.Path
        The folder (inside the installed package).

    Examples
    --------
    >>> sorted(p.name for p in sample_data_dir().iterdir() if p.is_dir())
    ['cinc2017', 'mitdb', 'ptbxl']
    """
    return _DATA


def sample_record_path(name: str = "mitdb_119") -> Path:
    """Path (without extension) of an embedded MIT-BIH excerpt.

    Parameters
    ----------
    name : {"mitdb_101", "mitdb_119", "mitdb_201"}
        ``mitdb_101``: clean sinus rhythm; ``mitdb_119``: ventricular bigeminy;
        ``mitdb_201``: atrial fibrillation episodes with rhythm annotations.

    Returns
    -------
    pathlib.Path
        The record path without extension, as :func:`geoecg.io.read_record` takes it.

    Examples
    --------
    >>> from geoecg.io import read_record
    >>> rec = read_record(sample_record_path("mitdb_201"))
    >>> rec.name, rec.fs, rec.lead_names, rec.signal.shape
    ('mitdb_201', 360.0, ('MLII', 'V1'), (2, 108000))
    """
    if name not in SAMPLE_RECORDS:
        raise ValueError(f"unknown sample record {name!r}; available: {SAMPLE_RECORDS}")
    return _DATA / "mitdb" / name


def sample_mitdb_dir() -> Path:
    """Folder of the embedded MIT-BIH excerpts (usable as a small ``mitdb`` root).

    Returns
    -------
    pathlib.Path
        The folder (``.hea``, ``.dat`` and ``.atr`` of each excerpt).

    Examples
    --------
    >>> sorted(p.name for p in sample_mitdb_dir().glob("*.hea"))
    ['mitdb_101.hea', 'mitdb_119.hea', 'mitdb_201.hea']
    """
    return _DATA / "mitdb"


def sample_ptbxl_dir() -> Path:
    """Folder of the embedded PTB-XL subset (20 records at 100 Hz with metadata).

    Returns
    -------
    pathlib.Path
        The folder, in PTB-XL's layout (``ptbxl_database.csv``, ``records100/``).

    Examples
    --------
    >>> from geoecg.io import PTBXL
    >>> db = PTBXL(sample_ptbxl_dir())
    >>> len(db.metadata()), len(db.available())
    (20, 20)
    """
    return _DATA / "ptbxl"


def sample_cinc2017_dir() -> Path:
    """Folder of the embedded CinC 2017 subset (5 records per class N/A/O/~).

    Returns
    -------
    pathlib.Path
        The folder, in the CinC 2017 layout (``A0xxxx.hea``/``.mat`` and a label file).

    Examples
    --------
    >>> from geoecg.io import CinC2017
    >>> CinC2017(sample_cinc2017_dir()).labels().value_counts().sort_index().to_dict()
    {'A': 5, 'N': 5, 'O': 5, '~': 5}
    """
    return _DATA / "cinc2017"
