"""Run the geoecg tour on the embedded sample data (no download needed).

Each step is a module listed in :data:`DEMO_STEPS` with a ``TITLE`` and a
``run_demo(out_dir)`` function; steps are added as capabilities land.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

#: Modules run in order by ``geoecg demo``.
DEMO_STEPS: list[str] = [
    "geoecg.commands.demo_io",
    "geoecg.commands.demo_af",
    "geoecg.commands.demo_shift",
    "geoecg.commands.demo_beats",
    "geoecg.commands.demo_rpeaks",
    "geoecg.commands.demo_hrv",
    "geoecg.commands.demo_riemann",
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        default="geoecg-demo",
        help="folder for figures and tables (default: ./geoecg-demo)",
    )


def run(args) -> int:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for i, modname in enumerate(DEMO_STEPS, 1):
        mod = importlib.import_module(modname)
        print(f"\n== {i}/{len(DEMO_STEPS)} {mod.TITLE} ==")
        t0 = time.perf_counter()
        mod.run_demo(out)
        print(f"   ({time.perf_counter() - t0:.1f} s)")
    print(f"\nfigures and tables written to {out.resolve()}")
    return 0
