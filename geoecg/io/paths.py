"""Locate database folders: an explicit argument, or ``$GEOECG_DATA/<database>``."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

__all__ = ["data_root", "database_dir", "list_records"]

# Folder names under GEOECG_DATA, then the names PhysioNet's zip downloads unpack to.
_ALIASES = {
    "mitdb": ("mitdb", "mit-bih-arrhythmia-database-1.0.0"),
    "nstdb": ("nstdb", "mit-bih-noise-stress-test-database-1.0.0"),
    "ptbxl": (
        "ptbxl",
        "ptb-xl",
        "ptb-xl-a-large-publicly-available-electrocardiography-dataset-1.0.3",
        "ptb-xl-a-large-publicly-available-electrocardiography-dataset-1.0.1",
    ),
    "cinc2017": ("cinc2017", "training2017", "challenge-2017"),
}


def data_root() -> Path | None:
    """Return ``$GEOECG_DATA`` as a path, or None if it is unset.

    Returns
    -------
    pathlib.Path or None
        The data root, or None.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"GEOECG_DATA": "/data/physionet"}):
    ...     print(data_root())
    /data/physionet
    """
    env = os.environ.get("GEOECG_DATA")
    return Path(env) if env else None


def database_dir(database: str, root: str | os.PathLike | None = None, *, marker: str) -> Path:
    """Resolve the folder of ``database``.

    Parameters
    ----------
    database : str
        One of ``"mitdb"``, ``"nstdb"``, ``"ptbxl"``, ``"cinc2017"``.
    root : path-like, optional
        The database folder itself, or a parent folder holding it under one of its usual
        names. Default: ``$GEOECG_DATA``.
    marker : str
        Glob pattern that must match inside the folder (e.g. ``"*.hea"``), used to tell a
        database folder from its parent.

    Returns
    -------
    pathlib.Path
        The database folder.

    Raises
    ------
    FileNotFoundError
        If no folder is found; the message lists the places searched and what was expected.

    Examples
    --------
    >>> from geoecg.datasets import sample_data_dir
    >>> database_dir("mitdb", sample_data_dir(), marker="*.atr").name
    'mitdb'
    """
    candidates: list[Path] = []
    if root is not None:
        root = Path(root)
        candidates.append(root)
        candidates += [root / n for n in _ALIASES.get(database, (database,))]
    else:
        env = data_root()
        if env is None:
            raise FileNotFoundError(
                f"no folder given for {database!r} and GEOECG_DATA is not set; pass the "
                f"database folder or set GEOECG_DATA to a folder holding {database}/"
            )
        candidates += [env / n for n in _ALIASES.get(database, (database,))]
    # The folder itself or one of its usual names first; a match one level down (e.g. a
    # CinC download's training2017/) only after that, so that a parent of several
    # databases is never taken for one of them.
    for pattern in (marker, f"*/{marker}"):
        for c in candidates:
            if c.is_dir() and any(c.glob(pattern)):
                return c
    raise FileNotFoundError(
        f"cannot find the {database} database: looked in {[str(c) for c in candidates]} for "
        f"a folder containing {marker!r}"
    )


def _annotated_folder(data) -> Path:
    """The first of ``data``, ``data/mitdb`` and ``data/nstdb`` holding ``.atr`` files
    (:func:`geoecg.features.rpeaks_peers.annotated_folder`, kept here so that ``geoecg bench
    qrs`` checks its ``--data`` before its heavy imports); FileNotFoundError otherwise."""
    folder = Path(data)
    if not folder.is_dir():
        raise FileNotFoundError(f"--data {data!r} is not a folder")
    for f in (folder, folder / "mitdb", folder / "nstdb"):
        if list(f.glob("*.atr")):
            return f
    raise FileNotFoundError(
        f"{folder} holds no annotated WFDB records (.hea + .dat + .atr); "
        "point --data at an MIT-BIH or NSTDB folder"
    )


def list_records(folder: str | os.PathLike, *, recursive: bool = True) -> list[str]:
    """List the records of a WFDB folder, as paths without extension relative to it.

    The ``RECORDS`` file is used when present (PhysioNet convention); otherwise the
    ``.hea`` files are listed, recursively by default, sorted. Records named in ``RECORDS``
    whose header is absent are left out with a ``UserWarning`` that counts and names them
    (since session 18; a ``RECORDS`` that names no present record is ignored).

    Parameters
    ----------
    folder : path-like
        The WFDB folder.
    recursive : bool, default True
        Without ``RECORDS``, also list the headers in subfolders.

    Returns
    -------
    list of str
        Record paths without extension, relative to ``folder`` (``"100"``,
        ``"records100/00000/00001_lr"``).

    Raises
    ------
    FileNotFoundError
        If ``folder`` is not a folder, or holds no WFDB record (no ``.hea`` header).

    Examples
    --------
    >>> from geoecg.datasets import sample_mitdb_dir, sample_ptbxl_dir
    >>> list_records(sample_mitdb_dir())
    ['mitdb_101', 'mitdb_119', 'mitdb_201']
    >>> list_records(sample_ptbxl_dir())[:2]  # PTB-XL keeps its records in subfolders
    ['records100/00000/00001_lr', 'records100/00000/00002_lr']
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    names = _list_records(folder, recursive)
    if not names:
        raise FileNotFoundError(f"{folder} holds no WFDB record (no .hea header found)")
    return names


def _list_records(folder: Path, recursive: bool) -> list[str]:
    """:func:`list_records` without the checks: ``[]`` for a folder without records."""
    rec_file = folder / "RECORDS"
    if rec_file.is_file():
        names = [ln.strip().rstrip("/") for ln in rec_file.read_text().splitlines()]
        names = [n for n in names if n]
        # RECORDS may list sub-folders (PTB-XL style); expand those.
        out: list[str] = []
        absent: list[str] = []
        for n in names:
            p = folder / n
            if p.is_dir():
                out += [f"{n}/{r}" for r in _list_records(p, recursive)]
            elif (folder / f"{n}.hea").is_file():
                out.append(n)
            else:
                absent.append(n)
        if out and absent:
            warnings.warn(
                f"{rec_file} lists {len(absent)} record(s) without a header in the folder, "
                f"left out: {absent[:5]}{' ...' if len(absent) > 5 else ''} (an incomplete "
                f"download?); {len(out)} record(s) listed",
                UserWarning,
                stacklevel=3,
            )
        if out:
            return out
    pattern = "**/*.hea" if recursive else "*.hea"
    heads = sorted(folder.glob(pattern))
    parts = _segment_headers(heads)  # segments of multi-segment records are not records
    return sorted(
        str(p.relative_to(folder).with_suffix("")).replace(os.sep, "/")
        for p in heads
        if p not in parts
    )


def _segment_headers(heads: list[Path]) -> set[Path]:
    """Headers that are segments (or the layout header) of a multi-segment record among
    ``heads`` (MIMIC-style folders without a ``RECORDS`` file): read from the segment lines
    of every header whose record line says ``name/n_segments``. Only headers named like the
    start of another one's name plus ``_`` (PhysioNet's ``rec``, ``rec_0001``,
    ``rec_layout``) are opened, so a folder of single-segment records costs no reads."""
    from bisect import bisect_left

    stems: dict[Path, list[str]] = {}
    for h in heads:
        stems.setdefault(h.parent, []).append(h.stem)
    for v in stems.values():
        v.sort()
    parts: set[Path] = set()
    for h in heads:
        sib, key = stems[h.parent], h.stem + "_"
        i = bisect_left(sib, key)
        if i == len(sib) or not sib[i].startswith(key):
            continue
        try:
            with open(h, encoding="latin-1") as fh:
                first = next((ln for ln in fh if ln.strip() and not ln.startswith("#")), "")
                if "/" not in first.split(maxsplit=1)[0] if first.strip() else True:
                    continue
                for ln in fh:
                    tok = ln.split()
                    if tok and not tok[0].startswith("#") and tok[0] != "~":
                        parts.add(h.with_name(f"{tok[0]}.hea"))
        except OSError:
            continue
    return parts
