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

__all__ = ["atomic_path", "check_output_file", "save_npz_atomic", "write_text_atomic"]


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


def check_output_file(path, flag: str | None = "--json") -> Path:
    """Check, before any work, that a result file can be written at ``path``.

    A long command writes its ``--json`` after its first finished unit, or only at the end;
    a path that cannot hold a file used to be found out there, after minutes or hours of
    work, as an ``IsADirectoryError`` / ``FileExistsError`` traceback. Missing folders
    are fine (the writers create them).

    Parameters
    ----------
    path : str or Path
        The file to be written.
    flag : str or None, default "--json"
        The option (or argument) that gave ``path``, named in the error (None: not named,
        as in ``geoecg.commands.bench_args.output_file``, where argparse names it).

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`.

    Raises
    ------
    ValueError
        ``path`` is an existing folder, or a folder on the way to it is a file, or the
        folder that would hold it is not writable; the message names ``flag``, the path
        and what is expected.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_output_file(d / "new" / "r.json").name
    'r.json'
    >>> check_output_file(d)
    Traceback (most recent call last):
    ...
    ValueError: --json ... is a folder; expected the path of a file to write, e.g. .../results.json
    """
    path = Path(path)
    what = f"{flag} {str(path)!r}" if flag else repr(str(path))
    if path.is_dir():
        raise ValueError(
            f"{what} is a folder; expected the path of a file to write, "
            f"e.g. {path / 'results.json'}"
        )
    folder = path.parent
    while not folder.exists() and folder != folder.parent:  # the nearest existing folder
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(
            f"{what} cannot be written: {str(folder)!r} is a file, not a "
            "folder; expected a file path inside a folder (missing folders are created)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(
            f"{what} cannot be written: no write permission in "
            f"{str(folder)!r}; pass a path in a folder you can write to"
        )
    return path
