"""Run the geoecg tour on the embedded sample data (no download needed).

The steps, each printing what it computes: reading WFDB records and PTB-XL metadata, AF
screening from RR intervals, a distribution-shift sweep, heartbeat classification, R-peak
detection scored against the reference beats, HRV and signal quality, and 12-lead covariance
geometry. Figures (PNG) and tables land in the --out folder (default ./geoecg-demo).

The first run also compiles the numba kernels, once: a few CPU minutes (about 166 CPU s on
a 2-core machine in session 17, 10 min wall while it was shared with other jobs; 192 CPU s
and 14 min wall at load 6-12 in session 20); they are cached on disk, and the next run
there took 22 s (29 s wall, 7 CPU s in session 20). Step times are printed without it.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

__all__ = ["DEMO_STEPS", "add_arguments", "run"]

#: Modules run in order by ``geoecg demo``: each has a ``TITLE`` and ``run_demo(out_dir)``.
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
    p.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the paragraphs
    p.add_argument(
        "--out",
        default="geoecg-demo",
        help="folder for figures and tables (default: ./geoecg-demo)",
    )


def run(args) -> int:
    from .._jit import compile_timer

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(
        "Step times are warm: numba compilation (first run only, then cached on disk) is "
        "timed apart and left out."
    )
    compiling = 0.0
    for i, modname in enumerate(DEMO_STEPS, 1):
        mod = importlib.import_module(modname)
        print(f"\n== {i}/{len(DEMO_STEPS)} {mod.TITLE} ==")
        with compile_timer() as ct:
            t0 = time.perf_counter()
            mod.run_demo(out)
            wall = time.perf_counter() - t0
        compiling += ct.seconds
        extra = f"; plus {ct.seconds:.1f} s compiling kernels" if ct.seconds >= 0.05 else ""
        print(f"   ({wall - ct.seconds:.1f} s{extra})")
    if compiling >= 0.05:
        print(
            f"\nnumba compilation took {compiling:.1f} s in all; it is cached, so the next "
            "run skips it"
        )
    print(f"\nfigures and tables written to {out.resolve()}")
    return 0
