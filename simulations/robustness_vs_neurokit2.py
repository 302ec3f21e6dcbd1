"""Degenerate inputs through geoecg and NeuroKit2, side by side (issue 19).

Each case is one input given to the R-peak detector and to time-domain HRV of both
libraries. An outcome is

- ``ok``: a result whose invariants hold (peaks inside the signal, sorted, >= 200 ms apart,
  none on a NaN sample, none in a flat or all-NaN lead; HRV finite where defined and NaN
  where the input holds no information, never inf),
- ``clear error``: a ValueError/TypeError,
- ``crash``: any other exception (IndexError, ZeroDivisionError, ...),
- ``silent wrong``: a result that breaks an invariant.

Run: ``python simulations/robustness_vs_neurokit2.py`` (prints a table; ``--json PATH``).
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from geoecg.commands.bench_io import dump_json, output_file

FS = 250.0
KEYS = ("task", "input", "geoecg", "neurokit2")


def _ecg(seconds=30.0, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * FS)) / FS
    x = np.zeros_like(t)
    for c in np.arange(0.4, seconds, 0.8):
        x += np.exp(-0.5 * ((t - c) / 0.01) ** 2)
        x -= 0.2 * np.exp(-0.5 * ((t - c - 0.25) / 0.04) ** 2)  # a T-like wave
    return x + 0.01 * rng.standard_normal(t.size)


def signal_cases():
    x = _ecg()
    gap10 = x.copy()
    gap10[3000:3750] = np.nan
    nan90 = np.full_like(x, np.nan)
    for a in (500, 2500, 4500, 6500):
        nan90[a : a + 190] = x[a : a + 190]
    return {
        "empty": (np.zeros(0), FS),
        "one sample": (x[:1], FS),
        "3 beats": (x[: int(2.3 * FS)], FS),
        "flat lead": (np.full(x.size, 0.37), FS),
        "all NaN": (np.full(x.size, np.nan), FS),
        "10% NaN gap": (gap10, FS),
        "90% NaN": (nan90, FS),
        "+inf sample": (np.where(np.arange(x.size) == 100, np.inf, x), FS),
        "int16 (ADC)": (np.round(x * 200).astype(np.int16), FS),
        "1e6 amplitude": (x * 1e6, FS),
        "transposed (n_samples, 2)": (np.vstack([x, x]).T, FS),
        "list": (x.tolist(), FS),
        "fs = 0": (x, 0.0),
        "fs = '250'": (x, "250"),
    }


def rr_cases():
    rng = np.random.default_rng(1)
    rr = 800 + 40 * rng.standard_normal(60)
    return {
        "no interval": np.zeros(0),
        "1 interval": rr[:1],
        "3 intervals": rr[:3],
        "constant RR": np.full(60, 800.0),
        "RR with NaN": np.where(np.arange(60) == 5, np.nan, rr),
        "RR in seconds": rr / 1000.0,
        "negative RR": np.where(np.arange(60) == 5, -800.0, rr),
        "zero RR": np.where(np.arange(60) == 5, 0.0, rr),
    }


def _peaks_ok(p, x, fs) -> bool:
    x2 = np.atleast_2d(np.asarray(x, dtype=float))
    if np.ndim(x) == 2 and x2.shape[0] > x2.shape[1]:
        return False  # a transposed input gave a result: wrong
    p = np.asarray(p, dtype=np.int64)
    if p.size == 0:
        return True
    fin = np.isfinite(x2).any(axis=0)
    flat = np.nanmax(x2) == np.nanmin(x2) if fin.any() else True
    return bool(
        (p >= 0).all()
        and (p < x2.shape[1]).all()
        and (np.diff(p) > 0).all()
        and (np.diff(p) * 1000.0 / fs >= 200.0).all()
        and fin[p].all()
        and not flat
    )


def _hrv_ok(values: dict, rr) -> bool:
    v = np.array([float(a) for a in values.values()], dtype=float)
    if np.isinf(v).any():
        return False
    rr = np.asarray(rr, dtype=float)
    if (rr[np.isfinite(rr)] <= 0).any() or (np.nanmedian(rr) < 30 if rr.size else False):
        return False  # impossible RR accepted
    if np.isfinite(rr).sum() == 0:
        return bool(np.isnan(v).all())
    return True


def classify(fn) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ok = fn()
        except (ValueError, TypeError):
            return "clear error"
        except Exception as exc:  # noqa: BLE001 - the point is to count them
            return f"crash ({type(exc).__name__})"
    return "ok" if ok else "silent wrong"


def geoecg_peaks(x, fs):
    from geoecg.features import detect_rpeaks

    return lambda: _peaks_ok(detect_rpeaks(x, fs).indices, x, fs)


def nk_peaks(x, fs):
    import neurokit2 as nk

    def run():
        _, info = nk.ecg_peaks(nk.ecg_clean(x, sampling_rate=fs), sampling_rate=fs)
        return _peaks_ok(info["ECG_R_Peaks"], x, fs)

    return run


def geoecg_hrv(rr):
    from geoecg.features import hrv_features

    return lambda: _hrv_ok(hrv_features(rr), rr)


def nk_hrv(rr):
    import neurokit2 as nk

    def run():
        # NK2 takes peak samples; RR (ms) -> peaks at 1000 Hz, NaN intervals dropped
        rr_f = np.asarray(rr, dtype=float)
        peaks = np.concatenate([[0], np.cumsum(np.where(np.isfinite(rr_f), rr_f, 0.0))])
        df = nk.hrv_time(peaks.astype(np.int64), sampling_rate=1000)
        return _hrv_ok(df.iloc[0].to_dict(), rr)

    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None, type=output_file, help="write the results here")
    args = ap.parse_args(argv)
    import neurokit2 as nk

    import geoecg

    rows = []
    for name, (x, fs) in signal_cases().items():
        rows.append(("R-peaks", name, classify(geoecg_peaks(x, fs)), classify(nk_peaks(x, fs))))
    for name, rr in rr_cases().items():
        rows.append(("HRV (time)", name, classify(geoecg_hrv(rr)), classify(nk_hrv(rr))))
    w = max(len(r[1]) for r in rows)
    head = f"geoecg {geoecg.__version__}"
    print(f"{'task':11s} {'input':{w}s}  {head:24s} neurokit2 {nk.__version__}")
    for task, name, g, n in rows:
        print(f"{task:11s} {name:{w}s}  {g:24s} {n}")
    counts = {}
    for lib, col in (("geoecg", 2), ("neurokit2", 3)):
        c = {"ok": 0, "clear error": 0, "crash": 0, "silent wrong": 0}
        for r in rows:
            c["crash" if r[col].startswith("crash") else r[col]] += 1
        counts[lib] = c
        print(f"{lib:10s} " + ", ".join(f"{k}: {v}" for k, v in c.items()))
    if args.json:
        dump_json(  # atomic, folder created
            args.json,
            {
                "versions": {"geoecg": geoecg.__version__, "neurokit2": nk.__version__},
                "rows": [dict(zip(KEYS, r, strict=True)) for r in rows],
                "counts": counts,
            },
            indent=2,
        )


if __name__ == "__main__":
    main()
