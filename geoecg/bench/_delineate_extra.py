"""PTB-XL criteria-defined statements and synthetic ECGSYN checks for ``geoecg bench delineate``."""

from __future__ import annotations

import numpy as np

from ..evaluation.small_cohort import auc_score, bootstrap_ci
from ..features.clinical import clinical_measurements
from ..features.delineation import FIDUCIALS, delineate

#: statement -> (measurement, sign making larger = more abnormal, criterion text, test)
CRITERIA = {
    "CLBBB": ("qrs_dur_ms", 1.0, "QRS >= 120 ms", lambda v, s: v >= 120.0),
    "CRBBB": ("qrs_dur_ms", 1.0, "QRS >= 120 ms", lambda v, s: v >= 120.0),
    "1AVB": ("pr_ms", 1.0, "PR > 200 ms", lambda v, s: v > 200.0),
    "LAFB": ("qrs_axis_deg", -1.0, "axis < -45 deg", lambda v, s: v < -45.0),
    "LVH": ("sokolow_lyon_mv", 1.0, "Sokolow-Lyon >= 3.5 mV", lambda v, s: v >= 3.5),
    "LVH_cornell": ("cornell_mv", 1.0, "Cornell > 2.8 (M) / 2.0 (F) mV",
                    lambda v, s: v > np.where(s == 1, 2.0, 2.8)),  # fmt: skip
    "LNGQT": ("qtc_bazett_ms", 1.0, "QTc Bazett > 450 (M) / 460 (F) ms",
              lambda v, s: v > np.where(s == 1, 460.0, 450.0)),  # fmt: skip
}


def _wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    z = 1.96
    p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (c - h), 100 * (c + h)


def ptbxl_criteria(db, fs: int = 100, n_boot: int = 2000, seed: int = 0) -> dict:
    """AUC of each measurement for its statement vs NORM, and the share meeting the criterion.

    ``db`` is a :class:`geoecg.io.PTBXL`; every record available at ``fs`` is measured with
    :func:`clinical_measurements` (standard lead order). Records carrying the statement (any
    likelihood) are positives, NORM records without it negatives.
    """
    ids = db.available(fs)
    meta = db.metadata().loc[ids]
    rows = {}
    for start in range(0, len(ids), 64):
        X, _ = db.load(ids[start : start + 64], fs=fs)
        for i, x in zip(ids[start : start + 64], X, strict=True):
            rows[i] = clinical_measurements(x, float(fs), sex=meta.at[i, "sex"]).values
    out = {}
    codes = meta["scp_codes"]
    is_norm = codes.map(lambda c: "NORM" in c).to_numpy()
    sex = meta["sex"].to_numpy()
    for stmt, (name, sign, text, test) in CRITERIA.items():
        code = "LVH" if stmt == "LVH_cornell" else stmt
        pos = codes.map(lambda c, code=code: code in c).to_numpy()
        sel = pos | (is_norm & ~pos)
        v = np.array([rows[i][name] for i in ids])
        ok = sel & np.isfinite(v)
        y = pos[ok].astype(int)
        res = {"measurement": name, "criterion": text, "n_pos": int(pos.sum()),
               "n_pos_measured": int(y.sum()), "n_norm_measured": int((1 - y).sum())}  # fmt: skip
        if y.sum() and (1 - y).sum():
            groups = meta["patient_id"].to_numpy()[ok]
            ci = bootstrap_ci(y, sign * v[ok], metric=auc_score, n_boot=n_boot,
                              groups=groups, random_state=seed)  # fmt: skip
            res.update(auc=ci.estimate, auc_low=ci.low, auc_high=ci.high)
        else:
            res.update(auc=float("nan"), auc_low=float("nan"), auc_high=float("nan"))
        vp = v[pos & np.isfinite(v)]
        meets = int(np.sum(test(vp, sex[pos & np.isfinite(v)])))
        lo, hi = _wilson(meets, vp.size)
        res.update(meets_pct=100 * meets / vp.size if vp.size else float("nan"),
                   meets_low=lo, meets_high=hi,
                   median_pos=float(np.median(vp)) if vp.size else float("nan"),
                   median_norm=float(np.nanmedian(v[is_norm & ~pos])))  # fmt: skip
        out[stmt] = res
    return out


def format_criteria(res: dict, fs: int) -> str:
    lines = [f"PTB-XL criteria-defined statements vs NORM ({fs} Hz; AUC with 95% patient "
             "bootstrap CI; share of labelled records meeting the criterion, Wilson CI)",
             f"{'statement':<12} {'measure':<16} {'n+':>4} {'AUC [95% CI]':>22} "
             f"{'meets % [CI]':>20} {'median +/NORM':>16}"]  # fmt: skip
    for k, r in res.items():
        lines.append(
            f"{k:<12} {r['measurement']:<16} {r['n_pos_measured']:>4} "
            f"{r['auc']:.3f} [{r['auc_low']:.3f}, {r['auc_high']:.3f}]".ljust(58)
            + f" {r['meets_pct']:5.1f} [{r['meets_low']:.0f}, {r['meets_high']:.0f}]"
            f" {r['median_pos']:8.1f}/{r['median_norm']:.1f}"
        )
    return "\n".join(lines)


def synthetic_checks(hrs=(40, 60, 90, 120, 150, 180), widths=(0.8, 1.0, 1.5),
                     noises=(0.0, 0.05), fs: float = 500.0, seed: int = 0) -> list[dict]:
    """ECGSYN strips (12 leads, 10 s) across heart rates, QRS widths and noise levels.

    ECGSYN does not export wave boundaries, so the check is of consistency with what the
    generator fixes: every beat has a P, QRS and T (share of beats with each global
    fiducial), the QRS duration must not drift with heart rate (its SD across rates is
    reported per width) and must grow with the width factor.
    """
    from ..simulate import synthesize_ecg

    out = []
    for w in widths:
        for nz in noises:
            for hr in hrs:
                x = synthesize_ecg(fs=fs, duration_s=10.0, hr_bpm=hr, qrs_width=w, noise_mv=nz,
                                   random_state=seed)  # fmt: skip
                d = delineate(x, fs)
                s = d.samples
                inner = slice(1, max(1, s.shape[0] - 1))
                g = s[inner]
                qrs = (g[:, FIDUCIALS.index("QRS_off")] - g[:, FIDUCIALS.index("QRS_on")])
                out.append({
                    "hr_bpm": hr, "qrs_width": w, "noise_mv": nz, "n_beats": int(g.shape[0]),
                    "detected_beats": int(s.shape[0]),
                    "expected_beats": int(round(hr * 10 / 60)),
                    "p_pct": 100 * float(np.mean(np.isfinite(g[:, 1]))) if g.size else np.nan,
                    "t_pct": 100 * float(np.mean(np.isfinite(g[:, 11]))) if g.size else np.nan,
                    "qrs_ms": float(np.nanmedian(qrs) * 1000 / fs) if g.size else np.nan,
                })  # fmt: skip
    return out
