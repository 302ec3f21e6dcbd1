"""Progress bars of long library loops (tqdm, on stderr).

One switch for every protocol that takes ``progress=``: ``None`` shows the bar only when
stderr is a terminal, so a run piped to a log file, a test run or a batch job gets none, and
``TQDM_DISABLE=1`` in the environment turns it off in a terminal too; ``True`` / ``False``
force it on / off. Every bar of the package is made here (``tests/test_progress_switch.py``
checks that no other module imports tqdm). The ``geoecg bench`` commands' ``--progress`` /
``--no-progress`` decide for every ``None`` of the run (:func:`forced_progress`).
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["close_open_bars", "forced_progress", "progress_bar", "wants_progress"]

_FORCED: list[bool] = []  # the innermost forced_progress() choice last


def progress_bar(iterable=None, *, progress: bool | None = None, **kwargs):
    """A ``tqdm`` bar on stderr over ``iterable`` (or of ``total=`` steps, advanced by hand).

    Parameters
    ----------
    iterable : iterable, optional
        Items to wrap; omit it and pass ``total=`` to call ``update()`` yourself.
    progress : bool or None, default None
        ``None``: a bar only when stderr is a terminal (and ``TQDM_DISABLE`` is not set),
        or as an enclosing :func:`forced_progress` says; ``True``: always; ``False``: never.
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

    return tqdm(iterable, file=sys.stderr, disable=not wants_progress(progress), **kwargs)


def wants_progress(progress: bool | None) -> bool:
    """Whether ``progress`` means a bar now: ``True`` / ``False`` as given; ``None``: the
    choice of an enclosing :func:`forced_progress`, else whether stderr is a terminal and
    ``TQDM_DISABLE`` is not set.

    >>> wants_progress(False), wants_progress(True)
    (False, True)
    >>> with forced_progress(True):
    ...     wants_progress(None)
    True
    """
    if progress is not None:
        return bool(progress)
    if _FORCED:
        return _FORCED[-1]
    off = os.environ.get("TQDM_DISABLE", "").strip().lower() not in ("", "0", "false")
    return _stderr_is_terminal() and not off


@contextlib.contextmanager
def forced_progress(progress: bool | None):
    """Within the block, every ``progress=None`` means ``progress`` (``None``: no change).

    The ``--progress`` / ``--no-progress`` flags of ``geoecg bench``: a bar in a log file on
    request, none in a terminal; the library calls of the run need no extra argument.
    """
    if progress is None:
        yield
        return
    _FORCED.append(bool(progress))
    try:
        yield
    finally:
        _FORCED.pop()


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def close_open_bars() -> None:
    """Close every tqdm bar still open (nothing when tqdm was never imported).

    A loop stopped by Ctrl-C or an error leaves its bar open until garbage collection, which
    draws it once more, after the command's one-line stop or error message; :func:`geoecg.cli.main`
    closes them first, so that message is the last line on stderr.
    """
    tqdm_module = sys.modules.get("tqdm")
    if tqdm_module is None:
        return
    for bar in list(getattr(tqdm_module.tqdm, "_instances", ())):
        bar.close()
