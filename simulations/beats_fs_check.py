"""Descriptive check: beat features of a MIT-BIH record at 360 Hz and resampled to 128 Hz.

Chooses nothing (issue 17, registry item 14 of docs/benchmarks/beats_history.md). For each record
named, the first 10 minutes are resampled with ``scipy.signal.resample_poly(x, 16, 45)``
(360 -> 128 Hz), the reference beat positions scaled, and every column of
:func:`geoecg.features.beat_dominant.record_beat_table` compared: Spearman correlation and
median absolute change in interquartile ranges, over the ``transfer`` set.

    python simulations/beats_fs_check.py $GEOECG_DATA/mitdb 118
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.signal import resample_poly
from scipy.stats import spearmanr

from geoecg.features.beat_dominant import beat_feature_set_mask, record_beat_table
from geoecg.io import beat_annotations, read_record


def compare(folder, rec, minutes=10.0):
    """Rows (name, in transfer, Spearman rho, median |diff| / IQR) of one record."""
    r = read_record(f"{folder}/{rec}")
    ba = beat_annotations(r.annotations)
    n = int(minutes * 60 * r.fs)
    sig = r.signal[:, :n]
    p = ba["sample"].to_numpy()
    p = p[(p > 0) & (p < n)]
    a = record_beat_table(sig, p, r.fs)
    s128 = resample_poly(sig, 16, 45, axis=1)
    p128 = np.clip(np.round(p * 128 / r.fs).astype(np.int64), 0, s128.shape[1] - 1)
    b = record_beat_table(s128, p128, 128.0)
    names = a.names.astype(str)
    tr = beat_feature_set_mask(names, "transfer")
    rows = []
    for j, name in enumerate(names):
        x, z = a.values[:, j], b.values[:, j]
        ok = np.isfinite(x) & np.isfinite(z)
        if ok.sum() < 20 or np.std(x[ok]) == 0 or np.std(z[ok]) == 0:
            continue
        iqr = np.subtract(*np.percentile(x[ok], [75, 25])) or np.std(x[ok])
        rho = spearmanr(x[ok], z[ok]).statistic
        rows.append((name, bool(tr[j]), rho, np.median(np.abs(x[ok] - z[ok])) / iqr))
    return len(p), rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Prints three lines per record as each record finishes. Chooses nothing.",
    )
    ap.add_argument("folder", help="MIT-BIH folder, e.g. $GEOECG_DATA/mitdb")
    ap.add_argument("records", nargs="+", help="record names, e.g. 118 119")
    ap.add_argument(
        "--minutes", type=float, default=10.0, help="length compared from each record's start"
    )
    args = ap.parse_args(argv)
    for rec in args.records:
        t0 = time.time()
        n, rows = compare(args.folder, rec, args.minutes)
        t = [row for row in rows if row[1]]
        rho = np.array([row[2] for row in t])
        dev = np.array([row[3] for row in t])
        print(f"record {rec}: {n} beats, {time.time() - t0:.0f} s; {len(t)} transfer columns")
        print(
            f"  Spearman rho median {np.median(rho):.3f}, 10th pct {np.percentile(rho, 10):.3f};"
            f" |diff|/IQR median {np.median(dev):.3f}, 90th pct {np.percentile(dev, 90):.3f}"
        )
        low = sorted(t, key=lambda row: row[2])[:6]
        print("  lowest rho:", ", ".join(f"{row[0]} {row[2]:.2f}" for row in low))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
