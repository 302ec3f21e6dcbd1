"""The ``geoecg`` command line: ``info``, ``demo``, ``bench ...`` and friends.

Benchmarks live in :mod:`geoecg.bench`, one module per ``geoecg bench NAME`` subcommand;
each module defines ``add_arguments(parser)`` and ``run(args) -> int`` and is listed in
:data:`BENCH_MODULES`. Other subcommands (``sweep``, ``plot``, ``compare``) are listed in
:data:`COMMAND_MODULES` with the same two functions.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from ._optional import MissingOptionalDependency

#: ``geoecg bench NAME`` -> module implementing it.
BENCH_MODULES: dict[str, str] = {
    "hrv": "geoecg.bench.hrv",
    "noise": "geoecg.bench.noise",
    "beats": "geoecg.bench.beats",
    "sweep": "geoecg.bench.sweep",
    "af": "geoecg.bench.af",
    "qrs": "geoecg.bench.qrs",
    "ptbxl": "geoecg.bench.ptbxl",
    "riemann": "geoecg.bench.riemann",
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


def _first_doc_line(module) -> str:
    doc = (module.__doc__ or "").strip().splitlines()
    return doc[0] if doc else ""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="geoecg",
        description="Classical and geometric machine learning on ECGs.",
    )
    parser.add_argument("--version", action="version", version=f"geoecg {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, modname in COMMAND_MODULES.items():
        mod = importlib.import_module(modname)
        p = sub.add_parser(name, help=_first_doc_line(mod), description=mod.__doc__)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    if BENCH_MODULES:
        bench = sub.add_parser(
            "bench",
            help="benchmarks on real data, side by side with peer libraries",
            description="Benchmarks: each prints a table and writes --json PATH.",
        )
        bsub = bench.add_subparsers(dest="bench", metavar="BENCH")
        bsub.required = True
        for name, modname in BENCH_MODULES.items():
            mod = importlib.import_module(modname)
            p = bsub.add_parser(
                name,
                help=_first_doc_line(mod),
                description=mod.__doc__,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            mod.add_arguments(p)
            p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``geoecg`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except MissingOptionalDependency as exc:
        print(f"geoecg {args.command}: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, ValueError, TypeError, KeyError) as exc:
        print(f"geoecg {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
