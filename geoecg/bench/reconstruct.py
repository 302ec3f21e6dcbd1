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

``--json`` is written after each stage; ``--resume`` reads the finished stage of an
unfinished run (:func:`~geoecg.leads.protocol.reconstruction_benchmark`).
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
    data = "PTB-XL folder, or a folder holding ptbxl/ (default $GEOECG_DATA)"
    add_common(p, data=data, seed=0, resume=True)
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
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (1000)")


def run(args) -> int:
    from ..leads import METHODS
    from ..leads.protocol import format_report, reconstruction_benchmark

    methods = parse_list(args.methods, name="--methods", choices=METHODS)
    root = data_dir(args.data, "ptbxl", marker="ptbxl_database.csv")
    subsets = [args.downstream] if args.downstream else []
    subsets += [s for s in CURVE_SETS if args.curve and s not in subsets]
    with JsonSink(args.json, *PEERS, run=args) as res:  # "complete": false until the end
        kw = {"fs": FS, "calibration_s": CALIBRATION_S, "seed": args.seed, "n_boot": args.n_boot}
        reconstruction_benchmark(root, args.sources, methods, subsets, sink=res, log=log, **kw)
        print(format_report(res.results))
    return 0
