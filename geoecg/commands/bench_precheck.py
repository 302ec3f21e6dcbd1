"""The data folder of ``geoecg bench NAME``, checked before the runner is imported.

A runner's module imports scikit-learn, numba, xgboost and the feature code when its parser
is built, and most runners import more before they look at ``--data``: on a loaded machine a
missing folder, an empty one or the folder of another database was reported after 10-40 s.
:func:`precheck` reads only the flags that choose the folder (exact spellings; an
abbreviation, ``-h`` or ``--help`` skips the check; so does ``bench ptbxl --methods``, whose
names the runner checks before the folder) and, when ``--data`` is given, runs
the runner's own first folder check with this module's light imports
(:func:`~geoecg.commands.bench_args.data_dir`, :func:`geoecg.io.paths.database_dir`): the
same message the runner gives, in well under a second. Without ``--data`` the runner reads
``$GEOECG_DATA`` as before. Whatever it does not reject, the runner checks again as before;
nothing here refuses what the runner accepts (``tests/test_bench_precheck.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .._optional import missing
from ..io.paths import _annotated_folder, database_dir
from .bench_args import data_dir

__all__ = ["PRECHECKS", "precheck"]

_PTBXL = ("ptbxl", "ptbxl_database.csv")


def _beats(a):
    if a.test_data is None:  # run(): mitdb_dir(--data), unless --test-data names the folder
        database_dir("mitdb", a.data, marker="*.atr")


def _af(a):
    # run(): the CinC route (--data alone) opens CinC2017(--data) first
    if not (a.train_data or a.test_data or a.beat_level or a.screen_24h):
        database_dir("cinc2017", a.data, marker="A*.hea")


def _delineate(a):
    if a.peers and missing("neurokit2"):  # run() names the missing extra first
        return
    if not Path(a.data).is_dir():  # the LUDB stage runs exactly when --data is given
        raise FileNotFoundError(f"--data {a.data!r} is not a folder")


def _ptbxl(a):
    if a.methods is None:  # run() checks --methods (the names) before the folder
        data_dir(a.data, _PTBXL[0], marker=_PTBXL[1])


def _hrv(a):
    if not (a.peers and missing("neurokit2")):  # run() names the missing extra first
        data_dir(a.data, "mitdb", marker="*.hea")


def _extract(a):
    try:  # --nk-sample (default 20) > 0 needs neurokit2, which run() checks first
        nk = 20 if a.nk_sample is None else int(a.nk_sample)
    except ValueError:
        return  # argparse's own error
    if nk >= 0 and not (nk > 0 and missing("neurokit2")):
        data_dir(a.data, _PTBXL[0], marker=_PTBXL[1])


#: ``bench`` name -> (flags read: ``{flag: store_true?}``, check of the parsed flags).
PRECHECKS: dict[str, tuple[dict[str, bool], object]] = {
    "hrv": ({"--data": False, "--peers": True}, _hrv),
    "ptbxl": ({"--data": False, "--methods": False}, _ptbxl),
    "reconstruct": ({"--data": False}, lambda a: data_dir(a.data, _PTBXL[0], marker=_PTBXL[1])),
    "extract": ({"--data": False, "--nk-sample": False}, _extract),
    "noise": ({"--data": False}, lambda a: data_dir(a.data)),
    "qrs": ({"--data": False}, lambda a: _annotated_folder(data_dir(a.data))),
    "beats": ({"--data": False, "--test-data": False}, _beats),
    "af": (
        {
            "--data": False,
            "--train-data": False,
            "--test-data": False,
            "--beat-level": True,
            "--screen-24h": True,
        },
        _af,
    ),  # fmt: skip
    "delineate": ({"--data": False, "--peers": True}, _delineate),
}


def _flags(argv: list[str], flags: dict[str, bool]) -> argparse.Namespace | None:
    """The values of ``flags`` on ``argv`` (exact spellings), or None when a word may be an
    abbreviation of one of them or asks for help (the full parser decides then)."""
    for word in argv:
        name = word.split("=", 1)[0]
        if name.startswith("-h") or (len(name) > 2 and "--help".startswith(name)):
            return None  # -h, --help, its abbreviations (--he) or a -hx cluster: help, not a run
        if name.startswith("--") and name not in flags and any(f.startswith(name) for f in flags):
            return None
    p = _Quiet(add_help=False, allow_abbrev=False)
    for flag, switch in flags.items():
        p.add_argument(flag, action="store_true" if switch else "store", default=None)
    try:
        args, _ = p.parse_known_args(argv)
    except ValueError:  # e.g. --data without a value: the full parser says so
        return None
    return args


class _Quiet(argparse.ArgumentParser):
    """A parser whose errors raise (nothing printed, no exit): the full parser reports them."""

    def error(self, message):
        raise ValueError(message)


def precheck(name: str, argv: list[str]) -> str | None:
    """The error line of ``geoecg bench NAME`` for a data folder it would refuse, or None.

    Parameters
    ----------
    name : str
        The bench (a key of :data:`PRECHECKS`; any other name: None).
    argv : list of str
        The command line after ``geoecg`` (``["bench", name, "--data", ...]``).

    Returns
    -------
    str or None
        ``"geoecg bench NAME: error: ..."`` (what :func:`geoecg.cli.main` prints for the
        runner's own ``FileNotFoundError``), or None when the runner should go on.
    """
    if name not in PRECHECKS:
        return None
    flags, check = PRECHECKS[name]
    args = _flags(argv, flags)
    if args is None or not args.data:  # no --data: $GEOECG_DATA, the runner's to read
        return None
    try:
        check(args)
    except (OSError, ValueError) as exc:
        return f"geoecg bench {name}: error: {exc}"
    return None
