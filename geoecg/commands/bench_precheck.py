"""The data folder of ``geoecg bench NAME``, checked before the runner is imported.

A runner's module imports scikit-learn, numba, xgboost and the feature code when its parser
is built, and most runners import more before they look at ``--data``: on a loaded machine a
missing folder, an empty one or the folder of another database was reported after 10-40 s.
:func:`precheck` first parses the whole command line with a light copy of the runner's
parser (:data:`USAGE`: every flag with its type, ``nargs`` and choices, no import of the
runner; ``tests/test_bench_precheck_usage.py`` checks it against the real parser). A
command line that copy refuses (an unknown flag, a bad number or choice, a missing value,
an abbreviation, ``-h`` / ``--help``) is left to the full parser, so argparse's usage error
(or the help) comes first, as it did before the precheck. An unwritable ``--json`` gets the
line :func:`geoecg.cli.main` gives it, also before the folder. Then, when ``--data`` is
given (and ``bench ptbxl --methods`` is not: the runner checks the names before the folder),
it runs the runner's own first folder check with this module's light imports
(:func:`~geoecg.commands.bench_args.data_dir`, :func:`geoecg.io.paths.database_dir`): the
same message the runner gives, in well under a second. Without ``--data`` the runner reads
``$GEOECG_DATA`` as before. Whatever it does not reject, the runner checks again as before;
nothing here refuses what the runner accepts (``tests/test_bench_precheck.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .._atomic import check_output_file
from .._optional import missing
from ..io.paths import _annotated_folder, database_dir
from .bench_args import data_dir

__all__ = ["PRECHECKS", "USAGE", "precheck"]

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


#: ``bench`` name -> check of the parsed flags (raises ``OSError`` / ``ValueError``).
PRECHECKS: dict[str, object] = {
    "hrv": _hrv,
    "ptbxl": _ptbxl,
    "reconstruct": lambda a: data_dir(a.data, _PTBXL[0], marker=_PTBXL[1]),
    "extract": _extract,
    "noise": lambda a: data_dir(a.data),
    "qrs": lambda a: _annotated_folder(data_dir(a.data)),
    "beats": _beats,
    "af": _af,
    "delineate": _delineate,
}

#: ``bench`` name -> its flags as ``--flag:KIND``, KIND ``str``, ``n`` (a whole number >= 0,
#: :func:`geoecg.cli._count`), ``int``, ``float``, ``switch`` (store_true) or ``bool``
#: (``--x`` / ``--no-x``); ``+`` after it: one or more values; ``|a|b``: the choices.
USAGE: dict[str, str] = {
    "hrv": "--data:str --peers:switch --json:str --resume:switch --n-series:n --nk-subset:n "
    "--progress:bool",
    "ptbxl": "--data:str --seed:n --json:str --resume:switch "
    "--task:str|NORM-vs-MI|NORM-vs-STTC|NORM-vs-CD|NORM-vs-HYP|superdiagnostic --methods:str "
    "--n-train:str --curve-methods:str --n-splits:n --n-repeats:n --n-boot:n --progress:bool",
    "reconstruct": "--data:str --seed:n --json:str --resume:switch --sources:str+ --methods:str "
    "--downstream:str --curve:switch --n-boot:n --progress:bool",
    "extract": "--data:str --json:str --resume:switch --fs:n|100|500 --synthetic:n --per-set:n "
    "--n-jobs:int --nk-sample:n --chunk-size:n --big-tree:n --progress:bool",
    "noise": "--data:str --json:str --resume:switch --windows-per-record:n --window-s:float "
    "--folds:n --cache:str --progress:bool",
    "qrs": "--data:str --peers:switch --json:str --resume:switch --records:str+ "
    "--tolerance-ms:float --repeats:n --peer-records:n --xqrs-records:n --peer-repeats:n "
    "--no-all-leads:switch --progress:bool",
    "beats": "--data:str --seed:n --json:str --resume:switch --protocol:str|ds1-ds2|ds1-cv|intra "
    "--train-data:str --test-data:str --records:str "
    "--feature-set:str|all|transfer|transfer-w|transfer-s --adapt:str|off|on|both "
    "--record-prior:str|on|off --select:switch --outer-folds:n --inner-folds:n "
    "--n-estimators:n --max-per-class:n --class-weight:str|balanced|sqrt|none "
    "--test-size:float --n-jobs:int --cache:str --progress:bool",
    "af": "--data:str --seed:n --json:str --resume:switch --seeds:str --train-data:str "
    "--test-data:str --beat-level:switch --screen-24h:switch "
    "--protocol:str|nested|cv|prior-shift --preset:str|default|rhythm|rhythm-crops --folds:n "
    "--inner-folds:n --n-estimators:n --target-priors:str --test-size:n "
    "--rpeaks:str|reference|detected --cache:str --progress:bool",
    "delineate": "--data:str --peers:switch --json:str --resume:switch --records:str+ "
    "--split:str|all|tune|test --tolerance-ms:float --peer-leads:str+ --qtdb:str --noise:str "
    "--mitdb:str --snrs:float+ --synthetic:switch --t-polarities:str+|upright|inverted|biphasic "
    "--ptbxl:str --ptbxl-fs:n|100|500 --progress:bool",
}


def _light_parser(spec: str) -> argparse.ArgumentParser:
    """A parser with the flags of a :data:`USAGE` entry (defaults None); its errors raise."""
    from ..cli import _count  # geoecg.cli is loaded already: main() calls precheck

    types = {"str": None, "n": _count, "int": int, "float": float}
    p = _Quiet(add_help=False, allow_abbrev=False)
    for word in spec.split():
        flag, kind = word.split(":", 1)
        kind, *choices = kind.split("|")
        if kind == "switch":
            p.add_argument(flag, action="store_true", default=None)
        elif kind == "bool":
            p.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        else:
            many = kind.endswith("+")
            typ = types[kind.rstrip("+")]
            p.add_argument(
                flag,
                nargs="+" if many else None,
                type=typ,
                choices=[(typ or str)(c) for c in choices] or None,
                default=None,
            )
    return p


def _parsed(name: str, argv: list[str]) -> argparse.Namespace | None:
    """``argv`` (``["bench", name, ...]``) parsed by the light copy of the runner's parser, or
    None when that copy refuses it (a usage error, an abbreviation, ``-h`` / ``--help``, a word
    before ``bench NAME``): the full parser then reports it, as it did before the precheck."""
    if argv[:2] != ["bench", name]:
        return None
    try:
        return _light_parser(USAGE[name]).parse_args(argv[2:])
    except ValueError:
        return None


class _Quiet(argparse.ArgumentParser):
    """A parser whose errors raise (nothing printed, no exit): the full parser reports them."""

    def error(self, message):
        raise ValueError(message)

    def exit(self, status=0, message=None):  # pragma: no cover - no help or version action
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

    Raises
    ------
    TypeError
        ``name`` is not a str, or ``argv`` is a str or holds a word that is not a str.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str (a bench name), got {type(name).__name__}")
    bad = [w for w in argv if not isinstance(w, str)]
    if isinstance(argv, str) or bad:  # argparse's own error would be an AttributeError
        what = "a str" if isinstance(argv, str) else f"{type(bad[0]).__name__} {bad[0]!r}"
        raise TypeError(f"argv must be a list of str (the words of the command line), got {what}")
    if name not in PRECHECKS:
        return None
    args = _parsed(name, list(argv))
    if args is None or not args.data:  # no --data: $GEOECG_DATA, the runner's to read
        return None
    try:
        if args.json is not None:  # main() checks --json before the run (the folder)
            check_output_file(args.json, "--json")
        PRECHECKS[name](args)
    except (OSError, ValueError) as exc:
        return f"geoecg bench {name}: error: {exc}"
    return None
