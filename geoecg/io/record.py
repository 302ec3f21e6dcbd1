"""Read one WFDB record into a frozen :class:`ECGRecord` (signal in mV, annotations, metadata)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import wfdb

from .._validation import select_leads
from .header import _record_base, _short_signal_files, parse_comments, read_header

__all__ = ["Annotations", "ECGRecord", "read_record", "read_header", "parse_comments"]

# Physical units wfdb may report, with the factor that converts them to mV.
_TO_MV = {
    "mv": 1.0,
    "millivolt": 1.0,
    "millivolts": 1.0,
    "uv": 1e-3,
    "µv": 1e-3,
    "μv": 1e-3,
    "microvolt": 1e-3,
    "microvolts": 1e-3,
    "nv": 1e-6,
    "v": 1e3,
    "volt": 1e3,
    "volts": 1e3,
}


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class Annotations:
    """Annotations of one record, aligned arrays (one element per annotation).

    Attributes
    ----------
    sample : ndarray of int64
        Sample index of each annotation, relative to the first sample of the signal it
        was read with (``sampfrom`` is already subtracted).
    symbol : ndarray of str
        WFDB annotation code (``"N"``, ``"V"``, ``"+"`` for rhythm changes, ...).
    aux_note : ndarray of str
        Auxiliary note (``"(AFIB"`` for a rhythm change, free text otherwise); ``""`` if none.
    chan : ndarray of int64
        Signal number the annotation refers to (0 for most beat annotations).
    extension : str
        Annotator name (file extension), e.g. ``"atr"``; ``""`` when there is none.
    """

    sample: np.ndarray
    symbol: np.ndarray
    aux_note: np.ndarray
    chan: np.ndarray
    extension: str = ""

    def __post_init__(self):
        n = len(self.sample)
        for name in ("symbol", "aux_note", "chan"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Annotations.{name} has {len(getattr(self, name))} elements, "
                    f"expected {n} (one per sample index)"
                )

    @classmethod
    def empty(cls, extension: str = "") -> Annotations:
        """Return an annotation set with no annotations."""
        return cls(
            sample=_readonly(np.zeros(0, dtype=np.int64)),
            symbol=_readonly(np.zeros(0, dtype="<U1")),
            aux_note=_readonly(np.zeros(0, dtype="<U1")),
            chan=_readonly(np.zeros(0, dtype=np.int64)),
            extension=extension,
        )

    def __len__(self) -> int:
        return len(self.sample)

    def select(self, mask: np.ndarray) -> Annotations:
        """Return the annotations where ``mask`` is true (boolean or index array)."""
        return Annotations(
            sample=_readonly(np.asarray(self.sample)[mask]),
            symbol=_readonly(np.asarray(self.symbol)[mask]),
            aux_note=_readonly(np.asarray(self.aux_note)[mask]),
            chan=_readonly(np.asarray(self.chan)[mask]),
            extension=self.extension,
        )

    def to_frame(self):
        """Return the annotations as a :class:`pandas.DataFrame`."""
        import pandas as pd

        return pd.DataFrame(
            {
                "sample": self.sample,
                "symbol": self.symbol,
                "aux_note": self.aux_note,
                "chan": self.chan,
            }
        )


@dataclass(frozen=True)
class ECGRecord:
    """One ECG record: signal in mV, sampling rate, lead names, annotations and metadata.

    Attributes
    ----------
    name : str
        Record name (file stem, e.g. ``"101"``).
    signal : ndarray of float64, shape (n_leads, n_samples)
        Physical signal in mV (read-only). Missing samples are NaN.
    fs : float
        Sampling frequency in Hz.
    lead_names : tuple of str
        Lead (signal) names from the header, e.g. ``("MLII", "V1")``.
    units : tuple of str
        Units as written in the header; ``signal`` is always converted to mV.
    annotations : Annotations
        Annotations read with the record (empty if the annotation file is absent).
    metadata : mapping
        Header comments parsed into ``age`` (years, NaN if unknown), ``sex``
        (``"M"``, ``"F"`` or ``None``), ``comments`` (the raw lines) and any
        ``key: value`` pairs found in them.
    path : str
        Path of the record without extension.
    sampfrom : int
        Index in the file of the first sample of ``signal``.
    """

    name: str
    signal: np.ndarray
    fs: float
    lead_names: tuple[str, ...]
    units: tuple[str, ...]
    annotations: Annotations
    metadata: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    path: str = ""
    sampfrom: int = 0

    @property
    def n_leads(self) -> int:
        """Number of leads."""
        return self.signal.shape[0]

    @property
    def n_samples(self) -> int:
        """Number of samples per lead."""
        return self.signal.shape[1]

    @property
    def duration_s(self) -> float:
        """Duration in seconds."""
        return self.n_samples / self.fs

    def lead(self, name: str) -> np.ndarray:
        """Return the signal of the lead called ``name`` (1-D, mV)."""
        try:
            return self.signal[self.lead_names.index(name)]
        except ValueError:
            raise KeyError(
                f"record {self.name!r} has no lead {name!r}; leads: {self.lead_names}"
            ) from None

    def __repr__(self) -> str:
        return (
            f"ECGRecord(name={self.name!r}, n_leads={self.n_leads}, n_samples={self.n_samples}, "
            f"fs={self.fs:g}, leads={list(self.lead_names)}, n_annotations={len(self.annotations)})"
        )


def _read_annotations(base: Path, extension: str | None, sampfrom: int, sampto: int) -> Annotations:
    if not extension:
        return Annotations.empty()
    ann_path = base.with_name(f"{base.name}.{extension}")
    if not ann_path.is_file():
        return Annotations.empty(extension)
    try:
        ann = wfdb.rdann(str(base), extension)
    except Exception as exc:
        raise ValueError(
            f"cannot read annotation file {ann_path}: {exc} (corrupt or truncated?)"
        ) from exc
    sample = np.asarray(ann.sample, dtype=np.int64)
    keep = (sample >= sampfrom) & (sample < sampto)
    n = len(sample)
    symbol = np.asarray(ann.symbol if ann.symbol is not None else [""] * n, dtype=str)
    aux = ann.aux_note if ann.aux_note is not None else [""] * n
    aux = np.asarray([a.rstrip("\x00") if isinstance(a, str) else "" for a in aux], dtype=str)
    chan = np.asarray(ann.chan if ann.chan is not None else np.zeros(n), dtype=np.int64)
    if 0 < sampfrom < sampto:
        # Carry the rhythm in force at ``sampfrom`` into the window as a rhythm annotation at
        # its first sample, so that a window that starts inside an episode knows its rhythm.
        before = np.flatnonzero(
            (sample < sampfrom) & (symbol == "+") & np.char.startswith(aux, "(")
        )
        at_start = np.any((sample == sampfrom) & (symbol == "+"))
        if before.size and not at_start:
            j = before[-1]
            sample = np.concatenate(([sampfrom], sample))
            symbol = np.concatenate((["+"], symbol))
            aux = np.concatenate(([aux[j]], aux))
            chan = np.concatenate(([chan[j]], chan))
            keep = np.concatenate(([True], keep))
    if symbol.size == 0:
        symbol = np.zeros(0, dtype="<U1")
    if aux.size == 0:
        aux = np.zeros(0, dtype="<U1")
    return Annotations(
        sample=_readonly(sample[keep] - sampfrom),
        symbol=_readonly(symbol[keep]),
        aux_note=_readonly(aux[keep]),
        chan=_readonly(chan[keep]),
        extension=extension,
    )


def _unit_message(record: str, lead: str, unit: str, names, units) -> str:
    """The error for a signal whose unit is not a voltage, naming the voltage leads."""
    ecg = [n for n, u in zip(names, units, strict=True) if (u or "mV").strip().lower() in _TO_MV]
    hint = f"; read the voltage leads only with channels={ecg}" if ecg else ""
    return f"record {record!r} lead {lead!r} has unit {unit!r}; expected one of mV, uV, V{hint}"


def read_record(
    path: str | os.PathLike,
    *,
    channels: list[int] | list[str] | None = None,
    sampfrom: int = 0,
    sampto: int | None = None,
    annotator: str | None = "atr",
) -> ECGRecord:
    """Read a WFDB record (single- or multi-segment, ``.dat`` or ``.mat`` signal files).

    Parameters
    ----------
    path : str or path-like
        Record path without extension (``".../mitdb/101"``); a ``.hea``/``.dat``/``.mat``
        suffix is accepted and stripped.
    channels : str, int or list of str or int, optional
        Leads to read, by index or by exact name (``["MLII"]``), distinct, in the order
        given; one name or index alone is one lead. Default: all.
    sampfrom, sampto : int
        First sample and one past the last sample to read. Default: the whole record.
    annotator : str or None, default "atr"
        Extension of the annotation file to read with the record. ``None`` reads none. A
        missing annotation file gives empty annotations, not an error. Annotation sample
        indices are relative to ``sampfrom``; when a window starts inside a rhythm episode,
        a rhythm annotation (``"+"`` with the episode's aux note) is added at sample 0.

    Returns
    -------
    ECGRecord
        Frozen record with ``signal`` float64 ``(n_leads, n_samples)`` in mV, at the frame
        rate ``fs``: a lead stored with several samples per frame (a higher rate) is
        averaged over each frame.

    Raises
    ------
    FileNotFoundError
        If the header or a signal file is missing; the message names the expected files.
    ValueError
        If the header cannot be parsed, the signal file is shorter than the header says,
        an unknown unit is found, or the sample range is invalid; if ``channels`` names a
        lead the record lacks, an index out of range, a lead twice or no lead (before
        session 11 the last two failed inside wfdb with a "truncated file" message).
    TypeError
        If ``channels`` or the sample bounds have the wrong type.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> rec = read_record(sample_record_path("mitdb_119"))
    >>> rec.fs, rec.lead_names, rec.signal.dtype
    (360.0, ('MLII', 'V1'), dtype('float64'))
    >>> int((rec.annotations.symbol == "V").sum()) > 0
    True
    """
    for name, value in (("sampfrom", sampfrom), ("sampto", sampto)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | np.integer)
        ):
            raise TypeError(f"{name} must be an int sample index, got {type(value).__name__}")
    if sampfrom < 0:
        raise ValueError(f"sampfrom must be >= 0, got {sampfrom}")
    base = _record_base(path)
    header = read_header(base)
    if header.sig_len is None:
        raise ValueError(
            f"the header of WFDB record {base.name!r} gives no signal length (the 4th field "
            "of its record line): add the number of samples per signal"
        )
    sig_len = int(header.sig_len)
    if sampto is None:
        sampto = sig_len
    if sampto > sig_len:
        raise ValueError(
            f"sampto={sampto} is past the end of record {base.name!r} ({sig_len} samples)"
        )
    if sampto < sampfrom:
        raise ValueError(f"sampto ({sampto}) must be >= sampfrom ({sampfrom})")

    names = list(header.sig_name or [])
    chan_idx: list[int] | None = None
    if channels is not None:
        chan_idx = select_leads(channels, names, "channels", f" in record {base.name!r}")

    if sampto == sampfrom:
        n_leads = len(chan_idx) if chan_idx is not None else len(names)
        signal = np.zeros((n_leads, 0))
        units = tuple(header.units[i] for i in (chan_idx or range(n_leads))) if header.units else ()
        sel_names = [names[i] for i in chan_idx] if chan_idx is not None else names
        fs = float(header.fs)
    elif not names and not getattr(header, "n_sig", 0):
        raise ValueError(
            f"the header of WFDB record {base.name!r} declares 0 signals (an annotation-only "
            f"record?) but {sig_len} samples; expected at least one signal line"
        )
    else:
        # Several samples per frame (a lead stored at a multiple of the frame rate): read
        # them all and average each frame in physical units. wfdb's own smoothing averages
        # the ADC integers with floor division (frame [0, 1] -> 0, half an ADC unit low).
        spf = list(getattr(header, "samps_per_frame", None) or [])
        multi_rate = not getattr(header, "seg_name", None) and any((k or 1) > 1 for k in spf)
        try:
            rec = wfdb.rdrecord(
                str(base),
                channels=chan_idx,
                sampfrom=sampfrom,
                sampto=sampto,
                physical=True,
                m2s=True,
                smooth_frames=not multi_rate,
                return_res=64,
            )
            if multi_rate:
                rec.p_signal = np.column_stack(
                    [np.asarray(e, dtype=np.float64).reshape(sampto - sampfrom, -1).mean(axis=1)
                     for e in rec.e_p_signal]
                )  # fmt: skip
        except FileNotFoundError as exc:
            raise FileNotFoundError(
                f"signal file of WFDB record {str(base)!r} is missing ({exc.filename or exc}); "
                f"the header lists {sorted(set(header.file_name or []))}"
            ) from exc
        except Exception as exc:
            short = _short_signal_files(base, header)
            if short:
                raise ValueError(
                    f"WFDB record {str(base)!r}: truncated signal file: {short} "
                    f"({sig_len} samples of {len(names)} signals; an interrupted download?)"
                ) from exc
            raise ValueError(
                f"cannot read the signal of WFDB record {str(base)!r}: {exc} "
                "(corrupt or truncated signal file, or a header inconsistent with it)"
            ) from exc
        p = rec.p_signal
        if p is None or p.ndim != 2 or p.shape[0] != sampto - sampfrom:
            got = None if p is None else p.shape[0]
            raise ValueError(
                f"WFDB record {str(base)!r}: header promises {sampto - sampfrom} samples in "
                f"[{sampfrom}, {sampto}) but the signal file gave {got} (truncated file?)"
            )
        fs = float(rec.fs)
        units = tuple(rec.units or ["mV"] * p.shape[1])
        sel_names = list(rec.sig_name or [])
        signal = np.array(p.T, dtype=np.float64, order="C")
        for i, u in enumerate(units):
            key = (u or "mV").strip().lower()
            if key not in _TO_MV:
                raise ValueError(_unit_message(base.name, sel_names[i], u, sel_names, units))
            if _TO_MV[key] != 1.0:
                signal[i] *= _TO_MV[key]
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"record {base.name!r} has an invalid sampling frequency {fs!r} Hz")

    comments = list(getattr(header, "comments", None) or [])
    meta = parse_comments(comments)
    meta["n_samples_file"] = sig_len
    anns = _read_annotations(base, annotator, sampfrom, sampto)
    return ECGRecord(
        name=base.name,
        signal=_readonly(signal),
        fs=fs,
        lead_names=tuple(sel_names),
        units=tuple(units),
        annotations=anns,
        metadata=MappingProxyType(meta),
        path=str(base),
        sampfrom=int(sampfrom),
    )
