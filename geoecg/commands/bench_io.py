"""Plumbing shared by the ``geoecg bench`` runners: common flags, data folders, JSON output.

A runner adds its common flags with :func:`add_common`, finds its database with
:func:`data_dir`, splits comma-separated flags with :func:`parse_list`, and writes its figures
with :func:`write_json` (versions of geoecg and of the peers it ran added, NaN written as
``null``). A runner with several stages holds its figures in a :class:`JsonSink`, which
rewrites ``--json`` after every finished stage and, on Ctrl-C or an error, writes what was
finished with ``"complete": false`` before re-raising. Nothing here computes a figure.

Examples
--------
>>> import argparse
>>> p = argparse.ArgumentParser()
>>> add_common(p, data="PTB-XL folder or a folder holding ptbxl/", seed=0, peers="NeuroKit2")
>>> a = p.parse_args(["--seed", "3"])
>>> a.data, a.json, a.seed, a.peers
(None, None, 3, False)
>>> parse_list("ts-lr, mdm", name="--methods", choices=("ts-lr", "mdm", "xgb"))
['ts-lr', 'mdm']
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from .._versions import package_versions

__all__ = ["JsonSink", "add_common", "data_dir", "log", "parse_list", "to_jsonable",
           "versions_line", "write_json"]  # fmt: skip


def add_common(
    p: argparse.ArgumentParser,
    *,
    data: str | None = "folder holding the databases (default $GEOECG_DATA)",
    data_required: bool = False,
    json: bool = True,
    peers: str | None = None,
    seed: int | None = None,
    seeds: str | None = None,
) -> None:
    """Add the flags every runner spells the same way.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The runner's parser.
    data : str or None
        Help text of ``--data`` (None: no ``--data`` flag).
    data_required : bool
        ``--data`` must be given (no ``$GEOECG_DATA`` fallback).
    json : bool
        Add ``--json PATH``.
    peers : str or None
        Add ``--peers`` (store_true); the text names the peer libraries it runs.
    seed : int or None
        Add ``--seed`` (int) with this default.
    seeds : str or None
        Add ``--seeds`` (comma-separated ints, read with ``parse_list(..., type=int)``)
        with this default.
    """
    if data is not None:
        p.add_argument("--data", required=data_required, default=None, help=data)
    if peers is not None:
        p.add_argument("--peers", action="store_true", help=f"also run {peers} side by side")
    if seed is not None:
        p.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    if seeds is not None:
        p.add_argument("--seeds", default=seeds, help=f"comma-separated seeds (default {seeds})")
    if json:
        p.add_argument("--json", default=None, help="write the figures to this JSON file")


def data_dir(data, database: str | None = None, *, marker: str = "*") -> Path:
    """The folder a runner reads: ``--data`` or ``$GEOECG_DATA``, or the database inside it.

    Parameters
    ----------
    data : path-like or None
        Value of ``--data`` (None: ``$GEOECG_DATA``).
    database : str, optional
        Database name (``"mitdb"``, ``"ptbxl"``, ``"ludb"`` ...): ``data`` itself if it holds
        ``marker``, else ``data/<database>`` (or a usual download name of it), as in
        :func:`geoecg.io.paths.database_dir`. None: the data root itself.
    marker : str
        Glob that must match inside the database folder (``"*.hea"``,
        ``"ptbxl_database.csv"``).

    Raises
    ------
    FileNotFoundError
        Naming the flag, the places searched and what was expected.
    """
    if database is not None:
        from ..io.paths import database_dir

        try:
            return database_dir(database, data, marker=marker)
        except FileNotFoundError as e:
            raise FileNotFoundError(f"--data: {e}") from None
    root = Path(data) if data else Path(os.environ.get("GEOECG_DATA", ""))
    if not (data or os.environ.get("GEOECG_DATA")) or not root.is_dir():
        raise FileNotFoundError(
            f"--data {str(data)!r} is not a folder (and $GEOECG_DATA is "
            f"{os.environ.get('GEOECG_DATA')!r}); pass the folder holding the databases"
        )
    return root


def parse_list(text: str, *, name: str, choices=None, type=str) -> list:
    """Split a comma-separated flag value; ValueError naming ``name`` on an unknown item.

    >>> parse_list("0,1, 2", name="--seeds", type=int)
    [0, 1, 2]
    """
    items = [t.strip() for t in str(text).split(",") if t.strip()]
    try:
        out = [type(t) for t in items]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated {type.__name__}s, got {text!r}") from None
    if choices is not None and (bad := [t for t in out if t not in choices]):
        raise ValueError(f"unknown {name.lstrip('-')} {bad}; choose from {list(choices)}")
    return out


def to_jsonable(obj):
    """``obj`` with NumPy scalars/arrays as Python numbers/lists, paths as str, and
    non-finite floats (NaN: undefined, e.g. +P with no call) as None (JSON ``null``).

    >>> import numpy as np
    >>> to_jsonable({"a": np.float64("nan"), "b": (np.int64(2), 0.5)})
    {'a': None, 'b': [2, 0.5]}
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "tolist") and not isinstance(obj, str):  # NumPy scalar or array
        return to_jsonable(obj.tolist())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json(path, payload: dict, *packages: str, quiet: bool = False, **extra) -> None:
    """Write ``payload`` to ``path`` as JSON (nothing when ``path`` is None).

    Parameters
    ----------
    path : path-like or None
        Value of ``--json``; its folder is created.
    payload : dict
        The figures (not modified). A ``"versions"`` entry is added when absent:
        :func:`geoecg._versions.package_versions` of ``packages`` and ``extra``.
    *packages : str
        Distribution names of the peers the run used (``"scikit-learn"``, ``"neurokit2"``).
    quiet : bool
        Do not print ``written PATH``.
    **extra
        Further version entries (thread counts, machine ...).

    Notes
    -----
    The file is replaced atomically (written next to it, then :func:`os.replace`): a run
    interrupted while writing (Ctrl-C, a killed job) leaves the previous complete file,
    never a truncated one. Runners that call this after every finished step (``--json``
    of ``geoecg bench ptbxl``) therefore never lose finished work.
    """
    if path is None:
        return
    out = dict(payload)
    out.setdefault("versions", package_versions(*packages, **extra))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(to_jsonable(out), indent=2, allow_nan=False)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    if not quiet:
        print(f"written {path}")


class JsonSink:
    """The figures of a runner with several stages, written to ``--json`` as they finish.

    Use it as a context manager: :meth:`stage` stores a finished stage and rewrites the file
    (atomically, through :func:`write_json`) with ``"complete": false``; leaving the block
    normally writes ``"complete": true``; leaving it on an exception (Ctrl-C, a killed data
    read, a bug) writes the finished stages with ``"complete": false`` and ``"reason"`` (the
    exception), then re-raises. ``"stages"`` lists the finished stages in order.

    Parameters
    ----------
    path : path-like or None
        Value of ``--json`` (None: the figures are only held, nothing is written).
    *packages : str
        Peers whose versions go into ``"versions"`` (as in :func:`write_json`).
    quiet : bool
        Do not print ``written PATH`` at the end (stage writes are always quiet).
    **extra
        Further version entries (thread counts, machine ...).

    Attributes
    ----------
    results : dict
        The figures so far (``sink[key] = value`` stores a plain entry, written with the
        next stage or at the end).
    stages : list of str
        Names of the finished stages.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "r.json"
    >>> try:
    ...     with JsonSink(f, quiet=True) as out:
    ...         out["n"] = 3
    ...         _ = out.stage("first", {"se": 99.5})
    ...         raise KeyboardInterrupt
    ... except KeyboardInterrupt:
    ...     pass
    >>> d = json.loads(f.read_text())
    >>> d["complete"], d["stages"], d["first"], d["reason"]
    (False, ['first'], {'se': 99.5}, 'interrupted (KeyboardInterrupt)')
    """

    def __init__(self, path, *packages: str, quiet: bool = False, **extra) -> None:
        self.path, self.quiet, self.results, self.stages = path, quiet, {}, []
        self._versions = (packages, extra)

    def __getitem__(self, key):
        return self.results[key]

    def __setitem__(self, key, value) -> None:
        self.results[key] = value

    def __contains__(self, key) -> bool:
        return key in self.results

    def stage(self, name: str, value):
        """Store ``value`` as finished stage ``name``, rewrite the file; return ``value``."""
        self.results[name] = value
        self.stages.append(name)
        self.write(complete=False, reason="running: later stages not finished")
        return value

    def write(self, *, complete: bool, reason: str | None = None, quiet: bool = True) -> None:
        """Write the figures so far with ``"complete"``, ``"stages"`` (and ``"reason"``)."""
        if self.path is None:
            return
        if isinstance(self._versions, tuple):  # package versions looked up once
            self._versions = package_versions(*self._versions[0], **self._versions[1])
        out = {**self.results, "complete": complete, "stages": list(self.stages)}
        out.setdefault("versions", self._versions)
        write_json(self.path, out if reason is None else {**out, "reason": reason}, quiet=quiet)

    def __enter__(self) -> JsonSink:
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if kind is None:
            self.write(complete=True, quiet=self.quiet)
            return False
        why = "interrupted (KeyboardInterrupt)" if kind is KeyboardInterrupt else None
        try:
            self.write(complete=False, reason=why or f"{kind.__name__}: {exc}")
        except Exception as e:  # never hide the original exception behind a write error
            log(f"could not write the unfinished figures to {self.path}: {e}")
        return False


def versions_line(versions: dict) -> str:
    """One line ``versions: geoecg 0.9, numpy 2.2, ...`` (absent packages left out).

    >>> versions_line({"geoecg": "1.0", "numpy": "2.0", "neurokit2": None})
    'versions: geoecg 1.0, numpy 2.0'
    """
    return "versions: " + ", ".join(f"{k} {v}" for k, v in versions.items() if v is not None)


def log(msg: str) -> None:
    """Progress line on stderr (stdout keeps the table)."""
    print(msg, file=sys.stderr, flush=True)
