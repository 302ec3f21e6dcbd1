"""Noise detection: NoiseDetector on MIT-BIH + NSTDB mixtures and across datasets (CinC 2017).

HRV + SQI + noise-level features; ``bw``/``ma``/``em`` noise at 24..-6 dB, noisy = SNR < 10 dB.
Protocol: :func:`geoecg.evaluation.noise_study.noise_study`; every row runs with every
feature (``NoiseDetector(features="all")``) and with the nine of physical sign (``"physical"``).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from ..commands.bench_io import FoldLog, add_common, data_dir

__all__ = ["FEATURE_SETS", "add_arguments", "run"]

#: ``NoiseDetector(features=)`` sets compared side by side (every row is run for each).
FEATURE_SETS = ("all", "physical")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p, data="folder with mitdb/, nstdb/, cinc2017/ (default $GEOECG_DATA)", resume=True)
    p.add_argument("--windows-per-record", type=int, default=20, help="windows per record (20)")
    p.add_argument("--window-s", type=float, default=10.0, help="window length, s (default 10)")
    p.add_argument("--folds", type=int, default=5, help="patient-grouped CV folds (default 5)")
    p.add_argument("--cache", default=None, help="folder to keep feature matrices (resume)")


def run(args) -> int:
    from ..datasets import noise_training as nt
    from ..evaluation.noise_study import format_noise_study, noise_study
    from ..features import NOISE_FEATURE_SETS, NoiseDetector
    from ..io import patient_groups

    data, t_start, saved = data_dir(args.data), time.perf_counter(), FoldLog(args, "scikit-learn")
    kw = {"window_s": args.window_s, "windows_per_record": args.windows_per_record}
    tr, te = (
        nt.mitdb_noise_windows(
            data / "mitdb", data / "nstdb", noise_part=part, random_state=seed, **kw
        )
        for part, seed in (("first", 0), ("second", 1))
    )
    cc = nt.cinc2017_windows(data / "cinc2017", window_s=args.window_s)
    sets = {"train": ("mitdb_train", tr), "test": ("mitdb_test", te), "other": ("cinc2017", cc)}
    feats = {k: nt.cached_window_features(w, n, args.cache) for k, (n, w) in sets.items()}
    recs = list(np.unique(tr.record))
    res = noise_study(
        lambda f: NoiseDetector(precomputed=True, features=f, random_state=0),
        tr,
        te,
        cc,
        features=feats,
        groups=dict(zip(recs, patient_groups(recs), strict=True)),
        feature_sets=FEATURE_SETS,
        n_folds=args.folds,
        **saved.hooks,
    )
    result = {
        **res,
        "feature_sets": {k: list(NOISE_FEATURE_SETS[k]) for k in FEATURE_SETS},
        "n_windows": {n: int(w.y.size) for n, w in sets.values()},
        "window_s": args.window_s,
        "noisy_below_db": 10.0,
        "elapsed_s": time.perf_counter() - t_start,
    }
    print(format_noise_study(result, args.window_s))
    print(f"elapsed {result['elapsed_s']:.0f} s")
    saved.finish(result)
    return 0
