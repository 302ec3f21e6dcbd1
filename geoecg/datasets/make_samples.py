"""Rebuild the embedded sample data from the PhysioNet databases (maintainer script).

Run ``python -m geoecg.datasets.make_samples SRC`` with ``SRC`` holding ``mitdb/``,
``ptbxl/`` and ``cinc2017/`` (the shared data folder). It writes ``geoecg/datasets/data``.
What is copied and how is described in ``data/PROVENANCE.md``; the MIT-BIH excerpts keep
the original digital values, gains and baselines (only the sample range is cut), PTB-XL and
CinC 2017 files are copied byte for byte.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb

from geoecg.io import read_record

#: (record, first sample, one past the last sample): 5-minute excerpts at 360 Hz.
MITDB_EXCERPTS = (
    ("101", 0, 108_000),  # clean sinus rhythm
    ("119", 0, 108_000),  # ventricular bigeminy and trigeminy
    ("201", 100_000, 208_000),  # AF -> nodal rhythm -> normal -> AF, with rhythm annotations
)
N_PTBXL = 20
N_CINC_PER_CLASS = 5

OUT = Path(__file__).parent / "data"


def _excerpt_mitdb(src: Path, rec: str, a: int, b: int, out: Path) -> None:
    r = wfdb.rdrecord(str(src / rec), sampfrom=a, sampto=b, physical=False)
    # geoecg's reader carries the rhythm in force at ``a`` into the window (sample 0).
    ann = read_record(src / rec, sampfrom=a, sampto=b).annotations
    name = f"mitdb_{rec}"
    wfdb.wrsamp(
        name,
        fs=r.fs,
        units=r.units,
        sig_name=r.sig_name,
        d_signal=r.d_signal,
        fmt=r.fmt,
        adc_gain=r.adc_gain,
        baseline=r.baseline,
        comments=r.comments,
        write_dir=str(out),
    )
    wfdb.wrann(
        name,
        "atr",
        sample=np.asarray(ann.sample),
        symbol=list(ann.symbol),
        aux_note=list(ann.aux_note),
        chan=np.asarray(ann.chan),
        fs=r.fs,
        write_dir=str(out),
    )


def main(src: str) -> None:
    src_dir = Path(src)
    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "mitdb").mkdir(parents=True)
    for rec, a, b in MITDB_EXCERPTS:
        _excerpt_mitdb(src_dir / "mitdb", rec, a, b, OUT / "mitdb")

    ptb_src, ptb_out = src_dir / "ptbxl", OUT / "ptbxl"
    (ptb_out / "records100" / "00000").mkdir(parents=True)
    meta = pd.read_csv(ptb_src / "ptbxl_database.csv")
    sub = meta.head(N_PTBXL)
    sub.to_csv(ptb_out / "ptbxl_database.csv", index=False)
    for f in ("scp_statements.csv", "LICENSE.txt"):
        shutil.copy2(ptb_src / f, ptb_out / f)
    for fn in sub["filename_lr"]:
        for ext in (".hea", ".dat"):
            shutil.copy2(ptb_src / f"{fn}{ext}", ptb_out / f"{fn}{ext}")

    cinc_src, cinc_out = src_dir / "cinc2017", OUT / "cinc2017"
    cinc_out.mkdir(parents=True)
    ref = pd.read_csv(cinc_src / "REFERENCE-v3.csv", header=None, names=["record", "label"])
    picked = ref.groupby("label", sort=True).head(N_CINC_PER_CLASS).sort_values("record")
    picked.to_csv(cinc_out / "REFERENCE-v3.csv", header=False, index=False)
    for rec in picked["record"]:
        for ext in (".hea", ".mat"):
            shutil.copy2(cinc_src / f"{rec}{ext}", cinc_out / f"{rec}{ext}")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m geoecg.datasets.make_samples SHARED_DATA_DIR")
    main(sys.argv[1])
