"""One (seed, base model) of the prior-shift protocol of ``geoecg bench af``, on a saved matrix.

Usage: ``python simulations/af_prior_shift_seed.py SEED NAME OUT.json [N_TREES]`` with
``X.npy`` / ``y.npy`` (the 193-column :func:`geoecg.features.af.af_feature_matrix` of the
shared CinC folder and its labels) in ``$AF_MATRIX_DIR`` (default ``.afdev``). NAME is a key
of :func:`geoecg.estimators.af.prior_shift_candidates`. The JSON holds the adaptation report
and the candidate's inner (training-part, out-of-fold, target-weighted) score; the protocol
chooses, per seed, the candidate with the best inner score. Used to run the candidates of
one seed as separate processes.
"""

import argparse
import time

import numpy as np
import sklearn
import xgboost

from geoecg.commands.bench_io import dump_json, env_folder, output_file
from geoecg.estimators.af.protocols import (
    DEFAULT_TARGET_PRIORS,
    prior_shift_candidates,
    prior_shift_protocol,
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0].replace("``", ""),
        epilog="X.npy and y.npy are read from $AF_MATRIX_DIR (default .afdev).",
    )
    ap.add_argument("seed", type=int, help="seed of the training/test split and the model")
    ap.add_argument(
        "name",
        choices=("default", "rhythm"),
        help="candidate base model (a key of prior_shift_candidates)",
    )
    ap.add_argument(
        "out",
        type=output_file,
        help="JSON file written at the end (adaptation report, inner score)",
    )
    ap.add_argument("n_trees", type=int, nargs="?", default=200, help="xgboost trees (default 200)")
    args = ap.parse_args(argv)
    d = env_folder(ap, "AF_MATRIX_DIR", ".afdev", ("X.npy", "y.npy"), "the AF feature matrix")
    seed, name, out, ntree = args.seed, args.name, args.out, args.n_trees
    X, y = np.load(f"{d}/X.npy"), np.load(f"{d}/y.npy")
    print(seed, name, f"{len(y)} records, {ntree} trees: running", flush=True)
    t0 = time.perf_counter()
    r = prior_shift_protocol(
        lambda s: prior_shift_candidates(n_estimators=ntree, random_state=s, names=[name]),
        X,
        y,
        DEFAULT_TARGET_PRIORS,
        test_size=340,
        seeds=[seed],
    )
    r["time_s"] = time.perf_counter() - t0
    r["versions"] = {
        "sklearn": sklearn.__version__,
        "xgboost": xgboost.__version__,
        "numpy": np.__version__,
    }
    dump_json(out, r, indent=None, default=float)  # atomic, folder created
    inner = r["per_seed"][0]["inner_scores"]
    print(seed, name, "inner", inner, "time", round(r["time_s"], 1), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
