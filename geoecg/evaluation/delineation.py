"""Scoring wave delineation against reference boundaries (CSE-style Se, +P, mean +/- SD error).

A leaf module: arrays and tidy tables in, figures out (no database reader, no delineator).
Reference tables have the columns of :class:`geoecg.io.LUDBRecord` ``waves``: ``lead``,
``wave`` (``"P"``, ``"QRS"``, ``"T"``), ``onset``, ``peak``, ``offset`` (sample indices, -1
where a mark is missing). Detections are ``(n_beats, n_fiducials)`` arrays whose column
names are passed as ``fiducials`` (NaN = absent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._delineation_synthetic import synthetic_lines
from .matching import match_beats
from .small_cohort import auc_score, bootstrap_ci

__all__ = [
    "CSE_2SD_MS", "SCORED", "FiducialScore", "consensus_waves", "criterion_scores",
    "format_delineation_report", "format_delineation_table", "pool_scores",
    "score_annotated_beats", "score_fiducial", "score_waves", "split_records",
    "summarise_scores",
]  # fmt: skip

#: Scored fiducials: (detector column name, reference wave, reference mark).
SCORED = (
    ("P_on", "P", "onset"), ("P_peak", "P", "peak"), ("P_off", "P", "offset"),
    ("QRS_on", "QRS", "onset"), ("QRS_off", "QRS", "offset"),
    ("T_on", "T", "onset"), ("T_peak", "T", "peak"), ("T_off", "T", "offset"),
)  # fmt: skip
#: CSE tolerances (2 SD of the experts' spread, ms; Martinez et al. 2004, Table 1; the CSE
#: working party, Willems et al. 1985).
CSE_2SD_MS = {"P_on": 10.2, "P_off": 12.7, "QRS_on": 6.5, "QRS_off": 11.6, "T_off": 30.6}
_SPLITS = ("all", "tune", "test")


@dataclass(frozen=True)
class FiducialScore:
    """Matching of one fiducial type (e.g. QRS onset) in one or many strips.

    Attributes
    ----------
    tp, fp, fn : int
        Matched reference marks, unmatched detections, unmatched reference marks.
    errors_ms : ndarray of float64
        ``detected - reference`` of every matched pair, ms.
    """

    tp: int
    fp: int
    fn: int
    errors_ms: np.ndarray

    @property
    def se(self) -> float:
        """Sensitivity, percent."""
        d = self.tp + self.fn
        return 100.0 * self.tp / d if d else float("nan")

    @property
    def ppv(self) -> float:
        """Positive predictivity, percent."""
        d = self.tp + self.fp
        return 100.0 * self.tp / d if d else float("nan")

    @property
    def mean_ms(self) -> float:
        """Mean error (bias), ms."""
        return float(np.mean(self.errors_ms)) if self.errors_ms.size else float("nan")

    @property
    def sd_ms(self) -> float:
        """Standard deviation of the error (ddof=1), ms."""
        return float(np.std(self.errors_ms, ddof=1)) if self.errors_ms.size > 1 else float("nan")

    def as_dict(self) -> dict:
        """Figures for tables and JSON (without the error array)."""
        return {
            "se": self.se, "ppv": self.ppv, "mean_ms": self.mean_ms, "sd_ms": self.sd_ms,
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }  # fmt: skip


def score_fiducial(reference, detected, fs, *, tolerance_ms=150.0, window=None) -> FiducialScore:
    """Match detected to reference marks of one fiducial type one-to-one.

    Parameters
    ----------
    reference : array_like of int
        Reference sample indices (e.g. the cardiologists' QRS onsets of one lead).
    detected : array_like of float
        Detected sample indices; NaN entries (absent waves) are dropped.
    fs : float
        Sampling rate, Hz.
    tolerance_ms : float, default 150
        Largest ``|detected - reference|`` of a match.
    window : (int, int), optional
        Score only ``[start, stop)`` (the annotated span), as in
        :func:`~geoecg.evaluation.match_beats`.

    Returns
    -------
    FiducialScore
        Matches, false detections, misses and the errors (detected - reference) in ms.

    Examples
    --------
    >>> s = score_fiducial([100, 600], [105.0, float("nan"), 900.0], fs=500, window=(0, 1000))
    >>> s.tp, s.fp, s.fn, s.errors_ms.tolist()
    (1, 1, 1, [10.0])
    """
    det = np.asarray(detected, dtype=np.float64)
    det = np.round(det[np.isfinite(det)]).astype(np.int64)
    ref = np.asarray(reference, dtype=np.int64)
    m = match_beats(ref, det, fs, tolerance_ms, window=window)
    err = (m.pairs[:, 1] - m.pairs[:, 0]).astype(np.float64) * 1000.0 / fs
    return FiducialScore(tp=m.tp, fp=m.fp, fn=m.fn, errors_ms=err)


def pool_scores(scores) -> FiducialScore:
    """Pool several :class:`FiducialScore` (counts summed, errors concatenated).

    Parameters
    ----------
    scores : iterable of FiducialScore
        Scores of records or leads.

    Returns
    -------
    FiducialScore
        The pooled score (all zero for none).

    Examples
    --------
    >>> s = pool_scores([score_fiducial([100], [105.0], fs=500), score_fiducial([300], [], fs=500)])
    >>> s.tp, s.fn, s.se  # sensitivity, %
    (1, 1, 50.0)
    """
    scores = list(scores)
    if not scores:
        return FiducialScore(0, 0, 0, np.zeros(0))
    return FiducialScore(
        tp=sum(s.tp for s in scores),
        fp=sum(s.fp for s in scores),
        fn=sum(s.fn for s in scores),
        errors_ms=np.concatenate([s.errors_ms for s in scores]),
    )


def split_records(names, split: str) -> list[str]:
    """Fixed development split of a record list (numeric order).

    ``"tune"``: records at positions 0, 2, 4, ... of the numerically sorted list (on the
    visible LUDB half, records 1, 5, 9, ...); ``"test"``: positions 1, 3, 5, ...; ``"all"``.

    Parameters
    ----------
    names : iterable
        Record names (numbers or numeric strings).
    split : {"tune", "test", "all"}
        Which part.

    Returns
    -------
    list of str
        The part's names, in numeric order.

    Raises
    ------
    ValueError
        ``split`` is not one of the three.

    Examples
    --------
    >>> split_records(["9", "1", "5", "3", "7"], "tune")
    ['1', '5', '9']
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    names = sorted((str(n) for n in names), key=lambda s: (len(s), s))
    if split == "all":
        return names
    return names[0::2] if split == "tune" else names[1::2]


def _span(w: pd.DataFrame) -> tuple[int, int]:
    if len(w) == 0:
        return 0, 0
    first = np.where(w["onset"] >= 0, w["onset"], w["peak"]).min()
    last = np.where(w["offset"] >= 0, w["offset"], w["peak"]).max()
    return int(first), int(last) + 1


def score_waves(waves, positions, fs, *, fiducials, leads, tolerance_ms=150.0) -> dict:
    """Score the detections of one record against per-lead reference waves.

    Parameters
    ----------
    waves : DataFrame
        Reference waves (see the module docstring) of one record.
    positions : ndarray, shape (n_leads, n_beats, n_fiducials) or (n_beats, n_fiducials)
        Detections per lead, or one global (multi-lead) set scored against every lead.
    fs : float
        Sampling rate, Hz.
    fiducials : sequence of str
        Column names of ``positions`` (must hold the names of :data:`SCORED`).
    leads : sequence of str
        Lead names of ``positions``' first axis (or the leads to score global positions on).
    tolerance_ms : float, default 150
        Match window, ms.

    Returns
    -------
    dict
        ``{(fiducial, lead): FiducialScore}``. Each lead is scored only inside its annotated
        span (first to last mark), since reference sets often leave edge beats unmarked.
    """
    pos = np.asarray(positions, dtype=np.float64)
    fiducials = list(fiducials)
    out = {}
    for j, ld in enumerate(leads):
        w = waves[waves["lead"] == ld]
        if len(w) == 0:
            continue
        span = _span(w)
        det = pos if pos.ndim == 2 else pos[j]
        for fid, wave, mark in SCORED:
            ref = w.loc[(w["wave"] == wave) & (w[mark] >= 0), mark].to_numpy()
            col = det[:, fiducials.index(fid)]
            out[(fid, ld)] = score_fiducial(ref, col, fs, tolerance_ms=tolerance_ms, window=span)
    return out


def consensus_waves(waves, *, min_share=0.5, gap_ms=100.0, fs=500.0) -> pd.DataFrame:
    """One global reference per beat: the median over leads of the per-lead marks.

    The CSE global boundaries are one onset/offset per beat for all leads together; with
    per-lead reference marks (LUDB), the closest equivalent is the per-beat median over the
    leads that mark the wave. QRS complexes of different leads whose peaks lie within
    ``gap_ms`` of each other form one beat; a P belongs to the next beat, a T to the
    previous one. A wave is kept when at least ``min_share`` of the leads that annotate the
    record mark it; each mark is the median of the leads' marks (ignoring -1), rounded down.

    Parameters
    ----------
    waves : DataFrame
        Per-lead reference waves: columns ``lead``, ``wave`` (``"P"``, ``"QRS"``, ``"T"``),
        ``onset``, ``peak``, ``offset`` (samples, -1 where not marked).
    min_share : float, default 0.5
        Share of the annotating leads that must mark a wave for it to be kept.
    gap_ms : float, default 100
        Largest distance between QRS peaks of different leads of one beat, ms.
    fs : float, default 500
        Sampling frequency, Hz.

    Returns
    -------
    DataFrame
        Columns of ``waves`` with ``lead == "global"``.

    Examples
    --------
    >>> w = pd.DataFrame({"lead": ["i", "ii", "iii"], "wave": "QRS", "onset": [98, 100, 104],
    ...                   "peak": [120, 121, 119], "offset": [150, 160, 158]})
    >>> consensus_waves(w)[["onset", "peak", "offset"]].values.tolist()
    [[100, 120, 158]]
    """
    cols = ["lead", "wave", "onset", "peak", "offset"]
    out = pd.DataFrame(columns=cols)
    n_leads = waves["lead"].nunique()
    qrs = waves[waves["wave"] == "QRS"].sort_values("peak")
    if n_leads == 0 or qrs.empty:
        return out.astype({c: np.int64 for c in cols[2:]})
    pk = qrs["peak"].to_numpy()
    beat = np.r_[0, np.cumsum(np.diff(pk) > gap_ms * fs / 1000.0)]
    centres = np.array([np.median(pk[beat == b]) for b in range(beat[-1] + 1)])
    rows = []
    need = max(1, int(np.ceil(min_share * n_leads)))
    for wave in ("P", "QRS", "T"):
        w = waves[waves["wave"] == wave]
        if w.empty:
            continue
        p = w["peak"].to_numpy()
        if wave == "QRS":
            b = np.argmin(np.abs(p[:, None] - centres[None, :]), axis=1)
        else:
            b = np.searchsorted(centres, p, side="left" if wave == "P" else "right")
            b = b if wave == "P" else b - 1
        for k in np.unique(b):
            g = w[b == k]
            if g["lead"].nunique() < need:
                continue
            marks = [g.loc[g[m] >= 0, m] for m in ("onset", "peak", "offset")]
            rows.append(("global", wave, *(int(np.floor(np.median(v))) if len(v) else -1
                                           for v in marks)))  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({c: np.int64 for c in cols[2:]})


def summarise_scores(per_record) -> dict:
    """Pool record scores into ``{fiducial: {"all": figures, lead: figures, ...}}``.

    Parameters
    ----------
    per_record : iterable of dict
        Per record, ``{(fiducial, lead): FiducialScore}``.

    Returns
    -------
    dict
        Per fiducial, pooled :meth:`FiducialScore.as_dict` figures: ``"all"`` and per lead.
    """
    per_record = list(per_record)
    table: dict = {}
    for fid, _, _ in SCORED:
        keys = [k for d in per_record for k in d if k[0] == fid]
        leads = list(dict.fromkeys(k[1] for k in keys))
        row = {"all": pool_scores(d[k] for d in per_record for k in d if k[0] == fid).as_dict()}
        for ld in leads:
            row[ld] = pool_scores(d[(fid, ld)] for d in per_record if (fid, ld) in d).as_dict()
        table[fid] = row
    return table


def format_delineation_table(title: str, tables: dict) -> str:
    """CSE-style text table: one row per fiducial, Se/+P %, mean +/- SD ms per method.

    ``tables`` maps a method name to the output of :func:`summarise_scores`.

    Parameters
    ----------
    title : str
        First line of the table.
    tables : dict of str -> dict
        Method name -> :func:`summarise_scores` output.

    Returns
    -------
    str
        The table.
    """
    methods = list(tables)
    head = f"{'fiducial':<9}" + "".join(f" {m:>27}" for m in methods) + f" {'CSE 2SD':>8}"
    lines = [title + " (Se/+P %, mean ± SD ms)", head]
    for fid, _, _ in SCORED:
        cells = []
        for m in methods:
            a = tables[m].get(fid, {}).get("all")
            ok = a is not None and a["tp"] > 1
            cells.append(f"{a['se']:5.1f}/{a['ppv']:5.1f} {a['mean_ms']:6.1f}±{a['sd_ms']:5.1f}"
                         if ok else "—")  # fmt: skip
        cse = CSE_2SD_MS.get(fid)
        lines.append(f"{fid:<9}" + "".join(f" {c:>27}" for c in cells)
                     + f" {'' if cse is None else f'{cse:.1f}':>8}")  # fmt: skip
    return "\n".join(lines)


def format_delineation_report(result: dict, section: str) -> str:
    """Text of one section of a ``geoecg bench delineate`` result.

    ``section`` is ``"ludb"`` (output of ``ludb_protocol``: per lead, global, consensus,
    NeuroKit2 side by side and speed), ``"qtdb"``, ``"noise"``, ``"synthetic"`` or
    ``"ptbxl_criteria"`` (outputs of the protocols of
    :mod:`geoecg.features.delineation_protocols`, keyed by these names in ``result``).

    Parameters
    ----------
    result : dict
        The benchmark result (the protocols' outputs by section name).
    section : {"ludb", "qtdb", "noise", "synthetic", "ptbxl_criteria"}
        Which section.

    Returns
    -------
    str
        The section's text.
    """
    r = result[section]
    if section == "ludb":
        lines = [
            format_delineation_table(
                "geoecg on 12 leads: per lead; global vs each lead's marks; global vs the "
                "per-beat median of the leads' marks",
                {k: r[k] for k in ("per_lead", "global", "consensus")},
            )
        ]
        if "peers" in r:
            p = r["peers"]
            lines.append(
                format_delineation_table(
                    f"Side by side on leads {p['leads']}, same R-peaks",
                    {m: p[m] for m in ("geoecg", "nk-dwt", "nk-peak")},
                )
            )
        sp = r["speed"]
        speed = f"speed, lead-beats/s per core: geoecg {sp['geoecg_lead_beats_per_s']:.0f}"
        lines.append(
            speed
            + "".join(
                f"; NeuroKit2 {m} {sp[f'nk-{m}_lead_beats_per_s']:.1f} "
                f"(ratio {sp[f'ratio_vs_nk-{m}']:.0f}x)"
                for m in ("dwt", "peak")
                if f"nk-{m}_lead_beats_per_s" in sp
            )
        )
        return "\n".join(lines)
    if section == "qtdb":
        lines = [
            f"QTDB q1c, {len(r['records'])} records, annotated beats (Se %, mean ± SD, MAE ms)"
        ]
        lines += [
            f"  {k:<8} n {v['n']:5d}  Se {v['se']:5.1f}  "
            f"{v['mean_ms']:6.1f} ± {v['sd_ms']:5.1f}"
            f"  MAE {v['mae_ms']:5.1f}"
            for k, v in r.items()
            if k != "records"
        ]
    elif section == "noise":
        lines = ["Noise robustness, global boundary (Se %, mean ± SD ms), R-peaks on noisy strips"]
        lines += [
            f"  {x['noise']:<3} {x['snr_db']:5.1f} dB {x['fiducial']:<8} Se {x['se']:5.1f} "
            f"+P {x['ppv']:5.1f}  {x['mean_ms']:6.1f} ± {x['sd_ms']:5.1f}"
            for x in r
        ]
    elif section == "synthetic":
        lines = synthetic_lines(r)
    elif section == "ptbxl_criteria":
        lines = [
            f"PTB-XL statements vs NORM ({r['fs']} Hz; AUC [95% patient bootstrap]; "
            "% meeting the criterion [Wilson]; median +/NORM)"
        ]
        lines += [
            f"  {k:<12} {x['measurement']:<16} n+ {x['n_pos_measured']:>3} "
            f"{x['auc']:.3f} [{x['auc_low']:.3f}, {x['auc_high']:.3f}] "
            f"{x['meets_pct']:5.1f} [{x['meets_low']:.0f}, {x['meets_high']:.0f}] "
            f"{x['median_pos']:.1f}/{x['median_neg']:.1f}"
            for k, x in r["statements"].items()
        ]
    else:
        raise ValueError(f"unknown section {section!r}")
    return "\n".join(lines)


def score_annotated_beats(waves, positions, fs, *, fiducials, tolerance_ms=150.0) -> dict:
    """Score detections on annotated beats only (the QT database ``q1c`` protocol).

    Cardiologists marked only some beats of each QT-database record (about 30), so positive
    predictivity is undefined: each annotated beat (a ``QRS`` row of ``waves``) is paired
    with the detected beat whose R peak (column ``"R_peak"``) is nearest its QRS peak (within
    ``tolerance_ms``), and every reference mark of that beat is compared with that beat's
    fiducial: its QRS row, the P rows whose peak lies between the previous annotated QRS peak
    and its own, and the T rows whose peak lies between its own and the next one's (for each
    mark the first such row that has it; a biphasic ``(t t)`` gives the onset of the first
    lobe and the offset of the second).

    Parameters
    ----------
    waves : DataFrame
        Reference waves of the record (columns ``wave``, ``onset``, ``peak``, ``offset`` in
        samples, -1 where not marked).
    positions : array_like, shape (n_beats, len(fiducials))
        Detected sample positions per beat (NaN where absent), columns in the order of
        ``fiducials``.
    fs : float
        Sampling frequency, Hz.
    fiducials : sequence of str
        Names of the columns of ``positions``; must include ``"R_peak"``.
    tolerance_ms : float, default 150
        Largest distance between a detected R peak and an annotated QRS peak, ms.

    Returns
    -------
    dict
        ``{fiducial: FiducialScore}`` (``fp`` is 0: not defined) plus ``"QT"``: the error of
        ``T_off - QRS_on`` on beats where both are marked and detected, ms.

    Examples
    --------
    >>> w = pd.DataFrame({"lead": "q1c", "wave": ["QRS", "T"], "onset": [90, 200],
    ...                   "peak": [100, 250], "offset": [140, 300]})
    >>> det = np.array([[92.0, 101.0, 139.0, 310.0]])
    >>> s = score_annotated_beats(w, det, 1000, fiducials=["QRS_on", "R_peak", "QRS_off", "T_off"])
    >>> s["QT"].errors_ms.tolist(), s["QRS_on"].errors_ms.tolist()
    ([8.0], [2.0])
    """
    pos = np.asarray(positions, dtype=np.float64).reshape(-1, len(fiducials))
    fiducials = list(fiducials)
    r = pos[:, fiducials.index("R_peak")]
    tol = tolerance_ms * fs / 1000.0
    qrs = waves[waves["wave"] == "QRS"].sort_values("peak")
    errs = {fid: [] for fid, _, _ in SCORED if fid in fiducials}
    miss = dict.fromkeys(errs, 0)
    qt, qt_miss = [], 0
    pk = qrs["peak"].to_numpy()
    prev, nxt = np.r_[-np.inf, pk[:-1]], np.r_[pk[1:], np.inf]
    waves = waves.sort_values("peak")
    for k, (_, q) in enumerate(qrs.iterrows()):
        d = np.abs(r - q["peak"])
        b = int(np.nanargmin(d)) if np.isfinite(d).any() else -1
        hit = b >= 0 and d[b] <= tol
        # a P belongs to the next QRS, a T to the previous one (as in consensus_waves), so a
        # T peak later than half the RR (fast rates, premature beats) stays with its beat
        pw = waves[(waves["wave"] == "P") & (waves["peak"] > prev[k]) & (waves["peak"] <= pk[k])]
        tw = waves[(waves["wave"] == "T") & (waves["peak"] > pk[k]) & (waves["peak"] < nxt[k])]
        beat = pd.concat([pw, tw])
        ref = {}
        for fid, wave, mark in SCORED:
            if fid not in errs:
                continue
            v = beat.loc[(beat["wave"] == wave) & (beat[mark] >= 0), mark]
            if wave == "QRS":
                v = pd.Series([q[mark]]) if q[mark] >= 0 else v.iloc[:0]
            if len(v) == 0:
                continue
            ref[fid] = float(v.iloc[0])
            det = pos[b, fiducials.index(fid)] if hit else np.nan
            if np.isfinite(det):
                errs[fid].append((det - ref[fid]) * 1000.0 / fs)
            else:
                miss[fid] += 1
        if "QRS_on" in ref and "T_off" in ref:
            on = pos[b, fiducials.index("QRS_on")] if hit else np.nan
            off = pos[b, fiducials.index("T_off")] if hit else np.nan
            if np.isfinite(on) and np.isfinite(off):
                qt.append(((off - on) - (ref["T_off"] - ref["QRS_on"])) * 1000.0 / fs)
            else:
                qt_miss += 1
    out = {f: FiducialScore(len(e), 0, miss[f], np.asarray(e, float)) for f, e in errs.items()}
    out["QT"] = FiducialScore(len(qt), 0, qt_miss, np.asarray(qt, float))
    return out


def criterion_scores(
    values, positive, negative, *, sign=1.0, meets=None, groups=None, n_boot=2000, random_state=0
) -> dict:
    """AUC of one measurement for a label, and the share of positives meeting a criterion.

    Parameters
    ----------
    values : array_like of float
        The measurement per record (NaN = not measurable; dropped).
    positive, negative : array_like of bool
        Records carrying the statement, and the comparison group (e.g. NORM without it).
    sign : float, default 1
        ``-1`` when smaller values are more abnormal (e.g. left axis deviation).
    meets : array_like of bool, optional
        Whether each record meets the textbook criterion (e.g. ``QRS >= 120 ms``).
    groups : array_like, optional
        Patient ids: the bootstrap resamples patients.
    n_boot : int, default 2000
        Bootstrap resamples of the AUC interval.
    random_state : int, default 0
        Seed of the bootstrap.

    Returns
    -------
    dict
        ``auc``, ``auc_low``, ``auc_high`` (95 % percentile bootstrap), ``n_pos_measured``,
        ``n_neg_measured``, ``meets_pct`` with a 95 % Wilson interval ``meets_low``,
        ``meets_high``, and the medians ``median_pos``, ``median_neg``.
    """
    v = np.asarray(values, dtype=float)
    pos = np.asarray(positive, dtype=bool)
    neg = np.asarray(negative, dtype=bool) & ~pos
    ok = (pos | neg) & np.isfinite(v)
    y = pos[ok].astype(int)
    res = {"n_pos_measured": int(y.sum()), "n_neg_measured": int((1 - y).sum()),
           "auc": np.nan, "auc_low": np.nan, "auc_high": np.nan}  # fmt: skip
    if y.sum() and (1 - y).sum():
        g = None if groups is None else np.asarray(groups)[ok]
        ci = bootstrap_ci(y, sign * v[ok], metric=auc_score, n_boot=n_boot, groups=g,
                          random_state=random_state)  # fmt: skip
        res.update(auc=ci.estimate, auc_low=ci.low, auc_high=ci.high)
    pv = pos & np.isfinite(v)
    n = int(pv.sum())
    k = int(np.sum(np.asarray(meets, dtype=bool)[pv])) if meets is not None else 0
    z = 1.96
    if n and meets is not None:
        p = k / n
        c = (p + z * z / (2 * n)) / (1 + z * z / n)
        h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        res.update(meets_pct=100 * p, meets_low=100 * (c - h), meets_high=100 * (c + h))
    else:
        res.update(meets_pct=np.nan, meets_low=np.nan, meets_high=np.nan)
    res.update(
        median_pos=float(np.median(v[pv])) if n else np.nan,
        median_neg=float(np.median(v[neg & np.isfinite(v)])) if neg.any() else np.nan,
    )
    return res
