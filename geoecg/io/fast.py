"""A fast signal-only WFDB reader for the common single-segment formats (cohort extraction).

``wfdb.rdrecord`` parses headers with pandas and costs 20-70 ms per 12-lead 10-s record,
more than every geoecg feature of that record together. :func:`read_signal` parses the
header in plain Python and decodes the signal file with NumPy; it returns the same float64
values as :func:`geoecg.io.read_record` (``(digital - baseline) / gain``, invalid samples
NaN, units converted to mV: the same operations in the same order, so the values are equal
bit for bit; tested on every record of the shared databases). Anything it does not handle
(multi-segment records, several samples per frame, skew, formats other than 16, 61, 80,
212, 24 and 32, signals stored in EDF or other containers) is read with
:func:`geoecg.io.read_record` instead, so the result never depends on which path was taken.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .record import _TO_MV, _unit_message, read_record

__all__ = ["SignalData", "read_signal"]

# Digital value that marks a missing sample, per format (WFDB convention).
_INVALID = {"16": -32768, "61": -32768, "80": -128, "212": -2048, "24": -(2**23), "32": -(2**31)}
_DEFAULT_GAIN = 200.0  # WFDB: a gain of 0 or none means 200 adu per physical unit
_DEFAULT_FS = 250.0


@dataclass(frozen=True)
class SignalData:
    """Signal of one record, without annotations or header comments.

    Attributes
    ----------
    signal : ndarray of float64, shape (n_leads, n_samples)
        Physical signal in mV; missing samples are NaN.
    fs : float
        Sampling frequency in Hz.
    lead_names : tuple of str
        Lead names from the header.
    """

    signal: np.ndarray
    fs: float
    lead_names: tuple[str, ...]


class _Fallback(Exception):
    """The header uses a feature the fast path does not handle."""


def _parse_header(base: Path):
    lines = []
    with open(f"{base}.hea", encoding="latin-1") as fh:
        for ln in fh:
            s = ln.strip()
            if s and not s.startswith("#"):
                lines.append(s.split("#", 1)[0].split())
    if not lines:
        raise ValueError(f"WFDB header {base}.hea is empty")
    head = lines[0]
    if "/" in head[0] or len(head) < 2:
        raise _Fallback  # multi-segment record
    try:
        n_sig = int(head[1])
        fs = float(head[2].split("/")[0].split("(")[0]) if len(head) > 2 else _DEFAULT_FS
        n_samp = int(head[3]) if len(head) > 3 else None
    except ValueError:
        raise _Fallback from None  # a malformed record line: the wfdb path names what is wrong
    if n_samp is None or n_sig < 1:
        raise _Fallback  # length not in the header, or no signal
    if len(lines) < 1 + n_sig:
        raise ValueError(
            f"WFDB header {base}.hea declares {n_sig} signals but has {len(lines) - 1} signal lines"
        )
    sigs = []
    try:
        for i, tok in enumerate(lines[1 : 1 + n_sig]):
            if len(tok) < 2:
                raise _Fallback
            fmt_spec = tok[1]
            if "x" in fmt_spec or ":" in fmt_spec:
                raise _Fallback  # several samples per frame, or skew
            fmt, _, off = fmt_spec.partition("+")
            if fmt not in _INVALID:
                raise _Fallback
            gain, baseline, units = _DEFAULT_GAIN, None, "mV"
            if len(tok) > 2:
                g = tok[2]
                g, _, u = g.partition("/")
                if u:
                    units = u
                if "(" in g:
                    g, b = g.split("(", 1)
                    baseline = int(b.rstrip(")"))
                gain = float(g) if float(g) != 0 else _DEFAULT_GAIN
            adczero = int(tok[4]) if len(tok) > 4 else 0
            if baseline is None:
                baseline = adczero
            name = " ".join(tok[8:]) if len(tok) > 8 else f"ch{i}"
            sigs.append((tok[0], fmt, int(off or 0), gain, baseline, units, name))
    except ValueError:  # a malformed signal line: the wfdb path names what is wrong
        raise _Fallback from None
    return fs, n_samp, sigs


def _decode(raw: bytes, fmt: str, n: int) -> np.ndarray:
    """First ``n`` digital samples (frame-interleaved) of a signal file's bytes."""
    if fmt == "16":
        return np.frombuffer(raw, dtype="<i2", count=n)
    if fmt == "61":
        return np.frombuffer(raw, dtype=">i2", count=n)
    if fmt == "80":
        return np.frombuffer(raw, dtype=np.uint8, count=n).astype(np.int64) - 128
    if fmt == "32":
        return np.frombuffer(raw, dtype="<i4", count=n).astype(np.int64)
    if fmt == "24":
        b = np.frombuffer(raw, dtype=np.uint8, count=3 * n).reshape(n, 3).astype(np.int64)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        return np.where(v >= 2**23, v - 2**24, v)
    # 212: two 12-bit samples in three bytes
    n_pairs = (n + 1) // 2
    nbytes = 3 * n_pairs if n % 2 == 0 else 3 * (n_pairs - 1) + 2
    b = np.zeros(3 * n_pairs, dtype=np.int64)
    b[:nbytes] = np.frombuffer(raw, dtype=np.uint8, count=nbytes)
    b = b.reshape(n_pairs, 3)
    out = np.empty(2 * n_pairs, dtype=np.int64)
    out[0::2] = b[:, 0] | ((b[:, 1] & 0x0F) << 8)
    out[1::2] = b[:, 2] | ((b[:, 1] & 0xF0) << 4)
    out = np.where(out >= 2048, out - 4096, out)
    return out[:n]


_BYTES_PER_SAMPLE = {"16": 2.0, "61": 2.0, "80": 1.0, "212": 1.5, "24": 3.0, "32": 4.0}


def _fast(base: Path) -> SignalData:
    fs, n_samp, sigs = _parse_header(base)
    files: dict[str, list[int]] = {}
    for i, s in enumerate(sigs):
        files.setdefault(s[0], []).append(i)
    out = np.empty((len(sigs), n_samp), dtype=np.float64)
    for fname, idx in files.items():
        fmts = {sigs[i][1] for i in idx}
        offs = {sigs[i][2] for i in idx}
        if len(fmts) != 1 or len(offs) != 1 or fname == "~":
            raise _Fallback
        fmt, off = fmts.pop(), offs.pop()
        k = len(idx)
        n = n_samp * k
        path = base.parent / fname
        if not path.is_file():
            raise FileNotFoundError(f"signal file {path} of WFDB record {str(base)!r} is missing")
        need = int(np.ceil(n * _BYTES_PER_SAMPLE[fmt]))
        with open(path, "rb") as fh:
            fh.seek(off)
            raw = fh.read(need)
        if len(raw) < need:
            raise ValueError(
                f"WFDB record {str(base)!r}: truncated signal file: {path} holds "
                f"{off + len(raw)} of the {off + need} bytes the header promises ({n_samp} "
                f"samples of {k} signals, format {fmt}; an interrupted download?)"
            )
        d = _decode(raw, fmt, n).reshape(n_samp, k).T
        p = out[idx] if len(idx) != len(sigs) else out
        p[...] = d  # int -> float64, exact
        # (digital - baseline) / gain, per element the same two operations as read_record
        np.subtract(p, np.array([float(sigs[i][4]) for i in idx])[:, None], out=p)
        np.divide(p, np.array([sigs[i][3] for i in idx])[:, None], out=p)
        bad = d == _INVALID[fmt]
        if bad.any():
            p[bad] = np.nan
        if p is not out:
            out[idx] = p
    for i, s in enumerate(sigs):
        key = (s[5] or "mV").strip().lower()
        if key not in _TO_MV:
            names, units = [t[6] for t in sigs], [t[5] for t in sigs]
            raise ValueError(_unit_message(base.name, s[6], s[5], names, units))
        if _TO_MV[key] != 1.0:
            out[i] *= _TO_MV[key]
    if not np.isfinite(fs) or fs <= 0:
        raise ValueError(f"record {base.name!r} has an invalid sampling frequency {fs!r} Hz")
    return SignalData(signal=out, fs=fs, lead_names=tuple(s[6] for s in sigs))


def read_signal(path: str | os.PathLike) -> SignalData:
    """Read the signal of one WFDB record, fast (no annotations, no header comments).

    Parameters
    ----------
    path : str or path-like
        Record path without extension; a ``.hea`` suffix is stripped.

    Returns
    -------
    SignalData
        ``signal`` float64 ``(n_leads, n_samples)`` in mV, ``fs`` in Hz, ``lead_names``;
        equal bit for bit to what :func:`geoecg.io.read_record` returns.

    Raises
    ------
    FileNotFoundError
        If the header or a signal file is missing.
    ValueError
        If the header is inconsistent, the signal file is truncated or a unit is unknown.

    Examples
    --------
    >>> from geoecg.datasets import sample_record_path
    >>> s = read_signal(sample_record_path("mitdb_119"))
    >>> s.fs, s.lead_names, s.signal.dtype
    (360.0, ('MLII', 'V1'), dtype('float64'))
    """
    base = Path(os.fspath(path))
    if base.suffix in (".hea", ".dat", ".mat"):
        base = base.with_suffix("")
    if not Path(f"{base}.hea").is_file():  # read_record's message: closest records, ...
        from .header import _check_exists

        _check_exists(base)
        raise FileNotFoundError(f"WFDB header {base}.hea not found")
    try:
        return _fast(base)
    except _Fallback:
        rec = read_record(base, annotator=None)
        return SignalData(signal=np.array(rec.signal), fs=rec.fs, lead_names=rec.lead_names)
    except (IndexError, KeyError) as exc:  # malformed header fields
        raise ValueError(f"cannot parse WFDB header {base}.hea: {exc!r}") from exc
