"""Files written whole or not at all.

Every writer of a result or cache file that a rerun reads back goes through
:func:`atomic_path`: the data go to a hidden temporary file beside the target, which
:func:`os.replace` then moves over it. A run stopped while writing (Ctrl-C, SIGTERM, a
killed worker) leaves the previous file or none, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "save_npz_atomic", "write_text_atomic"]


@contextlib.contextmanager
def atomic_path(path) -> Iterator[Path]:
    """A hidden temporary path beside ``path`` that replaces ``path`` when the block ends.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.

    Yields
    ------
    Path
        ``.<name>.<pid>.tmp`` in the same folder (so :func:`os.replace` is atomic). Write
        the data there. If the block raises, ``path`` is left as it was; the temporary file
        is removed in every case.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(f) as tmp:
    ...     _ = tmp.write_text("whole")
    >>> f.read_text(), sorted(p.name for p in f.parent.iterdir())
    ('whole', ['a.txt'])
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (see :func:`atomic_path`).

    Parameters
    ----------
    path : str or Path
        The file to write; its folder must exist.
    text : str
        The new content.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def save_npz_atomic(path, arrays: dict) -> None:
    """``np.savez`` of ``arrays`` to ``path`` whole or not at all (see :func:`atomic_path`);
    the folder is created if needed.

    Parameters
    ----------
    path : str or Path
        The ``.npz`` file to write (written under exactly this name).
    arrays : dict of str to array_like
        The arrays, by name.
    """
    import numpy as np

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:  # np.savez appends no ".npz"
        np.savez(fh, **arrays)
