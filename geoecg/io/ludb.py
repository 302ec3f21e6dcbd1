"""LUDB (Lobachevsky University ECG database): 12-lead records and per-lead wave boundaries.

Each LUDB record is 10 s of the 12 standard leads at 500 Hz with one annotation file per
lead (``N.i`` ... ``N.v6``) in which cardiologists marked every P wave, QRS complex and T
wave as a triplet: onset ``(``, peak (``p``, ``N``, ``t``) and offset ``)``.

Quirks (Kalyakulina et al. 2020; PhysioNet LUDB 1.0.1 files):

* each lead's header gain equals the lead's raw range, so every lead spans exactly 1 mV
  peak to peak in wfdb's physical units. :meth:`LUDB.read` therefore returns, by default,
  the raw ADC values divided by 1000 (the raw values look like microvolts; this is not
  documented by the database), ``units="header"`` gives wfdb's normalised signal;
* the first and last beat of a strip are often left unannotated: score detections only
  inside :func:`annotated_span` of each lead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb

__all__ = [
    "LUDB", "LUDB_LEADS", "LUDBRecord", "WAVES", "annotated_span", "parse_wave_annotations",
    "read_wave_annotations",
]  # fmt: skip

#: Lead names as written in the LUDB headers and annotation file extensions.
LUDB_LEADS = ("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6")
#: Wave names and the peak symbol that marks each in the annotation files.
WAVES = {"p": "P", "N": "QRS", "t": "T"}

_COLUMNS = ["record", "lead", "wave", "onset", "peak", "offset"]
#: WFDB beat labels (a QT-database QRS peak keeps its source database's label).
_BEAT_LABELS = frozenset("NLRBAaJSVrFejnE/fQ?")


@dataclass(frozen=True)
class LUDBRecord:
    """One LUDB record.

    Attributes
    ----------
    name : str
        Record number as a string (``"1"``).
    signal : ndarray of float64, shape (12, 5000)
        Signal, leads in the order of :data:`LUDB_LEADS` (mV, see the module Notes on units).
    fs : float
        Sampling rate (Hz), 500.
    waves : DataFrame
        One row per annotated wave and lead: ``record``, ``lead``, ``wave`` (``"P"``,
        ``"QRS"``, ``"T"``), ``onset``, ``peak``, ``offset`` (sample indices, int64; -1 where
        a triplet lacks that mark).
    metadata : dict
        The record's row of ``ludb.csv`` (sex, age, rhythms, axis, ...), stripped strings.
    lead_names : tuple of str
        The names of the signal's rows, :data:`LUDB_LEADS` (read-only property, as on
        :class:`~geoecg.io.ECGRecord`; the ``lead`` column of ``waves`` uses them).
    """

    name: str
    signal: np.ndarray
    fs: float
    waves: pd.DataFrame
    metadata: dict

    @property
    def lead_names(self) -> tuple[str, ...]:
        """Lead of each row of :attr:`signal`: :data:`LUDB_LEADS`."""
        return LUDB_LEADS


def parse_wave_annotations(sample, symbol) -> list[tuple[str, int, int, int]]:
    """Group LUDB ``(`` / peak / ``)`` marks into waves.

    Parameters
    ----------
    sample : array_like of int
        Annotation sample indices, in time order.
    symbol : array_like of str
        Annotation symbols: ``(``, ``)``, or a peak symbol of :data:`WAVES`.

    Returns
    -------
    list of (wave, onset, peak, offset)
        ``wave`` is ``"P"``, ``"QRS"`` or ``"T"``; a missing onset or offset is -1. Marks
        that belong to no peak are ignored.

    Examples
    --------
    >>> parse_wave_annotations([10, 20, 30, 50, 60], ["(", "N", ")", "t", ")"])
    [('QRS', 10, 20, 30), ('T', -1, 50, 60)]
    """
    sample = np.asarray(sample, dtype=np.int64)
    symbol = [str(s) for s in symbol]
    if len(symbol) != sample.shape[0]:
        raise ValueError(f"sample ({sample.shape[0]}) and symbol ({len(symbol)}) differ in length")
    out = []
    for k, s in enumerate(symbol):
        if s not in WAVES:
            continue
        onset = int(sample[k - 1]) if k > 0 and symbol[k - 1] == "(" else -1
        offset = int(sample[k + 1]) if k + 1 < len(symbol) and symbol[k + 1] == ")" else -1
        out.append((WAVES[s], onset, int(sample[k]), offset))
    return out


def annotated_span(waves: pd.DataFrame, margin: int = 0) -> tuple[int, int]:
    """First and one-past-last annotated sample of a lead's waves (``[start, stop)``).

    The span runs from the earliest mark (onset, else peak) to the latest mark (offset, else
    peak) of any wave of the table, widened by ``margin`` samples on each side. An empty table
    gives ``(0, 0)``.

    Parameters
    ----------
    waves : pandas.DataFrame
        One lead's waves (columns ``onset``, ``peak``, ``offset``: samples, -1 where a
        mark is missing).
    margin : int, default 0
        Samples added on each side.

    Returns
    -------
    (int, int)
        ``start`` and ``stop`` in samples.
    """
    if len(waves) == 0:
        return 0, 0
    first = np.where(waves["onset"] >= 0, waves["onset"], waves["peak"]).min()
    last = np.where(waves["offset"] >= 0, waves["offset"], waves["peak"]).max()
    return int(first) - margin, int(last) + 1 + margin


class LUDB:
    """Adapter for a LUDB folder (``ludb.csv`` and ``data/N.hea``, ``.dat``, ``N.<lead>``).

    Parameters
    ----------
    root : path-like
        The LUDB folder (holding ``data/``), or ``data/`` itself, or a parent holding
        ``ludb/``.

    Examples
    --------
    >>> db = LUDB("/path/to/ludb")  # doctest: +SKIP
    >>> rec = db.read("1")  # doctest: +SKIP
    >>> rec.waves.query("lead == 'ii' and wave == 'QRS'").head()  # doctest: +SKIP
    """

    def __init__(self, root: str | os.PathLike):
        root = Path(root)
        for cand in (root / "data", root, root / "ludb" / "data"):
            if cand.is_dir() and any(cand.glob("*.i")):
                self.data_dir = cand
                break
        else:
            raise FileNotFoundError(
                f"{root} is not a LUDB folder: expected data/N.hea, N.dat and per-lead "
                "annotation files N.i ... N.v6 in it or in its data/ subfolder"
            )
        csv = self.data_dir.parent / "ludb.csv"
        self._meta = pd.read_csv(csv, dtype=str).fillna("") if csv.is_file() else None

    def records(self) -> list[str]:
        """Record names (numbers as strings) with a header and signal file, numeric order."""
        names = [p.stem for p in self.data_dir.glob("*.hea") if p.with_suffix(".dat").is_file()]
        return sorted(names, key=lambda s: (len(s), s))

    def metadata(self, name: str) -> dict:
        """Row of ``ludb.csv`` for record ``name`` (empty dict if the CSV is absent)."""
        if self._meta is None:
            return {}
        rows = self._meta[self._meta["ID"].str.strip() == str(name)]
        if rows.empty:
            return {}
        return {k: str(v).strip() for k, v in rows.iloc[0].items()}

    def sex(self, name: str) -> str | None:
        """``"M"``, ``"F"`` or None, from ``ludb.csv`` (or the header comments)."""
        s = self.metadata(name).get("Sex", "")
        if s in ("M", "F"):
            return s
        hea = wfdb.rdheader(str(self.data_dir / str(name)))
        for c in hea.comments or []:
            if c.startswith("<sex>:"):
                v = c.split(":", 1)[1].strip()
                return v if v in ("M", "F") else None
        return None

    def missing_annotations(self, names=None) -> dict[str, list[str]]:
        """Leads whose annotation file (``N.<lead>``) is absent, per record that lacks any.

        Parameters
        ----------
        names : sequence of str, optional
            Records to check (default: :meth:`records`).

        Returns
        -------
        dict
            ``{record: [lead, ...]}`` for the records with at least one annotation file
            missing (an interrupted download); empty when every file is there.
        """
        names = self.records() if names is None else [str(n) for n in names]
        out = {}
        for name in names:
            base = self.data_dir / name
            lost = [ld for ld in LUDB_LEADS if not base.with_name(f"{name}.{ld}").is_file()]
            if lost:
                out[name] = lost
        return out

    def waves(self, name: str, leads=None) -> pd.DataFrame:
        """Annotated waves of record ``name`` as a tidy table (see :class:`LUDBRecord`)."""
        leads = LUDB_LEADS if leads is None else tuple(leads)
        bad = [ld for ld in leads if ld not in LUDB_LEADS]
        if bad:
            raise ValueError(f"unknown LUDB leads {bad}; expected names from {LUDB_LEADS}")
        rows = []
        base = self.data_dir / str(name)
        for ld in leads:
            if not base.with_name(f"{base.name}.{ld}").is_file():
                raise FileNotFoundError(f"LUDB annotation file {base}.{ld} is missing")
            ann = wfdb.rdann(str(base), ld)
            for wave, on, pk, off in parse_wave_annotations(ann.sample, ann.symbol):
                rows.append((str(name), ld, wave, on, pk, off))
        df = pd.DataFrame(rows, columns=_COLUMNS)
        for c in ("onset", "peak", "offset"):
            df[c] = df[c].astype(np.int64)
        return df

    def read(self, name: str, *, units: str = "raw") -> LUDBRecord:
        """Read record ``name`` with its waves and metadata.

        Parameters
        ----------
        name : str or int
            Record number.
        units : {"raw", "header"}
            ``"raw"``: ADC values / 1000 (physiological amplitudes if the raw unit is µV);
            ``"header"``: wfdb's physical signal, each lead scaled to 1 mV peak to peak.
        """
        if units not in ("raw", "header"):
            raise ValueError(f"units must be 'raw' or 'header', got {units!r}")
        name = str(name)
        base = self.data_dir / name
        if not base.with_suffix(".hea").is_file():
            raise FileNotFoundError(f"LUDB record {name!r} not found: {base}.hea is missing")
        if units == "raw":
            r = wfdb.rdrecord(str(base), physical=False)
            sig = (r.d_signal.astype(np.float64) - np.asarray(r.baseline, float)) / 1000.0
            # WFDB's invalid-sample value of each format (-32768 in format 16) is a gap
            invalid = _invalid_values(r.fmt)
            sig[r.d_signal == invalid[None, :]] = np.nan
        else:
            r = wfdb.rdrecord(str(base))
            sig = r.p_signal.astype(np.float64)
        names = [s.lower() for s in r.sig_name]
        absent = [ld for ld in LUDB_LEADS if ld not in names]
        if absent:
            raise ValueError(
                f"LUDB record {name!r} ({base}.hea) has no signal for leads {absent}: "
                f"its leads are {list(r.sig_name)}; expected the 12 leads {list(LUDB_LEADS)}"
            )
        order = [names.index(ld) for ld in LUDB_LEADS]
        signal = np.ascontiguousarray(sig[:, order].T)
        signal.setflags(write=False)
        return LUDBRecord(
            name=name,
            signal=signal,
            fs=float(r.fs),
            waves=self.waves(name),
            metadata=self.metadata(name),
        )


#: The digital value WFDB reserves for an invalid sample, per signal format (WFDB
#: ``signal(5)``; format 8 has none).
_INVALID = {"16": -32768, "61": -32768, "160": -32768, "516": -32768, "212": -2048,
            "310": -512, "311": -512, "80": -128, "508": -128, "24": -8388608,
            "524": -8388608, "32": -2147483648}  # fmt: skip


def _invalid_values(fmts) -> np.ndarray:
    """:data:`_INVALID` of each signal's format (a value no sample has where none)."""
    none = np.iinfo(np.int64).min
    return np.asarray([_INVALID.get(str(f), none) for f in fmts], dtype=np.int64)


def read_wave_annotations(path, annotator: str = "q1c") -> pd.DataFrame:
    """Wave boundaries of a QT-database-style annotation file as a tidy table.

    The QT database (Laguna et al. 1997) marks waves as LUDB does, ``(`` peak ``)`` with
    peak symbols ``p``, ``N`` and ``t`` (``q1c``/``q2c``: cardiologists, on a subset of beats,
    both leads seen together; ``pu0``/``pu1``: automatic, per lead). Its QRS peaks can carry
    the beat label inherited from the first-pass files (``A``, ``B``, ``N``, ``Q``, ``V``); every
    WFDB beat label is read as a QRS, so premature and ventricular beats are not dropped. A ``u``
    (U wave) peak and marks outside a triplet are ignored.

    Parameters
    ----------
    path : path-like
        Record path without extension (``".../qtdb/sel100"``).
    annotator : str, default "q1c"
        Annotation file extension.

    Returns
    -------
    DataFrame
        Columns ``record``, ``lead`` (the annotator name), ``wave``, ``onset``, ``peak``,
        ``offset`` (sample indices; -1 where a triplet lacks a mark).
    """
    base = Path(path)
    f = base.with_name(f"{base.name}.{annotator}")
    if not f.is_file():
        raise FileNotFoundError(f"annotation file {f} is missing")
    ann = wfdb.rdann(str(base), annotator)
    sym = ["N" if s in _BEAT_LABELS else s for s in ann.symbol]
    rows = [(base.name, annotator, *w) for w in parse_wave_annotations(ann.sample, sym)]
    df = pd.DataFrame(rows, columns=_COLUMNS)
    for c in ("onset", "peak", "offset"):
        df[c] = df[c].astype(np.int64)
    return df
