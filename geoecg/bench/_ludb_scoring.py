"""LUDB scoring helpers for ``geoecg bench delineate``: reference marks per lead, CSE table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..evaluation.delineation import pool_scores, score_fiducial
from ..features.delineation import FIDUCIALS
from ..io.ludb import LUDB_LEADS, annotated_span

#: Scored fiducials: (column of FIDUCIALS, LUDB wave, LUDB mark).
SCORED = (
    ("P_on", "P", "onset"), ("P_peak", "P", "peak"), ("P_off", "P", "offset"),
    ("QRS_on", "QRS", "onset"), ("QRS_off", "QRS", "offset"),
    ("T_on", "T", "onset"), ("T_peak", "T", "peak"), ("T_off", "T", "offset"),
)  # fmt: skip
#: CSE tolerances (2 SD of the experts' spread, ms; Martinez et al. 2004, Table 1).
CSE_2SD_MS = {"P_on": 10.2, "P_off": 12.7, "QRS_on": 6.5, "QRS_off": 11.6, "T_off": 30.6}
#: Split of the visible LUDB records for choosing settings: position in the sorted list.
SPLITS = ("all", "tune", "test")


def split_records(names: list[str], split: str) -> list[str]:
    """``tune``: records at even positions of the numerically sorted list; ``test``: odd."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    names = sorted(names, key=lambda s: (len(s), s))
    if split == "all":
        return names
    return names[0::2] if split == "tune" else names[1::2]


def score_record(waves: pd.DataFrame, lead_samples: np.ndarray, fs: float, *,
                 tolerance_ms: float = 150.0, leads=LUDB_LEADS) -> dict:
    """Per-lead scores of one record.

    ``lead_samples`` is (n_leads, n_beats, 12) in :data:`FIDUCIALS` order (or (n_beats, 12)
    global positions, scored against every lead's reference). Returns
    ``{(fiducial, lead): FiducialScore}``.
    """
    out = {}
    for j, ld in enumerate(leads):
        w = waves[waves["lead"] == ld]
        if len(w) == 0:
            continue
        span = annotated_span(w)
        det = lead_samples if lead_samples.ndim == 2 else lead_samples[j]
        for fid, wave, mark in SCORED:
            ref = w.loc[(w["wave"] == wave) & (w[mark] >= 0), mark].to_numpy()
            col = det[:, FIDUCIALS.index(fid)]
            out[(fid, ld)] = score_fiducial(ref, col, fs, tolerance_ms=tolerance_ms, window=span)
    return out


def summarise(per_record: list[dict]) -> dict:
    """Pool record scores into ``{fiducial: {"all": figures, lead: figures, ...}}``."""
    table: dict = {}
    for fid, _, _ in SCORED:
        keys = {k for d in per_record for k in d if k[0] == fid}
        leads = sorted({k[1] for k in keys}, key=LUDB_LEADS.index)
        row = {"all": pool_scores(d[k] for d in per_record for k in d if k[0] == fid).as_dict()}
        for ld in leads:
            row[ld] = pool_scores(d[(fid, ld)] for d in per_record if (fid, ld) in d).as_dict()
        table[fid] = row
    return table


def format_table(title: str, table: dict) -> str:
    """Readable CSE-style table of one method (pooled over leads)."""
    lines = [title, f"{'fiducial':<9} {'Se %':>6} {'+P %':>6} {'mean ms':>8} {'SD ms':>6} "
             f"{'CSE 2SD':>7} {'n ref':>6}"]
    for fid, row in table.items():
        a = row["all"]
        cse = CSE_2SD_MS.get(fid)
        lines.append(
            f"{fid:<9} {a['se']:6.1f} {a['ppv']:6.1f} {a['mean_ms']:8.1f} {a['sd_ms']:6.1f} "
            f"{'' if cse is None else f'{cse:.1f}':>7} {a['tp'] + a['fn']:6d}"
        )
    return "\n".join(lines)
