"""Plot a sweep folder: metric against shift strength per method, with 95 percent CIs (PNG)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", help="sweep output folder (written by geoecg sweep)")
    p.add_argument(
        "--metric",
        action="append",
        default=None,
        help="metric column to draw (repeatable; default log_loss_gap and auroc_gap)",
    )
    p.add_argument("--png", default=None, help="output PNG (default DIR/shift_sweep.png)")
    p.add_argument("--csv", default=None, help="also write the summary table (CSV)")


def _partial_note(raw: dict, n_stored: int) -> str:
    """A line saying that the sweep is unfinished (fewer cells stored than its config has)."""
    from ..sweep import load_config

    try:
        n_cells = load_config(raw).n_cells
    except (ValueError, TypeError, KeyError):  # no config.json or an older layout
        return ""
    if n_stored >= n_cells:
        return ""
    return (
        f"partial sweep: {n_stored} of {n_cells} cells stored, so some shifts or seeds are "
        "missing; run the same geoecg sweep command again to finish it"
    )


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..sweep import config_title, load_results, summarize
    from ..viz import plot_shift_sweep

    df = load_results(args.dir)
    metrics = args.metric or ["log_loss_gap", "auroc_gap"]
    s = summarize(df, metrics)
    name = str(df["sweep"].iloc[0]) if "sweep" in df else None
    cfg_file = Path(args.dir) / "config.json"
    raw = json.loads(cfg_file.read_text()) if cfg_file.is_file() else {}
    shift = raw.get("shift")
    partial = _partial_note(raw, len(df))
    title = config_title(name) if name else None
    fig = plot_shift_sweep(s, metrics, title=title, xlabel=shift)
    png = Path(args.png) if args.png else Path(args.dir) / "shift_sweep.png"
    fig.savefig(png, dpi=120)
    if args.csv:
        s.to_csv(args.csv, index=False)
    for m in metrics:
        tab = s[s["metric"] == m].pivot_table(index="method", columns="shift", values="mean")
        print(f"\n{m} (mean over {int(s['n_seeds'].max())} seeds)")
        print(tab.round(4).to_string())
    if partial:
        print(f"\n{partial}")
    print(f"\nfigure written to {png}")
    return 0
