"""Noise detection: HRV + SQI + noise-level NoiseDetector on MIT-BIH + NSTDB mixtures
(``bw``/``ma``/``em``, 24..-6 dB, noisy = SNR < 10 dB) and across datasets (CinC 2017).

Protocol: :func:`geoecg.evaluation.noise_study.noise_study`; every row runs with every
feature (``NoiseDetector(features="all")``) and with the nine of physical sign (``"physical"``).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from ._versions import package_versions

__all__ = ["FEATURE_SETS", "add_arguments", "run"]

#: ``NoiseDetector(features=)`` sets compared side by side (every row is run for each).
FEATURE_SETS = ("all", "physical")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default=None, help="folder with mitdb/, nstdb/, cinc2017/")
    p.add_argument("--windows-per-record", type=int, default=20)
    p.add_argument("--window-s", type=float, default=10.0)
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--cache", default=None, help="folder to keep feature matrices (resume)")
    p.add_argument("--json", default=None, help="write the figures to this JSON file")


def _features(name, windows, fs, cache):
    from ..features import NOISE_FEATURE_NAMES, noise_window_features

    f = Path(cache or ".") / f"noise_{name}_{len(NOISE_FEATURE_NAMES)}.npz"
    if cache is not None and f.exists():
        return np.load(f)["F"]
    F = noise_window_features(windows, fs, progress=True)
    if cache is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez(f, F=F)
    return F


def run(args) -> int:
    from ..datasets.noise_training import cinc2017_windows, mitdb_noise_windows
    from ..evaluation.noise_study import noise_study
    from ..features import NOISE_FEATURE_SETS, NoiseDetector
    from ..io import patient_groups

    data, t_start = Path(args.data or os.environ.get("GEOECG_DATA", "")), time.perf_counter()
    kw = {"window_s": args.window_s, "windows_per_record": args.windows_per_record}
    tr, te = (mitdb_noise_windows(data / "mitdb", data / "nstdb", noise_part=part,
                                  random_state=seed, **kw)
              for part, seed in (("first", 0), ("second", 1)))  # fmt: skip
    cc = cinc2017_windows(data / "cinc2017", window_s=args.window_s)
    feats = {k: _features(n, w.windows, w.fs, args.cache)
             for k, n, w in (("train", "mitdb_train", tr), ("test", "mitdb_test", te),
                             ("other", "cinc2017", cc))}  # fmt: skip
    recs = list(np.unique(tr.record))
    res = noise_study(
        lambda f: NoiseDetector(precomputed=True, features=f, random_state=0), tr, te, cc,
        features=feats, groups=dict(zip(recs, patient_groups(recs), strict=True)),
        feature_sets=FEATURE_SETS, n_folds=args.folds,
        log=lambda line: print(line, flush=True),
    )  # fmt: skip
    result = {
        **res,
        "feature_sets": {k: list(NOISE_FEATURE_SETS[k]) for k in FEATURE_SETS},
        "n_windows": {
            n: int(w.y.size) for n, w in (("mitdb_train", tr), ("mitdb_test", te), ("cinc2017", cc))
        },  # fmt: skip
        "window_s": args.window_s,
        "noisy_below_db": 10.0,
        "elapsed_s": time.perf_counter() - t_start,
        "versions": package_versions("scikit-learn"),
    }
    _print(result, args.window_s)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
        print(f"  written {args.json}")
    return 0


def _print(res: dict, window_s: float) -> None:
    import pandas as pd

    print(
        f"geoecg bench noise: {window_s:g}-s windows, NoiseDetector (monotonic) on every HRV + "
        "SQI + noise-level feature (all) and on the 9 with a physical direction (physical)"
    )
    per = [
        {"trained on": "mitdb+nstdb (CV)", "features": "all", "noise": k, **m}
        for k, m in res["per_noise"].items()
    ]
    per += [{"trained on": "cinc2017", "features": f, "noise": k, **m}
            for f, d in res["reverse_per_noise"].items() for k, m in d.items()]  # fmt: skip
    for rows in (res["pairs"], per):
        print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format, na_rep="n/a"))
    print(
        "AUPRC of mixtures at each SNR vs clean windows: "
        + ", ".join(f"{k} dB {v:.3f}" for k, v in res["snr_curve"].items())
    )
    print(f"elapsed {res['elapsed_s']:.0f} s")
