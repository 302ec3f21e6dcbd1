"""One (seed, base model) of the prior-shift protocol of ``geoecg bench af``, on a saved matrix.

Usage: ``python simulations/af_prior_shift_seed.py SEED NAME OUT.json [N_TREES]`` with
``X.npy`` / ``y.npy`` (the 193-column :func:`geoecg.features.af.af_feature_matrix` of the
shared CinC folder and its labels) in ``$AF_MATRIX_DIR`` (default ``.afdev``). NAME is a key
of :func:`geoecg.estimators.af.prior_shift_candidates`. The JSON holds the adaptation report
and the candidate's inner (training-part, out-of-fold, target-weighted) score; the protocol
chooses, per seed, the candidate with the best inner score. Used to run the candidates of
one seed as separate processes.
"""

import json
import os
import sys
import time

import numpy as np
import sklearn
import xgboost

from geoecg.estimators.af.protocols import (
    DEFAULT_TARGET_PRIORS,
    prior_shift_candidates,
    prior_shift_protocol,
)

seed, name, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ntree = int(sys.argv[4]) if len(sys.argv) > 4 else 200
d = os.environ.get("AF_MATRIX_DIR", ".afdev")
X, y = np.load(f"{d}/X.npy"), np.load(f"{d}/y.npy")
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
json.dump(r, open(out, "w"), default=float)
print(
    seed, name, "inner", r["per_seed"][0]["inner_scores"], "time", round(r["time_s"], 1), flush=True
)
