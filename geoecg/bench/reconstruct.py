"""PTB-XL lead reconstruction: 12 leads from fewer, and NORM-vs-MI from a lead subset.

Protocol (patient-wise; PTB-XL's ``strat_fold`` keeps a patient in one fold), all of it in
:mod:`geoecg.leads.protocol`:

1. Reconstruction (:func:`~geoecg.leads.protocol.reconstruction_report`): a
   :class:`geoecg.leads.LeadReconstructor` per source set and method, its settings (taps,
   beat phases with |x| columns or not) chosen by an inner patient-grouped 3-fold
   CV on folds 1-8 (0.5-40 Hz, 100 Hz), scored once on folds 9-10: per-lead r, RMSE (µV)
   and amplitude spread. ``"patient"`` calibrates on the first 3 s and is scored on the rest.
2. Downstream NORM vs MI (:func:`~geoecg.leads.protocol.subset_auc_comparison`): the
   Hankel tangent-space pipeline with age and sex on (a) the 12 real leads, (b) the source
   leads alone, (c) 12 leads reconstructed from the sources (real-12 model).
3. ``--curve``: (b) and (c) against the number of source leads.
"""

from __future__ import annotations

__all__ = ["add_arguments", "run"]

import argparse

from ..commands.bench_io import JsonSink, add_common, data_dir, log, parse_list

DEFAULT_SOURCES = ("I", "I,II", "I,II,V2", "I,II,V3", "II,V1,V5", "II")
CURVE_SETS = (
    "II",
    "I,II",
    "I,II,V2",
    "I,II,V2,V4",
    "I,II,V1,V2,V4",
    "I,II,V1,V2,V4,V6",
    "I,II,V1,V2,V3,V4,V5,V6",
)
FS = 100.0
CALIBRATION_S = 3.0
PEERS = ("numba", "scikit-learn", "pyriemann")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_common(p, data="PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)", seed=0)
    p.add_argument(
        "--sources",
        nargs="+",
        default=list(DEFAULT_SOURCES),
        help="source lead sets, each comma-separated (e.g. I,II,V3)",
    )
    p.add_argument(
        "--methods",
        default="population,patient",
        help="comma-separated subset of population, gaussian, patient",
    )
    p.add_argument(
        "--downstream",
        default="I,II,V3",
        help="source set of the NORM-vs-MI comparison ('' to skip)",
    )
    p.add_argument("--curve", action="store_true", help="AUC against the number of leads")
    p.add_argument("--n-boot", type=int, default=1000)


def run(args) -> int:
    from ..datasets.ptbxl_tasks import load_task
    from ..io import PTBXL
    from ..leads import METHODS
    from ..leads.protocol import format_report, reconstruction_report, subset_auc_comparison
    from ..signal import bandpass

    methods = parse_list(args.methods, name="--methods", choices=METHODS)
    root = data_dir(args.data, "ptbxl", marker="ptbxl_database.csv")
    with JsonSink(args.json, *PEERS) as res:  # "complete": false until the table is out
        db = PTBXL(root)
        X, meta = db.load(db.available(100), fs=100)
        res.results.update(
            n_records=int(len(X)),
            fs=FS,
            band_hz=[0.5, 40.0],
            split="strat_fold 1-8 train, 9-10 test",
            calibration_s=CALIBRATION_S,
            reconstruction={},
            downstream={},
        )
        if methods and args.sources:
            res["reconstruction"] = reconstruction_report(
                bandpass(X, FS, 0.5, 40.0, order=2),
                meta["strat_fold"].to_numpy() <= 8,
                meta["patient_id"].to_numpy(),
                args.sources,
                methods,
                fs=FS,
                calibration_s=CALIBRATION_S,
                log=log,
            )
        res.stage("reconstruction", res["reconstruction"])  # written, "downstream" still {}
        subsets = [args.downstream] if args.downstream else []
        subsets += [s for s in CURVE_SETS if args.curve and s not in subsets]
        if subsets:
            Xt, y, groups, covs = load_task(root, "NORM-vs-MI")
            down = subset_auc_comparison(
                Xt, y, groups, covs, subsets, fs=FS, seed=args.seed, n_boot=args.n_boot, log=log
            )
            down["protocol"] = (
                f"NORM vs MI, 1 x 5-fold StratifiedGroupKFold by patient_id, seed {args.seed}"
            )
            res.stage("downstream", down)
        print(format_report(res.results))
    return 0
