"""The ``geoecg`` command line: ``info``, ``demo``, ``bench ...`` and friends.

Benchmarks live in :mod:`geoecg.bench`, one module per ``geoecg bench NAME`` subcommand;
each module defines ``add_arguments(parser)`` and ``run(args) -> int`` and is listed in
:data:`BENCH_MODULES`. Other subcommands (``sweep``, ``plot``, ``compare``) are listed in
:data:`COMMAND_MODULES` with the same two functions.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import importlib.util
import json
import os
import re
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from ._atomic import check_output_file
from ._optional import MissingOptionalDependency
from ._progress import close_open_bars, forced_progress
from ._stop import (
    Terminated,
    clear_stop,
    raise_if_stopped,
    record_stop,
    redeliver_dropped_stops,
    stop_exception,
    stop_requested,
)

__all__ = ["BENCH_MODULES", "COMMAND_MODULES", "build_parser", "main"]

#: exit status of a command stopped by SIGTERM (128 + 15, as a shell reports it)
EXIT_SIGTERM = 143
#: exit status of a command stopped by Ctrl-C (128 + SIGINT's 2, as a shell reports it)
EXIT_INTERRUPT = 130

#: ``geoecg bench NAME`` -> module implementing it.
BENCH_MODULES: dict[str, str] = {
    "hrv": "geoecg.bench.hrv",
    "noise": "geoecg.bench.noise",
    "beats": "geoecg.bench.beats",
    "sweep": "geoecg.bench.sweep",
    "af": "geoecg.bench.af",
    "reconstruct": "geoecg.bench.reconstruct",
    "qrs": "geoecg.bench.qrs",
    "ptbxl": "geoecg.bench.ptbxl",
    "riemann": "geoecg.bench.riemann",
    "extract": "geoecg.bench.extract",
    "delineate": "geoecg.bench.delineate",
}

#: Top-level subcommands implemented in their own modules.
COMMAND_MODULES: dict[str, str] = {
    "info": "geoecg.commands.info",
    "demo": "geoecg.commands.demo",
    "sweep": "geoecg.commands.sweep",
    "plot": "geoecg.commands.plot",
    "compare": "geoecg.commands.compare",
    "extract": "geoecg.commands.extract",
}


#: ``:func:`~a.b.c``` -> ``c``, ``:mod:`a.b``` -> ``a.b`` (Sphinx roles in a module docstring)
_ROLE = re.compile(r":[a-z]+:`(~?)([^`]+)`")


def _plain(doc: str) -> str:
    """A module docstring as ``--help`` text: Sphinx roles taken out, literals in single ticks.

    ``:func:`~geoecg.x.f``` becomes ``f``, ``:mod:`geoecg.x``` stays ``geoecg.x``, a double
    backtick becomes a single one (```code```, as plain-text help marks code), a literal-block
    marker ``Examples::`` becomes ``Examples:``.
    """

    def role(m: re.Match) -> str:
        target = m.group(2)
        return target.rsplit(".", 1)[-1] if m.group(1) else target

    text = _ROLE.sub(role, doc or "")
    text = text.replace("``", "`")
    return re.sub(r"(?<=\w)::$", ":", text, flags=re.M)


def _summary(doc: str) -> str:
    """The one-line help of a subcommand: the first paragraph of its docstring, plain.

    A leading ``geoecg bench NAME:`` (the command repeating its own name) is dropped.
    """
    para = _plain((doc or "").strip()).split("\n\n", 1)[0]
    line = " ".join(para.split())
    return re.sub(r"^`geoecg( bench)? [a-z]+`: ", "", line)


def _first_doc_line(module) -> str:
    return _summary(module.__doc__ or "")


def _doc_without_import(modname: str) -> str:
    """One-line help of a module, read from its source (the module is not imported)."""
    spec = importlib.util.find_spec(modname)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return ""
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return _summary(ast.get_docstring(tree) or "")


def _add(sub, name: str, modname: str, full: bool, bench: bool = False, **kw) -> None:
    """Register a subcommand: imported and complete if ``full``, else a help-only stub.
    A ``bench`` gets ``--progress`` / ``--no-progress`` (:func:`main` applies it)."""
    if not full:
        sub.add_parser(name, help=_doc_without_import(modname), **kw)
        return
    mod = importlib.import_module(modname)
    p = sub.add_parser(name, help=_first_doc_line(mod), description=_plain(mod.__doc__), **kw)
    mod.add_arguments(p)
    if bench:
        p.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="progress bars on stderr (default: only when stderr is a terminal)",
        )
    for action in p._actions:  # counts, sizes, folds, seeds: a negative one is a typo
        if action.type is int and action.dest != "n_jobs":
            action.type = _count
    p.set_defaults(_run=mod.run)


def _count(text: str) -> int:
    """argparse type of the integer options: a whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _wanted(argv: list[str] | None) -> tuple[str | None, str | None] | None:
    """(command, bench name) named on the command line, or None to build every subcommand."""
    if argv is None:
        return None
    words = [a for a in argv if not a.startswith("-")]
    cmd = words[0] if words else None
    bench = words[1] if cmd == "bench" and len(words) > 1 else None
    return cmd, bench


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """Build the argument parser.

    Parameters
    ----------
    argv : list of str, optional
        The command line about to be parsed. Only the subcommand it names is imported (the
        others get a help-only entry read from their module docstrings, so ``geoecg --help``
        and ``geoecg info`` import no benchmark). Without ``argv`` every subcommand is built.
    """
    wanted = _wanted(argv)
    parser = argparse.ArgumentParser(
        prog="geoecg",
        description="Classical and geometric machine learning on ECGs.",
    )
    parser.add_argument("--version", action="version", version=f"geoecg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, modname in COMMAND_MODULES.items():
        _add(sub, name, modname, wanted is None or wanted[0] == name)
    if BENCH_MODULES:
        bench = sub.add_parser(
            "bench",
            help="Benchmarks: accuracy and speed on real (and synthetic) data, beside peers.",
            description="Benchmarks: each prints a table and writes --json PATH.",
        )
        bsub = bench.add_subparsers(dest="bench", metavar="BENCH")
        bsub.required = True
        for name, modname in BENCH_MODULES.items():
            full = wanted is None or wanted == ("bench", name)
            fmt = argparse.RawDescriptionHelpFormatter
            _add(bsub, name, modname, full, bench=True, formatter_class=fmt)
    return parser


@contextlib.contextmanager
def _sigterm_stops_like_ctrl_c():
    """Turn SIGTERM (``kill PID``, ``timeout``, a batch scheduler) into :class:`Terminated`
    for the duration of the block (main thread only; the old handler is put back). Both
    SIGTERM and Ctrl-C (SIGINT, where Python's own handler is in place) are recorded
    (:func:`geoecg._stop.record_stop`) before the exception is raised, so that a stop whose
    exception library code turned into another one (a ``SystemError`` out of a C extension,
    caught as a failed fit) still stops the command (:func:`main`)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        record_stop(signum)
        raise stop_exception(signum)

    old = signal.signal(signal.SIGTERM, stop)
    old_int = signal.getsignal(signal.SIGINT)
    if old_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
        if old_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, old_int)


def _stopped(args, why: str) -> str:
    """The one line printed when a command is stopped (Ctrl-C, SIGTERM): which command,
    why, and where its finished part is (an unfinished ``--json``, the ``--out`` folder of
    ``extract`` / ``sweep``), or that nothing was written."""
    words = ("geoecg", getattr(args, "command", None), getattr(args, "bench", None))
    head = f"{' '.join(w for w in words if w)}: {why}"
    path = getattr(args, "json", None)
    try:
        unfinished = path is not None and json.loads(Path(path).read_text())["complete"] is False
    except (OSError, ValueError, TypeError, KeyError):
        unfinished = False
    if unfinished:
        again = "; rerun with --resume to continue" if hasattr(args, "resume") else ""
        return f'{head}; partial results in {path} ("complete": false){again}'
    out = getattr(args, "out", None)
    if getattr(args, "command", None) in ("extract", "sweep") and out and Path(out).is_dir():
        return f"{head}; finished parts are in {out} (the same command goes on from them)"
    return f"{head}; no partial results were written"


def _words(argv) -> list[str]:
    """``argv`` as a list of str: path-like words (``pathlib.Path``) become their str; a str
    given whole, or a word of another type, is a ``TypeError`` naming it (argparse would fail
    with an ``AttributeError`` on ``startswith``)."""
    if isinstance(argv, (str, bytes)):
        raise TypeError(
            f"argv must be a list of str (the words of a command line), got "
            f"{type(argv).__name__} {argv!r}"
        )
    words = [os.fspath(w) if isinstance(w, os.PathLike) else w for w in argv]
    bad = [w for w in words if not isinstance(w, str)]
    if bad:
        raise TypeError(
            f"argv must be a list of str (or path-like) words, got {type(bad[0]).__name__} "
            f"{bad[0]!r} among them"
        )
    return words


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``geoecg`` console script.

    ``geoecg bench NAME --progress`` / ``--no-progress`` shows / hides every progress bar
    of the run (default: bars only when stderr is a terminal, so a redirected log gets
    none). Ctrl-C prints one line (the command, where its finished part was written, if anywhere)
    instead of a traceback, and the exit status is 130. SIGTERM stops a command as Ctrl-C
    does (what it has finished is written, see ``docs/user_guide/long_jobs.md``) and the
    exit status is 143. A ``--json`` path that cannot hold a file (a folder, a path under a
    file, a folder without write permission) is refused before the command starts, and an
    ``OSError`` of the run (a file that could not be read or written) prints one line
    instead of a traceback; both end with exit status 2. A Ctrl-C or SIGTERM whose exception
    Python had to drop (raised inside a callback from C code, as while numba compiles) is
    delivered again (:mod:`geoecg._stop`); one that library code turned into another
    exception (a ``SystemError`` out of a C extension, or caught as a failed fit) still
    ends the command as a stop, with the same line and exit status (the stop is recorded
    when its signal arrives, and no result is written as complete after it). A ``bench``
    whose data folder is missing, empty
    or another database's is refused before its modules are imported
    (:mod:`geoecg.commands.bench_precheck`: the runner's own message, exit status 2).
    """
    argv = sys.argv[1:] if argv is None else _words(argv)
    wanted = _wanted(argv)
    if wanted and wanted[0] == "bench" and wanted[1] in BENCH_MODULES:
        from .commands.bench_precheck import precheck  # light: before the runner's imports

        early = precheck(wanted[1], argv)
        if early is not None:
            print(early, file=sys.stderr)
            return 2
    try:
        args = build_parser(argv).parse_args(argv)
    except KeyboardInterrupt:  # Ctrl-C while the command's modules are imported
        print("geoecg: interrupted (Ctrl-C) before the command started", file=sys.stderr)
        return EXIT_INTERRUPT
    clear_stop()
    try:
        if getattr(args, "json", None) is not None:  # before the work, not after it
            check_output_file(args.json, "--json")
        progress = forced_progress(getattr(args, "progress", None))
        with redeliver_dropped_stops(), _sigterm_stops_like_ctrl_c(), progress:
            rc = int(args._run(args) or 0)
        raise_if_stopped()  # a stop whose exception was swallowed on its way
        return rc
    except Exception as exc:
        signum = stop_requested()
        if signum is None:
            rc = _failed(args, exc)
            if rc is None:
                raise
            return rc
        close_open_bars()  # the stop, whatever exception it became inside library code
        if signum == signal.SIGTERM:
            print(_stopped(args, str(stop_exception(signum))), file=sys.stderr)
            return EXIT_SIGTERM
        print(_stopped(args, "interrupted (Ctrl-C)"), file=sys.stderr)
        return EXIT_INTERRUPT
    except Terminated as exc:
        close_open_bars()  # a bar redrawn later would follow the stop line
        print(_stopped(args, str(exc)), file=sys.stderr)
        return EXIT_SIGTERM
    except KeyboardInterrupt:
        close_open_bars()
        print(_stopped(args, "interrupted (Ctrl-C)"), file=sys.stderr)
        return EXIT_INTERRUPT
    finally:
        clear_stop()


def _failed(args, exc: Exception) -> int | None:
    """Exit status 2 and one line for the expected errors of a command (None: any other
    exception, which :func:`main` re-raises)."""
    if isinstance(exc, MissingOptionalDependency):  # one sentence naming the extra to install
        print(exc, file=sys.stderr)
        return 2
    if isinstance(exc, OSError | ValueError | TypeError | KeyError):  # OSError: not written
        close_open_bars()
        words = ("geoecg", args.command, getattr(args, "bench", None))  # bench: its name too
        print(f"{' '.join(w for w in words if w)}: error: {exc}", file=sys.stderr)
        return 2
    return None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
