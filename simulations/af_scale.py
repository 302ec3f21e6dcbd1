"""Scale check of the CinC AF training path (issue 18): can ``geoecg bench af --train-data``
take the full 8,528-record CinC 2017 training set (or any CinC-layout folder)?

Measures, on the shared CinC folder, in CPU seconds of this process (``time.process_time``,
one thread; wall-clock under a loaded machine is not a measure of cost):

1. record + rhythm-profile features of ``--n-sample`` random records, uncached (median, p90);
2. the whole folder's feature matrix from the per-record cache (a cached row reads no record);
3. peak memory of that lazy pass, against the bytes every signal would take if held at once;
4. the ``CinC2017Classifier`` fit (200 trees) on 1,200 rows and on 8,528 rows (the shared
   rows resampled to the full training-set class counts, 1 % jitter): measured, not
   extrapolated, since the fit cost depends on the number of rows, not on which records.

Usage::

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 python simulations/af_scale.py \\
        --data ../shared/data/cinc2017 --cache /tmp/af-cache --out af_scale.json

Run once without a warm cache for item 2 to include the first computation of every row.

``--out`` is written after each of the steps 1, 2 + 3 and 4 (``JsonSink``: ``"complete": false``
until the end, the reason on Ctrl-C); ``--resume`` reads the finished steps of an unfinished
``--out`` written with the same settings and code instead of timing them again (step 4 then
reads the folder's matrix from the cache, as step 2 does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time

import numpy as np

from geoecg.commands.bench_io import JsonSink, to_jsonable
from geoecg.estimators.af import CinC2017Classifier
from geoecg.features.af import af_feature_matrix
from geoecg.io import CinC2017

#: Class counts of the full CinC 2017 training set (8,528 records).
FULL = {"N": 5076, "A": 758, "O": 2415, "~": 279}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="CinC 2017 training folder (REFERENCE.csv)")
    ap.add_argument("--cache", required=True, help="per-record feature cache folder")
    ap.add_argument(
        "--n-sample", type=int, default=24, help="records timed uncached in step 1 (default 24)"
    )
    ap.add_argument("--out", help="JSON written after each step (complete: false until the end)")
    ap.add_argument("--resume", action="store_true", help="skip the steps --out already holds")
    args = ap.parse_args(argv)
    db = CinC2017(args.data)
    lab = db.labels()
    names = [n for n in db.records() if n in lab.index]
    rng = np.random.default_rng(0)
    sample = sorted(rng.choice(names, args.n_sample, replace=False).tolist())  # 1. drawn first
    matrix = []  # the folder's feature matrix, read once by step 2 or step 4

    def folder_matrix():
        if not matrix:
            m = af_feature_matrix(
                db.signals(names),
                db.fs,
                rhythm_profile=True,
                keys=db.content_keys(names),
                cache_dir=args.cache,
            )
            matrix.append(m)
        return matrix[0]

    def uncached() -> dict:  # 1.
        t = []
        with tempfile.TemporaryDirectory() as d:
            for n in sample:
                t0 = time.process_time()
                af_feature_matrix(
                    db.signals([n]), db.fs, rhythm_profile=True, keys=db.content_keys([n]),
                    cache_dir=d,
                )  # fmt: skip
                t.append(time.process_time() - t0)
        return {
            "median": float(np.median(t)),
            "p90": float(np.percentile(t, 90)),
            "first_incl_jit": t[0],
            "n": len(t),
        }

    def folder() -> dict:  # 2. + 3. the folder from the cache, lazily
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0 = time.process_time()
        m = folder_matrix()
        f = {"folder_matrix_s": time.process_time() - t0}
        f["peak_rss_mb_before_after"] = [
            rss0,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        ]
        sig = sum(db.read(n).signal[0].nbytes for n in names) / 2**20
        f["all_signals_mb"] = {"folder": sig, "8528_extrapolated": sig * 8528 / len(names)}
        f["feature_matrix_mb_8528"] = 8528 * m.X.shape[1] * 8 / 2**20
        return f

    def fits() -> dict:  # 4. fit cost at 1,200 and 8,528 rows
        m = folder_matrix()
        y = lab.loc[names].to_numpy().astype(str)
        idx = np.concatenate([rng.choice(np.flatnonzero(y == c), k) for c, k in FULL.items()])
        X8 = m.X[idx] * (1 + 0.01 * rng.standard_normal((idx.size, m.X.shape[1])))
        fit_s = {}
        for n_rows in (len(names), idx.size):
            perm = rng.permutation(idx.size)[:n_rows]
            t0 = time.process_time()
            clf = CinC2017Classifier(n_estimators=200, random_state=0, n_jobs=1)
            clf.fit(X8[perm], y[idx][perm])
            fit_s[n_rows] = time.process_time() - t0
        return fit_s

    with JsonSink(args.out, "scikit-learn", "xgboost", "numba", run=args) as out:
        out["n_records"] = len(names)
        out["load_avg"] = os.getloadavg()
        out["clock"] = "process_time (CPU s of this process, one thread)"
        out.stage("uncached_s_per_record", uncached)
        out.stage("folder", folder)
        out.stage("fit_s", fits)
        print(json.dumps(to_jsonable(out.results), indent=1))
    return out.results


if __name__ == "__main__":
    main()
