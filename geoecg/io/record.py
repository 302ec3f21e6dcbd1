"""Read one WFDB record into a frozen :class:`ECGRecord` (signal in mV, annotations, metadata)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import wfdb

from ._wfdb_headers import install as _install_fast_header_parser

_install_fast_header_parser()  # wfdb's signal-line parser without per-field pandas look-ups

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


_AGE_SEX = re.compile(r"^\s*(?P<age>\d+(?:\.\d+)?|\?+|-)\s+(?P<sex>[MFmf?]|male|female)\b", re.I)
_KEY_VALUE = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z0-9_ /\-]*?)\s*:\s*(?P<value>.*?)\s*$")


def _as_float(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return float("nan")


def _as_sex(text: str | None) -> str | None:
    if text is None:
        return None
    t = text.strip().lower()
    if t in ("m", "male", "man", "0"):
        return "M"
    if t in ("f", "female", "woman", "1"):
        return "F"
    return None


def parse_comments(comments: list[str]) -> dict[str, Any]:
    """Parse WFDB header comments into metadata.

    Two conventions are understood: the MIT-BIH line ``"<age> <sex> ..."`` (``"75 F 1011 654
    x1"``; ``"??"`` for unknown age) and ``"Key: value"`` lines (``"Age: 56"``, ``"Sex:
    Female"``, as in the PhysioNet/CinC 2020-2021 challenge headers). Keys are lower-cased.

    Parameters
    ----------
    comments : list of str
        Header comment lines without the leading ``#``.

    Returns
    -------
    dict
        ``age`` (float years, NaN if unknown), ``sex`` (``"M"``/``"F"``/``None``),
        ``comments`` (tuple of the raw lines) and the parsed ``key: value`` pairs.

    Examples
    --------
    >>> md = parse_comments(["75 F 1011 654 x1", "Diapres"])
    >>> md["age"], md["sex"]
    (75.0, 'F')
    >>> parse_comments(["Age: 63", "Sex: Male", "Dx: 164889003"])["dx"]
    '164889003'
    """
    meta: dict[str, Any] = {"age": float("nan"), "sex": None, "comments": tuple(comments)}
    for line in comments:
        m = _KEY_VALUE.match(line)
        if m and not _AGE_SEX.match(line):
            key = m.group("key").strip().lower().replace(" ", "_")
            value = m.group("value")
            if key == "age":
                meta["age"] = _as_float(value)
            elif key in ("sex", "gender"):
                meta["sex"] = _as_sex(value)
            else:
                meta[key] = value
            continue
        m = _AGE_SEX.match(line)
        if m and meta["sex"] is None and np.isnan(meta["age"]):
            meta["age"] = _as_float(m.group("age"))
            meta["sex"] = _as_sex(m.group("sex"))
    return meta


def _record_base(path: str | os.PathLike) -> Path:
    """Strip a WFDB extension (.hea, .dat, .mat, .atr, ...) from ``path``."""
    p = Path(path)
    if p.suffix.lower() in (".hea", ".dat", ".mat", ".atr", ".qrs", ".ecg"):
        p = p.with_suffix("")
    return p


def _check_exists(base: Path) -> None:
    hea = base.with_name(base.name + ".hea")
    if not hea.is_file():
        where = base.parent if str(base.parent) else Path(".")
        hint = ""
        if where.is_dir():
            near = sorted(q.name for q in where.glob("*.hea"))[:5]
            hint = (
                f"; headers present in {where}: {near}" if near else f"; {where} has no .hea files"
            )
        else:
            hint = f"; folder {where} does not exist"
        raise FileNotFoundError(
            f"WFDB record {str(base)!r} not found: expected a header {hea.name} and its signal "
            f"file(s) (e.g. {base.name}.dat or {base.name}.mat){hint}"
        )


def read_header(path: str | os.PathLike):
    """Read only the header of a WFDB record (fast; no signal is read).

    Parameters
    ----------
    path : str or path-like
        Record path with or without the ``.hea`` extension.

    Returns
    -------
    wfdb.Record or wfdb.MultiRecord
        The header object from :func:`wfdb.rdheader`.
    """
    base = _record_base(path)
    _check_exists(base)
    why = _header_count_mismatch(base)
    if why:
        raise ValueError(f"cannot parse the header of WFDB record {str(base)!r}: {why}")
    try:
        return wfdb.rdheader(str(base))
    except Exception as exc:  # wfdb raises many exception types for malformed headers
        raise ValueError(f"cannot parse the header of WFDB record {str(base)!r}: {exc}") from exc


def _header_count_mismatch(base: Path) -> str | None:
    """Say so when the record line's signal (or segment) count disagrees with the number of
    signal (segment) lines that follow it; None when they agree or the line is unreadable."""
    try:
        text = base.with_name(base.name + ".hea").read_text(errors="replace")
    except OSError:
        return None
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if not lines:
        return "the header is empty"
    head = lines[0].split()
    if len(head) < 2 or not head[1].isdigit():
        return None
    found = len(lines) - 1
    if "/" in head[0]:  # multi-segment: "name/n_segments n_signals ..." then segment lines
        seg = head[0].split("/", 1)[1]
        if not seg.isdigit():
            return None
        declared, what = int(seg), "segments"
    else:
        declared, what = int(head[1]), "signals"
    if declared != found:  # info strings are '#' comments, so every other line is counted
        return (
            f"the record line declares {declared} {what} but {found} {what[:-1]} line(s) "
            f"follow; the counts disagree (fix the count on the record line or the "
            f"{what[:-1]} lines)"
        )
    if what == "segments" and len(head) > 3 and head[3].isdigit():
        seg = [ln.split() for ln in lines[1:]]
        if all(len(t) > 1 and t[1].isdigit() for t in seg):
            total = sum(int(t[1]) for t in seg)
            if total != int(head[3]):
                return (
                    f"the record line declares {int(head[3])} samples but its segments "
                    f"hold {total} ({' + '.join(t[1] for t in seg)}); the segment lengths "
                    "must add up to the record length"
                )
    return None


# Bytes per sample of the WFDB storage formats (format 212: two samples in three bytes).
_BYTES_PER_SAMPLE = {
    "8": 1.0, "80": 1.0, "16": 2.0, "61": 2.0, "160": 2.0, "212": 1.5, "310": 4 / 3,
    "311": 4 / 3, "24": 3.0, "32": 4.0,
}  # fmt: skip


def _short_signal_files(base: Path, header) -> str | None:
    """Name the signal files of a single-segment record that are shorter than its header
    says (file, bytes held, bytes needed), for a multi-segment record those of each
    segment; None when they are long enough or the layout is one this check does not know
    (a compressed format, an unreadable segment header)."""
    if getattr(header, "seg_name", None):
        found = []
        for seg, n in zip(header.seg_name, header.seg_len, strict=False):
            if seg != "~" and n:
                try:
                    why = _short_signal_files(
                        base.parent / seg, wfdb.rdheader(str(base.parent / seg))
                    )
                except Exception:  # noqa: BLE001 - no diagnosis; the caller's message stands
                    why = None
                found += [why] if why else []
        return "; ".join(found) or None
    if not header.file_name:
        return None
    need: dict[str, float] = {}
    offset: dict[str, int] = {}
    for i, fname in enumerate(header.file_name):
        bps = _BYTES_PER_SAMPLE.get(str(header.fmt[i]))
        if bps is None or fname == "~":
            return None
        spf = (header.samps_per_frame or [1] * (i + 1))[i] or 1
        need[fname] = need.get(fname, 0.0) + bps * spf
        offset[fname] = int((header.byte_offset or [0] * (i + 1))[i] or 0)
    short = []
    for fname, per_frame in need.items():
        path = base.parent / fname
        want = offset[fname] + int(np.ceil(per_frame * int(header.sig_len)))
        have = path.stat().st_size if path.is_file() else 0
        if have < want:
            short.append(f"{path} holds {have} of the {want} bytes the header promises")
    return "; ".join(short) or None


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
    channels : list of int or list of str, optional
        Leads to read, by index or by name (``["MLII"]``). Default: all.
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
        an unknown unit is found, or the sample range is invalid.
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
        if isinstance(channels, str | int):
            channels = [channels]
        chan_idx = []
        for c in channels:
            if isinstance(c, str):
                if c not in names:
                    raise ValueError(f"record {base.name!r} has no lead {c!r}; leads: {names}")
                chan_idx.append(names.index(c))
            elif isinstance(c, int | np.integer) and not isinstance(c, bool):
                if not 0 <= int(c) < len(names):
                    raise ValueError(
                        f"channel index {c} out of range for record {base.name!r} "
                        f"with {len(names)} leads"
                    )
                chan_idx.append(int(c))
            else:
                raise TypeError(f"channels must be ints or lead names, got {c!r}")

    if sampto == sampfrom:
        n_leads = len(chan_idx) if chan_idx is not None else len(names)
        signal = np.zeros((n_leads, 0))
        units = tuple(header.units[i] for i in (chan_idx or range(n_leads))) if header.units else ()
        sel_names = [names[i] for i in chan_idx] if chan_idx is not None else names
        fs = float(header.fs)
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
