"""Progress bars of long library loops (tqdm, on stderr).

One switch for every protocol that takes ``progress=``: ``None`` (the default) shows the bar
only when stderr is a terminal, so a run piped to a log file, a test run or a batch job gets
none, and ``TQDM_DISABLE=1`` in the environment turns it off in a terminal too; ``True`` /
``False`` force it on / off.
"""

from __future__ import annotations

import os
import sys

__all__ = ["progress_bar"]


def progress_bar(iterable=None, *, progress: bool | None = None, **kwargs):
    """A ``tqdm`` bar on stderr over ``iterable`` (or of ``total=`` steps, advanced by hand).

    Parameters
    ----------
    iterable : iterable, optional
        Items to wrap; omit it and pass ``total=`` to call ``update()`` yourself.
    progress : bool or None, default None
        ``None``: a bar only when stderr is a terminal (and ``TQDM_DISABLE`` is not set);
        ``True``: always; ``False``: never.
    **kwargs
        Further ``tqdm`` arguments (``desc``, ``total``, ``unit``, ``leave`` ...).

    Returns
    -------
    tqdm.tqdm
        Iterate over it, or call ``update(n)`` and ``close()``; disabled, it only passes the
        items through.

    Examples
    --------
    >>> sum(progress_bar(range(4), progress=False, desc="records"))
    6
    """
    from tqdm import tqdm

    if progress is None:
        off = os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false")
        progress = _stderr_is_terminal() and not off
    return tqdm(iterable, file=sys.stderr, disable=not progress, **kwargs)


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False
