"""Lazy, chunked iteration over WFDB folders of any size."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from .paths import _segment_headers, list_records
from .record import ECGRecord, read_record

__all__ = ["iter_records", "iter_chunks"]


def _names(folder: Path, records: Iterable[str] | None) -> Iterator[str]:
    if records is not None:
        yield from records
        return
    if (folder / "RECORDS").is_file():
        yield from list_records(folder)
        return
    # Walk the tree lazily so that a folder of 10^5 headers is never listed at once.
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel = Path(dirpath).relative_to(folder)
        heads = [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".hea")]
        parts = _segment_headers(heads)  # segments of a multi-segment record: not records
        for h in heads:
            if h not in parts:
                yield str(rel / h.stem).replace(os.sep, "/").removeprefix("./")


def iter_records(
    folder: str | os.PathLike, records: Iterable[str] | None = None, **read_kwargs
) -> Iterator[ECGRecord]:
    """Yield the records of a folder one at a time.

    Parameters
    ----------
    folder : path-like
        WFDB folder (searched recursively for ``.hea`` files unless it has ``RECORDS``).
    records : iterable of str, optional
        Record names relative to ``folder``; default: all.
    **read_kwargs
        Passed to :func:`geoecg.io.read_record` (``channels``, ``sampto``, ``annotator``).

    Raises
    ------
    FileNotFoundError
        On the first ``next()``: ``folder`` is not a folder, or (``records`` omitted) it
        holds no WFDB record.

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> recs = iter_records(sample_cinc2017_dir(), annotator=None)
    >>> next(recs).fs
    300.0
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of WFDB records (.hea + signal files)")
    n = 0
    for name in _names(folder, records):
        n += 1
        yield read_record(folder / name, **read_kwargs)
    if n == 0 and records is None:
        raise FileNotFoundError(f"{folder} holds no WFDB record (no .hea header found)")


def iter_chunks(
    folder: str | os.PathLike,
    chunk_size: int = 256,
    records: Iterable[str] | None = None,
    **read_kwargs,
) -> Iterator[list[ECGRecord]]:
    """Yield lists of at most ``chunk_size`` records; only one chunk is held in memory.

    Parameters
    ----------
    folder : path-like
        WFDB folder (searched recursively for ``.hea`` files unless it has ``RECORDS``).
    chunk_size : int, default 256
        Records per list (the last list may hold fewer).
    records : iterable of str, optional
        Record names relative to ``folder``; default: all.
    **read_kwargs
        Passed to :func:`geoecg.io.read_record` (``channels``, ``sampto``, ``annotator``).

    Yields
    ------
    list of ECGRecord
        The next chunk of records, in the order of ``records`` (or of the folder).

    Raises
    ------
    ValueError
        If ``chunk_size`` is not a positive integer.
    FileNotFoundError
        If ``folder`` is not a folder, or (``records`` omitted) holds no WFDB record.

    Examples
    --------
    >>> from geoecg.datasets import sample_cinc2017_dir
    >>> [len(chunk) for chunk in iter_chunks(sample_cinc2017_dir(), chunk_size=8, annotator=None)]
    [8, 8, 4]
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}")
    it = iter_records(folder, records, **read_kwargs)
    while True:
        chunk = list(islice(it, chunk_size))
        if not chunk:
            return
        yield chunk
