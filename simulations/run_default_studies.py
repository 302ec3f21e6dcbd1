"""Run the default shift studies (packaged configs, ``geoecg sweep --list``) and draw them.

Uses only the public API (``geoecg.sweep``, ``geoecg.viz``). Each sweep resumes from what
is already in its output folder.

Usage::

    python simulations/run_default_studies.py --out runs [--n-jobs 2] [--only NAME ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path

STUDIES = ("anticausal_covariate_shift", "prevalence_shift", "device_noise_shift")


def main(argv=None) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from geoecg.sweep import config_title, load_config, run_sweep, summarize
    from geoecg.viz import plot_shift_sweep

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="runs", help="one folder per study is written under it")
    ap.add_argument("--n-jobs", type=int, default=2, help="worker processes per sweep")
    ap.add_argument(
        "--only", nargs="*", choices=STUDIES, default=list(STUDIES), help="studies to run (all)"
    )
    args = ap.parse_args(argv)
    for name in args.only:
        out = Path(args.out) / name
        df = run_sweep(name, out, n_jobs=args.n_jobs)  # a packaged config name
        s = summarize(df, ["log_loss_gap", "auroc_gap"])
        shift = load_config(name).raw.get("shift")
        plot_shift_sweep(s, title=config_title(name), xlabel=shift).savefig(
            out / "shift_sweep.png", dpi=120
        )
        tab = s.pivot_table(index=["metric", "method"], columns="shift", values="mean")
        print(f"\n== {name} ({len(df)} cells) ==\n{tab.round(4).to_string()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
