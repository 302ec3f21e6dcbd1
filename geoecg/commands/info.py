"""Summarise a WFDB record or folder: records, fs, leads, duration, annotation counts.

For folders whose beat annotations use MIT-BIH symbols, the AAMI class counts (N, S, V,
F, Q; escape beats e/j in N) are printed per record and in total.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from .._progress import progress_bar
from ..io.header import _record_base, read_header
from ..io.mitdb import AAMI_CLASSES, BEAT_SYMBOLS, aami_map
from ..io.paths import list_records
from .bench_io import dump_json

__all__ = ["summarise", "add_arguments", "run"]


def _one(base: Path, annotator: str | None) -> dict:
    h = read_header(base)
    row = {
        "record": base.name,
        "fs_hz": float(h.fs),
        "n_leads": int(h.n_sig),
        "leads": ",".join(h.sig_name or []),
        "n_samples": int(h.sig_len),
        "duration_s": round(int(h.sig_len) / float(h.fs), 3),
    }
    ann_file = base.with_name(f"{base.name}.{annotator}") if annotator else None
    if ann_file is not None and ann_file.is_file():
        import wfdb

        ann = wfdb.rdann(str(base), annotator)
        sym = np.asarray(ann.symbol)
        row["n_annotations"] = int(sym.size)
        row["n_beats"] = int(np.isin(sym, list(BEAT_SYMBOLS)).sum())
        m = aami_map()
        labels = [m[s] for s in sym if s in m]
        for c in AAMI_CLASSES:
            row[c] = labels.count(c)
    return row


_SIGNAL_EXTENSIONS = {"hea", "dat", "mat", "edf", "csv", "json", "png", "txt", "md", "xws"}


def _annotation_extensions(path: str | Path, max_records: int = 500) -> list[str]:
    """File extensions beside the records' headers that may be annotators.

    Files named ``<record>.<ext>`` next to the first ``max_records`` records of a folder
    (nested folders included, as :func:`~geoecg.io.list_records` lists them) or next to one
    record, without the signal, header and common non-WFDB extensions; sorted, at most 20.
    """
    path = Path(path)
    if path.is_dir():
        bases = [path / n for n in list_records(path)[:max_records]]
    else:
        bases = [_record_base(path)]
    exts = set()
    for b in bases:
        for f in b.parent.glob(f"{b.name}.*"):
            ext = f.name[len(b.name) + 1 :]
            if ext and "." not in ext and ext.lower() not in _SIGNAL_EXTENSIONS:
                exts.add(ext)
    return sorted(exts)[:20]


def summarise(path: str | Path, annotator: str | None = "atr", progress: bool | None = None):
    """Summary table of a record or of every record in a folder.

    Returns
    -------
    DataFrame
        One row per record: ``record``, ``fs_hz``, ``n_leads``, ``leads``, ``n_samples``,
        ``duration_s`` and, where an annotation file exists, ``n_annotations``,
        ``n_beats`` and the AAMI class counts. In a folder, a record whose header or
        annotation file cannot be read gets a row with only ``error`` (the reason, naming
        the file) and the others are summarised; a single record raises.
    """
    path = Path(path)
    if path.is_dir():
        names = list_records(path)
        if not names:
            raise FileNotFoundError(f"{path} holds no WFDB records (no .hea files found)")
        bases = [path / n for n in names]
    else:
        bases = [_record_base(path)]
    rows = []
    show = progress if len(bases) >= 50 else False
    for b in progress_bar(bases, desc="reading headers", progress=show):
        try:
            rows.append(_one(b, annotator))
        except (OSError, ValueError) as exc:  # a full download may hold a broken record
            if not path.is_dir():
                raise
            rows.append({"record": b.name, "error": f"{type(exc).__name__}: {exc}"})
    df = pd.DataFrame(rows).set_index("record")
    for c in AAMI_CLASSES + ("n_annotations", "n_beats", "n_leads", "n_samples"):
        if c in df:
            df[c] = df[c].astype("Int64")
    return df


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", help="a WFDB record (with or without .hea) or a folder of records")
    p.add_argument(
        "--annotator", default="atr", help="annotation file extension to count (default: atr)"
    )
    p.add_argument("--json", metavar="PATH", help="also write the table as JSON")


def run(args) -> int:
    df = summarise(args.path, annotator=args.annotator)
    bad = df.pop("error").dropna() if "error" in df else pd.Series(dtype=str)
    if len(bad) == len(df):  # a folder whose every header failed: no table to print
        raise ValueError(
            f"none of the {len(df)} record(s) in {args.path} is readable (first: "
            f"{bad.index[0]}: {bad.iloc[0]}); expected WFDB headers (.hea) with their signal files"
        )
    with pd.option_context("display.max_rows", 500, "display.width", 160):
        print(df.drop(index=bad.index, columns=["leads"], errors="ignore").to_string())
    for name, why in list(bad.items())[:20]:
        print(f"unreadable {name}: {why}")
    if len(bad):
        print(f"{len(bad)} of {len(df)} record(s) unreadable (rows without figures)")
    fs = sorted(df["fs_hz"].dropna().unique())
    print(
        f"\n{len(df)} record(s); fs: {', '.join(f'{f:g}' for f in fs)} Hz; "
        f"total duration {df['duration_s'].sum() / 3600:.2f} h"
    )
    if args.annotator and "n_annotations" not in df:
        found = _annotation_extensions(args.path)
        print(
            f"no record has a .{args.annotator} annotation file, so nothing is counted; "
            + (
                f"extensions found beside the headers: {', '.join(found)} (--annotator EXT)"
                if found
                else "no annotation files found beside the headers"
            )
        )
    if all(c in df for c in AAMI_CLASSES):
        tot = df[list(AAMI_CLASSES)].sum()
        counts = ", ".join(f"{c} {tot[c]}" for c in tot.index)
        print(f"AAMI class counts (EC57; e/j in N): {counts}")
    if args.json:
        rows = df.reset_index().to_dict(orient="records")
        dump_json(args.json, rows, default=str)
    return 0
