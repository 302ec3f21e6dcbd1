"""QT database (QTDB) layout: two-lead records with ``q1c``-style wave boundary annotations.

The PhysioNet QT database (Laguna, Mark, Goldberger & Moody 1997) holds 105 records of 15
min, two leads, 250 Hz (``selNNN.hea``/``.dat``), each with annotation files: ``q1c``/``q2c``
(cardiologists; about 30 beats per record marked, both leads seen together) and
``pu0``/``pu1`` (automatic, per lead). Waves are marked as in LUDB, ``(`` peak ``)``, with
peak symbols ``p``, ``N`` and ``t`` (``u`` U waves are ignored).

:class:`QTDB` reads any folder with that layout (records with a header, signal file and the
chosen annotation file); it does not need the database's RECORDS list.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb

from .ludb import read_wave_annotations

__all__ = ["QTDB", "QTDBRecord"]


@dataclass(frozen=True)
class QTDBRecord:
    """One QT-database-style record.

    Attributes
    ----------
    name : str
        Record name (``"sel100"``).
    signal : ndarray of float64, shape (n_leads, n_samples)
        wfdb's physical signal, mV (NaN where the ADC marks a gap).
    fs : float
        Sampling rate, Hz.
    leads : tuple of str
        Signal names from the header.
    waves : DataFrame
        Annotated waves of the annotator (:func:`geoecg.io.ludb.read_wave_annotations`):
        ``record``, ``lead`` (annotator name), ``wave``, ``onset``, ``peak``, ``offset``.
    """

    name: str
    signal: np.ndarray
    fs: float
    leads: tuple
    waves: pd.DataFrame


class QTDB:
    """Adapter for a folder in the QT-database layout.

    Parameters
    ----------
    root : path-like
        Folder holding ``NAME.hea``, ``NAME.dat`` and ``NAME.<annotator>`` files (or a parent
        holding ``qtdb/``).
    annotator : str, default "q1c"
        Annotation file extension used for the reference.

    Examples
    --------
    >>> db = QTDB("/path/to/qtdb")  # doctest: +SKIP
    >>> rec = db.read("sel100")  # doctest: +SKIP
    >>> rec.waves.head()  # doctest: +SKIP
    """

    def __init__(self, root: str | os.PathLike, annotator: str = "q1c"):
        if not isinstance(annotator, str) or not annotator:
            raise ValueError(f"annotator must be a file extension such as 'q1c', got {annotator!r}")
        root = Path(root)
        self.annotator = annotator
        for cand in (root, root / "qtdb"):
            if cand.is_dir() and any(cand.glob(f"*.{annotator}")):
                self.data_dir = cand
                break
        else:
            raise FileNotFoundError(
                f"{root} is not a QT-database folder: expected NAME.hea, NAME.dat and "
                f"NAME.{annotator} annotation files in it (or in its qtdb/ subfolder)"
            )

    def records(self) -> list[str]:
        """Names of the records with a header, a signal file and an annotation file."""
        out = []
        for a in self.data_dir.glob(f"*.{self.annotator}"):
            stem = a.name[: -len(self.annotator) - 1]
            if (self.data_dir / f"{stem}.hea").is_file():
                out.append(stem)
        return sorted(out)

    def read(self, name: str) -> QTDBRecord:
        """Read record ``name`` with the annotator's waves."""
        base = self.data_dir / str(name)
        if not base.with_name(f"{base.name}.hea").is_file():
            raise FileNotFoundError(f"QTDB record {name!r} not found: {base}.hea is missing")
        r = wfdb.rdrecord(str(base))
        sig = np.ascontiguousarray(r.p_signal.T.astype(np.float64))
        sig.setflags(write=False)
        return QTDBRecord(
            name=str(name),
            signal=sig,
            fs=float(r.fs),
            leads=tuple(str(s) for s in r.sig_name),
            waves=read_wave_annotations(base, self.annotator),
        )
