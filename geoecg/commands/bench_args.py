"""Command-line flags and data folders of the ``geoecg bench`` runners.

A runner adds the flags every runner spells the same way with :func:`add_common`, finds its
database with :func:`data_dir` and splits comma-separated flags with :func:`parse_list`.
Moved out of :mod:`geoecg.commands.bench_io` (session 20, to keep that file under its size
limit); ``bench_io`` still exports all three, so ``from geoecg.commands.bench_io import
add_common`` keeps working. Nothing here computes a figure.

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
import os
from pathlib import Path

__all__ = ["add_common", "data_dir", "env_folder", "output_file", "parse_list"]


def add_common(
    p: argparse.ArgumentParser,
    *,
    data: str | None = "folder holding the databases (default $GEOECG_DATA)",
    data_required: bool = False,
    json: bool = True,
    peers: str | None = None,
    seed: int | None = None,
    seeds: str | None = None,
    resume: bool = False,
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
    resume : bool
        Add ``--resume`` (store_true): continue the unfinished run whose ``--json`` is
        there (:class:`FoldLog`).
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
    if resume:
        p.add_argument(
            "--resume",
            action="store_true",
            help="continue the unfinished run whose --json file is given (same settings, same "
            "geoecg code): the parts it finished (records, folds, seeds or stages, written "
            "as each ends) are read back, not computed again",
        )


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
    env = os.environ.get("GEOECG_DATA")
    root = Path(data) if data else Path(env or "")
    if data and not root.is_dir():
        raise FileNotFoundError(
            f"--data {str(data)!r} is not a folder; pass the folder holding the databases"
        )
    if not data and not (env and root.is_dir()):
        where = f"$GEOECG_DATA is {env!r}, not a folder" if env else "$GEOECG_DATA is not set"
        raise FileNotFoundError(
            f"no --data given and {where}; pass --data with the folder holding the databases "
            "or set GEOECG_DATA to it"
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


def output_file(text: str) -> Path:
    """argparse ``type=`` of an option naming a result file (``--json PATH`` of a script).

    The path is checked when the command line is read (``geoecg._atomic.check_output_file``),
    so a folder, a path under a file or a folder without write permission is refused before
    the work, as argparse refuses any bad value (usage line, exit status 2), not after it.

    >>> output_file("results/r.json").name
    'r.json'
    """
    from .._atomic import check_output_file

    try:
        return check_output_file(text, flag=None)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def env_folder(ap, env: str, default: str, files, holds: str = "them") -> Path:
    """The folder named by the environment variable ``env``, checked at the start of a script.

    A folder that lacks any of ``files`` is one ``ap.error`` line (usage, exit status 2)
    naming the variable, the folder (absolute) and the missing files, before the script
    writes anything (it was a FileNotFoundError traceback at the first read).

    Parameters
    ----------
    ap : argparse.ArgumentParser
        The script's parser (its ``error`` reports the problem).
    env : str
        Environment variable naming the folder (``"AF_MATRIX_DIR"``).
    default : str
        Folder used when ``env`` is not set.
    files : sequence of str
        File names the folder must hold.
    holds : str, default "them"
        What the files are, for the message ("the AF feature matrix": "set it to the
        folder holding the AF feature matrix (X.npy and y.npy)").

    Returns
    -------
    pathlib.Path
        The folder, as given (relative paths stay relative).

    >>> str(env_folder(argparse.ArgumentParser(), "GEOECG_UNSET_EXAMPLE", ".", []))
    '.'
    """
    d = os.environ.get(env, default)
    missing = [f for f in files if not os.path.isfile(os.path.join(d, f))]
    if missing:
        ap.error(
            f"${env} ({os.path.abspath(d)}) lacks {' and '.join(missing)}: set it to the "
            f"folder holding {holds} ({' and '.join(files)})"
        )
    return Path(d)
