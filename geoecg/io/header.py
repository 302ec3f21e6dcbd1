"""WFDB headers: read one without its signal, parse its comments into metadata, and check
it against its signal files before wfdb reads them (counts that disagree, files shorter
than the header promises), so that a broken record fails with a message naming what is
wrong.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import wfdb

from ._wfdb_headers import install as _install_fast_header_parser

_install_fast_header_parser()  # wfdb's signal-line parser without per-field pandas look-ups

__all__ = ["parse_comments", "read_header"]

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
    if isinstance(comments, str | bytes) or not hasattr(comments, "__iter__"):
        raise TypeError(
            f"comments must be a list of header comment lines (str), got "
            f"{type(comments).__name__} (wrap one line in a list)"
        )
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
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"path must be the path of a WFDB record (str or Path), got {type(path).__name__}"
        )
    p = Path(path)
    if p.suffix.lower() in (".hea", ".dat", ".mat", ".atr", ".qrs", ".ecg"):
        p = p.with_suffix("")
    return p


#: file endings of formats that are not WFDB (read_record says so instead of "not found")
_OTHER_FORMATS = {".edf": "EDF", ".bdf": "BDF", ".xml": "XML", ".csv": "CSV", ".npy": "NumPy"}
_ARTICLE = {"EDF": "an", "XML": "an"}


def _check_exists(base: Path) -> None:
    hea = base.with_name(base.name + ".hea")
    if not hea.is_file():
        where = base.parent if str(base.parent) else Path(".")
        fmt = _OTHER_FORMATS.get(base.suffix.lower())
        if fmt is not None and base.is_file():
            raise FileNotFoundError(
                f"{str(base)!r} is {_ARTICLE.get(fmt, 'a')} {fmt} file: geoecg reads WFDB "
                "records (a .hea header and its signal files). Convert it first"
                + (
                    " (EDF/BDF: wfdb.io.convert.edf.read_edf returns a wfdb Record, "
                    "Record.wrsamp() writes it as WFDB)"
                    if fmt in ("EDF", "BDF")
                    else ""
                )
                + ", or pass the signal array to the functions directly"
            )
        if base.is_dir():
            first = sorted(base.glob("*.hea"))[:1]  # else the first of up to 2 levels down:
            for pattern in ("*/*.hea", "*/*/*.hea") if not first else ():
                first = first or [f for f in [next(base.glob(pattern), None)] if f is not None]
            example = str(first[0].with_suffix("")) if first else f"{base}/RECORD"
            raise FileNotFoundError(
                f"{str(base)!r} is a folder, not a record: give a record path such as "
                f"{example!r} (geoecg.io.list_records lists a folder's records)"
                + ("" if first else f"; no .hea header in {base} or 2 levels below it")
            )
        hint = ""
        if where.is_dir():
            stems = sorted(q.stem for q in where.glob("*.hea"))
            close = difflib.get_close_matches(base.name, stems, n=3, cutoff=0.5)
            if close:
                hint = f"; closest records in {where}: {close}"
            elif stems:
                hint = f"; headers present in {where}: {[s + '.hea' for s in stems[:5]]}"
            else:
                hint = f"; {where} has no .hea files"
            if not stems and not base.exists():
                hint = f"; there is no file or folder {base.name!r} in {where}"
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

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> h = read_header(sample_record_path("mitdb_119"))
    >>> h.fs, h.sig_name, h.sig_len
    (360, ['MLII', 'V1'], 108000)
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


def _positive_number(text: str) -> bool:
    try:
        return 0 < float(text) < np.inf
    except ValueError:
        return False


def _header_count_mismatch(base: Path) -> str | None:
    """Say so when the record line's signal (or segment) count disagrees with the number of
    signal (segment) lines that follow it, or its sampling frequency is not a positive
    number; None when they agree or the line is unreadable."""
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
    if len(head) > 2 and not _positive_number(head[2].split("/")[0].split("(")[0]):
        return (  # wfdb would fall back to 250 Hz without a word
            f"the record line's sampling frequency {head[2]!r} is not a positive number (Hz)"
        )
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


def check_signal_files(folder, names) -> None:
    """Raise a ValueError naming the first record of ``names`` in ``folder`` whose signal
    files are shorter than its header promises (:func:`_short_signal_files`: file, bytes
    held, bytes needed), before a long run reaches it; reads headers only. A header wfdb
    cannot read is left to the reader's own message."""
    for name in names:
        base = Path(folder) / name
        try:
            header = wfdb.rdheader(str(base))
        except Exception:  # noqa: BLE001 - the reader names a bad header when it gets there
            continue
        short = _short_signal_files(base, header)
        if short:
            raise ValueError(
                f"WFDB record {str(base)!r}: truncated signal file: {short} "
                f"({header.sig_len} samples of {header.n_sig} signals; an interrupted download?)"
            )
